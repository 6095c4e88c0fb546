"""manage.py backup / restore: a round trip into a second database and media folder answers the
public checks identically; restore refuses a damaged backup or a target that holds data.

Runs on the suite's engine: SQLite in `make test`, PostgreSQL in its PostgreSQL run (the second
database is then ``<test database>_restored``, created and dropped here).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from psycopg import sql

from ocop.exchange import selectors
from ocop.exchange.services import RESTORE_GAP
from ocop.registry.testing import classification
from ocop.trace import stamps
from ocop.trace.tests.conftest import chain, people

__all__ = ["chain", "classification", "people"]
ROOT = Path(__file__).resolve().parents[3]
VOLATILE = re.compile(rb'(name="csrfmiddlewaretoken" value=|csrf-token" content=)"[^"]*"')
ANSWERS = """
import hashlib, json, re, sys
from django.test import Client
volatile = re.compile(rb'{pattern}')
client = Client()
print(json.dumps({{p: [r.status_code, hashlib.sha256(volatile.sub(rb"\\1-", r.content)).hexdigest()]
                  for p in {paths!r} for r in [client.get(p)]}}))
"""


def _answers(paths: list[str]) -> dict[str, list]:
    client = Client()
    return {p: [r.status_code, hashlib.sha256(VOLATILE.sub(rb"\1-", r.content)).hexdigest()]
            for p in paths for r in [client.get(p)]}


class SecondInstance:
    """Another database and media folder of the same engine, driven through manage.py."""

    def __init__(self, tmp_path: Path, secret_key: str) -> None:
        db = connection.settings_dict
        if connection.vendor == "postgresql":
            self.name = f"{db['NAME']}_restored"
            self.admin = (f"host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432} "
                          f"user={db['USER']} dbname=postgres")
            if db.get("PASSWORD"):
                self.admin += f" password={db['PASSWORD']}"
            with psycopg.connect(self.admin, autocommit=True) as conn:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(self.name)))
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name)))
            url = urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{self.name}").geturl()
        else:
            self.name = ""
            url = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        self.media = tmp_path / "media-restored"
        self.env = {**{k: v for k, v in os.environ.items()
                       if not k.startswith(("DJANGO_", "OCOP_", "DATABASE_URL", "MEDIA_ROOT"))},
                    "DATABASE_URL": url, "MEDIA_ROOT": str(self.media), "DJANGO_DEBUG": "true",
                    "DJANGO_SECRET_KEY": secret_key, "PUBLIC_RATE_LIMIT": "100000/m"}

    def manage(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603 — our own manage.py
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env,
            capture_output=True, text=True, timeout=300, check=False)

    def drop(self) -> None:
        if self.name:
            with psycopg.connect(self.admin, autocommit=True) as conn:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(self.name)))


def _backup(dest: Path) -> dict:
    call_command("backup", str(dest), stdout=io.StringIO())
    return json.loads((dest / "manifest.json").read_text())


@pytest.mark.django_db(transaction=True)
def test_a_restored_instance_answers_every_public_check_identically(chain, tmp_path, settings):
    note = default_storage.save("kiem-tra/ghi-chu.txt", ContentFile("Vải thiều".encode()))
    # The stamps are printed (signed) before the backup, as in life: the first signature makes
    # the platform's stamp key, which the backup must then carry to the restored instance.
    batch = chain.batch
    paths = [f"/verify/{chain.certificate.number}", "/verify/OCOP-99-2099-00001"]
    for serial in (batch.first_serial, batch.first_serial + 60, batch.first_serial + 99):
        uri = stamps.stamp_uri(chain.dried.gtin, chain.dried.pk, chain.packed.code, serial)
        paths.append("/" + uri.split("://", 1)[1].split("/", 1)[1])
    dest = tmp_path / "sao-luu"
    manifest = _backup(dest)
    assert manifest["engine"] == connection.vendor
    assert manifest["tables"]["certificates_certificate"] == 1
    assert manifest["files"][note] == {
        "bytes": len("Vải thiều".encode()),
        "sha256": hashlib.sha256("Vải thiều".encode()).hexdigest()}
    assert ["operations", "0001_initial"] not in manifest["migrations"]  # no models of its own
    assert ["certificates", "0001_initial"] in manifest["migrations"]
    assert manifest["audit_head"]["id"] is not None

    second = SecondInstance(tmp_path, settings.SECRET_KEY)
    try:
        restored = second.manage("restore", str(dest))
        assert restored.returncode == 0, restored.stdout + restored.stderr
        assert "Audit chain OK" in restored.stdout
        assert (second.media / note).read_text() == "Vải thiều"

        code = ANSWERS.format(pattern=VOLATILE.pattern.decode(), paths=paths)
        there = second.manage("shell", "--no-imports", "-c", code)
        assert there.returncode == 0, there.stderr
        here = _answers(paths)
        assert [status for status, _ in here.values()] == [200, 404, 200, 200, 200]
        assert json.loads(there.stdout) == here
        # The exchange feed numbers its next change past anything numbered after the backup.
        feed = second.manage("shell", "--no-imports", "-c",
                             "from ocop.exchange import selectors; print(selectors.head())")
        assert int(feed.stdout) == selectors.head() + RESTORE_GAP, feed.stderr
        assert "the next change is numbered after" in restored.stdout

        # Once restored, the target holds data: a second restore needs --force.
        again = second.manage("restore", str(dest))
        assert again.returncode != 0 and "--force" in again.stderr
        forced = second.manage("restore", "--force", str(dest))
        assert forced.returncode == 0, forced.stdout + forced.stderr
    finally:
        second.drop()


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_damaged_or_foreign_backup_before_writing(units, tmp_path):
    default_storage.save("kiem-tra/a.txt", ContentFile(b"goc"))
    dest = tmp_path / "sao-luu"
    manifest = _backup(dest)

    def refused(**changes) -> str:
        (dest / "manifest.json").write_text(json.dumps({**manifest, **changes}))
        with pytest.raises(CommandError) as error:
            call_command("restore", str(dest), stdout=io.StringIO())
        return str(error.value)

    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    assert "không khôi phục chéo" in refused(engine=other)
    assert "mới hơn mã nguồn" in refused(
        migrations=[*manifest["migrations"], ["certificates", "9999_from_the_future"]])
    assert "Định dạng sao lưu" in refused(format=99)
    # A file changed after the backup was taken.
    (dest / "files" / "kiem-tra" / "a.txt").write_bytes(b"sua")
    assert "sai mã kiểm tra" in refused()
    (dest / "files" / "kiem-tra" / "a.txt").write_bytes(b"goc")
    # Intact, but this test database holds data.
    assert "--force" in refused()


@pytest.mark.django_db(transaction=True)
def test_backup_refuses_a_folder_that_holds_files(units, tmp_path):
    (tmp_path / "cu.txt").write_text("x")
    with pytest.raises(CommandError, match="đã có dữ liệu"):
        call_command("backup", str(tmp_path), stdout=io.StringIO())


@pytest.mark.django_db(transaction=True)
def test_a_folder_without_its_manifest_is_not_a_backup(units, tmp_path):
    manifest_less = tmp_path / "do-dang"
    manifest_less.mkdir()
    with pytest.raises(CommandError, match=r"thiếu manifest\.json"):
        call_command("restore", str(manifest_less), stdout=io.StringIO())
