import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from ocop.audit.models import AuditEntry
from ocop.audit.services import verify_chain
from ocop.registry import services
from ocop.registry.models import EvidenceDocument, Producer
from ocop.registry.tests.test_uploads import PDF


def entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


def test_create_producer_writes_audit_snapshot_and_search_text(world):
    officer = world.users["commune_officer"]
    producer = services.create_producer(actor=officer, data={
        "legal_form": "household", "name": "Hộ Nguyễn Thị Đào", "tax_code": "2914177765",
        "commune": world.units.xa_luc_ngan, "representative_name": "Nguyễn Thị Đào",
        "employees": 3, "local_employees": 3,
    })
    entry = entries("registry.producer.create")[-1]
    assert entry.object_id == str(producer.pk)
    assert entry.actor_id == officer.pk
    assert entry.changes["tax_code"] == "2914177765"
    assert "search_text" not in entry.changes
    assert "ho nguyen thi dao" in producer.search_text
    assert "luc ngan" in producer.search_text


def test_update_producer_records_only_the_diff(world):
    producer = world.producers["own"]
    services.update_producer(actor=world.users["province_office"], producer=producer,
                             data={"phone": "0912345678", "name": producer.name})
    entry = entries("registry.producer.update")[-1]
    assert entry.changes == {"phone": ["", "0912345678"]}
    # Nothing changed: no entry.
    services.update_producer(actor=world.users["province_office"], producer=producer,
                             data={"phone": "0912345678"})
    assert len(entries("registry.producer.update")) == 1


def test_renaming_producer_refreshes_product_search_text(world):
    producer = world.producers["own"]
    services.update_producer(actor=None, producer=producer, data={"name": "HTX Nông sản Đồng Cốc"})
    product = producer.products.get()
    assert "htx nong san dong coc" in product.search_text


def test_validation_errors_name_fields(world):
    with pytest.raises(ValidationError) as exc:
        services.create_producer(actor=None, data={
            "legal_form": "cooperative", "name": "X", "tax_code": "0100109106",
            "commune": world.units.xa_luc_ngan, "representative_name": "Y",
            "employees": 1, "local_employees": 2,
        })
    # Duplicate tax code is refused at the unique check, after field rules pass.
    assert "local_employees" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.create_producer(actor=None, data={
            "legal_form": "cooperative", "name": "X", "tax_code": "0100109106",
            "commune": world.units.xa_luc_ngan, "representative_name": "Y",
        })
    assert "đã được đăng ký" in exc.value.message_dict["tax_code"][0]


def test_delete_producer_with_products_refused_then_allowed(world):
    producer = world.producers["other_commune"]
    with pytest.raises(ValidationError) as exc:
        services.delete_producer(actor=world.users["admin"], producer=producer)
    assert "còn 1 sản phẩm" in exc.value.messages[0]
    services.delete_product(actor=world.users["admin"], product=producer.products.get())
    services.delete_producer(actor=world.users["admin"], producer=producer)
    assert not Producer.objects.filter(pk=producer.pk).exists()
    assert entries("registry.producer.delete")[-1].changes["tax_code"] == producer.tax_code
    assert verify_chain().broken is None


def test_commune_officer_may_not_delete_and_nothing_is_written(world):
    before = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        services.delete_product(actor=world.users["commune_officer"],
                                product=world.products["own"])
    assert AuditEntry.objects.count() == before


def test_producer_may_not_change_locked_fields(world):
    user = world.users["producer"]
    producer = world.producers["own"]
    with pytest.raises(ValidationError) as exc:
        services.update_producer(actor=user, producer=producer,
                                 data={"tax_code": "2914177765", "legal_form": "enterprise"})
    assert set(exc.value.message_dict) == {"tax_code", "legal_form"}
    services.update_producer(actor=user, producer=producer, data={"phone": "0987654321"})
    producer.refresh_from_db()
    assert producer.phone == "0987654321"


def test_producer_may_not_create_producers_nor_products_of_others(world):
    user = world.users["producer"]
    with pytest.raises(PermissionDenied):
        make_producer_as(user, world)
    with pytest.raises(PermissionDenied):
        services.create_product(actor=user, producer=world.producers["other_producer"],
                                data={"name": "Z", "product_set": world.product_set})
    product = services.create_product(actor=user, producer=world.producers["own"],
                                      data={"name": "Mứt vải", "product_set": world.product_set,
                                            "gtin": "8934567890120"})
    assert product.gtin == "8934567890120"


def make_producer_as(user, world):
    return services.create_producer(actor=user, data={
        "legal_form": "household", "name": "N", "tax_code": "3170669072",
        "commune": world.units.xa_luc_ngan, "representative_name": "R"})


def test_duplicate_gtin_refused(world):
    services.update_product(actor=None, product=world.products["own"],
                            data={"gtin": "8934567890120"})
    with pytest.raises(ValidationError) as exc:
        services.update_product(actor=None, product=world.products["other_producer"],
                                data={"gtin": "8934567890120"})
    assert "gtin" in exc.value.message_dict


def test_document_with_file_and_disguised_file(world):
    producer = world.producers["own"]
    doc = services.create_document(
        actor=world.users["producer"], producer=producer,
        data={"doc_type": "food_safety", "number": "123/ATTP"},
        file=SimpleUploadedFile("attp.pdf", PDF),
    )
    assert doc.file.name.endswith(".pdf")
    assert doc.uploaded_by == world.users["producer"]
    assert entries("registry.document.create")[-1].object_id == str(doc.pk)
    with pytest.raises(ValidationError) as exc:
        services.create_document(actor=None, producer=producer, data={"doc_type": "other"},
                                 file=SimpleUploadedFile("x.pdf", b"<html><body>hi</body></html>"))
    assert "HTML" in exc.value.message_dict["file"][0]
    assert EvidenceDocument.objects.filter(producer=producer).count() == 1


def test_document_product_must_belong_to_producer(world):
    with pytest.raises(ValidationError) as exc:
        services.create_document(actor=None, producer=world.producers["own"],
                                 data={"doc_type": "test_report",
                                       "product": world.products["other_producer"]})
    assert "product" in exc.value.message_dict


def test_delete_document_removes_file_after_commit(world, django_capture_on_commit_callbacks):
    doc = services.create_document(actor=None, producer=world.producers["own"],
                                   data={"doc_type": "other"},
                                   file=SimpleUploadedFile("a.pdf", PDF))
    storage = doc.file.storage
    name = doc.file.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_document(actor=world.users["producer"], document=doc)
    assert not storage.exists(name)
    assert entries("registry.document.delete")
