"""What each kind of background job does and who may have its result.

``allowed(user, params)`` is asked when the job is requested and again at every download, so a
user who lost the right to the underlying record (moved, deactivated, the batch left their
reach) cannot fetch a file made earlier. Each check calls the owning app's own permission code,
never a copy of it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ocop.accounts.models import User
    from ocop.jobs.models import Job

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Output:
    content: bytes | IO[bytes]
    filename: str
    content_type: str


@dataclass(frozen=True)
class JobKind:
    allowed: Callable[[User, dict[str, Any]], bool]
    # Returns the file made, or None for a job whose result is ``job.outcome`` (an import).
    run: Callable[[Job, Progress], Output | None]
    # For a finished job without a file: where its result is shown, as (url, link text).
    follow: Callable[[Job], tuple[str, str]] | None = None


# --- Stamp sheets (trace) --------------------------------------------------------------------


def stamp_batch(user: User, batch_id: int):
    """The batch if ``user`` may print its stamps (the rule of the trace batch page)."""
    from ocop.trace.permissions import can_print_stamps
    from ocop.trace.selectors import batches_for

    batch = batches_for(user).filter(pk=batch_id).first()
    if batch is None or not can_print_stamps(user, batch.product.producer):
        return None
    return batch


def _stamps_allowed(user: User, params: dict[str, Any]) -> bool:
    return stamp_batch(user, params["batch"]) is not None


def _stamps_run(job: Job, progress: Progress) -> Output:
    from ocop.trace.models import StampBatch
    from ocop.trace.pdf import stamp_sheet

    batch = StampBatch.objects.select_related("product", "lot").get(pk=job.params["batch"])
    first, last = job.params["first"], job.params["last"]
    return Output(stamp_sheet(batch, first, last, progress=progress),
                  f"tem-{batch.pk}-{first}-{last}.pdf", "application/pdf")


# --- Proposal ZIP (evaluation) ---------------------------------------------------------------


def _proposal_allowed(user: User, params: dict[str, Any]) -> bool:
    from ocop.evaluation.selectors import may_download_proposal

    return may_download_proposal(user, params["dossier"], params["result"]) is not None


def _proposal_run(job: Job, progress: Progress) -> Output:
    from ocop.evaluation.models import CouncilResult
    from ocop.evaluation.pdf import proposal_zip

    result = CouncilResult.objects.select_related("dossier").get(pk=job.params["result"])
    return Output(proposal_zip(result, progress=progress),
                  f"de-nghi-{result.dossier.reference}.zip", "application/zip")


# --- Registry Excel export -------------------------------------------------------------------


def _export_allowed(user: User, params: dict[str, Any]) -> bool:
    # Everyone signed in may export the registry rows in their own reach (the list's rule);
    # the rows themselves are selected for the requester when the job runs.
    return user.is_active


def export_queryset(user: User, params: dict[str, Any]):
    from ocop.registry import selectors

    f = selectors.RegistryFilter.from_params(params["filters"])
    if params["entity"] == "producers":
        return selectors.producer_list(user, f)
    return selectors.product_list(user, f)


def _export_run(job: Job, progress: Progress) -> Output:
    from ocop.registry import excel

    qs = export_queryset(job.requested_by, job.params)
    total = qs.count()
    progress(0, total)
    out = excel.export_workbook(qs, job.params["entity"],
                                progress=lambda done: progress(done, total))
    prefix = "chu-the" if job.params["entity"] == "producers" else "san-pham"
    return Output(out, f"{prefix}-{job.created_at:%Y%m%d}.xlsx",
                  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


# --- Registry Excel import ------------------------------------------------------------------


def _import_allowed(user: User, params: dict[str, Any]) -> bool:
    from ocop.registry.permissions import can

    return can(user, params["entity"], "create")


def _import_run(job: Job, progress: Progress) -> None:
    """Check (``commit`` false) or check again and write (true) the stored upload. The row
    errors go to ``job.outcome``; a file that cannot be read at all fails the job."""
    from django.core.files.storage import default_storage
    from django.utils import translation

    from ocop.registry import excel

    params = job.params
    # The messages are in the requester's language, not the worker's. A file that cannot be
    # read raises a core refusal, which fails the job with its message (services.run).
    with translation.override(params["language"]):
        with default_storage.open(params["upload"], "rb") as fh:
            result = excel.IMPORTERS[params["entity"]](
                job.requested_by, fh, commit=params["commit"], progress=progress)
        job.outcome = excel.outcome(result)
    if result.committed:
        default_storage.delete(params["upload"])


def _import_follow(job: Job) -> tuple[str, str]:
    from django.urls import reverse
    from django.utils.translation import gettext as _

    entity = job.params["entity"]
    page = reverse(f"registry:{entity}_import")
    if job.status == job.Status.FAILED:
        return page, _("Quay lại trang nhập")
    if job.outcome.get("committed"):
        return reverse(f"registry:{entity}_list"), _("Đã nhập %(count)d dòng. Xem danh sách") % {
            "count": job.outcome["count"]}
    return f"{page}?ket-qua={job.pk}", _("Xem kết quả kiểm tra")


KINDS: dict[str, JobKind] = {
    "stamp_sheet": JobKind(_stamps_allowed, _stamps_run),
    "proposal_zip": JobKind(_proposal_allowed, _proposal_run),
    "registry_export": JobKind(_export_allowed, _export_run),
    "registry_import": JobKind(_import_allowed, _import_run, _import_follow),
}
