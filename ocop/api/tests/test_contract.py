"""The one error contract of the API (docs/api.md), router by router: every refusal answers
``{"code", "message", "fields"}`` with the right status, in Vietnamese by default and in English
with ``Accept-Language: en``; the trace and EPCIS operations answer the same members inside an
RFC 7807 problem (``application/problem+json``)."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from ocop.accounts.models import Role
from ocop.accounts.services import issue_api_token
from ocop.accounts.testing import login_client, make_user
from ocop.api.types import DB_ID_MAX
from ocop.certificates.tests.conftest import cw
from ocop.criteria.services import load_shipped_sets
from ocop.dossiers import services as dossier_services
from ocop.dossiers.models import Round
from ocop.dossiers.testing import D2025, submitted
from ocop.evaluation.tests.conftest import answers_for, cycle, ev
from ocop.planning import services as planning
from ocop.registry.testing import classification, world
from ocop.trace.tests.conftest import chain, people

__all__ = ["chain", "classification", "cw", "cycle", "ev", "people", "world"]

pytestmark = pytest.mark.django_db

# A letter only Vietnamese writes (ă, â, đ, ê, ô, ơ, ư, or a tone mark on a vowel).
VIETNAMESE = re.compile(
    "[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.IGNORECASE)
PROBLEM = "application/problem+json"
NEW_PRODUCER = {
    "tax_code": "2914177765", "name": "HTX Mật ong Lục Ngạn", "legal_form": "cooperative",
    "commune": "C07582", "representative_name": "Lê Văn C", "employees": 4,
    "local_employees": 4,
}

Call = Callable[..., object]


def _client(user) -> Client:
    _token, raw = issue_api_token(user=user, name="contract", second_factor_passed=True)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _shape(response, status: int, code: str, problem: bool) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    if problem:
        assert response["Content-Type"] == PROBLEM
        assert body["type"] and body["status"] == status
        assert body["title"] == body["detail"] == body["message"]
        body = {k: body[k] for k in ("code", "message", "fields")}
    else:
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert set(body) == {"code", "message", "fields"}
    assert body["code"] == code
    assert isinstance(body["fields"], list)
    assert all(set(item) == {"field", "message"} for item in body["fields"])
    return body


def refused(call: Call, status: int, code: str, *, fields: set[str] | None = None,
            problem: bool = False) -> tuple[dict, dict]:
    """Make the request in Vietnamese (the default) and in English; both answer the one shape
    with the same code and fields, the message in each language."""
    vi = _shape(call(), status, code, problem)
    en = _shape(call(HTTP_ACCEPT_LANGUAGE="en"), status, code, problem)
    assert VIETNAMESE.search(vi["message"]), vi
    assert not VIETNAMESE.search(en["message"]), en
    assert vi["message"] != en["message"]
    names = [item["field"] for item in vi["fields"]]
    assert names == [item["field"] for item in en["fields"]]
    assert set(names) == (fields or set())
    return vi, en


def _json(client: Client, method: str, url: str, body: object) -> Call:
    def call(**headers):
        return getattr(client, method)(url, json.dumps(body), content_type="application/json",
                                       **headers)
    return call


# --- Authentication and the framework's own refusals -----------------------------------------


def test_no_token_is_a_401_in_the_one_shape():
    refused(lambda **h: Client().get("/api/v1/producers", **h), 401, "not_authenticated")


def test_a_session_without_its_csrf_token_is_a_403_in_the_one_shape(world):
    client = login_client(world.users["admin"], Client(enforce_csrf_checks=True))
    producer = world.producers["own"]
    refused(_json(client, "patch", f"/api/v1/producers/{producer.pk}", {"phone": "0912345678"}),
            403, "csrf_failed")
    producer.refresh_from_db()
    assert producer.phone != "0912345678"


def test_a_parameter_refused_by_its_schema_is_a_422_naming_it(world):
    admin = _client(world.users["admin"])
    vi, en = refused(lambda **h: admin.get("/api/v1/producers", {"page": 0}, **h), 422,
                     "invalid", fields={"page"})
    assert vi["fields"][0]["message"] == "Giá trị phải từ 1 trở lên."
    assert en["fields"][0]["message"] == "Value must be at least 1."


def test_malformed_json_is_a_400_in_the_one_shape(world):
    admin = _client(world.users["admin"])
    refused(lambda **h: admin.post("/api/v1/products", "{", content_type="application/json",
                                   **h), 400, "malformed_json")


# --- Registry --------------------------------------------------------------------------------


def test_registry_refusals(world):
    admin = _client(world.users["admin"])
    refused(lambda **h: admin.get(f"/api/v1/producers/{DB_ID_MAX}", **h), 404, "not_found")
    officer = _client(world.users["commune_officer"])  # another commune: outside its reach
    refused(_json(officer, "post", "/api/v1/producers", {**NEW_PRODUCER, "commune": "C07210"}),
            403, "forbidden")
    refused(_json(admin, "post", "/api/v1/producers", {**NEW_PRODUCER, "commune": "C99999"}),
            422, "registry.unknown_commune", fields={"commune"})
    # A service rule (the tax code's check digit) is a 422 naming the field, too.
    refused(_json(admin, "patch", f"/api/v1/producers/{world.producers['own'].pk}",
                  {"tax_code": "2914177766"}), 422, "invalid", fields={"tax_code"})


# --- Dossiers --------------------------------------------------------------------------------


def test_dossier_refusals(cycle):
    producer = _client(cycle.users["producer"])
    refused(lambda **h: producer.get(f"/api/v1/dossiers/{DB_ID_MAX}", **h), 404, "not_found")
    # The producers' commune sees a submitted dossier but does not accept it.
    ready = submitted(cycle, when=D2025, position="other_producer")
    officer = _client(cycle.users["commune_officer"])
    refused(_json(officer, "post", f"/api/v1/dossiers/{ready.pk}/accept", {}), 403,
            "forbidden")
    draft = dossier_services.open_dossier(actor=None, product=cycle.products["own"],
                                          today=D2025)
    owner = producer
    refused(_json(owner, "patch", f"/api/v1/dossiers/{draft.pk}",
                  {"self_assessment": {"A1": "nope"}}), 422, "invalid", fields={"A1"})
    # No round chosen yet: the state does not allow submitting, and the code names the rule.
    refused(lambda **h: owner.post(f"/api/v1/dossiers/{draft.pk}/submit", **h), 409,
            "dossiers.round_missing")
    refused(_json(owner, "post", "/api/v1/dossiers",
                  {"product_id": cycle.products["own"].pk, "requested_round_id": DB_ID_MAX}),
            422, "dossiers.unknown_round", fields={"round_id"})


# --- Evaluation ------------------------------------------------------------------------------


def test_evaluation_refusals(ev):
    member = _client(ev.members["second"].user)
    url = f"/api/v1/score-sheets/{ev.dossier.pk}"
    refused(lambda **h: member.get(f"/api/v1/score-sheets/{DB_ID_MAX}", **h), 404, "not_found")
    refused(lambda **h: member.get(f"/api/v1/councils/{DB_ID_MAX}/summary", **h), 404,
            "not_found")
    refused(_json(member, "put", url, {"answers": {"ZZ9": "x"}}), 422, "invalid",
            fields={"ZZ9"})
    ev.score("second", answers_for(ev.dossier, 60))  # submitted: one sheet per member
    refused(lambda **h: member.post(f"{url}/submit", **h), 409, "evaluation.sheet_submitted")
    refused(_json(member, "put", url, {"answers": {}}), 409, "evaluation.sheet_submitted")
    # A closed round: the same code (the sentence names the round, so it is not compared).
    Round.objects.filter(pk=ev.cycle.district_round.pk).update(status=Round.Status.CLOSED)
    chair = _client(ev.members["chair"].user)
    response = _json(chair, "put", url, {"answers": {}})()
    assert _shape(response, 409, "evaluation.round_closed",
                  problem=False)["message"].endswith("nữa.")


# --- Certificates ----------------------------------------------------------------------------


def test_certificate_refusals(cw):
    today = timezone.localdate()
    cert = cw.issue(decision=cw.province_decision, issued_on=today - timedelta(days=100),
                    today=today)
    office = _client(cw.users["province_office"])
    body = {"reason": "Kiểm tra", "decision_number": "5/QĐ"}
    refused(_json(office, "post", "/api/v1/certificates/OCOP-00-0000-00000/revoke", body), 404,
            "not_found")
    refused(_json(_client(cw.users["inspector"]), "post",
                  f"/api/v1/certificates/{cert.number}/revoke", body),
            403, "certificates.revoke_forbidden")
    refused(_json(office, "post", f"/api/v1/certificates/{cert.number}/revoke",
                  {**body, "revoked_on": "2099-01-01"}), 422, "invalid", fields={"revoked_on"})
    refused(_json(office, "post", f"/api/v1/certificates/{cert.number}/revoke",
                  {**body, "reason": ""}), 422, "invalid", fields={"reason"})


# --- Criteria (public) -----------------------------------------------------------------------


def test_criteria_refusals(db):
    load_shipped_sets()
    client = Client()
    refused(lambda **h: client.get("/api/v1/criteria-sets/khong-co", **h), 404,
            "criteria.unknown_set", fields={"code"})
    code = "148-rau-cu-qua-hat-tuoi-minh-hoa"
    refused(_json(client, "post", f"/api/v1/criteria-sets/{code}/evaluate",
                  {"answers": {"ZZ9": "a"}, "partial": True}),
            422, "criteria.not_scorable", fields={"ZZ9"})
    refused(lambda **h: client.post(f"/api/v1/criteria-sets/{code}/evaluate", "{not json",
                                    content_type="application/json", **h),
            400, "criteria.bad_request", fields={"__all__"})


# --- Administrative units (public) -----------------------------------------------------------


def test_unit_refusals(units):
    client = Client()
    refused(lambda **h: client.get("/api/v1/units/provinces/P99/communes", **h), 404,
            "units.unknown_province")
    refused(lambda **h: client.get("/api/v1/units/KHONG-CO", **h), 404, "units.unknown_unit")
    refused(lambda **h: client.get("/api/v1/units/provinces", {"era": "x"}, **h), 422,
            "invalid", fields={"era"})


def test_planning_refusals(units):
    hanoi_plan = planning.create_plan(actor=None, data={
        "province": units.ha_noi, "year": 2026, "title": "Kế hoạch OCOP Hà Nội 2026"})
    office = _client(make_user(Role.PROVINCE_OFFICE, unit=units.bac_ninh))
    # Another province's plan is out of reach: the same 404 as a plan that does not exist.
    refused(lambda **h: office.get(f"/api/v1/plans/{hanoi_plan.pk}", **h), 404,
            "planning.not_found")
    refused(lambda **h: office.get(f"/api/v1/plans/{DB_ID_MAX}", **h), 404,
            "planning.not_found")
    refused(lambda **h: office.get("/api/v1/plans", {"page": 0}, **h), 422, "invalid",
            fields={"page"})
    own = _client(make_user(Role.PROVINCE_OFFICE, unit=units.ha_noi))
    assert own.get("/api/v1/plans").json()["count"] == 1


# --- Trace supply and EPCIS: the same members inside an RFC 7807 problem ----------------------


def test_trace_supply_refusals(chain):
    producer = _client(chain.people["producer"])
    refused(lambda **h: producer.get(f"/api/v1/trace/zones/{DB_ID_MAX}", **h), 404,
            "not_found", problem=True)
    refused(lambda **h: Client().get(f"/api/v1/trace/zones/{chain.zone.pk}", **h), 401,
            "not_authenticated", problem=True)
    refused(_json(producer, "post", f"/api/v1/trace/lots/{chain.packed.pk}/stamps",
                  {"count": 0}), 422, "invalid", fields={"count"}, problem=True)
    # A schema refusal on a trace operation is a problem too.
    refused(_json(producer, "post", f"/api/v1/trace/lots/{chain.packed.pk}/stamps",
                  {"count": "x"}), 422, "invalid", fields={"count"}, problem=True)
    # Serials 1–50 were packed by the chain: packing them again is a state conflict.
    refused(_json(producer, "post", f"/api/v1/trace/stamp-batches/{chain.batch.pk}/pack",
                  {"first": 1, "last": 50, "at": "2025-06-18T08:00:00+07:00"}),
            409, "conflict", fields={"first"}, problem=True)
    far = _client(chain.people["far_producer"])
    refused(_json(far, "post", f"/api/v1/trace/lots/{chain.packed.pk}/stamps", {"count": 1}),
            404, "not_found", problem=True)


def test_epcis_refusals(chain):
    producer = _client(chain.people["producer"])
    refused(lambda **h: producer.get(f"/api/v1/epcis/capture/{uuid.uuid4()}", **h), 404,
            "epcis.not_found", problem=True)
    refused(lambda **h: producer.get("/api/v1/epcis/capture/x", **h), 404, "epcis.not_found",
            problem=True)
    refused(lambda **h: Client().get("/api/v1/epcis/events", **h), 401, "not_authenticated",
            problem=True)


def test_epcis_capture_problem_keeps_its_standard_members(chain):
    producer = _client(chain.people["producer"])
    response = producer.post("/api/v1/epcis/capture", "{", content_type="application/ld+json")
    body = _shape(response, 400, "epcis.validation", problem=True)
    problem = response.json()
    assert problem["type"] == "epcisException:ValidationException"
    assert VIETNAMESE.search(body["message"])


# --- The OpenAPI document: one component for every error ------------------------------------


def test_every_documented_error_uses_the_one_component(world):
    document = json.loads(_client(world.users["admin"]).get("/api/v1/openapi.json").content)
    refs = {"#/components/schemas/ApiError", "#/components/schemas/ApiProblem"}
    seen = 0
    for path, item in document["paths"].items():
        for method, operation in item.items():
            problem = bool({"trace", "epcis"} & set(operation.get("tags", [])))
            for status, response in operation["responses"].items():
                if not status.startswith("4"):
                    continue
                for media, content in response["content"].items():
                    schema = content["schema"]
                    options = schema.get("anyOf", [schema])
                    assert any(o.get("$ref") in refs for o in options), (path, method, status)
                    if problem:
                        assert schema == {"$ref": "#/components/schemas/ApiProblem"}, (
                            path, method, status, media)
                    seen += 1
    assert seen > 100
    schemas = document["components"]["schemas"]
    assert schemas["ApiError"]["required"] == ["code", "message", "fields"]
