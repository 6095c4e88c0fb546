"""/metrics: who may read it, what it counts, and that several gunicorn workers add up."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.test import override_settings
from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(__file__).resolve().parents[3]
TOKEN = "m" * 40


def _samples(text: str) -> dict[tuple, float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def _requests(samples, route: str, status: str = "2xx") -> float:
    key = ("ocop_http_requests_total",
           (("method", "GET"), ("route", route), ("status", status)))
    return samples.get(key, 0.0)


@pytest.mark.django_db
@override_settings(DEBUG=False, LOCAL_DEMO=False, METRICS_TOKEN="")
def test_production_without_a_token_refuses_everyone(client):
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


@pytest.mark.django_db
@override_settings(METRICS_TOKEN=TOKEN)
def test_the_token_opens_the_metrics(client):
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    assert TOKEN not in response.content.decode()


@pytest.mark.django_db
@override_settings(METRICS_TOKEN=TOKEN, METRICS_ALLOWED_IPS=["10.0.0.0/8"])
def test_the_allowlist_narrows_the_token(client):
    bearer = f"Bearer {TOKEN}"
    assert client.get("/metrics", HTTP_AUTHORIZATION=bearer).status_code == 404  # 127.0.0.1
    assert client.get("/metrics", HTTP_AUTHORIZATION=bearer,
                      REMOTE_ADDR="10.1.2.3").status_code == 200
    # X-Forwarded-For is written by the client: it does not count.
    assert client.get("/metrics", HTTP_AUTHORIZATION=bearer,
                      HTTP_X_FORWARDED_FOR="10.1.2.3").status_code == 404


@pytest.mark.django_db
@override_settings(DEBUG=True, METRICS_TOKEN="")
def test_development_opens_them_on_loopback_only(client):
    assert client.get("/metrics").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.7").status_code == 404


@pytest.mark.django_db
@override_settings(METRICS_TOKEN=TOKEN)
def test_requests_are_counted_by_url_pattern_with_their_queries(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                                  "QUEUES": ["default"]}}
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}
    before = _samples(client.get("/metrics", **bearer).content.decode())
    client.get("/verify/OCOP-KHONG-CO-1")
    client.get("/verify/OCOP-KHONG-CO-2")
    client.get("/healthz")
    text = client.get("/metrics", **bearer).content.decode()
    after = _samples(text)
    assert _requests(after, "verify/<str:number>", "4xx") - _requests(
        before, "verify/<str:number>", "4xx") == 2
    assert _requests(after, "healthz") - _requests(before, "healthz") == 1
    assert "OCOP-KHONG-CO" not in text  # the raw path is never a label
    queries = after[("ocop_http_request_db_queries_count", (("route", "verify/<str:number>"),))]
    assert queries >= 2
    assert after[("ocop_task_queue_depth", (("queue", "default"),))] == 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, token: str | None = None) -> str:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 — http://127.0.0.1
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 — loopback
        return response.read().decode()


def _worker_files(tmp_path: Path) -> set[str]:
    """The workers that have counted a request: one metrics file per process id."""
    return {p.name.split("_")[-1] for p in (tmp_path / "prom").glob("*.db")}


def test_gunicorn_workers_add_up_in_multiprocess_mode(tmp_path):
    """Three workers answer; any one of them reports the sum of all three."""
    port = _free_port()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "OCOP_"))},
           "DATABASE_URL": f"sqlite:///{tmp_path / 'metrics.sqlite3'}",
           "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prom"), "METRICS_TOKEN": TOKEN,
           "TASKS_BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}
    server = subprocess.Popen(  # noqa: S603 — gunicorn from our virtualenv
        [str(Path(sys.executable).parent / "gunicorn"), "ocop.wsgi",
         "--config", "python:ocop.operations.gunicorn", "--bind", f"127.0.0.1:{port}",
         "--workers", "3"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                _get(base + "/healthz")
                break
            except OSError:  # not listening yet (URLError is an OSError)
                time.sleep(0.1)
        # Workers load the URLconf and templates before they accept (fastpath.warm): the first
        # one ready may answer everything while the others warm. So: rounds of 6 requests at
        # once, until at least two workers have answered (each writes its own metrics file).
        sent, deadline = 1, time.monotonic() + 120
        with ThreadPoolExecutor(6) as pool:
            while time.monotonic() < deadline:
                list(pool.map(lambda _n: _get(base + "/healthz"), range(6)))
                sent += 6
                if len(_worker_files(tmp_path)) >= 2:
                    break
        assert len(_worker_files(tmp_path)) >= 2, "the requests should reach several workers"
        samples = _samples(_get(base + "/metrics", TOKEN))
        assert _requests(samples, "healthz") == sent
    finally:
        server.terminate()
        server.wait(timeout=30)
