"""Backup and restore round trip: the restored instance answers every public check identically.

    .venv/bin/python bench/backup_bench.py                      # SQLite (fresh files in var/bench/)
    .venv/bin/python bench/backup_bench.py --database-url postgres://postgres@127.0.0.1:5432/ocop_backup_bench
    .venv/bin/python bench/backup_bench.py --products 2000      # scale data instead of the demo

Steps, each a `manage.py` command in its own process, as an operator runs them:
1. instance A: a fresh database and media folder, `migrate`, then the demo (`demo`) or, with
   ``--products``, the national-scale generator (`scale_data`);
2. `backup DEST` of A (timed);
3. `restore DEST` into instance B: a second, empty database (PostgreSQL: ``<name>_restored``)
   and a second media folder (timed; it verifies the manifest and runs `audit_verify`);
4. every public answer of both instances: the verify page of every certificate and the scan
   page of every stamp (up to ``--max-stamps``, spread over all batches), status and content;
   the two must be identical;
5. `audit_verify` on B.

PostgreSQL databases named in the URL (and ``<name>_restored``) are created first and dropped at
the end.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import benchdb  # noqa: E402

# benchdb closes Django's connections before it drops a PostgreSQL database; this process
# itself never connects (every step runs in its own manage.py process).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocop.settings")

# The stamps are signed with a key derived from SECRET_KEY: a restored instance needs the same
# secret (it is configuration, not data, and is not in the backup).
SECRET_KEY = "backup-bench-secret-key-0123456789abcdefghijklmnopqrstuvwxyz-0123456789"
# Per-response tokens that differ between two identical instances (and two requests).
VOLATILE = re.compile(rb'(name="csrfmiddlewaretoken" value=|nonce=|csrf-token" content=)"[^"]*"')


def _log(message: str) -> None:
    print(message, flush=True)


def public_paths(max_stamps: int) -> list[str]:
    """The verify page of every certificate and the scan page of up to ``max_stamps`` stamps,
    taken evenly from every batch (first, last and the serials between)."""
    from ocop.certificates.models import Certificate
    from ocop.trace import stamps
    from ocop.trace.models import StampBatch

    paths = [f"/verify/{number}" for number in
             Certificate.objects.order_by("number").values_list("number", flat=True)]
    batches = list(StampBatch.objects.select_related("lot", "product").order_by("id"))
    per_batch = max(1, max_stamps // max(1, len(batches)))
    for batch in batches:
        last = batch.first_serial + batch.count - 1
        step = max(1, batch.count // per_batch)
        serials = sorted({*range(batch.first_serial, last + 1, step), last})[:per_batch + 1]
        for serial in serials:
            uri = stamps.stamp_uri(batch.product.gtin, batch.product_id, batch.lot.code, serial)
            paths.append("/" + uri.split("://", 1)[1].split("/", 1)[1])
    return paths


def public_answers(paths: list[str]) -> dict[str, list]:
    """(status, SHA-256 of the content) of each path, asked in order through Django's client."""
    from django.test import Client

    client = Client()
    answers = {}
    for path in paths:
        response = client.get(path)
        body = VOLATILE.sub(rb"\1-", response.content)
        answers[path] = [response.status_code, hashlib.sha256(body).hexdigest()]
    return answers


def compare(first: dict[str, list], second: dict[str, list]) -> list[str]:
    """The paths whose answers differ (or that only one instance has)."""
    return sorted(p for p in set(first) | set(second) if first.get(p) != second.get(p))


def _answers_main(paths_file: Path) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocop.settings")
    django.setup()
    paths = json.loads(paths_file.read_text())
    print(json.dumps(public_answers(paths)))


def _paths_main(max_stamps: int) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocop.settings")
    django.setup()
    print(json.dumps(public_paths(max_stamps)))


class Instance:
    def __init__(self, name: str, database_url: str, media: Path) -> None:
        self.name, self.database_url, self.media = name, database_url, media
        shutil.rmtree(media, ignore_errors=True)
        self.env = {**{k: v for k, v in os.environ.items()
                       if not k.startswith(("DJANGO_", "OCOP_", "DATABASE_URL", "MEDIA_ROOT"))},
                    "DATABASE_URL": database_url, "MEDIA_ROOT": str(media),
                    "DJANGO_SECRET_KEY": SECRET_KEY, "DJANGO_DEBUG": "true",
                    **benchdb.NO_RATE_LIMITS,
                    "TASKS_BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}

    def run(self, *args: str) -> tuple[str, float]:
        started = time.perf_counter()
        result = subprocess.run(  # noqa: S603 — our own scripts
            [sys.executable, *args], cwd=ROOT, env=self.env, capture_output=True, text=True,
            check=False)
        if result.returncode:
            raise SystemExit(f"{self.name}: {' '.join(args)} failed:\n{result.stdout}\n"
                             f"{result.stderr}")
        return result.stdout, time.perf_counter() - started

    def manage(self, *args: str) -> tuple[str, float]:
        return self.run("manage.py", *args)


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def round_trip(a: Instance, b: Instance, dest: Path, max_stamps: int) -> dict[str, object]:
    """Back up A, restore into B, compare their public answers; the measures."""
    shutil.rmtree(dest, ignore_errors=True)
    backup_out, backup_s = a.manage("backup", str(dest))
    restore_out, restore_s = b.manage("restore", str(dest))
    _log(backup_out.strip() + "\n" + restore_out.strip())
    paths_out, _ = a.run(str(Path(__file__)), "--paths", str(max_stamps))
    paths_file = dest.parent / "backup_bench_paths.json"
    paths_file.write_text(paths_out)
    answers_a = json.loads(a.run(str(Path(__file__)), "--answers", str(paths_file))[0])
    answers_b = json.loads(b.run(str(Path(__file__)), "--answers", str(paths_file))[0])
    paths_file.unlink()
    differing = compare(answers_a, answers_b)
    audit, _ = b.manage("audit_verify")
    manifest = json.loads((dest / "manifest.json").read_text())
    verify = [p for p in answers_a if p.startswith("/verify/")]
    return {
        "backup_s": backup_s, "restore_s": restore_s, "size": _size(dest),
        # The commands' own time, without the process start (Django's boot).
        "backup_own_s": _own_seconds(backup_out), "restore_own_s": _own_seconds(restore_out),
        "rows": sum(manifest["tables"].values()), "files": len(manifest["files"]),
        "verify_pages": len(verify), "scan_pages": len(answers_a) - len(verify),
        "statuses": sorted({answer[0] for answer in answers_a.values()}),
        "differing": differing, "audit": audit.strip().splitlines()[0],
    }


def _own_seconds(output: str) -> float:
    return float(re.findall(r"in ([0-9.]+) s", output)[-1])


def _second_url(url: str) -> str | None:
    if not url or urlsplit(url).scheme.startswith("sqlite"):
        return None
    parts = urlsplit(url)
    return parts._replace(path=parts.path + "_restored").geturl()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default="", help="throw-away PostgreSQL database")
    parser.add_argument("--products", type=int, default=0,
                        help="scale data with this many products instead of the demo")
    parser.add_argument("--max-stamps", type=int, default=2000)
    parser.add_argument("--answers", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--paths", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.answers:
        _answers_main(args.answers)
        return 0
    if args.paths is not None:
        _paths_main(args.paths)
        return 0

    work = ROOT / "var" / "bench"
    with benchdb.throwaway_database(args.database_url or None,
                                    sqlite_name="backup_a.sqlite3") as url_a, \
            benchdb.throwaway_database(_second_url(args.database_url),
                                       sqlite_name="backup_b.sqlite3") as url_b:
        a = Instance("A", url_a, work / "backup_media_a")
        b = Instance("B", url_b, work / "backup_media_b")
        engine = "PostgreSQL" if url_a.startswith("postgres") else "SQLite"
        _, migrate_s = a.manage("migrate", "-v0")
        if args.products:
            _, build_s = a.manage("scale_data", "--products", str(args.products),
                                  "--producers", str(max(1, args.products // 3)))
        else:
            _, build_s = a.manage("demo")
        _log(f"instance A ({engine}): migrate {migrate_s:.1f} s, data {build_s:.1f} s")
        result = round_trip(a, b, work / "backup_dest", args.max_stamps)
        shutil.rmtree(work / "backup_dest", ignore_errors=True)
        for instance in (a, b):
            shutil.rmtree(instance.media, ignore_errors=True)

    data = f"scale data, {args.products} products" if args.products else "the demo"
    equal = not result["differing"]
    _log(f"\nBackup and restore on {engine}, {data}:")
    rows = [
        ("rows / stored files", f"{result['rows']:,} / {result['files']:,}"),
        ("backup size", f"{result['size'] / 1e6:.1f} MB"),
        ("backup time: command / whole process",
         f"{result['backup_own_s']:.1f} s / {result['backup_s']:.1f} s"),
        ("restore time (verification, audit_verify): command / process",
         f"{result['restore_own_s']:.1f} s / {result['restore_s']:.1f} s"),
        ("verify pages / scan pages compared",
         f"{result['verify_pages']:,} / {result['scan_pages']:,} (statuses "
         f"{', '.join(map(str, result['statuses']))})"),
        ("identical answers", "yes" if equal else f"NO: {len(result['differing'])} differ, "
                                                  f"e.g. {result['differing'][:3]}"),
        ("audit chain of the restored instance", result["audit"]),
    ]
    benchdb.print_measures(rows, value_width=60)
    return 0 if equal and result["audit"].startswith("Audit chain OK") else 1


if __name__ == "__main__":
    sys.exit(main())
