"""Keeps bench/exchange_bench.py from rotting: the same steps at a tiny size, no timing asserted."""

from __future__ import annotations

import io

import exchange_bench
import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_exchange_bench_at_a_tiny_size():
    call_command("load_units", provinces="24", stdout=io.StringIO())
    call_command("load_classification", stdout=io.StringIO())
    figures = exchange_bench.run(5)
    assert figures.writes == 10
    assert figures.feed_entries == 10
    assert figures.exported == 10 and figures.reimported == 10
    assert len(figures.lines()) == 4


def test_legacy_list_job_at_a_tiny_size():
    call_command("load_units", provinces="24", stdout=io.StringIO())
    call_command("load_classification", stdout=io.StringIO())
    seconds, seen, outcome = exchange_bench.legacy_list(3)
    assert outcome["created"] == 3 * 2 + 1 + 3  # producers, products, one decision, certificates
    assert seconds > 0 and seen[0] == (0, 3)
