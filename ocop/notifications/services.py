"""Create notifications: in-app rows now, an e-mail copy through a task after commit."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models, transaction
from django.utils import timezone

from ocop.accounts.models import User
from ocop.notifications.models import Notification
from ocop.notifications.tasks import send_notification_emails


def notify(
    users: Iterable[User], verb: str, target: models.Model | None = None, link: str = "",
    *, email: bool = True,
) -> list[Notification]:
    """Notify each distinct active user once. Call inside the transaction of the change: the rows
    roll back with it, and the e-mail task is only enqueued once the change is committed (so a
    worker never reads a notification that does not exist yet, and no mail goes out for a
    change that failed)."""
    recipients = {u.pk: u for u in users if u is not None and u.is_active}
    if not recipients:
        return []
    target_type = target._meta.label_lower if target is not None else ""
    target_id = str(target.pk) if target is not None else ""
    target_repr = str(target)[:255] if target is not None else ""
    rows = Notification.objects.bulk_create(
        Notification(recipient_id=pk, verb=verb[:255], target_type=target_type,
                     target_id=target_id, target_repr=target_repr, link=link[:500])
        for pk in sorted(recipients)
    )
    if email:
        ids = [n.pk for n in rows if recipients[n.recipient_id].email]
        if ids:
            transaction.on_commit(lambda: send_notification_emails.enqueue(ids))
    return rows


def mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the user's unread notifications (all, or those in ``ids``) as read."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
