"""Readiness: can this app server serve requests right now?

Each dependency is checked in its own thread with one shared deadline
(``READINESS_TIMEOUT_SECONDS``), so that a database or a Redis that hangs turns into a quick
"timeout" answer instead of a probe that hangs with it. A check opens its own connections and
closes them: what is tested is that a new connection can be made, as the next request will.
"""

from __future__ import annotations

import logging
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass

import redis
from django.conf import settings
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connections
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

# Threads stay for the process; a hung check occupies one until its own socket gives up.
_pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="readyz")


@dataclass(frozen=True)
class CheckResult:
    name: str
    status: str  # ok / error / timeout
    duration_ms: float
    detail: str = ""  # the exception, for authorised callers and the log only


def _database(alias: str) -> None:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        connections[alias].close()


def _cache() -> None:
    key = f"ocop:readyz:{uuid.uuid4().hex}"
    cache = caches["default"]
    cache.set(key, "1", timeout=10)
    if cache.get(key) != "1":
        raise RuntimeError("the cache did not return the value just written")
    cache.delete(key)


def redis_client(url: str) -> redis.Redis:
    timeout = settings.READINESS_TIMEOUT_SECONDS
    return redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)


def _task_queue() -> None:
    if settings.TASKS_REDIS_URL:
        client = redis_client(settings.TASKS_REDIS_URL)
        try:
            client.ping()
        finally:
            client.close()
        return
    # The database queue: its table answers on the primary.
    try:
        DBTaskResult.objects.filter(pk=uuid.uuid4()).exists()
    finally:
        connections["default"].close()


def _storage() -> None:
    name = default_storage.save(f".readyz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    default_storage.delete(name)


def _uses_database_queue() -> bool:
    return settings.TASKS["default"]["BACKEND"].startswith("django_tasks_db.")


def checks() -> dict[str, object]:
    """The checks this configuration needs, by the name the readiness answer shows."""
    found: dict[str, object] = {}
    for alias in settings.DATABASES:
        found["database" if alias == "default" else f"database_{alias}"] = (
            lambda alias=alias: _database(alias))
    found["cache"] = _cache
    if settings.TASKS_REDIS_URL or _uses_database_queue():
        found["task_queue"] = _task_queue
    found["storage"] = _storage
    return found


def run_checks() -> list[CheckResult]:
    deadline = time.monotonic() + settings.READINESS_TIMEOUT_SECONDS
    started = time.perf_counter()
    futures = {name: _pool.submit(_timed, check) for name, check in checks().items()}
    results = []
    for name, future in futures.items():
        try:
            elapsed, error = future.result(timeout=max(0.0, deadline - time.monotonic()))
        except FutureTimeout:
            elapsed = (time.perf_counter() - started) * 1000
            results.append(CheckResult(name, "timeout", round(elapsed, 1)))
            logger.error("readiness: %s did not answer in %s s", name,
                         settings.READINESS_TIMEOUT_SECONDS)
            continue
        if error is None:
            results.append(CheckResult(name, "ok", elapsed))
        else:
            detail = f"{type(error).__name__}: {error}"
            logger.error("readiness: %s failed: %s", name, detail)
            results.append(CheckResult(name, "error", elapsed, detail))
    return results


def _timed(check) -> tuple[float, BaseException | None]:
    started = time.perf_counter()
    try:
        check()
    except Exception as error:  # every failure is an answer of the check, not a crash
        return round((time.perf_counter() - started) * 1000, 1), error
    return round((time.perf_counter() - started) * 1000, 1), None
