"""Every read of the exchange: the feed since a cursor, the bulk export, partners, history.

Reads are scoped by ``province`` (a current province's unit key, or None for the whole country);
``permissions.feed_scope`` decides it from who asks.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from ocop.core.refusals import Invalid
from ocop.exchange import records
from ocop.exchange.models import Change, Entity, FeedHead, ImportBatch, Partner, SigningKey

MAX_PAGE = 1000
DEFAULT_PAGE = 200


def head() -> int:
    """The last committed sequence number (0 before the first change); inside a transaction
    holding the feed's lock, the last one numbered. After a restore from a backup, at least the
    feed's floor (``FeedHead.floor``): a reader whose cursor the lost changes had moved past it
    is not refused, and reads on from the floor."""
    floor = FeedHead.objects.filter(id=1).values_list("floor", flat=True).first() or 0
    return max(last_numbered(), floor)


def last_numbered() -> int:
    """The highest sequence number in the log (0 when it is empty)."""
    return Change.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def parse_cursor(value: str | None, *, last: int | None = None) -> int:
    """A cursor is the sequence number of the last change the reader has: digits only, and not
    beyond the head (a cursor from the future would silently skip what comes next). ``last``:
    the head when the caller has read it already (``feed`` is then given the same)."""
    if value in (None, ""):
        return 0
    text = str(value).strip()
    if not text.isdigit() or len(text) > 18:
        raise Invalid(_("Con trỏ “%(cursor)s” không hợp lệ: con trỏ là số thứ tự của thay đổi "
                        "cuối cùng đã nhận (một số nguyên không âm).") % {"cursor": text[:40]},
                      code="exchange.bad_cursor",
                      fields={"after": _("Con trỏ không hợp lệ.")})
    cursor = int(text)
    if last is None:
        last = head()
    if cursor > last:
        raise Invalid(_("Con trỏ %(cursor)d vượt quá thay đổi mới nhất (%(head)d): con trỏ này "
                        "không do nền tảng này cấp.") % {"cursor": cursor, "head": last},
                      code="exchange.future_cursor",
                      fields={"after": _("Con trỏ vượt quá thay đổi mới nhất.")})
    return cursor


@dataclass(frozen=True)
class FeedPage:
    changes: list[Change]
    next_cursor: int
    has_more: bool


def feed(after: int, *, province: str | None, limit: int = DEFAULT_PAGE,
         last: int | None = None) -> FeedPage:
    """The changes after ``after`` in sequence order. The head (``last``, read here when not
    given) is read *before* the changes: every sequence number up to it was committed by then
    (numbers are taken under a lock held to commit), so when nothing more is found the reader
    may move its cursor to it."""
    limit = max(1, min(limit, MAX_PAGE))
    if last is None:
        last = head()
    qs = Change.objects.filter(seq__gt=after, seq__lte=last).order_by("seq")
    if province:
        qs = qs.filter(province=province)
    rows = list(qs[:limit + 1])
    has_more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = rows[-1].seq if has_more else max(last, after)
    return FeedPage(rows, next_cursor, has_more)


def change_dict(change: Change) -> dict[str, Any]:
    return {"seq": change.seq, "entity": change.entity, "op": change.op, "key": change.key,
            "province": change.province or None, "at": change.recorded_at.isoformat(),
            "data": change.data}


def export_records(province: str | None) -> Iterator[dict[str, Any]]:
    """Every current record, in the order an import needs (producers before their products,
    decisions before certificates), as ``{"entity", "op", "key", "data"}``."""
    sources = (
        (Entity.PRODUCER, records.producers_in(province)),
        (Entity.PRODUCT, records.products_in(province)),
        (Entity.DECISION, records.decisions_in(province)),
        (Entity.CERTIFICATE, records.certificates_in(province)),
    )
    for entity, qs in sources:
        for obj in qs.iterator(chunk_size=500):
            key, _province, data = records.describe(entity, obj)
            yield {"entity": entity, "op": "upsert", "key": key, "data": data}


def partners() -> QuerySet[Partner]:
    return Partner.objects.select_related("province")


def partner_by_code(code: str) -> Partner | None:
    return Partner.objects.filter(code=code).first()


def import_history(province: str | None, limit: int | None = 50) -> QuerySet[ImportBatch]:
    qs = ImportBatch.objects.select_related("created_by", "partner", "province")
    if province:
        qs = qs.filter(province_id=province)
    return qs[:limit]


def own_key() -> SigningKey | None:
    return SigningKey.objects.filter(active=True).first()
