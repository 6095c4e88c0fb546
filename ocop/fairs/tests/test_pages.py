"""Selectors, pages and the API: the public calendar, who reads what (a matrix of roles and
pages), applying and reviewing through the pages, and the figures for reports."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from ocop.accounts.testing import login_client
from ocop.core.refusals import Forbidden
from ocop.fairs import selectors, services
from ocop.fairs.models import Application, Event
from ocop.fairs.tests.conftest import event_kwargs

pytestmark = pytest.mark.django_db


def _past_event_with_results(fw, name="Tuần hàng vải thiều", year_offset=0):
    """An event held a year ago (or more) with two exhibitors who reported, closed."""
    starts = fw.today - timedelta(days=365 * (1 + year_offset))
    opens = starts - timedelta(days=30)
    event = services.create_event(
        actor=fw.office, province=fw.units.bac_ninh,
        **event_kwargs(starts, name=name, starts_on=starts, ends_on=starts + timedelta(days=2),
                       applications_open_on=opens, applications_close_on=starts))
    event.refresh_from_db()
    for n, (producer, product) in enumerate([(fw.luc_ngan, fw.litchi),
                                             (fw.bac_giang, fw.chicken)], 1):
        application = services.apply(actor=fw.office, event=event, producer=producer,
                                     products=[product], today=opens + timedelta(days=1))
        services.accept(actor=fw.office, application=application,
                        booth_class=event.booth_classes.first(), booth_number=f"A{n}",
                        today=opens + timedelta(days=2))
        services.report_results(actor=fw.office, application=application,
                                sales_vnd=Decimal(n * 10_000_000), contracts_count=n,
                                contracts_value_vnd=Decimal(n * 100_000_000),
                                buyer_contacts_count=5 * n, today=starts)
    services.close_event(actor=fw.office, event=event, today=starts + timedelta(days=5))
    return event


# --- Selectors ------------------------------------------------------------------------------


def test_the_calendar_lists_upcoming_soonest_first_and_past_latest_first(fw):
    older = _past_event_with_results(fw, "Hội chợ hai năm trước", year_offset=1)
    past = _past_event_with_results(fw)
    soon = services.create_event(actor=fw.office, province=fw.units.bac_ninh,
                                 **event_kwargs(fw.today - timedelta(days=20), name="Sắp tới"))
    calendar = selectors.calendar(fw.today)
    assert calendar["upcoming"] == [soon, fw.event]
    assert calendar["past"] == [past, older]


def test_fair_totals_per_event_and_per_year(fw):
    past = _past_event_with_results(fw)
    older = _past_event_with_results(fw, "Hội chợ hai năm trước", year_offset=1)
    figures = selectors.fair_totals()
    rows = {e.pk: e for e in figures.events}
    assert (rows[past.pk].exhibitors, rows[past.pk].reported, rows[past.pk].sales,
            rows[past.pk].contracts, rows[past.pk].contracts_value,
            rows[past.pk].contacts) == (2, 2, 30_000_000, 3, 300_000_000, 15)
    assert rows[fw.event.pk].exhibitors == 0 and rows[fw.event.pk].sales is None
    years = {y.year: y for y in figures.years}
    assert years[past.starts_on.year].exhibitors >= 2
    assert sum(y.events for y in figures.years) == figures.total.events == 3
    assert figures.total.exhibitors == 4 and figures.total.sales == 60_000_000
    assert figures.total.contracts == 6 and figures.total.contracts_value == 600_000_000
    assert [y.year for y in figures.years] == sorted(years, reverse=True)
    only = selectors.fair_totals(year=older.starts_on.year)
    assert older.pk in {e.pk for e in only.events}
    assert all(e.starts_on.year == older.starts_on.year for e in only.events)
    assert selectors.fair_totals(province_id=fw.units.ha_noi.pk).total.events == 0


@pytest.mark.parametrize(("who", "events"), [
    ("office", 2), ("central", 3), ("admin", 3), ("inspector", 2), ("commune", 2),
    ("hanoi_office", 1)])
def test_figures_follow_the_reach(fw, who, events):
    _past_event_with_results(fw)
    services.create_event(actor=fw.hanoi_office, province=fw.units.ha_noi,
                          **event_kwargs(fw.today, name="Hội chợ Hà Nội"))
    assert selectors.figures_for(getattr(fw, who)).total.events == events


@pytest.mark.parametrize("who", ["producer", "council"])
def test_figures_are_for_offices(fw, who):
    with pytest.raises(Forbidden):
        selectors.figures_for(getattr(fw, who))


@pytest.mark.parametrize(("who", "seen"), [
    ("office", {"luc_ngan", "bac_giang", "hanoi"}), ("central", {"luc_ngan", "bac_giang", "hanoi"}),
    ("inspector", {"luc_ngan", "bac_giang"}), ("commune", {"luc_ngan"}),
    ("producer", {"luc_ngan"}), ("chicken_producer", {"bac_giang"}),
    ("hanoi_office", set()), ("council", set())])
def test_who_sees_which_applications(fw, who, seen):
    services.update_event(actor=fw.office, event=fw.event, open_to=Event.OpenTo.NATIONAL)
    for producer, product in [(fw.luc_ngan, fw.litchi), (fw.bac_giang, fw.chicken),
                              (fw.hanoi, fw.tea)]:
        services.apply(actor=fw.office, event=fw.event, producer=producer, products=[product],
                       today=fw.today)
    names = {"HTX Vải thiều Lục Ngạn": "luc_ngan", "HTX Gà đồi Bắc Giang": "bac_giang",
             "HTX Trà Hoàn Kiếm": "hanoi"}
    shown = selectors.applications_of(getattr(fw, who), fw.event)
    assert {names[a.producer.name] for a in shown} == seen


# --- Pages ----------------------------------------------------------------------------------


def test_the_calendar_and_an_event_are_public(fw):
    _past_event_with_results(fw)
    client = Client()
    page = client.get(reverse("fairs:calendar"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Hội chợ OCOP tỉnh Bắc Ninh" in html and "Tuần hàng vải thiều" in html
    assert "Đăng nhập để đăng ký gian hàng" in html
    detail = client.get(reverse("fairs:event", args=[fw.event.pk])).content.decode()
    assert "Quảng trường 3/2" in detail and "Gian tiêu chuẩn" in detail
    assert "HTX" not in detail  # applications are not public
    assert client.post(reverse("fairs:event", args=[fw.event.pk])).status_code == 403


OFFICE_PAGES = ["fairs:office", "fairs:figures"]


@pytest.mark.parametrize(("who", "status"), [
    ("office", 200), ("central", 200), ("admin", 200), ("inspector", 200), ("commune", 200),
    ("hanoi_office", 200), ("council", 403), ("producer", 403)])
@pytest.mark.parametrize("page", OFFICE_PAGES)
def test_office_pages_by_role(fw, who, status, page):
    assert login_client(getattr(fw, who)).get(reverse(page)).status_code == status


@pytest.mark.parametrize("page", [*OFFICE_PAGES, "fairs:mine", "fairs:event_create"])
def test_office_pages_ask_a_visitor_to_sign_in(fw, page):
    response = Client().get(reverse(page))
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


@pytest.mark.parametrize(("who", "create", "edit"), [
    ("office", 200, 200), ("central", 200, 200), ("hanoi_office", 200, 403),
    ("commune", 403, 403), ("inspector", 403, 403), ("producer", 403, 403),
    ("council", 403, 403)])
def test_create_and_edit_pages_by_role(fw, who, create, edit):
    client = login_client(getattr(fw, who))
    assert client.get(reverse("fairs:event_create")).status_code == create
    assert client.get(reverse("fairs:event_edit", args=[fw.event.pk])).status_code == edit


def test_the_office_creates_an_event_and_bad_dates_are_shown(fw):
    client = login_client(fw.office)
    data = {"kind": "fair", "name": "Hội chợ xuân", "starts_on": "2030-02-10",
            "ends_on": "2030-02-08", "venue": "Bắc Ninh", "organiser": "Sở Công Thương",
            "open_to": "province", "applications_open_on": "2030-01-01",
            "applications_close_on": "2030-02-20",
            "booth_classes": "Gian tiêu chuẩn: 30\nGian góc: 4"}
    bad = client.post(reverse("fairs:event_create"), data)
    html = bad.content.decode()
    assert bad.status_code == 200
    assert "Ngày bế mạc phải từ ngày khai mạc trở đi." in html
    assert "Hạn đăng ký phải trước hoặc đúng ngày khai mạc." in html
    assert not Event.objects.filter(name="Hội chợ xuân").exists()
    garbled = client.post(reverse("fairs:event_create"), {**data, "booth_classes": "Gian góc"})
    assert "Dòng 1 chưa đúng dạng" in garbled.content.decode()
    good = client.post(reverse("fairs:event_create"), {
        **data, "ends_on": "2030-02-12", "applications_close_on": "2030-02-01"})
    event = Event.objects.get(name="Hội chợ xuân")
    assert good["Location"] == reverse("fairs:event", args=[event.pk])
    assert list(event.booth_classes.values_list("name", "capacity")) == [
        ("Gian tiêu chuẩn", 30), ("Gian góc", 4)]
    assert event.province == fw.units.bac_ninh


def test_a_producer_applies_on_the_page_and_the_office_reviews(fw):
    producer = login_client(fw.producer)
    url = reverse("fairs:event", args=[fw.event.pk])
    form = producer.get(url).content.decode()
    assert "Vải thiều Lục Ngạn" in form and "Mật ong vải" not in form  # only certified
    empty = producer.post(url, {"notes": "x"})
    assert "Chọn ít nhất một sản phẩm OCOP để trưng bày." in empty.content.decode()
    assert not Application.objects.exists()
    smuggled = producer.post(url, {"products": [fw.honey.pk]})
    assert smuggled.status_code == 200 and not Application.objects.exists()
    corner = fw.event.booth_classes.get(name="Gian góc")
    sent = producer.post(url, {"products": [fw.litchi.pk], "booth_wanted": corner.pk,
                               "notes": "Gần lối vào"})
    assert sent.status_code == 302
    application = Application.objects.get()
    assert "Chờ xét duyệt" in producer.get(url).content.decode()

    for who in ("commune", "inspector", "hanoi_office", "chicken_producer"):
        response = login_client(getattr(fw, who)).post(
            reverse("fairs:accept", args=[application.pk]),
            {"booth_class": corner.pk, "booth_number": "G1"})
        assert response.status_code in (302, 404)
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED

    office = login_client(fw.office)
    assert "HTX Vải thiều Lục Ngạn" in office.get(url).content.decode()
    office.post(reverse("fairs:accept", args=[application.pk]),
                {"booth_class": corner.pk, "booth_number": "G1"})
    application.refresh_from_db()
    assert (application.status, application.booth_number) == (Application.Status.ACCEPTED, "G1")
    assert "Gian góc, gian số G1" in producer.get(url).content.decode()
    assert "Gian góc, gian số G1" in producer.get(reverse("fairs:mine")).content.decode()
    refused = office.post(reverse("fairs:refuse", args=[application.pk]), {"reason": ""},
                          follow=True)
    assert "Nêu lý do không nhận" in refused.content.decode()


def test_results_through_the_page_refuse_negative_sales(fw):
    application = services.apply(actor=fw.producer, event=fw.event, producer=fw.luc_ngan,
                                 products=[fw.litchi], today=fw.today)
    services.accept(actor=fw.office, application=application,
                    booth_class=fw.event.booth_classes.first(), booth_number="A1",
                    today=fw.today)
    url = reverse("fairs:results", args=[application.pk])
    client = login_client(fw.producer)
    assert client.get(url).status_code == 403  # not opened yet
    Event.objects.filter(pk=fw.event.pk).update(starts_on=fw.today,
                                                applications_close_on=fw.today)
    data = {"sales_vnd": "-5", "contracts_count": "0", "contracts_value_vnd": "0",
            "buyer_contacts_count": "3", "buyer_contact_names": ""}
    bad = client.post(url, data)
    assert "Không được là số âm." in bad.content.decode()
    application.refresh_from_db()
    assert application.sales_vnd is None
    assert client.post(url, {**data, "sales_vnd": "12000000"}).status_code == 302
    application.refresh_from_db()
    assert application.sales_vnd == 12_000_000 and application.buyer_contacts_count == 3
    assert login_client(fw.chicken_producer).get(url).status_code == 404


# --- API ------------------------------------------------------------------------------------


def test_the_api_calendar_is_public(fw):
    past = _past_event_with_results(fw)
    client = Client()
    upcoming = client.get("/api/v1/fairs/events").json()
    assert [e["name"] for e in upcoming["results"]] == ["Hội chợ OCOP tỉnh Bắc Ninh"]
    first = upcoming["results"][0]
    assert first["accepting_applications"] is True and first["kind_label"] == "Hội chợ"
    assert first["url"] == reverse("fairs:event", args=[fw.event.pk])
    old = client.get("/api/v1/fairs/events?when=past").json()
    assert [e["id"] for e in old["results"]] == [past.pk]
    assert client.get("/api/v1/fairs/events?when=all").json()["count"] == 2
    assert client.get("/api/v1/fairs/events?when=later").status_code == 422


def test_the_api_lists_a_producers_own_applications(fw):
    services.apply(actor=fw.producer, event=fw.event, producer=fw.luc_ngan,
                   products=[fw.litchi], today=fw.today)
    services.apply(actor=fw.chicken_producer, event=fw.event, producer=fw.bac_giang,
                   products=[fw.chicken], today=fw.today)
    assert Client().get("/api/v1/fairs/applications").status_code == 401
    mine = login_client(fw.producer).get("/api/v1/fairs/applications").json()
    assert mine["count"] == 1
    assert mine["results"][0]["products"] == ["Vải thiều Lục Ngạn"]
    assert mine["results"][0]["status_label"] == "Chờ xét duyệt"
    assert login_client(fw.office).get("/api/v1/fairs/applications").json()["count"] == 0


def test_the_office_adds_a_booth_class_on_the_event_page(fw):
    honouring = services.create_event(
        actor=fw.office, province=fw.units.bac_ninh, kind=Event.Kind.HONOURING,
        name="Lễ tôn vinh", starts_on=fw.today, ends_on=fw.today, venue="Hội trường",
        organiser="UBND tỉnh")
    url = reverse("fairs:booth_class_add", args=[honouring.pk])
    assert "Thêm loại gian hàng" in login_client(fw.office).get(
        reverse("fairs:event", args=[honouring.pk])).content.decode()
    refused = login_client(fw.commune).post(url, {"name": "Gian trưng bày", "capacity": 5},
                                            follow=True)
    assert "Chỉ cơ quan thường trực OCOP quản lý hội chợ, sự kiện." in refused.content.decode()
    zero = login_client(fw.office).post(url, {"name": "Gian trưng bày", "capacity": 0},
                                        follow=True)
    assert "Nhập tên loại gian và số gian (từ 1 trở lên)." in zero.content.decode()
    assert not honouring.booth_classes.exists()
    login_client(fw.office).post(url, {"name": "Gian trưng bày", "capacity": 5})
    assert list(honouring.booth_classes.values_list("name", "capacity")) == [
        ("Gian trưng bày", 5)]
