"""Requesting, building and scheduling reports: the job with its progress, the Excel workbook
read back with openpyxl, the PDF's text, the monthly reports made once, and wrong requests
refused with nothing saved."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from ocop.audit.models import AuditEntry
from ocop.core.refusals import Forbidden, Invalid
from ocop.jobs.models import Job
from ocop.reports import periods, services
from ocop.reports.models import Report, ReportKind, ReportStatus
from ocop.reports.periods import Period

from .conftest import pdf_text

TODAY = date(2026, 11, 30)
Q3_2024 = periods.quarter(2024, 3)


@pytest.fixture
def q3_report(world, bg_plan, django_capture_on_commit_callbacks):
    from ocop.planning import services as planning
    from ocop.planning.models import IndicatorKind

    planning.save_indicator(actor=None, plan=bg_plan, data={
        "kind": IndicatorKind.RECOGNISED_CUMULATIVE, "baseline": 2, "target": 10})
    planning.save_budget_line(actor=None, plan=bg_plan, data={
        "content": "cycle", "source": "province", "approved": 1_000_000_000,
        "committed": 600_000_000, "disbursed": 250_000_000})
    with django_capture_on_commit_callbacks(execute=True):
        report, job = services.request_report(actor=world.users["province_office"],
                                               kind=ReportKind.SUMMARY, period=Q3_2024,
                                               today=TODAY)
    report.refresh_from_db()
    job.refresh_from_db()
    return report, job


def test_the_job_builds_both_files(q3_report):
    report, job = q3_report
    assert job.status == Job.Status.DONE, job.message
    assert job.kind == Job.Kind.REPORT and job.done == job.total == 5
    assert report.status == ReportStatus.DONE
    assert report.scope.pk == "P24" and not report.scheduled
    assert report.file_name("xlsx") == "bao-cao-ocop-24-20240701-20240930.xlsx"
    assert AuditEntry.objects.filter(action="reports.report.request").count() == 1


def test_excel_has_one_sheet_per_section_with_real_numbers(q3_report):
    report, _job = q3_report
    wb = load_workbook(BytesIO(report.excel.read()))
    assert wb.sheetnames == ["Tổng hợp", "Theo hạng sao", "Theo nhóm sản phẩm", "Theo xã phường",
                             "Theo huyện cũ", "GCN cấp mới", "GCN hết hiệu lực", "GCN bị thu hồi",
                             "Kế hoạch năm", "Kinh phí"]
    summary = {row[0]: row[1] for row in wb["Tổng hợp"].iter_rows(min_row=2, values_only=True)}
    assert summary["Địa bàn"] == "Thành phố Bắc Ninh"
    assert summary["Kỳ báo cáo"] == "Quý III/2024"
    # On 30/09/2024 in P24: A 4★, C 3★, E 4★ (B expired in July, G revoked, D not yet).
    assert summary["Sản phẩm OCOP còn hiệu lực đến 30/09/2024"] == 3
    assert summary["— trong đó 4 sao"] == 2
    assert summary["Giấy chứng nhận hết hiệu lực trong kỳ"] == 1
    assert summary["Tỷ lệ giải ngân"] == pytest.approx(0.25)
    stars = wb["Theo hạng sao"]
    assert stars.freeze_panes == "A2"
    assert [c.value for c in stars[1]] == ["Hạng sao", "Số sản phẩm"]
    assert stars["B3"].value == 2 and stars["B3"].number_format == "#,##0"
    expired = wb["GCN hết hiệu lực"]
    assert expired["B2"].value == "Sản phẩm B"
    assert expired["F2"].value.date() == date(2024, 8, 1)  # its last valid day
    assert expired["F2"].number_format == "DD/MM/YYYY"
    budget = wb["Kinh phí"]
    assert budget["E2"].value == 1_000_000_000 and budget["H2"].number_format == "0.0%"
    plan = wb["Kế hoạch năm"]
    assert [c.value for c in plan[2]][2:5] == [2, 10, 4]  # baseline, target, actual by 30/09


def test_pdf_is_vietnamese_with_the_figures(q3_report, tmp_path):
    report, _job = q3_report
    content = report.pdf.read()
    assert content.startswith(b"%PDF-")
    text = pdf_text(content, tmp_path)
    assert "BÁO CÁO KẾT QUẢ THỰC HIỆN CHƯƠNG TRÌNH OCOP" in text
    assert "Thành phố Bắc Ninh" in text and "Quý III/2024" in text
    assert "Sản phẩm B" in text  # the certificate that expired in July
    assert "Kế hoạch OCOP tỉnh Bắc Giang năm 2024" in text
    assert "1.000.000.000" in text
    assert "Hà Nội" not in text  # nothing of the other province


def test_the_nations_report_breaks_down_by_province(world, tmp_path):
    report = Report.objects.create(scope=None, start=date(2025, 1, 1), end=date(2025, 6, 30))
    services.build(report, today=TODAY)
    wb = load_workbook(BytesIO(report.excel.read()))
    provinces = list(wb["Theo tỉnh thành phố"].iter_rows(min_row=2, values_only=True))
    assert sorted(provinces) == [("Thành phố Bắc Ninh", 1, 3, 0, 4),
                                 ("Thành phố Hà Nội", 0, 0, 1, 1)]
    assert "Theo xã phường" in wb.sheetnames
    text = pdf_text(report.pdf.read(), tmp_path)
    assert "Theo tỉnh/thành phố" in text and "Thành phố Hà Nội" in text
    assert "Theo xã/phường" not in text  # thousands of rows nationally: in the Excel file only


def test_progress_is_reported_step_by_step(world):
    report = Report.objects.create(scope=world.units.ha_noi, start=date(2024, 1, 1),
                                   end=date(2024, 12, 31))
    seen: list[tuple[int, int]] = []
    services.build(report, lambda done, total: seen.append((done, total)), today=TODAY)
    assert seen == [(1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE and report.excel and report.pdf


def test_a_failure_marks_the_report_and_the_job(world, monkeypatch,
                                                django_capture_on_commit_callbacks):
    def broken(content):
        raise RuntimeError("disk full")

    monkeypatch.setattr("ocop.reports.pdf.document", broken)
    with django_capture_on_commit_callbacks(execute=True):
        report, job = services.request_report(actor=world.users["central"], kind="summary",
                                               period=Q3_2024, today=TODAY)
    report.refresh_from_db()
    job.refresh_from_db()
    assert report.status == ReportStatus.FAILED and "Hãy yêu cầu lại" in report.message
    assert job.status == Job.Status.FAILED
    assert not report.excel and not report.pdf


@pytest.mark.parametrize(("period", "words"), [
    (Period(date(2024, 9, 30), date(2024, 7, 1)), "trước ngày bắt đầu"),
    (Period(date(2010, 1, 1), date(2024, 12, 31)), "dài hơn 10 năm"),
    (periods.month(2027, 1), "sau hôm nay"),
])
def test_wrong_requests_save_nothing(world, period, words):
    audit = AuditEntry.objects.count()
    with pytest.raises(Invalid) as refused:
        services.request_report(actor=world.users["province_office"], kind="summary",
                                period=period, today=TODAY)
    assert words in refused.value.message
    assert Report.objects.count() == Job.objects.count() == 0
    assert AuditEntry.objects.count() == audit


def test_unknown_kind_and_wrong_roles_are_refused(world):
    with pytest.raises(Invalid):
        services.request_report(actor=world.users["central"], kind="everything",
                                period=Q3_2024, today=TODAY)
    for role in ("producer", "council_member", "inspector"):
        with pytest.raises(Forbidden):
            services.request_report(actor=world.users[role], kind="summary", period=Q3_2024,
                                    today=TODAY)
    assert Report.objects.count() == 0


def test_monthly_reports_are_made_once(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        created = services.ensure_monthly(date(2024, 10, 1))
    provinces = {"P01", "P24"}  # the current provinces of the test map
    assert {r.scope_id for r in created} == {None, *provinces}
    assert all(r.period == periods.month(2024, 9) and r.scheduled for r in created)
    built = Report.objects.filter(scheduled=True)
    assert {r.status for r in built} == {ReportStatus.DONE}
    # Later the same month, and from a second worker: nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.ensure_monthly(date(2024, 10, 1)) == []
        assert services.ensure_monthly(date(2024, 10, 31)) == []
        services.periodic_monthly(services.timezone.now().replace(year=2024, month=10, day=15))
    assert Report.objects.filter(scheduled=True).count() == 3
    # The next month makes the next reports.
    with django_capture_on_commit_callbacks(execute=True):
        assert len(services.ensure_monthly(date(2024, 11, 2))) == 3


def test_provinces_without_producers_get_no_monthly_report(units):
    created = services.ensure_monthly(date(2024, 10, 1), enqueue=False)
    assert [r.scope_id for r in created] == [None]  # the nation's, even when empty


def test_a_race_between_workers_is_decided_by_the_database(world):
    from django.db import IntegrityError, transaction

    services.ensure_monthly(date(2024, 10, 1), enqueue=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(scope=None, kind="summary", start=date(2024, 9, 1),
                              end=date(2024, 9, 30), scheduled=True)


def test_the_worker_hook_is_provided():
    from ocop.worker import hooks

    assert services.periodic_monthly in hooks.periodic._providers


def test_management_command_builds_in_process(world):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("reports_monthly", "--date", "2024-10-01", "--now", stdout=out)
    assert "3 monthly report(s) created, built here." in out.getvalue()
    assert set(Report.objects.values_list("status", flat=True)) == {ReportStatus.DONE}


@pytest.mark.parametrize(("kind", "sheets", "steps"), [
    ("products", ["Tổng hợp", "Theo hạng sao", "Theo nhóm sản phẩm", "Theo xã phường",
                  "Theo huyện cũ"], 3),
    ("certificates", ["Tổng hợp", "GCN cấp mới", "GCN hết hiệu lực", "GCN bị thu hồi"], 3),
    ("plan", ["Tổng hợp", "Kế hoạch năm", "Kinh phí"], 3),
])
def test_each_kind_holds_its_sections_only(world, kind, sheets, steps):
    report = Report.objects.create(kind=kind, scope=world.units.bac_ninh, start=Q3_2024.start,
                                   end=Q3_2024.end)
    seen: list[int] = []
    services.build(report, lambda done, total: seen.append(total), today=TODAY)
    assert load_workbook(BytesIO(report.excel.read())).sheetnames == sheets
    assert set(seen) == {steps}
