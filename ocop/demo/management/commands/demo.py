"""python manage.py demo [--if-empty]: the whole demo in one step (what `make run` calls)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ocop.demo.whole import build_whole_demo
from ocop.registry.models import Producer


class Command(BaseCommand):
    help = (
        "Build the full demo: registry (demo_data), the 2024 and 2025–2026 cycles (demo_cycle), "
        "council results and certificates (demo_results), a traced lot with stamps, the "
        "catalogue, news, training, fairs, the 2024 post-certification inspections, the 2024 "
        "Bắc Giang annual plan, a gift set, a tourism route, a report, open data and a buyer."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true",
                            help="Do nothing when producers already exist.")

    def handle(self, *args: Any, if_empty: bool, **options: Any) -> None:
        if if_empty and Producer.objects.exists():
            self.stdout.write("Demo: the database already holds data, nothing to do.")
            return
        build_whole_demo(self.stdout)
