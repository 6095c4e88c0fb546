"""The one task that runs every kind of background job (see services.run)."""

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
    # A later attempt exists only because the worker of the previous one died (ocop.worker
    # requeues a task for no other reason, on either queue): that attempt's claim is void.
    return services.run(job, retry=context.attempt > 1).status


@receiver(task_finished)
def job_task_failed(sender: Any, task_result: Any, **kwargs: Any) -> None:
    """A job whose task failed outright (its worker died on the last attempt, see ocop.worker)
    must not stay "queued" or "running": its page polls the job's status."""
    if (task_result.status == TaskResultStatus.FAILED
            and task_result.task.module_path == run_job.module_path):
        services.fail_lost(task_result.args[0])
