"""Signed stamp URIs are printable stamps: only the producer that owns the lot and the province
office with jurisdiction see them (batch page, PDF sheet, API); every other role that may read
the batch sees it without signatures."""

from __future__ import annotations

import json

import pytest

from ocop.accounts.models import Role
from ocop.accounts.testing import login_client
from ocop.accounts.testing import make_user as new_user
from ocop.jobs.testing import start_and_download
from ocop.trace import stamps
from ocop.trace.permissions import can_print_stamps

pytestmark = pytest.mark.django_db

PRINTERS = {"producer", "province_office"}
# Read the batch page but must not see signatures.
READERS = {"admin", "central", "commune_officer", "council_member", "inspector"}
# Outside the batch's jurisdiction: the batch itself is not found.
STRANGERS = {"hanoi_office", "far_producer"}


@pytest.fixture
def everyone(chain, units) -> dict:
    return {**chain.people, "inspector": new_user(Role.INSPECTOR, unit=units.bac_ninh)}


def first_signature(chain) -> str:
    """The signature (``s``) of the batch's first stamp."""
    dried = chain.dried
    query = stamps.sign(stamps.product_ref(dried.gtin, dried.pk), chain.packed.code,
                        chain.batch.first_serial)
    return query.split("&s=")[1]


@pytest.mark.parametrize("who", sorted(PRINTERS | READERS | STRANGERS))
def test_batch_page_and_sheet_matrix(chain, everyone, who,
                                     django_capture_on_commit_callbacks) -> None:
    client = login_client(everyone[who])
    page = client.get(f"/truy-xuat/tem/{chain.batch.pk}/")
    sheet_url = f"/truy-xuat/tem/{chain.batch.pk}/pdf"
    html = page.content.decode()
    signature = first_signature(chain)
    if who in PRINTERS:
        assert page.status_code == 200
        assert f"s={signature}" in html and "Tạo tờ tem (PDF)" in html
        # The sheet is made by a background job; only its requester downloads it.
        job, sheet = start_and_download(client, django_capture_on_commit_callbacks, sheet_url,
                                        {"from": "1", "to": "2"})
        assert sheet.status_code == 200 and sheet["Content-Type"] == "application/pdf"
        # The job's page leads back to the batch it was printed from.
        back = f'<a href="/truy-xuat/tem/{chain.batch.pk}/">← Về lô tem</a>'
        assert back in client.get(f"/tac-vu/{job.pk}/").content.decode()
    elif who in READERS:
        assert page.status_code == 200
        assert "?k=" not in html and "&amp;s=" not in html and signature not in html
        assert "Tạo tờ tem (PDF)" not in html
        assert f"{chain.batch.first_serial}–{chain.batch.last_serial}" in html
        assert "chỉ dành cho chủ thể sở hữu lô" in html
        assert client.post(sheet_url, {"from": "1", "to": "2"}).status_code == 404
    else:
        assert page.status_code == 404
        assert client.post(sheet_url, {"from": "1", "to": "2"}).status_code == 404
    assert can_print_stamps(everyone[who], chain.dried.producer) == (who in PRINTERS)


@pytest.mark.parametrize("who", ["producer", "province_office", "admin", "central"])
def test_api_issue_returns_the_signed_uri_only_to_printers(chain, api_for, who) -> None:
    api = api_for(who)
    response = api.client.post(f"/api/v1/trace/lots/{chain.packed.pk}/stamps",
                               json.dumps({"count": 2}), content_type="application/json",
                               headers=api.headers)
    assert response.status_code == 201
    body = response.json()
    assert body["firstSerial"] == chain.batch.last_serial + 1
    if who in PRINTERS:
        assert "?k=" in body["firstUri"] and "&s=" in body["firstUri"]
    else:
        assert "firstUri" not in body
        assert "?k=" not in response.content.decode() and "&s=" not in response.content.decode()
