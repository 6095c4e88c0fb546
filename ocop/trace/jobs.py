"""Stamp sheets as background jobs (the jobs app runs them; ocop/jobs/kinds.py).

``allowed`` is asked when the sheet is requested and again at every download, through the trace
batch page's own rule, so a user who lost the batch cannot fetch a sheet made earlier.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from ocop.accounts.models import User
from ocop.jobs import services as jobs
from ocop.jobs.kinds import JobKind, Output, Progress, register
from ocop.jobs.models import Job
from ocop.trace.models import StampBatch
from ocop.trace.pdf import check_range, sheet_pages, stamp_sheet
from ocop.trace.permissions import can_print_stamps
from ocop.trace.selectors import batches_for


def stamp_batch(user: User, batch_id: int) -> StampBatch | None:
    """The batch if ``user`` may print its stamps (the rule of the trace batch page)."""
    batch = batches_for(user).filter(pk=batch_id).first()
    if batch is None or not can_print_stamps(user, batch.product.producer):
        return None
    return batch


def _allowed(user: User, params: dict[str, Any]) -> bool:
    return stamp_batch(user, params["batch"]) is not None


def _run(job: Job, progress: Progress) -> Output:
    batch = StampBatch.objects.select_related("product", "lot").get(pk=job.params["batch"])
    first, last = job.params["first"], job.params["last"]
    return Output(stamp_sheet(batch, first, last, progress=progress),
                  f"tem-{batch.pk}-{first}-{last}.pdf", "application/pdf")


def start_stamp_sheet(*, actor: User, batch: StampBatch, first: int, last: int) -> Job:
    """Raises a refusal (Vietnamese message) for a range the batch does not hold."""
    check_range(batch, first, last)
    return jobs.enqueue(actor=actor, kind=Job.Kind.STAMP_SHEET,
                        params={"batch": batch.pk, "first": first, "last": last},
                        title=_("Tờ tem lô %(lot)s, sê-ri %(first)s–%(last)s") % {
                            "lot": batch.lot.code, "first": first, "last": last},
                        total=sheet_pages(first, last))


def _back(job: Job) -> tuple[str, str]:
    return reverse("trace:batch_detail", args=[job.params["batch"]]), _("Về lô tem")


register(Job.Kind.STAMP_SHEET, JobKind(_allowed, _run, back=_back))
