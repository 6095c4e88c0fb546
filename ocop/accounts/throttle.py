"""Rate limit of the public endpoints (stamp scans, certificate verification), per client.

Counted with django-ratelimit in the default cache: set CACHE_URL to a cache shared by all
server processes (database, memcached or redis) in production, otherwise each process counts on
its own. The client is ``client_ip`` — the same address the login lockout uses, which a client
cannot choose through X-Forwarded-For.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited

from ocop.accounts.client_ip import client_ip

# Public, anonymous and countable: each opening of a scan URI writes to the scan log.
LIMITED_PREFIXES = ("/01/", "/t/", "/verify/", "/api/v1/trace/scan", "/api/v1/certificates/")


def _client(group: str, request: HttpRequest) -> str:
    return client_ip(request) or ""


class PublicRateLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "GET" and request.path.startswith(LIMITED_PREFIXES) and \
                is_ratelimited(request, group="ocop.public", key=_client,
                               rate=settings.PUBLIC_RATE_LIMIT, increment=True):
            return _too_many(request)
        return self.get_response(request)


def _too_many(request: HttpRequest) -> HttpResponse:
    message = _("Bạn đã gửi quá nhiều yêu cầu trong thời gian ngắn. Vui lòng thử lại sau một "
                "phút.")
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
    response["Retry-After"] = "60"
    response["Cache-Control"] = "no-store"
    return response
