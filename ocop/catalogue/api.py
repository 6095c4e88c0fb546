"""The catalogue app's JSON API (mounted by ocop/api/urls.py at /api/v1/catalogue): public, no
login (``auth=None``), the same filters as the page and only public fields."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from ocop.api.errors import refusals
from ocop.api.pagination import PageOut, PageParams
from ocop.api.types import DbId
from ocop.catalogue import selectors
from ocop.catalogue.caching import PUBLIC_CACHE_CONTROL

router = Router(tags=["catalogue"])


class CatalogueParams(PageParams):
    q: str = Field("", max_length=100,
                   description="Tìm kiếm không phân biệt dấu: tên sản phẩm, tên chủ thể")
    stars: Literal[3, 4, 5] | None = Field(None, description="Hạng sao (3–5)")
    group: str = Field("", max_length=10, description="Mã nhóm sản phẩm (1–6)")
    product_set: str = Field("", max_length=40, description="Mã bộ sản phẩm, ví dụ `1048-01`")
    province: str = Field("", max_length=16, description="Tỉnh hiện nay, ví dụ `P24`")
    commune: str = Field("", max_length=16,
                         description="Xã/phường hiện nay (`C07582`) hoặc xã cũ (`LC07591`)")
    district: str = Field("", max_length=16,
                          description="Huyện cũ (trước 01/07/2025), ví dụ `LD219`")
    legal_form: Literal["", "enterprise", "cooperative", "coop_group", "household", "other"] = \
        Field("", description="Loại hình chủ thể")
    sort: Literal["name", "stars", "newest"] = Field("name", description="Thứ tự")


class ProducerRef(Schema):
    id: int
    name: str
    legal_form: str
    legal_form_label: str
    url: str


class CatalogueProductOut(Schema):
    id: int
    name: str
    url: str
    image_url: str
    stars: int
    group: str
    group_code: str
    product_set: str
    certified_on: date
    certificate_number: str
    valid_until: date
    producer: ProducerRef
    commune: str
    province: str
    province_key: str
    registered_as: str


class CatalogueProductPage(PageOut):
    results: list[CatalogueProductOut]


class CertificateOut(Schema):
    number: str
    stars: int
    status: str
    status_label: str
    issued_on: date
    valid_until: date
    issuer: str
    decision_number: str
    verify_url: str


class ZoneOut(Schema):
    code: str
    name: str
    crop: str
    standard: str
    commune: str


class CatalogueProductDetailOut(CatalogueProductOut):
    description: str
    ingredients: str
    packaging: str
    gtin: str
    certificate: CertificateOut
    zones: list[ZoneOut]


@router.get("/products", auth=None, response=CatalogueProductPage,
            summary="Sản phẩm OCOP có giấy chứng nhận còn hiệu lực (công khai)")
def list_products(request: HttpRequest, params: Query[CatalogueParams],
                  response: HttpResponse) -> dict[str, Any]:
    f = selectors.CatalogueFilter.clean(**params.model_dump(exclude={"page", "page_size"}))
    response["Cache-Control"] = PUBLIC_CACHE_CONTROL
    return selectors.api_page(timezone.localdate(), f, params)


@router.get("/products/{product_id}", auth=None,
            response={200: CatalogueProductDetailOut, **refusals(404)},
            summary="Một sản phẩm OCOP (công khai)")
def get_product(request: HttpRequest, product_id: DbId, response: HttpResponse) -> dict[str, Any]:
    response["Cache-Control"] = PUBLIC_CACHE_CONTROL
    return selectors.product_detail(timezone.localdate(), product_id)
