"""python manage.py opendata build [--date YYYY-MM-DD] [--enqueue]

Builds a release of the open data now (the worker also does it once a day on its own:
``services.periodic_daily``), e.g. after loading paper records, or from cron on a server without
a worker.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ocop.opendata import services
from ocop.opendata.tasks import build_open_data


class Command(BaseCommand):
    help = "Open data of OCOP certificates: build the CSV, JSON, datapackage.json and DCAT files."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        build = sub.add_parser("build", help="Build and publish a release now.")
        build.add_argument("--date", help="Statuses as on this date (YYYY-MM-DD); default today.")
        build.add_argument("--enqueue", action="store_true",
                           help="Enqueue the build for the background worker instead "
                                "(skipped there if today's release exists).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            day = date.fromisoformat(options["date"]) if options["date"] else None
        except ValueError as exc:
            raise CommandError(f"--date: {exc}") from exc
        if options["enqueue"]:
            result = build_open_data.enqueue(day.isoformat() if day else None)
            self.stdout.write(f"Enqueued build_open_data ({result.id}).")
            return
        release = services.build(today=day)
        counts = ", ".join(f"{key}: {n}" for key, n in release.counts.items())
        self.stdout.write(f"Open data release {release.pk} as of {release.as_of}: {counts}.")
