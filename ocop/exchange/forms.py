"""Forms of the exchange's staff page: they only parse input; the services hold the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ocop.units.models import Unit


def _provinces(user: Any, *, legacy: bool) -> Any:
    """Provinces the user's exchange may name: every current province (and, with ``legacy``,
    the provinces before 1 July 2025) for the nation-wide offices; a province office its own
    province and the former provinces that became part of it."""
    qs = Unit.objects.filter(level=Unit.Level.PROVINCE)
    if not legacy:
        qs = qs.filter(era=Unit.Era.CURRENT)
    if not user.is_nationwide:
        qs = qs.filter(Q(pk=user.unit_id) | Q(current_province_id=user.unit_id))
    return qs.order_by("era", "name")


class ListImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp danh sách (.xlsx) hoặc lô dữ liệu trao đổi (.jsonl)"))
    # Required for an Excel list only (the view checks it once the file's content is known).
    issuing_unit = forms.ModelChoiceField(
        label=_("Tỉnh ban hành các quyết định"), queryset=Unit.objects.none(), required=False,
        help_text=_("Với danh sách trước 01/07/2025, chọn tỉnh cũ đã ký quyết định."))
    signer_name = forms.CharField(label=_("Người ký quyết định"), max_length=150, required=False,
                                  help_text=_("Dùng cho các dòng không ghi cột “Người ký”."))
    signer_title = forms.CharField(label=_("Chức vụ người ký"), max_length=150, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["issuing_unit"].queryset = _provinces(user, legacy=True)
        # A province's own lists are the usual case: its province is chosen already.
        self.fields["issuing_unit"].initial = user.unit_id
        self.fields["issuing_unit"].label_from_instance = lambda unit: (
            unit.full_name if unit.is_current else _("%(name)s (trước 01/07/2025)")
            % {"name": unit.full_name})


class PartnerForm(forms.Form):
    code = forms.SlugField(label=_("Mã nền tảng"), max_length=40,
                           help_text=_("Chữ thường không dấu, ví dụ: trung-uong, bac-ninh."))
    name = forms.CharField(label=_("Tên nền tảng"), max_length=200)
    public_key_pem = forms.CharField(label=_("Khoá công khai (PEM)"), widget=forms.Textarea(
        attrs={"rows": 4}))
    base_url = forms.URLField(label=_("Địa chỉ nền tảng"), required=False,
                              help_text=_("Để kéo và gửi dữ liệu, ví dụ https://ocop.bacninh.gov.vn"))
    province = forms.ModelChoiceField(label=_("Tỉnh/thành phố"), queryset=Unit.objects.none(),
                                      required=False,
                                      help_text=_("Để trống: nền tảng trung ương (cả nước)."))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = _provinces(user, legacy=False)
        if not user.is_nationwide:
            self.fields["province"].required = True
            self.fields["province"].help_text = ""
