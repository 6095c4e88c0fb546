"""Every read of the public catalogue. Only products holding a certificate valid today are shown
(``ocop.certificates.selectors.valid_products``): an expiry or a revocation takes a product out
at once, whatever ``Product.stars`` says. Only public fields leave this module: no tax code,
representative, phone, e-mail or street address (docs/catalogue.md, "What is public").

Every read is a fixed number of queries whatever the data size, and the answers are plain data
(dicts, lists) so that they can be cached (``ocop.catalogue.caching``) and serialised by the API.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import StrIndex
from django.db.models.lookups import GreaterThan, LessThan
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ocop.api.pagination import PageParams, paginate
from ocop.catalogue import caching
from ocop.certificates.models import Certificate, valid_q
from ocop.certificates.selectors import issuer_name, valid_products
from ocop.core.refusals import NotFound
from ocop.core.search import search
from ocop.core.text import fold
from ocop.market import selectors as market
from ocop.registry.models import LegalForm, Producer, Product, ProductGroup
from ocop.registry.services import NAME_END
from ocop.rules.certification import CERTIFIABLE_STARS
from ocop.tourism import selectors as tourism
from ocop.trace import geo
from ocop.trace.models import Lot, Zone
from ocop.units.models import Unit
from ocop.units.names import example_agency_name, example_province

PAGE_SIZE = 24
SORTS = ("name", "stars", "newest")
_ORDER = {"name": ("name", "id"), "stars": ("-best_stars", "name", "id"),
          "newest": ("-certified_on", "name", "id")}
_RELATED = ("producer", "producer__commune", "producer__commune__current_commune",
            "producer__commune__current_province", "product_set", "product_set__group")


@dataclass(frozen=True)
class CatalogueFilter:
    """What a visitor narrows the list by. Unknown values are dropped, never an error: a
    shared or hand-edited link still opens a list."""

    q: str = ""
    stars: int | None = None
    group: str = ""
    product_set: str = ""
    province: str = ""
    commune: str = ""  # a current commune (C…) or a legacy one (LC…)
    district: str = ""  # a legacy district (LD…), for records made before 1 July 2025
    legal_form: str = ""
    sort: str = "name"

    @classmethod
    def clean(cls, *, q: Any = "", stars: Any = None, group: Any = "", product_set: Any = "",
              province: Any = "", commune: Any = "", district: Any = "", legal_form: Any = "",
              sort: Any = "") -> CatalogueFilter:
        def text(value: Any, limit: int = 40) -> str:
            return str(value or "").strip()[:limit]

        try:
            star_value: int | None = int(stars) if stars not in (None, "") else None
        except (TypeError, ValueError):
            star_value = None
        return cls(
            q=text(q, 100),
            stars=star_value if star_value in CERTIFIABLE_STARS else None,
            group=text(group, 10),
            product_set=text(product_set),
            province=text(province, 16),
            commune=text(commune, 16),
            district=text(district, 16),
            legal_form=text(legal_form) if text(legal_form) in LegalForm.values else "",
            sort=text(sort) if text(sort) in SORTS else "name",
        )

    @classmethod
    def from_page(cls, params: Any) -> CatalogueFilter:
        """From the page's query string (Vietnamese parameter names, see urls.py)."""
        sorts = {"ten": "name", "sao": "stars", "moi": "newest"}
        return cls.clean(q=params.get("q"), stars=params.get("sao"), group=params.get("nhom"),
                         product_set=params.get("bo"), province=params.get("tinh"),
                         commune=params.get("xa"), district=params.get("huyen"),
                         legal_form=params.get("loai_hinh"),
                         sort=sorts.get(params.get("sap_xep", ""), "name"))

    def as_tuple(self) -> tuple:
        return (self.q, self.stars, self.group, self.product_set, self.province, self.commune,
                self.district, self.legal_form, self.sort)

    @property
    def narrowed(self) -> bool:
        return any(self.as_tuple()[:-1])


def _best_certificate(today: date) -> QuerySet[Certificate]:
    """The certificate a product is shown with: its best valid rating, the newest of those."""
    return (Certificate.objects.filter(valid_q(today), product_id=OuterRef("pk"))
            .order_by("-stars", "-issued_on", "-id"))


def catalogue_products(today: date, f: CatalogueFilter) -> QuerySet[Product]:
    """The certified products matching ``f``, annotated ``best_stars``, ``certified_on``
    (the newest valid certificate's date), ``certificate_number`` and ``valid_until``."""
    qs = valid_products(today, stars=f.stars).select_related(*_RELATED)
    best = _best_certificate(today)
    qs = qs.annotate(
        certified_on=Subquery(Certificate.objects.filter(valid_q(today), product_id=OuterRef("pk"))
                              .order_by("-issued_on").values("issued_on")[:1]),
        certificate_number=Subquery(best.values("number")[:1]),
        valid_until=Subquery(best.values("valid_until")[:1]),
    )
    if f.q:
        qs = search(qs, f.q, folded=("search_text", "producer__search_text"))
        qs = qs.annotate(named=_named(f.q))
    if f.group:
        qs = qs.filter(product_set__group_id=f.group)
    if f.product_set:
        qs = qs.filter(product_set_id=f.product_set)
    if f.province:
        qs = qs.filter(Q(producer__commune__current_province_id=f.province)
                       | Q(producer__commune_id=f.province))
    if f.commune:
        qs = qs.filter(Q(producer__commune_id=f.commune)
                       | Q(producer__commune__current_commune_id=f.commune))
    if f.district:
        qs = qs.filter(Q(producer__commune__parent_id=f.district)
                       | Q(producer__commune_id=f.district))
    if f.legal_form:
        qs = qs.filter(producer__legal_form=f.legal_form)
    # With a query, products whose own name holds every word come first ("vai thieu" lists the
    # dried litchi before the honey of a cooperative named after litchi); the sort orders each part.
    return qs.order_by(*(("-named",) if f.q else ()), *_ORDER[f.sort])


def _named(query: str) -> Case:
    """1 when every word of ``query`` is in the product's own name: found in its search text
    before ``NAME_END`` (registry.services.product_search_text), else 0."""
    end = StrIndex("search_text", Value(NAME_END))
    condition = Q()
    for word in fold(query).split():
        at = StrIndex("search_text", Value(word))
        condition &= Q(GreaterThan(at, 0)) & Q(LessThan(at, end))
    return Case(When(condition, then=1), default=0, output_field=IntegerField())


def _place(commune: Unit) -> dict[str, str]:
    """Where a producer is, named as today; a legacy unit keeps its old name alongside."""
    current = commune.current_commune or commune
    province = commune.current_province
    return {
        "commune": current.full_name if current.level != Unit.Level.PROVINCE else "",
        "province": province.full_name if province else "",
        "province_key": province.pk if province else "",
        "registered_as": commune.full_name if current.pk != commune.pk else "",
    }


def _product_row(p: Product) -> dict[str, Any]:
    producer = p.producer
    group = p.product_set.group
    return {
        "id": p.pk,
        "name": p.name,
        "url": reverse("catalogue:product", args=[p.pk]),
        "image_url": reverse("registry:product_image", args=[p.pk]) if p.image else "",
        "stars": p.best_stars,
        "group": group.display_name if group else "",
        "group_code": group.pk if group else "",
        "product_set": p.product_set.display_name,
        "certified_on": p.certified_on,
        "certificate_number": p.certificate_number,
        "valid_until": p.valid_until,
        "producer": {"id": producer.pk, "name": producer.name,
                     "legal_form": producer.legal_form,
                     "legal_form_label": str(LegalForm(producer.legal_form).label),
                     "url": reverse("catalogue:producer", args=[producer.pk])},
        **_place(producer.commune),
    }


def catalogue_page(today: date, f: CatalogueFilter, page: Any,
                   page_size: int = PAGE_SIZE) -> dict[str, Any]:
    """One page of the list (two queries: the count and the rows), cached per filter and page.
    ``page`` is clamped to the pages that exist (a page link that outlived the list)."""
    def build() -> dict[str, Any]:
        paginator = Paginator(catalogue_products(today, f), page_size)
        current = paginator.get_page(page)
        return {"count": paginator.count, "page": current.number,
                "num_pages": paginator.num_pages,
                "rows": [_product_row(p) for p in current.object_list]}

    return caching.cached(caching.key("list", *f.as_tuple(), page, page_size, today=today),
                          build)


def api_page(today: date, f: CatalogueFilter, params: PageParams) -> dict[str, Any]:
    """The API's page (ocop/api/pagination.py: past the end is an empty page), cached."""
    def build() -> dict[str, Any]:
        page = paginate(catalogue_products(today, f), params)
        return {**page, "results": [_product_row(p) for p in page["results"]]}

    return caching.cached(caching.key("api", *f.as_tuple(), params.page, params.page_size,
                                      today=today), build)


# --- Filter choices ----------------------------------------------------------------------------


def filter_choices(today: date, province: str = "") -> dict[str, Any]:
    """The choices the list's filters offer, limited to what certified products have (an empty
    choice would only lead to an empty list): groups, product sets, provinces, and for the
    chosen province its current communes and its legacy districts."""
    def build() -> dict[str, Any]:
        certified = valid_products(today).order_by()
        sets = (certified.values("product_set_id", "product_set__name_vi",
                                 "product_set__name_en", "product_set__group_id").distinct())
        provinces = (certified.exclude(producer__commune__current_province=None)
                     .values("producer__commune__current_province_id",
                             "producer__commune__current_province__full_name").distinct())
        choices: dict[str, Any] = {
            "stars": list(CERTIFIABLE_STARS),
            "groups": [(g.pk, g.display_name) for g in ProductGroup.objects.all()],
            "product_sets": sorted(
                {(s["product_set_id"], _display(s["product_set__name_vi"],
                                                s["product_set__name_en"])) for s in sets},
                key=lambda pair: pair[1]),
            "provinces": sorted({(p["producer__commune__current_province_id"],
                                  p["producer__commune__current_province__full_name"])
                                 for p in provinces}, key=lambda pair: pair[1]),
            "legal_forms": [(value, str(label)) for value, label in LegalForm.choices],
            "communes": [], "districts": [],
        }
        if province:
            rows = (certified.filter(producer__commune__current_province_id=province)
                    .values("producer__commune_id", "producer__commune__full_name",
                            "producer__commune__era", "producer__commune__level",
                            "producer__commune__current_commune_id",
                            "producer__commune__current_commune__full_name",
                            "producer__commune__parent_id", "producer__commune__parent__level",
                            "producer__commune__parent__full_name").distinct())
            communes: set[tuple[str, str]] = set()
            districts: set[tuple[str, str]] = set()
            for r in rows:
                if r["producer__commune__era"] == Unit.Era.CURRENT:
                    if r["producer__commune__level"] == Unit.Level.COMMUNE:
                        communes.add((r["producer__commune_id"], r["producer__commune__full_name"]))
                    continue
                if r["producer__commune__current_commune_id"]:
                    communes.add((r["producer__commune__current_commune_id"],
                                  r["producer__commune__current_commune__full_name"]))
                if r["producer__commune__parent__level"] == Unit.Level.DISTRICT:
                    districts.add((r["producer__commune__parent_id"],
                                   r["producer__commune__parent__full_name"]))
            choices["communes"] = sorted(communes, key=lambda pair: pair[1])
            choices["districts"] = sorted(districts, key=lambda pair: pair[1])
        return choices

    return caching.cached(caching.key("choices", province, today=today), build)


def _display(name_vi: str, name_en: str) -> str:
    return name_en if name_en and (get_language() or "").startswith("en") else name_vi


# --- Product and producer pages ----------------------------------------------------------------


def _zone_data(zone: Zone) -> dict[str, Any]:
    svg = ""
    if zone.boundary:
        try:
            svg = geo.svg_path(geo.validate_polygon(zone.boundary))
        except geo.BoundaryError:
            svg = ""  # a stored boundary that no longer validates is left off the map
    return {"code": zone.code, "name": zone.name, "crop": zone.crop,
            "standard": zone.get_standard_display() if zone.standard else "",
            "commune": (zone.commune.current_commune or zone.commune).full_name,
            "area_ha": zone.computed_area_ha or zone.declared_area_ha, "svg_path": svg}


def _certificate_data(c: Certificate, today: date) -> dict[str, Any]:
    return {
        "number": c.number, "stars": c.stars, "status": c.status_on(today),
        "status_label": str(c.status_label_on(today)),
        "issued_on": c.issued_on, "valid_until": c.valid_until,
        "issuer": issuer_name(c.decision), "decision_number": c.decision.number,
        "verify_url": reverse("certificates:verify", args=[c.number]),
    }


def product_detail(today: date, pk: int) -> dict[str, Any]:
    """What the product page shows, or ``NotFound`` for a product not (or no longer) certified;
    the refusal of a product that once was says so and points to its certificate's public
    page, where the reason (expired, revoked) is given. Six queries, cached."""
    def build() -> dict[str, Any]:
        product = catalogue_products(today, CatalogueFilter()).filter(pk=pk).first()
        if product is None:
            return {"gone": _gone(pk)}
        certificate = (Certificate.objects.filter(valid_q(today), product=product)
                       .select_related("decision", "decision__issuing_unit")
                       .order_by("-stars", "-issued_on", "-id").first())
        zones = list(Zone.objects.filter(Q(products=product) | Q(lots__product=product),
                                         status=Zone.Status.ISSUED)
                     .select_related("commune", "commune__current_commune").distinct()
                     .order_by("code"))
        lots = list(Lot.objects.filter(product=product).order_by("-produced_on", "-id")
                    .values("code", "produced_on", "expires_on")[:5])
        row = _product_row(product)
        row.update(
            description=product.description, ingredients=product.ingredients,
            packaging=product.packaging, shelf_life_days=product.shelf_life_days,
            gtin=product.gtin or "",
            certificate=_certificate_data(certificate, today),
            zones=[_zone_data(z) for z in zones], lots=lots,
            **_where_to_buy(product, today),
        )
        row["producer"].update(website=product.producer.website,
                               **_contact(product.producer))
        return row

    data = caching.cached(caching.key("product", pk, today=today), build)
    if "gone" in data:
        raise NotFound(data["gone"]["message"], code="catalogue.not_certified",
                       fields={"verify_url": data["gone"]["verify_url"]})
    return data


def _where_to_buy(product: Product, today: date) -> dict[str, Any]:
    """What the market and tourism apps know of a certified product: its offers with their shop
    links, the schema.org offers of its JSON-LD, the gift sets it is part of and the tourism
    destinations that sell it (five queries, cached with the rest of the page)."""
    offers = market.offers_for(product, today)
    return {
        "offers": [{
            "price": o.price, "unit": o.unit, "package": o.package,
            "stock": o.get_stock_display(), "available_on": o.available_on,
            "links": [{"channel": link.get_channel_display(), "url": link.url}
                      for link in o.links.all()],
        } for o in offers],
        "schema_offers": market.schema_offers(product, today, offers=offers),
        "gift_sets": [{"name": g.name, "url": reverse("market:gift_set_detail", args=[g.pk])}
                      for g in market.listed_gift_sets(today).filter(items__product=product)
                      .distinct()],
        "destinations": [{"name": d.name, "place": str(d.commune),
                          "url": reverse("tourism:destination", args=[d.pk])}
                         for d in tourism.destinations_selling(product, today)
                         .select_related("commune")],
    }


def _gone(pk: int) -> dict[str, str]:
    """Why a product page is not there: never certified (or unknown) → a plain "not found";
    once certified → its name and its latest certificate, whose public page says why."""
    last = (Certificate.objects.filter(product_id=pk).select_related("product")
            .order_by("-issued_on", "-id").first())
    if last is None:
        return {"message": _("Không có sản phẩm OCOP này trong danh mục."), "verify_url": ""}
    return {"message": _("Sản phẩm “%(name)s” không còn trong danh mục sản phẩm OCOP: giấy "
                         "chứng nhận của sản phẩm đã hết hiệu lực hoặc đã bị thu hồi.")
            % {"name": last.product.name},
            "verify_url": reverse("certificates:verify", args=[last.number])}


def _contact(producer: Producer) -> dict[str, str]:
    """The phone and e-mail, only when the producer chose to publish them."""
    if not producer.publish_contact:
        return {"phone": "", "email": ""}
    return {"phone": producer.phone, "email": producer.email}


def producer_detail(today: date, pk: int) -> dict[str, Any]:
    """A producer's public page: only while one of its products is certified, and only public
    fields (name, legal form, where it is, its website, its certified products, and its phone
    and e-mail when it chose to publish them)."""
    def build() -> dict[str, Any] | None:
        producer = (Producer.objects.select_related("commune", "commune__current_commune",
                                                    "commune__current_province")
                    .filter(pk=pk).first())
        if producer is None:
            return None
        f = CatalogueFilter()
        products = [_product_row(p) for p in
                    catalogue_products(today, f).filter(producer=producer)]
        if not products:
            return None
        return {"id": producer.pk, "name": producer.name, "legal_form": producer.legal_form,
                "legal_form_label": str(LegalForm(producer.legal_form).label),
                "website": producer.website, **_contact(producer),
                "url": reverse("catalogue:producer", args=[producer.pk]),
                "products": products, **_place(producer.commune)}

    data = caching.cached(caching.key("producer", pk, today=today), lambda: build() or {})
    if not data:
        raise NotFound(_("Không có chủ thể OCOP này trong danh mục: chủ thể không có sản phẩm "
                         "nào đang có giấy chứng nhận còn hiệu lực."), code="catalogue.no_producer")
    return data


# --- Map, sitemap ------------------------------------------------------------------------------


def certified_zones(today: date, limit: int = 200) -> list[dict[str, Any]]:
    """Raw-material zones (with their code, crop and boundary) that certified products draw on:
    planting-area codes are public registers; the zone's managing producer is not named."""
    def build() -> list[dict[str, Any]]:
        certified = valid_products(today).values("pk")
        zones = (Zone.objects.filter(status=Zone.Status.ISSUED)
                 .filter(Q(products__in=certified) | Q(lots__product__in=certified))
                 .select_related("commune", "commune__current_commune").distinct()
                 .order_by("code")[:limit])
        return [_zone_data(zone) for zone in zones]

    return caching.cached(caching.key("zones", limit, today=today), build)


def sitemap_ids(today: date) -> dict[str, list[int]]:
    """Ids of the product and producer pages that exist today (two queries)."""
    def build() -> dict[str, list[int]]:
        certified = valid_products(today).order_by("pk")
        return {"products": list(certified.values_list("pk", flat=True)),
                "producers": sorted(set(certified.values_list("producer_id", flat=True)))}

    return caching.cached(caching.key("sitemap", today=today), build)


def agency() -> dict[str, Any]:
    """The agency responsible for the programme's public information: settings
    ``OCOP_AGENCY_NAME``, ``_ADDRESS``, ``_PHONE``, ``_EMAIL``; without them, the demo
    province's standing office with example contacts, marked as such on the page."""
    named = settings.OCOP_AGENCY_NAME and settings.OCOP_AGENCY_ADDRESS
    province = "" if named else example_province()
    return {
        "is_example": not settings.OCOP_AGENCY_NAME,
        "name": settings.OCOP_AGENCY_NAME or example_agency_name(province),
        "address": settings.OCOP_AGENCY_ADDRESS
        or _("Phường Kinh Bắc, %(province)s") % {"province": province},
        "phone": settings.OCOP_AGENCY_PHONE or "0222 3000 000",
        "email": settings.OCOP_AGENCY_EMAIL or "ocop@example.org",
    }
