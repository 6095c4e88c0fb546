"""Who may read and write annual plans. Each predicate answers a ``Verdict`` (why not).

- read: nation-wide accounts (admin, central) every plan; the provincial standing office,
  inspectors and commune officers the plans of their province (a legacy province's plan, such
  as tỉnh Bắc Giang 2024, belongs to the current province it lies in today) and the national
  programme's plan (a public policy whose figures are national totals);
- write (create, edit, approve, targets, budget): nation-wide accounts every plan; the
  provincial standing office (``Role.PROVINCE_OFFICE``) the plans of its own province, never
  the national one;
- producers and council members: no access (the plan is the administration's steering tool).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from ocop.accounts.models import Role, User
from ocop.core.refusals import ALLOWED, Verdict, denied
from ocop.units.models import Unit

READER_ROLES = frozenset({Role.PROVINCE_OFFICE, Role.INSPECTOR, Role.COMMUNE_OFFICER})

_NO_ACCESS = _("Kế hoạch năm chỉ dành cho cơ quan quản lý Chương trình OCOP.")
_OTHER_PROVINCE = _("Kế hoạch này thuộc tỉnh/thành phố khác.")
_READ_ONLY = _("Bạn chỉ được xem kế hoạch, không được sửa.")
_NATIONAL_ONLY = _("Chỉ Văn phòng Điều phối Trung ương lập kế hoạch của Chương trình "
                   "cấp trung ương.")


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def user_province_id(user: User) -> str | None:
    """The current province an area account works in (its own unit, or its commune's)."""
    unit = user.unit
    if unit is None:
        return None
    return unit.pk if unit.level == Unit.Level.PROVINCE else unit.current_province_id


def plan_province_id(province: Unit | None) -> str | None:
    """The current province a plan belongs to today (LP24 tỉnh Bắc Giang → P24)."""
    if province is None:
        return None
    return province.current_province_id or province.pk


def can_use(user: Any) -> Verdict:
    """May open the plan pages at all."""
    if not _active(user):
        return denied(_NO_ACCESS)
    if user.is_nationwide or (user.role in READER_ROLES and user.unit_id is not None):
        return ALLOWED
    return denied(_NO_ACCESS)


def can_view(user: Any, plan: Any) -> Verdict:
    if not (verdict := can_use(user)):
        return verdict
    if user.is_nationwide or plan.province_id is None:
        return ALLOWED
    if plan_province_id(plan.province) == user_province_id(user):
        return ALLOWED
    return denied(_OTHER_PROVINCE, "planning.other_province")


def can_create(user: Any, province: Unit | None) -> Verdict:
    """May make (or edit) a plan of ``province`` (None: the national programme)."""
    if not (verdict := can_use(user)):
        return verdict
    if user.is_nationwide:
        return ALLOWED
    if user.role != Role.PROVINCE_OFFICE:
        return denied(_READ_ONLY, "planning.read_only")
    if province is None:
        return denied(_NATIONAL_ONLY, "planning.national_only")
    if plan_province_id(province) != user_province_id(user):
        return denied(_OTHER_PROVINCE, "planning.other_province")
    return ALLOWED


def can_edit(user: Any, plan: Any) -> Verdict:
    if not (verdict := can_view(user, plan)):
        return verdict
    return can_create(user, plan.province)


def may_create_any(user: Any) -> bool:
    """Whether to offer the "new plan" button."""
    return bool(can_use(user)) and (user.is_nationwide or user.role == Role.PROVINCE_OFFICE)
