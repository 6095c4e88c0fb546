"""A test helper for PostgreSQL's row locks beside the audit chain (registry, trace tests)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from django.db import connection, transaction

from ocop.audit import services


def _waits_for_a_lock(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return row is not None and row[0] == "Lock"


def beside_the_chain(refer: Callable[[], None], work: Callable[[], None]) -> list[BaseException]:
    """Hold the audit chain in this thread's transaction, make ``refer``'s rows (their foreign
    keys are checked at commit), then run ``work`` in another thread and transaction until it
    waits for a lock, and commit. Returns what ``work`` raised (nothing when both committed).

    This is an Excel import's writing pass beside an edit: with a plain ``FOR UPDATE`` on a row
    that ``refer`` points at, PostgreSQL aborted one of the two as a deadlock."""
    errors: list[BaseException] = []
    pid: list[int] = []

    def other() -> None:
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_backend_pid()")
                    pid.append(cursor.fetchone()[0])
                work()
        except BaseException as error:  # reported to the caller's thread below
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=other)
    with transaction.atomic():
        services.hold_chain()
        refer()
        thread.start()
        deadline = time.monotonic() + 10
        while not (pid and _waits_for_a_lock(pid[0])):
            assert time.monotonic() < deadline, "the other transaction never waited for a lock"
            time.sleep(0.02)
    thread.join(10)
    assert not thread.is_alive(), "the other transaction did not end"
    return errors
