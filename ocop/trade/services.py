"""Every write of the supply–demand connection, each with its audit entry and its notices in
the same transaction: a refusal leaves nothing behind."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.models import Role, User
from ocop.accounts.selectors import producer_users, province_office_users
from ocop.audit import services as audit
from ocop.core.refusals import Conflict, Forbidden, Invalid, NotFound
from ocop.notifications.services import notify
from ocop.registry.models import Producer, ProductGroup, ProductSet
from ocop.rules.certification import MIN_CERTIFIABLE_STARS, TOP_STARS
from ocop.trade import permissions, selectors
from ocop.trade.models import Buyer, BuyerKind, Conversation, Message, Need, Slot
from ocop.units.models import Unit

MAX_SLOTS = 3
MAX_MESSAGE = 4000


def _current_province(unit: Unit | None, field: str) -> dict[str, str]:
    if unit is None or unit.era != Unit.Era.CURRENT or unit.level != Unit.Level.PROVINCE:
        return {field: _("Chọn một tỉnh/thành phố hiện hành.")}
    return {}


# --- Buyers ------------------------------------------------------------------------------


@transaction.atomic
def register_buyer(*, name: str, kind: str, province: Unit | None, contact_person: str,
                   phone: str, email: str, password: str, tax_code: str = "") -> Buyer:
    """A buyer organisation signs up: its account (signing in with its e-mail) and its record,
    waiting for the province office to verify it; the office is told."""
    email = (email or "").strip().lower()
    errors: dict[str, str] = {}
    for field, value in (("name", name), ("contact_person", contact_person), ("phone", phone),
                         ("email", email)):
        if not (value or "").strip():
            errors[field] = _("Trường này không được để trống.")
    if kind not in BuyerKind.values:
        errors["kind"] = _("Chọn loại hình tổ chức.")
    errors |= _current_province(province, "province")
    if email and User.objects.filter(username__iexact=email).exists():
        errors["email"] = _("Thư điện tử này đã dùng cho một tài khoản; hãy đăng nhập.")
    account = User(username=email, email=email, role=Role.BUYER,
                   # The account speaks for the organisation: named after it (the contact
                   # person is on the buyer record).
                   first_name=(name or "").strip()[:150], phone=(phone or "")[:20])
    try:
        validate_password(password, account)
    except ValidationError as exc:
        errors["password"] = " ".join(exc.messages)
    if errors:
        raise Invalid(_("Chưa đăng ký được: kiểm tra các trường được đánh dấu."),
                      code="trade.register_invalid", fields=errors)
    account.set_password(password)
    account.full_clean(exclude=["password"])
    account.save()
    buyer = Buyer.objects.create(
        account=account, name=name.strip(), kind=kind, tax_code=(tax_code or "").strip(),
        province=province, contact_person=contact_person.strip(), phone=phone.strip(),
        email=email)
    audit.record(actor=account, action="trade.buyer.register", obj=buyer,
                 changes={"kind": kind, "province": province.pk})
    notify(province_office_users(province), "trade.buyer_registered",
           {"buyer": buyer.name}, target=buyer)
    return buyer


@transaction.atomic
def set_buyer_status(*, actor: User, buyer: Buyer, status: str, note: str = "") -> Buyer:
    """The province office verifies a buyer, or suspends (and later restores) it."""
    permissions.can_manage_buyer(actor, buyer).check()
    if status not in Buyer.Status.values or status == Buyer.Status.PENDING:
        raise Invalid(_("Trạng thái không hợp lệ."), code="trade.status_invalid")
    if status == Buyer.Status.SUSPENDED and not note.strip():
        raise Invalid(_("Ghi lý do tạm ngừng để bên mua biết."), code="trade.note_required",
                      fields={"note": _("Ghi lý do tạm ngừng để bên mua biết.")})
    before = buyer.status
    buyer.status = status
    buyer.status_note = note.strip()[:500]
    buyer.status_changed_at = timezone.now()
    buyer.save(update_fields=["status", "status_note", "status_changed_at"])
    audit.record(actor=actor, action="trade.buyer.status", obj=buyer,
                 changes={"status": [before, status]})
    notify([buyer.account], f"trade.buyer_{status}", {"buyer": buyer.name}, target=buyer)
    return buyer


# --- Needs -------------------------------------------------------------------------------


@transaction.atomic
def post_need(*, actor: User, wanted: str, volume: Decimal | None, volume_unit: str,
              period_from: date | None, period_to: date | None,
              delivery_province: Unit | None, group: ProductGroup | None = None,
              product_set: ProductSet | None = None, min_stars: int | None = None,
              certifications: str = "", requirements: str = "",
              today: date | None = None) -> Need:
    buyer = selectors.buyer_of(actor)
    permissions.can_post_need(actor, buyer).check()
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if not (wanted or "").strip():
        errors["wanted"] = _("Ghi sản phẩm cần mua.")
    if volume is None or volume <= 0:
        errors["volume"] = _("Khối lượng phải lớn hơn 0.")
    if not (volume_unit or "").strip():
        errors["volume_unit"] = _("Ghi đơn vị tính (kg, tấn, hộp…).")
    if min_stars is not None and not MIN_CERTIFIABLE_STARS <= min_stars <= TOP_STARS:
        errors["min_stars"] = _("Hạng sao OCOP tối thiểu phải từ %(low)d đến %(high)d.") % {
            "low": MIN_CERTIFIABLE_STARS, "high": TOP_STARS}
    if period_from is None:
        errors["period_from"] = _("Ghi ngày bắt đầu cần hàng.")
    if period_to is None:
        errors["period_to"] = _("Ghi ngày kết thúc.")
    elif period_from is not None and period_to < period_from:
        errors["period_to"] = _("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.")
    elif period_to < today:
        errors["period_to"] = _("Thời gian cần hàng đã qua.")
    if product_set is not None and group is not None and product_set.group_id != group.pk:
        errors["product_set"] = _("Bộ sản phẩm không thuộc nhóm đã chọn.")
    errors |= _current_province(delivery_province, "delivery_province")
    if errors:
        raise Invalid(_("Chưa đăng được nhu cầu: kiểm tra các trường được đánh dấu."),
                      code="trade.need_invalid", fields=errors)
    need = Need.objects.create(
        buyer=buyer, wanted=wanted.strip(), group=group or (product_set and product_set.group),
        product_set=product_set, volume=volume, volume_unit=volume_unit.strip(),
        min_stars=min_stars, certifications=certifications.strip(),
        requirements=requirements.strip(), period_from=period_from, period_to=period_to,
        delivery_province=delivery_province)
    audit.record(actor=actor, action="trade.need.post", obj=need,
                 changes={"volume": str(volume), "period": [period_from, period_to]})
    return need


@transaction.atomic
def close_need(*, actor: User, need: Need) -> Need:
    if need.buyer.account_id != actor.pk:
        raise NotFound(_("Không tìm thấy nhu cầu này."), code="trade.need_not_found")
    if need.status == Need.Status.CLOSED:
        raise Conflict(_("Nhu cầu này đã đóng."), code="trade.need_closed")
    need.status = Need.Status.CLOSED
    need.save(update_fields=["status"])
    audit.record(actor=actor, action="trade.need.close", obj=need)
    return need


# --- Conversations -----------------------------------------------------------------------


def _notice(conversation: Conversation, verb: str, to_side: str) -> None:
    users = ([conversation.buyer.account] if to_side == "buyer"
             else producer_users(conversation.producer_id))
    notify(users, verb, {"buyer": conversation.buyer.name, "product": conversation.product.name,
                         "producer": conversation.producer.name,
                         "conversation_id": conversation.pk}, target=conversation)


def _body(text: str, field: str = "body", *, required: bool = True) -> str:
    text = (text or "").strip()
    if required and not text:
        raise Invalid(_("Viết nội dung tin nhắn."), code="trade.message_empty",
                      fields={field: _("Viết nội dung tin nhắn.")})
    if len(text) > MAX_MESSAGE:
        raise Invalid(_("Tin nhắn dài quá %(n)d ký tự.") % {"n": MAX_MESSAGE},
                      code="trade.message_long", fields={field: _("Tin nhắn quá dài.")})
    return text


@transaction.atomic
def start_conversation(*, actor: User, producer_id: int | None, product_id: int | None,
                       kind: str, body: str, slots: Sequence[datetime] = (),
                       need: Need | None = None, today: date | None = None) -> Conversation:
    """A verified buyer asks a producer about one of its certified products, or proposes 1–3
    meeting times; the producer's accounts are told."""
    buyer = selectors.buyer_of(actor)
    permissions.can_contact(actor, buyer).check()
    today = today or timezone.localdate()
    producer = Producer.objects.filter(pk=producer_id).first() if producer_id else None
    if producer is None or producer.status != Producer.Status.ACTIVE:
        raise NotFound(_("Không tìm thấy chủ thể OCOP này."), code="trade.producer_not_found")
    product = selectors.product_card(product_id, today) if product_id else None
    if product is None:
        raise Conflict(_("Sản phẩm này không có giấy chứng nhận OCOP còn hiệu lực, nên không "
                         "gửi yêu cầu được."), code="trade.product_not_certified")
    if product.producer_id != producer.pk:
        raise Invalid(_("Sản phẩm này không phải của chủ thể đã chọn."),
                      code="trade.product_not_of_producer",
                      fields={"product": _("Sản phẩm này không phải của chủ thể đã chọn.")})
    if need is not None and need.buyer_id != buyer.pk:
        raise NotFound(_("Không tìm thấy nhu cầu này."), code="trade.need_not_found")
    if kind not in Conversation.Kind.values:
        raise Invalid(_("Chọn hỏi hàng hoặc đề nghị gặp."), code="trade.kind_invalid")
    text = _body(body)
    clean_slots = _check_slots(kind, slots)
    conversation = Conversation.objects.create(
        buyer=buyer, producer=producer, product=product, need=need, kind=kind)
    Message.objects.create(conversation=conversation, side=Message.Side.BUYER, author=actor,
                           body=text)
    Slot.objects.bulk_create(Slot(conversation=conversation, starts_at=s) for s in clean_slots)
    audit.record(actor=actor, action="trade.conversation.start", obj=conversation,
                 changes={"kind": kind, "product": product.pk, "slots": len(clean_slots)})
    _notice(conversation, f"trade.{kind}", "producer")
    return conversation


def _check_slots(kind: str, slots: Sequence[datetime]) -> list[datetime]:
    chosen = sorted(dict.fromkeys(s for s in slots if s is not None))
    if kind == Conversation.Kind.INQUIRY:
        return []
    if not 1 <= len(chosen) <= MAX_SLOTS:
        raise Invalid(_("Đề xuất từ 1 đến %(n)d thời gian gặp.") % {"n": MAX_SLOTS},
                      code="trade.slots_count",
                      fields={"slots": _("Đề xuất từ 1 đến %(n)d thời gian gặp.") % {
                          "n": MAX_SLOTS}})
    now = timezone.now()
    if any(s <= now for s in chosen):
        raise Invalid(_("Thời gian gặp đề xuất phải ở tương lai."), code="trade.slot_past",
                      fields={"slots": _("Thời gian gặp đề xuất phải ở tương lai.")})
    return chosen


def _party(actor: User, conversation: Conversation) -> str:
    side = permissions.side_of(actor, conversation)
    if side is None:
        raise NotFound(_("Không tìm thấy cuộc trao đổi này."),
                       code="trade.conversation_not_found")
    return side


def _open(conversation: Conversation) -> None:
    if not conversation.is_open:
        raise Conflict(_("Cuộc trao đổi đã kết thúc (%(state)s).") % {
            "state": conversation.get_state_display()}, code="trade.conversation_ended")


def _first_answer(conversation: Conversation, now: datetime) -> list[str]:
    if conversation.first_response_at is None:
        conversation.first_response_at = now
        return ["first_response_at"]
    return []


@transaction.atomic
def reply(*, actor: User, conversation: Conversation, body: str) -> Message:
    """Either party writes; the producer's first message marks the first response."""
    side = _party(actor, conversation)
    _open(conversation)
    text = _body(body)
    message = Message.objects.create(conversation=conversation, side=side, author=actor,
                                     body=text)
    fields: list[str] = []
    if side == "producer":
        fields = _first_answer(conversation, message.created_at)
        if conversation.state == Conversation.State.SENT:
            conversation.state = Conversation.State.ANSWERED
            fields.append("state")
    if fields:
        conversation.save(update_fields=fields)
    audit.record(actor=actor, action="trade.conversation.reply", obj=conversation,
                 changes={"side": side})
    _notice(conversation, "trade.reply", "buyer" if side == "producer" else "producer")
    return message


@transaction.atomic
def accept_slot(*, actor: User, conversation: Conversation, slot_id: int | None,
                body: str = "") -> Slot:
    if _party(actor, conversation) != "producer":
        raise Forbidden(_("Chỉ bên bán nhận lịch gặp."), code="trade.not_producer")
    _open(conversation)
    if conversation.state == Conversation.State.MEETING:
        raise Conflict(_("Lịch gặp đã được nhận."), code="trade.slot_taken")
    slot = conversation.slots.filter(pk=slot_id).first() if slot_id else None
    if slot is None:
        raise Invalid(_("Chọn một trong các thời gian bên mua đề xuất."),
                      code="trade.slot_unknown", fields={"slot": _("Chọn một thời gian.")})
    if slot.starts_at <= timezone.now():
        raise Conflict(_("Thời gian này đã qua; hãy nhắn bên mua đề xuất thời gian khác."),
                       code="trade.slot_past")
    slot.accepted = True
    slot.save(update_fields=["accepted"])
    now = timezone.now()
    text = _body(body, required=False) or _("Bên bán nhận lịch gặp %(when)s.") % {
        "when": timezone.localtime(slot.starts_at).strftime("%H:%M %d/%m/%Y")}
    Message.objects.create(conversation=conversation, side=Message.Side.PRODUCER, author=actor,
                           body=text)
    fields = [*_first_answer(conversation, now), "state"]
    conversation.state = Conversation.State.MEETING
    conversation.save(update_fields=fields)
    audit.record(actor=actor, action="trade.conversation.accept", obj=conversation,
                 changes={"slot": slot.starts_at})
    _notice(conversation, "trade.meeting_accepted", "buyer")
    return slot


@transaction.atomic
def decline(*, actor: User, conversation: Conversation, body: str = "") -> Conversation:
    if _party(actor, conversation) != "producer":
        raise Forbidden(_("Chỉ bên bán từ chối được yêu cầu."), code="trade.not_producer")
    _open(conversation)
    now = timezone.now()
    text = _body(body, required=False)
    if text:
        Message.objects.create(conversation=conversation, side=Message.Side.PRODUCER,
                               author=actor, body=text)
    fields = [*_first_answer(conversation, now), "state", "ended_at"]
    conversation.state = Conversation.State.DECLINED
    conversation.ended_at = now
    conversation.save(update_fields=fields)
    audit.record(actor=actor, action="trade.conversation.decline", obj=conversation)
    _notice(conversation, "trade.declined", "buyer")
    return conversation


@transaction.atomic
def finish(*, actor: User, conversation: Conversation, deal: bool,
           value: Decimal | None = None) -> Conversation:
    """Either party records the outcome: a deal (its value optional) or a close."""
    side = _party(actor, conversation)
    _open(conversation)
    if value is not None and (not deal or value < 0):
        raise Invalid(_("Giá trị giao dịch phải là số không âm."), code="trade.value_invalid",
                      fields={"value": _("Giá trị giao dịch phải là số không âm.")})
    conversation.state = Conversation.State.DEAL if deal else Conversation.State.CLOSED
    conversation.deal_value = value if deal else None
    conversation.ended_at = timezone.now()
    conversation.save(update_fields=["state", "deal_value", "ended_at"])
    audit.record(actor=actor, action="trade.conversation.deal" if deal
                 else "trade.conversation.close", obj=conversation,
                 changes={"value": value} if value is not None else None)
    _notice(conversation, "trade.deal" if deal else "trade.closed",
            "producer" if side == "buyer" else "buyer")
    return conversation


def parse_slots(values: Sequence[Any]) -> list[datetime]:
    """Aware datetimes from form/API values (already parsed or None)."""
    out = []
    for value in values:
        if value is None:
            continue
        out.append(timezone.make_aware(value) if timezone.is_naive(value) else value)
    return out
