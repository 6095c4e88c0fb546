"""Heartbeats and the recovery of tasks whose worker died.

A task claimed by a worker that has not beaten for ``WORKER_LEASE_SECONDS`` is orphaned. It is put
back in the queue (status READY) while it has been attempted fewer than ``WORKER_MAX_ATTEMPTS``
times, and failed for good after that, with ``WorkerLost`` as its exception so that whoever waits
on it (a capture job's status, a progress bar) learns it failed. Our tasks are safe to run again:
each does its writes in one transaction, which the dead worker's connection never committed.

Every worker runs the recovery beside its heartbeat, so it also runs at start-up: restarting the
service after a crash heals what the crash left.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus, task_finished
from django_tasks_db.models import DBTaskResult

from ocop.worker.models import WorkerHeartbeat


class WorkerLost(Exception):
    """The worker running this task stopped (killed, crashed, machine restarted)."""


@dataclass
class Recovery:
    requeued: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def beat(worker_id: str, *, started_at: datetime | None = None) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"last_seen": now, "host": socket.gethostname()[:255], "pid": os.getpid()},
        create_defaults={"last_seen": now, "host": socket.gethostname()[:255],
                         "pid": os.getpid(), "started_at": started_at or now},
    )


def stop(worker_id: str) -> None:
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def recover_orphaned_tasks(now: datetime | None = None, *, me: str | None = None) -> Recovery:
    """Requeue or fail the RUNNING tasks whose last worker stopped beating.

    ``me`` is the calling worker, alive whatever its row says: its last beat may be stale
    because the write waited for a lock its own task held (SQLite's busy wait; the beat's time
    is taken before the wait), and requeueing its own running task would run it twice."""
    now = now or timezone.now()
    lease = timedelta(seconds=settings.WORKER_LEASE_SECONDS)
    alive = set(
        WorkerHeartbeat.objects.filter(last_seen__gte=now - lease)
        .values_list("worker_id", flat=True)
    ) | ({me} if me else set())
    report = Recovery()
    # Claimed less than a lease ago: its worker may not have beaten yet.
    running = DBTaskResult.objects.running().filter(started_at__lt=now - lease)
    for task in running.only("id", "started_at", "worker_ids"):
        if task.worker_ids and task.worker_ids[-1] in alive:
            continue
        with transaction.atomic():
            # Another worker's recovery may have handled it meanwhile: match the claim exactly.
            claim = DBTaskResult.objects.filter(pk=task.pk, status=TaskResultStatus.RUNNING,
                                                started_at=task.started_at)
            if len(task.worker_ids) < settings.WORKER_MAX_ATTEMPTS:
                if claim.update(status=TaskResultStatus.READY):
                    report.requeued.append(str(task.pk))
                continue
            locked = claim.select_for_update(no_key=True).first()
            if locked is None:
                continue
            locked.set_failed(WorkerLost(
                f"worker {task.worker_ids[-1]} stopped during attempt {len(task.worker_ids)}"
            ))
            report.failed.append(str(task.pk))
        # Outside the transaction, as the worker itself does: listeners write their own rows.
        task_finished.send(sender=type(locked.task.get_backend()), task_result=locked.task_result)
    WorkerHeartbeat.objects.filter(last_seen__lt=now - 10 * lease).delete()
    return report
