from django import forms
from django.utils.translation import gettext_lazy as _


class OtpForm(forms.Form):
    token = forms.CharField(
        label=_("Mã xác thực 6 số"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].strip()
        if not token.isdigit():
            raise forms.ValidationError(_("Mã xác thực chỉ gồm 6 chữ số."))
        return token
