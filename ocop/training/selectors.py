"""Reads of training and support, each scoped to the reader's reach."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from ocop.accounts.models import Role, User
from ocop.core.formats import format_money
from ocop.registry.hooks import Section
from ocop.registry.models import Producer
from ocop.registry.selectors import producers_for
from ocop.training.models import Course, Registration, Support
from ocop.training.permissions import province_of


def courses_for(user: User) -> QuerySet[Course]:
    """Nation-wide accounts see every course; everyone else the courses of their province (a
    producer: of its commune's province)."""
    qs = Course.objects.select_related("province").annotate(
        registered=Count("registrations", filter=~Q(
            registrations__status=Registration.Status.CANCELLED))).order_by("-starts_on", "-id")
    if not user.is_authenticated:
        return qs.none()
    if user.is_nationwide:
        return qs
    if user.role == Role.PRODUCER:
        if user.producer_id is None:
            return qs.none()
        return qs.filter(province_id=user.producer.commune.current_province_id)
    province = province_of(user)
    return qs.filter(province_id=province) if province else qs.none()


def course_detail(user: User, pk: int) -> Course:
    return get_object_or_404(courses_for(user), pk=pk)


def registrations_of(user: User, course: Course) -> QuerySet[Registration]:
    """The course's registrations the user may see: all for staff of the province, the own
    producer's for a producer, the commune's for a commune officer."""
    return Registration.objects.filter(
        course=course, producer__in=producers_for(user)).select_related("producer")


def registrable_producers(user: User, course: Course) -> QuerySet[Producer]:
    """Producers the user may register for this course, not yet registered."""
    taken = Registration.objects.filter(course=course).exclude(
        status=Registration.Status.CANCELLED).values("producer")
    return producers_for(user).filter(
        commune__current_province_id=course.province_id).exclude(pk__in=taken).order_by("name")


def supports_for(user: User) -> QuerySet[Support]:
    return Support.objects.filter(producer__in=producers_for(user)).select_related(
        "producer", "product")


def producer_record(user: User, producer_pk: int) -> dict:
    """What one producer received: courses attended or registered, and support with its total."""
    producer = get_object_or_404(producers_for(user), pk=producer_pk)
    supports = list(Support.objects.filter(producer=producer).select_related("product"))
    return {
        "producer": producer,
        "registrations": list(Registration.objects.filter(producer=producer).exclude(
            status=Registration.Status.CANCELLED).select_related("course")
            .order_by("-course__starts_on")),
        "supports": supports,
        "support_total": sum((s.amount for s in supports), Decimal(0)),
    }


def producers_trained(province_id: str | None, year: int) -> int:
    """Distinct producers who attended a course of the province that started in ``year`` (for
    the annual plan's indicator)."""
    qs = Registration.objects.filter(status=Registration.Status.ATTENDED,
                                     course__starts_on__year=year)
    if province_id:
        qs = qs.filter(course__province_id=province_id)
    return qs.values("producer").distinct().count()


def support_spent(province_id: str | None, year: int) -> Decimal:
    qs = Support.objects.filter(given_on__year=year)
    if province_id:
        qs = qs.filter(producer__commune__current_province_id=province_id)
    return qs.aggregate(total=Sum("amount"))["total"] or Decimal(0)


def producer_section(user: User, producer: Producer) -> Section | None:
    """The training app's panel on a producer's page (registry hook ``producer_sections``)."""
    courses = Registration.objects.filter(producer=producer,
                                          status=Registration.Status.ATTENDED).count()
    supports = Support.objects.filter(producer=producer).aggregate(n=Count("id"),
                                                                   total=Sum("amount"))
    if not courses and not supports["n"]:
        return None
    return Section(
        title=_("Đào tạo, hỗ trợ đã nhận"),
        summary=_("Đã tham dự %(courses)d lớp; nhận %(supports)d lần hỗ trợ, trị giá "
                  "%(amount)s đồng.") % {"courses": courses, "supports": supports["n"],
                                         "amount": format_money(supports["total"] or 0)},
        url=reverse("training:producer", args=[producer.pk]))
