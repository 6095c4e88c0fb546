"""Reads of the audit log for one object's history.

These do not check jurisdiction: call them only for an object the page has already fetched
through its own jurisdiction-scoped selector.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ocop.audit.models import AuditEntry
from ocop.audit.sentences import sentence_for
from ocop.audit.services import object_type_of
from ocop.core.formats import format_decimal

HISTORY_LIMIT = 200


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: Any
    new: Any
    # False when the entry recorded a plain value rather than an [old, new] pair.
    is_pair: bool


@dataclass(frozen=True)
class HistoryItem:
    entry: AuditEntry
    # What happened, as a sentence: "Chủ thể OCOP đã nộp hồ sơ." (ocop.audit.sentences).
    sentence: str
    changes: list[FieldChange]


# Stored for the audit trail and its checks, meaningless to the people reading a history page:
# file digests and internal ids. The full entry stays readable in the administration.
HIDDEN_KEYS = frozenset({"sha256", "hash", "document", "evidence", "previous", "version"})

# Keys that are not fields of the audited model but are worth showing, with their labels.
EXTRA_LABELS = {
    "note": _("ghi chú"),
    "reason": _("lý do"),
    "message": _("lời nhắn"),
    "answer": _("trả lời"),
    "name": _("tên tệp, giấy tờ"),
    "stars": _("hạng sao"),
    "certificate": _("giấy chứng nhận"),
}


def _model_field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    for candidate in (name, name.removesuffix("_id")):
        try:
            return model._meta.get_field(candidate)  # type: ignore[return-value]
        except FieldDoesNotExist:
            continue
    return None


def _model_for(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


class _Display:
    """Turns stored values into what a person reads: choice labels, related objects' names,
    dates as dd/mm/yyyy, numbers in the page's format. Related objects are fetched in one
    query per related model for the whole page."""

    def __init__(self) -> None:
        self.wanted: dict[type[models.Model], set[str]] = defaultdict(set)
        self.found: dict[type[models.Model], dict[str, str]] = {}

    def want(self, field: models.Field | None, *values: Any) -> None:
        if field is None or not field.is_relation or field.related_model is None:
            return
        pk_field = field.related_model._meta.pk
        for value in values:
            # Older entries stored some relations by name rather than id; those are shown as
            # stored.
            with suppress(ValidationError, TypeError):
                if value is not None:
                    self.wanted[field.related_model].add(str(pk_field.to_python(value)))

    def fetch(self) -> None:
        for model, ids in self.wanted.items():
            rows = model._default_manager.in_bulk(list(ids))
            self.found[model] = {str(pk): getattr(obj, "display_name", None) or str(obj)
                                 for pk, obj in rows.items()}

    def show(self, field: models.Field | None, key: str, value: Any) -> Any:
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            return gettext("Có") if value else gettext("Không")
        if field is None:
            return value
        if field.is_relation and field.related_model is not None:
            return self.found.get(field.related_model, {}).get(str(value), value)
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        if isinstance(field, models.DateField) and isinstance(value, str):
            with suppress(ValueError):
                return date.fromisoformat(value[:10]).strftime("%d/%m/%Y")
        if isinstance(field, models.DecimalField):
            return format_decimal(value)
        return value


# Lets the page of one kind of object word the keys only it understands (a dossier's
# "form.contact_name" or "answer.A1"): (key, old, new) → (label, old shown, new shown), or None.
Describe = Callable[[str, Any, Any], "tuple[str, Any, Any] | None"]


def _label(field: models.Field | None, key: str) -> str | None:
    if field is None:
        label = EXTRA_LABELS.get(key)
        return str(label) if label is not None else None
    # A field without a verbose_name gets one made from its English attribute name.
    if str(field.verbose_name) == field.name.replace("_", " "):
        return None
    return str(field.verbose_name)


def _entry_changes(model: type[models.Model] | None, raw: Any, display: _Display,
                   describe: Describe | None) -> list[tuple]:
    """(key, field, label, old, new, is_pair, shown) for each key a person should see;
    ``shown`` is True when ``describe`` already gave the values as people read them."""
    if not isinstance(raw, dict):
        return []
    out = []
    for key, value in raw.items():
        if key in HIDDEN_KEYS:
            continue
        is_pair = isinstance(value, list) and len(value) == 2
        old, new = (value[0], value[1]) if is_pair else (None, value)
        described = describe(key, old, new) if describe is not None else None
        if described is not None:
            label, old, new = described
            out.append((key, None, label, old, new, is_pair, True))
            continue
        field = _model_field(model, key)
        label = _label(field, key)
        # Unknown keys and structured values (check results, correction items) have their own
        # pages; a history line would only show codes.
        if label is None or any(isinstance(v, (dict, list)) for v in (old, new)):
            continue
        display.want(field, old, new)
        out.append((key, field, label, old, new, is_pair, False))
    return out


def history_for_type_id(
    object_type: str, object_id: Any, *, limit: int = HISTORY_LIMIT,
    describe: Describe | None = None,
) -> list[HistoryItem]:
    """Newest first. ``object_type`` is the lower-case model label, e.g. ``registry.producer``."""
    model = _model_for(object_type)
    entries = (
        AuditEntry.objects.filter(object_type=object_type, object_id=str(object_id))
        .select_related("actor")
        .order_by("-id")[:limit]
    )
    object_name = str(model._meta.verbose_name) if model else gettext("đối tượng")
    display = _Display()
    rows = [(e, _entry_changes(model, e.changes, display, describe)) for e in entries]
    display.fetch()

    def change(key: str, field: models.Field | None, label: str, old: Any, new: Any,
               is_pair: bool, shown: bool) -> FieldChange:
        if not shown:
            old, new = display.show(field, key, old), display.show(field, key, new)
        return FieldChange(key, label, old, new, is_pair)

    return [
        HistoryItem(entry, sentence_for(entry.action, entry.actor, object_name),
                    [change(*c) for c in changes])
        for entry, changes in rows
    ]


def history_for(obj: models.Model, *, limit: int = HISTORY_LIMIT,
                describe: Describe | None = None) -> list[HistoryItem]:
    return history_for_type_id(object_type_of(obj), obj.pk, limit=limit, describe=describe)
