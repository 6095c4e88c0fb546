"""The hash chain: links, the append-only guard, and audit_verify on tampered logs."""

from __future__ import annotations

import contextlib
import io
import itertools
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from ocop.accounts.models import Role
from ocop.accounts.testing import make_user
from ocop.audit import services as audit
from ocop.audit.models import AppendOnlyError, AuditEntry, ChainHead

pytestmark = pytest.mark.django_db

TABLE = AuditEntry._meta.db_table


@pytest.fixture
def entries(db) -> list[AuditEntry]:
    actor = make_user(Role.CENTRAL, username="trung-uong")
    return [
        audit.record(
            actor=actor if i % 2 else None,
            action="producer.update",
            object_type="registry.producer",
            object_id=str(i),
            object_repr=f"Chủ thể {i}",
            changes={"name": [f"Cũ {i}", f"Mới {i}"], "score": [Decimal("66.36"), 70]},
        )
        for i in range(6)
    ]


def raw_sql(sql: str, params: list) -> None:
    """Tamper the way someone with database access would: around the model's guard."""
    with connection.cursor() as cursor:
        cursor.execute(sql.replace("{table}", TABLE), params)


def verify() -> str:
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue()


def broken_message() -> str:
    with pytest.raises(CommandError) as excinfo:
        verify()
    return str(excinfo.value)


def test_each_entry_links_to_the_previous(entries):
    assert entries[0].prev_hash == audit.GENESIS
    for before, after in itertools.pairwise(entries):
        assert after.prev_hash == before.hash
    assert entries[1].actor_label == "trung-uong" and entries[0].actor_label == "system"
    # Stored values are JSON-safe and read back exactly as hashed.
    stored = AuditEntry.objects.get(pk=entries[0].pk)
    assert stored.changes == {"name": ["Cũ 0", "Mới 0"], "score": ["66.36", 70]}


def _write(n: int) -> AuditEntry:
    return audit.record(actor=None, action="producer.update", object_type="registry.producer",
                        object_id=str(n))


def _head() -> tuple[str, int | None]:
    head = ChainHead.objects.get()
    return head.last_hash, head.last_entry_id


@pytest.mark.django_db(transaction=True)
def test_the_head_follows_the_last_committed_entry():
    # Committed for real: on PostgreSQL the head moves at commit (migration 0004).
    with transaction.atomic():
        first = _write(1)
        with transaction.atomic():
            second = _write(2)
        with contextlib.suppress(RuntimeError), transaction.atomic():
            _write(3)
            raise RuntimeError("this savepoint is rolled back")
        third = _write(4)
    assert (second.prev_hash, third.prev_hash) == (first.hash, second.hash)
    assert _head() == (third.hash, third.pk)
    with contextlib.suppress(RuntimeError), transaction.atomic():
        _write(5)
        raise RuntimeError("this transaction is rolled back")
    assert _head() == (third.hash, third.pk)
    assert _write(6).prev_hash == third.hash
    assert audit.verify_chain().broken is None


def test_recording_locks_the_head_row_and_never_updates_it(entries):
    # An update per entry inside savepoints grew in cost with each entry on PostgreSQL.
    with CaptureQueriesContext(connection) as queries:
        _write(7)
    sql = [q["sql"] for q in queries.captured_queries if "audit_chainhead" in q["sql"]]
    assert len(sql) == 1 and sql[0].startswith("SELECT")
    # SQLite has no row locks: its write lock, taken by the transaction, serialises writers.
    assert ("FOR NO KEY UPDATE" in sql[0]) == connection.features.has_select_for_update


def test_verify_passes_on_an_intact_chain(entries):
    out = verify()
    assert "Audit chain OK: 6 entries verified." in out
    assert entries[-1].hash in out


def test_verify_passes_on_an_empty_log(db):
    assert "Audit chain OK: 0 entries verified." in verify()


def test_model_refuses_changes_and_deletes(entries):
    entry = entries[2]
    entry.action = "producer.delete"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert "6 entries verified" in verify()


def test_raw_edit_is_reported_at_the_edited_entry(entries):
    raw_sql("UPDATE {table} SET object_repr = %s WHERE id = %s", ["Giả mạo", entries[3].pk])
    message = broken_message()
    assert f"BROKEN at entry #{entries[3].pk}:" in message
    assert "edited" in message and "3 entries verified before it" in message


def test_edit_of_changes_json_is_reported(entries):
    raw_sql(
        "UPDATE {table} SET changes = %s WHERE id = %s", ['{"name": ["A", "B"]}', entries[1].pk]
    )
    assert f"BROKEN at entry #{entries[1].pk}:" in broken_message()


def test_edit_with_a_recomputed_hash_is_reported_at_the_next_entry(entries):
    # A smarter forger recomputes the edited entry's own hash; its successor still points at the
    # old one.
    e = entries[2]
    forged = audit.entry_digest(
        prev_hash=e.prev_hash,
        created_at=e.created_at,
        actor_id=e.actor_id,
        actor_label=e.actor_label,
        action="producer.delete",
        object_type=e.object_type,
        object_id=e.object_id,
        object_repr=e.object_repr,
        changes=e.changes,
    )
    raw_sql(
        "UPDATE {table} SET action = %s, hash = %s WHERE id = %s", ["producer.delete", forged, e.pk]
    )
    assert f"BROKEN at entry #{entries[3].pk}:" in broken_message()


def test_deleted_middle_entry_is_reported_at_the_one_after_it(entries):
    raw_sql("DELETE FROM {table} WHERE id = %s", [entries[2].pk])
    message = broken_message()
    assert f"BROKEN at entry #{entries[3].pk}:" in message
    assert f"last intact entry #{entries[1].pk}" in message


# Committed before the deletion, as in life: on PostgreSQL the head moves at commit, so
# entries deleted in the transaction that wrote them never reached it.
@pytest.mark.django_db(transaction=True)
def test_deleted_last_entries_are_reported(entries):
    raw_sql("DELETE FROM {table} WHERE id >= %s", [entries[4].pk])
    message = broken_message()
    assert f"after #{entries[3].pk}" in message
    assert f"entries up to #{entries[5].pk} are missing" in message
    report = audit.verify_chain()
    assert report.broken.entry_id is None and report.broken.last_good_id == entries[3].pk


def test_first_break_wins_when_there_are_several(entries):
    raw_sql(
        "UPDATE {table} SET action = %s WHERE id IN (%s, %s)", ["x", entries[1].pk, entries[4].pk]
    )
    assert f"BROKEN at entry #{entries[1].pk}:" in broken_message()


def test_verify_walks_in_batches(entries):
    report = audit.verify_chain(batch_size=4)
    assert report.broken is None and report.checked == 6


def test_anchor_pins_history(entries):
    anchor = entries[3].hash
    out = io.StringIO()
    call_command("audit_verify", f"--anchor={anchor}", stdout=out)
    assert "OK" in out.getvalue()
    with pytest.raises(CommandError, match="no longer in the chain"):
        call_command("audit_verify", "--anchor=" + "f" * 64)


@pytest.mark.django_db(transaction=True)
def test_writes_after_a_gap_keep_failing(entries):
    # Deleting entries and then writing more does not heal the chain.
    raw_sql("DELETE FROM {table} WHERE id = %s", [entries[5].pk])
    later = audit.record(actor=None, action="later", object_type="x", object_id="1")
    assert later.prev_hash == entries[5].hash
    assert f"BROKEN at entry #{later.pk}:" in broken_message()
