"""Reads of notifications: a user only ever sees their own."""

from __future__ import annotations

from django.db.models import QuerySet

from ocop.accounts.models import User
from ocop.notifications.models import Notification


def for_user(user: User) -> QuerySet[Notification]:
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


def unread_count(user: User) -> int:
    return for_user(user).filter(read_at__isnull=True).count()
