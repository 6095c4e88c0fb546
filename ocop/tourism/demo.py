"""The demo's community tourism: the Liên Chung pilot of tỉnh Bắc Giang's 2024 OCOP plan.

Kế hoạch 14/KH-UBND (docs/sources/ke-hoach-ocop-bac-giang-2024.txt) §II.9: "Triển khai thực hiện
Mô hình thí điểm phát triển sản phẩm OCOP gắn với dịch vụ du lịch tâm linh sinh thái núi Dành và
du lịch sinh thái ven sông Thương tại xã Liên Chung, huyện Tân Yên theo Quyết định số
1528/QĐ-BNN-VPĐP ngày 14/4/2023". Xã Liên Chung (huyện Tân Yên, tỉnh Bắc Giang) has been part of
xã Phúc Hòa, tỉnh Bắc Ninh since 1 July 2025; the records keep the old commune.

The two destinations and the route are the plan's; the coordinates are placed by hand near
Liên Chung (illustrative, not surveyed), and the producers, products and certificates are
**illustrative demo data** (their names say where, not who). One product sold at the riverside
holds only an expired certificate, so the demo shows that it is not listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ocop.certificates import services as certificates
from ocop.certificates.models import Certificate, RecognitionDecision
from ocop.registry import services as registry
from ocop.registry.models import LegalForm, Producer, Product, ProductSet
from ocop.registry.validators import tax_code_check_digit
from ocop.tourism import services
from ocop.tourism.models import TOURISM_GROUP, Destination, Itinerary, Service
from ocop.units.models import Unit

LIEN_CHUNG = "LC07357"  # Xã Liên Chung, huyện Tân Yên, tỉnh Bắc Giang (→ xã Phúc Hòa, Bắc Ninh)
LEGACY_BAC_GIANG = "LP24"
ITINERARY_NAME = "Tuyến du lịch tâm linh – sinh thái núi Dành và ven sông Thương"
NUI_DANH = "Khu du lịch tâm linh – sinh thái núi Dành"
SONG_THUONG = "Bến sông Thương – du lịch sinh thái ven sông Liên Chung"
DAILY = {day: (time(7, 0), time(17, 30)) for day in range(7)}


@dataclass(frozen=True)
class DemoTourism:
    itinerary: Itinerary
    destinations: list[Destination]
    sold: list[Product]
    expired: Product


def _producer(serial: int, name: str, commune: Unit, **extra: object) -> Producer:
    """The demo producer of that name in Liên Chung, created once with the first free valid
    tax code of Bắc Giang's range (prefix 24) from ``serial`` on."""
    found = Producer.objects.filter(name=name, commune=commune).first()
    if found is not None:
        return found
    while True:
        base = f"24009{serial:04d}"
        check = tax_code_check_digit(base)
        serial += 1
        if check is not None and not Producer.objects.filter(tax_code=base + str(check)).exists():
            break
    return registry.create_producer(actor=None, data={
        "legal_form": LegalForm.COOPERATIVE, "name": name, "tax_code": base + str(check),
        "commune": commune, "representative_name": "Nguyễn Văn Dành", **extra})


def _product(producer: Producer, name: str, product_set: ProductSet, description: str) -> Product:
    found = Product.objects.filter(producer=producer, name=name).first()
    return found or registry.create_product(actor=None, producer=producer, data={
        "name": name, "product_set": product_set, "description": description})


def _set(group: str, prefer: str) -> ProductSet | None:
    return (ProductSet.objects.filter(code=prefer).first()
            or ProductSet.objects.filter(group_id=group).order_by("code").first())


def _certify(decision: RecognitionDecision, product: Product, stars: int, score: str,
             today: date) -> None:
    if not Certificate.objects.filter(product=product, decision=decision).exists():
        certificates.enter_paper_certificates(actor=None, today=today, records=[
            certificates.PaperCertificate(decision=decision, product=product, stars=stars,
                                          total_score=Decimal(score),
                                          issued_on=decision.date)])


def _decision(number: str, day: date, province: Unit) -> RecognitionDecision:
    found = RecognitionDecision.objects.filter(number=number, issuing_unit=province).first()
    return found or certificates.create_decision(
        actor=None, number=number, date=day, signer_name="Phan Thế Tuấn",
        signer_title="Phó Chủ tịch", level="province", issuing_unit=province)


@transaction.atomic
def build_demo_tourism(today: date | None = None) -> DemoTourism | None:
    """Create (once) the pilot's producers, products, destinations and route; None when the
    demo's units or product classification are not loaded."""
    today = today or timezone.localdate()
    lien_chung = Unit.objects.filter(pk=LIEN_CHUNG).first()
    province = Unit.objects.filter(pk=LEGACY_BAC_GIANG).first()
    tourism_set, rice_set, honey_set = (_set(TOURISM_GROUP, "1048-26"), _set("1", "1048-03"),
                                        _set("1", "1048-04"))
    if None in (lien_chung, province, tourism_set, rice_set, honey_set):
        return None
    operator = _producer(100, "HTX Dịch vụ du lịch sinh thái núi Dành", lien_chung,
                         street_address="Thôn Đồng Điều")
    farm = _producer(500, "HTX Nông sản ven sông Thương Liên Chung", lien_chung,
                     street_address="Thôn Bằng Cục")
    service = _product(operator, "Du lịch tâm linh – sinh thái núi Dành", tourism_set,
                       "Tham quan chùa, đền trên núi Dành, đi bộ đường rừng, ẩm thực chay.")
    rice = _product(farm, "Gạo nếp cái hoa vàng Liên Chung", rice_set,
                    "Nếp cái hoa vàng trồng trên đất bãi ven sông Thương.")
    honey = _product(farm, "Mật ong hoa nhãn núi Dành", honey_set,
                     "Mật ong nuôi dưới chân núi Dành, khai thác mùa hoa nhãn.")
    lac = _product(farm, "Lạc nhân Tân Yên", rice_set, "Lạc đỏ Tân Yên bóc vỏ.")
    current = _decision("1650/QĐ-UBND", date(2024, 12, 20), province)
    for product, stars, score in ((service, 3, "68"), (rice, 3, "66"), (honey, 4, "74")):
        _certify(current, product, stars, score, today)
    _certify(_decision("1320/QĐ-UBND", date(2020, 12, 15), province), lac, 3, "61", today)

    nui_danh = Destination.objects.filter(name=NUI_DANH).first() or services.save_destination(
        actor=None, hours=DAILY, data={
            "name": NUI_DANH, "commune": lien_chung, "address": "Núi Dành, thôn Đồng Điều",
            "latitude": Decimal("21.37350"), "longitude": Decimal("106.17420"),
            "summary": "Quần thể chùa, đền trên núi Dành giữa rừng thông, điểm du lịch tâm "
                       "linh – sinh thái của xã Liên Chung.",
            "description": "Mô hình thí điểm phát triển sản phẩm OCOP gắn với dịch vụ du lịch "
                           "tâm linh sinh thái núi Dành (Quyết định số 1528/QĐ-BNN-VPĐP ngày "
                           "14/4/2023; Kế hoạch 14/KH-UBND năm 2024 của UBND tỉnh Bắc Giang, "
                           "mục II.9). Dữ liệu mẫu minh hoạ.",
            "visit_info": "Từ trung tâm phường Bắc Giang đi theo đường tỉnh 398 khoảng 12 km. "
                          "Đường lên núi là bậc đá, nên đi giày đế bằng; trang phục lịch sự "
                          "khi vào chùa.",
            "hours_note": "Lễ hội núi Dành: mùng 10 tháng Giêng âm lịch. Đoàn trên 20 người "
                          "báo trước một ngày.",
            "services": [Service.FESTIVAL, Service.FOOD, Service.GUIDE, Service.SHOP,
                         Service.PARKING],
            "contact_name": "Ban quản lý điểm du lịch núi Dành",
            "contact_phone": "0204 3878 000",
            "service_product": service, "producer": operator,
        })
    river = Destination.objects.filter(name=SONG_THUONG).first() or services.save_destination(
        actor=None, hours={day: (time(6, 30), time(18, 0)) for day in (5, 6)}, data={
            "name": SONG_THUONG, "commune": lien_chung, "address": "Bãi sông thôn Bằng Cục",
            "latitude": Decimal("21.36520"), "longitude": Decimal("106.19480"),
            "summary": "Bãi bồi, vườn cây ăn quả và đồng nếp ven sông Thương; đi thuyền, trải "
                       "nghiệm làm nông cùng hợp tác xã.",
            "description": "Du lịch sinh thái ven sông Thương tại xã Liên Chung, một phần của mô "
                           "hình thí điểm OCOP gắn với du lịch (Quyết định số 1528/QĐ-BNN-VPĐP). "
                           "Dữ liệu mẫu minh hoạ.",
            "visit_info": "Mở cửa cuối tuần; ngày thường nhận đoàn đặt trước. Mùa gặt nếp "
                          "tháng 10–11.",
            "services": [Service.BOAT, Service.EXPERIENCE, Service.FOOD, Service.SHOP],
            "contact_name": "HTX Nông sản ven sông Thương Liên Chung",
            "contact_phone": "0912 000 357", "producer": farm,
        })
    for destination, products in ((nui_danh, (honey,)), (river, (rice, honey))):
        for product in products:
            if not destination.sold.filter(product=product).exists():
                services.add_sold_product(actor=None, destination=destination, product=product)
    # Listed while it was certified; its certificate has expired, so no page shows it.
    if not river.sold.filter(product=lac).exists():
        river.sold.create(product=lac)
    for destination in (nui_danh, river):
        if not destination.published:
            services.set_destination_published(actor=None, destination=destination,
                                               published=True)

    itinerary = Itinerary.objects.filter(name=ITINERARY_NAME).first()
    if itinerary is None:
        itinerary = services.save_itinerary(
            actor=None, province=lien_chung.current_province, data={
                "name": ITINERARY_NAME,
                "summary": "Một ngày ở Liên Chung: lễ chùa núi Dành, thăm hợp tác xã nếp cái "
                           "hoa vàng, chiều đi thuyền trên sông Thương.",
                "description": "Tuyến mẫu của mô hình thí điểm OCOP gắn với du lịch tại xã Liên "
                               "Chung, huyện Tân Yên (nay thuộc xã Phúc Hòa, thành phố Bắc Ninh)."},
            stops=[
                services.StopInput(destination=nui_danh, minutes=150,
                                   note="Lên núi buổi sáng; ăn trưa chay tại chùa."),
                services.StopInput(producer=farm, minutes=60,
                                   note="Xem xay xát nếp, nếm mật ong hoa nhãn."),
                services.StopInput(destination=river, minutes=120,
                                   note="Đi thuyền, ngắm hoàng hôn trên sông Thương."),
            ])
        services.set_itinerary_published(actor=None, itinerary=itinerary, published=True)
    return DemoTourism(itinerary, [nui_danh, river], [rice, honey], lac)
