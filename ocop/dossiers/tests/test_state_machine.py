"""Every transition of the dossier state machine, allowed and refused."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from ocop.audit.models import AuditEntry
from ocop.dossiers import services
from ocop.dossiers.models import TRANSITIONS, CorrectionRequest, Dossier, DossierState
from ocop.dossiers.tests.conftest import D2024, D2025, Cycle, submitted
from ocop.rules.levels import THREE_LEVEL, TWO_LEVEL

S = DossierState
pytestmark = pytest.mark.django_db
ALL_PAIRS = [(a, b) for a in S.values for b in S.values]


@pytest.mark.parametrize(("start", "to"), ALL_PAIRS)
def test_transition_table_is_enforced(cycle: Cycle, start: str, to: str) -> None:
    dossier = services.open_dossier(actor=None, product=cycle.products["own"], today=D2024)
    Dossier.objects.filter(pk=dossier.pk).update(state=start)
    dossier.refresh_from_db()
    if to in TRANSITIONS[start]:
        services._move(dossier, to, None, "test.move")
        dossier.refresh_from_db()
        assert dossier.state == to
        assert AuditEntry.objects.filter(action="test.move", object_id=str(dossier.pk)).exists()
    else:
        with pytest.raises(services.StateError, match="Không thể chuyển"):
            services._move(dossier, to, None, "test.move")
        dossier.refresh_from_db()
        assert dossier.state == start


def test_terminal_states_have_no_exit() -> None:
    for state in (S.RECOGNISED, S.NOT_RECOGNISED, S.WITHDRAWN):
        assert TRANSITIONS[state] == frozenset()


def test_2024_flow_district_then_province(cycle: Cycle) -> None:
    office = cycle.users["province_office"]
    producer = cycle.users["producer"]
    dossier = submitted(cycle)
    assert dossier.state == S.SUBMITTED and dossier.procedure == THREE_LEVEL
    # No commune step before 1 July 2025: the office reviews at once.
    with pytest.raises(services.StateError, match="không qua bước xã"):
        services.commune_precheck(actor=cycle.users["commune_officer"], dossier=dossier,
                                  results={})
    req = services.request_corrections(actor=office, dossier=dossier, items=[
        {"code": "business_plan", "comment": "Bổ sung kế hoạch kinh doanh 2024–2026"}])
    assert req.stage == CorrectionRequest.Stage.PROVINCE
    dossier.refresh_from_db()
    assert dossier.state == S.CORRECTIONS_REQUESTED and dossier.is_editable
    services.autosave(actor=producer, dossier=dossier, form={"main_market": "Hà Nội"})
    version = services.resubmit(actor=producer, dossier=dossier,
                                answer={"items": {"business_plan": "Đã bổ sung"}}, today=D2024)
    assert version.number == 2
    req.refresh_from_db()
    assert req.answered_at is not None and req.answer["items"] == {"business_plan": "Đã bổ sung"}
    dossier.refresh_from_db()
    assert dossier.state == S.RESUBMITTED
    # The province round is not the entry level of a new dossier under 148.
    with pytest.raises(services.StateError, match="cấp huyện"):
        services.accept(actor=office, dossier=dossier, round=cycle.province_round_2024)
    services.accept(actor=office, dossier=dossier)
    dossier.refresh_from_db()
    assert dossier.state == S.ACCEPTED and dossier.round == cycle.district_round
    for to in (S.UNDER_EVALUATION, S.SCORED, S.PROPOSED_UP):
        services.advance(actor=None, dossier=dossier, to=to)
    dossier.refresh_from_db()
    # Proposed up: accepted again, but only into a round of the next level (province).
    with pytest.raises(services.StateError, match="cấp tỉnh"):
        services.accept(actor=office, dossier=dossier, round=cycle.district_round)
    services.accept(actor=office, dossier=dossier, round=cycle.province_round_2024)
    dossier.refresh_from_db()
    assert dossier.state == S.ACCEPTED and dossier.round == cycle.province_round_2024


def test_2025_flow_commune_precheck_first(cycle: Cycle) -> None:
    office = cycle.users["province_office"]
    officer = cycle.users["commune_officer"]
    dossier = submitted(cycle, when=D2025)
    assert dossier.procedure == TWO_LEVEL
    with pytest.raises(services.StateError, match="chưa được xã kiểm tra"):
        services.accept(actor=office, dossier=dossier)
    with pytest.raises(services.StateError, match="chưa được xã kiểm tra"):
        services.request_corrections(actor=office, dossier=dossier,
                                     items=[{"code": "A1", "comment": "?"}])
    ok = {"ok": True, "comment": ""}
    services.commune_precheck(actor=officer, dossier=dossier, results={
        "local_raw_materials": ok, "local_labour": ok, "idea_origin": ok})
    dossier.refresh_from_db()
    assert dossier.state == S.COMMUNE_CHECKED and dossier.commune_checked_by == officer
    # The province asks for corrections; on resubmission the commune check still stands.
    services.request_corrections(actor=office, dossier=dossier,
                                 items=[{"code": "test_report", "comment": "Thiếu phiếu"}])
    dossier.refresh_from_db()
    services.resubmit(actor=cycle.users["producer"], dossier=dossier, today=D2025)
    dossier.refresh_from_db()
    assert services.province_may_review(dossier)
    services.accept(actor=office, dossier=dossier)
    dossier.refresh_from_db()
    assert dossier.state == S.ACCEPTED and dossier.round == cycle.province_round_2025


def test_commune_precheck_failure_requests_corrections(cycle: Cycle) -> None:
    officer = cycle.users["commune_officer"]
    dossier = submitted(cycle, when=D2025)
    ok = {"ok": True, "comment": ""}
    with pytest.raises(Exception, match="Nêu lý do"):
        services.commune_precheck(actor=officer, dossier=dossier, results={
            "local_raw_materials": {"ok": False, "comment": ""}, "local_labour": ok,
            "idea_origin": ok})
    services.commune_precheck(actor=officer, dossier=dossier, results={
        "local_raw_materials": {"ok": False, "comment": "Chưa có hợp đồng vùng nguyên liệu"},
        "local_labour": ok, "idea_origin": ok})
    dossier.refresh_from_db()
    assert dossier.state == S.CORRECTIONS_REQUESTED and dossier.commune_checked_at is None
    req = dossier.corrections.get()
    assert req.stage == CorrectionRequest.Stage.COMMUNE
    assert req.items == [{"code": "local_raw_materials",
                          "comment": "Chưa có hợp đồng vùng nguyên liệu"}]
    services.resubmit(actor=cycle.users["producer"], dossier=dossier, today=D2025)
    dossier.refresh_from_db()
    # Back to the commune, not to the province.
    assert services.commune_may_check(dossier) and not services.province_may_review(dossier)


def test_commune_officer_of_another_commune_cannot_precheck(cycle: Cycle) -> None:
    dossier = submitted(cycle, when=D2025)
    with pytest.raises(PermissionDenied):
        services.commune_precheck(actor=cycle.users["other_commune_officer"], dossier=dossier,
                                  results={})


def test_withdraw_allowed_until_evaluation(cycle: Cycle) -> None:
    producer = cycle.users["producer"]
    draft = services.open_dossier(actor=producer, product=cycle.products["own"], today=D2024)
    services.withdraw(actor=producer, dossier=draft, reason="Chưa sẵn sàng")
    draft.refresh_from_db()
    assert draft.state == S.WITHDRAWN
    dossier = submitted(cycle)
    services.withdraw(actor=producer, dossier=dossier)
    dossier.refresh_from_db()
    assert dossier.state == S.WITHDRAWN
    # The office heard about the withdrawal of a submitted dossier.
    assert cycle.users["province_office"].notifications.filter(
        verb="dossier.withdrawn").exists()
    with pytest.raises(services.StateError):
        services.withdraw(actor=producer, dossier=dossier)


def test_no_withdrawal_once_under_evaluation(cycle: Cycle) -> None:
    dossier = submitted(cycle)
    services.accept(actor=None, dossier=dossier)
    services.advance(actor=None, dossier=dossier, to=S.UNDER_EVALUATION)
    with pytest.raises(services.StateError):
        services.withdraw(actor=cycle.users["producer"], dossier=dossier)


def test_advance_only_moves_to_evaluation_states(cycle: Cycle) -> None:
    dossier = submitted(cycle)
    with pytest.raises(services.StateError, match="không do hội đồng"):
        services.advance(actor=None, dossier=dossier, to=S.ACCEPTED)
    with pytest.raises(services.StateError, match="Không thể chuyển"):
        services.advance(actor=None, dossier=dossier, to=S.SCORED)


def test_accept_refuses_closed_round_and_other_area(cycle: Cycle) -> None:
    office = cycle.users["province_office"]
    dossier = submitted(cycle)
    cycle.district_round.status = "closed"
    cycle.district_round.save()
    with pytest.raises(services.StateError, match="đã đóng"):
        services.accept(actor=office, dossier=dossier)
    with pytest.raises(PermissionDenied):
        services.accept(actor=cycle.users["other_province_office"], dossier=dossier)


def test_submit_twice_is_refused(cycle: Cycle) -> None:
    dossier = submitted(cycle)
    with pytest.raises(services.StateError, match="Chỉ nộp được hồ sơ đang soạn"):
        services.submit(actor=None, dossier=dossier, today=D2024)


def test_one_open_dossier_per_product(cycle: Cycle) -> None:
    services.open_dossier(actor=None, product=cycle.products["own"], today=D2024)
    with pytest.raises(services.StateError, match="chưa kết thúc"):
        services.open_dossier(actor=None, product=cycle.products["own"], today=D2024)


def test_re_recognition_starts_from_previous(cycle: Cycle) -> None:
    first = submitted(cycle)
    services.accept(actor=None, dossier=first)
    for to in (S.UNDER_EVALUATION, S.SCORED, S.RECOGNISED):
        services.advance(actor=None, dossier=first, to=to)
    first.refresh_from_db()
    again = services.open_dossier(actor=cycle.users["producer"], product=cycle.products["own"],
                                  kind=Dossier.Kind.RE_RECOGNITION, previous=first,
                                  today=date(2027, 4, 1))
    assert again.form == first.form
    assert again.self_assessment == first.self_assessment
    assert again.documents.count() == first.documents.count()
    assert again.previous == first and again.state == S.DRAFT
