"""The trade app's JSON API (mounted at /api/v1/trade): a buyer's needs and their suggestions,
and the conversations of a buyer or a producer. The same selectors and services as the pages;
refusals become the API's one error shape (ocop/api/errors.py)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from ocop.api.errors import refusals
from ocop.api.pagination import PageOut, PageParams, paginate
from ocop.api.types import DbId
from ocop.core.refusals import Forbidden
from ocop.registry.models import ProductGroup, ProductSet
from ocop.trade import permissions, selectors, services
from ocop.trade.models import Conversation, Need
from ocop.units.models import Unit

router = Router(tags=["trade"])


class NeedIn(Schema):
    wanted: str = Field(max_length=255)
    group: str | None = Field(None, description="Mã nhóm sản phẩm")
    product_set: str | None = Field(None, description="Mã bộ sản phẩm")
    volume: Decimal
    volume_unit: str = Field(max_length=30)
    min_stars: int | None = None
    certifications: str = Field("", max_length=255)
    requirements: str = ""
    period_from: date
    period_to: date
    delivery_province: str = Field(description="Khoá tỉnh hiện hành, ví dụ P24")


class NeedOut(Schema):
    id: int
    wanted: str
    group: str | None
    product_set: str | None
    volume: Decimal
    volume_unit: str
    min_stars: int | None
    certifications: str
    period_from: date
    period_to: date
    delivery_province: str
    status: str


class NeedPage(PageOut):
    results: list[NeedOut]


class SuggestionOut(Schema):
    product_id: int
    product: str
    stars: int = Field(description="Hạng sao của giấy chứng nhận còn hiệu lực hôm nay")
    product_set: str
    producer_id: int
    producer: str
    province: str | None


class MessageOut(Schema):
    side: str = Field(description="buyer, producer hoặc system")
    body: str
    created_at: datetime


class ConversationOut(Schema):
    id: int
    kind: str
    state: str
    buyer: str
    producer_id: int
    producer: str
    product_id: int
    product: str
    need_id: int | None
    created_at: datetime
    first_response_at: datetime | None
    ended_at: datetime | None
    deal_value: Decimal | None


class ConversationPage(PageOut):
    results: list[ConversationOut]


class ConversationDetailOut(ConversationOut):
    slots: list[datetime]
    messages: list[MessageOut]


class ConversationIn(Schema):
    producer_id: int
    product_id: int
    kind: str = Field(description="inquiry hoặc meeting")
    message: str
    slots: list[datetime] = Field(default_factory=list, description="1–3 thời gian (meeting)")
    need_id: int | None = None


class ReplyIn(Schema):
    message: str


def _need(need: Need) -> dict[str, Any]:
    return {"id": need.pk, "wanted": need.wanted, "group": need.group_id,
            "product_set": need.product_set_id, "volume": need.volume,
            "volume_unit": need.volume_unit, "min_stars": need.min_stars,
            "certifications": need.certifications, "period_from": need.period_from,
            "period_to": need.period_to, "delivery_province": need.delivery_province_id,
            "status": need.status}


def _conversation(c: Conversation) -> dict[str, Any]:
    return {"id": c.pk, "kind": c.kind, "state": c.state, "buyer": c.buyer.name,
            "producer_id": c.producer_id, "producer": c.producer.name,
            "product_id": c.product_id, "product": c.product.name, "need_id": c.need_id,
            "created_at": c.created_at, "first_response_at": c.first_response_at,
            "ended_at": c.ended_at, "deal_value": c.deal_value}


def _buyer(request: HttpRequest):
    buyer = selectors.buyer_of(request.auth)
    if buyer is None:
        raise Forbidden(permissions.can_post_need(request.auth, None).reason,
                        code="trade.not_buyer")
    return buyer


@router.get("/needs", response={200: NeedPage, **refusals(403)},
            summary="Nhu cầu mua hàng của bên mua")
def list_needs(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    page = paginate(selectors.needs_of(_buyer(request)), params)
    return {**page, "results": [_need(n) for n in page["results"]]}


def _optional(model: type, pk: str | None):
    return get_object_or_404(model, pk=pk) if pk else None


@router.post("/needs", response={201: NeedOut, **refusals(403, 404, 422)},
             summary="Đăng nhu cầu mua hàng")
def create_need(request: HttpRequest, payload: NeedIn) -> Status:
    data = payload.dict()
    need = services.post_need(
        actor=request.auth, wanted=data["wanted"], volume=data["volume"],
        volume_unit=data["volume_unit"], period_from=data["period_from"],
        period_to=data["period_to"], min_stars=data["min_stars"],
        certifications=data["certifications"], requirements=data["requirements"],
        delivery_province=Unit.objects.filter(pk=data["delivery_province"]).first(),
        group=_optional(ProductGroup, data["group"]),
        product_set=_optional(ProductSet, data["product_set"]))
    return Status(201, _need(need))


@router.get("/needs/{need_id}/suggestions", response={200: list[SuggestionOut], **refusals(404)},
            summary="Sản phẩm OCOP còn hiệu lực phù hợp với nhu cầu")
def need_suggestions(request: HttpRequest, need_id: DbId) -> list[dict[str, Any]]:
    need = selectors.need_detail(request.auth, need_id)
    return [{"product_id": p.pk, "product": p.name, "stars": p.best_stars,
             "product_set": p.product_set.name_vi, "producer_id": p.producer_id,
             "producer": p.producer.name,
             "province": p.producer.commune.current_province.name
             if p.producer.commune.current_province_id else None}
            for p in selectors.suggestions(need, timezone.localdate())]


@router.get("/conversations", response=ConversationPage,
            summary="Cuộc trao đổi của bên mua hoặc chủ thể")
def list_conversations(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    page = paginate(selectors.conversations_for(request.auth), params)
    return {**page, "results": [_conversation(c) for c in page["results"]]}


def _detail(c: Conversation) -> dict[str, Any]:
    return {**_conversation(c), "slots": [s.starts_at for s in c.slots.all()],
            "messages": [{"side": m.side, "body": m.body, "created_at": m.created_at}
                         for m in c.messages.all()]}


@router.post("/conversations", response={201: ConversationDetailOut,
                                         **refusals(403, 404, 409, 422)},
             summary="Gửi yêu cầu hỏi hàng hoặc đề nghị gặp cho chủ thể")
def start_conversation(request: HttpRequest, payload: ConversationIn) -> Status:
    buyer = _buyer(request)
    need = None
    if payload.need_id is not None:
        need = get_object_or_404(selectors.needs_of(buyer), pk=payload.need_id)
    conversation = services.start_conversation(
        actor=request.auth, producer_id=payload.producer_id, product_id=payload.product_id,
        kind=payload.kind, body=payload.message, need=need,
        slots=services.parse_slots(payload.slots))
    return Status(201, _detail(selectors.conversation_detail(request.auth, conversation.pk)))


@router.get("/conversations/{conversation_id}",
            response={200: ConversationDetailOut, **refusals(404)},
            summary="Một cuộc trao đổi và các tin nhắn")
def get_conversation(request: HttpRequest, conversation_id: DbId) -> dict[str, Any]:
    return _detail(selectors.conversation_detail(request.auth, conversation_id))


@router.post("/conversations/{conversation_id}/reply",
             response={201: ConversationDetailOut, **refusals(404, 409, 422)},
             summary="Nhắn trong cuộc trao đổi")
def reply(request: HttpRequest, conversation_id: DbId, payload: ReplyIn) -> Status:
    conversation = selectors.conversation_detail(request.auth, conversation_id)
    services.reply(actor=request.auth, conversation=conversation, body=payload.message)
    return Status(201, _detail(selectors.conversation_detail(request.auth, conversation_id)))
