"""python manage.py reports_monthly [--date YYYY-MM-DD] [--now]

Makes last month's summary report for the nation and each province when it is missing (the
worker does the same by itself every hour: ocop/worker/hooks.py). Useful from cron on a server
without a worker, or to catch up: ``--date 2026-10-01`` makes September's. By default the
reports are handed to the worker; ``--now`` builds them in this process.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from ocop.reports import services


class Command(BaseCommand):
    help = "Last month's OCOP reports (nation and provinces), made once each."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="Run as if today were this date (YYYY-MM-DD).")
        parser.add_argument("--now", action="store_true",
                            help="Build the reports here instead of in the worker.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = date.fromisoformat(options["date"]) if options["date"] else None
        except ValueError as exc:
            raise CommandError(f"--date: {exc}") from exc
        today = today or timezone.localdate()
        created = services.ensure_monthly(today, enqueue=not options["now"])
        for report in created if options["now"] else []:
            services.build(report)
        where = "built here" if options["now"] else "handed to the worker"
        self.stdout.write(f"{len(created)} monthly report(s) created, {where}.")
