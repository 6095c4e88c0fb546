"""What the benchmarks share: the database they run against (a fresh SQLite file under
var/bench/, or a throw-away PostgreSQL database named in the URL, created first and dropped at
the end), the timed request loop with its percentiles, the printing of a measures table, and
the port and start-up wait of the servers the benches start on loopback."""

from __future__ import annotations

import io
import os
import platform
import socket
import statistics
import sys
import sysconfig
import time
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent

# A bench drives the server from one address: lift every per-client budget of
# ocop.accounts.throttle.BUDGETS (bench/test_benchdb.py holds the two lists equal), or the pages
# behind one answer 429 after a few dozen requests and go unmeasured. As settings or environment.
NO_RATE_LIMITS = {"PUBLIC_RATE_LIMIT": "1000000000/m", "BROWSE_RATE_LIMIT": "1000000000/m",
                  "FEED_RATE_LIMIT": "1000000000/h"}


def _admin_conninfo(url: str) -> str:
    """The same server, database "postgres": where CREATE/DROP DATABASE are issued."""
    return urlsplit(url)._replace(scheme="postgresql", path="/postgres").geturl()


def _drop_statement(name: str):
    from psycopg import sql

    return sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))


def _prepare(url: str | None, sqlite_name: str) -> tuple[str, str | None]:
    """Return (DATABASE_URL to use, PostgreSQL database to drop at the end or None)."""
    if not url:
        path = ROOT / "var" / "bench" / sqlite_name
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}", None
    if urlsplit(url).scheme.startswith("sqlite"):
        return url, None
    import psycopg
    from psycopg import sql

    name = urlsplit(url).path.lstrip("/")
    if not name:
        raise SystemExit("--database-url must name the throw-away database")
    with psycopg.connect(_admin_conninfo(url), autocommit=True) as conn:
        conn.execute(_drop_statement(name))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return url, name


def _drop_postgres(url: str, name: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(_admin_conninfo(url), autocommit=True) as conn:
        conn.execute(_drop_statement(name))


def ensure_database(url: str) -> None:
    """Create the database of ``url`` when it does not exist yet (kept seeds: nothing dropped)."""
    if urlsplit(url).scheme.startswith("sqlite"):
        Path(urlsplit(url).path).parent.mkdir(parents=True, exist_ok=True)
        return
    import psycopg
    from psycopg import sql

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(_admin_conninfo(url), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


@contextmanager
def throwaway_database(url: str | None, *, sqlite_name: str) -> Iterator[str]:
    """The DATABASE_URL of a fresh, empty database (not migrated, Django not booted): for
    benchmarks that set up Django themselves; a PostgreSQL one is dropped afterwards."""
    url, drop = _prepare(url, sqlite_name)
    try:
        yield url
    finally:
        if drop:
            _drop_postgres(url, drop)


@contextmanager
def bench_database(url: str | None, *, sqlite_name: str) -> Iterator[None]:
    """Boot Django on a fresh benchmark database, migrated and loaded with the administrative
    map and the product classification; drop a PostgreSQL one afterwards."""
    with throwaway_database(url, sqlite_name=sqlite_name) as url:
        os.environ["DATABASE_URL"] = url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocop.settings")
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection

        # Production-like request handling (no debug query log, no template debug info); set
        # after settings load so that static files still resolve without collectstatic.
        settings.DEBUG = False
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        call_command("load_units", stdout=io.StringIO())
        call_command("load_classification", stdout=io.StringIO())
        print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; "
              f"migrate + map + classification in {time.perf_counter() - started:.1f} s")
        yield


def percentile(values: list[float], pct: float) -> float:
    """The nearest-rank percentile (``pct`` in 0–100) of ``values``."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


@dataclass(frozen=True)
class Timing:
    p50_ms: float
    p95_ms: float
    queries: int  # the most seen in any one request


def time_get(client: Any, url: str, requests: int, who: str) -> Timing:
    """GET ``url`` ``requests`` times with a Django test client after one warm-up request
    (session, caches, first template compile): p50/p95 milliseconds and SQL queries per
    request. Any answer but 200 stops the benchmark: a timed error page measures nothing."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} as {who}: HTTP {response.status_code}")
    times: list[float] = []
    queries = 0
    for _ in range(requests):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} as {who}: HTTP {response.status_code}")
        queries = max(queries, len(page_queries(ctx.captured_queries)))
    return Timing(statistics.median(times), percentile(times, 95), queries)


# Statements that are not the page's work: the session's "last seen" stamp is rewritten at most
# once a minute (ocop/accounts/session_limits.py, an UPDATE in its own transaction), so a slow
# series of requests would count it in some of them and a fast one not.
_NOT_THE_PAGE = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


def page_queries(captured: list[dict]) -> list[dict]:
    """The queries of the request itself, without the clock-driven session write."""
    return [q for q in captured
            if "django_session" not in q["sql"] and not q["sql"].startswith(_NOT_THE_PAGE)]


def query_growth(rows: Iterable[Any], key: Callable[[Any], str]) -> list[str]:
    """Measurements (rows with ``size`` and ``queries``) whose query count at the largest size
    exceeds the one at the smallest, for the same ``key`` (who asked for what): the rule every
    benchmark exits 1 on."""
    rows = list(rows)
    sizes = sorted({r.size for r in rows})
    small = {key(r): r.queries for r in rows if r.size == sizes[0]}
    return [f"{key(r)}: {small[key(r)]} → {r.queries} queries" for r in rows
            if r.size == sizes[-1] and r.queries > small.get(key(r), r.queries)]


def print_measures(rows: Iterable[tuple[str, str]], *, value_width: int,
                   out: TextIO = sys.stdout) -> None:
    """A two-column "measure / value" table."""
    rows = list(rows)
    width = max(len(k) for k, _ in rows)
    out.write(f"{'measure'.ljust(width)}  value\n")
    out.write(f"{'-' * width}  {'-' * value_width}\n")
    for key, value in rows:
        out.write(f"{key.ljust(width)}  {value}\n")


def interpreter() -> str:
    """The Python that runs the bench and its servers (the same venv), and how it was built: a
    build without profile-guided and link-time optimisation (pyenv's default, as on these
    machines) runs the same Python code noticeably slower than distribution and container builds,
    which moves every ratio of a Python page to a static file."""
    config = sysconfig.get_config_var("CONFIG_ARGS") or ""
    built = [name for flag, name in (("--enable-optimizations", "PGO"), ("--with-lto", "LTO"))
             if flag in config]
    return (f"{platform.python_implementation()} {platform.python_version()}, "
            + (f"built with {' and '.join(built)}" if built else "built without PGO or LTO"))


def free_port() -> int:
    """A free port on loopback for a server the bench starts."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, timeout: float = 60) -> None:
    """Wait until the bench's own server answers ``url`` (a loaded machine boots Django slowly)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()  # noqa: S310 — our loopback server
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the server did not answer on {url}")
