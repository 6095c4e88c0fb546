"""Reading the queue in tests: an item by key, and the titles of its entries."""

from __future__ import annotations

from datetime import date

from ocop.accounts.models import User
from ocop.workqueue.selectors import Item, work_queue


def item(user: User, key: str, today: date | None = None) -> Item:
    found = [i for i in work_queue(user, today).items if i.key == key]
    assert found, f"no item {key!r} for {user.role}"
    return found[0]


def titles(user: User, key: str, today: date | None = None) -> list[str]:
    return [e.title for e in item(user, key, today).entries]


def keys(user: User, today: date | None = None) -> set[str]:
    return {i.key for i in work_queue(user, today).items}
