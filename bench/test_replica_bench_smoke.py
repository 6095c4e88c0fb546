"""Keeps bench/replica_bench.py from rotting: its world at a tiny size answers every page, its
phases and its return-to-the-standby measure add up, and it reads the standby's counter (that
test needs the standby: run by .ci/run). No timing asserted."""

from __future__ import annotations

import time

import pytest
import replica_bench
from django.db import connections
from django.test import Client

from ocop.registry.models import ProductGroup


@pytest.mark.django_db
def test_the_benchmark_world_answers_every_page():
    world = replica_bench.seed(stamps=2_000)
    staff = Client()
    staff.force_login(world["inspector"])
    for page, paths in world["paths"].items():
        client = staff if page == "staff list" else Client()
        for path in paths[:3]:
            assert client.get(path).status_code == 200, (page, path)


def test_phases_and_the_return_to_the_standby_add_up():
    samples = [replica_bench.Sample(at, 10.0 * at, 200 if at != 15 else 0, "verify")
               for at in range(30)]
    phases = replica_bench.summarise(samples, down_at=10, back_at=20)
    assert [phases[p]["requests"] for p in ("before", "during", "after")] == [10, 10, 10]
    assert [phases[p]["errors"] for p in ("before", "during", "after")] == [0, 1, 0]
    assert phases["after"]["p50_ms"] == 240.0
    # 10 transactions/s before; down; a trickle (health checks) at first, then the reads are back.
    monitor = [(0, 100), (9, 190), (12, None), (21, 195), (22, 196), (23, 230)]
    assert replica_bench.return_seconds(monitor, down_at=10, back_at=20) == 2.0
    assert replica_bench.return_seconds(monitor[:5], down_at=10, back_at=20) is None


@pytest.mark.replica
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_the_standby_counter_counts_reads_on_the_standby():
    connections["replica"].close()  # a fresh backend: the one an earlier test killed is gone
    name = connections["replica"].settings_dict["NAME"]
    before = replica_bench.replica_transactions(name) or 0
    for _ in range(5):
        ProductGroup.objects.using("replica").exists()
    connections["replica"].close()  # a backend reports its counts at the latest when it ends
    deadline = time.monotonic() + 10
    while (replica_bench.replica_transactions(name) or 0) < before + 5:
        assert time.monotonic() < deadline, "the standby's counter did not move"
        time.sleep(0.2)
