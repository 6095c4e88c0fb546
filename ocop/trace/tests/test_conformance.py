"""Every GS1 example capture document goes in through the API and comes back unchanged.

What the repository adds, and nothing else: ``recordTime`` (the capture time; a client-sent value
is replaced, as EPCIS prescribes) and ``eventID`` when the event came without one (its CBV 2.0
hash). The returned EPCISQueryDocument validates against the same official schema.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from ocop.trace.epcis import hashing, validation
from ocop.trace.tests.conftest import EXAMPLES, example_documents, load

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", example_documents(), ids=lambda p: str(p.relative_to(EXAMPLES)))
def test_example_document_round_trip(path: Path, api_for) -> None:
    doc = load(path)
    sent = doc["epcisBody"]["eventList"]
    api = api_for("admin")

    response = api.capture(doc)
    assert response.status_code == 201, response.content
    body = response.json()
    computed = hashing.event_ids(sent, doc["@context"])
    expected_ids = [e.get("eventID") or computed[i] for i, e in enumerate(sent)]
    assert body["eventIDs"] == expected_ids  # an event that arrived with an eventID keeps it
    assert body["duplicateEventIDs"] == []

    result = api.events(perPage=1000)
    assert result.status_code == 200
    query_doc = result.json()
    assert validation.validate(query_doc) == []
    assert query_doc["type"] == "EPCISQueryDocument"
    returned = query_doc["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    assert len(returned) == len(sent)
    record_times = set()
    for original, back, event_id in zip(sent, returned, expected_ids, strict=True):
        record_times.add(back["recordTime"])
        assert datetime.fromisoformat(back["recordTime"]).tzinfo is not None
        assert back == {**original, "eventID": event_id, "recordTime": back["recordTime"]}
    assert len(record_times) == 1  # one capture, one record time
    # Extension prefixes declared by the capture document are declared again.
    for part in doc["@context"]:
        assert part in query_doc["@context"] or (
            isinstance(part, dict) and part.items() <= query_doc["@context"][-1].items()
        )
