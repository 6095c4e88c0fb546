"""An inspector records a visit with photos while offline (issue #16, docs/offline.md), on a
phone-sized Chromium: the visit and its photos wait on the device and arrive after
reconnecting, once; a file that is not an image is refused with a message, the real photo is
kept with the time the device took it. A visit the server refuses is put back into the form,
corrected and sent again with its photos; a visit exported to a file (photos inside) is
imported by the province's office and the device's own later send changes nothing."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ocop.accounts.testing import signed_in_context
from ocop.core.browser_testing import PHONE
from ocop.inspections.models import HeldVisit, Visit, VisitPhoto
from ocop.inspections.tests.conftest import png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visit_with_photos_recorded_offline_arrives_after_reconnecting(iw, new_context,
                                                                        live_server):
    today = timezone.localdate()
    iw.plan.starts_on, iw.plan.ends_on = today - timedelta(days=30), today + timedelta(days=30)
    iw.plan.save()
    context = signed_in_context(new_context, live_server, iw.users["inspector"],
                                viewport=PHONE)
    page = context.new_page()
    page.goto(f"/kiem-tra/ke-hoach/{iw.plan.pk}/ghi-nhan/")
    expect(page.locator("html[data-offline-ready='1']")).to_have_count(1)
    expect(page.locator("#offline-cached")).to_contain_text("1 kế hoạch", timeout=15_000)

    context.set_offline(True)
    expect(page.locator("#offline-banner")).to_be_visible()
    page.get_by_label("Sản phẩm được kiểm tra").select_option(
        label=f"{iw.product.name} — {iw.product.producer.name}")
    page.get_by_label("Địa điểm").fill("Cơ sở sản xuất, xã Lục Ngạn")
    page.locator("#offline-photos").set_input_files([
        {"name": "nhan.png", "mimeType": "image/png", "buffer": png_bytes()},
        {"name": "khong-phai-anh.jpg", "mimeType": "image/jpeg",
         "buffer": b"<html><script>alert(1)</script></html>"},
    ])
    page.get_by_role("button", name="Lưu biên bản kiểm tra").click()
    expect(page.locator("#offline-pending-count")).to_have_text("1")
    assert not Visit.objects.exists()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    context.set_offline(False)
    expect(page.locator("#offline-queue li[data-state='sent']")).to_have_count(1, timeout=15_000)
    expect(page.locator("#offline-queue")).to_contain_text("khong-phai-anh.jpg")
    visit = Visit.objects.get()
    assert visit.client_id is not None and visit.place == "Cơ sở sản xuất, xã Lục Ngạn"
    photo = VisitPhoto.objects.get()
    assert photo.visit == visit and photo.original_name == "nhan.png"
    assert photo.captured_at is not None


def _inspector_page(iw, new_context, live_server, user="inspector"):
    today = timezone.localdate()
    iw.plan.starts_on, iw.plan.ends_on = today - timedelta(days=30), today + timedelta(days=30)
    iw.plan.save()
    context = signed_in_context(new_context, live_server, iw.users[user], viewport=PHONE)
    page = context.new_page()
    page.goto(f"/kiem-tra/ke-hoach/{iw.plan.pk}/ghi-nhan/")
    expect(page.locator("html[data-offline-ready='1']")).to_have_count(1)
    expect(page.locator("#offline-cached")).to_contain_text("1 kế hoạch", timeout=15_000)
    return context, page


def _fill_visit(iw, page, *, day, place="Cơ sở sản xuất, xã Lục Ngạn"):
    page.get_by_label("Sản phẩm được kiểm tra").select_option(
        label=f"{iw.product.name} — {iw.product.producer.name}")
    page.get_by_label("Ngày kiểm tra").fill(day.isoformat())
    page.get_by_label("Địa điểm").fill(place)
    page.locator("#offline-photos").set_input_files([
        {"name": "nhan.png", "mimeType": "image/png", "buffer": png_bytes()}])


def test_a_refused_visit_is_corrected_in_the_form_and_sent_again(iw, new_context, live_server):
    context, page = _inspector_page(iw, new_context, live_server)
    context.set_offline(True)
    # A day before the plan started: the server refuses it (422) once online.
    _fill_visit(iw, page, day=iw.plan.starts_on - timedelta(days=3))
    page.get_by_role("button", name="Lưu biên bản kiểm tra").click()
    expect(page.locator("#offline-pending-count")).to_have_text("1")
    first_id = page.evaluate("OcopQueue.all('queue')")[0]["client_id"]

    context.set_offline(False)
    refused = page.locator("#offline-queue li[data-state='refused']")
    expect(refused).to_contain_text("thời gian của kế hoạch", timeout=15_000)
    assert not Visit.objects.exists()

    context.set_offline(True)
    refused.get_by_role("button", name="Sửa và gửi lại").click()
    expect(page.locator("#offline-editing")).to_be_visible()
    expect(page.get_by_label("Địa điểm")).to_have_value("Cơ sở sản xuất, xã Lục Ngạn")
    expect(page.locator("#visit-form [data-offline-error]")).to_contain_text(
        "thời gian của kế hoạch")
    # The refused copy stays on the device until the corrected one is saved.
    assert [i["client_id"] for i in page.evaluate("OcopQueue.all('queue')")] == [first_id]
    page.get_by_label("Ngày kiểm tra").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Lưu biên bản kiểm tra").click()
    expect(page.locator("#offline-pending-count")).to_have_text("1")
    queue = page.evaluate("OcopQueue.all('queue')")
    assert len(queue) == 1 and queue[0]["client_id"] != first_id
    assert len(queue[0]["photos"]) == 1  # the photo of the refused copy goes with it
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    context.set_offline(False)
    expect(page.locator("#offline-queue li[data-state='sent']")).to_have_count(1, timeout=15_000)
    visit = Visit.objects.get()
    assert str(visit.client_id) == queue[0]["client_id"]
    assert visit.visited_on == timezone.localdate()
    assert VisitPhoto.objects.get().visit == visit


def test_a_visit_exported_with_its_photo_is_imported_by_the_office(iw, new_context,
                                                                   live_server):
    context, page = _inspector_page(iw, new_context, live_server)
    context.set_offline(True)
    _fill_visit(iw, page, day=timezone.localdate())
    page.get_by_role("button", name="Lưu biên bản kiểm tra").click()
    expect(page.locator("#offline-pending-count")).to_have_text("1")
    with page.expect_download() as download:
        page.get_by_role("button", name="Xuất biên bản chờ gửi ra tệp").click()
    path = Path(download.value.path())
    exported = json.loads(path.read_text(encoding="utf-8"))
    assert exported["kind"] == "ocop-bien-ban-cho-gui"
    assert exported["items"][0]["photos"][0]["name"] == "nhan.png"
    assert exported["items"][0]["photos"][0]["data"]
    expect(page.locator("#offline-export-note")).to_contain_text("Đã xuất tệp")

    # The office, online elsewhere, imports the file.
    _office_context, office = _inspector_page(iw, new_context, live_server, "province_office")
    office.goto(f"/kiem-tra/ke-hoach/{iw.plan.pk}/")
    office.get_by_role("link", name="Nhập tệp biên bản chờ gửi của người kiểm tra").click()
    office.get_by_label("Tệp biên bản chờ gửi (.json)").set_input_files(str(path))
    office.get_by_role("button", name="Nhập tệp").click()
    expect(office.locator("#import-report")).to_contain_text("Đã ghi nhận lần kiểm tra.")
    expect(office.locator("#import-report")).to_contain_text("nhan.png: Đã thêm ảnh.")
    assert office.evaluate("document.documentElement.scrollWidth") <= 390
    visit = Visit.objects.get()
    assert visit.inspector == iw.users["inspector"]
    assert VisitPhoto.objects.get().visit == visit

    # The inspector's device sends its own copy later: the same visit, nothing new.
    context.set_offline(False)
    expect(page.locator("#offline-queue li[data-state='sent']")).to_have_count(1, timeout=15_000)
    assert Visit.objects.count() == 1 and VisitPhoto.objects.count() == 1
    assert not HeldVisit.objects.exists()
