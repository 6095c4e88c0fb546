"""The tourism app's JSON API (mounted by ocop/api/urls.py at /api/v1/tourism): the published
destinations, public and paginated, with the same filters as the list page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from ocop.api.errors import refusals
from ocop.api.pagination import PageOut, PageParams, paginate
from ocop.api.types import DbId
from ocop.tourism import selectors
from ocop.tourism.models import Destination, Weekday

router = Router(tags=["tourism"])
PUBLIC_CACHE = "public, max-age=300"


class DestinationParams(PageParams):
    q: str = Field("", max_length=100, description="Tìm không phân biệt dấu: tên, xã, giới thiệu")
    province: str = Field("", max_length=16, description="Tỉnh hiện nay, khoá đơn vị, ví dụ `P24`")
    commune: str = Field("", max_length=16, description="Xã hiện nay, ví dụ `C07330`")
    service: str = Field("", max_length=20, description="Dịch vụ: stay, food, experience, guide, "
                                                        "shop, boat, festival, parking")


class DestinationOut(Schema):
    id: int
    name: str
    summary: str
    latitude: float
    longitude: float
    commune: str
    province: str
    services: list[str]
    url: str


class HoursOut(Schema):
    weekday: int = Field(description="0 = thứ Hai … 6 = Chủ Nhật")
    weekday_name: str
    opens: str
    closes: str


class SoldProductOut(Schema):
    id: int
    name: str
    stars: int
    producer: str
    certificate: str | None
    verify_url: str | None


class DestinationDetailOut(DestinationOut):
    address: str
    description: str
    visit_info: str
    hours_note: str
    opening_hours: list[HoursOut]
    contact_name: str
    contact_phone: str
    contact_email: str
    website: str
    photos: list[str]
    products: list[SoldProductOut] = Field(description="Sản phẩm OCOP bán tại điểm, chỉ những sản "
                                                   "phẩm có giấy chứng nhận còn hiệu lực hôm nay")


class DestinationPage(PageOut):
    results: list[DestinationOut]


def _summary(d: Destination) -> dict[str, Any]:
    commune = d.commune.current_commune or d.commune
    province = d.commune.current_province
    return {"id": d.pk, "name": d.name, "summary": d.summary, "latitude": float(d.latitude),
            "longitude": float(d.longitude), "commune": commune.full_name,
            "province": province.full_name if province else "", "services": d.service_codes,
            "url": reverse("tourism:destination", args=[d.pk])}


@router.get("/destinations", response=DestinationPage, auth=None,
            summary="Điểm du lịch cộng đồng gắn với OCOP (công khai)")
def list_destinations(request: HttpRequest, params: Query[DestinationParams],
                      response: HttpResponse) -> dict[str, Any]:
    f = selectors.DestinationFilter.from_params({
        "q": params.q, "tinh": params.province, "xa": params.commune, "dich_vu": params.service})
    page = paginate(selectors.public_destinations(f), params)
    page["results"] = [_summary(d) for d in page["results"]]
    response["Cache-Control"] = PUBLIC_CACHE
    return page


@router.get("/destinations/{destination_id}",
            response={200: DestinationDetailOut, **refusals(404)}, auth=None,
            summary="Một điểm du lịch (công khai)")
def get_destination(request: HttpRequest, destination_id: DbId,
                    response: HttpResponse) -> dict[str, Any]:
    d = selectors.public_destination(destination_id)
    products = selectors.products_sold(d, timezone.localdate())
    response["Cache-Control"] = PUBLIC_CACHE
    return {
        **_summary(d), "address": d.address, "description": d.description,
        "visit_info": d.visit_info, "hours_note": d.hours_note,
        "opening_hours": [{"weekday": p.weekday, "weekday_name": str(Weekday(p.weekday).label),
                           "opens": p.opens.strftime("%H:%M"),
                           "closes": p.closes.strftime("%H:%M")}
                          for p in d.opening_periods.all()],
        "contact_name": d.contact_name, "contact_phone": d.contact_phone,
        "contact_email": d.contact_email, "website": d.website,
        "photos": [reverse("tourism:photo", args=[p.pk]) for p in d.photos.all()],
        "products": [{"id": p.pk, "name": p.name, "stars": p.best_stars,
                      "producer": p.producer.name, "certificate": p.certificate_number,
                      "verify_url": reverse("certificates:verify", args=[p.certificate_number])
                      if p.certificate_number else None} for p in products],
    }
