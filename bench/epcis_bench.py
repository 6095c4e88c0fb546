"""EPCIS capture and query benchmark.

    .venv/bin/python bench/epcis_bench.py                      # SQLite (a fresh file in var/bench/)
    .venv/bin/python bench/epcis_bench.py --database-url postgres://postgres@127.0.0.1:5432/ocop_bench

Measures, on a fresh database:
* capture of one EPCISDocument with N ObjectEvents (default 10,000; 2 EPCs each) through
  ``ocop.trace.capture.capture`` (schema validation + CBV hash IDs + duplicate check + bulk insert,
  one transaction), with the validation and hashing phases timed on their own as well;
* a plain ``bulk_create`` of exactly the rows that capture stored (events + EPC rows) into the same
  database — the floor any capture path is compared with (the "ratio" column);
* latency of ``GET /api/v1/epcis/events?MATCH_epc=…`` through the whole HTTP stack (token auth,
  query, EPCISQueryDocument), p50/p95 over random EPCs.

The PostgreSQL database named in the URL is created first and dropped at the end (an SQLite
file under var/bench/ by default; ``benchdb.throwaway_database``).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import benchdb  # noqa: E402
import epcis_docs  # noqa: E402


def _epc(i: int, k: int) -> str:
    return f"https://id.gs1.org/01/08930000000019/21/B{i:06d}{k}"


def build_document(n: int) -> dict:
    events = [
        {
            "type": "ObjectEvent",
            "eventTime": f"2025-07-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:00.000+07:00",
            "eventTimeZoneOffset": "+07:00",
            "epcList": [_epc(i, 0), _epc(i, 1)],
            "action": "OBSERVE",
            "bizStep": "shipping" if i % 2 else "receiving",
            "disposition": "in_transit",
            "readPoint": {"id": f"https://id.gs1.org/414/893000000{i % 100:03d}9"},
            "bizTransactionList": [{"type": "po", "bizTransaction": f"urn:ocop:po:{i}"}],
        }
        for i in range(n)
    ]
    return epcis_docs.document(events)


def run(n: int, queries: int) -> list[tuple[str, str]]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client

    from ocop.accounts.models import ApiToken, Role, User
    from ocop.trace import capture
    from ocop.trace.epcis import hashing, validation
    from ocop.trace.models import EpcisEvent, EventEpc

    call_command("migrate", verbosity=0)
    admin = User.objects.create_user(username="bench", password="x-Bench-12345", role=Role.ADMIN)
    doc = build_document(n)
    events = doc["epcisBody"]["eventList"]

    validation.validate(build_document(1))  # compile the validator outside the timing
    started = time.perf_counter()
    problems = validation.validate(doc)
    t_validate = time.perf_counter() - started
    assert not problems, problems[:3]
    started = time.perf_counter()
    hashing.event_ids(events, doc["@context"])
    t_hash = time.perf_counter() - started

    started = time.perf_counter()
    result = capture.capture(document=doc, actor=admin)
    t_capture = time.perf_counter() - started
    assert len(result.event_ids) == n

    # The floor: the very rows capture stored, inserted again with nothing but bulk_create.
    event_rows = list(EpcisEvent.objects.values())
    epc_rows = list(EventEpc.objects.values())
    EventEpc.objects.all().delete()
    EpcisEvent.objects.all().delete()
    with connection.cursor() as cursor:  # start the floor from compacted tables, not free pages
        cursor.execute("VACUUM")
    started = time.perf_counter()
    with transaction.atomic():
        EpcisEvent.objects.bulk_create([EpcisEvent(**r) for r in event_rows], batch_size=1000)
        EventEpc.objects.bulk_create([EventEpc(**r) for r in epc_rows], batch_size=2000)
    t_bulk = time.perf_counter() - started

    _, raw = ApiToken.issue(admin, "bench")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    rng = random.Random(7)
    latencies = []
    for _ in range(queries):
        i = rng.randrange(n)
        started = time.perf_counter()
        response = client.get("/api/v1/epcis/events", {"MATCH_epc": _epc(i, rng.randrange(2))})
        latencies.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
        assert len(response.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]) == 1
    latencies.sort()
    p95 = latencies[max(0, int(len(latencies) * 0.95) - 1)]

    vendor = connection.vendor
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return [
        ("database", f"{vendor} ({connection.settings_dict['NAME']})"),
        ("machine", f"{os.cpu_count()} CPUs, load average {load}"),
        ("events in document", f"{n:,} ({len(epc_rows):,} EPC rows)"),
        ("schema validation", f"{t_validate:.2f} s  ({n / t_validate:,.0f} events/s)"),
        ("CBV hash IDs", f"{t_hash:.2f} s  ({n / t_hash:,.0f} events/s)"),
        ("capture (all phases)", f"{t_capture:.2f} s  ({n / t_capture:,.0f} events/s)"),
        ("plain bulk insert", f"{t_bulk:.2f} s  ({n / t_bulk:,.0f} events/s)"),
        ("ratio capture / bulk", f"{t_capture / t_bulk:.1f} x"),
        ("capture without validation / bulk",
         f"{(t_capture - t_validate) / t_bulk:.1f} x"),
        (f"MATCH_epc query p50 ({queries} runs)", f"{statistics.median(latencies):.1f} ms"),
        ("MATCH_epc query p95", f"{p95:.1f} ms"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="postgres://…/<throwaway db> (created, dropped)")
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocop.settings")
    os.environ["DJANGO_DEBUG"] = "false"  # no SQL logging in the timings
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "x" * 40)
    os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "false"
    with benchdb.throwaway_database(args.database_url, sqlite_name="epcis.sqlite3") as url:
        os.environ["DATABASE_URL"] = url
        rows = run(args.events, args.queries)
    benchdb.print_measures(rows, value_width=34)

if __name__ == "__main__":
    main()
