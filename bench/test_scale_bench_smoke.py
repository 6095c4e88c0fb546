"""Keeps bench/scale_bench.py from rotting: the same steps at tiny sizes, no timing asserted."""

from __future__ import annotations

import io

import pytest
import scale_bench
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_scale_bench_at_tiny_sizes():
    call_command("load_units", provinces="01,24", stdout=io.StringIO())
    call_command("load_classification", stdout=io.StringIO())
    rows = dict(scale_bench.seed(products=30, producers=20, dossiers=75))
    assert rows["dossiers added"] == "75"
    assert rows["producers / products added"] == "20 / 30"
    assert "valid" in rows[next(k for k in rows if k.startswith("certificates on"))]
