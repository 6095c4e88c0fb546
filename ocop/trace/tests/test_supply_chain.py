"""Lots, transformations and the EPCIS events the platform writes through the capture service."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from ocop.trace import services, stamps
from ocop.trace.epcis import validation
from ocop.trace.models import EpcisEvent, Lot, LotEvent
from ocop.trace.selectors import event_json

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def test_lots_and_links(chain) -> None:
    assert list(chain.harvest.zones.all()) == [chain.zone]
    assert list(chain.packed.inputs.all()) == [chain.harvest]
    assert list(chain.harvest.outputs.all()) == [chain.packed]
    assert chain.packed.unit == "hộp" and chain.packed.quantity == Decimal("400")


def test_events_written_through_capture(chain) -> None:
    steps = list(LotEvent.objects.order_by("occurred_at").values_list("step", "lot__code"))
    assert steps == [("harvest", "VT-2025-01"), ("transform", "VS-2025-01"),
                     ("pack", "VS-2025-01"), ("ship", "VS-2025-01")]
    events = {e.biz_step.rsplit("-", 1)[-1] + ":" + e.event_type: e
              for e in EpcisEvent.objects.all()}
    assert set(events) == {"commissioning:ObjectEvent", "commissioning:TransformationEvent",
                           "packing:AggregationEvent", "shipping:ObjectEvent"}
    for event in events.values():
        # jurisdiction of the producer, whoever recorded it
        assert event.producer_id == chain.people["producer"].producer_id
        assert event.province_id == "P24"
        assert validation.validate({"@context": [
            "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
            {"ocop": "http://127.0.0.1:8000/ns/epcis#"}],
            "type": "EPCISDocument", "schemaVersion": "2.0",
            "creationDate": "2025-06-10T00:00:00Z",
            "epcisBody": {"eventList": [event_json(event)]}}) == []

    harvest = events["commissioning:ObjectEvent"].data
    assert harvest["action"] == "ADD"
    assert harvest["ilmd"] == {"cbvmda:lotNumber": "VT-2025-01"}
    assert harvest["ocop:zoneCode"] == "VN-24-219-07591-001-23"
    assert harvest["quantityList"] == [{
        "epcClass": f"http://127.0.0.1:8000/t/{chain.fruit.pk}/VT-2025-01",
        "quantity": 1200.0, "uom": "KGM"}]

    transform = events["commissioning:TransformationEvent"].data
    assert transform["inputQuantityList"][0]["quantity"] == 1000.0
    assert transform["outputQuantityList"][0]["epcClass"] == \
        "https://id.gs1.org/01/08930000000019/10/VS-2025-01"
    assert transform["ilmd"]["cbvmda:itemExpirationDate"] == "2026-06-15"

    pack = events["packing:AggregationEvent"].data
    assert len(pack["childEPCs"]) == 50
    assert pack["childEPCs"][0] == "https://id.gs1.org/01/08930000000019/10/VS-2025-01/21/1"
    assert events["shipping:ObjectEvent"].data["disposition"] == "in_transit"


def test_events_found_by_the_epcis_query(chain, api_for) -> None:
    lot_class = stamps.epc_class(chain.dried.gtin, chain.dried.pk, chain.packed.code)
    body = api_for("producer").events(MATCH_anyEPCClass=lot_class).json()
    found = body["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    assert {e["type"] for e in found} == {"TransformationEvent", "ObjectEvent"}
    stamp = stamps.epc_instance(chain.dried.gtin, chain.dried.pk, chain.packed.code, 3)
    body = api_for("producer").events(MATCH_epc=stamp).json()
    assert [e["type"] for e in body["epcisBody"]["queryResults"]["resultsBody"]["eventList"]] \
        == ["AggregationEvent"]
    assert api_for("far_producer").events(MATCH_epc=stamp).json()[
        "epcisBody"]["queryResults"]["resultsBody"]["eventList"] == []


def test_receive(chain) -> None:
    services.receive(actor=chain.people["producer"], lot=chain.packed,
                     received_at=datetime(2025, 6, 18, 10, tzinfo=TZ), place="Kho Hà Nội")
    last = LotEvent.objects.order_by("-occurred_at").first()
    assert (last.step, last.place) == ("receive", "Kho Hà Nội")
    assert EpcisEvent.objects.filter(biz_step__endswith="receiving").count() == 1


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"lot_code": "VS-2025-01"}, "đã có lô"),
    ({"lot_code": "có dấu"}, "Số lô chỉ gồm"),
    ({"quantity": Decimal("0")}, "lớn hơn 0"),
    ({"unit": "thùng phuy"}, "Đơn vị"),
    ({"used": Decimal("5000")}, "Lượng dùng"),
])
def test_refused_transformations_store_nothing(chain, kwargs, message) -> None:
    used = kwargs.pop("used", Decimal("10"))
    args = {"actor": chain.people["producer"], "inputs": [(chain.harvest, used)],
            "product": chain.dried, "lot_code": "VS-2025-02",
            "produced_at": datetime(2025, 7, 1, tzinfo=TZ), "quantity": Decimal("5"),
            "unit": "hộp", **kwargs}
    counts = (Lot.objects.count(), EpcisEvent.objects.count(), LotEvent.objects.count())
    with pytest.raises(services.ActionError, match=message):
        services.record_transformation(**args)
    assert (Lot.objects.count(), EpcisEvent.objects.count(), LotEvent.objects.count()) == counts


def test_ship_needs_a_destination_and_a_sane_quantity(chain) -> None:
    producer = chain.people["producer"]
    with pytest.raises(services.ActionError, match="nơi nhận"):
        services.ship(actor=producer, lot=chain.packed, shipped_at=datetime.now(TZ),
                      destination=" ")
    with pytest.raises(services.ActionError, match="Số lượng"):
        services.ship(actor=producer, lot=chain.packed, shipped_at=datetime.now(TZ),
                      destination="Hà Nội", quantity=Decimal("401"))
