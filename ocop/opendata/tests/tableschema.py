"""An independent check of data against a Table Schema (Frictionless v1), for the tests.

Covers what our schemas use: the types string, integer and date (default format), and the
constraints required, unique, enum, minimum, maximum and pattern (XML Schema style: anchored),
with ``missingValues``. Written from the specification (https://specs.frictionlessdata.io/
table-schema/), not from the code that builds the files, so that a drift between the two fails.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

INTEGER = re.compile(r"[+-]?[0-9]+")


def _cast(kind: str, value: Any) -> Any:
    if kind == "string":
        if not isinstance(value, str):
            raise ValueError("not a string")
        return value
    if kind == "integer":
        if isinstance(value, bool):
            raise ValueError("not an integer")
        if isinstance(value, int):
            return value
        if isinstance(value, str) and INTEGER.fullmatch(value):
            return int(value)
        raise ValueError("not an integer")
    if kind == "date":
        if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
            raise ValueError("not an ISO date")
        return date.fromisoformat(value)
    raise ValueError(f"type {kind} not covered by this checker")


def row_errors(schema: dict[str, Any], rows: list[dict[str, Any]]) -> list[str]:
    """Every violation, as "row N, field: problem"; empty when the rows match the schema."""
    missing = set(schema.get("missingValues", [""]))
    errors: list[str] = []
    seen: dict[str, set[Any]] = {}
    names = [field["name"] for field in schema["fields"]]
    for number, row in enumerate(rows, start=1):
        if set(row) != set(names):
            errors.append(f"row {number}: keys {sorted(set(row) ^ set(names))} differ")
            continue
        for field in schema["fields"]:
            name, raw = field["name"], row[field["name"]]
            constraints = field.get("constraints", {})
            if raw is None or (isinstance(raw, str) and raw in missing):
                if constraints.get("required"):
                    errors.append(f"row {number}, {name}: required")
                continue
            try:
                value = _cast(field["type"], raw)
            except ValueError as exc:
                errors.append(f"row {number}, {name}: {exc} ({raw!r})")
                continue
            if "enum" in constraints and value not in [
                    _cast(field["type"], v) for v in constraints["enum"]]:
                errors.append(f"row {number}, {name}: {value!r} not in enum")
            if "minimum" in constraints and value < constraints["minimum"]:
                errors.append(f"row {number}, {name}: below minimum")
            if "maximum" in constraints and value > constraints["maximum"]:
                errors.append(f"row {number}, {name}: above maximum")
            if "pattern" in constraints and not re.fullmatch(constraints["pattern"], str(raw)):
                errors.append(f"row {number}, {name}: does not match the pattern")
            if constraints.get("unique"):
                if value in seen.setdefault(name, set()):
                    errors.append(f"row {number}, {name}: not unique")
                seen[name].add(value)
    return errors
