"""Background work of the trace app: large EPCIS captures."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver
from django.tasks import TaskResultStatus, task
from django.tasks.signals import task_finished
from django.utils.translation import gettext as _

from ocop.trace import (
    capture,  # capture imports this module back; each uses the other only when called
)
from ocop.trace.models import CaptureJob


@task()
def process_capture(job_id: str) -> str:
    """Finish a queued capture; its outcome (and any errors) is kept on the CaptureJob."""
    job = CaptureJob.objects.select_related("owner", "owner__producer__commune", "owner__unit").get(
        pk=job_id
    )
    if job.status != CaptureJob.Status.PENDING or job.document is None:
        return job.status
    try:
        capture.capture(document=job.document, actor=job.owner, job=job)
    except capture.CaptureError as exc:
        # Schema errors and conflicts are already on the job; anything refused earlier is not.
        if job.status == CaptureJob.Status.PENDING:
            capture.mark_failed(job, job.owner,
                                [{"eventIndex": None, "path": "", "message": exc.message}])
    return job.status


@receiver(task_finished)
def capture_task_failed(sender: Any, task_result: Any, **kwargs: Any) -> None:
    """A capture whose task failed outright (an unexpected error, or its worker died on the last
    attempt, see ocop.worker) must not stay "pending": its client polls the job's status."""
    if (task_result.status != TaskResultStatus.FAILED
            or task_result.task.module_path != process_capture.module_path):
        return
    job = CaptureJob.objects.select_related("owner").filter(
        pk=task_result.args[0], status=CaptureJob.Status.PENDING).first()
    if job is not None:
        capture.mark_failed(job, job.owner, [{
            "eventIndex": None, "path": "",
            "message": _("Xử lý bị gián đoạn (tiến trình nền dừng đột ngột hoặc gặp lỗi); "
                         "không sự kiện nào được lưu. Hãy gửi lại tài liệu."),
        }])
