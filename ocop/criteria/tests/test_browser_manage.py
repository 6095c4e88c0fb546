"""Managing criteria sets in a real browser (issue 10): the central office downloads the Excel
template of a product set, uploads a broken copy and reads the validation report, uploads the
corrected file, reads the preview and the diff, test-scores and activates it; a producer of that
product set then opens a dossier and self-scores on the new version."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from ocop.accounts.models import User
from ocop.accounts.testing import signed_in_context
from ocop.criteria import selectors
from ocop.criteria.tests import workbooks as wb
from ocop.dossiers.models import Dossier
from ocop.dossiers.testing import cycle

__all__ = ["cycle"]
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE = "148-rau-cu-qua-hat-tuoi-minh-hoa"


@pytest.fixture
def console_errors() -> list[str]:
    return []


@pytest.fixture
def as_user(new_context, live_server, console_errors):
    """A fresh browser signed in as ``user`` (session made server-side; the login page has its
    own browser tests)."""

    def sign_in(user: User) -> Page:
        context: BrowserContext = signed_in_context(new_context, live_server, user,
                                                    accept_downloads=True)
        page = context.new_page()
        page.on("console", lambda msg: console_errors.append(msg.text)
                if msg.type == "error" else None)
        return page

    return sign_in


def criterion(page: Page, code: str):
    return page.get_by_role("radiogroup", name=re.compile(rf"^{re.escape(code)} "))


def upload(page: Page, path) -> None:
    page.get_by_label("Tệp phiếu chấm (.xlsx hoặc .yaml)").set_input_files(str(path))
    page.get_by_role("button", name="Kiểm tra và lưu chờ kích hoạt").click()


def test_central_office_publishes_a_sheet_and_a_producer_scores_on_it(cycle, as_user, tmp_path,
                                                                      console_errors):
    central = as_user(cycle.users["central"])
    central.goto("/tieu-chi/")
    central.get_by_role("link", name="Quản lý bộ tiêu chí").click()
    expect(central.get_by_role("heading", name="Quản lý bộ tiêu chí")).to_be_visible()

    # The template of the product set: its current sheet, next version number filled in.
    row = central.locator(f'#templates tr[data-product-set="{cycle.product_set.code}"]')
    with central.expect_download() as download:
        row.get_by_role("link", name="Tải mẫu Excel").click()
    template = download.value.path().read_bytes()

    # A broken copy: an option without points and a mandatory rule naming no criterion.
    broken = tmp_path / "phieu-loi.xlsx"
    broken.write_bytes(wb.edited(template, wb.option_without_points, wb.rule_unknown_criterion))
    upload(central, broken)
    report = central.locator("#report")
    expect(report).to_contain_text("Tệp chưa dùng được: có 2 lỗi")
    expect(report.get_by_role("cell", name="trang tính “criteria”, dòng 4, cột M (points)")) \
        .to_be_visible()
    expect(report.get_by_role("cell", name="trang tính “mandatory”, dòng 2, cột C (criterion)")) \
        .to_be_visible()
    expect(central.locator("#staged")).to_contain_text("Không có tệp nào chờ kích hoạt.")

    # Fixed: A1 option c worth 3 points instead of 4.
    fixed = tmp_path / "phieu.xlsx"
    fixed.write_bytes(wb.edited(template, wb.cheaper_a1_c))
    upload(central, fixed)
    expect(central.get_by_text("Chờ kích hoạt — chưa dùng để chấm")).to_be_visible()
    change = central.locator("#diff tbody tr")
    expect(change).to_have_count(1)
    expect(change).to_contain_text("Lựa chọn A1 / c — điểm")
    expect(change.get_by_role("cell", name="4", exact=True)).to_be_visible()
    expect(change.get_by_role("cell", name="3", exact=True)).to_be_visible()
    criterion(central, "A1").get_by_role("radio", name=re.compile("^Từ 75% đến 100% nguyên liệu "
                                                                    "từ địa phương")).check()
    expect(central.get_by_test_id("total")).to_have_text("3,00 / 100")

    central.get_by_label("Áp dụng từ ngày").fill(timezone.localdate().isoformat())
    central.get_by_role("button", name="Kích hoạt phiếu").click()
    expect(central.get_by_text(re.compile(r"^Đã kích hoạt .* phiên bản 2"))).to_be_visible()
    assert selectors.sheet_for(cycle.product_set, timezone.localdate()).version == 2

    # A producer of that product set opens a dossier and self-scores on version 2.
    producer = as_user(cycle.users["producer"])
    product = cycle.products["own"]
    producer.goto("/ho-so/")
    producer.get_by_role("link", name="Lập hồ sơ").click()
    producer.get_by_label("Sản phẩm").select_option(label=f"{product.name} — "
                                                          f"{product.producer.name}")
    producer.get_by_role("button", name="Lập hồ sơ nháp").click()
    expect(producer.get_by_text("Đã lập hồ sơ nháp.")).to_be_visible()
    # The dossier names its sheet by title and version, never by its code.
    expect(producer.get_by_text(re.compile(r"\(phiên bản 2\)")).first).to_be_visible()
    expect(producer.get_by_role("note").filter(has_text="Bộ tiêu chí minh họa")).to_be_visible()
    criterion(producer, "A1").get_by_role("radio", name=re.compile("^Từ 75% đến 100% nguyên "
                                                                     "liệu từ địa phương")).check()
    expect(producer.get_by_test_id("total")).to_have_text("3,00 / 100")
    dossier = Dossier.objects.get(product=product)
    assert dossier.criteria_set.version == 2 and dossier.self_assessment == {"A1": "c"}
    assert console_errors == []
