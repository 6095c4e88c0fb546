"""Buyers, needs and conversations through the services: what they write, and what they refuse
without leaving anything behind."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from ocop.accounts.models import Role, User
from ocop.accounts.testing import make_user
from ocop.audit.models import AuditEntry
from ocop.certificates import services as certificates
from ocop.core.refusals import Conflict, Forbidden, Invalid, NotFound
from ocop.notifications.models import Notification
from ocop.trade import services
from ocop.trade.models import Buyer, BuyerKind, Conversation, Message, Need, Slot

from .conftest import PASSWORD, make_buyer

pytestmark = pytest.mark.django_db


def _need(market, **extra) -> Need:
    today = date.today()
    data = {"wanted": "vai thieu say", "volume": Decimal("500"), "volume_unit": "kg",
            "period_from": today, "period_to": today + timedelta(days=60),
            "delivery_province": market.units.ha_noi, **extra}
    return services.post_need(actor=market.buyer.account, **data)


def _inquiry(market, **extra) -> Conversation:
    data = {"producer_id": market.producer.pk, "product_id": market.product.pk,
            "kind": "inquiry", "body": "Xin báo giá 500 kg vải sấy."}
    return services.start_conversation(actor=market.buyer.account, **{**data, **extra})


def test_registration_creates_a_pending_buyer_with_an_account_and_tells_the_office(units):
    office = make_user(Role.PROVINCE_OFFICE, unit=units.ha_noi)
    buyer = make_buyer(units, verified=False)
    assert buyer.status == Buyer.Status.PENDING
    assert buyer.account.role == Role.BUYER and buyer.account.unit_id is None
    assert buyer.account.check_password(PASSWORD)
    assert buyer.account.username == "mua@sieuthi.vn"
    assert Notification.objects.filter(recipient=office, verb="trade.buyer_registered").exists()
    assert AuditEntry.objects.filter(action="trade.buyer.register").count() == 1


def test_registration_refusals_save_nothing(units):
    make_buyer(units)
    with pytest.raises(Invalid) as exc:
        services.register_buyer(name="", kind="shop", province=units.xa_luc_ngan,
                                contact_person="A", phone="1", email="MUA@sieuthi.vn",
                                password="123")
    assert set(exc.value.fields) == {"name", "kind", "province", "email", "password"}
    assert Buyer.objects.count() == 1 and User.objects.count() == 1


def test_office_verifies_and_suspends_buyers_of_its_province_only(market):
    buyer = make_buyer(market.units, name="Công ty Xuất khẩu Bắc Ninh", email="xk@bn.vn",
                       verified=False)
    Buyer.objects.filter(pk=buyer.pk).update(province=market.units.bac_ninh)
    buyer.refresh_from_db()
    services.set_buyer_status(actor=market.office, buyer=buyer, status="verified")
    assert Buyer.objects.get(pk=buyer.pk).status == "verified"
    with pytest.raises(Invalid):
        services.set_buyer_status(actor=market.office, buyer=buyer, status="suspended")
    services.set_buyer_status(actor=market.office, buyer=buyer, status="suspended", note="Spam")
    assert Notification.objects.filter(recipient=buyer.account,
                                       verb="trade.buyer_suspended").exists()
    # market.buyer is in Hà Nội: not this office's.
    with pytest.raises(Forbidden):
        services.set_buyer_status(actor=market.office, buyer=market.buyer, status="suspended",
                                  note="x")


def test_a_need_is_posted_and_bad_needs_are_refused(market):
    need = _need(market, min_stars=4, certifications="VietGAP")
    assert need.buyer == market.buyer and need.status == "open"
    today = date.today()
    cases = [
        ({"volume": Decimal("0")}, "volume"),
        ({"volume": Decimal("-5")}, "volume"),
        ({"period_to": today - timedelta(days=1)}, "period_to"),
        ({"period_from": today + timedelta(days=10), "period_to": today + timedelta(days=5)},
         "period_to"),
        ({"min_stars": 2}, "min_stars"),
        ({"delivery_province": market.units.xa_luc_ngan}, "delivery_province"),
        ({"wanted": "  "}, "wanted"),
    ]
    for extra, field in cases:
        with pytest.raises(Invalid) as exc:
            _need(market, **extra)
        assert field in exc.value.fields, extra
    assert Need.objects.count() == 1


def test_only_buyers_post_needs(market):
    with pytest.raises(Forbidden):
        services.post_need(actor=market.producer_user, wanted="x", volume=Decimal(1),
                           volume_unit="kg", period_from=date.today(),
                           period_to=date.today(), delivery_province=market.units.ha_noi)


def test_an_inquiry_reaches_the_producer_and_the_first_answer_is_timed(market):
    conversation = _inquiry(market)
    assert conversation.state == Conversation.State.SENT
    assert Notification.objects.filter(recipient=market.producer_user,
                                       verb="trade.inquiry").count() == 1
    services.reply(actor=market.buyer.account, conversation=conversation, body="Bổ sung")
    conversation.refresh_from_db()
    assert conversation.first_response_at is None  # the buyer's own messages do not count
    services.reply(actor=market.producer_user, conversation=conversation,
                   body="Giá 350.000 đồng/kg, giao từ tháng 6.")
    conversation.refresh_from_db()
    assert conversation.state == Conversation.State.ANSWERED
    assert conversation.first_response_at is not None
    assert Notification.objects.filter(recipient=market.buyer.account,
                                       verb="trade.reply").count() == 1
    services.finish(actor=market.buyer.account, conversation=conversation, deal=True,
                    value=Decimal("175000000"))
    conversation.refresh_from_db()
    assert conversation.state == "deal" and conversation.deal_value == Decimal("175000000")
    assert conversation.ended_at is not None
    with pytest.raises(Conflict):
        services.reply(actor=market.producer_user, conversation=conversation, body="Thêm")


def test_a_meeting_request_with_slots_is_accepted_or_declined(market):
    soon = timezone.now() + timedelta(days=3)
    conversation = _inquiry(market, kind="meeting", slots=[soon, soon + timedelta(days=1)])
    assert conversation.slots.count() == 2
    slot = conversation.slots.first()
    with pytest.raises(Forbidden):
        services.accept_slot(actor=market.buyer.account, conversation=conversation,
                             slot_id=slot.pk)
    services.accept_slot(actor=market.producer_user, conversation=conversation, slot_id=slot.pk)
    conversation.refresh_from_db()
    assert conversation.state == "meeting" and conversation.first_response_at is not None
    assert Slot.objects.filter(accepted=True).count() == 1

    other = _inquiry(market)
    services.decline(actor=market.producer_user, conversation=other, body="Hết hàng vụ này.")
    other.refresh_from_db()
    assert other.state == "declined" and other.ended_at is not None


def test_bad_inquiries_are_refused_and_nothing_is_half_saved(market):
    past = timezone.now() - timedelta(hours=1)
    future = timezone.now() + timedelta(days=2)
    cases = [
        ({"producer_id": 999999}, NotFound),
        ({"product_id": market.uncertified.pk}, Conflict),
        ({"product_id": 999999}, Conflict),
        ({"product_id": market.other_product.pk}, Invalid),  # not this producer's
        ({"kind": "meeting", "slots": [past]}, Invalid),
        ({"kind": "meeting", "slots": []}, Invalid),
        ({"kind": "meeting", "slots": [future + timedelta(hours=i) for i in range(4)]}, Invalid),
        ({"body": "   "}, Invalid),
        ({"kind": "call"}, Invalid),
    ]
    for extra, refusal in cases:
        with pytest.raises(refusal):
            _inquiry(market, **extra)
    assert Conversation.objects.count() == 0
    assert Message.objects.count() == 0 and Slot.objects.count() == 0
    assert Notification.objects.filter(verb__startswith="trade.inquiry").count() == 0


def test_a_revoked_certificate_stops_new_inquiries(market):
    certificate = market.product.certificates.get()
    certificates.revoke_certificate(actor=None, certificate=certificate, reason="Vi phạm",
                                    decision_number="9/QĐ-TH",
                                    revoked_on=date.today())
    with pytest.raises(Conflict):
        _inquiry(market)


def test_unverified_and_suspended_buyers_may_not_contact_producers(market):
    pending = make_buyer(market.units, name="Công ty Chưa Xác Minh", email="cho@x.vn",
                         verified=False)
    with pytest.raises(Forbidden) as exc:
        services.start_conversation(actor=pending.account, producer_id=market.producer.pk,
                                    product_id=market.product.pk, kind="inquiry", body="Hỏi")
    assert exc.value.code == "trade.buyer_unverified"
    market.buyer.status = Buyer.Status.SUSPENDED
    market.buyer.save()
    with pytest.raises(Forbidden):
        _inquiry(market)
    with pytest.raises(Forbidden):
        _need(market)


def test_outsiders_cannot_touch_a_conversation(market):
    conversation = _inquiry(market)
    stranger = make_buyer(market.units, name="Công ty Khác", email="khac@x.vn")
    other_producer_user = make_user(Role.PRODUCER, producer=market.other_producer)
    for actor in (stranger.account, other_producer_user, market.office):
        with pytest.raises(NotFound):
            services.reply(actor=actor, conversation=conversation, body="Xin chào")
    with pytest.raises(Invalid):
        services.finish(actor=market.buyer.account, conversation=conversation, deal=True,
                        value=Decimal("-1"))
    assert conversation.messages.count() == 1


def test_kinds_are_labelled_in_vietnamese():
    assert str(BuyerKind.SUPERMARKET.label) == "Siêu thị, chuỗi cửa hàng"
