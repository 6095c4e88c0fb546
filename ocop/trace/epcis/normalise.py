"""Canonical forms used only for indexing and query filters; the stored event is never changed.

An EPCIS event may name the same thing in several spellings — ``"shipping"``,
``"urn:epcglobal:cbv:bizstep:shipping"`` and ``"https://ref.gs1.org/cbv/BizStep-shipping"``;
``urn:epc:id:sgtin:0614141.107346.2017`` and ``https://id.gs1.org/01/00614141073467/21/2017``.
The index columns hold one canonical spelling (CBV web URI, canonical GS1 Digital Link) and query
parameters are brought to the same spelling, so a filter finds an event whichever form either side
used.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ocop.trace.epcis.hashing import canonical_value

CBV = "https://ref.gs1.org/cbv/"
_BARE_TERM = re.compile(r"^[a-z][a-z0-9_]*$")
_CBV_URNS = {
    "BizStep-": "urn:epcglobal:cbv:bizstep:",
    "Disp-": "urn:epcglobal:cbv:disp:",
}
# GTIN (01) and ITIP (8006) keys: the class is the key without lot/serial qualifiers.
_CLASS = re.compile(r"^(https://id\.gs1\.org/(?:01|8006)/\d+)(?:/.*)?$")

# EventEpc kinds and the event fields that feed them.
EPC_FIELDS = {
    "epcList": "epc",
    "childEPCs": "child",
    "inputEPCList": "input",
    "outputEPCList": "output",
}
QUANTITY_FIELDS = ("quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList")


def vocabulary(value: Any, kind: str) -> str:
    """A CBV vocabulary value (``kind`` = "BizStep-" or "Disp-") as its web URI."""
    if not isinstance(value, str) or not value:
        return ""
    if _BARE_TERM.match(value):
        return CBV + kind + value
    if value.startswith(_CBV_URNS[kind]):
        return CBV + kind + value[len(_CBV_URNS[kind]):]
    if value.startswith("cbv:"):
        return CBV + value[4:]
    return value


def identifier(value: Any) -> str:
    """An EPC, class, pattern or location URI in canonical GS1 Digital Link form when it is one."""
    if not isinstance(value, str):
        return ""
    return canonical_value(value.strip()) if value.strip() else ""


def epc_class(canonical: str) -> str:
    """The GTIN/ITIP class of a canonical instance or lot identifier ("" if it has none)."""
    found = _CLASS.match(canonical)
    return found.group(1) if found else ""


def is_class(canonical: str) -> bool:
    """Whether a canonical identifier names a whole class (a bare GTIN/ITIP key)."""
    return epc_class(canonical) == canonical


def location(value: Any) -> str:
    """readPoint / bizLocation id (the object form ``{"id": ...}``) in canonical form."""
    if isinstance(value, dict):
        value = value.get("id")
    return identifier(value)


def event_epcs(event: dict) -> Iterator[tuple[str, str]]:
    """(kind, canonical identifier) for every EPC and quantity class an event names."""
    parent = event.get("parentID")
    if isinstance(parent, str):
        yield "parent", identifier(parent)
    for field, kind in EPC_FIELDS.items():
        values = event.get(field)
        if isinstance(values, list):
            for value in values:
                if isinstance(value, str):
                    yield kind, identifier(value)
    for field in QUANTITY_FIELDS:
        values = event.get(field)
        if isinstance(values, list):
            for element in values:
                if isinstance(element, dict) and isinstance(element.get("epcClass"), str):
                    yield "quantity", identifier(element["epcClass"])
