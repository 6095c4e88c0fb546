"""API authentication: bearer tokens, the session, and the OpenAPI document."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from ocop.accounts.models import ApiToken, Role
from ocop.accounts.services import issue_api_token, revoke_api_token
from ocop.accounts.testing import login_client, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(units):
    return make_user(Role.COMMUNE_OFFICER, unit=units.xa_luc_ngan, username="can-bo-xa")


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_valid_token_reaches_protected_endpoints(officer):
    _token, raw = issue_api_token(user=officer, name="Máy chủ xã", second_factor_passed=True)
    client = Client()
    me = client.get("/api/v1/me", **bearer(raw))
    assert me.status_code == 200
    assert me.json() == {
        "username": "can-bo-xa",
        "full_name": "",
        "role": "commune_officer",
        "unit": "C07582",
        "unit_name": "Xã Lục Ngạn",
        "producer": None,
    }
    assert client.get("/api/v1/openapi.json", **bearer(raw)).status_code == 200
    assert client.get("/api/v1/producers", **bearer(raw)).status_code == 200
    assert ApiToken.objects.get().last_used_at is not None


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer ocop_unknown-token-value",
        "Bearer not-even-ours",
        "Basic Y2FuLWJvLXhhOk9jb3BAMjAyNiE=",
    ],
)
def test_missing_or_unknown_token_is_401(officer, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    assert Client().get("/api/v1/me", **extra).status_code == 401


def test_revoked_token_is_401(officer):
    token, raw = issue_api_token(user=officer, name="cũ", second_factor_passed=True)
    revoke_api_token(user=officer, token_id=token.pk)
    assert Client().get("/api/v1/me", **bearer(raw)).status_code == 401
    assert Client().get("/api/v1/producers", **bearer(raw)).status_code == 401


def test_token_of_a_deactivated_user_is_401(officer):
    _token, raw = issue_api_token(user=officer, name="x", second_factor_passed=True)
    officer.is_active = False
    officer.save(update_fields=["is_active"])
    assert Client().get("/api/v1/me", **bearer(raw)).status_code == 401


def test_session_works_for_the_browser(officer):
    assert login_client(officer).get("/api/v1/me").json()["username"] == "can-bo-xa"


def test_openapi_document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = json.loads(response.content)
    assert "paths" in doc and "/api/v1/me" in doc["paths"]
    schemes = doc["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} >= {"http", "apiKey"}
