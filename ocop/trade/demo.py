"""The demo's supply–demand connection, called by ``manage.py demo``: a supermarket chain in
Hà Nội (demo-benmua, verified by Hà Nội's office) looking for dried lychee and other Bắc Giang
specialities, one need, and one inquiry to a demo producer that the producer has answered.

Idempotent: a second run finds the buyer and changes nothing. Everything goes through the
services, as a real buyer and producer would.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ocop.accounts.management.commands.demo_logins import DEMO_PASSWORD_HINT
from ocop.accounts.models import Role, User
from ocop.certificates.selectors import valid_products
from ocop.trade import services
from ocop.trade.models import Buyer, BuyerKind, Conversation
from ocop.units.models import Unit

USERNAME = "demo-benmua"
NAME = "Công ty CP Siêu thị Hà Nội Xanh"


def _product_of_a_demo_producer(today):
    """A certified product whose producer has a demo account (so that demo-chuthe can answer),
    the producer's best-rated first."""
    accounts = User.objects.filter(role=Role.PRODUCER, username__startswith="demo-",
                                   is_active=True).values("producer_id")
    return (valid_products(today).filter(producer_id__in=accounts)
            .order_by("-best_stars", "name", "pk").select_related("producer").first())


@transaction.atomic
def build_demo_trade() -> Buyer | None:
    """The demo buyer, its need and its conversation; None when the map or the certified
    products it needs are missing (a partial demo)."""
    existing = Buyer.objects.filter(account__username=USERNAME).first()
    if existing is not None:
        return existing
    province = Unit.objects.filter(pk="P01").first() or Unit.objects.filter(pk="P24").first()
    today = timezone.localdate()
    product = _product_of_a_demo_producer(today)
    if province is None or product is None:
        return None
    buyer = services.register_buyer(
        name=NAME, kind=BuyerKind.SUPERMARKET, province=province, tax_code="",
        contact_person="Phạm Thu Hà", phone="0243 888 6868", email="muahang@hanoixanh.vn",
        password=DEMO_PASSWORD_HINT)
    account = buyer.account
    # Demo accounts are found by their prefix (manage.py demo_logins).
    account.username = USERNAME
    account.save(update_fields=["username"])
    office = User.objects.filter(role=Role.PROVINCE_OFFICE, unit=province,
                                 is_active=True).first()
    if office is not None:
        services.set_buyer_status(actor=office, buyer=buyer, status=Buyer.Status.VERIFIED)
    else:
        Buyer.objects.filter(pk=buyer.pk).update(status=Buyer.Status.VERIFIED)
        buyer.refresh_from_db()
    need = services.post_need(
        actor=account, wanted=product.name, volume=Decimal(2000), volume_unit="kg",
        period_from=today + timedelta(days=14), period_to=today + timedelta(days=120),
        delivery_province=province, min_stars=3, certifications="VietGAP",
        requirements="Đóng gói 500 g, có tem truy xuất nguồn gốc, hạn dùng còn ít nhất 6 tháng.",
        product_set=product.product_set, today=today)
    conversation = services.start_conversation(
        actor=account, producer_id=product.producer_id, product_id=product.pk,
        kind=Conversation.Kind.INQUIRY, need=need, today=today,
        body=f"Siêu thị Hà Nội Xanh cần khoảng 2 tấn “{product.name}” cho 12 cửa hàng trong "
             "quý tới. Xin anh/chị báo giá sỉ, quy cách đóng gói và khả năng giao hàng "
             "hằng tuần.")
    producer_account = User.objects.filter(role=Role.PRODUCER, producer_id=product.producer_id,
                                           username__startswith="demo-").first()
    if producer_account is not None:
        services.reply(actor=producer_account, conversation=conversation,
                       body="Cảm ơn Siêu thị. Đơn vị có thể giao 150 kg mỗi tuần, đóng túi "
                            "500 g có tem truy xuất. Giá sỉ xin gửi kèm sau khi thống nhất "
                            "số lượng; mời anh/chị đến thăm cơ sở.")
    return buyer
