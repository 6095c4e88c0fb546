"""Our CBV 2.0 event hash gives exactly the reference generator's IDs (and is much faster)."""

from __future__ import annotations

import copy
import json
import logging
from pathlib import Path

import pytest
from epcis_event_hash_generator import json_to_py
from epcis_event_hash_generator.hash_generator import (
    calculate_hashes_from_pre_hashes,
    derive_prehashes_from_events,
)
from epcis_event_hash_generator.json_xml_model_mismatch_correction import (
    deep_structure_correction,
)
from pyld.jsonld import JsonLdError

from ocop.trace.epcis import hashing
from ocop.trace.tests.conftest import (
    CONTEXT,
    EXAMPLES,
    document,
    example_documents,
    load,
    object_event,
)

# GS1 example documents the reference cannot process as they stand (see hashing.py): an object
# value in @context (TypeError) and a redefinition of the protected "cbvmda" term (PyLD refuses).
REFERENCE_FAILS = {
    "Example-TransactionEvents-2020_07_03y.jsonld": TypeError,
    "transformation_event_all_possible_fields.jsonld": JsonLdError,
}


def _reference(doc: dict) -> list[str]:
    """Pre-hash strings from the reference package, one document at a time."""
    json_to_py._namespaces = {}  # the reference keeps prefixes in a module global
    events = json_to_py.event_list_from_epcis_document_json(copy.deepcopy(doc))
    return derive_prehashes_from_events(events)


def _reference_adapted(doc: dict) -> list[str | None]:
    """The reference's own steps, fed a context it accepts — only for the REFERENCE_FAILS files.

    PyLD sees the context without the entry redefining a protected term; the namespace table gets
    object-valued entries as their @id (or not at all without one). Everything else — the
    bare-word replacement, tree building and pre-hash — is the reference's code. An event the
    reference still cannot hash (a bizTransaction without type: IndexError) gives None.
    """
    context = doc["@context"]
    for_pyld = [c for c in context if not (isinstance(c, dict) and "cbvmda" in c)]
    expanded = json_to_py._bare_string_pre_preocessing({**copy.deepcopy(doc), "@context": for_pyld})
    names = []
    for part in context:
        if isinstance(part, dict):
            part = {k: (v["@id"] if isinstance(v, dict) else v) for k, v in part.items()
                    if not isinstance(v, dict) or "@id" in v}
        names.append(part)
    json_to_py._namespaces = {}
    json_to_py._collect_namespaces_from_jsonld_context(names)
    out: list[str | None] = []
    for event in expanded["epcisBody"]["eventList"]:
        try:
            tree = deep_structure_correction(json_to_py._json_to_py(event))
        except IndexError:
            out.append(None)
            continue
        out.extend(derive_prehashes_from_events(("EventList", "", [tree])))
    return out


@pytest.mark.parametrize("path", example_documents(), ids=lambda p: str(p.relative_to(EXAMPLES)))
def test_same_ids_as_reference_for_every_example_event(path: Path) -> None:
    logging.disable(logging.WARNING)  # the reference logs a warning per ambiguous bare word
    try:
        doc = load(path)
        events = doc["epcisBody"]["eventList"]
        ours = hashing.pre_hashes(events, doc["@context"])
        if path.name in REFERENCE_FAILS:
            with pytest.raises(REFERENCE_FAILS[path.name]):
                _reference(doc)
            adapted = _reference_adapted(doc)
            assert len(adapted) == len(events)
            # Only events the reference can hash at all are compared (all but one untyped
            # bizTransaction in the rail example); ours still gives that one an ID.
            assert sum(p is None for p in adapted) <= 1
            pairs = [(o, r) for o, r in zip(ours, adapted, strict=True) if r is not None]
            assert [o for o, _ in pairs] == [r for _, r in pairs]
            return
        reference = _reference(doc)
    finally:
        logging.disable(logging.NOTSET)
    assert len(reference) == len(events)  # the reference silently drops events it cannot hash
    assert ours == reference
    assert hashing.event_ids(events, doc["@context"]) == calculate_hashes_from_pre_hashes(reference)


def test_example_collection_is_complete() -> None:
    assert len(example_documents()) == 46


@pytest.mark.parametrize(
    "variant",
    [
        {"bizStep": "urn:epcglobal:cbv:bizstep:shipping"},
        {"bizStep": "https://ref.gs1.org/cbv/BizStep-shipping"},
        {"epcList": ["urn:epc:id:sgtin:8930000.000001.S0"]},
        {"eventTime": "2025-07-01T01:00:00Z"},
        {"eventTime": "2025-07-01T08:00:00.0004+07:00"},
    ],
    ids=["urn-bizstep", "web-bizstep", "urn-epc", "utc-time", "sub-ms-time"],
)
def test_equivalent_spellings_hash_alike(variant: dict) -> None:
    base = object_event(0, eventTime="2025-07-01T08:00:00.000+07:00")
    variant_ids = hashing.event_ids([{**base, **variant}], [CONTEXT])
    assert variant_ids == hashing.event_ids([base], [CONTEXT])


def test_fields_outside_the_hash_do_not_change_it_and_content_does() -> None:
    base = object_event(0)
    same = {**base, "recordTime": "2030-01-01T00:00:00Z", "eventID": "urn:uuid:x",
            "errorDeclaration": {"declarationTime": "2030-01-01T00:00:00Z"}}
    assert hashing.event_ids([same], [CONTEXT]) == hashing.event_ids([base], [CONTEXT])
    other = {**base, "disposition": "in_transit"}
    assert hashing.event_ids([other], [CONTEXT]) != hashing.event_ids([base], [CONTEXT])


def test_synthetic_documents_match_reference() -> None:
    """Shapes the GS1 examples do not cover: quantity lists, sources, sensors, extensions."""
    events = [
        object_event(1, quantityList=[{"epcClass": "urn:epc:class:lgtin:8930000.000001.L1",
                                       "quantity": 10.0, "uom": "KGM"}],
                     disposition="in_transit",
                     sourceList=[{"type": "owning_party",
                                  "source": "https://id.gs1.org/417/8930000000019"}],
                     bizTransactionList=[{"type": "po", "bizTransaction": "urn:po:1"},
                                         {"type": "inv", "bizTransaction": "urn:inv:0001"}]),
        object_event(2, sensorElementList=[{"sensorReport": [
            {"type": "Temperature", "value": 4.5, "uom": "CEL"}]}],
            **{"example:lot": "0042", "example:note": {"example:a": "shipping"}}),
    ]
    doc = document(*events, context=[CONTEXT, {"example": "http://ns.example.com/epcis/"}])
    assert hashing.pre_hashes(doc["epcisBody"]["eventList"], doc["@context"]) == _reference(doc)


def test_ten_thousand_events_get_distinct_ids() -> None:
    # Speed is measured in bench/epcis_bench.py, not asserted here (a loaded CI machine).
    events = [object_event(i) for i in range(10_000)]
    ids = hashing.event_ids(events, [CONTEXT])
    assert len(set(ids)) == 10_000
    assert json.dumps(ids[0]).startswith('"ni:///sha-256;')
