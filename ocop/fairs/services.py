"""Every write of the fairs calendar, applications, booths and results: checked, audited and
all-or-nothing."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.models import User
from ocop.accounts.selectors import producer_users, province_office_users
from ocop.audit import services as audit
from ocop.certificates.selectors import valid_products
from ocop.core.refusals import Conflict, Invalid
from ocop.fairs import permissions
from ocop.fairs.models import MAX_RESULT_VND, Application, BoothClass, Event
from ocop.notifications.services import notify
from ocop.registry.models import Producer, Product
from ocop.units.models import Unit

EVENT_FIELDS = ("kind", "name", "starts_on", "ends_on", "venue", "organiser", "open_to",
                "applications_open_on", "applications_close_on", "description")


def _invalid(fields: dict[str, str], code: str) -> Invalid:
    return Invalid(_("Thông tin chưa hợp lệ: xem các trường được đánh dấu."), code=code,
                   fields=fields)


def _clean(obj: Model, exclude: list[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=exclude, validate_constraints=False)
    except ValidationError as exc:
        raise _invalid({k: " ".join(v) for k, v in exc.message_dict.items()},
                       "fairs.invalid") from exc


def _check_dates(event: Event) -> None:
    """Dates that make sense: the event ends on or after its first day; an application window
    has both ends, opens before it closes and closes by the opening day."""
    fields = {}
    if event.starts_on and event.ends_on and event.ends_on < event.starts_on:
        fields["ends_on"] = _("Ngày bế mạc phải từ ngày khai mạc trở đi.")
    opens, closes = event.applications_open_on, event.applications_close_on
    if (opens is None) != (closes is None):
        fields["applications_close_on" if closes is None else "applications_open_on"] = _(
            "Nhập cả ngày mở và hạn đăng ký, hoặc để trống cả hai.")
    elif opens and closes:
        if closes < opens:
            fields["applications_close_on"] = _("Hạn đăng ký phải từ ngày mở đăng ký trở đi.")
        elif event.starts_on and closes > event.starts_on:
            fields["applications_close_on"] = _(
                "Hạn đăng ký phải trước hoặc đúng ngày khai mạc.")
    if fields:
        raise _invalid(fields, "fairs.dates")


def _check_booth_classes(classes: Sequence[tuple[str, int]]) -> None:
    names = [name.strip().casefold() for name, _capacity in classes]
    if any(not name for name in names):
        raise _invalid({"booth_classes": _("Mỗi loại gian hàng cần có tên.")},
                       "fairs.booth_class_name")
    if len(set(names)) != len(names):
        raise _invalid({"booth_classes": _("Hai loại gian hàng trùng tên.")},
                       "fairs.booth_class_twice")
    if any(capacity is None or capacity < 1 for _name, capacity in classes):
        raise _invalid({"booth_classes": _("Số gian của mỗi loại phải từ 1 trở lên.")},
                       "fairs.booth_class_capacity")


@transaction.atomic
def create_event(*, actor: User, province: Unit,
                 booth_classes: Sequence[tuple[str, int]] = (), **fields: Any) -> Event:
    permissions.manage_event(actor, province).check()
    event = Event(province=province, created_by=actor,
                  **{k: v for k, v in fields.items() if k in EVENT_FIELDS})
    _check_dates(event)
    if event.takes_applications and not booth_classes:
        raise _invalid({"booth_classes": _("Sự kiện nhận đăng ký cần ít nhất một loại gian "
                                           "hàng.")}, "fairs.no_booth_class")
    _check_booth_classes(booth_classes)
    _clean(event, exclude=["created_by"])
    event.save()
    BoothClass.objects.bulk_create(BoothClass(event=event, name=name.strip(), capacity=capacity)
                                   for name, capacity in booth_classes)
    audit.record(actor=actor, action="fairs.event.create", obj=event,
                 changes={"name": event.name, "starts_on": event.starts_on,
                          "booth_classes": [[n, c] for n, c in booth_classes]})
    return event


@transaction.atomic
def update_event(*, actor: User, event: Event, **fields: Any) -> Event:
    permissions.manage_event(actor, event.province).check()
    if event.closed_on is not None:
        raise Conflict(_("Sự kiện đã kết thúc trên hệ thống, không sửa được nữa."),
                       code="fairs.closed")
    before = audit.snapshot(event, list(EVENT_FIELDS))
    for name in EVENT_FIELDS:
        if name in fields:
            setattr(event, name, fields[name])
    _check_dates(event)
    _clean(event, exclude=["created_by"])
    event.save()
    changes = audit.diff_fields(before, audit.snapshot(event, list(EVENT_FIELDS)))
    if changes:
        audit.record(actor=actor, action="fairs.event.update", obj=event, changes=changes)
    return event


@transaction.atomic
def save_booth_class(*, actor: User, event: Event, name: str, capacity: int,
                     booth_class: BoothClass | None = None) -> BoothClass:
    """Add a booth class to the event, or change one's name or capacity (never below the booths
    already allocated in it)."""
    permissions.manage_event(actor, event.province).check()
    _check_booth_classes([(name, capacity)])
    if booth_class is None:
        booth_class = BoothClass(event=event)
    else:
        booth_class = BoothClass.objects.select_for_update(no_key=True).get(
            pk=booth_class.pk, event=event)
        allocated = booth_class.allocations.filter(status=Application.Status.ACCEPTED).count()
        if capacity < allocated:
            raise _invalid({"capacity": _("Đã xếp %(n)d gian loại này: số gian không được ít "
                                          "hơn.") % {"n": allocated}}, "fairs.below_allocated")
    if event.booth_classes.exclude(pk=booth_class.pk).filter(name__iexact=name.strip()).exists():
        raise _invalid({"name": _("Sự kiện đã có loại gian hàng tên này.")},
                       "fairs.booth_class_twice")
    booth_class.name, booth_class.capacity = name.strip(), capacity
    _clean(booth_class)
    booth_class.save()
    audit.record(actor=actor, action="fairs.booth_class.save", obj=booth_class,
                 changes={"event": event.pk, "name": booth_class.name, "capacity": capacity})
    return booth_class


def certified_products(producer: Producer, today: date) -> list[Product]:
    """The producer's products holding a certificate valid ``today``: what it may exhibit."""
    return list(valid_products(today).filter(producer=producer).order_by("name"))


@transaction.atomic
def apply(*, actor: User, event: Event, producer: Producer, products: Iterable[Product],
          booth_wanted: BoothClass | None = None, notes: str = "",
          today: date | None = None) -> Application:
    """One application per producer and event, to show certified products of its own."""
    today = today or timezone.localdate()
    permissions.apply_for(actor, event, producer, today).check()
    certified = {p.pk for p in certified_products(producer, today)}
    if not certified:
        raise Conflict(_("%(producer)s chưa có sản phẩm nào còn giấy chứng nhận OCOP hiệu lực: "
                         "chỉ chủ thể OCOP được đăng ký gian hàng.")
                       % {"producer": producer.name}, code="fairs.not_certified")
    chosen = list(products)
    fields = {}
    if not chosen:
        fields["products"] = _("Chọn ít nhất một sản phẩm OCOP để trưng bày.")
    elif any(p.producer_id != producer.pk for p in chosen):
        fields["products"] = _("Có sản phẩm không thuộc chủ thể này.")
    elif any(p.pk not in certified for p in chosen):
        fields["products"] = _("Chỉ trưng bày sản phẩm còn giấy chứng nhận OCOP hiệu lực: "
                               "%(names)s không đủ điều kiện.") % {
            "names": ", ".join(p.name for p in chosen if p.pk not in certified)}
    if booth_wanted is not None and booth_wanted.event_id != event.pk:
        fields["booth_wanted"] = _("Loại gian hàng không thuộc sự kiện này.")
    if fields:
        raise _invalid(fields, "fairs.application_invalid")
    if Application.objects.filter(event=event, producer=producer).exists():
        raise Conflict(_("%(producer)s đã đăng ký sự kiện này.") % {"producer": producer.name},
                       code="fairs.already_applied")
    application = Application(event=event, producer=producer, booth_wanted=booth_wanted,
                              notes=notes.strip(), applied_by=actor)
    _clean(application, exclude=["applied_by", "reviewed_by", "results_reported_by"])
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as exc:  # the same producer applied at the same moment
        raise Conflict(_("%(producer)s đã đăng ký sự kiện này.") % {"producer": producer.name},
                       code="fairs.already_applied") from exc
    application.products.set(chosen)
    audit.record(actor=actor, action="fairs.application.create", obj=application,
                 changes={"event": event.pk, "producer": producer.pk,
                          "products": sorted(p.pk for p in chosen)})
    notify(province_office_users(event.province_id), "fairs.applied",
           {"producer": producer.name, "event": event.name, "event_id": event.pk},
           target=application, email=False)
    return application


def _fresh(application: Application) -> Application:
    """The application as stored, locked, with its event: a caller's copy may be stale (the
    event closed, another officer reviewed it meanwhile)."""
    return Application.objects.select_for_update(of=("self",), no_key=True).select_related(
        "event", "event__province", "producer").get(pk=application.pk)


def _reviewable(actor: User, application: Application, today: date) -> None:
    event = application.event
    permissions.manage_event(actor, event.province).check()
    if event.closed_on is not None or today > event.ends_on:
        raise Conflict(_("Sự kiện đã kết thúc: không xét đăng ký được nữa."),
                       code="fairs.review_over")


def _told(application: Application, verb: str, **data: Any) -> None:
    notify(producer_users(application.producer_id), verb,
           {"event": application.event.name, "event_id": application.event_id, **data},
           target=application)


@transaction.atomic
def accept(*, actor: User, application: Application, booth_class: BoothClass,
           booth_number: str, today: date | None = None) -> Application:
    """Accept with a booth: never beyond the class's capacity, even when two officers allocate
    the last booth at the same moment (the class's row is locked while counting)."""
    today = today or timezone.localdate()
    application = _fresh(application)
    _reviewable(actor, application, today)
    number = (booth_number or "").strip()
    fields = {}
    if booth_class is None or booth_class.event_id != application.event_id:
        fields["booth_class"] = _("Chọn một loại gian hàng của sự kiện này.")
    if not number:
        fields["booth_number"] = _("Nhập số gian hàng.")
    if fields:
        raise _invalid(fields, "fairs.allocation_invalid")
    locked = BoothClass.objects.select_for_update(no_key=True).get(pk=booth_class.pk)
    taken = locked.allocations.filter(status=Application.Status.ACCEPTED).exclude(
        pk=application.pk).count()
    if taken >= locked.capacity:
        raise Conflict(_("Đã hết gian loại “%(name)s” (%(n)d/%(n)d gian đã xếp). Chọn loại "
                         "khác hoặc đưa vào danh sách chờ.")
                       % {"name": locked.name, "n": locked.capacity},
                       code="fairs.booth_class_full")
    if Application.objects.filter(event_id=application.event_id, booth_number=number).exclude(
            pk=application.pk).exists():
        raise _invalid({"booth_number": _("Gian số %(number)s đã xếp cho chủ thể khác.")
                        % {"number": number}}, "fairs.booth_taken")
    application.status = Application.Status.ACCEPTED
    application.booth_class, application.booth_number = locked, number
    application.refusal_reason = ""
    application.reviewed_by, application.reviewed_at = actor, timezone.now()
    _clean(application, exclude=["applied_by", "reviewed_by", "results_reported_by"])
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as exc:  # the same booth number given at the same moment
        raise _invalid({"booth_number": _("Gian số %(number)s đã xếp cho chủ thể khác.")
                        % {"number": number}}, "fairs.booth_taken") from exc
    audit.record(actor=actor, action="fairs.application.accept", obj=application,
                 changes={"booth_class": locked.pk, "booth_number": number})
    _told(application, "fairs.accepted", booth=locked.name, number=number)
    return application


@transaction.atomic
def waitlist(*, actor: User, application: Application,
             today: date | None = None) -> Application:
    today = today or timezone.localdate()
    application = _fresh(application)
    _reviewable(actor, application, today)
    return _decide(actor, application, Application.Status.WAITLISTED, "", "fairs.waitlisted")


@transaction.atomic
def refuse(*, actor: User, application: Application, reason: str,
           today: date | None = None) -> Application:
    today = today or timezone.localdate()
    application = _fresh(application)
    _reviewable(actor, application, today)
    reason = (reason or "").strip()
    if not reason:
        raise _invalid({"reason": _("Nêu lý do không nhận để chủ thể biết.")},
                       "fairs.reason_required")
    return _decide(actor, application, Application.Status.REFUSED, reason, "fairs.refused")


def _decide(actor: User, application: Application, status: str, reason: str,
            verb: str) -> Application:
    application.status = status
    application.booth_class, application.booth_number = None, ""
    application.refusal_reason = reason
    application.reviewed_by, application.reviewed_at = actor, timezone.now()
    _clean(application, exclude=["applied_by", "reviewed_by", "results_reported_by"])
    application.save()
    audit.record(actor=actor, action=f"fairs.application.{status}", obj=application,
                 changes={"status": status, "reason": reason})
    _told(application, verb, reason=reason)
    return application


@transaction.atomic
def report_results(*, actor: User, application: Application, sales_vnd: Decimal | int | None,
                   contracts_count: int | None, contracts_value_vnd: Decimal | int | None,
                   buyer_contacts_count: int | None, buyer_contact_names: str = "",
                   today: date | None = None) -> Application:
    """What an exhibitor sold and signed at the event; reported again, it replaces the figures."""
    today = today or timezone.localdate()
    application = _fresh(application)
    permissions.report_results(actor, application, today).check()
    values = {"sales_vnd": sales_vnd, "contracts_count": contracts_count,
              "contracts_value_vnd": contracts_value_vnd,
              "buyer_contacts_count": buyer_contacts_count}
    fields = {}
    for name, value in values.items():
        if value is None:
            fields[name] = _("Nhập một số (0 nếu không có).")
        elif value < 0:
            fields[name] = _("Không được là số âm.")
        elif name.endswith("_vnd") and value > MAX_RESULT_VND:
            fields[name] = _("Số tiền quá lớn (tối đa %(max)s đồng): kiểm tra lại số chữ số.") % {
                "max": f"{MAX_RESULT_VND:,}".replace(",", ".")}
    if not fields and contracts_count == 0 and contracts_value_vnd:
        fields["contracts_value_vnd"] = _("Không có hợp đồng thì giá trị hợp đồng là 0.")
    if fields:
        raise _invalid(fields, "fairs.results_invalid")
    for name, value in values.items():
        setattr(application, name, value)
    application.buyer_contact_names = (buyer_contact_names or "").strip()
    application.results_reported_at, application.results_reported_by = timezone.now(), actor
    _clean(application, exclude=["applied_by", "reviewed_by", "results_reported_by"])
    application.save()
    audit.record(actor=actor, action="fairs.application.results", obj=application,
                 changes={k: v for k, v in values.items()})
    return application


@transaction.atomic
def close_event(*, actor: User, event: Event, today: date | None = None) -> Event:
    """The office closes the event after its last day: results are final from then on."""
    today = today or timezone.localdate()
    permissions.manage_event(actor, event.province).check()
    if event.closed_on is not None:
        raise Conflict(_("Sự kiện đã kết thúc trên hệ thống."), code="fairs.closed")
    if today <= event.ends_on:
        raise Conflict(_("Sự kiện chưa bế mạc: kết thúc sau ngày %(day)s.")
                       % {"day": event.ends_on.strftime("%d/%m/%Y")}, code="fairs.not_over")
    event.closed_on = today
    event.save(update_fields=["closed_on"])
    audit.record(actor=actor, action="fairs.event.close", obj=event,
                 changes={"closed_on": today})
    return event
