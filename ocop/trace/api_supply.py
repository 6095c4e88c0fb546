"""JSON API for zones, lots, supply-chain events and stamps (mounted at /api/v1/trace/).

Thin: bodies are parsed by ninja schemas, ``services`` decide and write, ``selectors`` find objects
within the caller's jurisdiction (outside it: 404). Refusals are raised as ``ocop.core.refusals``
and answered by the API's handlers as RFC 7807 problems (``application/problem+json``) carrying
the one error body, ``code``, ``message`` and ``fields`` (ocop/api/errors.py); nothing is stored
on refusal.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from ocop.accounts.client_ip import client_ip
from ocop.api.errors import refusals
from ocop.api.types import DB_ID_MAX, Count, DbId, PlausibleDate, PlausibleDateTime
from ocop.core.refusals import Conflict, Forbidden, Invalid, NotFound, Refusal
from ocop.registry.selectors import producers_for, products_for
from ocop.trace import scan, selectors, services, stamps
from ocop.trace.models import Lot, StampBatch, Zone
from ocop.trace.permissions import can_print_stamps

router = Router(tags=["trace"])


def _not_found(field: str | None = None) -> NotFound:
    message = _("Không tìm thấy.")
    return NotFound(message, fields={field: message} if field else None)


# An ActionError's status says what kind of refusal it is; a wrong input (400 in the actions) is
# Invalid, 422, as everywhere in the API.
_KINDS: dict[int, type[Refusal]] = {403: Forbidden, 404: NotFound, 409: Conflict}


def _refusal(exc: services.ActionError) -> Refusal:
    """The kind's own status and generic code (docs/api.md), and the field at fault."""
    return _KINDS.get(exc.status, Invalid)(
        exc.message, fields={exc.field: exc.message} if exc.field else None)


def _call(fn, *args, **kwargs) -> Any:
    try:
        return fn(*args, **kwargs)
    except services.ActionError as exc:
        raise _refusal(exc) from exc


_WRITE = refusals(403, 404, 409, 422)


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


@router.post("/zones", response={201: dict, **_WRITE})
def create_zone(request: HttpRequest, body: ZoneIn):
    """Thêm vùng nguyên liệu (mã số vùng trồng, ranh giới GeoJSON Polygon được kiểm tra)."""
    producer = producers_for(request.user).filter(pk=body.producer).select_related(
        "commune").first()
    if producer is None:
        raise _not_found()
    data = body.dict(exclude={"producer", "products"})
    products = list(products_for(request.user).filter(pk__in=body.products)
                    .select_related("producer__commune"))
    if len(products) != len(set(body.products)):
        message = _("Không tìm thấy sản phẩm.")
        raise NotFound(message, fields={"products": message})
    zone = _call(services.create_zone, actor=request.user, producer=producer, data=data,
                 products=products)
    return JsonResponse({"id": zone.pk, "code": zone.code,
                         "computedAreaHa": str(zone.computed_area_ha)}, status=201)


class HarvestIn(Schema):
    product: DbId
    lot_code: str
    harvested_at: PlausibleDateTime
    quantity: Quantity
    unit: str
    expires_on: PlausibleDate | None = None


@router.post("/zones/{zone_id}/harvest", response={201: dict, **_WRITE})
def harvest(request: HttpRequest, zone_id: DbId, body: HarvestIn):
    """Ghi nhận thu hoạch: tạo lô và sự kiện EPCIS ObjectEvent ADD (commissioning, ILMD)."""
    zone = selectors.zones_for(request.user).filter(pk=zone_id).first()
    product = products_for(request.user).filter(pk=body.product).first()
    if zone is None or product is None:
        raise _not_found()
    lot = _call(services.record_harvest, actor=request.user, zone=zone, product=product,
                **body.dict(exclude={"product"}))
    return JsonResponse(_lot_json(lot), status=201)


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


@router.post("/transformations", response={201: dict, **_WRITE})
def transform(request: HttpRequest, body: TransformIn):
    """Chế biến: lô đầu vào → lô đầu ra (TransformationEvent)."""
    lots = selectors.lots_for(request.user).in_bulk([i.lot for i in body.inputs])
    product = products_for(request.user).filter(pk=body.product).first()
    if product is None or len(lots) != len({i.lot for i in body.inputs}):
        raise _not_found()
    lot = _call(services.record_transformation, actor=request.user,
                inputs=[(lots[i.lot], i.quantity) for i in body.inputs], product=product,
                **body.dict(exclude={"inputs", "product"}))
    return JsonResponse(_lot_json(lot), status=201)


class StampsIn(Schema):
    count: Count = Field(description="Số tem (1 – 1 000 000; ngoài khoảng: 422)")


@router.post("/lots/{lot_id}/stamps", response={201: dict, **_WRITE})
def issue_stamps(request: HttpRequest, lot_id: DbId, body: StampsIn):
    """Phát hành một lô tem (dải sê-ri) cho lô sản xuất.

    ``firstUri`` (the signed URI of the first stamp) is returned only to the producer that
    owns the lot and the province office with jurisdiction.
    """
    lot = selectors.lots_for(request.user).filter(pk=lot_id).first()
    if lot is None:
        raise _not_found()
    batch = _call(services.issue_stamps, actor=request.user, lot=lot, count=body.count)
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


@router.post("/lots/{lot_id}/ship", response={201: dict, **_WRITE})
def ship(request: HttpRequest, lot_id: DbId, body: MoveIn):
    """Xuất hàng (ObjectEvent OBSERVE, shipping)."""
    lot = selectors.lots_for(request.user).filter(pk=lot_id).first()
    if lot is None:
        raise _not_found()
    event = _call(services.ship, actor=request.user, lot=lot, shipped_at=body.at,
                  destination=body.place, quantity=body.quantity)
    return JsonResponse({"eventID": event.event_id}, status=201)


@router.post("/lots/{lot_id}/receive", response={201: dict, **_WRITE})
def receive(request: HttpRequest, lot_id: DbId, body: MoveIn):
    """Nhận hàng (ObjectEvent OBSERVE, receiving)."""
    lot = selectors.lots_for(request.user).filter(pk=lot_id).first()
    if lot is None:
        raise _not_found()
    event = _call(services.receive, actor=request.user, lot=lot, received_at=body.at,
                  place=body.place, quantity=body.quantity)
    return JsonResponse({"eventID": event.event_id}, status=201)


class RangeIn(Schema):
    first: Serial
    last: Serial
    at: PlausibleDateTime | None = None
    reason: str = ""


def _batch(request: HttpRequest, batch_id: DbId) -> StampBatch | None:
    return selectors.batches_for(request.user).filter(pk=batch_id).first()


@router.post("/stamp-batches/{batch_id}/pack", response={201: dict, **_WRITE})
def pack(request: HttpRequest, batch_id: DbId, body: RangeIn):
    """Đóng gói, kích hoạt dải tem (AggregationEvent ADD, packing)."""
    batch = _batch(request, batch_id)
    if batch is None:
        raise _not_found()
    if body.at is None:
        message = _("Cần thời điểm (at).")
        raise Invalid(message, fields={"at": message})
    event = _call(services.pack_with_stamps, actor=request.user, batch=batch,
                  first=body.first, last=body.last, packed_at=body.at)
    return JsonResponse({"eventID": event.event_id}, status=201)


@router.post("/stamp-batches/{batch_id}/void", response={201: dict, **_WRITE})
def void(request: HttpRequest, batch_id: DbId, body: RangeIn):
    """Huỷ một dải tem."""
    batch = _batch(request, batch_id)
    if batch is None:
        raise _not_found()
    voided = _call(services.void_stamps, actor=request.user, batch=batch, first=body.first,
                   last=body.last, reason=body.reason)
    return JsonResponse({"first": voided.first, "last": voided.last}, status=201)


@router.get("/zones/{zone_id}", response={200: dict, **refusals(404)})
def zone_detail(request: HttpRequest, zone_id: DbId):
    zone: Zone | None = selectors.zones_for(request.user).filter(pk=zone_id).first()
    if zone is None:
        raise _not_found()
    return JsonResponse({
        "id": zone.pk, "code": zone.code, "name": zone.name, "crop": zone.crop,
        "status": zone.status, "declaredAreaHa": str(zone.declared_area_ha),
        "computedAreaHa": str(zone.computed_area_ha) if zone.computed_area_ha else None,
        "boundary": zone.boundary, "products": list(zone.products.values_list("pk", flat=True)),
    })


@router.get("/scan", auth=None, response={200: dict, **refusals(422)})
def scan_uri(request: HttpRequest, uri: str, lat: str | None = None, lon: str | None = None):
    """Kiểm tra một tem theo đường dẫn trong mã QR (không cần đăng nhập; được ghi nhận)."""
    try:
        parsed, signature, kid = stamps.parse_uri(uri)
    # StampFormatError is a ValueError; so is what urlsplit raises on a string that is no URL.
    except ValueError as exc:
        message = _("Mã trên tem không đúng định dạng: %(error)s") % {"error": exc}
        raise Invalid(message, fields={"uri": message}) from exc
    outcome = scan.resolve(parsed, signature, kid=kid,
                           place=scan.coarse_place(lat, lon),
                           source=scan.source_key(client_ip(request)))
    return JsonResponse(scan.as_json(outcome), json_dumps_params={"ensure_ascii": False})
