"""Who may read the feed and the export, import, and manage partners.

- A registered, active partner platform (its request signed with its key) reads and writes the
  records of its province, or of the whole country when it has none (the national centre).
- The national office ("trung ương") and the administrator: everything.
- A province's standing office: its own province only (feed, export, Excel import).
- Everyone else (communes, producers, councils, inspectors, buyers): nothing here.
- Registering partners: the national office and administrators, and a province's office for
  partners of its own province (so a province can let the centre's platform in).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from ocop.accounts.models import Role
from ocop.core.refusals import ALLOWED, Verdict, denied
from ocop.exchange.models import Partner

_PROVINCE_ROLES = {Role.PROVINCE_OFFICE}


def _active_user(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def can_exchange(principal: Any) -> Verdict:
    """May read the feed and the export, and import."""
    if isinstance(principal, Partner):
        return ALLOWED if principal.active else denied(
            _("Nền tảng đối tác này đang tạm dừng trao đổi."), "exchange.partner_inactive")
    if not _active_user(principal):
        return denied(_("Hãy đăng nhập."), "exchange.login")
    if principal.is_nationwide:
        return ALLOWED
    if principal.role in _PROVINCE_ROLES and principal.unit_id:
        return ALLOWED
    return denied(_("Chỉ Văn phòng Điều phối Trung ương, cơ quan thường trực tỉnh và các nền "
                    "tảng đối tác đã đăng ký được trao đổi dữ liệu OCOP."), "exchange.forbidden")


def scope_of(principal: Any) -> str | None:
    """The province the principal's exchange is limited to (None: the whole country). Call
    only after ``can_exchange`` allowed it."""
    if isinstance(principal, Partner):
        return principal.province_id
    return None if principal.is_nationwide else principal.unit_id


def can_manage_partners(user: Any) -> Verdict:
    return can_exchange(user) if _active_user(user) else denied(_("Hãy đăng nhập."))


def can_register_partner_for(user: Any, province_id: str | None) -> Verdict:
    if not (verdict := can_exchange(user)):
        return verdict
    if user.is_nationwide or province_id == user.unit_id:
        return ALLOWED
    return denied(_("Tỉnh chỉ đăng ký được nền tảng đối tác cho tỉnh mình."),
                  "exchange.partner_province")
