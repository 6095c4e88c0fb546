"""python manage.py certificates_daily [--date YYYY-MM-DD] [--enqueue]

Run once a day (cron / systemd timer): sends expiry reminders 90 and 30 days before a
certificate's last valid day (each once) and records the expiries of the day (product stars).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ocop.certificates import services
from ocop.certificates.tasks import certificates_daily


class Command(BaseCommand):
    help = "Expiry reminders (90 and 30 days) and expiries of OCOP certificates."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="Run as if today were this date (YYYY-MM-DD).")
        parser.add_argument("--enqueue", action="store_true",
                            help="Enqueue the task for the background worker instead.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = date.fromisoformat(options["date"]) if options["date"] else None
        except ValueError as exc:
            raise CommandError(f"--date: {exc}") from exc
        if options["enqueue"]:
            result = certificates_daily.enqueue(today.isoformat() if today else None)
            self.stdout.write(f"Enqueued certificates_daily ({result.id}).")
            return
        report = services.run_daily(today=today)
        self.stdout.write(report.summary())
