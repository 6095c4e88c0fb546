"""Enqueue and run throughput of a trivial django.tasks task on both queues, in one run.

Run from the project root:
    .venv/bin/python bench/tasks_bench.py [--tasks 2000] [--database-url postgres://…/ocop_bench]
        [--redis-url redis://127.0.0.1:6379/2]

The database queue (django-tasks-db, the embedded default) and the Redis queue
(ocop/worker/redis_backend.py, ``TASKS_REDIS_URL``) each get the same N tasks that return their
argument: enqueued one by one in autocommit (as after a request's commit), then run by the worker
loop ``manage.py worker`` runs for that queue (django-tasks-db's ``Worker``, or
``LeasedWorker``), in this process until the queue is empty. Printed per queue: enqueue rate,
run rate (claim, run, record the result) and the end-to-end rate; every result is checked
SUCCESSFUL. The Redis database given is emptied first and afterwards (DB 2 on the development
machine). Skips the Redis half with the reason when Redis is not reachable.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchdb

DEFAULT_REDIS = os.environ.get("TASKS_TEST_REDIS_URL", "redis://127.0.0.1:6379/2")


@dataclass
class Rate:
    queue: str
    tasks: int
    enqueue_s: float
    run_s: float

    def row(self) -> str:
        total = self.enqueue_s + self.run_s
        return (f"{self.queue:9} {self.tasks:6d} {self.tasks / self.enqueue_s:10.0f} "
                f"{self.tasks / self.run_s:9.0f} {self.tasks / total:12.0f}")


HEADER = f"{'queue':9} {'tasks':>6} {'enqueue/s':>10} {'run/s':>9} {'end-to-end/s':>12}"


def setting(queue: str, redis_url: str) -> dict:
    from ocop.worker.testing import tasks_setting

    config = tasks_setting(queue)
    if queue == "redis":
        config["default"]["OPTIONS"] = {"URL": redis_url}
    return config


def measure(queue: str, tasks: int, redis_url: str = DEFAULT_REDIS) -> Rate:
    """Enqueue ``tasks`` trivial tasks on ``queue`` ("db" or "redis"), run them, check them."""
    from django.tasks import TaskResultStatus
    from django.test import override_settings

    from ocop.worker import testing

    with override_settings(TASKS=setting(queue, redis_url)):
        from bench_tasks import noop
        from django.tasks import task_backends

        noop = noop.using(backend="default")
        if queue == "redis":
            testing.flush_redis(redis_url)
        started = time.perf_counter()
        results = [noop.enqueue(i) for i in range(tasks)]
        enqueued = time.perf_counter()
        testing.drain()
        ran = time.perf_counter()
        backend = task_backends["default"]
        bad = [r.id for r in results
               if backend.get_result(r.id).status != TaskResultStatus.SUCCESSFUL]
        if bad:
            raise SystemExit(f"{queue}: {len(bad)} of {tasks} tasks did not succeed")
        if queue == "redis":
            testing.flush_redis(redis_url)
    return Rate(queue, tasks, enqueued - started, ran - enqueued)


def main(argv: list[str] | None = None) -> list[Rate]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--database-url")
    parser.add_argument("--redis-url", default=DEFAULT_REDIS)
    args, _ = parser.parse_known_args(argv)
    with benchdb.throwaway_database(args.database_url, sqlite_name="tasks.sqlite3") as url:
        os.environ["DATABASE_URL"] = url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocop.settings")
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from ocop.worker import testing

        logging.disable(logging.INFO)  # one log line per task would be part of the figure
        call_command("migrate", "django_tasks_database", verbosity=0)
        print(f"database: {connection.vendor}; redis: {args.redis_url}")
        queues = ["db"]
        if reason := testing.redis_unreachable(args.redis_url):
            print(f"redis skipped: {reason}")
        else:
            queues.append("redis")
        rates = [measure(queue, args.tasks, args.redis_url) for queue in queues]
        connection.close()
    print(HEADER)
    for rate in rates:
        print(rate.row())
    return rates


if __name__ == "__main__":
    main()
