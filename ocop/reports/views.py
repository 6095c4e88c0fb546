"""Report pages. Thin: the permission answers 403 for accounts without reports, the selector
404 for a report out of reach, the service refuses a wrong period with its reason."""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from ocop.core.files import serve_protected
from ocop.core.refusals import Forbidden, Invalid, NotFound
from ocop.reports import forms, permissions, selectors, services
from ocop.reports.models import Report

PAGE_SIZE = 25


def _allowed(request: HttpRequest) -> None:
    if not (verdict := permissions.can_use(request.user)):
        raise PermissionDenied(verdict.reason)


def _report(request: HttpRequest, pk: UUID) -> Report:
    _allowed(request)
    try:
        return selectors.report_for(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from None


@login_required
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    form = forms.ReportRequestForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                _report, job = services.request_report(
                    actor=request.user, kind=form.cleaned_data["kind"], period=form.period())
            except Invalid as exc:
                form.add_error(None, exc.message)  # the whole sentence names the problem
            except Forbidden as exc:
                raise PermissionDenied(exc.message) from None
            else:
                return redirect("jobs:detail", pk=job.pk)
        status = 422
    page = Paginator(selectors.reports_for(request.user), PAGE_SIZE).get_page(
        request.GET.get("page"))
    scope = permissions.scope_of(request.user)
    return render(request, "reports/index.html", {
        "form": form, "page": page,
        "scope_name": scope.full_name if scope is not None else None,
    }, status=status)


@login_required
@require_GET
def detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    return render(request, "reports/detail.html", {"report": _report(request, pk)})


@login_required
@require_GET
def download(request: HttpRequest, pk: UUID, fmt: str) -> HttpResponse:
    report = _report(request, pk)
    if fmt == "excel":
        return serve_protected(request, report.excel, report.file_name("xlsx"), content_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    return serve_protected(request, report.pdf, report.file_name("pdf"),
                           content_type="application/pdf")
