"""Stamp sheet benchmark: the background job that prints a batch's QR stamps as an A4 PDF.

    .venv/bin/python bench/stamps_bench.py                      # 200 and 10,000 stamps, SQLite
    .venv/bin/python bench/stamps_bench.py --counts 200,10000,2000
    .venv/bin/python bench/stamps_bench.py --database-url postgres://postgres@127.0.0.1:5432/ocop_stamps_bench

One supply chain through the real services (trace_bench.setup_chain: a 4★ product with a GTIN),
one batch of the largest count, then for each count the whole job as a user starts it: the
request (range check, job row, audit entry), the run (signed URIs, QR codes, PDF), the stored
file. Prints seconds, pages/s and stamps/s; the target is 10,000 stamps in at most 30 s.
The figures are recorded in docs/traceability.md.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import benchdb  # noqa: E402

TARGET_SECONDS = 30.0  # for 10,000 stamps


@dataclass
class Row:
    stamps: int
    pages: int
    seconds: float
    pdf_bytes: int

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.seconds

    @property
    def stamps_per_s(self) -> float:
        return self.stamps / self.seconds


def make_batch(count: int):
    """A stamp batch of ``count`` stamps on the bench supply chain's packed lot."""
    from trace_bench import setup_chain

    from ocop.trace import services

    chain = setup_chain()
    return chain["user"], services.issue_stamps(actor=chain["user"], lot=chain["lots"][0],
                                                count=count)


def measure(user, batch, count: int) -> Row:
    """Request and run one stamp sheet job (the queue hand-over is left out: the worker's
    polling interval is not the renderer's speed)."""
    from django.test import override_settings

    from ocop.jobs import services
    from ocop.jobs.models import Job

    with override_settings(TASKS={"default": {
            "BACKEND": "django.tasks.backends.dummy.DummyBackend"}}):
        started = time.perf_counter()
        job = services.start_stamp_sheet(actor=user, batch=batch, first=batch.first_serial,
                                          last=batch.first_serial + count - 1)
        services.run(job)
        seconds = time.perf_counter() - started
    job.refresh_from_db()
    if job.status != Job.Status.DONE:
        raise SystemExit(f"stamp sheet job failed: {job.message}")
    return Row(count, job.total, seconds, job.result.size)


def print_table(rows: list[Row], out=sys.stdout) -> None:
    print(f"{'stamps':>8} {'pages':>6} {'seconds':>8} {'pages/s':>8} {'stamps/s':>9} "
          f"{'PDF KiB':>8}", file=out)
    for r in rows:
        print(f"{r.stamps:>8,} {r.pages:>6} {r.seconds:>8.2f} {r.pages_per_s:>8.1f} "
              f"{r.stamps_per_s:>9.0f} {r.pdf_bytes / 1024:>8.0f}", file=out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="postgres://postgres@127.0.0.1:5432/"
                        "ocop_stamps_bench (created and dropped); default: a SQLite file")
    parser.add_argument("--counts", default="200,10000",
                        help="Stamps per sheet, comma-separated (default 200,10000)")
    args = parser.parse_args(argv)
    counts = [int(c) for c in args.counts.split(",")]
    with benchdb.bench_database(args.database_url, sqlite_name="stamps.sqlite3"):
        user, batch = make_batch(max(counts))
        rows = [measure(user, batch, count) for count in counts]
    print_table(rows)
    slow = [r for r in rows if r.stamps >= 10_000 and r.seconds * 10_000 / r.stamps
            > TARGET_SECONDS]
    if slow:
        print(f"10,000 stamps took longer than {TARGET_SECONDS:.0f} s")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
