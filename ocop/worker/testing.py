"""The task tests on a real queue: ``OCOP_TASKS_BACKEND=redis`` (or ``db``) runs them there.

By default tests run tasks with Django's ``ImmediateBackend``. With ``OCOP_TASKS_BACKEND=redis``
the root conftest configures ``RedisBackend`` on ``TASKS_TEST_REDIS_URL`` (Redis DB 2 on this
machine, emptied before each test) and, whenever a task is enqueued, runs RQ's in-process worker
(``LeasedWorker``, the one ``manage.py worker`` runs) until the queue is empty; with ``db`` it is
django-tasks-db's queue and its worker. A task therefore goes through the real queue — JSON in
Redis or a row in the database, claimed, run, its result and signals recorded — while a test still
reads as if it ran at once. Enqueueing happens on commit, so tests wrap requests in
``django_capture_on_commit_callbacks(execute=True)`` on every backend.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from django.tasks import TaskResult, task_backends
from django.tasks.signals import task_enqueued
from django.utils.crypto import get_random_string

BACKENDS = ("immediate", "db", "redis")
REDIS_URL = os.environ.get("TASKS_TEST_REDIS_URL", "redis://127.0.0.1:6379/2")


def chosen() -> str:
    name = os.environ.get("OCOP_TASKS_BACKEND", "immediate") or "immediate"
    if name not in BACKENDS:
        raise ValueError(f"OCOP_TASKS_BACKEND={name!r}: expected one of {', '.join(BACKENDS)}")
    return name


def tasks_setting(name: str) -> dict[str, Any]:
    backend = {
        "immediate": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"},
        "db": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
        "redis": {"BACKEND": "ocop.worker.redis_backend.RedisBackend", "QUEUES": ["default"],
                  "OPTIONS": {"URL": REDIS_URL}},
    }[name]
    return {"default": backend}


def redis_unreachable(url: str = REDIS_URL) -> str | None:
    """Why Redis at ``url`` cannot be used, or None when it answers."""
    from redis import Redis
    from redis.exceptions import RedisError

    try:
        Redis.from_url(url, socket_connect_timeout=1).ping()
    except RedisError as exc:
        return f"Redis not reachable at {url} ({exc}); .ci/run starts it"
    return None


def flush_redis(url: str = REDIS_URL) -> None:
    """Empty the test Redis database (only ever the one ``TASKS_TEST_REDIS_URL`` names)."""
    from redis import Redis

    Redis.from_url(url).flushdb()


def drain(alias: str = "default") -> None:
    """Run every queued task of backend ``alias`` in this process, as its worker would."""
    backend = task_backends[alias]
    from django_tasks_db.backend import DatabaseBackend

    from ocop.worker.redis_backend import RedisBackend, worker_for

    if isinstance(backend, RedisBackend):
        # A fresh name each time: RQ refuses a name whose worker has not reported its death.
        worker_for(backend, sorted(backend.queues), f"test-worker-{get_random_string(8)}").work(
            burst=True, logging_level="WARNING")
    elif isinstance(backend, DatabaseBackend):
        from django_tasks_db.management.commands import db_worker

        from ocop.worker.redis_backend import recycle_connections

        # Its close_old_connections would doom the test's transaction it runs inside.
        with mock.patch.object(db_worker, "close_old_connections", recycle_connections):
            db_worker.Worker(
                queue_names=sorted(backend.queues), interval=0, batch=True, backend_name=alias,
                startup_delay=False, max_tasks=None, worker_id="test-worker",
                excluded_queue_names=[]).run()


@contextmanager
def run_on_enqueue() -> Iterator[None]:
    """While active, each enqueued task is run at once through the real queue (``drain``). A
    task enqueued by a running task waits for the drain in progress, which takes it next."""
    draining = False

    def on_enqueued(sender: Any, task_result: TaskResult, **kwargs: Any) -> None:
        nonlocal draining
        if draining:
            return
        draining = True
        try:
            drain(task_result.backend)
        finally:
            draining = False

    task_enqueued.connect(on_enqueued, weak=False)
    try:
        yield
    finally:
        task_enqueued.disconnect(on_enqueued)


def outcome(result: TaskResult) -> TaskResult:
    """``result`` as its backend now records it (the immediate backend's is already final)."""
    if task_backends[result.backend].supports_get_result:
        result.refresh()
    return result


def claim(backend: Any, result_id: str, worker_name: str) -> Any:
    """What a worker does with a task before its first line runs: the execution registered
    under its lease, the claim counted. Returns the worker; a test that never calls its
    ``renew_lease`` plays a worker killed at that point."""
    from rq.job import Job
    from rq.serializers import JSONSerializer

    from ocop.worker.redis_backend import worker_for

    job = Job.fetch(result_id, connection=backend.connection, serializer=JSONSerializer)
    worker = worker_for(backend, [job.origin], worker_name)
    backend.queue(job.origin).remove(job)
    worker.prepare_execution(job)
    worker.prepare_job_execution(job)
    job.meta.setdefault("worker_ids", []).append(worker_name)
    job.save_meta()
    return worker
