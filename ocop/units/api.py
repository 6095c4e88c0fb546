"""Public JSON API for administrative units (reference data: no authentication)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from ninja import Router, Schema

from ocop.api.errors import refusals
from ocop.core.refusals import NotFound
from ocop.units import selectors
from ocop.units.models import Unit
from ocop.units.names import full_address

router = Router(tags=["units"], auth=None)


class UnitOut(Schema):
    key: str
    code: str
    era: str
    level: str
    name: str
    full_name: str


class UnitRef(Schema):
    key: str
    full_name: str


class SuccessorOut(Schema):
    key: str
    full_name: str
    note: str


class UnitDetail(UnitOut):
    parent: UnitRef | None
    current_province: UnitRef | None
    current_commune: UnitRef | None
    address: str
    valid_from: str | None
    valid_to: str | None
    successors: list[SuccessorOut]


def _ref(unit: Unit | None) -> UnitRef | None:
    return UnitRef(key=unit.key, full_name=unit.full_name) if unit is not None else None


@router.get("/provinces", response=list[UnitOut], summary="Tỉnh/thành phố hiện nay (34)")
def list_provinces(request: HttpRequest, era: Unit.Era = Unit.Era.CURRENT):
    return selectors.provinces() if era == Unit.Era.CURRENT else selectors.legacy_provinces()


@router.get(
    "/provinces/{key}/communes",
    response={200: list[UnitOut], **refusals(404)},
    summary="Xã/phường của một tỉnh (trước 01/07/2025: xã/phường/thị trấn của tỉnh cũ)",
)
def list_communes(request: HttpRequest, key: str):
    province = selectors.get_unit(key)
    if province is None or province.level != Unit.Level.PROVINCE:
        raise NotFound(_("Không tìm thấy tỉnh/thành phố"), code="units.unknown_province")
    if province.is_current:
        return selectors.communes(key)
    return selectors.legacy_communes_of_province(key)


@router.get("/{key}", response={200: UnitDetail, **refusals(404)},
            summary="Một đơn vị hành chính, kèm nơi nó thuộc về nay")
def get_unit(request: HttpRequest, key: str):
    unit = selectors.get_unit(key)
    if unit is None:
        raise NotFound(_("Không tìm thấy đơn vị hành chính"), code="units.unknown_unit")
    successions = unit.successions.select_related("successor").order_by("successor_id")
    return UnitDetail(
        key=unit.key,
        code=unit.code,
        era=unit.era,
        level=unit.level,
        name=unit.name,
        full_name=unit.full_name,
        parent=_ref(unit.parent),
        current_province=_ref(unit.current_province),
        current_commune=_ref(unit.current_commune),
        address=capfirst(full_address(unit)),
        valid_from=unit.valid_from.isoformat() if unit.valid_from else None,
        valid_to=unit.valid_to.isoformat() if unit.valid_to else None,
        successors=[
            SuccessorOut(key=s.successor.key, full_name=s.successor.full_name, note=s.note)
            for s in successions
        ],
    )
