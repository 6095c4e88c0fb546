"""Reads of the open data: the rows of each dataset, and the releases already built.

Everything here is public by design (the open data has no jurisdiction: it is the register every
visitor may read), so nothing is scoped to a user; what keeps it public is the choice of columns
(``row``) — organisation and certificate data only.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet

from ocop.certificates.models import Certificate, CertificateStatus
from ocop.certificates.selectors import issuer_name
from ocop.opendata.models import Release, ReleaseFile
from ocop.registry.models import LegalForm
from ocop.units.models import Unit


def published_certificates(today: date) -> QuerySet[Certificate]:
    """Every certificate issued by ``today``, by number, with what a row shows: read in one
    query, so that a revocation committed during a build cannot put one certificate in two
    files."""
    return Certificate.objects.filter(issued_on__lte=today).select_related(
        "product__product_set__group", "producer__commune__current_commune",
        "producer__commune__current_province", "producer__commune__parent",
        "decision__issuing_unit").order_by("number")


def _legacy_district(certificate: Certificate) -> Unit | None:
    """The pre-2025 district, when the record knows it: the district that signed the decision
    (3★ before 1 July 2025), else the district of a legacy commune of registration."""
    issuer = certificate.decision.issuing_unit
    if issuer is not None and issuer.level == Unit.Level.DISTRICT:
        return issuer
    commune = certificate.producer.commune
    parent = commune.parent
    if commune.era == Unit.Era.LEGACY and parent is not None and \
            parent.level == Unit.Level.DISTRICT:
        return parent
    return None


def row(certificate: Certificate, status: str, issuers: dict[int, str]) -> dict[str, Any]:
    """One published row. The columns are chosen here, and only here: no phone, e-mail, tax
    code, street address, representative or revocation reason; no household's name.
    ``issuers`` caches the issuing body per decision (one decision covers many certificates)."""
    product = certificate.product
    producer = certificate.producer
    registered = producer.commune
    commune = registered.current_commune or registered
    province = registered.current_province
    decision = certificate.decision
    if decision.pk not in issuers:
        issuers[decision.pk] = issuer_name(decision)
    district = _legacy_district(certificate)
    group = product.product_set.group
    data: dict[str, Any] = {
        "certificate_number": certificate.number,
        "status": status,
        "stars": certificate.stars,
        "issued_on": certificate.issued_on.isoformat(),
        "valid_until": certificate.valid_until.isoformat(),
        "decision_number": decision.number,
        "decision_date": decision.date.isoformat(),
        "issuing_body": issuers[decision.pk],
        "product_id": product.pk,
        "product_name": product.name,
        "gtin": product.gtin or None,
        "product_group_code": group.code if group else None,
        "product_group": group.name_vi if group else None,
        "product_set_code": product.product_set.code,
        "product_set": product.product_set.name_vi,
        "producer_name": None if producer.legal_form == LegalForm.HOUSEHOLD else producer.name,
        "producer_legal_form": str(LegalForm(producer.legal_form).label),
        "commune_code": commune.code,
        "commune": commune.full_name,
        "province_code": province.code if province else None,
        "province": province.full_name if province else None,
        "legacy_district_code": district.code if district else None,
        "legacy_district": district.full_name if district else None,
    }
    if status == CertificateStatus.REVOKED:
        data["revoked_on"] = certificate.revoked_on.isoformat()
        data["revocation_decision_number"] = certificate.revocation_decision_number
    return data


def dataset_rows(today: date) -> dict[str, list[dict[str, Any]]]:
    """The rows of each status on ``today`` (valid, revoked, expired): a certificate revoked and
    since past its 36 months is revoked."""
    issuers: dict[int, str] = {}
    rows: dict[str, list[dict[str, Any]]] = {status: [] for status in CertificateStatus.values}
    for certificate in published_certificates(today).iterator(chunk_size=2000):
        status = certificate.status_on(today)
        rows[status].append(row(certificate, status, issuers))
    return rows


def latest_release() -> Release | None:
    return Release.objects.order_by("-built_at", "-pk").first()


def latest_file(name: str) -> ReleaseFile | None:
    """The file of that public name in the newest release that has it."""
    return (ReleaseFile.objects.filter(name=name).select_related("release")
            .order_by("-release__built_at", "-release__pk").first())


def release_built_on(day: date) -> bool:
    return Release.objects.filter(as_of=day).exists()
