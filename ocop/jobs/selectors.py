"""Reads of background jobs: only the requester sees a job, and only while the permission on
the underlying record still holds (checked again at every request)."""

from __future__ import annotations

from django.utils import timezone

from ocop.accounts.models import User
from ocop.jobs.kinds import KINDS
from ocop.jobs.models import Job


def job_for(user: User, pk) -> Job | None:
    if not user.is_authenticated:
        return None
    job = Job.objects.filter(pk=pk, requested_by=user).first()
    if job is None or not KINDS[job.kind].allowed(user, job.params):
        return None
    return job


def downloadable(user: User, pk) -> Job | None:
    job = job_for(user, pk)
    if (job is None or job.status != Job.Status.DONE or not job.result
            or (job.expires_at is not None and job.expires_at <= timezone.now())):
        return None
    return job
