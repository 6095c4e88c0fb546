"""python manage.py worker [db_worker's options]: the background worker with a heartbeat.

It is django-tasks-db's ``db_worker`` plus a thread that records the worker's heartbeat every
``WORKER_HEARTBEAT_SECONDS`` and requeues or fails the tasks of workers that stopped beating
(``ocop.worker.services``). Autoreload is off: a reloader parent would beat for a child it
cannot see die. Run it under a supervisor that restarts it (``make run`` does, and the systemd
unit in docs/deployment.md has ``Restart=always``).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone
from django_tasks_db.management.commands import db_worker

from ocop.worker import hooks, services

logger = logging.getLogger("ocop.worker")


class Command(db_worker.Command):
    help = "Chạy tiến trình nền kèm nhịp tim và phục hồi tác vụ mồ côi."

    def handle(self, *args: Any, **options: Any) -> None:
        worker_id = options["worker_id"]
        options["reload"] = False
        stopping = threading.Event()
        started = timezone.now()
        services.beat(worker_id, started_at=started)
        self._recover(worker_id)
        self._periodic()
        thread = threading.Thread(target=self._heartbeat, args=(worker_id, stopping),
                                  name="ocop-heartbeat", daemon=True)
        thread.start()
        try:
            super().handle(*args, **options)
        finally:
            stopping.set()
            thread.join(timeout=settings.WORKER_HEARTBEAT_SECONDS * 2)
            services.stop(worker_id)

    def _heartbeat(self, worker_id: str, stopping: threading.Event) -> None:
        last_periodic = time.monotonic()
        try:
            while not stopping.wait(settings.WORKER_HEARTBEAT_SECONDS):
                try:
                    services.beat(worker_id)
                    self._recover(worker_id)
                    if time.monotonic() - last_periodic >= settings.WORKER_PERIODIC_SECONDS:
                        last_periodic = time.monotonic()
                        self._periodic()
                except DatabaseError:
                    # A locked or restarting database: beat again next time; the lease is
                    # several beats long.
                    logger.warning("heartbeat of worker %s failed", worker_id, exc_info=True)
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
