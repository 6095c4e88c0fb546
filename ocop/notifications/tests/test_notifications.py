"""In-app notifications, e-mail copies sent after commit, the bell and the list page; sentences
worded at read time in the reader's language."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from ocop.accounts.models import Role
from ocop.accounts.testing import login_client, make_user
from ocop.dossiers import services as dossier_services
from ocop.dossiers.testing import D2025, submitted
from ocop.notifications.models import Notification
from ocop.notifications.services import mark_read, notify
from ocop.notifications.tasks import send_notification_emails
from ocop.notifications.verbs import LEGACY, render_text

pytestmark = pytest.mark.django_db


def _page(user, language: str = "vi") -> str:
    client = login_client(user)
    if language != "vi":
        client.cookies["django_language"] = language
    return client.get("/thong-bao/").content.decode()


def test_notify_creates_rows_and_mails_after_commit(
        units, mailoutbox, django_capture_on_commit_callbacks) -> None:
    office = make_user(Role.PROVINCE_OFFICE, unit=units.bac_ninh, first_name="Lan")
    no_mail = make_user(Role.PROVINCE_OFFICE, unit=units.bac_ninh, email="")
    inactive = make_user(Role.PROVINCE_OFFICE, unit=units.bac_ninh, is_active=False)
    data = {"ref": "HS-000001", "product": "Vải thiều", "dossier_id": 1}
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        rows = notify([office, office, no_mail, inactive], "dossier.withdrawn", data, office)
    # One row per distinct active user; nothing mailed before the commit.
    assert {n.recipient_id for n in rows} == {office.pk, no_mail.pk}
    assert rows[0].verb == "dossier.withdrawn" and rows[0].data == data
    assert mailoutbox == []
    # The commit: callbacks run, and what they enqueue reaches the test's queue in turn.
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [office.email]
    assert mail.subject == "[OCOP] Chủ thể đã rút hồ sơ HS-000001 — “Vải thiều”."
    assert "http://127.0.0.1:8000/ho-so/1/" in mail.body


def test_notify_refuses_unknown_verbs_and_translated_values(units) -> None:
    user = make_user(Role.PROVINCE_OFFICE, unit=units.bac_ninh)
    with pytest.raises(ValueError):
        notify([user], "Hồ sơ đã được nộp.", {})
    with pytest.raises(TypeError):
        notify([user], "dossier.withdrawn", {"ref": "HS-1", "product": translation.gettext_lazy(
            "Thông báo")})
    assert not Notification.objects.exists()


def test_dossier_submission_notifies_the_next_actor(
        cycle, mailoutbox, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        dossier = submitted(cycle, when=D2025)
    officer = cycle.users["commune_officer"]
    office = cycle.users["province_office"]
    # 2025: the commune checks first, so the commune officer is told, not the province.
    row = officer.notifications.get(target_id=str(dossier.pk))
    assert row.verb == "dossier.submitted"
    assert row.data == {"ref": dossier.reference, "product": dossier.product.name,
                        "producer": dossier.producer.name, "dossier_id": dossier.pk}
    assert row.url == f"/ho-so/{dossier.pk}/"
    assert not office.notifications.filter(target_id=str(dossier.pk)).exists()
    assert [m.to for m in mailoutbox] == [[officer.email]]
    assert dossier.reference in mailoutbox[0].subject


def test_written_in_vietnamese_reads_in_english(cycle) -> None:
    with translation.override("vi"):
        dossier = submitted(cycle, when=D2025)
    officer = cycle.users["commune_officer"]
    english = _page(officer, "en")
    assert (f"Dossier {dossier.reference} — “{dossier.product.name}” of "
            f"{dossier.producer.name} has been submitted and needs checking.") in english
    assert "vừa được nộp" not in english
    vietnamese = _page(officer)
    assert f"Hồ sơ {dossier.reference} — “{dossier.product.name}” của " in vietnamese
    assert f'value="/ho-so/{dossier.pk}/"' in english


def test_written_in_english_reads_in_vietnamese(cycle) -> None:
    dossier = submitted(cycle)
    with translation.override("en"):
        dossier_services.withdraw(actor=cycle.users["producer"], dossier=dossier)
    office = cycle.users["province_office"]
    assert office.notifications.filter(verb="dossier.withdrawn").exists()
    vietnamese = _page(office)
    assert f"Chủ thể đã rút hồ sơ {dossier.reference} — “{dossier.product.name}”." in vietnamese
    assert "has withdrawn" not in vietnamese
    assert (f"The producer has withdrawn dossier {dossier.reference}"
            in _page(office, "en"))


def test_values_are_shown_in_the_reader_language() -> None:
    data = {"ref": "HS-7", "product": "Mật ong", "mean": "88.50", "level": "central",
            "dossier_id": 7}
    with translation.override("vi"):
        assert render_text("evaluation.proposed_up", data) == (
            "Hồ sơ HS-7 — “Mật ong” (88,50 điểm) được đề nghị cấp trung ương đánh giá.")
    with translation.override("en"):
        assert render_text("evaluation.proposed_up", data) == (
            "Dossier HS-7 — “Mật ong” (88.50 points) has been referred to the central level "
            "for assessment.")
    reminder = {"number": "24-0001", "product": "Mật ong", "day": "2027-02-28", "days": 1}
    with translation.override("en"):
        assert render_text("certificate.expiry_reminder", reminder).startswith(
            "OCOP certificate no. 24-0001 (“Mật ong”) expires after 28/02/2027 (1 day left).")


def test_stored_values_are_json(units) -> None:
    user = make_user(Role.PROVINCE_OFFICE, unit=units.bac_ninh)
    row = notify([user], "certificate.expired",
                 {"number": "24-0001", "product": "Mật ong", "day": date(2027, 3, 1)},
                 email=False)[0]
    row.refresh_from_db()
    assert row.data["day"] == "2027-03-01"
    row = notify([user], "evaluation.result",
                 {"ref": "HS-7", "product": "Mật ong", "mean": Decimal("90.00"), "stars": 4,
                  "dossier_id": 7}, email=False)[0]
    row.refresh_from_db()
    assert row.data["mean"] == "90.00"
    assert row.url == "/ket-qua/7/"  # built at read time from the id


def test_unknown_or_broken_rows_never_show_a_code(units) -> None:
    user = make_user(Role.PROVINCE_OFFICE, unit=units.bac_ninh)
    legacy = Notification.objects.create(recipient=user, verb=LEGACY,
                                         data={"text": "Văn bản cũ."}, link="/ho-so/")
    gone = Notification.objects.create(recipient=user, verb="removed.verb", data={})
    broken = Notification.objects.create(recipient=user, verb="dossier.withdrawn",
                                         data={"ref": "HS-1"})
    assert legacy.text == "Văn bản cũ." and legacy.url == "/ho-so/"
    with translation.override("en"):
        assert gone.text == "You have a new notification."
        assert broken.text == "You have a new notification."
    assert gone.url == "" and broken.url == ""


def test_email_is_written_in_vietnamese_whatever_the_writer(units, mailoutbox) -> None:
    office = make_user(Role.PROVINCE_OFFICE, unit=units.bac_ninh)
    rows = notify([office], "dossier.withdrawn",
                  {"ref": "HS-2", "product": "Trà", "dossier_id": 2}, email=False)
    with translation.override("en"):
        assert send_notification_emails.call([n.pk for n in rows]) == 1
    mail = mailoutbox[0]
    assert mail.subject == "[OCOP] Chủ thể đã rút hồ sơ HS-2 — “Trà”."
    assert mail.body.startswith("Kính gửi ")
    assert "Xem chi tiết: http://127.0.0.1:8000/ho-so/2/" in mail.body


def test_bell_count_and_list_marks_read(units) -> None:
    user = make_user(Role.PROVINCE_OFFICE, unit=units.bac_ninh)
    other = make_user(Role.PROVINCE_OFFICE, unit=units.bac_ninh)
    notify([user], "dossier.withdrawn", {"ref": "HS-1", "product": "Một", "dossier_id": 1},
           email=False)
    notify([user], "evaluation.not_recognised", {"product": "Hai"}, email=False)
    theirs = notify([other], "evaluation.not_recognised", {"product": "Của người khác"},
                    email=False)[0]
    client = login_client(user)
    page = client.get("/thong-bao/").content.decode()
    assert 'data-testid="bell"' in page and ">2</span>" in page
    assert "Chủ thể đã rút hồ sơ HS-1 — “Một”." in page and "Của người khác" not in page
    # Marking someone else's notification does nothing.
    client.post("/thong-bao/da-doc/", {"id": theirs.pk})
    theirs.refresh_from_db()
    assert theirs.read_at is None
    one = user.notifications.get(verb="dossier.withdrawn")
    r = client.post("/thong-bao/da-doc/", {"id": one.pk, "next": one.url})
    assert r.status_code == 302 and r.url == "/ho-so/1/"
    r = client.post("/thong-bao/da-doc/", {"next": "//evil.example/"})
    assert r.url == "/thong-bao/"
    assert Notification.objects.filter(recipient=user, read_at__isnull=True).count() == 0
    assert mark_read(user=other) == 1
