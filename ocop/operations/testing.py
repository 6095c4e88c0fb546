"""Driving the WSGI application as gunicorn calls it, fast path included (Django's test client
would bypass ``ocop/operations/fastpath.py``): the ``app`` fixture and ``call``. A pytest plugin
(root ``conftest.py``), so any app's tests can use them."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.test import RequestFactory

from ocop.operations.fastpath import FastPath


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: str


@pytest.fixture
def app():
    """The site's WSGI application behind the fast path; afterwards the request signals
    ``call`` disconnects are connected back."""
    yield FastPath(WSGIHandler())
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def call(app, path: str, *, method: str = "GET", ip: str = "198.51.100.20",
         cookies: dict[str, str] | None = None, **headers: str) -> Answer:
    # As django.test.Client does (and a Client request in the test connects them back).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    factory = RequestFactory(REMOTE_ADDR=ip)
    for name, value in (cookies or {}).items():
        factory.cookies[name] = value
    environ = factory.generic(method, path, headers={
        name.replace("_", "-"): value for name, value in headers.items()}).environ
    seen: dict = {}

    def start_response(status, response_headers, exc_info=None):
        seen["status"], seen["headers"] = int(status.split()[0]), response_headers

    result = app(environ, start_response)
    body = b"".join(result)
    if hasattr(result, "close"):
        result.close()
    return Answer(seen["status"], dict(seen["headers"]), body.decode())
