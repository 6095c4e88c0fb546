"""The per-process memory cache of the embedded default (``CACHE_URL`` unset).

Django's ``LocMemCache`` checks every key, character by character, for what memcached would
refuse (length, spaces, control characters) and warns. Our keys are short ASCII made by our code,
and this cache is not memcached: the check was 3 % of a scan's CPU (seven keys a scan, py-spy,
docs/traceability.md "Fourth pass"). Everything else is Django's.
"""

from __future__ import annotations

from django.core.cache.backends.locmem import LocMemCache


class ProcessMemoryCache(LocMemCache):
    def validate_key(self, key: str) -> None:
        """No memcached key rules in a Python dict."""
