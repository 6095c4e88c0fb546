"""People read sentences and names, never codes: the dossier's history, correction items and
the self-assessment shown on the review page."""

from __future__ import annotations

import pytest

from ocop.accounts.testing import login_client
from ocop.criteria import selectors as criteria_selectors
from ocop.dossiers import services
from ocop.dossiers.testing import D2024, Cycle, open_ready

pytestmark = pytest.mark.django_db


def _submitted_by_producer(cycle: Cycle):
    dossier = open_ready(cycle)
    services.submit(actor=cycle.users["producer"], dossier=dossier, today=D2024)
    dossier.refresh_from_db()
    return dossier


def test_history_tells_sentences_with_state_labels_and_hides_hashes(cycle: Cycle) -> None:
    dossier = _submitted_by_producer(cycle)
    digest = dossier.documents.first().sha256
    page = login_client(cycle.users["producer"]).get(f"/ho-so/{dossier.pk}/").content.decode()
    history = page[page.index("Lịch sử thay đổi"):]
    assert "Chủ thể OCOP đã nộp hồ sơ." in history
    assert "Chủ thể OCOP đã lập hồ sơ." in history
    assert "Chủ thể OCOP đã đính kèm giấy tờ." in history
    assert '<span class="old">Đang soạn</span> → <span class="new">Đã nộp</span>' in history
    # The requested round is shown by its name, not its id.
    assert cycle.district_round.name in history
    for code in ("dossier.submit", "dossier.open", "draft", "submitted", "sha256", digest):
        assert code not in history


def test_history_is_english_on_the_english_interface(cycle: Cycle) -> None:
    dossier = _submitted_by_producer(cycle)
    client = login_client(cycle.users["producer"])
    client.cookies["django_language"] = "en"
    page = client.get(f"/ho-so/{dossier.pk}/").content.decode()
    assert "OCOP producer submitted the dossier." in page
    assert "dossier.submit" not in page


def test_correction_items_show_the_document_name_and_criterion_label(cycle: Cycle) -> None:
    dossier = _submitted_by_producer(cycle)
    office = login_client(cycle.users["province_office"])
    office.post(f"/ho-so/{dossier.pk}/tham-dinh/", {
        "action": "corrections", "code": ["business_registration", "A1"],
        "comment": ["Bản sao hết hạn", "Thiếu hợp đồng"], "message": ""})
    a1 = criteria_selectors.engine_set(dossier.criteria_set).criterion("A1")
    producer = login_client(cycle.users["producer"])
    for url in (f"/ho-so/{dossier.pk}/bo-sung/", f"/ho-so/{dossier.pk}/soan/"):
        page = producer.get(url).content.decode()
        assert ("Bản sao Giấy chứng nhận đăng ký kinh doanh / đăng ký hợp tác xã</strong>: "
                "Bản sao hết hạn") in page
        assert f"A1 {a1.label_vi}</strong>: Thiếu hợp đồng" in page
        assert "business_registration</strong>" not in page


def test_review_page_shows_the_chosen_option_text(cycle: Cycle) -> None:
    dossier = _submitted_by_producer(cycle)
    a1 = criteria_selectors.engine_set(dossier.criteria_set).criterion("A1")
    chosen = next(o for o in a1.options if o.code == dossier.self_assessment["A1"])
    page = login_client(cycle.users["province_office"]).get(
        f"/ho-so/{dossier.pk}/tham-dinh/").content.decode()
    assert f"(tự chọn: {chosen.label_vi})" in page
    assert f"(tự chọn: {chosen.code})" not in page


@pytest.mark.parametrize(("language", "separator"), [("vi", ","), ("en", ".")])
def test_self_score_is_written_per_language_on_pages_and_always_with_a_dot_in_json(
        cycle: Cycle, language: str, separator: str) -> None:
    dossier = _submitted_by_producer(cycle)
    whole, cents = f"{dossier.self_score:.2f}".split(".")
    client = login_client(cycle.users["producer"])
    client.cookies["django_language"] = language
    page = client.get(f"/ho-so/{dossier.pk}/").content.decode()
    assert f"{whole}{separator}{cents}" in page
    other = "." if separator == "," else ","
    assert f"{whole}{other}{cents}" not in page
    body = client.get(f"/api/v1/dossiers/{dossier.pk}", HTTP_ACCEPT_LANGUAGE=language).json()
    assert body["self_score"] == f"{whole}.{cents}"


def test_history_words_answers_and_form_fields_of_an_autosave(cycle: Cycle) -> None:
    dossier = services.open_dossier(actor=cycle.users["producer"],
                                    product=cycle.products["own"], today=D2024)
    services.autosave(actor=cycle.users["producer"], dossier=dossier,
                      form={"contact_name": "Trần Thị Bích"}, self_assessment={"A1": "a"})
    a1 = criteria_selectors.engine_set(dossier.criteria_set).criterion("A1")
    page = login_client(cycle.users["producer"]).get(f"/ho-so/{dossier.pk}/").content.decode()
    history = page[page.index("Lịch sử thay đổi"):]
    assert "Chủ thể OCOP đã sửa nội dung hồ sơ." in history
    assert (f"<strong>A1 {a1.label_vi}</strong>: <span class=\"old\">—</span> → "
            f"<span class=\"new\">{a1.option('a').label_vi}</span>") in history
    assert "answer.A1" not in history and "form.contact_name" not in history
    assert "<strong>Người liên hệ</strong>: " in history and "Trần Thị Bích" in history
