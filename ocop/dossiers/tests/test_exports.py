"""The dossier list's Excel export: the page's filters, the requester's reach, labels not codes,
and the file for its requester only. (Council members and conflicts of interest:
ocop/evaluation/tests/test_exports.py.)"""

from __future__ import annotations

from datetime import datetime

import pytest
from django.urls import reverse

from ocop.accounts.testing import login_client
from ocop.audit.models import AuditEntry
from ocop.dossiers import services
from ocop.dossiers.testing import D2025, Cycle, submitted
from ocop.jobs.models import Job
from ocop.jobs.testing import export_rows

NAME = "dossiers.dossiers"


@pytest.fixture
def dossiers(cycle: Cycle) -> dict:
    """A submitted dossier of the own producer and a draft at every other position."""
    out = {"own": submitted(cycle)}
    for position in ("other_producer", "other_commune", "other_province"):
        out[position] = services.open_dossier(actor=None, product=cycle.products[position],
                                              today=D2025)
    return out


REACH = {
    # who → the producers whose dossiers their file holds
    "central": {"own", "other_producer", "other_commune", "other_province"},
    "province_office": {"own", "other_producer", "other_commune"},
    "other_province_office": {"other_province"},
    "commune_officer": {"own", "other_producer"},
    "other_commune_officer": {"other_commune"},
    "producer": {"own"},
    "inspector": {"own", "other_producer", "other_commune"},
    "council_member": set(),  # nothing assigned to them
}


@pytest.mark.parametrize("who", sorted(REACH))
def test_each_role_exports_the_rows_of_its_reach(cycle, dossiers, client, who,
                                                 django_capture_on_commit_callbacks):
    login_client(cycle.users[who], client)
    out = export_rows(client, django_capture_on_commit_callbacks, NAME)
    expected = {dossiers[p].reference for p in REACH[who]}
    assert set(out.column("Số hồ sơ")) == expected
    assert len(out.rows) == len(expected)


def test_the_file_follows_the_page_filters_in_words_and_labels(
        cycle, dossiers, client, django_capture_on_commit_callbacks):
    login_client(cycle.users["province_office"], client)
    out = export_rows(client, django_capture_on_commit_callbacks, NAME,
                      "state=draft&q=gom&page=2")
    assert out.column("Số hồ sơ") == [dossiers["other_commune"].reference]
    assert out.header[:4] == ["Số hồ sơ", "Sản phẩm", "Bộ sản phẩm", "Chủ thể"]
    row = dict(zip(out.header, out.rows[0], strict=True))
    assert row["Trạng thái"] == "Đang soạn"  # the label, never "draft"
    assert row["Loại hồ sơ"] == "Đánh giá lần đầu"
    assert row["Xã/phường"].startswith("Phường Bắc Giang")
    assert row["Tỉnh/thành phố"] == "Bắc Ninh"
    # The info sheet says what the file is; the page number is not a filter.
    assert out.info["Danh sách"] == "Danh sách hồ sơ đánh giá, phân hạng"
    assert out.info["Phạm vi"] == cycle.units.bac_ninh.full_name
    assert out.info["Bộ lọc"] == "Tìm kiếm: gom; Trạng thái: Đang soạn"
    assert out.info["Số dòng"] == 1
    assert out.job.params == {"export": NAME, "filters": {"state": "draft", "q": "gom"}}
    entry = AuditEntry.objects.get(action="dossiers.dossiers.export")
    assert entry.changes == {"filters": {"state": "draft", "q": "gom"}}


def test_dates_and_numbers_are_cells_of_their_type(cycle, dossiers, client,
                                                   django_capture_on_commit_callbacks):
    login_client(cycle.users["producer"], client)
    out = export_rows(client, django_capture_on_commit_callbacks, NAME)
    sheet = out.workbook.worksheets[0]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:O{len(out.rows) + 1}"
    submitted_at = out.header.index("Nộp lần đầu") + 1
    cell = sheet.cell(2, submitted_at)
    assert isinstance(cell.value, datetime) and cell.number_format == "DD/MM/YYYY HH:MM"
    score = sheet.cell(2, out.header.index("Điểm tự chấm") + 1)
    assert isinstance(score.value, float | int) and score.number_format == "#,##0.00"
    assert sheet.column_dimensions["B"].width >= 30  # product names are long


def test_the_english_interface_gets_the_same_vietnamese_file(
        cycle, dossiers, client, django_capture_on_commit_callbacks):
    login_client(cycle.users["producer"], client)
    client.cookies["django_language"] = "en"
    out = export_rows(client, django_capture_on_commit_callbacks, NAME)
    assert "Trạng thái" in out.header
    assert out.column("Trạng thái") == ["Đã nộp"]


def test_export_is_a_post_by_a_signed_in_account(cycle, client):
    url = reverse("jobs:export", args=[NAME])
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert not Job.objects.exists()
    login_client(cycle.users["province_office"], client)
    assert client.get(url).status_code == 405
    assert client.post(reverse("jobs:export", args=["no.such.list"])).status_code == 404


def test_only_the_requester_downloads_the_file(cycle, dossiers, client,
                                              django_capture_on_commit_callbacks):
    login_client(cycle.users["commune_officer"], client)
    out = export_rows(client, django_capture_on_commit_callbacks, NAME)
    download = reverse("jobs:download", args=[out.job.pk])
    for who in ("province_office", "central", "other_commune_officer", "producer"):
        assert login_client(cycle.users[who]).get(download).status_code == 404, who
    assert client.get(download).status_code == 200


def test_the_list_page_offers_the_export_with_its_filters(cycle, dossiers, client):
    login_client(cycle.users["province_office"], client)
    page = client.get(reverse("dossiers:list") + "?state=draft&page=1").content.decode()
    action = reverse("jobs:export", args=[NAME]) + "?state=draft"
    assert f'action="{action}"' in page
    assert "Xuất Excel" in page
