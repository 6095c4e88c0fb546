"""Questions the worker asks of the apps above it (docs/architecture.md, "Extension points").

``periodic(now)``: light work a higher app wants done regularly while a worker runs, such as
enqueueing last month's reports when they are missing (``ocop.reports``). The worker calls every
provider at start-up and then every ``WORKER_PERIODIC_SECONDS`` from its heartbeat thread, so a
provider must only check and enqueue (a few queries), never do the long work itself, and must be
idempotent: several workers may call it at once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from ocop.core.hooks import HookList

periodic: HookList[Callable[[datetime], object]] = HookList("worker.periodic")
