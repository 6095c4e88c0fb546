"""The direct lane: a sessionless view (the scan page) answered without the middleware layers.

The light stack (``fastpath.LightHandler``) already leaves out the session and user middleware;
what is left of its cost on a scan is the layering itself and the response-side hooks, which
write the same headers on every answer of the page: the security headers, the CSP, the frame
rule, the language's ``Content-Language`` and ``Vary``. This lane keeps every hook that can
refuse, redirect or depend on the request, and replaces only the response-side ones by what
they were seen to add:

* the request-side hooks of every middleware run, for real and in order (HTTPS redirect, host
  and user-agent checks, the language, the CSRF cookie), then the guards (the public rate
  limit) and the view hooks; when any of them answers on its own, the lane steps aside and the
  light stack answers the request from the start (an over-limit client is then counted twice:
  it is already refused);
* the view runs as under the stack (``make_view_atomic``, the reconnection retry); an exception
  also hands the request to the light stack, whose exception hooks (the replica's retry) and
  error page answer it — a scan counted before the failure is seen by the second run as the same
  source's repeat, not counted again;
* the response-side hooks run for real on the first 200 answer of each (language, https, header
  names) and what they added is recorded; later answers with the same key get those headers
  (``setdefault``), the ``Vary`` the hooks made of the view's own, and their own
  ``Content-Length``. An answer that sets a
  cookie (the CSRF cookie renewed), any other status and any recording that would hold a
  per-request value (a CSP nonce, a cookie) run the real hooks instead;
* the wrapping middleware (the request id, log line and metrics; the replica pinning) wrap the
  lane as they wrap the stack.

Only a stack made of the middleware listed here, whose response-side additions are known to
depend on nothing but the language and the scheme, is answered this way (``lane_middleware``):
any other middleware in ``MIDDLEWARE`` switches the lane off, and the light stack answers as
before. ``FASTPATH_DIRECT_LANE=false`` switches it off by hand. The equivalence with the light
stack is a test (ocop/operations/tests/test_direct_lane.py); the measurement is in
docs/traceability.md, "Ninth look".
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls.resolvers import ResolverMatch
from django.utils import translation
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# Called as they are, around the lane: what they do does not depend on the response's headers.
WRAPPERS = frozenset({
    "ocop.operations.middleware.RequestContextMiddleware",
    "ocop.core.replica.ReplicaPinningMiddleware",
})
# Refuse or pass the request untouched (``fastpath.GUARD_MIDDLEWARE``); their view hooks run.
GUARDS = frozenset({
    "ocop.accounts.throttle.PublicRateLimitMiddleware",
    "ocop.accounts.middleware.BuyerBoundaryMiddleware",
})
# MiddlewareMixin subclasses whose process_response adds the same headers to every 200 answer of
# one language and scheme (read in Django 6.1's source: security, locale, common, clickjacking,
# CSP without a nonce), or only acts on a flag of the request (CSRF's renewed cookie).
HOOKED = frozenset({
    "django.middleware.security.SecurityMiddleware",
    "ocop.web.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
})
KNOWN = WRAPPERS | GUARDS | HOOKED
# Where the fast path leaves the resolved route of a sessionless request (fastpath.FastPath).
MATCH_ENVIRON_KEY = "ocop.fastpath.match"
# What a view sets on its response to change the frame rule or the CSP for itself
# (``xframe_options_exempt``, ``csp_override``): such an answer runs the real hooks.
_OVERRIDES = frozenset({"xframe_options_exempt", "_csp_config", "_csp_ro_config"})
# Headers that belong to one answer: never recorded.
_PER_ANSWER = frozenset({"content-length", "x-request-id", "date", "set-cookie"})
# What a guard's layer below is while it runs as a hook: a guard that returns it lets the
# request on (fastpath.FlatMiddleware, the replay's guards and this lane).
PASSED = HttpResponse()


def passed(request: HttpRequest) -> HttpResponse:
    return PASSED


def as_guard(instance: Callable[[HttpRequest], HttpResponse]) -> Callable:
    """A guard middleware built on ``passed`` as a request hook: None to let the request on,
    else its refusal."""
    def enter(request: HttpRequest) -> HttpResponse | None:
        response = instance(request)
        return None if response is PASSED else response
    return enter


class StepAside(Exception):
    """The lane cannot answer this request as the stack would: the stack answers it."""


def lane_middleware(paths: list[str]) -> bool:
    """Whether the light stack ``paths`` can be answered by the lane (every one is ``KNOWN``)."""
    return set(paths) <= KNOWN


class DirectLane:
    def __init__(self, paths: list[str], make_view_atomic: Callable) -> None:
        """``paths``: the light stack's middleware, top first; ``make_view_atomic``: the light
        handler's (atomic requests and the reconnection retry)."""
        self.make_view_atomic = make_view_atomic
        self.enter: list[Callable[[HttpRequest], HttpResponse | None]] = []
        self.view_hooks: list[Callable] = []
        self.leave: list[Callable[[HttpRequest, HttpResponse], HttpResponse]] = []  # bottom first
        wrappers = []
        for path in paths:
            cls = import_string(path)
            if path in WRAPPERS:
                wrappers.append(cls)
                continue
            instance = cls(passed)
            if path in GUARDS:
                self.enter.append(as_guard(instance))
            elif hasattr(instance, "process_request"):
                self.enter.append(instance.process_request)
            if hasattr(instance, "process_view"):
                self.view_hooks.append(instance.process_view)
            if path not in GUARDS and hasattr(instance, "process_response"):
                self.leave.insert(0, instance.process_response)
        chain: Callable[[HttpRequest], HttpResponse] = self._answer
        for cls in reversed(wrappers):
            chain = cls(chain)
        self.chain = chain
        self.recorded: dict[tuple, tuple[list[tuple[str, str]], str | None]] = {}
        self._views: dict[Callable, Callable] = {}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """The answer, or ``StepAside`` when the light stack must give it."""
        return self.chain(request)

    def _answer(self, request: HttpRequest) -> HttpResponse:
        try:
            return self._headers(request, self._view_answer(request))
        except StepAside:
            raise
        except Exception as error:
            # A refusal by exception (a host not allowed) or a fault: the stack's exception
            # handling and hooks give the answer.
            logger.info("direct lane: %s raised %r, answered by the light stack", request.path,
                        error)
            raise StepAside from error

    def _view_answer(self, request: HttpRequest) -> HttpResponse:
        match: ResolverMatch = request.META[MATCH_ENVIRON_KEY]
        for enter in self.enter:
            if enter(request) is not None:
                raise StepAside
        request.resolver_match = match
        callback = match.func
        for hook in self.view_hooks:
            if hook(request, callback, match.args, match.kwargs) is not None:
                raise StepAside
        view = self._views.get(callback)
        if view is None:
            view = self._views[callback] = self.make_view_atomic(callback)
        return view(request, *match.args, **match.kwargs)

    def _headers(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        headers = response.headers
        key = (translation.get_language(), request.is_secure(), tuple(headers),
               headers.get("Vary"))
        recorded = self.recorded.get(key)
        if (recorded is None or response.status_code != 200 or response.streaming
                or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
                or not _OVERRIDES.isdisjoint(response.__dict__)):
            return self._run_hooks(request, response, key)
        added, vary = recorded
        for name, value in added:
            headers.setdefault(name, value)
        if vary is not None:
            headers["Vary"] = vary
        headers["Content-Length"] = str(len(response.content))
        return response

    def _run_hooks(self, request: HttpRequest, response: HttpResponse,
                   key: tuple) -> HttpResponse:
        """The real response-side hooks, bottom first; their additions are recorded when they
        hold nothing of this request."""
        before = {name.lower(): value for name, value in response.items()}
        cookies = len(response.cookies)
        for leave in self.leave:
            response = leave(request, response)
        if (response.status_code == 200 and not response.streaming
                and len(response.cookies) == cookies and key not in self.recorded):
            self._record(key, before, response)
        return response

    def _record(self, key: tuple, before: dict[str, str], response: HttpResponse) -> None:
        added: list[tuple[str, str]] = []
        for name, value in response.items():
            lowered = name.lower()
            if lowered in _PER_ANSWER or lowered == "vary":
                continue
            if lowered in before:
                if before[lowered] != value:
                    return  # a hook rewrote a header of the view's: not a fixed addition
                continue
            if "nonce-" in value:
                return  # a CSP nonce is per request
            added.append((name, value))
        # The view's own Vary is part of the key: the merged value is the same for the key.
        self.recorded[key] = (added, response.get("Vary"))


def answer(lane: DirectLane | None, stack: Callable[[HttpRequest], HttpResponse],
           request: HttpRequest) -> HttpResponse:
    """The lane's answer when it can give one, else the stack's."""
    if (lane is not None and request.method == "GET"
            and getattr(settings, "FASTPATH_DIRECT_LANE", True)):
        try:
            return lane(request)
        except StepAside:
            pass
    return stack(request)
