"""Keeps bench/trace_bench.py from rotting: its seeding steps at tiny sizes, no timing asserted."""

from __future__ import annotations

import sysconfig
from datetime import timedelta

import benchdb
import pytest
import trace_bench
from django.test import Client
from django.utils import timezone

from ocop.trace import stamps
from ocop.trace.models import EpcisEvent, EventEpc, Scan, StampBatch, StampRange

pytestmark = pytest.mark.django_db


def test_trace_bench_seeding_at_tiny_sizes():
    chain = trace_bench.setup_chain()
    _, ranges = trace_bench.seed_stamps(chain, 100_000)
    assert StampBatch.objects.count() == trace_bench.BATCHES
    assert ranges == StampRange.objects.count() == trace_bench.BATCHES + 1_000
    before = EpcisEvent.objects.count()
    trace_bench.seed_events(1_000, chain["admin"])
    assert EpcisEvent.objects.count() == before + 1_000
    assert EventEpc.objects.filter(epc__endswith="/21/E999").count() == 1
    log = trace_bench.measure_log_write(5)
    assert log["insert_ms"] > 0 and not Scan.objects.exists()
    batch = StampBatch.objects.select_related("lot").first()
    uri = stamps.stamp_uri(trace_bench.GTIN, batch.product_id, batch.lot.code, batch.first_serial)
    page = Client().get("/" + uri.split("://", 1)[1].split("/", 1)[1]).content.decode()
    assert 'data-result="ok"' in page  # the seeded world answers like the real one
    # The scan log in service: that many earlier scans, all inside the evidence window and none
    # a repeat the bench's own scans would be deduplicated against; written anew each time.
    for _ in range(2):
        trace_bench.seed_scan_history(chain, 2_000)
    now = timezone.now()
    assert Scan.objects.count() == 2_000
    assert not Scan.objects.filter(scanned_at__lt=now - timedelta(days=29)).exists()
    assert not Scan.objects.filter(scanned_at__gt=now - timedelta(minutes=11)).exists()
    assert Scan.objects.values("source").distinct().count() > 1_000
    # The each-once measure's stamps: none twice, and each one a genuine stamp.
    once = trace_bench._stamp_paths(300, distinct=True, seed=5)
    assert len(set(once)) == 300
    assert 'data-result="ok"' in Client().get(once[-1]).content.decode()


def test_the_interpreter_line_names_the_build(monkeypatch) -> None:
    monkeypatch.setattr(sysconfig, "get_config_var",
                        lambda name: "'--enable-optimizations' '--with-lto'")
    assert benchdb.interpreter().endswith("built with PGO and LTO")
    monkeypatch.setattr(sysconfig, "get_config_var", lambda name: "'--enable-shared'")
    assert benchdb.interpreter().endswith("built without PGO or LTO")
