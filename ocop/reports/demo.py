"""The demo's report: the provincial standing office of Bắc Ninh's report for the last whole
quarter, built at once so that `make run` (and the crawl test) show a finished report with its
two downloads; the worker adds last month's reports by itself (``services.ensure_monthly``)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from ocop.accounts.models import User
from ocop.reports import periods, services
from ocop.reports.models import Report, ReportKind
from ocop.units.models import Unit

DEMO_PROVINCE = "P24"
DEMO_OFFICE = "demo-tinh"


def build_demo_report() -> Report | None:
    province = Unit.objects.filter(pk=DEMO_PROVINCE).first()
    if province is None:
        return None
    today = timezone.localdate()
    last = today.replace(day=1) - timedelta(days=1)
    while last.month % 3:  # back to the last day of the previous whole quarter
        last = last.replace(day=1) - timedelta(days=1)
    period = periods.quarter(last.year, last.month // 3)
    report = Report.objects.create(
        kind=ReportKind.SUMMARY, scope=province, start=period.start, end=period.end,
        requested_by=User.objects.filter(username=DEMO_OFFICE).first())
    return services.build(report, today=today)
