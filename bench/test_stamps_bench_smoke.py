"""Keeps bench/stamps_bench.py from rotting: the same steps with a small count, no timing."""

from __future__ import annotations

import io

import pytest
import stamps_bench
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_stamps_bench_with_a_small_count():
    call_command("load_classification", stdout=io.StringIO())
    user, batch = stamps_bench.make_batch(60)
    rows = [stamps_bench.measure(user, batch, count) for count in (1, 60)]
    assert [(r.stamps, r.pages) for r in rows] == [(1, 1), (60, 3)]
    assert all(r.seconds > 0 and r.pdf_bytes > 1000 for r in rows)
    out = io.StringIO()
    stamps_bench.print_table(rows, out)
    assert "pages/s" in out.getvalue() and "      60      3" in out.getvalue()
