"""demo_data on a map subset (Hà Nội, Bắc Ninh today, old Bắc Giang and Bắc Ninh)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from itertools import pairwise

import pytest
from biip.gtin import Gtin
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Q

from ocop.accounts.models import Role, User
from ocop.audit.models import AuditEntry
from ocop.certificates import selectors as certificate_selectors
from ocop.certificates.models import Certificate, CertificateSequence, RecognitionDecision
from ocop.certificates.testing import stars_mismatches
from ocop.demo import catalogue
from ocop.demo.world import DEMO_PASSWORD, FLAGSHIPS
from ocop.registry.models import EvidenceDocument, Producer, Product
from ocop.registry.validators import normalise_tax_code

SUBSET = "01,24,27"
TODAY = date(2026, 11, 29)
BAC_GIANG = {"commune__parent__parent_id": "LP24"}

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    # Eleven PBKDF2 hashes per build would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _build(seed: int = 2024) -> None:
    call_command("demo_data", seed=seed, units_subset=SUBSET, date=TODAY.isoformat(),
                 stdout=_Sink())


class _Sink:
    def write(self, _text: str) -> None:
        pass

    def flush(self) -> None:
        pass


def _fingerprint() -> list[tuple]:
    return list(
        Product.objects.order_by("producer__tax_code", "name", "gtin").values_list(
            "producer__name", "producer__tax_code", "producer__representative_name",
            "producer__commune_id", "name", "gtin", "stars", "product_set_id",
        )
    )


def _wipe() -> None:
    # Accounts stay (demo_data updates them in place); only their producer link must go.
    User.objects.filter(username__startswith="demo-").update(producer=None)
    EvidenceDocument.objects.all().delete()
    Certificate.objects.all().delete()
    RecognitionDecision.objects.all().delete()
    CertificateSequence.objects.all().delete()
    Product.objects.all().delete()
    Producer.objects.all().delete()


def test_world_counts_codes_accounts_and_if_empty():
    _build()
    bg_producers = Producer.objects.filter(**BAC_GIANG)
    bg_products = Product.objects.filter(**{f"producer__{k}": v for k, v in BAC_GIANG.items()})
    assert bg_producers.count() == 250
    assert bg_products.count() == 334
    # Ratings as in the 2024 plan, recognised by the end of 2024 (certificates, valid or not):
    # one 5★, mostly 3★, some 4★ (two flagged potential 5★).
    bac_giang = Q(producer__commune__parent__parent_id="LP24")
    recognised = certificate_selectors.count_by_stars(
        certificate_selectors.recognised_products(date(2024, 12, 31), area=bac_giang))
    assert recognised[5] == 1
    assert 30 <= recognised[4] <= 60
    assert recognised[3] > 250
    assert sum(recognised.values()) == 334
    assert bg_products.filter(description__contains="tiềm năng 5 sao").count() == 2
    # Today fewer are OCOP: certificates expired and were not renewed; stars follow the valid.
    valid = certificate_selectors.count_by_stars(
        certificate_selectors.valid_products(TODAY, area=bac_giang))
    assert valid[5] == 1 and 150 < sum(valid.values()) < 300
    assert bg_products.filter(stars__isnull=False).count() == sum(valid.values())
    # Mostly cooperatives (about 85%), about 40% women owners, some ethnic-minority owners.
    share_coop = bg_producers.filter(legal_form="cooperative").count() / 250
    assert 0.75 <= share_coop <= 0.92
    assert 0.3 <= bg_producers.filter(woman_owner=True).count() / 250 <= 0.5
    assert bg_producers.filter(ethnic_minority_owner=True,
                               commune__parent_id__in=["LD220", "LD219", "LD224"]).exists()
    # Old Bắc Ninh producers and ones registered under a current commune after the merger.
    assert Producer.objects.filter(commune__parent__parent_id="LP27").exists()
    assert Producer.objects.filter(commune__era="current", commune__parent_id="P24").exists()

    # A producer of several kinds of product is not named for one of them ("HTX Mật ong …"
    # running an eco-tourism spot); the flagships are named as in the plan.
    templates = sorted(catalogue.TEMPLATES.values(), key=lambda t: -len(t.base))
    flagships = {f.name for f in FLAGSHIPS}
    for producer in Producer.objects.prefetch_related("products"):
        activities = {next((t.activity for t in templates if p.name.startswith(t.base)), None)
                      for p in producer.products.all()} - {None}
        if len(activities) > 1 and producer.name not in flagships:
            assert not any(a in producer.name for a in activities), (producer.name, activities)

    for code in Producer.objects.values_list("tax_code", flat=True):
        assert normalise_tax_code(code) == code
    gtins = list(Product.objects.exclude(gtin=None).values_list("gtin", flat=True))
    assert len(gtins) > 20
    for gtin in gtins:
        parsed = Gtin.parse(gtin)
        assert parsed.prefix is not None and parsed.prefix.value == "893"
    documents = list(EvidenceDocument.objects.all())
    assert any(d.is_expired for d in documents) and any(not d.is_expired for d in documents)
    # Numbered as Vietnamese issuers number them ("349/2021/GCN-ATTP"), not "…/FOOD".
    assert {d.number.rsplit("/", 1)[1] for d in documents} <= {
        "GCN-ATTP", "PKN", "TCB", "CN-VG", "MSVT", "GCN-NH", "ĐKKD", "TXNG", "BVMT", "GK"}
    # The registry services wrote one audit entry per producer and product.
    assert AuditEntry.objects.filter(action="registry.product.create").count() == (
        Product.objects.count()
    )

    users = {u.username: u for u in User.objects.filter(username__startswith="demo-")}
    expected = {
        "demo-admin": Role.ADMIN, "demo-trunguong": Role.CENTRAL,
        "demo-tinh": Role.PROVINCE_OFFICE, "demo-xa": Role.COMMUNE_OFFICER,
        "demo-hoidong1": Role.COUNCIL_MEMBER, "demo-hoidong2": Role.COUNCIL_MEMBER,
        "demo-hoidong3": Role.COUNCIL_MEMBER, "demo-thanhtra": Role.INSPECTOR,
        "demo-chuthe": Role.PRODUCER, "demo-chuthe2": Role.PRODUCER,
        "demo-hanoi": Role.PROVINCE_OFFICE,
    }  # fmt: skip
    assert {name: u.role for name, u in users.items()} == expected
    assert users["demo-admin"].is_superuser
    assert users["demo-admin"].check_password(DEMO_PASSWORD)
    for name in ("demo-tinh", "demo-hoidong1", "demo-thanhtra"):
        assert users[name].unit_id == "P24"
    assert users["demo-hanoi"].unit_id == "P01"
    xa = users["demo-xa"].unit
    assert xa.era == "current" and xa.level == "commune" and xa.parent_id == "P24"
    assert Producer.objects.filter(commune__current_commune=xa).count() >= 1
    chuthe = users["demo-chuthe"].producer
    assert chuthe.name == "HTX Vải thiều Phì Điền" and chuthe.commune.parent_id == "LD219"
    assert chuthe.products.count() >= 3
    assert users["demo-chuthe2"].producer_id not in (None, chuthe.pk)

    before = (Producer.objects.count(), Product.objects.count(), AuditEntry.objects.count())
    call_command("demo_data", if_empty=True, stdout=_Sink())
    after = (Producer.objects.count(), Product.objects.count(), AuditEntry.objects.count())
    assert after == before
    with pytest.raises(CommandError):
        call_command("demo_data", stdout=_Sink())


def test_same_seed_gives_the_same_world():
    _build(seed=7)
    first = _fingerprint()
    _wipe()
    _build(seed=7)
    assert _fingerprint() == first
    assert len(first) > 334


def test_certificate_history_from_paper_records():
    """Every rated product's stars come from its certificates: decisions of the right level
    and unit, re-recognitions, upgrades, products that did not come back, some expiring soon,
    one revoked."""
    _build()
    assert stars_mismatches(TODAY) == []
    rated = Product.objects.exclude(producer__commune__era="current")
    assert not rated.filter(certificates__isnull=True).exists()
    assert not Product.objects.filter(producer__commune__era="current",
                                      certificates__isnull=False).exists()
    for cert in Certificate.objects.select_related("decision__issuing_unit"):
        decision = cert.decision
        assert cert.issued_on == decision.date
        assert re.fullmatch(rf"OCOP-(24|27|TW)-{cert.issued_on.year}-\d{{5}}", cert.number)
        unit = decision.issuing_unit
        if cert.stars == 5:
            assert decision.level == "central" and unit is None
        elif cert.issued_on < date(2025, 7, 1):
            level, unit_level = ("district", "district") if cert.stars == 3 else (
                "province", "province")
            assert (decision.level, unit.level, unit.era) == (level, unit_level, "legacy")
        else:
            assert (decision.level, unit.pk) == ("province", "P24")
    # Re-recognised, upgraded, not back (expired, no later certificate), revoked.
    by_product: dict[int, list[Certificate]] = {}
    for cert in Certificate.objects.order_by("issued_on", "pk"):
        by_product.setdefault(cert.product_id, []).append(cert)
    chains = list(by_product.values())
    assert sum(1 for c in chains if any(b.stars == a.stars for a, b in pairwise(c))) > 50
    assert sum(1 for c in chains if any(b.stars > a.stars for a, b in pairwise(c))) > 5
    not_back = sum(1 for c in chains if c[-1].valid_until < TODAY)
    assert 0.2 < not_back / len(chains) < 0.6
    assert Certificate.objects.filter(revoked_on__isnull=False).count() == 1
    # Expiry counts the dashboards and reminders show are never empty.
    valid = Certificate.objects.valid_on(TODAY)
    for days in (30, 90, 180):
        assert valid.filter(valid_until__lte=TODAY + timedelta(days=days)).exists(), days
    # Paper records: already-expired certificates are not announced again by the daily job.
    assert not Certificate.objects.filter(valid_until__lt=TODAY,
                                          expiry_recorded_on__isnull=True).exists()
