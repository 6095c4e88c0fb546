"""The one task that runs every kind of background job (see services.run), and what a job
becomes when its task fails outright (its worker died on the last attempt, see ocop.worker)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver
from django.tasks import TaskContext, TaskResultStatus, task
from django.tasks.signals import task_finished

from ocop.jobs import services
from ocop.jobs.models import Job


@task(takes_context=True)
def run_job(context: TaskContext, job_id: str) -> str:
    job = Job.objects.select_related("requested_by").filter(pk=job_id).first()
    if job is None:  # cleaned up before a worker got to it
        return "missing"
    return services.run(job, attempt=context.attempt).status


@receiver(task_finished)
def job_task_failed(sender: Any, task_result: Any, **kwargs: Any) -> None:
    """A job whose task failed outright must not stay "running": its page polls the status."""
    if (task_result.status == TaskResultStatus.FAILED
            and task_result.task.module_path == run_job.module_path):
        services.fail_unfinished(str(task_result.args[0]))
