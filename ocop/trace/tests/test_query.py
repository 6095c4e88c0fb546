"""GET /epcis/events: each filter, class-level matching, paging, jurisdiction."""

from __future__ import annotations

import pytest

from ocop.trace.epcis import validation
from ocop.trace.tests.conftest import document, object_event

pytestmark = pytest.mark.django_db

GTIN = "https://id.gs1.org/01/08930000000019"
SHOP = "https://id.gs1.org/414/8930000000026"


def _ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    events = response.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    return [e["eventID"] for e in events]


@pytest.fixture
def stored(api_for) -> dict[str, str]:
    """Five events in one capture by the Lục Ngạn producer; name → eventID."""
    events = {
        "ship": object_event(1, eventID="urn:uuid:00000000-0000-4000-8000-000000000001",
                             eventTime="2025-07-01T08:00:00+07:00"),
        "receive": object_event(
            2, eventID="urn:uuid:00000000-0000-4000-8000-000000000002",
            eventTime="2025-07-03T08:00:00+07:00", bizStep="https://ref.gs1.org/cbv/BizStep-receiving",
            disposition="in_progress", bizLocation={"id": "urn:epc:id:sgln:8930000.00002.0"},
            epcList=["urn:epc:id:sgtin:8930000.000001.S2"]),
        "pallet": {
            "type": "AggregationEvent", "eventID": "urn:uuid:00000000-0000-4000-8000-000000000003",
            "eventTime": "2025-07-05T08:00:00+07:00", "eventTimeZoneOffset": "+07:00",
            "parentID": "urn:epc:id:sscc:8930000.0000000001", "action": "ADD",
            "childEPCs": [f"{GTIN}/21/S7"], "bizStep": "packing"},
        "lot": object_event(4, eventID="urn:uuid:00000000-0000-4000-8000-000000000004",
                            eventTime="2025-07-07T08:00:00+07:00", epcList=[], action="ADD",
                            quantityList=[{"epcClass": f"{GTIN}/10/LOT1", "quantity": 5}]),
        "other": object_event(5, eventID="urn:uuid:00000000-0000-4000-8000-000000000005",
                              eventTime="2025-07-09T08:00:00+07:00",
                              epcList=["https://id.gs1.org/01/08930000000033/21/X"]),
    }
    response = api_for("producer").capture(document(*events.values()))
    assert response.status_code == 201
    return {name: e["eventID"] for name, e in events.items()}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["ship", "receive", "pallet", "lot", "other"]),
        ({"eventType": "AggregationEvent"}, ["pallet"]),
        ({"EQ_eventType": "ObjectEvent|AggregationEvent"}, ["ship", "receive", "pallet", "lot",
                                                           "other"]),
        ({"EQ_action": "ADD"}, ["pallet", "lot"]),
        ({"EQ_bizStep": "receiving"}, ["receive"]),
        ({"EQ_bizStep": "https://ref.gs1.org/cbv/BizStep-packing"}, ["pallet"]),
        ({"EQ_disposition": "urn:epcglobal:cbv:disp:in_progress"}, ["receive"]),
        ({"EQ_bizLocation": SHOP}, ["receive"]),
        ({"EQ_readPoint": "urn:epc:id:sgln:8930000.00001.0"}, ["ship", "receive", "lot",
                                                               "other"]),
        ({"GE_eventTime": "2025-07-03T01:00:00Z", "LT_eventTime": "2025-07-07T01:00:00Z"},
         ["receive", "pallet"]),
        ({"MATCH_epc": f"{GTIN}/21/S2"}, ["receive"]),  # captured as an SGTIN URN
        ({"MATCH_epc": f"{GTIN}/21/S7"}, ["pallet"]),  # childEPCs count for MATCH_epc
        ({"MATCH_epc": "urn:epc:id:sscc:8930000.0000000001"}, []),  # parentID does not
        ({"MATCH_parentID": "urn:epc:id:sscc:8930000.0000000001"}, ["pallet"]),
        ({"MATCH_anyEPC": "urn:epc:id:sscc:8930000.0000000001"}, ["pallet"]),
        ({"MATCH_anyEPC": GTIN}, ["ship", "receive", "pallet"]),  # class → its instances
        ({"MATCH_anyEPC": "urn:epc:idpat:sgtin:8930000.000001.*"}, ["ship", "receive",
                                                                   "pallet"]),
        ({"MATCH_anyEPC": f"{GTIN}/21/S2|https://id.gs1.org/01/08930000000033/21/X"},
         ["receive", "other"]),
        ({"MATCH_anyEPCClass": GTIN}, ["lot"]),
        ({"MATCH_anyEPCClass": "urn:epc:class:lgtin:8930000.000001.LOT1"}, ["lot"]),
        ({"EQ_eventID": "urn:uuid:00000000-0000-4000-8000-000000000004"}, ["lot"]),
        ({"EQ_bizStep": "shipping", "MATCH_anyEPC": GTIN}, ["ship"]),
    ],
)
def test_filters(api_for, stored, params, expected) -> None:
    assert _ids(api_for("admin").events(**params)) == [stored[n] for n in expected]


def test_record_time_filter(api_for, stored) -> None:
    api = api_for("admin")
    assert len(_ids(api.events(GE_recordTime="2000-01-01T00:00:00Z"))) == 5
    assert _ids(api.events(LT_recordTime="2000-01-01T00:00:00Z")) == []


@pytest.mark.parametrize(
    "params",
    [{"WD_readPoint": "x"}, {"GE_eventTime": "yesterday"}, {"GE_eventTime": "2025-07-01T00:00"},
     {"perPage": "0"}, {"perPage": "many"}, {"nextPageToken": "forged"}, {"EQ_bizStep": "|"}],
)
def test_bad_parameters_are_400(api_for, stored, params) -> None:
    response = api_for("admin").events(**params)
    assert response.status_code == 400
    assert response.json()["title"]


def test_paging_walks_every_event_once(api_for, stored) -> None:
    api = api_for("admin")
    seen: list[str] = []
    params = {"perPage": 2, "eventType": "ObjectEvent|AggregationEvent"}
    while True:
        response = api.events(**params)
        seen += _ids(response)
        assert validation.validate(response.json()) == []
        if "Link" not in response:
            break
        params["nextPageToken"] = response["GS1-Next-Page-Token"]
        assert 'rel="next"' in response["Link"]
    assert seen == list(stored.values())


def test_page_token_is_bound_to_its_query(api_for, stored) -> None:
    api = api_for("admin")
    token = api.events(perPage=1)["GS1-Next-Page-Token"]
    assert api.events(perPage=1, nextPageToken=token).status_code == 200
    assert api.events(perPage=1, EQ_action="ADD", nextPageToken=token).status_code == 400


@pytest.mark.parametrize(
    ("who", "count"),
    [("admin", 5), ("central", 5), ("province_office", 5), ("commune_officer", 5),
     ("council_member", 5), ("producer", 5), ("far_producer", 0), ("hanoi_office", 0)],
)
def test_query_is_limited_to_jurisdiction(api_for, stored, who, count) -> None:
    assert len(_ids(api_for(who).events())) == count


def test_query_needs_a_token(api_for, stored) -> None:
    assert api_for(None).events().status_code == 401


def test_query_document_is_json_ld_and_valid(api_for, stored) -> None:
    response = api_for("admin").events()
    assert response["Content-Type"] == "application/ld+json"
    doc = response.json()
    assert doc["schemaVersion"] == "2.0" and doc["type"] == "EPCISQueryDocument"
    assert validation.validate(doc) == []


def test_query_count_does_not_grow_with_page_size(api_for, stored,
                                                  django_assert_max_num_queries) -> None:
    api = api_for("admin")
    with django_assert_max_num_queries(6):
        api.events(perPage=5, MATCH_anyEPC=GTIN)
