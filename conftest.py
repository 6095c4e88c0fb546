"""Project-wide test configuration."""

import os
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

# Property tests check rules, not speed: on a loaded 2-core CI machine Hypothesis' default
# 200 ms per-example deadline fails tests that are correct. Timing belongs in bench/.
hypothesis_settings.register_profile("ocop", deadline=None)
hypothesis_settings.load_profile("ocop")

# Django's live_server runs beside Playwright's event loop in the browser tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(autouse=True)
def _scan_log_stays_in_its_test(settings):
    """The scan log is buffered per process (ocop/trace/scanlog.py). No timer thread in tests (it
    would write outside the test's transaction), and a test's unwritten scans are dropped at its
    end instead of landing in the next test's database."""
    from ocop.trace import scanlog

    settings.STAMP_SCAN_FLUSH_SECONDS = 0
    yield
    scanlog.discard()


def pytest_configure(config):
    # Raised by a third-party plugin's `base_url` fixture (pytest-base-url, pulled in by
    # pytest-playwright), not by our code; nothing to act on until the plugin is updated.
    config.addinivalue_line(
        "filterwarnings",
        "ignore:Session-scoped fixtures defined as instance methods:"
        "pytest.PytestRemovedIn10Warning",
    )


def pytest_collection_modifyitems(config, items):
    """Browser tests need Debian's Chromium (never a downloaded browser): `make
    system-deps-test` installs it. On a developer machine without it they are skipped with that
    hint; under CI they run (and fail) so that a missing browser cannot pass unnoticed."""
    if os.path.exists(CHROMIUM) or os.environ.get("CI"):
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} missing: run `make system-deps-test`")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def pytest_sessionfinish(session, exitstatus):
    """Under CI a skipped test fails the run: a fresh clone must test everything, and a skip
    (a missing folder, package or browser) would hide exactly what CI is there to catch."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if os.environ.get("CI") and skipped and exitstatus == 0:
        reporter.write_line(f"CI: {skipped} test(s) skipped; every test must run in CI.", red=True)
        session.exitstatus = 1


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # Vietnamese first, as for a real user in Vietnam; the tests switch to English themselves.
    return {**browser_context_args, "locale": "vi-VN"}


@pytest.fixture(scope="session", autouse=True)
def _static_root_exists():
    # WhiteNoise warns on every new request handler when STATIC_ROOT is missing (it is filled by
    # collectstatic in production; tests serve static files through the finders).
    from django.conf import settings

    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache. Caches are keyed by database ids (the stamp
    directory, journeys, rate-limit counters), and tests roll back and reuse ids: a cached entry
    from an earlier test would describe another test's rows."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = settings.SENDFILE_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # The public rate limit counts in the process-wide cache, across tests; tests of the limit
    # set their own rate.
    settings.PUBLIC_RATE_LIMIT = "100000/m"
    # PBKDF2 at production strength costs ~0.3 s per hash; tests need thousands of them.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
