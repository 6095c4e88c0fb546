"""python manage.py worker [db_worker's options]: the background worker with a heartbeat.

On the database queue (the default) it is django-tasks-db's ``db_worker`` plus a thread that
records the worker's heartbeat every ``WORKER_HEARTBEAT_SECONDS`` and requeues or fails the tasks
of workers that stopped beating (``ocop.worker.services``). On Redis (``TASKS_REDIS_URL``) it is
RQ's in-process worker (``ocop.worker.redis_backend.LeasedWorker``) with the same thread renewing
its lease on the running task and handing abandoned tasks to recovery. Both run the periodic
checks (``ocop.worker.hooks``). Autoreload is off: a reloader parent would beat for a child it
cannot see die. Run it under a supervisor that restarts it (``make run`` does, and the systemd
unit in docs/deployment.md has ``Restart=always``).
"""

from __future__ import annotations

import logging
import threading
import time
from argparse import ArgumentParser
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.tasks import task_backends
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from redis.exceptions import RedisError

from ocop.worker import hooks, services
from ocop.worker.redis_backend import RedisBackend, worker_for

logger = logging.getLogger("ocop.worker")


class Command(db_worker.Command):
    help = "Chạy tiến trình nền kèm nhịp tim và phục hồi tác vụ mồ côi."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        # db_worker accepts only a database backend for --backend; this command runs Redis too.
        for action in parser._actions:
            if action.dest == "backend_name":
                action.type = queue_backend_name

    def handle(self, *args: Any, **options: Any) -> None:
        backend = task_backends[options["backend_name"]]
        if isinstance(backend, RedisBackend):
            self._run_redis(backend, options)
            return
        worker_id = options["worker_id"]
        options["reload"] = False
        services.beat(worker_id, started_at=timezone.now())
        self._recover(worker_id)

        def beat() -> None:
            services.beat(worker_id)
            self._recover(worker_id)

        try:
            self._with_heartbeat(beat, lambda: super(Command, self).handle(*args, **options))
        finally:
            services.stop(worker_id)

    def _run_redis(self, backend: RedisBackend, options: dict[str, Any]) -> None:
        names = options["queue_name"].split(",")
        worker = worker_for(backend, sorted(backend.queues) if "*" in names else names,
                            options["worker_id"])
        backend.recover()

        def beat() -> None:
            worker.renew_lease()
            backend.recover()

        # The DB connection of this thread is not needed while RQ waits; a task opens its own.
        connection.close()
        self._with_heartbeat(beat, lambda: worker.work(
            burst=options["batch"], max_jobs=options["max_tasks"],
            logging_level="INFO" if options["verbosity"] else "WARNING"))

    def _with_heartbeat(self, beat: Callable[[], None], work: Callable[[], object]) -> None:
        """Run ``work`` with a thread calling ``beat`` every WORKER_HEARTBEAT_SECONDS and the
        periodic checks every WORKER_PERIODIC_SECONDS (once at start-up)."""
        self._periodic()
        stopping = threading.Event()
        thread = threading.Thread(target=self._heartbeat, args=(beat, stopping),
                                  name="ocop-heartbeat", daemon=True)
        thread.start()
        try:
            work()
        finally:
            stopping.set()
            thread.join(timeout=settings.WORKER_HEARTBEAT_SECONDS * 2)

    def _heartbeat(self, beat: Callable[[], None], stopping: threading.Event) -> None:
        last_periodic = time.monotonic()
        try:
            while not stopping.wait(settings.WORKER_HEARTBEAT_SECONDS):
                try:
                    beat()
                    if time.monotonic() - last_periodic >= settings.WORKER_PERIODIC_SECONDS:
                        last_periodic = time.monotonic()
                        self._periodic()
                except (DatabaseError, RedisError):
                    # A locked or restarting database or Redis: beat again next time; the
                    # lease is several beats long.
                    logger.warning("heartbeat of the worker failed", exc_info=True)
        finally:
            connection.close()

    def _periodic(self) -> None:
        """The higher apps' periodic checks (ocop/worker/hooks.py). A failing one is logged and
        tried again next time: it must never stop the heartbeat or the worker."""
        hooks.periodic.run_each(timezone.now())

    def _recover(self, worker_id: str) -> None:
        report = services.recover_orphaned_tasks(me=worker_id)
        for task_id in report.requeued:
            logger.warning("task %s requeued: its worker stopped", task_id)
        for task_id in report.failed:
            logger.error("task %s failed: its worker stopped on the last attempt", task_id)


def queue_backend_name(value: str) -> str:
    """--backend: the alias of a database or Redis backend in settings.TASKS."""
    if isinstance(task_backends[value] if value in settings.TASKS else None, RedisBackend):
        return value
    return db_worker.valid_backend_name(value)
