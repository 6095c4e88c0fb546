"""Reads of criteria sets, with a per-process cache of validated engine objects."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db.models import QuerySet
from django.db.models.fields.json import KT
from django.utils import timezone

from ocop.criteria.diff import AnswerChange, answers_against
from ocop.criteria.engine import CriteriaSet, validate_set
from ocop.criteria.models import CriteriaSetVersion
from ocop.registry.models import ProductSet


class UnknownCriteriaSet(LookupError):
    pass


def versions() -> QuerySet[CriteriaSetVersion]:
    """Active versions only: a staged upload is never offered, scored or listed publicly.

    The sheet itself (``data``) is left out; the one key of it that choosing a sheet needs, the
    148 sub-group a version is bound to, comes along as ``applies_subgroup`` so that choosing
    does not load every sheet one query at a time."""
    return (CriteriaSetVersion.objects.defer("data")
            .filter(state=CriteriaSetVersion.State.ACTIVE)
            .annotate(applies_subgroup=KT("data__applies_to__subgroup")))


def staged_versions() -> QuerySet[CriteriaSetVersion]:
    return (CriteriaSetVersion.objects.defer("data")
            .filter(state=CriteriaSetVersion.State.STAGED).select_related("imported_by")
            .order_by("-imported_at"))


def current_versions(on: dt.date | None = None) -> list[CriteriaSetVersion]:
    """The latest version of each code (the one in force on ``on`` if several exist)."""
    day = on or timezone.localdate()
    chosen: dict[str, CriteriaSetVersion] = {}
    for row in versions().order_by("code", "-version"):
        best = chosen.get(row.code)
        if best is None or (not _in_force(best, day) and _in_force(row, day)):
            chosen[row.code] = row
    return sorted(chosen.values(), key=lambda r: (r.status_kind != "official", r.code))


def _in_force(row: CriteriaSetVersion, day: dt.date) -> bool:
    return row.effective_from <= day and (row.effective_to is None or row.effective_to >= day)


def get_version(code: str) -> CriteriaSetVersion:
    """``code`` is either ``CODE`` (the newest version) or ``CODE@vN`` / ``CODE@N``."""
    base, _, ver = code.partition("@")
    qs = CriteriaSetVersion.objects.filter(code=base, state=CriteriaSetVersion.State.ACTIVE)
    if ver:
        number = ver.removeprefix("v")
        if not number.isdigit():
            raise UnknownCriteriaSet(code)
        qs = qs.filter(version=int(number))
    row = qs.order_by("-version").first()
    if row is None:
        raise UnknownCriteriaSet(code)
    return row


@lru_cache(maxsize=64)
def _engine_set(pk: int, sha256: str) -> CriteriaSet:
    # Keyed by content hash: a replaced (unlocked) version is re-validated, never served stale.
    row = CriteriaSetVersion.objects.get(pk=pk)
    return validate_set(row.data, source=str(row))


def engine_set(row: CriteriaSetVersion) -> CriteriaSet:
    return _engine_set(row.pk, row.sha256)


def load(code: str) -> tuple[CriteriaSetVersion, CriteriaSet]:
    row = get_version(code)
    return row, engine_set(row)


def _subgroup(row: CriteriaSetVersion) -> str | None:
    """The 148 sub-group ``row`` is bound to (annotated by ``versions()``, else from its data)."""
    if hasattr(row, "applies_subgroup"):
        return row.applies_subgroup
    return ((row.data or {}).get("applies_to") or {}).get("subgroup")


def _applies(row: CriteriaSetVersion, product_set: ProductSet) -> bool:
    if row.product_set:
        return row.product_set == product_set.code
    return bool(product_set.subgroup_id) and _subgroup(row) == product_set.subgroup_id


def sheet_for(product_set: ProductSet, on: dt.date) -> CriteriaSetVersion | None:
    """The sheet a dossier of ``product_set`` opened on ``on`` is scored on: a version bound to
    the product set, or to its 148 sub-group, in force that day; the most recent legal basis
    wins (148 over 1048), then an official sheet over an illustrative one."""
    rows = [row for row in versions().order_by("-effective_from", "-version")
            if _applies(row, product_set) and _in_force(row, on)]
    rows.sort(key=lambda r: r.status_kind != "official")  # stable: keeps the date order
    return rows[0] if rows else None


@dataclass(frozen=True)
class Coverage:
    product_set: ProductSet
    sheet: CriteriaSetVersion | None

    @property
    def kind(self) -> str:
        """"official", "illustrative", "reconstructed" (the sheet's status) or "none"."""
        return self.sheet.status_kind if self.sheet else "none"


def coverage(on: dt.date | None = None) -> list[Coverage]:
    """Every product set of the classification with the sheet in force for it on ``on``."""
    day = on or timezone.localdate()
    rows = [row for row in versions().order_by("-effective_from", "-version")
            if _in_force(row, day)]
    out = []
    for product_set in ProductSet.objects.select_related("group").order_by("code"):
        found = sorted((r for r in rows if _applies(r, product_set)),
                       key=lambda r: r.status_kind != "official")
        out.append(Coverage(product_set, found[0] if found else None))
    return out


def product_sets_of(row: CriteriaSetVersion) -> list[str]:
    """Codes of the product sets ``row`` applies to (its own, or those of its sub-group)."""
    if row.product_set:
        return [row.product_set]
    subgroup = _subgroup(row)
    if not subgroup:
        return []
    return list(ProductSet.objects.filter(subgroup_id=subgroup).order_by("code")
                .values_list("code", flat=True))


def previous_answer_changes(dossier: Any) -> tuple[Any, list[AnswerChange]] | None:
    """For a dossier of a product that had an earlier dossier (the one it follows up —
    re-recognition, upgrade — else the product's latest earlier one) scored on another sheet
    version: that dossier and what its self-assessment means on this dossier's sheet. ``None``
    when there is no earlier dossier or it used the same version."""
    previous = dossier.previous or (
        type(dossier).objects.filter(product_id=dossier.product_id, pk__lt=dossier.pk)
        .select_related("criteria_set").order_by("-pk").first())
    if previous is None or previous.criteria_set_id == dossier.criteria_set_id:
        return None
    data = dict(CriteriaSetVersion.objects.filter(
        pk__in=(previous.criteria_set_id, dossier.criteria_set_id)).values_list("pk", "data"))
    return previous, answers_against(data[previous.criteria_set_id], previous.self_assessment,
                                     data[dossier.criteria_set_id])
