"""Validation of EPCIS 2.0 JSON-LD documents against GS1's official JSON Schema.

The schema file (``schema/EPCIS-JSON-Schema.json``, GS1's single-file edition) is compiled once per
process. Its ``$ref``s are all local (``#/definitions/...``) and the schema is registered under its
own ``$id`` in a ``referencing`` registry that has no retriever, so validation never touches the
network.

The schema relies on two formats that ``jsonschema`` only checks with optional extra packages
(``date-time``, ``uri``); they are checked here with small local functions instead, because the
platform parses ``eventTime``/``recordTime`` and indexes URIs: "yesterday" must not pass.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

SCHEMA_FILE = Path(__file__).with_name("schema") / "EPCIS-JSON-Schema.json"

# RFC 3339 §5.6 date-time (the "T" may be lower case, the offset is required).
_DATE_TIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
)
# RFC 3986 absolute URI: a scheme, a colon, and no white space or characters URIs never contain.
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]*$")

_format_checker = FormatChecker(formats=())


@_format_checker.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _DATE_TIME.match(value):
        return False
    parse_time(value)  # rejects 2024-02-30 and 25:00
    return True


@_format_checker.checks("uri")
def _is_uri(value: object) -> bool:
    return not isinstance(value, str) or bool(_URI.match(value))


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


def _inline_refs(node: Any, definitions: dict[str, Any], stack: tuple[str, ...] = ()) -> Any:
    """Replace local ``$ref``s by their target (draft 7 ignores a ``$ref``'s siblings anyway).

    Resolving a reference costs more than checking the field it leads to; inlining makes a
    10,000-event document validate about 40 % faster. A reference back into its own chain is kept
    (and resolved by the registry), so recursive definitions still work.
    """
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/definitions/"):
            name = ref.removeprefix("#/definitions/").replace("%40", "@")
            if name in definitions and name not in stack:
                return _inline_refs(definitions[name], definitions, (*stack, name))
            return node
        return {k: _inline_refs(v, definitions, stack) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline_refs(v, definitions, stack) for v in node]
    return node


@cache
def _validator() -> Draft7Validator:
    root = schema()
    Draft7Validator.check_schema(root)
    definitions = root["definitions"]
    flat = {k: _inline_refs(v, definitions) for k, v in root.items() if k != "definitions"}
    flat["definitions"] = definitions
    # Registered under its own $id with no retriever: an unknown reference fails, never fetches.
    registry = Registry().with_resource(root["$id"], Resource(flat, specification=DRAFT7))
    return Draft7Validator(flat, registry=registry, format_checker=_format_checker)


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
    """The innermost errors: "if/then" and "anyOf" wrap the one that names the bad field."""
    if not error.context:
        return [error]
    out = []
    for sub in error.context:
        out.extend(_leaves(sub))
    return out


def validate(document: Any, *, limit: int = 50) -> list[Problem]:
    """Schema problems of an EPCIS document (capture or query), at most ``limit`` of them.

    Each problem names the event (its index in ``eventList``) and the field path inside it.
    """
    problems: list[Problem] = []
    seen: set[tuple[int | None, str, str]] = set()
    errors = sorted(_validator().iter_errors(document), key=lambda e: list(map(str, e.path)))
    for error in errors:
        # Prefer the deepest explanation; for anyOf alternatives keep those on the deepest path.
        leaves = _leaves(error)
        depth = max(len(leaf.absolute_path) for leaf in leaves)
        for leaf in leaves:
            if len(leaf.absolute_path) != depth:
                continue
            index, path = _event_path(list(leaf.absolute_path))
            key = (index, path, leaf.message)
            if key in seen:
                continue
            seen.add(key)
            problems.append(Problem(index, path, _short(leaf.message)))
            if len(problems) >= limit:
                return problems
    return problems


def _short(message: str) -> str:
    # jsonschema repeats the whole offending value; a large event would flood the response.
    return message if len(message) <= 300 else message[:297] + "..."
