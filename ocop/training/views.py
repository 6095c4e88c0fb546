"""Courses, registrations, attendance and support; thin views over the services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ocop.core.refusals import Refusal
from ocop.registry.selectors import producers_for
from ocop.training import selectors, services
from ocop.training.forms import CourseForm, RegistrationForm, SupportForm
from ocop.training.models import Registration
from ocop.training.permissions import manage_training, registration_open
from ocop.units.models import Unit

PAGE_SIZE = 20


def _home_province(user) -> Unit | None:
    return user.unit if user.unit_id and user.unit.level == Unit.Level.PROVINCE else None


def _form_error(form, exc: Refusal) -> None:
    for name, text in exc.fields.items():
        form.add_error(name if name in form.fields else None, text)
    if not exc.fields:
        form.add_error(None, exc.message)


@login_required
@require_GET
def course_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    page = Paginator(selectors.courses_for(user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "training/course_list.html", {
        "page": page, "today": timezone.localdate(),
        "may_manage": bool(manage_training(user, _home_province(user))) or user.is_nationwide,
    })


@login_required
def course_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    province = _home_province(user)
    if not manage_training(user, province) or province is None:
        raise PermissionDenied(_("Chỉ cơ quan thường trực OCOP của tỉnh tạo lớp đào tạo."))
    form = CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            course = services.create_course(actor=user, province=province, **form.cleaned_data)
        except Refusal as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Đã tạo lớp. Chủ thể trong tỉnh có thể đăng ký."))
            return redirect("training:course", pk=course.pk)
    return render(request, "training/course_form.html", {"form": form, "course": None})


@login_required
def course_edit(request: HttpRequest, pk: int) -> HttpResponse:
    course = selectors.course_detail(request.user, pk)
    if not manage_training(request.user, course.province):
        raise PermissionDenied
    form = CourseForm(request.POST or None, instance=course)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_course(actor=request.user, course=course, **form.cleaned_data)
        except Refusal as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Đã lưu lớp đào tạo."))
            return redirect("training:course", pk=course.pk)
    return render(request, "training/course_form.html", {"form": form, "course": course})


@login_required
def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    course = selectors.course_detail(user, pk)
    today = timezone.localdate()
    producers = selectors.registrable_producers(user, course)
    form = RegistrationForm(request.POST or None, producers=producers)
    if request.method == "POST" and form.is_valid():
        try:
            services.register(actor=user, course=course, producer=form.cleaned_data["producer"],
                              attendee=form.cleaned_data["attendee"], today=today)
        except Refusal as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Đã đăng ký tham dự."))
            return redirect("training:course", pk=course.pk)
    return render(request, "training/course_detail.html", {
        "course": course, "form": form, "open": registration_open(course, today),
        "registrations": selectors.registrations_of(user, course),
        "may_manage": bool(manage_training(user, course.province)),
        "started": today >= course.starts_on,
    })


def _registration(request: HttpRequest, pk: int) -> Registration:
    return get_object_or_404(
        Registration.objects.select_related("course", "course__province", "producer",
                                            "producer__commune")
        .filter(producer__in=producers_for(request.user)), pk=pk)


def _attendance(request: HttpRequest, pk: int, attended: bool) -> HttpResponse:
    registration = _registration(request, pk)
    try:
        services.mark_attendance(actor=request.user, registration=registration,
                                 attended=attended)
    except Refusal as exc:
        messages.error(request, exc.message)
    return redirect("training:course", pk=registration.course_id)


@login_required
@require_POST
def mark_attended(request: HttpRequest, pk: int) -> HttpResponse:
    return _attendance(request, pk, attended=True)


@login_required
@require_POST
def mark_absent(request: HttpRequest, pk: int) -> HttpResponse:
    return _attendance(request, pk, attended=False)


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration(request, pk)
    try:
        services.cancel_registration(actor=request.user, registration=registration)
    except Refusal as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã huỷ đăng ký."))
    return redirect("training:course", pk=registration.course_id)


@login_required
@require_GET
def support_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    page = Paginator(selectors.supports_for(user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "training/support_list.html", {
        "page": page,
        "may_record": bool(manage_training(user, _home_province(user))) or user.is_nationwide,
    })


@login_required
def support_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (user.is_nationwide or manage_training(user, _home_province(user))):
        raise PermissionDenied(_("Chỉ cơ quan thường trực OCOP ghi nhận hỗ trợ."))
    form = SupportForm(request.POST or None, producers=producers_for(user))
    if request.method == "POST" and form.is_valid():
        try:
            services.record_support(actor=user, **form.cleaned_data)
        except Refusal as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận hỗ trợ."))
            return redirect("training:supports")
    return render(request, "training/support_form.html", {"form": form})


@login_required
@require_GET
def producer_record(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "training/producer_record.html",
                  selectors.producer_record(request.user, pk))
