"""The pages over HTTP: who sees what, forms that refuse, downloads through the check."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from ocop.accounts.services import issue_api_token
from ocop.accounts.testing import login_client
from ocop.planning import services
from ocop.planning.models import AnnualPlan, BudgetLine, Indicator
from ocop.training.models import Registration

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def filled(world, bg_plan):
    services.save_indicator(actor=None, plan=bg_plan, data={
        "kind": "recognised_cumulative", "baseline": 253, "target": 350})
    services.save_indicator(actor=None, plan=bg_plan, data={"kind": "producers_trained"})
    services.save_budget_line(actor=None, plan=bg_plan, data={
        "content": "cycle", "source": "province", "approved": 20_900_000_000,
        "committed": 1_000_000, "disbursed": 0})
    return bg_plan


def test_list_and_detail_for_the_province_office(world, filled):
    client = login_client(world.users["province_office"])
    page = client.get(reverse("planning:list")).content.decode()
    assert "Kế hoạch OCOP tỉnh Bắc Giang năm 2024" in page and "Lập kế hoạch" in page
    # Named as on the day: "tỉnh" until 19/09/2026, "thành phố" since.
    assert re.search(r"Tỉnh Bắc Giang \(nay thuộc (tỉnh|thành phố) Bắc Ninh\)", page)
    page = client.get(reverse("planning:detail", args=[filled.pk])).content.decode()
    assert "Sản phẩm OCOP từ 3 sao trở lên (luỹ kế được công nhận)" in page
    assert "350" in page and "253" in page
    assert "<strong>5</strong>" in page  # A B C D G recognised by the end of 2024
    assert "chưa có dữ liệu đào tạo" not in page  # Đồng Cốc and Bắc Giang attended in 2024
    Registration.objects.all().delete()
    page = client.get(reverse("planning:detail", args=[filled.pk])).content.decode()
    assert "0 (chưa có dữ liệu đào tạo)" in page
    assert "20.900.000.000" in page  # Vietnamese thousands
    assert "<progress" in page and "Sửa kế hoạch" in page
    assert "Đợt trung ương 2024" in page  # the year's rounds
    assert "Hệ thống đã lập kế hoạch năm." in page  # the plan's history


@pytest.mark.parametrize("role", ["inspector", "commune_officer"])
def test_readers_see_no_edit_controls_and_are_refused(world, filled, role):
    client = login_client(world.users[role])
    page = client.get(reverse("planning:detail", args=[filled.pk])).content.decode()
    assert "350" in page and "Sửa kế hoạch" not in page and "Thêm chỉ tiêu" not in page
    assert client.get(reverse("planning:edit", args=[filled.pk])).status_code == 403
    response = client.post(reverse("planning:indicator_add", args=[filled.pk]),
                           {"kind": "upgrades", "target": "5"})
    assert response.status_code == 403 and Indicator.objects.count() == 2
    assert client.get(reverse("planning:create")).status_code == 403


@pytest.mark.parametrize("role", ["producer", "council_member"])
def test_no_access_for_producers_and_council_members(world, filled, role):
    client = login_client(world.users[role])
    assert client.get(reverse("planning:list")).status_code == 403
    assert client.get(reverse("planning:detail", args=[filled.pk])).status_code == 403
    assert client.get(reverse("planning:file", args=[filled.pk])).status_code == 403


def test_another_province_gets_404(world, filled):
    client = login_client(world.users["other_province_office"])
    assert client.get(reverse("planning:detail", args=[filled.pk])).status_code == 404
    assert client.get(reverse("planning:edit", args=[filled.pk])).status_code == 404
    assert "Bắc Giang" not in client.get(reverse("planning:list")).content.decode()


def test_anonymous_is_sent_to_login(filled, client):
    response = client.get(reverse("planning:detail", args=[filled.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_create_plan_with_a_file_and_download_it(world):
    client = login_client(world.users["province_office"])
    response = client.post(reverse("planning:create"), {
        "province": "P24", "year": "2026", "title": "Kế hoạch OCOP năm 2026",
        "decision_number": "5/KH-UBND", "decision_date": "2026-01-15", "note": "",
        "decision_file": SimpleUploadedFile("kh.pdf", PDF, "application/pdf")})
    plan = AnnualPlan.objects.get(year=2026)
    assert response.status_code == 302 and response["Location"] == reverse(
        "planning:detail", args=[plan.pk])
    download = client.get(reverse("planning:file", args=[plan.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Cache-Control"] == "private, no-store"
    other = login_client(world.users["other_province_office"])
    assert other.get(reverse("planning:file", args=[plan.pk])).status_code == 404


def test_form_shows_the_service_refusal(world, bg_plan):
    client = login_client(world.users["province_office"])
    response = client.post(reverse("planning:create"), {
        "province": "LP24", "year": "2024", "title": "Trùng năm"})
    assert response.status_code == 200
    assert "Đã có kế hoạch năm 2024 của đơn vị này." in response.content.decode()
    assert AnnualPlan.objects.count() == 1


def test_province_office_cannot_pick_another_province(world):
    client = login_client(world.users["province_office"])
    response = client.post(reverse("planning:create"), {
        "province": "P01", "year": "2026", "title": "Hà Nội"})
    assert response.status_code == 200 and not AnnualPlan.objects.exists()


def test_budget_form_refuses_disbursed_above_committed(world, bg_plan):
    client = login_client(world.users["province_office"])
    url = reverse("planning:budget_add", args=[bg_plan.pk])
    response = client.post(url, {"content": "promotion", "source": "province",
                                 "approved": "4.000.000.000", "committed": "1.000.000",
                                 "disbursed": "2.000.000"})
    assert response.status_code == 200
    assert "Số đã giải ngân không được vượt số đã cam kết." in response.content.decode()
    assert not BudgetLine.objects.exists()
    response = client.post(url, {"content": "promotion", "source": "province",
                                 "approved": "4.000.000.000", "committed": "1.000.000",
                                 "disbursed": "500.000"})
    assert response.status_code == 302
    assert BudgetLine.objects.get().approved == 4_000_000_000


def test_indicator_form_and_delete(world, bg_plan):
    client = login_client(world.users["province_office"])
    response = client.post(reverse("planning:indicator_add", args=[bg_plan.pk]),
                           {"kind": "upgrades", "target": "-1"})
    assert "Không được âm." in response.content.decode() and not Indicator.objects.exists()
    client.post(reverse("planning:indicator_add", args=[bg_plan.pk]),
                {"kind": "upgrades", "target": "5"})
    item = Indicator.objects.get()
    client.post(reverse("planning:indicator_edit", args=[bg_plan.pk, item.pk]), {"delete": "1"})
    assert not Indicator.objects.exists()


def test_approve_then_only_execution_changes(world, filled):
    client = login_client(world.users["province_office"])
    client.post(reverse("planning:approve", args=[filled.pk]))
    filled.refresh_from_db()
    assert filled.is_approved
    page = client.get(reverse("planning:detail", args=[filled.pk])).content.decode()
    assert "Đã phê duyệt" in page and "Thêm chỉ tiêu" not in page
    line = BudgetLine.objects.get()
    response = client.post(reverse("planning:budget_edit", args=[filled.pk, line.pk]), {
        "content": "promotion", "source": "local", "approved": "1",
        "committed": "2.000.000", "disbursed": "1.500.000"})
    assert response.status_code == 302
    line.refresh_from_db()
    # The disabled fields keep the decision's values; execution moved.
    assert (line.content, line.approved, line.committed, line.disbursed) == (
        "cycle", 20_900_000_000, 2_000_000, 1_500_000)
    assert client.get(reverse("planning:edit", args=[filled.pk])).status_code == 302


def test_english_page(world, filled):
    Registration.objects.all().delete()
    client = login_client(world.users["province_office"])
    client.cookies["django_language"] = "en"
    page = client.get(reverse("planning:detail", args=[filled.pk])).content.decode()
    assert "Targets and results" in page and "no training data yet" in page


def test_api_list_and_detail(world, filled):
    _token, raw = issue_api_token(user=world.users["inspector"], name="t",
                                  second_factor_passed=True)
    headers = {"Authorization": f"Bearer {raw}"}
    listing = Client().get("/api/v1/plans", headers=headers).json()
    assert listing["count"] == 1 and listing["results"][0]["province"] == "LP24"
    detail = Client().get(f"/api/v1/plans/{filled.pk}", headers=headers).json()
    cumulative = detail["indicators"][0]
    assert cumulative["kind"] == "recognised_cumulative" and cumulative["target"] == 350
    assert cumulative["actual"] == 5 and cumulative["periods"][-1]["value"] == 5
    assert detail["budget_approved"] in ("20900000000", 20900000000)
    assert date.fromisoformat(cumulative["periods"][0]["end"]) == date(2024, 3, 31)
