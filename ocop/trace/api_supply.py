"""JSON API for zones, lots, supply-chain events and stamps (mounted at /api/v1/trace/).

Thin: bodies are parsed by ninja schemas, ``services`` decide and write, ``selectors`` find objects
within the caller's jurisdiction (outside it: 404). Refusals are RFC 7807 problems whose
``detail`` names the problem and ``field`` the input at fault; nothing is stored on refusal.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import parse_qs, urlsplit

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from ocop.accounts.client_ip import client_ip
from ocop.api.types import DB_ID_MAX, Count, DbId, PlausibleDate, PlausibleDateTime
from ocop.registry.selectors import producers_for, products_for
from ocop.trace import scan, selectors, services, stamps
from ocop.trace.models import Lot, StampBatch, Zone
from ocop.trace.permissions import can_print_stamps

router = Router(tags=["trace"])


def _problem(status: int, detail: str, field: str | None = None) -> JsonResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": detail, "status": status,
                            "detail": detail}
    if field:
        body["field"] = field
    return JsonResponse(body, status=status, content_type="application/problem+json")


def _not_found() -> JsonResponse:
    return _problem(404, _("Không tìm thấy (not found)."))


def _call(fn, *args, **kwargs) -> Any:
    try:
        return fn(*args, **kwargs), None
    except services.ActionError as exc:
        return None, _problem(exc.status, exc.message, exc.field)


# Physical bounds, within what the columns hold (Zone.declared_area_ha: 10 digits, 4 decimals;
# Lot.quantity: 14 digits, 3 decimals): the largest planting areas are a few thousand hectares.
AreaHa = Annotated[Decimal, Field(gt=0, le=100_000, max_digits=10, decimal_places=4,
                                  description="Diện tích (ha), tối đa 100 000")]
Quantity = Annotated[Decimal, Field(gt=0, lt=10**11, max_digits=14, decimal_places=3,
                                    description="Số lượng (> 0, tối đa 3 chữ số thập phân)")]
Serial = Annotated[int, Field(ge=1, le=DB_ID_MAX)]


def _lot_json(lot: Lot) -> dict[str, Any]:
    return {"id": lot.pk, "code": lot.code, "product": lot.product_id,
            "producedOn": lot.produced_on.isoformat(), "quantity": str(lot.quantity),
            "unit": lot.unit, "epcClass": stamps.epc_class(lot.product.gtin, lot.product_id,
                                                             lot.code)}


class ZoneIn(Schema):
    producer: DbId
    code: str
    name: str
    crop: str
    variety: str = ""
    crop_kind: str
    declared_area_ha: AreaHa
    standard: str = ""
    standard_certificate: str = ""
    standard_valid_until: PlausibleDate | None = None
    households: Count = 0
    boundary: dict | None = None
    products: list[DbId] = []


@router.post("/zones", response={201: dict, 400: dict, 404: dict, 409: dict})
def create_zone(request: HttpRequest, body: ZoneIn):
    """Thêm vùng nguyên liệu (mã số vùng trồng, ranh giới GeoJSON Polygon được kiểm tra)."""
    producer = producers_for(request.user).filter(pk=body.producer).select_related(
        "commune").first()
    if producer is None:
        return _not_found()
    data = body.dict(exclude={"producer", "products"})
    products = list(products_for(request.user).filter(pk__in=body.products)
                    .select_related("producer__commune"))
    if len(products) != len(set(body.products)):
        return _problem(404, _("Không tìm thấy sản phẩm (product not found)."), "products")
    zone, error = _call(services.create_zone, actor=request.user, producer=producer, data=data,
                        products=products)
    if error:
        return error
    return JsonResponse({"id": zone.pk, "code": zone.code,
                         "computedAreaHa": str(zone.computed_area_ha)}, status=201)


class HarvestIn(Schema):
    product: DbId
    lot_code: str
    harvested_at: PlausibleDateTime
    quantity: Quantity
    unit: str
    expires_on: PlausibleDate | None = None


@router.post("/zones/{zone_id}/harvest", response={201: dict, 400: dict, 404: dict, 409: dict})
def harvest(request: HttpRequest, zone_id: DbId, body: HarvestIn):
    """Ghi nhận thu hoạch: tạo lô và sự kiện EPCIS ObjectEvent ADD (commissioning, ILMD)."""
    zone = selectors.zones_for(request.user).filter(pk=zone_id).first()
    product = products_for(request.user).filter(pk=body.product).first()
    if zone is None or product is None:
        return _not_found()
    lot, error = _call(services.record_harvest, actor=request.user, zone=zone, product=product,
                       **body.dict(exclude={"product"}))
    return error or JsonResponse(_lot_json(lot), status=201)


class InputIn(Schema):
    lot: DbId
    quantity: Quantity


class TransformIn(Schema):
    inputs: list[InputIn]
    product: DbId
    lot_code: str
    produced_at: PlausibleDateTime
    quantity: Quantity
    unit: str
    expires_on: PlausibleDate | None = None


@router.post("/transformations", response={201: dict, 400: dict, 404: dict, 409: dict})
def transform(request: HttpRequest, body: TransformIn):
    """Chế biến: lô đầu vào → lô đầu ra (TransformationEvent)."""
    lots = selectors.lots_for(request.user).in_bulk([i.lot for i in body.inputs])
    product = products_for(request.user).filter(pk=body.product).first()
    if product is None or len(lots) != len({i.lot for i in body.inputs}):
        return _not_found()
    lot, error = _call(services.record_transformation, actor=request.user,
                       inputs=[(lots[i.lot], i.quantity) for i in body.inputs], product=product,
                       **body.dict(exclude={"inputs", "product"}))
    return error or JsonResponse(_lot_json(lot), status=201)


class StampsIn(Schema):
    count: Count = Field(description="Số tem (1 – 1 000 000; ngoài khoảng: 400)")


@router.post("/lots/{lot_id}/stamps", response={201: dict, 400: dict, 404: dict})
def issue_stamps(request: HttpRequest, lot_id: DbId, body: StampsIn):
    """Phát hành một lô tem (dải sê-ri) cho lô sản xuất.

    ``firstUri`` (the signed URI of the first stamp) is returned only to the producer that
    owns the lot and the province office with jurisdiction.
    """
    lot = selectors.lots_for(request.user).filter(pk=lot_id).first()
    if lot is None:
        return _not_found()
    batch, error = _call(services.issue_stamps, actor=request.user, lot=lot, count=body.count)
    if error:
        return error
    product = lot.product
    body: dict[str, Any] = {"id": batch.pk, "firstSerial": batch.first_serial,
                            "lastSerial": batch.last_serial}
    # The signed URI is a printable stamp: only for the parties that print (see permissions).
    if can_print_stamps(request.user, product.producer):
        body["firstUri"] = stamps.stamp_uri(product.gtin, product.pk, lot.code,
                                            batch.first_serial)
    return JsonResponse(body, status=201)


class MoveIn(Schema):
    at: PlausibleDateTime
    place: str
    quantity: Quantity | None = None


@router.post("/lots/{lot_id}/ship", response={201: dict, 400: dict, 404: dict})
def ship(request: HttpRequest, lot_id: DbId, body: MoveIn):
    """Xuất hàng (ObjectEvent OBSERVE, shipping)."""
    lot = selectors.lots_for(request.user).filter(pk=lot_id).first()
    if lot is None:
        return _not_found()
    event, error = _call(services.ship, actor=request.user, lot=lot, shipped_at=body.at,
                         destination=body.place, quantity=body.quantity)
    return error or JsonResponse({"eventID": event.event_id}, status=201)


@router.post("/lots/{lot_id}/receive", response={201: dict, 400: dict, 404: dict})
def receive(request: HttpRequest, lot_id: DbId, body: MoveIn):
    """Nhận hàng (ObjectEvent OBSERVE, receiving)."""
    lot = selectors.lots_for(request.user).filter(pk=lot_id).first()
    if lot is None:
        return _not_found()
    event, error = _call(services.receive, actor=request.user, lot=lot, received_at=body.at,
                         place=body.place, quantity=body.quantity)
    return error or JsonResponse({"eventID": event.event_id}, status=201)


class RangeIn(Schema):
    first: Serial
    last: Serial
    at: PlausibleDateTime | None = None
    reason: str = ""


def _batch(request: HttpRequest, batch_id: DbId) -> StampBatch | None:
    return selectors.batches_for(request.user).filter(pk=batch_id).first()


@router.post("/stamp-batches/{batch_id}/pack", response={201: dict, 400: dict, 404: dict,
                                                          409: dict})
def pack(request: HttpRequest, batch_id: DbId, body: RangeIn):
    """Đóng gói, kích hoạt dải tem (AggregationEvent ADD, packing)."""
    batch = _batch(request, batch_id)
    if batch is None or body.at is None:
        return _not_found() if batch is None else _problem(400, _("Cần thời điểm (at)."), "at")
    event, error = _call(services.pack_with_stamps, actor=request.user, batch=batch,
                         first=body.first, last=body.last, packed_at=body.at)
    return error or JsonResponse({"eventID": event.event_id}, status=201)


@router.post("/stamp-batches/{batch_id}/void", response={201: dict, 400: dict, 404: dict})
def void(request: HttpRequest, batch_id: DbId, body: RangeIn):
    """Huỷ một dải tem."""
    batch = _batch(request, batch_id)
    if batch is None:
        return _not_found()
    voided, error = _call(services.void_stamps, actor=request.user, batch=batch, first=body.first,
                          last=body.last, reason=body.reason)
    return error or JsonResponse({"first": voided.first, "last": voided.last}, status=201)


@router.get("/zones/{zone_id}", response={200: dict, 404: dict})
def zone_detail(request: HttpRequest, zone_id: DbId):
    zone: Zone | None = selectors.zones_for(request.user).filter(pk=zone_id).first()
    if zone is None:
        return _not_found()
    return JsonResponse({
        "id": zone.pk, "code": zone.code, "name": zone.name, "crop": zone.crop,
        "status": zone.status, "declaredAreaHa": str(zone.declared_area_ha),
        "computedAreaHa": str(zone.computed_area_ha) if zone.computed_area_ha else None,
        "boundary": zone.boundary, "products": list(zone.products.values_list("pk", flat=True)),
    })


@router.get("/scan", auth=None, response={200: dict, 400: dict})
def scan_uri(request: HttpRequest, uri: str, lat: str | None = None, lon: str | None = None):
    """Kiểm tra một tem theo đường dẫn trong mã QR (không cần đăng nhập; được ghi nhận)."""
    try:
        parts = urlsplit(uri)
        segments = parts.path.strip("/").split("/")
        if segments[:1] == ["t"] and len(segments) == 4:
            parsed = stamps.parse_platform(*segments[1:])
        else:
            parsed = stamps.parse_gs1(parts.path)
    # StampFormatError is a ValueError; so is what urlsplit and the GS1 parser raise on a string
    # that is no URL at all (e.g. an unbalanced "[", read as an IPv6 host).
    except ValueError as exc:
        return _problem(400, _("Mã trên tem không đúng định dạng: %(error)s") % {"error": exc},
                        "uri")
    outcome = scan.resolve(parsed, parse_qs(parts.query).get("s", [""])[0],
                           place=scan.coarse_place(lat, lon),
                           source=scan.source_key(client_ip(request)))
    return JsonResponse(scan.as_json(outcome), json_dumps_params={"ensure_ascii": False})
