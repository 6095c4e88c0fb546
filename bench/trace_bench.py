"""Traceability benchmark: 1,000,000 stamps, 5,000,000 events, the public scan page under gunicorn.

    .venv/bin/python bench/trace_bench.py                      # SQLite (a fresh file in var/bench/)
    .venv/bin/python bench/trace_bench.py --database-url postgres://postgres@127.0.0.1:5432/ocop_trace_bench
    .venv/bin/python bench/trace_bench.py --events 200000 --duration 5   # a quick run

Steps, on a fresh database:
1. one supply chain through the real services (zone → harvest → processing → packing → shipping,
   a 4★ certificate), so the scan page has a full journey to show;
2. seeds ``--stamps`` stamps (default 1,000,000) as 100 batches over 10 lots of that product,
   each batch activated, plus 1,000 voided ranges — batch + exception rows, no row per stamp;
3. seeds ``--events`` EPCIS events (default 5,000,000), each with its EPC index row, in bulk
   (SQLite: executemany in one transaction per chunk; PostgreSQL: COPY);
4. (a) starts gunicorn on 127.0.0.1 (a free port, 2 sync workers, DEBUG off) and drives, with
   ``wrk`` (installed through scripts/ensure-system-packages.sh when missing), scan URIs of
   random stamps, then a static file of the same size through the same server (WhiteNoise),
   then the certificate verify page and a static file of its size — requests/s, p50/p99, the
   page ÷ static ratio, and each page with one connection (service time without queueing);
   (b) captures one 10,000-event document through ``capture.capture`` and inserts the same rows
   with a plain bulk insert — the ratio;
   (c) one scan-log INSERT against enqueueing a django.tasks job (database backend) — why the
   scan log is written directly.

The PostgreSQL database named in the URL is created first and dropped at the end
(``benchdb.throwaway_database``).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import benchdb  # noqa: E402
from epcis_bench import build_document  # noqa: E402

GTIN = "8930000000019"
BATCHES = 100
LOTS = 10
CHUNK = 50_000


def _log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", flush=True)


def setup_chain() -> dict:
    """A producer, a product with a GTIN and its supply chain through the real services."""
    from django.core.management import call_command

    from ocop.accounts.models import Role, User
    from ocop.certificates import services as certificates
    from ocop.registry import services as registry
    from ocop.registry.models import LegalForm, ProductGroup, ProductSet
    from ocop.trace import services
    from ocop.units.models import Unit

    call_command("load_units", provinces="24", verbosity=0)
    # get_or_create: the stamp sheet bench calls this on a database with the classification.
    group, _ = ProductGroup.objects.get_or_create(code="1", defaults={"name_vi": "Thực phẩm"})
    product_set, _ = ProductSet.objects.get_or_create(
        code="1048-01", defaults={"group": group, "name_vi": "Rau, củ, quả, hạt tươi"})
    producer = registry.create_producer(actor=None, data={
        "legal_form": LegalForm.COOPERATIVE, "name": "HTX Vải thiều Lục Ngạn",
        "tax_code": "0100109106", "commune": Unit.objects.get(pk="C07582"),
        "representative_name": "Nguyễn Văn A"})
    user = User.objects.create_user(username="bench-producer", password="x-Bench-12345",
                                    role=Role.PRODUCER, producer=producer)
    admin = User.objects.create_user(username="bench-admin", password="x-Bench-12345",
                                     role=Role.ADMIN)
    fruit = registry.create_product(actor=None, producer=producer, data={
        "name": "Vải thiều tươi", "product_set": product_set})
    dried = registry.create_product(actor=None, producer=producer, data={
        "name": "Vải sấy khô Lục Ngạn", "product_set": product_set, "gtin": GTIN})
    square = {"type": "Polygon", "coordinates": [[
        [106.5500, 21.3800], [106.5512, 21.3800], [106.5512, 21.3811], [106.5500, 21.3811],
        [106.5500, 21.3800]]]}
    zone = services.create_zone(actor=user, producer=producer, products=[fruit], data={
        "code": "VN-24-219-07591-001-23", "name": "Vùng vải Đồng Cốc", "crop": "Vải thiều",
        "crop_kind": "perennial", "declared_area_ha": "1.5", "boundary": square})
    t0 = datetime(2025, 6, 10, 0, 0, tzinfo=UTC)
    harvest = services.record_harvest(actor=user, zone=zone, product=fruit, lot_code="VT-01",
                                      harvested_at=t0, quantity=Decimal(50_000), unit="kg")
    lots = []
    for i in range(LOTS):
        lot = services.record_transformation(
            actor=user, inputs=[(harvest, Decimal(1000))], product=dried,
            lot_code=f"VS-{i:02d}", produced_at=t0 + timedelta(days=5, hours=i),
            quantity=Decimal(100_000), unit="hộp")
        services.ship(actor=user, lot=lot, shipped_at=t0 + timedelta(days=7, hours=i),
                      destination="Siêu thị OCOP Hà Nội")
        lots.append(lot)
    decision = certificates.create_decision(
        actor=None, number="56/QĐ-UBND", date=date(2025, 9, 1), signer_name="Lê Văn Tỉnh",
        signer_title="Phó Chủ tịch", level="province", issuing_unit=Unit.objects.get(pk="P24"))
    certificates.issue_certificate(actor=None, decision=decision, product=dried, stars=4,
                                   total_score=Decimal("78.50"), issued_on=date(2025, 9, 1),
                                   today=date(2025, 9, 1))
    return {"user": user, "admin": admin, "product": dried, "lots": lots}


def seed_stamps(chain: dict, total: int) -> tuple[float, int]:
    """``total`` stamps as BATCHES batches over the lots, activated, with 1,000 voided ranges."""
    from django.db import transaction

    from ocop.trace.models import StampBatch, StampRange

    started = time.perf_counter()
    per_batch = total // BATCHES
    product, lots, user = chain["product"], chain["lots"], chain["user"]
    with transaction.atomic():
        batches = StampBatch.objects.bulk_create([
            StampBatch(product=product, lot=lots[b % LOTS], first_serial=1 + b * per_batch,
                       count=per_batch, created_by=user) for b in range(BATCHES)])
        ranges = [StampRange(batch=b, first=b.first_serial, last=b.last_serial,
                             state=StampRange.State.ACTIVE, created_by=user) for b in batches]
        rng = random.Random(3)
        for _ in range(1_000):
            b = batches[rng.randrange(BATCHES)]
            first = rng.randrange(b.first_serial, b.last_serial - 10)
            ranges.append(StampRange(batch=b, first=first, last=first + 9, reason="bench",
                                     state=StampRange.State.VOID, created_by=user))
        StampRange.objects.bulk_create(ranges, batch_size=1000)
    return time.perf_counter() - started, StampRange.objects.count()


def seed_events(total: int, admin) -> float:
    """``total`` ObjectEvents with one EPC row each, inserted in bulk (no model instances)."""
    from django.db import connection, transaction

    from ocop.trace.models import CaptureJob

    job = CaptureJob.objects.create(owner=admin, status=CaptureJob.Status.SUCCEEDED)
    capture_id = job.pk.hex if connection.vendor == "sqlite" else str(job.pk)
    base = datetime(2024, 1, 1, tzinfo=UTC)
    started = time.perf_counter()
    event_cols = ("id, capture_id, event_id, error_declared, event_type, event_time, "
                  "record_time, action, biz_step, disposition, read_point, biz_location, "
                  "producer_id, province_id, commune_id, data")
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM trace_epcisevent")
        next_id = cursor.fetchone()[0] + 1
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM trace_eventepc")
        next_epc_id = cursor.fetchone()[0] + 1
    for start in range(0, total, CHUNK):
        events, epcs = [], []
        for i in range(start, min(start + CHUNK, total)):
            moment = base + timedelta(seconds=i * 7)
            epc = f"https://id.gs1.org/01/08930000000026/21/E{i}"
            data = json.dumps({
                "type": "ObjectEvent", "eventTime": moment.isoformat(),
                "eventTimeZoneOffset": "+07:00", "epcList": [epc], "action": "OBSERVE",
                "bizStep": "shipping", "readPoint": {"id": "https://id.gs1.org/414/8930000000019"},
            })
            pk = next_id + i
            stamp = moment.isoformat() if connection.vendor != "sqlite" else \
                moment.strftime("%Y-%m-%d %H:%M:%S")
            events.append((pk, capture_id, f"urn:uuid:{uuid.UUID(int=pk)}", False,
                           "ObjectEvent", stamp, stamp, "OBSERVE",
                           "https://ref.gs1.org/cbv/BizStep-shipping", "",
                           "https://id.gs1.org/414/8930000000019", "", None, "P24", None, data))
            epcs.append((next_epc_id + i, pk, "epc", epc, "https://id.gs1.org/01/08930000000026",
                         stamp))
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                raw = cursor.cursor  # the psycopg cursor: COPY is the bulk path on PostgreSQL
                with raw.copy(f"COPY trace_epcisevent ({event_cols}) FROM STDIN") as copy:
                    for row in events:
                        copy.write_row(row)
                with raw.copy("COPY trace_eventepc (id, event_id, kind, epc, epc_class, "
                              "event_time) FROM STDIN") as copy:
                    for row in epcs:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * 16)
                cursor.executemany(
                    f"INSERT INTO trace_epcisevent ({event_cols}) VALUES ({marks})",  # noqa: S608
                    events)
                cursor.executemany("INSERT INTO trace_eventepc (id, event_id, kind, epc, "
                                   "epc_class, event_time) VALUES (%s, %s, %s, %s, %s, %s)", epcs)
        done = min(start + CHUNK, total)
        if done % (10 * CHUNK) == 0 or done == total:
            rate = done / (time.perf_counter() - started)
            _log(f"  events: {done:,} / {total:,} ({rate:,.0f}/s)")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in ("trace_epcisevent", "trace_eventepc"):
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                               f"(SELECT MAX(id) FROM {table}))")
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def measure_capture(admin) -> dict:
    """(b) one 10,000-event document through capture, then the same rows by plain bulk insert."""
    from django.db import transaction

    from ocop.trace import capture
    from ocop.trace.epcis import validation
    from ocop.trace.models import EpcisEvent, EventEpc

    validation.validate(build_document(1))  # compile outside the timing
    doc = build_document(10_000)
    started = time.perf_counter()
    validation.validate(doc)
    t_validate = time.perf_counter() - started
    started = time.perf_counter()
    result = capture.capture(document=doc, actor=admin)
    t_capture = time.perf_counter() - started
    job = result.job
    event_rows = list(EpcisEvent.objects.filter(capture=job).values())
    epc_rows = list(EventEpc.objects.filter(event__capture=job).values())
    EventEpc.objects.filter(event__capture=job).delete()
    EpcisEvent.objects.filter(capture=job).delete()
    started = time.perf_counter()
    with transaction.atomic():
        EpcisEvent.objects.bulk_create([EpcisEvent(**r) for r in event_rows], batch_size=1000)
        EventEpc.objects.bulk_create([EventEpc(**r) for r in epc_rows], batch_size=2000)
    t_bulk = time.perf_counter() - started
    return {"validate": t_validate, "capture": t_capture, "bulk": t_bulk}


def measure_log_write(n: int = 2_000) -> dict:
    """(c) the scan log: one INSERT per scan against enqueueing a task per scan."""
    from django.db import transaction
    from django.utils import timezone

    from ocop.trace.models import Scan
    from ocop.trace.tasks import process_capture

    started = time.perf_counter()
    for i in range(n):
        Scan.objects.create(scanned_at=timezone.now(), serial=i, result="ok")
    t_insert = (time.perf_counter() - started) / n
    started = time.perf_counter()
    for _ in range(n):
        with transaction.atomic():  # on_commit as a view would do it
            transaction.on_commit(lambda: process_capture.enqueue(str(uuid.uuid4())))
    t_enqueue = (time.perf_counter() - started) / n
    Scan.objects.filter(result="ok", batch__isnull=True).delete()
    return {"insert_ms": t_insert * 1000, "enqueue_ms": t_enqueue * 1000}


def ensure_wrk() -> str:
    """wrk drives every HTTP figure (a Python client saturates first and flatters the ratio):
    installed through scripts/ensure-system-packages.sh when missing."""
    if not shutil.which("wrk"):
        subprocess.run(["bash", str(ROOT / "scripts" / "ensure-system-packages.sh"), "wrk"],  # noqa: S603, S607
                       check=True)
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is missing and could not be installed (apt-get install wrk)")
    return wrk


def _drive_wrk(base: str, paths: list[str], duration: int, connections: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write("paths = {" + ",".join(json.dumps(p) for p in paths) + "}\n"
                     "math.randomseed(7)\n"
                     "request = function()\n"
                     "  return wrk.format('GET', paths[math.random(#paths)])\nend\n")
    threads = min(2, connections)
    out = subprocess.run(  # noqa: S603
        [ensure_wrk(), f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency",
         "-s", script.name, base], capture_output=True, text=True, check=True).stdout
    os.unlink(script.name)

    def percentile(name: str) -> float:
        found = re.search(rf"{name}%\s+([\d.]+)(us|ms|s)\b", out)
        return float(found.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[found.group(2)]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    requests = re.search(r"(\d+) requests in", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50_ms": percentile("50"), "p99_ms": percentile("99"),
            "requests": int(requests.group(1)) if requests else 0,
            "non_2xx": int(errors.group(1)) if errors else 0}


def _stamp_paths(sample: int) -> list[str]:
    from ocop.trace import stamps
    from ocop.trace.models import StampBatch

    rng = random.Random(11)
    batches = list(StampBatch.objects.select_related("lot"))
    paths = []
    for _ in range(sample):
        b = rng.choice(batches)
        serial = rng.randint(b.first_serial, b.last_serial)
        uri = stamps.stamp_uri(GTIN, b.product_id, b.lot.code, serial)
        paths.append("/" + uri.split("://", 1)[1].split("/", 1)[1])
    return paths


def measure_http(chain: dict, env: dict, duration: int, connections: int,
                 sample: int = 5_000) -> dict:
    """(a) the scan page and the certificate verify page, each against a static file of its own
    size, all four through the same gunicorn (2 sync workers) in one run, driven by wrk."""
    from django.conf import settings

    from ocop.certificates.models import Certificate

    paths = _stamp_paths(sample)
    verify_path = f"/verify/{Certificate.objects.get(product=chain['product']).number}"
    ensure_wrk()
    # DEBUG off: the manifest storage needs collected static files, as in production.
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                   cwd=ROOT, env=env, check=True)
    port = benchdb.free_port()
    base = f"http://127.0.0.1:{port}"
    static_dir = Path(settings.STATIC_ROOT) / "bench"
    static_dir.mkdir(parents=True, exist_ok=True)
    statics = {"scan": static_dir / "scan-same-size.html",
               "verify": static_dir / "verify-same-size.html"}
    for f in statics.values():
        f.write_text("x")  # WhiteNoise indexes files at start-up: create them first
    server = subprocess.Popen(  # noqa: S603
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "ocop.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--log-level", "warning"], cwd=ROOT, env=env)
    results: dict = {}
    try:
        benchdb.wait_for(base + "/healthz", timeout=180)  # a loaded machine boots Django slowly
        pages = {"scan": urllib.request.urlopen(base + paths[0]).read(),  # noqa: S310
                 "verify": urllib.request.urlopen(base + verify_path).read()}  # noqa: S310
        assert b"data-result" in pages["scan"], "the scan page did not answer"
        assert "Còn hiệu lực".encode() in pages["verify"], "the verify page did not verify"
        for name, page in pages.items():
            statics[name].write_bytes(b"<!doctype html>" + b" " * (len(page) - 15))
            benchdb.wait_for(f"{base}/static/bench/{statics[name].name}")
        for p in paths[:50]:  # warm the caches of both workers a little
            urllib.request.urlopen(base + p).read()  # noqa: S310
        targets = {"scan": paths, "verify": [verify_path]}
        for name, page_paths in targets.items():
            static = [f"/static/bench/{statics[name].name}"]
            results[name] = _drive_wrk(base, page_paths, duration, connections)
            results[f"{name}_static"] = _drive_wrk(base, static, duration, connections)
            # Service time without queueing: one connection, one request at a time.
            results[f"{name}_single"] = _drive_wrk(base, page_paths, min(duration, 5), 1)
            results[f"{name}_bytes"] = len(pages[name])
    finally:
        server.terminate()  # graceful: each worker writes its buffered scans at exit
        server.wait(timeout=30)
        shutil.rmtree(static_dir, ignore_errors=True)
    return results


def _http_rows(http: dict, args: argparse.Namespace) -> list[tuple[str, str]]:
    rows = []
    for name, label in (("scan", "scan page"), ("verify", "verify page")):
        page, static, single = http[name], http[f"{name}_static"], http[f"{name}_single"]
        rows += [
            (f"(a) {label}", f"{page['rps']:,.0f} req/s, p50 {page['p50_ms']:.1f} ms, "
                             f"p99 {page['p99_ms']:.1f} ms ({page['non_2xx']} non-2xx; "
                             f"{http[f'{name}_bytes']:,} bytes)"),
            ("(a) static file, same size", f"{static['rps']:,.0f} req/s, p50 "
                                           f"{static['p50_ms']:.1f} ms, p99 "
                                           f"{static['p99_ms']:.1f} ms"),
            (f"(a) {label} ÷ static", f"{page['rps'] / static['rps']:.2f} "
                                      "(goal ≥ 0.5 with p99 ≤ 50 ms)"),
            (f"(a) {label}, one connection", f"p50 {single['p50_ms']:.1f} ms, "
                                             f"p99 {single['p99_ms']:.1f} ms"),
        ]
    rows.append(("(a) load generator", f"wrk, {args.connections} connections, {args.duration} s "
                                       "each, gunicorn 2 sync workers"))
    return rows


def run(args: argparse.Namespace, env: dict) -> list[tuple[str, str]]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from ocop.trace.models import EpcisEvent, Scan, StampRange

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    _log(f"migrated in {time.perf_counter() - started:.1f} s")
    chain = setup_chain()
    _log("supply chain recorded through the services")
    t_stamps, ranges = seed_stamps(chain, args.stamps)
    _log(f"stamps: {args.stamps:,} in {BATCHES} batches, {ranges:,} range rows, {t_stamps:.1f} s")
    t_events = seed_events(args.events, chain["admin"])
    events_total = EpcisEvent.objects.count()
    _log(f"events: {events_total:,} in the table, seeding took {t_events:.1f} s")
    log_write = measure_log_write()
    capture = measure_capture(chain["admin"])
    _log(f"capture measured: {capture}")
    http = measure_http(chain, env, args.duration, args.connections)
    scans_logged = Scan.objects.count()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return [
        ("database", f"{connection.vendor}"),
        ("machine", f"{os.cpu_count()} CPUs, load average after the run {load}"),
        ("stamps", f"{args.stamps:,} in {BATCHES} batches; {ranges:,} range rows "
                   f"(activation + voids); seeded in {t_stamps:.1f} s"),
        ("EPCIS events in the table", f"{events_total:,} (+ one EPC row each); "
                                      f"bulk seeding {t_events:.0f} s "
                                      f"({args.events / t_events:,.0f} events/s)"),
        *_http_rows(http, args),
        ("    scans logged during (a)", f"{scans_logged:,} (after the workers' exit flush; "
                                      "repeats of a stamp by one source within 10 min are "
                                      "logged once)"),
        ("(b) capture 10,000 events", f"{capture['capture']:.2f} s "
                                      f"({10_000 / capture['capture']:,.0f} events/s; "
                                      f"schema validation {capture['validate']:.2f} s)"),
        ("(b) plain bulk insert, same rows", f"{capture['bulk']:.2f} s"),
        ("(b) ratio capture / bulk insert", f"{capture['capture'] / capture['bulk']:.1f} x"),
        ("(c) scan log: one INSERT", f"{log_write['insert_ms']:.2f} ms"),
        ("(c) enqueue a task on commit", f"{log_write['enqueue_ms']:.2f} ms"),
        ("void ranges in the table", f"{StampRange.objects.filter(state='void').count():,}"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="postgres://…/<throwaway db> (created, dropped)")
    parser.add_argument("--stamps", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=5_000_000)
    parser.add_argument("--duration", type=int, default=15, help="seconds per HTTP measure")
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()

    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "ocop.settings", "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": env.get("DJANGO_SECRET_KEY", "bench-only-" + "x" * 40),
        "DJANGO_SECURE_SSL_REDIRECT": "false", "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        # One load generator on one address measures the scan itself, not the per-client limit.
        "PUBLIC_RATE_LIMIT": "100000000/m",
    })
    with benchdb.throwaway_database(args.database_url, sqlite_name="trace.sqlite3") as url:
        env["DATABASE_URL"] = url
        os.environ.update(env)
        rows = run(args, env)
    benchdb.print_measures(rows, value_width=40)

if __name__ == "__main__":
    main()
