"""Load the product classification (groups, sub-groups, product sets) from YAML, idempotently.

Running it twice changes nothing; a changed name is updated in place. Rows that are no longer in
the file are kept, because products may still point at them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ocop.audit import services as audit
from ocop.registry.models import ProductGroup, ProductSet, ProductSubGroup

DEFAULT_PATH = Path(settings.BASE_DIR) / "ocop" / "criteria" / "sets" / "classification.yaml"


def _rows(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    rows = data.get(key) or []
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise CommandError(f"'{key}' must be a list of mappings.")
    return rows


def _required(row: dict[str, Any], key: str, where: str) -> str:
    value = row.get(key)
    if value in (None, ""):
        raise CommandError(f"{where}: missing '{key}'.")
    return str(value)


def load(data: dict[str, Any]) -> dict[str, int]:
    """Upsert the rows of ``data``; return counts of created/updated rows."""
    counts = {"created": 0, "updated": 0, "unchanged": 0, "without_subgroup": 0}

    def upsert(model: type, code: str, values: dict[str, Any]) -> None:
        obj, created = model.objects.get_or_create(code=code, defaults=values)
        if created:
            counts["created"] += 1
            return
        changed = {k: v for k, v in values.items() if getattr(obj, k) != v}
        if changed:
            for k, v in changed.items():
                setattr(obj, k, v)
            obj.save(update_fields=list(changed))
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1

    for row in _rows(data, "groups"):
        code = _required(row, "code", "groups")
        upsert(ProductGroup, code, {
            "name_vi": _required(row, "name_vi", f"group {code}"),
            "name_en": str(row.get("name_en") or ""),
        })
    for row in _rows(data, "subgroups"):
        code = _required(row, "code", "subgroups")
        group = _required(row, "group", f"subgroup {code}")
        if not ProductGroup.objects.filter(code=group).exists():
            raise CommandError(f"subgroup {code}: unknown group '{group}'.")
        upsert(ProductSubGroup, code, {
            "group_id": group,
            "name_vi": _required(row, "name_vi", f"subgroup {code}"),
            "name_en": str(row.get("name_en") or ""),
            "confirmed": bool(row.get("confirmed", True)),
        })
    for row in _rows(data, "product_sets"):
        code = _required(row, "code", "product_sets")
        # A 148 sub-group is known only for some 1048 sets; the group is always given.
        subgroup = str(row["subgroup"]) if row.get("subgroup") not in (None, "") else None
        if subgroup is None:
            counts["without_subgroup"] += 1
        elif not ProductSubGroup.objects.filter(code=subgroup).exists():
            raise CommandError(f"product set {code}: unknown subgroup '{subgroup}'.")
        group = _required(row, "group", f"product set {code}")
        if not ProductGroup.objects.filter(code=group).exists():
            raise CommandError(f"product set {code}: unknown group '{group}'.")
        upsert(ProductSet, code, {
            "group_id": group,
            "subgroup_id": subgroup,
            "name_vi": _required(row, "name_vi", f"product set {code}"),
            "name_en": str(row.get("name_en") or ""),
            "note": str(row.get("note") or "")[:300],
        })
    return counts


class Command(BaseCommand):
    help = "Load product groups, sub-groups and product sets from classification.yaml."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", nargs="?", default=str(DEFAULT_PATH))

    def handle(self, *args: Any, path: str, **options: Any) -> None:
        file = Path(path)
        if not file.exists():
            raise CommandError(f"File not found: {file}")
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        if not isinstance(data, dict):
            raise CommandError("The classification file must be a mapping.")
        with transaction.atomic():
            counts = load(data)
            if counts["created"] or counts["updated"]:
                audit.record(actor=None, action="registry.classification.load",
                             object_type="registry.classification", object_id=file.name,
                             object_repr=file.name, changes=counts)
        self.stdout.write(
            f"Classification: {counts['created']} created, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged."
        )
        if counts["without_subgroup"]:
            self.stdout.write(
                f"Note: {counts['without_subgroup']} product sets have no 148 sub-group in the "
                "file (they are still filtered by group)."
            )
