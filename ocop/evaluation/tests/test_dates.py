"""Dates follow the workflow: submission ≤ council result ≤ decision ≤ certificate issue
(refused out of order, equal dates allowed); the round's deadlines warn and audit; issuing a
decision goes through a confirmation step."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ocop.accounts.testing import login_client
from ocop.audit.models import AuditEntry
from ocop.certificates import services as certificates
from ocop.certificates.models import Certificate
from ocop.evaluation import rules, services
from ocop.evaluation.tests.conftest import answers_for

pytestmark = pytest.mark.django_db
SUBMITTED = date(2024, 4, 1)  # D2024 of the dossiers' test cycle
DEADLINE = date(2024, 6, 15)  # the district round's evaluation deadline
RECOGNITION_DEADLINE = date(2024, 12, 15)


def _closed(ev):
    for name, target in {"chair": 62, "second": 60, "third": 64}.items():
        ev.score(name, answers_for(ev.dossier, target))
    services.close_scoring(actor=ev.members["chair"].user, council=ev.council,
                           dossier=ev.dossier)


def _finalise(ev, day: date):
    _closed(ev)
    return services.finalise(actor=ev.members["chair"].user, council=ev.council,
                             dossier=ev.dossier, today=day)


def _recognise(ev, day: date, number: str = "321/QĐ-UBND"):
    return services.recognise(
        actor=ev.users["province_office"], round=ev.cycle.district_round,
        dossier_ids=[ev.dossier.pk], number=number, decision_date=day,
        signer_name="Trần Văn Ký", signer_title="Chủ tịch", today=day)


def test_council_result_not_before_submission(ev):
    _closed(ev)
    with pytest.raises(ValidationError) as exc:
        services.finalise(actor=ev.members["chair"].user, council=ev.council,
                          dossier=ev.dossier, today=date(2024, 3, 31))
    assert exc.value.messages == [
        "Ngày hội đồng chốt kết quả (31/03/2024) không được trước ngày nộp hồ sơ (01/04/2024)."]
    # The same day is allowed.
    services.finalise(actor=ev.members["chair"].user, council=ev.council, dossier=ev.dossier,
                      today=SUBMITTED)


def test_late_council_result_is_recorded_with_a_warning_and_audited(ev):
    result = _finalise(ev, date(2024, 6, 20))
    assert result.final
    assert rules.late_evaluation_message(result, ev.cycle.district_round) == (
        "Kết quả được chốt ngày 20/06/2024, sau hạn đánh giá của đợt (15/06/2024): đã ghi nhận "
        "và lưu vào nhật ký.")
    entry = AuditEntry.objects.get(action="evaluation.result.late")
    assert entry.changes["evaluation_deadline"] == "2024-06-15"


def test_council_result_on_the_deadline_is_not_late(ev):
    result = _finalise(ev, DEADLINE)
    assert rules.late_evaluation_message(result, ev.cycle.district_round) is None
    assert not AuditEntry.objects.filter(action="evaluation.result.late").exists()


def test_decision_not_before_the_council_result(ev):
    _finalise(ev, date(2024, 6, 10))
    with pytest.raises(ValidationError) as exc:
        _recognise(ev, date(2024, 6, 9))
    assert exc.value.messages == [
        f"Ngày quyết định (09/06/2024) không được trước ngày hội đồng chốt kết quả hồ sơ "
        f"{ev.dossier.reference} (10/06/2024)."]
    assert not Certificate.objects.exists()
    decision = _recognise(ev, date(2024, 6, 10))  # the same day is allowed
    assert decision.certificates.get().issued_on == date(2024, 6, 10)


def test_decision_not_before_submission(ev):
    _finalise(ev, SUBMITTED)
    with pytest.raises(ValidationError) as exc:
        _recognise(ev, date(2024, 3, 30))
    assert exc.value.messages == [
        f"Ngày quyết định (30/03/2024) không được trước ngày nộp hồ sơ {ev.dossier.reference} "
        f"(01/04/2024)."]


def test_late_decision_is_issued_with_a_warning_and_audited(ev):
    _finalise(ev, DEADLINE)
    plan = services.plan_recognition(
        round=ev.cycle.district_round, dossier_ids=[ev.dossier.pk],
        decision_date=date(2024, 12, 20), number="1/QĐ-UBND", signer_name="A",
        signer_title="B")
    assert plan.warnings == [
        "Ngày quyết định (20/12/2024) sau hạn công nhận của đợt (15/12/2024): quyết định vẫn "
        "được ban hành và việc trễ hạn được lưu vào nhật ký."]
    decision = _recognise(ev, date(2024, 12, 20))
    assert decision.certificates.count() == 1
    assert AuditEntry.objects.filter(action="evaluation.recognition.late").count() == 1
    # On the deadline itself: no warning.
    assert rules.late_recognition_message(ev.cycle.district_round,
                                             RECOGNITION_DEADLINE) is None


def test_certificate_not_issued_before_the_decision(ev):
    _finalise(ev, DEADLINE)
    decision = certificates.create_decision(
        actor=None, number="5/QĐ-UBND", date=date(2024, 12, 10), signer_name="A",
        signer_title="B", level="district", issuing_unit=ev.cycle.district_round.issuing_unit)
    with pytest.raises(ValidationError) as exc:
        certificates.issue_certificate(actor=None, decision=decision, product=ev.dossier.product,
                                       stars=3, total_score=60, issued_on=date(2024, 12, 9))
    assert exc.value.messages == [
        "Ngày cấp giấy chứng nhận (09/12/2024) không được trước ngày quyết định (10/12/2024)."]
    certificate = certificates.issue_certificate(
        actor=None, decision=decision, product=ev.dossier.product, stars=3, total_score=60,
        issued_on=date(2024, 12, 10))
    assert certificate.issued_on == decision.date


def _post(client, ev, *, confirm=False, **extra):
    """The recognition form: the preview step, or (``confirm``) the confirmed issue."""
    data = {"dossier": [ev.dossier.pk], "number": "77/QĐ-UBND", "date": "2024-12-10",
            "signer_name": "Trần Văn Ký", "signer_title": "Chủ tịch", **extra}
    step = "evaluation:recognise" if confirm else "evaluation:recognition_preview"
    return client.post(reverse(step, args=[ev.cycle.district_round.pk]), data, follow=True)


def test_issuing_asks_for_confirmation_first(ev):
    _finalise(ev, DEADLINE)
    client = login_client(ev.users["province_office"])
    page = _post(client, ev)
    html = page.content.decode()
    assert "Xác nhận ban hành quyết định" in html
    assert ev.dossier.product.name in html and ev.dossier.producer.name in html
    assert "3 sao" in html and "10/12/2024 – 10/12/2027" in html  # 36 months
    # The confirmation form posts to the issuing step, which nothing else reaches.
    issue_url = reverse("evaluation:recognise", args=[ev.cycle.district_round.pk])
    assert f'action="{issue_url}"' in html
    assert not Certificate.objects.exists()  # nothing issued before the confirmation

    page = _post(client, ev, confirm=True)
    assert page.redirect_chain[-1][0].startswith("/quyet-dinh-cong-nhan/")
    assert Certificate.objects.filter(source_dossier=ev.dossier).count() == 1


def test_out_of_order_date_message_on_the_page(ev):
    _finalise(ev, DEADLINE)
    client = login_client(ev.users["province_office"])
    html = _post(client, ev, date="2024-06-01", confirm=True).content.decode()
    assert (f"Ngày quyết định (01/06/2024) không được trước ngày hội đồng chốt kết quả hồ sơ "
            f"{ev.dossier.reference} (15/06/2024).") in html
    assert not Certificate.objects.exists()


def test_signer_name_with_markup_refused_on_the_decision_form(ev):
    _finalise(ev, DEADLINE)
    client = login_client(ev.users["province_office"])
    html = _post(client, ev, signer_name="<b>Ký</b>").content.decode()
    assert "Người ký chỉ được ghi chữ thường" in html
    assert "Xác nhận ban hành quyết định" not in html  # refused before the confirmation step
    html = _post(client, ev, signer_title='=HYPERLINK("http://x","y")',
                 confirm=True).content.decode()
    assert "Chức vụ người ký chỉ được ghi chữ thường" in html
    assert not Certificate.objects.exists()


@pytest.mark.parametrize(("value", "message"), [
    ("", "Nhập ngày ký quyết định."),
    ("10/12/2024x", "Ngày ký quyết định “10/12/2024x” không phải là một ngày."),
])
def test_a_missing_or_broken_decision_date_is_named(ev, value, message):
    """The date field is required in the browser, but a form sent without it (a script, an old
    browser) gets a sentence about the date, not Python's parse error."""
    _finalise(ev, DEADLINE)
    client = login_client(ev.users["province_office"])
    for confirm in (False, True):
        html = _post(client, ev, date=value, confirm=confirm).content.decode()
        assert message in html and "isoformat" not in html
    assert not Certificate.objects.exists()
