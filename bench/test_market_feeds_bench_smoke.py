"""Keeps bench/market_feeds_bench.py from rotting: the same steps at tiny sizes, no timing
asserted."""

from __future__ import annotations

import io

import maps_bench
import market_feeds_bench
import pytest
import registry_bench
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_market_feeds_bench_at_tiny_sizes():
    call_command("load_units", provinces="01,24", stdout=io.StringIO())
    call_command("load_classification", stdout=io.StringIO())
    rows = []
    for size in (30, 60):
        registry_bench.seed(size, history=False, log=lambda _m: None)
        maps_bench.certify_all(log=lambda _m: None)
        market_feeds_bench.offer_all()
        rows += market_feeds_bench.measure(size)
    assert [(r.size, r.feed, r.items) for r in rows] == [
        (size, feed, size) for size in (30, 60) for feed in market_feeds_bench.FEEDS]
