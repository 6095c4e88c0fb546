"""Read replica under load: the standby is stopped and restarted while read pages are served.

    .venv/bin/python bench/replica_bench.py                  # 60 s: 20 before, 20 down, 20 after
    .venv/bin/python bench/replica_bench.py --duration 15    # a quick run

Steps:
1. starts the local streaming standby (scripts/start-replica.sh: cluster "replica" on
   127.0.0.1:5433) and creates a throw-away database on the primary (``--database-url``), which
   the standby receives; migrates it and records one supply chain with a 4★ certificate and
   10,000 stamps through the real services (bench/trace_bench.py), plus an inspector;
2. starts gunicorn (``--workers`` sync workers, DEBUG off) with ``DATABASE_REPLICA_URL`` naming
   the standby, and drives three read pages from ``--connections`` client threads, each request
   timed and its status kept: the public certificate verification page, the public stamp scan
   page (which also logs the scan on the primary) and the inspector's producer list;
3. stops the standby with ``pg_ctlcluster … replica stop -m fast`` after a third of
   ``--duration``, starts it again a third later (counted from the completed stop) and keeps the
   load on for a last third;
4. prints requests, errors (anything but 200, or no answer) and p50/p99 before, during and after
   the outage, the fallbacks the workers logged, and how long after the restart the standby
   served reads again (its ``pg_stat_database`` transactions climbing back to a quarter of their
   rate before the outage).

Client threads rather than wrk: every request needs its own timestamp to be put in its phase and
every error counted; the rate is not the figure here (bench/trace_bench.py measures rates).
The standby is left running if it was running before, stopped otherwise
(scripts/stop-replica.sh, which also drops its replication slot).
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import benchdb  # noqa: E402

REPLICA_PORT = 5433
PAGES = ("verify", "scan", "staff list")


def _log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", flush=True)


def pg_version() -> str:
    return sorted(os.listdir("/etc/postgresql"), key=lambda v: [int(p) for p in v.split(".")])[-1]


def _pg_ctl(action: str) -> None:
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    cmd = [*sudo, "pg_ctlcluster", "--skip-systemctl-redirect", pg_version(), "replica", action]
    if action == "stop":
        cmd += ["-m", "fast"]
    else:
        # Do not wait for it to accept connections: after an outage on a busy primary it may
        # replay a gigabyte of WAL first, and the load and the monitor go on meanwhile.
        cmd += ["--", "-W"]
    subprocess.run(cmd, check=True, capture_output=True)  # noqa: S603


def replica_running() -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", REPLICA_PORT)) == 0


def seed(stamps: int = 10_000) -> dict:
    """One supply chain with a certificate and ``stamps`` stamps, and an inspector of its
    province: the paths of the three pages and the inspector."""
    import trace_bench

    from ocop.accounts.models import Role, User
    from ocop.certificates.models import Certificate
    from ocop.trace import stamps as stamp_uris
    from ocop.trace.models import StampBatch
    from ocop.units.models import Unit

    chain = trace_bench.setup_chain()
    trace_bench.seed_stamps(chain, stamps)
    number = Certificate.objects.get(product=chain["product"]).number
    rng = random.Random(5)
    scans = []
    for batch in rng.sample(list(StampBatch.objects.select_related("lot")), 20):
        uri = stamp_uris.stamp_uri(trace_bench.GTIN, batch.product_id, batch.lot.code,
                                   rng.randint(batch.first_serial, batch.last_serial))
        scans.append("/" + uri.split("://", 1)[1].split("/", 1)[1])
    inspector = User.objects.create_user(username="bench-inspector", password="x-Bench-12345",
                                         role=Role.INSPECTOR, unit=Unit.objects.get(pk="P24"))
    return {"paths": {"verify": [f"/verify/{number}"], "scan": scans,
                      "staff list": ["/chu-the/"]},
            "inspector": inspector}


def session_cookie(user) -> str:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


@dataclass(frozen=True)
class Sample:
    at: float  # seconds since the load started
    ms: float
    status: int  # 0: no answer
    page: str


def drive(port: int, paths: dict[str, list[str]], cookie: str, stop: threading.Event,
          connections: int, started: float, limit: float = 3600) -> list[Sample]:
    """``connections`` threads with a keep-alive connection each, going round the pages until
    ``stop`` is set (or ``limit`` seconds, a bound should the controller die)."""
    samples: list[Sample] = []
    lock = threading.Lock()
    deadline = started + limit

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        for i in range(10_000_000):  # bounded; the stop event ends it first
            now = time.monotonic()
            if stop.is_set() or now >= deadline:
                break
            page = PAGES[(seed + i) % len(PAGES)]
            headers = {"Cookie": cookie} if page == "staff list" else {}
            try:
                conn.request("GET", rng.choice(paths[page]), headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                status = 0
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            mine.append(Sample(now - started, (time.monotonic() - now) * 1000, status, page))
        conn.close()
        with lock:
            samples.extend(mine)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return samples


def summarise(samples: list[Sample], down_at: float, back_at: float) -> dict[str, dict]:
    """Requests, errors, p50 and p99 before the stop, while down, and after the restart."""
    phases = {"before": [], "during": [], "after": []}
    for s in samples:
        phase = "before" if s.at < down_at else "during" if s.at < back_at else "after"
        phases[phase].append(s)
    out = {}
    for name, rows in phases.items():
        latencies = [s.ms for s in rows]
        out[name] = {
            "requests": len(rows),
            "errors": sum(1 for s in rows if s.status != 200),
            "p50_ms": benchdb.percentile(latencies, 50) if rows else 0.0,
            "p99_ms": benchdb.percentile(latencies, 99) if rows else 0.0,
        }
    return out


def replica_transactions(dbname: str) -> int | None:
    """Transactions the standby has run in ``dbname`` (read-only ones: the app's reads), or None
    while it is down."""
    import psycopg

    try:
        with psycopg.connect(host="127.0.0.1", port=REPLICA_PORT, user="postgres",
                             dbname="postgres", connect_timeout=1) as conn:
            row = conn.execute("SELECT xact_commit + xact_rollback FROM pg_stat_database "
                               "WHERE datname = %s",
                               [dbname]).fetchone()
    except psycopg.OperationalError:
        return None
    return int(row[0]) if row else None


def return_seconds(monitor: list[tuple[float, int | None]], down_at: float,
                   back_at: float) -> float | None:
    """Seconds from the restart until the standby's transaction rate is back to a quarter of
    its rate before the stop; None if it never was within the run."""
    def rate(a: tuple[float, int | None], b: tuple[float, int | None]) -> float | None:
        if a[1] is None or b[1] is None or b[1] < a[1] or b[0] <= a[0]:
            return None  # down, or its counters restarted with it
        return (b[1] - a[1]) / (b[0] - a[0])

    before = [s for s in monitor if s[0] < down_at and s[1] is not None]
    if len(before) < 2:
        return None
    usual = rate(before[0], before[-1]) or 0.0
    after = [s for s in monitor if s[0] >= back_at]
    for a, b in itertools.pairwise(after):
        r = rate(a, b)
        if r is not None and r >= usual / 4 and r > 0:
            return max(0.0, a[0] - back_at)
    return None


def _wait_replayed(timeout: float = 60) -> None:
    """Until the standby has replayed everything the primary has written so far."""
    import psycopg
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        lsn = cursor.fetchone()[0]
    deadline = time.time() + timeout
    with psycopg.connect(host="127.0.0.1", port=REPLICA_PORT, user="postgres",
                         dbname="postgres", autocommit=True) as conn:
        while not conn.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn",
                               [lsn]).fetchone()[0]:
            if time.time() > deadline:
                raise RuntimeError("the standby did not catch up")
            time.sleep(0.1)


def run(args: argparse.Namespace, url: str, env: dict) -> list[tuple[str, str]]:
    import django

    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    world = seed()
    cookie = session_cookie(world["inspector"])
    _wait_replayed()
    _log(f"migrated and seeded in {time.perf_counter() - started:.0f} s; the standby has it")

    dbname = urlsplit(url).path.lstrip("/")
    env = {**env, "DATABASE_REPLICA_URL": f"postgres://postgres@127.0.0.1:{REPLICA_PORT}/{dbname}"}
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                   cwd=ROOT, env=env, check=True)
    port = benchdb.free_port()
    log = tempfile.NamedTemporaryFile("w+", suffix=".log", prefix="replica-bench-")  # noqa: SIM115
    server = subprocess.Popen(  # noqa: S603
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "ocop.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(args.workers), "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    monitor: list[tuple[float, int | None]] = []
    events: list[tuple[float, str]] = []  # the workers' replica log lines, stamped when seen
    try:
        benchdb.wait_for(f"http://127.0.0.1:{port}/healthz")
        # The phases last a third of --duration each, counted from when the stop and the start
        # have completed: a standby's fast shutdown (it writes a restartpoint) takes seconds.
        phase = args.duration / 3
        load_started = time.monotonic()
        stop = threading.Event()
        results: list[Sample] = []
        load = threading.Thread(target=lambda: results.extend(drive(
            port, world["paths"], cookie, stop, args.connections, load_started)))
        load.start()
        down_at = back_at = None
        stopped = None
        reader = open(log.name, encoding="utf-8")  # noqa: SIM115 — closed below
        try:
            while True:
                now = time.monotonic() - load_started
                monitor.append((now, replica_transactions(dbname)))
                events += [(now, line) for line in reader.read().splitlines()
                           if "replica " in line]
                if down_at is None and now >= phase:
                    down_at = now
                    _pg_ctl("stop")
                    stopped = time.monotonic() - load_started
                    _log(f"standby stopped at {down_at:.1f} s (took {stopped - now:.1f} s)")
                elif back_at is None and stopped is not None and now >= stopped + phase:
                    _pg_ctl("start")
                    back_at = time.monotonic() - load_started
                    _log(f"standby started at {now:.1f} s (took {back_at - now:.1f} s)")
                elif back_at is not None and now >= back_at + phase:
                    break
                time.sleep(0.25)
        finally:
            stop.set()
            load.join()
            reader.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
        if not replica_running():
            _pg_ctl("start")  # the caller's state is restored by main()
    log.seek(0)
    lines = log.read().splitlines()
    log.close()
    phases = summarise(results, down_at, back_at)
    back = return_seconds(monitor, down_at, back_at)
    rows = [("server", f"gunicorn, {args.workers} sync workers; {args.connections} client "
                       f"threads; pages: {', '.join(PAGES)}"),
            ("timeline", f"standby stopped at {down_at:.1f} s (down from {stopped:.1f} s), "
                         f"started again at {back_at:.1f} s, load ended at "
                         f"{max(s.at for s in results):.1f} s")]
    for name, label in (("before", "before the stop"), ("during", "standby down"),
                        ("after", "after the restart")):
        p = phases[name]
        rows.append((label, f"{p['requests']:,} requests, {p['errors']} errors, "
                            f"p50 {p['p50_ms']:.1f} ms, p99 {p['p99_ms']:.1f} ms"))
    rows += [
        ("errors in all", f"{sum(p['errors'] for p in phases.values())} "
                          f"of {len(results):,} requests"),
        ("workers' log", f"{sum('reads fall back to the primary' in x for x in lines)} fallbacks, "
                         f"{sum('answered again from the primary' in x for x in lines)} requests "
                         f"answered again, "
                         f"{sum('reads return to it' in x for x in lines)} returns to the standby"),
        ("reads back on the standby", "not within the run" if back is None
         else f"{back:.1f} s after it was started again (its transaction rate)"),
        ("workers back on the standby", ", ".join(
            f"{t - back_at:.1f} s" for t, line in events
            if t >= back_at and "reads return to it" in line) + " after the restart"),
        ("server errors logged", str(sum("Internal Server Error" in x for x in lines))),
    ]
    rows += [(f"log at {t:5.1f} s", line[:110]) for t, line in events]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url",
                        default="postgres://postgres@127.0.0.1:5432/ocop_replica_bench",
                        help="postgres://…/<throwaway db> on the primary (created, dropped)")
    parser.add_argument("--duration", type=int, default=60,
                        help="seconds of load in all: a third before, during, after the outage")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    if not shutil.which("pg_ctlcluster") or urlsplit(args.database_url).port not in (None, 5432):
        raise SystemExit("needs Debian's PostgreSQL with the primary on 127.0.0.1:5432")

    was_running = replica_running()
    subprocess.run(["bash", str(ROOT / "scripts" / "start-replica.sh")], check=True)  # noqa: S603, S607
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "ocop.settings", "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": env.get("DJANGO_SECRET_KEY", "bench-only-" + "x" * 40),
        "OCOP_LOCAL_DEMO": "true", "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "INFO", "CACHE_URL": "locmemcache://",
        **benchdb.NO_RATE_LIMITS,
    })
    env.pop("DATABASE_REPLICA_URL", None)  # the seeding process reads from the primary
    try:
        with benchdb.throwaway_database(args.database_url, sqlite_name="unused") as url:
            env["DATABASE_URL"] = url
            os.environ.update(env)
            rows = run(args, url, env)
    finally:
        if not was_running:
            subprocess.run(["bash", str(ROOT / "scripts" / "stop-replica.sh")], check=True)  # noqa: S603, S607
    benchdb.print_measures(rows, value_width=60)


if __name__ == "__main__":
    main()
