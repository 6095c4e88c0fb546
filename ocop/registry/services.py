"""Every write to the registry. Pages, API, Excel import and commands all come through here.

Each function: keyword-only arguments, one transaction, permission checked against the matrix in
``permissions.py`` (``actor=None`` means the system itself, e.g. a management command), fields
checked by ``validators.py``, and an audit entry written in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ocop.accounts.models import Role, User
from ocop.audit import services as audit
from ocop.core.text import fold
from ocop.registry import permissions, validators
from ocop.registry.models import EvidenceDocument, Producer, Product
from ocop.registry.uploads import validate_document_upload, validate_image_upload

PRODUCER_FIELDS = (
    "legal_form", "name", "tax_code", "business_reg_no", "business_reg_date", "commune",
    "street_address", "representative_name", "representative_title", "phone", "email",
    "website", "publish_contact", "employees", "local_employees", "members", "woman_owner",
    "ethnic_minority_owner", "status",
)  # fmt: skip
# ``stars`` is not here: the certificates app keeps it in step with the valid certificate.
PRODUCT_FIELDS = (
    "name", "product_set", "description", "ingredients", "packaging", "shelf_life_days", "gtin",
    "status",
)  # fmt: skip
DOCUMENT_FIELDS = ("doc_type", "number", "issuer", "issued_on", "expires_on", "product")


def _check(actor: User | None, entity: permissions.Entity, action: permissions.Action,
           target: Any) -> None:
    # PermissionDenied (not the core Forbidden): the pages and the API answer it with 403.
    if actor is not None and not (verdict := permissions.can(actor, entity, action, target)):
        raise PermissionDenied(verdict.reason)


def _only(data: Mapping[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationError({k: _("Trường này không được sửa ở đây.") for k in sorted(unknown)})
    return dict(data)


def producer_search_text(producer: Producer) -> str:
    commune = producer.commune
    parts = [producer.name, producer.tax_code, producer.business_reg_no,
             producer.representative_name, commune.full_name]
    # A producer registered under a legacy commune is also found by today's commune name.
    if commune.current_commune_id and commune.current_commune_id != commune.pk:
        parts.append(commune.current_commune.full_name)
    return fold(" ".join(p for p in parts if p))


# Ends the product's own name in its search text. A query word never holds a line break (the
# query is folded, which collapses whitespace), so no word matches across it, and the public
# catalogue can rank products whose own name holds the words above those that only match their
# producer's name (ocop.catalogue.selectors.catalogue_products).
NAME_END = "\n"


def product_search_text(product: Product) -> str:
    parts = [product.producer.name, product.gtin or "", product.product_set.name_vi]
    return fold(product.name) + NAME_END + fold(" ".join(p for p in parts if p))


def _snap(obj: Any) -> dict[str, Any]:
    """Audit snapshot without the timestamps that every save touches."""
    data = audit.snapshot(obj)
    data.pop("updated_at", None)
    return data


def _full_clean(obj: Any) -> None:
    """Model checks (lengths, choices, email/url format) without the DB uniqueness queries
    that we already answer with clearer messages."""
    obj.full_clean(validate_unique=False, validate_constraints=False)


def _unique_tax_code(tax_code: str, exclude_pk: int | None) -> None:
    qs = Producer.objects.filter(tax_code=tax_code)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        # Do not name the other producer: it may lie outside the user's jurisdiction.
        raise ValidationError(
            {"tax_code": _("Mã số thuế %(code)s đã được đăng ký trong hệ thống.")
             % {"code": tax_code}}
        )


def _unique_gtin(gtin: str | None, exclude_pk: int | None) -> None:
    if not gtin:
        return
    qs = Product.objects.filter(gtin=gtin)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise ValidationError(
            {"gtin": _("Mã GTIN %(code)s đã được gán cho một sản phẩm khác.") % {"code": gtin}}
        )


# --- Producers -------------------------------------------------------------------------------


def prepare_producer(*, actor: User | None, data: Mapping[str, Any]) -> Producer:
    """Every check of ``create_producer`` (permission, validation, uniqueness) and no write: the
    Excel import checks thousands of rows this way without holding the database's write lock."""
    data = validators.clean_producer_data(_only(data, PRODUCER_FIELDS))
    if "commune" not in data or data["commune"] is None:
        raise ValidationError({"commune": _("Hãy chọn xã/phường.")})
    _check(actor, "producer", "create", data["commune"])
    _unique_tax_code(data.get("tax_code", ""), None)
    producer = Producer(**data)
    producer.search_text = producer_search_text(producer)
    _full_clean(producer)
    return producer


def save_prepared_producer(*, actor: User | None, producer: Producer) -> Producer:
    """Store a producer from ``prepare_producer``, with its audit entry (inside the caller's
    transaction; the database's unique constraint still guards a tax code taken meanwhile)."""
    producer.save()
    audit.record(actor=actor, action="registry.producer.create", obj=producer,
                 changes=_snap(producer))
    return producer


@transaction.atomic
def create_producer(*, actor: User | None, data: Mapping[str, Any]) -> Producer:
    return save_prepared_producer(actor=actor, producer=prepare_producer(actor=actor, data=data))


def _locked[M: Model](rows: QuerySet[M]) -> QuerySet[M]:
    """Lock the rows edited, not the rows read beside them for the permission check, and lock
    them as PostgreSQL's own UPDATE does (``FOR NO KEY UPDATE``: the key does not change).

    A transaction that holds the audit chain (an import's writing pass) and inserts a row that
    refers to a commune, a producer or a product set checks that reference at commit
    (``FOR KEY SHARE``). A plain ``select_for_update()`` locks every joined row, and ``FOR
    UPDATE`` blocks that check: the check waited for the edit, the edit for the chain, and
    PostgreSQL aborted one of them as a deadlock (registry/tests/test_locks.py)."""
    return rows.select_for_update(of=("self",), no_key=True)


@transaction.atomic
def update_producer(*, actor: User | None, producer: Producer, data: Mapping[str, Any]) -> Producer:
    current = _locked(Producer.objects.select_related("commune")).get(pk=producer.pk)
    _check(actor, "producer", "change", current)
    data = _only(data, PRODUCER_FIELDS)
    if actor is not None and actor.role == Role.PRODUCER:
        locked = {
            f: _("Chủ thể không được tự sửa trường này; hãy liên hệ cơ quan quản lý.")
            for f in permissions.PRODUCER_LOCKED_FIELDS
            if f in data and str(data[f] or "") != str(getattr(current, f))
        }
        if locked:
            raise ValidationError(locked)
    data = validators.clean_producer_data(data)
    if data.get("commune") is not None and data["commune"].pk != current.commune_id:
        # Moving a producer: the new commune must also be inside the actor's reach.
        _check(actor, "producer", "change", data["commune"])
    if "tax_code" in data:
        _unique_tax_code(data["tax_code"], current.pk)
    before = _snap(current)
    old_name = current.name
    for field, value in data.items():
        setattr(current, field, value)
    changes = audit.diff_fields(before, _snap(current))
    if not changes:
        return current
    current.search_text = producer_search_text(current)
    _full_clean(current)
    current.save()
    audit.record(actor=actor, action="registry.producer.update", obj=current, changes=changes)
    if current.name != old_name:
        # Products are searched by their producer's name too.
        products = list(current.products.select_related("product_set"))
        for product in products:
            product.producer = current
            product.search_text = product_search_text(product)
        Product.objects.bulk_update(products, ["search_text"])
    return current


@transaction.atomic
def delete_producer(*, actor: User | None, producer: Producer) -> None:
    current = _locked(Producer.objects.select_related("commune")).get(pk=producer.pk)
    _check(actor, "producer", "delete", current)
    count = current.products.count()
    if count:
        raise ValidationError(
            ngettext(
                "Không thể xoá chủ thể “%(name)s” vì còn %(count)d sản phẩm. "
                "Hãy xoá các sản phẩm trước.",
                "Không thể xoá chủ thể “%(name)s” vì còn %(count)d sản phẩm. "
                "Hãy xoá các sản phẩm trước.",
                count,
            )
            % {"name": current.name, "count": count}
        )
    if current.accounts.exists():
        raise ValidationError(
            _("Không thể xoá chủ thể “%(name)s” vì còn tài khoản người dùng gắn với chủ thể.")
            % {"name": current.name}
        )
    files = [d.file.name for d in current.documents.all() if d.file]
    audit.record(actor=actor, action="registry.producer.delete", obj=current,
                 changes=_snap(current))
    current.delete()
    _delete_files_on_commit(EvidenceDocument, "file", files)


# --- Products --------------------------------------------------------------------------------


def _store_image(product: Product, image: File | None) -> None:
    if image is not None:
        validate_image_upload(image, "image")
        product.image.save(image.name, image, save=False)


def prepare_product(*, actor: User | None, producer: Producer,
                    data: Mapping[str, Any]) -> Product:
    """Every check of ``create_product`` and no write (see ``prepare_producer``)."""
    _check(actor, "product", "create", producer)
    data = validators.clean_product_data(_only(data, PRODUCT_FIELDS))
    _unique_gtin(data.get("gtin"), None)
    product = Product(producer=producer, **data)
    if product.product_set_id is None:
        raise ValidationError({"product_set": _("Hãy chọn bộ sản phẩm.")})
    _full_clean(product)
    product.search_text = product_search_text(product)
    return product


def save_prepared_product(*, actor: User | None, product: Product) -> Product:
    """Store a product from ``prepare_product`` with its audit entry (caller's transaction)."""
    product.save()
    audit.record(actor=actor, action="registry.product.create", obj=product,
                 changes=_snap(product))
    return product


@transaction.atomic
def create_product(*, actor: User | None, producer: Producer, data: Mapping[str, Any],
                   image: File | None = None) -> Product:
    product = prepare_product(actor=actor, producer=producer, data=data)
    _store_image(product, image)
    return save_prepared_product(actor=actor, product=product)


@transaction.atomic
def update_product(*, actor: User | None, product: Product, data: Mapping[str, Any],
                   image: File | None = None) -> Product:
    current = (
        _locked(Product.objects.select_related("producer__commune", "product_set"))
        .get(pk=product.pk)
    )
    _check(actor, "product", "change", current)
    data = validators.clean_product_data(_only(data, PRODUCT_FIELDS))
    if "gtin" in data:
        _unique_gtin(data["gtin"], current.pk)
    before = _snap(current)
    old_image = current.image.name if current.image else ""
    for field, value in data.items():
        setattr(current, field, value)
    _full_clean(current)
    _store_image(current, image)
    changes = audit.diff_fields(before, _snap(current))
    if not changes:
        return current
    current.search_text = product_search_text(current)
    current.save()
    audit.record(actor=actor, action="registry.product.update", obj=current, changes=changes)
    if image is not None and old_image:
        _delete_files_on_commit(Product, "image", [old_image])
    return current


@transaction.atomic
def delete_product(*, actor: User | None, product: Product) -> None:
    current = _locked(Product.objects.select_related("producer__commune")).get(pk=product.pk)
    _check(actor, "product", "delete", current)
    files = [current.image.name] if current.image else []
    doc_files = [d.file.name for d in current.documents.all() if d.file]
    audit.record(actor=actor, action="registry.product.delete", obj=current,
                 changes=_snap(current))
    current.delete()
    _delete_files_on_commit(Product, "image", files)
    _delete_files_on_commit(EvidenceDocument, "file", doc_files)


# --- Evidence documents ----------------------------------------------------------------------


def _document_product_belongs(producer: Producer, product: Product | None) -> None:
    if product is not None and product.producer_id != producer.pk:
        raise ValidationError({"product": _("Sản phẩm này không thuộc chủ thể đang chọn.")})


def _store_file(document: EvidenceDocument, file: File | None) -> None:
    if file is not None:
        validate_document_upload(file, "file")
        document.original_name = (file.name or "").rsplit("/", 1)[-1][:255]
        document.file.save(file.name, file, save=False)


@transaction.atomic
def create_document(*, actor: User | None, producer: Producer, data: Mapping[str, Any],
                    file: File | None = None) -> EvidenceDocument:
    _check(actor, "document", "create", producer)
    data = validators.clean_document_data(_only(data, DOCUMENT_FIELDS))
    _document_product_belongs(producer, data.get("product"))
    document = EvidenceDocument(producer=producer, uploaded_by=actor, **data)
    _full_clean(document)
    _store_file(document, file)
    document.save()
    audit.record(actor=actor, action="registry.document.create", obj=document,
                 changes=_snap(document))
    return document


@transaction.atomic
def update_document(*, actor: User | None, document: EvidenceDocument, data: Mapping[str, Any],
                    file: File | None = None) -> EvidenceDocument:
    current = (
        _locked(EvidenceDocument.objects.select_related("producer__commune"))
        .get(pk=document.pk)
    )
    _check(actor, "document", "change", current)
    data = validators.clean_document_data(_only(data, DOCUMENT_FIELDS))
    _document_product_belongs(current.producer, data.get("product"))
    before = _snap(current)
    old_file = current.file.name if current.file else ""
    for field, value in data.items():
        setattr(current, field, value)
    _full_clean(current)
    _store_file(current, file)
    changes = audit.diff_fields(before, _snap(current))
    if not changes:
        return current
    current.save()
    audit.record(actor=actor, action="registry.document.update", obj=current, changes=changes)
    if file is not None and old_file:
        _delete_files_on_commit(EvidenceDocument, "file", [old_file])
    return current


@transaction.atomic
def delete_document(*, actor: User | None, document: EvidenceDocument) -> None:
    current = (
        _locked(EvidenceDocument.objects.select_related("producer__commune"))
        .get(pk=document.pk)
    )
    _check(actor, "document", "delete", current)
    files = [current.file.name] if current.file else []
    audit.record(actor=actor, action="registry.document.delete", obj=current,
                 changes=_snap(current))
    current.delete()
    _delete_files_on_commit(EvidenceDocument, "file", files)


def _delete_files_on_commit(model: type, field: str, names: list[str]) -> None:
    """Remove stored files only once the rows are really gone (a rollback keeps them)."""
    if not names:
        return
    storage = model._meta.get_field(field).storage

    def remove() -> None:
        for name in names:
            storage.delete(name)

    transaction.on_commit(remove)
