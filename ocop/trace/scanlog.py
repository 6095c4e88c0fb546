"""The scan log, buffered per server process and written in batches.

One INSERT per scan was the largest write cost of the public scan page (and on SQLite every
INSERT takes the database's single write lock, so two workers queue on it). Scans are instead
appended to a buffer in the process and written with one multi-row INSERT when

* the buffer holds ``STAMP_SCAN_BUFFER`` rows (default 100), or
* its oldest row is ``STAMP_SCAN_FLUSH_SECONDS`` old (default 2 s): checked on every scan and,
  for a process that stops receiving scans, by a one-shot timer thread, or
* the process exits normally (``atexit``: gunicorn's graceful stop, a restart, Ctrl-C).

What this costs, and why it is bounded: a worker killed with SIGKILL (or a machine that loses
power) loses at most the rows of its buffer — fewer than ``STAMP_SCAN_BUFFER`` and at most
``STAMP_SCAN_FLUSH_SECONDS`` of that worker's scans. Counterfeit evidence stays exact inside
the process (``pending`` merges the buffer into the evidence read); scans buffered by another
process are seen by the others at most ``STAMP_SCAN_FLUSH_SECONDS`` later. ``STAMP_SCAN_BUFFER
= 1`` writes each scan at once (the old behaviour).

Rows are plain tuples written with one ``executemany``: a model instance per scan and
``bulk_create``'s compilation per flush were 9 % of a scan's CPU (py-spy, docs/traceability.md
"Fourth pass"), for a table nothing else writes row by row.

``STAMP_SCAN_FLUSH_SECONDS = 0`` disables the timer thread (the test-suite does this: a thread
writing outside the test's transaction would write into no test); the size, explicit ``flush``
and exit still write.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from collections import Counter
from datetime import datetime
from typing import NamedTuple

from django.conf import settings
from django.db import connections, router, transaction

from ocop.core.metrics import SCANS
from ocop.trace.models import Scan

logger = logging.getLogger(__name__)


class Row(NamedTuple):
    """One scan to write: the columns of ``trace.Scan`` but its id."""

    scanned_at: datetime
    batch_id: int | None
    serial: int | None
    product_id: int | None
    result: str
    place: str = ""
    source: str = ""


_lock = threading.Lock()
_rows: list[Row] = []
_oldest = 0.0  # monotonic time the oldest buffered row was added
_timer: threading.Timer | None = None
# After a failed write the rows are kept for the next attempt, up to this many buffers' worth.
_RETRY_BUFFERS = 10


def buffer_size() -> int:
    return max(1, int(getattr(settings, "STAMP_SCAN_BUFFER", 100)))


def flush_seconds() -> float:
    return float(getattr(settings, "STAMP_SCAN_FLUSH_SECONDS", 2.0))


def add(row: Row) -> None:
    """Buffer one scan; write the buffer when it is full or old enough."""
    global _oldest, _timer
    seconds = flush_seconds()
    with _lock:
        if not _rows:
            _oldest = time.monotonic()
        _rows.append(row)
        due = len(_rows) >= buffer_size() or (
            seconds > 0 and time.monotonic() - _oldest >= seconds)
        if not due and seconds > 0 and _timer is None:
            _timer = threading.Timer(seconds, _flush_from_timer)
            _timer.daemon = True
            _timer.start()
    if due:
        flush()


def pending(batch_id: int, serial: int, since: datetime) -> list[tuple[datetime, str]]:
    """This process's unwritten scans of one stamp since ``since``: (scanned_at, source)."""
    with _lock:
        return [(r.scanned_at, r.source) for r in _rows
                if r.batch_id == batch_id and r.serial == serial and r.scanned_at >= since]


def flush() -> int:
    """Write the buffered rows (one transaction); return how many were written."""
    global _timer
    with _lock:
        rows = _rows[:]
        _rows.clear()
        if _timer is not None:
            _timer.cancel()
            _timer = None
    if not rows:
        return 0
    try:
        _write(rows)
    except Exception:
        # The database refused or is away: keep the rows for the next flush (bounded), so a
        # short outage loses nothing and a long one cannot exhaust the process's memory.
        logger.exception("scan log: %d rows not written, kept for the next flush", len(rows))
        with _lock:
            _rows[:0] = rows[-buffer_size() * _RETRY_BUFFERS:]
        return 0
    # bulk_create sends no post_save: the /metrics scan counter is fed here (ocop.operations).
    for result, n in Counter(row.result for row in rows).items():
        SCANS.labels(result).inc(n)
    return len(rows)


def _write(rows: list[Row]) -> None:
    alias = router.db_for_write(Scan)
    connection = connections[alias]
    columns = ", ".join(connection.ops.quote_name(name) for name in Row._fields)
    sql = (f"INSERT INTO {connection.ops.quote_name(Scan._meta.db_table)} ({columns}) "  # noqa: S608
           f"VALUES ({', '.join(['%s'] * len(Row._fields))})")
    adapt = connection.ops.adapt_datetimefield_value
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        cursor.executemany(sql, [(adapt(row.scanned_at), *row[1:]) for row in rows])


def discard() -> None:
    """Forget the buffer without writing (tests: a test's scans must not land in the next)."""
    global _timer
    with _lock:
        _rows.clear()
        if _timer is not None:
            _timer.cancel()
            _timer = None


def _flush_from_timer() -> None:
    global _timer
    with _lock:
        _timer = None
    try:
        flush()
    finally:
        # The timer's thread opened its own connection; do not leave it open.
        connections.close_all()


atexit.register(flush)
