"""The Excel exports of courses, registrations and support (ocop/jobs/exports.py).

Rows are the training selectors for the requester: courses of their province (a producer: of
its commune's province), and registrations and support of the producers in their reach — a
commune officer gets its commune's, a producer its own.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ocop.accounts.models import User
from ocop.jobs.exports import Column, ListExport, describe_with, list_page, register_export
from ocop.registry.selectors import producers_for
from ocop.training import selectors
from ocop.training.models import Course, Registration, Support, Topic


def _courses(user: User, filters: Mapping[str, str]) -> QuerySet[Course]:
    return selectors.courses_for(user)


COURSES = register_export(ListExport(
    name="training.courses",
    title=_("Danh sách lớp đào tạo, tập huấn"),
    sheet="Lớp đào tạo",
    filename="lop-dao-tao",
    page=list_page("training:courses"),
    columns=(
        Column("Tên lớp", lambda c: c.title, width=40),
        Column("Hình thức", lambda c: c.kind, width=18, choices=Course.Kind.choices),
        Column("Chủ đề", lambda c: c.topic, width=30, choices=Topic.choices),
        Column("Tỉnh/thành phố", lambda c: c.province.full_name, width=22),
        Column("Ngày bắt đầu", lambda c: c.starts_on, "date", 13),
        Column("Ngày kết thúc", lambda c: c.ends_on, "date", 13),
        Column("Hạn đăng ký", lambda c: c.registration_closes_on, "date", 13),
        Column("Địa điểm", lambda c: c.place, width=30),
        Column("Giảng viên, báo cáo viên", lambda c: c.trainers, width=30),
        Column("Số chỗ", lambda c: c.capacity or None, "int", 9),
        Column("Số đăng ký", lambda c: c.registered, "int", 10),
    ),
    rows=_courses,
))


def _registrations(user: User, filters: Mapping[str, str]) -> QuerySet[Registration]:
    qs = Registration.objects.filter(
        course__in=selectors.courses_for(user).values("pk"), producer__in=producers_for(user),
    ).select_related("course", "producer__commune").order_by(
        "-course__starts_on", "course_id", "producer__name", "id")
    course = str(filters.get("course", ""))
    return qs.filter(course_id=int(course)) if course.isdigit() else qs


def _course_title(pk: str) -> str | None:
    if not pk.isdigit():
        return None
    return Course.objects.filter(pk=pk).values_list("title", flat=True).first()


def _registrations_page(filters: Mapping[str, str]) -> str:
    # One course's registrations are exported from that course's page, all of them from the
    # course list.
    course = filters.get("course", "")
    return reverse("training:course", args=[course]) if course.isdigit() else reverse(
        "training:courses")


REGISTRATIONS = register_export(ListExport(
    name="training.registrations",
    title=_("Danh sách đăng ký tham dự đào tạo"),
    sheet="Đăng ký",
    filename="dang-ky-dao-tao",
    columns=(
        Column("Lớp", lambda r: r.course.title, width=36),
        Column("Ngày bắt đầu", lambda r: r.course.starts_on, "date", 13),
        Column("Chủ thể", lambda r: r.producer.name, width=32),
        Column("Mã số thuế", lambda r: r.producer.tax_code, width=15),
        Column("Xã/phường", lambda r: r.producer.commune.full_name, width=28),
        Column("Người tham dự", lambda r: r.attendee, width=24),
        Column("Trạng thái", lambda r: r.status, width=14,
               choices=Registration.Status.choices),
        Column("Ngày đăng ký", lambda r: r.registered_at, "date", 13),
    ),
    rows=_registrations,
    describe=describe_with(("course", "Lớp", _course_title)),
    page=_registrations_page,
))


def _supports(user: User, filters: Mapping[str, str]) -> QuerySet[Support]:
    return selectors.supports_for(user).select_related("producer__commune")


SUPPORTS = register_export(ListExport(
    name="training.supports",
    title=_("Danh sách hỗ trợ chủ thể OCOP"),
    sheet="Hỗ trợ",
    filename="ho-tro-chu-the",
    page=list_page("training:supports"),
    columns=(
        Column("Ngày hỗ trợ", lambda s: s.given_on, "date", 13),
        Column("Chủ thể", lambda s: s.producer.name, width=32),
        Column("Mã số thuế", lambda s: s.producer.tax_code, width=15),
        Column("Xã/phường", lambda s: s.producer.commune.full_name, width=28),
        Column("Sản phẩm", lambda s: s.product.name if s.product_id else "", width=28),
        Column("Hình thức hỗ trợ", lambda s: s.kind, width=24, choices=Support.Kind.choices),
        Column("Nội dung hỗ trợ", lambda s: s.description, width=40),
        Column("Nguồn kinh phí", lambda s: s.funding, width=24),
        Column("Số tiền (đồng)", lambda s: s.amount, "money", 16),
    ),
    rows=_supports,
))
