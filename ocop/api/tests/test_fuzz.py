"""Property-based fuzzing of every operation of /api/v1/openapi.json with Schemathesis.

For each operation and for two callers (an administrator and a producer, both by API token),
Schemathesis generates requests from the OpenAPI document itself, valid ones and invalid ones, and
checks that the API never answers 5xx, answers only with status codes and content types that the
document declares for that operation, with bodies that match the declared schema, and that it
refuses (4xx) what the document says is invalid.

The number of examples per operation and mode comes from OCOP_FUZZ_EXAMPLES: small in `make test`,
larger with `make fuzz` (see docs/api.md).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from ocop.accounts.models import User
from ocop.accounts.services import issue_api_token
from ocop.demo.trace import build_demo_trace
from ocop.wsgi import application

EXAMPLES = int(os.environ.get("OCOP_FUZZ_EXAMPLES", "8"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, negative_data_rejection]
CALLERS = ("demo-admin", "demo-chuthe")


class _Sink:
    def write(self, _text: str) -> None:
        pass

    def flush(self) -> None:
        pass


@pytest.fixture
def wsgi_app() -> Iterator[WSGIHandler]:
    """The project's WSGI application, called in-process by Schemathesis. As Django's test client
    does, the request signals must not close the database connection: it holds the test's
    transaction (PostgreSQL closes a connection found inside an atomic block)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield application
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def demo_tokens(db, monkeypatch) -> dict[str, str]:
    """The demo world on one province (registry, criteria, cycles, results, a traced lot), and
    an API token for each caller."""
    # Rendering the council minutes with WeasyPrint is most of demo_results' time; the API
    # never serves those files.
    monkeypatch.setattr("ocop.evaluation.pdf.html_to_pdf", lambda html: b"%PDF-1.4\n%%EOF\n")
    quiet = {"stdout": _Sink()}
    call_command("demo_data", units_subset="24", **quiet)
    call_command("criteria", "load-shipped", **quiet)
    call_command("demo_cycle", **quiet)
    call_command("demo_results", **quiet)
    build_demo_trace()
    return {name: issue_api_token(user=User.objects.get(username=name), name="fuzz",
                                  second_factor_passed=True)[1]
            for name in CALLERS}


def _fuzz(operation, mode: GenerationMode, headers: dict[str, str],
          calls: list[int]) -> Callable[[], None]:
    @settings(max_examples=EXAMPLES, database=None, deadline=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case) -> None:
        calls[0] += 1
        case.call_and_validate(headers=headers, checks=CHECKS)

    return run


def _negatable(raw: dict) -> bool:
    """Whether a request of this operation can be made invalid: a body, or a parameter with more
    than "any string" in its schema. Free-text-only operations have no negative case."""
    if "requestBody" in raw:
        return True
    free = {"type", "title", "description", "default"}
    return any(p["schema"].get("type") != "string" or set(p["schema"]) - free
               for p in raw.get("parameters", []))


def test_every_operation_conforms_to_the_openapi_document(wsgi_app, demo_tokens, capsys):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)
    failures: list[str] = []
    calls = [0]
    operations = 0
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        raw = schema.raw_schema["paths"][operation.path][operation.method.lower()]
        for name, token in demo_tokens.items():
            # Invalid input is refused before the caller matters: one caller is enough for it.
            modes = [GenerationMode.POSITIVE]
            if name == CALLERS[0] and _negatable(raw):
                modes.append(GenerationMode.NEGATIVE)
            for mode in modes:
                try:
                    _fuzz(operation, mode, {"Authorization": f"Bearer {token}"}, calls)()
                except (Exception, BaseExceptionGroup) as exc:
                    failures.append(f"{operation.label} [{name}, {mode.value}]: {exc}")
    with capsys.disabled():  # the figures docs/api.md reports
        print(f"\nAPI fuzz: {operations} operations, {calls[0]} requests "
              f"({EXAMPLES} examples per operation, mode and caller), {len(failures)} failing "
              f"runs, {time.monotonic() - started:.0f} s")
    assert operations >= 30
    assert not failures, f"{len(failures)} failing operation runs:\n\n" + "\n\n".join(failures)
