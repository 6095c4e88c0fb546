"""The worker's periodic checks (ocop/worker/hooks.py): every provider is called, and a failing
one is logged without stopping the worker."""

from __future__ import annotations

import logging

from ocop.worker import hooks
from ocop.worker.management.commands.worker import Command


def test_periodic_calls_every_provider_and_survives_a_failure(monkeypatch, caplog):
    seen = []

    def broken(now):
        raise RuntimeError("database away")

    # The failing check comes first: the next one still runs.
    monkeypatch.setattr(hooks.periodic, "_providers", [broken, seen.append])
    with caplog.at_level(logging.ERROR, logger="ocop.worker"):
        Command()._periodic()
    assert len(seen) == 1 and seen[0].tzinfo is not None
    assert "periodic check" in caplog.text and "broken" in caplog.text
