"""Demo results (``manage.py demo_results``, after demo_data and demo_cycle).

- Bắc Giang 2024: every dossier accepted into a district round is scored by a 3-member council
  (demo-hoidong1 chairs, 2 and 3 score) — one dossier needs a re-score (spread > 10 points) to
  show the history; 4★ candidates are proposed to the province, whose result is recorded back;
  recognition decisions are issued (district for 3★, province for 4★) with their certificates.
- The daily certificates job then runs for the given day: the paper-era certificates that
  demo_data entered (``ocop.demo.paper``: every rated product's history, some expiring within
  90 days of that day) get their expiry reminders.

Deterministic for a given seed: member scores come from ``random.Random(seed, …)``. The demo
rounds are closed by demo_cycle; they are reopened only while the councils score and closed
again.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction

from ocop.accounts.models import User
from ocop.certificates import services as certificates
from ocop.certificates.models import Certificate, RecognitionDecision
from ocop.criteria import publishing as criteria_publishing
from ocop.criteria import selectors as criteria_selectors
from ocop.criteria.engine import answers_reaching
from ocop.criteria.models import CriteriaSetVersion
from ocop.dossiers import services as dossiers
from ocop.dossiers.demo import at
from ocop.dossiers.models import Dossier, DossierState, Round
from ocop.evaluation import rules, services
from ocop.evaluation.models import Council, MemberRole
from ocop.rules.certification import is_certifiable
from ocop.rules.levels import DISTRICT, PROVINCE
from ocop.units.models import Unit
from ocop.units.names import official_name

ONE_WEEK = timedelta(days=7)


def _dated(dossier_ids: list[int], **moments: datetime) -> None:
    """The services stamp a dossier's moves with the real time; the demo's happened in 2024.
    (The audit entries keep the real time: they are an append-only chain.)"""
    Dossier.objects.filter(pk__in=dossier_ids).update(**moments)


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
    states: dict[str, int] = field(default_factory=dict)


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


def _free_number(unit: Unit | None, start: int) -> str:
    """The first decision number from ``start`` on that ``unit`` has not used: the numbers
    follow round ids, which on PostgreSQL keep counting across runs, so they may land on a
    number the paper records (ocop.demo.paper) already gave the same district or province."""
    taken = set(RecognitionDecision.objects.filter(issuing_unit=unit)
                .values_list("number", flat=True))
    return next(f"{n}/QĐ-UBND" for n in itertools.count(start) if f"{n}/QĐ-UBND" not in taken)


@transaction.atomic
def build_results(*, seed: int = 2024, today: date) -> DemoResults:
    out = DemoResults()
    chair, members, office = _users()
    district_rounds = list(Round.objects.filter(
        programme_year__province_id="LP24", programme_year__year=2024, level=DISTRICT,
        dossiers__state=DossierState.ACCEPTED).distinct().order_by("number", "name"))
    if not district_rounds:
        if Council.objects.filter(round__programme_year__province_id="LP24").exists():
            raise DemoResultsError("Demo results are already loaded.")
        raise DemoResultsError("No accepted Bắc Giang 2024 dossiers: run demo_cycle first.")
    province_q = Round.objects.filter(programme_year__province_id="LP24",
                                      programme_year__year=2024, level=PROVINCE)
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
            target = rules.escalation_target(dossier, result)
            if target is not None and dossier.target_stars >= 4:
                services.propose_up(actor=office, dossier=dossier)
                out.proposed_up += 1
                upward.append((dossier, result.mean, province_rounds[round_.number]))
            elif is_certifiable(rules.awardable_stars(dossier, result)):
                recognise.append(dossier.pk)
        if recognise:
            services.recognise(
                actor=office, round=round_, dossier_ids=recognise,
                number=_free_number(round_.issuing_unit, 200 + round_.pk),
                decision_date=date(2024, 12, 10),
                signer_name="Nguyễn Văn Hùng", signer_title="Chủ tịch Ủy ban nhân dân",
                today=date(2024, 12, 10),
            )
            _dated(recognise, state_changed_at=at(date(2024, 12, 10)))
            out.decisions += 1
    by_round: dict[int, list[int]] = {}
    for dossier, mean, province_round in upward:
        dossiers.accept(actor=office, dossier=Dossier.objects.get(pk=dossier.pk),
                        round=province_round)
        # Taken in by the province a week before its council met, not when the demo was loaded.
        _dated([dossier.pk], accepted_at=at(province_round.evaluation_deadline - ONE_WEEK))
        services.record_upper_result(actor=office, dossier=dossier, mean=mean + 2, stars=4,
                                     note="Hội đồng cấp tỉnh họp trực tiếp; kết quả nhập lại.",
                                     today=province_round.evaluation_deadline)
        by_round.setdefault(province_round.pk, []).append(dossier.pk)
    for round_pk, ids in sorted(by_round.items()):
        province_round = Round.objects.select_related("issuing_unit").get(pk=round_pk)
        services.recognise(
            actor=office, round=province_round,
            dossier_ids=ids, number=_free_number(province_round.issuing_unit, 1500 + round_pk),
            decision_date=date(2024, 12, 12), signer_name="Lê Ánh Dương",
            signer_title="Phó Chủ tịch Ủy ban nhân dân tỉnh", today=date(2024, 12, 12),
        )
        _dated(ids, state_changed_at=at(date(2024, 12, 12)))
        out.decisions += 1
    Round.objects.filter(pk__in=touched).update(status=Round.Status.CLOSED)
    certificates.run_daily(today=today)
    out.certificates = Certificate.objects.count()
    for state in Dossier.objects.filter(round_id__in=touched).values_list("state", flat=True):
        out.states[state] = out.states.get(state, 0) + 1
    return out
