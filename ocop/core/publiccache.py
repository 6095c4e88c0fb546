"""The public page cache: what may be stored, and how a change makes stored pages stale.

The WSGI fast path (``ocop/operations/fastpath.py``, docs/deployment.md "Fast path") replays
pages that declared themselves public, before Django's middleware runs. This module holds the
parts the apps below it need: the contract a view opts in with, the ``sessionless`` mark, and
``invalidate`` (a generation in the page cache: every stored page carries the generation it was
stored under, and a page of an older generation is never replayed).

The contract. A response is stored only when all of these hold:

* the request was a GET from an anonymous client (no session cookie nor any cookie but the
  language and CSRF cookies, no ``Authorization`` header) — checked by the fast path;
* its status is 200, or 404 (a "not found" the view itself declared public: the verify page of
  an unknown number), never another error;
* it says ``Cache-Control: public, max-age=N`` with N > 0, and neither ``private``,
  ``no-store`` nor ``no-cache``; it is kept min(N, ``FASTPATH_MAX_AGE``) seconds (≤ 60);
* it sets no cookie and varies on nothing but ``Accept-Language`` (the key holds the language):
  ``Vary: Cookie`` means it read the session or the CSRF token, ``Vary: Accept`` that another
  representation lives at the same address (the stamp resolver's link set);
* its ``Content-Language`` is the language the fast path computed for the request (the key);
* its Content-Security-Policy carries no nonce (a nonce must not be replayed);
* it is not streamed and is at most ``FASTPATH_MAX_BYTES`` long.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.db import transaction

CACHE_ALIAS = "fastpath"
GENERATION_KEY = "fastpath:generation"
# How a view declares a page public (the verify page; the catalogue's anonymous pages).
PUBLIC_MAX_AGE_60 = "public, max-age=60"

_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*(\d+)\s*(?:,|$)")
_REFUSED = ("private", "no-store", "no-cache")

def sessionless[View: Callable[..., Any]](view: View) -> View:
    """Mark a public view that reads no session, user, CSRF token or message: the fast path may
    call it behind the light middleware stack (security headers, language, rate limit, request
    id and metrics; no session, authentication or CSRF middleware). ``request.user`` is then an
    ``AnonymousUser``."""
    view.sessionless = True  # type: ignore[attr-defined]
    return view


def page_cache() -> BaseCache:
    return caches[CACHE_ALIAS] if CACHE_ALIAS in settings.CACHES else caches["default"]


def max_age() -> int:
    return min(60, int(getattr(settings, "FASTPATH_MAX_AGE", 60)))


def public_seconds(cache_control: str) -> int:
    """Seconds a response may be replayed under its Cache-Control (0: not at all)."""
    value = cache_control.lower()
    if "public" not in value or any(word in value for word in _REFUSED):
        return 0
    found = _MAX_AGE.search(value)
    return min(int(found.group(1)), max_age()) if found else 0


def generation(cache: BaseCache | None = None) -> str:
    """The current generation, created when missing (a cache that lost it starts afresh, so
    nothing stored before is replayed)."""
    cache = cache or page_cache()
    current = cache.get(GENERATION_KEY)
    if current is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        current = cache.get(GENERATION_KEY)
    return current


def _bump() -> None:
    page_cache().set(GENERATION_KEY, uuid.uuid4().hex, None)


def invalidate() -> None:
    """Make every stored public page stale: at once (the writer's next read) and again when the
    current transaction commits (a page re-stored in between from the old rows is dropped).

    With the default process-local cache this reaches the process that made the change; the
    others replay their copies for at most ``FASTPATH_MAX_AGE`` seconds. With a shared cache
    (Redis) it reaches every process at once."""
    _bump()
    transaction.on_commit(_bump)
