"""django.tasks on Redis: a backend over RQ, the national topology's queue (docs/worker.md).

Selected by ``TASKS_REDIS_URL`` (settings.py); without it the database queue of django-tasks-db
stays the default. Why our own and not django-tasks-rq: that package is built on the
``django-tasks`` backport, so under Django 6.1 a ``@task`` gets the backport's Task and
TaskResult, a missing result raises the backport's ``TaskResultDoesNotExist`` and it sends the
backport's ``task_finished`` — Django's own signal, which ``ocop.trace`` listens to so that a
failed capture is reported to its client, never fires (docs/worker.md, "Choice of backend").

What it keeps of the database queue's behaviour:

- **Enqueue on commit.** The push to Redis waits for the surrounding transaction to commit, as a
  django-tasks-db row becomes visible only then: a worker never picks up a task whose rows it
  cannot see, and a rolled-back request enqueues nothing.
- **Attempts and recovery.** Every claim appends the worker's name to ``meta["worker_ids"]``.
  A worker keeps its current execution alive in RQ's started registry for
  ``WORKER_LEASE_SECONDS``, renewed by its heartbeat thread; an execution past its lease is
  abandoned (the worker was killed) and RQ's registry cleanup calls ``job_failed`` with
  ``AbandonedJobError``: the task is requeued while it has been claimed fewer than
  ``WORKER_MAX_ATTEMPTS`` times, and failed with ``WorkerLost`` after that.
- **Signals.** ``task_started`` and ``task_finished`` are Django's own, with Django's
  ``TaskResult``, so listeners work on both backends.

Jobs are stored with RQ's JSON serializer (django.tasks arguments are JSON by contract): nothing
in Redis is unpickled by a worker.
"""

from __future__ import annotations

import logging
import traceback
from datetime import UTC, datetime
from functools import partial
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.tasks import Task, TaskResult, TaskResultStatus
from django.tasks.backends.base import BaseTaskBackend
from django.tasks.base import TaskContext, TaskError
from django.tasks.exceptions import TaskResultDoesNotExist
from django.tasks.signals import task_enqueued, task_finished, task_started
from django.utils.crypto import get_random_string
from django.utils.functional import cached_property
from django.utils.module_loading import import_string
from redis import Redis
from rq import Callback, Queue, SimpleWorker, get_current_job
from rq.exceptions import AbandonedJobError, NoSuchJobError
from rq.job import Job, JobStatus
from rq.registry import StartedJobRegistry
from rq.serializers import JSONSerializer
from rq.timeouts import TimerDeathPenalty

from ocop.worker.services import WorkerLost

logger = logging.getLogger("ocop.worker")

STATUSES = {
    JobStatus.QUEUED: TaskResultStatus.READY,
    JobStatus.DEFERRED: TaskResultStatus.READY,
    JobStatus.SCHEDULED: TaskResultStatus.READY,
    JobStatus.CREATED: TaskResultStatus.READY,
    JobStatus.STARTED: TaskResultStatus.RUNNING,
    JobStatus.FINISHED: TaskResultStatus.SUCCESSFUL,
    JobStatus.FAILED: TaskResultStatus.FAILED,
    JobStatus.STOPPED: TaskResultStatus.FAILED,
    JobStatus.CANCELED: TaskResultStatus.FAILED,
}
# Results and failures stay readable a week (RQ's default keeps a result 500 s).
DEFAULT_RESULT_TTL = 7 * 24 * 3600


class RedisBackend(BaseTaskBackend):
    """``TASKS = {"default": {"BACKEND": "ocop.worker.redis_backend.RedisBackend",
    "QUEUES": ["default"], "OPTIONS": {"URL": "redis://…/0"}}}``.

    No priorities and no ``run_after``: RQ has neither in its plain queues and no task of ours
    uses them, so ``validate_task`` refuses them rather than ignoring them silently.
    """

    supports_get_result = True

    def __init__(self, alias: str, params: dict) -> None:
        super().__init__(alias, params)
        self.url = self.options["URL"]
        self.result_ttl = int(self.options.get("RESULT_TTL", DEFAULT_RESULT_TTL))

    @cached_property
    def connection(self) -> Redis:
        return Redis.from_url(self.url)

    def queue(self, name: str) -> Queue:
        return Queue(name, connection=self.connection, serializer=JSONSerializer)

    def enqueue(self, task: Task, args: Any, kwargs: Any) -> TaskResult:
        self.validate_task(task)
        result = TaskResult(
            task=task, id=get_random_string(32), status=TaskResultStatus.READY,
            enqueued_at=datetime.now(UTC), started_at=None, finished_at=None,
            last_attempted_at=None, args=args, kwargs=kwargs, backend=self.alias, errors=[],
            worker_ids=[],
        )
        # Outside a transaction on_commit runs at once; inside, only if the transaction commits.
        transaction.on_commit(partial(self._push, result))
        return result

    def _push(self, result: TaskResult) -> None:
        queue = self.queue(result.task.queue_name)
        job = queue.create_job(
            "ocop.worker.redis_backend.run_task",
            args=[self.alias, result.task.module_path, result.args, result.kwargs],
            job_id=result.id, timeout=-1,  # long exports run as long as they need
            result_ttl=self.result_ttl, failure_ttl=self.result_ttl,
            description=result.task.module_path, meta={"worker_ids": [], "errors": []},
            on_success=Callback(job_succeeded), on_failure=Callback(job_failed),
        )
        queue.enqueue_job(job)
        task_enqueued.send(type(self), task_result=result)

    def get_result(self, result_id: str) -> TaskResult:
        try:
            job = Job.fetch(result_id, connection=self.connection, serializer=JSONSerializer)
        except (NoSuchJobError, ValueError):  # ValueError: not even the shape of an RQ id
            raise TaskResultDoesNotExist(result_id) from None
        return task_result(job)

    def recover(self, now: float | None = None) -> int:
        """Hand every execution past its lease to RQ's cleanup (which calls ``job_failed`` with
        ``AbandonedJobError``); returns how many were abandoned. Safe from any thread and from
        several workers at once (one cleans a queue at a time)."""
        found = 0
        for name in self.queues:
            queue = self.queue(name)
            # RQ's own cleaning lock: two cleanups of one registry at once could requeue a job
            # twice. Held for at most a lease here, so a worker dying meanwhile blocks no one long.
            if not self.connection.set(queue.registry_cleaning_key, 1, nx=True,
                                       ex=max(1, round(settings.WORKER_LEASE_SECONDS))):
                continue  # another worker is cleaning this queue right now
            try:
                registry = StartedJobRegistry(queue=queue, death_penalty_class=TimerDeathPenalty)
                found += len(registry.get_expired_job_ids(now))
                registry.cleanup(now)
            finally:
                queue.release_maintenance_lock()
        return found


class LeasedWorker(SimpleWorker):
    """RQ's in-process worker whose claim on a task lasts ``WORKER_LEASE_SECONDS`` and is renewed
    by ``renew_lease`` (the heartbeat thread of ``manage.py worker``), as the database queue's
    heartbeat does. RQ's own default would call a task abandoned after 420 s however alive its
    worker, and would leave a killed worker's task for that long."""

    def get_heartbeat_ttl(self, job: Job, working_time: float = 0.0) -> int:
        return max(1, round(settings.WORKER_LEASE_SECONDS))

    def subscribe(self) -> None:
        """No pub/sub command channel (RQ's remote shutdown and stop-job): our workers are
        stopped by signals from their supervisor, and leaving the channel cost seconds at every
        exit (a burst run's teardown waited on it)."""

    def renew_lease(self) -> None:
        ttl = self.get_heartbeat_ttl(None)  # type: ignore[arg-type]
        with self.connection.pipeline() as pipeline:
            self.heartbeat(ttl + 60, pipeline=pipeline)
            for execution in list(self.executions.values()):
                registry = StartedJobRegistry(execution.job.origin, connection=self.connection)
                execution.heartbeat(registry, ttl, pipeline)
            pipeline.execute()


def worker_for(backend: RedisBackend, queue_names: list[str], name: str) -> LeasedWorker:
    return LeasedWorker([backend.queue(q) for q in queue_names], connection=backend.connection,
                        serializer=JSONSerializer, name=name)


def run_task(alias: str, module_path: str, args: list, kwargs: dict) -> Any:
    """What RQ runs: the django.tasks task, with the claim counted and ``task_started`` sent."""
    job = get_current_job()
    job.meta.setdefault("worker_ids", []).append(job.worker_name)
    job.save_meta()
    result = task_result(job)
    recycle_connections()
    try:
        task_started.send(type(result.task.get_backend()), task_result=result)
        if result.task.takes_context:
            return result.task.call(TaskContext(task_result=result), *args, **kwargs)
        return result.task.call(*args, **kwargs)
    finally:
        recycle_connections()


def recycle_connections() -> None:
    """Django's ``close_old_connections`` as around a request (a connection the database closed
    meanwhile is not reused), except a connection inside a transaction: closing it would doom
    that transaction (a test's, when tests run tasks in-process)."""
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close_if_unusable_or_obsolete()


def job_succeeded(job: Job, connection: Redis, value: Any) -> None:
    result = task_result(job, status=TaskResultStatus.SUCCESSFUL)
    object.__setattr__(result, "_return_value", value)
    task_finished.send(type(result.task.get_backend()), task_result=result)


def job_failed(job: Job, connection: Redis, exc_type: type[BaseException],
               exc_value: BaseException, tb: Any) -> None:
    """A task raised, or its worker died (RQ's cleanup passes ``AbandonedJobError``)."""
    attempts = len(job.meta.get("worker_ids", []))
    if issubclass(exc_type, AbandonedJobError):
        if attempts < settings.WORKER_MAX_ATTEMPTS:
            # RQ's cleanup requeues a job with retries left (it reads this very object).
            job.retries_left = 1
            logger.warning("task %s requeued: its worker stopped", job.id)
            return
        workers = job.meta.get("worker_ids") or ["?"]
        exc_value = WorkerLost(f"worker {workers[-1]} stopped during attempt {attempts}")
        exc_type, tb = WorkerLost, None
        logger.error("task %s failed: its worker stopped on the last attempt", job.id)
    job.meta.setdefault("errors", []).append({
        "exception_class_path": f"{exc_type.__module__}.{exc_type.__qualname__}",
        "traceback": "".join(traceback.format_exception(exc_type, exc_value, tb)),
    })
    job.save_meta()
    result = task_result(job, status=TaskResultStatus.FAILED)
    task_finished.send(type(result.task.get_backend()), task_result=result)


def task_result(job: Job, status: TaskResultStatus | None = None) -> TaskResult:
    """The django.tasks view of an RQ job (``status`` given by a callback, whose job's stored
    status is not final yet)."""
    alias, module_path, args, kwargs = job.args
    task = import_string(module_path).using(queue_name=job.origin, backend=alias)
    stored = status is None
    status = status or STATUSES.get(job.get_status(refresh=False), TaskResultStatus.READY)
    finished = status in (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED)
    result = TaskResult(
        task=task, id=job.id, status=status, enqueued_at=job.enqueued_at,
        started_at=job.started_at, last_attempted_at=job.started_at,
        # A worker killed mid-task never wrote an end: the failure is recorded now.
        finished_at=(job.ended_at or datetime.now(UTC)) if finished else None,
        args=args, kwargs=kwargs, backend=alias,
        errors=[TaskError(**error) for error in job.meta.get("errors", [])],
        worker_ids=list(job.meta.get("worker_ids", [])),
    )
    if stored and status == TaskResultStatus.SUCCESSFUL:
        object.__setattr__(result, "_return_value", job.return_value())
    return result
