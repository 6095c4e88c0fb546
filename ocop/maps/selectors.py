"""What the map shows, by area: every read is one or two queries whatever the number of rows.

Two layers:

- **public** — products holding a certificate valid today (``Certificate.objects.valid_on``),
  counted by the current commune of their producer, with the province totals. Anyone may read it;
  it names only what ``/verify/<number>`` already tells anyone (product, stars, certificate
  number). It is cached (``PUBLIC_CACHE_SECONDS``) under a key that changes with the day and with
  any certificate issued or revoked, so a revocation leaves the map at the next request.
- **staff** — producers and raw-material zones inside the account's jurisdiction
  (``registry.producers_for``, ``trace.zones_for``), for the offices that run the programme.
  Council members are left out: the map is an overview of the area, and a council member's reach
  is the dossiers assigned to them for blind scoring. Not cached on the server (it differs by
  account and changes with every registration); the browser may keep it a minute.

Rows registered under a pre-2025 commune are placed at the commune it became, like every list of
the platform; one whose commune has no successor is placed at its province.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ocop.accounts.models import Role, User
from ocop.certificates.models import Certificate
from ocop.core.refusals import ALLOWED, Verdict, denied
from ocop.maps import geodata
from ocop.registry.selectors import producers_for
from ocop.trace.models import Zone
from ocop.trace.selectors import zones_for

PUBLIC_CACHE_SECONDS = 600
# Names listed in one area's popup and table row; the count always covers them all.
ITEMS_PER_AREA = 20
STAFF_ROLES = frozenset({Role.ADMIN, Role.CENTRAL, Role.PROVINCE_OFFICE, Role.COMMUNE_OFFICER,
                         Role.INSPECTOR})
_COMMUNE = "commune"


@dataclass
class Item:
    name: str
    url: str
    stars: int | None = None


@dataclass
class Area:
    """A current commune (or, for a row with no current commune, its province)."""

    key: str
    name: str
    province_key: str
    province_name: str
    lat: float | None
    lon: float | None
    count: int = 0
    items: list[Item] = field(default_factory=list)
    # Staff layer: zones of the producers placed here, and the list page of all of them.
    zones: int = 0
    more_url: str = ""

    def add(self, item: Item) -> None:
        self.count += 1
        if len(self.items) < ITEMS_PER_AREA:
            self.items.append(item)

    @property
    def more(self) -> int:
        return self.count - len(self.items)


@dataclass
class Province:
    key: str
    name: str
    count: int = 0
    zones: int = 0


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
    commune = f"{prefix}__current_commune"
    province = f"{prefix}__current_province"
    return [f"{commune}_id", f"{commune}__code", f"{commune}__full_name",
            f"{province}_id", f"{province}__code", f"{province}__full_name"]


def _area_for(row: dict[str, Any], prefix: str, areas: dict[str, Area]) -> Area:
    commune_key = row[f"{prefix}__current_commune_id"]
    province_key = row[f"{prefix}__current_province_id"] or ""
    province_name = row[f"{prefix}__current_province__full_name"] or ""
    key = commune_key or province_key
    area = areas.get(key)
    if area is not None:
        return area
    if commune_key:
        place = geodata.commune_place(row[f"{prefix}__current_commune__code"])
        name = row[f"{prefix}__current_commune__full_name"]
    else:
        place = None
        name = province_name
    place = place or geodata.province_place(row[f"{prefix}__current_province__code"] or "")
    area = Area(key=key, name=name, province_key=province_key, province_name=province_name,
                lat=place.lat if place else None, lon=place.lon if place else None)
    areas[key] = area
    return area


def _provinces(areas: dict[str, Area]) -> list[Province]:
    totals: dict[str, Province] = {}
    for area in areas.values():
        province = totals.setdefault(area.province_key,
                                     Province(area.province_key, area.province_name))
        province.count += area.count
        province.zones += area.zones
    return sorted(totals.values(), key=lambda p: p.name)


def _sorted(areas: dict[str, Area]) -> list[Area]:
    return sorted(areas.values(), key=lambda a: (a.province_name, a.name))


def _certificate_fingerprint(today: date) -> str:
    """Changes when a certificate is issued, revoked or edited in a way the map shows."""
    f = Certificate.objects.aggregate(n=Count("id"), last=Max("id"), revoked=Count("revoked_on"),
                                      until=Max("valid_until"))
    return f"{today.isoformat()}:{f['n']}:{f['last']}:{f['revoked']}:{f['until']}"


def _build_public(today: date) -> dict[str, Any]:
    rows = (Certificate.objects.valid_on(today)
            .order_by("product_id", "-stars", "-issued_on", "-id")
            .values("number", "stars", "product_id", "product__name",
                    *_place_fields("producer__commune")))
    areas: dict[str, Area] = {}
    seen: set[int] = set()
    for row in rows:
        if row["product_id"] in seen:  # a product counts once, with its highest stars
            continue
        seen.add(row["product_id"])
        area = _area_for(row, "producer__commune", areas)
        area.add(Item(name=row["product__name"], stars=row["stars"],
                      url=reverse("certificates:verify", args=[row["number"]])))
    for area in areas.values():
        area.items.sort(key=lambda i: (-(i.stars or 0), i.name))
    return {
        "areas": [asdict(a) | {"more": a.more} for a in _sorted(areas)],
        "provinces": [asdict(p) for p in _provinces(areas)],
        "total": len(seen),
        "as_of": today.isoformat(),
    }


def public_cache_key(today: date) -> str:
    return f"maps:public:{_certificate_fingerprint(today)}"


def public_layer(today: date) -> dict[str, Any]:
    """Certified products by commune and province (see the module docstring for the cache)."""
    key = public_cache_key(today)
    data = cache.get(key)
    if data is None:
        data = _build_public(today)
        cache.set(key, data, PUBLIC_CACHE_SECONDS)
    return data


def _polygon(boundary: dict[str, Any]) -> dict[str, Any]:
    """The geometry of a stored boundary (trace accepts a Polygon or a Feature wrapping one)."""
    return boundary["geometry"] if boundary.get("type") == "Feature" else boundary


def staff_layer(user: User) -> dict[str, Any]:
    """Producers and raw-material zones in ``user``'s jurisdiction; check
    ``can_see_staff_layer`` first (this reads whatever the scoping selectors allow)."""
    areas: dict[str, Area] = {}
    producers = (producers_for(user).order_by("name", "id")
                 .values("id", "name", *_place_fields(_COMMUNE)))
    for row in producers:
        area = _area_for(row, _COMMUNE, areas)
        area.add(Item(name=row["name"],
                      url=reverse("registry:producer_detail", args=[row["id"]])))
    shapes = []
    # A zone is placed where it lies (its own commune), which may differ from its producer's.
    zones = (zones_for(user).order_by("code")
             .values("id", "code", "name", "status", "boundary", "producer__name",
                     *_place_fields(_COMMUNE)))
    zone_total = 0
    for row in zones:
        zone_total += 1
        _area_for(row, _COMMUNE, areas).zones += 1
        if row["boundary"]:
            shapes.append({
                "type": "Feature",
                "geometry": _polygon(row["boundary"]),
                "properties": {
                    "code": row["code"], "name": row["name"], "producer": row["producer__name"],
                    "status": str(Zone.Status(row["status"]).label),
                    "url": reverse("trace:zone_detail", args=[row["id"]]),
                },
            })
    list_url = reverse("registry:producer_list")
    for area in areas.values():
        kind = _COMMUNE if area.key.startswith("C") else "province"
        area.more_url = f"{list_url}?{kind}={area.key}"
    return {
        "areas": [asdict(a) | {"more": a.more} for a in _sorted(areas)],
        "provinces": [asdict(p) for p in _provinces(areas)],
        "zones": {"type": "FeatureCollection", "features": shapes},
        "total": sum(a.count for a in areas.values()),
        "zone_total": zone_total,
    }
