"""E-mail copies of notifications, sent in the background (django.tasks)."""

from __future__ import annotations

from urllib.parse import urljoin

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.utils import translation
from django.utils.translation import gettext as _

from ocop.accounts.models import User
from ocop.notifications.models import Notification


def recipient_language(user: User) -> str:
    """The language an e-mail to ``user`` is written in: the user's preferred language when the
    account has one (a ``preferred_language`` among settings.LANGUAGES), else Vietnamese. A
    worker has no request, so the writer's or the worker's language must not leak in."""
    preferred = getattr(user, "preferred_language", "") or ""
    if preferred in dict(settings.LANGUAGES):
        return preferred
    return "vi"


@task()
def send_notification_emails(notification_ids: list[int]) -> int:
    """Send one e-mail per notification; returns how many were sent."""
    sent = 0
    rows = Notification.objects.select_related("recipient").filter(pk__in=notification_ids)
    for n in rows:
        address = n.recipient.email
        if not address:
            continue
        with translation.override(recipient_language(n.recipient)):
            text = n.text
            lines = [_("Kính gửi %(name)s,") % {"name": n.recipient.get_full_name()
                                                 or n.recipient.username}, "", text]
            if n.url:
                lines += ["", _("Xem chi tiết: %(url)s")
                          % {"url": urljoin(settings.SITE_URL, n.url)}]
            lines += ["", _("— Hệ thống quản lý OCOP (thư tự động, vui lòng không trả lời)")]
        send_mail(
            subject=f"[OCOP] {text}"[:150],
            message="\n".join(lines),
            from_email=None,
            recipient_list=[address],
        )
        sent += 1
    return sent
