"""Tasks whose worker died are requeued, then failed visibly (in-process, both databases)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ocop.worker import services
from ocop.worker.models import WorkerHeartbeat
from ocop.worker.tests.slow_tasks import sleep_then_mark

pytestmark = pytest.mark.django_db


def claimed(result_id: str, worker: str, *, seconds_ago: float, attempts: int = 1) -> DBTaskResult:
    row = DBTaskResult.objects.get(pk=result_id)
    row.status = TaskResultStatus.RUNNING
    row.started_at = timezone.now() - timedelta(seconds=seconds_ago)
    row.worker_ids = [f"earlier-{i}" for i in range(attempts - 1)] + [worker]
    row.save()
    return row


def test_task_of_a_dead_worker_is_requeued(db_queue, tmp_path):
    result = sleep_then_mark.enqueue(str(tmp_path / "m"), 0)
    claimed(result.id, "dead-worker", seconds_ago=60)
    report = services.recover_orphaned_tasks()
    assert report.requeued == [str(result.id)] and report.failed == []
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.READY
    assert row.worker_ids == ["dead-worker"]  # attempts are counted by the claims
    assert DBTaskResult.objects.ready().filter(pk=result.id).exists()


def test_long_task_of_a_live_worker_is_left_alone(db_queue, tmp_path):
    result = sleep_then_mark.enqueue(str(tmp_path / "m"), 0)
    claimed(result.id, "busy-worker", seconds_ago=3600)
    services.beat("busy-worker")
    assert services.recover_orphaned_tasks().requeued == []
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.RUNNING


def test_fresh_claim_waits_for_the_lease(db_queue, tmp_path):
    result = sleep_then_mark.enqueue(str(tmp_path / "m"), 0)
    claimed(result.id, "new-worker", seconds_ago=5)  # no heartbeat yet, but within the lease
    assert services.recover_orphaned_tasks().requeued == []


def test_stale_heartbeat_counts_as_dead(db_queue, tmp_path):
    result = sleep_then_mark.enqueue(str(tmp_path / "m"), 0)
    claimed(result.id, "stalled", seconds_ago=120)
    services.beat("stalled")
    WorkerHeartbeat.objects.filter(pk="stalled").update(
        last_seen=timezone.now() - timedelta(seconds=45))
    assert services.recover_orphaned_tasks().requeued == [str(result.id)]


def test_a_worker_never_requeues_its_own_running_task(db_queue, tmp_path):
    """Found by bench/faults_bench.py on SQLite: a beat that waited for the lock held by the
    worker's own long capture wrote a stale time, and the same worker's recovery then requeued
    the capture it was still running (another worker could have run it a second time)."""
    result = sleep_then_mark.enqueue(str(tmp_path / "m"), 0)
    claimed(result.id, "busy-me", seconds_ago=120)
    services.beat("busy-me")
    WorkerHeartbeat.objects.filter(pk="busy-me").update(
        last_seen=timezone.now() - timedelta(seconds=45))
    assert services.recover_orphaned_tasks(me="busy-me").requeued == []
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.RUNNING
    # Any other worker still sees it as orphaned.
    assert services.recover_orphaned_tasks(me="other").requeued == [str(result.id)]


def test_recovery_is_idempotent(db_queue, tmp_path):
    result = sleep_then_mark.enqueue(str(tmp_path / "m"), 0)
    claimed(result.id, "gone", seconds_ago=60, attempts=3)
    assert services.recover_orphaned_tasks().failed == [str(result.id)]
    assert services.recover_orphaned_tasks().failed == []
