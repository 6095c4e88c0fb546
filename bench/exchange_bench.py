#!/usr/bin/env python
"""Exchange benchmark: the change feed's throughput, and the export and import around it.

    .venv/bin/python bench/exchange_bench.py [--database-url URL] [--producers 2000]

On a fresh database (benchdb: an SQLite file under var/bench/, or a throw-away PostgreSQL
database) it writes N producers with a product each through the registry's services (each
write: its audit entry and its feed entry in the same transaction), then reads the whole feed
in pages of 1000 as a partner would (``selectors.feed``), exports every record, and imports
the export back (every row unchanged: the idempotent path a repeated pull takes).

Printed: writes/s with the feed on, feed entries read/s, records exported/s, rows
re-imported/s. No figure is asserted; bench/test_exchange_bench_smoke.py keeps the steps alive.

``--list-rows 334`` then also imports a legacy Excel list of that many rows (a new producer and
product each, one decision) the way the staff page does: ``exchange.jobs.start_import`` and the
job run by ``jobs.services.run`` in this process, printing the job's time and the progress
values handed to its writer (at most about one a second; PostgreSQL writes each through its
second connection, SQLite cannot while the import's transaction is open).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for path in (str(ROOT), str(HERE)):
    if path not in sys.path:
        sys.path.insert(0, path)

import benchdb  # noqa: E402

# Valid tax codes need a check digit; the bench makes them from a 9-digit counter.
_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


@dataclass(frozen=True)
class Figures:
    writes: int
    write_s: float
    feed_entries: int
    feed_s: float
    exported: int
    export_s: float
    reimported: int
    reimport_s: float

    def lines(self) -> list[str]:
        def rate(n: int, s: float) -> str:
            return f"{n / s:,.0f}/s" if s > 0 else "-"
        return [
            f"writes (producer or product, audit + feed entry): {self.writes:,} "
            f"in {self.write_s:.1f} s = {rate(self.writes, self.write_s)}",
            f"feed read in pages of 1000: {self.feed_entries:,} entries in {self.feed_s:.2f} s "
            f"= {rate(self.feed_entries, self.feed_s)}",
            f"export: {self.exported:,} records in {self.export_s:.2f} s "
            f"= {rate(self.exported, self.export_s)}",
            f"re-import of the export (all unchanged): {self.reimported:,} rows in "
            f"{self.reimport_s:.1f} s = {rate(self.reimported, self.reimport_s)}",
        ]


def tax_code(n: int) -> str:
    from ocop.registry.validators import tax_code_check_digit

    for base in range(n * 10, n * 10 + 10):
        first = f"{base % 10**8 + 10**8:09d}"
        digit = tax_code_check_digit(first)
        if digit is not None:
            return f"{first}{digit}"
    raise ValueError(n)


def run(producers: int) -> Figures:
    from ocop.exchange import selectors, services
    from ocop.registry import services as registry
    from ocop.registry.models import LegalForm, ProductSet
    from ocop.units.models import Unit

    communes = list(Unit.objects.filter(era="current", level="commune",
                                        current_province_id="P24")[:50])
    product_set = ProductSet.objects.order_by("code").first()
    seen = set()
    started = time.perf_counter()
    writes = 0
    n = 0
    while writes < producers * 2:
        n += 1
        code = tax_code(n)
        if code in seen:
            continue
        seen.add(code)
        producer = registry.create_producer(actor=None, data={
            "legal_form": LegalForm.COOPERATIVE, "name": f"HTX Bench {n}", "tax_code": code,
            "commune": communes[n % len(communes)], "representative_name": "Nguyễn Văn A"})
        registry.create_product(actor=None, producer=producer,
                                data={"name": f"Sản phẩm {n}", "product_set": product_set})
        writes += 2
    write_s = time.perf_counter() - started

    started, cursor, read = time.perf_counter(), 0, 0
    while True:
        page = selectors.feed(cursor, province=None, limit=1000)
        read += len(page.changes)
        cursor = page.next_cursor
        if not page.has_more:
            break
    feed_s = time.perf_counter() - started

    started = time.perf_counter()
    rows = list(selectors.export_records(None))
    export_s = time.perf_counter() - started

    started = time.perf_counter()
    report = services.apply_records(rows, services.Scope(actor=None, province=None,
                                                         today=date.today()))
    reimport_s = time.perf_counter() - started
    if not report.ok or report.unchanged != len(rows):
        raise SystemExit(f"re-import changed something: {report}")
    return Figures(writes, write_s, read, feed_s, len(rows), export_s, len(rows), reimport_s)


def legacy_list(rows: int) -> tuple[float, list[tuple[int, int]], dict]:
    """Import an Excel list of ``rows`` rows as the staff page's job; (seconds, progress
    values reported, the job's outcome)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ocop.accounts.models import User
    from ocop.exchange import excel
    from ocop.exchange import jobs as exchange_jobs
    from ocop.jobs import services as job_services
    from ocop.jobs.models import Job
    from ocop.registry.models import ProductSet
    from ocop.units.models import Unit

    province = Unit.objects.get(pk="P24")
    communes = list(Unit.objects.filter(era="current", level="commune",
                                        current_province_id="P24")[:50])
    product_set = ProductSet.objects.order_by("code").first()
    office = User.objects.create_user(username=f"bench-office-{rows}", password="x-Pass-123456",
                                      role="province_office", unit=province)
    lines = [[n, f"Sản phẩm danh sách {n}", None, product_set.code, f"HTX Danh sách {n}",
              tax_code(500_000 + n), "Hợp tác xã", "Nguyễn Văn A", "", communes[n % len(
                  communes)].code, None, 4, "75", "99/QĐ-UBND", "15/11/2024", 2024, None,
              None, None] for n in range(1, rows + 1)]
    upload = SimpleUploadedFile("ds.xlsx", excel.template(lines))
    job = exchange_jobs.start_import(actor=office, file=upload, file_format="xlsx",
                                     province=province, issuing_unit=province,
                                     signer_name="Trần Văn Ký", signer_title="Chủ tịch")
    seen: list[tuple[int, int]] = []
    writer = job_services.SideProgressWriter.write

    def record(self, done: int, total: int) -> None:
        seen.append((done, total))
        writer(self, done, total)

    job_services.SideProgressWriter.write = record
    try:
        started = time.perf_counter()
        job_services.run(Job.objects.get(pk=job.pk))
        seconds = time.perf_counter() - started
    finally:
        job_services.SideProgressWriter.write = writer
    job.refresh_from_db()
    if job.status != Job.Status.DONE or job.outcome.get("status") != "applied":
        raise SystemExit(f"the list was not imported: {job.message} {job.outcome}")
    return seconds, seen, job.outcome


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="postgres://postgres@127.0.0.1:5432/ocop_bench "
                                               "(created and dropped); default: SQLite file")
    parser.add_argument("--producers", type=int, default=2000)
    parser.add_argument("--list-rows", type=int, default=0,
                        help="also import a legacy Excel list of this many rows as a job")
    args = parser.parse_args(argv)
    with benchdb.bench_database(args.database_url, sqlite_name="exchange.sqlite3"):
        print(f"python {platform.python_version()}, {os.cpu_count()} CPUs")
        for line in run(args.producers).lines():
            print(line)
        if args.list_rows:
            seconds, seen, outcome = legacy_list(args.list_rows)
            print(f"legacy list as a job: {args.list_rows} rows ({outcome['created']} records "
                  f"created) in {seconds:.1f} s; progress handed to the writer {len(seen)} times "
                  f"(about once a second; on SQLite not written inside the transaction), "
                  f"first {seen[:3]}, last {seen[-1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
