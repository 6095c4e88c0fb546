"""Every write of standard reports: a request (with its background job), the build of the two
files, and the monthly reports the worker makes on its own.

A report is built in the background: by the jobs app's runner for a report a person requested
(``ocop/reports/jobs.py``: the progress bar of the job page), by the ``build_report`` task for a
scheduled monthly report (nobody is waiting on a page for it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ocop.accounts.models import User
from ocop.audit import services as audit
from ocop.core.refusals import Invalid
from ocop.jobs import services as jobs
from ocop.jobs.models import Job
from ocop.registry.models import Producer
from ocop.reports import content as report_content
from ocop.reports import excel, pdf, periods, tasks
from ocop.reports.models import Report, ReportKind, ReportStatus
from ocop.reports.permissions import can_use, scope_of
from ocop.units.models import Unit

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


def _vietnamese_title(report: Report) -> str:
    # Audit entries and job titles are stored: Vietnamese, like every audit entry.
    with translation.override("vi"):
        return report.title


def request_report(*, actor: User, kind: str, period: periods.Period,
                   today: date | None = None) -> tuple[Report, Job]:
    """A report of the actor's own scope (the nation for the centre, its province or commune
    otherwise) for ``period``, built in the background. Refused with the reason (a reversed,
    future or over-long period, an unknown kind, an account without reports); nothing is saved
    then."""
    can_use(actor).check()
    if kind not in ReportKind.values:
        raise Invalid(_("Loại báo cáo không hợp lệ."), code="reports.kind",
                      fields={"kind": _("Hãy chọn một loại trong danh sách.")})
    periods.check(period, today or timezone.localdate())
    with transaction.atomic():
        report = Report.objects.create(kind=kind, scope=scope_of(actor), start=period.start,
                                       end=period.end, requested_by=actor)
        title = _vietnamese_title(report)
        audit.record(actor=actor, action="reports.report.request", obj=report,
                     object_repr=title, changes={"kind": kind, "start": period.start,
                                                 "end": period.end})
        job = jobs.enqueue(actor=actor, kind=Job.Kind.REPORT, params={"report": str(report.pk)},
                           title=title, total=report_content.step_count(report))
    return report, job


def build(report: Report, progress: Progress | None = None, *,
          today: date | None = None) -> Report:
    """Count the figures and write both files onto the report. A failure marks the report
    failed (with the message the person sees) and is raised again for the job or task."""
    today = today or timezone.localdate()
    total = report_content.step_count(report)
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total)

    Report.objects.filter(pk=report.pk).update(status=ReportStatus.RUNNING)
    try:
        with translation.override("vi"):
            content = report_content.gather(report, today, step)
            workbook = excel.workbook(content)
            step()
            document = pdf.document(content)
            step()
    except Exception as exc:
        report.status = ReportStatus.FAILED
        report.message = getattr(exc, "message", "") or _(
            "Đã có lỗi khi lập báo cáo. Hãy yêu cầu lại; nếu vẫn lỗi, báo quản trị viên.")
        report.finished_at = timezone.now()
        report.save(update_fields=["status", "message", "finished_at"])
        raise
    with transaction.atomic():
        report.excel.save(report.file_name("xlsx"), ContentFile(workbook), save=False)
        report.pdf.save(report.file_name("pdf"), ContentFile(document), save=False)
        report.status = ReportStatus.DONE
        report.message = ""
        report.finished_at = timezone.now()
        report.save(update_fields=["excel", "pdf", "status", "message", "finished_at"])
    return report


# --- The monthly report ----------------------------------------------------------------------


def ensure_monthly(today: date, *, enqueue: bool = True) -> list[Report]:
    """Last month's summary report for the nation and for each current province that has
    producers on the platform (a province not using it yet would get an empty return every
    month, and the demo's worker would spend its first minutes on them), each made once: the
    ones that exist are left alone (built, being built or failed), the missing ones are created
    and handed to the worker. Safe to call any number of times, from several
    workers at once (the database's unique constraint decides a race). Returns those created;
    ``enqueue`` false leaves their build to the caller (``reports_monthly --now``)."""
    period = periods.previous_month(today)
    existing = set(Report.objects.filter(scheduled=True, kind=ReportKind.SUMMARY,
                                         start=period.start, end=period.end)
                   .values_list("scope_id", flat=True))
    in_use = Producer.objects.filter(commune__current_province_id=OuterRef("pk"))
    scopes: list[Unit | None] = [None, *Unit.objects.filter(
        Exists(in_use), era=Unit.Era.CURRENT, level=Unit.Level.PROVINCE).order_by("pk")]
    created = []
    for scope in scopes:
        if (scope.pk if scope else None) in existing:
            continue
        try:
            with transaction.atomic():
                report = Report.objects.create(kind=ReportKind.SUMMARY, scope=scope,
                                               start=period.start, end=period.end,
                                               scheduled=True)
                audit.record(actor=None, action="reports.report.schedule", obj=report,
                             object_repr=_vietnamese_title(report))
                if enqueue:
                    transaction.on_commit(
                        lambda pk=str(report.pk): tasks.build_report.enqueue(pk))
        except IntegrityError:
            continue  # another worker created it a moment ago
        created.append(report)
    return created


def periodic_monthly(now: datetime) -> None:
    """The worker's periodic check (ocop/worker/hooks.py): make last month's reports if any is
    missing. Cheap when they exist (one query), so it can run every hour."""
    created = ensure_monthly(timezone.localdate(now))
    if created:
        logger.info("enqueued %d monthly reports", len(created))
