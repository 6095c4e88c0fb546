"""Commit order on PostgreSQL: two real transactions in two connections. A change written while
another writer's transaction is still open is numbered after it, and a reader in between sees
neither, so a cursor never passes over a change that commits late."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from ocop.exchange import selectors
from ocop.exchange.models import Change
from ocop.registry import services as registry
from ocop.registry.models import Producer

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def test_sequence_follows_commit_order(xworld):
    start = selectors.head()
    first_has_written, release_first = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def writer(tax_code: str, street: str, before_commit=None) -> None:
        try:
            with transaction.atomic():
                registry.update_producer(actor=None,
                                         producer=Producer.objects.get(tax_code=tax_code),
                                         data={"street_address": street})
                if before_commit:
                    before_commit()
        except BaseException as error:  # reported to the test thread below
            errors.append(error)
        finally:
            connection.close()

    def hold() -> None:
        first_has_written.set()
        release_first.wait(10)

    first = threading.Thread(target=writer, args=("0100109106", "Thôn Một", hold))
    first.start()
    assert first_has_written.wait(10)
    second = threading.Thread(target=writer, args=("0101243150", "Thôn Hai"))
    second.start()
    time.sleep(0.5)  # the second writer is now waiting for the first one's lock
    page = selectors.feed(start, province=None)
    assert page.changes == [] and page.next_cursor == start
    release_first.set()
    first.join(10)
    second.join(10)
    assert not errors
    new = list(Change.objects.filter(seq__gt=start).values_list("seq", "key"))
    assert new == [(start + 1, "0100109106"), (start + 2, "0101243150")]
