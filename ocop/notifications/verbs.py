"""What a notification says, as one table from verb code to translated sentence.

A notification stores a verb code (``dossier.submitted``) and the values of its sentence
(``data``: names, references, numbers, dates as ISO strings, ids for the link), never the
sentence itself: it is written in the writer's language but read by someone else, maybe in the
other language. ``render_text`` words it at read time in the active language (the reader's
page, or the recipient's language for an e-mail), ``render_link`` builds its link with
``reverse`` from the ids in ``data``.

Values are shown by their key: ``day`` is an ISO date shown dd/mm/yyyy, ``mean`` a decimal
shown with the interface's decimal mark, ``level`` an evaluation level code shown by its name.
A verb missing from the table (a row older than a removed verb) or data missing a value never
shows a code: the row's stored text (``legacy``) or a generic sentence is shown instead.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from ocop.core.formats import format_decimal
from ocop.rules.levels import CENTRAL, DISTRICT, PROVINCE

log = logging.getLogger(__name__)

# Rows converted from the old stored text that matched no verb keep it as {"text": …}.
LEGACY = "legacy"


@dataclass(frozen=True)
class Verb:
    template: Promise  # gettext_lazy / ngettext_lazy(…, "count") msgid in Vietnamese
    url_name: str = ""  # named URL of the link (none: no link)
    url_args: tuple[str, ...] = ()  # data keys giving reverse()'s args, in order


_DOSSIER = ("dossiers:detail", ("dossier_id",))
_RESULT = ("evaluation:result", ("dossier_id",))
_SCORE = ("evaluation:score", ("dossier_id",))
_SUMMARY = ("evaluation:summary", ("council_id", "dossier_id"))
_CERTIFICATE = ("certificates:detail", ("number",))

VERBS: dict[str, Verb] = {
    # Dossiers
    "dossier.opened": Verb(
        _("%(actor)s đã lập hồ sơ OCOP %(ref)s cho sản phẩm “%(product)s”."), *_DOSSIER),
    "dossier.submitted": Verb(
        _("Hồ sơ %(ref)s — “%(product)s” của %(producer)s vừa được nộp, cần kiểm tra."),
        *_DOSSIER),
    "dossier.resubmitted": Verb(
        _("Hồ sơ %(ref)s — “%(product)s” đã được bổ sung (phiên bản %(version)d), cần "
          "kiểm tra lại."), *_DOSSIER),
    "dossier.commune_checked": Verb(
        _("Xã đã kiểm tra hồ sơ %(ref)s — “%(product)s”; chờ kiểm tra tính đầy đủ."),
        *_DOSSIER),
    "dossier.corrections_requested": Verb(
        ngettext_lazy("Hồ sơ %(ref)s — “%(product)s” cần bổ sung %(count)d nội dung.",
                      "Hồ sơ %(ref)s — “%(product)s” cần bổ sung %(count)d nội dung.",
                      "count"),
        "dossiers:corrections", ("dossier_id",)),
    "dossier.accepted": Verb(
        _("Hồ sơ %(ref)s — “%(product)s” đã được tiếp nhận vào %(round)s."), *_DOSSIER),
    "dossier.withdrawn": Verb(
        _("Chủ thể đã rút hồ sơ %(ref)s — “%(product)s”."), *_DOSSIER),
    # Evaluation
    "evaluation.assigned": Verb(
        ngettext_lazy("%(council)s: %(count)d hồ sơ mới được phân công để đánh giá.",
                      "%(council)s: %(count)d hồ sơ mới được phân công để đánh giá.", "count"),
        "evaluation:assigned"),
    "evaluation.conflict_declared": Verb(
        _("%(member)s kê khai xung đột lợi ích với hồ sơ %(ref)s, không tham gia chấm hồ "
          "sơ này."), *_SUMMARY),
    "evaluation.all_sheets_submitted": Verb(
        _("Tất cả thành viên đã nộp phiếu chấm hồ sơ %(ref)s; chủ tịch có thể khoá lượt "
          "chấm."), *_SUMMARY),
    "evaluation.scoring_closed": Verb(
        _("Chủ tịch đã khoá lượt chấm %(revision)d của hồ sơ %(ref)s."), *_SCORE),
    "evaluation.scoring_closed_rescore": Verb(
        _("Chủ tịch đã khoá lượt chấm %(revision)d của hồ sơ %(ref)s: điểm chênh lệch quá "
          "giới hạn, hội đồng cần chấm lại."), *_SCORE),
    "evaluation.rescore": Verb(
        _("Hội đồng chấm lại hồ sơ %(ref)s (lượt %(revision)d)."), *_SCORE),
    "evaluation.result": Verb(
        _("Kết quả đánh giá hồ sơ %(ref)s — “%(product)s”: %(mean)s điểm, %(stars)d sao."),
        *_RESULT),
    "evaluation.proposed_up": Verb(
        _("Hồ sơ %(ref)s — “%(product)s” (%(mean)s điểm) được đề nghị %(level)s đánh giá."),
        *_RESULT),
    "evaluation.not_recognised": Verb(
        _("Sản phẩm “%(product)s” chưa được công nhận OCOP."), *_RESULT),
    "evaluation.not_recognised_reason": Verb(
        _("Sản phẩm “%(product)s” chưa được công nhận OCOP: %(reason)s"), *_RESULT),
    # Certificates
    "certificate.issued": Verb(
        _("Sản phẩm “%(product)s” được công nhận %(stars)d sao, giấy chứng nhận số "
          "%(number)s."), *_CERTIFICATE),
    "certificate.revoked": Verb(
        _("Giấy chứng nhận OCOP số %(number)s (“%(product)s”) đã bị thu hồi theo quyết định số "
          "%(decision)s."), *_CERTIFICATE),
    "certificate.expiry_reminder": Verb(
        ngettext_lazy(
            "Giấy chứng nhận OCOP số %(number)s (“%(product)s”) hết hiệu lực sau ngày "
            "%(day)s (còn %(days)d ngày). Chủ thể có thể nộp hồ sơ đánh giá lại.",
            "Giấy chứng nhận OCOP số %(number)s (“%(product)s”) hết hiệu lực sau ngày "
            "%(day)s (còn %(days)d ngày). Chủ thể có thể nộp hồ sơ đánh giá lại.",
            "days"),
        *_CERTIFICATE),
    "certificate.expired": Verb(
        _("Giấy chứng nhận OCOP số %(number)s (“%(product)s”) đã hết hiệu lực từ ngày "
          "%(day)s; sản phẩm không được dùng nhãn OCOP cho đến khi được công nhận lại."),
        *_CERTIFICATE),
    # Inspections after certification
    "inspection.assigned": Verb(
        _("Bạn được giao kiểm tra theo kế hoạch “%(title)s”."),
        "inspections:plan_detail", ("plan_id",)),
    "inspection.revocation_proposed": Verb(
        _("Đề nghị thu hồi giấy chứng nhận %(number)s (“%(product)s”) sau kiểm tra %(ref)s."),
        "inspections:proposal_detail", ("proposal_id",)),
    "inspection.complaint": Verb(
        _("Phản ánh mới của người tiêu dùng (%(ref)s) về “%(product)s”."),
        "inspections:complaint_detail", ("complaint_id",)),
    "inspection.complaint_unnamed": Verb(
        _("Phản ánh mới của người tiêu dùng (%(ref)s)."),
        "inspections:complaint_detail", ("complaint_id",)),
    # Trade fairs and events
    "fairs.applied": Verb(
        _("%(producer)s đăng ký gian hàng tại “%(event)s”, cần xét duyệt."),
        "fairs:event", ("event_id",)),
    "fairs.accepted": Verb(
        _("Đăng ký gian hàng tại “%(event)s” được nhận: %(booth)s, gian số %(number)s."),
        "fairs:event", ("event_id",)),
    "fairs.waitlisted": Verb(
        _("Đăng ký gian hàng tại “%(event)s” đang trong danh sách chờ."),
        "fairs:event", ("event_id",)),
    "fairs.refused": Verb(
        _("Đăng ký gian hàng tại “%(event)s” không được nhận: %(reason)s"),
        "fairs:event", ("event_id",)),
}

# Evaluation levels as they read inside a sentence ("được đề nghị cấp tỉnh đánh giá"), keyed by
# the codes of the rulebook's levels table.
LEVELS: dict[str, Promise] = {
    DISTRICT: _("cấp huyện"),
    PROVINCE: _("cấp tỉnh"),
    CENTRAL: _("cấp trung ương"),
}

GENERIC = _("Bạn có một thông báo mới.")


def _shown(key: str, value: Any) -> Any:
    """A stored value as the sentence shows it in the active language."""
    if key == "day" and isinstance(value, str):
        try:
            return f"{date.fromisoformat(value):%d/%m/%Y}"
        except ValueError:
            return value
    if key == "mean":
        return format_decimal(value)
    if key == "level":
        return str(LEVELS.get(value, value))
    return value


def render_text(verb: str, data: dict[str, Any]) -> str:
    """The notification's sentence in the active language."""
    data = data or {}
    entry = VERBS.get(verb)
    if entry is not None:
        try:
            return str(entry.template % {k: _shown(k, v) for k, v in data.items()})
        except (KeyError, TypeError, ValueError):
            # A row whose data does not fit its sentence (should not happen): say something.
            log.warning("notification %s: data %r does not fit its sentence", verb, data)
    text = data.get("text")
    return text if isinstance(text, str) and text else gettext(GENERIC)


def render_link(verb: str, data: dict[str, Any]) -> str:
    """The link built from the verb's named URL and the ids in ``data`` ("" when none)."""
    entry = VERBS.get(verb)
    if entry is None or not entry.url_name:
        return ""
    data = data or {}
    if any(data.get(k) in (None, "") for k in entry.url_args):
        return ""
    try:
        return reverse(entry.url_name, args=[data[k] for k in entry.url_args])
    except NoReverseMatch:
        return ""
