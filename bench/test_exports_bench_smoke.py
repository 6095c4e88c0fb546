"""Keeps bench/exports_bench.py from rotting: the same steps at tiny sizes, no timing asserted."""

from __future__ import annotations

import io

import exports_bench
import pytest
import registry_bench
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_exports_bench_at_tiny_sizes():
    call_command("load_units", provinces="01,24", stdout=io.StringIO())
    call_command("load_classification", stdout=io.StringIO())
    rows = []
    for size in (40, 100):
        registry_bench.seed(size, history=False, log=lambda _m: None)
        exports_bench.certify_all(log=lambda _m: None)
        rows += exports_bench.measure(size)
    assert len(rows) == 12  # 2 sizes x 2 users x 3 exports
    central = {(r.size, r.export): r.rows for r in rows if r.who == "central"}
    assert central[(100, "registry.products")] == 100
    assert central[(100, "certificates.certificates")] == 100
    # The point of the benchmark: no query per row.
    assert exports_bench.query_growth(rows) == []
    out = io.StringIO()
    exports_bench.print_table(rows, out)
    assert "certificates.certificates" in out.getvalue()
