"""/healthz (liveness) and /readyz (readiness) as a load balancer sees them."""

from __future__ import annotations

import socket
import threading
import time

import pytest
from django.test import override_settings

TOKEN = "t" * 40


@pytest.mark.django_db
def test_healthz_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db(transaction=True)
def test_readyz_lists_every_dependency_it_checked(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                                  "QUEUES": ["default"]}}
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "ok", "checks": {
        "database": "ok", "cache": "ok", "task_queue": "ok", "storage": "ok"}}
    assert response["Cache-Control"] == "no-store"
    # The storage probe cleans up after itself.
    assert not any(p.is_file() for p in settings.MEDIA_ROOT.rglob("*"))


@pytest.mark.django_db(transaction=True)
def test_readyz_fails_on_an_unwritable_store_and_says_no_more_to_the_public(
        client, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    settings.MEDIA_ROOT = blocker / "media"
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error" and body["checks"]["storage"] == "error"
    assert body["checks"]["database"] == "ok"
    assert "details" not in body and str(tmp_path) not in response.content.decode()


@pytest.mark.django_db(transaction=True)
@override_settings(METRICS_TOKEN=TOKEN, CACHES={"default": {
    "BACKEND": "django.core.cache.backends.redis.RedisCache",
    "LOCATION": "redis://127.0.0.1:1/0"}})
def test_readyz_shows_the_error_to_an_operator_only(client):
    # Port 1: nothing listens, the connection is refused at once.
    anonymous = client.get("/readyz")
    assert anonymous.status_code == 503 and anonymous.json()["checks"]["cache"] == "error"
    assert "127.0.0.1" not in anonymous.content.decode()
    operator = client.get("/readyz", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert operator.status_code == 503
    assert "ConnectionError" in operator.json()["details"]["cache"]["error"]


@pytest.fixture
def silent_server():
    """A real TCP server that accepts connections and never answers (a hung dependency)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    listener.close()


@pytest.mark.django_db(transaction=True)
def test_readyz_gives_up_on_a_hung_dependency_within_its_timeout(client, settings, silent_server):
    settings.TASKS_REDIS_URL = f"redis://127.0.0.1:{silent_server}/0"
    settings.READINESS_TIMEOUT_SECONDS = 0.5
    started = time.monotonic()
    response = client.get("/readyz")
    assert time.monotonic() - started < 3
    assert response.status_code == 503
    assert response.json()["checks"]["task_queue"] in ("timeout", "error")
    assert response.json()["checks"]["database"] == "ok"


@pytest.mark.django_db
@override_settings(DEBUG=False, SECURE_SSL_REDIRECT=True)
def test_probes_are_not_redirected_to_https_but_pages_are(client):
    # The load balancer probes each app server over plain http on the private network.
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code in (200, 503)
    assert client.get("/dang-nhap/").status_code == 301
