"""Reads from a PostgreSQL streaming replica where lag is harmless; everything else on the primary.

Active only when ``DATABASE_REPLICA_URL`` adds the ``replica`` alias (settings.py installs the
router and the middleware then); without it nothing here runs. The rules
(docs/database-replica.md):

* Writes, reads inside an atomic block, ``select_for_update`` and ``get_or_create`` (Django sends
  those through ``db_for_write``) and migrations go to the primary only.
* Only reads made while a web request is handled may go to the replica. Management commands,
  background tasks, the shell and threads started by a request read from the primary: they act
  on what they read, and none of them can be told "try again in a second".
* A request pins itself to the primary: an unsafe method (POST, PUT, PATCH, DELETE) for its whole
  length, any request from its first write on; and for ``REPLICA_PIN_SECONDS`` after an unsafe
  request a cookie keeps the same browser on the primary, so the page shown after a save shows it.
* The apps of ``REPLICA_PRIMARY_APPS`` (sign-in, sessions, second factor, lockouts, API tokens,
  roles, the audit chain, the task queue and jobs) are always read from the primary.
* The replica is used only while a cheap check, made at most every ``REPLICA_CHECK_SECONDS`` per
  process, finds it answering, in recovery and no more than ``REPLICA_MAX_LAG_SECONDS`` behind.
  Otherwise reads fall back to the primary and the change is logged; a safe request whose
  replica connection dies half-way is answered again on the primary.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse

PRIMARY = "default"
REPLICA = "replica"
PIN_COOKIE = "ocop_primary"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

logger = logging.getLogger("ocop.replica")


@dataclass
class _RequestState:
    pinned: bool  # read everything from the primary
    used_replica: bool = False
    retried: bool = False


# Set by the middleware for the length of one request; None elsewhere (commands, tasks).
_request: ContextVar[_RequestState | None] = ContextVar("ocop_replica_request", default=None)


@dataclass(frozen=True)
class ReplicaHealth:
    usable: bool
    reason: str
    lag_seconds: float | None
    checked_at: float  # time.monotonic()


_health = ReplicaHealth(usable=False, reason="not checked yet", lag_seconds=None,
                        checked_at=float("-inf"))
_health_lock = threading.Lock()
# Process-wide switch (not a context variable: it must also hold in a live test server's
# threads): ordinary tests run inside a transaction the standby never sees (ocop/conftest.py).
_forced_primary = 0


def configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def reads_from_primary() -> Iterator[None]:
    """Send every read of this process to the primary while the block runs."""
    global _forced_primary
    _forced_primary += 1
    try:
        yield
    finally:
        _forced_primary -= 1


def _measure() -> ReplicaHealth:
    """One look at the replica: reachable, still a standby, and how far behind.

    Lag is zero when the replica has replayed the primary's current WAL position; otherwise it is
    the age of the last transaction it replayed. That over-states lag after the primary was idle
    (one new write looks as old as the idle time) for one check at most, which only sends reads
    to the primary a little longer: the safe side.
    """
    now = time.monotonic()
    with connections[PRIMARY].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        primary_lsn = cursor.fetchone()[0]
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(
                "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn() >= %s::pg_lsn, "
                "EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())::float",
                [primary_lsn])
            in_recovery, caught_up, replay_age = cursor.fetchone()
    except DatabaseError as exc:
        _close_replica()
        return ReplicaHealth(False, f"unreachable: {str(exc).strip()[:200]}", None, now)
    if not in_recovery:
        # A promoted standby no longer receives the primary's writes.
        return ReplicaHealth(False, "not in recovery (promoted?)", None, now)
    lag = 0.0 if caught_up else (replay_age if replay_age is not None else float("inf"))
    limit = settings.REPLICA_MAX_LAG_SECONDS
    if lag > limit:
        return ReplicaHealth(False, f"{lag:.1f} s behind (limit {limit} s)", lag, now)
    return ReplicaHealth(True, "ok", lag, now)


def _record(health: ReplicaHealth) -> ReplicaHealth:
    global _health
    before = _health
    _health = health
    # Logged when the state changes, not at every check: one line per outage.
    if not health.usable and (before.usable or before.checked_at == float("-inf")):
        logger.warning("replica unusable (%s): reads fall back to the primary", health.reason)
    elif health.usable and not before.usable:
        logger.info("replica usable (lag %.1f s): reads return to it", health.lag_seconds or 0)
    return health


def health() -> ReplicaHealth:
    """The replica's state as last measured by this process, measured again when older than
    ``REPLICA_CHECK_SECONDS``."""
    current = _health
    if time.monotonic() - current.checked_at < settings.REPLICA_CHECK_SECONDS:
        return current
    with _health_lock:
        current = _health
        if time.monotonic() - current.checked_at < settings.REPLICA_CHECK_SECONDS:
            return current
        return _record(_measure())


def forget_health() -> None:
    """Measure again on the next read (after the replica's settings changed)."""
    global _health
    _health = ReplicaHealth(False, "not checked yet", None, float("-inf"))


def _mark_failed(reason: str) -> None:
    _close_replica()
    with _health_lock:
        _record(ReplicaHealth(False, reason, None, time.monotonic()))


def _close_replica() -> None:
    try:
        connections[REPLICA].close()
    except DatabaseError:
        # A dead server's socket may refuse even the goodbye; the connection is gone either way.
        logger.debug("closing the broken replica connection failed", exc_info=True)


def _may_read_replica(model: type) -> bool:
    state = _request.get()
    if state is None or state.pinned or _forced_primary:
        return False
    if model._meta.app_label in settings.REPLICA_PRIMARY_APPS:
        return False
    if connections[PRIMARY].in_atomic_block:
        return False
    if not health().usable:
        return False
    state.used_replica = True
    return True


class ReplicaRouter:
    """Django database router for the ``default`` (primary) and ``replica`` aliases."""

    def db_for_read(self, model: type, **hints: object) -> str:
        return REPLICA if _may_read_replica(model) else PRIMARY

    def db_for_write(self, model: type, **hints: object) -> str:
        state = _request.get()
        if state is not None:
            # Read-your-writes inside the request: what follows may read what was just written.
            state.pinned = True
        return PRIMARY

    def allow_relation(self, obj1: object, obj2: object, **hints: object) -> bool | None:
        # One database seen through two aliases: rows read from either may be related.
        aliases = {PRIMARY, REPLICA}
        if obj1._state.db in aliases and obj2._state.db in aliases:  # type: ignore[attr-defined]
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None,
                      **hints: object) -> bool:
        return db == PRIMARY


def _pin_cookie_valid(request: HttpRequest) -> bool:
    try:
        return float(request.COOKIES.get(PIN_COOKIE, "0")) > time.time()
    except ValueError:
        return False


class ReplicaPinningMiddleware:
    """Marks the request for the router, sets the pin cookie after an unsafe request, and answers
    a safe request again on the primary when the replica failed under it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        unsafe = request.method not in SAFE_METHODS
        token = _request.set(_RequestState(pinned=unsafe or _pin_cookie_valid(request)))
        try:
            response = self.get_response(request)
        finally:
            _request.reset(token)
        if unsafe:
            seconds = settings.REPLICA_PIN_SECONDS
            response.set_cookie(
                PIN_COOKIE, str(int(time.time() + seconds) + 1), max_age=seconds,
                secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax")
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        state = _request.get()
        if (state is None or state.retried or not state.used_replica
                or request.method not in SAFE_METHODS
                or not isinstance(exception, OperationalError | InterfaceError)):
            return None
        # The replica died, restarted or cancelled the query (a conflict with recovery) while this
        # request read from it. A safe request can be answered again: on the primary.
        reason = f"failed mid-request: {str(exception).strip()[:200]}"
        logger.warning("replica failed during %s %s (%s): answered again from the primary",
                       request.method, request.path, reason)
        _mark_failed(reason)
        state.retried = state.pinned = True
        return self.get_response(request)
