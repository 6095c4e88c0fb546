"""Django admin registrations and the demo_logins command."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import ProtectedError
from django.urls import reverse

from ocop.accounts.models import ApiToken, Role
from ocop.accounts.services import issue_api_token
from ocop.accounts.testing import confirmed_device, login_client, make_user
from ocop.audit import services as audit
from ocop.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(db):
    return login_client(make_user(Role.ADMIN, username="quan-tri"))


def test_admin_lists_users_with_role_and_unit(admin_client, officer):
    page = admin_client.get(reverse("admin:accounts_user_changelist"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "can-bo-tinh" in html and "Cơ quan thường trực tỉnh" in html
    change = admin_client.get(reverse("admin:accounts_user_change", args=[officer.pk]))
    for field in ("id_role", "id_unit", "id_producer", "id_require_otp"):
        assert f'id="{field}"' in change.content.decode()


def test_admin_token_is_view_and_revoke_only(admin_client, officer):
    token, _raw = issue_api_token(user=officer, name="Máy chủ", second_factor_passed=True)
    assert admin_client.get(reverse("admin:accounts_apitoken_add")).status_code == 403
    change = admin_client.get(reverse("admin:accounts_apitoken_change", args=[token.pk]))
    assert change.status_code == 200
    assert token.key_hash not in change.content.decode()
    response = admin_client.post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked
    entry = AuditEntry.objects.get(action="token.revoke")
    assert entry.actor_label == "quan-tri"


def test_admin_audit_log_is_read_only(admin_client, officer):
    entry = audit.record(actor=officer, action="test.thing", object_type="x", object_id="1")
    assert admin_client.get(reverse("admin:audit_auditentry_changelist")).status_code == 200
    assert (
        admin_client.get(reverse("admin:audit_auditentry_change", args=[entry.pk])).status_code
        == 200
    )
    assert admin_client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    assert (
        admin_client.get(reverse("admin:audit_auditentry_delete", args=[entry.pk])).status_code
        == 403
    )
    before = entry.action
    admin_client.post(
        reverse("admin:audit_auditentry_change", args=[entry.pk]), {"action": "edited"}
    )
    entry.refresh_from_db()
    assert entry.action == before


def test_users_with_audit_history_cannot_be_deleted(officer):
    audit.record(actor=officer, action="test.thing", object_type="x", object_id="1")
    with pytest.raises(ProtectedError):
        officer.delete()


def test_demo_logins_lists_demo_accounts_in_role_order(units, producer):
    make_user(Role.PRODUCER, producer=producer, username="demo-chuthe")
    commune = make_user(Role.COMMUNE_OFFICER, unit=units.xa_luc_ngan, username="demo-xa")
    make_user(Role.COMMUNE_OFFICER, unit=units.xa_luc_ngan, username="demo-xa2")
    confirmed_device(commune)  # not required of the role, but sign-in will ask for it
    make_user(Role.ADMIN, username="demo-admin")
    make_user(Role.PROVINCE_OFFICE, unit=units.bac_ninh, username="demo-tinh", require_otp=True)
    make_user(Role.CENTRAL, username="not-demo")
    make_user(Role.CENTRAL, username="demo-old", is_active=False)
    out = StringIO()
    call_command("demo_logins", stdout=out)
    lines = out.getvalue().splitlines()
    table = lines[3:lines.index("")]  # the secrets follow after a blank line
    rows = [line.split()[0] for line in table]
    assert rows == ["demo-admin", "demo-tinh", "demo-xa", "demo-xa2", "demo-chuthe"]
    text = out.getvalue()
    assert "ocop-demo-2026" in text
    assert "Xã Lục Ngạn" in text and "HTX Vải thiều Lục Ngạn" in text and "Toàn quốc" in text
    assert "Cơ quan thường trực tỉnh (2FA)" in text
    roles = {line.split()[0]: line for line in table}
    assert "Cán bộ xã (2FA)" in roles["demo-xa"] and "2FA" not in roles["demo-xa2"]
    assert "2FA" not in roles["demo-chuthe"]


def test_demo_logins_on_an_empty_database(db):
    out = StringIO()
    call_command("demo_logins", stdout=out)
    assert "Chưa có tài khoản demo" in out.getvalue()
    assert not ApiToken.objects.exists()
