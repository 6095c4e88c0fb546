"""Every write of training and support, each checked, audited and all-or-nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.models import User
from ocop.audit import services as audit
from ocop.core.refusals import Conflict, Invalid
from ocop.registry.models import Producer, Product
from ocop.training.models import MAX_SUPPORT_VND, Course, Registration, Support
from ocop.training.permissions import manage_training, register_producer
from ocop.units.models import Unit

COURSE_FIELDS = ("kind", "topic", "title", "starts_on", "ends_on", "place", "trainers",
                 "capacity", "registration_closes_on", "description")


def _clean(obj: Model, exclude: list[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise Invalid(_("Thông tin chưa hợp lệ: xem các trường được đánh dấu."),
                      code="training.invalid",
                      fields={k: " ".join(v) for k, v in exc.message_dict.items()}) from exc


def _check_dates(course: Course) -> None:
    fields = {}
    if course.starts_on and course.ends_on and course.ends_on < course.starts_on:
        fields["ends_on"] = _("Ngày kết thúc phải từ ngày bắt đầu trở đi.")
    if (course.registration_closes_on and course.starts_on
            and course.registration_closes_on > course.starts_on):
        fields["registration_closes_on"] = _("Hạn đăng ký phải trước hoặc đúng ngày bắt đầu.")
    if fields:
        raise Invalid(_("Thông tin chưa hợp lệ: xem các trường được đánh dấu."),
                      code="training.dates", fields=fields)


@transaction.atomic
def create_course(*, actor: User, province: Unit, **fields: Any) -> Course:
    manage_training(actor, province).check()
    course = Course(province=province, created_by=actor,
                    **{k: v for k, v in fields.items() if k in COURSE_FIELDS})
    _check_dates(course)
    _clean(course, exclude=["created_by"])
    course.save()
    audit.record(actor=actor, action="training.course.create", obj=course,
                 changes={k: getattr(course, k) for k in ("title", "starts_on", "place")})
    return course


@transaction.atomic
def update_course(*, actor: User, course: Course, **fields: Any) -> Course:
    manage_training(actor, course.province).check()
    before = audit.snapshot(course, list(COURSE_FIELDS))
    for name in COURSE_FIELDS:
        if name in fields:
            setattr(course, name, fields[name])
    _check_dates(course)
    _clean(course, exclude=["created_by"])
    course.save()
    changes = audit.diff_fields(before, audit.snapshot(course, list(COURSE_FIELDS)))
    if changes:
        audit.record(actor=actor, action="training.course.update", obj=course, changes=changes)
    return course


@transaction.atomic
def register(*, actor: User, course: Course, producer: Producer, attendee: str,
             today: date | None = None) -> Registration:
    """Register one attendee of ``producer``; a cancelled registration is taken up again."""
    today = today or timezone.localdate()
    register_producer(actor, course, producer, today).check()
    course = Course.objects.select_for_update(no_key=True).get(pk=course.pk)  # one seat at a time
    taken = course.registrations.exclude(status=Registration.Status.CANCELLED)
    if taken.filter(producer=producer).exists():
        raise Conflict(_("%(producer)s đã đăng ký lớp này.") % {"producer": producer.name},
                       code="training.already_registered")
    if course.capacity and taken.count() >= course.capacity:
        raise Conflict(_("Lớp đã đủ %(n)d chỗ.") % {"n": course.capacity}, code="training.full")
    registration = Registration.objects.filter(course=course, producer=producer).first() or \
        Registration(course=course, producer=producer)
    registration.attendee = attendee.strip()
    registration.status = Registration.Status.REGISTERED
    registration.registered_by = actor
    _clean(registration, exclude=["registered_by"])
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError as exc:  # the same producer registered at the same moment
        raise Conflict(_("%(producer)s đã đăng ký lớp này.") % {"producer": producer.name},
                       code="training.already_registered") from exc
    audit.record(actor=actor, action="training.registration.create", obj=registration,
                 changes={"course": course.pk, "producer": producer.pk,
                          "attendee": registration.attendee})
    return registration


@transaction.atomic
def cancel_registration(*, actor: User, registration: Registration,
                        today: date | None = None) -> Registration:
    today = today or timezone.localdate()
    register_producer(actor, registration.course, registration.producer, today).check()
    if registration.status != Registration.Status.REGISTERED:
        raise Conflict(_("Chỉ huỷ được đăng ký chưa điểm danh."), code="training.not_cancellable")
    registration.status = Registration.Status.CANCELLED
    registration.save(update_fields=["status"])
    audit.record(actor=actor, action="training.registration.cancel", obj=registration)
    return registration


@transaction.atomic
def mark_attendance(*, actor: User, registration: Registration, attended: bool,
                    today: date | None = None) -> Registration:
    """The office records who came, from the course's first day on."""
    today = today or timezone.localdate()
    course = registration.course
    manage_training(actor, course.province).check()
    if today < course.starts_on:
        raise Conflict(_("Lớp chưa bắt đầu: điểm danh từ ngày %(day)s.")
                       % {"day": course.starts_on.strftime("%d/%m/%Y")},
                       code="training.not_started")
    if registration.status == Registration.Status.CANCELLED:
        raise Conflict(_("Đăng ký đã huỷ."), code="training.cancelled")
    registration.status = (Registration.Status.ATTENDED if attended
                           else Registration.Status.ABSENT)
    registration.save(update_fields=["status"])
    audit.record(actor=actor, action="training.registration.attendance", obj=registration,
                 changes={"status": registration.status})
    return registration


@transaction.atomic
def record_support(*, actor: User, producer: Producer, kind: str, given_on: date,
                   description: str, amount: Decimal = Decimal(0),
                   product: Product | None = None, funding: str = "",
                   today: date | None = None) -> Support:
    today = today or timezone.localdate()
    manage_training(actor, Unit.objects.filter(pk=producer.commune.current_province_id).first()
                    ).check()
    fields = {}
    if product is not None and product.producer_id != producer.pk:
        fields["product"] = _("Sản phẩm không thuộc chủ thể này.")
    if amount is not None and amount > MAX_SUPPORT_VND:
        fields["amount"] = _("Số tiền quá lớn (tối đa %(max)s đồng cho một lần hỗ trợ).") % {
            "max": f"{MAX_SUPPORT_VND:,}".replace(",", ".")}
    if given_on and given_on > today:
        fields["given_on"] = _("Ngày hỗ trợ chưa tới: chỉ ghi hỗ trợ đã thực hiện.")
    if fields:
        raise Invalid(_("Thông tin chưa hợp lệ: xem các trường được đánh dấu."),
                      code="training.support_invalid", fields=fields)
    support = Support(producer=producer, product=product, kind=kind, given_on=given_on,
                      amount=amount, funding=funding, description=description,
                      recorded_by=actor)
    _clean(support, exclude=["recorded_by"])
    support.save()
    audit.record(actor=actor, action="training.support.create", obj=support,
                 changes={"producer": producer.pk, "kind": kind, "amount": amount})
    return support
