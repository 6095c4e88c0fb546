"""Request context for logs and metrics: the request id, the request line, the counters.

First in MIDDLEWARE, so that it also sees the answers the middleware below it gives on its own
(HTTPS redirects, rate-limit refusals, static files).
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse
from django.utils.functional import empty

from ocop.core import metrics
from ocop.operations.logs import REQUEST_ID

request_log = logging.getLogger("ocop.request")

# An incoming X-Request-ID (set by the reverse proxy: nginx's $request_id) is kept only when it
# looks like an id — letters, digits and . _ : -, 8 to 64 characters — so that a client cannot
# write arbitrary text (new lines, markup) into the logs through it.
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._:-]{8,64}")
# URL parameters that carry a secret (the password-reset link): masked in the logged path.
SECRET_KWARGS = frozenset({"token", "uidb64"})
ROUTE_ENVIRON_KEY = "ocop.route"


class _QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Callable, sql: str, params: Any, many: bool, context: dict):
        self.count += 1
        return execute(sql, params, many, context)


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # From META, not request.headers: that copies every header, on every request.
        request_id = request_id_for(request.META.get("HTTP_X_REQUEST_ID", ""))
        request.request_id = request_id
        token = REQUEST_ID.set(request_id)
        counter = _QueryCounter()
        started = time.perf_counter()
        try:
            with ExitStack() as stack:
                for alias in connections:
                    stack.enter_context(connections[alias].execute_wrapper(counter))
                response = self.get_response(request)
            duration = time.perf_counter() - started
            response["X-Request-ID"] = request_id
            route = _route(request)
            # The WSGI fast path files a stored page under the route that answered it, so that
            # its replays are counted under the same label (ocop/operations/fastpath.py).
            request.META[ROUTE_ENVIRON_KEY] = route
            observe(request.method, route, response.status_code, duration, counter.count,
                    _logged_path(request), _user_fields(request))
        finally:
            REQUEST_ID.reset(token)
        return response


def request_id_for(incoming: str) -> str:
    """The proxy's request id when it looks like one, else a fresh one."""
    return incoming if REQUEST_ID_PATTERN.fullmatch(incoming) else uuid.uuid4().hex


def observe(method: str, route: str, status: int, duration: float, queries: int, path: str,
            user: dict[str, Any] | None = None) -> None:
    """Count one answered request in the metrics and write its request line (also called by
    the fast path for the answers it gives without the middleware stack)."""
    metrics.REQUESTS.labels(route, method, metrics.status_class(status)).inc()
    metrics.LATENCY.labels(route, method).observe(duration)
    metrics.QUERIES.labels(route).observe(queries)
    if request_log.isEnabledFor(logging.INFO):
        request_log.info(
            "%s %s %s", method, route, status,
            extra={"method": method, "path": path, "route": route, "status": status,
                   "duration_ms": round(duration * 1000, 1), "queries": queries,
                   **(user or {})})


def _route(request: HttpRequest) -> str:
    """The URL pattern that answered (bounded: one label per pattern, never the raw path)."""
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match.route or match.view_name
    if request.path.startswith(settings.STATIC_URL):
        return "static"
    return "unmatched"


def _logged_path(request: HttpRequest) -> str:
    """The path without its query string, with secret URL parameters masked."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    if match is not None:
        for name, value in match.kwargs.items():
            if name in SECRET_KWARGS and value:
                path = path.replace(str(value), "***")
    return path


def _user_fields(request: HttpRequest) -> dict[str, Any]:
    """The user's id and role, when the request already loaded its user (no query for a log)."""
    user = request.__dict__.get("user")
    if user is None or getattr(user, "_wrapped", None) is empty:
        return {}
    if not getattr(user, "is_authenticated", False):
        return {}
    return {"user_id": user.pk, "role": getattr(user, "role", "")}
