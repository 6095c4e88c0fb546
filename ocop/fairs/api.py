"""The fairs app's JSON API (mounted at /api/v1/fairs by ocop/api/urls.py): the public calendar
(no login) and a producer's own applications (signed in)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from ocop.api.pagination import PageOut, PageParams, paginate
from ocop.fairs import selectors
from ocop.fairs.models import Application, Event
from ocop.fairs.permissions import window_open

router = Router(tags=["fairs"])


class BoothClassOut(Schema):
    name: str
    capacity: int


class EventOut(Schema):
    id: int
    kind: str = Field(description="fair, exhibition, trade_week hoặc honouring")
    kind_label: str
    name: str
    starts_on: date
    ends_on: date
    venue: str
    organiser: str
    province: str = Field(description="Khoá tỉnh/thành phố quản lý sự kiện")
    province_name: str
    open_to: str = Field(description="province: chủ thể của tỉnh; national: cả nước")
    applications_open_on: date | None
    applications_close_on: date | None
    accepting_applications: bool = Field(description="Đang trong thời gian nhận đăng ký")
    description: str
    url: str


class EventPage(PageOut):
    results: list[EventOut]


class CalendarParams(PageParams):
    when: Literal["upcoming", "past", "all"] = Field(
        "upcoming", description="upcoming: chưa bế mạc; past: đã bế mạc; all: tất cả")


def _event(event: Event, today: date) -> dict[str, Any]:
    return {
        "id": event.pk, "kind": event.kind, "kind_label": event.get_kind_display(),
        "name": event.name, "starts_on": event.starts_on, "ends_on": event.ends_on,
        "venue": event.venue, "organiser": event.organiser, "province": event.province_id,
        "province_name": event.province.name, "open_to": event.open_to,
        "applications_open_on": event.applications_open_on,
        "applications_close_on": event.applications_close_on,
        "accepting_applications": window_open(event, today),
        "description": event.description, "url": f"/hoi-cho/{event.pk}/",
    }


@router.get("/events", auth=None, response=EventPage,
            summary="Lịch hội chợ, triển lãm, sự kiện OCOP (công khai)")
def list_events(request: HttpRequest, params: Query[CalendarParams]) -> dict[str, Any]:
    today = timezone.localdate()
    qs = selectors.public_events()
    if params.when == "upcoming":
        qs = qs.filter(ends_on__gte=today).order_by("starts_on", "id")
    elif params.when == "past":
        qs = qs.filter(ends_on__lt=today).order_by("-starts_on", "-id")
    else:
        qs = qs.order_by("-starts_on", "-id")
    page = paginate(qs, params)
    return {**page, "results": [_event(e, today) for e in page["results"]]}


class ApplicationOut(Schema):
    id: int
    event: int
    event_name: str
    starts_on: date
    ends_on: date
    status: str = Field(description="submitted, accepted, waitlisted hoặc refused")
    status_label: str
    products: list[str]
    booth_wanted: str | None
    booth_class: str | None
    booth_number: str
    refusal_reason: str
    sales_vnd: Decimal | None
    contracts_count: int | None
    contracts_value_vnd: Decimal | None
    buyer_contacts_count: int | None


class ApplicationPage(PageOut):
    results: list[ApplicationOut]


def _application(a: Application) -> dict[str, Any]:
    return {
        "id": a.pk, "event": a.event_id, "event_name": a.event.name,
        "starts_on": a.event.starts_on, "ends_on": a.event.ends_on, "status": a.status,
        "status_label": a.get_status_display(),
        "products": [p.name for p in a.products.all()],
        "booth_wanted": a.booth_wanted.name if a.booth_wanted_id else None,
        "booth_class": a.booth_class.name if a.booth_class_id else None,
        "booth_number": a.booth_number, "refusal_reason": a.refusal_reason,
        "sales_vnd": a.sales_vnd, "contracts_count": a.contracts_count,
        "contracts_value_vnd": a.contracts_value_vnd,
        "buyer_contacts_count": a.buyer_contacts_count,
    }


@router.get("/applications", response=ApplicationPage,
            summary="Đăng ký gian hàng của chủ thể đang đăng nhập")
def my_applications(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    page = paginate(selectors.my_applications(request.auth), params)
    return {**page, "results": [_application(a) for a in page["results"]]}
