"""Keeps bench/cycle_bench.py from rotting: the same steps at a tiny scale, no timing asserted."""

from __future__ import annotations

import io

import cycle_bench
import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_cycle_bench_at_tiny_scale():
    call_command("load_units", provinces="01,24", stdout=io.StringIO())
    call_command("load_classification", stdout=io.StringIO())
    seeded = cycle_bench.seed_cycle(0.003, log=lambda _m: None)
    # 8 of every 10 dossiers are in or past evaluation, 10 sheets each.
    assert seeded.dossiers == 150 and seeded.sheets == 10 * 120
    rows, pdf_ms = cycle_bench.measure(requests=3)
    assert [r.endpoint for r in rows] == ["dossier list", "scoring page", "verify page",
                                          "verify API"]
    # The verify answer is cached for up to 60 s (docs/traceability.md): a warm request to the
    # page or the API may ask the database nothing; the staff pages always read.
    assert all(r.queries > 0 for r in rows if not r.endpoint.startswith("verify"))
    assert max(r.queries for r in rows if r.endpoint.startswith("verify")) <= 3
    assert pdf_ms > 0
    out = io.StringIO()
    cycle_bench.print_table(rows, pdf_ms, out)
    assert "certificate PDF" in out.getvalue()
