"""python manage.py demo_results [--seed N] [--date YYYY-MM-DD] — after demo_data, demo_cycle."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from ocop.evaluation.demo import DemoResultsError, build_results


class Command(BaseCommand):
    help = ("Score the Bắc Giang 2024 demo dossiers with 3-member councils, issue recognition "
            "decisions and certificates, then run the daily certificates job (expiry reminders "
            "of the paper-era certificates demo_data entered). Run after demo_cycle.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2024)
        parser.add_argument("--date", help="Day to compute statuses and reminders against.")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        today = date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        try:
            result = build_results(seed=options["seed"], today=today)
        except DemoResultsError as exc:
            raise CommandError(str(exc)) from exc
        states = ", ".join(f"{k}: {v}" for k, v in sorted(result.states.items()))
        self.stdout.write(
            f"Demo results: {result.councils} councils, {result.scored} dossiers scored "
            f"({result.rescored} re-scored, {result.proposed_up} proposed to the province; "
            f"{states}), {result.decisions} decisions; {result.certificates} certificates in "
            f"all with the paper records ({time.monotonic() - started:.1f} s)."
        )
