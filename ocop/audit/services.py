"""Write audit entries inside the caller's transaction."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection, models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from ocop.audit.models import AuditEntry, ChainHead

GENESIS = "0" * 64


def _jsonable(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    # isinstance, not hasattr(value, "url"): an empty FieldFile raises ValueError on ``.url``.
    if isinstance(value, FieldFile):
        return value.name or ""
    return value


def entry_digest(
    *,
    prev_hash: str,
    created_at: datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    changes: dict,
) -> str:
    payload = json.dumps(
        {
            "prev": prev_hash,
            "at": created_at.isoformat(timespec="microseconds"),
            "actor": actor_id,
            "actor_label": actor_label,
            "action": action,
            "type": object_type,
            "id": object_id,
            "repr": object_repr,
            "changes": changes,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def object_type_of(obj: models.Model) -> str:
    return obj._meta.label_lower


def hold_chain() -> tuple[ChainHead, bool]:
    """Take the chain's lock now, inside the caller's transaction. Every audited transaction
    takes it at its first ``record``; one that locks another row first (a number sequence) and
    audits after must take this lock before that row, or it can deadlock on PostgreSQL with a
    transaction that audited first and wants the same row. Returns the head row and whether it
    was created just now."""
    return ChainHead.objects.select_for_update(no_key=True).get_or_create(id=1)


def _link_for_next_entry() -> str:
    """Lock the chain and return the hash the next entry links to.

    The head row holds the last committed entry: the database moves it, at commit on
    PostgreSQL (migration 0004), so ``record`` never updates it. Entries this transaction wrote
    after it are read from the log's end. A log whose last entries were deleted ends before the
    head; the next entry then still links to the head, so ``audit_verify`` keeps reporting the
    gap however much is written after it.
    """
    head, created = hold_chain()
    tail = AuditEntry.objects.order_by("-id").values_list("id", "hash").first()
    if tail is None or created:
        # A head created over a log that has entries was deleted: linking to the genesis keeps
        # that visible too.
        return GENESIS
    tail_id, tail_hash = tail
    if head.last_entry_id is None or tail_id > head.last_entry_id:
        return tail_hash
    return head.last_hash


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    changes: dict | None = None,
) -> AuditEntry:
    """Append one entry. Call it inside the same transaction as the change it describes."""
    if obj is not None:
        object_type = object_type or object_type_of(obj)
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:255]
    actor_id = getattr(actor, "pk", None) if actor is not None else None
    actor_label = (getattr(actor, "username", "") or "system")[:150] if actor else "system"
    clean_changes = _jsonable(changes or {})
    # Round-trip through JSON so that what we hash is exactly what the database gives back.
    clean_changes = json.loads(json.dumps(clean_changes, ensure_ascii=False))
    created_at = timezone.now()
    with transaction.atomic():
        prev_hash = _link_for_next_entry()
        digest = entry_digest(
            prev_hash=prev_hash,
            created_at=created_at,
            actor_id=actor_id,
            actor_label=actor_label,
            action=action,
            object_type=object_type,
            object_id=object_id,
            object_repr=object_repr[:255],
            changes=clean_changes,
        )
        entry = AuditEntry.objects.create(
            created_at=created_at,
            actor_id=actor_id,
            actor_label=actor_label,
            action=action,
            object_type=object_type,
            object_id=object_id,
            object_repr=object_repr[:255],
            changes=clean_changes,
            prev_hash=prev_hash,
            hash=digest,
        )
    return entry


def diff_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value changed."""
    return {
        k: [_jsonable(before.get(k)), _jsonable(after.get(k))]
        for k in sorted(set(before) | set(after))
        if before.get(k) != after.get(k)
    }


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    names = fields or [
        f.attname for f in obj._meta.concrete_fields if f.attname not in ("search_text",)
    ]
    return {name: _jsonable(getattr(obj, name)) for name in names}


@dataclass(frozen=True)
class ChainBreak:
    """The first place where the stored log stops matching its hash chain.

    ``entry_id`` is the first stored entry that fails a check, or ``None`` when the entries at
    the end were deleted (nothing is left to fail); ``last_good_id`` is the last entry that
    verified (``None`` when the break is at the very first entry).
    """

    entry_id: int | None
    reason: str
    last_good_id: int | None = None

    def describe(self) -> str:
        where = (
            f"entry #{self.entry_id}"
            if self.entry_id is not None
            else f"the end of the log (after #{self.last_good_id})"
        )
        after = f"; last intact entry #{self.last_good_id}" if self.last_good_id else ""
        return f"{where}: {self.reason}{after}"


@dataclass(frozen=True)
class ChainReport:
    checked: int
    head_hash: str
    head_id: int | None
    broken: ChainBreak | None


def verify_chain(batch_size: int = 2000) -> ChainReport:
    """Walk the chain in id order and report the first break, if any.

    Checks each entry's content against its own hash (catches edits), each ``prev_hash``
    against the entry before it (catches deleted or inserted entries in the middle) and the
    locked chain head against the last entry (catches entries deleted from the end).
    """
    prev = GENESIS
    checked = 0
    last_id: int | None = None
    while True:
        batch = list(AuditEntry.objects.filter(id__gt=last_id or 0).order_by("id")[:batch_size])
        if not batch:
            break
        for e in batch:
            if e.prev_hash != prev:
                reason = (
                    "its prev_hash does not match the entry before it "
                    "(an entry before it was deleted, inserted or rewritten)"
                )
                return ChainReport(checked, prev, last_id, ChainBreak(e.pk, reason, last_id))
            digest = entry_digest(
                prev_hash=e.prev_hash,
                created_at=e.created_at,
                actor_id=e.actor_id,
                actor_label=e.actor_label,
                action=e.action,
                object_type=e.object_type,
                object_id=e.object_id,
                object_repr=e.object_repr,
                changes=e.changes,
            )
            if digest != e.hash:
                reason = "its content does not match its hash (edited)"
                return ChainReport(checked, prev, last_id, ChainBreak(e.pk, reason, last_id))
            prev = e.hash
            checked += 1
            last_id = e.pk
    _move_head_now()
    head = ChainHead.objects.filter(id=1).first()
    head_hash = head.last_hash if head else GENESIS
    if head_hash != prev:
        if head is not None and head.last_entry_id is not None:
            reason = f"entries up to #{head.last_entry_id} are missing (deleted from the end)"
        else:
            reason = "the chain head is missing or was reset"
        return ChainReport(checked, prev, last_id, ChainBreak(None, reason, last_id))
    return ChainReport(checked, prev, last_id, None)


def _move_head_now() -> None:
    """On PostgreSQL the head moves at commit (migration 0004). Inside a transaction that wrote
    entries (a test, a command run in one transaction) move it now, so that the head compared
    with the log is the one this transaction will commit."""
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS audit_head_follows IMMEDIATE")
            cursor.execute("SET CONSTRAINTS audit_head_follows DEFERRED")


def anchor_present(head_hash: str) -> bool:
    """Whether a head hash recorded earlier (outside this database) is still in the chain.

    The chain alone cannot catch someone who rewrites every hash after an edit; a head hash
    kept elsewhere (printed daily by ``audit_verify``) pins everything up to it.
    """
    return head_hash == GENESIS or AuditEntry.objects.filter(hash=head_hash).exists()
