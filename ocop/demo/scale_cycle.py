"""National-scale OCOP cycle history for ``scale_data``: programme years, rounds, dossiers in
every state, recognition decisions and certificates, so that dashboards, work queues and the
certificate lists can be measured on national volumes (17,000 products, 50,000 dossiers).

Like the rest of ``ocop.demo.scale`` it writes with ``bulk_create`` in batches, bypassing the
services (no audit entries, no notifications): these rows are history nobody acted on. The
values a service would compute are computed here with the programme's own rules — the levels
and procedures in force on each date (``ocop.rules.levels``), 36-month validity
(``certificate_valid_until``), the certificate number format and its sequence — so the rows are
valid for every page.

The story of one product (``_Story``), drawn from a generator seeded with the seed and the
product's own identity (producer tax code, name, rank), so that a product gets the same story
whatever run creates it:

- most products were first certified between 2019 and today (more in later years, the
  programme grew); certificates before 2021 are paper records without a dossier, later ones are
  issued on a recognised dossier accepted into a round;
- a certificate may be revoked, upgraded one star (an upgrade dossier, a new certificate), or
  reach its 36th month and be renewed (a re-recognition dossier) or lapse;
- failed attempts (not recognised, withdrawn) precede some recognitions;
- at most one dossier is still open (never two: ``dossiers.services.open_dossier`` refuses it):
  a re-recognition for a certificate expiring within 180 days, an upgrade, or a first dossier of
  a product never certified, in any intake or evaluation state of this year's round, with
  correction requests up to 60 days old (so that any reasonable answer deadline finds some
  overdue: the model has no deadline field).

Dossiers are a total like every count of ``scale_data``: the stories' dossiers are kept in order
of need (the dossier behind a certificate first, then the open ones, then failed attempts) up to
the total asked for, and if the stories give fewer, past failed attempts on random products make
up the rest. A certificate whose dossier did not fit stays a paper record.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from ocop.accounts.models import Role, User
from ocop.certificates.models import (
    Certificate,
    CertificateSequence,
    RecognitionDecision,
    SigningCapacity,
)
from ocop.core.text import fold
from ocop.criteria import selectors as criteria_selectors
from ocop.criteria.models import CriteriaSetVersion
from ocop.criteria.services import load_shipped_sets
from ocop.demo.names import person_name
from ocop.dossiers.models import (
    CorrectionRequest,
    Dossier,
    DossierState,
    DossierVersion,
    ProgrammeYear,
    Round,
)
from ocop.evaluation.models import Assignment, Council, CouncilMember, MemberRole
from ocop.inspections.models import (
    CHECKLIST,
    Finding,
    FindingResult,
    InspectionPlan,
    PlanKind,
    Visit,
)
from ocop.registry.models import Product, ProductSet
from ocop.rules.certification import TOP_STARS, certificate_valid_until
from ocop.rules.levels import (
    BASES,
    CENTRAL,
    DISTRICT,
    PROVINCE,
    REFORM_DATE,
    default_quorum_min,
    levels_in_force,
)
from ocop.units.models import Unit

S = DossierState
BATCH = 2000
# Dossiers are filed from 2021; certificates before are paper records (issued from 2019).
DOSSIERS_FROM = date(2021, 1, 1)
FIRST_CERTIFIED = ((2019, 6), (2020, 9), (2021, 12), (2022, 15), (2023, 17), (2024, 18),
                   (2025, 15), (2026, 8))
# Ratings at first recognition, chosen so that after upgrades (3★ → 4★ → 5★) the stars
# products hold today come near the national shares of Sep 2025: 72.1% 3★, 27.1% 4★, 0.8% 5★.
STARS = ((3, 830), (4, 167), (5, 3))
DOSSIERS_PER_PRODUCT = 3  # 50,000 dossiers for 17,000 products
CANDIDATE_SHARE = 0.08  # products not certified yet: a first dossier, maybe failed attempts
REVOKE_SHARE = 0.025
UPGRADE_SHARE = 0.12  # from 3★; a 4★ product rarely reaches 5★ (126 in the country, 2025)
UPGRADE_TO_TOP_SHARE = 0.02
RENEW_SHARE = 0.8
OPEN_FILLER_SHARE = 0.25  # of the dossiers added beyond the stories: today's work
TERMINAL = frozenset({S.RECOGNISED, S.NOT_RECOGNISED, S.WITHDRAWN})
FAILED_BEFORE = 0.45  # a not-recognised or withdrawn attempt before a recognition
# Open dossiers: the intake and evaluation states of this year's round.
OPEN_STATES = (
    (S.DRAFT, 18), (S.SUBMITTED, 13), (S.COMMUNE_CHECKED, 10), (S.CORRECTIONS_REQUESTED, 14),
    (S.RESUBMITTED, 8), (S.ACCEPTED, 10), (S.UNDER_EVALUATION, 11), (S.SCORED, 9),
    (S.PROPOSED_UP, 7),
)  # fmt: skip
FAILED_STATES = ((S.NOT_RECOGNISED, 55), (S.WITHDRAWN, 45))
# Failed attempts aim higher than the certificates: a tenth were 5★ hopes the centre turned down.
FAILED_TARGETS = ((3, 60), (4, 30), (5, 10))
# Keep order when the total asked for is smaller than the stories: what a certificate rests on,
# then today's work, then past failures.
SOURCE, OPEN, FAILED = 0, 1, 2
LEVEL_WORDS = {DISTRICT: "cấp huyện", PROVINCE: "cấp tỉnh", CENTRAL: "cấp trung ương"}
MINISTRY_DECISION = "QĐ-BNN-KTHT"
REVOCATION_REASONS = (
    "Cơ sở không duy trì điều kiện bảo đảm an toàn thực phẩm (kết quả kiểm tra định kỳ).",
    "Sản phẩm không còn sản xuất, kinh doanh.",
    "Chủ thể sử dụng nhãn OCOP sai hạng sao được công nhận.",
)
CORRECTION_ITEMS = (
    {"code": "business_plan", "comment": "Bổ sung số liệu sản lượng, doanh thu hai năm gần nhất."},
    {"code": "test_report", "comment": "Bổ sung phiếu kết quả kiểm nghiệm còn hiệu lực."},
)  # fmt: skip


def pick(rng: random.Random, pairs: tuple[tuple[Any, int], ...]) -> Any:
    return rng.choices([k for k, _ in pairs], weights=[w for _, w in pairs], k=1)[0]


def _at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _days(rng: random.Random, low: int, high: int) -> timedelta:
    return timedelta(days=rng.randint(low, max(low, high)))


def _score(rng: random.Random, stars: int) -> Decimal:
    """A council mean in the band of ``stars`` (50–69.99, 70–89.99, 90–100)."""
    low = {3: 50, 4: 70, 5: 90}[stars]
    high = 100 if stars == TOP_STARS else low + 19
    return Decimal(rng.randint(low * 4, high * 4)) / 4


@contextmanager
def _dated(*fields: models.Field) -> Iterator[None]:
    """Keep the creation dates given to history rows: without this, ``auto_now(_add)`` would
    stamp every dossier with the moment the generator ran, and no list would have old ones."""
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for f, now, now_add in saved:
            f.auto_now, f.auto_now_add = now, now_add  # type: ignore[attr-defined]


@dataclass(frozen=True)
class _Place:
    """Where a product's producer is, in both maps: the units its rounds and decisions use."""

    product_id: int
    producer_id: int
    product_set_id: int
    key: str  # seeds the product's story: tax code, name and rank, not the database id
    province: str  # current province key ("P24")
    district: str | None  # legacy district ("LD213"), for rounds and decisions before 07/2025
    legacy_province: str | None  # legacy province ("LP24")


@dataclass(eq=False)
class _DossierSpec:
    place: _Place
    kind: str
    state: str
    target: int
    day: date  # the day of its last move
    priority: int
    gen: int  # position in the product's chain: a ``previous`` is always inserted first
    previous: _DossierSpec | None = None
    round_level: str | None = None  # the round it is in (None: not accepted)
    entry_level: str | None = None  # the round it was filed for
    submitted: date | None = None
    accepted: date | None = None
    commune_checked: date | None = None
    corrections: list[tuple[date, date | None]] = field(default_factory=list)
    keep: bool = True
    pk: int | None = None


@dataclass(eq=False)
class _CertSpec:
    place: _Place
    stars: int
    issued: date
    level: str
    unit: str | None  # issuing unit key; None for the ministry
    score: Decimal
    dossier: _DossierSpec | None
    revoked: date | None = None


# Councils of this year's open rounds: seven members (chair, vice chair, four members, a
# secretary), or — one council in six — only two members and no chair, a council that cannot
# meet its quorum (the chair is required) until the office completes it.
FULL_COUNCIL = (MemberRole.CHAIR, MemberRole.VICE_CHAIR, MemberRole.MEMBER, MemberRole.MEMBER,
                MemberRole.MEMBER, MemberRole.MEMBER, MemberRole.SECRETARY)
SHORT_COUNCIL = (MemberRole.MEMBER, MemberRole.SECRETARY)
SHORT_COUNCIL_SHARE = 1 / 6
COUNCIL_USER_PREFIX = "scale-hoidong-"
ON_COUNCIL = frozenset({S.UNDER_EVALUATION, S.SCORED, S.PROPOSED_UP})


# Post-certification inspections: this year's annual plan per province, visits to about one
# certified product in thirty, a third of them with a failed item and a remedy deadline.
VISIT_SHARE = 1 / 30
FOLLOW_UP_SHARE = 1 / 3
INSPECTOR_PREFIX = "scale-thanhtra-"


@dataclass
class CycleReport:
    programme_years: int = 0
    rounds: int = 0
    dossiers: int = 0
    decisions: int = 0
    certificates: int = 0
    councils: int = 0
    visits: int = 0
    states: dict[str, int] = field(default_factory=dict)


def _era(day: date) -> bool:
    """True for the three-level map and procedure (before 1 July 2025)."""
    return day < REFORM_DATE


def _half(day: date) -> int:
    return 1 if day.month <= 6 else 2


class CycleGenerator:
    def __init__(self, *, seed: int, today: date,
                 log: Callable[[str], None] = lambda _m: None) -> None:
        self.seed = seed
        self.today = today
        self.log = log
        if not CriteriaSetVersion.objects.exists():
            load_shipped_sets()
        self._sheets: dict[tuple[int, bool], int | None] = {}
        self._sets = {ps.pk: ps for ps in ProductSet.objects.all()}
        provinces = Unit.objects.filter(level=Unit.Level.PROVINCE)
        self.codes = dict(provinces.values_list("key", "code"))
        self.names = dict(Unit.objects.exclude(level=Unit.Level.COMMUNE)
                          .values_list("key", "name"))
        self.parents = dict(Unit.objects.filter(level=Unit.Level.DISTRICT)
                            .values_list("key", "parent_id"))
        # A current commune's legacy district and province: through the first legacy commune
        # that became it.
        self.legacy: dict[str, tuple[str, str]] = {}
        for key, district, province, current in (
            Unit.objects.filter(era=Unit.Era.LEGACY, level=Unit.Level.COMMUNE)
            .order_by("key").values_list("key", "parent_id", "parent__parent_id",
                                         "current_commune_id")
        ):
            self.legacy[key] = (district, province)
            if current:
                self.legacy.setdefault(current, (district, province))
        self.decision_days: dict[tuple[str | None, int, int], int] = {}

    def _rng(self, *parts: object) -> random.Random:
        return random.Random(":".join(str(p) for p in (self.seed, *parts)))  # noqa: S311

    # --- products ------------------------------------------------------------------------------

    def places(self, only_new: bool) -> list[_Place]:
        """Every product (``only_new``: those with no certificate and no dossier yet)."""
        qs = Product.objects.order_by("producer_id", "pk")
        rows = qs.values_list("pk", "producer_id", "product_set_id", "producer__tax_code",
                              "name", "producer__commune_id",
                              "producer__commune__current_province_id")
        busy: set[int] = set()
        if only_new:
            busy = set(Certificate.objects.values_list("product_id", flat=True).distinct())
            busy |= set(Dossier.objects.values_list("product_id", flat=True).distinct())
        out = []
        rank: dict[int, int] = defaultdict(int)
        for pk, producer, product_set, tax, name, commune, province in rows:
            rank[producer] += 1
            if pk in busy or province is None:
                continue
            district, legacy_province = self.legacy.get(commune, (None, None))
            out.append(_Place(pk, producer, product_set, f"{tax}:{name}:{rank[producer]}",
                              province, district, legacy_province))
        return out

    def sheet(self, place: _Place, day: date) -> int | None:
        """The criteria set a dossier of this product filed on ``day`` is scored on: the 1048
        sheet before Decision 148, the sheet in force today after it (the shipped sets have one
        148 version each), and today's for a 1048-era day of a set shipped only as 148."""
        after_148 = day >= BASES[0].valid_from
        key = (place.product_set_id, after_148)
        if key not in self._sheets:
            product_set = self._sets[place.product_set_id]
            found = criteria_selectors.sheet_for(
                product_set, self.today if after_148 else BASES[0].valid_from - timedelta(days=1)
            ) or criteria_selectors.sheet_for(product_set, self.today)
            self._sheets[key] = found.pk if found else None
        return self._sheets[key]

    # --- levels and units ------------------------------------------------------------------------

    def issuer(self, place: _Place, level: str, day: date) -> tuple[str | None, str]:
        """(issuing unit, programme-year province) of a round or decision at ``level`` on
        ``day``: a legacy district or province before 1 July 2025, the current province after;
        the ministry (None) at the central level, its rounds filed under the province's year."""
        if _era(day) and place.legacy_province:
            year_province = place.legacy_province
            if level == DISTRICT and place.district:
                return place.district, year_province
        else:
            year_province = place.province
        return (None if level == CENTRAL else year_province), year_province

    def decision_day(self, unit: str | None, day: date) -> date:
        """The day in ``day``'s month on which ``unit`` signs its recognition decisions (one
        decision a month per unit at most), never after today."""
        key = (unit, day.year, day.month)
        if key not in self.decision_days:
            self.decision_days[key] = self._rng("decision-day", *key).randint(3, 28)
        snapped = day.replace(day=self.decision_days[key])
        if snapped >= self.today:
            previous = day.replace(day=1) - timedelta(days=1)
            return self.decision_day(unit, previous)
        return snapped

    # --- stories -------------------------------------------------------------------------------

    def story(self, place: _Place) -> tuple[list[_CertSpec], list[_DossierSpec]]:
        rng = self._rng("story", place.key)
        today = self.today
        certs: list[_CertSpec] = []
        dossiers: list[_DossierSpec] = []

        def failed_before(day: date) -> None:
            if rng.random() < FAILED_BEFORE:
                when = day - _days(rng, 120, 420)
                if DOSSIERS_FROM <= when < today:
                    dossiers.append(self.failed(rng, place, when, len(dossiers)))

        if rng.random() < CANDIDATE_SHARE:
            failed_before(today)
            if rng.random() < 0.85:
                dossiers.append(self.open(rng, place, Dossier.Kind.NEW, pick(rng, STARS),
                                          None, len(dossiers)))
            return certs, dossiers
        year = pick(rng, tuple((y, w) for y, w in FIRST_CERTIFIED if y <= today.year))
        start = date(year, 1, 1)
        span = (min(date(year, 12, 31), today - timedelta(days=14)) - start).days
        day = start + timedelta(days=rng.randint(0, max(0, span)))
        stars = pick(rng, STARS)
        kind = Dossier.Kind.NEW
        behind: _DossierSpec | None = None
        while True:
            level = levels_in_force(day).level_for_stars(stars).code
            unit, _py = self.issuer(place, level, day)
            day = self.decision_day(unit, day)
            source = None
            if day >= DOSSIERS_FROM and self.sheet(place, day) is not None:
                failed_before(day)
                source = self.recognised(rng, place, kind, stars, day, level, behind,
                                         len(dossiers))
                dossiers.append(source)
            cert = _CertSpec(place, stars, day, level, unit, _score(rng, stars), source)
            certs.append(cert)
            behind = source
            end = certificate_valid_until(day)
            if rng.random() < REVOKE_SHARE and (min(end, today) - day).days > 90:
                cert.revoked = day + _days(rng, 60, (min(end, today) - day).days - 1)
                break
            if stars < TOP_STARS and rng.random() < (
                    UPGRADE_SHARE if stars + 1 < TOP_STARS else UPGRADE_TO_TOP_SHARE):
                up = day + _days(rng, 365, 900)
                if up < min(end, today - timedelta(days=30)):
                    kind, stars, day = Dossier.Kind.UPGRADE, stars + 1, up
                    continue
                if end > today:
                    dossiers.append(self.open(rng, place, Dossier.Kind.UPGRADE, stars + 1,
                                              behind, len(dossiers)))
                    break
            if end >= today:
                if (end - today).days <= 180 and rng.random() < 0.5:
                    dossiers.append(self.open(rng, place, Dossier.Kind.RE_RECOGNITION, stars,
                                              behind, len(dossiers)))
                break
            if rng.random() < RENEW_SHARE:
                renewal = end + timedelta(days=rng.randint(-75, 40))
                if renewal < today - timedelta(days=30):
                    kind, day = Dossier.Kind.RE_RECOGNITION, renewal
                    continue
                dossiers.append(self.open(rng, place, Dossier.Kind.RE_RECOGNITION, stars,
                                          behind, len(dossiers)))
            elif rng.random() < 0.15:
                dossiers.append(self.open(rng, place, Dossier.Kind.RE_RECOGNITION, stars,
                                          behind, len(dossiers)))
            break
        return certs, dossiers

    def _filed(self, rng: random.Random, spec: _DossierSpec, day: date) -> None:
        """Submission, commune check and acceptance dates for a dossier decided on ``day``."""
        half_start = date(day.year, 1 if day.month <= 6 else 7, 1)
        spec.submitted = max(half_start, day - _days(rng, 45, 150))
        gap = (day - spec.submitted).days
        spec.accepted = spec.submitted + timedelta(days=rng.randint(0, max(0, gap)) // 2)
        if not _era(spec.submitted):
            spec.commune_checked = spec.submitted + timedelta(
                days=min(rng.randint(2, 8), (spec.accepted - spec.submitted).days))
        if rng.random() < 0.25 and (spec.accepted - spec.submitted).days > 10:
            asked = spec.submitted + timedelta(days=3)
            spec.corrections.append((asked, spec.accepted - timedelta(days=2)))

    def recognised(self, rng: random.Random, place: _Place, kind: str, stars: int, day: date,
                   level: str, previous: _DossierSpec | None, gen: int) -> _DossierSpec:
        spec = _DossierSpec(place, kind, S.RECOGNISED, stars, day, SOURCE, gen,
                            previous=previous if kind != Dossier.Kind.NEW else None,
                            round_level=level, entry_level=levels_in_force(day).entry_level.code)
        self._filed(rng, spec, day)
        return spec

    def failed(self, rng: random.Random, place: _Place, day: date, gen: int) -> _DossierSpec:
        state = pick(rng, FAILED_STATES)
        target = pick(rng, FAILED_TARGETS)
        entry = levels_in_force(day).entry_level.code
        spec = _DossierSpec(place, Dossier.Kind.NEW, state, target, day, FAILED, gen,
                            entry_level=entry)
        self._filed(rng, spec, day)
        if state == S.NOT_RECOGNISED:
            # Turned down where the target is recognised: a 5★ hope at the centre.
            spec.round_level = CENTRAL if target == TOP_STARS else entry
        else:  # withdrawn before acceptance
            spec.accepted = None
            spec.corrections = [c for c in spec.corrections if c[1] <= day]
        return spec

    def open(self, rng: random.Random, place: _Place, kind: str, target: int,
             previous: _DossierSpec | None, gen: int) -> _DossierSpec:
        """A dossier of this year's round, somewhere between draft and the council."""
        today = self.today
        state = pick(rng, OPEN_STATES)
        if state == S.PROPOSED_UP:
            # Only a 5★ candidate goes up to the centre under 1489: a first dossier may aim
            # there; a renewal or upgrade keeps its target and waits, scored, at the province.
            if kind == Dossier.Kind.NEW:
                target = TOP_STARS
            elif target < TOP_STARS:
                state = S.SCORED
        entry = levels_in_force(today).entry_level.code
        spec = _DossierSpec(place, kind, state, target, today, OPEN, gen,
                            previous=previous if kind != Dossier.Kind.NEW else None,
                            entry_level=entry)
        if state == S.DRAFT:
            spec.day = today - _days(rng, 1, 60)
            return spec
        spec.submitted = today - _days(rng, 5, 120)
        spec.day = spec.submitted
        precheck = levels_in_force(spec.submitted).requires_commune_precheck
        if state == S.SUBMITTED:
            return spec
        if precheck:
            spec.commune_checked = spec.submitted + _days(rng, 1, 4)
            spec.day = spec.commune_checked
        if state == S.COMMUNE_CHECKED:
            if not precheck:
                spec.state = S.SUBMITTED
            return spec
        if state in (S.CORRECTIONS_REQUESTED, S.RESUBMITTED):
            # Up to 60 days old: a work queue with an answer deadline finds some overdue.
            asked = max(spec.day, today - _days(rng, 1, 60))
            answered = None
            if state == S.RESUBMITTED:
                answered = asked + _days(rng, 0, (today - asked).days)
            spec.corrections.append((asked, answered))
            spec.day = answered or asked
            return spec
        spec.accepted = spec.day + _days(rng, 0, 10)
        if spec.accepted > today:
            spec.accepted = today
        spec.day = spec.accepted + _days(rng, 0, (today - spec.accepted).days)
        # A 5★ candidate accepted, scored or under evaluation at the centre; the rest at the
        # entry level (a proposed-up dossier waits for the centre in its province's round).
        spec.round_level = CENTRAL if (target == TOP_STARS and state != S.PROPOSED_UP
                                       and rng.random() < 0.5) else entry
        return spec

    # --- writing -------------------------------------------------------------------------------

    def programme_years(self, keys: set[tuple[str, int]]) -> tuple[dict[tuple[str, int], int],
                                                                    int]:
        have = {(p, y): pk for pk, p, y in ProgrammeYear.objects.values_list(
            "pk", "province_id", "year")}
        new = [ProgrammeYear(province_id=p, year=y,
                             plan_reference=f"Kế hoạch thực hiện Chương trình OCOP năm {y}",
                             plan_date=date(y, 1, 15))
               for p, y in sorted(keys - set(have))]
        ProgrammeYear.objects.bulk_create(new, batch_size=BATCH)
        have.update({(p.province_id, p.year): p.pk for p in new})
        return have, len(new)


    def rounds(self, keys: set[tuple[str, int, str, str | None, int]],
               years: dict[tuple[str, int], int]) -> tuple[dict[tuple, int], int]:
        """Round pks by (programme-year province, year, level, issuing unit, number). A round's
        dates come from its own key, so a top-up run creates the same round a first run would."""
        have = {
            (p, y, lv, u, n): pk
            for pk, p, y, lv, u, n in Round.objects.values_list(
                "pk", "programme_year__province_id", "programme_year__year", "level",
                "issuing_unit_id", "number")
        }
        missing = sorted(keys - set(have), key=lambda k: (k[1], k[0], k[2], k[3] or "", k[4]))
        new = []
        for key in missing:
            province, year, level, unit, number = key
            rng = self._rng("round", *key)
            if number == 1:
                dates = (date(year, 1, 5) + _days(rng, 0, 20),
                         date(year, 3, 15) + _days(rng, 0, 30),
                         date(year, 5, 10) + _days(rng, 0, 20), date(year, 6, 30))
            else:
                dates = (date(year, 7, 1) + _days(rng, 0, 14),
                         date(year, 10, 1) + _days(rng, 0, 45),
                         date(year, 11, 20) + _days(rng, 0, 10), date(year, 12, 31))
            where = self.names.get(unit, "") if unit else f"hồ sơ của {self.names.get(province)}"
            name = f"Đợt {number} {LEVEL_WORDS[level]} năm {year} — {where}"
            new.append(Round(
                programme_year_id=years[(province, year)], level=level, number=number,
                name=name, search_text=fold(name), opens_on=dates[0],
                submission_deadline=dates[1], evaluation_deadline=dates[2],
                recognition_deadline=dates[3], issuing_unit_id=unit,
                status=Round.Status.CLOSED if dates[3] < self.today else Round.Status.OPEN,
            ))
        Round.objects.bulk_create(new, batch_size=BATCH)
        have.update({key: r.pk for key, r in zip(missing, new, strict=True)})
        return have, len(new)

    def round_key(self, spec: _DossierSpec, level: str) -> tuple[str, int, str, str | None, int]:
        # Open dossiers are in this year's current round; the others in the round of the half
        # year they were decided in.
        day = self.today if spec.priority == OPEN else spec.day
        unit, year_province = self.issuer(spec.place, level, day)
        return (year_province, day.year, level, unit, _half(day))

    def fill(self, specs: list[_DossierSpec], budget: int, present: int) -> None:
        """Keep the stories' dossiers up to ``budget`` in order of need, or add dossiers on
        random products until there are ``budget``: past failed attempts, and a share of
        dossiers in this year's round for products without an open one."""
        rng = self._rng("budget", present)
        if len(specs) > budget:
            ranked = sorted(specs, key=lambda s: (s.priority, rng.random()))
            for spec in ranked[budget:]:
                spec.keep = False
            return
        places = self.places(only_new=False)
        if not places:
            return
        busy = set(Dossier.objects.exclude(state__in=TERMINAL)
                   .values_list("product_id", flat=True))
        busy |= {s.place.product_id for s in specs if s.state not in TERMINAL}
        span = (self.today - timedelta(days=30) - DOSSIERS_FROM).days
        tries = 0
        while len(specs) < budget and tries < budget * 3:
            tries += 1
            place = rng.choice(places)
            if rng.random() < OPEN_FILLER_SHARE:
                if place.product_id not in busy and self.sheet(place, self.today) is not None:
                    busy.add(place.product_id)
                    specs.append(self.open(rng, place, Dossier.Kind.NEW, pick(rng, STARS),
                                           None, 0))
                continue
            day = DOSSIERS_FROM + timedelta(days=rng.randint(0, span))
            if self.sheet(place, day) is not None:
                specs.append(self.failed(rng, place, day, 0))

    def run(self, target: int, report: CycleReport) -> None:
        present = Dossier.objects.count()
        certs: list[_CertSpec] = []
        specs: list[_DossierSpec] = []
        for place in self.places(only_new=True):
            story_certs, story_dossiers = self.story(place)
            certs += story_certs
            for spec in story_dossiers:
                # A product set without any criteria sheet cannot have a dossier.
                spec.keep = self.sheet(place, spec.submitted or spec.day) is not None
                if spec.keep:
                    specs.append(spec)
        self.fill(specs, max(0, target - present), present)
        kept = [s for s in specs if s.keep]
        for spec in kept:
            if spec.previous is not None and not spec.previous.keep:
                spec.previous = None
        for cert in certs:
            if cert.dossier is not None and not cert.dossier.keep:
                cert.dossier = None
        wanted = set()
        for spec in kept:
            for level in {spec.entry_level, spec.round_level} - {None}:
                wanted.add(self.round_key(spec, level))
        years, report.programme_years = self.programme_years({(k[0], k[1]) for k in wanted})
        rounds, report.rounds = self.rounds(wanted, years)
        self.write_dossiers(kept, rounds, present)
        report.dossiers = len(kept)
        for spec in kept:
            report.states[spec.state] = report.states.get(spec.state, 0) + 1
        report.decisions, report.certificates = self.write_certificates(certs)
        report.councils = self.councils()
        report.visits = self.inspections()

    def write_dossiers(self, kept: list[_DossierSpec], rounds: dict[tuple, int],
                       present: int) -> None:
        rng = self._rng("dossier-rows", present)
        precheck = {item.code: {"ok": True, "comment": ""} for item in BASES[1].commune_precheck}
        order = sorted(kept, key=lambda s: (s.gen, s.day, s.place.product_id))
        dated = _dated(*(m._meta.get_field(f) for m, f in (
            (Dossier, "created_at"), (Dossier, "updated_at"), (DossierVersion, "created_at"),
            (CorrectionRequest, "created_at"))))
        with dated:
            for start in range(0, len(order), BATCH):
                chunk = order[start:start + BATCH]
                rows = []
                for spec in chunk:
                    place = spec.place
                    created = (spec.submitted or spec.day) - _days(rng, 3, 30)
                    filed = spec.submitted is not None
                    rows.append(Dossier(
                        product_id=place.product_id, producer_id=place.producer_id,
                        criteria_set_id=self.sheet(place, spec.submitted or spec.day),
                        requested_round_id=rounds[self.round_key(spec, spec.entry_level)],
                        round_id=(rounds[self.round_key(spec, spec.round_level)]
                                  if spec.round_level else None),
                        target_stars=spec.target, kind=spec.kind, state=spec.state,
                        previous_id=spec.previous.pk if spec.previous else None,
                        procedure=levels_in_force(spec.submitted).procedure if filed else "",
                        self_score=_score(rng, spec.target) if filed else None,
                        self_stars=spec.target if filed else None,
                        commune_check=precheck if spec.commune_checked else {},
                        commune_checked_at=(_at(spec.commune_checked, 14)
                                            if spec.commune_checked else None),
                        created_at=_at(created, 8), updated_at=_at(spec.day, 16),
                        submitted_at=_at(spec.submitted) if filed else None,
                        accepted_at=_at(spec.accepted, 15) if spec.accepted else None,
                        state_changed_at=_at(spec.day, 15),
                    ))
                with transaction.atomic():
                    Dossier.objects.bulk_create(rows, batch_size=BATCH)
                    for spec, row in zip(chunk, rows, strict=True):
                        spec.pk = row.pk
                    self._versions(chunk)
                self.log(f"  dossiers: {start + len(chunk):,}/{len(order):,}")

    def _versions(self, chunk: list[_DossierSpec]) -> None:
        """What was submitted (one version per submission) and the correction requests."""
        versions: list[tuple[_DossierSpec, DossierVersion]] = []
        for spec in chunk:
            if spec.submitted is None:
                continue
            snapshot = {"form": {}, "self_assessment": {}, "target_stars": spec.target,
                        "kind": spec.kind, "documents": []}
            versions.append((spec, DossierVersion(dossier_id=spec.pk, number=1,
                                                  snapshot=snapshot,
                                                  created_at=_at(spec.submitted))))
            for number, (_asked, answered) in enumerate(spec.corrections, start=2):
                if answered is not None:
                    versions.append((spec, DossierVersion(dossier_id=spec.pk, number=number,
                                                          snapshot=snapshot,
                                                          created_at=_at(answered, 11))))
        DossierVersion.objects.bulk_create([v for _, v in versions], batch_size=BATCH)
        first = {spec.pk: v.pk for spec, v in versions if v.number == 1}
        requests = []
        for spec in chunk:
            for asked, answered in spec.corrections:
                requests.append(CorrectionRequest(
                    dossier_id=spec.pk, version_id=first[spec.pk],
                    stage=(CorrectionRequest.Stage.PROVINCE if spec.commune_checked or
                           _era(asked) else CorrectionRequest.Stage.COMMUNE),
                    created_at=_at(asked, 10), items=list(CORRECTION_ITEMS),
                    answered_at=_at(answered, 11) if answered else None,
                    answer=({"message": "Đã bổ sung theo yêu cầu.", "items": {
                        "business_plan": "Đã bổ sung số liệu.",
                        "test_report": "Đã bổ sung phiếu kiểm nghiệm."}} if answered else {}),
                ))
        CorrectionRequest.objects.bulk_create(requests, batch_size=BATCH)

    def write_certificates(self, certs: list[_CertSpec]) -> tuple[int, int]:
        """One recognition decision per issuing unit and day, then the certificates numbered
        ``OCOP-<province code>-<year>-<sequence>`` in order of issue, continuing the
        sequences already used (``CertificateSequence`` is advanced to match)."""
        if not certs:
            return 0, 0
        rng = self._rng("certificates", Certificate.objects.count())
        certs.sort(key=lambda c: (c.issued, c.place.product_id, c.stars))
        used: dict[str | None, set[str]] = defaultdict(set)
        for unit, number in RecognitionDecision.objects.values_list("issuing_unit_id", "number"):
            used[unit].add(number)
        # Numbers continue a plausible register per unit (not 1/QĐ-UBND for every district).
        counter = {unit: self._rng("decision-base", unit).randint(40, 900) + len(numbers)
                   for unit, numbers in used.items()}
        groups: dict[tuple[str | None, str, date], list[_CertSpec]] = {}
        for cert in certs:
            groups.setdefault((cert.unit, cert.level, cert.issued), []).append(cert)
        decisions = []
        for unit, level, day in groups:
            while True:
                counter[unit] = counter.get(
                    unit, self._rng("decision-base", unit).randint(40, 900)) + 1
                suffix = "QĐ-UBND" if unit else MINISTRY_DECISION
                number = f"{counter[unit]}/{suffix}"
                if number not in used[unit]:
                    used[unit].add(number)
                    break
            title = ("Thứ trưởng" if unit is None else
                     rng.choice(("Chủ tịch Ủy ban nhân dân", "Phó Chủ tịch Ủy ban nhân dân")))
            signer = person_name(rng, woman=rng.random() < 0.3)
            decisions.append(RecognitionDecision(
                number=number, date=day, signer_name=signer, signer_title=title,
                signing_capacity=SigningCapacity.for_title(title), issuing_unit_id=unit,
                level=level, search_text=fold(" ".join((number, signer, title))),
            ))
        with transaction.atomic():
            RecognitionDecision.objects.bulk_create(decisions, batch_size=BATCH)
        by_group = dict(zip(groups, decisions, strict=True))
        sequence = dict(CertificateSequence.objects.values_list("prefix", "last"))
        rows = []
        for cert in certs:
            prefix = f"OCOP-{self.province_code(cert.unit)}-{cert.issued.year}"
            sequence[prefix] = sequence.get(prefix, 0) + 1
            end = certificate_valid_until(cert.issued)
            revoked = cert.revoked is not None
            rows.append(Certificate(
                number=f"{prefix}-{sequence[prefix]:05d}", product_id=cert.place.product_id,
                producer_id=cert.place.producer_id,
                decision_id=by_group[(cert.unit, cert.level, cert.issued)].pk,
                stars=cert.stars, total_score=cert.score, issued_on=cert.issued,
                valid_until=end, revoked_on=cert.revoked,
                revocation_reason=rng.choice(REVOCATION_REASONS) if revoked else "",
                revocation_decision_number=f"{rng.randint(10, 999)}/QĐ-UBND" if revoked else "",
                administered_by_id=cert.place.province,
                source_dossier_id=cert.dossier.pk if cert.dossier else None,
                # What the daily job records the day after a certificate lapses.
                expiry_recorded_on=(end + timedelta(days=1)
                                    if end < self.today and not revoked else None),
            ))
        for start in range(0, len(rows), BATCH):
            with transaction.atomic():
                Certificate.objects.bulk_create(rows[start:start + BATCH], batch_size=BATCH)
            self.log(f"  certificates: {min(start + BATCH, len(rows)):,}/{len(rows):,}")
        CertificateSequence.objects.bulk_create(
            [CertificateSequence(prefix=p, last=n) for p, n in sorted(sequence.items())],
            update_conflicts=True, unique_fields=["prefix"], update_fields=["last"],
            batch_size=BATCH,
        )
        return len(decisions), len(rows)

    def province_code(self, unit: str | None) -> str:
        """The two-digit code in a certificate number: the issuing province's, the legacy
        province's for a district decision, ``TW`` for the ministry (``number_prefix``)."""
        if unit is None:
            return "TW"
        if unit in self.codes:
            return self.codes[unit]
        return self.codes[self.parents[unit]]

    def councils(self) -> int:
        """A council for each open round holding accepted dossiers that has none yet; the
        dossiers under evaluation, scored or proposed up are assigned to it (accepted ones wait
        for their assignment)."""
        rounds = list(
            Round.objects.filter(status=Round.Status.OPEN, councils__isnull=True,
                                 dossiers__state__in=ON_COUNCIL | {S.ACCEPTED})
            .distinct().order_by("pk").values_list("pk", "level", "name",
                                                   "programme_year__province_id")
        )
        if not rounds:
            return 0
        pools = self._council_users({(CENTRAL if level == CENTRAL else province)
                                     for _pk, level, _name, province in rounds})
        rng = self._rng("councils", Council.objects.count())
        councils, members = [], []
        short_made = False
        for index, (pk, level, name, province) in enumerate(rounds):
            title = f"Hội đồng đánh giá, phân hạng sản phẩm OCOP — {name}"
            number = f"{rng.randint(10, 990)}/QĐ-UBND"
            councils.append(Council(round_id=pk, level=level, name=title,
                                    decision_number=number, quorum_min=default_quorum_min(level),
                                    search_text=fold(f"{title} {number}")))
            # At least one short council, so that even a small world shows the case.
            short = rng.random() < SHORT_COUNCIL_SHARE or (
                index == len(rounds) - 1 and not short_made)
            short_made |= short
            roles = SHORT_COUNCIL if short else FULL_COUNCIL
            pool = pools[CENTRAL if level == CENTRAL else province]
            members.append([(user, role) for user, role in zip(rng.sample(pool, len(roles)),
                                                                roles, strict=True)])
        with transaction.atomic():
            Council.objects.bulk_create(councils, batch_size=BATCH)
            CouncilMember.objects.bulk_create([
                CouncilMember(council_id=council.pk, user_id=user, role=role)
                for council, chosen in zip(councils, members, strict=True)
                for user, role in chosen
            ], batch_size=BATCH)
            by_round = {c.round_id: c.pk for c in councils}
            Assignment.objects.bulk_create([
                Assignment(council_id=by_round[round_id], dossier_id=dossier_id)
                for dossier_id, round_id in Dossier.objects.filter(
                    round_id__in=by_round, state__in=ON_COUNCIL).values_list("pk", "round_id")
            ], batch_size=BATCH)
        return len(councils)

    def inspections(self) -> int:
        """This year's annual inspection plan for each province holding valid certificates that
        has none yet, with one inspector, and its visits so far (concluded, findings for every
        checklist item)."""
        year = self.today.year
        covered = set(InspectionPlan.objects.filter(kind=PlanKind.ANNUAL, starts_on__year=year)
                      .values_list("province_id", flat=True))
        valid = list(
            Certificate.objects.valid_on(self.today).exclude(administered_by_id__in=covered)
            .order_by("pk").values_list("pk", "product_id", "administered_by_id", "issued_on",
                                        "product__producer__commune__name")
        )
        provinces = sorted({row[2] for row in valid})
        if not provinces:
            return 0
        password = User.objects.filter(username__startswith="scale-").values_list(
            "password", flat=True).first() or "!"
        names = {p: f"{INSPECTOR_PREFIX}{p.lower()}" for p in provinces}
        have = set(User.objects.filter(username__in=names.values())
                   .values_list("username", flat=True))
        rng = self._rng("inspections", InspectionPlan.objects.count())
        people = self._rng("inspectors")  # apart: accounts are made only once
        start, end = date(year, 1, 1), date(year, 12, 31)
        with transaction.atomic():
            User.objects.bulk_create([
                User(username=name, role=Role.INSPECTOR, unit_id=p, password=password,
                     first_name=person_name(people, woman=people.random() < 0.4))
                for p, name in names.items() if name not in have])
            inspector = dict(User.objects.filter(username__in=names.values())
                             .values_list("unit_id", "pk"))
            plans = {p: InspectionPlan(
                kind=PlanKind.ANNUAL, province_id=p, starts_on=start, ends_on=end,
                title=f"Kế hoạch kiểm tra định kỳ sản phẩm OCOP năm {year} — {self.names[p]}")
                for p in provinces}
            InspectionPlan.objects.bulk_create(plans.values())
            InspectionPlan.inspectors.through.objects.bulk_create([
                InspectionPlan.inspectors.through(inspectionplan_id=plan.pk,
                                                  user_id=inspector[p])
                for p, plan in plans.items()])
            visits, findings = [], []
            for cert, product, province, issued, commune in valid:
                if rng.random() >= VISIT_SHARE:
                    continue
                first = max(start, issued)
                visited = first + _days(rng, 0, (self.today - first).days)
                failing = rng.random() < FOLLOW_UP_SHARE
                visits.append(Visit(
                    plan=plans[province], product_id=product, certificate_id=cert,
                    inspector_id=inspector[province], visited_on=visited,
                    place=f"Cơ sở sản xuất tại {commune}",
                    conclusion=("Nhãn chưa ghi đủ thông tin bắt buộc; yêu cầu khắc phục."
                                if failing else "Cơ sở duy trì các điều kiện đã được công nhận."),
                    concluded_at=_at(visited, 16),
                    # A remedy deadline 30–90 days on: some still ahead, some passed.
                    follow_up_by=visited + _days(rng, 30, 90) if failing else None,
                ))
                findings.append([
                    (item, FindingResult.FAIL if failing and item == "label" else
                     FindingResult.PASS) for item in CHECKLIST])
            Visit.objects.bulk_create(visits, batch_size=BATCH)
            Finding.objects.bulk_create([
                Finding(visit_id=visit.pk, item=item, result=result)
                for visit, items in zip(visits, findings, strict=True) for item, result in items
            ], batch_size=BATCH)
        return len(visits)

    def _council_users(self, pools: set[str]) -> dict[str, list[int]]:
        """Nine council-member accounts per province (and for the centre), made once."""
        # The scale accounts' shared hash of the demo password (made once by ``users``).
        password = User.objects.filter(username__startswith="scale-").values_list(
            "password", flat=True).first() or "!"
        wanted = {f"{COUNCIL_USER_PREFIX}{pool.lower()}-{i}": pool
                  for pool in sorted(pools) for i in range(1, 10)}
        have = set(User.objects.filter(username__in=wanted).values_list("username", flat=True))
        rng = self._rng("council-users")
        User.objects.bulk_create([
            User(username=name, role=Role.COUNCIL_MEMBER, password=password,
                 unit_id=None if pool == CENTRAL else pool,
                 first_name=person_name(rng, woman=rng.random() < 0.4))
            for name, pool in wanted.items() if name not in have
        ], batch_size=BATCH)
        out: dict[str, list[int]] = defaultdict(list)
        for pk, name in User.objects.filter(username__in=wanted).order_by("username") \
                .values_list("pk", "username"):
            out[wanted[name]].append(pk)
        return out
