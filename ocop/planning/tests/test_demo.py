"""The demo's plan is the seed's 2024 Bắc Giang plan, built on the demo world, and its actuals
are the demo's own records."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from ocop.certificates.models import Certificate
from ocop.planning import selectors
from ocop.planning.demo import build_demo_plan
from ocop.planning.models import AnnualPlan, IndicatorKind
from ocop.units.models import Succession

pytestmark = pytest.mark.django_db


class _Sink:
    def write(self, _text: str) -> None:
        pass

    def flush(self) -> None:
        pass


def test_demo_plan(monkeypatch):
    monkeypatch.setattr("ocop.evaluation.pdf.html_to_pdf", lambda html: b"%PDF-1.4\n%%EOF\n")
    quiet = {"stdout": _Sink()}
    call_command("demo_data", units_subset="24", **quiet)
    call_command("criteria", "load-shipped", **quiet)
    call_command("demo_cycle", **quiet)
    call_command("demo_results", **quiet)
    plan = build_demo_plan()
    assert build_demo_plan() is None  # once only
    assert plan == AnnualPlan.objects.get()
    assert (plan.province_id, plan.year, plan.decision_number, plan.decision_date) == (
        "LP24", 2024, "14/KH-UBND", date(2024, 2, 6))
    assert plan.is_approved
    targets = {i.kind: i.target for i in plan.indicators.filter(product_group=None)}
    assert targets[IndicatorKind.RECOGNISED_CUMULATIVE] == 350
    assert targets[IndicatorKind.FIVE_STAR_CANDIDATES] == 2
    assert targets[IndicatorKind.UPGRADES] == 5
    assert sum(line.approved for line in plan.budget_lines.all()) == Decimal(20_900_000_000)
    assert selectors.rounds_of(plan).filter(level="province").count() == 2

    # The cumulative actual is the demo's certificates in the former tỉnh Bắc Giang.
    successors = set(Succession.objects.filter(predecessor__parent__parent_id="LP24")
                     .values_list("successor_id", flat=True))
    expected = {c.product_id for c in Certificate.objects.select_related(
        "producer__commune__parent") if c.issued_on <= date(2024, 12, 31) and (
        (c.producer.commune.parent and c.producer.commune.parent.parent_id == "LP24")
        or c.producer.commune_id in successors)}
    row = next(r for r in selectors.indicator_rows(plan, date(2026, 11, 30))
               if r.indicator.kind == IndicatorKind.RECOGNISED_CUMULATIVE)
    assert row.actual == len(expected) > 0
