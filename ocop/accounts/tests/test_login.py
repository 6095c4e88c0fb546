"""Login, logout and the django-axes lockout."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from ocop.accounts.client_ip import client_ip
from ocop.accounts.testing import DEFAULT_PASSWORD, pass_second_factor

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


def post_login(client: Client, username: str, password: str, ip: str = "203.0.113.7"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_login_page_is_vietnamese(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Tên đăng nhập" in html and "Mật khẩu" in html and "Quên mật khẩu?" in html


def test_wrong_password_shows_vietnamese_error(client, officer):
    response = post_login(client, officer.username, "sai-mat-khau")
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_correct_login_goes_home_and_logout_ends_session(client, officer):
    response = post_login(client, officer.username, DEFAULT_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    pass_second_factor(client, officer)  # a province office must use 2FA
    home = client.get(reverse("web:home"))
    assert "Trần Thị Lan" in home.content.decode()

    # Logout is POST-only (a GET from an <img> must not sign anyone out).
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_login_keeps_a_local_next_but_not_a_foreign_one(client, officer):
    ok = client.post(
        f"{LOGIN}?next=/tai-khoan/",
        {"username": officer.username, "password": DEFAULT_PASSWORD, "next": "/tai-khoan/"},
    )
    assert ok["Location"] == "/tai-khoan/"
    client.post(reverse("accounts:logout"))
    evil = client.post(
        LOGIN,
        {
            "username": officer.username,
            "password": DEFAULT_PASSWORD,
            "next": "https://evil.example",
        },
    )
    assert evil["Location"] == reverse("web:home")


def test_lockout_after_failure_limit(client, officer, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(2):
        assert post_login(client, officer.username, "sai").status_code == 200
    locked = post_login(client, officer.username, "sai")
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Tài khoản tạm thời bị khoá" in html
    assert "thử lại sau 30 phút" in html

    # Now even the right password is refused from that address…
    again = post_login(client, officer.username, DEFAULT_PASSWORD)
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session
    # …but the lock is on username+IP: the real user at another address still gets in.
    other = Client()
    assert (
        post_login(other, officer.username, DEFAULT_PASSWORD, ip="198.51.100.9").status_code == 302
    )


def test_success_resets_the_failure_count(client, officer, settings):
    settings.AXES_FAILURE_LIMIT = 3
    post_login(client, officer.username, "sai")
    post_login(client, officer.username, "sai")
    assert post_login(client, officer.username, DEFAULT_PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username=officer.username).exists()


def test_forwarded_for_is_ignored_without_trusted_proxies(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "10.0.0.1"


def test_forwarded_for_behind_one_proxy_takes_the_address_it_saw(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client forged "1.2.3.4"; the proxy appended the address it really saw.
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5")
    assert client_ip(request) == "203.0.113.5"
    assert client_ip(rf.get("/", REMOTE_ADDR="127.0.0.1")) == "127.0.0.1"


def test_spoofed_forwarded_for_does_not_dodge_the_lockout(client, officer, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for n in range(2):
        client.post(
            LOGIN,
            {"username": officer.username, "password": "sai"},
            REMOTE_ADDR="203.0.113.7",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )
    response = client.post(
        LOGIN,
        {"username": officer.username, "password": DEFAULT_PASSWORD},
        REMOTE_ADDR="203.0.113.7",
        HTTP_X_FORWARDED_FOR="192.0.2.99",
    )
    assert response.status_code == 429
