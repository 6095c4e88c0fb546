"""Monthly partitions on PostgreSQL: the hot queries' plans before and after, the conversion
migration on millions of rows, and removing a month (DELETE against DROP of a partition).

    .venv/bin/python bench/partitions_bench.py --database-url postgres://postgres@127.0.0.1:5432/ocop_partitions_bench
    .venv/bin/python bench/partitions_bench.py --database-url … --events 200000 --scans 100000

PostgreSQL only (SQLite keeps plain tables: without a PostgreSQL URL the script says so and
exits 0). Steps, on a database created first and dropped at the end:
1. migrate with the trace tables still plain (up to trace 0005), then seed with
   bench/trace_bench.py's functions: the supply chain, 10,000 stamps and ``--events`` EPCIS events
   (one EPC row each, 7 s apart from 2024-01-01: 2,000,000 events span January–June 2024), plus
   ``--scans`` scan rows spread over the last 180 days (1 in 50 suspicious);
2. ANALYZE, then EXPLAIN (ANALYZE, BUFFERS) of each hot query, and the time of a DELETE of one
   month of events and of scans (rolled back);
3. migrate trace 0006 (the conversion: every row copied into its month's partition) — timed;
4. ANALYZE, the same plans again, then ``partitions archive`` of January 2024's events and
   ``partitions drop`` of the oldest month of scans — timed.
The full plans are written to var/bench/partitions_plans.txt; docs/partitions.md quotes them.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import benchdb  # noqa: E402
import trace_bench  # noqa: E402

_PARTITION = re.compile(r"\b(trace_(?:epcisevent|eventepc|scan)_(?:p\d{4}_\d{2}|default))\b")
_INDEX_OF_PARTITION = re.compile(r"\b(trace_(?:epcisevent|eventepc|scan)_(?:p\d{4}_\d{2}|default))"
                                 r"_\w+")


def _log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", flush=True)


def seed_scans(total: int) -> float:
    """``total`` scans of the seeded stamps over the last 180 days, 1 in 50 suspicious, with
    about ten scans per scanned stamp (one SQL statement: this is seeding, not the scan path)."""
    from django.db import connection

    from ocop.trace.models import StampBatch

    batches = list(StampBatch.objects.order_by("pk").values_list("pk", "first_serial", "count",
                                                                 "product_id"))
    started = time.perf_counter()
    first_pk, first_serial, count, product = batches[0]
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO trace_scan (scanned_at, batch_id, serial, product_id, result, place, "
            "source) SELECT now() - (g * (180 * 86400.0 / %s)) * interval '1 second', "
            "%s + g %% %s, %s + (g %% %s) * %s + (g / %s) %% 1000, %s, "
            "CASE WHEN g %% 50 = 0 THEN 'suspicious' ELSE 'ok' END, '', "
            "substr(md5(g::text), 1, 16) FROM generate_series(1, %s) g",
            [total, first_pk, len(batches), first_serial, len(batches), count, len(batches),
             product, total])
    return time.perf_counter() - started


def hot_queries(admin, lot) -> list[tuple[str, str]]:
    """(label, SQL) of the queries partitioning is for, each taken from the real selector."""
    from django.db import connection
    from django.http import QueryDict
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from ocop.trace import selectors
    from ocop.trace.models import Scan, StampBatch

    def sql_of(run, index: int = -1) -> str:
        with CaptureQueriesContext(connection) as queries:
            run()
        return queries.captured_queries[index]["sql"]

    epc = "https://id.gs1.org/01/08930000000026/21/E100000"  # an event of 2024-01-09
    window = "&GE_eventTime=2024-01-01T00:00:00%2B07:00&LT_eventTime=2024-02-01T00:00:00%2B07:00"
    now = timezone.now()
    since = now - timedelta(days=30)
    batch = StampBatch.objects.order_by("pk").first()
    return [
        ("EPCIS: one item's events, January 2024 window",
         sql_of(lambda: selectors.query_events(admin, QueryDict(f"MATCH_anyEPC={epc}{window}")))),
        ("EPCIS: one item's events, no window",
         sql_of(lambda: selectors.query_events(admin, QueryDict(f"MATCH_anyEPC={epc}")))),
        ("EPCIS: first page of January 2024's events",
         sql_of(lambda: selectors.query_events(admin, QueryDict(window.lstrip("&"))))),
        ("Lot page: the lot's journey (LotEvent → event)",
         sql_of(lambda: list(selectors.lot_journey(lot)))),
        ("Scan: a stamp's scans in the 30-day evidence window (as scan._evidence)",
         sql_of(lambda: list(Scan.objects.filter(batch_id=batch.pk, serial=batch.first_serial,
                                                 scanned_at__range=(since, now))
                             .order_by("-scanned_at")
                             .values_list("scanned_at", "source")[:500]))),
        ("Counterfeit: suspicious stamps of the last 30 days",
         sql_of(lambda: selectors.suspicious_stamps(Scan.objects.all(), since), 0)),
        ("Analytics: scans per day, last 30 days",
         sql_of(lambda: selectors.scans_by_day(Scan.objects.all(), since))),
    ]


def explain(sql: str) -> dict:
    """EXPLAIN (ANALYZE, BUFFERS) after one warm-up run: the plan, its time, the partitions it
    read and its buffers."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql)
        cursor.fetchall()
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    executed = [line for line in plan.splitlines() if "never executed" not in line]
    read = set(_PARTITION.findall("\n".join(executed)))
    read |= set(_INDEX_OF_PARTITION.findall("\n".join(executed)))
    top = re.search(r"Buffers: shared hit=(\d+)(?: read=(\d+))?", plan)
    return {
        "plan": plan,
        "ms": float(re.search(r"Execution Time: ([\d.]+) ms", plan).group(1)),
        # Planning is paid on every run of an unprepared query, and it grows with the partitions
        # and indexes the planner must consider (most of the scan page's query on PostgreSQL).
        "plan_ms": float(re.search(r"Planning Time: ([\d.]+) ms", plan).group(1)),
        "partitions": len(read),
        "buffers": (int(top.group(1)) + int(top.group(2) or 0)) if top else 0,
    }


def plans(admin, lot) -> dict[str, dict]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {label: explain(sql) for label, sql in hot_queries(admin, lot)}


def delete_month_rolled_back(table_key_pairs: list[tuple[str, str]], month: date) -> float:
    """Seconds a DELETE of one month's rows takes on the plain tables (then rolled back)."""
    from django.db import connection, transaction

    from ocop.trace.partitions import bounds

    start, end = bounds(month)
    started = time.perf_counter()
    with transaction.atomic():
        with connection.cursor() as cursor:
            for table, key in table_key_pairs:
                cursor.execute(f"DELETE FROM {table} WHERE {key} >= %s AND {key} < %s",  # noqa: S608
                               [start, end])
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed


def run(args: argparse.Namespace) -> list[tuple[str, str]]:
    import django

    django.setup()
    from django.apps import apps
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from ocop.trace import partitions
    from ocop.trace.models import EpcisEvent, Scan

    started = time.perf_counter()
    call_command("migrate", "trace", "0005", verbosity=0)
    for config in apps.get_app_configs():
        if config.label != "trace" and (Path(config.path) / "migrations").is_dir():
            call_command("migrate", config.label, verbosity=0)
    _log(f"migrated with plain trace tables in {time.perf_counter() - started:.1f} s")
    chain = trace_bench.setup_chain()
    trace_bench.seed_stamps(chain, 10_000)
    t_events = trace_bench.seed_events(args.events, chain["admin"])
    t_scans = seed_scans(args.scans)
    _log(f"seeded {args.events:,} events in {t_events:.0f} s, {args.scans:,} scans in "
         f"{t_scans:.0f} s")
    lot = chain["lots"][0]
    before = plans(chain["admin"], lot)
    scan_month = partitions.add_months(partitions.month_of(timezone.now()), -5)
    t_delete_events = delete_month_rolled_back(
        [("trace_eventepc", "event_time"), ("trace_epcisevent", "event_time")], date(2024, 1, 1))
    t_delete_scans = delete_month_rolled_back([("trace_scan", "scanned_at")], scan_month)
    _log("plans before: done")

    started = time.perf_counter()
    call_command("migrate", "trace", verbosity=0)
    t_convert = time.perf_counter() - started
    _log(f"conversion migration in {t_convert:.1f} s")
    after = plans(chain["admin"], lot)

    settings.EPCIS_EVENT_RETENTION_MONTHS = 12
    settings.STAMP_SCAN_RETENTION_DAYS = 30
    folder = Path(tempfile.mkdtemp(prefix="partitions-bench-"))
    started = time.perf_counter()
    archived = partitions.remove_months("events", date(2024, 2, 1), folder=folder)
    t_archive = time.perf_counter() - started
    size = sum(p.stat().st_size for p in folder.iterdir())
    started = time.perf_counter()
    dropped = partitions.remove_months("scans", partitions.add_months(scan_month, 1))
    t_drop = time.perf_counter() - started
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()

    out = ROOT / "var" / "bench" / "partitions_plans.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as f:
        for label in before:
            for phase, found in (("BEFORE (plain table)", before), ("AFTER (partitioned)", after)):
                f.write(f"=== {label} — {phase}\n{found[label]['plan']}\n\n")
    rows = [
        ("data", f"{EpcisEvent.objects.count():,} events (+ one EPC row each), "
                 f"{Scan.objects.count():,} scans after the removals below"),
        ("partitions per table", f"events {len(partitions.existing_months('trace_epcisevent'))}, "
                                 f"scans {len(partitions.existing_months('trace_scan'))} "
                                 f"(+ DEFAULT each)"),
        ("conversion migration (0006)", f"{t_convert:.1f} s for all three tables"),
    ]
    for label in before:
        b, a = before[label], after[label]
        rows.append((label, f"{b['ms']:.2f} ms (+ {b['plan_ms']:.2f} ms planning), "
                            f"{b['buffers']:,} buffers → {a['ms']:.2f} ms "
                            f"(+ {a['plan_ms']:.2f} ms planning), {a['buffers']:,} buffers, "
                            f"{a['partitions']} partition(s) read"))
    events_rows = sum(r.rows.get("trace_epcisevent", 0) for r in archived)
    scan_rows = sum(r.rows.get("trace_scan", 0) for r in dropped)
    rows += [
        ("DELETE one month of events (plain)", f"{t_delete_events:.1f} s (rolled back)"),
        ("archive one month of events", f"{t_archive:.1f} s: {events_rows:,} events + EPC rows "
                                        f"written ({size / 1_048_576:.1f} MB gzip), verified, "
                                        f"partitions dropped"),
        ("DELETE one month of scans (plain)", f"{t_delete_scans:.1f} s (rolled back)"),
        ("drop one month of scans", f"{t_drop:.1f} s: {scan_rows:,} rows folded into daily "
                                    f"counts, partition dropped"),
        ("plans", str(out.relative_to(ROOT))),
    ]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="postgres://…/<throwaway db> (created, dropped)")
    parser.add_argument("--events", type=int, default=2_000_000)
    parser.add_argument("--scans", type=int, default=1_000_000)
    args, _unknown = parser.parse_known_args()  # make bench passes every benchmark's arguments
    if not (args.database_url or "").startswith("postgres"):
        print("partitions_bench: table partitioning is a PostgreSQL feature; give "
              "--database-url postgres://…/<throwaway db>. Nothing measured on SQLite.")
        return
    os.environ.update({"DJANGO_SETTINGS_MODULE": "ocop.settings", "LOG_LEVEL": "WARNING"})
    with benchdb.throwaway_database(args.database_url, sqlite_name="unused.sqlite3") as url:
        os.environ["DATABASE_URL"] = url
        rows = run(args)
    benchdb.print_measures(rows, value_width=60)


if __name__ == "__main__":
    main()
