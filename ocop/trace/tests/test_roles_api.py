"""Who may manage zones, lots, events and stamps; the trace JSON API; the management pages."""

from __future__ import annotations

import json
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from ocop.accounts.testing import login_client as login
from ocop.jobs.testing import start_and_download
from ocop.trace import services
from ocop.trace.models import EpcisEvent, Lot, StampBatch, Zone
from ocop.trace.tests.conftest import zone_data

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
ALLOWED = {"admin", "central", "province_office", "producer"}
REFUSED = {"hanoi_office", "commune_officer", "council_member", "far_producer"}


@pytest.mark.parametrize("who", sorted(ALLOWED | REFUSED))
def test_issue_stamps_matrix(chain, who) -> None:
    actor = chain.people[who]
    if who in ALLOWED:
        batch = services.issue_stamps(actor=actor, lot=chain.packed, count=3)
        assert batch.first_serial == 101
    else:
        with pytest.raises(services.ActionError) as refused:
            services.issue_stamps(actor=actor, lot=chain.packed, count=3)
        assert refused.value.status == 404
        assert StampBatch.objects.count() == 1


@pytest.mark.parametrize("who", sorted(ALLOWED | REFUSED))
def test_zone_creation_matrix(people, who) -> None:
    own = people["producer"].producer
    if who in ALLOWED:
        services.create_zone(actor=people[who], producer=own, data=zone_data())
        assert Zone.objects.count() == 1
    else:
        with pytest.raises(services.ActionError):
            services.create_zone(actor=people[who], producer=own, data=zone_data())
        assert not Zone.objects.exists()


def test_office_records_for_a_producer_and_the_event_stays_the_producers(chain) -> None:
    office = chain.people["province_office"]
    services.ship(actor=office, lot=chain.packed, shipped_at=datetime(2025, 7, 1, tzinfo=TZ),
                  destination="Đà Nẵng")
    event = EpcisEvent.objects.filter(biz_step__endswith="shipping").last()
    assert event.producer_id == chain.people["producer"].producer_id


@pytest.mark.parametrize(("who", "status"), [
    ("producer", 200), ("province_office", 200), ("commune_officer", 200),
    ("far_producer", 404), ("hanoi_office", 404)])
def test_pages_are_scoped(chain, who, status) -> None:
    client = login(chain.people[who])
    for url in (f"/truy-xuat/vung/{chain.zone.pk}/", f"/truy-xuat/lo/{chain.packed.pk}/",
                f"/truy-xuat/tem/{chain.batch.pk}/"):
        assert client.get(url).status_code == status, url
    listing = client.get("/truy-xuat/lo/").content.decode()
    assert ("VS-2025-01" in listing) == (status == 200)


def test_the_lot_page_names_its_columns_in_vietnamese(chain) -> None:
    page = login(chain.people["province_office"]).get(f"/truy-xuat/lo/{chain.packed.pk}/")
    text = page.content.decode()
    assert "<th>Người ghi nhận</th>" in text and ">eventID<" not in text
    # Who recorded each step is named; the EPCIS event ids stay in the API.
    assert "urn:uuid:" not in text
    owner = chain.packed.lot_events.first().event.capture.owner
    assert (owner.get_full_name() or owner.username) in text
    # Four forms on one page: each label points at its own form's field.
    ids = re.findall(r'\sid="([^"]+)"', text)
    assert len(ids) == len(set(ids)) and 'for="ship-id_place"' not in text
    assert 'for="ship-place"' in text and 'for="receive-place"' in text


def test_commune_officer_sees_but_cannot_act(chain) -> None:
    client = login(chain.people["commune_officer"])
    page = client.get(f"/truy-xuat/tem/{chain.batch.pk}/").content.decode()
    assert "Huỷ tem" not in page
    response = client.post(f"/truy-xuat/tem/{chain.batch.pk}/",
                           {"first": 1, "last": 2, "reason": "x", "op": "void"})
    assert response.status_code == 404
    response = client.post(f"/truy-xuat/lo/{chain.packed.pk}/stamps/", {"count": 5})
    assert response.status_code == 404  # actions refuse, reported as not found


def test_pages_drive_the_actions(chain, django_capture_on_commit_callbacks) -> None:
    client = login(chain.people["producer"])
    response = client.post(f"/truy-xuat/lo/{chain.packed.pk}/stamps/", {"count": 20})
    batch = StampBatch.objects.order_by("-pk").first()
    assert response.status_code == 302 and batch.count == 20
    response = client.post(f"/truy-xuat/tem/{batch.pk}/", {"first": 101, "last": 110,
                                                          "at": "2025-07-01T08:00", "op": "pack"})
    assert response.status_code == 302
    response = client.post(f"/truy-xuat/tem/{batch.pk}/", {"first": 1, "last": 5, "reason": "x",
                                                          "op": "void"})
    assert response.status_code == 400
    assert "nằm ngoài lô tem" in response.content.decode()
    # The sheet is made by a background job (ocop.jobs); a range outside the batch goes back
    # to the batch page with the reason, and no job.
    _job, pdf = start_and_download(client, django_capture_on_commit_callbacks,
                                   f"/truy-xuat/tem/{batch.pk}/pdf", {"from": 101, "to": 104})
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    refused = client.post(f"/truy-xuat/tem/{batch.pk}/pdf", {"from": 1, "to": 4})
    assert refused.status_code == 302 and refused["Location"] == f"/truy-xuat/tem/{batch.pk}/"
    response = client.post(f"/truy-xuat/vung/{chain.zone.pk}/", {
        "form": "harvest", "product": chain.fruit.pk, "lot_code": "VT-2025-09",
        "harvested_at": "2025-07-02T06:30", "quantity": "300", "unit": "kg"})
    assert response.status_code == 302
    assert Lot.objects.filter(code="VT-2025-09", zones=chain.zone).exists()


def test_zone_form_reports_an_open_polygon(people, classification) -> None:
    client = login(people["producer"])
    open_ring = {"type": "Polygon", "coordinates": [[[106.55, 21.38], [106.56, 21.38],
                                                     [106.56, 21.39], [106.55, 21.39]]]}
    data = {**zone_data(), "producer": people["producer"].producer_id,
            "boundary": json.dumps(open_ring)}
    response = client.post("/truy-xuat/vung/moi/", data)
    assert response.status_code == 400
    assert "không khép kín" in response.content.decode()
    response = client.post("/truy-xuat/vung/moi/", {**data, "boundary": "{not json"})
    assert response.status_code == 400 and "GeoJSON không hợp lệ" in response.content.decode()
    assert not Zone.objects.exists()


# --- JSON API --------------------------------------------------------------------------------


def post(api, path: str, body) -> object:
    return api.client.post(f"/api/v1/trace{path}", data=json.dumps(body),
                           content_type="application/json", headers=api.headers)


def test_api_chain(people, classification, api_for) -> None:
    from ocop.registry import services as registry

    api = api_for("producer")
    own = people["producer"].producer
    fruit = registry.create_product(actor=None, producer=own, data={
        "name": "Na Chi Lăng", "product_set": classification})
    body = {**zone_data(), "producer": own.pk, "products": [fruit.pk]}
    response = post(api, "/zones", body)
    assert response.status_code == 201, response.content
    zone_id = response.json()["id"]
    response = post(api, f"/zones/{zone_id}/harvest", {
        "product": fruit.pk, "lot_code": "NA-01", "harvested_at": "2025-08-01T07:00:00+07:00",
        "quantity": "500", "unit": "kg"})
    assert response.status_code == 201, response.content
    lot_id = response.json()["id"]
    response = post(api, f"/lots/{lot_id}/stamps", {"count": 10})
    assert response.status_code == 201
    batch = response.json()
    assert "/t/" in batch["firstUri"]
    response = post(api, f"/stamp-batches/{batch['id']}/pack",
                    {"first": 1, "last": 10, "at": "2025-08-02T07:00:00+07:00"})
    assert response.status_code == 201
    response = post(api, f"/lots/{lot_id}/ship", {"at": "2025-08-03T07:00:00+07:00",
                                                  "place": "Chợ Đồng Xuân"})
    assert response.status_code == 201
    response = api.get("/api/v1/trace/scan", uri=batch["firstUri"])
    assert response.json()["stampState"] == "ok"
    assert [s["step"] for s in response.json()["journey"]] == ["harvest", "pack", "ship"]
    response = post(api, "/transformations", {
        "inputs": [{"lot": lot_id, "quantity": "200"}], "product": fruit.pk,
        "lot_code": "NA-SAY-01", "produced_at": "2025-08-05T07:00:00+07:00",
        "quantity": "50", "unit": "kg"})
    assert response.status_code == 201, response.content
    out = response.json()
    assert out["epcClass"].endswith(f"/t/{fruit.pk}/NA-SAY-01")
    response = post(api, f"/lots/{out['id']}/receive", {"at": "2025-08-06T07:00:00+07:00",
                                                        "place": "Kho Hà Nội"})
    assert response.status_code == 201
    assert Lot.objects.get(pk=out["id"]).lot_events.count() == 2
    response = post(api, "/transformations", {
        "inputs": [{"lot": lot_id, "quantity": "9999"}], "product": fruit.pk,
        "lot_code": "NA-SAY-02", "produced_at": "2025-08-05T07:00:00+07:00",
        "quantity": "50", "unit": "kg"})
    assert response.status_code == 422
    assert [f["field"] for f in response.json()["fields"]] == ["inputs"]


@pytest.mark.parametrize(("path", "body", "status", "text"), [
    ("/stamp-batches/{batch}/void", {"first": 99, "last": 120, "reason": "x"}, 422,
     "ngoài lô tem"),
    ("/stamp-batches/{batch}/pack", {"first": 1, "last": 2}, 422, "thời điểm"),
    ("/lots/{lot}/stamps", {"count": 0}, 422, "Số tem"),
    ("/zones", {**zone_data(code="VN-24-219-07591-002-23",
                            boundary={"type": "Polygon", "coordinates": [[[1, 2], [3, 4]]]}),
                "producer": "{producer}"}, 422, "ít nhất 4 điểm"),
])
def test_api_refusals_name_the_problem(chain, api_for, path, body, status, text) -> None:
    ids = {"batch": chain.batch.pk, "lot": chain.packed.pk,
           "producer": chain.people["producer"].producer_id}
    body = {k: (int(v.format(**ids)) if isinstance(v, str) and v.startswith("{") else v)
            for k, v in body.items()}
    events = EpcisEvent.objects.count()
    response = post(api_for("producer"), path.format(**ids), body)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert text in response.json()["detail"] and text in response.json()["message"]
    assert EpcisEvent.objects.count() == events


def test_api_hides_other_producers_objects(chain, api_for) -> None:
    response = post(api_for("far_producer"), f"/lots/{chain.packed.pk}/stamps", {"count": 1})
    assert response.status_code == 404
    assert api_for("far_producer").get(f"/api/v1/trace/zones/{chain.zone.pk}").status_code == 404
    assert api_for(None).get(f"/api/v1/trace/zones/{chain.zone.pk}").status_code == 401


def test_api_malformed_json(chain, api_for) -> None:
    api = api_for("producer")
    response = api.client.post(f"/api/v1/trace/lots/{chain.packed.pk}/stamps", data=b"{count",
                               content_type="application/json", headers=api.headers)
    assert 400 <= response.status_code < 500


def test_api_scan_is_public(chain) -> None:
    response = Client().get("/api/v1/trace/scan", {"uri": "https://x/01/1/10/L/21/1?s=A"})
    assert response.status_code == 422 and "định dạng" in response.json()["detail"]


def test_zone_form_creates_a_zone_with_its_map(people, classification) -> None:
    from ocop.registry import services as registry

    own = people["producer"].producer
    fruit = registry.create_product(actor=None, producer=own, data={
        "name": "Vải thiều tươi", "product_set": classification})
    client = login(people["producer"])
    data = {**zone_data(), "producer": own.pk, "products": [fruit.pk],
            "boundary": json.dumps(zone_data()["boundary"])}
    response = client.post("/truy-xuat/vung/moi/", data)
    zone = Zone.objects.get()
    assert response.status_code == 302 and list(zone.products.all()) == [fruit]
    page = client.get(f"/truy-xuat/vung/{zone.pk}/").content.decode()
    assert 'class="zone-map"' in page and "Vải thiều tươi" in page
