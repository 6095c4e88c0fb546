"""Raw-material zones: planting-area codes, area minima, boundary polygons and area."""

from __future__ import annotations

import pytest

from ocop.trace import geo, services, zone_codes
from ocop.trace.models import Zone
from ocop.trace.tests.conftest import SQUARE, zone_data
from ocop.units.models import Unit

pytestmark = pytest.mark.django_db


def test_legacy_code_validated_against_units(units) -> None:
    parsed = zone_codes.parse("vn-24-219-07591-001-23")
    assert parsed.code == "VN-24-219-07591-001-23"
    assert parsed.commune.pk == "LC07591"


def test_code_with_a_commune_of_another_district_is_refused(units) -> None:
    other = Unit.objects.filter(level="commune", era="legacy").exclude(parent_id="LD219") \
        .filter(current_province_id="P24").first()
    code = f"VN-24-219-{other.code}-001-23"
    with pytest.raises(zone_codes.ZoneCodeError, match="không thuộc"):
        zone_codes.parse(code)


@pytest.mark.parametrize("code", [
    "VN-24-219-07591-001",  # no year
    "VN-24-219-7591-001-23",  # commune code with 4 digits
    "24-219-07591-001-23",  # no country
])
def test_malformed_codes(units, code) -> None:
    with pytest.raises(zone_codes.ZoneCodeError, match="sai định dạng"):
        zone_codes.parse(code)


def test_unknown_units(units) -> None:
    with pytest.raises(zone_codes.ZoneCodeError, match="không có trong danh mục"):
        zone_codes.parse("VN-24-999-07591-001-23")


def test_current_layout_from_configuration(units, settings) -> None:
    parsed = zone_codes.parse("VN-24-07582-003-25")
    assert parsed.commune.pk == "C07582"
    settings.TRACE_ZONE_CODE_LAYOUTS = zone_codes.DEFAULT_LAYOUTS[:1]
    with pytest.raises(zone_codes.ZoneCodeError):
        zone_codes.parse("VN-24-07582-003-25")


def test_geodesic_area_of_a_known_square() -> None:
    rings = geo.validate_polygon(SQUARE)
    # 0.0012° lon × 0.0011° lat at 21.38° N ≈ 124.5 m × 121.6 m ≈ 1.514 ha
    assert geo.area_ha(rings) == pytest.approx(1.514, rel=0.01)
    with_hole = {"type": "Polygon", "coordinates": [
        SQUARE["coordinates"][0],
        [[106.5503, 21.3803], [106.5506, 21.3803], [106.5506, 21.3806], [106.5503, 21.3806],
         [106.5503, 21.3803]]]}
    assert geo.area_ha(geo.validate_polygon(with_hole)) < geo.area_ha(rings)


@pytest.mark.parametrize(("boundary", "message"), [
    ({"type": "Polygon", "coordinates": [[[106.55, 21.38], [106.56, 21.38], [106.56, 21.39],
                                          [106.55, 21.39]]]}, "không khép kín"),
    ({"type": "Polygon", "coordinates": [[[106.55, 21.38], [106.56, 21.38], [106.55, 21.38]]]},
     "ít nhất 4 điểm"),
    ({"type": "Polygon", "coordinates": [[[106.55, 21.38], [106.56, 21.39], [106.56, 21.38],
                                          [106.55, 21.39], [106.55, 21.38]]]}, "tự cắt"),
    ({"type": "Point", "coordinates": [106.55, 21.38]}, "kiểu Polygon"),
    ({"type": "Polygon", "coordinates": [[[206.55, 21.38], [106.56, 21.38], [106.56, 21.39],
                                          [206.55, 21.38]]]}, "ngoài phạm vi"),
    ({"type": "Polygon", "coordinates": [[["a", 21.38]]]}, "Toạ độ không hợp lệ"),
])
def test_bad_polygons(boundary, message) -> None:
    with pytest.raises(geo.BoundaryError, match=message):
        geo.validate_polygon(boundary)


def test_svg_path_fits_the_view_box() -> None:
    path = geo.svg_path(geo.validate_polygon(SQUARE))
    numbers = [float(v) for part in path.replace("M", " ").replace("L", " ").replace("Z", " ")
               .split() for v in part.split(",")]
    assert path.startswith("M") and path.endswith("Z")
    assert all(0 <= v <= 320 for v in numbers)


def test_create_zone_stores_code_commune_and_area(people) -> None:
    producer = people["producer"]
    zone = services.create_zone(actor=producer, producer=producer.producer, data=zone_data())
    assert zone.commune_id == "LC07591" and zone.status == Zone.Status.ISSUED
    assert float(zone.computed_area_ha) == pytest.approx(1.514, rel=0.01)


@pytest.mark.parametrize(("extra", "field", "message"), [
    ({"declared_area_ha": "0.5"}, "declared_area_ha", "tối thiểu"),
    ({"declared_area_ha": "0.05", "crop_kind": "annual", "boundary": None},
     "declared_area_ha", "0.1 ha"),
    ({"declared_area_ha": "2.5"}, "boundary", "lệch quá 20%"),
    ({"boundary": {"type": "Polygon", "coordinates": [[[106.55, 21.38], [106.56, 21.38],
                                                       [106.56, 21.39], [106.55, 21.39]]]}},
     "boundary", "không khép kín"),
    ({"code": "VN-24-219-07591-1"}, "code", "sai định dạng"),
])
def test_refused_zones_store_nothing(people, extra, field, message) -> None:
    producer = people["producer"]
    with pytest.raises(services.ActionError, match=message) as refused:
        services.create_zone(actor=producer, producer=producer.producer, data=zone_data(**extra))
    assert refused.value.field == field
    assert not Zone.objects.exists()


def test_annual_crop_minimum_is_a_tenth_of_a_hectare(people) -> None:
    producer = people["producer"]
    zone = services.create_zone(actor=producer, producer=producer.producer, data=zone_data(
        crop_kind="annual", declared_area_ha="0.1", boundary=None, crop="Rau cải"))
    assert str(zone.declared_area_ha) == "0.1"


def test_duplicate_code_is_a_conflict(people) -> None:
    producer = people["producer"]
    services.create_zone(actor=producer, producer=producer.producer, data=zone_data())
    with pytest.raises(services.ActionError) as refused:
        services.create_zone(actor=producer, producer=producer.producer, data=zone_data())
    assert refused.value.status == 409


def test_suspended_zone_needs_a_reason_and_blocks_harvests(chain) -> None:
    producer = chain.people["producer"]
    with pytest.raises(services.ActionError, match="lý do"):
        services.set_zone_status(actor=producer, zone=chain.zone, status="suspended")
    services.set_zone_status(actor=producer, zone=chain.zone, status="suspended",
                             reason="Dư lượng thuốc BVTV vượt ngưỡng")
    with pytest.raises(services.ActionError, match="tạm dừng") as refused:
        services.record_harvest(actor=producer, zone=chain.zone, product=chain.fruit,
                                lot_code="VT-2025-02", harvested_at=chain.harvest.created_at,
                                quantity=10, unit="kg")
    assert refused.value.status == 409
