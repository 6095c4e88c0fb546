"""E-mail copies of notifications, sent in the background (django.tasks)."""

from __future__ import annotations

from urllib.parse import urljoin

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.utils.translation import gettext as _

from ocop.notifications.models import Notification


@task()
def send_notification_emails(notification_ids: list[int]) -> int:
    """Send one e-mail per notification; returns how many were sent."""
    sent = 0
    rows = Notification.objects.select_related("recipient").filter(pk__in=notification_ids)
    for n in rows:
        address = n.recipient.email
        if not address:
            continue
        lines = [_("Kính gửi %(name)s,") % {"name": n.recipient.get_full_name()
                                             or n.recipient.username}, "", n.verb]
        if n.link:
            lines += ["", _("Xem chi tiết: %(url)s") % {"url": urljoin(settings.SITE_URL, n.link)}]
        lines += ["", _("— Hệ thống quản lý OCOP (thư tự động, vui lòng không trả lời)")]
        send_mail(
            subject=f"[OCOP] {n.verb}"[:150],
            message="\n".join(lines),
            from_email=None,
            recipient_list=[address],
        )
        sent += 1
    return sent
