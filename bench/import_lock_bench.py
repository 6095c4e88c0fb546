"""Does checking a large Excel import stall the rest of the site? Write latency during a preview.

Run from the project root:
    .venv/bin/python bench/import_lock_bench.py [--rows 4000] [--database-url postgres://…/ocop_bench]

A 4,000-row producer workbook is checked (the import page's preview) while a second thread, like
another officer saving a form, updates a producer every 20 ms and times each write. The same
preview is then run the old way, inside one transaction (on SQLite an IMMEDIATE transaction takes
the database's write lock at once), as the baseline in the same run. Printed: the preview's
duration and the longest and p95 write latency while it ran — the time any write waited.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchdb


def workbook(rows: int, communes: list[str]) -> bytes:
    from openpyxl import Workbook

    from ocop.demo.codes import make_tax_code
    from ocop.registry import excel

    rng = random.Random(4000)
    headers = [c.header for c in excel.PRODUCER_COLUMNS]
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    codes: set[str] = set()
    while len(codes) < rows:
        codes.add(make_tax_code(rng, "24"))
    for i, code in enumerate(sorted(codes)):
        values = {"Mã số thuế": code, "Tên chủ thể": f"HTX thử nghiệm {i}",
                  "Loại hình": "Hợp tác xã", "Mã xã/phường": communes[i % len(communes)],
                  "Người đại diện": "Nguyễn Văn A", "Số lao động": 10}
        ws.append([values.get(h) for h in headers])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def writer(stop: threading.Event, producer_id: int, latencies: list[float],
           failures: list[float]) -> None:
    from django.db import OperationalError, connection

    from ocop.registry.models import Producer

    try:
        n = 0
        while not stop.is_set():
            started = time.perf_counter()
            try:
                Producer.objects.filter(pk=producer_id).update(employees=n % 50)
            except OperationalError:
                # SQLite gave up after its busy timeout ("database is locked"): the officer's
                # save failed. Count the wait all the same, and the failure.
                failures.append(time.perf_counter() - started)
            latencies.append(time.perf_counter() - started)
            n += 1
            time.sleep(0.02)
    finally:
        connection.close()


def run(content: bytes, user, producer_id: int, *,
        in_transaction: bool) -> tuple[float, list[float], int]:
    from django.db import transaction

    from ocop.registry import excel

    latencies: list[float] = []
    failures: list[float] = []
    stop = threading.Event()
    thread = threading.Thread(target=writer, args=(stop, producer_id, latencies, failures))
    thread.start()
    time.sleep(0.2)  # the writer is running before the preview starts
    started = time.perf_counter()
    if in_transaction:
        with transaction.atomic():  # the old preview: one transaction around every row's check
            result = excel.import_producers(user, io.BytesIO(content), commit=False)
    else:
        result = excel.import_producers(user, io.BytesIO(content), commit=False)
    elapsed = time.perf_counter() - started
    stop.set()
    thread.join()
    assert result.ok, [r.errors for r in result.rows if r.errors][:3]
    return elapsed, latencies, len(failures)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=4000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with benchdb.bench_database(args.database_url, sqlite_name="import_lock.sqlite3"):
        from ocop.accounts.models import Role, User
        from ocop.registry import services
        from ocop.units.models import Unit

        user = User.objects.create(username="bench-central", role=Role.CENTRAL)
        communes = list(Unit.objects.filter(level=Unit.Level.COMMUNE, era=Unit.Era.CURRENT,
                                            current_province_id="P24")
                        .values_list("code", flat=True)[:50])
        other = services.create_producer(actor=None, data={
            "tax_code": "0100109106", "name": "HTX ghi song song", "legal_form": "cooperative",
            "commune": Unit.objects.get(pk=f"C{communes[0]}"),
            "representative_name": "Trần Văn B"})
        content = workbook(args.rows, communes)
        print(f"{'preview of':>12} {'how':28} {'preview s':>9} {'writes':>7} {'failed':>6} "
              f"{'max wait ms':>11} {'p95 ms':>8}")
        for label, in_tx in (("baseline: in one transaction", True),
                             ("now: no transaction", False)):
            elapsed, lat, failed = run(content, user, other.pk, in_transaction=in_tx)
            p95 = statistics.quantiles(lat, n=20)[-1] if len(lat) >= 20 else max(lat)
            print(f"{args.rows:>8} rows {label:28} {elapsed:9.1f} {len(lat):7d} {failed:6d} "
                  f"{max(lat) * 1000:11.1f} {p95 * 1000:8.1f}")


if __name__ == "__main__":
    main()
