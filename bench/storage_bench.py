#!/usr/bin/env python
"""File-storage benchmark: upload and protected download of one file, local disk against a real
S3-API server, in one run (docs/file-storage.md).

    .venv/bin/python bench/storage_bench.py [--size-kib 1024] [--rounds 50]

Each round stores a fresh file through the storage API (``storage.save``, as every upload and
generated file is stored) and reads it back through ``serve_protected``, the one download path
of the app (django-sendfile2 on the local disk, a stream from the bucket on S3), then deletes
it. The local side writes to a temporary folder; the S3 side to moto's standalone S3 server
(``moto[s3]``, requirements/test.txt) started on a free loopback port, with signature checking
on. Prints p50 and p90 per backend and the S3 ÷ local ratio of the p50s.

Exit status 1 when a download does not give back the bytes that were stored.
"""

from __future__ import annotations

import argparse
import os
import platform
import secrets
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocop.settings")

import django  # noqa: E402

django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.core.files.storage import FileSystemStorage, Storage  # noqa: E402
from django.db.models import FileField  # noqa: E402
from django.db.models.fields.files import FieldFile  # noqa: E402
from django.test import RequestFactory, override_settings  # noqa: E402
from storages.backends.s3 import S3Storage  # noqa: E402

from ocop.core.files import serve_protected  # noqa: E402
from ocop.core.testing import S3Server  # noqa: E402


@dataclass(frozen=True)
class Result:
    backend: str
    rounds: int
    size: int
    p50_ms: float
    p90_ms: float
    intact: bool


def round_trip_ms(storage: Storage, data: bytes) -> tuple[float, bool]:
    """Milliseconds to store ``data`` and download it through ``serve_protected``; whether the
    downloaded bytes are the stored ones."""
    request = RequestFactory().get("/tai-ve")
    started = time.perf_counter()
    name = storage.save(f"bench/{secrets.token_hex(16)}.bin", ContentFile(data))
    stored = FieldFile(None, FileField(storage=storage), name)
    response = serve_protected(request, stored, "tep.bin")
    body = b"".join(response.streaming_content)
    elapsed = (time.perf_counter() - started) * 1000
    storage.delete(name)
    return elapsed, body == data


def measure_one(backend: str, storage: Storage, data: bytes, rounds: int) -> Result:
    round_trip_ms(storage, data)  # warm-up: connections, first imports
    times, intact = [], True
    for _ in range(rounds):
        ms, same = round_trip_ms(storage, data)
        times.append(ms)
        intact &= same
    p90 = statistics.quantiles(times, n=10)[-1] if len(times) > 1 else times[0]
    return Result(backend, rounds, len(data), statistics.median(times), p90, intact)


def measure(size: int, rounds: int) -> list[Result]:
    data = secrets.token_bytes(size)  # incompressible, like a scanned PDF or a photo
    with tempfile.TemporaryDirectory(prefix="ocop-storage-bench-") as media, S3Server(
            bucket="ocop-bench-files") as server, override_settings(
            MEDIA_ROOT=media, SENDFILE_ROOT=media):
        local = FileSystemStorage(location=media)
        s3 = S3Storage(**server.storage_settings()["OPTIONS"])
        return [measure_one("local disk", local, data, rounds),
                measure_one("S3 (moto server)", s3, data, rounds)]


def print_table(results: list[Result], out=sys.stdout) -> None:
    print(f"{'backend':<18} {'rounds':>6} {'size KiB':>9} {'p50 ms':>8} {'p90 ms':>8}  intact",
          file=out)
    for r in results:
        print(f"{r.backend:<18} {r.rounds:>6} {r.size // 1024:>9} {r.p50_ms:>8.1f} "
              f"{r.p90_ms:>8.1f}  {'yes' if r.intact else 'NO'}", file=out)
    local, s3 = results
    print(f"S3 ÷ local (p50): {s3.p50_ms / local.p50_ms:.1f}×", file=out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-kib", type=int, default=1024, help="file size (default 1024)")
    parser.add_argument("--rounds", type=int, default=50, help="measured rounds (default 50)")
    # make bench passes the same arguments to every benchmark; this one needs no database.
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--sizes", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs; upload + protected "
          f"download of a {args.size_kib} KiB file")
    results = measure(args.size_kib * 1024, args.rounds)
    print_table(results)
    return 0 if all(r.intact for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
