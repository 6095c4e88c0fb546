import time
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from ocop.operations.backup import BackupError, restore


class Command(BaseCommand):
    help = ("Restore a backup made by `manage.py backup` into this instance's database and file "
            "storage, verify it against its manifest and verify the audit chain. Refuses a "
            "target that holds data unless --force (which replaces that data).")

    def add_arguments(self, parser) -> None:
        parser.add_argument("src", type=Path, help="The backup folder (with manifest.json).")
        parser.add_argument("--force", action="store_true",
                            help="Replace the data of a target that is not empty.")

    def handle(self, *args, **options) -> None:
        started = time.perf_counter()
        try:
            report = restore(options["src"], force=options["force"], progress=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Restored and verified: {report.tables} tables, {report.rows} rows, "
                          f"{report.files} files ({report.bytes} bytes).")
        call_command("audit_verify", stdout=self.stdout, stderr=self.stderr)
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(warning))
        self.stdout.write(self.style.SUCCESS(
            f"Restore finished in {time.perf_counter() - started:.1f} s."))
