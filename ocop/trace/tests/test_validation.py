"""The jsonschema_rs validator keeps the messages of Python jsonschema, with event and path."""

from __future__ import annotations

from ocop.trace.epcis import validation
from ocop.trace.tests.conftest import document, object_event


def problems(*events: dict) -> set[tuple[int | None, str, str]]:
    return {(p.event_index, p.path, p.message) for p in validation.validate(document(*events))}


def test_messages_in_python_jsonschema_wording() -> None:
    bad = object_event(1, bizStep=42, action="MAYBE", eventTime="2024-02-30T10:00:00Z",
                       epcList=["not a uri"])
    found = problems(object_event(0), bad)
    assert (1, "bizStep", "42 is not of type 'string'") in found
    assert (1, "action", "'MAYBE' does not match '^OBSERVE$'") in found
    assert (1, "eventTime", "'2024-02-30T10:00:00Z' is not a 'date-time'") in found
    assert (1, "epcList/0", "'not a uri' is not a 'uri'") in found
    assert all(index == 1 for index, _, _ in found)


def test_missing_field_and_unknown_key() -> None:
    event = object_event(0, foo=1)
    del event["action"]
    found = problems(event)
    assert (0, "", "'action' is a required property") in found
    assert (0, "", "'foo' is not a 'uri'") in found  # extension keys must be URIs/CURIEs


def test_envelope_problems_have_no_event_index() -> None:
    found = {(p.event_index, p.path, p.message) for p in validation.validate({"type": "x"})}
    assert (None, "", "'@context' is a required property") in found
    assert (None, "type", "'x' is not a 'uri'") in found


def test_valid_document_has_no_problems() -> None:
    assert validation.validate(document(object_event(0), object_event(1))) == []
