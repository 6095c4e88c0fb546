"""Who may manage criteria sets in the browser and accept a non-official sheet.

Defaults (override in settings): the central office and administrators upload and activate;
a provincial office may upload a *proposal* (staged, never active until the central office or
an administrator activates it) and accepts non-official sheets for its own province.
"""

from __future__ import annotations

from django.conf import settings

from ocop.accounts.models import Role, User
from ocop.criteria.models import CriteriaSetVersion

DEFAULT_UPLOAD_ROLES = (Role.ADMIN, Role.CENTRAL, Role.PROVINCE_OFFICE)
DEFAULT_ACTIVATE_ROLES = (Role.ADMIN, Role.CENTRAL)


def _role_in(user: User, setting: str, default: tuple[str, ...]) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_superuser or user.role in getattr(settings, setting, default)


def can_upload(user: User) -> bool:
    """Open the management page, download templates, upload (a proposal for a province)."""
    return _role_in(user, "CRITERIA_UPLOAD_ROLES", DEFAULT_UPLOAD_ROLES)


def can_activate(user: User) -> bool:
    return _role_in(user, "CRITERIA_ACTIVATE_ROLES", DEFAULT_ACTIVATE_ROLES)


def can_see_staged(user: User, row: CriteriaSetVersion) -> bool:
    """Those who activate see every staged version; a proposer sees their own."""
    return can_activate(user) or (can_upload(user) and row.imported_by_id == user.pk)


def can_accept(user: User) -> bool:
    """A provincial office accepts for its province; the central office and administrators for
    every province."""
    if not user.is_authenticated:
        return False
    return user.is_nationwide or (user.role == Role.PROVINCE_OFFICE and user.unit_id is not None)
