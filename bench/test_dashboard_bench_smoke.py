"""Keeps bench/dashboard_bench.py from rotting: the same steps at tiny sizes, no timing asserted."""

from __future__ import annotations

import io

import dashboard_bench
import pytest
from django.core.management import call_command

from ocop.certificates.models import Certificate
from ocop.dossiers.models import Dossier

pytestmark = pytest.mark.django_db


def test_dashboard_bench_at_tiny_sizes():
    call_command("load_units", provinces="01,24", stdout=io.StringIO())
    call_command("load_classification", stdout=io.StringIO())
    rows = []
    for size in (50, 120):
        dashboard_bench.seed(size, log=lambda _m: None)
        rows += dashboard_bench.measure(size, requests=2)
    assert Certificate.objects.exists()
    assert Dossier.objects.count() >= 120 * dashboard_bench.DOSSIER_RATIO - 1
    assert len(rows) == 12  # 2 sizes x 2 users x (page, chart, drill-down)
    assert all(r.queries > 0 for r in rows)
    # The point of the benchmark: query counts do not grow with the data.
    assert dashboard_bench.query_growth(rows) == []
    out = io.StringIO()
    dashboard_bench.print_table(rows, out)
    assert "drill valid" in out.getvalue()
