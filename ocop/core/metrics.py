"""Prometheus metrics of the platform (served at /metrics by ocop.operations).

Defined here, in the bottom layer, so that any app may count what only it sees (a stamp scan
logged in a batch, say) without importing the operations app. With PROMETHEUS_MULTIPROC_DIR set
(several gunicorn workers) every process writes its values to files in that folder and a scrape
adds them up; prometheus-client chooses that mode when the first metric is created, so the
variable must be in the environment before the server starts (scripts/serve.sh sets it).

Labels are bounded: a URL pattern (``route``), never a raw path; a status class (2xx), never a
user or an address.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

REQUESTS = Counter(
    "ocop_http_requests", "HTTP requests answered, by URL pattern and status class.",
    ["route", "method", "status"],
)
LATENCY = Histogram(
    "ocop_http_request_duration_seconds", "Time to answer a request, by URL pattern.",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120),
)
QUERIES = Histogram(
    "ocop_http_request_db_queries", "Database queries made by one request, by URL pattern.",
    ["route"],
    buckets=(0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144),
)
SCANS = Counter(
    "ocop_stamp_scans", "Stamp scans logged, by scan result (ok, void, suspicious …).",
    ["result"],
)


def status_class(status: int) -> str:
    return f"{status // 100}xx"
