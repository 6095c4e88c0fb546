from datetime import timedelta

from django.utils import timezone

from ocop.accounts.models import ApiToken
from ocop.accounts.testing import login_client
from ocop.audit.models import AuditEntry
from ocop.registry import services
from ocop.registry.models import Producer

NEW_PRODUCER = {
    "tax_code": "2914177765", "name": "HTX Mật ong Lục Ngạn", "legal_form": "cooperative",
    "commune": "C07582", "representative_name": "Lê Văn C", "employees": 4,
    "local_employees": 4,
}


def test_token_auth_and_pagination(world, client, settings):
    _, raw = ApiToken.issue(world.users["admin"], "test")
    headers = {"Authorization": f"Bearer {raw}"}
    data = client.get("/api/v1/producers", {"page_size": 2}, headers=headers).json()
    assert data["count"] == 4 and data["page"] == 1 and data["page_size"] == 2
    assert len(data["results"]) == 2
    page2 = client.get("/api/v1/producers", {"page_size": 2, "page": 2}, headers=headers).json()
    assert {r["id"] for r in data["results"]}.isdisjoint({r["id"] for r in page2["results"]})
    too_big = client.get("/api/v1/producers", {"page_size": settings.API_MAX_PAGE_SIZE + 1},
                         headers=headers)
    assert too_big.status_code == 422


def test_filters_and_diacritics_search(world, client):
    login_client(world.users["admin"], client)
    data = client.get("/api/v1/products", {"q": "vai thieu luc ngan"}).json()
    assert [r["name"] for r in data["results"]] == ["Sản phẩm HTX Vải thiều Lục Ngạn"]
    data = client.get("/api/v1/producers", {"province": "P01"}).json()
    assert [r["name"] for r in data["results"]] == ["HTX Trà Hoàn Kiếm"]
    assert data["results"][0]["province"] == "P01"
    data = client.get("/api/v1/producers", {"legal_form": "enterprise"}).json()
    assert data["count"] == 1
    data = client.get("/api/v1/products", {"product_set": "1048-01", "stars": 5}).json()
    assert data["count"] == 0


def test_create_producer_201_and_audited(world, client):
    login_client(world.users["commune_officer"], client)
    response = client.post("/api/v1/producers", NEW_PRODUCER, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["commune"] == "C07582" and body["legal_form_label"] == "Hợp tác xã"
    assert AuditEntry.objects.filter(action="registry.producer.create",
                                     object_id=str(body["id"])).exists()


def test_create_producer_validation_422_names_fields(world, client):
    login_client(world.users["admin"], client)
    bad = {**NEW_PRODUCER, "tax_code": "2914177766", "local_employees": 9,
           "business_reg_date": str(timezone.localdate() + timedelta(days=3))}
    response = client.post("/api/v1/producers", bad, content_type="application/json")
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["fields"]}
    assert fields == {"tax_code", "local_employees", "business_reg_date"}
    response = client.post("/api/v1/producers", {**NEW_PRODUCER, "commune": "C99999"},
                           content_type="application/json")
    assert response.json()["fields"][0]["field"] == "commune"
    # Schema-level problems (missing field, negative number) are 422 too.
    response = client.post("/api/v1/producers", {"name": "x", "employees": -1},
                           content_type="application/json")
    assert response.status_code == 422


def test_create_producer_outside_reach_403(world, client):
    login_client(world.users["commune_officer"], client)
    response = client.post("/api/v1/producers", {**NEW_PRODUCER, "commune": "C07210"},
                           content_type="application/json")
    assert response.status_code == 403
    assert not Producer.objects.filter(tax_code=NEW_PRODUCER["tax_code"]).exists()


def test_patch_producer_only_sent_fields(world, client):
    login_client(world.users["producer"], client)
    own = world.producers["own"]
    response = client.patch(f"/api/v1/producers/{own.pk}", {"website": "https://htx.vn"},
                            content_type="application/json")
    assert response.status_code == 200
    own.refresh_from_db()
    assert own.website == "https://htx.vn" and own.name == "HTX Vải thiều Lục Ngạn"
    response = client.patch(f"/api/v1/producers/{own.pk}", {"tax_code": "2914177765"},
                            content_type="application/json")
    assert response.status_code == 422
    assert response.json()["fields"][0]["field"] == "tax_code"


def test_products_create_and_patch(world, client):
    login_client(world.users["producer"], client)
    response = client.post("/api/v1/products", {"name": "Vải sấy", "product_set": "1048-01",
                                                "gtin": "8934567890120"},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["producer_id"] == world.producers["own"].pk and body["product_group"] == "1"
    # Producer account may not create for another producer: not even visible → 404.
    response = client.post("/api/v1/products", {"producer_id": world.producers["other_producer"].pk,
                                                "name": "X", "product_set": "1048-01"},
                           content_type="application/json")
    assert response.status_code == 404
    response = client.patch(f"/api/v1/products/{body['id']}", {"gtin": "8934567890121"},
                            content_type="application/json")
    assert response.status_code == 422
    assert response.json()["fields"][0]["field"] == "gtin"
    response = client.patch(f"/api/v1/products/{body['id']}", {"product_set": "nope"},
                            content_type="application/json")
    assert response.json()["fields"][0]["field"] == "product_set"


def test_documents_endpoint_has_expired_flag(world, client):
    producer = world.producers["own"]
    services.create_document(actor=None, producer=producer, data={
        "doc_type": "food_safety", "expires_on": timezone.localdate() - timedelta(days=2)})
    login_client(world.users["producer"], client)
    data = client.get(f"/api/v1/producers/{producer.pk}/documents").json()
    assert data["count"] == 1 and data["results"][0]["expired"] is True
    assert data["results"][0]["doc_type_label"].startswith("Giấy chứng nhận cơ sở")


def test_openapi_documents_the_endpoints(world, client):
    login_client(world.users["admin"], client)
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    for path in ("/api/v1/producers", "/api/v1/producers/{producer_id}",
                 "/api/v1/products", "/api/v1/products/{product_id}",
                 "/api/v1/producers/{producer_id}/documents"):
        assert path in paths
    props = schema["components"]["schemas"]["ProducerOut"]["properties"]
    assert "Mã số thuế" in props["tax_code"]["description"]
