"""Every write to a background job: request (with its audit entry), progress, outcome, cleanup.

A job is requested inside the caller's transaction and handed to the task queue once that
transaction commits (the worker must see the row). The task runner (``tasks.run_job``) writes
progress in short autocommitted UPDATEs, at most about once a second, so that the status page
sees them while the work goes on and the queue's database is never held in a long transaction.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.models import User
from ocop.audit import services as audit
from ocop.core.refusals import NotFound, Refusal
from ocop.jobs import tasks  # tasks imports this module back; each uses the other only at call time
from ocop.jobs.kinds import KINDS, Output
from ocop.jobs.models import Job

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 1.0  # seconds between two progress writes


class JobRefused(NotFound):
    """The requester may not have this job's result (the view answers 404)."""


def retention() -> timedelta:
    return timedelta(hours=settings.JOB_RESULT_RETENTION_HOURS)


@transaction.atomic
def enqueue(*, actor: User, kind: str, params: dict[str, Any], title: str,
            total: int = 0) -> Job:
    if not KINDS[kind].allowed(actor, params):
        raise JobRefused(_("Không tìm thấy."), code=f"jobs.{kind}.not_allowed")
    job = Job.objects.create(kind=kind, requested_by=actor, params=params, title=title,
                             total=total)
    audit.record(actor=actor, action=f"jobs.{kind}.request", obj=job, object_repr=title,
                 changes={"params": params})
    transaction.on_commit(lambda: tasks.run_job.enqueue(str(job.pk)))
    return job


def mark_running(job: Job, *, retry: bool = False) -> bool:
    """Claim a queued job; False if it was already taken or finished (a task run twice). On a
    ``retry`` (the previous attempt's worker died) the job that attempt left running is claimed
    again, its progress back to zero: that attempt's writes were never committed."""
    now = timezone.now()
    statuses = [Job.Status.QUEUED, Job.Status.RUNNING] if retry else [Job.Status.QUEUED]
    claimed = Job.objects.filter(pk=job.pk, status__in=statuses).update(
        status=Job.Status.RUNNING, started_at=now, done=0)
    job.status, job.started_at, job.done = Job.Status.RUNNING, now, 0
    return bool(claimed)


class ProgressWriter:
    """``progress(done, total)`` for the kinds; writes at most once per PROGRESS_EVERY."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < PROGRESS_EVERY and done < total:
            return
        self.last = now
        self.job.done, self.job.total = done, total
        self.write(done, total)

    def write(self, done: int, total: int) -> None:
        Job.objects.filter(pk=self.job.pk).update(done=done, total=total)

    def close(self) -> None:
        pass


class SideProgressWriter(ProgressWriter):
    """Progress of work done inside one long transaction (the exchange import, all rows or
    none): an UPDATE in that transaction would be seen only when it commits, so the progress
    goes through a second connection of its own, in autocommit, and the status page sees it at
    once. Outside a transaction it writes as ``ProgressWriter`` does.

    SQLite has one writer per database file, and the work's transaction holds it (IMMEDIATE
    mode): a second connection would wait for the work it reports on. There the progress made
    inside the transaction is not written; the page sees the steps before it and the end."""

    LOCK_TIMEOUT_MS = 500

    def __init__(self, job: Job) -> None:
        super().__init__(job)
        self.side: Any = None
        self.broken = False

    def write(self, done: int, total: int) -> None:
        main = connections[DEFAULT_DB_ALIAS]
        if not main.in_atomic_block:
            super().write(done, total)
            return
        if self.broken or main.vendor == "sqlite":
            return
        try:
            if self.side is None:
                self.side = connections.create_connection(DEFAULT_DB_ALIAS)
                with self.side.cursor() as cursor:
                    # Never wait on a lock the work itself holds on the job's row.
                    cursor.execute(f"SET lock_timeout = {self.LOCK_TIMEOUT_MS}")
            pk = Job._meta.pk.get_db_prep_value(self.job.pk, self.side)
            with self.side.cursor() as cursor:
                cursor.execute(f"UPDATE {Job._meta.db_table} SET done = %s, total = %s "  # noqa: S608
                               "WHERE id = %s", [done, total, pk])
        except DatabaseError:
            # Progress is a courtesy: the work goes on without it, and the job's end is written
            # on the main connection.
            logger.warning("progress of job %s not written", self.job.pk, exc_info=True)
            self.broken = True
            self.close()

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
            self.side = None


def finish(job: Job, output: Output | None) -> None:
    if output is not None:
        content = output.content
        if isinstance(content, bytes):
            job.result.save(output.filename, ContentFile(content), save=False)
        else:
            with content:  # a temporary file (the Excel export): closing it deletes it
                job.result.save(output.filename, File(content), save=False)
        job.result_name = output.filename
        job.content_type = output.content_type
    job.status = Job.Status.DONE
    job.done = job.total = max(job.total, job.done, 1)
    job.finished_at = timezone.now()
    job.expires_at = job.finished_at + retention()
    job.message = ""
    job.save()


def fail(job: Job, message: str) -> None:
    job.status = Job.Status.FAILED
    job.message = message
    job.finished_at = timezone.now()
    job.expires_at = job.finished_at + retention()
    job.save(update_fields=["status", "message", "finished_at", "expires_at"])


def fail_lost(job_id: str) -> bool:
    """Fail a job whose task will not run again (its worker died on the last attempt); False if
    the job had already finished."""
    now = timezone.now()
    return bool(Job.objects.filter(
        pk=job_id, status__in=[Job.Status.QUEUED, Job.Status.RUNNING],
    ).update(status=Job.Status.FAILED, finished_at=now, expires_at=now + retention(),
             message=_("Xử lý bị gián đoạn (tiến trình nền dừng đột ngột). Hãy thử lại; nếu vẫn "
                       "lỗi, báo quản trị viên.")))


def run(job: Job, *, retry: bool = False) -> Job:
    """Do the job's work (called by the task). Known refusals keep their own Vietnamese
    message; anything unexpected is logged and shown as a general failure."""
    if not mark_running(job, retry=retry):
        return job
    kind = KINDS[job.kind]
    progress = SideProgressWriter(job) if kind.long_transaction else ProgressWriter(job)
    try:
        output = kind.run(job, progress)
    except Refusal as exc:
        fail(job, exc.message)
    except ValidationError as exc:
        fail(job, " ".join(exc.messages))
    except Exception:
        logger.exception("background job %s (%s) failed", job.pk, job.kind)
        fail(job, _("Đã có lỗi khi tạo tệp. Hãy thử lại; nếu vẫn lỗi, báo quản trị viên."))
    else:
        finish(job, output)
    finally:
        progress.close()
    return job


def delete_expired(now=None) -> int:
    """Remove jobs past their retention with their files; also jobs stuck unfinished for
    longer than the retention (a worker that died). Returns how many were removed."""
    now = now or timezone.now()
    stale = Job.objects.filter(expires_at__lt=now) | Job.objects.filter(
        expires_at__isnull=True, created_at__lt=now - retention())
    count = 0
    for job in stale.iterator():
        # An import's uploaded workbook is the job's too (kept until it is written or expires).
        names = [n for n in (job.result.name, job.params.get("upload")) if n]
        job.delete()
        for name in names:
            # The row is gone first: a crash here leaves an orphan file, never a dead link.
            job.result.storage.delete(name)
        count += 1
    return count
