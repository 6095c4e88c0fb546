"""Writes to the administrative units tables: loading (and reloading) both eras' maps."""

from __future__ import annotations

import time
from collections.abc import Collection, Iterator, Sequence
from dataclasses import asdict, dataclass
from itertools import islice
from typing import Any

from django.db import transaction

from ocop.audit.services import record
from ocop.units import sources
from ocop.units.models import Succession, Unit

BATCH = 500
# SQLite limits the number of bound parameters per query; stay well under it for IN lookups.
IN_CHUNK = 900

_FIELDS = (
    "code",
    "era",
    "level",
    "name",
    "full_name",
    "parent_id",
    "valid_from",
    "valid_to",
    "current_province_id",
    "current_commune_id",
    "search_name",
)


@dataclass(frozen=True)
class LoadReport:
    units_created: int
    units_updated: int
    units_unchanged: int
    successions_created: int
    successions_updated: int
    successions_deleted: int
    seconds: float

    @property
    def changed(self) -> bool:
        return bool(
            self.units_created
            or self.units_updated
            or self.successions_created
            or self.successions_updated
            or self.successions_deleted
        )


def _chunks(items: Sequence[Any], size: int) -> Iterator[list[Any]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _values(rec: sources.UnitRecord) -> dict[str, Any]:
    legacy = rec.era == sources.LEGACY
    return {
        "code": rec.code,
        "era": rec.era,
        "level": rec.level,
        "name": rec.name,
        "full_name": rec.full_name,
        "parent_id": rec.parent,
        "valid_from": None if legacy else sources.CURRENT_VALID_FROM,
        "valid_to": sources.LEGACY_VALID_TO if legacy else None,
        "current_province_id": rec.current_province,
        "current_commune_id": rec.current_commune,
        "search_name": rec.search_name,
    }


def _upsert_units(records: list[sources.UnitRecord]) -> tuple[int, int, int]:
    existing: dict[str, Unit] = {}
    for keys in _chunks([r.key for r in records], IN_CHUNK):
        existing.update((u.key, u) for u in Unit.objects.filter(key__in=keys))
    to_create: list[Unit] = []
    to_update: list[Unit] = []
    for rec in records:
        values = _values(rec)
        unit = existing.get(rec.key)
        if unit is None:
            to_create.append(Unit(key=rec.key, **values))
        elif any(getattr(unit, f) != v for f, v in values.items()):
            for f, v in values.items():
                setattr(unit, f, v)
            to_update.append(unit)
    # Foreign keys are checked at commit (deferred) on SQLite and PostgreSQL, and the records
    # come parents-first anyway, so one pass in source order is enough.
    Unit.objects.bulk_create(to_create, batch_size=BATCH)
    Unit.objects.bulk_update(to_update, list(_FIELDS), batch_size=BATCH)
    return len(to_create), len(to_update), len(records) - len(to_create) - len(to_update)


def _sync_successions(
    records: list[sources.SuccessionRecord], predecessors: list[str]
) -> tuple[int, int, int]:
    """Make the successions of ``predecessors`` exactly ``records``."""
    existing: dict[tuple[str, str], Succession] = {}
    for keys in _chunks(predecessors, IN_CHUNK):
        for s in Succession.objects.filter(predecessor_id__in=keys):
            existing[(s.predecessor_id, s.successor_id)] = s
    wanted = {(r.predecessor, r.successor): r for r in records}
    to_create = [
        Succession(
            predecessor_id=r.predecessor,
            successor_id=r.successor,
            effective_date=sources.REFORM_DATE,
            note=r.note,
        )
        for pair, r in wanted.items()
        if pair not in existing
    ]
    to_update = []
    for pair, s in existing.items():
        r = wanted.get(pair)
        if r is not None and (s.note != r.note or s.effective_date != sources.REFORM_DATE):
            s.note, s.effective_date = r.note, sources.REFORM_DATE
            to_update.append(s)
    stale = [s.pk for pair, s in existing.items() if pair not in wanted]
    Succession.objects.bulk_create(to_create, batch_size=BATCH)
    Succession.objects.bulk_update(to_update, ["note", "effective_date"], batch_size=BATCH)
    for ids in _chunks(stale, IN_CHUNK):
        Succession.objects.filter(pk__in=ids).delete()
    return len(to_create), len(to_update), len(stale)


def load_units(
    *,
    current_codes: Collection[int] | None = None,
    legacy_codes: Collection[int] | None = None,
    actor: Any = None,
) -> LoadReport:
    """Create or update the units (and successions) from the installed packages.

    With no codes the whole country is loaded; otherwise the current provinces in
    ``current_codes`` and the legacy provinces in ``legacy_codes`` (with their districts and
    communes), plus every current province that a loaded legacy unit became part of. Re-running
    updates rows in place; units are never deleted here because records elsewhere point at them.
    One audit entry summarises a load that changed anything.
    """
    started = time.perf_counter()
    amap = sources.admin_map()
    units, successions = sources.select(
        amap, current_codes=current_codes, legacy_codes=legacy_codes
    )
    predecessors = [u.key for u in units if u.era == sources.LEGACY]
    with transaction.atomic():
        created, updated, unchanged = _upsert_units(units)
        s_created, s_updated, s_deleted = _sync_successions(successions, predecessors)
        report = LoadReport(
            units_created=created,
            units_updated=updated,
            units_unchanged=unchanged,
            successions_created=s_created,
            successions_updated=s_updated,
            successions_deleted=s_deleted,
            seconds=0.0,
        )
        if report.changed:
            scope = (
                "all"
                if current_codes is None and legacy_codes is None
                else {
                    "current": sorted(current_codes or ()),
                    "legacy": sorted(legacy_codes or ()),
                }
            )
            record(
                actor=actor,
                action="units.load",
                object_type="units.unit",
                object_repr="Nạp danh mục đơn vị hành chính",
                changes={
                    "scope": scope,
                    "sources": amap.versions,
                    **{k: v for k, v in asdict(report).items() if k != "seconds"},
                },
            )
    return LoadReport(**{**asdict(report), "seconds": time.perf_counter() - started})
