"""The public calendar and event pages, applications, reviews, results and figures; thin views
over the services and selectors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ocop.accounts.models import Role
from ocop.core.refusals import Refusal, show_on_form
from ocop.fairs import excel, selectors, services
from ocop.fairs.forms import (
    AcceptForm,
    ApplicationForm,
    BoothClassForm,
    EventForm,
    RefuseForm,
    ResultsForm,
)
from ocop.fairs.models import Application
from ocop.fairs.permissions import (
    follow_events,
    manage_event,
    province_of,
    report_results,
    window_open,
)
from ocop.registry.models import Product
from ocop.units.models import Unit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _home_province(user) -> Unit | None:
    return user.unit if user.unit_id and user.unit.level == Unit.Level.PROVINCE else None


def _may_create(user) -> bool:
    return bool(user.is_authenticated and (
        user.is_nationwide or manage_event(user, _home_province(user))))


@require_GET
def calendar(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(request, "fairs/calendar.html", {
        **selectors.calendar(timezone.localdate()), "today": timezone.localdate(),
        "may_create": _may_create(user), "follows": bool(follow_events(user)),
        "is_producer": user.is_authenticated and user.role == Role.PRODUCER,
    })


def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The event's public facts; a producer's application (or the form to apply); the office's
    applications with their review; the results."""
    user = request.user
    event = selectors.event_detail(pk)
    today = timezone.localdate()
    context = {"event": event, "today": today, "open": window_open(event, today),
               "may_manage": bool(manage_event(user, event.province)),
               "started": today >= event.starts_on, "over": today > event.ends_on,
               "mine": None, "form": None, "may_report": False, "applications": None}
    if user.is_authenticated and user.role == Role.PRODUCER and user.producer_id:
        mine = selectors.own_application(user, event)
        context["mine"] = mine
        if mine is None and context["open"]:
            certified = Product.objects.filter(pk__in=[
                p.pk for p in services.certified_products(user.producer, today)])
            form = ApplicationForm(request.POST or None, products=certified, event=event)
            if request.method == "POST" and form.is_valid():
                try:
                    services.apply(actor=user, event=event, producer=user.producer,
                                   today=today, **form.cleaned_data)
                except Refusal as exc:
                    show_on_form(form, exc)
                else:
                    messages.success(request, _("Đã gửi đăng ký gian hàng. Cơ quan thường trực "
                                                "OCOP sẽ xét và báo kết quả cho bạn."))
                    return redirect("fairs:event", pk=event.pk)
            context["form"] = form
        context["may_report"] = bool(mine and report_results(user, mine, today))
    elif request.method == "POST":
        raise PermissionDenied(_("Chỉ chủ thể OCOP đăng ký gian hàng trên trang này."))
    if user.is_authenticated:
        context["applications"] = selectors.applications_of(user, event)
    if context["may_manage"]:
        context["booth_form"] = BoothClassForm()
    return render(request, "fairs/event_detail.html", context)


@login_required
def event_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not _may_create(user):
        raise PermissionDenied(_("Chỉ cơ quan thường trực OCOP của tỉnh tạo sự kiện."))
    form = EventForm(request.POST or None, choose_province=user.is_nationwide)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        province = data.pop("province", None) or _home_province(user)
        try:
            event = services.create_event(actor=user, province=province, **data)
        except Refusal as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Đã thêm sự kiện vào lịch."))
            return redirect("fairs:event", pk=event.pk)
    return render(request, "fairs/event_form.html", {"form": form, "event": None})


@login_required
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_detail(pk)
    if not manage_event(request.user, event.province):
        raise PermissionDenied(_("Chỉ cơ quan thường trực OCOP của tỉnh sửa sự kiện này."))
    form = EventForm(request.POST or None, instance=event, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_event(actor=request.user, event=event, **form.cleaned_data)
        except Refusal as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Đã lưu sự kiện."))
            return redirect("fairs:event", pk=event.pk)
    return render(request, "fairs/event_form.html", {"form": form, "event": event})


@login_required
@require_POST
def booth_class_add(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_detail(pk)
    form = BoothClassForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nhập tên loại gian và số gian (từ 1 trở lên)."))
    else:
        try:
            services.save_booth_class(actor=request.user, event=event, **form.cleaned_data)
        except Refusal as exc:
            messages.error(request, " ".join([exc.message, *exc.fields.values()]))
        else:
            messages.success(request, _("Đã thêm loại gian hàng."))
    return redirect("fairs:event", pk=event.pk)


def _review(request: HttpRequest, application: Application, action) -> HttpResponse:
    try:
        action()
    except Refusal as exc:
        messages.error(request, " ".join([exc.message, *exc.fields.values()]))
    else:
        messages.success(request, _("Đã lưu kết quả xét cho %(producer)s.")
                         % {"producer": application.producer.name})
    return redirect("fairs:event", pk=application.event_id)


@login_required
@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_for(request.user, pk)
    form = AcceptForm(request.POST, event=application.event)
    if not form.is_valid():
        messages.error(request, _("Chọn loại gian và nhập số gian hàng."))
        return redirect("fairs:event", pk=application.event_id)
    return _review(request, application, lambda: services.accept(
        actor=request.user, application=application, **form.cleaned_data))


@login_required
@require_POST
def waitlist(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_for(request.user, pk)
    return _review(request, application, lambda: services.waitlist(
        actor=request.user, application=application))


@login_required
@require_POST
def refuse(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_for(request.user, pk)
    form = RefuseForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _review(request, application, lambda: services.refuse(
        actor=request.user, application=application, reason=reason))


@login_required
def results(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_for(request.user, pk)
    today = timezone.localdate()
    if not (verdict := report_results(request.user, application, today)):
        raise PermissionDenied(verdict.reason)
    form = ResultsForm(request.POST or None, instance=application)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        # The form wrote onto the instance while validating; the service starts from the row.
        fresh = selectors.application_for(request.user, pk)
        try:
            services.report_results(actor=request.user, application=fresh, today=today, **data)
        except Refusal as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Đã lưu kết quả tham gia sự kiện."))
            return redirect("fairs:event", pk=application.event_id)
    return render(request, "fairs/results_form.html", {"form": form,
                                                      "application": application})


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_detail(pk)
    try:
        services.close_event(actor=request.user, event=event)
    except Refusal as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã kết thúc sự kiện: kết quả được chốt vào số liệu."))
    return redirect("fairs:event", pk=event.pk)


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    if request.user.role != Role.PRODUCER:
        raise PermissionDenied(_("Trang này dành cho chủ thể OCOP."))
    return render(request, "fairs/mine.html",
                  {"applications": selectors.my_applications(request.user)})


@login_required
@require_GET
def office(request: HttpRequest) -> HttpResponse:
    if not (verdict := follow_events(request.user)):
        raise PermissionDenied(verdict.reason)
    return render(request, "fairs/office.html", {
        "events": selectors.events_for(request.user), "may_create": _may_create(request.user)})


@login_required
@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    if not (verdict := follow_events(request.user)):
        raise PermissionDenied(verdict.reason)
    year_text = request.GET.get("nam", "")
    year = int(year_text) if year_text.isdigit() and 2000 <= int(year_text) <= 2100 else None
    figures = selectors.figures_for(request.user, year)
    if request.GET.get("dinh_dang") == "excel":
        response = HttpResponse(excel.workbook(figures), content_type=XLSX)
        name = f"ket-qua-xuc-tien-{year}.xlsx" if year else "ket-qua-xuc-tien.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    province = None if request.user.is_nationwide else province_of(request.user)
    return render(request, "fairs/figures.html", {
        "figures": figures, "year": year,
        "budget": selectors.promotion_budget(province, year) if year else None})
