"""In-app notifications, e-mail copies sent after commit, the bell and the list page."""

from __future__ import annotations

import pytest

from ocop.accounts.models import Role
from ocop.accounts.testing import login_client, make_user
from ocop.notifications.models import Notification
from ocop.notifications.services import mark_read, notify

pytestmark = pytest.mark.django_db


def test_notify_creates_rows_and_mails_after_commit(
        units, mailoutbox, django_capture_on_commit_callbacks) -> None:
    office = make_user(Role.PROVINCE_OFFICE, unit=units.bac_ninh, first_name="Lan")
    no_mail = make_user(Role.PROVINCE_OFFICE, unit=units.bac_ninh, email="")
    inactive = make_user(Role.PROVINCE_OFFICE, unit=units.bac_ninh, is_active=False)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        rows = notify([office, office, no_mail, inactive], "Hồ sơ HS-000001 cần kiểm tra.",
                      office, "/ho-so/1/")
    # One row per distinct active user; nothing mailed before the commit.
    assert {n.recipient_id for n in rows} == {office.pk, no_mail.pk}
    assert mailoutbox == []
    for callback in callbacks:
        callback()
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [office.email]
    assert "[OCOP] Hồ sơ HS-000001 cần kiểm tra." in mail.subject
    assert "http://127.0.0.1:8000/ho-so/1/" in mail.body or "/ho-so/1/" in mail.body


def test_dossier_submission_notifies_the_next_actor(
        cycle, mailoutbox, django_capture_on_commit_callbacks) -> None:
    from ocop.dossiers.tests.conftest import D2025, submitted

    with django_capture_on_commit_callbacks(execute=True):
        dossier = submitted(cycle, when=D2025)
    officer = cycle.users["commune_officer"]
    office = cycle.users["province_office"]
    # 2025: the commune checks first, so the commune officer is told, not the province.
    assert officer.notifications.filter(target_id=str(dossier.pk)).exists()
    assert not office.notifications.filter(target_id=str(dossier.pk)).exists()
    assert [m.to for m in mailoutbox] == [[officer.email]]
    assert dossier.reference in mailoutbox[0].subject


def test_bell_count_and_list_marks_read(units) -> None:
    user = make_user(Role.PROVINCE_OFFICE, unit=units.bac_ninh)
    other = make_user(Role.PROVINCE_OFFICE, unit=units.bac_ninh)
    notify([user], "Thông báo một", None, "/ho-so/", email=False)
    notify([user], "Thông báo hai", None, "", email=False)
    theirs = notify([other], "Của người khác", None, "", email=False)[0]
    client = login_client(user)
    page = client.get("/thong-bao/").content.decode()
    assert 'data-testid="bell"' in page and ">2</span>" in page
    assert "Thông báo một" in page and "Của người khác" not in page
    # Marking someone else's notification does nothing.
    client.post("/thong-bao/da-doc/", {"id": theirs.pk})
    theirs.refresh_from_db()
    assert theirs.read_at is None
    one = user.notifications.get(verb="Thông báo một")
    r = client.post("/thong-bao/da-doc/", {"id": one.pk, "next": "/ho-so/"})
    assert r.status_code == 302 and r.url == "/ho-so/"
    r = client.post("/thong-bao/da-doc/", {"next": "//evil.example/"})
    assert r.url == "/thong-bao/"
    assert Notification.objects.filter(recipient=user, read_at__isnull=True).count() == 0
    assert mark_read(user=other) == 1
