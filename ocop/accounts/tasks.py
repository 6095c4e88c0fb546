"""Background work of accounts: the password-reset e-mail."""

from __future__ import annotations

from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.tasks import task
from django.utils import translation

SUBJECT_TEMPLATE = "accounts/password_reset_subject.txt"
EMAIL_TEMPLATE = "accounts/password_reset_email.txt"


@task()
def send_password_reset(email: str, domain: str, use_https: bool, language: str) -> int:
    """Send the reset link to each active account with ``email``; return how many were sent.

    Runs in the worker, so the page answers in the same time whether the address belongs to an
    account or not (the lookup and the SMTP exchange happen here, not in the request).
    """
    form = DjangoPasswordResetForm({"email": email})
    if not form.is_valid():
        return 0
    with translation.override(language):
        form.save(domain_override=domain, use_https=use_https,
                  subject_template_name=SUBJECT_TEMPLATE, email_template_name=EMAIL_TEMPLATE)
    return len(list(form.get_users(email)))
