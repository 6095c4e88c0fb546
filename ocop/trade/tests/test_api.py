"""The trade API: a buyer's needs and suggestions, conversations of both parties, refusals in
the API's one error shape."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client

from ocop.accounts.services import issue_api_token
from ocop.trade.models import Conversation, Need

pytestmark = pytest.mark.django_db


def _client(user) -> tuple[Client, dict[str, str]]:
    _token, raw = issue_api_token(user=user, name="t", second_factor_passed=True)
    return Client(), {"Authorization": f"Bearer {raw}"}


def test_a_buyer_posts_a_need_reads_suggestions_and_asks_a_producer(market):
    client, headers = _client(market.buyer.account)
    today = date.today()
    need = {"wanted": "vải thiều", "volume": "200", "volume_unit": "kg", "min_stars": 4,
            "period_from": today.isoformat(),
            "period_to": (today + timedelta(days=30)).isoformat(), "delivery_province": "P01"}
    response = client.post("/api/v1/trade/needs", need, content_type="application/json",
                           headers=headers)
    assert response.status_code == 201, response.content
    need_id = response.json()["id"]
    assert client.get("/api/v1/trade/needs", headers=headers).json()["count"] == 1
    found = client.get(f"/api/v1/trade/needs/{need_id}/suggestions", headers=headers).json()
    assert [(s["product_id"], s["stars"]) for s in found] == [(market.product.pk, 4)]
    assert set(found[0]) == {"product_id", "product", "stars", "product_set", "producer_id",
                             "producer", "province"}  # public fields only
    response = client.post("/api/v1/trade/conversations", {
        "producer_id": market.producer.pk, "product_id": market.product.pk, "kind": "inquiry",
        "message": "Xin báo giá", "need_id": need_id}, content_type="application/json",
        headers=headers)
    assert response.status_code == 201, response.content
    conversation_id = response.json()["id"]

    producer, producer_headers = _client(market.producer_user)
    listing = producer.get("/api/v1/trade/conversations", headers=producer_headers).json()
    assert [c["id"] for c in listing["results"]] == [conversation_id]
    response = producer.post(f"/api/v1/trade/conversations/{conversation_id}/reply",
                             {"message": "Có hàng"}, content_type="application/json",
                             headers=producer_headers)
    assert response.status_code == 201 and response.json()["state"] == "answered"
    detail = client.get(f"/api/v1/trade/conversations/{conversation_id}",
                        headers=headers).json()
    assert [m["body"] for m in detail["messages"]] == ["Xin báo giá", "Có hàng"]


def test_api_refusals_in_the_one_shape(market):
    client, headers = _client(market.buyer.account)
    today = date.today()
    response = client.post("/api/v1/trade/needs", {
        "wanted": "vải", "volume": "-1", "volume_unit": "kg", "period_from": today.isoformat(),
        "period_to": (today - timedelta(days=1)).isoformat(), "delivery_province": "P01"},
        content_type="application/json", headers=headers)
    body = response.json()
    assert response.status_code == 422 and body["code"] == "trade.need_invalid"
    assert {f["field"] for f in body["fields"]} >= {"volume", "period_to"}
    response = client.post("/api/v1/trade/conversations", {
        "producer_id": 999999, "product_id": market.product.pk, "kind": "inquiry",
        "message": "x"}, content_type="application/json", headers=headers)
    assert response.status_code == 404 and response.json()["code"] == "trade.producer_not_found"
    response = client.post("/api/v1/trade/conversations", {
        "producer_id": market.producer.pk, "product_id": market.uncertified.pk,
        "kind": "inquiry", "message": "x"}, content_type="application/json", headers=headers)
    assert response.status_code == 409
    producer, producer_headers = _client(market.producer_user)
    response = producer.get("/api/v1/trade/needs", headers=producer_headers)
    assert response.status_code == 403 and response.json()["code"] == "trade.not_buyer"
    assert Need.objects.count() == 0 and Conversation.objects.count() == 0
    assert Client().get("/api/v1/trade/conversations").status_code == 401
