"""Backup and restore of one instance: the database and every stored file, with a manifest.

A backup is a folder:

    manifest.json      format, app version, engine, migration state, row count of every table,
                       the audit chain's head, and the size and SHA-256 of every file below
    database.dump      PostgreSQL: pg_dump's custom format (or database.sqlite3: SQLite's online
                       backup, one self-contained file)
    files/<name>       every file of the default storage, under its storage name

The database is read in one snapshot: on PostgreSQL pg_dump is handed the snapshot of a
repeatable-read transaction (``pg_export_snapshot``) in which the row counts and the audit head
are read too, so that the manifest describes exactly the dump. Files are copied after the
database: a file written meanwhile may be in the backup without a row naming it, never the
reverse (a row is written after its file). Files go through Django's storage API, so the same
commands work when the storage is an S3 bucket.

``manifest.json`` is written last; a folder without it is an interrupted backup. Restore checks
every checksum and the migration state before it writes anything, refuses a target that is not
empty unless forced, and afterwards compares the restored row counts, migrations, audit head and
files with the manifest and verifies the audit chain. Last, it moves the exchange feed's numbering
past anything the lost instance may have numbered after the backup (an audited entry).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader

from ocop.audit.models import AuditEntry
from ocop.exchange import services as exchange

FORMAT = 1
MANIFEST = "manifest.json"
FILES = "files"
CHUNK = 1024 * 1024
# The readiness probe's scratch files (ocop.operations.health) are not data.
SKIPPED_PREFIXES = (".readyz/",)


class BackupError(Exception):
    """A refusal or a failed verification, worded for the operator (Vietnamese)."""


@dataclass
class Report:
    """What a restore checked, for the command's output."""

    tables: int = 0
    rows: int = 0
    files: int = 0
    bytes: int = 0
    older_than_code: bool = False  # the backup lacks migrations this release has
    warnings: list[str] = field(default_factory=list)


# --- shared helpers ---------------------------------------------------------------------------

def _sha256_path(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def storage_names(prefix: str = "") -> Iterator[str]:
    """Every file name in the default storage (recursive, through listdir)."""
    try:
        directories, files = default_storage.listdir(prefix)
    except FileNotFoundError:  # a local MEDIA_ROOT not created yet holds nothing
        return
    for name in sorted(files):
        full = f"{prefix}{name}"
        if not full.startswith(SKIPPED_PREFIXES):
            yield full
    for directory in sorted(directories):
        if not f"{prefix}{directory}/".startswith(SKIPPED_PREFIXES):
            yield from storage_names(f"{prefix}{directory}/")


def _user_tables(cursor) -> list[str]:
    return sorted(name for name in connection.introspection.table_names(cursor)
                  if not name.startswith("sqlite_"))


def _count_tables(cursor, tables: list[str]) -> dict[str, int]:
    quote = connection.ops.quote_name
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 — introspected names
        counts[table] = cursor.fetchone()[0]
    return counts


def _migrations(cursor) -> list[list[str]]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    return [list(row) for row in cursor.fetchall()]


def _audit_head(cursor) -> dict[str, Any]:
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    cursor.execute(f"SELECT id, hash FROM {table} ORDER BY id DESC LIMIT 1")  # noqa: S608
    row = cursor.fetchone()
    return {"id": row[0], "hash": row[1]} if row else {"id": None, "hash": None}


def _app_version() -> dict[str, str]:
    pyproject = tomllib.loads((settings.BASE_DIR / "pyproject.toml").read_text())
    version = {"version": pyproject["project"]["version"], "commit": ""}
    # A release tarball has no git history; the version number then stands alone.
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        version["commit"] = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=settings.BASE_DIR, capture_output=True,  # noqa: S607
            text=True, timeout=10, check=True).stdout.strip()
    return version


# --- PostgreSQL client tools -----------------------------------------------------------------

def _server_major() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        return int(cursor.fetchone()[0]) // 10000


def pg_tool(name: str) -> str:
    """pg_dump / pg_restore of the server's major version.

    pg_dump refuses a server newer than itself, and an archive is read only by a pg_restore at
    least as new as the pg_dump that wrote it: the tool of the server's own version avoids both.
    Looked up in PG_BIN_DIR, then Debian's /usr/lib/postgresql/<major>/bin, then PATH (accepted
    only when its major version is the server's or newer).
    """
    major = _server_major()
    candidates = [Path(d) / name for d in (os.environ.get("PG_BIN_DIR", ""),
                                           f"/usr/lib/postgresql/{major}/bin") if d]
    on_path = shutil.which(name)
    if on_path:
        candidates.append(Path(on_path))
    for candidate in candidates:
        if not candidate.is_file():
            continue
        output = subprocess.run([str(candidate), "--version"], capture_output=True,  # noqa: S603
                                text=True, timeout=30, check=False).stdout
        found = re.search(r"(\d+)(?:\.\d+)?", output)
        if found and int(found.group(1)) >= major:
            return str(candidate)
    raise BackupError(
        f"Không tìm thấy {name} phiên bản {major} (bằng phiên bản máy chủ PostgreSQL): cài gói "
        f"postgresql-client-{major} hoặc đặt PG_BIN_DIR.")


def _pg_env() -> dict[str, str]:
    """libpq's environment for the default database: the password never on a command line."""
    db = connection.settings_dict
    env = {**os.environ, "PGDATABASE": db["NAME"]}
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"),
                     ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[var] = str(db[key])
    options = db.get("OPTIONS") or {}
    for key, var in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT"),
                     ("sslcert", "PGSSLCERT"), ("sslkey", "PGSSLKEY")):
        if options.get(key):
            env[var] = str(options[key])
    return env


def _run(command: list[str], what: str) -> None:
    result = subprocess.run(command, env=_pg_env(), capture_output=True, text=True,  # noqa: S603
                            check=False)
    if result.returncode:
        raise BackupError(f"{what} thất bại (mã {result.returncode}): {result.stderr.strip()}")


# --- backup -----------------------------------------------------------------------------------

def backup(dest: Path, *, progress: Callable[[str], None] = lambda _: None) -> dict[str, Any]:
    """Write a backup of the database and the stored files into the new folder ``dest``."""
    if dest.exists() and any(dest.iterdir()):
        raise BackupError(f"Thư mục {dest} đã có dữ liệu: hãy chọn một thư mục mới hoặc rỗng.")
    dest.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, Any] = {
        "format": FORMAT, "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "app": _app_version(), "engine": connection.vendor,
    }
    if connection.vendor == "postgresql":
        database = _backup_postgresql(dest / "database.dump", manifest)
    elif connection.vendor == "sqlite":
        database = _backup_sqlite(dest / "database.sqlite3", manifest)
    else:
        raise BackupError(f"Chưa hỗ trợ sao lưu cơ sở dữ liệu {connection.vendor}.")
    manifest["database"] = {"file": database.name, "bytes": database.stat().st_size,
                            "sha256": _sha256_path(database)}
    progress(f"database: {len(manifest['tables'])} tables, "
             f"{sum(manifest['tables'].values())} rows, {database.stat().st_size} bytes")
    manifest["files"] = _backup_files(dest / FILES)
    progress(f"files: {len(manifest['files'])}, "
             f"{sum(f['bytes'] for f in manifest['files'].values())} bytes")
    partial = dest / f"{MANIFEST}.partial"
    partial.write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True))
    partial.replace(dest / MANIFEST)
    return manifest


def _read_snapshot(cursor, manifest: dict[str, Any], tables: list[str]) -> None:
    manifest["tables"] = _count_tables(cursor, tables)
    manifest["migrations"] = _migrations(cursor)
    manifest["audit_head"] = _audit_head(cursor)


def _backup_postgresql(target: Path, manifest: dict[str, Any]) -> Path:
    pg_dump = pg_tool("pg_dump")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
        snapshot, manifest["server_version"] = cursor.fetchone()
        # The dump and the counts below see the same snapshot.
        _run([pg_dump, "--format=custom", "--no-owner", "--no-privileges",
              f"--snapshot={snapshot}", f"--file={target}"], "pg_dump")
        _read_snapshot(cursor, manifest, _user_tables(cursor))
    return target


def _sqlite_source() -> sqlite3.Connection:
    name = str(connection.settings_dict["NAME"])
    # The test runner's in-memory database is a shared-cache URI.
    return sqlite3.connect(name, uri=name.startswith("file:"))


def _backup_sqlite(target: Path, manifest: dict[str, Any]) -> Path:
    source, copy = _sqlite_source(), sqlite3.connect(target)
    try:
        source.backup(copy)  # the online backup API: a consistent copy while others write
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        # The counts are read from the copy itself, with SQLite's own table list (the one
        # Django's introspection reads after a restore).
        cursor = copy.cursor()
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                       "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")
        _read_snapshot(cursor, manifest, [row[0] for row in cursor.fetchall()])
    finally:
        source.close()
        copy.close()
    return target


def _backup_files(folder: Path) -> dict[str, dict[str, Any]]:
    files: dict[str, dict[str, Any]] = {}
    for name in storage_names():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        with default_storage.open(name, "rb") as source, target.open("wb") as copy:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                copy.write(chunk)
        files[name] = {"bytes": size, "sha256": digest.hexdigest()}
    return files


# --- restore ----------------------------------------------------------------------------------

def read_manifest(src: Path) -> dict[str, Any]:
    path = src / MANIFEST
    if not path.is_file():
        raise BackupError(f"{src} không phải một bản sao lưu hoàn chỉnh: thiếu {MANIFEST}.")
    try:
        manifest = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BackupError(f"{MANIFEST} hỏng: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Định dạng sao lưu {manifest.get('format')} không được hỗ trợ "
                          f"(bản này đọc định dạng {FORMAT}).")
    return manifest


def verify_backup(src: Path, manifest: dict[str, Any]) -> None:
    """Before anything is written: the engine, the migrations and every checksum."""
    if manifest["engine"] != connection.vendor:
        raise BackupError(f"Bản sao lưu là của {manifest['engine']}, cơ sở dữ liệu đích là "
                          f"{connection.vendor}: không khôi phục chéo được.")
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = sorted(f"{app}.{name}" for app, name in manifest["migrations"]
                     if (app, name) not in known and app in {a for a, _ in known})
    if unknown:
        raise BackupError("Bản sao lưu mới hơn mã nguồn này (có migration chưa biết: "
                          f"{', '.join(unknown[:5])}): hãy cài phiên bản {manifest['app']}.")
    database = src / manifest["database"]["file"]
    if not database.is_file() or _sha256_path(database) != manifest["database"]["sha256"]:
        raise BackupError(f"Tệp cơ sở dữ liệu {database.name} thiếu hoặc sai mã kiểm tra.")
    for name, expected in manifest["files"].items():
        path = src / FILES / name
        if not path.is_file() or _sha256_path(path) != expected["sha256"]:
            raise BackupError(f"Tệp {name} trong bản sao lưu thiếu hoặc sai mã kiểm tra.")


def target_is_empty() -> bool:
    with connection.cursor() as cursor:
        tables = _user_tables(cursor)
    return not tables and next(storage_names(), None) is None


def restore(src: Path, *, force: bool = False,
            progress: Callable[[str], None] = lambda _: None) -> Report:
    manifest = read_manifest(src)
    verify_backup(src, manifest)
    progress("backup verified: checksums, engine and migrations")
    if not target_is_empty() and not force:
        raise BackupError("Cơ sở dữ liệu hoặc kho tệp đích đã có dữ liệu; khôi phục sẽ xoá "
                          "chúng. Dùng --force nếu đó đúng là ý muốn.")
    if connection.vendor == "postgresql":
        _restore_postgresql(src / manifest["database"]["file"])
    else:
        _restore_sqlite(src / manifest["database"]["file"])
    progress("database restored")
    _restore_files(src / FILES, manifest["files"])
    progress(f"files restored: {len(manifest['files'])}")
    report = verify_restored(manifest)
    # Partners may hold changes numbered after the backup, lost with the instance: the feed's
    # next numbers must not be those (ocop/exchange/services.py, skip_past_restore). A backup
    # older than the code has an older schema: that step waits for `migrate`.
    if report.older_than_code:
        report.warnings.append("Bản sao lưu cũ hơn mã nguồn: chạy `manage.py migrate`, rồi "
                               "`manage.py exchange after-restore`.")
    else:
        floor = exchange.skip_past_restore()
        progress(f"exchange feed: the next change is numbered after {floor}")
    return report


def _restore_postgresql(dump: Path) -> None:
    pg_restore = pg_tool("pg_restore")
    with connection.cursor() as cursor:
        # Everything the target held goes, so that no table of a later release survives beside
        # the restored ones.
        cursor.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public")
    connection.close()
    _run([pg_restore, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
          f"--dbname={connection.settings_dict['NAME']}", str(dump)], "pg_restore")


def _restore_sqlite(copy: Path) -> None:
    connection.close()
    source, target = sqlite3.connect(f"file:{copy}?mode=ro", uri=True), _sqlite_source()
    try:
        # Page by page into the live file: replaces every table, the WAL included.
        source.backup(target)
    finally:
        source.close()
        target.close()


def _restore_files(folder: Path, files: dict[str, dict[str, Any]]) -> None:
    for name in list(storage_names()):
        default_storage.delete(name)
    for name in sorted(files):
        with (folder / name).open("rb") as handle:
            saved = default_storage.save(name, File(handle, name=name))
        if saved != name:
            raise BackupError(f"Kho tệp lưu {name} dưới tên {saved}.")


def verify_restored(manifest: dict[str, Any]) -> Report:
    """After restore: the target holds exactly what the manifest describes."""
    report = Report()
    with connection.cursor() as cursor:
        counts = _count_tables(cursor, _user_tables(cursor))
        migrations = _migrations(cursor)
        head = _audit_head(cursor)
    if counts != manifest["tables"]:
        differing = sorted(t for t in set(counts) | set(manifest["tables"])
                           if counts.get(t) != manifest["tables"].get(t))
        raise BackupError(f"Số dòng sau khôi phục khác bản sao lưu: {', '.join(differing[:5])}.")
    if migrations != manifest["migrations"]:
        raise BackupError("Trạng thái migration sau khôi phục khác bản sao lưu.")
    if head != manifest["audit_head"]:
        raise BackupError("Đầu chuỗi nhật ký kiểm toán sau khôi phục khác bản sao lưu.")
    restored = {}
    for name in storage_names():
        digest = hashlib.sha256()
        with default_storage.open(name, "rb") as handle:
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
        restored[name] = digest.hexdigest()
    if restored != {name: f["sha256"] for name, f in manifest["files"].items()}:
        raise BackupError("Kho tệp sau khôi phục khác bản sao lưu.")
    report.tables, report.rows = len(counts), sum(counts.values())
    report.files = len(restored)
    report.bytes = sum(f["bytes"] for f in manifest["files"].values())
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    report.older_than_code = {tuple(m) for m in migrations} < known
    return report
