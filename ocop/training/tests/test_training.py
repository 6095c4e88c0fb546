"""Training and support: who runs courses and registers whom, the refusals, and the producer's
own record of what it received."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from ocop.accounts.models import Role
from ocop.accounts.testing import login_client, make_user
from ocop.audit.models import AuditEntry
from ocop.core.refusals import Conflict, Forbidden, Invalid
from ocop.demo.training import build_demo_training
from ocop.registry.testing import TAX_CODES, make_producer
from ocop.training import selectors, services
from ocop.training.models import Course, Registration, Support, Topic

TODAY = date(2026, 3, 2)


@pytest.fixture
def w(units):
    class W:
        pass
    w = W()
    w.units = units
    w.luc_ngan = make_producer("HTX Vải thiều Lục Ngạn", units.xa_luc_ngan, TAX_CODES[0])
    w.bac_giang = make_producer("HTX Gà đồi Bắc Giang", units.phuong_bac_giang, TAX_CODES[1])
    hoan_kiem = units.ha_noi.children.filter(level="commune").first()
    w.hanoi = make_producer("HTX Hà Nội", hoan_kiem, TAX_CODES[2])
    w.office = make_user(Role.PROVINCE_OFFICE, unit=units.bac_ninh)
    w.hanoi_office = make_user(Role.PROVINCE_OFFICE, unit=units.ha_noi)
    w.central = make_user(Role.CENTRAL)
    w.commune = make_user(Role.COMMUNE_OFFICER, unit=units.xa_luc_ngan)
    w.inspector = make_user(Role.INSPECTOR, unit=units.bac_ninh)
    w.producer = make_user(Role.PRODUCER, producer=w.luc_ngan)
    w.course = services.create_course(
        actor=w.office, province=units.bac_ninh, kind=Course.Kind.COURSE, topic=Topic.DIGITAL,
        title="Bán hàng trên sàn thương mại điện tử", starts_on=date(2026, 3, 10),
        ends_on=date(2026, 3, 11), place="Trung tâm Khuyến nông", capacity=2,
        registration_closes_on=date(2026, 3, 8))
    return w


def test_course_dates_are_checked_and_nothing_is_saved(w):
    with pytest.raises(Invalid) as exc:
        services.create_course(actor=w.office, province=w.units.bac_ninh, topic=Topic.IP,
                               title="Nhãn hiệu", starts_on=date(2026, 5, 2),
                               ends_on=date(2026, 5, 1), place="Bắc Ninh",
                               registration_closes_on=date(2026, 5, 3))
    assert set(exc.value.fields) == {"ends_on", "registration_closes_on"}
    assert Course.objects.count() == 1


@pytest.mark.parametrize(("who", "allowed"), [
    ("office", True), ("central", True), ("hanoi_office", False), ("commune", False),
    ("inspector", False), ("producer", False)])
def test_who_creates_courses_in_bac_ninh(w, who, allowed):
    kwargs = dict(province=w.units.bac_ninh, topic=Topic.PACKAGING, title="Bao bì",
                  starts_on=date(2026, 4, 1), ends_on=date(2026, 4, 1), place="Bắc Ninh")
    if allowed:
        assert services.create_course(actor=getattr(w, who), **kwargs).pk
    else:
        with pytest.raises(Forbidden):
            services.create_course(actor=getattr(w, who), **kwargs)


@pytest.mark.parametrize(("who", "producer", "allowed"), [
    ("producer", "luc_ngan", True), ("producer", "bac_giang", False),
    ("commune", "luc_ngan", True), ("commune", "bac_giang", False),
    ("office", "bac_giang", True), ("central", "luc_ngan", True),
    ("inspector", "luc_ngan", False), ("office", "hanoi", False)])
def test_who_registers_whom(w, who, producer, allowed):
    call = dict(actor=getattr(w, who), course=w.course, producer=getattr(w, producer),
                attendee="Nguyễn Thị B", today=TODAY)
    if allowed:
        assert services.register(**call).status == Registration.Status.REGISTERED
    else:
        with pytest.raises(Forbidden):
            services.register(**call)


def test_registration_closes_fills_up_and_refuses_twice(w):
    services.register(actor=w.producer, course=w.course, producer=w.luc_ngan,
                      attendee="Nguyễn Thị B", today=TODAY)
    with pytest.raises(Conflict) as twice:
        services.register(actor=w.office, course=w.course, producer=w.luc_ngan,
                          attendee="Người khác", today=TODAY)
    assert twice.value.code == "training.already_registered"
    third = make_producer("HTX Thứ ba", w.units.xa_luc_ngan, TAX_CODES[3])
    services.register(actor=w.office, course=w.course, producer=w.bac_giang, attendee="C",
                      today=TODAY)
    with pytest.raises(Conflict) as full:
        services.register(actor=w.office, course=w.course, producer=third, attendee="D",
                          today=TODAY)
    assert full.value.code == "training.full"
    with pytest.raises(Forbidden) as late:
        services.register(actor=w.office, course=w.course, producer=third, attendee="D",
                          today=date(2026, 3, 9))
    assert late.value.code == "training.closed"
    assert Registration.objects.count() == 2


def test_attendance_from_the_first_day_and_the_producer_record(w):
    registration = services.register(actor=w.producer, course=w.course, producer=w.luc_ngan,
                                     attendee="Nguyễn Thị B", today=TODAY)
    with pytest.raises(Conflict):
        services.mark_attendance(actor=w.office, registration=registration, attended=True,
                                 today=TODAY)
    with pytest.raises(Forbidden):
        services.mark_attendance(actor=w.commune, registration=registration, attended=True,
                                 today=date(2026, 3, 10))
    services.mark_attendance(actor=w.office, registration=registration, attended=True,
                             today=date(2026, 3, 10))
    services.record_support(actor=w.office, producer=w.luc_ngan, kind=Support.Kind.PACKAGING,
                            given_on=date(2026, 3, 12), amount=Decimal(15_000_000),
                            description="Thiết kế hộp quà vải thiều", today=date(2026, 3, 12))
    services.record_support(actor=w.office, producer=w.luc_ngan, kind=Support.Kind.FAIR,
                            given_on=date(2026, 3, 12), amount=Decimal(30_000_000),
                            description="Gian hàng hội chợ OCOP", today=date(2026, 3, 12))
    assert selectors.producers_trained(w.units.bac_ninh.pk, 2026) == 1
    assert selectors.producers_trained(w.units.ha_noi.pk, 2026) == 0
    assert selectors.support_spent(w.units.bac_ninh.pk, 2026) == Decimal(45_000_000)
    page = login_client(w.producer).get(
        reverse("registry:producer_detail", args=[w.luc_ngan.pk])).content.decode()
    assert "Đào tạo, hỗ trợ đã nhận" in page
    assert "Đã tham dự 1 lớp; nhận 2 lần hỗ trợ, trị giá 45.000.000 đồng." in page
    record = login_client(w.producer).get(reverse("training:producer", args=[w.luc_ngan.pk]))
    assert "Thiết kế hộp quà vải thiều" in record.content.decode()
    other = login_client(make_user(Role.PRODUCER, producer=w.bac_giang))
    assert other.get(reverse("training:producer", args=[w.luc_ngan.pk])).status_code == 404
    assert list(AuditEntry.objects.filter(action__startswith="training.").order_by("id")
                .values_list("action", flat=True))[-3:] == [
        "training.registration.attendance", "training.support.create",
        "training.support.create"]


@pytest.mark.parametrize(("field", "value", "code"), [
    ("amount", Decimal(20_000_000_000), "amount"), ("given_on", date(2026, 4, 1), "given_on")])
def test_absurd_support_is_refused(w, field, value, code):
    data = dict(producer=w.luc_ngan, kind=Support.Kind.MONEY, given_on=date(2026, 3, 1),
                amount=Decimal(1_000_000), description="Hỗ trợ", today=TODAY)
    data[field] = value
    with pytest.raises(Invalid) as exc:
        services.record_support(actor=w.office, **data)
    assert code in exc.value.fields
    assert not Support.objects.exists()


def test_support_is_recorded_only_by_the_producers_province(w):
    with pytest.raises(Forbidden):
        services.record_support(actor=w.hanoi_office, producer=w.luc_ngan,
                                kind=Support.Kind.MONEY, given_on=TODAY, description="x",
                                today=TODAY)


def test_a_negative_amount_is_refused_on_the_page(w):
    page = login_client(w.office).post(reverse("training:support_create"), {
        "producer": w.luc_ngan.pk, "kind": "money", "given_on": "2026-01-05",
        "amount": "-5", "description": "Hỗ trợ"})
    assert page.status_code == 200 and not Support.objects.exists()
    assert "Số tiền không được âm." in page.content.decode()


def test_courses_and_supports_stay_in_their_province(w):
    services.create_course(actor=w.hanoi_office, province=w.units.ha_noi, topic=Topic.OCOP,
                           title="Lớp Hà Nội", starts_on=date(2026, 4, 1),
                           ends_on=date(2026, 4, 1), place="Hà Nội")
    for who, titles in (("office", {"Bán hàng trên sàn thương mại điện tử"}),
                        ("producer", {"Bán hàng trên sàn thương mại điện tử"}),
                        ("commune", {"Bán hàng trên sàn thương mại điện tử"}),
                        ("hanoi_office", {"Lớp Hà Nội"}),
                        ("central", {"Bán hàng trên sàn thương mại điện tử", "Lớp Hà Nội"})):
        assert set(selectors.courses_for(getattr(w, who)).values_list("title", flat=True)) \
            == titles, who
    hanoi_course = Course.objects.get(title="Lớp Hà Nội")
    assert login_client(w.producer).get(
        reverse("training:course", args=[hanoi_course.pk])).status_code == 404


def test_a_producer_registers_through_the_page(w, settings):
    client = login_client(w.producer)
    closed = client.get(reverse("training:course", args=[w.course.pk])).content.decode()
    assert "Lớp đã hết hạn đăng ký." in closed and 'name="attendee"' not in closed
    # The page's "today" is the real one; move the course ahead of it.
    today = timezone.localdate()
    Course.objects.filter(pk=w.course.pk).update(
        starts_on=today + timedelta(days=10), ends_on=today + timedelta(days=10),
        registration_closes_on=today + timedelta(days=5))
    page = client.get(reverse("training:course", args=[w.course.pk])).content.decode()
    # A producer registers only itself: the other producer of the province is not offered.
    assert "Đăng ký tham dự" in page and "HTX Gà đồi Bắc Giang" not in page
    response = client.post(reverse("training:course", args=[w.course.pk]),
                           {"producer": w.luc_ngan.pk, "attendee": "Nguyễn Thị B"})
    assert response.status_code == 302
    assert Registration.objects.get().attendee == "Nguyễn Thị B"


def test_demo_training_goes_through_the_services(w):
    make_user(Role.PRODUCER, producer=w.luc_ngan, username="demo-chuthe")
    Course.objects.all().delete()
    assert build_demo_training() == 2
    assert build_demo_training() == 0  # once only
    assert selectors.producers_trained(w.units.bac_ninh.pk, 2024) == 1
    assert selectors.support_spent(w.units.bac_ninh.pk, 2024) == Decimal(45_000_000)
    coming = Course.objects.get(kind=Course.Kind.WORKSHOP)
    assert coming.starts_on > timezone.localdate()  # open for registration in the demo


def test_central_creates_a_course_for_a_province_it_chooses(w):
    client = login_client(w.central)
    assert client.get(reverse("training:course_create")).status_code == 200
    response = client.post(reverse("training:course_create"), {
        "province": w.units.ha_noi.pk, "kind": "course", "topic": "ocop", "title": "Lớp OCOP",
        "starts_on": "2026-12-10", "ends_on": "2026-12-10", "place": "Hà Nội", "capacity": 0})
    assert response.status_code == 302
    assert Course.objects.get(title="Lớp OCOP").province == w.units.ha_noi
    assert login_client(w.commune).get(reverse("training:course_create")).status_code == 403
