"""Background work of people: the e-mail that lets a new account's owner set a password."""

from __future__ import annotations

from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from ocop.accounts.models import User

SUBJECT_TEMPLATE = "people/invitation_subject.txt"
EMAIL_TEMPLATE = "people/invitation_email.txt"


@task()
def send_invitation(user_id: int, domain: str, use_https: bool, language: str) -> bool:
    """Send the new account's owner the link to set a password (the password reset's own page
    and token: the link stops working once a password is set, or after PASSWORD_RESET_TIMEOUT).
    Nothing is sent to an account that is locked, has no e-mail or already has a password."""
    user = User.objects.filter(pk=user_id, is_active=True).select_related("unit",
                                                                          "producer").first()
    if user is None or not user.email or user.has_usable_password():
        return False
    context = {
        "user": user, "domain": domain, "protocol": "https" if use_https else "http",
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }
    with translation.override(language):
        subject = "".join(render_to_string(SUBJECT_TEMPLATE, context).splitlines())
        body = render_to_string(EMAIL_TEMPLATE, context)
    send_mail(subject, body, None, [user.email])
    return True
