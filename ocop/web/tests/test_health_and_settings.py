"""The home page, the error pages, and Django's deployment checks with production settings
(the probes /healthz and /readyz: ocop/operations/tests)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.http import HttpRequest
from django.test import override_settings
from django.urls import path

from ocop import urls as site_urls
from ocop.accounts.models import Role
from ocop.accounts.testing import login_client, make_user
from ocop.core import keywrap

ROOT = Path(__file__).resolve().parents[3]


def _broken_view(request: HttpRequest):
    raise RuntimeError("lỗi lập trình giả định")


# The site's URLs plus one view that fails, for the production error pages.
urlpatterns = [path("hong/", _broken_view), *site_urls.urlpatterns]


@pytest.mark.django_db
def test_home_greets_the_user_with_their_scope(units):
    user = make_user(Role.COMMUNE_OFFICER, unit=units.xa_luc_ngan, first_name="Đỗ Minh Tuấn")
    html = login_client(user).get("/").content.decode()
    assert "Xin chào, Đỗ Minh Tuấn." in html and "Xã Lục Ngạn" in html
    inspector = make_user(Role.INSPECTOR)
    assert "Chưa gán địa bàn" in login_client(inspector).get("/").content.decode()


@pytest.mark.django_db
def test_pages_carry_no_inline_styles_or_scripts(client, units):
    # CSP is script-src 'self' and style-src 'self': inline style="" or <script> would be blocked.
    user = make_user(Role.PROVINCE_OFFICE, unit=units.bac_ninh)
    signed_in = login_client(user)
    pages = [
        client.get("/dang-nhap/"),
        client.get("/quen-mat-khau/"),
        signed_in.get("/"),
        signed_in.get("/tai-khoan/"),
        signed_in.get("/xac-thuc-2-buoc/thiet-lap/"),
        signed_in.get("/doi-mat-khau/"),
    ]
    for response in pages:
        html = response.content.decode()
        assert response.status_code == 200
        assert " style=" not in html, response.request["PATH_INFO"]
        assert "<script>" not in html and "<script " not in html.replace("<script src=", "")
        assert "script-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.django_db
@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_production_error_pages_are_vietnamese(client):
    client.raise_request_exception = False
    cases = [
        (client.get("/hong/"), 500, "Lỗi máy chủ"),
        (client.get("/khong-co-trang-nay/"), 404, "Không tìm thấy trang"),
        (client.get("/", HTTP_HOST="ke-gia-mao.example"), 400, "Yêu cầu không hợp lệ"),
    ]
    for response, status, heading in cases:
        html = response.content.decode()
        assert response.status_code == status
        assert '<html lang="vi">' in html and f"<h1>{heading}</h1>" in html
        assert "Traceback" not in html and "lập trình" not in html  # no details leak


def _manage(*args: str, tmp_path: Path, **env_vars: str) -> subprocess.CompletedProcess:
    env = {
        **{k: v for k, v in os.environ.items()
           if not k.startswith(("DJANGO_", "DATABASE_URL", "OCOP_"))},
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        **env_vars,
    }
    return subprocess.run(  # noqa: S603 — our own manage.py, arguments from the tests
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=120, check=False)


def test_the_local_demo_serves_plain_http_on_localhost_only(tmp_path):
    demo = {"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
            "OCOP_LOCAL_DEMO": "true"}
    show = ("from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, "
            "s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS)")
    local = _manage("shell", "--no-imports", "-c", show, tmp_path=tmp_path, **demo)
    assert local.returncode == 0, local.stderr
    assert local.stdout.split() == ["False", "False", "False", "0"]
    # The same switch on a real host name stops the server from starting.
    real = _manage("check", tmp_path=tmp_path, DJANGO_ALLOWED_HOSTS="ocop.example.vn", **demo)
    assert real.returncode != 0 and "OCOP_LOCAL_DEMO" in real.stderr


# The province's OCOP standing office, named on the public pages (ocop.catalogue.W001).
AGENCY = {"OCOP_AGENCY_NAME": "Văn phòng Điều phối nông thôn mới tỉnh Mẫu",
          "OCOP_AGENCY_ADDRESS": "Phường Mẫu, tỉnh Mẫu", "OCOP_AGENCY_PHONE": "0200 000 000",
          "OCOP_AGENCY_EMAIL": "ocop@tinhmau.example.vn"}


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = _manage("check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path,
                     DJANGO_DEBUG="false", DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
                     DJANGO_ALLOWED_HOSTS="ocop.example.vn",
                     # Several workers share one cache (ocop.accounts.W010), as serve.sh sets.
                     CACHE_URL="dbcache://ocop_cache",
                     # The signing keys' own encryption key (ocop.accounts.W013).
                     OCOP_KEY_ENCRYPTION_KEY=keywrap.new_kek(), **AGENCY)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_asks_for_the_provinces_own_agency(tmp_path):
    """Without it the public agency page names the example province with example contacts."""
    result = _manage("check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path,
                     DJANGO_DEBUG="false", DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
                     DJANGO_ALLOWED_HOSTS="ocop.example.vn", CACHE_URL="dbcache://ocop_cache",
                     OCOP_KEY_ENCRYPTION_KEY=keywrap.new_kek(),
                     **{**AGENCY, "OCOP_AGENCY_EMAIL": ""})
    assert result.returncode != 0
    assert "ocop.catalogue.W001" in result.stderr and "OCOP_AGENCY_EMAIL not set" in result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = _manage("check", tmp_path=tmp_path, DJANGO_DEBUG="false",
                     DJANGO_ALLOWED_HOSTS="ocop.example.vn")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
