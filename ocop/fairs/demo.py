"""The demo's fairs and events (§II.6 of the 2024 Bắc Giang plan: fairs, exhibitions, trade
weeks, honouring events), written through the fairs services: three 2024 events with their
exhibitors and reported results, closed; a coming provincial fair taking applications now (the
demo producer ``demo-chuthe`` has applied and is waiting for review); a coming honouring
ceremony without booths."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ocop.accounts.models import Role, User
from ocop.certificates.selectors import valid_products
from ocop.fairs import services
from ocop.fairs.models import Event
from ocop.registry.models import Producer
from ocop.units.models import Unit
from ocop.units.names import official_name

PROVINCE = "P24"
BOOTHS = [("Gian tiêu chuẩn", 40), ("Gian góc", 8), ("Gian cao cấp", 4)]


@dataclass(frozen=True)
class PastEvent:
    kind: str
    name: str
    starts_on: date
    ends_on: date
    venue: str
    organiser: str
    exhibitors: int
    # sales per exhibitor (million đồng), contracts, contract value (million), contacts
    results: tuple[int, int, int, int]
    description: str


PAST = [
    PastEvent(Event.Kind.TRADE_WEEK, "Tuần hàng vải thiều và sản phẩm OCOP Bắc Giang 2024",
              date(2024, 6, 14), date(2024, 6, 16), "Quảng trường 3/2, thành phố Bắc Giang",
              "Sở Công Thương tỉnh Bắc Giang", 6, (85, 1, 400, 12),
              "Quảng bá vải thiều Lục Ngạn chính vụ cùng các sản phẩm OCOP của tỉnh."),
    PastEvent(Event.Kind.FAIR, "Hội chợ OCOP tỉnh Bắc Giang năm 2024", date(2024, 10, 24),
              date(2024, 10, 28), "Quảng trường 3/2, thành phố Bắc Giang",
              "UBND tỉnh Bắc Giang; Văn phòng Điều phối nông thôn mới tỉnh", 8, (62, 2, 350, 9),
              "Hội chợ thường niên giới thiệu sản phẩm OCOP, đặc sản, quà tặng của tỉnh."),
    PastEvent(Event.Kind.FAIR, "Hội chợ sản phẩm OCOP khu vực phía Bắc tại Hà Nội 2024",
              date(2024, 11, 20), date(2024, 11, 24), "Trung tâm Triển lãm Giảng Võ, Hà Nội",
              "Sở Công Thương thành phố Hà Nội", 4, (120, 3, 900, 20),
              "Đoàn chủ thể OCOP Bắc Giang tham gia gian hàng chung của tỉnh."),
]


def _certified_producers(day: date, limit: int) -> list[Producer]:
    """Producers of the province holding a certificate valid on ``day``, the demo producer
    first when it is one of them."""
    area = Q(producer__commune__current_province_id=PROVINCE)
    ids = list(valid_products(day, area=area).order_by("producer_id")
               .values_list("producer_id", flat=True).distinct())
    first = User.objects.filter(username="demo-chuthe").values_list("producer_id", flat=True)
    ids.sort(key=lambda pk: (pk not in set(first), pk))
    return list(Producer.objects.filter(pk__in=ids[:limit]).order_by("pk"))


def _apply(office: User, event: Event, producer: Producer, day: date, note: str = ""):
    products = services.certified_products(producer, day)[:2]
    return services.apply(actor=office, event=event, producer=producer, products=products,
                          booth_wanted=event.booth_classes.first(), notes=note, today=day)


@transaction.atomic
def build_demo_fairs() -> int:
    """The demo events; 0 when they exist already or the demo world is missing."""
    province = Unit.objects.filter(pk=PROVINCE).first()
    office = User.objects.filter(role=Role.PROVINCE_OFFICE, unit=province).order_by("pk").first()
    if province is None or office is None or Event.objects.exists():
        return 0
    for past in PAST:
        opens = past.starts_on - timedelta(days=45)
        event = services.create_event(
            actor=office, province=province, kind=past.kind, name=past.name,
            starts_on=past.starts_on, ends_on=past.ends_on, venue=past.venue,
            organiser=past.organiser, open_to=Event.OpenTo.PROVINCE,
            applications_open_on=opens, applications_close_on=past.starts_on - timedelta(days=7),
            description=past.description, booth_classes=BOOTHS)
        booth = event.booth_classes.first()
        sales, contracts, value, contacts = past.results
        for n, producer in enumerate(_certified_producers(opens, past.exhibitors), 1):
            application = _apply(office, event, producer, opens)
            services.accept(actor=office, application=application, booth_class=booth,
                            booth_number=f"A{n:02d}", today=opens + timedelta(days=10))
            services.report_results(
                actor=office, application=application,
                sales_vnd=Decimal((sales + 7 * n) * 1_000_000),
                contracts_count=contracts if n % 2 else 0,
                contracts_value_vnd=Decimal(value * 1_000_000) if n % 2 else Decimal(0),
                buyer_contacts_count=contacts + n, today=past.ends_on)
        services.close_event(actor=office, event=event, today=past.ends_on + timedelta(days=3))

    today = timezone.localdate()
    opening = today + timedelta(days=40)
    # "tỉnh Bắc Ninh" until 19 September 2026, "thành phố Bắc Ninh" since (units/names.py).
    place = official_name(province, on=today, lowercase_type=True)
    fair = services.create_event(
        actor=office, province=province, kind=Event.Kind.FAIR,
        name=f"Hội chợ OCOP và nông sản tiêu biểu {place} năm {opening.year}",
        starts_on=opening, ends_on=opening + timedelta(days=4),
        venue="Quảng trường 3/2, phường Bắc Giang", organiser=f"Sở Công Thương {place}",
        open_to=Event.OpenTo.PROVINCE, applications_open_on=today - timedelta(days=5),
        applications_close_on=today + timedelta(days=25),
        description="Gian hàng miễn phí cho chủ thể có sản phẩm OCOP còn hiệu lực; ưu tiên sản "
                    "phẩm 4 sao, sản phẩm gắn với du lịch.", booth_classes=BOOTHS)
    chuthe = User.objects.filter(username="demo-chuthe").select_related("producer").first()
    if chuthe is not None and chuthe.producer_id and services.certified_products(
            chuthe.producer, today):
        services.apply(actor=chuthe, event=fair, producer=chuthe.producer,
                       products=services.certified_products(chuthe.producer, today)[:2],
                       booth_wanted=fair.booth_classes.get(name="Gian góc"),
                       notes="Xin gian gần lối vào để giới thiệu sản phẩm dùng thử.", today=today)
    services.create_event(
        actor=office, province=province, kind=Event.Kind.HONOURING,
        name=f"Lễ công bố, trao giấy chứng nhận sản phẩm OCOP {place}",
        starts_on=today + timedelta(days=20), ends_on=today + timedelta(days=20),
        venue=f"Trung tâm Hội nghị {place}", organiser=f"UBND {place}",
        description="Tôn vinh các chủ thể có sản phẩm được công nhận OCOP trong năm.")
    return Event.objects.count()
