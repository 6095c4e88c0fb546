"""Demo results (``manage.py demo_results``, after demo_data and demo_cycle).

- Bắc Giang 2024: every dossier accepted into a district round is scored by a 3-member council
  (demo-hoidong1 chairs, 2 and 3 score) — one dossier needs a re-score (spread > 10 points) to
  show the history; 4★ candidates are proposed to the province, whose result is recorded back;
  recognition decisions are issued (district for 3★, province for 4★) with their certificates.
- Certificates from paper records before the platform (products demo_data rated earlier):
  some long expired, some valid, four expiring within 90 days of the day the command runs (so
  the reminders have something to do), one revoked.

Deterministic for a given seed and day: member scores come from ``random.Random(seed, …)``; the
"expiring soon" batch is dated relative to the day the command runs. The demo rounds are closed
by demo_cycle; they are reopened only while the councils score and closed again.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from ocop.accounts.models import User
from ocop.certificates import services as certificates
from ocop.certificates.models import Certificate
from ocop.criteria import publishing as criteria_publishing
from ocop.criteria import selectors as criteria_selectors
from ocop.criteria.engine import CriteriaSet, evaluate
from ocop.criteria.models import CriteriaSetVersion
from ocop.dossiers import services as dossiers
from ocop.dossiers.models import Dossier, DossierState, Round
from ocop.evaluation import services
from ocop.evaluation.models import Council, MemberRole
from ocop.registry.models import Product
from ocop.rules.certification import (
    CERTIFICATE_VALIDITY_MONTHS,
    MIN_CERTIFIABLE_STARS,
    add_months,
    is_certifiable,
)
from ocop.units.names import official_name


class DemoResultsError(ValueError):
    pass


@dataclass
class DemoResults:
    councils: int = 0
    scored: int = 0
    rescored: int = 0
    proposed_up: int = 0
    decisions: int = 0
    certificates: int = 0
    backfilled: int = 0
    revoked: int = 0
    states: dict[str, int] = field(default_factory=dict)


def answers_reaching(engine_set: CriteriaSet, target: Decimal | int) -> dict[str, str]:
    """Answers whose total is the first reached ≥ ``target`` raising criteria in sheet order,
    with every mandatory criterion at its best option (so the band alone decides the stars)."""
    answers = {c.code: min(c.options, key=lambda o: o.points).code for c in engine_set.criteria}
    ruled = {rule.criterion for rule in engine_set.mandatory}
    for criterion in engine_set.criteria:
        if criterion.code in ruled:
            answers[criterion.code] = max(criterion.options, key=lambda o: o.points).code
    for criterion in engine_set.criteria:
        if criterion.code in ruled:
            continue
        for option in sorted(criterion.options, key=lambda o: o.points):
            if evaluate(engine_set, answers).total >= Decimal(target):
                return answers
            answers[criterion.code] = option.code
    return answers


def _users() -> tuple[User, list[User], User | None]:
    members = [User.objects.filter(username=f"demo-hoidong{i}").first() for i in (1, 2, 3)]
    if not all(members):
        raise DemoResultsError("Demo council accounts demo-hoidong1..3 are missing (demo_data).")
    return members[0], members, User.objects.filter(username="demo-tinh").first()


def _accept_sheets(office: User | None, rounds: list[int]) -> None:
    """The demo's dossiers are scored on illustrative sheets: the provincial office accepts each
    version it uses, as any office must before a recognition decision (criteria.publishing)."""
    used = (CriteriaSetVersion.objects.filter(dossiers__round_id__in=rounds)
            .exclude(status_kind="official").distinct().order_by("pk"))
    for version in used:
        if office is not None and not criteria_publishing.is_accepted(version, office.unit):
            criteria_publishing.accept(
                actor=office, version=version,
                reason="Trình diễn: chấp nhận phiếu minh họa để chạy thử quy trình công nhận.")


def _score(council: Council, dossier: Dossier, members: list[User], targets: list[int]) -> None:
    engine_set = criteria_selectors.engine_set(dossier.criteria_set)
    for user, target in zip(members, targets, strict=True):
        services.save_draft(actor=user, dossier=dossier,
                            answers=answers_reaching(engine_set, target))
        services.submit_sheet(actor=user, dossier=dossier)


@transaction.atomic
def build_results(*, seed: int = 2024, today: date) -> DemoResults:
    out = DemoResults()
    chair, members, office = _users()
    district_rounds = list(Round.objects.filter(
        programme_year__province_id="LP24", programme_year__year=2024, level="district",
        dossiers__state=DossierState.ACCEPTED).distinct().order_by("number", "name"))
    if not district_rounds:
        if Council.objects.filter(round__programme_year__province_id="LP24").exists():
            raise DemoResultsError("Demo results are already loaded.")
        raise DemoResultsError("No accepted Bắc Giang 2024 dossiers: run demo_cycle first.")
    province_q = Round.objects.filter(programme_year__province_id="LP24",
                                      programme_year__year=2024, level="province")
    touched = [r.pk for r in district_rounds] + list(province_q.values_list("pk", flat=True))
    _accept_sheets(office, touched)
    Round.objects.filter(pk__in=touched).update(status=Round.Status.OPEN)
    district_rounds = list(Round.objects.filter(pk__in=[r.pk for r in district_rounds])
                           .select_related("issuing_unit").order_by("number", "name"))
    province_rounds = {r.number: r for r in province_q}
    rescore_done = False
    upward: list[tuple[Dossier, Decimal, Round]] = []
    for round_ in district_rounds:
        council = services.create_council(
            actor=office, round=round_, decision_number=f"{30 + round_.pk}/QĐ-UBND",
            name="Hội đồng đánh giá, phân hạng sản phẩm OCOP "
                 f"{official_name(round_.issuing_unit, lowercase_type=True)} "
                 f"năm 2024 (đợt {round_.number})")
        for user, role in zip(members, (MemberRole.CHAIR, MemberRole.MEMBER,
                                        MemberRole.SECRETARY), strict=True):
            services.add_member(actor=office, council=council, user=user, role=role)
        out.councils += 1
        batch = list(round_.dossiers.filter(state=DossierState.ACCEPTED).order_by("id"))
        services.assign_dossiers(actor=office, council=council, dossiers_to_assign=batch)
        recognise = []
        for dossier in batch:
            rng = random.Random(f"{seed}-{dossier.product.name}")  # noqa: S311 — demo data
            base = 73 if dossier.target_stars >= 4 else 58 + rng.randint(0, 8)
            if not rescore_done and dossier.target_stars == 3:
                # The first 3★ dossier shows a re-score: one member far above the others.
                _score(council, dossier, members, [base, base + 13, base + 2])
                services.close_scoring(actor=chair, council=council, dossier=dossier)
                services.start_rescore(actor=chair, council=council, dossier=dossier)
                rescore_done = True
                out.rescored += 1
            _score(council, dossier, members,
                   [base + rng.randint(0, 3), base + rng.randint(0, 3), base + rng.randint(0, 3)])
            services.close_scoring(actor=chair, council=council, dossier=dossier)
            result = services.finalise(actor=chair, council=council, dossier=dossier,
                                       today=round_.evaluation_deadline)
            out.scored += 1
            target = services.escalation_target(dossier, result)
            if target is not None and dossier.target_stars >= 4:
                services.propose_up(actor=office, dossier=dossier)
                out.proposed_up += 1
                upward.append((dossier, result.mean, province_rounds[round_.number]))
            elif is_certifiable(services.awardable_stars(dossier, result)):
                recognise.append(dossier.pk)
        if recognise:
            services.recognise(
                actor=office, round=round_, dossier_ids=recognise,
                number=f"{200 + round_.pk}/QĐ-UBND", decision_date=date(2024, 12, 10),
                signer_name="Nguyễn Văn Hùng", signer_title="Chủ tịch Ủy ban nhân dân",
                today=date(2024, 12, 10),
            )
            out.decisions += 1
    by_round: dict[int, list[int]] = {}
    for dossier, mean, province_round in upward:
        dossiers.accept(actor=office, dossier=Dossier.objects.get(pk=dossier.pk),
                        round=province_round)
        services.record_upper_result(actor=office, dossier=dossier, mean=mean + 2, stars=4,
                                     note="Hội đồng cấp tỉnh họp trực tiếp; kết quả nhập lại.",
                                     today=province_round.evaluation_deadline)
        by_round.setdefault(province_round.pk, []).append(dossier.pk)
    for round_pk, ids in sorted(by_round.items()):
        services.recognise(
            actor=office, round=Round.objects.get(pk=round_pk),
            dossier_ids=ids, number=f"{1500 + round_pk}/QĐ-UBND",
            decision_date=date(2024, 12, 12), signer_name="Lê Ánh Dương",
            signer_title="Phó Chủ tịch Ủy ban nhân dân tỉnh", today=date(2024, 12, 12),
        )
        out.decisions += 1
    Round.objects.filter(pk__in=touched).update(status=Round.Status.CLOSED)
    _backfill(out, today=today, office=office)
    certificates.run_daily(today=today)
    out.certificates = Certificate.objects.count()
    for state in Dossier.objects.filter(round_id__in=touched).values_list("state", flat=True):
        out.states[state] = out.states.get(state, 0) + 1
    return out


# Paper-era recognitions of Bắc Giang products: (issue date, level).
PAPER_BATCHES = (
    (date(2021, 6, 15), "district"), (date(2021, 12, 20), "province"),
    (date(2022, 6, 15), "district"), (date(2022, 12, 20), "province"),
    (date(2023, 6, 15), "district"), (date(2023, 12, 20), "district"),
)
PER_BATCH = 5
EXPIRING_SOON_DAYS = (15, 35, 60, 85)


def _backfill(out: DemoResults, *, today: date, office: User | None) -> None:
    products = list(
        Product.objects.filter(stars__gte=MIN_CERTIFIABLE_STARS, dossiers__isnull=True,
                               certificates__isnull=True, producer__commune__era="legacy",
                               producer__commune__parent__parent_id="LP24")
        .select_related("producer__commune__parent").order_by("id")[:PER_BATCH * 7]
    )
    if len(products) < PER_BATCH * 2:
        return
    batches = list(PAPER_BATCHES)
    # Issued 36 months before "today + n days": valid until about n days from now.
    soon = add_months(today, -CERTIFICATE_VALIDITY_MONTHS)
    batches.append((soon + timedelta(days=EXPIRING_SOON_DAYS[0]), "district"))
    decision_number = 100
    revoked = False
    for index, (issued, level) in enumerate(batches):
        chunk = products[index * PER_BATCH:(index + 1) * PER_BATCH]
        if index == len(batches) - 1:
            chunk = chunk[:len(EXPIRING_SOON_DAYS)]
        by_unit: dict[str, list[Product]] = {}
        for product in chunk:
            unit = (product.producer.commune.parent if level == "district"
                    else product.producer.commune.parent.parent)
            by_unit.setdefault(unit.pk, []).append(product)
        for _key, items in sorted(by_unit.items()):
            decision_number += 1
            decision = certificates.create_decision(
                actor=None, number=f"{decision_number}/QĐ-UBND", date=issued,
                signer_name="Trần Quốc Bảo", signer_title="Chủ tịch Ủy ban nhân dân",
                level=level, issuing_unit=items[0].producer.commune.parent if level == "district"
                else items[0].producer.commune.parent.parent,
            )
            out.decisions += 1
            for offset, product in enumerate(items):
                day = issued
                if index == len(batches) - 1:
                    day = soon + timedelta(days=EXPIRING_SOON_DAYS[chunk.index(product)])
                stars = 4 if level == "province" else 3
                score = Decimal(72 + offset) if stars == 4 else Decimal(55 + 2 * offset)
                certificate = certificates.issue_certificate(
                    actor=None, decision=decision, product=product, stars=stars,
                    total_score=score, issued_on=day, today=today,
                )
                out.backfilled += 1
                if not revoked and issued.year == 2023 and certificate.status_on(today) == "valid":
                    certificates.revoke_certificate(
                        actor=office, certificate=certificate,
                        reason="Cơ sở ngừng sản xuất, không duy trì điều kiện bảo đảm an toàn "
                               "thực phẩm (kết quả kiểm tra định kỳ).",
                        decision_number="45/QĐ-UBND", revoked_on=min(today, date(2026, 3, 10)),
                        today=today,
                    )
                    revoked = True
                    out.revoked += 1
    # A product left without a valid certificate keeps no stars.
    for product in Product.objects.filter(pk__in=[p.pk for p in products]):
        certificates.sync_product_stars(product, today=today)
