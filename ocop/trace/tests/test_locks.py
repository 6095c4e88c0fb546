"""Issuing stamps beside a transaction that holds the audit chain (PostgreSQL).

``issue_stamps`` locks the product row so that two batches never share serials, then audits
(the chain's lock). A transaction that already holds the chain — an import's writing pass — and
created a row that refers to the same product checks that reference at commit (``FOR KEY
SHARE``). With ``FOR UPDATE`` on the product the check waited for the issue, the issue for the
chain, and PostgreSQL aborted one of them as a deadlock; ``FOR NO KEY UPDATE`` (what
PostgreSQL's own UPDATE of a non-key column takes) lets the check through, so both commit.
"""

from __future__ import annotations

import threading
import time
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, transaction

from ocop.audit import services as audit
from ocop.trace import services
from ocop.trace.models import Lot, StampBatch

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def _waits_for_a_lock(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return row is not None and row[0] == "Lock"


def test_stamps_issued_beside_a_transaction_holding_the_chain_both_commit(chain):
    errors: list[BaseException] = []
    issuer_pid: list[int] = []
    producer = chain.people["producer"]

    def issuer() -> None:
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_backend_pid()")
                    issuer_pid.append(cursor.fetchone()[0])
                services.issue_stamps(actor=producer, lot=chain.packed, count=10)
        except BaseException as error:  # reported to the test thread below
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=issuer)
    with transaction.atomic():
        audit.hold_chain()
        # A row that refers to the product: its reference is checked at commit.
        Lot.objects.create(product=chain.dried, code="VS-2025-02", produced_on=date(2025, 7, 1),
                           quantity=Decimal("10"), unit="hộp")
        thread.start()
        deadline = time.monotonic() + 10
        while not (issuer_pid and _waits_for_a_lock(issuer_pid[0])):
            assert time.monotonic() < deadline, "the issue never reached the chain's lock"
            time.sleep(0.02)
    thread.join(10)
    assert not thread.is_alive() and errors == []
    assert StampBatch.objects.filter(lot=chain.packed).count() == 2
    assert audit.verify_chain().broken is None
