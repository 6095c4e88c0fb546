"""Questions the worker asks of the apps above it (docs/architecture.md, "Extension points").

``periodic(now)``: light work a higher app wants done regularly while a worker runs, such as
enqueueing last month's reports when they are missing (``ocop.reports``). The worker calls every
provider at start-up and then every ``WORKER_PERIODIC_SECONDS`` from its heartbeat thread, so a
provider must only check and enqueue (a few queries), never do the long work itself, and must be
idempotent: several workers may call it at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from ocop.core.hooks import HookList

logger = logging.getLogger("ocop.worker")

PeriodicCheck = Callable[[datetime], object]


class PeriodicChecks(HookList[PeriodicCheck]):
    def run_each(self, now: datetime) -> int:
        """Call every provider; one that fails is logged and the others still run (each is
        tried again at the next period). Returns how many failed."""
        failed = 0
        for provider in self._providers:
            try:
                provider(now)
            except Exception:
                failed += 1
                logger.exception("periodic check %s failed; it runs again next period",
                                 getattr(provider, "__qualname__", provider))
        return failed


periodic = PeriodicChecks("worker.periodic")
