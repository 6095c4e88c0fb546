"""Fairs services: the calendar's dates, who applies and with what, the review and booth
allocation within capacity, results and closing; every refusal leaves nothing half-saved."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from ocop.audit.models import AuditEntry
from ocop.core.refusals import Conflict, Forbidden, Invalid
from ocop.fairs import services
from ocop.fairs.models import Application, BoothClass, Event
from ocop.fairs.tests.conftest import event_kwargs
from ocop.notifications.models import Notification
from ocop.notifications.verbs import render_text

pytestmark = pytest.mark.django_db


def _apply(fw, producer=None, products=None, actor=None, today=None, **extra):
    producer = producer or fw.luc_ngan
    return services.apply(actor=actor or fw.producer, event=fw.event, producer=producer,
                          products=products if products is not None else [fw.litchi],
                          today=today or fw.today, **extra)


# --- The calendar ---------------------------------------------------------------------------


@pytest.mark.parametrize(("changes", "fields"), [
    ({"ends_on": -1}, {"ends_on"}),
    ({"applications_close_on": 31}, {"applications_close_on"}),  # window after the opening
    ({"applications_open_on": 25}, {"applications_close_on"}),  # closes before it opens
    ({"applications_open_on": None}, {"applications_open_on"}),
    ({"applications_close_on": None}, {"applications_close_on"}),
])
def test_dates_that_make_no_sense_are_refused_and_nothing_is_saved(fw, changes, fields):
    kwargs = event_kwargs(fw.today, name="Hội chợ sai ngày")
    for name, days in changes.items():
        kwargs[name] = None if days is None else fw.today + timedelta(days=days)
    with pytest.raises(Invalid) as exc:
        services.create_event(actor=fw.office, province=fw.units.bac_ninh, **kwargs)
    assert set(exc.value.fields) == fields
    assert all(exc.value.fields.values())
    assert not Event.objects.filter(name="Hội chợ sai ngày").exists()
    assert BoothClass.objects.count() == 2


def test_an_event_taking_applications_needs_booths_and_sane_booth_classes(fw):
    for booths, code in [([], "fairs.no_booth_class"),
                         ([("Gian A", 3), ("gian a", 2)], "fairs.booth_class_twice"),
                         ([("Gian A", 0)], "fairs.booth_class_capacity")]:
        with pytest.raises(Invalid) as exc:
            services.create_event(actor=fw.office, province=fw.units.bac_ninh,
                                  **event_kwargs(fw.today, name="Thiếu gian", booth_classes=booths))
        assert exc.value.code == code
    assert Event.objects.count() == 1
    honouring = services.create_event(
        actor=fw.office, province=fw.units.bac_ninh, kind=Event.Kind.HONOURING,
        name="Lễ tôn vinh", starts_on=fw.today, ends_on=fw.today, venue="Hội trường",
        organiser="UBND tỉnh")
    assert not honouring.takes_applications
    with pytest.raises(Forbidden) as no:
        services.apply(actor=fw.producer, event=honouring, producer=fw.luc_ngan,
                       products=[fw.litchi], today=fw.today)
    assert no.value.code == "fairs.no_applications"


@pytest.mark.parametrize(("who", "allowed"), [
    ("office", True), ("central", True), ("admin", True), ("hanoi_office", False),
    ("commune", False), ("inspector", False), ("council", False), ("producer", False)])
def test_who_keeps_the_calendar_of_bac_ninh(fw, who, allowed):
    call = dict(actor=getattr(fw, who), province=fw.units.bac_ninh,
                **event_kwargs(fw.today, name="Tuần hàng vải thiều"))
    if allowed:
        event = services.create_event(**call)
        assert services.update_event(actor=getattr(fw, who), event=event,
                                     venue="Nhà văn hoá").venue == "Nhà văn hoá"
    else:
        with pytest.raises(Forbidden):
            services.create_event(**call)
        with pytest.raises(Forbidden):
            services.update_event(actor=getattr(fw, who), event=fw.event, venue="Khác")


def test_a_booth_class_is_never_shrunk_below_its_allocations(fw):
    standard = fw.event.booth_classes.get(name="Gian tiêu chuẩn")
    for n, application in enumerate([_apply(fw), _apply(fw, fw.bac_giang, [fw.chicken],
                                                         actor=fw.office)]):
        services.accept(actor=fw.office, application=application, booth_class=standard,
                        booth_number=f"A{n}", today=fw.today)
    with pytest.raises(Invalid) as exc:
        services.save_booth_class(actor=fw.office, event=fw.event, name="Gian tiêu chuẩn",
                                  capacity=1, booth_class=standard)
    assert exc.value.code == "fairs.below_allocated"
    assert "Đã xếp 2 gian loại này" in exc.value.fields["capacity"]
    with pytest.raises(Invalid) as zero:
        services.save_booth_class(actor=fw.office, event=fw.event, name="Gian góc", capacity=0)
    assert zero.value.code == "fairs.booth_class_capacity"
    with pytest.raises(Invalid) as twice:
        services.save_booth_class(actor=fw.office, event=fw.event, name="gian góc", capacity=3)
    assert set(twice.value.fields) == {"name"}
    with pytest.raises(Forbidden):
        services.save_booth_class(actor=fw.commune, event=fw.event, name="Gian mới", capacity=3)
    premium = services.save_booth_class(actor=fw.office, event=fw.event, name="Gian cao cấp",
                                        capacity=2)
    assert premium.pk and fw.event.booth_classes.count() == 3
    standard.refresh_from_db()
    assert standard.capacity == 2


# --- Applications ---------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "producer", "allowed"), [
    ("producer", "luc_ngan", True), ("producer", "bac_giang", False),
    ("office", "bac_giang", True), ("central", "luc_ngan", True),
    ("commune", "luc_ngan", False), ("inspector", "luc_ngan", False),
    ("council", "luc_ngan", False), ("hanoi_office", "luc_ngan", False),
    ("chicken_producer", "bac_giang", True)])
def test_who_applies_for_whom(fw, who, producer, allowed):
    producer = getattr(fw, producer)
    products = [fw.litchi if producer == fw.luc_ngan else fw.chicken]
    if allowed:
        application = _apply(fw, producer, products, actor=getattr(fw, who))
        assert application.status == Application.Status.SUBMITTED
        assert list(application.products.all()) == products
        assert AuditEntry.objects.filter(action="fairs.application.create").exists()
    else:
        with pytest.raises(Forbidden):
            _apply(fw, producer, products, actor=getattr(fw, who))
        assert not Application.objects.exists()


@pytest.mark.parametrize("days", [-6, 21, 40])
def test_applications_only_inside_the_window(fw, days):
    with pytest.raises(Forbidden) as exc:
        _apply(fw, today=fw.today + timedelta(days=days))
    assert exc.value.code == "fairs.window_closed"
    assert "Ngoài thời gian nhận đăng ký" in exc.value.message
    assert _apply(fw, today=fw.today + timedelta(days=20)).pk  # the last day still counts


def test_only_holders_of_a_valid_certificate_apply_with_their_certified_products(fw):
    with pytest.raises(Conflict) as none:
        _apply(fw, fw.uncertified, [], actor=fw.uncertified_producer)
    assert none.value.code == "fairs.not_certified"
    assert "chưa có sản phẩm nào còn giấy chứng nhận OCOP hiệu lực" in none.value.message
    for products, message in [
        ([], "Chọn ít nhất một sản phẩm OCOP"),
        ([fw.chicken], "không thuộc chủ thể này"),
        ([fw.litchi, fw.honey], "Mật ong vải không đủ điều kiện"),
    ]:
        with pytest.raises(Invalid) as exc:
            _apply(fw, products=products)
        assert message in exc.value.fields["products"]
    other = services.create_event(actor=fw.office, province=fw.units.bac_ninh,
                                  **event_kwargs(fw.today, name="Tuần hàng khác"))
    with pytest.raises(Invalid) as wrong_booth:
        _apply(fw, booth_wanted=other.booth_classes.first())
    assert set(wrong_booth.value.fields) == {"booth_wanted"}
    assert not Application.objects.exists()


def test_an_expired_certificate_no_longer_qualifies(fw):
    later = fw.today + timedelta(days=2000)
    event = services.create_event(actor=fw.office, province=fw.units.bac_ninh,
                                  **event_kwargs(later, name="Hội chợ năm sau nữa"))
    with pytest.raises(Conflict) as exc:
        services.apply(actor=fw.producer, event=event, producer=fw.luc_ngan,
                       products=[fw.litchi], today=later)
    assert exc.value.code == "fairs.not_certified"


def test_one_application_per_producer_and_event(fw):
    _apply(fw)
    with pytest.raises(Conflict) as twice:
        _apply(fw, actor=fw.office)
    assert twice.value.code == "fairs.already_applied"
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(event=fw.event, producer=fw.luc_ngan)
    assert Application.objects.count() == 1


def test_a_provincial_event_is_for_the_province_a_national_one_for_all(fw):
    with pytest.raises(Forbidden) as exc:
        _apply(fw, fw.hanoi, [fw.tea], actor=fw.hanoi_producer)
    assert exc.value.code == "fairs.other_province"
    services.update_event(actor=fw.office, event=fw.event, open_to=Event.OpenTo.NATIONAL)
    assert _apply(fw, fw.hanoi, [fw.tea], actor=fw.hanoi_producer).pk


# --- Review and booths ----------------------------------------------------------------------


def test_accept_waitlist_refuse_and_the_producer_is_told(fw):
    application = _apply(fw, notes="Xin gian gần cửa")
    office_note = Notification.objects.get(recipient=fw.office)
    assert render_text(office_note.verb, office_note.data) == (
        "HTX Vải thiều Lục Ngạn đăng ký gian hàng tại “Hội chợ OCOP tỉnh Bắc Ninh”, cần xét "
        "duyệt.")
    corner = fw.event.booth_classes.get(name="Gian góc")
    services.waitlist(actor=fw.office, application=application, today=fw.today)
    services.accept(actor=fw.office, application=application, booth_class=corner,
                    booth_number=" B1 ", today=fw.today)
    application.refresh_from_db()
    assert (application.status, application.booth_class, application.booth_number) == (
        Application.Status.ACCEPTED, corner, "B1")
    texts = [render_text(n.verb, n.data) for n in
             Notification.objects.filter(recipient=fw.producer).order_by("pk")]
    assert texts == [
        "Đăng ký gian hàng tại “Hội chợ OCOP tỉnh Bắc Ninh” đang trong danh sách chờ.",
        "Đăng ký gian hàng tại “Hội chợ OCOP tỉnh Bắc Ninh” được nhận: Gian góc, gian số B1.",
    ]
    with pytest.raises(Invalid) as no_reason:
        services.refuse(actor=fw.office, application=application, reason="  ", today=fw.today)
    assert set(no_reason.value.fields) == {"reason"}
    services.refuse(actor=fw.office, application=application, reason="Hết chỗ cho nhóm hàng.",
                    today=fw.today)
    application.refresh_from_db()
    assert (application.status, application.booth_class, application.booth_number) == (
        Application.Status.REFUSED, None, "")
    assert render_text(*Notification.objects.filter(recipient=fw.producer).values_list(
        "verb", "data").latest("pk")).endswith("không được nhận: Hết chỗ cho nhóm hàng.")


@pytest.mark.parametrize(("who", "allowed"), [
    ("office", True), ("central", True), ("hanoi_office", False), ("commune", False),
    ("inspector", False), ("producer", False), ("council", False)])
def test_who_reviews(fw, who, allowed):
    application = _apply(fw)
    booth = fw.event.booth_classes.first()
    if allowed:
        services.accept(actor=getattr(fw, who), application=application, booth_class=booth,
                        booth_number="A1", today=fw.today)
    else:
        with pytest.raises(Forbidden):
            services.accept(actor=getattr(fw, who), application=application, booth_class=booth,
                            booth_number="A1", today=fw.today)
        with pytest.raises(Forbidden):
            services.waitlist(actor=getattr(fw, who), application=application, today=fw.today)


def test_allocation_never_over_capacity_nor_twice_the_same_booth(fw):
    services.update_event(actor=fw.office, event=fw.event, open_to=Event.OpenTo.NATIONAL)
    first = _apply(fw)
    second = _apply(fw, fw.bac_giang, [fw.chicken], actor=fw.office)
    third = _apply(fw, fw.hanoi, [fw.tea], actor=fw.office)
    corner = fw.event.booth_classes.get(name="Gian góc")  # one booth
    services.accept(actor=fw.office, application=first, booth_class=corner, booth_number="G1",
                    today=fw.today)
    with pytest.raises(Conflict) as full:
        services.accept(actor=fw.office, application=second, booth_class=corner,
                        booth_number="G2", today=fw.today)
    assert full.value.code == "fairs.booth_class_full"
    assert "Đã hết gian loại “Gian góc” (1/1 gian đã xếp)" in full.value.message
    # Accepting the same application again (a new booth number) does not count it twice.
    services.accept(actor=fw.office, application=first, booth_class=corner, booth_number="G9",
                    today=fw.today)
    standard = fw.event.booth_classes.get(name="Gian tiêu chuẩn")
    with pytest.raises(Invalid) as taken:
        services.accept(actor=fw.office, application=second, booth_class=standard,
                        booth_number="G9", today=fw.today)
    assert "Gian số G9 đã xếp cho chủ thể khác" in taken.value.fields["booth_number"]
    with pytest.raises(Invalid) as missing:
        services.accept(actor=fw.office, application=second, booth_class=standard,
                        booth_number="", today=fw.today)
    assert set(missing.value.fields) == {"booth_number"}
    other = services.create_event(actor=fw.office, province=fw.units.bac_ninh,
                                  **event_kwargs(fw.today, name="Sự kiện khác"))
    with pytest.raises(Invalid) as foreign:
        services.accept(actor=fw.office, application=second,
                        booth_class=other.booth_classes.first(), booth_number="X1",
                        today=fw.today)
    assert set(foreign.value.fields) == {"booth_class"}
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == third.status == Application.Status.SUBMITTED
    assert Application.objects.filter(status=Application.Status.ACCEPTED).count() == 1


def test_no_review_once_the_event_is_over(fw):
    application = _apply(fw)
    with pytest.raises(Conflict) as exc:
        services.waitlist(actor=fw.office, application=application,
                          today=fw.event.ends_on + timedelta(days=1))
    assert exc.value.code == "fairs.review_over"


# --- Results and closing --------------------------------------------------------------------


def _accepted(fw):
    application = _apply(fw)
    return services.accept(actor=fw.office, application=application,
                           booth_class=fw.event.booth_classes.first(), booth_number="A1",
                           today=fw.today)


RESULTS = dict(sales_vnd=Decimal(45_000_000), contracts_count=2,
               contracts_value_vnd=Decimal(300_000_000), buyer_contacts_count=14,
               buyer_contact_names="Siêu thị BRG Mart")


def test_results_from_the_opening_day_by_the_exhibitor_or_the_office(fw):
    application = _accepted(fw)
    with pytest.raises(Forbidden) as early:
        services.report_results(actor=fw.producer, application=application, today=fw.today,
                                **RESULTS)
    assert early.value.code == "fairs.not_started"
    day = fw.event.starts_on
    for who in ("commune", "hanoi_office", "chicken_producer", "inspector"):
        with pytest.raises(Forbidden):
            services.report_results(actor=getattr(fw, who), application=application, today=day,
                                    **RESULTS)
    services.report_results(actor=fw.producer, application=application, today=day, **RESULTS)
    services.report_results(actor=fw.office, application=application, today=day,
                            **{**RESULTS, "sales_vnd": Decimal(50_000_000)})
    application.refresh_from_db()
    assert application.sales_vnd == 50_000_000 and application.buyer_contacts_count == 14
    assert application.results_reported_by == fw.office


@pytest.mark.parametrize(("changes", "field"), [
    ({"sales_vnd": Decimal(-1)}, "sales_vnd"),
    ({"contracts_count": -2}, "contracts_count"),
    ({"contracts_value_vnd": Decimal(-5)}, "contracts_value_vnd"),
    ({"buyer_contacts_count": -1}, "buyer_contacts_count"),
    ({"sales_vnd": None}, "sales_vnd"),
    ({"sales_vnd": Decimal(10) ** 12}, "sales_vnd"),
    ({"contracts_count": 0}, "contracts_value_vnd"),
])
def test_results_that_make_no_sense_are_refused_and_nothing_is_saved(fw, changes, field):
    application = _accepted(fw)
    with pytest.raises(Invalid) as exc:
        services.report_results(actor=fw.producer, application=application,
                                today=fw.event.starts_on, **{**RESULTS, **changes})
    assert set(exc.value.fields) == {field}
    application.refresh_from_db()
    assert application.sales_vnd is None and application.results_reported_at is None


def test_results_only_for_an_accepted_exhibitor(fw):
    application = _apply(fw)
    with pytest.raises(Forbidden) as exc:
        services.report_results(actor=fw.producer, application=application,
                                today=fw.event.starts_on, **RESULTS)
    assert exc.value.code == "fairs.not_exhibitor"


def test_the_office_closes_the_event_after_it_and_results_are_final(fw):
    application = _accepted(fw)
    with pytest.raises(Conflict) as early:
        services.close_event(actor=fw.office, event=fw.event, today=fw.event.ends_on)
    assert early.value.code == "fairs.not_over"
    with pytest.raises(Forbidden):
        services.close_event(actor=fw.commune, event=fw.event,
                             today=fw.event.ends_on + timedelta(days=1))
    services.close_event(actor=fw.office, event=fw.event,
                         today=fw.event.ends_on + timedelta(days=1))
    with pytest.raises(Forbidden) as closed:
        services.report_results(actor=fw.producer, application=application,
                                today=fw.event.ends_on + timedelta(days=2), **RESULTS)
    assert closed.value.code == "fairs.closed"
    with pytest.raises(Conflict):
        services.update_event(actor=fw.office, event=fw.event, name="Đổi tên")
