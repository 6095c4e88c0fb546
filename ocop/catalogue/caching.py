"""The catalogue's caches and its contract with shared caches (the fast path, a proxy).

Two layers, both keyed by a *generation* that every certificate, product or producer write
replaces (``bump``), by the day (an expiry takes effect at midnight with no write at all) and by
the language:

- data: the expensive reads (a page of the list, the filter choices, a product's page data),
  ``cached(key, build)``;
- pages: the whole HTML of an anonymous visitor's page (``public_page``), kept
  ``PUBLIC_SECONDS`` and sent with ``Cache-Control: public, max-age=60``.

A revocation bumps the generation at once in the process that saved it (and everywhere when the
cache is shared, e.g. Redis); another process with its own in-memory cache keeps its copies at
most ``PUBLIC_SECONDS``, the delay the issue allows. A signed-in person's page is never put in
either shared layer: it is rendered for them and marked ``private``.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language

PUBLIC_SECONDS = 60
PUBLIC_CACHE_CONTROL = f"public, max-age={PUBLIC_SECONDS}"
_GENERATION = "catalogue:generation"


def generation() -> str:
    """The current generation; a new one is made (and kept) when the cache has none."""
    current = cache.get(_GENERATION)
    if current is None:
        current = uuid.uuid4().hex[:12]
        cache.add(_GENERATION, current, None)
        current = cache.get(_GENERATION) or current
    return current


def bump(*args: Any, **kwargs: Any) -> None:
    """Signal receiver (post_save/post_delete of Certificate, Product, Producer): forget every
    cached catalogue copy now, and again at commit (a reader may have cached the old rows in
    between)."""
    def renew() -> None:
        cache.set(_GENERATION, uuid.uuid4().hex[:12], None)

    renew()
    transaction.on_commit(renew)


def key(kind: str, *parts: object, today: date | None = None) -> str:
    """A cache key for ``kind`` that changes with the generation, the day and the language."""
    today = today or timezone.localdate()
    raw = "|".join(str(p) for p in parts)
    digest = hashlib.sha256(raw.encode()).hexdigest()[:24]
    language = get_language() or settings.LANGUAGE_CODE
    return f"catalogue:{kind}:{generation()}:{today.isoformat()}:{language}:{digest}"


def cached[T](cache_key: str, build: Callable[[], T]) -> T:
    data = cache.get(cache_key)
    if data is None:
        data = build()
        cache.set(cache_key, data, PUBLIC_SECONDS)
    return data


def _shareable(request: HttpRequest) -> bool:
    """An anonymous visitor with no session and no pending message: the page they get is the
    page every such visitor gets (in their language), so a shared cache may keep it."""
    if request.method not in ("GET", "HEAD"):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return False
    return not request.user.is_authenticated


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve anonymous visitors from the page cache and mark their answers publicly cacheable;
    anyone else gets a fresh page marked ``private``.

    A response that would set a cookie (a CSRF token asked for by the template, a session) is
    neither kept nor marked public: a shared cache must never hand one visitor's cookie to
    another. The public templates are written so that this does not happen (docs/catalogue.md).
    """
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        shareable = _shareable(request)
        page_key = ""
        if shareable:
            page_key = key("page", request.path, request.META.get("QUERY_STRING", ""))
            hit = cache.get(page_key)
            if hit is not None:
                status, content_type, body = hit
                response = HttpResponse(body, status=status, content_type=content_type)
                response["Cache-Control"] = PUBLIC_CACHE_CONTROL
                return response
        response = view(request, *args, **kwargs)
        public = (shareable and response.status_code in (200, 404) and not response.cookies
                  and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
                  and not getattr(response, "streaming", False))
        if public:
            cache.set(page_key, (response.status_code, response["Content-Type"],
                                 response.content), PUBLIC_SECONDS)
            response["Cache-Control"] = PUBLIC_CACHE_CONTROL
        else:
            patch_cache_control(response, private=True, no_cache=True)
        return response

    return wrapped
