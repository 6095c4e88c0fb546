"""Structured logs: one JSON object a line (LOG_FORMAT=json), each carrying the request id.

The request id is kept in a context variable by ``RequestContextMiddleware`` so that every log
line written while a request is served (a service's warning, an exception) carries it, not only
the request line itself. Only the fields listed in ``EXTRA_FIELDS`` are copied from a record:
names, e-mail addresses and tokens never reach the log through them.
"""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime

REQUEST_ID: ContextVar[str] = ContextVar("request_id", default="")

# The request line's fields (ocop.operations.middleware) and what operators filter on.
EXTRA_FIELDS = ("method", "path", "route", "status", "duration_ms", "queries", "user_id", "role")


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` (empty outside a request) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = REQUEST_ID.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", "")
        if request_id:
            entry["request_id"] = request_id
        for name in EXTRA_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
