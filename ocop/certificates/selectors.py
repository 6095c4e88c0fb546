"""Every read of certificates, scoped to the user's jurisdiction; the public verification."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ocop.accounts.jurisdiction import unit_q
from ocop.accounts.models import Role, User
from ocop.certificates.documents import authority, producer_address
from ocop.certificates.models import (
    Certificate,
    CertificateStatus,
    RecognitionDecision,
    valid_q,
)
from ocop.core import publiccache
from ocop.core.caching import forget
from ocop.core.search import search, search_q
from ocop.dossiers.hooks import HeldCertificate
from ocop.registry.hooks import Section
from ocop.registry.models import Product
from ocop.rules.certification import is_certifiable

_RELATED = (
    "product", "producer", "producer__commune", "producer__commune__current_commune",
    "producer__commune__current_province", "decision", "decision__issuing_unit",
    "administered_by",
)  # fmt: skip
_AREA_ROLES = {Role.PROVINCE_OFFICE, Role.INSPECTOR, Role.COUNCIL_MEMBER, Role.COMMUNE_OFFICER}


# --- Recognised and valid: the one truth for stars ------------------------------------------
#
# A product is OCOP while a certificate of it is valid; it counts as "recognised" (the plans'
# "luỹ kế") from its first certificate on, valid or not. Stars are the best rating among those
# certificates. Dashboards, reports and plans count with these, never with ``Product.stars``
# (a copy for lists and filters, kept by the certificates services).


def recognised_q(day: date, prefix: str = "") -> Q:
    """Certificates (through ``prefix``, e.g. ``"certificates__"``) issued on or before ``day``."""
    return Q(**{f"{prefix}issued_on__lte": day})


def best_valid_stars(day: date) -> Subquery:
    """The best rating among the certificates of the outer product (``OuterRef("pk")``) valid
    on ``day``; NULL without one."""
    return Subquery(
        Certificate.objects.valid_on(day).filter(product_id=OuterRef("pk")).order_by()
        .values("product_id").annotate(best=Max("stars")).values("best")[:1]
    )


def _products(certificates: QuerySet[Certificate], stars: int | None) -> QuerySet[Product]:
    best = Subquery(certificates.filter(product_id=OuterRef("pk")).order_by()
                    .values("product_id").annotate(best=Max("stars")).values("best")[:1])
    qs = Product.objects.filter(Exists(certificates.filter(product_id=OuterRef("pk"))))
    qs = qs.annotate(best_stars=best)
    return qs.filter(best_stars=stars) if stars is not None else qs


def recognised_products(day: date, *, area: Q | None = None,
                        stars: int | None = None) -> QuerySet[Product]:
    """Products with a certificate issued on or before ``day`` (cumulative: expired and revoked
    ones still count), annotated ``best_stars``, the best rating ever recognised. ``area``: a
    ``Q`` on the certificate (its ``producer__commune``…, e.g. ``unit_q(user,
    "producer__commune")`` or a plan's area); ``stars``: only products whose best is that."""
    return _products(Certificate.objects.filter(recognised_q(day), area or Q()), stars)


def valid_products(day: date, *, area: Q | None = None,
                   stars: int | None = None) -> QuerySet[Product]:
    """Products holding a certificate valid on ``day`` (OCOP products on that day), annotated
    ``best_stars``, the best rating valid that day (what ``Product.stars`` holds for today)."""
    return _products(Certificate.objects.filter(valid_q(day), area or Q()), stars)


def count_by_stars(products: QuerySet[Product]) -> dict[int, int]:
    """{stars: products} of ``recognised_products`` or ``valid_products``."""
    rows = products.order_by().values("best_stars").annotate(n=Count("pk"))
    return {row["best_stars"]: row["n"] for row in rows}


def public_products_q(today: date) -> Q:
    """Products the public may see (their photo, their name on /verify/): those holding a
    certificate valid ``today``. Answers the registry's ``public_products_q`` hook."""
    return Q(Exists(Certificate.objects.filter(valid_q(today), product=OuterRef("pk"))))


def held_certificate(product_id: int, day: date) -> HeldCertificate | None:
    """The certificate the product holds on ``day``: its best valid one (most stars, then the
    latest), else its latest one issued by then, expired or revoked. Answers the dossiers app's
    ``held_certificate`` hook: a product holding a valid one opens a re-recognition or an
    upgrade above those stars, not a first evaluation."""
    fields = ("number", "stars", "valid_until", "revoked_on", "source_dossier_id")
    issued = Certificate.objects.filter(product_id=product_id, issued_on__lte=day)
    row = (issued.filter(valid_q(day)).order_by("-stars", "-issued_on", "-id")
           .values_list(*fields).first()
           or issued.order_by("-issued_on", "-id").values_list(*fields).first())
    return HeldCertificate(*row) if row else None


def product_section(user: User, product: Product) -> Section | None:
    """The certificate the product holds (``held_certificate``) on its registry page, for those
    who may open the certificate's page."""
    today = timezone.localdate()
    held = held_certificate(product.pk, today)
    if held is None:
        return None
    certificate = certificates_for(user).filter(number=held.number).first()
    if certificate is None:
        return None
    status = certificate.status_on(today)
    revoked = status == CertificateStatus.REVOKED
    state = (_("đã bị thu hồi từ ngày %(day)s") if revoked
             else _("còn hiệu lực đến hết ngày %(day)s") if status == CertificateStatus.VALID
             else _("đã hết hiệu lực sau ngày %(day)s")) % {
        "day": f"{certificate.revoked_on if revoked else certificate.valid_until:%d/%m/%Y}"}
    return Section(_("Giấy chứng nhận OCOP"), _("Số %(number)s, %(stars)d sao, %(state)s.") % {
        "number": certificate.number, "stars": certificate.stars, "state": state},
        reverse("certificates:detail", args=[certificate.number]), order=10)


def certificates_for(user: User) -> QuerySet[Certificate]:
    """Same reach as ``permissions.can_view``, as one filter."""
    qs = Certificate.objects.all()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    if user.is_nationwide:
        return qs
    if user.role == Role.PRODUCER:
        return qs.filter(producer_id=user.producer_id) if user.producer_id else qs.none()
    if user.role not in _AREA_ROLES or user.unit_id is None:
        return qs.none()
    return qs.filter(Q(administered_by_id=user.unit_id) | unit_q(user, "producer__commune"))


@dataclass
class CertificateFilter:
    q: str = ""
    status: str = ""
    stars: int | None = None
    expiring_within: int | None = None  # days

    @classmethod
    def from_params(cls, params: Any) -> CertificateFilter:
        def as_int(value: Any) -> int | None:
            try:
                return int(value)
            except (TypeError, ValueError):
                return None

        return cls(
            q=str(params.get("q", "")).strip()[:100],
            status=params.get("status", "") if params.get("status") in CertificateStatus.values
            else "",
            stars=as_int(params.get("stars")),
            expiring_within=as_int(params.get("expiring_within")),
        )


def certificate_list(user: User, f: CertificateFilter, today: date) -> QuerySet[Certificate]:
    qs = certificates_for(user).select_related(*_RELATED).with_status(today)
    if f.q:
        qs = search(qs, f.q, folded=("product__search_text", "producer__search_text"),
                    codes=("number",))
    if f.status:
        qs = qs.filter(status_value=f.status)
    if f.stars is not None and is_certifiable(f.stars):
        qs = qs.filter(stars=f.stars)
    if f.expiring_within is not None and f.expiring_within >= 0:
        qs = qs.filter(status_value=CertificateStatus.VALID,
                       valid_until__lte=date.fromordinal(today.toordinal() + f.expiring_within))
    return qs.order_by("-issued_on", "-id")


def certificate_detail(user: User, number: str) -> Certificate:
    found = certificates_for(user).select_related(*_RELATED).filter(number=number).first()
    if found is None:
        raise Http404(number)
    return found


def decisions_for(user: User) -> QuerySet[RecognitionDecision]:
    """Decisions with at least one certificate the user may see, plus the office's own."""
    if user.is_nationwide:
        return RecognitionDecision.objects.select_related("issuing_unit")
    visible = certificates_for(user).values("decision_id")
    own = Q(pk__in=[])
    if user.role == Role.PROVINCE_OFFICE and user.unit_id:
        own = Q(issuing_unit_id=user.unit_id) | Q(issuing_unit__current_province_id=user.unit_id)
    return RecognitionDecision.objects.select_related("issuing_unit").filter(
        Q(pk__in=visible) | own
    )


def decision_list(user: User, q: str = "") -> QuerySet[RecognitionDecision]:
    """Decisions found by their number, signer, issuing unit or a product/producer they
    recognised (the latter through a subquery, so a decision is listed once)."""
    qs = decisions_for(user)
    if not q.strip():
        return qs
    recognised = Certificate.objects.filter(
        search_q(q, folded=("product__search_text", "producer__search_text"))
    ).values("decision_id")
    return qs.filter(search_q(q, folded=("search_text", "issuing_unit__search_name"))
                     | Q(pk__in=recognised))


# --- Public verification ---------------------------------------------------------------------


def verification(number: str) -> Certificate | None:
    """One query: the certificate and everything the public page shows."""
    if not number or len(number) > 32:
        return None
    return Certificate.objects.select_related(*_RELATED).filter(number=number).first()


def issuer_name(decision: RecognitionDecision) -> str:
    """The issuer as printed on the certificate, named as on the decision's date."""
    return authority(decision.issuing_unit, decision.date).name


# The public page and API answer from a copy kept this long at most. A save of the certificate
# (revocation, renewal, issue) clears it at once in the process that saved it (forget_verification);
# other server processes with a per-process cache see it within this time. The copy is kept per
# day, so an expiry shows exactly on its day.
VERIFY_CACHE_SECONDS = 60


def _verify_cache_key(number: str, today: date, language: str) -> str:
    digest = hashlib.sha256(number.encode()).hexdigest()[:24]  # any typed text: a safe key
    return f"certificates:verify:{today.isoformat()}:{language}:{digest}"


def public_verification(number: str, today: date) -> dict[str, Any]:
    """``public_data(verification(number), today)``, cached (VERIFY_CACHE_SECONDS) per number,
    day and language: the verification page is public and opened from every printed QR code."""
    key = _verify_cache_key(number, today, get_language() or settings.LANGUAGE_CODE)
    data = cache.get(key)
    if data is None:
        data = public_data(verification(number), today)
        cache.set(key, data, VERIFY_CACHE_SECONDS)
    return data


def forget_verification(sender: type, instance: Certificate, **kwargs: Any) -> None:
    """post_save/post_delete of a Certificate: drop today's cached answers for its number, and
    the stored public pages (the verify page, the catalogue) of the WSGI fast path."""
    forget(*(_verify_cache_key(instance.number, timezone.localdate(), code)
             for code, _name in settings.LANGUAGES))
    publiccache.invalidate()


def public_data(certificate: Certificate | None, today: date) -> dict[str, Any]:
    """What anyone may learn about a certificate number. Organisation data only: no
    representative, phone, e-mail, tax code or street address (people's personal data)."""
    if certificate is None:
        return {"status": "unknown", "status_label": _("Không tìm thấy giấy chứng nhận"),
                "checked_on": today.isoformat()}
    commune = certificate.producer.commune
    current_commune = commune.current_commune or commune
    status = certificate.status_on(today)
    data: dict[str, Any] = {
        "number": certificate.number,
        "status": status,
        "status_label": str(CertificateStatus(status).label),
        "checked_on": today.isoformat(),
        "product": certificate.product.name,
        "producer": certificate.producer.name,
        "commune": current_commune.full_name,
        "province": commune.current_province.full_name if commune.current_province_id else "",
        "registered_commune": commune.full_name if commune.pk != current_commune.pk else None,
        "address": capfirst(producer_address(certificate, today)),
        "stars": certificate.stars,
        "issued_on": certificate.issued_on.isoformat(),
        "valid_until": certificate.valid_until.isoformat(),
        "decision": {
            "number": certificate.decision.number,
            "date": certificate.decision.date.isoformat(),
            "issuer": issuer_name(certificate.decision),
        },
        "revoked_on": None,
        "revocation_reason": None,
        "revocation_decision_number": None,
    }
    if status == CertificateStatus.REVOKED:
        data.update(
            revoked_on=certificate.revoked_on.isoformat(),
            revocation_reason=certificate.revocation_reason,
            revocation_decision_number=certificate.revocation_decision_number,
        )
    return data
