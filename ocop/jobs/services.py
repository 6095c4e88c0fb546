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
from django.db import transaction
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
        raise JobRefused(_("Không tìm thấy (not found)."), code=f"jobs.{kind}.not_allowed")
    job = Job.objects.create(kind=kind, requested_by=actor, params=params, title=title,
                             total=total)
    audit.record(actor=actor, action=f"jobs.{kind}.request", obj=job, object_repr=title,
                 changes={"params": params})
    transaction.on_commit(lambda: tasks.run_job.enqueue(str(job.pk)))
    return job


def mark_running(job: Job, *, attempt: int = 1) -> bool:
    """Claim a queued job; False if it was already taken or finished (a task run twice).

    A later attempt of the job's task also takes over a job left "running": the task queue
    delivers a task again only after the worker of the earlier attempt was declared lost
    (ocop.worker), whose work never committed (each kind writes its records in one
    transaction, and its file only in ``finish``)."""
    now = timezone.now()
    claimable = [Job.Status.QUEUED] + ([Job.Status.RUNNING] if attempt > 1 else [])
    claimed = Job.objects.filter(pk=job.pk, status__in=claimable).update(
        status=Job.Status.RUNNING, started_at=now, done=0)
    job.status, job.started_at = Job.Status.RUNNING, now
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
        Job.objects.filter(pk=self.job.pk).update(done=done, total=total)


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


def fail_unfinished(job_id: str) -> None:
    """Fail a job still queued or running whose task will not run again (its worker died on
    the last attempt), with a message its page shows."""
    job = Job.objects.filter(pk=job_id, status__in=[Job.Status.QUEUED, Job.Status.RUNNING]).first()
    if job is not None:
        fail(job, _("Tác vụ bị gián đoạn (tiến trình nền dừng đột ngột nhiều lần). Hãy thử lại; "
                    "nếu vẫn lỗi, báo quản trị viên."))


def run(job: Job, *, attempt: int = 1) -> Job:
    """Do the job's work (called by the task; ``attempt`` counts the task's deliveries). Known
    refusals keep their own Vietnamese message; anything unexpected is logged and shown as a
    general failure."""
    if not mark_running(job, attempt=attempt):
        return job
    try:
        output = KINDS[job.kind].run(job, ProgressWriter(job))
    except Refusal as exc:
        fail(job, exc.message)
    except ValidationError as exc:
        fail(job, " ".join(exc.messages))
    except Exception:
        logger.exception("background job %s (%s) failed", job.pk, job.kind)
        fail(job, _("Đã có lỗi khi tạo tệp. Hãy thử lại; nếu vẫn lỗi, báo quản trị viên."))
    else:
        finish(job, output)
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
