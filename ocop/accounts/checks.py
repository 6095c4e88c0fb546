"""Deployment check (``manage.py check --deploy``): the account-security floor is in force."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

from ocop.accounts.models import Role
from ocop.accounts.policy import OTP_FLOOR_ROLES


@register(Tags.security, deploy=True)
def check_account_security(app_configs=None, **kwargs) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    configured = set(settings.OTP_REQUIRED_ROLES)
    unknown = sorted(configured - set(Role.values))
    if unknown:
        errors.append(Error(
            f"OTP_REQUIRED_ROLES names unknown roles: {', '.join(unknown)}.",
            hint=f"Known roles: {', '.join(Role.values)}.",
            id="ocop.accounts.E001",
        ))
    missing = sorted(OTP_FLOOR_ROLES - configured)
    if missing:
        errors.append(Error(
            "Two-step verification is switched off for "
            f"{', '.join(missing)}: OTP_REQUIRED_ROLES must include them in production.",
            hint="Set OTP_REQUIRED_ROLES to at least admin,central,province_office.",
            id="ocop.accounts.E002",
        ))
    limits = {
        "STAFF_SESSION_IDLE_MINUTES": settings.STAFF_SESSION_IDLE_MINUTES,
        "STAFF_SESSION_MAX_HOURS": settings.STAFF_SESSION_MAX_HOURS,
    }
    for name, value in limits.items():
        if value <= 0:
            errors.append(Error(f"{name} must be positive (it is {value}).",
                                id="ocop.accounts.E003"))
    return errors
