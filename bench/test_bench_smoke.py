"""Keeps bench/registry_bench.py from rotting: the same steps at tiny sizes, no timing asserted."""

from __future__ import annotations

import io

import pytest
import registry_bench
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_registry_bench_at_tiny_sizes():
    call_command("load_units", provinces="01,24", stdout=io.StringIO())
    call_command("load_classification", stdout=io.StringIO())
    rows = []
    for size in (50, 120):
        registry_bench.seed(size, log=lambda _m: None)
        rows += registry_bench.measure(size, requests=5)
    assert len(rows) == 8  # 2 sizes x 2 users x (page, API)
    assert all(r.queries > 0 for r in rows)
    assert {r.rows for r in rows if r.who == "central"} == {50, 120}
    # The point of the benchmark: query counts do not grow with the data.
    assert registry_bench.query_growth(rows) == []
    out = io.StringIO()
    registry_bench.print_table(rows, out)
    assert "/api/v1/products" in out.getvalue()
