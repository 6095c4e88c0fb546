"""CPU per request of the public pages, in-process, through the WSGI application gunicorn runs.

    .venv/bin/python bench/scan_cpu_bench.py --database-url sqlite:////…/var/bench/trace-seed.sqlite3
    .venv/bin/python bench/scan_cpu_bench.py --database-url postgres://postgres@127.0.0.1:5432/…

Needs a seed made by ``bench/trace_bench.py --seed-only`` (1,000,000 stamps). Calls
``ocop.wsgi.application`` (the fast path in front of Django, as under gunicorn) with WSGI
environ dicts — no socket, no server — and reports ``time.process_time`` per request, the
median of ``--rounds`` rounds: a static file through WhiteNoise, ``/healthz``, the verify page
(replayed), and the scan page of ``--stamps`` random stamps (each a different stamp, so each is
a first scan, counted and buffered) with the fast path on (the direct lane), on without the
direct lane (the light stack) and off. Caches are warmed first with
other stamps of the same batches. This is the cost a page adds to what gunicorn and the
kernel cost every request (the HTTP figures come from ``trace_bench.py``, driven by wrk).
First, the scan's evidence read alone (``scan._earlier_scans``, µs of CPU per read, this
process's share only: a PostgreSQL server's own work is not in it) on the log the last
``trace_bench.py`` run left, before the log is emptied for the pages. Last, the same two for a
copied code: one stamp with more earlier scans than the evidence read takes, from many networks
over many days (the stamp of a counterfeit run, which shows as suspicious).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def _environ(path: str) -> dict:
    path, _, query = path.partition("?")
    return {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "HTTP_HOST": "127.0.0.1:8000",
            "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
            "HTTP_ACCEPT": "text/html", "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr,
            "wsgi.url_scheme": "http", "wsgi.version": (1, 0), "wsgi.multithread": False,
            "wsgi.multiprocess": True, "wsgi.run_once": False}


def _call(app, path: str) -> tuple[str, bytes]:
    status: list[str] = []
    result = app(_environ(path), lambda s, h, e=None: status.append(s))
    try:
        body = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()  # request_finished: connection housekeeping, as under gunicorn
    return status[0], body


def _cpu_ms(app, paths: list[str], expect: bytes) -> float:
    started = time.process_time()
    for path in paths:
        status, body = _call(app, path)
        assert status.startswith("200") and expect in body, (path, status, body[:300])
    return (time.process_time() - started) * 1000 / len(paths)


def copied_code(app, path: str, rounds: int, figures: dict[str, list[float]]) -> None:
    """A copied code: one stamp with more earlier scans in the window than the evidence read
    takes (SEEN_LIMIT), from 200 networks over 20 days, so that it shows as suspicious — the
    stamp of a counterfeit run, scanned by every buyer of the fakes. Its evidence read and its
    scan page, against the figures of ordinary stamps above; the rows are removed afterwards."""
    from django.utils import timezone

    from ocop.trace import scan, stamps
    from ocop.trace.models import Scan

    parsed, _signature, _kid = stamps.parse_uri(path)
    directory, _cached = scan._directory(parsed)
    batch = scan._batch(directory, parsed)
    now = timezone.now()
    Scan.objects.bulk_create(
        Scan(scanned_at=now - timedelta(minutes=50 * n), batch_id=batch.id, serial=parsed.serial,
             product_id=directory["product"]["id"], result=Scan.Result.OK,
             source=f"copied-{n % 200}")
        for n in range(1, scan.SEEN_LIMIT + 101))
    try:
        for _ in range(rounds + 1):
            now = timezone.now()
            started = time.process_time()
            for _ in range(300):
                scan._earlier_scans(batch.id, parsed.serial, now - scan.suspicious_window(), now)
            figures.setdefault("the evidence read alone, a copied code (µs)", []).append(
                (time.process_time() - started) * 1e6 / 300)
            figures.setdefault("scan page, a copied code", []).append(
                _cpu_ms(app, [path] * 300, "Có dấu hiệu hàng giả".encode()))
        for values in (figures["the evidence read alone, a copied code (µs)"],
                       figures["scan page, a copied code"]):
            values.pop(0)  # the first round warms the page copy
    finally:
        Scan.objects.filter(batch_id=batch.id, serial=parsed.serial).delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--stamps", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    import benchdb  # no Django in it: safe before setup

    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "ocop.settings", "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench-only-" + "x" * 40),
        "DJANGO_SECURE_SSL_REDIRECT": "false", "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING", **benchdb.NO_RATE_LIMITS,
        "DATABASE_URL": args.database_url})
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                   cwd=ROOT, check=True)
    import django

    django.setup()
    import trace_bench
    from django.conf import settings
    from django.utils import timezone

    from ocop.certificates.models import Certificate
    from ocop.trace import scan, scanlog
    from ocop.trace.models import Scan, StampBatch
    from ocop.wsgi import application

    figures: dict[str, list[float]] = {}
    # The evidence read alone, on the log the last trace_bench run left (1,000,000 earlier
    # scans), before it is emptied for the page measures below.
    batches = list(StampBatch.objects.values_list("pk", "first_serial", "count"))
    rng = random.Random(5)
    reads = [(pk, rng.randint(first, first + count - 1))
             for pk, first, count in (rng.choice(batches) for _ in range(args.stamps))]
    for _ in range(args.rounds + 1):  # the first round warms the connection and the pages
        now = timezone.now()
        started = time.process_time()
        for batch_id, serial in reads:
            scan._earlier_scans(batch_id, serial, now - scan.suspicious_window(), now)
        figures.setdefault("the evidence read alone (µs)", []).append(
            (time.process_time() - started) * 1e6 / len(reads))
    figures["the evidence read alone (µs)"].pop(0)
    Scan.objects.all().delete()
    paths = trace_bench._stamp_paths(args.stamps * (args.rounds + 1) + 500)
    warm, rest = paths[:500], paths[500:]
    verify = f"/verify/{Certificate.objects.order_by('pk').first().number}"
    manifest = json.loads((Path(settings.STATIC_ROOT) / "staticfiles.json").read_text())
    static = settings.STATIC_URL + next(v for v in manifest["paths"].values()
                                        if v.endswith(".css"))
    for path in warm:
        _call(application, path)
    _call(application, verify)

    def measure(name: str, page_paths: list[str], expect: bytes) -> None:
        figures.setdefault(name, []).append(_cpu_ms(application, page_paths, expect))

    for r in range(args.rounds):
        chunk = rest[r * args.stamps:(r + 1) * args.stamps]
        measure("static file (WhiteNoise)", [static] * 2000, b"")
        measure("/healthz", ["/healthz"] * 2000, b"")
        measure("verify page (replayed)", [verify] * 2000, b"verdict-valid")
        third = len(chunk) // 3
        settings.FASTPATH_ENABLED = True
        measure("scan page, fast path on (direct lane)", chunk[:third], b"data-result")
        settings.FASTPATH_DIRECT_LANE = False
        measure("scan page, direct lane off (light stack)", chunk[third:2 * third],
                b"data-result")
        settings.FASTPATH_DIRECT_LANE = True
        settings.FASTPATH_ENABLED = False
        measure("scan page, fast path off (full stack)", chunk[2 * third:], b"data-result")
        settings.FASTPATH_ENABLED = True
    scanlog.flush()
    copied_code(application, rest[-1], args.rounds, figures)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"database {django.db.connection.vendor}; {args.stamps} stamps per round, "
          f"{args.rounds} rounds; load average after {load}; {benchdb.interpreter()}")
    for name, values in figures.items():
        unit = "µs" if name.endswith("(µs)") else "ms"
        print(f"  {name.removesuffix(' (µs)'):42} {statistics.median(values):.3f} {unit} CPU "
              f"(rounds: {', '.join(f'{v:.3f}' for v in values)})")


if __name__ == "__main__":
    main()
