"""The database a benchmark runs against: a fresh SQLite file under var/bench/, or a throw-away
PostgreSQL database named in the URL (created first, dropped at the end), migrated and loaded
with the administrative map and the product classification."""

from __future__ import annotations

import io
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent


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


@contextmanager
def bench_database(url: str | None, *, sqlite_name: str) -> Iterator[None]:
    """Boot Django on a fresh benchmark database; drop a PostgreSQL one afterwards."""
    url, drop = _prepare(url, sqlite_name)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocop.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    # Production-like request handling (no debug query log, no template debug info); set after
    # settings load so that static files still resolve without collectstatic.
    settings.DEBUG = False
    try:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        call_command("load_units", stdout=io.StringIO())
        call_command("load_classification", stdout=io.StringIO())
        print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; "
              f"migrate + map + classification in {time.perf_counter() - started:.1f} s")
        yield
    finally:
        if drop:
            _drop_postgres(url, drop)
