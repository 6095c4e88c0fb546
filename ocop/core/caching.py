"""Clearing cached copies of data that a write changes."""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction


def forget(*keys: str) -> None:
    """Delete the keys now and again when the current transaction commits.

    Now: the writer's own next read (same transaction, or no transaction at all) is fresh. At
    commit: a reader that re-cached the old committed row in between is corrected.
    """
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))
