"""Writes of criteria set versions: import, supersede, lock."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from django.db import transaction

from ocop.audit import services as audit
from ocop.criteria.engine import CriteriaSet, CriteriaSetError, Problem, list_shipped_sets
from ocop.criteria.engine import load_set_file as _load_set_file
from ocop.criteria.engine.excel import read_excel_bytes
from ocop.criteria.engine.loader import load_set_text
from ocop.criteria.models import CriteriaSetVersion


def canonical_data(criteria_set: CriteriaSet) -> dict[str, Any]:
    # A JSON round trip turns dates and Decimals into the plain values the JSONField stores.
    return json.loads(json.dumps(criteria_set.to_data(), default=str, ensure_ascii=False))


def digest(data: dict[str, Any]) -> str:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def version_fields(criteria_set: CriteriaSet) -> dict[str, Any]:
    """The stored columns of a version of ``criteria_set`` (besides code and version)."""
    data = canonical_data(criteria_set)
    return {
        "title_vi": criteria_set.title_vi,
        "title_en": criteria_set.title_en,
        "decision": criteria_set.legal_basis.decision,
        "status_kind": criteria_set.status.kind,
        "product_set": criteria_set.applies_to.product_set or "",
        "effective_from": criteria_set.legal_basis.effective_from,
        "effective_to": criteria_set.legal_basis.effective_to,
        "data": data,
        "sha256": digest(data),
    }


def parse_upload(name: str, content: bytes) -> CriteriaSet:
    """A set from an uploaded/imported file: YAML text or the Excel template."""
    if name.lower().endswith(".xlsx"):
        return read_excel_bytes(content, name=name)
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CriteriaSetError(
            [Problem("the file is neither UTF-8 YAML nor an .xlsx workbook", source=name)]
        ) from exc
    return load_set_text(text, source=name)


@transaction.atomic
def import_set(*, criteria_set: CriteriaSet, actor: Any = None) -> tuple[CriteriaSetVersion, bool]:
    """Store a validated set. Returns (version row, created?).

    - the same code+version with identical content: nothing to do;
    - the same code+version with other content: allowed only while the version is unlocked;
    - a higher version: stored, and the previous open-ended version ends the day before.
    """
    fields = version_fields(criteria_set)
    sha = fields["sha256"]
    existing = (
        CriteriaSetVersion.objects.select_for_update(no_key=True)
        .filter(code=criteria_set.code, version=criteria_set.version)
        .first()
    )
    if existing is not None:
        if existing.sha256 == sha:
            return existing, False
        if existing.locked:
            raise CriteriaSetError(
                [
                    Problem(
                        f"version {criteria_set.version} of {criteria_set.code} was already used "
                        "for scoring and cannot change; import it as a new version",
                        source=criteria_set.source,
                        field="version",
                    )
                ]
            )
        for name, value in fields.items():
            setattr(existing, name, value)
        existing.save()
        audit.record(actor=actor, action="criteria.replace", obj=existing, changes={"sha256": sha})
        return existing, False
    newer = CriteriaSetVersion.objects.filter(
        code=criteria_set.code, version__gt=criteria_set.version
    ).exists()
    if newer:
        raise CriteriaSetError(
            [
                Problem(
                    f"a newer version of {criteria_set.code} is already stored",
                    source=criteria_set.source,
                    field="version",
                )
            ]
        )
    row = CriteriaSetVersion.objects.create(
        code=criteria_set.code, version=criteria_set.version, imported_by=actor, **fields
    )
    previous = (
        CriteriaSetVersion.objects.filter(code=row.code, version__lt=row.version,
                                          state=CriteriaSetVersion.State.ACTIVE)
        .order_by("-version")
        .first()
    )
    if previous and (previous.effective_to is None or previous.effective_to >= row.effective_from):
        previous.effective_to = row.effective_from - dt.timedelta(days=1)
        previous.save(update_fields=["effective_to"])
        audit.record(
            actor=actor,
            action="criteria.supersede",
            obj=previous,
            changes={"effective_to": previous.effective_to, "superseded_by": str(row)},
        )
    audit.record(actor=actor, action="criteria.import", obj=row, changes={"sha256": sha})
    return row, True


def import_file(*, path: Path, actor: Any = None) -> tuple[CriteriaSetVersion, bool]:
    return import_set(criteria_set=parse_upload(path.name, path.read_bytes()), actor=actor)


@cache
def _shipped_set(path: Path, mtime_ns: int) -> CriteriaSet:
    # Parsing and validating a sheet costs tens of milliseconds and the shipped files change only
    # with a release (the mtime is in the key for a developer editing one); tests and the demo
    # load all of them many times per process.
    return _load_set_file(path)


def load_shipped_sets(*, actor: Any = None,
                      codes: Iterable[str] | None = None) -> list[CriteriaSetVersion]:
    """Import the sets shipped in ``ocop/criteria/sets`` (idempotent); only ``codes`` if given
    (tests that need one sheet need not store all 27)."""
    wanted = set(codes) if codes is not None else None
    rows = []
    for path in list_shipped_sets():
        if wanted is not None and path.stem not in wanted:
            continue
        rows.append(import_set(criteria_set=_shipped_set(path, path.stat().st_mtime_ns),
                               actor=actor)[0])
    if wanted is not None and len(rows) != len(wanted):
        raise ValueError(f"not shipped: {sorted(wanted - {r.code for r in rows})}")
    return rows


@transaction.atomic
def lock_version(*, version: CriteriaSetVersion, actor: Any = None) -> None:
    """Freeze a version: called the first time a dossier is scored with it."""
    updated = CriteriaSetVersion.objects.filter(pk=version.pk, locked=False).update(locked=True)
    if updated:
        version.locked = True
        audit.record(actor=actor, action="criteria.lock", obj=version)
