"""python manage.py demo_data [--if-empty] [--seed N] [--units-subset 24,27,01]"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ocop.demo.world import DEFAULT_SEED, build_demo
from ocop.registry.models import Producer, ProductSet
from ocop.units.models import Unit


class Command(BaseCommand):
    help = (
        "Build the demo world: Bắc Giang's OCOP programme 2018–2024 (about 250 producers, "
        "334 products) and the merged Bắc Ninh after July 2025, with the demo accounts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true",
                            help="Do nothing when producers already exist.")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                            help="Random seed; the same seed on the same map gives the same data.")
        parser.add_argument("--date", help="Day the certificate history runs up to (YYYY-MM-DD; "
                                            "default: today).")
        parser.add_argument(
            "--units-subset",
            help="Province codes passed to load_units when the map is empty (e.g. 24,27,01); "
                 "default: the whole country. Meant for tests.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if Producer.objects.exists():
            if options["if_empty"]:
                self.stdout.write("Demo data: producers already exist, nothing to do.")
                return
            raise CommandError(
                "Producers already exist; run demo_data on an empty database (or --if-empty)."
            )
        started = time.monotonic()
        if not Unit.objects.exists():
            kwargs = {"provinces": options["units_subset"]} if options["units_subset"] else {}
            call_command("load_units", stdout=self.stdout, **kwargs)
        if not ProductSet.objects.exists():
            call_command("load_classification", stdout=self.stdout)
        try:
            today = date.fromisoformat(options["date"]) if options["date"] else None
            result = build_demo(seed=options["seed"], today=today)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if result.skipped_areas:
            self.stdout.write("Not in the loaded map, skipped: " + ", ".join(result.skipped_areas))
        self.stdout.write(
            f"Demo data: {result.producers} producers, {result.products} products, "
            f"{result.documents} documents, {result.users} accounts "
            f"({time.monotonic() - started:.1f} s)."
        )
        self.stdout.write(result.paper.summary())
