"""Writes: a destination with its hours, its photos and the products sold there; itineraries;
and every refusal of bad input, with nothing half-saved."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ocop.audit.models import AuditEntry
from ocop.core.refusals import Forbidden, Invalid
from ocop.registry.models import Product
from ocop.tourism import services
from ocop.tourism.models import Destination, Itinerary, OpeningPeriod, Photo, Service, Stop
from ocop.tourism.tests.conftest import png_upload

pytestmark = pytest.mark.django_db


def _data(world, **extra):
    return {"name": "Đền Thánh Mẫu ven sông", "commune": world.lien_chung,
            "latitude": "21.3700", "longitude": "106.1800",
            "summary": "Đền cổ bên bờ sông Thương.", "services": [Service.FESTIVAL], **extra}


def test_office_creates_a_destination_with_its_week(tourism_world):
    office = tourism_world.users["province_office"]
    d = services.save_destination(actor=office, data=_data(tourism_world), hours={
        0: (time(8), time(17)), 6: (time(6, 30), time(20))})
    assert d.latitude == Decimal("21.37000") and not d.published
    assert [(p.weekday, p.opens, p.closes) for p in d.opening_periods.all()] == [
        (0, time(8), time(17)), (6, time(6, 30), time(20))]
    assert AuditEntry.objects.filter(action="tourism.destination.create",
                                     object_id=str(d.pk)).exists()


def test_a_comma_as_decimal_mark_is_read(tourism_world):
    d = services.save_destination(actor=None, data=_data(tourism_world, latitude="21,37",
                                                         longitude="106,18"))
    assert (d.latitude, d.longitude) == (Decimal("21.37000"), Decimal("106.18000"))


@pytest.mark.parametrize(("lat", "lon", "expected"), [
    ("48.8584", "2.2945", "ngoài lãnh thổ Việt Nam"),          # Paris
    ("106.18", "21.37", "ngoài lãnh thổ Việt Nam"),            # swapped
    ("13.75", "100.50", "ngoài lãnh thổ Việt Nam"),            # Bangkok
    ("16.05", "108.20", "nằm ngoài Thành phố Bắc Ninh"),       # Đà Nẵng, not its province
    ("abc", "106.18", "Vĩ độ phải là một số thập phân"),
])
def test_coordinates_outside_vietnam_or_the_province_are_refused(tourism_world, lat, lon,
                                                                  expected):
    before = Destination.objects.count()
    with pytest.raises(Invalid) as refused:
        services.save_destination(actor=None, data=_data(tourism_world, latitude=lat,
                                                         longitude=lon))
    assert expected in refused.value.fields["latitude"]
    assert refused.value.code == "tourism.invalid_destination"
    assert Destination.objects.count() == before


def test_swapped_coordinates_get_a_hint(tourism_world):
    with pytest.raises(Invalid) as refused:
        services.save_destination(actor=None, data=_data(tourism_world, latitude="106.18",
                                                         longitude="21.37"))
    assert "đảo chỗ" in refused.value.fields["latitude"]


def test_closing_before_opening_is_refused_and_nothing_changes(tourism_world):
    river = tourism_world.demo.destinations[1]
    periods = list(river.opening_periods.values_list("weekday", "opens", "closes"))
    with pytest.raises(Invalid) as refused:
        services.save_destination(
            actor=tourism_world.users["province_office"], destination=river,
            data={"name": "Tên mới"}, hours={2: (time(17), time(8)), 3: (time(8), None)})
    assert refused.value.fields["hours_2"] == (
        "Thứ Tư: giờ đóng cửa (08:00) phải sau giờ mở cửa (17:00).")
    assert "Thứ Năm: nhập cả giờ mở và giờ đóng cửa" in refused.value.fields["hours_3"]
    river.refresh_from_db()
    assert river.name != "Tên mới"
    assert list(river.opening_periods.values_list("weekday", "opens", "closes")) == periods


def test_unknown_service_and_wrong_product_group_are_refused(tourism_world):
    honey = Product.objects.get(name="Mật ong hoa nhãn núi Dành")
    with pytest.raises(Invalid) as refused:
        services.save_destination(actor=None, data=_data(
            tourism_world, services=["stay", "casino"], service_product=honey))
    assert refused.value.fields["services"] == "Dịch vụ không có trong danh sách: casino."
    assert "không thuộc nhóm 6" in refused.value.fields["service_product"]


def test_a_tourism_product_brings_its_producer(tourism_world):
    service = Product.objects.get(name="Du lịch tâm linh – sinh thái núi Dành")
    d = services.save_destination(actor=None, data=_data(tourism_world, service_product=service))
    assert d.producer_id == service.producer_id


def test_a_photo_that_is_not_an_image_is_refused(tourism_world):
    d = tourism_world.demo.destinations[0]
    fake = SimpleUploadedFile("anh.jpg", b"<html><script>alert(1)</script></html>",
                              content_type="image/jpeg")
    with pytest.raises(Invalid) as refused:
        services.add_photo(actor=tourism_world.users["commune_officer"], destination=d,
                           file=fake)
    assert refused.value.code == "tourism.bad_photo"
    assert "HTML" in refused.value.message
    assert not Photo.objects.exists()


def test_a_photo_is_stored_under_an_unguessable_name(tourism_world):
    d = tourism_world.demo.destinations[0]
    photo = services.add_photo(actor=tourism_world.users["commune_officer"], destination=d,
                               file=png_upload("nui-danh.png"), caption="Cổng chùa")
    assert photo.image.name.startswith("tourism/")
    assert "nui-danh" not in photo.image.name


def test_only_a_certified_product_can_be_listed(tourism_world):
    d = tourism_world.demo.destinations[0]
    with pytest.raises(Invalid) as refused:
        services.add_sold_product(actor=None, destination=d, product=tourism_world.demo.expired)
    assert "không có giấy chứng nhận OCOP còn hiệu lực" in refused.value.message
    with pytest.raises(Invalid):  # listed already
        services.add_sold_product(actor=None, destination=d,
                                  product=tourism_world.demo.sold[1])


def _stops(world):
    nui_danh, river = world.demo.destinations
    farm = world.demo.sold[0].producer
    return nui_danh, river, farm


def test_an_itinerary_keeps_its_stops_in_order(tourism_world):
    _nui_danh, river, farm = _stops(tourism_world)
    it = services.save_itinerary(
        actor=tourism_world.users["province_office"], province=tourism_world.phuc_hoa.parent,
        data={"name": "Nửa ngày ven sông", "summary": "Thuyền và nếp."},
        stops=[services.StopInput(destination=river, minutes=90),
               services.StopInput(producer=farm, note="Mua nếp")])
    assert [(s.position, s.key) for s in it.stops.all()] == [
        (1, ("d", river.pk)), (2, ("p", farm.pk))]


@pytest.mark.parametrize("case", ["none", "twice", "both", "other_province"])
def test_bad_itineraries_are_refused_and_nothing_is_half_saved(tourism_world, case, units):
    nui_danh, _river, farm = _stops(tourism_world)
    it = tourism_world.demo.itinerary
    stops_before = list(Stop.objects.filter(itinerary=it).values_list("position",
                                                                      "destination", "producer"))
    if case == "other_province":
        hanoi = services.save_destination(actor=None, data={
            "name": "Văn Miếu", "commune": units.ha_noi.children.first(), "latitude": "21.0285",
            "longitude": "105.8355", "summary": "Di tích."})
    stops = {
        "none": [],
        "twice": [services.StopInput(destination=nui_danh),
                  services.StopInput(destination=nui_danh), services.StopInput(producer=farm)],
        "both": [services.StopInput(destination=nui_danh, producer=farm)],
        "other_province": [services.StopInput(destination=nui_danh),
                           services.StopInput(destination=hanoi)] if case == "other_province"
        else [],
    }[case]
    expected = {
        "none": ("stops", "Tuyến tham quan cần ít nhất một điểm dừng."),
        "twice": ("stop_2", "Điểm dừng 2 trùng với điểm dừng ngay trước (Khu du lịch tâm linh – "
                            "sinh thái núi Dành): hai điểm liền nhau phải khác nhau."),
        "both": ("stop_1", "Điểm dừng 1: chọn một điểm du lịch hoặc một chủ thể (chỉ một)."),
        "other_province": ("stop_2", "Điểm dừng 2 (Văn Miếu) không thuộc Thành phố Bắc Ninh."),
    }[case]
    with pytest.raises(Invalid) as refused:
        services.save_itinerary(actor=tourism_world.users["province_office"], itinerary=it,
                                data={"name": "Đổi tên"}, stops=stops)
    assert refused.value.fields[expected[0]] == expected[1]
    it.refresh_from_db()
    assert it.name != "Đổi tên"
    assert list(Stop.objects.filter(itinerary=it).values_list(
        "position", "destination", "producer")) == stops_before
    assert Itinerary.objects.count() == 1


def test_the_same_place_may_come_back_later_in_a_loop(tourism_world):
    nui_danh, river, _farm = _stops(tourism_world)
    it = services.save_itinerary(
        actor=None, province=tourism_world.phuc_hoa.parent,
        data={"name": "Vòng núi Dành", "summary": "Đi và về."},
        stops=[services.StopInput(destination=nui_danh), services.StopInput(destination=river),
               services.StopInput(destination=nui_danh)])
    assert it.stops.count() == 3


def test_writes_check_the_area(tourism_world):
    d = tourism_world.demo.destinations[0]
    with pytest.raises(Forbidden):
        services.save_destination(actor=tourism_world.users["other_commune_officer"],
                                  destination=d, data={"name": "X"})
    with pytest.raises(Forbidden):
        services.save_itinerary(actor=tourism_world.users["commune_officer"],
                                itinerary=tourism_world.demo.itinerary, data={}, stops=[])
    with pytest.raises(Forbidden):
        services.set_destination_published(actor=tourism_world.users["producer"],
                                           destination=d, published=False)
    assert OpeningPeriod.objects.filter(destination=d).count() == 7
