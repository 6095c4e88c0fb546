"""A stamp sheet requested in a real browser: the progress bar moves, then the download link
appears (htmx polling the status fragment; no inline script, so the CSP stays strict)."""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext, expect

from ocop.accounts.testing import signed_in_context
from ocop.core.browser_testing import no_sideways_scroll
from ocop.jobs import services
from ocop.jobs.models import Job

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_stamp_sheet_progress_then_download(new_context, live_server, chain, settings) -> None:
    # The queue keeps the job (no worker) so that the test decides when it moves on.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    context: BrowserContext = signed_in_context(new_context, live_server, chain.people["producer"],
                                                accept_downloads=True)
    page = context.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    page.goto(f"/truy-xuat/tem/{chain.batch.pk}/")
    no_sideways_scroll(page)  # the signed sample addresses wrap
    page.get_by_label("In từ sê-ri").fill("1")
    page.get_by_label("In đến sê-ri").fill("50")
    page.get_by_role("button", name="Tạo tờ tem (PDF)").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Tờ tem lô VS-2025-01, sê-ri 1–50")
    bar = page.get_by_role("progressbar", name="Tiến độ")
    expect(bar).to_have_attribute("value", "0")
    expect(page.get_by_text("Đang chờ đến lượt…")).to_be_visible()

    job = Job.objects.get()
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, done=1, total=3)
    expect(bar).to_have_attribute("value", "33")  # the fragment is polled every second
    expect(page.get_by_text("Đang thực hiện: 33% (1/3)")).to_be_visible()

    Job.objects.filter(pk=job.pk).update(status=Job.Status.QUEUED, done=0)
    services.run(job)
    link = page.get_by_role("link", name=f"Tải về tem-{chain.batch.pk}-1-50.pdf")
    expect(link).to_be_visible()
    with page.expect_download() as download:
        link.click()
    with open(download.value.path(), "rb") as fh:
        assert fh.read(5) == b"%PDF-"
    assert errors == []
