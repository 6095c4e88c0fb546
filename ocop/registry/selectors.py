"""Every read of the registry, already scoped to the user's jurisdiction.

Lists join what they show (``select_related``) so that the number of queries of a page or an API
call does not grow with the number of rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from django.db.models import BooleanField, Case, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from ocop.accounts.jurisdiction import scope_by_commune
from ocop.accounts.models import User
from ocop.core.search import search
from ocop.registry import hooks
from ocop.registry.models import EvidenceDocument, LegalForm, Producer, Product
from ocop.units.selectors import address_related

PRODUCER_ORDERINGS = {
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
    "new": ("-created_at", "-id"),
    "old": ("created_at", "id"),
    "tax_code": ("tax_code",),
}
PRODUCT_ORDERINGS = {
    **PRODUCER_ORDERINGS,
    "tax_code": ("producer__tax_code", "name", "id"),
    # Unrated products last on both databases (PostgreSQL puts NULL first in descending order).
    "stars": (F("stars").desc(nulls_last=True), "name", "id"),
    "producer": ("producer__name", "name", "id"),
}
_TRUE = {"1", "true", "yes", "on", "co", "có"}
_FALSE = {"0", "false", "no", "off", "khong", "không"}


def producers_for(user: User) -> QuerySet[Producer]:
    return scope_by_commune(Producer.objects.all(), user, "commune", "pk")


def products_for(user: User) -> QuerySet[Product]:
    return scope_by_commune(Product.objects.all(), user, "producer__commune", "producer_id")


def documents_for(user: User) -> QuerySet[EvidenceDocument]:
    return scope_by_commune(
        EvidenceDocument.objects.all(), user, "producer__commune", "producer_id"
    )


def _bool(value: Any) -> bool | None:
    if isinstance(value, bool) or value is None:
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None


def _int(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


@dataclass
class RegistryFilter:
    """Filters shared by the pages, the exports and the API. Unknown or blank values are ignored."""

    q: str = ""
    province: str = ""  # current province key, e.g. "P24"
    commune: str = ""  # current commune key, e.g. "C07582"
    legal_form: str = ""
    status: str = ""
    product_group: str = ""
    product_subgroup: str = ""
    product_set: str = ""
    stars: int | None = None
    has_gtin: bool | None = None
    woman_owner: bool | None = None
    ethnic_minority_owner: bool | None = None
    ordering: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> RegistryFilter:
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = params.get(f.name)
            if raw in (None, ""):
                continue
            if f.name == "stars":
                values[f.name] = _int(raw)
            elif f.name in ("has_gtin", "woman_owner", "ethnic_minority_owner"):
                values[f.name] = _bool(raw)
            else:
                values[f.name] = str(raw).strip()[:200]
        return cls(**values)


def _search(qs: QuerySet, q: str) -> QuerySet:
    # Every word must appear somewhere in the folded text: "vai thieu luc ngan" ≈ "Vải thiều…".
    return search(qs, q, folded=("search_text",))


def _producer_filters(f: RegistryFilter, prefix: str = "") -> Q:
    q = Q()
    if f.province:
        q &= Q(**{f"{prefix}commune__current_province_id": f.province})
    if f.commune:
        q &= Q(**{f"{prefix}commune__current_commune_id": f.commune})
    if f.legal_form in LegalForm.values:
        q &= Q(**{f"{prefix}legal_form": f.legal_form})
    if f.woman_owner is not None:
        q &= Q(**{f"{prefix}woman_owner": f.woman_owner})
    if f.ethnic_minority_owner is not None:
        q &= Q(**{f"{prefix}ethnic_minority_owner": f.ethnic_minority_owner})
    return q


def _product_filters(f: RegistryFilter, prefix: str = "") -> Q:
    q = Q()
    if f.product_group:
        q &= Q(**{f"{prefix}product_set__group_id": f.product_group})
    if f.product_subgroup:
        q &= Q(**{f"{prefix}product_set__subgroup_id": f.product_subgroup})
    if f.product_set:
        q &= Q(**{f"{prefix}product_set_id": f.product_set})
    if f.stars is not None:
        q &= Q(**{f"{prefix}stars": f.stars})
    if f.has_gtin is True:
        q &= Q(**{f"{prefix}gtin__isnull": False}) & ~Q(**{f"{prefix}gtin": ""})
    elif f.has_gtin is False:
        q &= Q(**{f"{prefix}gtin__isnull": True}) | Q(**{f"{prefix}gtin": ""})
    return q


def producer_list(user: User, f: RegistryFilter) -> QuerySet[Producer]:
    qs = producers_for(user).select_related(
        "commune", "commune__current_commune", "commune__current_province"
    )
    qs = _search(qs, f.q).filter(_producer_filters(f))
    if f.status in Producer.Status.values:
        qs = qs.filter(status=f.status)
    product_q = _product_filters(f)
    if product_q:
        # A producer matches when one of its products matches; EXISTS avoids duplicate rows.
        qs = qs.filter(Exists(Product.objects.filter(product_q, producer=OuterRef("pk"))))
    return qs.order_by(*PRODUCER_ORDERINGS.get(f.ordering, PRODUCER_ORDERINGS["name"]))


def product_list(user: User, f: RegistryFilter) -> QuerySet[Product]:
    qs = products_for(user).select_related(
        "producer",
        "producer__commune",
        "producer__commune__current_commune",
        "producer__commune__current_province",
        "product_set",
        "product_set__subgroup",
        "product_set__group",
    )
    qs = _search(qs, f.q).filter(_producer_filters(f, "producer__"), _product_filters(f))
    if f.status in Product.Status.values:
        qs = qs.filter(status=f.status)
    return qs.order_by(*PRODUCT_ORDERINGS.get(f.ordering, PRODUCT_ORDERINGS["name"]))


def with_expired(qs: QuerySet[EvidenceDocument]) -> QuerySet[EvidenceDocument]:
    """Annotate ``expired`` (expiry date before today, in the project's time zone)."""
    today = timezone.localdate()
    return qs.annotate(
        expired=Case(
            When(expires_on__lt=today, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def document_list(user: User, producer: Producer) -> QuerySet[EvidenceDocument]:
    return with_expired(
        documents_for(user).filter(producer=producer).select_related("product", "uploaded_by")
    )


def producer_detail(user: User, pk: int) -> Producer:
    """The producer if the user may see it; 404 otherwise (existence is not revealed)."""
    qs = producers_for(user).select_related(*address_related("commune"))
    return get_object_or_404(qs, pk=pk)


def product_detail(user: User, pk: int) -> Product:
    qs = products_for(user).select_related(
        "producer", "producer__commune", "producer__commune__current_province",
        "product_set", "product_set__subgroup", "product_set__group",
    )
    return get_object_or_404(qs, pk=pk)


def product_image(user: User, pk: int) -> tuple[Product, bool]:
    """The product whose photo ``user`` may download, and whether that photo is public.

    A photo is public while the product holds a certificate valid today: the public already
    sees that product on /verify/. Any other photo goes with the product itself (the same
    reach as its page); outside both, 404.
    """
    product = Product.objects.filter(hooks.public_products_q(timezone.localdate()),
                                     pk=pk).first()
    if product is not None:
        return product, True
    return get_object_or_404(products_for(user), pk=pk), False


def document_detail(user: User, producer: Producer, pk: int) -> EvidenceDocument:
    return get_object_or_404(document_list(user, producer), pk=pk)


def products_of(user: User, producer: Producer) -> QuerySet[Product]:
    return products_for(user).filter(producer=producer).select_related("product_set")
