"""Reads of the audit log for one object's history.

These do not check jurisdiction: call them only for an object the page has already fetched
through its own jurisdiction-scoped selector.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from ocop.audit.models import AuditEntry
from ocop.audit.services import object_type_of

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
    changes: list[FieldChange]


def _field_label(model: type[models.Model] | None, name: str) -> str:
    if model is None:
        return name
    for candidate in (name, name.removesuffix("_id")):
        try:
            return str(model._meta.get_field(candidate).verbose_name)
        except FieldDoesNotExist:
            continue
    return name


def _model_for(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _changes(model: type[models.Model] | None, raw: Any) -> list[FieldChange]:
    if not isinstance(raw, dict):
        return []
    out = []
    for name, value in raw.items():
        is_pair = isinstance(value, list) and len(value) == 2
        old, new = (value[0], value[1]) if is_pair else (None, value)
        out.append(FieldChange(name, _field_label(model, name), old, new, is_pair))
    return out


def history_for_type_id(
    object_type: str, object_id: Any, *, limit: int = HISTORY_LIMIT
) -> list[HistoryItem]:
    """Newest first. ``object_type`` is the lower-case model label, e.g. ``registry.producer``."""
    model = _model_for(object_type)
    entries = (
        AuditEntry.objects.filter(object_type=object_type, object_id=str(object_id))
        .select_related("actor")
        .order_by("-id")[:limit]
    )
    return [HistoryItem(e, _changes(model, e.changes)) for e in entries]


def history_for(obj: models.Model, *, limit: int = HISTORY_LIMIT) -> list[HistoryItem]:
    return history_for_type_id(object_type_of(obj), obj.pk, limit=limit)
