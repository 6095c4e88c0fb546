"""Rate limits of the public endpoints, per client address.

Three budgets (docs/accounts-and-security.md):
- scans and certificate checks (``PUBLIC_RATE_LIMIT``): each opening of a scan URI is counted
  for counterfeit detection, so every client is limited, signed in or not;
- the public catalogue, tourism, gift-set and fair pages and their API (``BROWSE_RATE_LIMIT``):
  anonymous visitors only, with room for several people behind one mobile carrier's address;
  officers manage destinations and fairs under the same addresses and are never limited there;
- the marketplace feeds (``FEED_RATE_LIMIT``, per hour): each one streams every certified
  product, which a shop pulls a few times a day, not a visitor a few times a minute.

Counted in django-ratelimit's counters in the default cache (the middleware increments them
itself, in one cache operation: ``_counted_over``): set CACHE_URL to a cache shared by all
server processes (database, memcached or redis) in production, otherwise each process counts on
its own. The client is ``client_ip`` — the same address the login lockout uses, which a client
cannot choose through X-Forwarded-For.
"""

from __future__ import annotations

import functools
import hashlib
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_ratelimit import core as ratelimit_core
from django_ratelimit.core import is_ratelimited

from ocop.accounts.client_ip import client_ip


@dataclass(frozen=True)
class Budget:
    group: str
    prefixes: tuple[str, ...]
    setting: str
    anonymous_only: bool


BUDGETS = (
    # Public and countable: each opening of a scan URI writes to the scan log.
    Budget("ocop.public", ("/01/", "/t/", "/verify/", "/api/v1/trace/scan",
                           "/api/v1/certificates/"), "PUBLIC_RATE_LIMIT", False),
    Budget("ocop.browse", ("/san-pham-ocop/", "/api/v1/catalogue/", "/du-lich/",
                           "/api/v1/tourism/", "/qua-tang/", "/api/v1/market/", "/hoi-cho/",
                           "/api/v1/fairs/", "/sitemap",
                           # What outside verifiers fetch: issuer DID documents, status lists,
                           # JSON-LD contexts, the stamp keys (#14).
                           "/.well-known/", "/issuers/", "/jsonld/", "/tem/khoa.json"),
           "BROWSE_RATE_LIMIT", True),
    Budget("ocop.feeds", ("/nguon-du-lieu/",), "FEED_RATE_LIMIT", False),
)


def _budget(request: HttpRequest) -> Budget | None:
    for budget in BUDGETS:
        if request.path.startswith(budget.prefixes):
            if budget.anonymous_only and request.user.is_authenticated:
                return None
            return budget
    return None


def _client(group: str, request: HttpRequest) -> str:
    return client_ip(request) or ""


class PublicRateLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        budget = _budget(request) if request.method == "GET" else None
        if budget is not None and _counted_over(budget.group, getattr(settings, budget.setting),
                                                client_ip(request) or ""):
            return _too_many(request, retry_after=_period(getattr(settings, budget.setting)))
        return self.get_response(request)


def _counted_over(group: str, rate: str, client: str) -> bool:
    """Count one request of ``client`` in ``group``; whether it is over ``rate``.

    The counter django-ratelimit's ``is_ratelimited(group=…, key=_client, rate=…,
    increment=True)`` keeps — the same cache key, window and expiry, so that the complaint
    form, which counts through django-ratelimit in the public budget, shares it (a test holds
    the two together) — with one cache operation where the library makes two (``add``, then
    ``incr``) and parses the rate and reads its settings on every call: it was 4 % of a scan's
    CPU under load (docs/traceability.md, "Twelfth look"). The project sets none of the
    library's own settings (``RATELIMIT_*``): its defaults are written here — the default cache,
    the ``rl:`` prefix, SHA-256."""
    limit, period = _rate(rate)
    key = _ratelimit_key(group, limit, period, client, _window(client, period))
    cache = caches["default"]
    try:
        count = cache.incr(key)
    except ValueError:  # no count yet in this window (or it just expired)
        count = 1 if cache.add(key, 1, period + ratelimit_core.EXPIRATION_FUDGE) else None
        if count is None:  # another process counted first
            count = cache.incr(key)
    return count > limit


@functools.lru_cache(maxsize=16)
def _rate(rate: str) -> tuple[int, int]:
    return ratelimit_core._split_rate(rate)


def _window(client: str, period: int) -> int:
    """The end of the client's current window (django-ratelimit's ``_get_window``: windows
    end at an offset per client, so that not every client's count restarts at once)."""
    now = int(time.time())
    if period == 1:
        return now
    window = now - (now % period) + (zlib.crc32(client.encode()) % period)
    return window + period if window < now else window


def _ratelimit_key(group: str, limit: int, period: int, client: str, window: int) -> str:
    """django-ratelimit's cache key for these values (``_make_cache_key`` for all methods)."""
    return "rl:" + hashlib.sha256(f"{group}{limit}/{period}s{client}{window}".encode()).hexdigest()


_PERIOD_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _period(rate: str) -> int:
    """Seconds of a django-ratelimit rate's period ("60/m" → 60, "30/h" → 3600, "5/10m" →
    600): the Retry-After of a refusal."""
    period = rate.partition("/")[2].strip().lower()
    return int(period[:-1] or 1) * _PERIOD_SECONDS[period[-1]]


def _too_many(request: HttpRequest, retry_after: int = 60) -> HttpResponse:
    if retry_after <= 60:
        message = _("Bạn đã gửi quá nhiều yêu cầu trong thời gian ngắn. Vui lòng thử lại sau một "
                    "phút.")
    else:
        message = _("Bạn đã gửi quá nhiều yêu cầu. Vui lòng thử lại sau %(minutes)d phút.") % {
            "minutes": -(-retry_after // 60)}
    accept = request.headers.get("Accept", "")
    if request.path.startswith("/api/") or request.GET.get("format") == "json" or (
            "application/json" in accept and "text/html" not in accept):
        # The API's error shape (docs/api.md), with the earlier ``detail``/``status`` kept.
        body = {"code": "throttled", "message": message, "fields": [], "detail": message,
                "status": 429}
        response: HttpResponse = JsonResponse(body, status=429,
                                              json_dumps_params={"ensure_ascii": False})
    else:
        response = render(request, "accounts/too_many.html", {"message": message}, status=429)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


def form_limited(request: HttpRequest, group: str, rate: str | None = None) -> bool:
    """Count one sending of a public form by this client; True once over ``rate`` (default
    ``SIGNUP_RATE_LIMIT``: each accepted sign-up creates an account and lands in an office's
    list, so sending counts on its own, low limit)."""
    return is_ratelimited(request, group=group, key=_client,
                          rate=rate or settings.SIGNUP_RATE_LIMIT, increment=True)


def too_many(request: HttpRequest) -> HttpResponse:
    """The refusal of a client over a limit: the API's error shape or the page, 429."""
    return _too_many(request)
