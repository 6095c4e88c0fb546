"""Keeps bench/partitions_bench.py from rotting: its seeding and plan reading at tiny sizes on
PostgreSQL (no timing asserted); on SQLite it must say that it measures nothing."""

from __future__ import annotations

import sys

import partitions_bench
import pytest
import trace_bench

pytestmark = pytest.mark.django_db


@pytest.mark.postgresql  # table partitioning is a PostgreSQL feature
def test_partitions_bench_seeds_and_reads_plans_at_tiny_sizes():
    from ocop.trace.models import Scan

    chain = trace_bench.setup_chain()
    trace_bench.seed_stamps(chain, 10_000)
    trace_bench.seed_events(2_000, chain["admin"])
    partitions_bench.seed_scans(1_000)
    assert Scan.objects.count() == 1_000
    found = partitions_bench.plans(chain["admin"], chain["lots"][0])
    assert len(found) == 7
    window = found["EPCIS: one item's events, January 2024 window"]
    # January 2024 has no partition in the test database: at most the two DEFAULTs are read
    # (the item is not among 2,000 events, so the events side may never run).
    assert 1 <= window["partitions"] <= 2 and "Execution Time" in window["plan"]
    assert found["Lot page: the lot's journey (LotEvent → event)"]["partitions"] == 1
    # The scan page's query names its window's both ends: the months ahead are left out of the
    # plan (this month and DEFAULT at most), and its planning time is read.
    evidence = found["Scan: a stamp's scans in the 30-day evidence window (as scan._evidence)"]
    assert evidence["partitions"] <= 2 and "trace_scan_p" in evidence["plan"]
    assert evidence["plan_ms"] >= 0


@pytest.mark.sqlite  # the SQLite answer of the bench
def test_partitions_bench_says_it_needs_postgresql(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["partitions_bench.py"])
    partitions_bench.main()
    assert "PostgreSQL feature" in capsys.readouterr().out
