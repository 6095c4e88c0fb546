"""The services: what they write, and that a refusal writes nothing."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ocop.audit.models import AuditEntry
from ocop.certificates.models import Certificate
from ocop.core.refusals import Conflict, Forbidden, Invalid
from ocop.inspections import services
from ocop.inspections.models import (
    Complaint,
    ComplaintState,
    Finding,
    FindingResult,
    InspectionPlan,
    ProposalState,
    RevocationProposal,
    Visit,
    VisitPhoto,
)
from ocop.inspections.tests.conftest import FAILING, TODAY, all_pass, png_bytes
from ocop.notifications.models import Notification
from ocop.trace import stamps

pytestmark = pytest.mark.django_db


def _nothing_written() -> None:
    assert not Visit.objects.exists()
    assert not Finding.objects.exists()
    assert not AuditEntry.objects.filter(action="inspections.visit.record").exists()


def test_a_visit_is_recorded_with_every_finding_and_audited(iw):
    visit = iw.visit(failing=True)
    assert visit.certificate == iw.certificate
    results = dict(visit.findings.values_list("item", "result"))
    assert results["label"] == FindingResult.FAIL
    assert set(results) == {"label", "quality", "certificate", "traceability", "food_safety"}
    assert not visit.concluded
    entry = AuditEntry.objects.get(action="inspections.visit.record", object_id=str(visit.pk))
    assert entry.changes["findings"]["label"] == "fail"
    assert entry.changes["certificate"] == iw.certificate.number


def test_a_product_outside_the_inspectors_jurisdiction_is_refused(iw):
    with pytest.raises(Forbidden) as caught:
        services.record_visit(actor=iw.users["inspector"], plan=iw.plan,
                              product=iw.cw.products["hanoi"], visited_on=TODAY,
                              place="Hà Nội", findings=all_pass(), today=TODAY)
    assert caught.value.code == "inspections.product_outside_jurisdiction"
    assert "nằm ngoài địa bàn" in caught.value.message
    _nothing_written()


def test_a_commune_inspector_is_refused_a_product_of_another_commune(iw):
    # Assigned to the plan, but bound to Phường Bắc Giang; the product lies in Xã Lục Ngạn.
    with pytest.raises(Forbidden) as caught:
        iw.visit(actor=iw.users["commune_inspector"])
    assert caught.value.code == "inspections.product_outside_jurisdiction"
    _nothing_written()


def test_an_uncertified_product_is_refused(iw):
    with pytest.raises(Conflict) as caught:
        services.record_visit(actor=iw.users["inspector"], plan=iw.plan,
                              product=iw.cw.products["legacy"], visited_on=TODAY,
                              place="Đồng Cốc", findings=all_pass(), today=TODAY)
    assert caught.value.code == "inspections.product_not_certified"
    assert "không có giấy chứng nhận OCOP còn hiệu lực" in caught.value.message
    _nothing_written()


def test_a_revoked_certificate_no_longer_makes_a_product_inspectable(iw):
    from ocop.certificates import services as certificates
    certificates.revoke_certificate(actor=None, certificate=iw.certificate, reason="Thử",
                                    decision_number="1/QĐ", revoked_on=date(2026, 1, 5),
                                    today=TODAY)
    with pytest.raises(Conflict):
        iw.visit()
    _nothing_written()


def test_an_inspector_not_assigned_to_the_plan_is_refused(iw):
    with pytest.raises(Forbidden) as caught:
        iw.visit(actor=iw.users["other_inspector"])
    assert caught.value.code == "inspections.not_assigned"
    _nothing_written()


def test_bad_findings_and_dates_are_refused_field_by_field(iw):
    findings = all_pass(quality=(FindingResult.FAIL, ""))
    del findings["food_safety"]
    with pytest.raises(Invalid) as caught:
        services.record_visit(actor=iw.users["inspector"], plan=iw.plan, product=iw.product,
                              visited_on=date(2027, 1, 2), place="<b>x</b>", findings=findings,
                              follow_up_by=date(2020, 1, 1), today=date(2027, 2, 1))
    fields = caught.value.fields
    assert set(fields) >= {"visited_on", "place", "note_quality", "finding_food_safety",
                           "follow_up_by"}
    assert "thời gian của kế hoạch" in fields["visited_on"]
    _nothing_written()


def test_a_visit_in_the_future_is_refused(iw):
    with pytest.raises(Invalid) as caught:
        services.record_visit(actor=iw.users["inspector"], plan=iw.plan, product=iw.product,
                              visited_on=date(2026, 6, 20), place="Lục Ngạn",
                              findings=all_pass(), today=TODAY)
    assert "sau hôm nay" in caught.value.fields["visited_on"]
    _nothing_written()


def test_conclusion_photos_and_samples(iw):
    visit = iw.visit()
    with pytest.raises(Invalid):
        services.conclude_visit(actor=iw.users["inspector"], visit=visit, conclusion=" ")
    visit = services.conclude_visit(actor=iw.users["inspector"], visit=visit,
                                    conclusion="Đạt yêu cầu.", follow_up_by=date(2026, 9, 1),
                                    sanctions="Nhắc nhở.")
    assert visit.concluded and visit.follow_up_by == date(2026, 9, 1)
    with pytest.raises(Conflict):
        services.conclude_visit(actor=iw.users["inspector"], visit=visit, conclusion="Lại.")

    fake = SimpleUploadedFile("anh.jpg", b"<html><script>alert(1)</script></html>")
    with pytest.raises(Invalid) as caught:
        services.add_photo(actor=iw.users["inspector"], visit=visit, file=fake)
    assert "trang HTML" in caught.value.fields["photo"]
    assert not VisitPhoto.objects.exists()
    photo = services.add_photo(actor=iw.users["inspector"], visit=visit,
                               file=SimpleUploadedFile("nhan.jpg", png_bytes()),
                               caption="Nhãn sản phẩm")
    assert photo.file.name.startswith("inspections/") and photo.file.name.endswith(".png")
    assert photo.original_name == "nhan.jpg"

    with pytest.raises(Invalid) as caught:
        services.add_sample(actor=iw.users["inspector"], visit=visit, description="", lab="")
    assert set(caught.value.fields) == {"description", "lab"}
    sample = services.add_sample(actor=iw.users["inspector"], visit=visit,
                                 description="02 hộp vải sấy 500 g", lab="Quatest 1")
    assert sample.result == ""
    with pytest.raises(Forbidden):
        services.add_sample(actor=iw.users["other_inspector"], visit=visit,
                            description="x", lab="y")


def test_only_a_failing_visit_proposes_a_revocation_once(iw):
    passing = iw.visit()
    with pytest.raises(Conflict) as caught:
        services.propose_revocation(actor=iw.users["inspector"], visit=passing, reason="X",
                                    today=TODAY)
    assert caught.value.code == "inspections.nothing_failed"
    failing = iw.visit(failing=True)
    with pytest.raises(Invalid):
        services.propose_revocation(actor=iw.users["inspector"], visit=failing, reason=" ",
                                    today=TODAY)
    assert not RevocationProposal.objects.exists()
    proposal = services.propose_revocation(actor=iw.users["inspector"], visit=failing,
                                           reason="Vi phạm sử dụng nhãn OCOP.", today=TODAY)
    assert proposal.state == ProposalState.PROPOSED
    assert Notification.objects.filter(recipient=iw.users["province_office"]).exists()
    with pytest.raises(Conflict) as caught:
        services.propose_revocation(actor=iw.users["inspector"], visit=failing, reason="Lại",
                                    today=TODAY)
    assert caught.value.code == "inspections.proposal_open"


def test_the_office_completes_a_revocation_through_the_certificate_service(iw):
    visit = iw.visit(failing=True)
    proposal = services.propose_revocation(actor=iw.users["inspector"], visit=visit,
                                           reason="Vi phạm sử dụng nhãn OCOP.", today=TODAY)
    with pytest.raises(Forbidden):
        services.complete_revocation(actor=iw.users["inspector"], proposal=proposal,
                                     decision_number="12/QĐ-UBND", today=TODAY)
    with pytest.raises(Forbidden):
        services.complete_revocation(actor=iw.users["other_province_office"], proposal=proposal,
                                     decision_number="12/QĐ-UBND", today=TODAY)
    # The certificates app refuses (no decision number): nothing half-saved on either side.
    with pytest.raises(Invalid) as caught:
        services.complete_revocation(actor=iw.users["province_office"], proposal=proposal,
                                     decision_number=" ", today=TODAY)
    assert "decision_number" in caught.value.fields
    proposal.refresh_from_db()
    iw.certificate.refresh_from_db()
    assert proposal.state == ProposalState.PROPOSED and iw.certificate.revoked_on is None

    services.complete_revocation(actor=iw.users["province_office"], proposal=proposal,
                                 decision_number="12/QĐ-UBND", today=TODAY)
    certificate = Certificate.objects.get(pk=iw.certificate.pk)
    assert certificate.revoked_on == TODAY
    assert certificate.revocation_decision_number == "12/QĐ-UBND"
    assert certificate.revocation_reason == (
        f"Vi phạm sử dụng nhãn OCOP. (Biên bản kiểm tra {visit.reference} ngày 15/06/2026)")
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.COMPLETED
    assert proposal.decided_by == iw.users["province_office"]
    # The certificates app wrote its own audit entry; ours follows it in the same transaction.
    revoke = AuditEntry.objects.get(action="certificates.revoke", object_id=str(certificate.pk))
    complete = AuditEntry.objects.get(action="inspections.revocation.complete",
                                      object_id=str(proposal.pk))
    assert revoke.pk < complete.pk and visit.reference in revoke.changes["reason"]
    iw.product.refresh_from_db()
    assert iw.product.stars is None
    with pytest.raises(Conflict):
        services.complete_revocation(actor=iw.users["province_office"], proposal=proposal,
                                     decision_number="13/QĐ-UBND", today=TODAY)


def test_a_declined_proposal_leaves_the_certificate(iw):
    proposal = services.propose_revocation(actor=iw.users["inspector"],
                                           visit=iw.visit(failing=True), reason="Nhãn sai.",
                                           today=TODAY)
    with pytest.raises(Invalid):
        services.decline_revocation(actor=iw.users["province_office"], proposal=proposal,
                                    note="")
    services.decline_revocation(actor=iw.users["province_office"], proposal=proposal,
                                note="Chủ thể đã khắc phục ngay.")
    proposal.refresh_from_db()
    iw.certificate.refresh_from_db()
    assert proposal.state == ProposalState.DECLINED and iw.certificate.revoked_on is None


def test_plan_rules(iw):
    office, bac_ninh = iw.users["province_office"], iw.cw.units.bac_ninh
    with pytest.raises(Invalid) as caught:
        services.create_plan(actor=office, province=bac_ninh, kind="annual", title=" ",
                             starts_on=date(2026, 5, 1), ends_on=date(2026, 4, 1),
                             inspectors=[iw.users["hanoi_inspector"]])
    assert set(caught.value.fields) == {"title", "ends_on", "inspectors"}
    assert "không thuộc" in caught.value.fields["inspectors"]
    with pytest.raises(Invalid) as caught:
        services.create_plan(actor=office, province=bac_ninh, kind="complaint", title="Theo PA",
                             starts_on=date(2026, 5, 1), ends_on=date(2026, 6, 1),
                             inspectors=[iw.users["producer"]])
    assert set(caught.value.fields) == {"kind", "inspectors"}
    with pytest.raises(Forbidden):
        services.create_plan(actor=iw.users["other_province_office"], province=bac_ninh,
                             kind="annual", title="X", starts_on=date(2026, 5, 1),
                             ends_on=date(2026, 6, 1), inspectors=[iw.users["inspector"]])
    with pytest.raises(Forbidden):
        services.create_plan(actor=iw.users["inspector"], province=bac_ninh, kind="annual",
                             title="X", starts_on=date(2026, 5, 1), ends_on=date(2026, 6, 1),
                             inspectors=[iw.users["inspector"]])
    assert InspectionPlan.objects.count() == 1


def test_complaints_are_routed_to_the_products_province(iw):
    by_number = services.submit_complaint(text="Sản phẩm bán ở chợ có nhãn OCOP lạ.",
                                          certificate_number=iw.certificate.number.lower())
    assert by_number.province == iw.cw.units.bac_ninh
    assert by_number.product == iw.product and by_number.certificate == iw.certificate
    hanoi = iw.cw.products["hanoi"]
    uri = stamps.stamp_uri(None, hanoi.pk, "L1", 5)
    by_stamp = services.submit_complaint(text="Tem quét ra sản phẩm khác.", stamp=uri,
                                         contact="0912 000 111")
    assert by_stamp.product == hanoi and by_stamp.province == iw.cw.units.ha_noi
    unknown = services.submit_complaint(text="Không có tem, không có số giấy.",
                                        stamp="/t/abc/L1/1")
    assert unknown.province is None and unknown.product is None
    entry = AuditEntry.objects.get(action="inspections.complaint.submit",
                                   object_id=str(by_stamp.pk))
    assert "0912" not in str(entry.changes)  # no personal data in the audit log

    plan = services.create_plan(actor=iw.users["province_office"], province=iw.cw.units.bac_ninh,
                                kind="complaint", title="Kiểm tra theo phản ánh",
                                starts_on=TODAY, ends_on=date(2026, 7, 15),
                                inspectors=[iw.users["inspector"]], complaints=[by_number])
    by_number.refresh_from_db()
    assert by_number.plan == plan and by_number.state == ComplaintState.IN_PLAN
    with pytest.raises(Forbidden):  # Hà Nội's complaint is not Bắc Ninh's to handle
        services.create_plan(actor=iw.users["province_office"], province=iw.cw.units.bac_ninh,
                             kind="complaint", title="X", starts_on=TODAY,
                             ends_on=date(2026, 7, 15), inspectors=[iw.users["inspector"]],
                             complaints=[by_stamp])


def test_bad_complaints_write_nothing(iw):
    with pytest.raises(Invalid) as caught:
        services.submit_complaint(text="ngắn", contact="=HYPERLINK(\"x\")",
                                  photo=SimpleUploadedFile("a.png", b"MZ\x90\x00binary"))
    assert set(caught.value.fields) == {"text", "contact", "photo"}
    assert not Complaint.objects.exists()
    assert not AuditEntry.objects.filter(action="inspections.complaint.submit").exists()


def test_failing_findings_are_kept_with_their_notes(iw):
    visit = iw.visit(failing=True)
    finding = visit.findings.get(item="label")
    assert finding.note == FAILING["label"][1]
    assert finding.label == "Nhãn sản phẩm và việc sử dụng nhãn, tem OCOP"
