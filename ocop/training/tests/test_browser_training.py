"""A producer registers for a coming workshop on a phone, then sees it among its trainings; the
office marks attendance once the workshop has started. In Vietnamese."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ocop.accounts.models import Role
from ocop.accounts.testing import make_user, signed_in_context
from ocop.registry import services as registry
from ocop.registry.models import LegalForm
from ocop.training import services
from ocop.training.models import Course, Registration, Topic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _signed_in(new_context, live_server, user):
    context = signed_in_context(new_context, live_server, user)
    page = context.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    return page


def test_a_producer_registers_for_a_training(new_context, live_server, units):
    producer = registry.create_producer(actor=None, data={
        "legal_form": LegalForm.COOPERATIVE, "name": "HTX Vải thiều Phì Điền",
        "tax_code": "0100109106", "commune": units.xa_luc_ngan,
        "representative_name": "Nguyễn Văn Hải"})
    office = make_user(Role.PROVINCE_OFFICE, unit=units.bac_ninh)
    soon = timezone.localdate() + timedelta(days=14)
    course = services.create_course(
        actor=office, province=units.bac_ninh, kind=Course.Kind.WORKSHOP,
        topic=Topic.PACKAGING, title="Thiết kế bao bì sản phẩm OCOP", starts_on=soon,
        ends_on=soon, place="Hội trường UBND xã Lục Ngạn", capacity=30)
    page = _signed_in(new_context, live_server, make_user(Role.PRODUCER, producer=producer))
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    page.goto("/dao-tao/")
    page.get_by_role("link", name="Thiết kế bao bì sản phẩm OCOP").click()
    expect(page.get_by_role("heading", name="Đăng ký tham dự")).to_be_visible()
    page.get_by_label(re.compile(r"^Người tham dự")).fill("Nguyễn Văn Hải")
    page.get_by_role("button", name="Đăng ký", exact=True).click()
    expect(page.get_by_text("Đã đăng ký tham dự.")).to_be_visible()
    expect(page.get_by_role("cell", name=re.compile(r"Đã đăng ký$"))).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    registration = Registration.objects.get()
    assert registration.producer == producer and registration.course == course

    # The workshop day: the office marks the producer present.
    today = timezone.localdate()
    Course.objects.filter(pk=course.pk).update(starts_on=today, ends_on=today)
    office_page = _signed_in(new_context, live_server, office)
    office_page.goto(f"/dao-tao/{course.pk}/")
    office_page.get_by_role("button", name="Có mặt").click()
    expect(office_page.get_by_role("cell", name=re.compile(r"Đã tham dự$"))).to_be_visible()
    page.goto(f"/chu-the/{producer.pk}/")
    expect(page.get_by_text("Đã tham dự 1 lớp; nhận 0 lần hỗ trợ, trị giá 0 đồng.")).to_be_visible()
    assert errors == []
