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
4. writes the scan log anew: ``--scan-history`` earlier scans (default 1,000,000) of random
   stamps from 50,000 sources over the last 29 days, then ANALYZE — a log in service, not an
   empty one (an empty table misleads PostgreSQL's plans: docs/traceability.md, "Tenth look");
5. (a) starts gunicorn on 127.0.0.1 (a free port, ``--workers`` sync workers, default 2, DEBUG
   off) and drives, with ``wrk`` (installed through scripts/ensure-system-packages.sh when
   missing), scan URIs of random stamps and a static file of the same size through the same
   server (WhiteNoise), in ``--slices`` alternating slices; then the scan page with each stamp
   scanned once (fresh stamps every run, each logged: a national load is mostly first scans,
   while the 5,000-stamp sample is scanned again within seconds); then the certificate verify
   page and a static file of its size — requests/s, p50/p99, the page ÷ static ratio, the CPU time
   per answer of the server's processes and of the whole machine, and each page with one connection
   (service time without queueing) — once per server variant, on the same data:
   ``--baseline-root DIR`` (the code before, e.g. a ``git archive`` of the base commit), this
   code with ``FASTPATH_ENABLED=false`` (left out with ``--fast-only``) and with the WSGI fast
   path on; with the fast path on it then revokes the certificate and voids a stamp from the
   bench process and times how long the running server takes to show each (goal ≤ 60 s; exit 1
   otherwise; restored afterwards);
   (b) captures one 10,000-event document through ``capture.capture`` and inserts the same rows
   with a plain bulk insert — the ratio;
   (c) one scan-log INSERT against enqueueing a django.tasks job (database backend) — why the
   scan log is written directly.

The PostgreSQL database named in the URL is created first and dropped at the end
(``benchdb.throwaway_database``). ``--keep-seed`` keeps the seeded database instead (SQLite:
``var/bench/trace-seed.sqlite3``; PostgreSQL: the database in the URL, not dropped) and a later
run with the same flag and sizes reuses it, skipping steps 1–3 (the seeding takes minutes); step 4
replaces the scans logged by earlier runs. ``--seed-only`` stops after seeding.
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
import urllib.error
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


def seed_scan_history(chain: dict, total: int) -> float:
    """The scan log as a platform in service holds it: ``total`` earlier scans of random stamps
    from random sources over the evidence window (11 minutes to 29 days ago, so none is a repeat
    the bench's own scans would be deduplicated against), then ANALYZE.

    Written anew before each measure, dated from now, so every run starts from the same log. An
    empty log measured the wrong thing on PostgreSQL: the evidence read's cached generic plan,
    made on an empty table, scans the month's partition row by row as the run fills it
    (docs/traceability.md, "Tenth look")."""
    from django.db import connection, transaction

    from ocop.trace import partitions
    from ocop.trace.models import Scan, StampBatch

    started = time.perf_counter()
    now = datetime.now(UTC)
    oldest = now - timedelta(days=29)
    table = Scan._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {table}")
        else:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 — our table name
    partitions.ensure(since=partitions.month_of(oldest))  # the months the history reaches into
    batches = list(StampBatch.objects.values_list("pk", "first_serial", "count"))
    product_id = chain["product"].pk
    rng = random.Random(5)
    sources = [f"{rng.getrandbits(64):016x}" for _ in range(50_000)]
    window = (now - oldest - timedelta(minutes=11)).total_seconds()
    columns = "scanned_at, serial, result, place, source, product_id, batch_id"
    for start in range(0, total, CHUNK):
        rows = []
        for _ in range(start, min(start + CHUNK, total)):
            pk, first, count = rng.choice(batches)
            at = oldest + timedelta(seconds=rng.random() * window)
            stamp = at.isoformat() if connection.vendor != "sqlite" else \
                at.strftime("%Y-%m-%d %H:%M:%S.%f")
            rows.append((stamp, first + rng.randrange(count), "ok", "", rng.choice(sources),
                         product_id, pk))
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(f"INSERT INTO {table} ({columns}) "  # noqa: S608
                                   "VALUES (%s, %s, %s, %s, %s, %s, %s)", rows)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")
    return time.perf_counter() - started


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


def _drive_wrk(base: str, paths: list[str], duration: int, connections: int, *,
               each_once: bool = False) -> dict:
    """``each_once``: the paths in turn, each thread its own share, so that no path is asked
    twice while there are paths left (``requests`` tells whether they ran out)."""
    threads = min(2, connections)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write("paths = {" + ",".join(json.dumps(p) for p in paths) + "}\n")
        if each_once:
            script.write("local made = 0\n"
                         "function setup(thread) thread:set('at', made); made = made + 1 end\n"
                         "request = function()\n"
                         "  local path = paths[at % #paths + 1]\n"
                         f"  at = at + {threads}\n"
                         "  return wrk.format('GET', path)\nend\n")
        else:
            script.write("math.randomseed(7)\n"
                         "request = function()\n"
                         "  return wrk.format('GET', paths[math.random(#paths)])\nend\n")
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


def _process_tree(pid: int) -> list[int]:
    """``pid`` and its children (gunicorn's master and workers)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [pid, *map(int, children)]


def _cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds the processes used so far."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _machine_busy_seconds() -> float:
    """CPU seconds all CPUs spent not idle (the server, wrk, a database server, anything)."""
    jiffies = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(jiffies[:8]) - jiffies[3] - jiffies[4]) / os.sysconf("SC_CLK_TCK")


def _drive_wrk_counting_cpu(base: str, paths: list[str], duration: int, connections: int,
                            server_pids: list[int], *, each_once: bool = False) -> dict:
    """``_drive_wrk``, plus the CPU time per answer of the server's processes and of the whole
    machine: what a request costs, which the rate alone mixes with the machine's speed at the
    moment (it moves between runs on a shared host)."""
    server, machine = _cpu_seconds(server_pids), _machine_busy_seconds()
    result = _drive_wrk(base, paths, duration, connections, each_once=each_once)
    answers = max(result["requests"], 1)
    result["server_cpu_ms"] = (_cpu_seconds(server_pids) - server) * 1000 / answers
    result["machine_cpu_ms"] = (_machine_busy_seconds() - machine) * 1000 / answers
    return result


def _added_up(slices: list[dict]) -> dict:
    """One measure from equal slices: the rate and the CPU per answer over all of them, the
    slowest slice's p99 and the middle slice's p50."""
    answers = sum(s["requests"] for s in slices)
    return {
        "rps": sum(s["rps"] for s in slices) / len(slices),
        "p50_ms": sorted(s["p50_ms"] for s in slices)[len(slices) // 2],
        "p99_ms": max(s["p99_ms"] for s in slices),
        "requests": answers, "non_2xx": sum(s["non_2xx"] for s in slices),
        **{cpu: sum(s[cpu] * s["requests"] for s in slices) / max(answers, 1)
           for cpu in ("server_cpu_ms", "machine_cpu_ms")},
    }


def _stamp_paths(sample: int, *, legacy: bool = False, distinct: bool = False,
                 seed: int = 11) -> list[str]:
    """Random stamp paths; ``legacy``: as stamps printed before key ids (HMAC, no ``k``), to
    compare the scan's cost with the Ed25519 check on the same code (docs/stamps.md);
    ``distinct``: no stamp twice."""
    from ocop.trace import stamps
    from ocop.trace.models import StampBatch

    rng = random.Random(seed)
    batches = list(StampBatch.objects.select_related("lot"))
    paths: list[str] = []
    taken: set[tuple[int, int]] = set()
    while len(paths) < sample:
        b = rng.choice(batches)
        serial = rng.randint(b.first_serial, b.last_serial)
        if distinct:
            if (b.pk, serial) in taken:
                continue
            taken.add((b.pk, serial))
        uri = stamps.stamp_uri(GTIN, b.product_id, b.lot.code, serial)
        if legacy:
            ref = stamps.product_ref(GTIN, b.product_id)
            uri = f"{uri.split('?')[0]}?s={stamps.legacy_sign(ref, b.lot.code, serial)}"
        paths.append("/" + uri.split("://", 1)[1].split("/", 1)[1])
    return paths


def _start_server(root: Path, env: dict, port: int, workers: int = 2) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "ocop.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--log-level", "warning"], cwd=root, env=env)


def _get(url: str) -> bytes:
    return urllib.request.urlopen(url).read()  # noqa: S310 — our loopback server


def measure_http(chain: dict, env: dict, duration: int, connections: int, *,
                 root: Path = ROOT, freshness: bool = False, sample: int = 5_000,
                 legacy: bool = False, workers: int = 2, slices: int = 3) -> dict:
    """(a) the scan page and the certificate verify page, each against a static file of its own
    size, all four through the same gunicorn (``workers`` sync workers) in one run, driven by
    wrk; the server runs from ``root`` (this checkout, or a copy of the code before the change).
    ``freshness``: then revoke the certificate and void a stamp from this process and time how
    long the running server takes to show each (goal: 60 s at most)."""
    from ocop.certificates.models import Certificate

    paths = _stamp_paths(sample, legacy=legacy)
    verify_path = f"/verify/{Certificate.objects.get(product=chain['product']).number}"
    ensure_wrk()
    # DEBUG off: the manifest storage needs collected static files, as in production.
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                   cwd=root, env=env, check=True)
    port = benchdb.free_port()
    base = f"http://127.0.0.1:{port}"
    static_dir = root / "var" / "static" / "bench"
    static_dir.mkdir(parents=True, exist_ok=True)
    statics = {"scan": static_dir / "scan-same-size.html",
               "verify": static_dir / "verify-same-size.html"}
    for f in statics.values():
        f.write_text("x")  # WhiteNoise indexes files at start-up: create them first
    server = _start_server(root, env, port, workers)
    results: dict = {}
    try:
        benchdb.wait_for(base + "/healthz", timeout=180)  # a loaded machine boots Django slowly
        pages = {"scan": _get(base + paths[0]), "verify": _get(base + verify_path)}
        assert b"data-result" in pages["scan"], "the scan page did not answer"
        assert "Còn hiệu lực".encode() in pages["verify"], "the verify page did not verify"
        for name, page in pages.items():
            statics[name].write_bytes(b"<!doctype html>" + b" " * (len(page) - 15))
            benchdb.wait_for(f"{base}/static/bench/{statics[name].name}")
        for p in paths[:50]:  # warm the caches of both workers a little
            _get(base + p)
        # Each stamp scanned once: a national load is mostly stamps scanned for the first time
        # in weeks, each one logged, where the sample above is scanned again within seconds
        # (its repeats by one source are answered but not logged). Fresh stamps per run.
        seconds = max(1, duration // slices)  # wrk refuses a slice of 0 s
        once = _stamp_paths(FIRST_SCANS_PER_SECOND * seconds * slices, distinct=True,
                            seed=time.time_ns())
        targets = {"scan": paths, "scan_once": once, "verify": [verify_path]}
        server_pids = _process_tree(server.pid)
        for name, page_paths in targets.items():
            static = [f"/static/bench/{statics[name.removesuffix('_once')].name}"]
            each_once = name == "scan_once"
            # Page and static file in alternating slices, added up: the machine's speed drifts
            # (20 % between two static measures 30 s apart on a shared host), and a drift
            # between two long measures would land on one side of the ratio only.
            page_slices, static_slices = [], []
            share = len(page_paths) // slices
            for i in range(slices):
                own = page_paths[i * share:(i + 1) * share] if each_once else page_paths
                page_slices.append(_drive_wrk_counting_cpu(
                    base, own, seconds, connections, server_pids, each_once=each_once))
                static_slices.append(_drive_wrk_counting_cpu(
                    base, static, seconds, connections, server_pids))
            results[name] = _added_up(page_slices)
            results[f"{name}_static"] = _added_up(static_slices)
            if each_once:
                results[name]["repeated"] = sum(max(0, s["requests"] - share)
                                                for s in page_slices)
                continue
            # Service time without queueing: one connection, one request at a time.
            results[f"{name}_single"] = _drive_wrk(base, page_paths, min(duration, 5), 1)
            results[f"{name}_bytes"] = len(pages[name])
        results["load"] = os.getloadavg()
        if freshness:
            results["freshness"] = measure_freshness(chain, base, verify_path)
    finally:
        server.terminate()  # graceful: each worker writes its buffered scans at exit
        server.wait(timeout=30)
        shutil.rmtree(static_dir, ignore_errors=True)
    return results


FRESHNESS_LIMIT = 60
# Stamps made for the each-once measure, per second of it: above the rate any page of this
# bench has reached (about 2,700 scans/s), so that no stamp is scanned twice.
FIRST_SCANS_PER_SECOND = 4_000


def _seconds_until(url: str, marker: bytes, limit: float) -> float | None:
    """Seconds until the page at ``url`` contains ``marker`` (polled twice a second)."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        try:
            page = _get(url)
        except urllib.error.HTTPError as exc:
            page = exc.read()
        if marker in page:
            return time.monotonic() - started
        time.sleep(0.5)
    return None


def measure_freshness(chain: dict, base: str, verify_path: str) -> dict:
    """Revoke the certificate and void one stamp through the services of this process (not the
    server's: its workers learn it only through the database and their caches' lifetime), after
    both workers cached the valid answers; time until the server shows each. Restored after,
    so that a kept seed stays valid for the next run."""
    from ocop.certificates import services as certificates
    from ocop.certificates.models import Certificate
    from ocop.trace import services, stamps
    from ocop.trace.models import StampBatch, StampRange

    certificate = Certificate.objects.get(product=chain["product"])
    batch = StampBatch.objects.select_related("lot", "product__producer").order_by("pk").first()
    serial = batch.first_serial + 7
    uri = stamps.stamp_uri(GTIN, batch.product_id, batch.lot.code, serial)
    stamp_path = "/" + uri.split("://", 1)[1].split("/", 1)[1]
    for _ in range(20):  # both workers hold the valid answers in their caches
        assert b'data-result="ok"' in _get(base + stamp_path)
        assert b"verdict-valid" in _get(base + verify_path)
    try:
        certificates.revoke_certificate(actor=None, certificate=certificate,
                                        reason="Kiểm tra thời gian hiển thị (bench)",
                                        decision_number="BENCH/QĐ")
        revoked = _seconds_until(base + verify_path, b"verdict-revoked", FRESHNESS_LIMIT + 15)
        services.void_stamps(actor=chain["user"], batch=batch, first=serial, last=serial,
                             reason="bench: freshness")
        voided = _seconds_until(base + stamp_path, b'data-result="void"', FRESHNESS_LIMIT + 15)
    finally:
        Certificate.objects.filter(pk=certificate.pk).update(
            revoked_on=None, revocation_reason="", revocation_decision_number="")
        StampRange.objects.filter(batch=batch, reason="bench: freshness").delete()
    return {"revoked": revoked, "voided": voided}


def _http_rows(label: str, http: dict, args: argparse.Namespace) -> list[tuple[str, str]]:
    rows = []
    for name, page_label in (("scan", "scan page"), ("verify", "verify page")):
        page, static, single = http[name], http[f"{name}_static"], http[f"{name}_single"]
        rows += [
            (f"(a) {label}: {page_label}",
             f"{page['rps']:,.0f} req/s, p50 {page['p50_ms']:.1f} ms, p99 {page['p99_ms']:.1f} ms "
             f"({page['non_2xx']} non-2xx; {http[f'{name}_bytes']:,} bytes)"),
            (f"(a) {label}: static file, same size",
             f"{static['rps']:,.0f} req/s, p50 {static['p50_ms']:.1f} ms, "
             f"p99 {static['p99_ms']:.1f} ms"),
            (f"(a) {label}: {page_label} ÷ static",
             f"{page['rps'] / static['rps']:.2f} (goal ≥ 0.5 with p99 ≤ 50 ms)"),
            (f"(a) {label}: CPU per answer, {page_label} / static",
             f"gunicorn {page['server_cpu_ms']:.2f} / {static['server_cpu_ms']:.2f} ms, "
             f"whole machine {page['machine_cpu_ms']:.2f} / {static['machine_cpu_ms']:.2f} ms"),
            (f"(a) {label}: {page_label}, one connection",
             f"p50 {single['p50_ms']:.1f} ms, p99 {single['p99_ms']:.1f} ms"),
        ]
    once, static = http["scan_once"], http["scan_once_static"]
    rows += [
        (f"(a) {label}: scan page, each stamp once",
         f"{once['rps']:,.0f} req/s, p50 {once['p50_ms']:.1f} ms, p99 {once['p99_ms']:.1f} ms "
         f"({once['non_2xx']} non-2xx; {once['repeated']:,} repeats after the stamps ran out)"),
        (f"(a) {label}: static file, same size", f"{static['rps']:,.0f} req/s"),
        (f"(a) {label}: scan page, each stamp once ÷ static",
         f"{once['rps'] / static['rps']:.2f}; CPU per answer: whole machine "
         f"{once['machine_cpu_ms']:.2f} / {static['machine_cpu_ms']:.2f} ms"),
    ]
    rows.append((f"(a) {label}: load average after", ", ".join(f"{x:.1f}" for x in http["load"])))
    fresh = http.get("freshness")
    if fresh:
        def shown(seconds: float | None) -> str:
            return "NOT shown" if seconds is None else f"shown after {seconds:.1f} s"
        rows += [(f"(a) {label}: certificate revoked", f"{shown(fresh['revoked'])} "
                                                      f"(goal ≤ {FRESHNESS_LIMIT} s)"),
                 (f"(a) {label}: stamp voided", f"{shown(fresh['voided'])} "
                                               f"(goal ≤ {FRESHNESS_LIMIT} s)")]
    return rows


def _variants(args: argparse.Namespace, env: dict) -> list[tuple[str, Path, dict]]:
    """The servers measured one after the other on the same data: the code before the change
    (``--baseline-root``), this code with the WSGI fast path off, and with it on."""
    variants = []
    if args.baseline_root:
        variants.append(("before", Path(args.baseline_root).resolve(), env))
    if not args.fast_only:
        variants.append(("fast path off", ROOT, {**env, "FASTPATH_ENABLED": "false"}))
    variants.append(("fast path on", ROOT, {**env, "FASTPATH_ENABLED": "true"}))
    return variants


def _seeded_chain(args: argparse.Namespace) -> dict | None:
    """The chain of an earlier ``--keep-seed`` run of the same sizes, or None."""
    from django.db.utils import DatabaseError

    from ocop.accounts.models import User
    from ocop.registry.models import Product
    from ocop.trace.models import EpcisEvent, Lot, StampBatch

    try:
        batches = list(StampBatch.objects.order_by("first_serial").values_list("count", flat=True))
        if len(batches) != BATCHES or sum(batches) != args.stamps or \
                EpcisEvent.objects.count() < args.events:
            return None
    except DatabaseError:  # not migrated yet
        return None
    product = Product.objects.get(gtin__endswith=GTIN)
    return {"user": User.objects.get(username="bench-producer"),
            "admin": User.objects.get(username="bench-admin"), "product": product,
            "lots": list(Lot.objects.filter(product=product).order_by("code"))}


def run(args: argparse.Namespace, env: dict) -> list[tuple[str, str]]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from ocop.trace.models import EpcisEvent, Scan, StampRange

    chain = _seeded_chain(args) if args.keep_seed else None
    if chain is not None:
        call_command("migrate", verbosity=0)
        t_stamps, ranges = 0.0, StampRange.objects.count()
        t_events = float("nan")
        events_total = EpcisEvent.objects.count()
        _log(f"reusing the kept seed: {events_total:,} events, {ranges:,} range rows")
    else:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        _log(f"migrated in {time.perf_counter() - started:.1f} s")
        chain = setup_chain()
        _log("supply chain recorded through the services")
        t_stamps, ranges = seed_stamps(chain, args.stamps)
        _log(f"stamps: {args.stamps:,} in {BATCHES} batches, {ranges:,} range rows, "
             f"{t_stamps:.1f} s")
        t_events = seed_events(args.events, chain["admin"])
        events_total = EpcisEvent.objects.count()
        _log(f"events: {events_total:,} in the table, seeding took {t_events:.1f} s")
    if args.seed_only:
        return [("seed", f"{args.stamps:,} stamps, {events_total:,} events, kept")]
    t_history = seed_scan_history(chain, args.scan_history)
    _log(f"scan log: {args.scan_history:,} earlier scans written in {t_history:.1f} s")
    http_rows = []
    for label, root, variant_env in _variants(args, env):
        _log(f"HTTP: {label} ({root})")
        http = measure_http(chain, variant_env, args.duration, args.connections, root=root,
                            freshness=label == "fast path on" and not args.no_freshness,
                            legacy=args.legacy_stamps, workers=args.workers,
                            slices=args.slices)
        http_rows += _http_rows(label + (", HMAC stamps" if args.legacy_stamps else ""), http,
                                args)
    scans_logged = Scan.objects.count() - args.scan_history
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    rows = [
        ("database", f"{connection.vendor}"),
        ("machine", f"{os.cpu_count()} CPUs, load average after the run {load}"),
        ("interpreter", benchdb.interpreter()),
        ("stamps", f"{args.stamps:,} in {BATCHES} batches; {ranges:,} range rows "
                   f"(activation + voids); seeded in {t_stamps:.1f} s"),
        ("scan log before (a)", f"{args.scan_history:,} earlier scans over 29 days, "
                                f"written in {t_history:.0f} s"),
        ("EPCIS events in the table", f"{events_total:,} (+ one EPC row each); " + (
            "kept seed reused" if t_events != t_events else  # NaN: not seeded by this run
            f"bulk seeding {t_events:.0f} s ({args.events / t_events:,.0f} events/s)")),
        *http_rows,
        ("(a) load generator", f"wrk, {args.connections} connections, {args.duration} s "
                               f"each in {args.slices} slices alternating with the static file, "
                               f"gunicorn {args.workers} sync workers"),
        ("    scans logged during (a)", f"{scans_logged:,} (after the workers' exit flush; "
                                      "repeats of a stamp by one source within 10 min are "
                                      "logged once)"),
    ]
    if args.http_only:
        return rows
    log_write = measure_log_write()
    capture = measure_capture(chain["admin"])
    return [
        *rows,
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
    parser.add_argument("--scan-history", type=int, default=1_000_000,
                        help="earlier scans in the log before the HTTP measures")
    parser.add_argument("--duration", type=int, default=15, help="seconds per HTTP measure")
    parser.add_argument("--slices", type=int, default=3,
                        help="each page and its static file measured in this many alternating "
                             "slices of --duration ÷ slices seconds, added up")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2,
                        help="gunicorn sync workers serving every page measured "
                             "(docs/deployment.md advises about 2 × cores + 1 in production)")
    parser.add_argument("--keep-seed", action="store_true",
                        help="keep the seeded database and reuse it on the next run")
    parser.add_argument("--seed-only", action="store_true", help="stop after seeding")
    parser.add_argument("--baseline-root",
                        help="also measure a server run from this checkout (the code before)")
    parser.add_argument("--fast-only", action="store_true",
                        help="measure the fast path on only (not also off)")
    parser.add_argument("--no-freshness", action="store_true",
                        help="skip the revocation / voided stamp check (up to 2 minutes)")
    parser.add_argument("--http-only", action="store_true",
                        help="measure (a) only, not the capture (b) and the log write (c)")
    parser.add_argument("--legacy-stamps", action="store_true",
                        help="scan stamps as printed before key ids (HMAC) instead of Ed25519")
    args = parser.parse_args()
    if args.seed_only:
        args.keep_seed = True

    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "ocop.settings", "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": env.get("DJANGO_SECRET_KEY", "bench-only-" + "x" * 40),
        "DJANGO_SECURE_SSL_REDIRECT": "false", "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        **benchdb.NO_RATE_LIMITS,
    })
    if args.keep_seed:
        url = args.database_url or f"sqlite:///{ROOT / 'var' / 'bench' / 'trace-seed.sqlite3'}"
        benchdb.ensure_database(url)
        env["DATABASE_URL"] = url
        os.environ.update(env)
        rows = run(args, env)
    else:
        with benchdb.throwaway_database(args.database_url, sqlite_name="trace.sqlite3") as url:
            env["DATABASE_URL"] = url
            os.environ.update(env)
            rows = run(args, env)
    benchdb.print_measures(rows, value_width=40)
    late = [key for key, value in rows if "NOT shown" in value]
    if late:
        raise SystemExit(f"not shown within {FRESHNESS_LIMIT} s: {', '.join(late)}")

if __name__ == "__main__":
    main()
