"""Project-wide test configuration."""

import os
import time
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from ocop.core.browser_testing import as_phone
from ocop.worker.testing import chosen, redis_unreachable, tasks_setting

# Property tests check rules, not speed: on a loaded 2-core CI machine Hypothesis' default
# 200 ms per-example deadline fails tests that are correct. Timing belongs in bench/.
hypothesis_settings.register_profile("ocop", deadline=None)
hypothesis_settings.load_profile("ocop")

# Django's live_server runs beside Playwright's event loop in the browser tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"

# The ``app`` fixture and ``call``: the WSGI application as gunicorn calls it.
pytest_plugins = ["ocop.operations.testing"]


@pytest.fixture(autouse=True)
def _scan_log_stays_in_its_test(settings):
    """The scan log is buffered per process (ocop/trace/scanlog.py). No timer thread in tests (it
    would write outside the test's transaction), and a test's unwritten scans are dropped at its
    end instead of landing in the next test's database."""
    from ocop.trace import scanlog

    settings.STAMP_SCAN_FLUSH_SECONDS = 0
    yield
    scanlog.discard()


def _one_request_at_a_time_on_shared_sqlite() -> None:
    """On SQLite the test database lives in memory and Django's live server hands that one
    connection to every request thread. A page that fetches two things at once (the map's two
    data files, an offline queue's visit and photo) then interleaves two transactions on one
    sqlite3 connection: "bad parameter or other API misuse", a savepoint rolled back under the
    other request, a 500 that never happens in production (one connection per thread there).
    The live server therefore answers one request at a time when it shares a connection; a
    non-threaded server also closes each HTTP connection, so the browser never waits on an idle
    keep-alive. PostgreSQL keeps Django's threaded server (one connection per thread)."""
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIServer
    from django.test.testcases import LiveServerThread, QuietWSGIRequestHandler

    class OneRequestAtATime(WSGIServer):
        # The serving thread already holds the shared connection (LiveServerThread.run).
        def __init__(self, *args, connections_override=None, **kwargs):
            super().__init__(*args, **kwargs)

    def create_server(self, connections_override=None):
        server = OneRequestAtATime if connections_override else ThreadedWSGIServer
        return server((self.host, self.port), QuietWSGIRequestHandler,
                      allow_reuse_address=False, connections_override=connections_override)

    LiveServerThread._create_server = create_server


def _flush_only_the_tables_that_hold_rows() -> None:
    """After each transactional test (live server, ``transaction=True``: about 60 of them)
    Django empties the database with ``flush``: on PostgreSQL one ``TRUNCATE`` of every table,
    which costs about a second whatever the tables hold (a new file per table). Here, on
    PostgreSQL, ``flush`` deletes the rows of the tables that hold any, found by one query, and
    keeps the content types and permissions, which the ``post_migrate`` that follows would write
    again (with new ids) anyway. Every foreign key is deferred to the commit (Django creates
    them ``DEFERRABLE INITIALLY DEFERRED``), so the order of the deletes does not matter.
    Sequences are not reset, as in Django's own test flush; a flush that asks for it keeps
    Django's statements."""
    from django.core.management.commands import flush
    from django.core.management.sql import sql_flush

    def sql_delete_what_is_held(style, connection, reset_sequences=True, allow_cascade=False):
        if connection.vendor != "postgresql" or reset_sequences:
            return sql_flush(style, connection, reset_sequences=reset_sequences,
                             allow_cascade=allow_cascade)
        from django.contrib.auth.models import Permission
        from django.contrib.contenttypes.models import ContentType

        kept = {ContentType._meta.db_table, Permission._meta.db_table}
        tables = [table for table in connection.introspection.django_table_names(
            only_existing=True, include_views=False) if table not in kept]
        quoted = [connection.ops.quote_name(table) for table in tables]
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(
                f"SELECT {i} WHERE EXISTS (SELECT 1 FROM {table})"  # noqa: S608 — our tables
                for i, table in enumerate(quoted)))
            return [f"DELETE FROM {quoted[i]};"  # noqa: S608 — our tables
                    for (i,) in cursor.fetchall()]

    flush.sql_flush = sql_delete_what_is_held


def pytest_configure(config):
    _one_request_at_a_time_on_shared_sqlite()
    _flush_only_the_tables_that_hold_rows()
    if chosen() == "redis" and (reason := redis_unreachable()):
        raise pytest.UsageError(f"OCOP_TASKS_BACKEND=redis: {reason}")
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
    hint; under CI they run (and fail) so that a missing browser cannot pass unnoticed.

    Replica tests need a streaming standby (DATABASE_REPLICA_URL). Without one they are left out
    of the run (deselected): .ci/run runs them on their own once it has started the standby
    (scripts/start-replica.sh), and `DATABASE_REPLICA_URL=… pytest -m replica` runs them by hand.

    Tests marked ``postgresql`` or ``sqlite`` (table partitions and their SQLite fallback) belong
    to one engine: the other engine's run leaves them out, and .ci/run runs both engines."""
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    other = "sqlite" if "postgresql" in engine else "postgresql"
    if other_engine := [item for item in items if item.get_closest_marker(other)]:
        config.hook.pytest_deselected(items=other_engine)
        items[:] = [item for item in items if not item.get_closest_marker(other)]

    if "replica" not in settings.DATABASES:
        # Left out of the run (deselected, not skipped: a skip reads as something missing);
        # .ci/run runs them once scripts/start-replica.sh has started a standby.
        replica_items = [item for item in items if item.get_closest_marker("replica")]
        config.hook.pytest_deselected(items=replica_items)
        items[:] = [item for item in items if not item.get_closest_marker("replica")]
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


@pytest.fixture(scope="session")
def _standby_has_test_database(django_db_setup, django_db_blocker):
    """The standby receives the test database the run just created through replication, which a
    busy primary may take a while to stream: wait until it has replayed that far, once."""
    from django.db import DatabaseError, connections

    with django_db_blocker.unblock():
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            lsn = cursor.fetchone()[0]
        deadline = time.monotonic() + 180
        while True:
            try:
                with connections["replica"].cursor() as cursor:
                    cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])
                    if cursor.fetchone()[0]:
                        break
            except DatabaseError:  # the database is not there yet
                connections["replica"].close()
            assert time.monotonic() < deadline, "the standby did not receive the test database"
            time.sleep(0.2)
        connections["replica"].close()


@pytest.fixture(autouse=True)
def _primary_reads_outside_replica_tests(request):
    """With a replica configured, ordinary tests still read from the primary: they run inside a
    transaction the standby never sees. Only tests marked ``replica`` exercise the router."""
    from ocop.core import replica

    if request.node.get_closest_marker("replica") and replica.configured():
        request.getfixturevalue("_standby_has_test_database")
    if request.node.get_closest_marker("replica") or not replica.configured():
        yield
        return
    with replica.reads_from_primary():
        yield


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache. Caches are keyed by database ids (the stamp
    directory, journeys, rate-limit counters), and tests roll back and reuse ids: a cached entry
    from an earlier test would describe another test's rows."""
    from django.core.cache import caches

    from ocop.trace import stampkeys

    for cache in caches.all(initialized_only=True):  # the fast path's pages too
        cache.clear()
    stampkeys.forget()  # the stamp keys each process holds in memory are a cache too


@pytest.fixture(autouse=True)
def _task_queue(request):
    """OCOP_TASKS_BACKEND=redis|db: every task goes through that real queue, run in-process as
    soon as it is enqueued (ocop/worker/testing.py); by default the immediate backend. Tests of
    a queue itself (fixtures ``redis_queue``, ``db_queue``) run its worker when they choose."""
    from ocop.worker import testing

    if chosen() == "immediate" or {"redis_queue", "db_queue"} & set(request.fixturenames):
        yield
        return
    if chosen() == "redis":
        testing.flush_redis()
    with testing.run_on_enqueue():
        yield


@pytest.fixture
def redis_queue(settings):
    """django.tasks on the test Redis (emptied), its worker run by the test; skipped with the
    reason when Redis is not reachable (.ci/run starts it)."""
    from django.tasks import task_backends

    from ocop.worker import testing

    if reason := testing.redis_unreachable():
        pytest.skip(reason)
    settings.TASKS = testing.tasks_setting("redis")
    settings.WORKER_LEASE_SECONDS = 30
    settings.WORKER_MAX_ATTEMPTS = 3
    testing.flush_redis()
    return task_backends["default"]


@pytest.fixture
def db_queue(settings):
    """django.tasks on the database queue (django-tasks-db), its worker run by the test."""
    settings.TASKS = tasks_setting("db")
    settings.WORKER_LEASE_SECONDS = 30
    settings.WORKER_MAX_ATTEMPTS = 3


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = settings.SENDFILE_ROOT = tmp_path / "media"
    settings.TASKS = tasks_setting(chosen())
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # The public rate limit counts in the process-wide cache, across tests; tests of the limit
    # set their own rate.
    settings.PUBLIC_RATE_LIMIT = settings.BROWSE_RATE_LIMIT = "100000/m"
    settings.FEED_RATE_LIMIT = "100000/h"
    # PBKDF2 at production strength costs ~0.3 s per hash; tests need thousands of them.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def phone(page):
    """The test's browser page at a phone's size (390 px), its console errors recorded
    (``ocop.core.browser_testing``)."""
    return as_phone(page)
