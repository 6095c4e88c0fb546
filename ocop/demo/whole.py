"""The whole demo in one step: what ``manage.py demo`` (and so `make run`) builds, and what the
crawl tests (ocop/web/tests/crawl.py) walk, so that every page a demo user reaches is also a page
the crawl reaches."""

from __future__ import annotations

from typing import TextIO

from django.core.management import call_command

from ocop.catalogue.demo import build_demo_catalogue
from ocop.demo.inspections import build_demo_inspections
from ocop.demo.news import build_demo_news
from ocop.demo.trace import build_demo_trace
from ocop.demo.training import build_demo_training
from ocop.fairs.demo import build_demo_fairs
from ocop.market.demo import build_demo_market
from ocop.opendata import services as opendata
from ocop.planning.demo import build_demo_plan
from ocop.reports.demo import build_demo_report
from ocop.tourism.demo import build_demo_tourism
from ocop.trade.demo import build_demo_trade


def build_whole_demo(out: TextIO, *, units_subset: str | None = None) -> None:
    """Every part of the demo, reported line by line on ``out``. ``units_subset`` limits the
    administrative map to some provinces (codes, comma-separated), as ``demo_data`` does."""
    data_options = {"units_subset": units_subset} if units_subset else {}
    call_command("demo_data", stdout=out, **data_options)
    call_command("criteria", "load-shipped", stdout=out)
    call_command("demo_cycle", stdout=out)
    call_command("demo_results", stdout=out)
    traced = build_demo_trace()
    shown = build_demo_catalogue()
    out.write(f"Demo catalogue: {shown.products} certified products on /san-pham-ocop/ "
              f"({shown.with_story} with a story, {shown.with_zone} with a zone map).\n")
    out.write(f"Demo news: {build_demo_news()} articles.\n")
    out.write(f"Demo training: {build_demo_training()} courses.\n")
    out.write(f"Demo fairs: {build_demo_fairs()} events.\n")
    inspected = build_demo_inspections()
    if inspected is not None:
        out.write(f"Demo inspections: plan {inspected.plan_id}, "
                  f"{len(inspected.visits)} visits, complaint {inspected.complaint}.\n")
    plan = build_demo_plan()
    if plan is not None:
        out.write(f"Demo plan: {plan.title} ({plan.decision_number}).\n")
    gift_set = build_demo_market()
    if gift_set is not None:
        out.write(f"Demo market: gift set {gift_set.name}.\n")
    tourism = build_demo_tourism()
    if tourism is not None:
        out.write(f"Demo tourism: {tourism.itinerary.name}.\n")
    report = build_demo_report()
    if report is not None:
        out.write(f"Demo report: {report.period.label} of {report.scope_name}.\n")
    # The open data files at once (the worker rebuilds them each day): /du-lieu-mo/.
    release = opendata.build()
    out.write(f"Demo open data: {sum(release.counts.values())} certificates in /du-lieu-mo/.\n")
    buyer = build_demo_trade()
    if buyer is not None:
        out.write(f"Demo trade: buyer {buyer.name} ({buyer.account.username}).\n")
    out.write(
        f"Demo trace: zone {traced.zone_code}, lot {traced.lot_code}.\n"
        f"  Scan a valid stamp:  {traced.valid_stamp}\n"
        f"  Scan a voided stamp: {traced.voided_stamp}\n"
    )
