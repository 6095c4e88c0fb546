"""Decompression bombs: time and peak memory to refuse one, against parsing a small honest file.

Run from the project root:  .venv/bin/python bench/upload_bomb_bench.py [--inflated-mb 384]

The bomb is the outside probe's shape: a ~385 KB .xlsx whose shared strings inflate to ~384 MB
(the probe's file cost 35 s and 2.8 GB inside openpyxl before it was refused). It goes through
the same path as an upload to the import page (``validate_upload`` then ``read_rows``). The
baseline, measured in the same run, is reading an honest 1,000-row registry workbook.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocop.settings")

import django

django.setup()

from django.core.exceptions import ValidationError  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402

from ocop.registry import excel, uploads  # noqa: E402
from ocop.registry.tests.test_bounded_spreadsheets import bomb_xlsx  # noqa: E402
from ocop.registry.tests.test_excel import producer_row, xlsx  # noqa: E402


def measure(work: Callable[[], object], repeat: int = 5) -> tuple[float, float]:
    """Median seconds and peak traced MiB of ``work``."""
    times = []
    peak = 0
    for _ in range(repeat):
        tracemalloc.start()
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
        peak = max(peak, tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    return sorted(times)[len(times) // 2], peak / 1048576


def refuse(content: bytes) -> None:
    try:
        uploads.validate_upload(SimpleUploadedFile("bom.xlsx", content), uploads.SPREADSHEET_KINDS)
    except ValidationError:
        return
    raise SystemExit("the bomb was accepted by validate_upload")


def refuse_in_reader(content: bytes) -> None:
    try:
        excel.read_rows(io.BytesIO(content), excel.PRODUCER_COLUMNS)
    except excel.ImportFileError:
        return
    raise SystemExit("the bomb was accepted by read_rows")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--inflated-mb", type=int, default=384)
    args = parser.parse_args()
    bomb = bomb_xlsx(args.inflated_mb * 1024 * 1024)
    honest = xlsx([producer_row(f"{1_000_000_000 + i}", f"HTX {i}") for i in range(1000)])
    base_s, base_mb = measure(lambda: excel.read_rows(io.BytesIO(honest), excel.PRODUCER_COLUMNS))
    up_s, up_mb = measure(lambda: refuse(bomb))
    rd_s, rd_mb = measure(lambda: refuse_in_reader(bomb))
    print(f"bomb: {len(bomb) / 1024:.0f} KB on the wire, {args.inflated_mb} MB inflated")
    print(f"{'case':46} {'median ms':>10} {'peak MiB':>9} {'vs baseline':>12}")
    print(f"{'baseline: read 1,000-row honest workbook':46} {base_s * 1000:10.1f} {base_mb:9.2f}"
          f" {'1.00x':>12}")
    print(f"{'refuse bomb at upload (validate_upload)':46} {up_s * 1000:10.1f} {up_mb:9.2f}"
          f" {up_s / base_s:11.3f}x")
    print(f"{'refuse bomb in the reader (read_rows)':46} {rd_s * 1000:10.1f} {rd_mb:9.2f}"
          f" {rd_s / base_s:11.3f}x")


if __name__ == "__main__":
    main()
