"""gunicorn hooks for Prometheus' multiprocess mode: `-c python:ocop.operations.gunicorn`.

Each worker writes its metric values to files in PROMETHEUS_MULTIPROC_DIR. The folder is emptied
when the server starts (old files would add a previous run's counts), and a worker that exits is
marked dead so that its gauges stop counting while its counters stay in the totals.
"""

from __future__ import annotations

import os
from pathlib import Path


def on_starting(server) -> None:
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        for stale in Path(folder).glob("*.db"):
            stale.unlink()


def child_exit(server, worker) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
