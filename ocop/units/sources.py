"""Read Vietnam's administrative map, both eras, from the installed packages (no database).

Where each part comes from (see docs/administrative-units.md):

- current two-tier map (34 provinces, 3,321 communes): ``vietnam_provinces`` (Province, Ward);
- legacy three-tier map as it stood on 30 June 2025 (63 provinces, 696 districts, 10,035
  communes): ``vietnamadminunits`` ``data/dataset.db`` (table ``admin_units_legacy``). The legacy
  lookup inside ``vietnam_provinces`` is an older snapshot: it still lists communes dissolved
  before 2025 and misses some created in 2025, so the codes of the official conversion table
  match ``vietnamadminunits`` and not it;
- old → new commune conversion: ``vietnam_provinces._ward_conversion_2025`` (the official
  conversion table) joined with ``vietnamadminunits`` ``converter_2025.json``, which adds a few
  pairs and says which successor is the default for a commune split between several.

Everything is computed once per process (``admin_map()``) and kept in memory: about 14,000 small
records, built in well under a second.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import vietnamadminunits
from vietnam_provinces import Province, VietNamDivisionType, Ward

from ocop.core.text import fold

CURRENT_VALID_FROM = date(2025, 7, 1)
LEGACY_VALID_TO = date(2025, 6, 30)
REFORM_DATE = CURRENT_VALID_FROM

CURRENT = "current"
LEGACY = "legacy"
PROVINCE = "province"
DISTRICT = "district"
COMMUNE = "commune"

NOTE_WHOLE = "toàn bộ"
NOTE_PART = "một phần"
NOTE_PART_PRINCIPAL = "một phần (nơi nhận chính)"

_CURRENT_PREFIX = {
    VietNamDivisionType.TINH: "Tỉnh",
    VietNamDivisionType.THANH_PHO_TRUNG_UONG: "Thành phố",
    VietNamDivisionType.XA: "Xã",
    VietNamDivisionType.PHUONG: "Phường",
    VietNamDivisionType.DAC_KHU: "Đặc khu",
}


def province_key(code: int) -> str:
    return f"P{code:02d}"


def commune_key(code: int) -> str:
    return f"C{code:05d}"


def legacy_province_key(code: int) -> str:
    return f"LP{code:02d}"


def legacy_district_key(code: int) -> str:
    return f"LD{code:03d}"


def legacy_commune_key(code: int) -> str:
    return f"LC{code:05d}"


@dataclass(frozen=True, slots=True)
class UnitRecord:
    key: str
    code: str
    era: str
    level: str
    name: str
    full_name: str
    parent: str | None
    current_province: str
    current_commune: str | None
    # Code of the unit's province in its own era: what ``--provinces`` selects on.
    province_code: int

    @property
    def search_name(self) -> str:
        return fold(self.full_name)


@dataclass(frozen=True, slots=True)
class SuccessionRecord:
    predecessor: str
    successor: str
    note: str


@dataclass(frozen=True)
class AdminMap:
    # Insertion order: current provinces, current communes, legacy provinces, districts, communes;
    # each by code. Loading in this order keeps every row's references already present.
    units: dict[str, UnitRecord]
    successions: tuple[SuccessionRecord, ...]
    versions: dict[str, str]


def _capitalise(text: str) -> str:
    # The sources spell one commune "xã Bắc Sơn": full names always start with a capital.
    return text[:1].upper() + text[1:]


def _strip_prefix(full_name: str, prefix: str) -> str:
    if full_name.lower().startswith(prefix.lower() + " "):
        return full_name[len(prefix) + 1 :]
    return full_name


def _vau_data_dir() -> Path:
    return Path(vietnamadminunits.__file__).parent / "data"


def _current_units() -> list[UnitRecord]:
    rows: list[UnitRecord] = []
    for p in sorted(Province.iter_all(), key=lambda p: p.code.value):
        key = province_key(p.code.value)
        full = _capitalise(p.name)
        rows.append(
            UnitRecord(
                key=key,
                code=f"{p.code.value:02d}",
                era=CURRENT,
                level=PROVINCE,
                name=_strip_prefix(full, _CURRENT_PREFIX[p.division_type]),
                full_name=full,
                parent=None,
                current_province=key,
                current_commune=None,
                province_code=p.code.value,
            )
        )
    for w in sorted(Ward.iter_all(), key=lambda w: w.code.value):
        key = commune_key(w.code.value)
        full = _capitalise(w.name)
        rows.append(
            UnitRecord(
                key=key,
                code=f"{w.code.value:05d}",
                era=CURRENT,
                level=COMMUNE,
                name=_strip_prefix(full, _CURRENT_PREFIX[w.division_type]),
                full_name=full,
                parent=province_key(w.province_code.value),
                current_province=province_key(w.province_code.value),
                current_commune=key,
                province_code=w.province_code.value,
            )
        )
    return rows


@dataclass(frozen=True, slots=True)
class _LegacyRow:
    province_code: int
    province: str
    province_short: str
    district_code: int
    district_type: str
    district_short: str
    ward_code: int | None
    ward_type: str
    ward_short: str
    province_key: str  # vietnamadminunits' own name keys, used by its converter
    district_key: str
    ward_key: str


def _legacy_rows(con: sqlite3.Connection) -> list[_LegacyRow]:
    query = (
        "SELECT provinceCode, province, provinceShort, districtCode, districtType, districtShort,"
        " wardCode, wardType, wardShort, provinceKey, districtKey, wardKey"
        " FROM admin_units_legacy"
    )
    return [
        _LegacyRow(
            province_code=int(pc),
            province=p,
            province_short=ps,
            district_code=int(dc),
            district_type=dt,
            district_short=ds,
            ward_code=int(wc) if wc else None,
            ward_type=wt or "",
            ward_short=wsh or "",
            province_key=pk,
            district_key=dk,
            ward_key=wk or "",
        )
        for pc, p, ps, dc, dt, ds, wc, wt, wsh, pk, dk, wk in con.execute(query)
    ]


def _vau_successors(
    con: sqlite3.Connection, legacy: list[_LegacyRow]
) -> tuple[dict[int, list[int]], dict[int, int]]:
    """vietnamadminunits' conversion: legacy code → new codes, and the default for split ones."""
    new_code = {
        (pk, wk): int(code)
        for pk, wk, code in con.execute("SELECT provinceKey, wardKey, wardCode FROM admin_units")
    }
    old_code = {
        f"{r.province_key}_{r.district_key}_{r.ward_key}": r.ward_code
        for r in legacy
        if r.ward_code is not None
    }
    with (_vau_data_dir() / "converter_2025.json").open(encoding="utf-8") as fh:
        conv = json.load(fh)
    successors: dict[int, list[int]] = defaultdict(list)
    default: dict[int, int] = {}
    for new_pk, by_new_ward in conv["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_wk, old_keys in by_new_ward.items():
            for old_key in old_keys:
                # Island districts without communes appear here as "province_district_";
                # _legacy_units links them by name instead.
                if old_key in old_code:
                    successors[old_code[old_key]].append(new_code[(new_pk, new_wk)])
    for new_pk, by_old in conv["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, parts in by_old.items():
            code = old_code[old_key]
            for part in parts:
                target = new_code[(new_pk, part["newWardKey"])]
                if target not in successors[code]:
                    successors[code].append(target)
                if part["isDefaultNewWard"]:
                    default[code] = target
    return successors, default


def _majority(values: Iterable[str]) -> str | None:
    counts = Counter(values)
    if not counts:
        return None
    # Most common first; ties go to the smallest key so that the result is deterministic.
    return min(counts, key=lambda k: (-counts[k], k))


def _legacy_units(
    current: dict[str, UnitRecord],
) -> tuple[list[UnitRecord], list[SuccessionRecord]]:
    # Imported here: the 1.5 MB table module should cost nothing to processes (and test sessions)
    # that import this app without loading units.
    from vietnam_provinces._ward_conversion_2025 import OLD_TO_NEW as WARD_OLD_TO_NEW

    con = sqlite3.connect(f"file:{_vau_data_dir() / 'dataset.db'}?mode=ro", uri=True)
    try:
        legacy = _legacy_rows(con)
        vau_successors, vau_default = _vau_successors(con, legacy)
    finally:
        con.close()

    communes: dict[int, _LegacyRow] = {}
    districts: dict[int, _LegacyRow] = {}
    provinces: dict[int, _LegacyRow] = {}
    for r in legacy:
        provinces.setdefault(r.province_code, r)
        districts.setdefault(r.district_code, r)
        if r.ward_code is not None:
            communes[r.ward_code] = r

    successions: list[SuccessionRecord] = []
    principal: dict[int, str] = {}
    commune_rows: list[UnitRecord] = []
    for code in sorted(communes):
        r = communes[code]
        entry = WARD_OLD_TO_NEW.get(code)
        official = [w.code for w in entry.new_wards] if entry else []
        extra = [c for c in vau_successors.get(code, []) if c not in official]
        targets = official + extra
        if not targets:
            raise ValueError(f"legacy commune {code} has no successor in either source")
        # The official table lists successors by code; vietnamadminunits names the one that
        # received the commune's main part. Trust that only when the official table agrees.
        chosen = vau_default.get(code)
        if chosen not in official:
            chosen = official[0] if official else vau_default.get(code, targets[0])
        key = legacy_commune_key(code)
        principal[code] = commune_key(chosen)
        partly = len(targets) > 1 or bool(entry and entry.old_ward.is_partly_merged)
        for t in targets:
            note = NOTE_WHOLE
            if partly:
                note = NOTE_PART_PRINCIPAL if t == chosen else NOTE_PART
            successions.append(SuccessionRecord(key, commune_key(t), note))
        full = f"{r.ward_type} {r.ward_short}"
        commune_rows.append(
            UnitRecord(
                key=key,
                code=f"{code:05d}",
                era=LEGACY,
                level=COMMUNE,
                name=r.ward_short,
                full_name=full,
                parent=legacy_district_key(r.district_code),
                current_province=current[principal[code]].current_province,
                current_commune=principal[code],
                province_code=r.province_code,
            )
        )

    by_district: dict[int, list[str]] = defaultdict(list)
    by_province: dict[int, list[str]] = defaultdict(list)
    for u in commune_rows:
        assert u.current_commune is not None
        by_district[int(u.parent[2:])].append(current[u.current_commune].current_province)
        by_province[u.province_code].append(current[u.current_commune].current_province)
    province_pairs: dict[int, Counter[str]] = {
        code: Counter(values) for code, values in by_province.items()
    }

    province_rows: list[UnitRecord] = []
    for code in sorted(provinces):
        r = provinces[code]
        target = _majority(by_province[code])
        assert target is not None
        province_rows.append(
            UnitRecord(
                key=legacy_province_key(code),
                code=f"{code:02d}",
                era=LEGACY,
                level=PROVINCE,
                name=r.province_short,
                full_name=r.province,
                parent=None,
                current_province=target,
                current_commune=None,
                province_code=code,
            )
        )
        pairs = province_pairs[code]
        for successor in sorted(pairs):
            note = NOTE_WHOLE if len(pairs) == 1 else NOTE_PART
            successions.append(SuccessionRecord(legacy_province_key(code), successor, note))

    current_by_name = {
        (u.current_province, fold(u.name)): u.key for u in current.values() if u.level == COMMUNE
    }
    legacy_province_target = {u.province_code: u.current_province for u in province_rows}
    district_rows: list[UnitRecord] = []
    for code in sorted(districts):
        r = districts[code]
        key = legacy_district_key(code)
        target = _majority(by_district[code])
        island = None
        if target is None:
            # Island districts had no communes and became special zones (đặc khu) of the same
            # name: "Huyện Côn Đảo" → "Đặc khu Côn Đảo".
            target = legacy_province_target[r.province_code]
            island = current_by_name[(target, fold(r.district_short))]
            successions.append(SuccessionRecord(key, island, NOTE_WHOLE))
        district_rows.append(
            UnitRecord(
                key=key,
                code=f"{code:03d}",
                era=LEGACY,
                level=DISTRICT,
                name=r.district_short,
                full_name=f"{r.district_type} {r.district_short}",
                parent=legacy_province_key(r.province_code),
                current_province=target,
                current_commune=island,
                province_code=r.province_code,
            )
        )
    return province_rows + district_rows + commune_rows, successions


@lru_cache(maxsize=1)
def admin_map() -> AdminMap:
    current_rows = _current_units()
    current = {u.key: u for u in current_rows}
    legacy_rows, successions = _legacy_units(current)
    units = {u.key: u for u in current_rows + legacy_rows}
    for u in units.values():
        # A broken reference would only surface later as an IntegrityError deep in a bulk insert.
        for ref in (u.parent, u.current_province, u.current_commune):
            if ref is not None and ref not in units:
                raise ValueError(f"{u.key} refers to unknown unit {ref}")
    return AdminMap(
        units=units,
        successions=tuple(sorted(successions, key=lambda s: (s.predecessor, s.successor))),
        versions={
            name: metadata.version(name) for name in ("vietnam-provinces", "vietnamadminunits")
        },
    )


def select(
    amap: AdminMap,
    *,
    current_codes: Collection[int] | None,
    legacy_codes: Collection[int] | None,
) -> tuple[list[UnitRecord], list[SuccessionRecord]]:
    """The records to load; ``None`` for both means the whole country.

    Legacy provinces pull in every current province that received part of them, so that each
    loaded row's ``current_province``/``current_commune`` and every succession target is loaded.
    """
    if current_codes is None and legacy_codes is None:
        return list(amap.units.values()), list(amap.successions)
    legacy_wanted = set(legacy_codes or ())
    legacy = [
        u for u in amap.units.values() if u.era == LEGACY and u.province_code in legacy_wanted
    ]
    legacy_keys = {u.key for u in legacy}
    successions = [s for s in amap.successions if s.predecessor in legacy_keys]
    current_wanted = set(current_codes or ())
    current_wanted |= {amap.units[u.current_province].province_code for u in legacy}
    current_wanted |= {amap.units[s.successor].province_code for s in successions}
    current = [
        u for u in amap.units.values() if u.era == CURRENT and u.province_code in current_wanted
    ]
    return current + legacy, successions
