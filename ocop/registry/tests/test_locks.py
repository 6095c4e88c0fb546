"""Row locks on PostgreSQL: an edit locks the row it edits, not the rows it reads beside it.

A transaction that holds the audit chain (an Excel import's writing pass) and creates a row
that refers to a commune, a producer or a product set checks that reference at commit. An edit
that had locked the same commune (``select_for_update`` with ``select_related`` locks every
joined row) and then waited for the chain made a deadlock: PostgreSQL aborted one of the two
(``bench/audit_bench.py``'s import step, 2 December 2026). Both must now commit.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ocop.audit import services as audit
from ocop.audit.testing import beside_the_chain
from ocop.registry import services as registry
from ocop.registry.models import DocumentType, EvidenceDocument
from ocop.registry.testing import TAX_CODES, World, make_producer, make_product

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def _edit_producer(world: World) -> None:
    registry.update_producer(actor=None, producer=world.producers["other_producer"],
                             data={"street_address": "Thôn Hai"})


def _edit_product(world: World) -> None:
    registry.update_product(actor=None, product=world.products["other_producer"],
                            data={"description": "Mô tả mới"})


def _edit_document(world: World) -> None:
    document = EvidenceDocument.objects.get(producer=world.producers["other_producer"])
    registry.update_document(actor=None, document=document, data={"number": "02/GP"})


EDITS: dict[str, Callable[[World], None]] = {
    "producer": _edit_producer, "product": _edit_product, "document": _edit_document,
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_an_edit_beside_a_transaction_holding_the_chain_both_commit(world, edit):
    registry.create_document(actor=None, producer=world.producers["other_producer"],
                             data={"doc_type": DocumentType.FOOD_SAFETY, "number": "01/GP"})

    def refer() -> None:
        # Rows that refer to the edited rows' commune, producer and product set.
        newcomer = make_producer("HTX Mới Lục Ngạn", world.units.xa_luc_ngan, TAX_CODES[4])
        make_product(newcomer, "Sản phẩm mới", world.product_set)
        make_product(world.producers["other_producer"], "Sản phẩm thứ hai", world.product_set)

    assert beside_the_chain(refer, lambda: EDITS[edit](world)) == []
    assert audit.verify_chain().broken is None
