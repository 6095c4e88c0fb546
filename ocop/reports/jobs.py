"""The report a person requests, as a background job (ocop/jobs/kinds.py): the job page shows
the progress bar while the figures are counted and the files written, then links to the
report's page with its Excel and PDF downloads. The files belong to the report (kept with it),
not to the job (whose row is removed after its retention)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from ocop.accounts.models import User
from ocop.jobs.kinds import JobKind, Progress, register
from ocop.jobs.models import Job
from ocop.reports import services
from ocop.reports.models import Report
from ocop.reports.permissions import can_read


def _report(params: dict[str, Any]) -> Report | None:
    return Report.objects.select_related("scope").filter(pk=params.get("report")).first()


def _allowed(user: User, params: dict[str, Any]) -> bool:
    report = _report(params)
    return report is not None and bool(can_read(user, report))


def _run(job: Job, progress: Progress) -> None:
    report = _report(job.params)
    if report is None:  # removed meanwhile: nothing to build
        return
    services.build(report, progress)


def _follow(job: Job) -> tuple[str, str]:
    report = _report(job.params)
    if report is None:
        return reverse("reports:index"), _("Về trang báo cáo")
    if job.status == Job.Status.FAILED:
        return reverse("reports:index"), _("Về trang báo cáo để yêu cầu lại")
    return reverse("reports:detail", args=[report.pk]), _("Xem và tải báo cáo (Excel, PDF)")


register(Job.Kind.REPORT, JobKind(_allowed, _run, _follow))
