"""Every write of the certificates app: decisions, issuing, revocation, the daily lifecycle job.

Keyword-only arguments, one transaction per change, audit entry in that same transaction,
notifications (in-app rows now, e-mail after commit) for whoever must act. ``today`` is always
injectable: the daily job, the tests and the demo pass their own clock; callers that do not
pass it get ``timezone.localdate()`` (Asia/Ho_Chi_Minh).

``Product.stars`` is a denormalised copy: the highest star rating among the product's
certificates valid today. This module is the only code that writes it (a test,
``ocop/certificates/tests/test_one_truth.py``, refuses any other writer): every change that can
move it (issue, revoke, expiry, paper records entered) recomputes it from the certificates, so a
missed job run is repaired by the next one (docs/evaluation-and-certificates.md, "One truth for
stars").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.models import User
from ocop.accounts.selectors import producer_users, province_office_users
from ocop.audit import services as audit
from ocop.certificates import hooks, permissions
from ocop.certificates.models import (
    Certificate,
    CertificateSequence,
    ExpiryReminder,
    RecognitionDecision,
    SigningCapacity,
)
from ocop.certificates.selectors import best_valid_stars
from ocop.core.refusals import Verdict
from ocop.core.validators import plain_text_errors
from ocop.dossiers import services as dossiers
from ocop.dossiers.models import Dossier
from ocop.notifications.services import notify
from ocop.registry.models import Product
from ocop.rules.certification import (
    REMINDER_DAYS_BEFORE_EXPIRY,
    can_upgrade,
    certificate_valid_until,
    is_certifiable,
)
from ocop.rules.levels import CENTRAL, DISTRICT, PROVINCE
from ocop.units.models import Unit


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _check(verdict: Verdict) -> None:
    # PermissionDenied (not the core Forbidden): the pages and the API answer it with 403.
    if not verdict:
        raise PermissionDenied(verdict.reason)


# --- Recipients ------------------------------------------------------------------------------


def _holders(certificate: Certificate) -> list[User]:
    """Who hears about a certificate's life: the producer's accounts and the standing office
    of the province that administers it."""
    return (producer_users(certificate.producer_id)
            + province_office_users(certificate.administered_by_id))


# --- Product stars ---------------------------------------------------------------------------


def refresh_product_stars(products: QuerySet[Product] | Iterable[int], *, today: date,
                          actor: Any = None, audited: bool = True) -> int:
    """Set ``stars`` of each product to its best rating valid on ``today`` (None without a
    valid certificate), in one UPDATE for all those that differ, each change audited.
    ``products``: a queryset of products or their ids. Returns how many changed.
    ``audited=False`` is for generated benchmark rows (national-scale data), which are no act
    anyone must answer for and would otherwise write one audit entry per product."""
    ids = products.values("pk") if isinstance(products, QuerySet) else list(products)
    best = best_valid_stars(today)
    changed = [
        (pk, name, current, new)
        for pk, name, current, new in Product.objects.filter(pk__in=ids).annotate(best=best)
        .values_list("pk", "name", "stars", "best").order_by("pk")
        if current != new
    ]
    if not changed:
        return 0
    Product.objects.filter(pk__in=[row[0] for row in changed]).update(
        stars=best_valid_stars(today), updated_at=timezone.now())
    for pk, name, current, new in changed if audited else ():
        audit.record(actor=actor, action="registry.product.stars",
                     obj=Product(pk=pk, name=name), changes={"stars": [current, new], "on": today})
    return len(changed)


def sync_product_stars(product: Product, *, today: date, actor: Any = None) -> int | None:
    """Set ``product.stars`` to the best rating valid on ``today`` (None: no valid certificate)."""
    refresh_product_stars([product.pk], today=today, actor=actor)
    product.stars = Product.objects.filter(pk=product.pk).values_list("stars", flat=True).first()
    return product.stars


# --- Decisions -------------------------------------------------------------------------------


def _decision_province(issuing_unit: Unit | None) -> Unit | None:
    """The current province a decision belongs to (None for the ministry)."""
    if issuing_unit is None:
        return None
    return issuing_unit.current_province if issuing_unit.current_province_id else issuing_unit


@transaction.atomic
def create_decision(
    *,
    actor: User | None,
    number: str,
    date: date,
    signer_name: str,
    signer_title: str,
    level: str,
    issuing_unit: Unit | None,
    file: Any = None,
    signing_capacity: str | None = None,
) -> RecognitionDecision:
    """Record a signed recognition decision; ``issue_certificate`` issues its certificates.

    ``signing_capacity`` defaults to what the title says (``SigningCapacity.for_title``): a
    "Phó Chủ tịch" signs "KT. CHỦ TỊCH", a "Chủ tịch" in their own name."""
    if signing_capacity is None:
        signing_capacity = SigningCapacity.for_title(signer_title)
    if actor is not None:
        _check(permissions.can_issue(actor, _decision_province(issuing_unit)))
    validate_decision(number=number, signer_name=signer_name, signer_title=signer_title,
                      level=level, issuing_unit=issuing_unit, signing_capacity=signing_capacity)
    decision = RecognitionDecision.objects.create(
        number=number.strip(), date=date, signer_name=signer_name.strip(),
        signer_title=signer_title.strip(), signing_capacity=signing_capacity, level=level,
        issuing_unit=issuing_unit, created_by=actor if isinstance(actor, User) else None,
    )
    if file is not None:
        decision.file.save(f"{decision.pk}.pdf", file, save=True)
    audit.record(actor=actor, action="certificates.decision.create", obj=decision,
                 changes=audit.snapshot(decision))
    return decision


def validate_decision(*, number: str, signer_name: str, signer_title: str, level: str,
                      issuing_unit: Unit | None, signing_capacity: str | None = None) -> None:
    """The checks of ``create_decision`` that need no writing (also run before the
    confirmation step of a recognition)."""
    if signing_capacity is None:
        signing_capacity = SigningCapacity.for_title(signer_title)
    errors: dict[str, str] = {}
    if level == CENTRAL and issuing_unit is not None:
        errors["issuing_unit"] = _("Quyết định cấp trung ương do Bộ ban hành, không gắn tỉnh.")
    if level == PROVINCE and (issuing_unit is None or issuing_unit.level != Unit.Level.PROVINCE):
        errors["issuing_unit"] = _("Quyết định cấp tỉnh phải do một tỉnh/thành phố ban hành.")
    if level == DISTRICT and (issuing_unit is None or issuing_unit.level != Unit.Level.DISTRICT):
        errors["issuing_unit"] = _("Quyết định cấp huyện phải do một huyện (trước 2025) ban hành.")
    if not number.strip():
        errors["number"] = _("Hãy nhập số quyết định.")
    if not signer_name.strip() or not signer_title.strip():
        errors["signer_name"] = _("Hãy nhập người ký và chức vụ.")
    if signing_capacity not in SigningCapacity.values:
        errors["signing_capacity"] = _("Thẩm quyền ký không hợp lệ.")
    errors.update(plain_text_errors({"signer_name": (_("Người ký"), signer_name),
                                     "signer_title": (_("Chức vụ người ký"), signer_title)}))
    if errors:
        raise ValidationError(errors)
    number = number.strip()
    if RecognitionDecision.objects.filter(issuing_unit=issuing_unit, number=number).exists():
        raise ValidationError({"number": _("Quyết định số %(number)s đã có trong hệ thống.")
                                         % {"number": number}})


# --- Issuing ---------------------------------------------------------------------------------


def _validate_issue(decision: RecognitionDecision, stars: int, total_score: Decimal,
                    issued_on: date) -> None:
    if not is_certifiable(stars):
        raise ValidationError(
            {"stars": _("Chỉ sản phẩm đạt 3 đến 5 sao được cấp giấy chứng nhận.")})
    if not Decimal(0) <= Decimal(total_score) <= Decimal(100):
        raise ValidationError({"total_score": _("Tổng điểm phải từ 0 đến 100.")})
    if issued_on < decision.date:
        raise ValidationError({"issued_on": _(
            "Ngày cấp giấy chứng nhận (%(issued)s) không được trước ngày quyết định (%(day)s).")
            % {"issued": f"{issued_on:%d/%m/%Y}", "day": f"{decision.date:%d/%m/%Y}"}})


def number_prefix(decision: RecognitionDecision, issued_on: date) -> str:
    """``OCOP-<province code>-<year>``; the legacy province for a pre-2025 district decision."""
    unit = decision.issuing_unit
    if unit is None:
        code = "TW"
    elif unit.level == Unit.Level.PROVINCE:
        code = unit.code
    else:
        code = unit.parent.code if unit.parent_id else unit.current_province.code
    return f"OCOP-{code}-{issued_on.year}"


def _take_numbers(prefix: str, count: int) -> list[str]:
    """``count`` consecutive certificate numbers of ``prefix``."""
    # The row lock serialises concurrent issuers of one province and year (PostgreSQL); SQLite
    # serialises all writers anyway (transaction_mode IMMEDIATE). The audit chain's lock comes
    # first, as in a transaction that audited before taking numbers (a decision and its
    # certificates, an exchange import): one order for both locks, so no deadlock.
    audit.hold_chain()
    seq, _created = CertificateSequence.objects.select_for_update(no_key=True).get_or_create(
        prefix=prefix)
    first = seq.last + 1
    seq.last += count
    seq.save(update_fields=["last"])
    return [f"{prefix}-{n:05d}" for n in range(first, seq.last + 1)]


def _next_number(prefix: str) -> str:
    return _take_numbers(prefix, 1)[0]


def administering_province(decision: RecognitionDecision, product: Product) -> Unit:
    """Today's province that manages the certificate: the decision's province (for an abolished
    district, the province it lies in now), or the producer's province for a ministry decision."""
    province = _decision_province(decision.issuing_unit)
    if province is None:
        province = product.producer.commune.current_province
    return province


@transaction.atomic
def issue_certificate(
    *,
    actor: User | None,
    decision: RecognitionDecision,
    product: Product,
    stars: int,
    total_score: Decimal,
    issued_on: date | None = None,
    source_dossier: Any = None,
    today: date | None = None,
) -> Certificate:
    """Issue one certificate under ``decision`` (issued on the decision's date by default)."""
    today = _today(today)
    issued_on = issued_on or decision.date
    _validate_issue(decision, stars, total_score, issued_on)
    if actor is not None:
        _check(permissions.can_issue(actor, _decision_province(decision.issuing_unit)))
    province = administering_province(decision, product)
    number = _next_number(number_prefix(decision, issued_on))
    certificate = Certificate.objects.create(
        number=number, product=product, producer_id=product.producer_id, decision=decision,
        stars=stars, total_score=Decimal(total_score).quantize(Decimal("0.01")),
        issued_on=issued_on, valid_until=certificate_valid_until(issued_on),
        administered_by=province, source_dossier=source_dossier,
    )
    audit.record(actor=actor, action="certificates.issue", obj=certificate,
                 changes=audit.snapshot(certificate))
    sync_product_stars(product, today=today, actor=actor)
    hooks.certificate_issued([certificate], today)
    notify(producer_users(product.producer_id), "certificate.issued",
           {"product": product.name, "stars": stars, "number": number}, certificate)
    return certificate


@dataclass(frozen=True)
class PaperCertificate:
    """One certificate of the archive: signed and handed over on paper before the platform."""

    decision: RecognitionDecision
    product: Product
    stars: int
    total_score: Decimal
    issued_on: date


@transaction.atomic
def enter_paper_certificates(*, actor: User | None, records: Sequence[PaperCertificate],
                             today: date | None = None) -> list[Certificate]:
    """Enter certificates from paper records (a province's archive of earlier decisions):
    the checks and numbers of ``issue_certificate``, one audit entry each, but no notification
    (the holder received the paper certificate at the time). A certificate already past its
    end on ``today`` is entered with its expiry recorded, so the daily job does not announce an
    expiry years late. Stars are refreshed once for every product concerned."""
    today = _today(today)
    for record in records:
        _validate_issue(record.decision, record.stars, record.total_score, record.issued_on)
    if actor is not None:
        for province in {_decision_province(r.decision.issuing_unit) for r in records}:
            _check(permissions.can_issue(actor, province))
    ordered = sorted(records, key=lambda r: (r.issued_on, r.decision.pk, r.product.pk))
    by_prefix: dict[str, list[PaperCertificate]] = {}
    for record in ordered:
        by_prefix.setdefault(number_prefix(record.decision, record.issued_on), []).append(record)
    rows = []
    for prefix, items in sorted(by_prefix.items()):
        for record, number in zip(items, _take_numbers(prefix, len(items)), strict=True):
            valid_until = certificate_valid_until(record.issued_on)
            rows.append(Certificate(
                number=number, product=record.product, producer_id=record.product.producer_id,
                decision=record.decision, stars=record.stars,
                total_score=Decimal(record.total_score).quantize(Decimal("0.01")),
                issued_on=record.issued_on, valid_until=valid_until,
                administered_by=administering_province(record.decision, record.product),
                expiry_recorded_on=today if valid_until < today else None,
            ))
    created = Certificate.objects.bulk_create(rows)
    for certificate in created:
        audit.record(actor=actor, action="certificates.issue", obj=certificate,
                     changes={**audit.snapshot(certificate), "paper_record": True})
    refresh_product_stars({r.product.pk for r in records}, today=today, actor=actor)
    hooks.certificate_issued(created, today)
    return created


@transaction.atomic
def record_known_certificate(*, actor: User | None, number: str | None,
                             decision: RecognitionDecision, product: Product, stars: int,
                             total_score: Decimal, issued_on: date,
                             today: date | None = None) -> Certificate:
    """Enter a certificate that already exists elsewhere: received from another platform (the
    national exchange, ``number`` kept as issued) or from a province's legacy list (``number``
    None: the next number of its province and year, as for paper records). No notification:
    the holder has had it for a long time. The sequence of its prefix is moved past a received
    number, so a certificate issued here later never takes the same number."""
    today = _today(today)
    _validate_issue(decision, stars, total_score, issued_on)
    if actor is not None:
        _check(permissions.can_issue(actor, _decision_province(decision.issuing_unit)))
    if number is None:
        number = _next_number(number_prefix(decision, issued_on))
    else:
        if Certificate.objects.filter(number=number).exists():
            raise ValidationError({"number": _("Số giấy chứng nhận %(number)s đã có.")
                                             % {"number": number}})
        prefix, _sep, tail = number.rpartition("-")
        if prefix and tail.isdigit():
            seq, _created = (CertificateSequence.objects.select_for_update(no_key=True)
                             .get_or_create(prefix=prefix))
            if seq.last < int(tail):
                seq.last = int(tail)
                seq.save(update_fields=["last"])
    valid_until = certificate_valid_until(issued_on)
    certificate = Certificate.objects.create(
        number=number, product=product, producer_id=product.producer_id, decision=decision,
        stars=stars, total_score=Decimal(total_score).quantize(Decimal("0.01")),
        issued_on=issued_on, valid_until=valid_until,
        administered_by=administering_province(decision, product),
        expiry_recorded_on=today if valid_until < today else None,
    )
    audit.record(actor=actor, action="certificates.issue", obj=certificate,
                 changes={**audit.snapshot(certificate), "known_record": True})
    sync_product_stars(product, today=today, actor=actor)
    return certificate


# --- Revocation ------------------------------------------------------------------------------


@transaction.atomic
def revoke_certificate(
    *,
    actor: User | None,
    certificate: Certificate,
    reason: str,
    decision_number: str,
    revoked_on: date | None = None,
    today: date | None = None,
) -> Certificate:
    """Revoke (thu hồi) a certificate. Effective at once: verification answers "revoked" and
    the product loses the stars in the same transaction."""
    today = _today(today)
    revoked_on = revoked_on or today
    # The joined rows are locked too, as PostgreSQL's UPDATE locks (no_key): a foreign-key check
    # of a row referring to them is not blocked (registry.services._locked says why).
    locked = Certificate.objects.select_for_update(no_key=True).select_related("product").get(
        pk=certificate.pk
    )
    if actor is not None:
        _check(permissions.can_revoke(actor, locked))
    errors: dict[str, str] = {}
    if locked.revoked_on is not None:
        errors["__all__"] = _("Giấy chứng nhận này đã bị thu hồi.")
    if not reason.strip():
        errors["reason"] = _("Hãy nêu lý do thu hồi.")
    if not decision_number.strip():
        errors["decision_number"] = _("Hãy nhập số quyết định thu hồi.")
    if revoked_on > today:
        errors["revoked_on"] = _("Ngày thu hồi không được sau hôm nay.")
    elif revoked_on < locked.issued_on:
        errors["revoked_on"] = _("Ngày thu hồi không được trước ngày cấp.")
    if errors:
        raise ValidationError(errors)
    locked.revoked_on = revoked_on
    locked.revocation_reason = reason.strip()
    locked.revocation_decision_number = decision_number.strip()
    locked.save(update_fields=["revoked_on", "revocation_reason", "revocation_decision_number"])
    audit.record(actor=actor, action="certificates.revoke", obj=locked, changes={
        "revoked_on": revoked_on, "reason": locked.revocation_reason,
        "decision_number": locked.revocation_decision_number,
    })
    sync_product_stars(locked.product, today=today, actor=actor)
    hooks.certificate_lapsed(locked, today)
    notify(_holders(locked), "certificate.revoked",
           {"number": locked.number, "product": locked.product.name,
            "decision": locked.revocation_decision_number}, locked)
    for name in ("revoked_on", "revocation_reason", "revocation_decision_number"):
        setattr(certificate, name, getattr(locked, name))
    return locked


# --- Daily lifecycle job ---------------------------------------------------------------------


@dataclass
class DailyReport:
    today: date
    reminders: dict[int, list[str]] = field(
        default_factory=lambda: {d: [] for d in REMINDER_DAYS_BEFORE_EXPIRY})
    expired: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{len(v)} nhắc {d} ngày" for d, v in self.reminders.items()]
        return f"{self.today:%d/%m/%Y}: " + ", ".join(parts) + f", {len(self.expired)} hết hạn."


def _renewed(day: date):
    """A later certificate of the same product that is valid beyond this one: nothing to remind."""
    return Exists(
        Certificate.objects.filter(product_id=OuterRef("product_id"),
                                   valid_until__gt=OuterRef("valid_until"))
        .exclude(pk=OuterRef("pk")).exclude(revoked_on__lte=day)
    )


def reminders_due(today: date, days_before: int) -> Iterable[Certificate]:
    """Certificates whose ``days_before`` reminder is due today and not yet sent.

    Due from the day exactly ``days_before`` days before ``valid_until``; if the job missed that
    day it catches up later, but never sends the 90-day reminder once the 30-day one is due."""
    shorter = [d for d in REMINDER_DAYS_BEFORE_EXPIRY if d < days_before]
    low = (max(shorter) + 1) if shorter else 0
    qs = (
        Certificate.objects.valid_on(today)
        .filter(valid_until__lte=date.fromordinal(today.toordinal() + days_before),
                valid_until__gte=date.fromordinal(today.toordinal() + low))
        .exclude(reminders__days_before=days_before)
        .annotate(renewed=_renewed(today)).filter(renewed=False)
        .select_related("product", "administered_by")
        .order_by("valid_until", "pk")
    )
    return qs


def _send_reminder(certificate: Certificate, days_before: int, today: date) -> bool:
    try:
        with transaction.atomic():
            reminder = ExpiryReminder.objects.create(
                certificate=certificate, days_before=days_before, sent_on=today
            )
            rows = notify(
                _holders(certificate), "certificate.expiry_reminder",
                {"number": certificate.number, "product": certificate.product.name,
                 "day": certificate.valid_until, "days": certificate.days_left_on(today)},
                certificate,
            )
            reminder.recipients = len(rows)
            reminder.save(update_fields=["recipients"])
            audit.record(actor=None, action="certificates.remind", obj=certificate,
                         changes={"days_before": days_before, "recipients": len(rows),
                                  "on": today})
    except IntegrityError:
        # Another run sent it between our query and the insert: exactly once still holds.
        return False
    return True


def expiries_due(today: date) -> Iterable[Certificate]:
    return (
        Certificate.objects.filter(valid_until__lt=today, expiry_recorded_on__isnull=True,
                                   revoked_on__isnull=True)
        .select_related("product", "administered_by").order_by("valid_until", "pk")
    )


def _record_expiry(certificate: Certificate, today: date) -> bool:
    with transaction.atomic():
        updated = Certificate.objects.filter(
            pk=certificate.pk, expiry_recorded_on__isnull=True
        ).update(expiry_recorded_on=today)
        if not updated:
            return False
        audit.record(actor=None, action="certificates.expire", obj=certificate,
                     changes={"valid_until": certificate.valid_until, "on": today})
        sync_product_stars(certificate.product, today=today)
        hooks.certificate_lapsed(certificate, today)
        notify(
            _holders(certificate), "certificate.expired",
            {"number": certificate.number, "product": certificate.product.name,
             "day": date.fromordinal(certificate.valid_until.toordinal() + 1)},
            certificate,
        )
    return True


def run_daily(*, today: date | None = None) -> DailyReport:
    """Send due reminders (90 and 30 days before expiry, each once) and record expiries.

    Each certificate is handled in its own transaction, so one failure does not undo the rest
    and a re-run the same day does nothing more."""
    today = _today(today)
    report = DailyReport(today=today)
    for days in REMINDER_DAYS_BEFORE_EXPIRY:
        for certificate in reminders_due(today, days):
            if _send_reminder(certificate, days, today):
                report.reminders[days].append(certificate.number)
    for certificate in expiries_due(today):
        if _record_expiry(certificate, today):
            report.expired.append(certificate.number)
    return report


# --- Re-recognition and upgrade --------------------------------------------------------------


def open_follow_up_dossier(*, actor: User, certificate: Certificate, upgrade: bool = False,
                           today: date | None = None):
    """Open a re-recognition (same stars) or upgrade (one star more) dossier. The dossiers app
    pre-fills it from the dossier behind the certificate (form, self-assessment, documents);
    a certificate entered from paper records has none, so its dossier starts from the product's
    registry data.

    Raises the dossiers app's StateError when the product already has an open dossier."""
    _check(permissions.can_renew(actor, certificate))
    if certificate.revoked_on is not None:
        raise ValidationError(_("Giấy chứng nhận đã bị thu hồi; hãy lập hồ sơ đánh giá mới."))
    if upgrade and not can_upgrade(certificate.stars):
        raise ValidationError(_("Sản phẩm đã đạt 5 sao, không thể nâng hạng."))
    return dossiers.open_dossier(
        actor=actor, product=certificate.product, previous=certificate.source_dossier,
        kind=Dossier.Kind.UPGRADE if upgrade else Dossier.Kind.RE_RECOGNITION,
        target_stars=certificate.stars + 1 if upgrade else certificate.stars, today=today,
    )
