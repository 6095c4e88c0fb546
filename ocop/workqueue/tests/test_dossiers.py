"""Dossier items: the commune's check, the office's review, corrections, drafts — appearing
and leaving as the dossier moves, and only inside the person's jurisdiction."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ocop.dossiers import services
from ocop.dossiers.models import CorrectionRequest
from ocop.dossiers.testing import D2025, Cycle, open_ready, submitted
from ocop.workqueue import rules
from ocop.workqueue.tests.helpers import item, keys

pytestmark = pytest.mark.django_db
OK = {"ok": True, "comment": ""}


def _check(cycle: Cycle, dossier) -> None:
    services.commune_precheck(actor=cycle.users["commune_officer"], dossier=dossier, results={
        "local_raw_materials": OK, "local_labour": OK, "idea_origin": OK})


def test_each_role_has_its_items(cycle: Cycle) -> None:
    u = cycle.users
    assert keys(u["commune_officer"]) == {"commune_check", "corrections", "certificates"}
    assert keys(u["province_office"]) == {"review", "corrections_overdue", "councils",
                                          "recognition", "certificates", "revocations",
                                          "complaints"}
    assert keys(u["central"]) == {"proposed_up", "councils", "complaints"}
    assert keys(u["council_member"]) == {"sheets"}
    assert keys(u["inspector"]) == {"plans", "visits", "follow_ups"}
    assert keys(u["producer"]) == {"corrections", "drafts", "certificates", "remedies",
                                   "training"}


def test_submitted_dossier_waits_for_its_commune_then_leaves(cycle: Cycle) -> None:
    officer, office = cycle.users["commune_officer"], cycle.users["province_office"]
    dossier = submitted(cycle, when=D2025)
    queue = item(officer, "commune_check")
    assert queue.count == 1 and queue.entries[0].title.startswith(dossier.reference)
    assert queue.entries[0].url.endswith(f"/ho-so/{dossier.pk}/xa-kiem-tra/")
    # Under 1489 the office reviews only after the commune: not in its queue yet.
    assert item(office, "review").count == 0
    _check(cycle, dossier)
    assert item(officer, "commune_check").count == 0
    review = item(office, "review")
    assert review.count == 1 and review.entries[0].url.endswith(f"/ho-so/{dossier.pk}/tham-dinh/")
    services.accept(actor=office, dossier=dossier)
    assert item(office, "review").count == 0


def test_another_communes_dossier_never_shows(cycle: Cycle) -> None:
    submitted(cycle, when=D2025, position="other_commune")
    assert item(cycle.users["commune_officer"], "commune_check").count == 0
    assert item(cycle.users["other_commune_officer"], "commune_check").count == 1
    # Same province: the office sees it once checked; another province's office never.
    assert item(cycle.users["other_province_office"], "review").count == 0


def test_another_provinces_dossier_never_shows(cycle: Cycle) -> None:
    dossier = submitted(cycle, when=D2025)
    _check(cycle, dossier)
    assert item(cycle.users["province_office"], "review").count == 1
    assert item(cycle.users["other_province_office"], "review").count == 0


def test_2024_dossier_goes_straight_to_the_office(cycle: Cycle) -> None:
    submitted(cycle)  # 148 procedure: no commune check
    assert item(cycle.users["commune_officer"], "commune_check").count == 0
    assert item(cycle.users["province_office"], "review").count == 1


def _corrections(cycle: Cycle) -> CorrectionRequest:
    dossier = submitted(cycle)
    return services.request_corrections(actor=cycle.users["province_office"], dossier=dossier,
                                        items=[{"code": "A1", "comment": "Bổ sung"}])


def test_correction_is_overdue_for_the_office_from_the_day_after_its_deadline(
        cycle: Cycle) -> None:
    office, producer = cycle.users["province_office"], cycle.users["producer"]
    request = _corrections(cycle)
    asked = timezone.localdate(request.created_at)
    deadline = asked + timedelta(days=rules.CORRECTION_ANSWER_DAYS)
    # The producer sees it at once, with its deadline; the office only once it is late.
    mine = item(producer, "corrections", today=asked)
    assert mine.count == 1 and mine.entries[0].due.deadline == deadline
    assert mine.entries[0].url.endswith("/bo-sung/")
    assert item(office, "corrections_overdue", today=deadline).count == 0
    late = item(office, "corrections_overdue", today=deadline + timedelta(days=1))
    assert late.count == 1 and late.entries[0].due.days == 1
    assert late.entries[0].due.text == "quá hạn 1 ngày"
    # The commune follows its producers' corrections too.
    assert item(cycle.users["commune_officer"], "corrections", today=asked).count == 1
    assert item(cycle.users["other_commune_officer"], "corrections", today=asked).count == 0
    # Answered: it leaves every queue.
    services.resubmit(actor=producer, dossier=request.dossier)
    assert item(producer, "corrections").count == 0
    assert item(office, "corrections_overdue", today=deadline + timedelta(days=1)).count == 0


def test_producer_sees_its_drafts_with_the_rounds_deadline(cycle: Cycle) -> None:
    producer = cycle.users["producer"]
    dossier = open_ready(cycle, when=D2025)
    drafts = item(producer, "drafts", today=D2025)
    assert drafts.count == 1
    assert drafts.entries[0].due.deadline == cycle.province_round_2025.submission_deadline
    assert item(cycle.users["other_producer"], "drafts").count == 0
    services.submit(actor=producer, dossier=dossier, today=D2025)
    assert item(producer, "drafts").count == 0
