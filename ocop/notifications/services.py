"""Create notifications: in-app rows now, an e-mail copy through a task after commit."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import Promise

from ocop.accounts.models import User
from ocop.notifications.models import Notification
from ocop.notifications.tasks import send_notification_emails
from ocop.notifications.verbs import LEGACY, VERBS


def _jsonable(value: Any) -> Any:
    """A sentence value as JSON keeps it: dates as ISO strings, decimals as their digits."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Promise):
        # A lazy text would be frozen in the writer's language: store codes, not sentences.
        raise TypeError("notification data must not hold translated text")
    return value


def notify(
    users: Iterable[User], verb: str, data: Mapping[str, Any] | None = None,
    target: models.Model | None = None, *, link: str = "", email: bool = True,
) -> list[Notification]:
    """Notify each distinct active user once that ``verb`` (a code of
    ``ocop.notifications.verbs.VERBS``) happened, with the values of its sentence in ``data``
    (names, references, numbers, dates, the ids its link needs). The sentence is worded when
    read, in the reader's language; ``link`` stores a path for a verb without a named URL.

    Call inside the transaction of the change: the rows roll back with it, and the e-mail task
    is only enqueued once the change is committed (so a worker never reads a notification that
    does not exist yet, and no mail goes out for a change that failed)."""
    if verb not in VERBS and verb != LEGACY:
        raise ValueError(f"unknown notification verb {verb!r}")
    recipients = {u.pk: u for u in users if u is not None and u.is_active}
    if not recipients:
        return []
    values = {key: _jsonable(value) for key, value in (data or {}).items()}
    target_type = target._meta.label_lower if target is not None else ""
    target_id = str(target.pk) if target is not None else ""
    target_repr = str(target)[:255] if target is not None else ""
    rows = Notification.objects.bulk_create(
        Notification(recipient_id=pk, verb=verb, data=values, target_type=target_type,
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
