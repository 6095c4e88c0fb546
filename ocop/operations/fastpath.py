"""The fast path in front of Django's middleware stack, for anonymous public GET/HEAD requests.

``ocop/wsgi.py`` wraps the Django application in ``FastPath``. Two shortcuts, both only for a
request that carries no session (no cookie but the language and CSRF cookies, no
``Authorization`` header), GET or HEAD, outside ``STATIC_URL``:

1. **Replay.** A page that declared itself public (the contract in ``ocop/core/publiccache.py``:
   ``Cache-Control: public, max-age=N``, no cookie set, ``Vary: Cookie`` only from a request
   without a CSRF cookie, status 200 or a public 404) is stored in the ``fastpath`` cache under
   scheme + host + path + query + the language the site picks for the request, and replayed for
   min(N, 60) s with the headers the middleware stack gave it (CSP, HSTS, X-Frame-Options …), a
   fresh ``X-Request-ID`` and an ``Age``. The metrics and the request line still count each
   replay (``observe``). ``publiccache.invalidate`` (a certificate saved or deleted, stamps
   voided or packed) makes every stored page stale at once in the process that wrote, and in
   every process with a shared (Redis) cache.
2. **Light stack.** A view marked ``publiccache.sessionless`` (the scan page: it must count
   every opening, so it cannot be replayed) runs behind the configured middleware minus the
   ones that need a session or a user (``SESSION_MIDDLEWARE``): the security, CSP, frame,
   language, rate-limit and request-context middleware still run, from the same settings.
   Such a request is recognised by the literal start of its route (``/01/``, ``/t/``) before
   the page cache is looked at: its answer is never stored, and the lookup (a request object,
   the language, a key and a cache read) was 6 % of a scan's CPU. Other paths are not resolved
   here at all. The light stack skips Django's per-request connection health check and runs the
   view once more on a new connection when its first query finds the connection dead. Below the
   request context its middleware run flat, as hooks in a loop (``FlatMiddleware``), not each
   inside the next; a GET is first offered to the direct lane (``ocop/operations/directlane.py``:
   the same hooks but the response-side ones, whose headers it records), which hands the request
   back to this stack whenever it cannot answer as the stack would.

Everything else — any request with a session, any other method — goes through the full stack
untouched. ``FASTPATH_ENABLED=false`` turns both shortcuts off.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import time
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache.backends.db import BaseDatabaseCache
from django.core.exceptions import MiddlewareNotUsed
from django.core.handlers.exception import convert_exception_to_response, response_for_exception
from django.core.handlers.wsgi import WSGIHandler, WSGIRequest, get_path_info
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse
from django.http.cookie import parse_cookie
from django.middleware.locale import LocaleMiddleware
from django.urls import Resolver404, URLResolver, get_resolver
from django.urls.resolvers import ResolverMatch, RoutePattern
from django.utils import timezone
from django.utils.deprecation import MiddlewareMixin
from django.utils.module_loading import import_string

from ocop.core import publiccache
from ocop.operations import directlane
from ocop.operations.directlane import MATCH_ENVIRON_KEY, PASSED, as_guard, passed
from ocop.operations.logs import REQUEST_ID
from ocop.operations.middleware import ROUTE_ENVIRON_KEY, observe, request_id_for

logger = logging.getLogger(__name__)

# Middleware that reads or writes the session, the signed-in user or messages, or serves static
# files: not run on the light stack (its requests carry no session). The CSRF middleware does
# run there: a page drawn in the site's layout (the rate limit's refusal) carries the language
# switch, a POST form whose token needs the cookie the CSRF middleware sets.
SESSION_MIDDLEWARE = frozenset({
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "ocop.accounts.middleware.SessionLimitsMiddleware",
    "ocop.accounts.middleware.StaffSecondFactorMiddleware",
    "axes.middleware.AxesMiddleware",
})
# Middleware whose ``__call__`` only refuses a request or passes it on untouched (their other
# hooks are process_view or process_exception): run as guards by FlatMiddleware.
GUARD_MIDDLEWARE = frozenset({
    "ocop.accounts.throttle.PublicRateLimitMiddleware",
    "ocop.accounts.middleware.BuyerBoundaryMiddleware",
})
# Headers of a stored page that belong to one answer, not to the page.
_PER_ANSWER = frozenset({"x-request-id", "date", "age"})

StartResponse = Callable[..., Any]
View = Callable[..., HttpResponse]


def enabled() -> bool:
    return bool(getattr(settings, "FASTPATH_ENABLED", True))


def max_bytes() -> int:
    return int(getattr(settings, "FASTPATH_MAX_BYTES", 256 * 1024))


def _seconds_to_midnight() -> int:
    now = timezone.localtime()
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return int((midnight - now).total_seconds())


class LightHandler(WSGIHandler):
    """Django's handler with the configured middleware minus ``SESSION_MIDDLEWARE``, the
    bottom ones run flat (``FlatMiddleware``)."""

    def load_middleware(self, is_async: bool = False) -> None:
        self.cache_in_database = any(
            issubclass(import_string(cache["BACKEND"]), BaseDatabaseCache)
            for cache in settings.CACHES.values())
        # BaseHandler.load_middleware for a sync stack, over the filtered list, except that the
        # longest run of middleware at the bottom that can be run flat is (FlatMiddleware).
        self._view_middleware: list = []
        self._template_response_middleware: list = []
        self._exception_middleware: list = []
        middleware = [(import_string(path), path in GUARD_MIDDLEWARE)
                      for path in light_middleware()]
        nested = len(middleware)
        while nested and flattenable(*middleware[nested - 1]):
            nested -= 1
        handler = convert_exception_to_response(self._get_response)
        if nested < len(middleware):
            flat = FlatMiddleware(middleware[nested:], handler)
            self._add_hooks(flat.instances)
            handler = convert_exception_to_response(flat)
        for cls, _guard in reversed(middleware[:nested]):
            try:
                instance = cls(handler)
            except MiddlewareNotUsed:
                continue
            self._add_hooks([instance])
            handler = convert_exception_to_response(instance)
        paths = light_middleware()
        lane = (directlane.DirectLane(paths, self.make_view_atomic)
                if directlane.lane_middleware(paths) else None)
        self._middleware_chain = functools.partial(directlane.answer, lane, handler)

    def _add_hooks(self, instances: list) -> None:
        """Register the view, template-response and exception hooks of ``instances`` (bottom
        first), in the order BaseHandler.load_middleware gives them."""
        for instance in instances:
            if hasattr(instance, "process_view"):
                self._view_middleware.insert(0, instance.process_view)
            if hasattr(instance, "process_template_response"):
                self._template_response_middleware.append(instance.process_template_response)
            if hasattr(instance, "process_exception"):
                self._exception_middleware.append(instance.process_exception)

    def get_response(self, request: HttpRequest) -> HttpResponse:
        # What AuthenticationMiddleware gives a request without a session.
        request.user = AnonymousUser()
        # No connection health check (CONN_HEALTH_CHECKS: a ``SELECT 1`` round trip before the
        # first query of every request, 18 % of a scan's time on PostgreSQL). A connection lost
        # since the last request fails the view's first query instead, and the view is answered
        # again on a new connection (``answer_again_on_a_new_connection``): no visitor sees it.
        # Not with a cache in the database: the rate limit's cache query runs before the view.
        if not self.cache_in_database:
            for connection in connections.all(initialized_only=True):
                connection.health_check_done = True
        return super().get_response(request)

    def make_view_atomic(self, view: View) -> View:
        return answer_again_on_a_new_connection(super().make_view_atomic(view))

    def resolve_request(self, request: HttpRequest):
        match = request.META.pop(MATCH_ENVIRON_KEY, None)
        if match is None:
            return super().resolve_request(request)
        request.resolver_match = match
        return match


def answer_again_on_a_new_connection(view: View) -> View:
    """Run ``view`` once more when its primary database connection turned out dead (the server
    restarted, a proxy closed it): what the skipped health check would have found. Only for the
    light stack's views: they read, and the one thing a scan writes is buffered (scanlog) after
    its reads; a scan whose connection died after it was buffered is seen by its second run as
    the same source's repeat and not counted twice. A replica's failure is the replica
    middleware's to answer (ocop/core/replica.py)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except (InterfaceError, OperationalError) as error:
            primary = connections[DEFAULT_DB_ALIAS]
            if primary.connection is None or primary.in_atomic_block or primary.is_usable():
                raise
            logger.warning("database connection lost before %s (%s): answered again on a new "
                           "connection", request.path, str(error).strip()[:200])
            primary.close()
            return view(request, *args, **kwargs)

    return wrapper


def flattenable(cls: Any, guard: bool) -> bool:
    """Whether middleware ``cls`` can run as hooks without its own layer: a guard
    (``GUARD_MIDDLEWARE``), or a ``MiddlewareMixin`` that keeps the mixin's ``__call__``."""
    return guard or (isinstance(cls, type) and issubclass(cls, MiddlewareMixin)
                     and cls.__call__ is MiddlewareMixin.__call__)


class FlatMiddleware:
    """A run of middleware called one after the other instead of each inside the next.

    Django nests every middleware in the next, each wrapped in ``convert_exception_to_response``;
    for a ``MiddlewareMixin`` the layer only calls ``process_request``, the layer below and
    ``process_response``. Here the same instances' hooks run in a loop, in the same order, with
    the same answers to an early response and to an exception (a hook that raises answers with
    Django's error page, which the hooks above it still see). Measured on the scan page: the
    nesting was about 3 % of its CPU (docs/traceability.md, "Sixth pass"). A guard
    (``GUARD_MIDDLEWARE``) is called with a stand-in for the layer below: it returns that
    stand-in to let the request on, or its own refusal."""

    def __init__(self, middleware: list[tuple[Any, bool]],
                 inner: Callable[[HttpRequest], HttpResponse]) -> None:
        """``middleware``: (class, is a guard) from top to bottom, each ``flattenable``;
        ``inner``: what the lowest one would call (the view's handler)."""
        self.inner = inner
        self.instances: list[Any] = []  # bottom first, as load_middleware meets them
        layers: list[tuple[Callable | None, Callable | None]] = []  # (way in, way out)
        for cls, guard in reversed(middleware):
            try:
                instance = cls(passed)
            except MiddlewareNotUsed:
                continue
            self.instances.append(instance)
            if guard:
                layers.insert(0, (as_guard(instance), None))
            else:
                layers.insert(0, (getattr(instance, "process_request", None),
                                  getattr(instance, "process_response", None)))
        self.layers = layers

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response: HttpResponse | None = None
        last = len(self.layers) - 1  # the lowest layer whose process_response runs
        for index, (enter, _leave) in enumerate(self.layers):
            if enter is None:
                continue
            try:
                response = enter(request)
            except Exception as exc:  # what the layer's convert_exception_to_response does
                response, last = response_for_exception(request, exc), index - 1
                break
            if response is not None:
                last = index  # a mixin's own process_response sees its early answer
                break
        else:
            response = self.inner(request)
        for _enter, leave in reversed(self.layers[:last + 1]):
            if leave is not None:
                try:
                    response = leave(request, response)
                except Exception as exc:
                    response = response_for_exception(request, exc)
        return response


def warm() -> None:
    """Load at worker start what Django otherwise loads on a worker's first request: the URLconf
    (every view module), the reverse lookup tables and the public pages' templates, in every
    language. Measured: 2.2 s of CPU on the first request of each gunicorn worker on the shared
    2-CPU machine (docs/traceability.md, "The two-worker anomaly"), paid by whichever visitor
    reached a fresh worker first — with several workers, often in the middle of a load. No query:
    nothing here needs the database."""
    from django.template.loader import get_template
    from django.urls import reverse
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018 — imports every view module
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            reverse("certificates:verify_lookup")  # builds the reverse tables (namespaces)
    for name in getattr(settings, "FASTPATH_WARM_TEMPLATES", ()):
        get_template(name)


def sessionless_prefixes(resolver: URLResolver | None = None, start: str = "/") -> tuple[str, ...]:
    """The literal start of every route whose view is ``sessionless`` (``("/01/", "/t/")``): a
    path that starts with none of them cannot reach such a view. A route written as a regular
    expression has no literal start we can read, so its part of the tree gives ``start``."""
    resolver = resolver or get_resolver()
    prefixes: list[str] = []
    for entry in resolver.url_patterns:
        if not isinstance(entry.pattern, RoutePattern):
            literal, complete = "", False
        else:
            route = str(entry.pattern)
            literal = route.split("<", 1)[0]
            complete = literal == route
        if isinstance(entry, URLResolver):
            below = sessionless_prefixes(entry, start + literal)
            if below and not complete:
                # After a route parameter the literal start ends: one prefix for the include.
                below = (start + literal,)
            prefixes.extend(below)
        elif getattr(entry.callback, "sessionless", False):
            prefixes.append(start + literal)
    return tuple(dict.fromkeys(prefixes))


def light_middleware() -> list[str]:
    return [path for path in settings.MIDDLEWARE if path not in SESSION_MIDDLEWARE]


def _locale_middleware() -> LocaleMiddleware | None:
    """The site's own language middleware (its rule decides the language of the key)."""
    for path in settings.MIDDLEWARE:
        cls = import_string(path)
        if isinstance(cls, type) and issubclass(cls, LocaleMiddleware):
            return cls(lambda request: HttpResponse())
    return None


class FastPath:
    def __init__(self, app: WSGIHandler) -> None:
        self.app = app
        self.light = LightHandler()
        self.locale = _locale_middleware()
        self.allowed_cookies = frozenset({settings.LANGUAGE_COOKIE_NAME,
                                          settings.CSRF_COOKIE_NAME})
        # Middleware that may refuse a request on its own (the public rate limit): run before
        # a replay too; when one refuses, the full stack answers (and gives its refusal).
        self.guards = [import_string(path)(passed) for path in
                       getattr(settings, "FASTPATH_REPLAY_GUARDS", ())
                       if path in settings.MIDDLEWARE]
        self._resolver: URLResolver | None = None
        self._prefixes: tuple[str, ...] = ()

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        if not enabled() or not self._anonymous_read(environ):
            return self.app(environ, start_response)
        match = self._sessionless_match(environ)
        if match is not None:
            environ[MATCH_ENVIRON_KEY] = match
            return self.light(environ, start_response)
        started = time.perf_counter()
        request = WSGIRequest(environ)
        language = self._language(request)
        key = self._key(request, language)
        cache = publiccache.page_cache()
        found = cache.get_many([publiccache.GENERATION_KEY, key])
        entry = found.get(key)
        if entry is not None and entry["generation"] == found.get(publiccache.GENERATION_KEY) \
                and self._guards_pass(request):
            return self._replay(environ, start_response, entry, started)
        generation = found.get(publiccache.GENERATION_KEY) or publiccache.generation(cache)
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None):
            captured["status"], captured["headers"] = status, headers
            return start_response(status, headers, exc_info) if exc_info else \
                start_response(status, headers)

        result = self.app(environ, capture)
        if environ["REQUEST_METHOD"] == "GET":
            self._store(cache, key, generation, language, environ, captured, result)
        return result

    # --- which requests ----------------------------------------------------------------------

    def _anonymous_read(self, environ: dict) -> bool:
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return False
        if environ.get("HTTP_AUTHORIZATION"):
            return False
        if environ.get("PATH_INFO", "").startswith(settings.STATIC_URL):
            return False
        cookies = environ.get("HTTP_COOKIE")
        return not cookies or set(parse_cookie(cookies)) <= self.allowed_cookies

    def _guards_pass(self, request: HttpRequest) -> bool:
        request.user = AnonymousUser()  # a refusal page may draw the menu
        return all(guard(request) is PASSED for guard in self.guards)

    def _language(self, request: HttpRequest) -> str:
        if self.locale is None:
            return settings.LANGUAGE_CODE
        self.locale.process_request(request)
        return request.LANGUAGE_CODE

    @staticmethod
    def _key(request: HttpRequest, language: str) -> str:
        environ = request.META
        raw = "\n".join((request.scheme, environ.get("HTTP_HOST", environ.get("SERVER_NAME", "")),
                         environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""), language))
        return "fastpath:page:" + hashlib.sha256(raw.encode()).hexdigest()[:40]

    def _sessionless_match(self, environ: dict) -> ResolverMatch | None:
        resolver = get_resolver()
        if resolver is not self._resolver:  # first request, or a test's own URLconf
            self._resolver, self._prefixes = resolver, sessionless_prefixes(resolver)
        if not environ.get("PATH_INFO", "").startswith(self._prefixes):
            return None
        try:
            match = resolver.resolve(get_path_info(environ))
        except Resolver404:
            return None
        return match if getattr(match.func, "sessionless", False) else None

    # --- store and replay --------------------------------------------------------------------

    def _store(self, cache, key: str, generation: str, language: str, environ: dict,
               captured: dict, result: Any) -> None:
        if not isinstance(result, HttpResponse) or "status" not in captured:
            return  # streamed or a file: never stored
        status = int(captured["status"].split(" ", 1)[0])
        if status not in (200, 404):
            return
        headers = {name.lower(): value for name, value in captured["headers"]}
        if "set-cookie" in headers or any(
                name.lower() == "set-cookie" for name, _value in captured["headers"]):
            return
        # The key covers the language only: a page negotiated on anything else (Accept: the
        # stamp resolver answers a link set or the counted scan page on one address) is not
        # stored. ``Vary: Cookie`` is stored only from a request without a CSRF cookie: such a
        # request has no session either (``_anonymous_read``), so the only cookie the page can
        # depend on is the language, which is in the key, and a page that used a CSRF token
        # would have set the cookie (refused above). The catalogue says ``Vary: Cookie`` for
        # browsers, whose language switch is that cookie.
        vary = {v.strip().lower() for v in headers.get("vary", "").split(",")} - {""}
        if vary - {"accept-language", "cookie"}:
            return
        if "cookie" in vary and settings.CSRF_COOKIE_NAME in parse_cookie(
                environ.get("HTTP_COOKIE", "")):
            return
        if headers.get("content-language", language) != language:
            return
        csp = headers.get("content-security-policy", "") + \
            headers.get("content-security-policy-report-only", "")
        if "nonce-" in csp:
            return
        # Never past local midnight: a certificate that expires today is shown expired from
        # the first second of tomorrow, not up to a minute later.
        seconds = min(publiccache.public_seconds(headers.get("cache-control", "")),
                      _seconds_to_midnight())
        if seconds <= 0 or len(result.content) > max_bytes():
            return
        cache.set(key, {
            "generation": generation, "status": captured["status"],
            "headers": [(n, v) for n, v in captured["headers"] if n.lower() not in _PER_ANSWER],
            "body": result.content, "stored": time.time(),
            "route": environ.get(ROUTE_ENVIRON_KEY, "unmatched"),
        }, seconds)

    @staticmethod
    def _replay(environ: dict, start_response: StartResponse, entry: dict,
                started: float) -> list[bytes]:
        request_id = request_id_for(environ.get("HTTP_X_REQUEST_ID", ""))
        age = max(0, int(time.time() - entry["stored"]))
        start_response(entry["status"], [*entry["headers"], ("Age", str(age)),
                                         ("X-Request-ID", request_id)])
        method = environ["REQUEST_METHOD"]
        token = REQUEST_ID.set(request_id)
        try:
            observe(method, entry["route"], int(entry["status"].split(" ", 1)[0]),
                    time.perf_counter() - started, 0, environ.get("PATH_INFO", ""))
        finally:
            REQUEST_ID.reset(token)
        return [b""] if method == "HEAD" else [entry["body"]]
