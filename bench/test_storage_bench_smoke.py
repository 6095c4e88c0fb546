"""Keeps bench/storage_bench.py from rotting: a 64 KiB file, three rounds on each backend against
the real S3-API server, no timing asserted."""

from __future__ import annotations

import io

import pytest
import storage_bench

from ocop.core.testing import MISSING, s3_server_installed


@pytest.mark.skipif(not s3_server_installed(), reason=MISSING)
def test_storage_bench_round_trips_on_both_backends():
    results = storage_bench.measure(64 * 1024, rounds=3)
    assert [r.backend for r in results] == ["local disk", "S3 (moto server)"]
    assert all(r.intact and r.rounds == 3 and r.size == 64 * 1024 for r in results)
    out = io.StringIO()
    storage_bench.print_table(results, out)
    assert "S3 ÷ local (p50)" in out.getvalue()
