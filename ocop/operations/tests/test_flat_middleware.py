"""The light stack's flat middleware run (ocop/operations/fastpath.py, ``FlatMiddleware``) gives
what Django's nesting of the same middleware gives: the same hooks called in the same order, the
same answer, for every mix of passing, answering early and raising."""

from __future__ import annotations

import logging

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.handlers.exception import convert_exception_to_response
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.utils.deprecation import MiddlewareMixin
from hypothesis import given, settings
from hypothesis import strategies as st

from ocop.operations.fastpath import GUARD_MIDDLEWARE, FlatMiddleware, flattenable

pytestmark = pytest.mark.django_db

# What a middleware does on the way in and on the way out; a guard has no way out.
IN = ("pass", "answer", "raise")
OUT = ("pass", "raise")


def _enter(name: str, on_request: str, request: HttpRequest, status: int) -> HttpResponse | None:
    """A middleware's way in: logged, then let through, answered with ``status``, or raised."""
    request.log.append(f"{name} in")
    if on_request == "raise":
        raise ValueError(name)
    return HttpResponse(name, status=status) if on_request == "answer" else None


def _mixin(name: str, on_request: str, on_response: str) -> type:
    def process_request(self, request):
        return _enter(name, on_request, request, 403)

    def process_response(self, request, response):
        request.log.append(f"{name} out {response.status_code}")
        if on_response == "raise":
            raise ValueError(name)
        response[f"X-{name}"] = "seen"
        return response

    return type(name, (MiddlewareMixin,), {"process_request": process_request,
                                           "process_response": process_response})


def _guard(name: str, on_request: str) -> type:
    class Guard:
        def __init__(self, get_response):
            self.get_response = get_response

        def __call__(self, request):
            return _enter(name, on_request, request, 429) or self.get_response(request)

    return Guard


def _view(outcome: str):
    def view(request):
        request.log.append("view")
        if outcome == "raise":
            raise ValueError("view")
        return HttpResponse("page")

    return view


def _request() -> HttpRequest:
    request = RequestFactory().get("/01/x")
    request.user = AnonymousUser()
    request.log = []
    return request


def _nested(middleware: list[tuple[type, bool]], view) -> object:
    """What BaseHandler.load_middleware builds from the same classes."""
    handler = convert_exception_to_response(view)
    for cls, _guard in reversed(middleware):
        handler = convert_exception_to_response(cls(handler))
    return handler


def _run(handler) -> tuple[list[str], int, dict[str, str]]:
    request = _request()
    response = handler(request)
    return request.log, response.status_code, {
        name: value for name, value in response.items() if name.startswith("X-")}


layer = st.one_of(
    st.tuples(st.just("mixin"), st.sampled_from(IN), st.sampled_from(OUT)),
    st.tuples(st.just("guard"), st.sampled_from(IN), st.just("")),
)


@settings(max_examples=120, deadline=None)
@given(layers=st.lists(layer, min_size=1, max_size=5), view=st.sampled_from(("pass", "raise")))
def test_the_flat_run_calls_and_answers_as_the_nesting(layers, view) -> None:
    middleware = [(_guard(f"G{n}", on_in) if kind == "guard" else _mixin(f"M{n}", on_in, on_out),
                   kind == "guard") for n, (kind, on_in, on_out) in enumerate(layers)]
    logging.disable(logging.ERROR)  # the error pages' "Internal Server Error" lines
    try:
        flat = _run(convert_exception_to_response(
            FlatMiddleware(middleware, convert_exception_to_response(_view(view)))))
        nested = _run(_nested(middleware, _view(view)))
    finally:
        logging.disable(logging.NOTSET)
    assert flat == nested


def test_an_early_answer_goes_back_through_the_layers_above_only() -> None:
    """A concrete case of the property: the second middleware answers, the third never runs."""
    middleware = [(_mixin("A", "pass", "pass"), False), (_mixin("B", "answer", "pass"), False),
                  (_mixin("C", "pass", "pass"), False)]
    log, status, headers = _run(FlatMiddleware(middleware, _view("pass")))
    assert log == ["A in", "B in", "B out 403", "A out 403"]
    assert status == 403 and headers == {"X-B": "seen", "X-A": "seen"}


class _OwnCall(MiddlewareMixin):
    def __call__(self, request):
        return super().__call__(request)


def test_only_plain_mixins_and_declared_guards_run_flat() -> None:
    assert flattenable(_mixin("A", "pass", "pass"), guard=False)
    assert not flattenable(_OwnCall, guard=False)  # its own __call__ may do anything
    assert not flattenable(_guard("G", "pass"), guard=False)  # a plain middleware, undeclared
    assert flattenable(_guard("G", "pass"), guard=True)
    assert "ocop.accounts.throttle.PublicRateLimitMiddleware" in GUARD_MIDDLEWARE
