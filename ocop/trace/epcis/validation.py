"""Validation of EPCIS 2.0 JSON-LD documents against GS1's official JSON Schema.

The schema file (``schema/EPCIS-JSON-Schema.json``, GS1's single-file edition) is compiled once per
process with ``jsonschema_rs`` (the Rust validator; ≈25× faster than the pure-Python ``jsonschema``
on a 10,000-event document). Its ``$ref``s are all local (``#/definitions/...``) and the validator
is built with ``offline=True``: a reference that is not in the document fails, it is never fetched.

The schema relies on two formats (``date-time``, ``uri``) that are checked here with small local
functions instead of the validator's own, because the platform parses ``eventTime``/``recordTime``
and indexes URIs: "yesterday" and "2024-02-30T…" must not pass, and the messages stay the same
whichever validator runs.

Messages keep the wording of Python ``jsonschema`` (``'action' is a required property``,
``42 is not of type 'string'``, ``'x' is not a 'uri'``) so that error responses did not change
when the validator was swapped; kinds without a counterpart keep jsonschema_rs's text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs

SCHEMA_FILE = Path(__file__).with_name("schema") / "EPCIS-JSON-Schema.json"

# RFC 3339 §5.6 date-time (the "T" may be lower case, the offset is required).
_DATE_TIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
)
# RFC 3986 absolute URI: a scheme, a colon, and no white space or characters URIs never contain.
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]*$")


def _is_date_time(value: str) -> bool:
    if not _DATE_TIME.match(value):
        return False
    try:
        parse_time(value)  # rejects 2024-02-30 and 25:00
    except ValueError:
        return False
    return True


def _is_uri(value: str) -> bool:
    return bool(_URI.match(value))


def parse_time(value: str) -> datetime:
    """An RFC 3339 timestamp as an aware datetime (Python ≥ 3.11 reads "Z" and any fraction)."""
    return datetime.fromisoformat(value.replace("z", "Z").replace("t", "T"))


@dataclass(frozen=True)
class Problem:
    """One schema violation. ``event_index`` is None for envelope (document-level) problems."""

    event_index: int | None
    path: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"eventIndex": self.event_index, "path": self.path, "message": self.message}


@cache
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


@cache
def _validator() -> Any:
    return jsonschema_rs.Draft7Validator(
        schema(), formats={"date-time": _is_date_time, "uri": _is_uri}, validate_formats=True,
        offline=True,
    )


def _event_path(path: list[Any]) -> tuple[int | None, str]:
    """Split ["epcisBody", "eventList", 3, "bizStep"] into (3, "bizStep")."""
    for i in range(len(path) - 1):
        if path[i] == "eventList" and isinstance(path[i + 1], int):
            rest = path[i + 2:]
            return path[i + 1], _json_pointer(rest)
    return None, _json_pointer(path)


def _json_pointer(parts: list[Any]) -> str:
    return "/".join(str(p) for p in parts)


def _leaves(error: Any) -> list[Any]:
    """The innermost errors: "anyOf"/"oneOf"/"propertyNames" wrap the ones that name the bad
    field."""
    inner = getattr(error.kind, "error", None)  # propertyNames wraps a single error
    if inner is not None:
        return _leaves(inner)
    context = getattr(error.kind, "context", None)
    if not context:
        return [error]
    out = []
    for branch in context:
        for sub in branch:
            out.extend(_leaves(sub))
    return out


def _message(error: Any) -> str:
    """The message in Python jsonschema's wording for the common kinds."""
    kind, instance = error.kind, error.instance
    name = kind.name
    if name == "required":
        return f"{kind.property!r} is a required property"
    if name == "type":
        types = kind.types if hasattr(kind, "types") else None
        if types:
            return f"{instance!r} is not of type {', '.join(repr(t) for t in types)}"
    if name == "format":
        return f"{instance!r} is not a {kind.format!r}"
    if name == "enum":
        return f"{instance!r} is not one of {kind.options!r}"
    if name == "const":
        return f"{kind.expected_value!r} was expected"
    if name == "minItems":
        return f"{instance!r} should be non-empty" if kind.limit == 1 else \
            f"{instance!r} is too short"
    if name == "not":
        return f"{instance!r} should not be valid under {kind.schema!r}"
    if name == "pattern":
        return f"{instance!r} does not match {kind.pattern!r}"
    return error.message


def validate(document: Any, *, limit: int = 50) -> list[Problem]:
    """Schema problems of an EPCIS document (capture or query), at most ``limit`` of them.

    Each problem names the event (its index in ``eventList``) and the field path inside it.
    """
    problems: list[Problem] = []
    seen: set[tuple[int | None, str, str]] = set()
    errors = sorted(_validator().iter_errors(document),
                    key=lambda e: list(map(str, e.instance_path)))
    for error in errors:
        # Prefer the deepest explanation; for anyOf alternatives keep those on the deepest path.
        leaves = _leaves(error)
        depth = max(len(leaf.instance_path) for leaf in leaves)
        for leaf in leaves:
            if len(leaf.instance_path) != depth:
                continue
            index, path = _event_path(list(leaf.instance_path))
            message = _message(leaf)
            key = (index, path, message)
            if key in seen:
                continue
            seen.add(key)
            problems.append(Problem(index, path, _short(message)))
            if len(problems) >= limit:
                return problems
    return problems


def _short(message: str) -> str:
    # Messages repeat the offending value; a large event would flood the response.
    return message if len(message) <= 300 else message[:297] + "..."
