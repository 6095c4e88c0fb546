"""Council scoring end to end: submit once, close, re-score with history, quorum, finalise,
minutes PDF, escalation, recognition and certificates."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ocop.accounts.testing import login_client
from ocop.audit.models import AuditEntry
from ocop.certificates.models import Certificate
from ocop.criteria.models import CriteriaSetVersion
from ocop.dossiers.models import DossierState, Round
from ocop.dossiers.services import StateError
from ocop.evaluation import rules, services
from ocop.evaluation.models import CouncilResult, ScoreSheet
from ocop.evaluation.pdf import minutes_pdf, proposal_zip
from ocop.evaluation.tests.conftest import answers_for, total_of
from ocop.registry.models import Product

pytestmark = pytest.mark.django_db
SCORED_ON = date(2024, 6, 10)  # the council's meeting, before the round's evaluation deadline


def _score_all(ev, targets):
    for name, target in targets.items():
        ev.score(name, answers_for(ev.dossier, target))


def test_assignment_moves_the_dossier_and_is_audited(ev):
    assert ev.dossier.state == DossierState.UNDER_EVALUATION
    assert AuditEntry.objects.filter(action="evaluation.assign").count() == 1
    assert AuditEntry.objects.filter(action="dossier.under_evaluation").count() == 1


def test_full_cycle_to_certificate(ev, tmp_path):
    _score_all(ev, {"chair": 62, "second": 60, "third": 64})
    chair = ev.members["chair"].user
    result = services.close_scoring(actor=chair, council=ev.council, dossier=ev.dossier)
    assert result.quorum_met and not result.rescore_required and not result.final
    assert 60 <= result.mean <= 66 and result.stars == 3
    final = services.finalise(actor=chair, council=ev.council, dossier=ev.dossier,
                              today=SCORED_ON)
    assert final.final and final.minutes
    assert ev.refresh().state == DossierState.SCORED
    assert CriteriaSetVersion.objects.get(pk=ev.dossier.criteria_set_id).locked
    # Minutes: a real PDF with the Vietnamese text and the score table.
    content = final.minutes.read()
    assert content.startswith(b"%PDF-")
    path = tmp_path / "m.pdf"
    path.write_bytes(content)
    text = subprocess.run([shutil.which("pdftotext") or "pdftotext", str(path), "-"],  # noqa: S603
                          capture_output=True, check=True, text=True).stdout
    text = " ".join(text.split())  # table cells wrap: compare on single spaces
    for expected in ("BIÊN BẢN Đánh giá, phân hạng sản phẩm OCOP", ev.dossier.product.name,
                     "Điểm trung bình", f"{final.mean:.2f}".replace(".", ","), "Chair"):
        assert expected in text, expected
    # Recognition by the (legacy) district: decision, certificate, product stars.
    decision = services.recognise(
        actor=ev.users["province_office"], round=ev.cycle.district_round,
        dossier_ids=[ev.dossier.pk], number="321/QĐ-UBND", decision_date=date(2024, 12, 10),
        signer_name="Trần Văn Ký", signer_title="Chủ tịch", today=date(2024, 12, 10),
    )
    certificate = Certificate.objects.get(decision=decision)
    assert certificate.number == "OCOP-24-2024-00001"
    assert certificate.source_dossier_id == ev.dossier.pk
    assert certificate.total_score == final.mean and certificate.stars == 3
    assert certificate.administered_by_id == "P24"
    assert ev.refresh().state == DossierState.RECOGNISED
    assert Product.objects.get(pk=ev.dossier.product_id).stars == 3
    for action in ("evaluation.sheet.submit", "evaluation.scoring.close",
                   "evaluation.result.finalise", "certificates.decision.create",
                   "certificates.issue", "dossier.recognised"):
        assert AuditEntry.objects.filter(action=action).exists(), action


def test_double_submit_is_refused(ev):
    chair = ev.members["chair"].user
    ev.score("chair", answers_for(ev.dossier, 60))
    with pytest.raises(StateError):
        services.submit_sheet(actor=chair, dossier=ev.dossier)
    with pytest.raises(StateError):
        services.save_draft(actor=chair, dossier=ev.dossier, answers={})
    assert AuditEntry.objects.filter(action="evaluation.sheet.submit").count() == 1
    # The database itself refuses a second sheet for the same member and revision.
    with pytest.raises(IntegrityError), transaction.atomic():
        ScoreSheet.objects.create(member=ev.members["chair"], dossier=ev.dossier, revision=1,
                                  criteria_set=ev.dossier.criteria_set)


def test_incomplete_sheet_cannot_be_submitted(ev):
    answers = answers_for(ev.dossier, 60)
    first = next(iter(answers))
    ev.score("second", {first: answers[first]}, submit=False)
    with pytest.raises(ValidationError):
        services.submit_sheet(actor=ev.members["second"].user, dossier=ev.dossier)
    with pytest.raises(ValidationError):
        services.save_draft(actor=ev.members["second"].user, dossier=ev.dossier,
                            answers={first: "no-such-option"})


def test_closed_round_refuses_scoring(ev):
    Round.objects.filter(pk=ev.cycle.district_round.pk).update(status=Round.Status.CLOSED)
    with pytest.raises(StateError):
        ev.score("chair", answers_for(ev.dossier, 60))
    client = login_client(ev.members["second"].user)
    response = client.put(f"/api/v1/score-sheets/{ev.dossier.pk}",
                          data={"answers": {}}, content_type="application/json")
    assert response.status_code == 409


def test_spread_beyond_limit_opens_a_rescore_and_keeps_history(ev):
    _score_all(ev, {"chair": 55, "second": 75, "third": 60})
    chair = ev.members["chair"].user
    first = services.close_scoring(actor=chair, council=ev.council, dossier=ev.dossier)
    assert first.rescore_required and first.spread > 10
    with pytest.raises(StateError):
        services.finalise(actor=chair, council=ev.council, dossier=ev.dossier,
                          today=SCORED_ON)
    with pytest.raises(StateError):  # revision closed: no more scoring in it
        services.save_draft(actor=ev.members["second"].user, dossier=ev.dossier, answers={})
    assignment = services.start_rescore(actor=chair, council=ev.council, dossier=ev.dossier)
    assert assignment.revision == 2
    # Each member's new draft starts from their own previous answers.
    second_v2 = ScoreSheet.objects.get(member=ev.members["second"], revision=2)
    assert second_v2.state == "draft"
    assert total_of(ev.dossier, second_v2.answers) >= 75
    _score_all(ev, {"chair": 60, "second": 63, "third": 61})
    second = services.close_scoring(actor=chair, council=ev.council, dossier=ev.dossier)
    assert not second.rescore_required
    services.finalise(actor=chair, council=ev.council, dossier=ev.dossier,
                      today=SCORED_ON)
    history = list(CouncilResult.objects.filter(dossier=ev.dossier).order_by("revision")
                   .values_list("revision", "rescore_required", "final"))
    assert history == [(1, True, False), (2, False, True)]
    assert ScoreSheet.objects.filter(dossier=ev.dossier, revision=1).count() == 3
    assert AuditEntry.objects.filter(action="evaluation.rescore").count() == 1


def test_quorum_is_required(ev):
    # 3 scoring members (the advisor does not score): 75 % → all 3 needed, with the chair.
    _score_all(ev, {"chair": 60, "second": 61})
    chair = ev.members["chair"].user
    result = services.close_scoring(actor=chair, council=ev.council, dossier=ev.dossier)
    assert result.data["size"] == 3 and result.data["required_quorum"] == 3
    assert not result.quorum_met
    with pytest.raises(StateError):
        services.finalise(actor=chair, council=ev.council, dossier=ev.dossier,
                          today=SCORED_ON)
    services.start_rescore(actor=chair, council=ev.council, dossier=ev.dossier)
    _score_all(ev, {"chair": 60, "second": 61, "third": 62})
    result = services.close_scoring(actor=chair, council=ev.council, dossier=ev.dossier)
    assert result.quorum_met and result.revision == 2
    services.finalise(actor=chair, council=ev.council, dossier=ev.dossier,
                      today=SCORED_ON)


def test_escalation_and_proposal_zip(ev):
    _score_all(ev, {"chair": 75, "second": 76, "third": 74})
    chair = ev.members["chair"].user
    services.close_scoring(actor=chair, council=ev.council, dossier=ev.dossier)
    final = services.finalise(actor=chair, council=ev.council, dossier=ev.dossier,
                              today=SCORED_ON)
    assert final.stars >= 4
    target = rules.escalation_target(ev.refresh(), final)
    assert target is not None and target.code == "province"
    # A product that could go up may still be recognised 3★ by the district.
    assert rules.awardable_stars(ev.dossier, final) == 3
    services.propose_up(actor=ev.users["province_office"], dossier=ev.dossier)
    assert ev.refresh().state == DossierState.PROPOSED_UP
    archive = zipfile.ZipFile(io.BytesIO(proposal_zip(final)))
    names = archive.namelist()
    assert any(n.endswith(".pdf") and "bien-ban" in n for n in names)
    assert sum("tai-lieu/" in n for n in names) == ev.dossier.documents.count()
    assert minutes_pdf(final).startswith(b"%PDF-")


def test_upper_level_result_recorded_back(ev):
    _score_all(ev, {"chair": 75, "second": 76, "third": 74})
    chair = ev.members["chair"].user
    services.close_scoring(actor=chair, council=ev.council, dossier=ev.dossier)
    services.finalise(actor=chair, council=ev.council, dossier=ev.dossier,
                      today=SCORED_ON)
    services.propose_up(actor=None, dossier=ev.dossier)
    from ocop.dossiers import services as dossier_services

    dossier_services.accept(actor=None, dossier=ev.refresh(),
                            round=ev.cycle.province_round_2024)
    row = services.record_upper_result(actor=None, dossier=ev.refresh(), mean=78, stars=4,
                                       note="Hội đồng tỉnh họp ngày 05/07/2024",
                                       today=date(2024, 7, 5))
    assert row.final and row.council is None and row.level == "province"
    assert ev.refresh().state == DossierState.SCORED
    decision = services.recognise(
        actor=None, round=ev.cycle.province_round_2024, dossier_ids=[ev.dossier.pk],
        number="900/QĐ-UBND", decision_date=date(2024, 12, 1), signer_name="Lê Tỉnh",
        signer_title="Phó Chủ tịch", today=date(2024, 12, 1),
    )
    assert decision.certificates.get().stars == 4


def test_re_recognition_opens_a_prefilled_dossier(ev):
    _score_all(ev, {"chair": 62, "second": 60, "third": 64})
    chair = ev.members["chair"].user
    services.close_scoring(actor=chair, council=ev.council, dossier=ev.dossier)
    services.finalise(actor=chair, council=ev.council, dossier=ev.dossier,
                      today=SCORED_ON)
    decision = services.recognise(
        actor=None, round=ev.cycle.district_round, dossier_ids=[ev.dossier.pk],
        number="321/QĐ-UBND", decision_date=date(2024, 12, 10), signer_name="Trần Văn Ký",
        signer_title="Chủ tịch", today=date(2024, 12, 10),
    )
    certificate = decision.certificates.get()
    client = login_client(ev.users["producer"])
    response = client.post(f"/giay-chung-nhan/{certificate.number}/danh-gia-lai/",
                           {"upgrade": "0"})
    assert response.status_code == 302
    follow_up = ev.dossier.__class__.objects.exclude(pk=ev.dossier.pk).get(
        product=ev.dossier.product)
    assert follow_up.kind == "re_recognition" and follow_up.previous_id == ev.dossier.pk
    assert follow_up.state == DossierState.DRAFT
    assert follow_up.documents.count() == ev.dossier.documents.count()
    assert follow_up.self_assessment == ev.refresh().self_assessment
    # Someone else's certificate: not even visible.
    other = login_client(ev.users["other_producer"])
    assert other.post(f"/giay-chung-nhan/{certificate.number}/danh-gia-lai/").status_code == 404
