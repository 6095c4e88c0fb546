"""Registry pages. Thin: reads through selectors (404 outside the user's reach), writes through
services (403 when the user may see but not do), rules in permissions.py."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ocop.accounts.jurisdiction import list_filters_shown
from ocop.accounts.models import Role
from ocop.core.files import serve_protected
from ocop.jobs import exports
from ocop.jobs.models import Job
from ocop.jobs.selectors import job_for
from ocop.registry import excel, forms, hooks, jobs, selectors, services
from ocop.registry.permissions import can
from ocop.registry.uploads import SPREADSHEET_KINDS, validate_upload

OUTSIDE_REACH = gettext_lazy("Xã/phường này nằm ngoài địa bàn của bạn.")


def _detail_url(producer: Any) -> str:
    return reverse("registry:producer_detail", args=[producer.pk])


def _product_url(product: Any) -> str:
    return reverse("registry:product_detail", args=[product.pk])


def _page(request: HttpRequest, qs: QuerySet) -> Any:
    return Paginator(qs, settings.PAGE_SIZE).get_page(request.GET.get("page"))


def _require(request: HttpRequest, entity: str, action: str, obj: Any = None) -> None:
    if not can(request.user, entity, action, obj):
        raise PermissionDenied


def _form_page(
    request: HttpRequest, form: Any, save: Callable[[], Any], *,
    done: Callable[[Any], tuple[str, str]], title: str, cancel: str,
    commune_refusal: bool = False, **extra: Any,
) -> HttpResponse:
    """The create/edit page of every registry form: on a valid POST ``save()`` runs the service,
    its field errors land on the form, and ``done(saved)`` gives the success message and the
    page to go to. ``commune_refusal``: the view checked the right to the object itself, so a
    service's PermissionDenied can only be about the chosen commune (producer forms)."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save()
        except ValidationError as exc:
            form.add_service_errors(exc)
        except PermissionDenied:
            if not commune_refusal:
                raise
            form.add_error("commune", OUTSIDE_REACH)
        else:
            message, url = done(saved)
            messages.success(request, message)
            return redirect(url)
    return render(request, "registry/form.html",
                  {"form": form, "title": title, "cancel": cancel, **extra})


def _delete_page(
    request: HttpRequest, obj: Any, delete: Callable[[], object], *, kind: str, cancel: str,
    message: str, then: str,
) -> HttpResponse:
    """Confirm, then delete; a refusal of the service (ValidationError) goes back to ``cancel``
    with its messages, success to ``then``."""
    if request.method == "POST":
        try:
            delete()
        except ValidationError as exc:
            for text in exc.messages:
                messages.error(request, text)
            return redirect(cancel)
        messages.success(request, message)
        return redirect(then)
    return render(request, "registry/confirm_delete.html",
                  {"obj": obj, "kind": kind, "cancel": cancel})


def _list(request: HttpRequest, entity: str) -> HttpResponse:
    f = selectors.RegistryFilter.from_params(request.GET)
    if entity == "producer":
        qs = selectors.producer_list(request.user, f)
        template = "registry/producer_list.html"
    else:
        qs = selectors.product_list(request.user, f)
        template = "registry/product_list.html"
    page = _page(request, qs)
    context = {
        "page": page,
        "f": f,
        "show_filters": list_filters_shown(request.user, page, request.GET),
        "can_create": can(request.user, entity, "create"),
        "choices": forms.filter_choices(request.user),
        "orderings": selectors.PRODUCT_ORDERINGS if entity == "product"
        else selectors.PRODUCER_ORDERINGS,
    }
    if request.htmx and request.htmx.target == "results":
        return render(request, f"{template}#results", context)
    return render(request, template, context)


@login_required
def producer_list(request: HttpRequest) -> HttpResponse:
    return _list(request, "producer")


@login_required
def product_list(request: HttpRequest) -> HttpResponse:
    return _list(request, "product")


@login_required
def producer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    producer = selectors.producer_detail(request.user, pk)
    user = request.user
    return render(request, "registry/producer_detail.html", {
        "producer": producer,
        "products": selectors.products_of(user, producer),
        "documents": selectors.document_list(user, producer),
        "can_change": can(user, "producer", "change", producer),
        "can_delete": can(user, "producer", "delete", producer),
        "can_add_product": can(user, "product", "create", producer),
        "can_add_document": can(user, "document", "create", producer),
        "can_change_document": can(user, "document", "change", producer),
        "can_delete_document": can(user, "document", "delete", producer),
        # What the apps above the registry add (training and support received, …).
        "sections": hooks.sections(hooks.producer_sections, user, producer),
    })


@login_required
@require_http_methods(["GET", "POST"])
def producer_create(request: HttpRequest) -> HttpResponse:
    _require(request, "producer", "create")
    form = forms.ProducerForm(request.POST or None, user=request.user)
    return _form_page(
        request, form,
        lambda: services.create_producer(actor=request.user, data=form.service_data()),
        done=lambda producer: (_("Đã thêm chủ thể “%(name)s”.") % {"name": producer.name},
                               _detail_url(producer)),
        title=_("Thêm chủ thể"), cancel=reverse("registry:producer_list"),
        commune_refusal=True)


@login_required
@require_http_methods(["GET", "POST"])
def producer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    producer = selectors.producer_detail(request.user, pk)
    _require(request, "producer", "change", producer)
    form = forms.ProducerForm(request.POST or None, instance=producer, user=request.user)
    return _form_page(
        request, form,
        lambda: services.update_producer(actor=request.user, producer=producer,
                                         data=form.service_data()),
        done=lambda _saved: (_("Đã lưu thông tin chủ thể."), _detail_url(producer)),
        title=_("Sửa chủ thể: %(name)s") % {"name": producer.name},
        cancel=_detail_url(producer), commune_refusal=True)


@login_required
@require_http_methods(["GET", "POST"])
def producer_delete(request: HttpRequest, pk: int) -> HttpResponse:
    producer = selectors.producer_detail(request.user, pk)
    _require(request, "producer", "delete", producer)
    return _delete_page(
        request, producer,
        lambda: services.delete_producer(actor=request.user, producer=producer),
        kind=_("chủ thể"), cancel=_detail_url(producer),
        message=_("Đã xoá chủ thể “%(name)s”.") % {"name": producer.name},
        then=reverse("registry:producer_list"))


@login_required
def product_detail(request: HttpRequest, pk: int) -> HttpResponse:
    product = selectors.product_detail(request.user, pk)
    user = request.user
    return render(request, "registry/product_detail.html", {
        "product": product,
        "documents": selectors.document_list(user, product.producer).filter(product=product),
        "can_change": can(user, "product", "change", product),
        "can_delete": can(user, "product", "delete", product),
        "sections": hooks.sections(hooks.product_sections, user, product),
    })


@login_required
@require_http_methods(["GET", "POST"])
def product_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.role == Role.PRODUCER:
        producer_id = user.producer_id
    else:
        producer_id = request.GET.get("chu_the") or request.POST.get("chu_the")
    if not producer_id:
        return render(request, "registry/pick_producer.html", {
            "page": _page(request, selectors.producer_list(
                user, selectors.RegistryFilter.from_params(request.GET))),
            "q": request.GET.get("q", ""),
        })
    try:
        producer = selectors.producer_detail(user, int(producer_id))
    except ValueError:
        raise Http404 from None
    _require(request, "product", "create", producer)
    form = forms.ProductForm(request.POST or None, request.FILES or None)
    return _form_page(
        request, form,
        lambda: services.create_product(actor=user, producer=producer, data=form.service_data(),
                                        image=form.cleaned_data.get("image") or None),
        done=lambda product: (_("Đã thêm sản phẩm “%(name)s”.") % {"name": product.name},
                              _product_url(product)),
        title=_("Thêm sản phẩm của %(name)s") % {"name": producer.name},
        cancel=_detail_url(producer), multipart=True, hidden={"chu_the": producer.pk})


@login_required
@require_http_methods(["GET", "POST"])
def product_edit(request: HttpRequest, pk: int) -> HttpResponse:
    product = selectors.product_detail(request.user, pk)
    _require(request, "product", "change", product)
    form = forms.ProductForm(request.POST or None, request.FILES or None, instance=product)
    return _form_page(
        request, form,
        lambda: services.update_product(actor=request.user, product=product,
                                        data=form.service_data(),
                                        image=form.cleaned_data.get("image") or None),
        done=lambda _saved: (_("Đã lưu sản phẩm."), _product_url(product)),
        title=_("Sửa sản phẩm: %(name)s") % {"name": product.name},
        cancel=_product_url(product), multipart=True)


@login_required
@require_http_methods(["GET", "POST"])
def product_delete(request: HttpRequest, pk: int) -> HttpResponse:
    product = selectors.product_detail(request.user, pk)
    _require(request, "product", "delete", product)
    return _delete_page(
        request, product,
        lambda: services.delete_product(actor=request.user, product=product),
        kind=_("sản phẩm"), cancel=_product_url(product),
        message=_("Đã xoá sản phẩm “%(name)s”.") % {"name": product.name},
        then=reverse("registry:producer_detail", args=[product.producer_id]))


# --- Evidence documents ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def document_create(request: HttpRequest, producer_pk: int) -> HttpResponse:
    producer = selectors.producer_detail(request.user, producer_pk)
    _require(request, "document", "create", producer)
    form = forms.DocumentForm(request.POST or None, request.FILES or None, producer=producer)
    return _form_page(
        request, form,
        lambda: services.create_document(actor=request.user, producer=producer,
                                         data=form.service_data(),
                                         file=form.cleaned_data.get("file") or None),
        done=lambda _saved: (_("Đã thêm giấy tờ."), _detail_url(producer)),
        title=_("Thêm giấy tờ của %(name)s") % {"name": producer.name},
        cancel=_detail_url(producer), multipart=True)


@login_required
@require_http_methods(["GET", "POST"])
def document_edit(request: HttpRequest, producer_pk: int, pk: int) -> HttpResponse:
    producer = selectors.producer_detail(request.user, producer_pk)
    document = selectors.document_detail(request.user, producer, pk)
    _require(request, "document", "change", document)
    form = forms.DocumentForm(request.POST or None, request.FILES or None, instance=document,
                              producer=producer)
    return _form_page(
        request, form,
        lambda: services.update_document(actor=request.user, document=document,
                                         data=form.service_data(),
                                         file=form.cleaned_data.get("file") or None),
        done=lambda _saved: (_("Đã lưu giấy tờ."), _detail_url(producer)),
        title=_("Sửa giấy tờ: %(name)s") % {"name": document},
        cancel=_detail_url(producer), multipart=True)


@login_required
@require_http_methods(["GET", "POST"])
def document_delete(request: HttpRequest, producer_pk: int, pk: int) -> HttpResponse:
    producer = selectors.producer_detail(request.user, producer_pk)
    document = selectors.document_detail(request.user, producer, pk)
    _require(request, "document", "delete", document)
    return _delete_page(
        request, document,
        lambda: services.delete_document(actor=request.user, document=document),
        kind=_("giấy tờ"), cancel=_detail_url(producer), message=_("Đã xoá giấy tờ."),
        then=_detail_url(producer))


@login_required
@require_GET
def document_file(request: HttpRequest, producer_pk: int, pk: int) -> HttpResponse:
    """Serve the file only after the same jurisdiction check as the page."""
    producer = selectors.producer_detail(request.user, producer_pk)
    document = selectors.document_detail(request.user, producer, pk)
    return serve_protected(request, document.file, document.original_name)


@require_GET
def product_image(request: HttpRequest, pk: int) -> HttpResponse:
    """No login: the photo of a certified product is public (see selectors.product_image)."""
    product, public = selectors.product_image(request.user, pk)
    return serve_protected(request, product.image, "", as_attachment=False, public=public)


# --- Excel -----------------------------------------------------------------------------------

# (columns, page title, sheet name of the template file). The sheet name is part of the
# Vietnamese file format, so it is not translated (see ocop.registry.excel).
_IMPORTS = {
    "producer": (excel.PRODUCER_COLUMNS, pgettext_lazy("danh sách", "Chủ thể"), "Chủ thể"),
    "product": (excel.PRODUCT_COLUMNS, pgettext_lazy("danh sách", "Sản phẩm"), "Sản phẩm"),
}


def _import_job(request: HttpRequest, kind: str, pk: str) -> Job:
    """The requester's own import job for this page (404 for anyone else's, or a bad id)."""
    try:
        job = job_for(request.user, UUID(pk))
    except ValueError:
        job = None
    if job is None or job.kind != Job.Kind.REGISTRY_IMPORT or job.params["entity"] != kind:
        raise Http404
    return job


def _import(request: HttpRequest, kind: str) -> HttpResponse:
    """Upload (checked by content here), then the rows are checked by a background job; its
    page links back here (``?ket-qua=<job>``) to show the result, and the confirm button starts
    a second job that checks again and writes. See docs/registry.md, Excel import."""
    columns, title, sheet_name = _IMPORTS[kind]
    user = request.user
    _require(request, kind, "create")
    if request.GET.get("mau"):
        content = excel.template_workbook(columns, sheet_name)
        return FileResponse(ContentFile(content), as_attachment=True,
                            filename=f"mau-nhap-{'chu-the' if kind == 'producer' else 'san-pham'}"
                                     ".xlsx")
    form = forms.ImportForm()
    context: dict[str, Any] = {"kind": kind, "title": title, "columns": columns, "form": form}
    if request.method == "POST" and request.POST.get("job"):
        check = _import_job(request, kind, request.POST["job"])
        if check.params["commit"] or not check.outcome.get("ok"):
            raise Http404  # only a check that passed can be confirmed
        job = jobs.confirm_registry_import(actor=user, check=check)
        return redirect("jobs:detail", pk=job.pk)
    if request.method == "POST":
        form = forms.ImportForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                validate_upload(upload, SPREADSHEET_KINDS, "file")
            except ValidationError as exc:
                form.add_error("file", exc.message_dict.get("file", exc.messages))
            else:
                # A random name: the file is reachable only through the requester's jobs.
                upload.seek(0)
                path = default_storage.save(f"imports/{secrets.token_urlsafe(16)}.xlsx", upload)
                job = jobs.start_registry_import(actor=user, entity=kind, upload=path,
                                                 name=upload.name)
                return redirect("jobs:detail", pk=job.pk)
    elif request.GET.get("ket-qua"):
        job = _import_job(request, kind, request.GET["ket-qua"])
        if job.status != Job.Status.DONE:
            return redirect("jobs:detail", pk=job.pk)
        context.update(result=job.outcome, file_name=job.params["name"], job=job,
                       confirm=job.outcome["ok"] and not job.params["commit"])
    return render(request, "registry/import.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def producer_import(request: HttpRequest) -> HttpResponse:
    return _import(request, "producer")


@login_required
@require_http_methods(["GET", "POST"])
def product_import(request: HttpRequest) -> HttpResponse:
    return _import(request, "product")


def _export(request: HttpRequest, kind: str) -> HttpResponse:
    """The export runs in the background (large registries take a while); the filters of the
    list page travel in the query string and are kept on the job (and in its audit entry)."""
    job = exports.start_export(actor=request.user, name=f"registry.{kind}", filters=request.GET)
    return redirect("jobs:detail", pk=job.pk)


@login_required
@require_POST
def producer_export(request: HttpRequest) -> HttpResponse:
    return _export(request, "producers")


@login_required
@require_POST
def product_export(request: HttpRequest) -> HttpResponse:
    return _export(request, "products")
