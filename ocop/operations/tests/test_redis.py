"""A shared cache and the task queue's Redis, against a real Redis (DB 3 of 127.0.0.1:6379).

Skipped with the reason when no Redis answers locally; .ci/run starts one, and under CI a skip
fails the run.
"""

from __future__ import annotations

import os

import pytest
import redis
from django.core.cache.backends.redis import RedisCache
from django.test import override_settings
from django_ratelimit.core import is_ratelimited

from ocop.operations.metrics import queue_depths

REDIS_URL = os.environ.get("OCOP_TEST_REDIS_URL", "redis://127.0.0.1:6379/3")


def _reachable() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


pytestmark = pytest.mark.skipif(not _reachable(), reason=f"no Redis at {REDIS_URL}")
SHARED = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                      "LOCATION": REDIS_URL, "KEY_PREFIX": "ocop-test"}}


def test_two_app_servers_see_one_cache():
    # Two cache objects with their own connection pools, as two gunicorn workers have.
    first, second = (RedisCache(REDIS_URL, {"KEY_PREFIX": "ocop-test"}) for _ in range(2))
    first.set("ops:stamp-directory", {"lot": 7}, timeout=30)
    assert second.get("ops:stamp-directory") == {"lot": 7}
    second.delete("ops:stamp-directory")
    assert first.get("ops:stamp-directory") is None


@override_settings(CACHES=SHARED)
def test_the_public_rate_limit_counts_across_processes(rf):
    from django.core.cache import caches

    request = rf.get("/verify/OCOP-1", REMOTE_ADDR="198.51.100.9")
    caches["default"].clear()
    for _ in range(3):
        assert not is_ratelimited(request, group="ops-test", key="ip", rate="3/m",
                                  increment=True)
    # A "fourth request" counted by another process's cache object is over the limit.
    other = RedisCache(REDIS_URL, {"KEY_PREFIX": "ocop-test"})
    counters = other._cache.get_client().keys("ocop-test:*")
    assert counters, "the counter should live in Redis, not in this process"
    assert is_ratelimited(request, group="ops-test", key="ip", rate="3/m", increment=True)
    caches["default"].clear()


@pytest.mark.django_db(transaction=True)
@override_settings(CACHES=SHARED)
def test_readyz_checks_the_redis_cache_and_queue(client, settings):
    settings.TASKS_REDIS_URL = REDIS_URL
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json()["checks"]["cache"] == "ok"
    assert response.json()["checks"]["task_queue"] == "ok"


def test_queue_depth_reads_the_rq_queue(settings):
    settings.TASKS_REDIS_URL = REDIS_URL
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend",
                                  "QUEUES": ["ops-test-queue"]}}
    client = redis.Redis.from_url(REDIS_URL)
    key = "rq:queue:ops-test-queue"
    client.delete(key)
    try:
        client.rpush(key, "job-1", "job-2")
        assert queue_depths() == {"ops-test-queue": 2}
    finally:
        client.delete(key)
