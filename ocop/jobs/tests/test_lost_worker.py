"""A job whose worker was killed, on each queue (database, Redis): the next attempt runs it again
and finishes it; after the last attempt the job's page says it failed instead of spinning."""

from __future__ import annotations

import time

import pytest
from django.tasks import task_backends
from django_tasks_db.models import DBTaskResult

from ocop.accounts.testing import login_client
from ocop.jobs import kinds, services
from ocop.jobs.models import Job
from ocop.jobs.tasks import run_job
from ocop.jobs.tests.test_jobs import fake_kind, queued_sheet
from ocop.worker import services as worker
from ocop.worker import testing
from ocop.worker.redis_backend import RedisBackend
from ocop.worker.tests.test_recovery import claimed

pytestmark = pytest.mark.django_db


def started_job(chain, capture) -> Job:
    with capture(execute=True):
        return queued_sheet(chain)


def task_of(backend) -> str:
    """The id of the job's task (the only one queued)."""
    if isinstance(backend, RedisBackend):
        (task_id,) = backend.queue("default").job_ids
        return task_id
    return str(DBTaskResult.objects.get(task_path=run_job.module_path).pk)


def worker_killed(backend, job: Job, task_id: str, attempt: int) -> None:
    """The job's task is claimed, the job marked running (committed at once by its runner), and
    the worker killed; then a live worker's recovery finds the task."""
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, done=1)
    if isinstance(backend, RedisBackend):
        testing.claim(backend, task_id, f"killed-{attempt}")
        assert backend.recover(time.time() + 31) == 1
    else:
        claimed(task_id, f"killed-{attempt}", seconds_ago=60, attempts=attempt)
        report = worker.recover_orphaned_tasks()
        assert [*report.requeued, *report.failed] == [task_id]


def finishes_on_the_next_attempt(backend, chain, monkeypatch, capture) -> None:
    fake_kind(monkeypatch, lambda job, progress: kinds.Output(b"%PDF-1", "tem.pdf",
                                                              "application/pdf"))
    job = started_job(chain, capture)
    worker_killed(backend, job, task_of(backend), 1)
    testing.drain()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.result.read() == b"%PDF-1"


def fails_visibly_after_the_last_attempt(backend, chain, capture, settings) -> None:
    job = started_job(chain, capture)
    task_id = task_of(backend)
    for attempt in range(1, settings.WORKER_MAX_ATTEMPTS + 1):
        worker_killed(backend, job, task_id, attempt)
        if attempt < settings.WORKER_MAX_ATTEMPTS:
            assert Job.objects.get(pk=job.pk).status == Job.Status.RUNNING
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and "gián đoạn" in job.message
    assert job.finished_at is not None and job.expires_at is not None
    page = login_client(chain.people["producer"]).get(f"/tac-vu/{job.pk}/trang-thai")
    assert "gián đoạn" in page.content.decode() and "hx-trigger" not in page.content.decode()


def test_db_job_of_a_killed_worker_finishes_on_the_next_attempt(
        db_queue, chain, monkeypatch, django_capture_on_commit_callbacks):
    finishes_on_the_next_attempt(task_backends["default"], chain, monkeypatch,
                                 django_capture_on_commit_callbacks)


def test_redis_job_of_a_killed_worker_finishes_on_the_next_attempt(
        redis_queue, chain, monkeypatch, django_capture_on_commit_callbacks):
    finishes_on_the_next_attempt(redis_queue, chain, monkeypatch,
                                 django_capture_on_commit_callbacks)


def test_db_job_fails_visibly_after_the_last_attempt(
        db_queue, chain, settings, django_capture_on_commit_callbacks):
    fails_visibly_after_the_last_attempt(task_backends["default"], chain,
                                         django_capture_on_commit_callbacks, settings)


def test_redis_job_fails_visibly_after_the_last_attempt(
        redis_queue, chain, settings, django_capture_on_commit_callbacks):
    fails_visibly_after_the_last_attempt(redis_queue, chain, django_capture_on_commit_callbacks,
                                         settings)


def test_a_first_delivery_does_not_take_over_a_running_job(chain) -> None:
    """The same task delivered twice while its first run goes on: the second does nothing.
    Only a retry (the previous attempt's worker was declared lost) takes a running job over."""
    job = queued_sheet(chain)
    assert services.mark_running(job)
    assert not services.mark_running(job)
    assert services.run(Job.objects.get(pk=job.pk)).status == Job.Status.RUNNING
