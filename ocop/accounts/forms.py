from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from ocop.accounts.tasks import send_password_reset


class LoginForm(AuthenticationForm):
    """Django's login form (it passes ``request`` to ``authenticate`` so django-axes sees the
    client IP) with Vietnamese labels and one message that does not say which half was wrong."""

    error_messages = {
        "invalid_login": _("Tên đăng nhập hoặc mật khẩu không đúng."),
        "inactive": _("Tài khoản này đã bị vô hiệu hoá."),
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Tên đăng nhập")
        self.fields["password"].label = _("Mật khẩu")


# One message for every wrong shape ("12ab", "12345", "1234567"): Django's own length message
# ("Giá trị này phải có ít nhất 6 kí tự (hiện có 4)") counts characters, not digits.
SIX_DIGITS = _("Mã xác thực gồm đúng 6 chữ số.")


class OtpForm(forms.Form):
    token = forms.CharField(
        label=_("Mã xác thực 6 số"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
        error_messages={"min_length": SIX_DIGITS, "max_length": SIX_DIGITS},
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].strip()
        if not token.isdigit():
            raise forms.ValidationError(SIX_DIGITS)
        return token


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Tên khoá"), max_length=100, required=False)


class PasswordResetForm(DjangoPasswordResetForm):
    """Hands every request to the task queue, known address or not: the same work in the
    request either way, so its timing does not tell whether an account exists."""

    def save(self, *, domain_override=None, use_https=False, request=None, **kwargs) -> None:
        email = self.cleaned_data["email"]
        domain = domain_override or (request.get_host() if request else "")
        language = translation.get_language() or "vi"
        send_password_reset.enqueue(email, domain, use_https, language)
