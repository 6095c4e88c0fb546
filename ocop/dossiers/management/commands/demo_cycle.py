"""python manage.py demo_cycle [--seed N] — run after demo_data."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ocop.dossiers.demo import DemoError, build_cycle


class Command(BaseCommand):
    help = ("Demo OCOP cycles: Bắc Giang 2024 (Kế hoạch 14/KH-UBND, district and province "
            "rounds) and merged Bắc Ninh 2025–2026 (commune pre-check, open province round) "
            "with dossiers in every intake state. Run after demo_data.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2024)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        try:
            result = build_cycle(seed=options["seed"])
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        states = ", ".join(f"{k}: {v}" for k, v in sorted(result.dossiers.items()))
        self.stdout.write(
            f"Demo cycle: {result.programme_years} programme years, {result.rounds} rounds, "
            f"{sum(result.dossiers.values())} dossiers ({states}) "
            f"({time.monotonic() - started:.1f} s)."
        )
