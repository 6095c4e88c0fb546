"""EPCIS 2.0 documents for the benches: one shape for the capture bench, the fault injection and
the locust load (the locustfile imports this module from its own folder, which locust puts on
``sys.path``)."""

from __future__ import annotations

from collections.abc import Iterable

CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
READ_POINT = "https://id.gs1.org/414/8930000000019"


def document(events: list[dict], creation_date: str = "2025-07-01T00:00:00Z") -> dict:
    return {
        "@context": [CONTEXT], "type": "EPCISDocument", "schemaVersion": "2.0",
        "creationDate": creation_date, "epcisBody": {"eventList": events},
    }


def shipments(epcs: Iterable[str], event_time: str) -> list[dict]:
    """One OBSERVE shipping event per EPC, all at ``event_time``."""
    return [{
        "type": "ObjectEvent", "eventTime": event_time, "eventTimeZoneOffset": "+07:00",
        "epcList": [epc], "action": "OBSERVE", "bizStep": "shipping",
        "disposition": "in_transit", "readPoint": {"id": READ_POINT},
    } for epc in epcs]
