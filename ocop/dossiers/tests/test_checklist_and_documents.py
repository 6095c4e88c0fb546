"""The checklist as data, mandatory items, reused evidence and uploads checked by content."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from ocop.dossiers import checklist, services
from ocop.dossiers.testing import D2024, Cycle, fake_pdf, open_ready, pdf
from ocop.registry.models import EvidenceDocument, ProductSet

pytestmark = pytest.mark.django_db


def test_shipped_checklist_is_valid_and_has_the_1048_mandatory_documents() -> None:
    items = {it.code: it for it in checklist.all_items()}
    mandatory = {code for code, it in items.items() if it.mandatory}
    assert mandatory == {"registration_form", "business_plan", "organisation_description",
                         "business_registration", "product_samples"}
    assert items["test_report"].criteria == ("C3", "C6")
    assert items["food_safety"].is_mandatory(4) and not items["food_safety"].is_mandatory(3)


def test_checklist_parser_names_the_problem() -> None:
    with pytest.raises(checklist.ChecklistError, match="duplicate code"):
        checklist.parse_checklist({"items": [{"code": "a", "label_vi": "A"},
                                             {"code": "a", "label_vi": "B"}]})
    with pytest.raises(checklist.ChecklistError, match="unknown doc_types"):
        checklist.parse_checklist({"items": [{"code": "a", "label_vi": "A",
                                              "doc_types": ["passport"]}]})
    with pytest.raises(checklist.ChecklistError, match="unknown fields"):
        checklist.parse_checklist({"items": [{"code": "a", "label_vi": "A", "mandatry": True}]})


def test_tourism_products_need_no_samples(cycle: Cycle) -> None:
    tourism = ProductSet.objects.create(code="1048-26", name_vi="Dịch vụ du lịch")
    product = cycle.products["own"]
    product.product_set = tourism
    codes = {it.code for it in checklist.items_for(product, 3)}
    assert "product_samples" not in codes and "food_safety" not in codes
    assert "export_evidence" not in codes  # listed from 4 stars only
    assert "export_evidence" in {it.code for it in checklist.items_for(product, 5)}


def test_missing_mandatory_document_blocks_submission(cycle: Cycle) -> None:
    dossier = open_ready(cycle)
    dossier.documents.filter(checklist_item="business_plan").delete()
    with pytest.raises(services.StateError, match="Thiếu tài liệu bắt buộc: “Phương án"):
        services.submit(actor=None, dossier=dossier, today=D2024)


def test_incomplete_self_assessment_blocks_submission(cycle: Cycle) -> None:
    dossier = open_ready(cycle)
    services.autosave(actor=None, dossier=dossier, self_assessment={"A1": "", "B2": ""})
    with pytest.raises(services.StateError, match="còn 2 tiêu chí chưa chọn"):
        services.submit(actor=None, dossier=dossier, today=D2024)


def test_fake_pdf_is_refused_and_real_pdf_stored_with_hash(cycle: Cycle) -> None:
    dossier = services.open_dossier(actor=None, product=cycle.products["own"], today=D2024)
    with pytest.raises(ValidationError, match="chương trình chạy được"):
        services.attach_document(actor=None, dossier=dossier, checklist_item="business_plan",
                                 file=fake_pdf())
    doc = services.attach_document(actor=None, dossier=dossier, checklist_item="business_plan",
                                   file=pdf("ke-hoach.pdf"))
    assert doc.content_kind == "pdf" and len(doc.sha256) == 64
    assert doc.criteria == ["A3", "B1", "B2"]
    assert doc.original_name == "ke-hoach.pdf"


def test_upload_over_the_size_limit_is_refused(cycle: Cycle, settings) -> None:
    settings.UPLOAD_MAX_BYTES = 100
    dossier = services.open_dossier(actor=None, product=cycle.products["own"], today=D2024)
    with pytest.raises(ValidationError, match="quá lớn"):
        services.attach_document(actor=None, dossier=dossier, checklist_item="business_plan",
                                 file=pdf(body=b"x" * 200))


def test_reused_evidence_expired_does_not_satisfy_a_mandatory_item(cycle: Cycle) -> None:
    dossier = open_ready(cycle)
    producer = cycle.producers["own"]
    dossier.documents.filter(checklist_item="business_registration").delete()
    expired = EvidenceDocument.objects.create(
        producer=producer, doc_type="business_reg", number="ĐKKD-01",
        issued_on=date(2019, 1, 1), expires_on=date(2024, 1, 1))
    services.attach_document(actor=None, dossier=dossier, checklist_item="business_registration",
                             evidence=expired)
    with pytest.raises(services.StateError, match="đã hết hạn"):
        services.submit(actor=None, dossier=dossier, today=D2024)
    other = EvidenceDocument.objects.create(producer=cycle.producers["other_producer"],
                                            doc_type="business_reg")
    with pytest.raises(ValidationError, match="không thuộc chủ thể"):
        services.attach_document(actor=None, dossier=dossier,
                                 checklist_item="business_registration", evidence=other)


def test_documents_only_change_while_editable(cycle: Cycle) -> None:
    dossier = open_ready(cycle)
    services.submit(actor=None, dossier=dossier, today=D2024)
    with pytest.raises(services.StateError, match="không sửa được"):
        services.attach_document(actor=None, dossier=dossier, checklist_item="awards",
                                 file=pdf())
    with pytest.raises(services.StateError):
        services.remove_document(actor=None, document=dossier.documents.first())


def test_system_check_reports_a_broken_checklist(tmp_path, monkeypatch) -> None:
    assert checklist.check_checklist() == []
    broken = tmp_path / "checklist.yaml"
    broken.write_text("items:\n  - {code: a}\n", encoding="utf-8")
    monkeypatch.setattr(checklist, "CHECKLIST_PATH", broken)
    errors = checklist.check_checklist()
    assert [e.id for e in errors] == ["dossiers.E001"] and "label_vi" in errors[0].msg
