"""Reads of criteria sets, with a per-process cache of validated engine objects."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from django.db.models import QuerySet
from django.utils import timezone

from ocop.criteria.engine import CriteriaSet, validate_set
from ocop.criteria.models import CriteriaSetVersion


class UnknownCriteriaSet(LookupError):
    pass


def versions() -> QuerySet[CriteriaSetVersion]:
    return CriteriaSetVersion.objects.defer("data")


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
    qs = CriteriaSetVersion.objects.filter(code=base)
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
