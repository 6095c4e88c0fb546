"""django.tasks on Redis (ocop/worker/redis_backend.py) against a real Redis, run by RQ's worker
in this process: enqueue on commit, results and signals, refusals, the lease, recovery of a
killed worker's task. Skipped with the reason when Redis is not reachable; .ci/run starts it."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.tasks import TaskResult, TaskResultStatus
from django.tasks.exceptions import InvalidTask, TaskResultDoesNotExist
from django.tasks.signals import task_finished, task_started
from django.utils import timezone

from ocop.worker import testing
from ocop.worker.tests.slow_tasks import sleep_then_mark

pytestmark = pytest.mark.django_db


@pytest.fixture
def finished():
    seen: list[TaskResult] = []

    def record(sender, task_result, **kwargs):
        seen.append(task_result)

    task_finished.connect(record)
    yield seen
    task_finished.disconnect(record)


def enqueued(capture, *args) -> TaskResult:
    with capture(execute=True):
        return sleep_then_mark.enqueue(*args)


def test_enqueue_waits_for_the_commit(redis_queue, tmp_path, django_capture_on_commit_callbacks):
    queue = redis_queue.queue("default")
    with django_capture_on_commit_callbacks() as callbacks:
        result = sleep_then_mark.enqueue(str(tmp_path / "m"), 0)
        # The transaction is still open: a worker must not see the task yet.
        assert queue.count == 0
        with pytest.raises(TaskResultDoesNotExist):
            redis_queue.get_result(result.id)
    for callback in callbacks:
        callback()
    assert queue.job_ids == [result.id]
    assert redis_queue.get_result(result.id).status == TaskResultStatus.READY


def test_a_rolled_back_transaction_enqueues_nothing(redis_queue, tmp_path,
                                                   django_capture_on_commit_callbacks):
    with (django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError),
          transaction.atomic()):
        sleep_then_mark.enqueue(str(tmp_path / "m"), 0)
        raise RuntimeError("the request failed")
    assert redis_queue.queue("default").count == 0


def test_worker_runs_the_task_and_records_its_result(redis_queue, tmp_path, finished,
                                                     django_capture_on_commit_callbacks):
    started = []
    task_started.connect(receiver := lambda sender, task_result, **kw: started.append(task_result))
    try:
        result = enqueued(django_capture_on_commit_callbacks, str(tmp_path / "m"), 0)
        testing.drain()
    finally:
        task_started.disconnect(receiver)
    assert (tmp_path / "m").read_text() == "done"
    stored = redis_queue.get_result(result.id)
    assert stored.status == TaskResultStatus.SUCCESSFUL and stored.return_value == "done"
    assert len(stored.worker_ids) == 1 and stored.worker_ids[0].startswith("test-worker")
    assert stored.errors == []
    assert stored.started_at <= stored.finished_at <= timezone.now()
    assert stored.args == [str(tmp_path / "m"), 0] and stored.task.func is sleep_then_mark.func
    # Django's own signals, with Django's own TaskResult: listeners work on both backends.
    assert [r.status for r in started] == [TaskResultStatus.RUNNING]
    assert [(r.id, r.status, r.return_value) for r in finished] == [
        (result.id, TaskResultStatus.SUCCESSFUL, "done")]
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL


def test_a_failing_task_is_failed_with_its_exception(redis_queue, tmp_path, finished,
                                                     django_capture_on_commit_callbacks):
    result = enqueued(django_capture_on_commit_callbacks, str(tmp_path / "absent" / "m"), 0)
    testing.drain()
    stored = redis_queue.get_result(result.id)
    assert stored.status == TaskResultStatus.FAILED
    assert [e.exception_class_path for e in stored.errors] == ["builtins.FileNotFoundError"]
    assert "absent" in stored.errors[0].traceback
    with pytest.raises(ValueError, match="failed"):
        _ = stored.return_value
    assert [(r.id, r.status) for r in finished] == [(result.id, TaskResultStatus.FAILED)]
    # Failed once, for good: a task's own error is not retried (as on the database queue).
    assert redis_queue.queue("default").count == 0


def test_unsupported_options_are_refused(redis_queue):
    with pytest.raises(InvalidTask):
        sleep_then_mark.using(priority=10).enqueue("x", 0)
    with pytest.raises(InvalidTask):
        sleep_then_mark.using(run_after=timezone.now() + timedelta(hours=1)).enqueue("x", 0)
    with pytest.raises(TaskResultDoesNotExist):
        redis_queue.get_result("no-such-task")
    with pytest.raises(TaskResultDoesNotExist):
        redis_queue.get_result("not an id: spaces")


def test_killed_workers_task_is_requeued_then_failed_with_worker_lost(
        redis_queue, tmp_path, finished, django_capture_on_commit_callbacks):
    result = enqueued(django_capture_on_commit_callbacks, str(tmp_path / "m"), 0)
    queue = redis_queue.queue("default")
    for attempt in (1, 2):
        testing.claim(redis_queue, result.id, f"killed-{attempt}")
        assert redis_queue.get_result(result.id).status == TaskResultStatus.RUNNING
        assert redis_queue.recover() == 0  # within the lease: its worker may be alive
        assert redis_queue.recover(time.time() + 31) == 1
        stored = redis_queue.get_result(result.id)
        assert stored.status == TaskResultStatus.READY and queue.job_ids == [result.id]
        assert stored.worker_ids == [f"killed-{n}" for n in range(1, attempt + 1)]
    assert finished == []  # nobody is told of a failure while the task will run again

    testing.claim(redis_queue, result.id, "killed-3")
    assert redis_queue.recover(time.time() + 31) == 1
    stored = redis_queue.get_result(result.id)
    assert stored.status == TaskResultStatus.FAILED and queue.count == 0
    assert [e.exception_class_path for e in stored.errors] == ["ocop.worker.services.WorkerLost"]
    assert "killed-3" in stored.errors[0].traceback
    assert [(r.id, r.status) for r in finished] == [(result.id, TaskResultStatus.FAILED)]
    assert redis_queue.recover(time.time() + 31) == 0  # idempotent
    assert not (tmp_path / "m").exists()


def test_a_live_workers_lease_is_renewed(redis_queue, settings, tmp_path,
                                         django_capture_on_commit_callbacks):
    settings.WORKER_LEASE_SECONDS = 2
    result = enqueued(django_capture_on_commit_callbacks, str(tmp_path / "m"), 0)
    worker = testing.claim(redis_queue, result.id, "busy")
    for _ in range(3):  # 3 s of work, longer than the lease, renewed as the heartbeat does
        time.sleep(1)
        worker.renew_lease()
        assert redis_queue.recover() == 0
    assert redis_queue.get_result(result.id).status == TaskResultStatus.RUNNING
    assert redis_queue.recover(time.time() + 3) == 1  # a beat missed past the lease: abandoned


def test_one_cleanup_of_a_queue_at_a_time(redis_queue, tmp_path,
                                          django_capture_on_commit_callbacks):
    result = enqueued(django_capture_on_commit_callbacks, str(tmp_path / "m"), 0)
    testing.claim(redis_queue, result.id, "killed")
    queue = redis_queue.queue("default")
    assert queue.acquire_maintenance_lock()  # another worker's RQ maintenance is running
    assert redis_queue.recover(time.time() + 31) == 0
    queue.release_maintenance_lock()
    assert redis_queue.recover(time.time() + 31) == 1
    assert queue.job_ids == [result.id]  # requeued once
