"""Background work of the trace app: large EPCIS captures."""

from __future__ import annotations

from django.tasks import task

from ocop.trace.models import CaptureJob
from ocop.trace.services import CaptureError, capture, mark_failed


@task()
def process_capture(job_id: str) -> str:
    """Finish a queued capture; its outcome (and any errors) is kept on the CaptureJob."""
    job = CaptureJob.objects.select_related("owner", "owner__producer__commune", "owner__unit").get(
        pk=job_id
    )
    if job.status != CaptureJob.Status.PENDING or job.document is None:
        return job.status
    try:
        capture(document=job.document, actor=job.owner, job=job)
    except CaptureError as exc:
        # Schema errors and conflicts are already on the job; anything refused earlier is not.
        if job.status == CaptureJob.Status.PENDING:
            mark_failed(job, job.owner, [{"eventIndex": None, "path": "", "message": exc.message}])
    return job.status
