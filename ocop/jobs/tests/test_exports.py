"""The shared list-export mechanism (ocop/jobs/exports.py) on its own, with a list registered by
the test: the file layout, formula-safe cells, bounded filters, progress, the rule asked at the
request and at the download, and the registry of lists. Each app's exports are tested in its own
tests (tests/test_exports.py)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from importlib import import_module
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from ocop.accounts.models import Role
from ocop.accounts.testing import login_client, make_user
from ocop.core.refusals import ALLOWED, Forbidden, NotFound, Verdict, denied
from ocop.jobs import exports
from ocop.jobs.models import Job
from ocop.jobs.testing import export_rows

pytestmark = pytest.mark.django_db

ROWS = [
    SimpleNamespace(name="=HYPERLINK(\"http://x\",\"y\")", day=date(2026, 1, 2), amount=Decimal(
        "1234567"), at=timezone.make_aware(datetime(2026, 1, 2, 8, 30)), score=Decimal("71.25")),
    SimpleNamespace(name="Bình thường", day=None, amount=Decimal(0), at=None, score=None),
]


def _staff_only(user) -> Verdict:
    return ALLOWED if user.role != Role.PRODUCER else denied("Không dành cho chủ thể.", "x.no")


@pytest.fixture
def sample(monkeypatch):
    export = exports.ListExport(
        name="test.sample", title="Danh sách thử", sheet="Thử", filename="thu",
        columns=(exports.Column("Tên", lambda r: r.name, width=30),
                 exports.Column("Ngày", lambda r: r.day, "date", 12),
                 exports.Column("Số tiền (đồng)", lambda r: r.amount, "money", 16),
                 exports.Column("Lúc", lambda r: r.at, "datetime", 17),
                 exports.Column("Điểm", lambda r: r.score, "decimal", 9)),
        rows=lambda user, filters: [r for r in ROWS if filters.get("q", "") in r.name],
        allowed=_staff_only,
        describe=exports.describe_with(("q", "Tìm kiếm", None),
                                       ("kind", "Loại", {"a": "Loại A"})),
    )
    monkeypatch.setitem(exports.EXPORTS, export.name, export)
    return export


def test_the_file_layout(sample, units, client, django_capture_on_commit_callbacks):
    office = make_user(Role.PROVINCE_OFFICE, unit=units.bac_ninh, first_name="Lan",
                       last_name="Nguyễn")
    login_client(office, client)
    out = export_rows(client, django_capture_on_commit_callbacks, "test.sample")
    sheet = out.workbook.worksheets[0]
    assert out.workbook.sheetnames == ["Thử", "Thông tin"]
    assert out.header == ["Tên", "Ngày", "Số tiền (đồng)", "Lúc", "Điểm"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:E3"
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.column_dimensions["A"].width == 30
    # A name that looks like a formula stays text (ocop/core/spreadsheets.py).
    assert sheet["A2"].value == "'=HYPERLINK(\"http://x\",\"y\")" and sheet["A2"].data_type == "s"
    assert (sheet["B2"].value, sheet["B2"].number_format) == (datetime(2026, 1, 2),
                                                              "DD/MM/YYYY")
    assert (sheet["C2"].value, sheet["C2"].number_format) == (1234567, "#,##0")
    # Local time (Asia/Ho_Chi_Minh), as the pages show it.
    assert sheet["D2"].value == timezone.localtime(ROWS[0].at).replace(tzinfo=None)
    assert (sheet["E2"].value, sheet["E2"].number_format) == (71.25, "#,##0.00")
    assert [c.value for c in sheet[3]] == ["Bình thường", None, 0, None, None]
    assert out.info["Danh sách"] == "Danh sách thử"
    assert out.info["Phạm vi"] == units.bac_ninh.full_name
    assert out.info["Bộ lọc"] == "Không lọc (toàn bộ danh sách)"
    assert out.info["Người xuất"] == office.get_full_name()
    assert isinstance(out.info["Thời điểm xuất"], datetime) and out.info["Số dòng"] == 2
    assert out.job.result_name == f"thu-{timezone.localdate():%Y%m%d}.xlsx"
    assert out.job.title == "Xuất Excel: Danh sách thử"


def test_filters_are_the_query_string_bounded_and_described(sample, units, client,
                                                            django_capture_on_commit_callbacks):
    login_client(make_user(Role.CENTRAL), client)
    long = "x" * 500
    out = export_rows(client, django_capture_on_commit_callbacks, "test.sample",
                      f"q=B%C3%ACnh&kind=a&page=4&empty=&unknown={long}")
    assert out.column("Tên") == ["Bình thường"]
    assert out.job.params["filters"] == {"q": "Bình", "kind": "a",
                                         "unknown": "x" * exports.MAX_FILTER_VALUE}
    assert out.info["Bộ lọc"] == "Tìm kiếm: Bình; Loại: Loại A"  # an unknown key is not shown
    assert out.info["Phạm vi"] == "Toàn quốc"
    many = {f"k{i}": "v" for i in range(50)}
    assert len(exports.filters_from(many)) == exports.MAX_FILTERS


def test_the_rule_is_asked_at_the_request_and_at_the_download(
        sample, units, client, django_capture_on_commit_callbacks, monkeypatch):
    producer_user = SimpleNamespace(role=Role.PRODUCER, is_authenticated=True, is_active=True)
    with pytest.raises(Forbidden) as refused:
        exports.start_export(actor=producer_user, name="test.sample", filters={})
    assert refused.value.message == "Không dành cho chủ thể." and refused.value.code == "x.no"
    with pytest.raises(NotFound):
        exports.start_export(actor=producer_user, name="nothing", filters={})
    office = make_user(Role.PROVINCE_OFFICE, unit=units.bac_ninh)
    login_client(office, client)
    out = export_rows(client, django_capture_on_commit_callbacks, "test.sample")
    download = reverse("jobs:download", args=[out.job.pk])
    # The list's rule changes (or the account's role): the file made earlier is gone too.
    monkeypatch.setitem(exports.EXPORTS, "test.sample",
                        exports.ListExport(**{**sample.__dict__, "allowed": lambda u: denied(
                            "Không còn quyền.")}))
    assert client.get(download).status_code == 404
    assert client.get(reverse("jobs:detail", args=[out.job.pk])).status_code == 404


def test_progress_is_reported_while_writing(sample, monkeypatch):
    many = [ROWS[1]] * (exports.PROGRESS_EVERY * 2 + 10)

    def rows(user, filters) -> Iterator:
        return iter(many)

    monkeypatch.setitem(exports.EXPORTS, "test.sample",
                        exports.ListExport(**{**sample.__dict__, "rows": rows}))
    seen = []
    user = make_user(Role.CENTRAL)
    out, count = exports.export_file(exports.EXPORTS["test.sample"], user, {},
                                     progress=lambda done, total: seen.append((done, total)))
    total = len(many)
    assert count == total
    assert seen == [(0, total), (exports.PROGRESS_EVERY, total),
                    (exports.PROGRESS_EVERY * 2, total)]
    assert load_workbook(out).worksheets[0].max_row == total + 1


def test_every_list_is_registered_once_with_a_valid_sheet():
    expected = {
        "registry.producers", "registry.products", "dossiers.dossiers",
        "certificates.certificates", "certificates.decisions", "evaluation.councils",
        "inspections.plans", "inspections.visits", "inspections.complaints",
        "training.courses", "training.registrations", "training.supports",
    }
    assert expected <= set(exports.EXPORTS)
    for export in exports.EXPORTS.values():
        assert len(export.sheet) <= 31 and export.sheet != "Thông tin"
        assert len({c.header for c in export.columns}) == len(export.columns), export.name
    with pytest.raises(ValueError, match="twice"):
        exports.register_export(exports.EXPORTS["dossiers.dossiers"])


def test_the_job_page_leads_back_to_the_list_with_its_filters(
        units, client, django_capture_on_commit_callbacks):
    login_client(make_user(Role.PROVINCE_OFFICE, unit=units.bac_ninh), client)
    out = export_rows(client, django_capture_on_commit_callbacks, "dossiers.dossiers",
                      "state=submitted&q=m%E1%BA%ADt+ong&page=3")
    page = client.get(reverse("jobs:detail", args=[out.job.pk])).content.decode()
    back = re.search(r'<a href="([^"]+)">← Quay lại danh sách</a>', page)
    assert back is not None
    # The filters in any order: PostgreSQL keeps the job's params as jsonb, which sorts keys.
    url = urlsplit(html.unescape(back.group(1)))
    assert url.path == "/ho-so/"
    assert parse_qs(url.query) == {"state": ["submitted"], "q": ["mật ong"]}


def test_every_list_leads_back_to_its_page(units, client):
    """Each registered list names the page it is exported from, and that page opens."""
    login_client(make_user(Role.CENTRAL), client)
    for export in exports.EXPORTS.values():
        assert export.page is not None, export.name
        assert client.get(export.page({})).status_code == 200, export.name


def test_an_old_registry_export_job_keeps_working_after_the_upgrade():
    """Migration 0004 rewrites registry_export jobs as list exports."""
    migration = import_module("ocop.jobs.migrations.0004_list_export")
    office = make_user(Role.CENTRAL)
    job = Job.objects.create(kind="registry_export", requested_by=office, title="Xuất",
                             params={"entity": "producers", "filters": {"q": "vai"}})
    migration.to_list_export(apps, None)
    job.refresh_from_db()
    assert job.kind == Job.Kind.LIST_EXPORT
    assert job.params == {"export": "registry.producers", "filters": {"q": "vai"}}
