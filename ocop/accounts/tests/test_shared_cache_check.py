"""check --deploy warns when several processes would each keep their own cache (W010/W011)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.test import override_settings

from ocop.accounts.checks import (
    check_key_encryption_key,
    check_metrics_token,
    check_shared_cache,
)
from ocop.core import keywrap
from ocop.web.tests.test_health_and_settings import AGENCY

ROOT = Path(__file__).resolve().parents[3]
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                     "LOCATION": "redis://127.0.0.1:6379/3"}}


def _ids(messages) -> list[str]:
    return [m.id for m in messages]


@override_settings(CACHES=LOCMEM, DEBUG=True, WEB_WORKERS=1)
def test_one_development_process_may_keep_its_own_cache():
    assert check_shared_cache() == []


@override_settings(CACHES=LOCMEM, DEBUG=True, WEB_WORKERS=3)
def test_several_workers_with_a_process_cache_are_warned():
    [warning] = check_shared_cache()
    assert warning.id == "ocop.accounts.W010" and "3 worker" in warning.msg
    assert "CACHE_URL" in warning.hint


@override_settings(CACHES=LOCMEM, DEBUG=False, WEB_WORKERS=1)
def test_production_with_a_process_cache_is_warned():
    assert _ids(check_shared_cache()) == ["ocop.accounts.W010"]


@override_settings(CACHES=LOCMEM, DEBUG=False, WEB_WORKERS=1,
                   SESSION_ENGINE="django.contrib.sessions.backends.cached_db")
def test_sessions_in_a_process_cache_are_warned_too():
    assert _ids(check_shared_cache()) == ["ocop.accounts.W010", "ocop.accounts.W011"]


@override_settings(CACHES=REDIS, DEBUG=False, WEB_WORKERS=8,
                   SESSION_ENGINE="django.contrib.sessions.backends.cached_db")
def test_a_shared_cache_passes():
    assert check_shared_cache() == []


@override_settings(METRICS_TOKEN="short")
def test_a_short_metrics_token_is_warned():
    assert _ids(check_metrics_token()) == ["ocop.accounts.W012"]


def _check_deploy(tmp_path: Path, **env_vars: str) -> subprocess.CompletedProcess:
    env = {**{k: v for k, v in os.environ.items()
              if not k.startswith(("DJANGO_", "DATABASE_URL", "OCOP_", "CACHE_URL", "WEB_"))},
           "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}", "DJANGO_DEBUG": "false",
           "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
           "DJANGO_ALLOWED_HOSTS": "ocop.example.vn",
           "OCOP_KEY_ENCRYPTION_KEY": keywrap.new_kek(), **AGENCY, **env_vars}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_check_deploy_refuses_the_default_cache_and_accepts_redis(tmp_path):
    local = _check_deploy(tmp_path, WEB_WORKERS="3")
    assert local.returncode != 0 and "ocop.accounts.W010" in local.stderr + local.stdout
    # CACHE_URL=redis://… is Django's own RedisCache (django-environ's cache_url).
    shared = _check_deploy(tmp_path, WEB_WORKERS="3", CACHE_URL="redis://127.0.0.1:6379/3")
    assert shared.returncode == 0, shared.stdout + shared.stderr


def test_production_without_its_own_key_encryption_key_is_warned(settings):
    settings.DEBUG, settings.LOCAL_DEMO, settings.KEY_ENCRYPTION_KEY = False, False, ""
    assert _ids(check_key_encryption_key()) == ["ocop.accounts.W013"]
    settings.KEY_ENCRYPTION_KEY = keywrap.new_kek()
    assert check_key_encryption_key() == []
    settings.KEY_ENCRYPTION_KEY, settings.LOCAL_DEMO = "", True  # make run: the demo's own keys
    assert check_key_encryption_key() == []
