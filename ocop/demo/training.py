"""The demo's training and support (§II.5 of the 2024 Bắc Giang plan): a digital-skills course
the demo producer attended, one coming up that it can register for, and two supports it received
— all written through the training services."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from ocop.accounts.models import Role, User
from ocop.training import services
from ocop.training.models import Course, Support, Topic
from ocop.units.models import Unit


def build_demo_training() -> int:
    province = Unit.objects.filter(pk="P24").first()
    office = User.objects.filter(role=Role.PROVINCE_OFFICE, unit=province).first()
    producer_user = User.objects.filter(username="demo-chuthe").select_related(
        "producer__commune").first()
    if Course.objects.exists() or office is None or producer_user is None:
        return 0
    producer = producer_user.producer
    past = services.create_course(
        actor=office, province=province, kind=Course.Kind.COURSE, topic=Topic.DIGITAL,
        title="Chuyển đổi số và bán hàng trên sàn thương mại điện tử cho chủ thể OCOP",
        starts_on=date(2024, 8, 20), ends_on=date(2024, 8, 21),
        place="Trung tâm Khuyến nông tỉnh Bắc Giang",
        trainers="Sở Công Thương; Văn phòng Điều phối nông thôn mới tỉnh", capacity=60)
    registration = services.register(actor=producer_user, course=past, producer=producer,
                                     attendee=producer.representative_name,
                                     today=date(2024, 8, 1))
    services.mark_attendance(actor=office, registration=registration, attended=True,
                             today=date(2024, 8, 20))
    today = timezone.localdate()
    services.create_course(
        actor=office, province=province, kind=Course.Kind.WORKSHOP, topic=Topic.PACKAGING,
        title="Thiết kế bao bì, ghi nhãn và truy xuất nguồn gốc sản phẩm OCOP",
        starts_on=today + timedelta(days=30), ends_on=today + timedelta(days=30),
        registration_closes_on=today + timedelta(days=20),
        place="Hội trường UBND xã Lục Ngạn", trainers="Chi cục Tiêu chuẩn Đo lường Chất lượng",
        capacity=40)
    services.record_support(
        actor=office, producer=producer, kind=Support.Kind.PACKAGING,
        given_on=date(2024, 9, 15), amount=Decimal(15_000_000), funding="Ngân sách tỉnh 2024",
        description="Thiết kế bộ nhận diện và hộp quà vải thiều", today=today)
    services.record_support(
        actor=office, producer=producer, kind=Support.Kind.FAIR,
        given_on=date(2024, 11, 5), amount=Decimal(30_000_000), funding="Ngân sách tỉnh 2024",
        description="Gian hàng tại Hội chợ OCOP khu vực phía Bắc", today=today)
    return 2
