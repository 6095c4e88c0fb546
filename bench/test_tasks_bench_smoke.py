"""Keeps bench/tasks_bench.py from rotting: a few tasks through each queue, no timing asserted."""

from __future__ import annotations

import pytest
import tasks_bench

# Autocommit, as the bench runs: the Redis push waits for a commit a test transaction never makes.
pytestmark = pytest.mark.django_db(transaction=True)


def test_tasks_bench_runs_every_task_on_both_queues(redis_queue):
    rates = [tasks_bench.measure(queue, 5) for queue in ("db", "redis")]
    assert [(r.queue, r.tasks) for r in rates] == [("db", 5), ("redis", 5)]
    assert all(r.enqueue_s > 0 and r.run_s > 0 for r in rates)
    assert tasks_bench.HEADER.split()[0] == "queue" and "redis" in rates[1].row()
