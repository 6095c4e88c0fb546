"""Who may open the office dashboard: the offices that steer the programme, each over its own
area. Nation-wide accounts (admin, central office) see the nation; the provincial standing
office and an inspector bound to a province see that province; a commune officer (or an
inspector bound to a commune) sees the commune. Producers and council members do not: the
dashboard counts other producers' records, and a council member's reach is the dossiers
assigned to them, not an area."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from ocop.accounts.models import Role
from ocop.core.refusals import ALLOWED, Verdict, denied

AREA_ROLES = frozenset({Role.PROVINCE_OFFICE, Role.COMMUNE_OFFICER, Role.INSPECTOR})

_NO_ACCESS = _("Bảng điều khiển chỉ dành cho cơ quan quản lý Chương trình OCOP.")
_NO_AREA = _("Tài khoản của bạn chưa được gắn với tỉnh/thành phố hoặc xã/phường nào, nên "
             "chưa có số liệu để xem. Hãy đề nghị quản trị hệ thống gắn địa bàn.")


def can_view(user: Any) -> Verdict:
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return denied(_NO_ACCESS)
    if user.is_nationwide:
        return ALLOWED
    if user.role not in AREA_ROLES:
        return denied(_NO_ACCESS, "dashboards.no_access")
    if user.unit_id is None:
        return denied(_NO_AREA, "dashboards.no_area")
    return ALLOWED
