"""The fast scan and verify pages keep their promises: what the caches hold changes on the pages
at once when the platform writes it (or within STATUS_CACHE_SECONDS when it is written around
the services), an expiry is exact to the day, every scan is counted — buffered scans included —
and the buffer is written when full and when the process exits."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ocop.certificates import services as certificates
from ocop.certificates.models import Certificate
from ocop.core.metrics import SCANS
from ocop.trace import scan, scanlog, services, stamps
from ocop.trace.models import Scan
from ocop.trace.tests.test_stamps_scan import stamp_path

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]


def page(chain, serial: int, ip: str = "198.51.100.20") -> str:
    return Client(REMOTE_ADDR=ip).get(stamp_path(chain, serial)).content.decode()


def verify(chain) -> str:
    return Client().get(f"/verify/{chain.certificate.number}").content.decode()


def later(monkeypatch, seconds: float) -> None:
    """Move the cache's clock (Django's local-memory cache reads time.time) forward."""
    import django.core.cache.backends.locmem as locmem

    if not isinstance(caches["default"], locmem.LocMemCache):
        pytest.skip("the clock is moved for the local-memory cache only")
    real = locmem.time.time
    monkeypatch.setattr(locmem.time, "time", lambda: real() + seconds)


def test_revocation_shows_at_once_on_the_scan_and_verify_pages(chain) -> None:
    assert 'data-cert="valid"' in page(chain, 7) and "Còn hiệu lực" in verify(chain)  # cached
    certificates.revoke_certificate(actor=None, certificate=chain.certificate,
                                    reason="Vi phạm an toàn thực phẩm",
                                    decision_number="99/QĐ-UBND", revoked_on=date(2025, 10, 1))
    assert 'data-cert="revoked"' in page(chain, 7)
    assert "Đã bị thu hồi" in verify(chain)


def test_a_change_made_around_the_services_shows_within_a_minute(chain, monkeypatch) -> None:
    assert 'data-cert="valid"' in page(chain, 7) and "Còn hiệu lực" in verify(chain)
    # A bulk update sends no signal: the cached copies answer until they are a minute old.
    Certificate.objects.filter(pk=chain.certificate.pk).update(revoked_on=date(2025, 10, 1))
    assert 'data-cert="valid"' in page(chain, 7)
    later(monkeypatch, scan.STATUS_CACHE_SECONDS + 1)
    assert 'data-cert="revoked"' in page(chain, 7)
    assert "Đã bị thu hồi" in verify(chain)


def test_expiry_is_exact_to_the_day_on_cached_data(chain, monkeypatch) -> None:
    valid_until = chain.certificate.valid_until
    assert 'data-cert="valid"' in page(chain, 7) and "Còn hiệu lực" in verify(chain)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: valid_until)
    assert 'data-cert="valid"' in page(chain, 7)  # its last day
    monkeypatch.setattr("django.utils.timezone.localdate",
                        lambda *a, **k: valid_until + timedelta(days=1))
    assert 'data-cert="expired"' in page(chain, 7)
    assert "Hết hiệu lực" in verify(chain)


def test_a_voided_range_shows_at_once(chain) -> None:
    assert 'data-result="ok"' in page(chain, 20)  # the batch's ranges are now cached
    services.void_stamps(actor=chain.people["producer"], batch=chain.batch, first=20, last=22,
                         reason="Cuộn tem bị mất")
    html = page(chain, 21, ip="198.51.100.21")
    assert 'data-result="void"' in html and "Tem đã bị huỷ" in html
    assert 'data-result="ok"' in page(chain, 23, ip="198.51.100.22")


def test_the_cached_journey_changes_after_a_new_event(chain) -> None:
    before = page(chain, 7)
    assert before.count("Đóng gói, dán tem") == 1
    services.pack_with_stamps(actor=chain.people["producer"], batch=chain.batch, first=51,
                              last=60, packed_at=datetime(2025, 6, 18, 8, 0,
                                                          tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))
    after = page(chain, 7, ip="198.51.100.23")
    assert after.count("Đóng gói, dán tem") == 2
    assert 'data-result="ok"' in page(chain, 55, ip="198.51.100.24")  # activated at once


def test_a_new_batch_of_the_lot_is_found_at_once(chain, django_capture_on_commit_callbacks) -> None:
    assert 'data-result="ok"' in page(chain, 7)  # the lot's batches are now cached
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.issue_stamps(actor=chain.people["producer"], lot=chain.packed, count=10)
    assert batch.first_serial == 101
    html = page(chain, 105, ip="198.51.100.25")
    assert 'data-result="not_active"' in html  # genuine, not yet packed: not "unknown"


def test_the_batches_of_one_lot_share_one_page_copy(chain, monkeypatch,
                                                    django_capture_on_commit_callbacks) -> None:
    """The per-group copy of the page is keyed by the lot, not the batch: a stamp of the lot's
    second batch is written into the copy the first batch's scan rendered, with its own serial."""
    from ocop.trace import views_scan

    with django_capture_on_commit_callbacks(execute=True):
        second = services.issue_stamps(actor=chain.people["producer"], lot=chain.packed, count=10)
        services.pack_with_stamps(actor=chain.people["producer"], batch=second, first=101,
                                  last=110, packed_at=chain.packed.created_at)
    renders = []
    real = views_scan.render_to_string
    monkeypatch.setattr(views_scan, "render_to_string",
                        lambda name, *args, **kwargs: renders.append(name) or real(
                            name, *args, **kwargs))
    first_page = page(chain, 7, ip="198.51.100.28")
    second_page = page(chain, 105, ip="198.51.100.29")
    assert 'data-result="ok"' in first_page and 'data-result="ok"' in second_page
    assert "<dd>7 <small" in first_page and "<dd>105 <small" in second_page
    assert renders.count("trace/scan.html") == 1  # the second batch's page: the same copy


def test_a_process_whose_cached_lot_predates_a_batch_still_finds_it(chain) -> None:
    """Another worker's own memory cache is not cleared by this one's issue: an unknown serial
    is read past the cache once before the page calls the stamp unknown."""
    assert 'data-result="ok"' in page(chain, 7)
    services.issue_stamps(actor=chain.people["producer"], lot=chain.packed, count=10)
    # No on-commit callback ran: the cached copy still predates the batch, as in another worker.
    assert 'data-result="not_active"' in page(chain, 105, ip="198.51.100.26")
    assert 'data-result="unknown"' in page(chain, 111, ip="198.51.100.27")  # never issued


def test_an_unknown_serial_on_a_cold_cache_reads_the_lot_once(chain) -> None:
    """The second read past the cache is for a cached copy only: a directory just read from the
    database is already fresh."""
    with CaptureQueriesContext(connection) as queries:
        assert 'data-result="unknown"' in page(chain, 111, ip="198.51.100.28")
    reads = [q["sql"] for q in queries.captured_queries if "trace_stampbatch" in q["sql"]]
    assert len(reads) == 1, reads


def test_buffered_scans_count_as_evidence_before_they_are_written(chain, settings) -> None:
    settings.STAMP_SUSPICIOUS_SOURCES = 3
    parsed = stamps.parse_gs1(stamp_path(chain, 30).split("?")[0])
    _, signature, kid = stamps.parse_uri(stamp_path(chain, 30))
    now = timezone.now()
    verdicts = [scan.resolve(parsed, signature, kid=kid, source=s,
                             now=now - timedelta(days=d)).result
                for s, d in (("a", 2), ("b", 1), ("c", 0))]
    assert verdicts == ["ok", "ok", "suspicious"]  # the same thresholds as written rows
    assert not Scan.objects.exists()  # …while all three are still in the buffer
    # A repeat by the same source moments later is recognised in the buffer too.
    again = scan.resolve(parsed, signature, kid=kid, source="c", now=now)
    assert again.duplicate and again.scan_count == 3
    assert scanlog.flush() == 3
    assert Scan.objects.filter(serial=30).count() == 3
    assert scanlog.flush() == 0


def test_scan_counts_are_exact_after_a_flush(chain, settings) -> None:
    settings.STAMP_SCAN_BUFFER = 5
    before = SCANS.labels("ok")._value.get()
    for n in range(12):
        page(chain, 8, ip=f"192.0.{n}.9")  # twelve networks: twelve scans
    assert Scan.objects.count() == 10  # two full buffers written on their own
    assert scanlog.flush() == 2
    assert Scan.objects.filter(serial=8, result="ok").count() == 12
    # /metrics counts what was written, batch by batch (bulk_create sends no post_save).
    assert SCANS.labels("ok")._value.get() - before == 12
    html = page(chain, 8, ip="203.0.113.99")
    assert "lượt quét thứ 13 trong 30 ngày" in html


def test_the_buffer_is_written_when_the_process_exits(tmp_path) -> None:
    """A real process: scans buffered and never flushed by hand land in the database at exit."""
    database = tmp_path / "exit.sqlite3"
    script = (
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "from django.utils import timezone\n"
        "from ocop.trace import scanlog\n"
        "from ocop.trace.models import Scan\n"
        "with connection.schema_editor() as editor: editor.create_model(Scan)\n"
        "for n in range(7): scanlog.add(scanlog.Row(timezone.now(), None, n, None, 'ok'))\n"
        "assert Scan.objects.count() == 0\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ocop.settings",
           "DATABASE_URL": f"sqlite:///{database}", "STAMP_SCAN_BUFFER": "100",
           "STAMP_SCAN_FLUSH_SECONDS": "0"}
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True,  # noqa: S603
                   timeout=120)
    with sqlite3.connect(database) as db:
        count = f"SELECT COUNT(*) FROM {Scan._meta.db_table}"  # noqa: S608 — our table name
        assert db.execute(count).fetchone()[0] == 7
