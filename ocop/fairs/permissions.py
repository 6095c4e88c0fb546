"""Who may keep the calendar, apply for a booth, review, report results and read the figures.

- The calendar (name, dates, venue, organiser, booth classes) is public: anyone, signed in or
  not, reads every event.
- ``manage_event(user, province)``: the standing office of the event's province creates and
  edits its events, reviews applications, allocates booths and closes the event; central and
  admin accounts do so anywhere.
- ``follow_events(user)``: who reads the office side (applications, figures): the managers, and
  the province's inspectors and commune officers, who read the events of their province (a
  commune officer only its commune's producers' applications, through ``producers_for``).
- ``apply_for(user, event, producer, today)``: the producer's own account, or the office on its
  behalf, while the window is open, for a producer the event is open to. Whether the producer
  holds a valid certificate is a business rule of the service (it needs the certificates).
- ``report_results(user, application, today)``: the exhibitor's account or the office, for an
  accepted application, from the opening day until the office closes the event.
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy as _

from ocop.accounts.models import Role, User
from ocop.core.refusals import ALLOWED, Verdict, denied
from ocop.fairs.models import Application, Event
from ocop.registry.models import Producer
from ocop.units.models import Unit

_FOLLOWERS = (Role.PROVINCE_OFFICE, Role.INSPECTOR, Role.COMMUNE_OFFICER)


def province_of(user: User) -> str | None:
    """The current province an office, inspector or commune officer works in."""
    if not user.unit_id:
        return None
    return user.unit.current_province_id or user.unit_id


def manage_event(user: User, province: Unit | None) -> Verdict:
    if not (user.is_authenticated and user.is_active):
        return denied(_("Hãy đăng nhập."), "fairs.sign_in")
    if user.is_nationwide:
        return ALLOWED
    if user.role != Role.PROVINCE_OFFICE:
        return denied(_("Chỉ cơ quan thường trực OCOP quản lý hội chợ, sự kiện."),
                      "fairs.not_an_office")
    if province is None or province.pk != user.unit_id:
        return denied(_("Bạn chỉ quản lý sự kiện của tỉnh/thành phố mình."),
                      "fairs.other_province")
    return ALLOWED


def follow_events(user: User) -> Verdict:
    if not (user.is_authenticated and user.is_active):
        return denied(_("Hãy đăng nhập."), "fairs.sign_in")
    if user.is_nationwide or (user.role in _FOLLOWERS and province_of(user)):
        return ALLOWED
    return denied(_("Trang này dành cho cơ quan quản lý OCOP."), "fairs.not_staff")


def window_open(event: Event, today: date) -> bool:
    return (event.applications_open_on is not None
            and event.applications_open_on <= today <= event.applications_close_on
            and event.closed_on is None)


def open_to(event: Event, producer: Producer) -> bool:
    return (event.open_to == Event.OpenTo.NATIONAL
            or producer.commune.current_province_id == event.province_id)


def apply_for(user: User, event: Event, producer: Producer, today: date) -> Verdict:
    if not (user.is_authenticated and user.is_active):
        return denied(_("Hãy đăng nhập."), "fairs.sign_in")
    own = user.role == Role.PRODUCER and user.producer_id == producer.pk
    if not (own or manage_event(user, event.province)):
        return denied(_("Bạn không đăng ký gian hàng thay chủ thể này được."), "fairs.not_yours")
    if not event.takes_applications:
        return denied(_("Sự kiện này không nhận đăng ký gian hàng."), "fairs.no_applications")
    if not window_open(event, today):
        return denied(_("Ngoài thời gian nhận đăng ký (từ %(start)s đến %(end)s).") % {
            "start": event.applications_open_on.strftime("%d/%m/%Y"),
            "end": event.applications_close_on.strftime("%d/%m/%Y")}, "fairs.window_closed")
    if not open_to(event, producer):
        return denied(_("Sự kiện này dành cho chủ thể OCOP của %(province)s.")
                      % {"province": event.province.name}, "fairs.other_province")
    return ALLOWED


def report_results(user: User, application: Application, today: date) -> Verdict:
    if not (user.is_authenticated and user.is_active):
        return denied(_("Hãy đăng nhập."), "fairs.sign_in")
    event = application.event
    own = user.role == Role.PRODUCER and user.producer_id == application.producer_id
    if not (own or manage_event(user, event.province)):
        return denied(_("Bạn không báo cáo kết quả thay chủ thể này được."), "fairs.not_yours")
    if application.status != Application.Status.ACCEPTED:
        return denied(_("Chỉ chủ thể được nhận gian hàng mới báo cáo kết quả."),
                      "fairs.not_exhibitor")
    if today < event.starts_on:
        return denied(_("Sự kiện chưa khai mạc: báo cáo kết quả từ ngày %(day)s.")
                      % {"day": event.starts_on.strftime("%d/%m/%Y")}, "fairs.not_started")
    if event.closed_on is not None:
        return denied(_("Sự kiện đã kết thúc trên hệ thống, không sửa kết quả được nữa."),
                      "fairs.closed")
    return ALLOWED
