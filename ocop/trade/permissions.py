"""Who may do what in the supply–demand connection.

- A buyer account (``Role.BUYER``) posts needs and, once its organisation is verified by the
  province office, sends inquiries and meeting requests; a suspended buyer only reads its past.
- A producer account answers the conversations addressed to its producer.
- The province office verifies or suspends the buyers registered in its province and reads the
  response-time figures of its province's producers; admin and central accounts do so
  nation-wide. Offices never read the conversations themselves: they are between two parties.
"""

from __future__ import annotations

from typing import Any

import rules
from django.utils.translation import gettext as _

from ocop.accounts.models import Role, User
from ocop.core.refusals import ALLOWED, Verdict, denied


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.is_active


def is_buyer(user: Any) -> bool:
    return _active(user) and user.role == Role.BUYER


def is_producer(user: Any) -> bool:
    return _active(user) and user.role == Role.PRODUCER and user.producer_id is not None


def is_office(user: Any) -> bool:
    """An office that oversees buyers: a province office bound to its province, or nation-wide."""
    if not _active(user):
        return False
    return user.is_nationwide or (user.role == Role.PROVINCE_OFFICE and user.unit_id is not None)


def can_use(user: Any) -> Verdict:
    """May ``user`` open the connection's pages at all (the menu entry asks this)?"""
    if is_buyer(user) or is_producer(user) or is_office(user):
        return ALLOWED
    return denied(_("Kết nối cung cầu dành cho bên mua, chủ thể OCOP và cơ quan thường trực."),
                  "trade.not_for_role")


def can_post_need(user: Any, buyer: Any) -> Verdict:
    if buyer is None or not is_buyer(user):
        return denied(_("Chỉ tài khoản bên mua mới đăng nhu cầu mua hàng."), "trade.not_buyer")
    if buyer.status == buyer.Status.SUSPENDED:
        return denied(_("Tài khoản bên mua đang bị tạm ngừng; liên hệ cơ quan thường trực "
                        "OCOP của tỉnh."), "trade.buyer_suspended")
    return ALLOWED


def can_contact(user: Any, buyer: Any) -> Verdict:
    """Sending inquiries and meeting requests needs a verified organisation: producers are
    small households and cooperatives, and a verified sender keeps their inbox free of spam."""
    if not (verdict := can_post_need(user, buyer)):
        return verdict
    if buyer.status != buyer.Status.VERIFIED:
        return denied(_("Tổ chức của bạn chưa được cơ quan thường trực OCOP xác minh, nên chưa "
                        "gửi được yêu cầu cho chủ thể. Bạn vẫn có thể đăng nhu cầu và xem sản "
                        "phẩm gợi ý."), "trade.buyer_unverified")
    return ALLOWED


def can_manage_buyer(user: Any, buyer: Any) -> Verdict:
    """Verify or suspend ``buyer`` (None: any buyer at all, to show the page)."""
    if _active(user) and user.is_nationwide:
        return ALLOWED
    if is_office(user) and (buyer is None or buyer.province_id == user.unit_id):
        return ALLOWED
    return denied(_("Chỉ cơ quan thường trực OCOP của tỉnh xác minh bên mua của tỉnh mình."),
                  "trade.manage_buyer_forbidden")


def side_of(user: User, conversation: Any) -> str | None:
    """"buyer", "producer" or None: which party ``user`` speaks for in ``conversation``."""
    if is_buyer(user) and conversation.buyer.account_id == user.pk:
        return "buyer"
    if is_producer(user) and conversation.producer_id == user.producer_id:
        return "producer"
    return None


rules.add_perm("trade.use", rules.predicate(lambda user: bool(can_use(user)), name="trade_use"))
