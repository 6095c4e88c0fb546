"""The inspection pages over HTTP, and the public complaint form."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ocop.accounts.testing import login_client
from ocop.certificates.models import Certificate
from ocop.inspections.models import CHECKLIST, Complaint, ProposalState, Visit
from ocop.inspections.tests.conftest import png_bytes
from ocop.trace import stamps

pytestmark = pytest.mark.django_db


@pytest.fixture
def live(iw):
    """The plan stretched over today, so that pages using today's date accept the visit."""
    today = timezone.localdate()
    iw.plan.starts_on, iw.plan.ends_on = today - timedelta(days=30), today + timedelta(days=30)
    iw.plan.save()
    iw.today = today
    return iw


def visit_post(product_id: int, *, failing: bool = False) -> dict[str, str]:
    data = {"product": str(product_id), "visited_on": timezone.localdate().isoformat(),
            "place": "Cơ sở sản xuất, xã Lục Ngạn"}
    for item in CHECKLIST:
        data[f"finding_{item}"] = "pass"
        data[f"note_{item}"] = ""
    if failing:
        data["finding_quality"] = "fail"
        data["note_quality"] = "Màu sắc khác hồ sơ công nhận."
    return data


def test_work_list_and_plan_pages(live):
    office = login_client(live.users["province_office"])
    html = office.get(reverse("inspections:index")).content.decode()
    assert "Kiểm tra, giám sát sau công nhận" in html and live.plan.title in html
    assert "Lập kế hoạch kiểm tra" in html
    response = office.get(reverse("inspections:plan_detail", args=[live.plan.pk]))
    assert response.status_code == 200 and "Ghi nhận lần kiểm tra" in response.content.decode()
    other = login_client(live.users["other_province_office"])
    assert other.get(reverse("inspections:plan_detail", args=[live.plan.pk])).status_code == 404
    council = login_client(live.users["council_member"])
    assert council.get(reverse("inspections:index")).status_code == 403
    assert Client().get(reverse("inspections:index")).status_code == 302


def test_office_creates_a_plan_and_bad_input_is_shown(live):
    office = login_client(live.users["province_office"])
    url = reverse("inspections:plan_create")
    assert live.users["inspector"].username in office.get(url).content.decode() or \
        "Thanh tra, kiểm tra" in office.get(url).content.decode()
    bad = office.post(url, {"kind": "thematic", "title": "Chuyên đề mật ong",
                            "starts_on": "2026-05-01", "ends_on": "2026-04-01",
                            "inspectors": [live.users["inspector"].pk]})
    assert bad.status_code == 400
    assert "Ngày kết thúc không được trước ngày bắt đầu." in bad.content.decode()
    good = office.post(url, {"kind": "thematic", "title": "Chuyên đề mật ong",
                             "starts_on": "2026-05-01", "ends_on": "2026-08-01",
                             "inspectors": [live.users["inspector"].pk]})
    assert good.status_code == 302
    inspector = login_client(live.users["inspector"])
    assert inspector.get(url).status_code == 403


def test_inspector_records_a_visit_and_uncertified_is_refused_on_the_form(live):
    inspector = login_client(live.users["inspector"])
    url = reverse("inspections:visit_create", args=[live.plan.pk])
    form = inspector.get(url).content.decode()
    assert live.product.name in form and live.cw.products["legacy"].name not in form
    refused = inspector.post(url, visit_post(live.cw.products["legacy"].pk))
    assert refused.status_code == 400
    assert "không có giấy chứng nhận OCOP còn hiệu lực" in refused.content.decode()
    outside = inspector.post(url, visit_post(live.cw.products["hanoi"].pk))
    assert outside.status_code == 400 and not Visit.objects.exists()
    response = inspector.post(url, visit_post(live.product.pk, failing=True))
    assert response.status_code == 302
    visit = Visit.objects.get()
    page = inspector.get(response.url).content.decode()
    assert "Màu sắc khác hồ sơ công nhận." in page and "Đề nghị thu hồi" in page
    other = login_client(live.users["other_inspector"])
    assert other.post(url, visit_post(live.product.pk)).status_code == 403
    assert Visit.objects.filter(pk=visit.pk).count() == 1


def test_photos_are_served_only_to_those_who_see_the_visit(live):
    inspector = login_client(live.users["inspector"])
    visit = live.visit()
    page = reverse("inspections:visit_detail", args=[visit.pk])
    bad = inspector.post(page, {"form": "photo", "caption": "Nhãn",
                                "photo": SimpleUploadedFile("a.jpg", b"%PDF-1.4 not an image")})
    assert bad.status_code == 400 and "Chỉ nhận" in bad.content.decode()
    ok = inspector.post(page, {"form": "photo", "caption": "Nhãn",
                               "photo": SimpleUploadedFile("nhan.png", png_bytes())})
    assert ok.status_code == 302
    photo = visit.photos.get()
    url = reverse("inspections:visit_photo", args=[visit.pk, photo.pk])
    response = inspector.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == png_bytes()
    assert response["Cache-Control"] == "private, no-store"
    producer = login_client(live.users["producer"])
    assert producer.get(url).status_code == 404  # not concluded yet
    assert login_client(live.users["other_province_office"]).get(url).status_code == 404
    assert login_client(live.users["other_producer"]).get(page).status_code == 404
    inspector.post(page, {"form": "conclude", "conclusion": "Đạt yêu cầu."})
    assert producer.get(url).status_code == 200
    assert "Đạt yêu cầu." in producer.get(page).content.decode()
    # Producers read; they add nothing.
    assert producer.post(page, {"form": "sample", "description": "x", "lab": "y"}) \
        .status_code == 403


def test_proposal_completed_on_its_page_shows_on_the_certificate(live):
    inspector = login_client(live.users["inspector"])
    visit = live.visit(failing=True)
    page = reverse("inspections:visit_detail", args=[visit.pk])
    assert inspector.post(page, {"form": "propose", "reason": "Nhãn sai hạng sao."}) \
        .status_code == 302
    proposal = visit.proposals.get()
    url = reverse("inspections:proposal_detail", args=[proposal.pk])
    assert inspector.post(url, {"form": "complete", "decision_number": "9/QĐ",
                                "revoked_on": timezone.localdate().isoformat()}).status_code == 403
    office = login_client(live.users["province_office"])
    assert "Nhãn sai hạng sao." in office.get(url).content.decode()
    empty = office.post(url, {"form": "complete", "decision_number": "",
                              "revoked_on": timezone.localdate().isoformat()})
    assert empty.status_code == 400
    done = office.post(url, {"form": "complete", "decision_number": "9/QĐ-UBND",
                             "revoked_on": timezone.localdate().isoformat()})
    assert done.status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.COMPLETED
    certificate = Certificate.objects.get(pk=live.certificate.pk)
    html = office.get(reverse("certificates:detail", args=[certificate.number])).content.decode()
    assert f"Biên bản kiểm tra {visit.reference}" in html
    assert reverse("inspections:visit_detail", args=[visit.pk]) in html
    public = Client().get(reverse("certificates:verify", args=[certificate.number]))
    assert visit.reference in public.content.decode()


# --- Public complaint form ---------------------------------------------------------------


def test_scan_and_verify_pages_link_to_the_complaint_form(live):
    product = live.product
    uri = stamps.stamp_uri(product.gtin, product.pk, "L1", 3)
    path = "/" + uri.split("://", 1)[1].split("/", 1)[1]
    scan = Client().get(path).content.decode()
    assert "Báo cáo sản phẩm nghi giả / vi phạm" in scan
    assert reverse("inspections:complaint_public") + "?tem=" in scan
    verify = Client().get(reverse("certificates:verify", args=[live.certificate.number]))
    html = verify.content.decode()
    assert f"{reverse('inspections:complaint_public')}?so={live.certificate.number}" in html


def test_public_complaint_arrives_in_the_provinces_work_list(live):
    url = reverse("inspections:complaint_public") + f"?so={live.certificate.number}"
    client = Client()
    form = client.get(url)
    assert form.status_code == 200 and "login" not in form.get("Location", "")
    assert f'value="{live.certificate.number}"' in form.content.decode()
    sent = client.post(url, {"text": "Sản phẩm bán ở chợ Lục Ngạn nhãn mờ, nghi giả.",
                             "certificate_number": live.certificate.number,
                             "contact": "0912 345 678",
                             "photo": SimpleUploadedFile("tem.png", png_bytes())})
    assert sent.status_code == 200
    complaint = Complaint.objects.get()
    assert complaint.reference in sent.content.decode()
    assert complaint.province == live.cw.units.bac_ninh and complaint.photo

    office = login_client(live.users["province_office"])
    assert complaint.reference in office.get(reverse("inspections:index")).content.decode()
    detail = office.get(reverse("inspections:complaint_detail", args=[complaint.pk]))
    assert "0912 345 678" in detail.content.decode()
    photo = office.get(reverse("inspections:complaint_photo", args=[complaint.pk]))
    assert photo.status_code == 200
    hanoi = login_client(live.users["other_province_office"])
    assert hanoi.get(reverse("inspections:complaint_detail", args=[complaint.pk])) \
        .status_code == 404
    assert login_client(live.users["commune_officer"]).get(
        reverse("inspections:complaint_detail", args=[complaint.pk])).status_code == 404

    # The office opens a plan "on a complaint" from it.
    create = reverse("inspections:plan_create") + f"?phan-anh={complaint.pk}"
    assert "Kiểm tra theo phản ánh" in office.get(create).content.decode()
    today = timezone.localdate()
    response = office.post(create, {"kind": "complaint", "title": "Kiểm tra theo phản ánh",
                                    "starts_on": today.isoformat(),
                                    "ends_on": (today + timedelta(days=30)).isoformat(),
                                    "inspectors": [live.users["inspector"].pk]})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.state == "in_plan" and complaint.plan.kind == "complaint"


def test_public_complaint_bad_input(live):
    url = reverse("inspections:complaint_public")
    client = Client()
    empty = client.post(url, {"text": ""})
    assert empty.status_code == 400
    short = client.post(url, {"text": "giả"})
    assert short.status_code == 400 and "ít nhất 10 ký tự" in short.content.decode()
    fake = client.post(url, {"text": "Ảnh đính kèm là chương trình.",
                             "photo": SimpleUploadedFile("a.jpg", b"MZ\x90\x00\x03binary")})
    assert fake.status_code == 400 and "chương trình chạy được" in fake.content.decode()
    tagged = client.post(url, {"text": "Nội dung <script>alert(1)</script> dài đủ.",
                               "contact": "<b>me</b>"})
    assert tagged.status_code == 400
    assert not Complaint.objects.exists()
    # Text with markup is stored as text and shown escaped once accepted.
    ok = client.post(url, {"text": "Nội dung <script>alert(1)</script> dài đủ."})
    assert ok.status_code == 200
    office = login_client(live.users["central"])
    html = office.get(reverse("inspections:complaint_detail",
                              args=[Complaint.objects.get().pk])).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_public_complaint_is_rate_limited(live, settings):
    settings.COMPLAINT_RATE_LIMIT = "2/h"
    url = reverse("inspections:complaint_public")
    client = Client()
    for _ in range(2):
        assert client.post(url, {"text": "Nghi hàng giả bày bán ở chợ."}).status_code == 200
    blocked = client.post(url, {"text": "Nghi hàng giả bày bán ở chợ."})
    assert blocked.status_code == 429 and blocked["Retry-After"]
    assert "quá nhiều phản ánh" in blocked.content.decode()
    assert Complaint.objects.count() == 2
    settings.PUBLIC_RATE_LIMIT = "1/m"
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 429


def test_an_unknown_visit_or_garbage_id_is_a_404(live):
    office = login_client(live.users["province_office"])
    assert office.get(reverse("inspections:visit_detail", args=[999])).status_code == 404
    assert office.get(reverse("inspections:plan_create") + "?phan-anh=abc").status_code == 404


def test_pages_in_english(live):
    visit = live.visit(failing=True)
    office = login_client(live.users["province_office"])
    office.cookies["django_language"] = "en"
    html = office.get(reverse("inspections:visit_detail", args=[visit.pk])).content.decode()
    assert "Inspection report" in html and "Product label and use of the OCOP label" in html
    assert "Biên bản kiểm tra" not in html
    public = Client()
    public.cookies["django_language"] = "en"
    form = public.get(reverse("inspections:complaint_public")).content.decode()
    assert "Report a suspected fake or violation" in form and "Gửi phản ánh" not in form
