"""Every write of the trace app: zones, lots, stamps and the EPCIS events the platform writes.

Keyword-only arguments, one transaction per action, an audit entry in that transaction, refusal
with an ``ActionError`` (a core refusal: a message naming the problem, a stable ``code``, the form
field at fault) before anything is stored.

The supply-chain steps go through the ordinary capture service, so an event the platform writes
is validated against the GS1 schema, gets the same indexes and is returned by the EPCIS query
interface like any captured event. Each step also writes a ``LotEvent`` row so the public scan
page finds a lot's journey with one indexed query.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.models import User
from ocop.audit.services import record
from ocop.core import publiccache
from ocop.core.caching import forget
from ocop.core.refusals import Conflict, Forbidden, Invalid, NotFound, Refusal
from ocop.registry.models import Producer, Product
from ocop.trace import geo, stamps, zone_codes
from ocop.trace.capture import CaptureError, capture
from ocop.trace.models import (
    CaptureJob,
    EpcisEvent,
    Lot,
    LotEvent,
    StampBatch,
    StampRange,
    SuspicionClearance,
    Zone,
)
from ocop.trace.permissions import can_clear_suspicion, can_manage_producer

CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
# Rule minima of Decision 3156/QĐ-BNN-TT.
MIN_AREA_HA = {Zone.CropKind.PERENNIAL: Decimal("1"), Zone.CropKind.ANNUAL: Decimal("0.1")}
MAX_STAMPS_PER_BATCH = 1_000_000
MAX_STAMPS_PER_PACK = 10_000


class ActionError(Refusal):
    """A refused trace action: raise one of its kinds below. ``field`` is the form field at
    fault (also the one key of ``fields``); the pages put the message on it, the trace API
    answers with the kind's ``status`` and names the field."""

    def __init__(self, message: str, *, code: str, field: str | None = None) -> None:
        super().__init__(message, code=code, fields={field: message} if field else None)
        self.field = field


class ActionInvalid(ActionError, Invalid):
    # The trace API has answered wrong input with 400 since before the core refusals (422);
    # its clients keep that answer.
    status = 400


class ActionConflict(ActionError, Conflict):
    pass


class ActionForbidden(ActionError, Forbidden):
    pass


class ActionNotFound(ActionError, NotFound):
    pass


def _allow(actor: User, producer: Producer) -> None:
    # 404, not 403: a producer outside the actor's reach must not be confirmed to exist.
    if not (verdict := can_manage_producer(actor, producer)):
        raise ActionNotFound(verdict.reason, code=verdict.code)


def area_tolerance() -> float:
    return float(getattr(settings, "TRACE_ZONE_AREA_TOLERANCE", 0.20))


def ns() -> str:
    return settings.SITE_URL.rstrip("/") + "/ns/epcis#"


# --- Zones -----------------------------------------------------------------------------------


def _check_zone(data: dict[str, Any]) -> dict[str, Any]:
    """Code, area minimum and boundary checks; returns the computed fields."""
    try:
        parsed = zone_codes.parse(data["code"])
    except zone_codes.ZoneCodeError as exc:
        raise ActionInvalid(str(exc), code="trace.zone_code_invalid", field="code") from exc
    kind = data["crop_kind"]
    declared = Decimal(str(data["declared_area_ha"]))
    if kind not in MIN_AREA_HA:
        raise ActionInvalid(_("Loại cây không hợp lệ."), code="trace.crop_kind_invalid",
                            field="crop_kind")
    if declared < MIN_AREA_HA[kind]:
        raise ActionInvalid(
            _("Diện tích tối thiểu cho %(kind)s là %(minimum)s ha (Quyết định 3156/QĐ-BNN-TT).")
            % {"kind": Zone.CropKind(kind).label.lower(), "minimum": MIN_AREA_HA[kind]},
            code="trace.zone_area_too_small", field="declared_area_ha")
    computed = None
    boundary = data.get("boundary")
    if boundary:
        try:
            rings = geo.validate_polygon(boundary)
        except geo.BoundaryError as exc:
            raise ActionInvalid(str(exc), code="trace.boundary_invalid",
                                field="boundary") from exc
        computed = Decimal(f"{geo.area_ha(rings):.4f}")
        tolerance = area_tolerance()
        if abs(computed - declared) > declared * Decimal(str(tolerance)):
            raise ActionInvalid(
                _("Diện tích theo ranh giới (%(computed)s ha) lệch quá %(tolerance)s so với "
                  "diện tích khai báo (%(declared)s ha).")
                % {"computed": f"{computed:.2f}", "tolerance": f"{tolerance:.0%}",
                   "declared": declared}, code="trace.boundary_area_mismatch", field="boundary")
    return {"code": parsed.code, "commune": parsed.commune, "computed_area_ha": computed,
            "declared_area_ha": declared}


ZONE_FIELDS = ("name", "crop", "variety", "crop_kind", "standard", "standard_certificate",
               "standard_valid_until", "households", "boundary")


def create_zone(*, actor: User, producer: Producer, data: dict[str, Any],
                products: list[Product] = ()) -> Zone:
    _allow(actor, producer)
    checked = _check_zone(data)
    for product in products:
        _allow(actor, product.producer)
    with transaction.atomic():
        if Zone.objects.filter(code=checked["code"]).exists():
            raise ActionConflict(_("Mã số vùng trồng đã được dùng."), code="trace.zone_code_taken",
                                 field="code")
        zone = Zone.objects.create(
            producer=producer, **checked, **{k: data[k] for k in ZONE_FIELDS if k in data}
        )
        zone.products.set(products)
        record(actor=actor, action="trace.zone_create", obj=zone,
               changes={"code": zone.code, "area_ha": str(zone.declared_area_ha)})
    return zone


def set_zone_status(*, actor: User, zone: Zone, status: str, reason: str = "") -> Zone:
    _allow(actor, zone.producer)
    if status not in Zone.Status.values:
        raise ActionInvalid(_("Trạng thái không hợp lệ."), code="trace.zone_status_invalid",
                            field="status")
    if status != Zone.Status.ISSUED and not reason.strip():
        raise ActionInvalid(_("Cần nêu lý do tạm dừng hoặc thu hồi."), code="trace.reason_required",
                            field="reason")
    with transaction.atomic():
        before = zone.status
        zone.status, zone.status_reason = status, reason.strip()
        zone.save(update_fields=["status", "status_reason", "updated_at"])
        record(actor=actor, action="trace.zone_status", obj=zone,
               changes={"status": [before, status], "reason": reason})
    return zone


# --- EPCIS events the platform writes -------------------------------------------------------


def _time(moment: datetime) -> tuple[str, str]:
    offset = moment.strftime("%z")
    offset = f"{offset[:3]}:{offset[3:]}" if offset else "+00:00"
    return moment.isoformat(timespec="milliseconds"), offset


def _emit(actor: User, producer: Producer, event: dict[str, Any]) -> EpcisEvent:
    """Capture one event through the EPCIS service (schema-checked); must run in a transaction.

    The event belongs to the producer's jurisdiction whoever records it (a province office
    recording for a producer), so the producer finds it through the EPCIS query interface.
    """
    event = {"eventID": f"urn:uuid:{uuid.uuid4()}", **event}
    document = {
        "@context": [CONTEXT, {"ocop": ns()}],
        "type": "EPCISDocument", "schemaVersion": "2.0",
        "creationDate": event["eventTime"],
        "epcisBody": {"eventList": [event]},
    }
    try:
        commune = producer.commune
        job = CaptureJob(owner=actor, producer=producer, commune=commune,
                         province_id=commune.current_province_id)
        capture(document=document, actor=actor, job=job)
    except CaptureError as exc:
        detail = "; ".join(f"{p.get('path')}: {p.get('message')}" for p in exc.problems)
        # The same kind of refusal as the capture's (a schema error is wrong input).
        kind = (ActionForbidden if isinstance(exc, Forbidden)
                else ActionConflict if isinstance(exc, Conflict) else ActionInvalid)
        raise kind(f"{exc.message} {detail}".strip(), code=exc.code) from exc
    return EpcisEvent.objects.get(event_id=event["eventID"], error_declared=False)


def _lot_class(lot: Lot) -> str:
    return stamps.epc_class(lot.product.gtin, lot.product_id, lot.code)


def _quantity(lot: Lot, quantity: Decimal | None = None) -> dict[str, Any]:
    return {"epcClass": _lot_class(lot), "quantity": float(quantity or lot.quantity),
            "uom": _UOM.get(lot.unit, "H87")}


# UN/ECE Rec 20 codes for the units offered in forms (H87 = piece).
_UOM = {"kg": "KGM", "tấn": "TNE", "lít": "LTR", "g": "GRM", "hộp": "H87", "chai": "H87",
        "gói": "H87", "cái": "H87"}
UNITS = tuple(_UOM)


def _location(path: str) -> dict[str, str]:
    return {"id": settings.SITE_URL.rstrip("/") + path}


def _ilmd(lot: Lot) -> dict[str, Any]:
    ilmd: dict[str, Any] = {"cbvmda:lotNumber": lot.code}
    if lot.expires_on:
        ilmd["cbvmda:itemExpirationDate"] = lot.expires_on.isoformat()
    return ilmd


def _link(lot: Lot, event: EpcisEvent, step: str, place: str = "") -> None:
    LotEvent.objects.create(lot=lot, event=event, step=step, occurred_at=event.event_time,
                            place=place[:200])
    forget(journey_cache_key(lot.pk),
           *(journey_html_cache_key(lot.pk, code) for code, _name in settings.LANGUAGES))


def journey_cache_key(lot_id: int) -> str:
    return f"trace:journey:{lot_id}"


def journey_html_cache_key(lot_id: int, language: str) -> str:
    """The scan page's rendered journey and zones of a lot, in one language."""
    return f"trace:journey:{lot_id}:html:{language}"


def ranges_cache_key(batch_id: int) -> str:
    return f"trace:ranges:{batch_id}"


def _forget_ranges(batch: StampBatch) -> None:
    """The scan page reads a batch's ranges from the cache (scan._ranges); stored public pages
    of the fast path are made stale too (ocop/core/publiccache.py)."""
    forget(ranges_cache_key(batch.pk))
    publiccache.invalidate()


def _new_lot(product: Product, code: str, produced_on: date, quantity: Decimal, unit: str,
             expires_on: date | None) -> Lot:
    if not stamps.LOT_CODE.fullmatch(code or ""):
        raise ActionInvalid(
            _("Số lô chỉ gồm chữ, số, dấu chấm, gạch ngang, gạch dưới (tối đa 20)."),
            code="trace.lot_code_invalid", field="code")
    if quantity is None or Decimal(quantity) <= 0:
        raise ActionInvalid(_("Số lượng phải lớn hơn 0."), code="trace.quantity_invalid",
                            field="quantity")
    if unit not in _UOM:
        raise ActionInvalid(_("Đơn vị tính không hợp lệ."), code="trace.unit_invalid", field="unit")
    if expires_on and expires_on < produced_on:
        raise ActionInvalid(_("Hạn sử dụng trước ngày sản xuất."),
                            code="trace.expiry_before_production", field="expires_on")
    if Lot.objects.filter(product=product, code=code).exists():
        raise ActionConflict(_("Sản phẩm đã có lô %(code)s.") % {"code": code},
                             code="trace.lot_code_taken", field="code")
    return Lot.objects.create(product=product, code=code, produced_on=produced_on,
                              quantity=quantity, unit=unit, expires_on=expires_on)


def record_harvest(*, actor: User, zone: Zone, product: Product, lot_code: str,
                   harvested_at: datetime, quantity: Decimal, unit: str,
                   expires_on: date | None = None) -> Lot:
    """Thu hoạch: a new lot from a zone; ObjectEvent ADD commissioning with the lot's ILMD."""
    _allow(actor, zone.producer)
    _allow(actor, product.producer)
    if zone.status != Zone.Status.ISSUED:
        raise ActionConflict(_("Vùng %(code)s đang %(status)s: không ghi nhận thu hoạch.")
                             % {"code": zone.code, "status": zone.get_status_display().lower()},
                             code="trace.zone_not_issued", field="zone")
    with transaction.atomic():
        lot = _new_lot(product, lot_code, harvested_at.date(), quantity, unit, expires_on)
        lot.zones.add(zone)
        when, offset = _time(harvested_at)
        event = _emit(actor, product.producer, {
            "type": "ObjectEvent", "eventTime": when, "eventTimeZoneOffset": offset,
            "epcList": [], "action": "ADD", "bizStep": "commissioning", "disposition": "active",
            "quantityList": [_quantity(lot)],
            "readPoint": _location(f"/vung/{zone.code}"),
            "bizLocation": _location(f"/vung/{zone.code}"),
            "ilmd": _ilmd(lot), "ocop:zoneCode": zone.code,
        })
        _link(lot, event, LotEvent.Step.HARVEST, zone.name)
        record(actor=actor, action="trace.harvest", obj=lot,
               changes={"zone": zone.code, "event": event.event_id})
    return lot


def record_transformation(*, actor: User, inputs: list[tuple[Lot, Decimal]], product: Product,
                          lot_code: str, produced_at: datetime, quantity: Decimal, unit: str,
                          expires_on: date | None = None, place: str = "") -> Lot:
    """Chế biến: input lots → a new output lot; one TransformationEvent."""
    if not inputs:
        raise ActionInvalid(_("Cần ít nhất một lô đầu vào."), code="trace.inputs_required",
                            field="inputs")
    _allow(actor, product.producer)
    for lot, used in inputs:
        _allow(actor, lot.product.producer)
        if used <= 0 or used > lot.quantity:
            raise ActionInvalid(_("Lượng dùng từ lô %(code)s phải trong (0, %(quantity)s].")
                                % {"code": lot.code, "quantity": lot.quantity},
                                code="trace.input_quantity_invalid", field="inputs")
    with transaction.atomic():
        out = _new_lot(product, lot_code, produced_at.date(), quantity, unit, expires_on)
        out.inputs.set([lot for lot, _ in inputs])
        when, offset = _time(produced_at)
        event = _emit(actor, product.producer, {
            "type": "TransformationEvent", "eventTime": when, "eventTimeZoneOffset": offset,
            "inputQuantityList": [_quantity(lot, used) for lot, used in inputs],
            "outputQuantityList": [_quantity(out)],
            "bizStep": "commissioning", "disposition": "active",
            "bizLocation": _location(f"/chu-the/{product.producer_id}"),
            "ilmd": _ilmd(out),
        })
        _link(out, event, LotEvent.Step.TRANSFORM, place or product.producer.name)
        record(actor=actor, action="trace.transform", obj=out,
               changes={"inputs": [lot.code for lot, _ in inputs], "event": event.event_id})
    return out


def _observe(*, actor: User, lot: Lot, at: datetime, biz_step: str, disposition: str,
             step: str, place: str, quantity: Decimal | None, extra: dict[str, Any]) -> EpcisEvent:
    _allow(actor, lot.product.producer)
    if quantity is not None and (quantity <= 0 or quantity > lot.quantity):
        raise ActionInvalid(_("Số lượng phải trong (0, %(quantity)s].")
                            % {"quantity": lot.quantity}, code="trace.quantity_invalid",
                            field="quantity")
    with transaction.atomic():
        when, offset = _time(at)
        event = _emit(actor, lot.product.producer, {
            "type": "ObjectEvent", "eventTime": when, "eventTimeZoneOffset": offset,
            "epcList": [], "action": "OBSERVE", "bizStep": biz_step, "disposition": disposition,
            "quantityList": [_quantity(lot, quantity)], **extra,
        })
        _link(lot, event, step, place)
        record(actor=actor, action=f"trace.{step}", obj=lot,
               changes={"event": event.event_id, "place": place})
    return event


def ship(*, actor: User, lot: Lot, shipped_at: datetime, destination: str,
         quantity: Decimal | None = None) -> EpcisEvent:
    """Xuất hàng: ObjectEvent OBSERVE shipping / in_transit."""
    if not destination.strip():
        raise ActionInvalid(_("Cần nơi nhận hàng."), code="trace.place_required",
                            field="destination")
    return _observe(actor=actor, lot=lot, at=shipped_at, biz_step="shipping",
                    disposition="in_transit", step=LotEvent.Step.SHIP, place=destination,
                    quantity=quantity,
                    extra={"bizLocation": _location(f"/chu-the/{lot.product.producer_id}"),
                           "ocop:destination": destination.strip()[:200]})


def receive(*, actor: User, lot: Lot, received_at: datetime, place: str,
            quantity: Decimal | None = None) -> EpcisEvent:
    """Nhận hàng: ObjectEvent OBSERVE receiving / in_progress."""
    if not place.strip():
        raise ActionInvalid(_("Cần nơi nhận hàng."), code="trace.place_required", field="place")
    return _observe(actor=actor, lot=lot, at=received_at, biz_step="receiving",
                    disposition="in_progress", step=LotEvent.Step.RECEIVE, place=place,
                    quantity=quantity, extra={"ocop:receivedAt": place.strip()[:200]})


# --- Stamps ----------------------------------------------------------------------------------


def issue_stamps(*, actor: User, lot: Lot, count: int) -> StampBatch:
    """A batch of ``count`` serials following the product's last issued serial."""
    _allow(actor, lot.product.producer)
    if not 1 <= count <= MAX_STAMPS_PER_BATCH:
        raise ActionInvalid(_("Số tem phải từ 1 đến %(max)s.")
                            % {"max": f"{MAX_STAMPS_PER_BATCH:,}"},
                            code="trace.stamp_count_invalid", field="count")
    with transaction.atomic():
        # Lock the product row so two batches never share serials (SQLite: IMMEDIATE mode).
        Product.objects.select_for_update(no_key=True).filter(pk=lot.product_id).first()
        last = StampBatch.objects.filter(product_id=lot.product_id).aggregate(
            m=Max("first_serial"))["m"]
        first = 1
        if last is not None:
            top = StampBatch.objects.filter(product_id=lot.product_id, first_serial=last).first()
            first = top.last_serial + 1
        batch = StampBatch.objects.create(product_id=lot.product_id, lot=lot, first_serial=first,
                                          count=count, created_by=actor)
        record(actor=actor, action="trace.stamps_issue", obj=batch,
               changes={"lot": lot.code, "first": first, "count": count})
        ref = stamps.product_ref(lot.product.gtin, lot.product_id)
        transaction.on_commit(lambda: cache.delete(stamps.directory_cache_key(ref, lot.code)))
    return batch


def out_of_batch(batch: StampBatch, first: int, last: int) -> str:
    """The refusal for serials outside the batch (shared with the PDF stamp sheet)."""
    return _("Sê-ri %(first)s–%(last)s nằm ngoài lô tem (%(batch_first)s–%(batch_last)s).") % {
        "first": first, "last": last, "batch_first": batch.first_serial,
        "batch_last": batch.last_serial}


def _check_range(batch: StampBatch, first: int, last: int) -> None:
    if first > last:
        raise ActionInvalid(_("Sê-ri đầu lớn hơn sê-ri cuối."), code="trace.serial_range_reversed",
                            field="first")
    if first < batch.first_serial or last > batch.last_serial:
        raise ActionInvalid(out_of_batch(batch, first, last), code="trace.serials_out_of_batch",
                            field="first")


def pack_with_stamps(*, actor: User, batch: StampBatch, first: int, last: int,
                     packed_at: datetime) -> EpcisEvent:
    """Đóng gói, dán tem: activates the serials; AggregationEvent ADD (lot ← stamped units)."""
    lot = batch.lot
    _allow(actor, batch.product.producer)
    _check_range(batch, first, last)
    if last - first + 1 > MAX_STAMPS_PER_PACK:
        raise ActionInvalid(_("Mỗi lần đóng gói tối đa %(max)s tem.")
                            % {"max": f"{MAX_STAMPS_PER_PACK:,}"}, code="trace.pack_too_large",
                            field="last")
    overlapping = set(StampRange.objects.filter(batch=batch, first__lte=last, last__gte=first)
                      .values_list("state", flat=True))
    if StampRange.State.VOID in overlapping:
        raise ActionConflict(_("Khoảng sê-ri có tem đã huỷ."), code="trace.stamps_voided",
                             field="first")
    if StampRange.State.ACTIVE in overlapping:
        # Each unit is packed once: a second AggregationEvent would duplicate the journey.
        raise ActionConflict(_("Khoảng sê-ri có tem đã kích hoạt (đã đóng gói)."),
                             code="trace.stamps_already_packed", field="first")
    gtin, pid = batch.product.gtin, batch.product_id
    with transaction.atomic():
        when, offset = _time(packed_at)
        event = _emit(actor, batch.product.producer, {
            "type": "AggregationEvent", "eventTime": when, "eventTimeZoneOffset": offset,
            "parentID": f"{_lot_class(lot)}/pack/{first}-{last}",
            "childEPCs": [stamps.epc_instance(gtin, pid, lot.code, s)
                          for s in range(first, last + 1)],
            "action": "ADD", "bizStep": "packing", "disposition": "in_progress",
            "bizLocation": _location(f"/chu-the/{batch.product.producer_id}"),
        })
        StampRange.objects.create(batch=batch, first=first, last=last,
                                  state=StampRange.State.ACTIVE, event=event, created_by=actor)
        _forget_ranges(batch)
        _link(lot, event, LotEvent.Step.PACK, batch.product.producer.name)
        record(actor=actor, action="trace.pack", obj=batch,
               changes={"first": first, "last": last, "event": event.event_id})
    return event


def void_stamps(*, actor: User, batch: StampBatch, first: int, last: int,
                reason: str) -> StampRange:
    """Huỷ tem (lost, damaged, stolen rolls): a voided serial never shows as valid again."""
    _allow(actor, batch.product.producer)
    _check_range(batch, first, last)
    if not reason.strip():
        raise ActionInvalid(_("Cần nêu lý do huỷ tem."), code="trace.reason_required",
                            field="reason")
    with transaction.atomic():
        voided = StampRange.objects.create(batch=batch, first=first, last=last,
                                           state=StampRange.State.VOID, reason=reason.strip(),
                                           created_by=actor)
        _forget_ranges(batch)
        record(actor=actor, action="trace.stamps_void", obj=batch,
               changes={"first": first, "last": last, "reason": reason})
    return voided


def clear_suspicion(*, actor: User, batch: StampBatch, serial: int,
                    reason: str) -> SuspicionClearance:
    """Gỡ cảnh báo hàng giả: the office found the scans explained (e.g. a shop's many tills).

    Scans up to now stop counting as evidence for this stamp; new independent evidence flags
    it again (scan._evidence).
    """
    if not (verdict := can_clear_suspicion(actor, batch.product.producer)):
        raise ActionNotFound(verdict.reason, code=verdict.code)
    _check_range(batch, serial, serial)
    if not reason.strip():
        raise ActionInvalid(_("Cần nêu lý do gỡ cảnh báo."), code="trace.reason_required",
                            field="reason")
    with transaction.atomic():
        cleared = SuspicionClearance.objects.create(
            batch=batch, serial=serial, cleared_at=timezone.now(), cleared_by=actor,
            reason=reason.strip())
        record(actor=actor, action="trace.suspicion_clear", obj=batch,
               changes={"serial": serial, "reason": reason.strip()})
    return cleared
