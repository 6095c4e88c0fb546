"""python manage.py demo [--if-empty]: the whole demo in one step (what `make run` calls)."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from ocop.catalogue.demo import build_demo_catalogue
from ocop.demo.inspections import build_demo_inspections
from ocop.demo.news import build_demo_news
from ocop.demo.trace import build_demo_trace
from ocop.demo.training import build_demo_training
from ocop.fairs.demo import build_demo_fairs
from ocop.market.demo import build_demo_market
from ocop.opendata import services as opendata
from ocop.planning.demo import build_demo_plan
from ocop.registry.models import Producer
from ocop.reports.demo import build_demo_report
from ocop.tourism.demo import build_demo_tourism
from ocop.trade.demo import build_demo_trade


class Command(BaseCommand):
    help = (
        "Build the full demo: registry (demo_data), the 2024 and 2025–2026 cycles (demo_cycle), "
        "council results and certificates (demo_results), a traced lot with stamps, news, "
        "training and support, the 2024 post-certification inspections and the 2024 Bắc Giang "
        "annual plan."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true",
                            help="Do nothing when producers already exist.")

    def handle(self, *args: Any, if_empty: bool, **options: Any) -> None:
        if if_empty and Producer.objects.exists():
            self.stdout.write("Demo: the database already holds data, nothing to do.")
            return
        call_command("demo_data", stdout=self.stdout)
        call_command("criteria", "load-shipped", stdout=self.stdout)
        call_command("demo_cycle", stdout=self.stdout)
        call_command("demo_results", stdout=self.stdout)
        traced = build_demo_trace()
        shown = build_demo_catalogue()
        self.stdout.write(f"Demo catalogue: {shown.products} certified products on /san-pham-ocop/ "
                          f"({shown.with_story} with a story, {shown.with_zone} with a zone map).")
        self.stdout.write(f"Demo news: {build_demo_news()} articles.")
        self.stdout.write(f"Demo training: {build_demo_training()} courses.")
        self.stdout.write(f"Demo fairs: {build_demo_fairs()} events.")
        inspected = build_demo_inspections()
        if inspected is not None:
            self.stdout.write(f"Demo inspections: plan {inspected.plan_id}, "
                              f"{len(inspected.visits)} visits, complaint {inspected.complaint}.")
        plan = build_demo_plan()
        if plan is not None:
            self.stdout.write(f"Demo plan: {plan.title} ({plan.decision_number}).")
        gift_set = build_demo_market()
        if gift_set is not None:
            self.stdout.write(f"Demo market: gift set {gift_set.name}.")
        tourism = build_demo_tourism()
        if tourism is not None:
            self.stdout.write(f"Demo tourism: {tourism.itinerary.name}.")
        report = build_demo_report()
        if report is not None:
            self.stdout.write(f"Demo report: {report.period.label} of {report.scope_name}.")
        # The open data files at once (the worker rebuilds them each day): /du-lieu-mo/.
        release = opendata.build()
        self.stdout.write(f"Demo open data: {sum(release.counts.values())} certificates in "
                          "/du-lieu-mo/.")
        buyer = build_demo_trade()
        if buyer is not None:
            self.stdout.write(f"Demo trade: buyer {buyer.name} ({buyer.account.username}).")
        self.stdout.write(
            f"Demo trace: zone {traced.zone_code}, lot {traced.lot_code}.\n"
            f"  Scan a valid stamp:  {traced.valid_stamp}\n"
            f"  Scan a voided stamp: {traced.voided_stamp}"
        )
