"""The scan's evidence read runs on the driver's own cursor (ocop/trace/scan.py,
``_run_on_driver``), kept per connection: it answers as the ORM query it stands for, the
connection's execute wrappers (the request's query counter) still see it, its errors are
Django's, and a replaced connection gets a new cursor. On both engines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.utils import Error as DjangoDatabaseError
from django.test import Client
from django.utils import timezone

from ocop.trace import scan, scanlog
from ocop.trace.models import Scan, SuspicionClearance
from ocop.trace.tests.test_stamps_scan import stamp_path

pytestmark = pytest.mark.django_db


def _scanned(chain, serial: int, sources: int) -> tuple[int, list]:
    """Scan ``serial`` from ``sources`` networks, log it, and return (batch id, the ORM's
    answer to the evidence read)."""
    for n in range(1, sources + 1):
        Client(REMOTE_ADDR=f"198.51.{n}.9").get(stamp_path(chain, serial))
    scanlog.flush()
    batch_id = Scan.objects.filter(serial=serial).values_list("batch_id", flat=True).first()
    orm = list(Scan.objects.filter(batch_id=batch_id, serial=serial)
               .order_by("-scanned_at").values_list("scanned_at", "source"))
    return batch_id, orm


def test_the_read_answers_as_the_orm_query_and_the_counter_sees_it(chain) -> None:
    batch_id, orm = _scanned(chain, 9, 3)
    now = timezone.now()
    seen: list[str] = []

    def counter(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    assert not connection.queries_logged  # the driver's cursor, not Django's
    with connection.execute_wrapper(counter):
        rows = scan._earlier_scans(batch_id, 9, now - timedelta(days=30), now)
        again = scan._earlier_scans(batch_id, 9, now - timedelta(days=30), now)
    assert rows == again == orm and len(rows) == 3
    assert len(seen) == 2 and all("trace_scan" in sql for sql in seen)
    # Outside the window: nothing.
    assert scan._earlier_scans(batch_id, 9, now + timedelta(minutes=2),
                               now + timedelta(minutes=3)) == []


def test_a_replaced_connection_gets_a_new_cursor_and_errors_are_djangos(chain) -> None:
    batch_id, orm = _scanned(chain, 10, 2)
    now, since = timezone.now(), timezone.now() - timedelta(days=30)
    assert scan._earlier_scans(batch_id, 10, since, now) == orm
    db = connections[DEFAULT_DB_ALIAS]  # Django's connection object, not its proxy
    kept_raw, prepared, first = db.__dict__[scan._KEPT_CURSOR]
    assert scan._earlier_scans(batch_id, 10, since, now) == orm
    assert kept_raw is db.connection and db.__dict__[scan._KEPT_CURSOR][2] is first  # kept
    # As if the connection had been replaced since (closed after CONN_MAX_AGE, reconnected).
    db.__dict__[scan._KEPT_CURSOR] = (object(), prepared, first)
    assert scan._earlier_scans(batch_id, 10, since, now) == orm
    assert db.__dict__[scan._KEPT_CURSOR][2] is not first
    assert db.__dict__[scan._KEPT_CURSOR][0] is db.connection
    # The driver's errors come out as Django's, which the fast path's reconnection retry
    # catches (last: on PostgreSQL the error ends the test's transaction).
    with pytest.raises(DjangoDatabaseError, match="no_such_table"):
        scan._run_on_driver(db, "SELECT 1 FROM no_such_table", [])


def test_the_clearance_read_answers_as_the_orm_query(chain) -> None:
    batch_id, _orm = _scanned(chain, 11, 1)
    assert scan._last_clearance(batch_id, 11) is None
    earlier, office = timezone.now() - timedelta(days=3), chain.people["province_office"]
    for at in (earlier, earlier + timedelta(days=1), earlier - timedelta(days=1)):
        SuspicionClearance.objects.create(batch_id=batch_id, serial=11, cleared_at=at,
                                          cleared_by=office, reason="Quầy thu ngân")
    SuspicionClearance.objects.create(batch_id=batch_id, serial=12, cleared_at=timezone.now(),
                                      cleared_by=office, reason="Tem khác")
    orm = (SuspicionClearance.objects.filter(batch_id=batch_id, serial=11)
           .order_by("-cleared_at").values_list("cleared_at", flat=True).first())
    assert scan._last_clearance(batch_id, 11) == orm == earlier + timedelta(days=1)
    assert scan._last_clearance(batch_id, 11).utcoffset() == timedelta(0)


def test_sqlite_times_are_read_as_aware_utc() -> None:
    # The converter the reads name on SQLite: Django's stored form (naive UTC text), with or
    # without microseconds, and a time that already carries an offset.
    assert scan._utc(b"2026-12-04 06:22:18.364237") == datetime(2026, 12, 4, 6, 22, 18, 364237,
                                                                tzinfo=UTC)
    assert scan._utc(b"2026-12-04 06:22:18").utcoffset() == timedelta(0)
    assert scan._utc(b"2026-12-04 13:22:18+07:00") == datetime(2026, 12, 4, 6, 22, 18, tzinfo=UTC)
