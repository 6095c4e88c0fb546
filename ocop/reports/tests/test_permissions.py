"""Who reaches the reports page and which reports each account lists and downloads: a matrix
over every role and position, through the pages themselves (files are never public)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.base import ContentFile

from ocop.accounts.testing import login_client
from ocop.reports import permissions, selectors
from ocop.reports.models import Report, ReportStatus

SCOPES = ("nation", "P24", "P01", "commune")
# Which of the four reports each account may read.
MATRIX = {
    "admin": SCOPES,
    "central": SCOPES,
    "province_office": ("P24", "commune"),
    "other_province_office": ("P01",),
    "commune_officer": ("commune",),
    "other_commune_officer": (),
    "inspector": (),
    "council_member": (),
    "producer": (),
}
PAGE_ROLES = {"admin", "central", "province_office", "other_province_office", "commune_officer",
              "other_commune_officer"}


@pytest.fixture
def reports(world) -> dict[str, Report]:
    scope = {"nation": None, "P24": world.units.bac_ninh, "P01": world.units.ha_noi,
             "commune": world.units.xa_luc_ngan}
    out = {}
    for key, unit in scope.items():
        report = Report(scope=unit, start=date(2024, 7, 1), end=date(2024, 9, 30),
                        status=ReportStatus.DONE, scheduled=key == "nation")
        report.excel.save("r.xlsx", ContentFile(b"PK\x03\x04 excel"), save=False)
        report.pdf.save("r.pdf", ContentFile(b"%PDF-1.4 report"), save=False)
        report.save()
        out[key] = report
    return out


@pytest.mark.parametrize("role", sorted(MATRIX))
def test_matrix(world, reports, role):
    user = world.users[role]
    readable = set(MATRIX[role])
    assert {k for k, r in reports.items() if permissions.can_read(user, r)} == readable
    assert set(selectors.reports_for(user)) == {reports[k] for k in readable}
    client = login_client(user)
    page = client.get("/bao-cao/")
    assert page.status_code == (200 if role in PAGE_ROLES else 403)
    for key, report in reports.items():
        for fmt, magic in (("excel", b"PK"), ("pdf", b"%PDF")):
            response = client.get(f"/bao-cao/{report.pk}/{fmt}")
            if key in readable:
                assert response.status_code == 200, (role, key, fmt)
                assert b"".join(response.streaming_content).startswith(magic)
                assert "no-store" in response["Cache-Control"]
            else:
                assert response.status_code in (403, 404), (role, key, fmt)
        detail = client.get(f"/bao-cao/{report.pk}/")
        assert detail.status_code == (200 if key in readable else
                                      403 if role not in PAGE_ROLES else 404)


def test_anonymous_visitors_are_sent_to_login(client, reports):
    assert client.get("/bao-cao/").status_code == 302
    response = client.get(f"/bao-cao/{reports['P24'].pk}/pdf")
    assert response.status_code == 302 and "/dang-nhap" in response["Location"]


def test_refusals_say_why(world, reports):
    assert "cơ quan quản lý" in permissions.can_use(world.users["producer"]).reason
    assert "địa bàn khác" in permissions.can_read(world.users["other_province_office"],
                                                   reports["P24"]).reason


def test_a_moved_officer_loses_the_old_province(world, reports):
    office = world.users["province_office"]
    office.unit = world.units.ha_noi
    office.save()
    assert not permissions.can_read(office, reports["P24"])
    assert permissions.can_read(office, reports["P01"])


@pytest.mark.parametrize("role", ["producer", "council_member", "inspector"])
def test_accounts_without_reports_cannot_request_one(world, role):
    client = login_client(world.users[role])
    response = client.post("/bao-cao/", {"kind": "summary", "period_type": "quy", "year": "2024",
                                         "quarter": "3"})
    assert response.status_code == 403
    assert Report.objects.count() == 0
