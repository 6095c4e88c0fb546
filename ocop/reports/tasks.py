"""Scheduled report builds as django.tasks tasks (run by the worker)."""

from __future__ import annotations

from django.tasks import task

# services imports this module back; each uses the other only at call time.
from ocop.reports import services
from ocop.reports.models import Report, ReportStatus


@task()
def build_report(report_id: str) -> str:
    """Build a scheduled report (``services.ensure_monthly`` enqueues it). A report already
    built is left as it is, so a task run twice does the work once."""
    report = Report.objects.select_related("scope").filter(pk=report_id).first()
    if report is None or report.status == ReportStatus.DONE:
        return "skipped"
    services.build(report)
    return "done"
