"""The exchange's JSON shape of each record, named by its official key.

One shape for the feed, the bulk export and the import, so that what one platform sends another
can load as it is. Keys: a producer's tax code, a product's code, a decision's issuing unit and
number, a certificate's number. Units are named by their keys (``C07582``, ``P24``, ``LD219``),
which are the official codes with an era and level prefix.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db.models import Q

from ocop.certificates.models import Certificate, RecognitionDecision
from ocop.exchange.models import Entity, ProductCode
from ocop.registry.models import Producer, Product

PRODUCER_KEYS = ("name", "legal_form", "business_reg_no", "commune", "street_address",
                 "representative_name", "representative_title", "phone", "email", "website",
                 "status")
PRODUCT_KEYS = ("name", "product_set", "status", "description", "ingredients", "packaging",
                "gtin")


def platform_code() -> str:
    return settings.EXCHANGE_PLATFORM_CODE


# The code of a product being created by an import, claimed when the product's creation is
# recorded in the change log (the product has no id before that, so the code cannot be stored
# first).
incoming_code: ContextVar[str | None] = ContextVar("incoming_product_code", default=None)


def _derived(product_id: int) -> str:
    return f"{platform_code()}-SP-{product_id}"


def ensure_code(product: Product) -> str:
    """Store the product's code when it is first recorded: the code it came with, or one minted
    here. Stored, not recomputed, so that changing the platform code later renames nothing."""
    found = ProductCode.objects.filter(product_id=product.pk).values_list("code", flat=True)
    if code := found.first():
        return code
    code = incoming_code.get() or _derived(product.pk)
    incoming_code.set(None)
    ProductCode.objects.create(product_id=product.pk, code=code)
    return code


def product_code(product: Product) -> str:
    """The product's code (a product written without an audit entry, e.g. generated benchmark
    rows, has none stored yet: its minted code is shown)."""
    stored = ProductCode.objects.filter(product_id=product.pk).values_list("code", flat=True)
    return stored.first() or _derived(product.pk)


def product_by_code(code: str) -> Product | None:
    found = ProductCode.objects.filter(code=code).values_list("product_id", flat=True).first()
    if found is None:
        own = re.fullmatch(rf"{re.escape(platform_code())}-SP-(\d+)", code)
        if own is None or ProductCode.objects.filter(product_id=int(own.group(1))).exists():
            return None
        found = int(own.group(1))
    return Product.objects.select_related("producer__commune").filter(pk=found).first()


def decision_key(issuing_unit_id: str | None, number: str) -> str:
    return f"{issuing_unit_id or 'TW'}:{number}"


def producer_data(producer: Producer) -> dict[str, Any]:
    data = {name: getattr(producer, name) for name in PRODUCER_KEYS if name != "commune"}
    return {"tax_code": producer.tax_code, **data, "commune": producer.commune_id}


def product_data(product: Product) -> dict[str, Any]:
    data = {name: getattr(product, name) for name in PRODUCT_KEYS if name != "product_set"}
    return {"code": product_code(product), "producer": product.producer.tax_code, **data,
            "product_set": product.product_set_id}


def decision_data(decision: RecognitionDecision) -> dict[str, Any]:
    return {"issuing_unit": decision.issuing_unit_id, "number": decision.number,
            "date": decision.date.isoformat(), "level": decision.level,
            "signer_name": decision.signer_name, "signer_title": decision.signer_title,
            "signing_capacity": decision.signing_capacity}


def certificate_data(certificate: Certificate) -> dict[str, Any]:
    decision = certificate.decision
    return {
        "number": certificate.number, "product": product_code(certificate.product),
        "producer": certificate.producer.tax_code,
        "decision": {"issuing_unit": decision.issuing_unit_id, "number": decision.number},
        "stars": certificate.stars, "total_score": str(certificate.total_score),
        "issued_on": certificate.issued_on.isoformat(),
        "valid_until": certificate.valid_until.isoformat(),
        "administered_by": certificate.administered_by_id,
        "revoked_on": certificate.revoked_on.isoformat() if certificate.revoked_on else None,
        "revocation_reason": certificate.revocation_reason,
        "revocation_decision_number": certificate.revocation_decision_number,
    }


def decision_province(decision: RecognitionDecision) -> str:
    unit = decision.issuing_unit
    if unit is None:
        return ""
    return unit.current_province_id or unit.pk


def describe(entity: str, obj: Any) -> tuple[str, str, dict[str, Any]]:
    """(official key, province key, data) of a record."""
    if entity == Entity.PRODUCER:
        return obj.tax_code, obj.commune.current_province_id or "", producer_data(obj)
    if entity == Entity.PRODUCT:
        return (product_code(obj), obj.producer.commune.current_province_id or "",
                product_data(obj))
    if entity == Entity.DECISION:
        return (decision_key(obj.issuing_unit_id, obj.number), decision_province(obj),
                decision_data(obj))
    return obj.number, obj.administered_by_id, certificate_data(obj)


# --- Current records, for the bulk export ------------------------------------------------------


def producers_in(province: str | None):
    qs = Producer.objects.select_related("commune").order_by("id")
    return qs.filter(commune__current_province_id=province) if province else qs


def products_in(province: str | None):
    qs = Product.objects.select_related("producer__commune").order_by("id")
    return qs.filter(producer__commune__current_province_id=province) if province else qs


def decisions_in(province: str | None):
    qs = RecognitionDecision.objects.select_related("issuing_unit").order_by("id")
    if province:
        # A ministry decision (no issuing unit) travels with the certificates the province
        # administers under it, so that an import finds the decision of each certificate.
        qs = qs.filter(Q(issuing_unit_id=province) | Q(issuing_unit__current_province_id=province)
                       | Q(certificates__administered_by_id=province)).distinct()
    return qs


def certificates_in(province: str | None):
    qs = (Certificate.objects.select_related("decision", "product", "producer")
          .order_by("id"))
    return qs.filter(administered_by_id=province) if province else qs


def rows(entity: str):
    """Every record of ``entity``, with what ``describe`` reads joined in."""
    if entity == Entity.PRODUCER:
        return producers_in(None)
    if entity == Entity.PRODUCT:
        return products_in(None)
    if entity == Entity.DECISION:
        return decisions_in(None)
    return certificates_in(None)
