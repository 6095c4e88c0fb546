"""Where the administrative units lie: points and a schematic province map, from a package.

No tile server is reachable and no CDN is allowed, so the map's base layer is served by the app.
Its only source is ``vietnamadminunits`` (MIT licence, already a dependency for the old → new
mapping), whose data set gives, for each of the 34 provinces and 3,321 communes of the 2025 map,
the GSO code, a centre point (latitude, longitude) and, for communes, the area in km². No
maintained package ships the 2025 boundaries themselves (docs/map.md), so the province shapes are
*drawn from those points*: each commune gets its Voronoi cell clipped to a disc of a little more
than its own area, and a province is the union of its communes' cells. The result is a schematic
map — recognisable provinces that tile the country, including the special zones of Hoàng Sa and
Trường Sa — not a survey boundary; the page says so.

``build_provinces_geojson`` is deterministic; ``manage.py map_boundaries`` writes it to the static
file the page loads and ``--check`` verifies the committed file is what the package gives today.
"""

from __future__ import annotations

import json
import math
import sqlite3
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import shapely
import vietnamadminunits
from shapely import affinity
from shapely.geometry import MultiPoint, MultiPolygon, Point, Polygon, mapping
from shapely.ops import unary_union

BOUNDARIES_FILE = Path(__file__).parent / "static" / "maps" / "vn-provinces.geojson"
# Vietnam spans 8.5°–23.4° N: one east-west scale at 16° N keeps the Voronoi cells and the discs
# round to within 4 % everywhere, enough for a schematic.
_COS_LAT = math.cos(math.radians(16.0))
_KM_PER_DEGREE = 111.32
# A commune's disc has 2.2 × the radius of a circle of its area: large enough that neighbouring
# cells meet (communes are not round and their centre points are not centroids), small enough
# that a coastal commune does not reach far out to sea.
_DISC_FACTOR = 2.2
_SIMPLIFY_DEGREES = 0.01  # about 1 km: invisible at the zoom levels of a country map
_PRECISION_DEGREES = 0.001
_MIN_HOLE_SQ_DEGREES = 0.05  # holes smaller than this are gaps between cells, not enclaves


@dataclass(frozen=True)
class Place:
    code: str  # GSO code: "24" for a province, "07210" for a commune
    name: str
    lat: float
    lon: float
    province_code: str
    area_km2: float | None = None


def _dataset() -> Path:
    return Path(vietnamadminunits.__file__).parent / "data" / "dataset.db"


@cache
def _places() -> tuple[dict[str, Place], dict[str, Place]]:
    """(provinces by code, communes by code) of the 2025 map, read once per process."""
    connection = sqlite3.connect(f"file:{_dataset()}?mode=ro", uri=True)
    try:
        rows = connection.execute(
            "SELECT provinceCode, province, provinceLat, provinceLon, wardCode, ward, wardLat,"
            " wardLon, wardAreaKm2 FROM admin_units ORDER BY wardCode"
        ).fetchall()
    finally:
        connection.close()
    provinces: dict[str, Place] = {}
    communes: dict[str, Place] = {}
    for p_code, p_name, p_lat, p_lon, w_code, w_name, w_lat, w_lon, area in rows:
        provinces.setdefault(p_code, Place(p_code, p_name, p_lat, p_lon, p_code))
        communes[w_code] = Place(w_code, w_name, w_lat, w_lon, p_code, area)
    return provinces, communes


def province_place(code: str) -> Place | None:
    return _places()[0].get(code)


def commune_place(code: str) -> Place | None:
    return _places()[1].get(code)


def _exterior_and_enclaves(shape: Any) -> MultiPolygon:
    parts = shape.geoms if shape.geom_type == "MultiPolygon" else [shape]
    return MultiPolygon([
        Polygon(p.exterior, [h for h in p.interiors if Polygon(h).area > _MIN_HOLE_SQ_DEGREES])
        for p in parts
    ])


def build_provinces_geojson() -> dict[str, Any]:
    """The schematic province map as a GeoJSON FeatureCollection (properties: code, name)."""
    provinces, communes = _places()
    ordered = sorted(communes.values(), key=lambda c: c.code)
    points = [Point(c.lon * _COS_LAT, c.lat) for c in ordered]
    cells = list(shapely.voronoi_polygons(MultiPoint(points)).geoms)
    tree = shapely.STRtree(cells)
    pieces: dict[str, list[Any]] = {}
    for commune, point in zip(ordered, points, strict=True):
        cell = next(cells[i] for i in tree.query(point) if cells[i].covers(point))
        radius_km = _DISC_FACTOR * math.sqrt(max(commune.area_km2 or 1.0, 1.0) / math.pi)
        disc = point.buffer(radius_km / _KM_PER_DEGREE, quad_segs=16)
        pieces.setdefault(commune.province_code, []).append(cell.intersection(disc))
    features = []
    for code in sorted(pieces):
        # The small buffer out and back closes the hairline slivers that clipping leaves.
        shape = unary_union(pieces[code]).buffer(0.01).buffer(-0.01)
        shape = affinity.scale(_exterior_and_enclaves(shape), xfact=1 / _COS_LAT, yfact=1,
                               origin=(0, 0))
        shape = shape.simplify(_SIMPLIFY_DEGREES, preserve_topology=True)
        shape = shapely.set_precision(shape, _PRECISION_DEGREES)
        features.append({
            "type": "Feature",
            "properties": {"code": code, "name": provinces[code].name},
            "geometry": mapping(shape),
        })
    return {"type": "FeatureCollection", "features": features}


def dumps(collection: dict[str, Any]) -> str:
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
