"""The registry's Excel export and import as background jobs (ocop/jobs/kinds.py).

The producer and product lists are list exports (ocop/jobs/exports.py): any active account, the
rows selected for the requester when the job runs (the list's rule). An import checks the stored
upload (``commit`` false) or checks it again and writes every row or none (true), allowed by the
registry's own permissions, asked at the request and at every download.
"""

from __future__ import annotations

from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ocop.accounts.models import User
from ocop.jobs import services as jobs
from ocop.jobs.exports import register_export
from ocop.jobs.kinds import JobKind, Progress, register
from ocop.jobs.models import Job
from ocop.registry import excel
from ocop.registry.permissions import can


def _import_allowed(user: User, params: dict[str, Any]) -> bool:
    return can(user, params["entity"], "create")


def _import_run(job: Job, progress: Progress) -> None:
    """Check (``commit`` false) or check again and write (true) the stored upload. The row
    errors go to ``job.outcome``; a file that cannot be read at all fails the job."""
    params = job.params
    # The messages are in the requester's language, not the worker's. A file that cannot be
    # read raises a core refusal, which fails the job with its message (jobs.services.run).
    with translation.override(params["language"]):
        with default_storage.open(params["upload"], "rb") as fh:
            result = excel.IMPORTERS[params["entity"]](
                job.requested_by, fh, commit=params["commit"], progress=progress)
        job.outcome = excel.outcome(result)
    if result.committed:
        default_storage.delete(params["upload"])


def _import_follow(job: Job) -> tuple[str, str]:
    entity = job.params["entity"]
    page = reverse(f"registry:{entity}_import")
    if job.status == job.Status.FAILED:
        return page, _("Quay lại trang nhập")
    if job.outcome.get("committed"):
        return reverse(f"registry:{entity}_list"), _("Đã nhập %(count)d dòng. Xem danh sách") % {
            "count": job.outcome["count"]}
    return f"{page}?ket-qua={job.pk}", _("Xem kết quả kiểm tra")


def start_registry_import(*, actor: User, entity: str, upload: str, name: str,
                          commit: bool = False) -> Job:
    """Check an uploaded workbook (stored at ``upload``) in the background; ``commit`` checks it
    again and writes every row or none (see docs/registry.md, Excel import)."""
    title = (_("Ghi dữ liệu từ “%(name)s”") if commit
             else _("Kiểm tra tệp “%(name)s”")) % {"name": name}
    return jobs.enqueue(actor=actor, kind=Job.Kind.REGISTRY_IMPORT,
                   params={"entity": entity, "upload": upload, "name": name, "commit": commit,
                           "language": get_language()},
                   title=title)


@transaction.atomic
def confirm_registry_import(*, actor: User, check: Job) -> Job:
    """The write job for a check that passed; asked twice (a double click), the same job."""
    check = Job.objects.select_for_update(no_key=True).get(pk=check.pk)
    if check.outcome.get("confirmed"):
        return Job.objects.get(pk=check.outcome["confirmed"])
    job = start_registry_import(actor=actor, entity=check.params["entity"],
                                upload=check.params["upload"], name=check.params["name"],
                                commit=True)
    check.outcome["confirmed"] = str(job.pk)
    check.save(update_fields=["outcome"])
    return job


register_export(excel.PRODUCERS)
register_export(excel.PRODUCTS)
register(Job.Kind.REGISTRY_IMPORT, JobKind(_import_allowed, _import_run, _import_follow))
