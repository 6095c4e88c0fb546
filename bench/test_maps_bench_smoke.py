"""Keeps bench/maps_bench.py from rotting: the same steps at tiny sizes, no timing asserted."""

from __future__ import annotations

import io

import maps_bench
import pytest
import registry_bench
from django.core.management import call_command

from ocop.certificates.models import Certificate
from ocop.registry.models import Product

pytestmark = pytest.mark.django_db


def test_maps_bench_at_tiny_sizes():
    call_command("load_units", provinces="01,24", stdout=io.StringIO())
    call_command("load_classification", stdout=io.StringIO())
    rows = []
    for size in (30, 80):
        registry_bench.seed(size, history=False, log=lambda _m: None)
        maps_bench.certify_all(log=lambda _m: None)
        rows += maps_bench.measure(size, requests=2)
    assert Certificate.objects.count() == Product.objects.count() == 80
    assert len(rows) == 16 and all(r.kib > 0 for r in rows)
    cached = {r.size: r.queries for r in rows if r.what == "public layer, cached"}
    assert cached == {30: 1, 80: 1}
    assert maps_bench.query_growth(rows) == []
    out = io.StringIO()
    maps_bench.print_table(rows, out)
    assert "staff layer, central" in out.getvalue()
