"""The staff page: who may open it, the Excel upload and its report, partner registration."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ocop.accounts.testing import login_client
from ocop.exchange import excel
from ocop.exchange.models import ImportBatch, Partner
from ocop.exchange.services import skip_past_restore
from ocop.exchange.testing import PartnerKeys, upload_and_run
from ocop.exchange.tests.test_import import _row

pytestmark = pytest.mark.django_db

ALLOWED = {"admin", "central", "province_office"}


@pytest.mark.parametrize("role", ["admin", "central", "province_office", "commune_officer",
                                  "inspector", "council_member", "producer"])
def test_who_may_open_the_page(client, world, role):
    client = login_client(world.users[role], client)
    response = client.get(reverse("exchange:home"))
    assert response.status_code == (200 if role in ALLOWED else 403)
    template = client.get(reverse("exchange:template"))
    assert template.status_code == (200 if role in ALLOWED else 403)


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("exchange:home"))
    assert response.status_code == 302
    assert "login" in response["Location"] or "dang-nhap" in response["Location"]


def _upload(client, world, rows, capture):
    """Upload a list; the import job runs; return the report page the job's page links to."""
    content = excel.template(rows)
    _response, job = upload_and_run(client, capture, {
        "file": SimpleUploadedFile("ds-2024.xlsx", content),
        "issuing_unit": world.units.bac_ninh.pk, "signer_name": "Trần Văn Ký",
        "signer_title": "Phó Chủ tịch"})
    assert job.status == "done", job.message
    return client.get(reverse("exchange:batch", args=[job.outcome["batch"]]))


def test_a_province_uploads_a_list_and_reads_the_report(client, world,
                                                        django_capture_on_commit_callbacks):
    client = login_client(world.users["province_office"], client)
    capture = django_capture_on_commit_callbacks
    page = _upload(client, world, [_row(1), _row(2)], capture)
    text = page.content.decode()
    assert "Đã nhập: 6 bản ghi thêm mới, 0 bản ghi cập nhật, 2 bản ghi không thay đổi" in text
    broken = _upload(client, world, [_row(1, stars=7)], capture)
    text = broken.content.decode()
    assert "không ghi dòng nào" in text
    assert "Hạng sao" in text and "3 đến 5 sao" in text
    history = client.get(reverse("exchange:home")).content.decode()
    assert "ds-2024.xlsx" in history
    assert ImportBatch.objects.count() == 2


def test_a_province_cannot_pick_another_provinces_decisions(client, world):
    client = login_client(world.users["province_office"], client)
    response = client.post(reverse("exchange:home"), {
        "file": SimpleUploadedFile("x.xlsx", excel.template([_row(1)])),
        "issuing_unit": world.units.ha_noi.pk, "signer_name": "A", "signer_title": "B"})
    assert response.status_code == 200
    assert not ImportBatch.objects.exists()


def test_another_provinces_report_is_not_found(client, world,
                                               django_capture_on_commit_callbacks):
    client = login_client(world.users["province_office"], client)
    _upload(client, world, [_row(1)], django_capture_on_commit_callbacks)
    batch = ImportBatch.objects.get()
    client = login_client(world.users["commune_officer"], client)
    assert client.get(reverse("exchange:batch", args=[batch.pk])).status_code == 403
    other = ImportBatch.objects.create(source="excel", status="applied",
                                       province=world.units.ha_noi)
    client = login_client(world.users["province_office"], client)
    assert client.get(reverse("exchange:batch", args=[other.pk])).status_code == 404


def test_register_a_partner(client, world):
    client = login_client(world.users["central"], client)
    keys = PartnerKeys.new("bac-ninh")
    response = client.post(reverse("exchange:partner_create"), {
        "code": "bac-ninh", "name": "Nền tảng OCOP Bắc Ninh", "public_key_pem": keys.public_pem,
        "base_url": "https://ocop.bacninh.example", "province": world.units.bac_ninh.pk},
        follow=True)
    assert "Đã đăng ký nền tảng" in response.content.decode()
    assert Partner.objects.get().province == world.units.bac_ninh
    bad = client.post(reverse("exchange:partner_create"), {
        "code": "x", "name": "X", "public_key_pem": "khong phai khoa"})
    assert "Khoá công khai không đọc được" in bad.content.decode()


def test_after_a_restore_the_page_names_the_feed_number_not_a_count(client, world):
    """The feed's head is a number a partner reads up to, not how many changes there are: after a
    restore the two differ by the gap."""
    floor = skip_past_restore()
    page = login_client(world.users["central"], client).get(reverse("exchange:home"))
    text = page.content.decode()
    assert f"đã đọc đến thay đổi số {floor} là đã nhận đủ mọi thay đổi" in text
    assert "hiện có" not in text
