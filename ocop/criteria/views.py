"""Public pages: browse criteria sets and self-score live (htmx), in Vietnamese; and the pages
where the central office uploads, previews and activates sheets and a province accepts one."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ocop.accounts.models import User
from ocop.criteria import permissions, publishing, requests, selectors
from ocop.criteria.diff import diff_sets
from ocop.criteria.engine import EvaluationError, Problem
from ocop.criteria.models import CriteriaSetVersion
from ocop.criteria.presentation import diff_rows, sheet_sections
from ocop.registry.models import ProductSet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def sheet_list(request: HttpRequest) -> HttpResponse:
    """Which sheet each product set is scored on (on a chosen day), then every stored set."""
    try:
        day = dt.date.fromisoformat(request.GET.get("ngay", ""))
    except ValueError:
        day = timezone.localdate()
    return render(request, "criteria/sheet_list.html", {
        "sets": selectors.current_versions(day), "coverage": selectors.coverage(day), "day": day,
        "can_manage": permissions.can_upload(request.user),
    })


@require_http_methods(["GET", "POST"])
def sheet(request: HttpRequest, code: str) -> HttpResponse:
    try:
        row, criteria_set = selectors.load(code)
    except selectors.UnknownCriteriaSet as exc:
        raise Http404(code) from exc
    answers = {
        c.code: request.POST[f"c-{c.code}"]
        for c in criteria_set.criteria
        if request.POST.get(f"c-{c.code}")
    }
    result = error = None
    if request.method == "POST":
        try:
            result = requests.evaluate_payload(
                str(row), {"answers": answers, "partial": True}
            )
        except (requests.RequestError, EvaluationError) as exc:
            error = exc
    context = {
        "row": row,
        "set": criteria_set,
        "parts": sheet_sections(criteria_set),
        "answers": answers,
        "result": result,
        "error": error,
    }
    if request.htmx:
        return render(request, "criteria/_result.html", context)
    return render(request, "criteria/sheet.html", context)


# --- Managing criteria sets (central office, administrators; proposals from a province) -------


def _staged_or_404(user: User, pk: int) -> CriteriaSetVersion:
    row = selectors.staged_versions().filter(pk=pk).first()
    if row is None:
        raise Http404
    if not permissions.can_see_staged(user, row):
        raise PermissionDenied
    return row


@login_required
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest) -> HttpResponse:
    """Upload a sheet (validation report on refusal), staged uploads, templates, acceptances."""
    if not permissions.can_upload(request.user):
        raise PermissionDenied
    refused = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise publishing.SheetRefused([Problem(_("Hãy chọn một tệp Excel (.xlsx) hoặc "
                                                         "YAML."), source="")],
                                              code="criteria.file_missing")
            row = publishing.stage(actor=request.user, file=upload)
        except publishing.SheetRefused as exc:
            refused = exc
        else:
            messages.success(request, _("Đã kiểm tra và lưu tệp “%(name)s” ở trạng thái chờ kích "
                                        "hoạt.") % {"name": row.source_name})
            return redirect("criteria:staged", pk=row.pk)
    staged = [row for row in selectors.staged_versions()
              if permissions.can_see_staged(request.user, row)]
    return render(request, "criteria/manage.html", {
        "refused": refused, "staged": staged, "coverage": selectors.coverage(),
        "can_activate": permissions.can_activate(request.user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def staged(request: HttpRequest, pk: int) -> HttpResponse:
    """Preview a staged version as council members will see it, test-score it, diff it against
    the version it replaces, activate it."""
    row = _staged_or_404(request.user, pk)
    criteria_set = selectors.engine_set(row)
    answers = {c.code: request.POST[f"c-{c.code}"] for c in criteria_set.criteria
               if request.POST.get(f"c-{c.code}")}
    result = error = None
    if request.method == "POST":
        try:
            result = requests.evaluate_payload(str(row), {"answers": answers, "partial": True},
                                               loaded=(row, criteria_set))
        except (requests.RequestError, EvaluationError) as exc:
            error = exc
    context = {"row": row, "set": criteria_set, "parts": sheet_sections(criteria_set),
               "answers": answers, "result": result, "error": error,
               "score_url": reverse("criteria:staged", args=[row.pk])}
    if request.htmx:
        return render(request, "criteria/_result.html", context)
    previous = publishing.replaced_by(row)
    context.update({
        "previous": previous,
        "changes": diff_rows(diff_sets(previous.data, row.data)) if previous else None,
        "product_sets": ProductSet.objects.filter(code__in=selectors.product_sets_of(row)),
        "can_activate": permissions.can_activate(request.user),
        "today": timezone.localdate(),
    })
    return render(request, "criteria/staged.html", context)


@login_required
@require_POST
def activate(request: HttpRequest, pk: int) -> HttpResponse:
    row = _staged_or_404(request.user, pk)
    try:
        day = dt.date.fromisoformat(request.POST.get("effective_from", ""))
    except ValueError:
        messages.error(request, _("Hãy chọn ngày bắt đầu áp dụng."))
        return redirect("criteria:staged", pk=row.pk)
    try:
        row = publishing.activate(actor=request.user, version=row, effective_from=day)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("criteria:staged", pk=row.pk)
    messages.success(request, _("Đã kích hoạt “%(title)s” phiên bản %(version)d, áp dụng từ "
                                "%(day)s.") % {"title": row.title_vi, "version": row.version,
                                               "day": day.strftime("%d/%m/%Y")})
    return redirect("criteria:sheet", code=str(row))


@login_required
@require_POST
def discard(request: HttpRequest, pk: int) -> HttpResponse:
    row = _staged_or_404(request.user, pk)
    publishing.discard(actor=request.user, version=row)
    messages.success(request, _("Đã xoá tệp chờ kích hoạt “%(name)s”.") % {"name": row.source_name})
    return redirect("criteria:manage")


@login_required
@require_GET
def template(request: HttpRequest, product_set: str) -> HttpResponse:
    """The Excel template of a product set: its current sheet with the next version number."""
    if not permissions.can_upload(request.user):
        raise PermissionDenied
    found = get_object_or_404(ProductSet, code=product_set)
    try:
        content = publishing.template_bytes(found)
    except ValidationError as exc:
        raise Http404(exc.messages[0]) from None
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="mau-tieu-chi-{found.code}.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    """A provincial office (or the central office, for every province) accepts a non-official
    sheet version so that councils may recognise products scored on it."""
    if not permissions.can_accept(request.user):
        raise PermissionDenied
    row = get_object_or_404(selectors.versions().exclude(status_kind="official"), pk=pk)
    if request.method == "POST":
        try:
            publishing.accept(actor=request.user, version=row,
                              reason=request.POST.get("reason", ""))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Đã ghi nhận việc chấp nhận phiếu."))
        return redirect("criteria:accept", pk=row.pk)
    province = None if request.user.is_nationwide else request.user.unit
    return render(request, "criteria/accept.html", {
        "row": row, "acceptances": row.acceptances.select_related("province", "accepted_by"),
        "accepted": publishing.is_accepted(row, province), "province": province,
    })
