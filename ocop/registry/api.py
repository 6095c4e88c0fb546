"""Registry API (mounted at /api/v1/). Thin: same selectors, services and permission matrix as
the pages. Objects outside the caller's jurisdiction answer 404; visible objects that the caller
may not change answer 403; rule violations answer 422 naming the fields (the services' refusals
reach the API's handlers as they are, ocop/api/errors.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from ocop.accounts.models import Role, User
from ocop.api.errors import refusals
from ocop.api.pagination import PageOut, PageParams, paginate
from ocop.api.types import Count, DbId, PatchSchema, PlausibleDate
from ocop.core.refusals import Invalid
from ocop.registry import selectors, services
from ocop.registry.models import EvidenceDocument, Producer, Product, ProductSet
from ocop.units.models import Unit

router = Router(tags=["registry"])


# --- Schemas ---------------------------------------------------------------------------------


class ListParams(PageParams):
    q: str = Field("", description="Tìm kiếm không phân biệt dấu: tên, mã số thuế, xã, GTIN…")
    province: str = Field("", description="Mã tỉnh hiện nay, dạng khoá đơn vị, ví dụ `P24`")
    commune: str = Field("", description="Mã xã/phường hiện nay, ví dụ `C07582`")
    legal_form: str = Field("", description="Loại hình: enterprise, cooperative, coop_group, "
                                            "household, other")
    status: str = Field("", description="Trạng thái của chủ thể/sản phẩm")
    product_group: str = Field("", description="Mã nhóm sản phẩm (1–6)")
    product_subgroup: str = Field("", description="Mã phân nhóm, ví dụ `1.1.a`")
    product_set: str = Field("", description="Mã bộ sản phẩm, ví dụ `1048-01`")
    stars: int | None = Field(None, ge=1, le=5, description="Hạng sao hiện tại")
    has_gtin: bool | None = Field(None, description="Chỉ sản phẩm có (true) / không có mã GTIN")
    woman_owner: bool | None = Field(None, description="Chủ thể là nữ")
    ethnic_minority_owner: bool | None = Field(None, description="Chủ thể là người DTTS")
    ordering: str = Field("", description="name, -name, new, old, tax_code; sản phẩm thêm "
                                          "stars, producer")


class ProducerOut(Schema):
    id: int
    tax_code: str = Field(description="Mã số thuế (10 số, hoặc ##########-### với chi nhánh)")
    name: str = Field(description="Tên chủ thể")
    legal_form: str = Field(description="Loại hình (mã)")
    legal_form_label: str = Field(description="Loại hình (tên tiếng Việt)")
    status: str = Field(description="active, suspended, dissolved")
    commune: str = Field(description="Khoá đơn vị xã/phường đã đăng ký (có thể là xã cũ `LC…`)")
    commune_name: str = Field(description="Tên đầy đủ của xã/phường đã đăng ký")
    current_commune: str | None = Field(description="Khoá xã/phường hiện nay")
    province: str | None = Field(description="Khoá tỉnh/thành phố hiện nay")
    street_address: str
    representative_name: str
    representative_title: str
    phone: str
    email: str
    website: str
    business_reg_no: str
    business_reg_date: date | None
    employees: int
    local_employees: int
    members: int
    woman_owner: bool
    ethnic_minority_owner: bool
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_legal_form_label(obj: Producer) -> str:
        return obj.get_legal_form_display()

    @staticmethod
    def resolve_commune(obj: Producer) -> str:
        return obj.commune_id

    @staticmethod
    def resolve_commune_name(obj: Producer) -> str:
        return obj.commune.full_name

    @staticmethod
    def resolve_current_commune(obj: Producer) -> str | None:
        return obj.commune.current_commune_id

    @staticmethod
    def resolve_province(obj: Producer) -> str | None:
        return obj.commune.current_province_id


class ProducerIn(Schema):
    tax_code: str = Field(description="Mã số thuế; kiểm tra chữ số kiểm tra")
    name: str = Field(min_length=1, max_length=255, description="Tên chủ thể")
    legal_form: str = Field(description="enterprise, cooperative, coop_group, household, other")
    commune: str = Field(description="Khoá xã/phường hiện nay, ví dụ `C07582`")
    representative_name: str = Field(min_length=1, max_length=150)
    representative_title: str = ""
    street_address: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    business_reg_no: str = ""
    business_reg_date: PlausibleDate | None = Field(None, description="Không được ở tương lai")
    employees: Count = 0
    local_employees: Count = Field(0, description="Không lớn hơn `employees`")
    members: Count = 0
    woman_owner: bool = False
    ethnic_minority_owner: bool = False
    status: str = "active"


class ProducerPatch(PatchSchema):
    """Only the fields sent are changed; `null` only for `business_reg_date`."""

    nullable = frozenset({"business_reg_date"})

    tax_code: str | None = None
    name: str | None = Field(None, min_length=1, max_length=255)
    legal_form: str | None = None
    commune: str | None = None
    representative_name: str | None = Field(None, min_length=1, max_length=150)
    representative_title: str | None = None
    street_address: str | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    business_reg_no: str | None = None
    business_reg_date: PlausibleDate | None = None
    employees: Count | None = None
    local_employees: Count | None = None
    members: Count | None = None
    woman_owner: bool | None = None
    ethnic_minority_owner: bool | None = None
    status: str | None = None


# Shelf life in days: a hundred years is already far past any food or craft product.
ShelfLife = Annotated[int, Field(ge=0, le=36_500)]


class ProductOut(Schema):
    id: int
    name: str = Field(description="Tên sản phẩm")
    producer_id: int
    producer_name: str
    product_set: str = Field(description="Mã bộ sản phẩm")
    product_set_name: str
    product_group: str | None = Field(description="Mã nhóm sản phẩm (nếu bộ đã gắn phân nhóm)")
    description: str
    ingredients: str
    packaging: str
    shelf_life_days: int | None
    gtin: str | None = Field(description="Mã GTIN-8/12/13/14")
    status: str
    stars: int | None = Field(description="Hạng sao hiện tại (null = chưa xếp hạng)")
    image_url: str | None = Field(description="Đường dẫn ảnh sản phẩm (công khai khi sản phẩm "
                                              "có giấy chứng nhận còn hiệu lực)")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_producer_name(obj: Product) -> str:
        return obj.producer.name

    @staticmethod
    def resolve_product_set(obj: Product) -> str:
        return obj.product_set_id

    @staticmethod
    def resolve_product_set_name(obj: Product) -> str:
        return obj.product_set.name_vi

    @staticmethod
    def resolve_product_group(obj: Product) -> str | None:
        return obj.product_set.group_id

    @staticmethod
    def resolve_image_url(obj: Product) -> str | None:
        return reverse("registry:product_image", args=[obj.pk]) if obj.image else None


class ProductIn(Schema):
    producer_id: DbId | None = Field(
        None, description="Chủ thể sở hữu; tài khoản chủ thể bỏ trống (mặc định chính mình)"
    )
    name: str = Field(min_length=1, max_length=255)
    product_set: str = Field(description="Mã bộ sản phẩm, ví dụ `1048-01`")
    description: str = ""
    ingredients: str = ""
    packaging: str = ""
    shelf_life_days: ShelfLife | None = None
    gtin: str | None = Field(None, description="GTIN-8/12/13/14, kiểm tra chữ số kiểm tra")
    status: str = "active"


class ProductPatch(PatchSchema):
    """Only the fields sent are changed; `null` only for `shelf_life_days` and `gtin`."""

    nullable = frozenset({"shelf_life_days", "gtin"})

    name: str | None = Field(None, min_length=1, max_length=255)
    product_set: str | None = None
    description: str | None = None
    ingredients: str | None = None
    packaging: str | None = None
    shelf_life_days: ShelfLife | None = None
    gtin: str | None = None
    status: str | None = None


class DocumentOut(Schema):
    id: int
    doc_type: str
    doc_type_label: str
    number: str
    issuer: str
    issued_on: date | None
    expires_on: date | None
    expired: bool = Field(description="Đã hết hạn (ngày hết hạn trước hôm nay)")
    product_id: int | None
    file_url: str | None = Field(description="Đường dẫn tải tệp (cần đăng nhập)")

    @staticmethod
    def resolve_doc_type_label(obj: EvidenceDocument) -> str:
        return obj.get_doc_type_display()

    @staticmethod
    def resolve_file_url(obj: EvidenceDocument) -> str | None:
        if not obj.file:
            return None
        return reverse("registry:document_file", args=[obj.producer_id, obj.pk])


class ProducerPage(PageOut):
    results: list[ProducerOut]


class ProductPage(PageOut):
    results: list[ProductOut]


class DocumentPage(PageOut):
    results: list[DocumentOut]


# --- Helpers ---------------------------------------------------------------------------------


def _commune(key: str | None) -> Unit:
    unit = Unit.objects.filter(pk=key or "", level=Unit.Level.COMMUNE).first()
    if unit is None:
        message = _("Không có xã/phường mã “%(code)s”.") % {"code": key}
        raise Invalid(message, code="registry.unknown_commune", fields={"commune": message})
    return unit


def _product_set(code: str) -> ProductSet:
    found = ProductSet.objects.filter(pk=code).first()
    if found is None:
        message = _("Không có bộ sản phẩm mã “%(code)s”.") % {"code": code}
        raise Invalid(message, code="registry.unknown_product_set", fields={"product_set": message})
    return found


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined, return-value]


_WRITE_RESPONSES = refusals(403, 404, 422)


# --- Producers -------------------------------------------------------------------------------


@router.get("/producers", response=ProducerPage, summary="Danh sách chủ thể")
def list_producers(request: HttpRequest, params: Query[ListParams]) -> dict[str, Any]:
    f = selectors.RegistryFilter.from_params(params.model_dump())
    qs = selectors.producer_list(_user(request), f)
    return paginate(qs, params)


@router.post("/producers", response={201: ProducerOut, **_WRITE_RESPONSES},
             summary="Thêm chủ thể")
def create_producer(request: HttpRequest, payload: ProducerIn) -> Status:
    data = payload.model_dump()
    data["commune"] = _commune(data["commune"])
    return Status(201, services.create_producer(actor=_user(request), data=data))


@router.get("/producers/{producer_id}", response=ProducerOut, summary="Chi tiết chủ thể")
def get_producer(request: HttpRequest, producer_id: DbId) -> Producer:
    return selectors.producer_detail(_user(request), producer_id)


@router.patch("/producers/{producer_id}", response={200: ProducerOut, **_WRITE_RESPONSES},
              summary="Sửa chủ thể (chỉ các trường gửi lên)")
def patch_producer(request: HttpRequest, producer_id: DbId,
                   payload: ProducerPatch) -> Status:
    producer = selectors.producer_detail(_user(request), producer_id)

    data = payload.model_dump(exclude_unset=True)
    if "commune" in data:
        data["commune"] = _commune(data["commune"])
    services.update_producer(actor=_user(request), producer=producer, data=data)
    return Status(200, selectors.producer_detail(_user(request), producer_id))


@router.get("/producers/{producer_id}/documents", response=DocumentPage,
            summary="Giấy tờ của chủ thể")
def list_documents(request: HttpRequest, producer_id: DbId,
                   pages: Query[PageParams]) -> dict[str, Any]:
    producer = selectors.producer_detail(_user(request), producer_id)
    return paginate(selectors.document_list(_user(request), producer), pages)


# --- Products --------------------------------------------------------------------------------


@router.get("/products", response=ProductPage, summary="Danh sách sản phẩm")
def list_products(request: HttpRequest, params: Query[ListParams]) -> dict[str, Any]:
    f = selectors.RegistryFilter.from_params(params.model_dump())
    qs = selectors.product_list(_user(request), f)
    return paginate(qs, params)


@router.post("/products", response={201: ProductOut, **_WRITE_RESPONSES},
             summary="Thêm sản phẩm")
def create_product(request: HttpRequest, payload: ProductIn) -> Status:
    user = _user(request)
    data = payload.model_dump()
    producer_id = data.pop("producer_id")
    if user.role == Role.PRODUCER and producer_id is None:
        producer_id = user.producer_id
    if producer_id is None:
        message = _("Hãy chọn chủ thể.")
        raise Invalid(message, code="registry.producer_required", fields={"producer_id": message})
    producer = selectors.producer_detail(user, producer_id)

    data["product_set"] = _product_set(data["product_set"])
    product = services.create_product(actor=user, producer=producer, data=data)
    return Status(201, selectors.product_detail(user, product.pk))


@router.get("/products/{product_id}", response=ProductOut, summary="Chi tiết sản phẩm")
def get_product(request: HttpRequest, product_id: DbId) -> Product:
    return selectors.product_detail(_user(request), product_id)


@router.patch("/products/{product_id}", response={200: ProductOut, **_WRITE_RESPONSES},
              summary="Sửa sản phẩm (chỉ các trường gửi lên)")
def patch_product(request: HttpRequest, product_id: DbId, payload: ProductPatch) -> Status:
    user = _user(request)
    product = selectors.product_detail(user, product_id)

    data = payload.model_dump(exclude_unset=True)
    if "product_set" in data:
        data["product_set"] = _product_set(data["product_set"])
    services.update_product(actor=user, product=product, data=data)
    return Status(200, selectors.product_detail(user, product_id))
