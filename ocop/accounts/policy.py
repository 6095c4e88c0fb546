"""Account security policy: who must use two-step verification, and how long a session lasts.

Read from settings so that a deployment can widen the rules (e.g. add commune officers to
``OTP_REQUIRED_ROLES``); ``ocop.accounts.checks`` refuses a production configuration that
narrows them below the floor.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

from ocop.accounts.models import STAFF_ROLES, Role, User

# Roles that can change other people's records nation- or province-wide: 2FA is never optional.
OTP_FLOOR_ROLES = frozenset({Role.ADMIN, Role.CENTRAL, Role.PROVINCE_OFFICE})


def is_staff_account(user: User) -> bool:
    """A public-office account (not a producer): shorter sessions, 2FA by role."""
    return user.is_superuser or user.is_staff or user.role in STAFF_ROLES


def second_factor_required(user: User) -> bool:
    """Must ``user`` have a confirmed TOTP device before reaching any page?

    Superusers and Django-admin accounts always; the roles in ``OTP_REQUIRED_ROLES``; and any
    account an administrator flagged with ``require_otp``.
    """
    return (
        user.require_otp
        or user.is_superuser
        or user.is_staff
        or user.role in settings.OTP_REQUIRED_ROLES
    )


def session_limits(user: User) -> tuple[timedelta, timedelta]:
    """(idle timeout, absolute lifetime) of a signed-in session of ``user``."""
    if is_staff_account(user):
        return (
            timedelta(minutes=settings.STAFF_SESSION_IDLE_MINUTES),
            timedelta(hours=settings.STAFF_SESSION_MAX_HOURS),
        )
    return (
        timedelta(hours=settings.PRODUCER_SESSION_IDLE_HOURS),
        timedelta(hours=settings.PRODUCER_SESSION_MAX_HOURS),
    )
