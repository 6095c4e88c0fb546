"""The exchange's staff page (/trao-doi/): partner platforms, the legacy Excel list import with
its report, and the import history. Thin: permissions, selectors and services decide."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ocop.core.refusals import Refusal, show_on_form
from ocop.exchange import excel, forms, jobs, permissions, selectors, services


def _allowed(request: HttpRequest) -> str | None:
    if not (verdict := permissions.can_exchange(request.user)):
        raise PermissionDenied(verdict.reason)
    return permissions.scope_of(request.user)


@login_required
@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    """The upload is checked here (size and content; a file that is neither a workbook nor JSON
    Lines is refused at once and nothing is stored); the import runs as a background job whose
    page shows the rows tried and then links to the report (docs/exchange.md, Import)."""
    province = _allowed(request)
    form = forms.ListImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            file_format = jobs.check_upload(upload)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            issuing = form.cleaned_data["issuing_unit"]
            if file_format == jobs.XLSX:
                target = issuing and (issuing if issuing.is_current else issuing.current_province)
            else:
                # A batch of records writes where the account may write (as the API import).
                issuing, target = None, request.user.unit if province else None
            if file_format == jobs.XLSX and issuing is None:
                form.add_error("issuing_unit", _("Hãy chọn tỉnh đã ban hành các quyết định của "
                                                 "danh sách."))
            else:
                job = jobs.start_import(
                    actor=request.user, file=upload, file_format=file_format, province=target,
                    issuing_unit=issuing, signer_name=form.cleaned_data["signer_name"],
                    signer_title=form.cleaned_data["signer_title"])
                return redirect("jobs:detail", pk=job.pk)
    return render(request, "exchange/home.html", {
        "form": form, "columns": excel.COLUMNS,
        "batches": selectors.import_history(province),
        "partners": selectors.partners(), "own_key": selectors.own_key(),
        "head": selectors.head(),
    })


@login_required
@require_GET
def template(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    response = HttpResponse(
        excel.template(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="mau-danh-sach-ocop.xlsx"'
    return response


@login_required
@require_GET
def batch(request: HttpRequest, pk: int) -> HttpResponse:
    province = _allowed(request)
    found = selectors.import_history(province, limit=None).filter(pk=pk).first()
    if found is None:
        raise Http404
    return render(request, "exchange/batch.html", {"batch": found})


@login_required
@require_http_methods(["GET", "POST"])
def partner_create(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    form = forms.PartnerForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        province = data["province"]
        if not (verdict := permissions.can_register_partner_for(
                request.user, province.pk if province else None)):
            raise PermissionDenied(verdict.reason)
        try:
            partner = services.register_partner(
                actor=request.user, code=data["code"], name=data["name"],
                public_key_pem=data["public_key_pem"], base_url=data["base_url"],
                province=province)
        except ValidationError as error:
            for field, texts in error.message_dict.items():
                form.add_error(field if field in form.fields else None, texts)
        except Refusal as refusal:
            show_on_form(form, refusal)
        else:
            messages.success(request, _("Đã đăng ký nền tảng “%(name)s”.") % {"name": partner.name})
            return redirect("exchange:home")
    return render(request, "exchange/partner_form.html", {"form": form})
