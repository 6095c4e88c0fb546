"""Pages of the supply–demand connection; thin views over the selectors and services."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ocop.accounts.throttle import form_limited, too_many
from ocop.core.refusals import Forbidden, NotFound, Refusal, show_on_form
from ocop.trade import permissions, selectors, services
from ocop.trade.forms import (
    BuyerRegistrationForm,
    BuyerStatusForm,
    DealForm,
    InquiryForm,
    NeedForm,
    ReplyForm,
)
from ocop.trade.models import Conversation

PAGE_SIZE = 20


def _allowed(verdict: Any) -> None:
    if not verdict:
        raise PermissionDenied(verdict.reason)


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The connection's front page: for a buyer its needs and conversations, for a producer
    its inbox, for an office its buyers and figures, for a visitor how to take part."""
    user = request.user
    context: dict[str, Any] = {"today": timezone.localdate()}
    if permissions.is_buyer(user):
        buyer = selectors.buyer_of(user)
        context |= {"buyer": buyer, "needs": selectors.needs_of(buyer)[:10],
                    "conversations": selectors.conversations_for(user)[:10],
                    "may_contact": bool(permissions.can_contact(user, buyer))}
    elif permissions.is_producer(user):
        context["conversations"] = selectors.conversations_for(user)[:20]
    elif permissions.is_office(user):
        context["figures"] = selectors.response_figures(user)
        context["pending"] = selectors.buyers_for(user).filter(status="pending").count()
    elif user.is_authenticated:
        _allowed(permissions.can_use(user))
    return render(request, "trade/home.html", context)


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """Public sign-up of a buyer organisation, behind a honeypot and a rate limit."""
    if request.user.is_authenticated:
        return redirect("trade:home")
    form = BuyerRegistrationForm(request.POST or None)
    if request.method == "POST":
        if form_limited(request, "ocop.trade.signup"):
            return too_many(request)
        if form.is_spam:
            # Said plainly: a person who somehow filled it in knows what to do.
            form.add_error(None, _("Không gửi được đăng ký: ô “Để trống ô này” phải để trống."))
        elif form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "website"}
            try:
                services.register_buyer(**data)
            except Refusal as exc:
                show_on_form(form, exc)
            else:
                messages.success(request, _(
                    "Đã đăng ký. Hãy đăng nhập bằng thư điện tử và mật khẩu vừa tạo; cơ quan "
                    "thường trực OCOP của tỉnh sẽ xác minh tổ chức của bạn."))
                return redirect("accounts:login")
    response = render(request, "trade/register.html", {"form": form},
                      status=400 if form.errors else 200)
    return _no_store(response)


# --- Buyer: needs ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def need_create(request: HttpRequest) -> HttpResponse:
    buyer = selectors.buyer_of(request.user)
    _allowed(permissions.can_post_need(request.user, buyer))
    form = NeedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            need = services.post_need(actor=request.user, **form.cleaned_data)
        except Refusal as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Đã đăng nhu cầu. Dưới đây là các sản phẩm OCOP phù "
                                        "hợp."))
            return redirect("trade:need", pk=need.pk)
    return render(request, "trade/need_form.html", {"form": form},
                  status=400 if form.errors else 200)


@login_required
@require_GET
def need_detail(request: HttpRequest, pk: int) -> HttpResponse:
    need = selectors.need_detail(request.user, pk)
    today = timezone.localdate()
    return render(request, "trade/need_detail.html", {
        "need": need, "suggestions": selectors.suggestions(need, today),
        "may_contact": bool(permissions.can_contact(request.user, need.buyer)),
    })


@login_required
@require_POST
def need_close(request: HttpRequest, pk: int) -> HttpResponse:
    need = selectors.need_detail(request.user, pk)
    _run(request, lambda: services.close_need(actor=request.user, need=need),
         _("Đã đóng nhu cầu."))
    return redirect("trade:need", pk=pk)


# --- Buyer: inquiries --------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def inquiry(request: HttpRequest, product_pk: int) -> HttpResponse:
    user = request.user
    buyer = selectors.buyer_of(user)
    _allowed(permissions.can_contact(user, buyer))
    today = timezone.localdate()
    product = selectors.product_card(product_pk, today)
    need = None
    if (need_pk := request.GET.get("nhu-cau") or request.POST.get("need")) and \
            str(need_pk).isdigit():
        need = selectors.needs_of(buyer).filter(pk=int(need_pk)).first()
    form = InquiryForm(request.POST or None)
    if product is None:
        # Unknown, or no certificate valid today: the page says so, nothing is sent.
        return render(request, "trade/inquiry_form.html", {"form": form, "product": None,
                                                           "need": need}, status=409)
    if request.method == "POST" and form.is_valid():
        try:
            conversation = services.start_conversation(
                actor=user, producer_id=product.producer_id,
                product_id=product_pk, kind=form.cleaned_data["kind"],
                body=form.cleaned_data["body"], need=need,
                slots=services.parse_slots(form.slots()), today=today)
        except NotFound as exc:
            raise PermissionDenied(exc.message) from None
        except Refusal as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Đã gửi yêu cầu. Chủ thể sẽ nhận được thông báo."))
            return redirect("trade:conversation", pk=conversation.pk)
    return render(request, "trade/inquiry_form.html", {
        "form": form, "product": product, "need": need}, status=400 if form.errors else 200)


# --- Conversations -----------------------------------------------------------------------


@login_required
@require_GET
def conversation_list(request: HttpRequest) -> HttpResponse:
    _allowed(permissions.can_use(request.user))
    page = Paginator(selectors.conversations_for(request.user), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "trade/conversation_list.html", {"page": page})


@login_required
@require_GET
def conversation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = selectors.conversation_detail(request.user, pk)
    side = permissions.side_of(request.user, conversation)
    return render(request, "trade/conversation_detail.html", {
        "c": conversation, "side": side,
        "messages_list": conversation.messages.select_related("author"),
        "slots": list(conversation.slots.all()), "now": timezone.now(),
        "reply_form": ReplyForm(), "deal_form": DealForm(),
    })


def _run(request: HttpRequest, action: Callable[[], Any], done: str) -> bool:
    try:
        action()
    except (NotFound, Forbidden) as exc:
        raise PermissionDenied(exc.message) from None
    except Refusal as exc:
        messages.error(request, " ".join(exc.fields.values()) or exc.message)
        return False
    messages.success(request, done)
    return True


def _conversation_action(request: HttpRequest, pk: int) -> Conversation:
    return selectors.conversation_detail(request.user, pk)


@login_required
@require_POST
def conversation_reply(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _conversation_action(request, pk)
    _run(request, lambda: services.reply(actor=request.user, conversation=conversation,
                                         body=request.POST.get("body", "")),
         _("Đã gửi tin nhắn."))
    return redirect("trade:conversation", pk=pk)


@login_required
@require_POST
def conversation_accept(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _conversation_action(request, pk)
    slot = request.POST.get("slot", "")
    _run(request, lambda: services.accept_slot(
        actor=request.user, conversation=conversation,
        slot_id=int(slot) if slot.isdigit() else None, body=request.POST.get("body", "")),
        _("Đã nhận lịch gặp."))
    return redirect("trade:conversation", pk=pk)


@login_required
@require_POST
def conversation_decline(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _conversation_action(request, pk)
    _run(request, lambda: services.decline(actor=request.user, conversation=conversation,
                                           body=request.POST.get("body", "")),
         _("Đã từ chối yêu cầu."))
    return redirect("trade:conversation", pk=pk)


@login_required
@require_POST
def conversation_finish(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _conversation_action(request, pk)
    deal = request.POST.get("outcome") == "deal"
    form = DealForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Giá trị giao dịch phải là số không âm."))
        return redirect("trade:conversation", pk=pk)
    _run(request, lambda: services.finish(actor=request.user, conversation=conversation,
                                          deal=deal, value=form.cleaned_data["value"]),
         _("Đã ghi nhận giao dịch.") if deal else _("Đã đóng cuộc trao đổi."))
    return redirect("trade:conversation", pk=pk)


# --- Office ------------------------------------------------------------------------------


@login_required
@require_GET
def buyer_list(request: HttpRequest) -> HttpResponse:
    _allowed(permissions.can_manage_buyer(request.user, None))
    page = Paginator(selectors.buyers_for(request.user), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "trade/buyer_list.html", {"page": page, "form": BuyerStatusForm()})


@login_required
@require_POST
def buyer_status(request: HttpRequest, pk: int) -> HttpResponse:
    buyer = get_object_or_404(selectors.buyers_for(request.user), pk=pk)
    form = BuyerStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Chọn xác minh hoặc tạm ngừng."))
    else:
        _run(request, lambda: services.set_buyer_status(
            actor=request.user, buyer=buyer, status=form.cleaned_data["status"],
            note=form.cleaned_data["note"]), _("Đã cập nhật bên mua %(name)s.") % {
                "name": buyer.name})
    return redirect("trade:buyers")


@login_required
@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    _allowed(permissions.can_manage_buyer(request.user, None))
    try:
        since = date.fromisoformat(request.GET.get("tu", ""))
    except ValueError:
        since = None  # no date, or not a date: every conversation
    return render(request, "trade/figures.html", {
        "figures": selectors.response_figures(request.user, since=since), "since": since,
        "target_hours": int(selectors.RESPONSE_TARGET.total_seconds() // 3600)})
