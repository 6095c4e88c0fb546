"""Password change and password reset by e-mail."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from ocop.accounts.testing import DEFAULT_PASSWORD, login_client

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Vai-thieu-Luc-Ngan-2026"


def test_password_change(officer):
    client = login_client(officer)
    page = client.get(reverse("accounts:password_change"))
    assert "Đổi mật khẩu" in page.content.decode()
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": DEFAULT_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response["Location"] == reverse("accounts:password_change_done")
    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD)


def test_a_wrong_old_password_is_named_in_a_whole_sentence(officer):
    client = login_client(officer)
    response = client.post(reverse("accounts:password_change"), {
        "old_password": "khong-phai-mat-khau", "new_password1": NEW_PASSWORD,
        "new_password2": NEW_PASSWORD})
    assert response.status_code == 200
    assert "Mật khẩu cũ không đúng. Vui lòng nhập lại." in response.content.decode()
    officer.refresh_from_db()
    assert officer.check_password(DEFAULT_PASSWORD)


def test_password_change_needs_login(client):
    response = client.get(reverse("accounts:password_change"))
    assert response["Location"].startswith(reverse("accounts:login"))


def test_password_reset_mail_has_a_working_link(client, officer, mailoutbox):
    response = client.post(reverse("accounts:password_reset"), {"email": officer.email})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [officer.email]
    assert mail.subject == "Đặt lại mật khẩu tài khoản OCOP"
    assert "Xin chào Trần Thị Lan" in mail.body
    link = re.search(r"http://testserver(/dat-lai-mat-khau/\S+/)", mail.body)
    assert link, mail.body

    # Django swaps the token in the URL for a session value and redirects to …/set-password/.
    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done["Location"] == reverse("accounts:password_reset_complete")
    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD)

    # The link works once only.
    reused = client.get(link.group(1), follow=True)
    assert "Liên kết đặt lại mật khẩu không hợp lệ" in reused.content.decode()


def test_password_reset_does_not_reveal_unknown_addresses(client, mailoutbox, db):
    response = client.post(reverse("accounts:password_reset"), {"email": "khong-co@example.vn"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mailoutbox == []
