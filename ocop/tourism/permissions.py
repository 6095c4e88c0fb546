"""Who manages tourism destinations and itineraries (the public reads what is published).

| role | destinations | itineraries |
|---|---|---|
| admin, central office | everywhere | everywhere |
| provincial standing office | in its province | of its province |
| commune officer | in its commune (a pre-2025 commune counts through the one it became) | no |
| inspector, council member, producer, visitor | no | no |

An itinerary crosses communes, so it is the province's: a commune officer proposes its own
destinations, the province links them.
"""

from __future__ import annotations

from typing import Any

import rules
from django.utils.translation import gettext_lazy as _

from ocop.accounts.jurisdiction import can_see_unit
from ocop.accounts.models import Role
from ocop.core.refusals import ALLOWED, Verdict, denied
from ocop.units.models import Unit

DESTINATION_ROLES = frozenset({Role.ADMIN, Role.CENTRAL, Role.PROVINCE_OFFICE,
                               Role.COMMUNE_OFFICER})
ITINERARY_ROLES = frozenset({Role.ADMIN, Role.CENTRAL, Role.PROVINCE_OFFICE})


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.is_active


def can_manage_tourism(user: Any) -> Verdict:
    """Whether the user has the management pages at all."""
    if _active(user) and (user.is_nationwide or user.role in DESTINATION_ROLES):
        return ALLOWED
    return denied(_("Chỉ cơ quan thường trực OCOP tỉnh và cán bộ xã quản lý điểm du lịch."),
                  "tourism.not_an_office")


def manage_destination(user: Any, commune: Unit | None) -> Verdict:
    if not (verdict := can_manage_tourism(user)):
        return verdict
    if user.is_nationwide:
        return ALLOWED
    if commune is None or not can_see_unit(user, commune):
        return denied(_("Điểm du lịch này không thuộc địa bàn của bạn."), "tourism.other_area")
    return ALLOWED


def can_manage_itineraries(user: Any) -> Verdict:
    if _active(user) and (user.is_nationwide or user.role in ITINERARY_ROLES):
        return ALLOWED
    return denied(_("Tuyến tham quan do cơ quan thường trực OCOP tỉnh lập."),
                  "tourism.itinerary_office_only")


def manage_itinerary(user: Any, province: Unit | None) -> Verdict:
    if not (verdict := can_manage_itineraries(user)):
        return verdict
    if user.is_nationwide:
        return ALLOWED
    if province is None or province.pk != user.unit_id:
        return denied(_("Tuyến tham quan này không thuộc tỉnh/thành phố của bạn."),
                      "tourism.other_province")
    return ALLOWED


rules.add_perm("tourism.manage_destination", rules.predicate(
    lambda user, destination: bool(manage_destination(user, destination.commune))))
rules.add_perm("tourism.manage_itinerary", rules.predicate(
    lambda user, itinerary: bool(manage_itinerary(user, itinerary.province))))
