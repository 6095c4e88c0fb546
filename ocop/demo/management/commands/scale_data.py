"""python manage.py scale_data --products 17000 --producers 10000 [--provinces 34] [--users N]
[--documents N] [--dossiers N] [--seed N]"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ocop.demo.scale import generate


class Command(BaseCommand):
    help = (
        "Generate national-scale synthetic data with bulk inserts (no services, no audit "
        "entries) until the database holds the requested totals."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--products", type=int, required=True, help="Total products wanted.")
        parser.add_argument("--producers", type=int, required=True,
                            help="Total producers wanted.")
        parser.add_argument("--provinces", type=int, default=None,
                            help="Spread over the first N current provinces (default: all).")
        parser.add_argument("--users", type=int, default=None,
                            help="Scale accounts wanted (default: central + one office per "
                                 "province + one commune officer per 20 producers).")
        parser.add_argument("--documents", type=int, default=None,
                            help="Total evidence documents wanted (default: one per product).")
        parser.add_argument("--dossiers", type=int, default=None,
                            help="Total dossiers wanted (default: three per product); "
                                 "certificates follow the products.")
        parser.add_argument("--seed", type=int, default=2025)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        try:
            report = generate(
                products=options["products"], producers=options["producers"],
                provinces=options["provinces"], users=options["users"],
                documents=options["documents"], dossiers=options["dossiers"],
                seed=options["seed"],
                log=self.stdout.write if options["verbosity"] > 1 else lambda _m: None,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        cycle = report.cycle
        self.stdout.write(
            f"Scale data over {report.provinces} provinces: added {report.producers:,} producers, "
            f"{report.products:,} products, {report.documents:,} documents, {report.users:,} "
            f"accounts; {cycle.programme_years:,} programme years, {cycle.rounds:,} rounds, "
            f"{cycle.dossiers:,} dossiers, {cycle.decisions:,} recognition decisions, "
            f"{cycle.certificates:,} certificates, {cycle.councils:,} councils, "
            f"{cycle.visits:,} inspection visits "
            f"({time.monotonic() - started:.1f} s)."
        )
        if cycle.states:
            self.stdout.write("Dossiers added by state: " + ", ".join(
                f"{state} {n:,}" for state, n in sorted(cycle.states.items())))
