"""Forms of the certificate pages (the services check the rules again)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the matching fields (others on the form)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class RevokeForm(forms.Form):
    decision_number = forms.CharField(label=_("Số quyết định thu hồi"), max_length=60)
    revoked_on = forms.DateField(label=_("Ngày thu hồi"), initial=timezone.localdate,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Lý do thu hồi"), max_length=2000, widget=forms.Textarea(
        attrs={"rows": 4}), help_text=_("Lý do được công bố trên trang kiểm tra giấy chứng nhận."))
