"""The Excel exports of the certificate and recognition-decision lists: the page's filters, the
requester's reach, labels and dates, and the file for its requester only."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from ocop.accounts.testing import login_client
from ocop.certificates import selectors, services
from ocop.jobs.testing import export_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(cw):
    certificates = {
        "own": cw.issue("own", stars=3),
        "legacy": cw.issue("legacy", stars=4, decision=cw.province_decision,
                           issued_on=date(2025, 9, 1), score="78.50"),
        "hanoi": cw.issue("hanoi", stars=4, decision=cw.hanoi_decision,
                          issued_on=date(2025, 9, 1), score="80.00"),
    }
    services.revoke_certificate(actor=None, certificate=certificates["legacy"],
                                reason="Vi phạm nhãn", decision_number="9/QĐ-UBND",
                                revoked_on=date(2025, 10, 1))
    return certificates


CERTIFICATE_REACH = {
    "central": {"own", "legacy", "hanoi"},
    "admin": {"own", "legacy", "hanoi"},
    "province_office": {"own", "legacy"},
    "inspector": {"own", "legacy"},
    "council_member": {"own", "legacy"},
    "other_province_office": {"hanoi"},
    # Đồng Cốc (legacy) became part of Xã Lục Ngạn: its producer is in the commune's reach.
    "commune_officer": {"own", "legacy"},
    "producer": {"own"},
    "other_producer": {"hanoi"},
}


@pytest.mark.parametrize("who", sorted(CERTIFICATE_REACH))
def test_certificate_export_holds_the_reach_of_each_role(cw, issued, client, who,
                                                        django_capture_on_commit_callbacks):
    login_client(cw.users[who], client)
    out = export_rows(client, django_capture_on_commit_callbacks, "certificates.certificates")
    assert set(out.column("Số giấy chứng nhận")) == {
        issued[k].number for k in CERTIFICATE_REACH[who]}


def test_certificate_export_follows_the_filters_with_labels_and_dates(
        cw, issued, client, django_capture_on_commit_callbacks):
    login_client(cw.users["province_office"], client)
    out = export_rows(client, django_capture_on_commit_callbacks, "certificates.certificates",
                      "stars=3&status=valid")
    assert out.column("Số giấy chứng nhận") == [issued["own"].number]
    row = dict(zip(out.header, out.rows[0], strict=True))
    assert row["Tình trạng"] == "Còn hiệu lực"
    assert row["Hạng sao"] == 3 and row["Tổng điểm"] == 65.4
    assert row["Ngày cấp"].date() == date(2024, 2, 29)
    assert row["Quyết định công nhận"] == "1234/QĐ-UBND"
    cell = out.workbook.worksheets[0].cell(2, out.header.index("Ngày cấp") + 1)
    assert cell.number_format == "DD/MM/YYYY"
    assert out.info["Bộ lọc"] == "Tình trạng: Còn hiệu lực; Hạng sao: 3 sao"
    searched = export_rows(client, django_capture_on_commit_callbacks,
                           "certificates.certificates", "q=mat+ong")
    assert searched.column("Sản phẩm") == ["Sản phẩm của HTX Mật ong Đồng Cốc"]
    revoked = dict(zip(searched.header, searched.rows[0], strict=True))
    assert revoked["Tình trạng"] == "Đã thu hồi" and revoked["Lý do thu hồi"] == "Vi phạm nhãn"


DECISION_REACH = {
    "central": {"district", "province", "hanoi"},
    "province_office": {"district", "province"},
    "other_province_office": {"hanoi"},
    "commune_officer": {"district", "province"},
    "producer": {"district"},
}


@pytest.mark.parametrize("who", sorted(DECISION_REACH))
def test_decision_export_holds_the_reach_of_each_role(cw, issued, client, who,
                                                     django_capture_on_commit_callbacks):
    numbers = {"district": "1234/QĐ-UBND", "province": "56/QĐ-UBND", "hanoi": "78/QĐ-UBND"}
    login_client(cw.users[who], client)
    out = export_rows(client, django_capture_on_commit_callbacks, "certificates.decisions")
    assert set(out.column("Số quyết định")) == {numbers[k] for k in DECISION_REACH[who]}
    # Each decision counts only the certificates the requester may see.
    assert all(n == 1 for n in out.column("Số giấy chứng nhận"))


def test_decision_export_keeps_the_search_and_labels(cw, issued, client,
                                                     django_capture_on_commit_callbacks):
    login_client(cw.users["central"], client)
    out = export_rows(client, django_capture_on_commit_callbacks, "certificates.decisions",
                      "q=tran+van+ky")
    assert out.header == ["Số quyết định", "Ngày ký", "Cấp", "Đơn vị ban hành", "Người ký",
                          "Chức vụ người ký", "Số giấy chứng nhận"]
    row = dict(zip(out.header, out.rows[0], strict=True))
    assert len(out.rows) == 1 and row["Người ký"] == "Trần Văn Ký"
    assert row["Cấp"] == "Cấp huyện"
    assert row["Đơn vị ban hành"] == selectors.issuer_name(cw.district_decision)
    assert row["Ngày ký"].date() == date(2024, 2, 29)


def test_list_pages_offer_the_export(cw, issued, client):
    login_client(cw.users["province_office"], client)
    page = client.get(reverse("certificates:list") + "?stars=3&page=1").content.decode()
    assert f'action="{reverse("jobs:export", args=["certificates.certificates"])}?stars=3"' \
        in page
    page = client.get(reverse("certificates:decision_list") + "?q=ky").content.decode()
    assert f'action="{reverse("jobs:export", args=["certificates.decisions"])}?q=ky"' in page
    # The page's own "label" (its search box) does not become the button's text.
    assert 'type="submit">Xuất Excel</button>' in page


def test_only_the_requester_downloads(cw, issued, client, django_capture_on_commit_callbacks):
    login_client(cw.users["producer"], client)
    out = export_rows(client, django_capture_on_commit_callbacks, "certificates.certificates")
    download = reverse("jobs:download", args=[out.job.pk])
    for who in ("other_producer", "province_office", "admin"):
        assert login_client(cw.users[who]).get(download).status_code == 404, who
