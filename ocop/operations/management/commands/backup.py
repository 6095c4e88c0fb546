import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ocop.operations.backup import BackupError, backup


class Command(BaseCommand):
    help = ("Back up the database and every stored file into the new folder DEST, with a "
            "manifest of counts and checksums (docs/deployment.md, Backups).")

    def add_arguments(self, parser) -> None:
        parser.add_argument("dest", type=Path,
                            help="A folder that does not exist yet, or is empty.")

    def handle(self, *args, **options) -> None:
        started = time.perf_counter()
        try:
            manifest = backup(options["dest"], progress=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        size = manifest["database"]["bytes"] + sum(f["bytes"] for f in manifest["files"].values())
        self.stdout.write(self.style.SUCCESS(
            f"Backup written to {options['dest']}: {size} bytes in "
            f"{time.perf_counter() - started:.1f} s; audit head #{manifest['audit_head']['id']}."))
