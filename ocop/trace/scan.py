"""The public scan: what a stamp URI proves, and the scan log.

``resolve`` answers with a ``ScanOutcome``: the verdict (``ok`` only when everything was proven:
signature, a known serial in an activated range, not voided, a valid OCOP certificate and no sign
of copying), the warnings in Vietnamese, and — only for a stamp whose signature and serial are
genuine — the product, producer, certificate, lot journey and zones.

Query budget per scan (constant, whatever the data size): signature (no query: the public keys
are held in memory per process, stampkeys.py) → the product's
stamp directory (its batches and public product data; cached per product, 2 queries on a miss)
→ ranges of the batch (1) → certificate (1, never cached: a revocation shows at once) → earlier
scans of the stamp (1) → journey and zones (cached per lot; 3–5 on a miss) → one INSERT for the
log, skipped when the same source scanned the stamp within STAMP_SCAN_DEDUP_MINUTES. With warm
caches: 3 reads and at most 1 INSERT (plus one read of the office's clearances, only when the
evidence would flag the stamp). The log row is written
directly (autocommit, one INSERT) rather than through a task: enqueueing a django.tasks job on
the database backend is itself an INSERT plus serialisation, so it cannot be cheaper
(docs/traceability.md has the measurement).

Counterfeit signal ("Có dấu hiệu hàng giả"): a copied QR code on fake goods is scanned by many
unrelated people on many days. So only *independent* evidence counts: distinct sources (the
server-observed client network, which a client cannot choose freely) on distinct days. The
coordinates a client sends are stored as a coarse hint for analytics and never decide the
verdict: anyone can type them. Three requests with made-up coordinates from one machine are one
source on one day — no signal. An office can clear a flagged stamp with a reason
(``services.clear_suspicion``); evidence up to then stops counting.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import hmac
import ipaddress
import itertools
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any

import psycopg
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Count, Max, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ocop.audit.services import record
from ocop.certificates.models import CertificateStatus
from ocop.certificates.models import status_on as certificate_status_on
from ocop.core.caching import forget
from ocop.registry.models import Product
from ocop.trace import geo, scanlog, stamps
from ocop.trace.models import (
    Lot,
    LotEvent,
    Scan,
    ScanDay,
    StampBatch,
    StampRange,
    SuspicionClearance,
    Zone,
)
from ocop.trace.selectors import current_certificate_for
from ocop.trace.services import journey_cache_key, ranges_cache_key
from ocop.units.names import full_address
from ocop.units.selectors import address_related

WARNINGS = {
    Scan.Result.UNKNOWN: gettext_lazy("Tem không tồn tại trong hệ thống: không xác minh được sản "
                                      "phẩm."),
    Scan.Result.BAD_SIGNATURE: gettext_lazy("Chữ ký của tem không hợp lệ: mã có thể bị làm giả "
                                            "hoặc sửa đổi."),
    Scan.Result.VOID: gettext_lazy("Tem đã bị huỷ: sản phẩm mang tem này không được xác nhận."),
    Scan.Result.NOT_ACTIVE: gettext_lazy("Tem chưa được kích hoạt khi đóng gói: chưa xác nhận "
                                         "được sản phẩm."),
    Scan.Result.SUSPICIOUS: gettext_lazy("Có dấu hiệu hàng giả: tem này đã được quét từ nhiều "
                                         "mạng khác nhau trong nhiều ngày."),
    Scan.Result.UNKNOWN_KEY: gettext_lazy("Tem ghi một khoá ký không có trong hệ thống: không xác "
                                          "minh được tem, mã có thể bị làm giả."),
    Scan.Result.REVOKED_KEY: gettext_lazy("Tem được ký bằng một khoá đã bị thu hồi vì có thể đã bị "
                                          "lộ: không thể xác nhận tem này là thật."),
}
CERT_WARNINGS = {
    "expired": gettext_lazy("Giấy chứng nhận OCOP của sản phẩm đã hết hiệu lực."),
    "revoked": gettext_lazy("Giấy chứng nhận OCOP của sản phẩm đã bị thu hồi."),
    "none": gettext_lazy("Sản phẩm chưa có giấy chứng nhận OCOP."),
}
JOURNEY_DEPTH = 4
JOURNEY_CACHE_SECONDS = 300
DIRECTORY_CACHE_SECONDS = 300
# Stamp ranges and certificate fields: cleared explicitly when they change, and in any case
# re-read after this long, so a change made around the services still shows within a minute.
STATUS_CACHE_SECONDS = 60
MAX_CACHED_RANGES = 500
SEEN_LIMIT = 500
# The evidence read's upper bound is this far past the request's own clock: a scan logged by
# another app server whose clock runs a little ahead still counts at once (NTP keeps servers
# within milliseconds; a minute is generous and keeps next month's partition out of the plan
# for all but the last minute of a month).
CLOCK_MARGIN = timedelta(minutes=1)


def suspicious_sources() -> int:
    # High: a phone on a mobile network changes its /24 often, and a family scans from a few.
    return int(getattr(settings, "STAMP_SUSPICIOUS_SOURCES", 8))


def suspicious_days() -> int:
    """Distinct days the evidence must spread over: a burst from many networks in one sitting is
    cheap to stage, weeks of scans from unrelated buyers are not."""
    return int(getattr(settings, "STAMP_SUSPICIOUS_DISTINCT_DAYS", 2))


def dedup_window() -> timedelta:
    """Repeat scans of one stamp by one source within this time are answered but not logged."""
    return timedelta(minutes=int(getattr(settings, "STAMP_SCAN_DEDUP_MINUTES", 10)))


def suspicious_window() -> timedelta:
    return timedelta(days=int(getattr(settings, "STAMP_SUSPICIOUS_DAYS", 30)))


@dataclass(frozen=True)
class BatchInfo:
    """What the scan needs of a batch; plain data so that it can be cached."""

    id: int
    first: int
    last: int
    lot_id: int
    lot_code: str
    produced_on: date
    expires_on: date | None


@dataclass
class ScanOutcome:
    result: str
    warnings: list[str] = field(default_factory=list)
    # ok / not_active / void / unknown / bad_signature / unknown_key / revoked_key
    stamp_state: str = ""
    batch: BatchInfo | None = None
    product: dict[str, Any] | None = None
    serial: int | None = None
    lot_code: str = ""
    certificate: dict[str, Any] | None = None
    scan_count: int = 0
    # False when the stamp has more scans in the window than the evidence read takes
    # (SEEN_LIMIT): scan_count is then "more than SEEN_LIMIT", not this scan's number.
    scan_count_complete: bool = True
    duplicate: bool = False  # the same source scanned this stamp moments ago: not logged again
    # The lot's journey and zones, read when first asked for (``journey``, cached per lot): the
    # HTML page shows them from its per-lot rendered copy, so most scans never read them, and
    # unpickling and labelling them on every scan cost about 5 % of its CPU.
    _lot: tuple[list[dict[str, Any]], list[dict[str, Any]]] | None = field(
        default=None, repr=False, compare=False)

    @property
    def journey(self) -> list[dict[str, Any]]:
        return self._journey_and_zones()[0]

    @property
    def zones(self) -> list[dict[str, Any]]:
        return self._journey_and_zones()[1]

    def _journey_and_zones(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        if self._lot is None:
            # The module's journey(): a method's body does not see the class's names.
            self._lot = journey(self.batch.lot_id) if self.batch is not None else ([], [])
        return self._lot

    @property
    def proven(self) -> bool:
        return self.result == Scan.Result.OK

    @property
    def genuine_stamp(self) -> bool:
        return self.batch is not None and self.stamp_state in ("ok", "not_active")


def _directory(parsed: stamps.ParsedStamp, *,
               fresh: bool = False) -> tuple[dict[str, Any] | None, bool]:
    """The product (public data) and the batches of the stamp's lot sorted by first serial,
    cached per product and lot: a scan unpickles the few batches of one lot, not all of the
    product's (100 batches cost 22 µs a scan, and a product gains a batch a lot for years).

    Batches never change once issued; a new batch clears the entry (services.issue_stamps) in
    this process and in a shared cache; ``fresh`` reads past the cache (a per-process cache of
    another worker that has not seen the batch yet: see _resolve). The second value says whether
    the directory came from the cache.
    """
    key = stamps.directory_cache_key(parsed.ref, parsed.lot)
    found = None if fresh else cache.get(key)
    if found is not None:
        return found or None, True
    products = Product.objects.select_related(
        "producer", *address_related("producer__commune"))
    product = (products.filter(gtin__in=stamps.gtin_forms(parsed.gtin)) if parsed.gtin
               else products.filter(pk=parsed.product_id)).first()
    if product is None:
        cache.set(key, {}, DIRECTORY_CACHE_SECONDS)
        return None, False
    producer = product.producer
    province = producer.commune.current_province
    # Plain tuples: the cache unpickles the whole directory on every scan, and a list of
    # dataclass instances costs several times more to unpickle (a hundred batches: ~1 ms).
    batches = [
        (pk, first, first + count - 1, lot_id, code, produced_on, expires_on)
        for pk, first, count, lot_id, code, produced_on, expires_on in
        StampBatch.objects.filter(product=product, lot__code=parsed.lot).order_by(
            "first_serial").values_list(
            "pk", "first_serial", "count", "lot_id", "lot__code", "lot__produced_on",
            "lot__expires_on")
    ]
    directory = {
        "product": {"id": product.pk, "name": product.name, "gtin": product.gtin,
                    "producer": producer.name, "commune": producer.commune.full_name,
                    "province": province.full_name if province else "",
                    # What the page shows: a commune from before 1 July 2025 with its district
                    # and province of then and where it is now, never an old commune beside
                    # today's province ("Thị trấn Phì Điền, Thành phố Bắc Ninh").
                    "address": capfirst(full_address(producer.commune))},
        "firsts": [b[1] for b in batches],
        "batches": batches,
    }
    cache.set(key, directory, DIRECTORY_CACHE_SECONDS)
    return directory, False


def _batch(directory: dict[str, Any], parsed: stamps.ParsedStamp) -> BatchInfo | None:
    index = bisect.bisect_right(directory["firsts"], parsed.serial) - 1
    if index < 0:
        return None
    batch = BatchInfo(*directory["batches"][index])
    if parsed.serial > batch.last or batch.lot_code != parsed.lot:
        return None
    return batch


def _ranges(batch_id: int) -> list[tuple[int, int, str]] | None:
    """The batch's activation and void ranges, cached for STATUS_CACHE_SECONDS (a void or a
    packing clears the entry at once: services.void_stamps, services.pack_with_stamps).
    None for a batch with more than MAX_CACHED_RANGES ranges: it is read per scan instead."""
    key = ranges_cache_key(batch_id)
    found = cache.get(key)
    if found is not None:
        return found or None
    rows = list(StampRange.objects.filter(batch_id=batch_id)
                .values_list("first", "last", "state")[:MAX_CACHED_RANGES + 1])
    cache.set(key, rows if len(rows) <= MAX_CACHED_RANGES else [], STATUS_CACHE_SECONDS)
    return rows if len(rows) <= MAX_CACHED_RANGES else None


def _state(batch: BatchInfo, serial: int) -> str:
    ranges = _ranges(batch.id)
    if ranges is None:
        states = set(StampRange.objects.filter(batch_id=batch.id, first__lte=serial,
                                               last__gte=serial).values_list("state", flat=True))
    else:
        states = {state for first, last, state in ranges if first <= serial <= last}
    if StampRange.State.VOID in states:
        return "void"
    return "ok" if StampRange.State.ACTIVE in states else "not_active"


def certificate_cache_key(product_id: int) -> str:
    return f"trace:certificate:{product_id}"


def forget_certificate(sender: type, instance: Any, **kwargs: Any) -> None:
    """post_save/post_delete of a Certificate: the scan page shows the change at once (an
    update() that bypasses signals shows within STATUS_CACHE_SECONDS)."""
    forget(certificate_cache_key(instance.product_id))


def _certificate(product_id: int, today: date) -> dict[str, Any]:
    """The product's current certificate. Its fields are cached for STATUS_CACHE_SECONDS; the
    status is computed here from them and today's date, so an expiry is exact to the day."""
    key = certificate_cache_key(product_id)
    fields = cache.get(key)
    if fields is None:
        certificate = current_certificate_for(product_id)
        fields = {} if certificate is None else {
            "number": certificate.number, "stars": certificate.stars,
            "valid_until": certificate.valid_until, "revoked_on": certificate.revoked_on,
            "revocation_reason": certificate.revocation_reason}
        cache.set(key, fields, STATUS_CACHE_SECONDS)
    if not fields:
        return {"status": "none", "status_label": _("Chưa có giấy chứng nhận"),
                "stars": None}
    status = certificate_status_on(today, valid_until=fields["valid_until"],
                                   revoked_on=fields["revoked_on"])
    return {**fields, "status": status, "status_label": CertificateStatus(status).label}


def journey(lot_id: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The lot's journey (its own events and those of the lots it came from, oldest first) and
    the zones of all those lots, cached per lot (cleared when the platform writes an event).

    The cache holds codes and names only; the labels are added per request, in its language.
    """
    key = journey_cache_key(lot_id)
    cached = cache.get(key)
    if cached is None:
        cached = _journey_rows(lot_id)
        cache.set(key, cached, JOURNEY_CACHE_SECONDS)
    steps, zones = cached
    return ([{**s, "label": str(LotEvent.Step(s["step"]).label)} for s in steps],
            [_zone_labels(z) for z in zones])


def _zone_labels(zone: dict[str, Any]) -> dict[str, Any]:
    item = dict(zone)
    today_commune = item.pop("today_commune")
    if today_commune:
        item["commune"] = _("%(commune)s (nay là %(today)s)") % {
            "commune": item["commune"], "today": today_commune}
    item["standard"] = str(Zone.Standard(item["standard"]).label) if item["standard"] else ""
    item["status_label"] = str(Zone.Status(item["status"]).label)
    return item


def _journey_rows(lot_id: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    lot_ids, frontier = [lot_id], [lot_id]
    for _depth in range(JOURNEY_DEPTH):
        frontier = list(Lot.inputs.through.objects.filter(from_lot_id__in=frontier)
                        .values_list("to_lot_id", flat=True))
        frontier = [i for i in frontier if i not in lot_ids]
        if not frontier:
            break
        lot_ids.extend(frontier)
    rows = LotEvent.objects.filter(lot_id__in=lot_ids).select_related("lot").order_by(
        "occurred_at", "id")
    steps = [{"step": r.step, "at": r.occurred_at, "place": r.place, "lot": r.lot.code,
              "event_id": r.event_id} for r in rows]
    zones = []
    for zone in Zone.objects.filter(lots__id__in=lot_ids).distinct().select_related(
            "commune", "commune__current_commune__parent"):
        today_commune = zone.commune.current_commune
        renamed = today_commune is not None and today_commune.pk != zone.commune_id
        item: dict[str, Any] = {"code": zone.code, "name": zone.name, "crop": zone.crop,
                                "variety": zone.variety, "standard": zone.standard,
                                "area_ha": zone.declared_area_ha,
                                "commune": zone.commune.full_name,
                                # "xã Lục Ngạn, thành phố Bắc Ninh", as the producer's
                                # address on the same page writes today's units.
                                "today_commune": full_address(today_commune) if renamed else "",
                                "status": zone.status, "svg_path": ""}
        if zone.boundary:
            item["svg_path"] = geo.svg_path(geo.validate_polygon(zone.boundary))
        zones.append(item)
    return steps, zones


def coarse_place(lat: str | None, lon: str | None) -> str:
    """Client-given position rounded to 0.1° (≈ 11 km); "" when absent or nonsense."""
    try:
        la, lo = float(lat or ""), float(lon or "")
    except ValueError:
        return ""
    if not (-90 <= la <= 90 and -180 <= lo <= 180):
        return ""
    return f"{la:.1f},{lo:.1f}"


def source_key(ip: str | None) -> str:
    """Keyed hash of the client's network (/24 or /48): distinct sources, no addresses."""
    if not ip:
        return ""
    return _source_key(settings.SECRET_KEY, ip)


@lru_cache(maxsize=4096)
def _source_key(secret: str, ip: str) -> str:
    # A pure function of the key and the address, remembered per process: parsing the address
    # and the HMAC were 3 % of a scan, and a phone scans several stamps from one address.
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ""
    prefix = 24 if address.version == 4 else 48
    network = ipaddress.ip_network(f"{ip}/{prefix}", strict=False)
    return hmac.new(secret.encode(), f"scan-source|{network}".encode(),
                    hashlib.sha256).hexdigest()[:16]


def _independent(rows: list[tuple[datetime, str]], now: datetime, source: str) -> bool:
    """Enough distinct sources on enough distinct days (the current scan included)?

    Each count stops at its threshold, and a time is turned into a local day only when it lies
    outside every day already found: a copied code carries up to SEEN_LIMIT earlier scans, and
    converting each of their times to a local date was 1.1 ms of every scan of it
    (docs/traceability.md, "Thirteenth look")."""
    needed = suspicious_sources()
    sources = {source} if source else set()
    for _at, row_source in rows:
        if len(sources) >= needed:
            break
        if row_source:
            sources.add(row_source)
    if len(sources) < needed:
        # Nearly every scan ends here: the days are not needed.
        return False
    return _spans_days(itertools.chain((now,), (at for at, _ in rows)), suspicious_days())


def _spans_days(times: Iterable[datetime], needed: int) -> bool:
    """Whether ``times`` fall on at least ``needed`` distinct local days."""
    zone = timezone.get_current_timezone()
    found: list[tuple[datetime, datetime]] = []  # each local day found: [midnight, next midnight)
    for at in times:
        if any(start <= at < end for start, end in found):
            continue
        day = timezone.localdate(at, zone)
        # Aware datetimes compare as instants, whatever their zone. (A zone whose clocks jump
        # at midnight would shift a boundary by that jump; the platform's zone has no DST.)
        found.append((datetime.combine(day, datetime.min.time(), zone),
                      datetime.combine(day + timedelta(days=1), datetime.min.time(), zone)))
        if len(found) >= needed:
            return True
    return False


def _evidence(batch: BatchInfo, serial: int, now: datetime,
              source: str) -> tuple[int, bool, bool]:
    """(earlier scans in the window, is this a repeat of the same source, is it suspicious).

    The earlier scans are counted as the log would hold them with one process: a source's
    scans less than the repeat window after its last counted one are not counted. Two app
    servers can both log one double tap (each buffers its scans for up to 2 s, scanlog.py), and
    the consumer would otherwise read "lượt quét thứ 3" on the next scan of a stamp opened twice.
    A full read (SEEN_LIMIT rows) is returned as it is: the page then says "more than".

    Reads at most SEEN_LIMIT rows (newest first, index-only on (batch, serial, scanned_at)
    plus the row): enough to decide, and the cost stays flat for a stamp scanned 100,000 times.
    The office's clearances are read only when the evidence would flag the stamp.
    """
    since = now - suspicious_window()
    rows = _earlier_scans(batch.id, serial, since, now)
    # This process's scans not yet written count too (scanlog: other processes' within seconds).
    if pending := scanlog.pending(batch.id, serial, since):
        rows = sorted(rows + pending, reverse=True)[:SEEN_LIMIT]
    repeat = dedup_window()
    repeat_since = now - repeat
    duplicate = False
    for at, row_source in rows:  # newest first: only the rows of the repeat window are looked at
        if at < repeat_since:
            break
        if row_source == source:
            duplicate = True
            break
    suspicious = _suspicious(batch.id, serial, rows, pending, since, now, source)
    if suspicious:
        cleared = _last_clearance(batch.id, serial)
        if cleared is not None:
            suspicious = _suspicious(batch.id, serial, [r for r in rows if r[0] > cleared],
                                     [r for r in pending if r[0] > cleared],
                                     max(since, cleared), now, source)
    earlier = len(rows) if len(rows) >= SEEN_LIMIT else len(rows) - _doubles(rows, repeat)
    return earlier, duplicate, suspicious


def _doubles(rows: list[tuple[datetime, str]], window: timedelta) -> int:
    """How many of ``rows`` (newest first) came from their source less than ``window`` after
    that source's last counted row: what one process's repeat check would not have logged."""
    if len(rows) < 2:
        return 0
    counted: dict[str, datetime] = {}
    doubles = 0
    for at, row_source in reversed(rows):  # oldest first, as they were logged
        last = counted.get(row_source)
        if last is not None and at - last < window:
            doubles += 1
        else:
            counted[row_source] = at
    return doubles


def _suspicious(batch_id: int, serial: int, rows: list[tuple[datetime, str]],
                pending: list[tuple[datetime, str]], since: datetime, now: datetime,
                source: str) -> bool:
    """The counterfeit rule over the window from ``since``, given its newest rows.

    When the read stopped at SEEN_LIMIT rows, the window holds older rows it did not see. One
    source scanning the stamp every eleven minutes (just past the repeat window) fills 500 rows
    in under four days, so the rule would only ever see those days, and a copied code sold to a
    few buyers a week would never show. Then, and only when the newest rows do not already show
    it, the rule is decided on one row per source and local day over the whole window: both of
    its counts (sources, days) are the same over those rows as over all of them.
    """
    if _independent(rows, now, source):
        return True
    if len(rows) < SEEN_LIMIT:
        return False  # every row of the window was read
    return _independent(_sources_by_day(batch_id, serial, since, now) + pending, now, source)


def _sources_by_day(batch_id: int, serial: int, since: datetime,
                    now: datetime) -> list[tuple[datetime, str]]:
    """The stamp's newest scan per source and local day after ``since`` (at most SEEN_LIMIT
    of them, newest first). Read only for a stamp whose window holds more than SEEN_LIMIT rows,
    so an ORM query (local days on both engines, through TruncDate) is cheap enough."""
    return [(row["at"], row["source"]) for row in (
        Scan.objects.filter(batch_id=batch_id, serial=serial, scanned_at__gt=since,
                            scanned_at__lte=now + CLOCK_MARGIN)
        .annotate(day=TruncDate("scanned_at")).values("source", "day")
        .annotate(at=Max("scanned_at")).order_by("-at")[:SEEN_LIMIT])]


def _utc(stored: bytes) -> datetime:
    """A time as Django stores it in SQLite (naive UTC text) → an aware datetime, in one parse.
    Named in the reads' column aliases below ("[ocop_utc]"; sqlite3's PARSE_COLNAMES, which
    Django's connections turn on): parsing with Django's converter and then adding the zone was
    1.3 µs a row, 650 µs for the SEEN_LIMIT rows of a copied code ("Thirteenth look")."""
    text = stored.decode()
    try:
        return datetime.fromisoformat(text + "+00:00")
    except ValueError:  # already carries an offset
        return datetime.fromisoformat(text).astimezone(UTC)


sqlite3.register_converter("ocop_utc", _utc)

# The aliases name the SQLite converter above; on PostgreSQL they are only names.
_EVIDENCE_SQL = (f'SELECT scanned_at AS "scanned_at [ocop_utc]", source '  # noqa: S608 — ours
                 f"FROM {Scan._meta.db_table} "
                 "WHERE batch_id = %s AND serial = %s AND scanned_at >= %s AND scanned_at <= %s "
                 "ORDER BY scanned_at DESC LIMIT %s")

_CLEARANCE_SQL = (f'SELECT cleared_at AS "cleared_at [ocop_utc]" '  # noqa: S608 — ours
                  f"FROM {SuspicionClearance._meta.db_table} "
                  "WHERE batch_id = %s AND serial = %s ORDER BY cleared_at DESC LIMIT 1")

# Where _run_on_driver keeps its cursor, on Django's connection object.
_KEPT_CURSOR = "_ocop_evidence_cursor"


def _earlier_scans(batch_id: int, serial: int, since: datetime,
                   now: datetime) -> list[tuple[datetime, str]]:
    """The stamp's logged scans from ``since`` to ``now``, newest first (at most SEEN_LIMIT).

    Plain SQL: this is the one query every scan runs, and building and compiling the same
    ORM query cost more than running it (~0.7 ms of a ~1 ms read, profiled in
    docs/traceability.md). It is the ORM query
    ``Scan.objects.filter(batch_id=…, serial=…, scanned_at__range=(…, …)).order_by("-scanned_at")``
    and reads the (batch, serial, scanned_at) index. The upper bound, ``now`` plus
    CLOCK_MARGIN, changes no answer (a scan is logged with the time it was made, by a server
    whose clock is within the margin of this one) but lets PostgreSQL leave the months ahead out
    of the plan: planning, not running, is most of this query's time on the partitioned table
    (docs/traceability.md, "Fifth pass").
    """
    # The connection itself, once: each ``connection.…`` goes through Django's per-thread proxy,
    # and the read went through it eight times.
    db = connections[DEFAULT_DB_ALIAS]
    adapt = db.ops.adapt_datetimefield_value
    return _read(db, _EVIDENCE_SQL,
                 [batch_id, serial, adapt(since), adapt(now + CLOCK_MARGIN), SEEN_LIMIT])


def _last_clearance(batch_id: int, serial: int) -> datetime | None:
    """When an office last cleared the stamp's flag (``services.clear_suspicion``), or None.

    Read only when the evidence would flag the stamp — but then on every scan of it, and the
    stamp of a counterfeit run is scanned by every buyer of the fakes: the ORM query
    ``SuspicionClearance.objects.filter(batch_id=…, serial=…).order_by("-cleared_at")`` cost
    more to build than to run, so it is plain SQL too ("Thirteenth look")."""
    rows = _read(connections[DEFAULT_DB_ALIAS], _CLEARANCE_SQL, [batch_id, serial])
    return rows[0][0] if rows else None


def _read(db: BaseDatabaseWrapper, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """The rows of one of the scan's plain reads (their times aware, in UTC, on both engines)."""
    if db.queries_logged:
        # Through Django's cursor, so that the query is in connection.queries (DEBUG, a test
        # counting queries): the same statement, unprepared.
        with db.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    return _run_on_driver(db, sql, params)


def _run_on_driver(db: BaseDatabaseWrapper, sql: str,
                   params: list[Any]) -> list[tuple[Any, ...]]:
    """``sql`` run on the driver's own cursor, not Django's: its layers (the cursor wrapper, the
    async check, the placeholder rewrite on SQLite) cost more than SQLite's own work (with the
    kept cursor below, a read's CPU fell from 38–46 to 16–20 µs on SQLite and from 137–166 to
    101–120 µs on PostgreSQL: docs/traceability.md, "Twelfth look").
    What they do that matters is kept: errors are Django's (the fast path's reconnection retry
    catches them) and the connection's execute wrappers (the request's query counter) still see
    the query. On PostgreSQL the statement is prepared on the server, once per connection
    (``prepared_evidence``: parsing and planning it on the partitioned table were over half its
    cost, "Ninth look")."""
    db.ensure_connection()
    raw = db.connection
    prepared = db.vendor == "postgresql" and prepared_evidence()
    # One cursor per connection, kept on Django's connection object (one per thread) and made
    # again when the connection was replaced: making and closing a psycopg cursor on every scan
    # was about 20 µs of the read on PostgreSQL ("Twelfth look").
    kept = db.__dict__.get(_KEPT_CURSOR)
    if kept is not None and kept[0] is raw and kept[1] == prepared:
        cursor = kept[2]
    else:
        cursor = (raw.cursor() if db.vendor == "sqlite"
                  else _PreparedCursor(raw) if prepared else _BinaryCursor(raw))
        db.__dict__[_KEPT_CURSOR] = (raw, prepared, cursor)
    if db.vendor == "sqlite":
        sql = sql.replace("%s", "?")  # what Django's SQLite cursor does to every query

    def execute(sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
        return cursor.execute(sql, params)

    for wrapper in reversed(db.execute_wrappers):
        execute = functools.partial(wrapper, execute)
    with db.wrap_database_errors:
        execute(sql, params, False, {"connection": db, "cursor": cursor})
        return cursor.fetchall()


def prepared_evidence() -> bool:
    """Whether the evidence read is a prepared statement on PostgreSQL (default yes). Turn it off
    (``TRACE_PREPARED_EVIDENCE=false``) behind a connection pooler in transaction mode that does
    not keep prepared statements (PgBouncer before 1.21): Django's own queries never prepare."""
    return bool(getattr(settings, "TRACE_PREPARED_EVIDENCE", True))


class _BinaryCursor(psycopg.Cursor):
    """A psycopg cursor binding parameters on the server and reading rows in PostgreSQL's binary
    format, through psycopg's C loaders: Django's loader for text timestamps adds a Python call a
    value, and a copied code's SEEN_LIMIT rows took 650 µs to read that way against 130 µs in
    binary ("Thirteenth look"). Not ``connection.cursor()``: Django's connections make
    client-side-binding cursors, which cannot read binary rows. An unnamed server-side statement
    passes every pooler."""

    def execute(self, query: Any, params: Any = None, *, prepare: bool | None = None,
                binary: bool | None = None) -> _BinaryCursor:
        return super().execute(query, params, prepare=prepare, binary=True)


class _PreparedCursor(_BinaryCursor):
    """A binary cursor that also prepares every statement it runs (psycopg keeps the prepared
    statements per connection, keyed by query and parameter types). Django's own cursors bind on
    the client and never prepare."""

    def __init__(self, connection: psycopg.Connection, **kwargs: Any) -> None:
        # Django opens its connections with prepared statements off (prepare_threshold None),
        # which makes psycopg ignore ``prepare=True``. A threshold no query reaches turns them
        # back on for the statements that ask, and only those.
        if connection.prepare_threshold is None:
            connection.prepare_threshold = 2**31
        super().__init__(connection, **kwargs)

    def execute(self, query: Any, params: Any = None, *, prepare: bool | None = None,
                binary: bool | None = None) -> _PreparedCursor:
        return super().execute(query, params, prepare=True, binary=binary)


def resolve(parsed: stamps.ParsedStamp, signature: str, *, kid: str = "", place: str = "",
            source: str = "", now: datetime | None = None, log: bool = True) -> ScanOutcome:
    """``kid`` is the URI's key id (``k``); empty for a stamp printed before key ids (HMAC)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    outcome = _resolve(parsed, signature, kid, source, now, today)
    if log and not outcome.duplicate:
        found = outcome.batch is not None
        scanlog.add(scanlog.Row(
            scanned_at=now, batch_id=outcome.batch.id if found else None,
            serial=parsed.serial if found else None,
            product_id=outcome.product["id"] if found else None,
            result=outcome.result, place=place, source=source,
        ))
    return outcome


def _resolve(parsed: stamps.ParsedStamp, signature: str, kid: str, source: str, now: datetime,
             today: date) -> ScanOutcome:
    checked = stamps.check(parsed.ref, parsed.lot, parsed.serial, signature, kid)
    if checked != stamps.Check.OK:
        # Nothing about the product is shown: the URI may be forged (a revoked key may have
        # signed anything its thief wanted).
        return ScanOutcome(checked.value, [str(WARNINGS[checked.value])],
                           stamp_state=checked.value, lot_code=parsed.lot)
    directory, cached = _directory(parsed)
    batch = _batch(directory, parsed) if directory else None
    if batch is None and cached:
        # Rare (a correctly signed serial is normally issued): read past the cache once, in
        # case this process's copy predates the batch.
        directory, _cached = _directory(parsed, fresh=True)
        batch = _batch(directory, parsed) if directory else None
    if batch is None:
        # A correct signature for a serial never issued: the key leaked or data was lost.
        return ScanOutcome(Scan.Result.UNKNOWN, [str(WARNINGS[Scan.Result.UNKNOWN])],
                           stamp_state="unknown", lot_code=parsed.lot)
    outcome = ScanOutcome(Scan.Result.OK, batch=batch, product=directory["product"],
                          serial=parsed.serial, lot_code=parsed.lot)
    outcome.stamp_state = _state(batch, parsed.serial)
    outcome.certificate = _certificate(directory["product"]["id"], today)
    earlier, outcome.duplicate, suspicious = _evidence(batch, parsed.serial, now, source)
    if earlier >= SEEN_LIMIT:
        outcome.scan_count, outcome.scan_count_complete = SEEN_LIMIT, False
    else:
        outcome.scan_count = earlier + (0 if outcome.duplicate else 1)

    results: list[str] = []
    if outcome.stamp_state == "void":
        results.append(Scan.Result.VOID)
    if suspicious:
        results.append(Scan.Result.SUSPICIOUS)
    if outcome.stamp_state == "not_active":
        results.append(Scan.Result.NOT_ACTIVE)
    outcome.warnings = [str(WARNINGS[r]) for r in results]
    cert_status = outcome.certificate["status"]
    if cert_status != "valid":
        outcome.warnings.append(str(CERT_WARNINGS[cert_status]))
        results.append(Scan.Result.CERT_INVALID)
    outcome.result = results[0] if results else Scan.Result.OK
    return outcome


def as_json(outcome: ScanOutcome) -> dict[str, Any]:
    """The scan result for apps. Product data only for a genuine stamp."""
    data: dict[str, Any] = {
        "result": outcome.result,
        "verified": outcome.proven,
        "stampState": outcome.stamp_state,
        "warnings": outcome.warnings,
    }
    if not outcome.genuine_stamp:
        return data
    batch, product = outcome.batch, outcome.product
    cert = outcome.certificate
    data.update({
        "serial": outcome.serial,
        "scanCount": outcome.scan_count,
        # False: more than scanCount scans in the window (the evidence read stops there).
        "scanCountComplete": outcome.scan_count_complete,
        "product": {"id": product["id"], "name": product["name"], "gtin": product["gtin"]},
        "producer": {"name": product["producer"], "commune": product["commune"],
                     "province": product["province"]},
        "lot": {"code": batch.lot_code, "producedOn": batch.produced_on.isoformat(),
                "expiresOn": batch.expires_on.isoformat() if batch.expires_on else None},
        "certificate": {
            "status": cert["status"], "statusLabel": cert["status_label"],
            "number": cert.get("number"), "stars": cert.get("stars"),
            "validUntil": cert["valid_until"].isoformat() if cert.get("valid_until") else None,
        },
        "journey": [{"step": s["step"], "label": s["label"], "time": s["at"].isoformat(),
                     "place": s["place"], "lot": s["lot"], "eventID": s["event_id"]}
                    for s in outcome.journey],
        "zones": [{k: (str(v) if k == "area_ha" else v) for k, v in z.items() if k != "svg_path"}
                  for z in outcome.zones],
    })
    return data


def retention() -> timedelta:
    """How long scan rows are kept (never shorter than the evidence window they feed)."""
    days = int(getattr(settings, "STAMP_SCAN_RETENTION_DAYS", 180))
    return max(timedelta(days=days), suspicious_window())


def prune_scans(*, now: datetime | None = None) -> tuple[int, int]:
    """Fold scan rows older than the retention period into daily counts per product and result
    (``ScanDay``), then delete them; return (rows folded, daily counts written).

    The cut is at local midnight, so each day is folded once and whole (scan rows are only ever
    written with the current time, so no late row can arrive for a folded day).
    """
    now = now or timezone.now()
    scanlog.flush()  # this process's buffered scans are counted with the rest
    cut = timezone.make_aware(datetime.combine(timezone.localdate(now - retention()),
                                               datetime.min.time()))
    old = Scan.objects.filter(scanned_at__lt=cut)
    with transaction.atomic():
        days = fold_into_days(old)
        folded, _deleted = old.delete()
        if folded:
            record(actor=None, action="trace.scans_prune", object_type="trace.scan",
                   object_repr=f"< {cut:%Y-%m-%d}", changes={"rows": folded, "days": days})
    return folded, days


def fold_into_days(scans: QuerySet[Scan]) -> int:
    """Write ``scans`` as ScanDay counts per local day, product and result (before they are
    deleted or their month dropped); return how many counts were written."""
    counts = list(scans.annotate(day=TruncDate("scanned_at")).values("day", "product_id", "result")
                  .annotate(n=Count("id")).order_by())
    ScanDay.objects.bulk_create(ScanDay(day=c["day"], product_id=c["product_id"],
                                        result=c["result"], scans=c["n"]) for c in counts)
    return len(counts)
