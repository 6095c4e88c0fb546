"""Where a destination may lie: inside Vietnam, and inside (or just beside) its own province.

The test uses the maps app's schematic province shapes (ocop/maps/static/maps/vn-provinces.geojson,
docs/map.md): they tile the country with both archipelagos, but their borders are straight-edged
approximations, so a point is accepted within ``COUNTRY_MARGIN`` of the country and within
``PROVINCE_MARGIN`` of its province. That refuses swapped latitude/longitude, a missing minus or
a point in the wrong province, without refusing a real place near a border.
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import cache

from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union
from shapely.prepared import PreparedGeometry, prep

from ocop.maps import geodata

# Vietnam's extreme points (Lũng Cú 23.39 N; Mũi Cà Mau 8.56 N; Trường Sa east of 117 E).
LAT_RANGE = (Decimal("8.0"), Decimal("23.5"))
LON_RANGE = (Decimal("102.0"), Decimal("118.0"))
COUNTRY_MARGIN = 0.03  # degrees, about 3 km
PROVINCE_MARGIN = 0.1  # about 11 km: the schematic borders are straight lines


@cache
def _shapes() -> tuple[PreparedGeometry, dict[str, PreparedGeometry]]:
    data = json.loads(geodata.BOUNDARIES_FILE.read_text(encoding="utf-8"))
    provinces: dict[str, BaseGeometry] = {
        f["properties"]["code"]: shape(f["geometry"]) for f in data["features"]}
    country = prep(unary_union(list(provinces.values())).buffer(COUNTRY_MARGIN))
    return country, {code: prep(s.buffer(PROVINCE_MARGIN)) for code, s in provinces.items()}


def in_bounding_box(lat: Decimal, lon: Decimal) -> bool:
    return LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1]


def in_vietnam(lat: Decimal, lon: Decimal) -> bool:
    if not in_bounding_box(lat, lon):
        return False
    country, _ = _shapes()
    return country.contains(Point(float(lon), float(lat)))


def in_province(lat: Decimal, lon: Decimal, province_code: str) -> bool:
    """True when the province has no shape (nothing to check against)."""
    _, provinces = _shapes()
    found = provinces.get(province_code)
    return found is None or found.contains(Point(float(lon), float(lat)))


def commune_centre(code: str) -> tuple[float, float] | None:
    """(lat, lon) of a current commune's centre, for a stop at a producer (who has no
    coordinates of its own)."""
    place = geodata.commune_place(code)
    return (place.lat, place.lon) if place else None
