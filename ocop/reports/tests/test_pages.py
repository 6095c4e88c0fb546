"""The reports page: the request form with its refusals, the job page's follow link, the
report's page with its two downloads, and the list."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from ocop.accounts.testing import login_client
from ocop.jobs.models import Job
from ocop.jobs.testing import job_of
from ocop.reports.models import Report

TODAY = timezone.localdate()


def test_office_requests_a_q3_report_and_downloads_both_files(
        world, django_capture_on_commit_callbacks):
    client = login_client(world.users["province_office"])
    page = client.get("/bao-cao/")
    assert "Lập báo cáo" in page.content.decode() and "Thành phố Bắc Ninh" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/bao-cao/", {"kind": "summary", "period_type": "quy",
                                             "year": "2024", "quarter": "3"})
    job = job_of(response)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.message
    report = Report.objects.get()
    status = client.get(f"/tac-vu/{job.pk}/").content.decode()
    assert f"/bao-cao/{report.pk}/" in status and "Xem và tải báo cáo (Excel, PDF)" in status
    # The report's files live with the report, not for the job's limited time.
    assert "Tệp được giữ trong thời gian có hạn" not in status
    detail = client.get(f"/bao-cao/{report.pk}/").content.decode()
    assert "Báo cáo OCOP Thành phố Bắc Ninh, Quý III/2024" in detail
    assert "Tải về Excel" in detail and "Tải về PDF" in detail
    excel = client.get(f"/bao-cao/{report.pk}/excel")
    assert excel["Content-Disposition"].endswith('bao-cao-ocop-24-20240701-20240930.xlsx"')
    wb = load_workbook(BytesIO(b"".join(excel.streaming_content)))
    assert "Theo hạng sao" in wb.sheetnames
    pdf = client.get(f"/bao-cao/{report.pk}/pdf")
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")
    listing = client.get("/bao-cao/").content.decode()
    assert "Quý III/2024" in listing and f"/bao-cao/{report.pk}/pdf" in listing


@pytest.mark.parametrize(("data", "words"), [
    ({"period_type": "tuy-chon", "start": "2024-09-30", "end": "2024-07-01"},
     "Ngày kết thúc kỳ báo cáo (01/07/2024) trước ngày bắt đầu (30/09/2024)"),
    ({"period_type": "tuy-chon", "start": "2010-01-01", "end": "2024-12-31"},
     "Kỳ báo cáo dài hơn 10 năm"),
    # A month ahead, not tomorrow: TODAY is read when the tests are collected, and a run that
    # crosses local midnight (00:00 in Việt Nam is 17:00 UTC) made tomorrow today.
    ({"period_type": "tuy-chon", "start": str(TODAY - timedelta(days=10)),
      "end": str(TODAY + timedelta(days=30))}, "Kỳ báo cáo chưa kết thúc"),
    ({"period_type": "nam", "year": "2099"}, str(TODAY.year)),
    ({"period_type": "thang", "year": "2024"}, "Hãy điền mục này cho kỳ báo cáo đã chọn."),
    ({"period_type": "tuy-chon", "start": "2024-01-01"}, "Hãy điền mục này"),
])
def test_wrong_periods_are_refused_on_the_form(world, data, words):
    client = login_client(world.users["province_office"])
    response = client.post("/bao-cao/", {"kind": "summary", **data})
    assert response.status_code == 422
    assert words in response.content.decode()
    assert Report.objects.count() == Job.objects.count() == 0
