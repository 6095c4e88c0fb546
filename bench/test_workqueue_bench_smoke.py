"""Keeps bench/workqueue_bench.py from rotting: the same steps at tiny sizes, no timing
asserted."""

from __future__ import annotations

import io

import pytest
import workqueue_bench
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_workqueue_bench_at_tiny_sizes():
    call_command("load_units", provinces="01,24", stdout=io.StringIO())
    call_command("load_classification", stdout=io.StringIO())
    workqueue_bench._CHOSEN.clear()
    rows = []
    for size in (50, 120):
        workqueue_bench.seed(size, log=lambda _m: None)
        rows += workqueue_bench.measure(size, requests=3)
    whos = {r.who.split(" P")[0] for r in rows}
    assert whos == {"commune officer", "province office", "council member", "inspector",
                    "producer", "central"}
    assert all(r.queries > 0 for r in rows)
    # Every queue has work at both sizes (the data reaches every role).
    assert all(r.waiting > 0 for r in rows)
    # The point of the benchmark: query counts do not grow with the data.
    assert workqueue_bench.query_growth(rows) == []
    out = io.StringIO()
    workqueue_bench.print_table(rows, out)
    assert "council member" in out.getvalue()
