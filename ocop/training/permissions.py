"""Who may run courses, register producers and record support.

- ``manage_training(user, province)``: the standing office of that province (courses,
  attendance, support records); central and admin accounts anywhere.
- ``register_producer(user, course, producer)``: the producer's own account, the commune officer
  of its commune, or the course's managers — for a producer of the course's province, while
  registration is open.
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy as _

from ocop.accounts.jurisdiction import can_see_unit
from ocop.accounts.models import Role, User
from ocop.core.refusals import ALLOWED, Verdict, denied
from ocop.registry.models import Producer
from ocop.training.models import Course
from ocop.units.models import Unit


def province_of(user: User) -> str | None:
    """The current province an office, inspector or commune officer works in."""
    if not user.unit_id:
        return None
    return user.unit.current_province_id or user.unit_id


def manage_training(user: User, province: Unit | None) -> Verdict:
    if not (user.is_authenticated and user.is_active):
        return denied(_("Hãy đăng nhập."), "training.sign_in")
    if user.is_nationwide:
        return ALLOWED
    if user.role != Role.PROVINCE_OFFICE:
        return denied(_("Chỉ cơ quan thường trực OCOP tổ chức lớp và ghi nhận hỗ trợ."),
                      "training.not_an_office")
    if province is None or province.pk != user.unit_id:
        return denied(_("Bạn chỉ quản lý đào tạo, hỗ trợ của tỉnh/thành phố mình."),
                      "training.other_province")
    return ALLOWED


def registration_open(course: Course, today: date) -> bool:
    return today <= (course.registration_closes_on or course.starts_on)


def register_producer(user: User, course: Course, producer: Producer, today: date) -> Verdict:
    if producer.commune.current_province_id != course.province_id:
        return denied(_("Lớp này dành cho chủ thể của %(province)s.")
                      % {"province": course.province.name}, "training.other_province")
    if not registration_open(course, today):
        return denied(_("Lớp đã hết hạn đăng ký."), "training.closed")
    if manage_training(user, course.province):
        return ALLOWED
    if user.role == Role.PRODUCER and user.producer_id == producer.pk:
        return ALLOWED
    if user.role == Role.COMMUNE_OFFICER and can_see_unit(user, producer.commune):
        return ALLOWED
    return denied(_("Bạn không đăng ký thay chủ thể này được."), "training.not_yours")
