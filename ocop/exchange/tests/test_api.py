"""The exchange API over HTTP: who may read the feed (a matrix), signed partner requests,
province scoping, cursor errors and the import endpoint."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ocop.accounts.services import issue_api_token
from ocop.exchange import selectors
from ocop.exchange.models import FeedHead, Partner
from ocop.exchange.testing import PartnerKeys
from ocop.registry import services as registry
from ocop.registry.models import Producer

pytestmark = pytest.mark.django_db

FEED = "/api/v1/exchange/changes"
EXPORT = "/api/v1/exchange/export"
IMPORT = "/api/v1/exchange/import"


def _bearer(user):
    _token, raw = issue_api_token(user=user, name="exchange", second_factor_passed=True)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


# role → (feed status, provinces seen)
MATRIX = {
    "admin": (200, {"P01", "P24"}),
    "central": (200, {"P01", "P24"}),
    "province_office": (200, {"P24"}),
    "other_province_office": (200, {"P01"}),
    "commune_officer": (403, None),
    "inspector": (403, None),
    "council_member": (403, None),
    "producer": (403, None),
}


@pytest.mark.parametrize("role", sorted(MATRIX))
def test_feed_permissions_matrix(client, xworld, role):
    status, provinces = MATRIX[role]
    response = client.get(FEED, **_bearer(xworld.users[role]))
    assert response.status_code == status, response.content
    if status == 200:
        changes = response.json()["changes"]
        assert {c["province"] for c in changes} == provinces
        export = client.get(EXPORT, **_bearer(xworld.users[role]))
        rows = [json.loads(line) for line in b"".join(export.streaming_content).splitlines()]
        assert export["OCOP-Feed-Cursor"] == str(selectors.head())
        producers = {r["key"] for r in rows if r["entity"] == "producer"}
        assert len(producers) == (4 if provinces == {"P01", "P24"} else
                                  3 if provinces == {"P24"} else 1)
    else:
        assert response.json()["code"] == "exchange.forbidden"
        assert "Văn phòng Điều phối Trung ương" in response.json()["message"]


def test_anonymous_is_refused(client, xworld):
    assert client.get(FEED).status_code == 401


@pytest.fixture
def partner(xworld):
    keys = PartnerKeys.new("trung-uong")
    Partner.objects.create(code=keys.code, name="Trung ương", public_key_pem=keys.public_pem)
    return keys


def _signed_get(client, keys, path):
    return client.get(path, HTTP_OCOP_SIGNATURE=keys.sign("GET", path))


def test_a_signed_partner_pages_through_the_feed(client, partner):
    seen, cursor = [], "0"
    for step in range(30):
        path = f"{FEED}?after={cursor}&limit=5"
        body = _signed_get(client, partner, path).json()
        seen += [c["seq"] for c in body["changes"]]
        cursor = body["next_cursor"]
        if step == 1:  # a write between two pages is read later, once
            registry.update_producer(actor=None,
                                     producer=Producer.objects.get(tax_code="0100109106"),
                                     data={"street_address": "Thôn Mới"})
        if not body["has_more"] and step > 1:
            break
    assert seen == list(range(1, selectors.head() + 1))
    first = _signed_get(client, partner, f"{FEED}?limit=1").json()["changes"][0]
    assert set(first) == {"seq", "entity", "op", "key", "province", "at", "data"}
    assert first["entity"] == "producer"
    assert first["data"]["tax_code"] == first["key"]


def test_a_province_partner_reads_its_province_only(client, partner, xworld):
    keys = PartnerKeys.new("ha-noi")
    Partner.objects.create(code=keys.code, name="Hà Nội", public_key_pem=keys.public_pem,
                           province=xworld.units.ha_noi)
    body = _signed_get(client, keys, FEED).json()
    assert {c["province"] for c in body["changes"]} == {"P01"}


def test_a_replayed_or_tampered_request_is_refused_in_vietnamese(client, partner):
    value = partner.sign("GET", FEED)
    assert client.get(FEED, HTTP_OCOP_SIGNATURE=value).status_code == 200
    again = client.get(FEED, HTTP_OCOP_SIGNATURE=value)
    assert again.status_code == 401
    assert again.json()["code"] == "exchange.replayed"
    other = client.get(f"{FEED}?after=3", HTTP_OCOP_SIGNATURE=partner.sign("GET", FEED))
    assert other.status_code == 401
    assert other.json()["code"] == "exchange.wrong_target"


@pytest.mark.parametrize(("after", "code"), [("abc", "exchange.bad_cursor"),
                                              ("99999", "exchange.future_cursor")])
def test_bad_cursors(client, partner, after, code):
    response = _signed_get(client, partner, f"{FEED}?after={after}")
    assert response.status_code == 422
    assert response.json()["code"] == code
    assert "Con trỏ" in response.json()["message"]


def test_signed_import_all_or_nothing(client, partner, xworld):
    rows = [r for r in selectors.export_records(None) if r["entity"] == "producer"]
    rows[0]["data"]["street_address"] = "Số 9"
    rows.append({"entity": "product", "data": {"code": "X-1", "producer": "9999999999",
                                               "name": "Lạ", "product_set": "1048-01"}})
    body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode()
    response = client.post(IMPORT, body, content_type="application/x-ndjson",
                           HTTP_OCOP_SIGNATURE=partner.sign("POST", IMPORT, body))
    assert response.status_code == 422
    report = response.json()
    assert report["status"] == "refused"
    assert report["problems"] == [{"row": 5, "column": "producer", "message":
                                   "Chưa có chủ thể mã số thuế 9999999999 (hãy gửi chủ thể "
                                   "trước sản phẩm)."}]
    body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows[:4]).encode()
    ok = client.post(IMPORT, body, content_type="application/x-ndjson",
                     HTTP_OCOP_SIGNATURE=partner.sign("POST", IMPORT, body))
    assert ok.status_code == 200
    assert (ok.json()["updated"], ok.json()["unchanged"]) == (1, 3)


def test_an_unreadable_batch_is_a_400(client, partner):
    body = b"{not json}\n"
    response = client.post(IMPORT, body, content_type="application/x-ndjson",
                           HTTP_OCOP_SIGNATURE=partner.sign("POST", IMPORT, body))
    assert response.status_code == 400
    assert response.json()["message"] == "Dòng 1 không phải JSON hợp lệ."


def test_a_record_of_the_wrong_shape_is_a_row_problem_not_a_crash(client, partner):
    body = (b'{"entity": "producer", "data": {"tax_code": ["x"], "commune": ["C07582"]}}\n'
            b'{"entity": "certificate", "data": {"decision": "not an object"}}\n')
    response = client.post(IMPORT, body, content_type="text/plain",
                           HTTP_OCOP_SIGNATURE=partner.sign("POST", IMPORT, body))
    assert response.status_code == 422
    assert [p["row"] for p in response.json()["problems"]] == [1, 2]


def test_a_page_of_the_feed_reads_the_head_once(client, partner):
    """The cursor is checked against the same head the page is read up to: one read of the
    floor and one of the log's end, not two of each."""
    path = f"{FEED}?after=1&limit=5"
    with CaptureQueriesContext(connection) as queries:
        assert _signed_get(client, partner, path).status_code == 200
    floor_reads = [q["sql"] for q in queries.captured_queries
                   if FeedHead._meta.db_table in q["sql"] and "floor" in q["sql"]
                   and q["sql"].lstrip().upper().startswith("SELECT")]
    assert len(floor_reads) == 1, floor_reads
