"""On PostgreSQL the scan's evidence read is a prepared statement (ocop/trace/scan.py,
``_PreparedCursor``): prepared once per connection and reused, with the same answers as the
unprepared read; Django's own queries stay unprepared; the setting turns it off."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from ocop.trace import scan, scanlog
from ocop.trace.models import Scan
from ocop.trace.tests.test_stamps_scan import stamp_path

pytestmark = [pytest.mark.django_db, pytest.mark.postgresql]


def _prepared() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_the_evidence_read_is_prepared_once_and_answers_as_before(chain, settings) -> None:
    before = len(_prepared())
    path = stamp_path(chain, 6)
    for n in (1, 2, 3):
        Client(REMOTE_ADDR=f"198.51.{n}.7").get(path)
    scanlog.flush()
    Scan.objects.filter(serial=6).update(scanned_at=timezone.now() - timedelta(days=1))
    now, since = timezone.now(), timezone.now() - timedelta(days=30)
    batch_id = Scan.objects.filter(serial=6).values_list("batch_id", flat=True).first()
    answers = [scan._earlier_scans(batch_id, 6, since, now) for _ in range(3)]
    statements = _prepared()
    # Once per connection, however many reads (the three scans' and these three).
    assert len(statements) == before + 1
    assert "trace_scan" in statements[-1] and "$1" in statements[-1]
    assert not any("django_" in s or "registry_" in s for s in statements)  # the ORM's: never
    settings.TRACE_PREPARED_EVIDENCE = False
    unprepared = scan._earlier_scans(batch_id, 6, since, now)
    assert answers == [unprepared] * 3 and len(unprepared) == 3
    assert len(_prepared()) == before + 1


def test_a_suspicious_stamp_is_found_through_the_prepared_read(chain, settings) -> None:
    settings.STAMP_SUSPICIOUS_SOURCES = 3
    path = stamp_path(chain, 7)
    for n in (1, 2):
        Client(REMOTE_ADDR=f"198.51.{n}.8").get(path)
    scanlog.flush()
    Scan.objects.filter(serial=7).update(scanned_at=timezone.now() - timedelta(days=2))
    third = Client(REMOTE_ADDR="198.51.3.8").get(path).content.decode()
    assert 'data-result="suspicious"' in third
    assert any("trace_scan" in s for s in _prepared())
