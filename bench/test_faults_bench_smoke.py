"""Keeps bench/faults_bench.py from rotting: one scenario, small — the task worker killed with
SIGKILL in the middle of a queued EPCIS capture of 10,000 events, on real processes (gunicorn,
manage.py worker) and a database of its own (a SQLite file, or a throw-away PostgreSQL database
when the suite runs on PostgreSQL). The capture must end whole, resumed by a new worker, and the
audit chain must verify. About a minute on a busy 2-core machine (migrations and start-up, the
lease)."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]
# Enough that the kill lands while the capture runs: 3,000 events were written within 0.3 s on
# PostgreSQL on a fast 2-core machine, and the task ended before the kill (a CI failure).
EVENTS = 10_000


def database_url(tmp_path: Path) -> str:
    params = settings.DATABASES["default"]
    if params["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{tmp_path / 'faults.sqlite3'}"
    user = params["USER"] + (f":{params['PASSWORD']}" if params["PASSWORD"] else "")
    return (f"postgres://{user}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/"
            f"ocop_load_faults_smoke_{uuid.uuid4().hex[:8]}")  # created and dropped by the bench


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(),
                    reason="the bench finds the web worker serving a request through Linux /proc")
def test_task_worker_killed_mid_capture(tmp_path):
    done = subprocess.run(  # noqa: S603
        [sys.executable, "bench/faults_bench.py", "--database-url", database_url(tmp_path),
         "--only", "capture:task", "--events", str(EVENTS), "--certificates", "0",
         "--stamps", "100", "--kill-after", "0.2", "--timeout", "120"],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    row = next(line for line in done.stdout.splitlines() if line.startswith("capture:task |"))
    killed, outcome, rows, partial, audit = row.split(" | ")[1:]
    assert killed.startswith("task worker"), row  # the kill landed mid-task
    assert "succeeded" in outcome and partial == "none" and audit == "yes", row
    assert rows.endswith(f"→ {int(rows.split()[1]) + EVENTS}"), row  # every event, once
