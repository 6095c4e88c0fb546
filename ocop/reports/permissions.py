"""Who may request and read standard reports. Each predicate answers a ``Verdict`` (why not).

- nation-wide accounts (admin, central coordination office): reports of the nation, of any
  province and of any commune;
- the provincial standing office (``Role.PROVINCE_OFFICE``): reports of its province and of the
  communes in it; it requests reports of its province;
- a commune officer: reports of its own commune, which it requests;
- producers, council members and inspectors: none (reports are the administration's returns to
  the level above).

A report is read (listed, downloaded) by anyone whose jurisdiction holds the report's scope: the
same or a wider one than the requester's, so the province's monthly report reaches its office
and the centre alike. The check is asked again at every download.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from ocop.accounts.models import Role
from ocop.core.refusals import ALLOWED, Verdict, denied
from ocop.units.models import Unit

AREA_ROLES = frozenset({Role.PROVINCE_OFFICE, Role.COMMUNE_OFFICER})

_NO_ACCESS = _("Báo cáo định kỳ chỉ dành cho cơ quan quản lý Chương trình OCOP (trung ương, "
               "tỉnh, xã).")
_NO_UNIT = _("Tài khoản của bạn chưa gắn với đơn vị hành chính nào; hãy nhờ quản trị viên gán "
             "đơn vị trước khi lập báo cáo.")
_OUT_OF_REACH = _("Báo cáo này thuộc địa bàn khác.")


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def can_use(user: Any) -> Verdict:
    """May open the reports page at all (and request a report of its own scope)."""
    if not _active(user):
        return denied(_NO_ACCESS)
    if user.is_nationwide:
        return ALLOWED
    if user.role not in AREA_ROLES:
        return denied(_NO_ACCESS)
    if user.unit_id is None:
        return denied(_NO_UNIT, "reports.no_unit")
    return ALLOWED


def scope_of(user: Any) -> Unit | None:
    """The scope of the reports ``user`` requests: None (the nation) for a nation-wide account,
    else its own unit (a province or a commune). Ask ``can_use`` first."""
    return None if user.is_nationwide else user.unit


def can_read(user: Any, report: Any) -> Verdict:
    if not (verdict := can_use(user)):
        return verdict
    if user.is_nationwide:
        return ALLOWED
    scope = report.scope
    if scope is None:
        return denied(_OUT_OF_REACH, "reports.out_of_reach")
    if scope.pk == user.unit_id:
        return ALLOWED
    unit = user.unit
    if unit.level == Unit.Level.PROVINCE and scope.current_province_id == unit.pk:
        return ALLOWED
    return denied(_OUT_OF_REACH, "reports.out_of_reach")
