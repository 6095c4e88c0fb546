"""HTTP and permissions of the criteria management pages (upload, preview, activate, templates)
and of the acceptance page, for every role."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from ocop.accounts.models import Role
from ocop.accounts.testing import login_client, make_user
from ocop.criteria import publishing, selectors
from ocop.criteria.models import CriteriaSetVersion, SheetAcceptance
from ocop.criteria.services import parse_upload
from ocop.criteria.tests import workbooks as wb
from ocop.dossiers.testing import cycle

__all__ = ["cycle"]

CODE = "148-rau-cu-qua-hat-tuoi-minh-hoa"
LOGIN, FORBIDDEN = 302, 403
# role → (manage, upload, preview of someone else's upload, activate, template, accept page,
# accept action)
EXPECTED = {
    "anonymous": (LOGIN,) * 7,
    "producer": (FORBIDDEN,) * 7,
    "commune_officer": (FORBIDDEN,) * 7,
    "council_member": (FORBIDDEN,) * 7,
    "province_office": (200, 302, FORBIDDEN, FORBIDDEN, 200, 200, 302),
    "central": (200, 302, 200, 302, 200, 200, 302),
    "admin": (200, 302, 200, 302, 200, 200, 302),
}


def _client(cycle, role: str) -> Client:
    if role == "anonymous":
        return Client()
    if role == "admin":
        return login_client(make_user(Role.ADMIN))
    return login_client(cycle.users[role])


def _file(cycle, *edits, name="phieu.xlsx"):
    return wb.upload(wb.edited(publishing.template_bytes(cycle.product_set), *edits), name)


@pytest.mark.parametrize("role", EXPECTED)
def test_permissions_matrix(cycle, role):
    client = _client(cycle, role)
    staged = publishing.stage(actor=cycle.users["central"], file=_file(cycle, wb.cheaper_a1_c))
    current = selectors.get_version(CODE)
    today = timezone.localdate().isoformat()
    got = (
        client.get("/tieu-chi/quan-ly/").status_code,
        client.post("/tieu-chi/quan-ly/", {"file": _file(cycle, wb.cheaper_a1_c,
                                                          wb.version(3))}).status_code,
        client.get(f"/tieu-chi/quan-ly/{staged.pk}/").status_code,
        client.post(f"/tieu-chi/quan-ly/{staged.pk}/kich-hoat/",
                    {"effective_from": today}).status_code,
        client.get(f"/tieu-chi/quan-ly/mau/{cycle.product_set.code}.xlsx").status_code,
        client.get(f"/tieu-chi/chap-nhan/{current.pk}/").status_code,
        client.post(f"/tieu-chi/chap-nhan/{current.pk}/", {"reason": "Đồng ý"}).status_code,
    )
    assert got == EXPECTED[role]
    staged.refresh_from_db()
    assert (staged.state == CriteriaSetVersion.State.ACTIVE) == (role in ("central", "admin"))
    assert SheetAcceptance.objects.exists() == (role in ("province_office", "central", "admin"))
    if role == "anonymous":
        assert client.get("/tieu-chi/quan-ly/")["Location"].startswith("/dang-nhap/")


def test_upload_report_preview_diff_and_activation(cycle):
    client = login_client(cycle.users["central"])
    broken = client.post("/tieu-chi/quan-ly/", {"file": _file(cycle, wb.option_without_points)})
    assert broken.status_code == 200  # the page again, with the report
    page = broken.content.decode()
    for text in ("Tệp chưa dùng được: có 1 lỗi", "Vị trí trong tệp",
                 "trang tính “criteria”, dòng 4, cột M (points)", "tiêu chí A1, lựa chọn c",
                 "required field is missing"):
        assert text in page, text
    assert not selectors.staged_versions().exists()
    not_excel = client.post("/tieu-chi/quan-ly/", {"file": wb.upload(b"%PDF-1.4 x", "a.xlsx")})
    assert "nội dung thực tế là PDF" in not_excel.content.decode()

    response = client.post("/tieu-chi/quan-ly/", {"file": _file(cycle, wb.cheaper_a1_c)})
    row = selectors.staged_versions().get()
    assert response["Location"] == f"/tieu-chi/quan-ly/{row.pk}/"
    preview = client.get(response["Location"]).content.decode()
    for text in ("Chờ kích hoạt — chưa dùng để chấm", "Thay đổi so với phiên bản 1 đang áp dụng",
                 "Lựa chọn A1 / c — điểm", "Xem trước như thành viên hội đồng thấy",
                 'name="c-A1"', "Kích hoạt phiếu", "Rau, củ, quả, hạt tươi"):
        assert text in preview, text
    # The live test-scoring panel scores on the staged version (A1 c is worth 3 there, not 4).
    scored = client.post(f"/tieu-chi/quan-ly/{row.pk}/", {"c-A1": "c"}, HTTP_HX_REQUEST="true")
    assert 'data-testid="total">3,00' in scored.content.decode()
    public = client.post(f"/tieu-chi/{CODE}/", {"c-A1": "c"}, HTTP_HX_REQUEST="true")
    assert 'data-testid="total">4,00' in public.content.decode()

    bad_date = client.post(f"/tieu-chi/quan-ly/{row.pk}/kich-hoat/", {"effective_from": "x"})
    assert bad_date.status_code == 302
    row.refresh_from_db()
    assert row.state == CriteriaSetVersion.State.STAGED
    done = client.post(f"/tieu-chi/quan-ly/{row.pk}/kich-hoat/",
                       {"effective_from": timezone.localdate().isoformat()})
    assert done["Location"] == f"/tieu-chi/{CODE}@v2/"
    assert selectors.get_version(CODE).pk == row.pk


def test_template_download(cycle):
    response = login_client(cycle.users["central"]).get(
        f"/tieu-chi/quan-ly/mau/{cycle.product_set.code}.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "mau-tieu-chi-1048-01.xlsx" in response["Content-Disposition"]
    sheet = parse_upload("mau.xlsx", response.content)
    assert (sheet.code, sheet.version) == (CODE, 2)
    assert login_client(cycle.users["central"]).get(
        "/tieu-chi/quan-ly/mau/9999-99.xlsx").status_code == 404
    # The page says where in the file the status is written, not a bare internal name.
    page = login_client(cycle.users["central"]).get("/tieu-chi/quan-ly/").content.decode()
    assert "ở trang meta của tệp ghi “official” (chính thức) vào dòng status.kind" in page
    assert "(status.kind)" not in page


def test_acceptance_page(cycle):
    version = selectors.get_version(CODE)
    client = login_client(cycle.users["province_office"])
    page = client.get(f"/tieu-chi/chap-nhan/{version.pk}/").content.decode()
    assert "Chấp nhận cho: Thành phố Bắc Ninh" in page
    client.post(f"/tieu-chi/chap-nhan/{version.pk}/", {"reason": ""})
    assert not SheetAcceptance.objects.exists()
    client.post(f"/tieu-chi/chap-nhan/{version.pk}/", {"reason": "Dùng cho đợt thử"})
    page = client.get(f"/tieu-chi/chap-nhan/{version.pk}/").content.decode()
    assert "đã chấp nhận phiên bản này" in page and "Dùng cho đợt thử" in page
    official = selectors.get_version("1048-rau-cu-qua-hat-tuoi")
    CriteriaSetVersion.objects.filter(pk=official.pk).update(status_kind="official")
    assert client.get(f"/tieu-chi/chap-nhan/{official.pk}/").status_code == 404
