"""API tokens issued and revoked on the profile page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from ocop.accounts.models import ApiToken, Role
from ocop.accounts.testing import login_client, make_user
from ocop.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

PROFILE = reverse("accounts:profile")


def issue(client, name: str = "Máy chủ tỉnh") -> str:
    response = client.post(PROFILE, {"action": "new_token", "name": name})
    assert response.status_code == 200
    match = re.search(r'<code id="new-token">(ocop_[\w-]+)</code>', response.content.decode())
    assert match
    return match.group(1)


def test_profile_shows_a_new_token_once_and_stores_only_its_hash(officer):
    client = login_client(officer)
    raw = issue(client)
    token = ApiToken.objects.get(user=officer)
    assert token.name == "Máy chủ tỉnh"
    assert token.key_hash == ApiToken.hash_key(raw)
    assert raw not in {token.key_hash, token.prefix, token.name}
    assert raw.startswith("ocop_" + token.prefix)
    assert AuditEntry.objects.filter(action="token.create", object_id=str(token.pk)).exists()

    again = client.get(PROFILE).content.decode()
    assert raw not in again
    assert f"{token.prefix}…" in again


def test_revoke_own_token(officer):
    client = login_client(officer)
    issue(client)
    token = ApiToken.objects.get(user=officer)
    response = client.post(PROFILE, {"action": "revoke_token", "token_id": token.pk}, follow=True)
    assert "Đã thu hồi khoá API." in response.content.decode()
    token.refresh_from_db()
    assert token.revoked and token.revoked_at is not None
    entry = AuditEntry.objects.get(action="token.revoke")
    assert entry.actor_id == officer.pk


def test_cannot_revoke_someone_elses_token(officer, units):
    other = make_user(Role.PROVINCE_OFFICE, unit=units.ha_noi)
    issue(login_client(other))
    token = ApiToken.objects.get(user=other)
    login_client(officer).post(PROFILE, {"action": "revoke_token", "token_id": token.pk})
    token.refresh_from_db()
    assert not token.revoked
    assert not AuditEntry.objects.filter(action="token.revoke").exists()


def test_profile_needs_login(client):
    assert client.get(PROFILE)["Location"].startswith(reverse("accounts:login"))
