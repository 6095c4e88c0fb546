"""The change feed: every write of the records it carries appends one entry in the same
transaction, numbered without gaps in commit order; paging resumes exactly where it stopped."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from ocop.audit.models import AuditEntry
from ocop.audit.sentences import sentence_for
from ocop.core.refusals import Invalid
from ocop.exchange import selectors
from ocop.exchange.models import Change
from ocop.exchange.services import RESTORE_GAP, on_audit_entry, skip_past_restore
from ocop.registry import services as registry
from ocop.registry.testing import TAX_CODES, make_producer

pytestmark = pytest.mark.django_db


def _all(province=None, limit=3):
    seen, cursor = [], 0
    for _ in range(100):
        page = selectors.feed(cursor, province=province, limit=limit)
        seen += [c.seq for c in page.changes]
        cursor = page.next_cursor
        if not page.has_more:
            break
    return seen, cursor


def test_every_write_is_in_the_feed_in_order(xworld):
    kinds = list(Change.objects.values_list("entity", flat=True))
    # 4 producers, 4 products, 2 decisions, 2 certificates.
    assert sorted(kinds) == sorted(["producer"] * 4 + ["product"] * 4 + ["decision"] * 2
                                   + ["certificate"] * 2)
    seqs = list(Change.objects.values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    assert selectors.head() == len(seqs)


def test_revocation_and_update_and_delete_are_changes(xworld):
    from ocop.certificates import services as certificates

    start = selectors.head()
    certificates.revoke_certificate(actor=None, certificate=xworld.certificates["own"],
                                    reason="Vi phạm", decision_number="9/QĐ-UBND",
                                    revoked_on=date(2025, 3, 1), today=date(2025, 3, 2))
    registry.update_producer(actor=None, producer=xworld.producers["other_commune"],
                             data={"street_address": "Số 2"})
    extra = make_producer("HTX Mới", xworld.units.xa_luc_ngan, TAX_CODES[4])
    registry.delete_producer(actor=None, producer=extra)
    new = list(Change.objects.filter(seq__gt=start).values_list("entity", "op", "key"))
    assert new == [("revocation", "upsert", xworld.certificates["own"].number),
                   ("producer", "upsert", TAX_CODES[2]),
                   ("producer", "upsert", TAX_CODES[4]),
                   ("producer", "delete", TAX_CODES[4])]
    revoked = Change.objects.get(seq=start + 1).data
    assert revoked["revoked_on"] == "2025-03-01"
    assert revoked["revocation_decision_number"] == "9/QĐ-UBND"


@pytest.mark.parametrize(("action", "record"), [
    ("registry.producer.update", lambda w: w.producers["own"]),
    ("registry.product.update", lambda w: w.products["own"]),
    ("certificates.decision.create", lambda w: w.certificates["own"].decision),
    ("certificates.revoke", lambda w: w.certificates["own"]),
])
def test_a_feed_entry_reads_its_record_in_one_query(xworld, action, record):
    """The record and the rows its entry names (commune, producer, decision, issuing unit) are
    read together; the product code and the feed's own rows are the entry's other queries."""
    row = record(xworld)
    entry = AuditEntry(action=action, object_type="x", object_id=str(row.pk))
    start = selectors.head()
    with CaptureQueriesContext(connection) as queries:
        on_audit_entry(sender=AuditEntry, instance=entry, created=True)
    record_reads = [q["sql"] for q in queries.captured_queries
                    if q["sql"].startswith("SELECT") and "exchange_" not in q["sql"]]
    assert len(record_reads) == 1, record_reads
    assert selectors.head() == start + 1


def test_a_rolled_back_write_leaves_no_entry_and_no_gap(xworld):
    start = selectors.head()
    with pytest.raises(RuntimeError), transaction.atomic():
        registry.update_producer(actor=None, producer=xworld.producers["own"],
                                 data={"street_address": "Rolled back"})
        raise RuntimeError
    registry.update_producer(actor=None, producer=xworld.producers["own"],
                             data={"street_address": "Kept"})
    assert list(Change.objects.filter(seq__gt=start).values_list("seq", flat=True)) == [start + 1]


def test_paging_under_interleaved_writes_never_skips_or_repeats(xworld):
    seen, cursor = [], 0
    for step in range(50):
        page = selectors.feed(cursor, province=None, limit=2)
        seen += [c.seq for c in page.changes]
        cursor = page.next_cursor
        if step < 5:  # writes land between the reader's pages
            registry.update_producer(actor=None, producer=xworld.producers["own"],
                                     data={"street_address": f"Thôn {step}"})
        elif not page.has_more:
            break
    assert seen == list(range(1, selectors.head() + 1))
    assert cursor == selectors.head()


def test_a_province_reads_only_its_changes(xworld):
    seen, _cursor = _all(province="P01")
    keys = set(Change.objects.filter(seq__in=seen).values_list("province", flat=True))
    assert keys == {"P01"}
    assert len(seen) == 4  # the Hà Nội producer, its product, decision and certificate


@pytest.mark.parametrize("cursor", ["abc", "-1", "1.5", "9" * 30])
def test_a_malformed_cursor_is_refused(xworld, cursor):
    with pytest.raises(Invalid) as caught:
        selectors.parse_cursor(cursor)
    assert "Con trỏ" in caught.value.message


def test_a_cursor_from_the_future_is_refused(xworld):
    with pytest.raises(Invalid) as caught:
        selectors.parse_cursor(str(selectors.head() + 1))
    assert caught.value.code == "exchange.future_cursor"
    assert selectors.parse_cursor(str(selectors.head())) == selectors.head()


def test_after_a_restore_no_number_is_given_to_two_changes(xworld):
    """Restored from a backup, the feed ends at the backup's last change, but a partner may hold
    changes the instance numbered after it. The next changes must not reuse those numbers: a
    partner past them would never ask for them again."""
    own = xworld.producers["own"]
    at_backup = selectors.head()
    for street in ("Thôn Một", "Thôn Hai", "Thôn Ba"):  # numbered after the backup …
        registry.update_producer(actor=None, producer=own, data={"street_address": street})
    partner = selectors.feed(at_backup, province=None).next_cursor
    assert partner == at_backup + 3
    Change.objects.filter(seq__gt=at_backup).delete()  # … and lost with the instance

    floor = skip_past_restore()
    assert floor == at_backup + RESTORE_GAP
    assert AuditEntry.objects.filter(action="exchange.feed.restored").count() == 1
    # The history pages tell it in words, not as the fallback naming the table.
    assert "khôi phục từ bản sao lưu" in sentence_for("exchange.feed.restored", None, "")
    # The partner's cursor is not refused as one from the future; nothing new yet.
    page = selectors.feed(selectors.parse_cursor(str(partner)), province=None)
    assert (page.changes, page.next_cursor) == ([], floor)

    registry.update_producer(actor=None, producer=own, data={"street_address": "Thôn Mới"})
    for cursor in (at_backup, partner, floor):  # wherever a reader stood, it gets the change
        page = selectors.feed(cursor, province=None)
        assert [c.seq for c in page.changes][-1:] == [floor + 1]
        assert page.changes[-1].data["street_address"] == "Thôn Mới"


def test_the_step_by_hand_after_a_database_copied_back(xworld):
    """`manage.py exchange after-restore`: the same step for a restore made without
    `manage.py restore`, or from a backup older than the code once `migrate` has run."""
    out = io.StringIO()
    at_restore = selectors.head()
    call_command("exchange", "after-restore", stdout=out)
    assert selectors.head() == at_restore + RESTORE_GAP
    assert f"được đánh số sau {at_restore + RESTORE_GAP}" in out.getvalue()
