"""The embedded default cache is Django's memory cache without the memcached key check."""

from __future__ import annotations

import warnings

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import CacheKeyWarning
from django.core.cache.backends.locmem import LocMemCache

from ocop.core.memcache import ProcessMemoryCache

KEY = "tem có dấu cách\n" + "x" * 300  # memcached would refuse it three ways


def test_the_default_and_the_fast_path_caches_are_the_process_memory_cache() -> None:
    # The suite runs on the embedded default (make test sets no CACHE_URL).
    assert settings.CACHES["default"]["BACKEND"] == "ocop.core.memcache.ProcessMemoryCache"
    assert isinstance(caches["default"], ProcessMemoryCache)
    assert isinstance(caches["fastpath"], ProcessMemoryCache)


def test_it_stores_any_key_without_the_per_character_check() -> None:
    ours, djangos = ProcessMemoryCache("a", {}), LocMemCache("b", {})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ours.set(KEY, 1)
        assert ours.get(KEY) == 1
    assert caught == []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        djangos.set(KEY, 1)
    assert any(issubclass(w.category, CacheKeyWarning) for w in caught)
