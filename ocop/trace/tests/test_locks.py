"""Issuing stamps beside a transaction that holds the audit chain (PostgreSQL).

``issue_stamps`` locks the product row so that two batches never share serials, then audits
(the chain's lock). A transaction that already holds the chain — an import's writing pass — and
created a row that refers to the same product checks that reference at commit (``FOR KEY
SHARE``). With ``FOR UPDATE`` on the product the check waited for the issue, the issue for the
chain, and PostgreSQL aborted one of them as a deadlock; ``FOR NO KEY UPDATE`` (what
PostgreSQL's own UPDATE of a non-key column takes) lets the check through, so both commit.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ocop.audit import services as audit
from ocop.audit.testing import beside_the_chain
from ocop.trace import services
from ocop.trace.models import Lot, StampBatch

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def test_stamps_issued_beside_a_transaction_holding_the_chain_both_commit(chain):
    def refer() -> None:  # a row that refers to the product, checked at commit
        Lot.objects.create(product=chain.dried, code="VS-2025-02", produced_on=date(2025, 7, 1),
                           quantity=Decimal("10"), unit="hộp")

    def issue() -> None:
        services.issue_stamps(actor=chain.people["producer"], lot=chain.packed, count=10)

    assert beside_the_chain(refer, issue) == []
    assert StampBatch.objects.filter(lot=chain.packed).count() == 2
    assert audit.verify_chain().broken is None
