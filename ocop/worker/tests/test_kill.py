"""kill -9 a real worker in the middle of a task; a new worker finishes it in bounded time.

Everything runs in separate processes against a database of its own (a SQLite file, or a fresh
PostgreSQL database when the suite runs on PostgreSQL), as in production: ``manage.py worker``
processes, a task that sleeps, SIGKILL, a second worker. Once on each queue: the database queue
and Redis (the test Redis database; skipped with the reason when Redis is not reachable).
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from ocop.worker import testing
from ocop.worker.redis_backend import RedisBackend

ROOT = Path(__file__).resolve().parents[3]
TABLE = "django_tasks_database_dbtaskresult"
# Heartbeat and lease short enough for a test, long enough for a loaded 2-core machine.
WORKER_ENV = {"WORKER_HEARTBEAT_SECONDS": "0.5", "WORKER_LEASE_SECONDS": "4",
              "TASKS_BACKEND": "django_tasks_db.DatabaseBackend", "DJANGO_DEBUG": "true"}


@pytest.fixture
def database_url(tmp_path) -> Iterator[str]:
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'worker.sqlite3'}"
        return
    import psycopg

    params = settings.DATABASES["default"]
    name = f"ocop_worker_kill_{uuid.uuid4().hex[:8]}"
    admin = {"host": params["HOST"] or "127.0.0.1", "port": params["PORT"] or 5432,
             "user": params["USER"], "password": params["PASSWORD"] or None, "dbname": "postgres"}
    with psycopg.connect(**admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    user = params["USER"] + (f":{params['PASSWORD']}" if params["PASSWORD"] else "")
    try:
        yield f"postgres://{user}@{admin['host']}:{admin['port']}/{name}"
    finally:
        with psycopg.connect(**admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["db", "redis"])
def queue(request) -> str:
    """The queue under test; for Redis, its URL (the test database, emptied)."""
    if request.param == "db":
        return ""
    if reason := testing.redis_unreachable():
        pytest.skip(reason)
    testing.flush_redis()
    return testing.REDIS_URL


def manage(url: str, *args: str, redis_url: str = "",
           **kwargs) -> subprocess.Popen | subprocess.CompletedProcess:
    env = {**os.environ, **WORKER_ENV, "DATABASE_URL": url, "TASKS_REDIS_URL": redis_url}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    command = [sys.executable, "manage.py", *args]
    if kwargs.pop("background", False):
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,  # noqa: S603
                                stderr=subprocess.DEVNULL)
    return subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True,  # noqa: S603
                          text=True, timeout=180)


def task_row(url: str, redis_url: str, task_id: str) -> tuple[str, list[str]]:
    """(status, worker ids) of the task, read straight from the database or from Redis."""
    if redis_url:
        backend = RedisBackend("default", {"OPTIONS": {"URL": redis_url}})
        result = backend.get_result(task_id)
        return result.status, result.worker_ids
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            status, workers = conn.execute(f"SELECT status, worker_ids FROM {TABLE}").fetchone()  # noqa: S608
    else:
        import psycopg

        with psycopg.connect(url.replace("postgres://", "postgresql://")) as conn:
            status, workers = conn.execute(f"SELECT status, worker_ids FROM {TABLE}").fetchone()  # noqa: S608
    import json

    return status, workers if isinstance(workers, list) else json.loads(workers)


def wait_for(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.django_db
def test_killed_worker_task_is_finished_by_the_next_worker(database_url, queue, tmp_path):
    manage(database_url, "migrate", "django_tasks_database", "-v0")
    manage(database_url, "migrate", "worker", "-v0")
    marker = tmp_path / "marker"
    task_id = manage(database_url, "shell", "-c",
                     "from ocop.worker.tests.slow_tasks import sleep_then_mark as t; "
                     f"print(t.enqueue({str(marker)!r}, 3).id)", redis_url=queue).stdout.split()[-1]
    first = manage(database_url, "worker", "--no-startup-delay", "--interval", "0.2",
                   redis_url=queue, background=True)
    second = None

    def row() -> tuple[str, list[str]]:
        return task_row(database_url, queue, task_id)

    try:
        assert wait_for(lambda: marker.with_suffix(".started").exists(), 60)
        status, workers = row()
        assert status == "RUNNING" and len(workers) == 1
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        assert not marker.exists()  # killed mid-task

        started = time.monotonic()
        second = manage(database_url, "worker", "--no-startup-delay", "--interval", "0.2",
                        redis_url=queue, background=True)
        # Lease (4 s) + the task (3 s) + start-up, with room for a loaded machine.
        assert wait_for(lambda: row()[0] == "SUCCESSFUL", 90), row()
        status, workers = row()
        assert marker.read_text() == "done"
        assert len(workers) == 2 and workers[0] != workers[1]  # the second attempt, elsewhere
        assert time.monotonic() - started < 90
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
