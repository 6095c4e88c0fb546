"""Criteria sets managed in the browser (issue 10): staging, validation of bad uploads,
activation, locked versions, the acceptance gate on recognition, and a product's previous
answers against a newer sheet."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ocop.accounts.models import Role
from ocop.accounts.testing import login_client, make_user
from ocop.audit.models import AuditEntry
from ocop.certificates.models import Certificate, RecognitionDecision
from ocop.core.refusals import Invalid
from ocop.criteria import diff, publishing, selectors, services
from ocop.criteria.engine import list_shipped_sets
from ocop.criteria.models import CriteriaSetVersion, SheetAcceptance
from ocop.criteria.tests import workbooks as wb
from ocop.dossiers.tests.conftest import cycle
from ocop.evaluation import services as evaluation
from ocop.evaluation.tests.conftest import answers_for, ev

__all__ = ["cycle", "ev"]

CODE = "148-rau-cu-qua-hat-tuoi-minh-hoa"
State = CriteriaSetVersion.State


def _template(cycle) -> bytes:
    return publishing.template_bytes(cycle.product_set)


def _current(cycle) -> CriteriaSetVersion:
    return selectors.get_version(CODE)


def _stage(cycle, *edits, actor=None) -> CriteriaSetVersion:
    return publishing.stage(actor=actor or cycle.users["central"],
                            file=wb.upload(wb.edited(_template(cycle), *edits)))


def test_template_is_the_current_sheet_with_the_next_version(cycle):
    sheet = services.parse_upload("mau.xlsx", _template(cycle))
    current = selectors.engine_set(_current(cycle))
    assert sheet.version == current.version + 1 == 2
    assert [(p.code, p.max_points) for p in sheet.parts] == [("A", 40), ("B", 25), ("C", 35)]
    assert [c.code for c in sheet.criteria] == [c.code for c in current.criteria]
    assert sheet.mandatory == current.mandatory
    assert sheet.applies_to == current.applies_to  # the product sets it will apply to


def test_a_staged_version_is_not_used_until_activated(cycle):
    v1 = _current(cycle)
    row = _stage(cycle, wb.cheaper_a1_c)
    assert row.state == State.STAGED and row.version == 2
    today = timezone.localdate()
    # Nothing changes for dossiers, the public pages or the API.
    assert selectors.sheet_for(cycle.product_set, today) == v1
    assert selectors.get_version(CODE) == v1
    assert row not in selectors.versions()
    assert AuditEntry.objects.filter(action="criteria.stage", object_id=str(row.pk)).exists()
    # Uploading again (same version) replaces the staged upload, not a second row.
    again = _stage(cycle, wb.cheaper_a1_c, wb.cheaper_a1_c)
    assert again.pk == row.pk and CriteriaSetVersion.objects.filter(code=CODE).count() == 2

    changes = diff.diff_sets(v1.data, row.data)
    assert changes == [diff.Change(diff.CHANGED, diff.OPTION, "A1 / c",
                                   "Từ 75% đến 100% nguyên liệu từ địa phương", "points",
                                   diff.Decimal(4), diff.Decimal(3))]

    day = today - dt.timedelta(days=3)
    active = publishing.activate(actor=cycle.users["central"], version=row, effective_from=day)
    assert active.state == State.ACTIVE and active.effective_from == day
    assert active.data["legal_basis"]["effective_from"] == day.isoformat()
    assert active.sha256 == services.digest(active.data)
    assert selectors.sheet_for(cycle.product_set, today) == active
    assert selectors.sheet_for(cycle.product_set, day - dt.timedelta(days=1)) == v1
    v1.refresh_from_db()
    assert v1.effective_to == day - dt.timedelta(days=1)
    for action in ("criteria.activate", "criteria.supersede"):
        assert AuditEntry.objects.filter(action=action).exists(), action
    with pytest.raises(ValidationError, match="đã được kích hoạt"):
        publishing.activate(actor=cycle.users["central"], version=active, effective_from=today)


def test_a_province_proposes_but_cannot_activate(cycle):
    office = cycle.users["province_office"]
    row = _stage(cycle, wb.cheaper_a1_c, actor=office)
    with pytest.raises(PermissionDenied):
        publishing.activate(actor=office, version=row, effective_from=timezone.localdate())
    row.refresh_from_db()
    assert row.state == State.STAGED
    for role in ("producer", "commune_officer", "council_member"):
        with pytest.raises(PermissionDenied):
            _stage(cycle, wb.cheaper_a1_c, actor=cycle.users[role])


def test_activation_date_before_the_previous_version_is_refused_and_nothing_changes(cycle):
    v1 = _current(cycle)
    row = _stage(cycle, wb.cheaper_a1_c)
    with pytest.raises(ValidationError, match="phải sau ngày 24/02/2023"):
        publishing.activate(actor=cycle.users["central"], version=row,
                            effective_from=v1.effective_from)
    row.refresh_from_db()
    v1.refresh_from_db()
    assert row.state == State.STAGED and v1.effective_to is None


def test_a_locked_version_stays_locked(cycle):
    v1 = _current(cycle)
    services.lock_version(version=v1)
    sha = v1.sha256
    with pytest.raises(publishing.SheetRefused, match="đã dùng để chấm") as refused:
        _stage(cycle, wb.cheaper_a1_c, wb.version(1))
    assert refused.value.problems[0].field == "version"
    assert refused.value.code == "criteria.version_in_use"
    assert isinstance(refused.value, Invalid) and "Phiên bản 1 của bộ" in refused.value.message
    v1.refresh_from_db()
    assert v1.locked and v1.sha256 == sha and not selectors.staged_versions().exists()


@pytest.mark.parametrize(("edit", "place", "text"), [
    (wb.missing_part_c, "sheet 'groups', row 7, column A (part)", "unknown part 'C'"),
    (wb.part_a_overflows, "sheet 'parts', row 2", "add up to 41, more than the part maximum 40"),
    (wb.duplicate_criterion, "sheet 'criteria', row 58", "for criterion A1"),
    (wb.option_without_points, "sheet 'criteria', row 4, column M (points)",
     "required field is missing"),
    (wb.rule_unknown_criterion, "sheet 'mandatory', row 2, column C (criterion)",
     "unknown criterion 'Z99'"),
])
def test_bad_templates_are_refused_with_the_place_named(cycle, edit, place, text):
    with pytest.raises(publishing.SheetRefused) as refused:
        _stage(cycle, edit)
    problems = refused.value.problems
    assert refused.value.code == "criteria.sheet_invalid"
    assert any((p.location or "").startswith(place) and text in p.message for p in problems), \
        [str(p) for p in problems]
    assert CriteriaSetVersion.objects.filter(code=CODE).count() == 1
    assert not AuditEntry.objects.filter(action__startswith="criteria.stage").exists()


@pytest.mark.parametrize(("content", "text", "code"), [
    (b"%PDF-1.7 not a workbook", "nội dung thực tế là PDF", "criteria.file_refused"),
    (b"PK\x03\x04broken zip", "không được chấp nhận", "criteria.file_refused"),
    # decodes as text: read as YAML, refused
    (b"\x00\x01\x02binary", "not valid YAML", "criteria.sheet_invalid"),
])
def test_a_file_that_is_not_a_workbook_is_refused(cycle, content, text, code):
    with pytest.raises(publishing.SheetRefused, match=text) as refused:
        publishing.stage(actor=cycle.users["central"], file=wb.upload(content))
    assert refused.value.code == code
    assert not selectors.staged_versions().exists()


def test_a_yaml_file_is_staged_too(cycle):
    text = next(p for p in list_shipped_sets() if p.stem == CODE).read_text()
    row = publishing.stage(actor=cycle.users["central"],
                           file=wb.upload(text.replace("version: 1\n", "version: 2\n", 1).encode(),
                                          "phieu.yaml"))
    assert row.state == State.STAGED and row.version == 2


def test_an_unknown_product_set_is_refused(cycle):
    def elsewhere(book):
        book["meta"].append(["applies_to.product_set", "9999-99"])
    with pytest.raises(publishing.SheetRefused, match="9999-99") as refused:
        _stage(cycle, elsewhere)
    assert refused.value.code == "criteria.product_set_unknown"


def test_discarding_a_staged_upload(cycle):
    row = _stage(cycle, wb.cheaper_a1_c, actor=cycle.users["province_office"])
    with pytest.raises(PermissionDenied):  # another province's office cannot even see it
        publishing.discard(actor=cycle.users["other_province_office"], version=row)
    publishing.discard(actor=cycle.users["province_office"], version=row)
    assert not CriteriaSetVersion.objects.filter(pk=row.pk).exists()
    assert AuditEntry.objects.filter(action="criteria.discard").exists()


# --- Acceptance gate ---------------------------------------------------------------------------


# The council meets inside the 2024 district round, before the decision of 10/12/2024.
SCORED_ON = dt.date(2024, 6, 10)


def _scored(ev, targets=(62, 60, 64)):
    for name, target in zip(("chair", "second", "third"), targets, strict=True):
        ev.score(name, answers_for(ev.dossier, target))
    chair = ev.members["chair"].user
    evaluation.close_scoring(actor=chair, council=ev.council, dossier=ev.dossier)
    evaluation.finalise(actor=chair, council=ev.council, dossier=ev.dossier, today=SCORED_ON)


def _recognise(ev):
    return evaluation.recognise(
        actor=ev.users["province_office"], round=ev.cycle.district_round,
        dossier_ids=[ev.dossier.pk], number="321/QĐ-UBND", decision_date=dt.date(2024, 12, 10),
        signer_name="Trần Văn Ký", signer_title="Chủ tịch", today=dt.date(2024, 12, 10))


def test_no_certificate_from_a_sheet_the_province_has_not_accepted(ev):
    SheetAcceptance.objects.all().delete()  # the fixture accepted it; start without
    _scored(ev)
    with pytest.raises(ValidationError) as refused:
        _recognise(ev)
    message = refused.value.messages[0]
    assert ev.dossier.criteria_set.title_vi in message
    assert "Cơ quan thường trực OCOP tỉnh hoặc Văn phòng Điều phối Trung ương" in message
    assert f"/tieu-chi/chap-nhan/{ev.dossier.criteria_set_id}/" in message
    # Nothing half-done: no decision, no certificate.
    assert not RecognitionDecision.objects.exists() and not Certificate.objects.exists()
    # Another province's acceptance does not count; this province's does.
    version = ev.dossier.criteria_set
    publishing.accept(actor=ev.users["other_province_office"], version=version,
                      reason="Hà Nội dùng thử")
    with pytest.raises(ValidationError):
        _recognise(ev)
    publishing.accept(actor=ev.users["province_office"], version=version,
                      reason="Tỉnh thống nhất dùng phiếu minh họa cho đợt thử nghiệm")
    assert _recognise(ev).certificates.count() == 1
    entry = AuditEntry.objects.filter(action="criteria.accept").last()
    assert entry.actor_id == ev.users["province_office"].pk


def test_a_central_acceptance_covers_every_province(cycle):
    version = _current(cycle)
    dossier_like = type("D", (), {"criteria_set": version, "reference": "HS-1",
                                  "product": cycle.products["other_province"]})
    with pytest.raises(ValidationError):
        publishing.require_accepted(dossier_like)
    publishing.accept(actor=cycle.users["central"], version=version, reason="Dùng toàn quốc")
    publishing.require_accepted(dossier_like)
    assert SheetAcceptance.objects.get().province is None


def test_acceptance_rules(cycle):
    version = _current(cycle)
    with pytest.raises(ValidationError, match="lý do"):
        publishing.accept(actor=cycle.users["province_office"], version=version, reason="  ")
    for role in ("producer", "commune_officer", "council_member", "inspector"):
        with pytest.raises(PermissionDenied):
            publishing.accept(actor=cycle.users[role], version=version, reason="x")
    publishing.accept(actor=cycle.users["province_office"], version=version, reason="Đồng ý")
    with pytest.raises(ValidationError, match="đã được chấp nhận"):
        publishing.accept(actor=cycle.users["province_office"], version=version, reason="Lại")
    official = CriteriaSetVersion.objects.filter(code=CODE)
    official.update(status_kind="official")
    with pytest.raises(ValidationError):
        publishing.accept(actor=cycle.users["central"], version=official.get(), reason="x")


# --- Amendments over time ----------------------------------------------------------------------


def test_re_recognition_after_a_new_version_shows_what_changed(ev):
    _scored(ev)
    certificate = _recognise(ev).certificates.get()
    old = ev.refresh().criteria_set
    old.refresh_from_db()
    assert old.locked  # scored: it stays as it was
    ev.refresh()
    ev.dossier.self_assessment = {**ev.dossier.self_assessment, "A1": "c"}
    ev.dossier.save(update_fields=["self_assessment"])
    new = _stage(ev.cycle, wb.cheaper_a1_c)
    publishing.activate(actor=ev.users["central"], version=new,
                        effective_from=dt.date(2025, 1, 1))
    client = login_client(ev.users["producer"])
    assert client.post(f"/giay-chung-nhan/{certificate.number}/danh-gia-lai/",
                       {"upgrade": "0"}).status_code == 302
    follow_up = type(ev.dossier).objects.exclude(pk=ev.dossier.pk).get(
        product=ev.dossier.product)
    assert follow_up.criteria_set_id == new.pk
    ev.dossier.refresh_from_db()
    assert ev.dossier.criteria_set_id == old.pk  # the previous dossier keeps its version
    previous, changes = selectors.previous_answer_changes(follow_up)
    assert previous == ev.dossier
    assert [(c.kind, c.criterion, c.before, c.after) for c in changes] == [
        (diff.POINTS_CHANGED, "A1", diff.Decimal(4), diff.Decimal(3))]
    page = client.get(f"/ho-so/{follow_up.pk}/").content.decode()
    assert "Bộ tiêu chí đã thay đổi từ lần đánh giá trước (phiên bản 1 → phiên bản 2)" in page
    assert "nay được 3 điểm (trước: 4)" in page
    # The original dossier shows no such notice.
    assert "Bộ tiêu chí đã thay đổi" not in client.get(f"/ho-so/{ev.dossier.pk}/").content.decode()
    # A new (not follow-up) dossier of the same product compares with its latest earlier one.
    follow_up.previous = None
    follow_up.kind = "new"
    follow_up.save(update_fields=["previous", "kind"])
    previous, changes = selectors.previous_answer_changes(follow_up)
    assert previous == ev.dossier and [c.criterion for c in changes] == ["A1"]


def test_illustrative_warning_on_the_dossier_page(ev):
    page = login_client(ev.users["producer"]).get(f"/ho-so/{ev.dossier.pk}/").content.decode()
    assert 'id="sheet-warning"' in page and "Bộ tiêu chí minh họa, chưa phải bộ chính thức" in page


def test_an_administrator_uploads_and_activates(cycle):
    admin = make_user(Role.ADMIN)
    row = _stage(cycle, wb.cheaper_a1_c, actor=admin)
    assert publishing.activate(actor=admin, version=row,
                               effective_from=timezone.localdate()).state == State.ACTIVE


def test_the_recognition_page_says_who_must_accept_the_sheet(ev):
    SheetAcceptance.objects.all().delete()
    _scored(ev)
    client = login_client(ev.users["province_office"])
    response = client.post(f"/dot-danh-gia/{ev.cycle.district_round.pk}/cong-nhan/", {
        "dossier": [ev.dossier.pk], "number": "321/QĐ-UBND", "date": "2024-12-10",
        "signer_name": "Trần Văn Ký", "signer_title": "Chủ tịch"}, follow=True)
    page = response.content.decode()
    assert "chưa chấp nhận phiên bản này để công nhận" in page
    assert ev.dossier.criteria_set.title_vi in page
    assert not Certificate.objects.exists()
