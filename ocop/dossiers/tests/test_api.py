"""The dossier API end to end: create, autosave, submit, corrections, accept, rounds."""

from __future__ import annotations

from unittest import mock

import pytest

from ocop.accounts.testing import login_client
from ocop.audit.models import AuditEntry
from ocop.dossiers.testing import D2024, D2025, Cycle, complete, submitted

pytestmark = pytest.mark.django_db


def _today(day):
    return mock.patch("ocop.dossiers.services.timezone.localdate", return_value=day)


def test_create_patch_submit_correct_accept(cycle: Cycle) -> None:
    producer = login_client(cycle.users["producer"])
    office = login_client(cycle.users["province_office"])
    with _today(D2024):
        r = producer.post("/api/v1/dossiers", {"product_id": cycle.products["own"].pk,
                                               "requested_round_id": cycle.district_round.pk},
                          content_type="application/json")
        assert r.status_code == 201, r.content
        body = r.json()
        pk = body["id"]
        assert body["state"] == "draft" and body["form"]["product_name"]
        assert body["reference"] == f"HS-{pk:06d}"
        # Not ready: 409 with the reasons in Vietnamese.
        r = producer.post(f"/api/v1/dossiers/{pk}/submit")
        assert r.status_code == 409 and "Thiếu tài liệu bắt buộc" in r.json()["message"]
        r = producer.patch(f"/api/v1/dossiers/{pk}", {"form": {"main_market": "Hà Nội"}},
                           content_type="application/json")
        assert r.status_code == 200 and r.json()["form"]["main_market"] == "Hà Nội"
        r = producer.patch(f"/api/v1/dossiers/{pk}", {"self_assessment": {"A1": "nope"}},
                           content_type="application/json")
        assert r.status_code == 422 and r.json()["fields"][0]["field"] == "A1"
        from ocop.dossiers.models import Dossier

        complete(Dossier.objects.get(pk=pk))
        r = producer.post(f"/api/v1/dossiers/{pk}/submit")
        assert r.status_code == 200, r.content
        assert r.json()["state"] == "submitted" and r.json()["versions"][0]["number"] == 1
        r = office.post(f"/api/v1/dossiers/{pk}/request-corrections",
                        {"items": [{"code": "A1", "comment": "Bổ sung hợp đồng"}]},
                        content_type="application/json")
        assert r.status_code == 200 and r.json()["state"] == "corrections_requested"
        assert r.json()["corrections"][0]["items"] == [{"code": "A1",
                                                         "comment": "Bổ sung hợp đồng"}]
        r = producer.post(f"/api/v1/dossiers/{pk}/submit")
        assert r.status_code == 200 and r.json()["state"] == "resubmitted"
        r = office.post(f"/api/v1/dossiers/{pk}/accept",
                        {"round_id": cycle.district_round.pk}, content_type="application/json")
        assert r.status_code == 200 and r.json()["round"] == cycle.district_round.pk
    assert AuditEntry.objects.filter(object_type="dossiers.dossier", object_id=str(pk),
                                     action="dossier.accept").exists()


def test_list_filters_and_pagination(cycle: Cycle) -> None:
    submitted(cycle, when=D2025)
    submitted(cycle, when=D2025, position="other_commune")
    client = login_client(cycle.users["province_office"])
    data = client.get("/api/v1/dossiers", {"page_size": 1}).json()
    assert data["count"] == 2 and len(data["results"]) == 1
    data = client.get("/api/v1/dossiers", {"commune": "C07210"}).json()
    assert [r["producer_name"] for r in data["results"]] == ["Công ty Gốm Bắc Giang"]
    assert client.get("/api/v1/dossiers", {"province": "P24"}).json()["count"] == 2
    assert client.get("/api/v1/dossiers", {"province": "P01"}).json()["count"] == 0
    data = client.get("/api/v1/dossiers", {"q": "vai thieu"}).json()
    assert [r["producer_name"] for r in data["results"]] == ["HTX Vải thiều Lục Ngạn"]
    data = client.get("/api/v1/dossiers", {"state": "draft"}).json()
    assert data["count"] == 0
    data = client.get("/api/v1/dossiers", {"round": cycle.province_round_2025.pk}).json()
    assert data["count"] == 2


def test_list_query_count_is_constant(cycle: Cycle, django_assert_max_num_queries) -> None:
    for position in ("own", "other_producer", "other_commune"):
        submitted(cycle, when=D2025, position=position)
    client = login_client(cycle.users["central"])
    client.get("/api/v1/dossiers")  # warm the session
    with django_assert_max_num_queries(6):
        assert client.get("/api/v1/dossiers").json()["count"] == 3


def test_rounds_endpoint_is_scoped(cycle: Cycle) -> None:
    names = {r["name"] for r in login_client(cycle.users["province_office"])
             .get("/api/v1/rounds").json()["results"]}
    assert {cycle.district_round.name, cycle.province_round_2025.name} <= names
    hanoi = login_client(cycle.users["other_province_office"]).get("/api/v1/rounds").json()
    assert hanoi["count"] == 0
    data = login_client(cycle.users["central"]).get("/api/v1/rounds", {"level": "district"})
    assert [r["issuing_unit"] for r in data.json()["results"]] == ["LD219"]


def test_rounds_endpoint_searches_without_diacritics(cycle: Cycle) -> None:
    client = login_client(cycle.users["central"])
    for q in ("luc ngan", "Lục Ngạn", "dot 1 district"):  # the organising unit, the name
        names = [r["name"] for r in client.get("/api/v1/rounds", {"q": q}).json()["results"]]
        assert names == [cycle.district_round.name], q
    assert client.get("/api/v1/rounds", {"q": "khongcogiday"}).json()["count"] == 0


def test_create_for_a_product_outside_jurisdiction_is_404(cycle: Cycle) -> None:
    client = login_client(cycle.users["producer"])
    r = client.post("/api/v1/dossiers", {"product_id": cycle.products["other_producer"].pk},
                    content_type="application/json")
    assert r.status_code == 404
