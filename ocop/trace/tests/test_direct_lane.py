"""The direct lane (ocop/operations/directlane.py) answers a scan as the light stack would: the
same status, headers and page for every kind of request, the first answer of a kind and the
ones after it, in both languages, over http and https; it steps aside for whatever it cannot
answer itself, and it is off with any middleware it does not know."""

from __future__ import annotations

import functools
import re

import pytest
from django.core.cache import caches
from django.core.handlers.wsgi import WSGIHandler
from django.middleware.clickjacking import XFrameOptionsMiddleware

from ocop.operations import directlane
from ocop.operations.fastpath import FastPath, light_middleware
from ocop.operations.testing import call
from ocop.trace import scan, scanlog
from ocop.trace.tests.test_fastpath import _wsgi_like_the_test_client  # noqa: F401 — autouse
from ocop.trace.tests.test_stamps_scan import stamp_path

pytestmark = pytest.mark.django_db


def _lane(app: FastPath) -> directlane.DirectLane | None:
    return app.light._middleware_chain.args[0]


def _same(lane_on, lane_off, address: str, **options) -> None:
    answers = []
    for app in (lane_on, lane_off):
        scanlog.discard()  # both see the stamp as never scanned
        answers.append(call(app, address, **options))
    for answer in answers:
        assert answer.headers.pop("X-Request-ID")
        if "Set-Cookie" in answer.headers:  # a fresh CSRF token each time
            answer.headers["Set-Cookie"] = re.sub(r"=\w+;", "=;", answer.headers["Set-Cookie"])
        answer.body = re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', r"\1",
                             answer.body)
    assert answers[0] == answers[1], (address, options)


def test_the_lane_answers_as_the_light_stack(chain, settings) -> None:
    """Each request twice (the first answer of a kind runs the real hooks and is recorded, the
    second gets the recorded headers), through the lane and through the light stack."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 3600
    app = FastPath(WSGIHandler())  # after the settings: the middleware read them when built
    stack = FastPath(WSGIHandler())  # the same, without its lane
    stack.light._middleware_chain = functools.partial(
        directlane.answer, None, stack.light._middleware_chain.args[1])
    assert _lane(app) is not None and _lane(stack) is None
    genuine, forged = stamp_path(chain, 9), stamp_path(chain, 9)[:-4] + "ZZZZ"
    good_token = {"csrftoken": "a" * 32}
    cases = [
        (genuine, {}), (genuine, {"Accept": "application/json"}),
        (genuine, {"Accept": "application/linkset+json"}), (forged, {}),
        ("/01/12345/10/L1/21/1", {}), (f"/t/{chain.dried.pk}/{chain.packed.code}/abc", {}),
        (genuine, {"cookies": {"django_language": "en"}}),
        (genuine, {"X_Forwarded_Proto": "https"}),
        (genuine, {"cookies": good_token}),
        (genuine, {"cookies": {"csrftoken": "not a token"}}),  # renewed: a cookie is set
        (genuine, {"HOST": "not-ours.example"}),               # refused by the host check
        (genuine, {"method": "HEAD"}),
    ]
    for _round in range(2):
        for address, options in cases:
            _same(app, stack, address, **options)
    assert _lane(app).recorded  # the second round took the recorded headers
    settings.SECURE_SSL_REDIRECT = True
    _same(app, stack, genuine)                                 # redirected to https
    _same(app, stack, genuine, X_Forwarded_Proto="https")
    settings.SECURE_SSL_REDIRECT = False
    settings.PUBLIC_RATE_LIMIT = "1/m"
    caches["default"].clear()
    refused = [[call(handler, genuine, ip=ip) for _ in range(2)][1]
               for handler, ip in ((app, "192.0.2.70"), (stack, "192.0.2.71"))]
    assert [answer.status for answer in refused] == [429, 429]


def test_after_the_first_answer_the_response_hooks_do_not_run(app, chain, monkeypatch) -> None:
    calls = []
    real = XFrameOptionsMiddleware.process_response
    monkeypatch.setattr(XFrameOptionsMiddleware, "process_response",
                        lambda self, request, response: calls.append(1) or real(
                            self, request, response))
    app = FastPath(WSGIHandler())  # its middleware instances see the spy
    first, second = call(app, stamp_path(chain, 5)), call(app, stamp_path(chain, 6))
    assert len(calls) == 1
    assert first.headers["X-Frame-Options"] == second.headers["X-Frame-Options"] == "DENY"
    assert first.headers.keys() == second.headers.keys()
    assert second.headers["Content-Length"] == str(len(second.body.encode()))


def test_a_view_that_fails_in_the_lane_is_answered_by_the_light_stack(app, chain,
                                                                      monkeypatch) -> None:
    """Once: the light stack answers it, and counts the scan once."""
    real, calls = scan.resolve, []

    def failing_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("a fault in the lane")
        return real(*args, **kwargs)

    monkeypatch.setattr(scan, "resolve", failing_once)
    answer = call(app, stamp_path(chain, 4))
    assert answer.status == 200 and 'data-result="ok"' in answer.body
    assert len(calls) == 2


def test_the_lane_is_off_with_a_middleware_it_does_not_know(settings) -> None:
    assert directlane.lane_middleware(light_middleware())
    assert not directlane.lane_middleware([*light_middleware(), "some.site.TimingMiddleware"])
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "django.middleware.gzip.GZipMiddleware"]
    assert _lane(FastPath(WSGIHandler())) is None


def test_the_switch_turns_the_lane_off(app, chain, settings, monkeypatch) -> None:
    settings.FASTPATH_DIRECT_LANE = False
    monkeypatch.setattr(directlane.DirectLane, "__call__",
                        lambda self, request: pytest.fail("the lane ran"))
    assert call(app, stamp_path(chain, 3)).status == 200
