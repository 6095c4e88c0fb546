"""The one task that runs every kind of background job (see services.run)."""

from __future__ import annotations

from django.tasks import task

from ocop.jobs import services
from ocop.jobs.models import Job


@task()
def run_job(job_id: str) -> str:
    job = Job.objects.select_related("requested_by").filter(pk=job_id).first()
    if job is None:  # cleaned up before a worker got to it
        return "missing"
    return services.run(job).status
