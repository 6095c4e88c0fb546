"""The pages: lists, edit with autosave (htmx), review, corrections, versions, rounds."""

from __future__ import annotations

import re
from datetime import date

import pytest

from ocop.accounts.testing import login_client
from ocop.criteria import selectors as criteria_selectors
from ocop.dossiers import services
from ocop.dossiers.models import Dossier, ProgrammeYear, Round
from ocop.dossiers.testing import D2025, Cycle, fake_pdf, pdf, submitted

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_create_and_edit_pages(cycle: Cycle) -> None:
    client = login_client(cycle.users["producer"])
    create = client.get("/ho-so/tao/").content.decode()
    assert "Lập hồ sơ" in create
    # The ratings one may apply for are the certified ones, 3★ first (the default).
    select = re.search(r'<select id="target_stars".*?</select>', create, re.S).group(0)
    assert re.findall(r'<option value="(\d)"', select) == ["3", "4", "5"]
    r = client.post("/ho-so/tao/", {"product": cycle.products["own"].pk, "kind": "new",
                                    "target_stars": "3"})
    dossier = Dossier.objects.get()
    assert r.status_code == 302 and r.url == f"/ho-so/{dossier.pk}/soan/"
    page = client.get(r.url).content.decode()
    assert "Phiếu đăng ký" in page and "Tự đánh giá" in page and 'name="c-A1"' in page
    assert "Thiếu tài liệu bắt buộc" in page


def test_create_page_searches_when_the_reach_is_wide(cycle: Cycle, monkeypatch) -> None:
    """A nationwide account reaches every product of the country: the list shows the first ones
    by name and a search narrows it; a product named in the link stays chosen."""
    from ocop.accounts.models import Role
    from ocop.accounts.testing import make_user
    from ocop.dossiers import views

    monkeypatch.setattr(views, "PRODUCT_CHOICES", 1)
    client = login_client(make_user(Role.ADMIN))

    def offered(page: str) -> list[str]:
        select = re.search(r'<select id="product".*?</select>', page, re.S).group(0)
        return re.findall(r'<option value="(\d+)"', select)

    page = client.get("/ho-so/tao/").content.decode()
    assert 'name="q"' in page and "chỉ hiện 1 sản phẩm đầu theo tên" in page
    assert len(offered(page)) == 1
    own, other = cycle.products["own"], cycle.products["other_producer"]
    page = client.get("/ho-so/tao/", {"q": other.name.lower()}).content.decode()
    assert offered(page) == [str(other.pk)] and "Bỏ tìm" in page
    page = client.get("/ho-so/tao/", {"q": "khong co san pham nay"}).content.decode()
    assert "Không có sản phẩm nào khớp" in page and not offered(page)
    page = client.get("/ho-so/tao/", {"q": other.name, "product": own.pk}).content.decode()
    assert f'<option value="{own.pk}" selected>' in page
    # A producer's own few products: no search box.
    page = login_client(cycle.users["producer"]).get("/ho-so/tao/").content.decode()
    assert 'name="q"' not in page


def test_autosave_over_htmx_shows_the_time_and_the_score(cycle: Cycle) -> None:
    dossier = services.open_dossier(actor=None, product=cycle.products["own"], today=D2025)
    client = login_client(cycle.users["producer"])
    r = client.post(f"/ho-so/{dossier.pk}/luu/", {"f-main_market": "Hà Nội"}, **HTMX)
    assert "Đã lưu lúc" in r.content.decode()
    r = client.post(f"/ho-so/{dossier.pk}/luu/", {"c-A1": "a"}, **HTMX)
    body = r.content.decode()
    assert 'id="self-result"' in body and 'hx-swap-oob="true"' in body
    dossier.refresh_from_db()
    assert dossier.form["main_market"] == "Hà Nội" and dossier.self_assessment == {"A1": "a"}
    r = client.post(f"/ho-so/{dossier.pk}/luu/", {"c-A1": "zz"}, **HTMX)
    assert "Chưa lưu" in r.content.decode()


def test_a_dossier_not_yet_self_assessed_has_no_score(cycle: Cycle) -> None:
    """No answer yet: no "0 points (1★)" on the page, and last when sorted by score (on
    PostgreSQL too, which sorts NULL first)."""
    empty = services.open_dossier(actor=None, product=cycle.products["own"], today=D2025)
    assert empty.self_score is None and empty.self_stars is None
    scored = services.open_dossier(actor=None, product=cycle.products["other_producer"],
                                   today=D2025)
    services.autosave(actor=None, dossier=scored, self_assessment={"A1": "a"})
    scored.refresh_from_db()
    assert scored.self_score is not None
    office = login_client(cycle.users["province_office"])
    assert "tự chấm" not in office.get(f"/ho-so/{empty.pk}/").content.decode()
    assert "tự chấm" in office.get(f"/ho-so/{scored.pk}/").content.decode()
    listed = office.get("/ho-so/", {"ordering": "score"}).content.decode()
    assert listed.index(scored.reference) < listed.index(empty.reference)


def test_upload_and_reuse_pickers(cycle: Cycle) -> None:
    from ocop.registry.models import EvidenceDocument

    dossier = services.open_dossier(actor=None, product=cycle.products["own"], today=D2025)
    expired = EvidenceDocument.objects.create(producer=cycle.producers["own"],
                                              doc_type="food_safety", number="ATTP-1",
                                              issued_on=date(2019, 1, 1),
                                              expires_on=date(2022, 1, 1))
    client = login_client(cycle.users["producer"])
    page = client.get(f"/ho-so/{dossier.pk}/soan/").content.decode()
    assert "Dùng giấy tờ đã có" in page and "Hết hạn" in page
    client.post(f"/ho-so/{dossier.pk}/tai-lieu/", {"checklist_item": "business_plan",
                                                   "file": pdf("kh.pdf")})
    r = client.post(f"/ho-so/{dossier.pk}/tai-lieu/", {"checklist_item": "business_plan",
                                                       "file": fake_pdf()}, follow=True)
    assert "không được chấp nhận" in r.content.decode()
    client.post(f"/ho-so/{dossier.pk}/tai-lieu/", {"checklist_item": "food_safety",
                                                   "evidence": expired.pk})
    assert dossier.documents.count() == 2
    doc = dossier.documents.get(checklist_item="business_plan")
    client.post(f"/ho-so/{dossier.pk}/tai-lieu/{doc.pk}/bo/")
    assert dossier.documents.count() == 1


def test_review_page_requests_corrections_and_producer_answers(cycle: Cycle) -> None:
    dossier = submitted(cycle)  # 2024: no commune step
    office = login_client(cycle.users["province_office"])
    page = office.get(f"/ho-so/{dossier.pk}/tham-dinh/").content.decode()
    assert "Yêu cầu bổ sung" in page and "Tiếp nhận hồ sơ" in page
    r = office.post(f"/ho-so/{dossier.pk}/tham-dinh/", {
        "action": "corrections", "code": ["business_plan", "A1"],
        "comment": ["Kế hoạch thiếu số liệu", ""], "message": "Bổ sung trước 30/5"})
    assert r.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == "corrections_requested"
    assert dossier.corrections.get().items == [{"code": "business_plan",
                                                "comment": "Kế hoạch thiếu số liệu"}]
    producer = login_client(cycle.users["producer"])
    page = producer.get(f"/ho-so/{dossier.pk}/bo-sung/").content.decode()
    assert "Kế hoạch thiếu số liệu" in page
    r = producer.post(f"/ho-so/{dossier.pk}/bo-sung/", {"reply-business_plan": "Đã bổ sung"})
    dossier.refresh_from_db()
    assert dossier.state == "resubmitted"
    page = producer.get(f"/ho-so/{dossier.pk}/phien-ban/").content.decode()
    assert "v2" in page and "Thay đổi từ v1 đến v2" in page
    r = office.post(f"/ho-so/{dossier.pk}/tham-dinh/", {"action": "accept",
                                                        "round": cycle.district_round.pk})
    dossier.refresh_from_db()
    assert dossier.state == "accepted"


def test_submit_after_deadline_shows_the_message(cycle: Cycle) -> None:
    from ocop.dossiers.testing import open_ready

    dossier = open_ready(cycle)  # district round 1 of 2024, closed for submission long ago
    client = login_client(cycle.users["producer"])
    r = client.post(f"/ho-so/{dossier.pk}/nop/", follow=True)
    assert "15/05/2024" in r.content.decode()


def test_precheck_page_records_the_commune_result(cycle: Cycle) -> None:
    dossier = submitted(cycle, when=D2025)
    client = login_client(cycle.users["commune_officer"])
    r = client.post(f"/ho-so/{dossier.pk}/xa-kiem-tra/", {
        "ok-local_raw_materials": "1", "ok-local_labour": "1", "ok-idea_origin": "1"})
    assert r.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == "commune_checked"


def test_list_page_filters_with_htmx(cycle: Cycle) -> None:
    submitted(cycle, when=D2025)
    client = login_client(cycle.users["province_office"])
    r = client.get("/ho-so/", {"q": "vai"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results")
    body = r.content.decode()
    assert "HTX Vải thiều Lục Ngạn" in body and "<html" not in body


def test_list_filters_name_areas_and_product_sets(cycle: Cycle) -> None:
    """Picked by name, never a code to type: the province's communes for its office, the
    provinces for a nationwide account, the product sets for both; the choice filters."""
    submitted(cycle, when=D2025)
    submitted(cycle, when=D2025, position="other_commune")
    office = login_client(cycle.users["province_office"])
    page = office.get("/ho-so/").content.decode()
    assert '<select id="f-commune" name="commune">' in page
    assert '<option value="C07210">Phường Bắc Giang</option>' in page
    assert 'id="f-province"' not in page and 'placeholder="C07582"' not in page
    assert '<option value="1048-01">Rau, củ, quả, hạt tươi</option>' in page
    page = office.get("/ho-so/", {"commune": "C07210"}).content.decode()
    assert "Công ty Gốm Bắc Giang" in page and "HTX Vải thiều Lục Ngạn" not in page
    assert '<option value="C07210" selected>' in page

    central = login_client(cycle.users["central"])
    page = central.get("/ho-so/").content.decode()
    assert '<select id="f-province" name="province">' in page and 'id="f-commune"' not in page
    page = central.get("/ho-so/", {"province": "P01"}).content.decode()
    assert "Công ty Gốm Bắc Giang" not in page and "HTX Vải thiều Lục Ngạn" not in page
    page = central.get("/ho-so/", {"province": "P24"}).content.decode()
    assert "Công ty Gốm Bắc Giang" in page and "HTX Vải thiều Lục Ngạn" in page


def test_round_management_pages(cycle: Cycle) -> None:
    client = login_client(cycle.users["province_office"])
    assert "Kế hoạch 14/KH-UBND" in client.get("/dot-danh-gia/").content.decode()
    r = client.post("/dot-danh-gia/nam/tao/", {"province": "P24", "year": "2026",
                                               "plan_reference": "Kế hoạch 1/KH-UBND"})
    year = ProgrammeYear.objects.get(year=2026)
    assert r.status_code == 302
    r = client.post(f"/dot-danh-gia/nam/{year.pk}/", {
        "level": "province", "number": "1", "name": "Đợt 1 cấp tỉnh 2026",
        "opens_on": "2026-03-01", "submission_deadline": "2026-05-31",
        "evaluation_deadline": "2026-07-10", "recognition_deadline": "2026-12-15",
        "status": "open", "issuing_unit": "P24"})
    assert r.status_code == 302, r.content.decode()[:2000]
    round_ = Round.objects.get(programme_year=year)
    r = client.post(f"/dot-danh-gia/{round_.pk}/sua/", {
        "level": "province", "number": "1", "name": "Đợt 1 cấp tỉnh 2026",
        "opens_on": "2026-03-01", "submission_deadline": "2026-06-15",
        "evaluation_deadline": "2026-07-10", "recognition_deadline": "2026-12-15",
        "status": "open", "issuing_unit": "P24"})
    round_.refresh_from_db()
    assert round_.submission_deadline == date(2026, 6, 15)
    hanoi = login_client(cycle.users["other_province_office"])
    assert hanoi.get(f"/dot-danh-gia/nam/{year.pk}/").status_code == 404
    assert hanoi.get(f"/dot-danh-gia/{round_.pk}/sua/").status_code == 404
    producer = login_client(cycle.users["producer"])
    assert producer.get(f"/dot-danh-gia/{round_.pk}/sua/").status_code == 403


def test_autosave_of_the_last_answer_shows_the_score_and_the_advice(cycle: Cycle) -> None:
    # Regression: once every criterion was answered the result panel shows upgrade advice, whose
    # labels need the criteria set; the autosave response lacked it and answered HTTP 500.
    dossier = services.open_dossier(actor=None, product=cycle.products["own"], today=D2025)
    engine_set = criteria_selectors.engine_set(dossier.criteria_set)
    *first, last = engine_set.criteria
    services.autosave(actor=None, dossier=dossier, target_stars=5,
                      self_assessment={c.code: c.options[0].code for c in first})
    client = login_client(cycle.users["producer"])
    r = client.post(f"/ho-so/{dossier.pk}/luu/", {f"c-{last.code}": last.options[0].code}, **HTMX)
    assert r.status_code == 200
    body = r.content.decode()
    assert "Đã lưu lúc" in body and 'data-testid="total"' in body
    assert "Còn" not in body  # nothing left unanswered
    assert "Gợi ý nâng hạng" in body and f"<strong>{first[0].code}</strong>" in body
