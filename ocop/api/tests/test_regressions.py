"""Reproductions of what the API fuzzing found (each answered 500 before), and the promise that
the OpenAPI document lists every answer the framework itself sends."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from ocop.accounts.services import issue_api_token
from ocop.api.types import API_MAX_PAGE, DB_ID_MAX
from ocop.registry.testing import classification, world
from ocop.trace.models import Zone

__all__ = ["classification", "world"]

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    _token, raw = issue_api_token(user=user, name="test", second_factor_passed=True)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def admin(world) -> Client:
    return _client(world.users["admin"])


def _fields(response) -> set[str]:
    body = response.json()
    assert body["code"] == "invalid"
    return {item["field"] for item in body["fields"]}


# --- 1. An unbounded page overflowed SQLite's OFFSET (OverflowError → 500) --------------------


@pytest.mark.parametrize("url", [
    "/api/v1/producers", "/api/v1/products", "/api/v1/dossiers", "/api/v1/rounds",
])
@pytest.mark.parametrize("page", [10**18, API_MAX_PAGE + 1, 0])
def test_a_page_out_of_range_is_a_422_naming_page(admin, url, page):
    response = admin.get(url, {"page": page})
    assert response.status_code == 422
    assert _fields(response) == {"page"}


def test_the_last_allowed_page_answers_an_empty_list(admin):
    response = admin.get("/api/v1/producers", {"page": API_MAX_PAGE})
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_page_size_over_the_maximum_is_refused_not_clamped(admin, settings):
    response = admin.get("/api/v1/rounds", {"page_size": settings.API_MAX_PAGE_SIZE + 1})
    assert response.status_code == 422
    assert _fields(response) == {"page_size"}


def test_documents_page_is_bounded_too(admin, world):
    url = f"/api/v1/producers/{world.producers['own'].pk}/documents"
    assert _fields(admin.get(url, {"page": 10**18})) == {"page"}


# --- 2. PATCH with null for a NOT NULL text field reached the service (TypeError → 500) -------


@pytest.mark.parametrize("field", ["name", "street_address", "phone", "employees", "status"])
def test_patch_producer_refuses_null_for_a_required_field(admin, world, field):
    producer = world.producers["own"]
    response = admin.patch(f"/api/v1/producers/{producer.pk}", {field: None},
                           content_type="application/json")
    assert response.status_code == 422
    assert _fields(response) == {field}
    assert "null" in response.json()["fields"][0]["message"]


def test_patch_producer_accepts_null_where_the_model_does(admin, world):
    producer = world.producers["own"]
    response = admin.patch(f"/api/v1/producers/{producer.pk}", {"business_reg_date": None},
                           content_type="application/json")
    assert response.status_code == 200


@pytest.mark.parametrize("field", ["description", "ingredients", "name", "product_set"])
def test_patch_product_refuses_null_for_a_required_field(admin, world, field):
    product = world.products["own"]
    response = admin.patch(f"/api/v1/products/{product.pk}", {field: None},
                           content_type="application/json")
    assert response.status_code == 422
    assert _fields(response) == {field}


def test_patch_product_clears_the_gtin_with_null(admin, world):
    product = world.products["own"]
    response = admin.patch(f"/api/v1/products/{product.pk}", {"gtin": None},
                           content_type="application/json")
    assert response.status_code == 200
    assert response.json()["gtin"] is None


# --- 3. An integer above 64 bits overflowed the database driver (OverflowError → 500) ---------


def _zone(world, **extra) -> dict:
    return {"producer": world.producers["own"].pk, "code": "24-001-VT-01", "name": "Vùng vải",
            "crop": "Vải thiều", "crop_kind": "perennial", "declared_area_ha": "12.5", **extra}


def test_zone_with_a_product_id_over_64_bits_is_a_422(admin, world):
    response = admin.post("/api/v1/trace/zones", _zone(world, products=[2**64]),
                          content_type="application/json")
    assert response.status_code == 422
    assert _fields(response) == {"products.0"}
    assert not Zone.objects.exists()


@pytest.mark.parametrize("url", [
    "/api/v1/producers/{id}", "/api/v1/products/{id}", "/api/v1/dossiers/{id}",
    "/api/v1/score-sheets/{id}", "/api/v1/trace/zones/{id}",
])
@pytest.mark.parametrize("value", [DB_ID_MAX + 1, 0])
def test_path_ids_outside_the_database_range_are_a_422(admin, url, value):
    response = admin.get(url.format(id=value))
    assert response.status_code == 422
    assert response.json()["fields"][0]["field"] in {
        "producer_id", "product_id", "dossier_id", "zone_id"}


def test_the_largest_database_id_is_simply_not_found(admin):
    assert admin.get(f"/api/v1/producers/{DB_ID_MAX}").status_code == 404


# --- 4. Physical bounds: numbers the columns cannot hold, or that make no sense ---------------


@pytest.mark.parametrize("area", ["1e300", "100001", "0", "-1", "NaN", "12.00001"])
def test_zone_area_out_of_physical_sense_is_refused(admin, world, area):
    response = admin.post("/api/v1/trace/zones", _zone(world, declared_area_ha=area),
                          content_type="application/json")
    assert response.status_code == 422
    assert _fields(response) == {"declared_area_ha"}


def test_stamp_count_over_the_column_is_refused(admin):
    response = admin.post("/api/v1/trace/lots/1/stamps", {"count": 2**40},
                          content_type="application/json")
    assert response.status_code == 422
    assert _fields(response) == {"count"}


@pytest.mark.parametrize("employees", [2**31, -1])
def test_producer_counts_are_bounded(admin, world, employees):
    producer = world.producers["own"]
    response = admin.patch(f"/api/v1/producers/{producer.pk}", {"employees": employees},
                           content_type="application/json")
    assert _fields(response) == {"employees"}


@pytest.mark.parametrize("at", ["0001-01-01T00:00:00+07:00", "2101-01-01T00:00:00Z"])
def test_implausible_years_are_refused(admin, at):
    response = admin.post("/api/v1/trace/lots/1/ship", {"at": at, "place": "Kho"},
                          content_type="application/json")
    assert response.status_code == 422
    assert _fields(response) == {"at"}
    assert "1900–2100" in response.json()["fields"][0]["message"]


# --- Bodies of the wrong shape ----------------------------------------------------------------


def test_an_array_instead_of_an_object_is_a_422(admin, world):
    producer = world.producers["own"]
    response = admin.patch(f"/api/v1/producers/{producer.pk}", "[1, 2]",
                           content_type="application/json")
    assert response.status_code == 422
    assert _fields(response) == {"__all__"}


def test_malformed_json_is_a_400(admin, world):
    response = admin.post("/api/v1/products", "{", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"code": "malformed_json", "fields": [],
                               "message": "Thân yêu cầu không phải JSON hợp lệ."}


def test_scan_of_a_string_that_is_no_url_is_a_422_problem():
    response = Client().get("/api/v1/trace/scan", {"uri": "[h\x93"})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert _fields(response) == {"uri"}


def test_validation_messages_are_vietnamese_by_default(admin):
    message = admin.get("/api/v1/producers", {"page": 0}).json()["fields"][0]["message"]
    assert message == "Giá trị phải từ 1 trở lên."


# --- The OpenAPI document lists the framework's own answers -----------------------------------


def test_openapi_documents_401_404_422_and_400_where_they_can_happen(admin):
    document = json.loads(admin.get("/api/v1/openapi.json").content)
    paths = document["paths"]
    producer = paths["/api/v1/producers/{producer_id}"]
    assert {"401", "404", "422"} <= set(producer["get"]["responses"])
    assert {"400", "401", "404", "422"} <= set(producer["patch"]["responses"])
    # The public unit list has a query parameter but no authentication.
    provinces = paths["/api/v1/units/provinces"]["get"]["responses"]
    assert "422" in provinces and "401" not in provinces
    # Trace refusals are RFC 7807 problems.
    zone = paths["/api/v1/trace/zones/{zone_id}"]["get"]["responses"]["404"]["content"]
    assert {"application/json", "application/problem+json"} <= set(zone)
    events = paths["/api/v1/epcis/events"]["get"]["responses"]["200"]["content"]
    assert "application/ld+json" in events
    # One error component for every app (and its RFC 7807 form for trace and EPCIS).
    schemas = document["components"]["schemas"]
    assert set(schemas["ApiError"]["properties"]) == {"code", "message", "fields"}
    assert set(schemas["ApiProblem"]["properties"]) >= {"code", "message", "fields", "type",
                                                          "title", "status"}
    assert not [name for name in schemas if "ErrorOut" in name or name == "ApiDetail"]
