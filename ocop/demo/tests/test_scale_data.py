"""scale_data: bulk synthetic data that tops up to the requested totals, with the OCOP cycle
history (rounds, dossiers, decisions, certificates) and stars derived from the certificates."""

from __future__ import annotations

import io
import re
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import pytest
from biip.gtin import Gtin
from django.core.management import call_command
from django.db.models import Max

from ocop.accounts.models import Role, User
from ocop.certificates import services as certificates
from ocop.certificates.models import (
    Certificate,
    CertificateSequence,
    CertificateStatus,
    RecognitionDecision,
)
from ocop.demo.scale import generate
from ocop.dossiers import services as dossiers
from ocop.dossiers.models import (
    AWAITING_REVIEW,
    EVALUATION_STATES,
    CorrectionRequest,
    Dossier,
    DossierState,
    DossierVersion,
    ProgrammeYear,
    Round,
)
from ocop.dossiers.selectors import round_covers
from ocop.evaluation.models import Assignment, Council, MemberRole
from ocop.inspections.models import CHECKLIST, Finding, InspectionPlan, Visit
from ocop.registry.models import EvidenceDocument, Producer, Product
from ocop.registry.services import producer_search_text, product_search_text
from ocop.registry.validators import normalise_tax_code
from ocop.rules.certification import certificate_valid_until
from ocop.rules.levels import CENTRAL, levels_in_force
from ocop.units.models import Unit

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 30)
S = DossierState
TERMINAL = {S.RECOGNISED, S.NOT_RECOGNISED, S.WITHDRAWN}


@pytest.fixture
def reference_data():
    call_command("load_units", provinces="01,24,27", stdout=io.StringIO())
    call_command("load_classification", stdout=io.StringIO())


def _scale(**kwargs) -> str:
    out = io.StringIO()
    call_command("scale_data", stdout=out, **kwargs)
    return out.getvalue()


def _counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (
        Producer, Product, Dossier, DossierVersion, CorrectionRequest, Round, ProgrammeYear,
        RecognitionDecision, Council, Visit, Certificate))


def _wipe() -> None:
    for model in (Finding, Visit, InspectionPlan, Assignment, Council, Certificate,
                  CertificateSequence, RecognitionDecision, CorrectionRequest, DossierVersion):
        model.objects.all().delete()
    Dossier.objects.update(previous=None)
    for model in (Dossier, Round, ProgrammeYear, EvidenceDocument, Product, Producer):
        model.objects.all().delete()


def test_tops_up_to_totals_with_valid_codes(reference_data):
    out = _scale(products=60, producers=40, documents=30, dossiers=120)
    assert "120 dossiers" in out and "certificates" in out
    assert (Producer.objects.count(), Product.objects.count()) == (40, 60)
    assert EvidenceDocument.objects.count() == 30
    # Every producer has a product before any has a second.
    assert not Producer.objects.filter(products__isnull=True).exists()

    _scale(products=90, producers=50, documents=30, dossiers=120)
    assert (Producer.objects.count(), Product.objects.count()) == (50, 90)
    assert EvidenceDocument.objects.count() == 30
    _scale(products=90, producers=50, documents=30, dossiers=120)
    assert (Producer.objects.count(), Product.objects.count()) == (50, 90)

    for producer in Producer.objects.select_related("commune__current_commune"):
        assert normalise_tax_code(producer.tax_code) == producer.tax_code
        assert producer.search_text == producer_search_text(producer)
        # Spread over the loaded provinces, under current or legacy communes.
        assert producer.commune.current_province_id in {"P01", "P24"}
    for product in Product.objects.select_related("producer", "product_set"):
        assert product.search_text == product_search_text(product)
        assert product.stars in (None, 3, 4, 5)
        if product.gtin:
            Gtin.parse(product.gtin)

    offices = User.objects.filter(username__startswith="scale-", role=Role.PROVINCE_OFFICE)
    assert set(offices.values_list("unit_id", flat=True)) == {"P01", "P24"}
    assert User.objects.filter(username="scale-trunguong", role=Role.CENTRAL).exists()


def test_dossiers_are_a_total_and_certificates_follow_the_products(reference_data):
    generate(products=40, producers=25, dossiers=100, today=TODAY)
    assert Dossier.objects.count() == 100
    first = _counts()
    assert Certificate.objects.count() > 0

    generate(products=40, producers=25, dossiers=100, today=TODAY)
    assert _counts() == first  # nothing missing, nothing added

    generate(products=40, producers=25, dossiers=130, today=TODAY)
    assert Dossier.objects.count() == 130
    # More dossiers for the same products: their certificates stay as they were.
    assert Certificate.objects.count() == first[-1]

    generate(products=50, producers=25, dossiers=130, today=TODAY)
    new = Product.objects.order_by("-pk")[:10]
    assert Certificate.objects.filter(product__in=new).exists()
    assert Dossier.objects.count() == 130

    # The default: three dossiers per product.
    generate(products=50, producers=25, today=TODAY)
    assert Dossier.objects.count() == 150


def test_national_history(reference_data):
    """One generated world (three per product dossiers by default), checked from every side."""
    generate(products=120, producers=70, today=TODAY)
    _spread()
    _dossiers_valid()
    _certificates_consistent()
    _stars_derived()
    _councils()
    _inspections()


def _inspections() -> None:
    plans = InspectionPlan.objects.all()
    assert {p.province_id for p in plans} == {"P01", "P24"}
    visits = list(Visit.objects.select_related("plan", "certificate", "product__producer__commune"))
    assert visits
    for visit in visits:
        assert visit.plan.starts_on <= visit.visited_on <= TODAY
        assert visit.certificate.product_id == visit.product_id
        assert visit.certificate.status_on(visit.visited_on) == CertificateStatus.VALID
        assert visit.product.producer.commune.current_province_id == visit.plan.province_id
        assert visit.plan.inspectors.filter(pk=visit.inspector_id, role=Role.INSPECTOR).exists()
        assert visit.findings.count() == len(CHECKLIST)
        assert (visit.follow_up_by is not None) == visit.findings.filter(result="fail").exists()


def _councils() -> None:
    councils = list(Council.objects.prefetch_related("members"))
    assert councils
    for council in councils:
        assert council.round.status == Round.Status.OPEN and council.level == council.round.level
        assert council.members.count() in (2, 7)
    # Some councils cannot meet their quorum: no chair appointed yet.
    assert any(not c.members.filter(role=MemberRole.CHAIR).exists() for c in councils)
    on_council = Dossier.objects.filter(round__councils__isnull=False,
                                        state__in=[S.UNDER_EVALUATION, S.SCORED])
    assert on_council.exists()
    for dossier in on_council:
        assert Assignment.objects.get(dossier=dossier).council.round_id == dossier.round_id


def _spread() -> None:
    states = Counter(Dossier.objects.values_list("state", flat=True))
    assert set(states) == set(S.values)  # every state, AWAITING_REVIEW and EVALUATION_STATES
    assert set(states) >= AWAITING_REVIEW | EVALUATION_STATES
    assert {d.year for d in Dossier.objects.values_list("state_changed_at", flat=True)} == set(
        range(2021, 2027))
    levels = set(Dossier.objects.exclude(round=None).values_list("round__level", flat=True))
    assert levels == {"district", "province", "central"}
    assert set(Dossier.objects.values_list("kind", flat=True)) == set(Dossier.Kind.values)
    # Correction requests of open dossiers, some long unanswered.
    waiting = CorrectionRequest.objects.filter(dossier__state=S.CORRECTIONS_REQUESTED,
                                               answered_at=None)
    ages = [(TODAY - r.created_at.date()).days for r in waiting]
    assert ages and min(ages) < 30 < max(ages)


def _dossiers_valid() -> None:
    open_per_product = Counter(Dossier.objects.exclude(state__in=TERMINAL)
                               .values_list("product_id", flat=True))
    assert max(open_per_product.values()) == 1  # open_dossier refuses a second one
    for r in Round.objects.select_related("programme_year__province", "issuing_unit"):
        dossiers._check_round(r)  # dates in order, level and issuer valid on its date
        assert r.search_text
    for d in (Dossier.objects.select_related("round__issuing_unit", "producer__commune",
                                              "requested_round", "previous")):
        assert d.producer_id == Product.objects.get(pk=d.product_id).producer_id
        assert d.requested_round is not None
        if d.state == S.DRAFT:
            assert d.submitted_at is None and not d.procedure
            continue
        assert d.submitted_at and d.procedure == levels_in_force(d.submitted_at.date()).procedure
        assert d.created_at <= d.submitted_at <= d.state_changed_at
        assert d.versions.filter(number=1).exists()
        if d.state in (S.ACCEPTED, S.RECOGNISED, S.NOT_RECOGNISED) or d.state in EVALUATION_STATES:
            assert d.round is not None and d.accepted_at is not None
            assert round_covers(d.round, d)
        if d.state == S.CORRECTIONS_REQUESTED:
            assert d.corrections.filter(answered_at=None).count() == 1
        if d.state == S.COMMUNE_CHECKED:
            assert d.commune_checked_at and d.commune_check
        if d.previous is not None:
            assert d.previous.product_id == d.product_id and d.previous.state == S.RECOGNISED


def _certificates_consistent() -> None:
    status = Counter()
    pattern = re.compile(r"^OCOP-(\d\d|TW)-(\d{4})-(\d{5})$")
    for c in Certificate.objects.select_related("decision__issuing_unit__parent",
                                                "source_dossier"):
        assert c.valid_until == certificate_valid_until(c.issued_on)
        assert date(2019, 1, 1) <= c.issued_on < TODAY
        assert c.decision.date == c.issued_on
        assert c.number.rsplit("-", 1)[0] == certificates.number_prefix(c.decision, c.issued_on)
        assert int(pattern.match(c.number).group(2)) == c.issued_on.year
        assert Decimal(50) <= c.total_score <= Decimal(100)
        # The level that recognised these stars on that day (district 3★ only before 07/2025).
        assert c.decision.level == levels_in_force(c.issued_on).level_for_stars(c.stars).code
        assert (c.decision.issuing_unit is None) == (c.decision.level == CENTRAL)
        assert c.administered_by.level == Unit.Level.PROVINCE and c.administered_by.is_current
        state = c.status_on(TODAY)
        status[state] += 1
        # Expiry recorded as the daily job would, the day after the last valid day.
        assert (c.expiry_recorded_on is not None) == (state == CertificateStatus.EXPIRED)
        if state == CertificateStatus.REVOKED:
            assert c.revocation_reason and c.revocation_decision_number
            assert c.issued_on < c.revoked_on <= c.valid_until
        if c.source_dossier is not None:
            assert c.source_dossier.state == S.RECOGNISED
            assert c.source_dossier.product_id == c.product_id
        else:  # paper records: dossiers are filed on the platform from 2021
            assert c.issued_on.year < 2021
    assert set(status) == {CertificateStatus.VALID, CertificateStatus.EXPIRED,
                           CertificateStatus.REVOKED}
    valid = Certificate.objects.valid_on(TODAY)
    assert valid.filter(valid_until__lte=TODAY + timedelta(days=180)).exists()
    assert Certificate.objects.filter(issued_on__year__lt=2021, source_dossier=None).exists()
    assert Certificate.objects.filter(source_dossier__kind=Dossier.Kind.RE_RECOGNITION).exists()
    assert Certificate.objects.filter(source_dossier__kind=Dossier.Kind.UPGRADE).exists()
    # Decision numbers unique per issuing unit; the sequences continue where the numbers end.
    pairs = list(RecognitionDecision.objects.values_list("issuing_unit_id", "number"))
    assert len(pairs) == len(set(pairs))
    last: dict[str, int] = {}
    for number in Certificate.objects.values_list("number", flat=True):
        prefix, seq = number.rsplit("-", 1)
        last[prefix] = max(last.get(prefix, 0), int(seq))
    assert dict(CertificateSequence.objects.values_list("prefix", "last")) == last
    # So the service issues the next number without a clash.
    product = Product.objects.filter(stars__isnull=True).first()
    decision = Certificate.objects.filter(issued_on__year=2026).first().decision
    issued = certificates.issue_certificate(actor=None, decision=decision, product=product,
                                            stars=3, total_score=Decimal(60), today=TODAY)
    assert issued.number.endswith(f"-{last[issued.number.rsplit('-', 1)[0]] + 1:05d}")


def _stars_derived() -> None:
    best = {p: s for p, s in Certificate.objects.valid_on(TODAY).values("product_id")
            .annotate(best=Max("stars")).values_list("product_id", "best")}
    for product in Product.objects.all():
        expected = max((c.stars for c in product.certificates.all()
                        if c.status_on(TODAY) == CertificateStatus.VALID), default=None)
        assert product.stars == expected == best.get(product.pk)
    stars = Counter(Product.objects.values_list("stars", flat=True))
    assert stars[3] > stars[4] > 0 and stars[None] > 0
    # The same as the service's rule, product by product.
    for product in Product.objects.all()[:20]:
        before = product.stars
        assert certificates.sync_product_stars(product, today=TODAY) == before


def test_same_seed_same_rows(reference_data):
    def rows() -> tuple[list, ...]:
        products = list(Product.objects.order_by("pk").values_list(
            "name", "producer__tax_code", "producer__name", "gtin", "stars"))
        certs = list(Certificate.objects.order_by("number").values_list(
            "number", "product__name", "stars", "issued_on", "revoked_on", "decision__number"))
        files = list(Dossier.objects.order_by("product__producer__tax_code", "product__name",
                                              "state_changed_at", "state").values_list(
            "product__producer__tax_code", "product__name", "state", "kind", "target_stars",
            "state_changed_at", "round__name"))
        councils = list(Council.objects.order_by("name", "members__user__username").values_list(
            "name", "decision_number", "members__user__username", "members__role"))
        visits = list(Visit.objects.order_by("certificate__number").values_list(
            "certificate__number", "visited_on", "follow_up_by"))
        return products, certs, files, councils, visits

    generate(products=30, producers=20, seed=5, today=TODAY)
    first = rows()
    _wipe()
    generate(products=30, producers=20, seed=5, today=TODAY)
    assert rows() == first
    assert first[1] and first[2]
