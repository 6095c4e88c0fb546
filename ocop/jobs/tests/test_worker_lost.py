"""A job whose worker was killed (kill -9) mid-run: the requeued task takes the job over and
finishes it; on the last attempt the job fails with a message its page shows. Found while
writing bench/faults_bench.py: before, the retried task saw the job "running", did nothing,
and the page polled "Đang thực hiện" until the retention cleanup."""

from __future__ import annotations

import pytest
from django.tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from ocop.accounts.testing import login_client
from ocop.jobs import services, tasks
from ocop.jobs.models import Job
from ocop.trace import jobs as trace_jobs
from ocop.worker import services as worker
from ocop.worker.tests.test_recovery import claimed

pytestmark = pytest.mark.django_db


@pytest.fixture
def db_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                                  "QUEUES": ["default"]}}
    settings.WORKER_LEASE_SECONDS = 30
    settings.WORKER_MAX_ATTEMPTS = 3


def killed_mid_run(chain, capture, *, attempts: int) -> tuple[Job, DBTaskResult]:
    """A stamp sheet job whose task was claimed ``attempts`` times, the last by a worker that
    died after the job was marked running (as a kill -9 inside ``KINDS[...].run`` leaves it)."""
    with capture(execute=True):
        job = trace_jobs.start_stamp_sheet(actor=chain.people["producer"], batch=chain.batch,
                                           first=1, last=30)
    task = DBTaskResult.objects.get(task_path=tasks.run_job.module_path)
    claimed(task.pk, "killed-worker", seconds_ago=60, attempts=attempts)
    assert services.mark_running(job)
    Job.objects.filter(pk=job.pk).update(done=1)  # progress the dead worker had written
    return job, task


def test_requeued_task_takes_over_the_job_its_dead_worker_left_running(
        chain, db_queue, django_capture_on_commit_callbacks) -> None:
    job, task = killed_mid_run(chain, django_capture_on_commit_callbacks, attempts=1)

    assert worker.recover_orphaned_tasks().requeued == [str(task.pk)]
    # The next worker claims and runs it as django-tasks-db's worker loop does (the loop itself
    # closes the database connection, which a test inside one transaction cannot have).
    again = DBTaskResult.objects.ready().get_locked()
    assert again.pk == task.pk
    again.claim("next-worker")
    Worker(queue_names=["default"], interval=0, batch=True, backend_name="default",
           startup_delay=False, max_tasks=None, worker_id="next-worker",
           excluded_queue_names=[]).run_task(again)

    task.refresh_from_db()
    assert task.status == TaskResultStatus.SUCCESSFUL and len(task.worker_ids) == 2
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.result.read().startswith(b"%PDF")


def test_a_first_delivery_does_not_take_over_a_running_job(chain) -> None:
    job = trace_jobs.start_stamp_sheet(actor=chain.people["producer"], batch=chain.batch,
                                       first=1, last=30)
    assert services.mark_running(job)
    # The same task delivered twice while its first run goes on: the second does nothing.
    assert not services.mark_running(job, attempt=1)
    assert services.run(Job.objects.get(pk=job.pk)).status == Job.Status.RUNNING


def test_job_of_a_task_lost_on_its_last_attempt_fails_visibly(
        chain, db_queue, django_capture_on_commit_callbacks) -> None:
    job, task = killed_mid_run(chain, django_capture_on_commit_callbacks, attempts=3)

    assert worker.recover_orphaned_tasks().failed == [str(task.pk)]

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.finished_at is not None
    assert job.message.startswith("Tác vụ bị gián đoạn")
    page = login_client(chain.people["producer"]).get(f"/tac-vu/{job.pk}/")
    assert page.status_code == 200
    assert "Tác vụ bị gián đoạn" in page.content.decode()
