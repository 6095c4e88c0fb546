"""python manage.py load_units [--provinces 24,27,01]"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ocop.units.services import load_units


def _codes(text: str) -> list[int]:
    try:
        return sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError as exc:
        raise CommandError(f"--provinces: expected codes like 24,27,01, got {text!r}") from exc


class Command(BaseCommand):
    help = (
        "Load (or refresh) Vietnam's administrative units, current and pre-July-2025, "
        "from the installed vietnam-provinces and vietnamadminunits packages."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--provinces",
            help=(
                "Comma-separated province codes; each selects the current province and the "
                "legacy province with that code (e.g. 24,27,01). Default: the whole country."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        codes = _codes(options["provinces"]) if options["provinces"] else None
        report = load_units(current_codes=codes, legacy_codes=codes)
        self.stdout.write(
            f"units: {report.units_created} created, {report.units_updated} updated, "
            f"{report.units_unchanged} unchanged; successions: {report.successions_created} "
            f"created, {report.successions_updated} updated, {report.successions_deleted} "
            f"deleted; {report.seconds:.1f} s"
        )
