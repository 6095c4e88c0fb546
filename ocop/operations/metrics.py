"""The /metrics answer: the request and scan counters of every worker process, plus the task
queue's depth read at scrape time (one query or one Redis LLEN per queue)."""

from __future__ import annotations

import os

from django.conf import settings
from django.db.models import Count
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from ocop.operations.health import redis_client


def queue_depths() -> dict[str, int]:
    """Tasks waiting to run, by queue name."""
    queues = settings.TASKS["default"].get("QUEUES") or ["default"]
    if settings.TASKS_REDIS_URL:
        # RQ keeps each queue's waiting job ids in the list rq:queue:<name>.
        client = redis_client(settings.TASKS_REDIS_URL)
        try:
            return {name: int(client.llen(f"rq:queue:{name}")) for name in queues}
        finally:
            client.close()
    if settings.TASKS["default"]["BACKEND"].startswith("django_tasks_db."):
        depths = dict.fromkeys(queues, 0)
        rows = (DBTaskResult.objects.filter(status=TaskResultStatus.READY)
                .values_list("queue_name").annotate(n=Count("id")))
        depths.update(dict(rows))
        return depths
    return {}


class QueueDepthCollector:
    def collect(self):
        gauge = GaugeMetricFamily("ocop_task_queue_depth", "Background tasks waiting to run.",
                                  labels=["queue"])
        for name, depth in sorted(queue_depths().items()):
            gauge.add_metric([name], depth)
        yield gauge


def exposition() -> tuple[bytes, str]:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Several gunicorn workers: add up the value files every worker writes.
        workers = CollectorRegistry()
        MultiProcessCollector(workers)
        body = generate_latest(workers)
    else:
        body = generate_latest(REGISTRY)
    scrape_time = CollectorRegistry()
    scrape_time.register(QueueDepthCollector())
    return body + generate_latest(scrape_time), CONTENT_TYPE_LATEST
