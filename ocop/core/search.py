"""The one diacritic-insensitive search behind every list (registry, dossiers, certificates,
decisions, councils, rounds, zones, lots).

How it works, the same on SQLite and PostgreSQL: each searchable row keeps a *folded* copy of
its words in a ``search_text`` column (lowercase, no diacritics, đ→d: ``ocop.core.text.fold``),
and the query is folded the same way, so "vai thieu" finds "Vải thiều" and "dong coc" finds
"Đồng Cốc". Every word of the query must appear in one of the given columns (a plain
``LIKE '%word%'``). Folding in Python rather than with PostgreSQL's ``unaccent`` keeps one
definition of "equal" for both databases and for the tests.

On PostgreSQL the folded columns carry a GIN trigram index (``pg_trgm``, migration operation
``TrigramIndex`` below), which serves ``LIKE '%word%'``; SQLite scans, which is fine at the
sizes SQLite is used for.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import models
from django.db.migrations.operations.base import Operation
from django.db.models import Q, QuerySet

from ocop.core.text import fold

__all__ = ["FoldedSearchText", "TrigramIndex", "fold", "search", "search_q"]


def search_q(query: str, folded: Sequence[str] = (), codes: Sequence[str] = ()) -> Q:
    """Every word of ``query`` in one of the ``folded`` columns (already folded text) or, for
    codes and numbers stored as typed ("OCOP-24-2024-0001"), case-insensitively in ``codes``."""
    condition = Q()
    for word in fold(query).split():
        either = Q()
        for path in folded:
            either |= Q(**{f"{path}__contains": word})
        for path in codes:
            either |= Q(**{f"{path}__icontains": word})
        condition &= either
    return condition


def search(qs: QuerySet, query: str, folded: Sequence[str] = (),
           codes: Sequence[str] = ()) -> QuerySet:
    """``qs`` narrowed to the rows matching ``query`` (unchanged for a blank query)."""
    if not fold(query or ""):
        return qs
    return qs.filter(search_q(query, folded, codes))


class FoldedSearchText(models.Model):
    """A ``search_text`` column kept in step with the row's own words on every ``save()``.

    Subclasses list the words in ``search_parts()``. Saving in the model (not in each service)
    means no write path, the demo loader included, can leave the column stale.
    """

    search_text = models.TextField(editable=False, default="")

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = fold(" ".join(p for p in self.search_parts() if p))
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    def search_parts(self) -> Iterable[str | None]:
        raise NotImplementedError


class TrigramIndex(Operation):
    """``CREATE INDEX … USING gin (column gin_trgm_ops)`` on PostgreSQL, nothing elsewhere.

    Kept out of the models' ``Meta.indexes`` because a GIN index has no SQLite equivalent; it
    changes no migration state, so ``makemigrations --check`` stays clean.
    """

    reversible = True

    def __init__(self, model_name: str, column: str = "search_text") -> None:
        self.model_name = model_name
        self.column = column

    def _target(self, app_label: str, state: Any) -> tuple[str, str]:
        table = state.apps.get_model(app_label, self.model_name)._meta.db_table
        return table, f"{table}_{self.column}_trgm"[:63]

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any,
                          to_state: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        table, name = self._target(app_label, to_state)
        quote = schema_editor.quote_name
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {quote(name)} ON {quote(table)} "
                              f"USING gin ({quote(self.column)} gin_trgm_ops)")

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any,
                           to_state: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        _table, name = self._target(app_label, from_state)
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")

    def describe(self) -> str:
        return f"Trigram index on {self.model_name}.{self.column} (PostgreSQL only)"

    def deconstruct(self) -> tuple[str, list, dict]:
        return self.__class__.__qualname__, [self.model_name, self.column], {}


def backfill(model_name: str, *fields: str) -> Any:
    """A ``RunPython`` operation that fills ``search_text`` of rows saved before the column
    existed (historical models have no ``save()`` override, so the fields are named here)."""
    from django.db import migrations

    def forwards(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(model_name)
        rows = list(model.objects.only("pk", *fields))
        for row in rows:
            row.search_text = fold(" ".join(getattr(row, f) or "" for f in fields))
        model.objects.bulk_update(rows, ["search_text"], batch_size=500)

    return migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)
