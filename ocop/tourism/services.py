"""Every write to destinations and itineraries: checked against ``permissions``, validated as a
whole (nothing half-saved: each function is one transaction) and recorded in the audit log."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import time
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.models import User
from ocop.audit import services as audit
from ocop.certificates.selectors import public_products_q
from ocop.core.refusals import Invalid
from ocop.registry.models import Producer, Product
from ocop.registry.uploads import validate_image_upload
from ocop.tourism import geo
from ocop.tourism.models import (
    TOURISM_GROUP,
    Destination,
    Itinerary,
    OpeningPeriod,
    Photo,
    Service,
    SoldProduct,
    Stop,
    Weekday,
)
from ocop.tourism.permissions import manage_destination, manage_itinerary
from ocop.units.models import Unit

DESTINATION_FIELDS = ("name", "commune", "address", "latitude", "longitude", "summary",
                      "description", "visit_info", "hours_note", "services", "contact_name",
                      "contact_phone", "contact_email", "website", "service_product",
                      "producer")
ITINERARY_FIELDS = ("name", "summary", "description")
MAX_STOPS = 20
MAX_PHOTOS = 12

Hours = Mapping[int, tuple[time, time]]


def _invalid(message: str, code: str, fields: Mapping[str, str]) -> Invalid:
    return Invalid(message, code=code, fields=fields)


def _model_errors(obj: Any, exclude: Sequence[str] = ()) -> dict[str, str]:
    try:
        obj.full_clean(exclude=list(exclude), validate_constraints=False)
    except ValidationError as exc:
        return {k: " ".join(v) for k, v in exc.message_dict.items()}
    return {}


def _coordinate(value: Any) -> Decimal | None:
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    return number.quantize(Decimal("0.00001")) if number.is_finite() else None


def _check_location(destination: Destination, errors: dict[str, str]) -> None:
    lat, lon = _coordinate(destination.latitude), _coordinate(destination.longitude)
    if lat is None:
        errors["latitude"] = _("Vĩ độ phải là một số thập phân, ví dụ 21.37350.")
    if lon is None:
        errors["longitude"] = _("Kinh độ phải là một số thập phân, ví dụ 106.17420.")
    if lat is None or lon is None:
        return
    destination.latitude, destination.longitude = lat, lon
    if not geo.in_vietnam(lat, lon):
        hint = (_(" Có thể vĩ độ và kinh độ bị đảo chỗ.") if geo.in_vietnam(lon, lat) else "")
        errors["latitude"] = _("Toạ độ (%(lat)s, %(lon)s) nằm ngoài lãnh thổ Việt Nam.%(hint)s") % {
            "lat": lat, "lon": lon, "hint": hint}
        return
    commune = destination.commune if destination.commune_id else None
    province = commune.current_province if commune else None
    if province is not None and not geo.in_province(lat, lon, province.code):
        errors["latitude"] = _("Toạ độ (%(lat)s, %(lon)s) nằm ngoài %(province)s, nơi có xã "
                               "của điểm du lịch.") % {"lat": lat, "lon": lon,
                                                       "province": province.full_name}


def _check_commune(commune: Unit | None, errors: dict[str, str]) -> None:
    if commune is None:
        errors["commune"] = _("Hãy chọn xã/phường của điểm du lịch.")
    elif commune.level != Unit.Level.COMMUNE:
        errors["commune"] = _("Địa bàn của điểm du lịch phải là một xã/phường.")
    elif commune.current_commune_id is None and commune.current_province_id is None:
        errors["commune"] = _("Không xác định được xã/phường hiện nay của địa bàn này.")


def _check_services(codes: Iterable[str] | str, errors: dict[str, str]) -> str:
    codes = codes.split() if isinstance(codes, str) else list(codes)
    unknown = [c for c in codes if c not in Service.values]
    if unknown:
        errors["services"] = _("Dịch vụ không có trong danh sách: %(codes)s.") % {
            "codes": ", ".join(unknown)}
    # Stored in the list's own order, once each.
    return " ".join(c for c in Service.values if c in codes)


def _check_operator(destination: Destination, errors: dict[str, str]) -> None:
    product = destination.service_product
    if product is None:
        return
    if product.product_set.group_id != TOURISM_GROUP:
        errors["service_product"] = _(
            "“%(name)s” không thuộc nhóm 6 (dịch vụ du lịch cộng đồng, du lịch sinh thái và "
            "điểm du lịch).") % {"name": product.name}
    elif destination.producer_id is None:
        destination.producer = product.producer
    elif destination.producer_id != product.producer_id:
        errors["producer"] = _("Sản phẩm dịch vụ du lịch đã chọn thuộc chủ thể khác: %(name)s."
                               ) % {"name": product.producer.name}


def _check_hours(hours: Hours | None, errors: dict[str, str]) -> list[OpeningPeriod]:
    periods = []
    for day, (opens, closes) in sorted((hours or {}).items()):
        if day not in Weekday.values:
            errors["hours"] = _("Ngày trong tuần không hợp lệ.")
            continue
        if opens is None or closes is None:
            errors[f"hours_{day}"] = _("%(day)s: nhập cả giờ mở và giờ đóng cửa, hoặc để trống "
                                       "cả hai (nghỉ).") % {"day": Weekday(day).label}
        elif closes <= opens:
            errors[f"hours_{day}"] = _("%(day)s: giờ đóng cửa (%(closes)s) phải sau giờ mở cửa "
                                       "(%(opens)s).") % {
                "day": Weekday(day).label, "opens": opens.strftime("%H:%M"),
                "closes": closes.strftime("%H:%M")}
        else:
            periods.append(OpeningPeriod(weekday=day, opens=opens, closes=closes))
    return periods


@transaction.atomic
def save_destination(*, actor: User | None, data: Mapping[str, Any],
                     destination: Destination | None = None,
                     hours: Hours | None = None) -> Destination:
    """Create (``destination`` None) or update a destination; ``hours`` replaces the weekly
    opening periods ({weekday: (opens, closes)}; a missing day is closed). ``actor`` None: the
    demo loader."""
    creating = destination is None
    if not creating:
        destination = Destination.objects.select_for_update(no_key=True).get(pk=destination.pk)
        if actor is not None:
            manage_destination(actor, destination.commune).check()
    destination = destination or Destination(created_by=actor)
    before = {} if creating else audit.snapshot(destination, list(DESTINATION_FIELDS))
    for name in DESTINATION_FIELDS:
        if name in data:
            setattr(destination, name, data[name])
    commune = destination.commune if destination.commune_id else None
    if actor is not None:
        manage_destination(actor, commune).check()
    errors: dict[str, str] = {}
    _check_commune(commune, errors)
    destination.services = _check_services(data.get("services", destination.services), errors)
    _check_location(destination, errors)
    _check_operator(destination, errors)
    periods = _check_hours(hours, errors) if hours is not None else None
    for name, text in _model_errors(destination, exclude=["created_by"]).items():
        errors.setdefault(name, text)
    if errors:
        raise _invalid(_("Điểm du lịch chưa lưu được: xem các ô được đánh dấu."),
                       "tourism.invalid_destination", errors)
    destination.save()
    if periods is not None:
        destination.opening_periods.all().delete()
        for period in periods:
            period.destination = destination
        OpeningPeriod.objects.bulk_create(periods)
    after = audit.snapshot(destination, list(DESTINATION_FIELDS))
    changes = after if creating else audit.diff_fields(before, after)
    if periods is not None:
        changes["hours"] = [f"{p.weekday}:{p.opens:%H:%M}-{p.closes:%H:%M}" for p in periods]
    audit.record(actor=actor, action="tourism.destination." + ("create" if creating
                                                               else "update"),
                 obj=destination, changes=changes)
    return destination


@transaction.atomic
def set_destination_published(*, actor: User | None, destination: Destination,
                              published: bool) -> Destination:
    if actor is not None:
        manage_destination(actor, destination.commune).check()
    destination.published = published
    destination.save(update_fields=["published", "updated_at"])
    audit.record(actor=actor, action="tourism.destination.publish", obj=destination,
                 changes={"published": published})
    return destination


@transaction.atomic
def add_photo(*, actor: User | None, destination: Destination, file: File,
              caption: str = "") -> Photo:
    """Checked by content (PNG, JPEG or WebP that Pillow decodes), stored under an
    unguessable name."""
    if actor is not None:
        manage_destination(actor, destination.commune).check()
    if destination.photos.count() >= MAX_PHOTOS:
        raise _invalid(_("Mỗi điểm du lịch có tối đa %(n)s ảnh; hãy xoá bớt ảnh cũ.")
                       % {"n": MAX_PHOTOS}, "tourism.too_many_photos",
                       {"image": _("Đã đủ số ảnh.")})
    try:
        validate_image_upload(file, field="image")
    except ValidationError as exc:
        message = " ".join(exc.messages)
        raise _invalid(message, "tourism.bad_photo", {"image": message}) from exc
    photo = Photo(destination=destination, image=file, caption=caption.strip())
    errors = _model_errors(photo, exclude=["image"])
    if errors:
        raise _invalid(_("Ảnh chưa lưu được."), "tourism.invalid_photo", errors)
    photo.save()
    audit.record(actor=actor, action="tourism.photo.add", obj=destination,
                 changes={"photo": photo.pk, "caption": photo.caption})
    return photo


@transaction.atomic
def delete_photo(*, actor: User | None, photo: Photo) -> None:
    if actor is not None:
        manage_destination(actor, photo.destination.commune).check()
    audit.record(actor=actor, action="tourism.photo.delete", obj=photo.destination,
                 changes={"photo": photo.pk})
    stored = photo.image
    photo.delete()
    transaction.on_commit(lambda: stored.storage.delete(stored.name))


@transaction.atomic
def add_sold_product(*, actor: User | None, destination: Destination,
                     product: Product) -> SoldProduct:
    """Link a product sold at the destination. It must be an OCOP product today (the pages
    check again every time they are read: a product that loses its certificate disappears)."""
    if actor is not None:
        manage_destination(actor, destination.commune).check()
    today = timezone.localdate()
    if not Product.objects.filter(public_products_q(today), pk=product.pk).exists():
        raise _invalid(_("“%(name)s” không có giấy chứng nhận OCOP còn hiệu lực hôm nay, nên "
                         "không giới thiệu được tại điểm du lịch.") % {"name": product.name},
                       "tourism.product_not_certified", {"product": _("Chọn sản phẩm OCOP "
                                                                      "còn hiệu lực.")})
    if destination.sold.filter(product=product).exists():
        raise _invalid(_("“%(name)s” đã có trong danh sách sản phẩm bán tại điểm.")
                       % {"name": product.name}, "tourism.product_listed",
                       {"product": _("Sản phẩm đã có.")})
    sold = SoldProduct.objects.create(destination=destination, product=product)
    audit.record(actor=actor, action="tourism.product.add", obj=destination,
                 changes={"product": product.pk, "name": product.name})
    return sold


@transaction.atomic
def remove_sold_product(*, actor: User | None, sold: SoldProduct) -> None:
    if actor is not None:
        manage_destination(actor, sold.destination.commune).check()
    audit.record(actor=actor, action="tourism.product.remove", obj=sold.destination,
                 changes={"product": sold.product_id})
    sold.delete()


# --- Itineraries --------------------------------------------------------------------------------


@dataclass(frozen=True)
class StopInput:
    destination: Destination | None = None
    producer: Producer | None = None
    minutes: int | None = None
    note: str = ""


def _stop_label(stop: StopInput) -> str:
    return stop.destination.name if stop.destination else stop.producer.name


def _check_stops(stops: Sequence[StopInput], province: Unit | None) -> tuple[list[Stop],
                                                                             dict[str, str]]:
    errors: dict[str, str] = {}
    if not stops:
        errors["stops"] = _("Tuyến tham quan cần ít nhất một điểm dừng.")
        return [], errors
    if len(stops) > MAX_STOPS:
        errors["stops"] = _("Một tuyến có tối đa %(n)s điểm dừng.") % {"n": MAX_STOPS}
        return [], errors
    rows: list[Stop] = []
    for n, given in enumerate(stops, start=1):
        field = f"stop_{n}"
        if (given.destination is None) == (given.producer is None):
            errors[field] = _("Điểm dừng %(n)s: chọn một điểm du lịch hoặc một chủ thể (chỉ "
                              "một).") % {"n": n}
            continue
        commune = given.destination.commune if given.destination else given.producer.commune
        if province is not None and commune.current_province_id != province.pk:
            errors[field] = _("Điểm dừng %(n)s (%(name)s) không thuộc %(province)s.") % {
                "n": n, "name": _stop_label(given), "province": province.full_name}
        if given.minutes is not None and not 0 < given.minutes <= 24 * 60:
            errors[field] = _("Điểm dừng %(n)s: thời gian gợi ý phải từ 1 phút đến 24 giờ.") % {
                "n": n}
        row = Stop(position=n, destination=given.destination, producer=given.producer,
                   minutes=given.minutes, note=(given.note or "").strip())
        if rows and rows[-1].key == row.key:
            errors[field] = _("Điểm dừng %(n)s trùng với điểm dừng ngay trước (%(name)s): hai "
                              "điểm liền nhau phải khác nhau.") % {"n": n,
                                                                  "name": _stop_label(given)}
        for name, text in _model_errors(row, exclude=["itinerary"]).items():
            errors.setdefault(field, f"{_('Điểm dừng %(n)s') % {'n': n}}: {name}: {text}")
        rows.append(row)
    return rows, errors


@transaction.atomic
def save_itinerary(*, actor: User | None, data: Mapping[str, Any],
                   stops: Sequence[StopInput], itinerary: Itinerary | None = None,
                   province: Unit | None = None) -> Itinerary:
    """Create or update an itinerary with its ordered stops (all replaced at once)."""
    creating = itinerary is None
    if creating:
        itinerary = Itinerary(created_by=actor, province=province)
    else:
        itinerary = Itinerary.objects.select_for_update(no_key=True).get(pk=itinerary.pk)
    province = itinerary.province if itinerary.province_id else None
    if actor is not None:
        manage_itinerary(actor, province).check()
    for name in ITINERARY_FIELDS:
        if name in data:
            setattr(itinerary, name, data[name])
    errors = _model_errors(itinerary, exclude=["created_by"])
    if province is not None and (province.level != Unit.Level.PROVINCE
                                 or province.era != Unit.Era.CURRENT):
        errors["province"] = _("Tuyến tham quan thuộc một tỉnh/thành phố hiện hành.")
    rows, stop_errors = _check_stops(stops, province)
    errors |= stop_errors
    if errors:
        raise _invalid(_("Tuyến tham quan chưa lưu được: xem các ô được đánh dấu."),
                       "tourism.invalid_itinerary", errors)
    itinerary.save()
    itinerary.stops.all().delete()
    for row in rows:
        row.itinerary = itinerary
    Stop.objects.bulk_create(rows)
    audit.record(actor=actor, action="tourism.itinerary." + ("create" if creating else "update"),
                 obj=itinerary, changes={
                     "name": itinerary.name,
                     "stops": [f"{r.key[0]}{r.key[1]}" for r in rows]})
    return itinerary


@transaction.atomic
def set_itinerary_published(*, actor: User | None, itinerary: Itinerary,
                            published: bool) -> Itinerary:
    if actor is not None:
        manage_itinerary(actor, itinerary.province).check()
    itinerary.published = published
    itinerary.save(update_fields=["published", "updated_at"])
    audit.record(actor=actor, action="tourism.itinerary.publish", obj=itinerary,
                 changes={"published": published})
    return itinerary
