"""The provincial standing office requests the Q3 report in a real browser, watches the job's
progress bar, then downloads the report as Excel and as PDF."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from ocop.accounts.testing import confirmed_device
from ocop.jobs import services as jobs
from ocop.jobs.models import Job
from ocop.registry.tests.test_browser_registry import sign_in
from ocop.web.testing import menu_link

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_requests_q3_and_downloads_excel_and_pdf(page: Page, live_server, world,
                                                         settings):
    # The queue keeps the job (no worker) so that the test decides when it moves on.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    office = world.users["province_office"]
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    confirmed_device(office)  # staff sign in with two steps
    sign_in(page, live_server.url, office)
    page.set_viewport_size({"width": 390, "height": 844})

    menu_link(page, "Báo cáo").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Báo cáo định kỳ")
    page.get_by_label("Kỳ báo cáo").select_option(label="Quý")
    page.get_by_label(re.compile(r"^Năm")).fill("2024")
    page.get_by_label(re.compile(r"^Quý")).select_option(label="Quý III")
    page.get_by_role("button", name="Lập báo cáo (Excel và PDF)").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Báo cáo OCOP Thành phố Bắc Ninh, Quý III/2024")
    bar = page.get_by_role("progressbar", name="Tiến độ")
    expect(page.get_by_text("Đang chờ đến lượt…")).to_be_visible()
    job = Job.objects.get()
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, done=2, total=5)
    expect(bar).to_have_attribute("value", "40")  # the fragment is polled every second
    expect(page.get_by_text("Đang thực hiện: 40% (2/5)")).to_be_visible()

    Job.objects.filter(pk=job.pk).update(status=Job.Status.QUEUED, done=0)
    jobs.run(job)
    page.get_by_role("link", name="Xem và tải báo cáo (Excel, PDF)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Báo cáo OCOP Thành phố Bắc Ninh, Quý III/2024")

    with page.expect_download() as excel:
        page.get_by_role("link", name="Tải về Excel").click()
    assert excel.value.suggested_filename == "bao-cao-ocop-24-20240701-20240930.xlsx"
    with open(excel.value.path(), "rb") as fh:
        wb = load_workbook(BytesIO(fh.read()))
    summary = {r[0]: r[1] for r in wb["Tổng hợp"].iter_rows(min_row=2, values_only=True)}
    assert summary["Kỳ báo cáo"] == "Quý III/2024"
    with page.expect_download() as pdf:
        page.get_by_role("link", name="Tải về PDF").click()
    assert pdf.value.suggested_filename.endswith(".pdf")
    with open(pdf.value.path(), "rb") as fh:
        assert fh.read(5) == b"%PDF-"

    page.get_by_role("link", name="‹ Báo cáo định kỳ").click()
    expect(page.get_by_role("cell", name="Quý III/2024")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert errors == []
