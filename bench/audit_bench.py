#!/usr/bin/env python
"""Audit chain benchmark: how many audited writes per second the chain's one lock allows.

    .venv/bin/python bench/audit_bench.py [--database-url URL] [--writers 1,2,4,8] [--seconds 10]

Every audited change appends to one hash chain (``ocop.audit.services.record``): the writer
locks the single ``ChainHead`` row (``SELECT … FOR UPDATE``; on SQLite the database's write lock,
taken by ``BEGIN IMMEDIATE``, serialises every write anyway) and holds it until its transaction
commits. So however many app servers run, audited writes go one at a time, and the chain allows
at most 1 / (time the lock is held) of them per second.

This benchmark creates a fresh database (an SQLite file under var/bench/ by default; with a
postgres://…/name URL a throw-away PostgreSQL database dropped at the end), loads one province
and a few producers, then for each writer count N starts N processes that, for T seconds, each
edit their own producer through the real service (``registry.services.update_producer``: row
lock on the producer, validation, save, audit entry, commit) as fast as they can. No two writers
touch the same producer, so the only contention is the chain (and, on SQLite, the database).

Printed per N: audited writes/s in all, p50/p99 of one write (service call to commit), p50/p99
of the wait for the lock, the median time the lock is held, and the ceiling 1 / held. At the end
``verify_chain`` must pass over everything written (exit 1 otherwise).
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for path in (str(ROOT), str(HERE)):
    if path not in sys.path:
        sys.path.insert(0, path)

import benchdb  # noqa: E402

ACTOR = "audit-bench"


@dataclass(frozen=True)
class Sample:
    total_ms: float  # the service call, lock wait and commit included
    wait_ms: float  # the statement that takes the chain's lock
    held_ms: float  # from holding the lock to the end of the commit


@dataclass(frozen=True)
class Row:
    writers: int
    seconds: float
    writes: int
    errors: int
    total_p50: float
    total_p99: float
    wait_p50: float
    wait_p99: float
    held_p50: float

    @property
    def rate(self) -> float:
        return self.writes / self.seconds

    @property
    def ceiling(self) -> float:
        return 1000 / self.held_p50 if self.held_p50 else float("inf")


def _takes_the_lock(sql: str) -> bool:
    """The statement after which this writer holds the chain: the ``FOR UPDATE`` on the chain
    head (PostgreSQL), or ``BEGIN IMMEDIATE`` (SQLite: the database's write lock, taken at the
    start of the transaction — and so held for the whole of it)."""
    return ("audit_chainhead" in sql and "FOR UPDATE" in sql) or sql.startswith("BEGIN")


def setup(writers: int) -> tuple[int, list[int]]:
    """An account that may edit any producer and one producer per writer: (actor, producers)."""
    from django.core.management import call_command

    from ocop.accounts.models import Role, User
    from ocop.demo.scale import generate

    if not User.objects.filter(username=ACTOR).exists():
        call_command("load_units", provinces="24", stdout=io.StringIO())
        call_command("load_classification", stdout=io.StringIO())
    generate(products=writers, producers=writers, provinces=1, documents=0, users=0,
             history=False)
    actor, _ = User.objects.get_or_create(username=ACTOR,
                                          defaults={"role": Role.ADMIN, "password": "!"})
    from ocop.registry.models import Producer

    return actor.pk, list(Producer.objects.order_by("pk").values_list("pk", flat=True)[:writers])


def _write_loop(actor_id: int, producer_id: int, stop, start_at: float,
                out: multiprocessing.Queue) -> None:
    """One writer process: edit one producer through the service until ``stop`` is set."""
    from django.db import connection

    from ocop.accounts.models import User
    from ocop.registry import services
    from ocop.registry.models import Producer

    actor = User.objects.get(pk=actor_id)
    producer = Producer.objects.get(pk=producer_id)
    marks: dict[str, float] = {}

    def timer(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            if _takes_the_lock(sql):
                marks["asked"], marks["got"] = started, time.perf_counter()

    samples: list[Sample] = []
    errors = 0
    first_error = ""
    n = 0
    while time.time() < start_at:
        time.sleep(0.001)
    with connection.execute_wrapper(timer):
        while not stop.is_set():
            n += 1
            marks.clear()
            started = time.perf_counter()
            try:
                services.update_producer(actor=actor, producer=producer,
                                         data={"street_address": f"Số {n} đường Thử tải"})
            except Exception as exc:  # counted and the first shown; the bench goes on
                errors += 1
                first_error = first_error or f"{type(exc).__name__}: {exc}"
                continue
            done = time.perf_counter()
            got = marks.get("got", started)
            samples.append(Sample((done - started) * 1000,
                                  (got - marks.get("asked", started)) * 1000,
                                  (done - got) * 1000))
    out.put((samples, errors, first_error))
    connection.close()


def run(writers: int, seconds: float) -> Row:
    from django.db import connections

    actor_id, producers = setup(writers)
    # Children must open connections of their own, never share the parent's socket.
    connections.close_all()
    ctx = multiprocessing.get_context("fork")
    out, stop = ctx.Queue(), ctx.Event()
    start_at = time.time() + 0.5
    procs = [ctx.Process(target=_write_loop, args=(actor_id, pk, stop, start_at, out))
             for pk in producers]
    for p in procs:
        p.start()
    time.sleep(max(0.0, start_at - time.time()) + seconds)
    stop.set()
    results = [out.get() for _ in procs]
    for p in procs:
        p.join()
    samples = [s for batch, _, _ in results for s in batch]
    errors = sum(e for _, e, _ in results)
    first_error = next((m for _, _, m in results if m), "")
    if errors:
        print(f"  {writers} writers: {errors} failed writes, the first: {first_error}")
    if not samples:
        raise SystemExit(f"{writers} writers: no write succeeded")

    def pct(values: list[float], p: float) -> float:
        return benchdb.percentile(values, p)

    totals = [s.total_ms for s in samples]
    waits = [s.wait_ms for s in samples]
    return Row(writers, seconds, len(samples), errors, statistics.median(totals),
               pct(totals, 99), statistics.median(waits), pct(waits, 99),
               statistics.median(s.held_ms for s in samples))


def _import_loop(actor_id: int, rows: int, start_at: float,
                 out: multiprocessing.Queue) -> None:
    """The importer: an Excel import of ``rows`` new producers, committed (pass 2 writes every
    row and its audit entry in one transaction, so it holds the chain until it commits)."""
    import import_lock_bench
    from django.db import connection

    from ocop.accounts.models import User
    from ocop.registry import excel
    from ocop.units.models import Unit

    communes = list(Unit.objects.filter(level=Unit.Level.COMMUNE, era=Unit.Era.CURRENT,
                                        current_province_id="P24")
                    .values_list("code", flat=True)[:50])
    content = import_lock_bench.workbook(rows, communes)
    marks: dict[str, float] = {}

    def timer(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if _takes_the_lock(sql):
            marks.setdefault("got", time.perf_counter())
        return result

    while time.time() < start_at:
        time.sleep(0.001)
    started = time.perf_counter()
    try:
        with connection.execute_wrapper(timer):
            result = excel.import_producers(User.objects.get(pk=actor_id), io.BytesIO(content),
                                            commit=True)
    except Exception as exc:  # reported to the parent, which would otherwise wait for ever
        out.put(("import", 0.0, 0.0, False, f"{type(exc).__name__}: {exc}"))
        connection.close()
        return
    done = time.perf_counter()
    problems = [e for r in result.rows for e in r.errors][:3]
    out.put(("import", done - started, done - marks.get("got", done), result.committed,
             str(problems)))
    connection.close()


@dataclass(frozen=True)
class ImportRow:
    rows: int
    import_s: float
    held_s: float  # the chain held by the import's writing pass
    writes: int  # by the other writer meanwhile
    total_p50: float
    wait_max: float


def run_import(rows: int) -> ImportRow:
    """One writer editing a producer while an import of ``rows`` producers runs: how long the
    import holds the chain, and how long the writer's audited saves wait meanwhile."""
    from django.db import connections

    actor_id, producers = setup(1)
    connections.close_all()
    ctx = multiprocessing.get_context("fork")
    imported, written, stop = ctx.Queue(), ctx.Queue(), ctx.Event()
    start_at = time.time() + 0.5
    importer = ctx.Process(target=_import_loop, args=(actor_id, rows, start_at, imported))
    writer = ctx.Process(target=_write_loop, args=(actor_id, producers[0], stop, start_at,
                                                   written))
    importer.start()
    writer.start()
    _, import_s, held_s, committed, problems = imported.get()
    stop.set()
    samples, errors, first_error = written.get()
    importer.join()
    writer.join()
    if not committed:
        raise SystemExit(f"import step: the import did not commit: {problems}")
    if errors:
        print(f"  import step: {errors} failed writes beside it, the first: {first_error}")
    totals = [s.total_ms for s in samples] or [0.0]
    return ImportRow(rows, import_s, held_s, len(samples), statistics.median(totals),
                     max(s.wait_ms for s in samples) if samples else 0.0)


def print_table(rows: list[Row], out=sys.stdout) -> None:
    header = (f"{'writers':>7} {'writes/s':>9} {'errors':>6} {'write p50':>9} {'write p99':>9} "
              f"{'wait p50':>9} {'wait p99':>9} {'held p50':>9} {'ceiling/s':>9}")
    out.write(header + "\n" + "-" * len(header) + "\n")
    for r in rows:
        out.write(f"{r.writers:>7} {r.rate:>9.1f} {r.errors:>6} {r.total_p50:>9.2f} "
                  f"{r.total_p99:>9.2f} {r.wait_p50:>9.2f} {r.wait_p99:>9.2f} "
                  f"{r.held_p50:>9.2f} {r.ceiling:>9.0f}\n")
    out.write("(times in ms; ceiling = 1000 / held p50: the writes/s the one chain allows)\n")


def print_import(row: ImportRow, out=sys.stdout) -> None:
    out.write(f"import of {row.rows:,} producers: {row.import_s:.1f} s in all, the chain held "
              f"{row.held_s:.1f} s by its writing pass; the other writer meanwhile: "
              f"{row.writes} saves, p50 {row.total_p50:.1f} ms, longest wait for the lock "
              f"{row.wait_max:.0f} ms\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="postgres://postgres@127.0.0.1:5432/ocop_audit "
                                               "(created and dropped); default: SQLite file")
    parser.add_argument("--writers", default="1,2,4,8", help="Writer process counts")
    parser.add_argument("--seconds", type=float, default=10, help="Duration of each step")
    parser.add_argument("--import-rows", type=int, default=2000,
                        help="Rows of the import run beside one writer (0: no import step)")
    args = parser.parse_args(argv)
    counts = [int(n) for n in args.writers.split(",")]

    with benchdb.throwaway_database(args.database_url, sqlite_name="audit.sqlite3") as url:
        os.environ["DATABASE_URL"] = url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocop.settings")
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)

        from ocop.audit.services import verify_chain

        print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, "
              f"{connection.vendor}, {args.seconds:g} s per step")
        rows = []
        for n in counts:
            rows.append(run(n, args.seconds))
            print(f"  {n} writers: {rows[-1].rate:.1f} writes/s; load average "
                  + " ".join(f"{x:.1f}" for x in os.getloadavg()))
        imported = run_import(args.import_rows) if args.import_rows else None
        print()
        print_table(rows)
        if imported:
            print_import(imported)
        report = verify_chain()
        print(f"\naudit chain: {report.checked:,} entries, "
              + ("verified" if report.broken is None else f"BROKEN: {report.broken.describe()}"))
        return 0 if report.broken is None else 1


if __name__ == "__main__":
    sys.exit(main())
