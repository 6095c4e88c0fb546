"""Keeps bench/reports_bench.py from rotting: the same steps at a tiny size, no timing asserted."""

from __future__ import annotations

import io
from datetime import date

import pytest
import reports_bench
from django.core.management import call_command

from ocop.certificates.models import Certificate
from ocop.reports.models import Report

pytestmark = pytest.mark.django_db


def test_reports_bench_at_a_tiny_size():
    call_command("load_units", provinces="01,24", stdout=io.StringIO())
    call_command("load_classification", stdout=io.StringIO())
    today = date(2026, 11, 30)
    reports_bench.seed(60, today=today, log=lambda _m: None)
    assert Certificate.objects.exists()
    rows = reports_bench.measure(today)
    assert [who for who, _r in rows][:1] == ["nation"] and len(rows) == 2
    assert all(r["excel_kb"] > 0 and r["pdf_kb"] > 0 for _who, r in rows)
    assert Report.objects.filter(status="done").count() == 2
    out = io.StringIO()
    reports_bench.print_table(rows, out)
    assert "nation" in out.getvalue()
