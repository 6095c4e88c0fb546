"""Keeps bench/audit_bench.py from rotting: two short steps in a process of its own (the bench
forks writers, each with its own connection, which a test database could not give them)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent / "audit_bench.py"


def test_audit_bench_runs_writers_and_the_chain_verifies(tmp_path):
    url = f"sqlite:///{tmp_path / 'audit.sqlite3'}"
    done = subprocess.run([sys.executable, str(BENCH), "--database-url", url,  # noqa: S603
                           "--writers", "1,2", "--seconds", "0.5", "--import-rows", "40"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ceiling/s" in done.stdout
    lines = [line.split() for line in done.stdout.splitlines()]
    rows = [cols for cols in lines if len(cols) == 9 and cols[0] in ("1", "2")
            and cols[1].replace(".", "", 1).isdigit()]  # the table, not the progress lines
    assert [cols[0] for cols in rows] == ["1", "2"]
    assert all(float(cols[1]) > 0 and cols[2] == "0" for cols in rows)  # writes, no errors
    assert "import of 40 producers" in done.stdout
    assert "verified" in done.stdout
