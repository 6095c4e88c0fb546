"""In a real browser, phone-sized, in Vietnamese: an inspector records a visit with a failing
finding and proposes a revocation; the standing office completes it; the certificate page and
the public verification page give the reason, naming the visit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from ocop.accounts.models import User
from ocop.accounts.testing import signed_in_context
from ocop.certificates.models import Certificate
from ocop.core.browser_testing import PHONE
from ocop.inspections.models import ProposalState, RevocationProposal, Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "Chủ thể dùng nhãn OCOP sai hạng sao trên bao bì."


@pytest.fixture
def console_errors() -> list[str]:
    return []


@pytest.fixture
def as_user(new_context, live_server, console_errors):
    def sign_in(user: User) -> Page:
        context: BrowserContext = signed_in_context(new_context, live_server, user,
                                                    viewport=PHONE)
        page = context.new_page()
        page.on("console", lambda msg: console_errors.append(msg.text)
                if msg.type == "error" else None)
        return page

    return sign_in


def test_inspector_proposes_and_office_completes_a_revocation(iw, as_user, new_context,
                                                              live_server, console_errors):
    today = timezone.localdate()
    iw.plan.starts_on, iw.plan.ends_on = today - timedelta(days=30), today + timedelta(days=30)
    iw.plan.save()
    certificate = iw.certificate

    inspector = as_user(iw.users["inspector"])
    inspector.goto("/kiem-tra/")
    expect(inspector.locator("html")).to_have_attribute("lang", "vi")
    inspector.get_by_role("link", name=iw.plan.title).click()
    inspector.get_by_role("link", name="Ghi nhận lần kiểm tra").click()
    inspector.get_by_label("Sản phẩm được kiểm tra").select_option(label=(
        f"{iw.product.name} — {iw.product.producer.name}"))
    inspector.get_by_label("Địa điểm").fill("Cơ sở sản xuất, xã Lục Ngạn")
    label_item = inspector.locator("fieldset", has_text="Nhãn sản phẩm và việc sử dụng nhãn")
    label_item.get_by_label("Không đạt").check()
    label_item.get_by_label("Ghi chú").fill("Bao bì in 5 sao, giấy chứng nhận 4 sao.")
    inspector.get_by_role("button", name="Lưu biên bản kiểm tra").click()
    expect(inspector.get_by_text("Đã ghi nhận lần kiểm tra.")).to_be_visible()
    visit = Visit.objects.get()
    expect(inspector.get_by_role("heading", name=f"Biên bản kiểm tra {visit.reference}")) \
        .to_be_visible()
    expect(inspector.locator('[data-finding="label"]')).to_contain_text("Không đạt")

    inspector.get_by_label("Lý do đề nghị thu hồi").fill(REASON)
    inspector.get_by_role("button", name="Đề nghị thu hồi").click()
    expect(inspector.get_by_text(
        "Đã gửi đề nghị thu hồi giấy chứng nhận tới cơ quan thường trực.")).to_be_visible()
    expect(inspector.locator("[data-proposal]")).to_have_text("Chờ cơ quan thường trực xử lý")
    proposal = RevocationProposal.objects.get()

    office = as_user(iw.users["province_office"])
    office.goto("/kiem-tra/")
    office.get_by_role("link", name=proposal.reference).click()
    expect(office.get_by_text(REASON).first).to_be_visible()
    office.get_by_label("Số quyết định thu hồi").fill("88/QĐ-UBND")
    office.get_by_role("button", name="Thu hồi giấy chứng nhận").click()
    expect(office.get_by_text(f"Đã thu hồi giấy chứng nhận {certificate.number}.")) \
        .to_be_visible()
    expect(office.get_by_role("heading", name=f"Giấy chứng nhận {certificate.number}")) \
        .to_be_visible()
    evidence = office.locator("[data-evidence]")
    expect(evidence).to_have_text(
        f"Biên bản kiểm tra {visit.reference} ngày {visit.visited_on:%d/%m/%Y}")
    expect(office.get_by_text(REASON, exact=False)).to_be_visible()
    evidence.click()
    expect(office.get_by_role("heading", name=f"Biên bản kiểm tra {visit.reference}")) \
        .to_be_visible()

    public = new_context(base_url=live_server.url).new_page()
    public.goto(f"/verify/{certificate.number}")
    expect(public.get_by_role("status")).to_contain_text("Đã bị thu hồi")
    expect(public.get_by_text(visit.reference, exact=False)).to_be_visible()

    proposal.refresh_from_db()
    assert proposal.state == ProposalState.COMPLETED
    assert Certificate.objects.get(pk=certificate.pk).revocation_decision_number == "88/QĐ-UBND"
    assert console_errors == []


def test_a_consumer_reports_from_the_verification_page(iw, new_context, live_server,
                                                       console_errors):
    phone = new_context(base_url=live_server.url, viewport={"width": 390, "height": 844}) \
        .new_page()
    phone.goto(f"/verify/{iw.certificate.number}")
    phone.get_by_role("link", name="Báo cáo sản phẩm nghi giả / vi phạm").click()
    expect(phone.get_by_label("Số giấy chứng nhận OCOP (nếu có)")) \
        .to_have_value(iw.certificate.number)
    phone.get_by_label("Nội dung phản ánh").fill("Bao bì in mờ, tem không quét được.")
    phone.get_by_role("button", name="Gửi phản ánh").click()
    expect(phone.get_by_role("status")).to_contain_text("Đã gửi phản ánh PA-")
