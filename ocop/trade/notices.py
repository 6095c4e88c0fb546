"""The trade app's notification sentences and audit sentences, added to the shared tables of
ocop.notifications and ocop.audit when the app starts (``TradeConfig.ready``), as job kinds and
list exports are: the lower apps keep no knowledge of this one."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ocop.audit.sentences import SENTENCES
from ocop.notifications.verbs import VERBS, Verb

_CONVERSATION = ("trade:conversation", ("conversation_id",))

TRADE_VERBS = {
    "trade.buyer_registered": Verb(
        _("%(buyer)s vừa đăng ký làm bên mua, cần xác minh."), "trade:buyers"),
    "trade.buyer_verified": Verb(
        _("Tổ chức %(buyer)s đã được xác minh: bạn có thể gửi yêu cầu cho chủ thể OCOP."),
        "trade:home"),
    "trade.buyer_suspended": Verb(
        _("Tài khoản bên mua %(buyer)s đã bị tạm ngừng."), "trade:home"),
    "trade.inquiry": Verb(
        _("%(buyer)s hỏi mua sản phẩm “%(product)s”."), *_CONVERSATION),
    "trade.meeting": Verb(
        _("%(buyer)s đề nghị gặp về sản phẩm “%(product)s”."), *_CONVERSATION),
    "trade.reply": Verb(
        _("Có tin nhắn mới về sản phẩm “%(product)s” (%(buyer)s — %(producer)s)."),
        *_CONVERSATION),
    "trade.meeting_accepted": Verb(
        _("%(producer)s đã nhận lịch gặp về sản phẩm “%(product)s”."), *_CONVERSATION),
    "trade.declined": Verb(
        _("%(producer)s đã từ chối yêu cầu về sản phẩm “%(product)s”."), *_CONVERSATION),
    "trade.deal": Verb(
        _("Đã chốt giao dịch sản phẩm “%(product)s” (%(buyer)s — %(producer)s)."),
        *_CONVERSATION),
    "trade.closed": Verb(
        _("Cuộc trao đổi về sản phẩm “%(product)s” đã đóng."), *_CONVERSATION),
}

TRADE_SENTENCES = {
    "trade.buyer.register": _("%(actor)s đã đăng ký tổ chức bên mua."),
    "trade.buyer.status": _("%(actor)s đã đổi trạng thái xác minh của một bên mua."),
    "trade.need.post": _("%(actor)s đã đăng một nhu cầu mua hàng."),
    "trade.need.close": _("%(actor)s đã đóng một nhu cầu mua hàng."),
    "trade.conversation.start": _("%(actor)s đã gửi một yêu cầu cho chủ thể OCOP."),
    "trade.conversation.reply": _("%(actor)s đã nhắn trong một cuộc trao đổi."),
    "trade.conversation.accept": _("%(actor)s đã nhận một lịch gặp."),
    "trade.conversation.decline": _("%(actor)s đã từ chối một yêu cầu."),
    "trade.conversation.deal": _("%(actor)s đã ghi nhận một giao dịch."),
    "trade.conversation.close": _("%(actor)s đã đóng một cuộc trao đổi."),
}


def register() -> None:
    VERBS.update(TRADE_VERBS)
    SENTENCES.update(TRADE_SENTENCES)
