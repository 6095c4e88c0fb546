"""Frozen versions, readable diffs, and autosave that never loses what was typed."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from ocop.audit.models import AuditEntry
from ocop.criteria import selectors as criteria_selectors
from ocop.dossiers import checklist, selectors, services
from ocop.dossiers.testing import D2024, Cycle, pdf, submitted

pytestmark = pytest.mark.django_db


def test_submit_freezes_a_version_that_later_edits_do_not_change(cycle: Cycle) -> None:
    dossier = submitted(cycle)
    v1 = dossier.versions.get()
    frozen = dict(v1.snapshot)
    assert v1.number == 1
    assert frozen["form"]["contact_name"] == "Nguyễn Văn A"
    assert len(frozen["documents"]) == dossier.documents.count() > 0
    assert frozen["self_assessment"] == dossier.self_assessment
    services.request_corrections(actor=None, dossier=dossier,
                                 items=[{"code": "A1", "comment": "Chưa rõ"}])
    dossier.refresh_from_db()
    services.autosave(actor=None, dossier=dossier, form={"contact_name": "Trần Thị B"})
    v1.refresh_from_db()
    assert v1.snapshot == frozen


def test_diff_between_versions(cycle: Cycle) -> None:
    producer = cycle.users["producer"]
    dossier = submitted(cycle)
    services.request_corrections(actor=None, dossier=dossier,
                                 items=[{"code": "trademark", "comment": "Thêm nhãn hiệu"}])
    dossier.refresh_from_db()
    removed = dossier.documents.get(checklist_item="business_plan")
    services.remove_document(actor=producer, document=removed)
    services.attach_document(actor=producer, dossier=dossier, checklist_item="business_plan",
                             file=pdf("ke-hoach-moi.pdf", b"v2"))
    services.attach_document(actor=producer, dossier=dossier, checklist_item="trademark",
                             file=pdf("nhan-hieu.pdf", b"tm"))
    services.autosave(actor=producer, dossier=dossier, form={"main_market": "Hà Nội, TP HCM"},
                      self_assessment={"A1": "a"})
    services.resubmit(actor=producer, dossier=dossier, today=D2024)
    v1, v2 = dossier.versions.order_by("number")
    diff = selectors.version_diff(v1, v2)
    assert ("Thị trường tiêu thụ chính", None, "Hà Nội, TP HCM") in diff.fields
    # Answers in words: the criterion's label and the options' texts, not their codes.
    a1 = criteria_selectors.engine_set(dossier.criteria_set).criterion("A1")
    old_a1 = a1.option(v1.snapshot["self_assessment"]["A1"])
    assert (f"A1 {a1.label_vi}", old_a1.label_vi, a1.option("a").label_vi) in diff.answers
    assert {d["label"] for d in diff.documents_added} == {
        checklist.item("business_plan").label_vi, checklist.item("trademark").label_vi}
    assert {d["name"] for d in diff.documents_added} == {"ke-hoach-moi.pdf", "nhan-hieu.pdf"}
    assert [d["name"] for d in diff.documents_removed] == ["business_plan.pdf"]
    assert any(label == "Điểm tự đánh giá" for label, _, _ in diff.fields)
    assert selectors.version_diff(v1, v1).empty


def test_two_autosaves_of_different_fields_keep_both(cycle: Cycle) -> None:
    producer = cycle.users["producer"]
    dossier = services.open_dossier(actor=producer, product=cycle.products["own"], today=D2024)
    # Two tabs load the same draft and each saves one field.
    stale_a = type(dossier).objects.get(pk=dossier.pk)
    stale_b = type(dossier).objects.get(pk=dossier.pk)
    services.autosave(actor=producer, dossier=stale_a, form={"main_market": "Hà Nội"},
                      self_assessment={"A1": "b"})
    services.autosave(actor=producer, dossier=stale_b, form={"annual_output": "50 tấn"},
                      self_assessment={"A2": "a"})
    dossier.refresh_from_db()
    assert dossier.form["main_market"] == "Hà Nội"
    assert dossier.form["annual_output"] == "50 tấn"
    assert dossier.form["product_name"] == cycle.products["own"].name  # prefilled, kept
    assert dossier.self_assessment == {"A1": "b", "A2": "a"}
    assert dossier.self_score is not None


def test_autosave_is_idempotent_and_clears_answers(cycle: Cycle) -> None:
    dossier = services.open_dossier(actor=None, product=cycle.products["own"], today=D2024)
    services.autosave(actor=None, dossier=dossier, form={"notes": "x"}, self_assessment={"A1": "b"})
    count = AuditEntry.objects.filter(action="dossier.autosave").count()
    services.autosave(actor=None, dossier=dossier, form={"notes": "x"}, self_assessment={"A1": "b"})
    assert AuditEntry.objects.filter(action="dossier.autosave").count() == count
    services.autosave(actor=None, dossier=dossier, self_assessment={"A1": ""})
    dossier.refresh_from_db()
    assert "A1" not in dossier.self_assessment and dossier.form["notes"] == "x"


def test_autosave_rejects_bad_values_and_locked_states(cycle: Cycle) -> None:
    dossier = services.open_dossier(actor=None, product=cycle.products["own"], today=D2024)
    with pytest.raises(ValidationError) as exc:
        services.autosave(actor=None, dossier=dossier, form={"employees": "-3", "nope": "1"},
                          self_assessment={"A1": "zz", "Z9": "a"})
    assert set(exc.value.message_dict) == {"employees", "nope"}
    with pytest.raises(ValidationError) as exc:
        services.autosave(actor=None, dossier=dossier, self_assessment={"A1": "zz", "Z9": "a"})
    assert set(exc.value.message_dict) == {"A1", "Z9"}
    dossier = submitted(cycle, position="other_producer")
    with pytest.raises(services.StateError, match="không sửa được"):
        services.autosave(actor=None, dossier=dossier, form={"notes": "muộn"})
