"""What the map shows, by area. Every read is a fixed number of queries, whatever the data size.

Two layers, each in two parts: the **counts** for every area (what the map draws on load, small
even at national scale: one row per commune) and the **list** of one area or one province (what a
popup or the page's table shows, read when asked for).

- **public** — products holding a certificate valid today (``Certificate.objects.valid_on``),
  counted by the current commune of their producer. Anyone may read it; it names only what
  ``/verify/<number>`` already tells anyone (product, stars, certificate number). Cached
  (``PUBLIC_CACHE_SECONDS``) under a key that changes with the day and with any certificate
  issued or revoked, so a revocation leaves the map at the next request.
- **staff** — producers and raw-material zones inside the account's jurisdiction
  (``registry.producers_for``, ``trace.zones_for``), for the offices that run the programme.
  Council members are left out: the map is an overview of the area, and a council member's reach
  is the dossiers assigned to them for blind scoring. Not cached on the server (it differs by
  account and changes with every registration); the browser may keep it a minute.

Rows registered under a pre-2025 commune are placed at the commune it became, like every list of
the platform; one whose unit has no current commune (a former district) is placed at its
province, whose key ("P24") then stands for the area.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ocop.accounts.models import Role, User
from ocop.certificates.models import Certificate
from ocop.core.refusals import ALLOWED, NotFound, Verdict, denied
from ocop.maps import geodata
from ocop.registry.selectors import producers_for
from ocop.trace.models import Zone
from ocop.trace.selectors import zones_for

PUBLIC_CACHE_SECONDS = 600
STAFF_ROLES = frozenset({Role.ADMIN, Role.CENTRAL, Role.PROVINCE_OFFICE, Role.COMMUNE_OFFICER,
                         Role.INSPECTOR})
AREA_KEY = re.compile(r"^(C\d{5}|P\d{2})$")
PROVINCE_KEY = re.compile(r"^P\d{2}$")
_COMMUNE = "commune"  # the producer's (or zone's) own commune field
_VIA_PRODUCER = "producer__commune"


@dataclass
class Item:
    name: str
    url: str
    stars: int | None = None
    note: str = ""


@dataclass
class Area:
    """A current commune (or, for rows with no current commune, their province)."""

    key: str
    name: str
    province_key: str
    province_name: str
    lat: float | None
    lon: float | None
    count: int = 0
    zones: int = 0  # staff layer: raw-material zones lying here
    items: list[Item] = field(default_factory=list)
    zone_items: list[Item] = field(default_factory=list)


def can_see_staff_layer(user: User) -> Verdict:
    if not getattr(user, "is_authenticated", False):
        return denied(_("Đăng nhập bằng tài khoản cơ quan quản lý để xem chủ thể và vùng "
                        "nguyên liệu trên bản đồ."), "maps.staff_only")
    if user.role not in STAFF_ROLES and not user.is_nationwide:
        return denied(_("Lớp chủ thể và vùng nguyên liệu dành cho cơ quan quản lý OCOP."),
                      "maps.staff_only")
    return ALLOWED


def _place_fields(prefix: str) -> list[str]:
    """``values()`` paths that place a row at its current commune (or province)."""
    commune, province = f"{prefix}__current_commune", f"{prefix}__current_province"
    return [f"{commune}_id", f"{commune}__code", f"{commune}__full_name",
            f"{province}_id", f"{province}__code", f"{province}__full_name"]


def _area_for(row: dict[str, Any], prefix: str, areas: dict[str, Area]) -> Area:
    commune_key = row[f"{prefix}__current_commune_id"]
    province_key = row[f"{prefix}__current_province_id"] or ""
    province_name = row[f"{prefix}__current_province__full_name"] or ""
    key = commune_key or province_key
    if key in areas:
        return areas[key]
    place = (geodata.commune_place(row[f"{prefix}__current_commune__code"]) if commune_key
             else None) or geodata.province_place(row[f"{prefix}__current_province__code"] or "")
    areas[key] = Area(
        key=key, province_key=province_key, province_name=province_name,
        name=row[f"{prefix}__current_commune__full_name"] if commune_key else province_name,
        lat=place.lat if place else None, lon=place.lon if place else None)
    return areas[key]


def _where(prefix: str, *, area: str = "", province: str = "") -> Q:
    """Rows of one area (see ``AREA_KEY``) or one province, through ``prefix``'s commune."""
    if area.startswith("C"):
        return Q(**{f"{prefix}__current_commune_id": area})
    if area:
        return Q(**{f"{prefix}__current_commune__isnull": True,
                    f"{prefix}__current_province_id": area})
    if province:
        return Q(**{f"{prefix}__current_province_id": province})
    return Q()


def _check_key(key: str, pattern: re.Pattern[str] = AREA_KEY) -> None:
    if not pattern.match(key):
        raise NotFound(_("Không có xã, phường hay tỉnh, thành phố này."), code="maps.no_area")


def _listing(areas: dict[str, Area]) -> list[dict[str, Any]]:
    return [asdict(a) for a in sorted(areas.values(), key=lambda a: (a.province_name, a.name))]


def _totals(areas: dict[str, Area]) -> list[dict[str, Any]]:
    totals: dict[str, dict[str, Any]] = {}
    for a in areas.values():
        t = totals.setdefault(a.province_key, {"key": a.province_key, "name": a.province_name,
                                               "count": 0, "zones": 0})
        t["count"] += a.count
        t["zones"] += a.zones
    return sorted(totals.values(), key=lambda t: t["name"])


def _counts_only(areas: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What the map needs on load; the province's name is in ``provinces`` (once, not 3,321
    times: the national answer stays a few hundred KB)."""
    dropped = ("items", "zone_items", "province_name")
    return [{k: v for k, v in a.items() if k not in dropped} for a in areas]


# ---------------------------------------------------------------- public layer


def _certificate_fingerprint(today: date) -> str:
    """Changes when a certificate is issued, revoked or extended."""
    f = Certificate.objects.aggregate(n=Count("id"), last=Max("id"), revoked=Count("revoked_on"),
                                      until=Max("valid_until"))
    return f"{today.isoformat()}:{f['n']}:{f['last']}:{f['revoked']}:{f['until']}"


def public_cache_key(today: date, part: str = "all") -> str:
    return f"maps:public:{part}:{_certificate_fingerprint(today)}"


def _cached(key: str, build) -> Any:
    data = cache.get(key)
    if data is None:
        data = build()
        cache.set(key, data, PUBLIC_CACHE_SECONDS)
    return data


def _public_counts(today: date) -> dict[str, Any]:
    # A product counts once even with several valid certificates (one product, one producer).
    rows = (Certificate.objects.valid_on(today).order_by()
            .values(*_place_fields(_VIA_PRODUCER))
            .annotate(n=Count("product_id", distinct=True)))
    areas: dict[str, Area] = {}
    for row in rows:
        _area_for(row, _VIA_PRODUCER, areas).count += row["n"]
    return {"areas": _counts_only(_listing(areas)), "provinces": _totals(areas),
            "total": sum(a.count for a in areas.values()), "as_of": today.isoformat()}


def _public_items(today: date, where: Q) -> dict[str, Area]:
    rows = (Certificate.objects.valid_on(today).filter(where)
            .order_by("product_id", "-stars", "-issued_on", "-id")
            .values("number", "stars", "product_id", "product__name",
                    *_place_fields(_VIA_PRODUCER)))
    areas: dict[str, Area] = {}
    seen: set[int] = set()
    for row in rows:
        if row["product_id"] in seen:  # listed once, with its highest stars
            continue
        seen.add(row["product_id"])
        area = _area_for(row, _VIA_PRODUCER, areas)
        area.count += 1
        area.items.append(Item(name=row["product__name"], stars=row["stars"],
                               url=reverse("certificates:verify", args=[row["number"]])))
    for area in areas.values():
        area.items.sort(key=lambda i: (-(i.stars or 0), i.name))
    return areas


def public_layer(today: date) -> dict[str, Any]:
    """Counts of certified products by commune and by province, for the whole country."""
    return _cached(public_cache_key(today), lambda: _public_counts(today))


def public_area(today: date, key: str) -> dict[str, Any]:
    """The certified products of one area (a popup)."""
    _check_key(key)

    def build() -> dict[str, Any]:
        areas = _public_items(today, _where(_VIA_PRODUCER, area=key))
        return asdict(areas[key]) if key in areas else {"key": key, "count": 0, "items": []}
    return _cached(public_cache_key(today, key), build)


def public_province(today: date, key: str) -> list[dict[str, Any]]:
    """The certified products of one province, by commune (the page's table)."""
    _check_key(key, PROVINCE_KEY)
    return _cached(public_cache_key(today, f"province-{key}"),
                   lambda: _listing(_public_items(today, _where(_VIA_PRODUCER, province=key))))


# ---------------------------------------------------------------- staff layer


def _producer_rows(user: User, where: Q, *, named: bool) -> QuerySet:
    qs = producers_for(user).filter(where)
    if named:
        return qs.order_by("name", "id").values("id", "name", *_place_fields(_COMMUNE))
    return qs.order_by().values(*_place_fields(_COMMUNE)).annotate(n=Count("id"))


def _zone_rows(user: User, where: Q, *, named: bool) -> QuerySet:
    # A zone is placed where it lies (its own commune), which may differ from its producer's.
    qs = zones_for(user).filter(where)
    if named:
        return qs.order_by("code").values("id", "code", "name", "status", "boundary",
                                          "producer__name", *_place_fields(_COMMUNE))
    return qs.order_by().values(*_place_fields(_COMMUNE)).annotate(n=Count("id"))


def _polygon(boundary: dict[str, Any]) -> dict[str, Any]:
    """The geometry of a stored boundary (trace accepts a Polygon or a Feature wrapping one)."""
    return boundary["geometry"] if boundary.get("type") == "Feature" else boundary


def _zone_shape(row: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "geometry": _polygon(row["boundary"]), "properties": {
        "code": row["code"], "name": row["name"], "producer": row["producer__name"],
        "status": str(Zone.Status(row["status"]).label),
        "url": reverse("trace:zone_detail", args=[row["id"]])}}


def _staff_items(user: User, where_producer: Q, where_zone: Q) -> tuple[dict[str, Area], list]:
    areas: dict[str, Area] = {}
    for row in _producer_rows(user, where_producer, named=True):
        area = _area_for(row, _COMMUNE, areas)
        area.count += 1
        area.items.append(Item(name=row["name"],
                               url=reverse("registry:producer_detail", args=[row["id"]])))
    shapes = []
    for row in _zone_rows(user, where_zone, named=True):
        area = _area_for(row, _COMMUNE, areas)
        area.zones += 1
        area.zone_items.append(Item(name=row["name"], note=row["code"],
                                    url=reverse("trace:zone_detail", args=[row["id"]])))
        if row["boundary"]:
            shapes.append(_zone_shape(row))
    return areas, shapes


def staff_layer(user: User) -> dict[str, Any]:
    """Counts of producers and zones by area in ``user``'s jurisdiction, and the zones' shapes
    for an account bound to a province or commune (a nation-wide account gets an area's shapes
    with its list, ``staff_area``: all the country's boundaries at once would be megabytes).
    Check ``can_see_staff_layer`` first."""
    areas: dict[str, Area] = {}
    for row in _producer_rows(user, Q(), named=False):
        _area_for(row, _COMMUNE, areas).count += row["n"]
    for row in _zone_rows(user, Q(), named=False):
        _area_for(row, _COMMUNE, areas).zones += row["n"]
    shapes = [] if user.is_nationwide else [
        _zone_shape(row) for row in _zone_rows(user, Q(boundary__isnull=False), named=True)]
    return {"areas": _counts_only(_listing(areas)), "provinces": _totals(areas),
            "zones": {"type": "FeatureCollection", "features": shapes},
            "total": sum(a.count for a in areas.values()),
            "zone_total": sum(a.zones for a in areas.values())}


def staff_area(user: User, key: str) -> dict[str, Any]:
    """The producers and zones of one area in ``user``'s jurisdiction (a popup)."""
    _check_key(key)
    areas, shapes = _staff_items(user, _where(_COMMUNE, area=key), _where(_COMMUNE, area=key))
    data = asdict(areas[key]) if key in areas else {"key": key, "count": 0, "zones": 0,
                                                    "items": [], "zone_items": []}
    return data | {"shapes": {"type": "FeatureCollection", "features": shapes}}


def staff_province(user: User, key: str) -> list[dict[str, Any]]:
    """The producers and zones of one province in ``user``'s jurisdiction, by commune."""
    _check_key(key, PROVINCE_KEY)
    areas, _shapes = _staff_items(user, _where(_COMMUNE, province=key),
                                  _where(_COMMUNE, province=key))
    return _listing(areas)


def home_province(user: User) -> str:
    """The province an account works in ("" for nation-wide and public accounts)."""
    unit = getattr(user, "unit", None)
    if unit is None:
        return ""
    return unit.pk if unit.level == unit.Level.PROVINCE else (unit.current_province_id or "")
