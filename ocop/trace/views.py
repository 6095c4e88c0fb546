"""Management pages for zones, lots, events and stamps, and the scan analytics (login needed).

Thin: forms parse, ``services`` decide and write, ``selectors`` read within the user's
jurisdiction (an object outside it is a 404).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ocop.registry.selectors import producers_for, products_for
from ocop.trace import charts, forms, geo, jobs, pdf, selectors, services, stamps
from ocop.trace.models import StampRange
from ocop.trace.permissions import (
    can_clear_suspicion_anywhere,
    can_manage_producer,
    can_print_stamps,
    can_view_analytics,
)


def _products_of(user, producer_ids):
    """Products a form may offer: those of the given producers that the user can see (a short
    list, never the whole province)."""
    return products_for(user).filter(producer_id__in=producer_ids).order_by("name")


def _run(request: HttpRequest, form, call: Callable[[], Any], done: str) -> Any:
    """Call an action; an ActionError becomes a form error (or a 404)."""
    try:
        result = call()
    except services.ActionError as exc:
        if exc.status == 404:
            raise Http404 from exc
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return None
    messages.success(request, done)
    return result


@login_required
def zone_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    zones = selectors.zone_list(request.user, q)[:500]
    return render(request, "trace/zone_list.html", {"zones": zones, "q": q})


@login_required
def zone_create(request: HttpRequest) -> HttpResponse:
    producers = producers_for(request.user).select_related("commune")
    products = products_for(request.user).select_related("producer").order_by("name")
    if request.user.producer_id:
        products = products.filter(producer_id=request.user.producer_id)
    form = forms.ZoneForm(request.POST or None, producers=producers, products=products)
    if request.user.producer_id:
        form.fields["producer"].initial = request.user.producer_id
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        producer, products = data.pop("producer"), list(data.pop("products"))
        zone = _run(request, form, lambda: services.create_zone(
            actor=request.user, producer=producer, data=data, products=products),
            _("Đã thêm vùng nguyên liệu."))
        if zone is not None:
            return redirect("trace:zone_detail", pk=zone.pk)
    return render(request, "trace/form.html",
                  {"form": form, "title": _("Thêm vùng nguyên liệu"), "back": "trace:zone_list"},
                  status=400 if form.errors else 200)


@login_required
def zone_detail(request: HttpRequest, pk: int) -> HttpResponse:
    zone = get_object_or_404(selectors.zones_for(request.user), pk=pk)
    can_manage = can_manage_producer(request.user, zone.producer)
    products = _products_of(request.user, [zone.producer_id,
                                           *zone.products.values_list("producer_id", flat=True)])
    status_form = forms.ZoneStatusForm(initial={"status": zone.status})
    harvest_form = forms.HarvestForm(products=products)
    if request.method == "POST":
        if not can_manage:
            raise Http404
        if request.POST.get("form") == "status":
            status_form = forms.ZoneStatusForm(request.POST)
            if status_form.is_valid() and _run(
                    request, status_form, lambda: services.set_zone_status(
                        actor=request.user, zone=zone, **status_form.cleaned_data),
                    _("Đã cập nhật trạng thái vùng.")):
                return redirect("trace:zone_detail", pk=pk)
        else:
            harvest_form = forms.HarvestForm(request.POST, products=products)
            if harvest_form.is_valid():
                lot = _run(request, harvest_form, lambda: services.record_harvest(
                    actor=request.user, zone=zone, **harvest_form.cleaned_data),
                    _("Đã ghi nhận thu hoạch (sự kiện EPCIS)."))
                if lot is not None:
                    return redirect("trace:lot_detail", pk=lot.pk)
    svg = geo.svg_path(geo.validate_polygon(zone.boundary)) if zone.boundary else ""
    failed = bool(status_form.errors or harvest_form.errors)
    return render(request, "trace/zone_detail.html", {
        "zone": zone, "svg_path": svg, "can_manage": can_manage, "status_form": status_form,
        "harvest_form": harvest_form, "lots": zone.lots.select_related("product")[:50],
    }, status=400 if failed else 200)


@login_required
def lot_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    lots = selectors.lot_list(request.user, q)[:500]
    return render(request, "trace/lot_list.html", {"lots": lots, "q": q})


def _lot_forms(request: HttpRequest, lot, data=None) -> dict[str, Any]:
    products = _products_of(request.user, [lot.product.producer_id])
    # The four forms share one page and some field names: ids per form keep each label on its
    # own field (the posted names stay plain, each form posts to its own address).
    return {"transform": forms.TransformForm(data, products=products, auto_id="transform-%s"),
            "stamps": forms.StampsForm(data, auto_id="stamps-%s"),
            "ship": forms.ShipForm(data, auto_id="ship-%s"),
            "receive": forms.ShipForm(data, auto_id="receive-%s")}


@login_required
def lot_detail(request: HttpRequest, pk: int, bound: dict | None = None,
               status: int = 200) -> HttpResponse:
    lot = get_object_or_404(selectors.lots_for(request.user), pk=pk)
    return render(request, "trace/lot_detail.html", {
        "lot": lot, "can_manage": can_manage_producer(request.user, lot.product.producer),
        "forms": {**_lot_forms(request, lot), **(bound or {})},
        "events": selectors.lot_journey(lot),
        "inputs": lot.inputs.select_related("product"),
        "outputs": lot.outputs.select_related("product"),
        "zones": lot.zones.all(),
        "batches": lot.stamp_batches.all(),
    }, status=status)


@login_required
@require_POST
def lot_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    lot = get_object_or_404(selectors.lots_for(request.user), pk=pk)
    bound = _lot_forms(request, lot, request.POST)
    if action not in bound:
        raise Http404
    form = bound[action]
    if form.is_valid():
        d, user = form.cleaned_data, request.user
        calls = {
            "transform": lambda: services.record_transformation(
                actor=user, inputs=[(lot, d["used"])], product=d["product"],
                lot_code=d["lot_code"], produced_at=d["produced_at"], quantity=d["quantity"],
                unit=d["unit"], expires_on=d["expires_on"]),
            "stamps": lambda: services.issue_stamps(actor=user, lot=lot, count=d["count"]),
            "ship": lambda: services.ship(actor=user, lot=lot, shipped_at=d["at"],
                                          destination=d["place"], quantity=d["quantity"]),
            "receive": lambda: services.receive(actor=user, lot=lot, received_at=d["at"],
                                                place=d["place"], quantity=d["quantity"]),
        }
        result = _run(request, form, calls[action], _("Đã ghi nhận."))
        if result is not None:
            if action == "transform":
                return redirect("trace:lot_detail", pk=result.pk)
            if action == "stamps":
                return redirect("trace:batch_detail", pk=result.pk)
            return redirect("trace:lot_detail", pk=pk)
    return lot_detail(request, pk, bound={action: form}, status=400)


@login_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(selectors.batches_for(request.user), pk=pk)
    can_manage = can_manage_producer(request.user, batch.product.producer)
    form = forms.RangeForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise Http404
        if form.is_valid():
            d = form.cleaned_data
            if request.POST.get("op") == "void":
                call = lambda: services.void_stamps(  # noqa: E731
                    actor=request.user, batch=batch, first=d["first"], last=d["last"],
                    reason=d["reason"])
            else:
                call = lambda: services.pack_with_stamps(  # noqa: E731
                    actor=request.user, batch=batch, first=d["first"], last=d["last"],
                    packed_at=d["at"] or timezone.now())
            if _run(request, form, call, _("Đã cập nhật tem.")):
                return redirect("trace:batch_detail", pk=pk)
    product = batch.product
    can_print = can_print_stamps(request.user, product.producer)
    # Signed URIs only for those who print: anyone else could print valid stamps from them.
    samples = [stamps.stamp_uri(product.gtin, product.pk, batch.lot.code, s)
               for s in range(batch.first_serial, min(batch.last_serial, batch.first_serial + 2)
                              + 1)] if can_print else []
    return render(request, "trace/batch_detail.html", {
        "batch": batch, "can_manage": can_manage, "can_print": can_print, "form": form,
        "samples": samples,
        "ranges": StampRange.objects.filter(batch=batch).order_by("first"),
        "max_per_pdf": pdf.MAX_PER_PDF,
    }, status=400 if form.errors else 200)


@login_required
@require_POST
def batch_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Start the stamp sheet job for a range (the whole batch by default) and show its
    progress; a bad range goes back to the batch page with the reason."""
    batch = get_object_or_404(selectors.batches_for(request.user), pk=pk)
    if not can_print_stamps(request.user, batch.product.producer):
        raise Http404
    try:
        first = int(request.POST.get("from") or batch.first_serial)
        last = int(request.POST.get("to") or min(batch.last_serial,
                                                  first + pdf.MAX_PER_PDF - 1))
        job = jobs.start_stamp_sheet(actor=request.user, batch=batch, first=first, last=last)
    except ValueError:
        messages.error(request, _("Khoảng sê-ri không hợp lệ: hãy nhập số."))
    except services.ActionError as exc:
        messages.error(request, exc.message)
    else:
        return redirect("jobs:detail", pk=job.pk)
    return redirect("trace:batch_detail", pk=pk)


@login_required
def analytics(request: HttpRequest, clear_form: forms.ClearSuspicionForm | None = None,
              status: int = 200) -> HttpResponse:
    if not can_view_analytics(request.user):
        raise Http404
    days = 30
    since = timezone.now() - timedelta(days=days)
    scans = selectors.scans_for(request.user)
    by_day = selectors.scans_by_day(scans, since)
    return render(request, "trace/analytics.html", {
        "by_day": by_day, "chart": charts.scans_chart(by_day),
        "by_place": selectors.scans_by_place(scans, since),
        "suspicious": selectors.suspicious_stamps(scans, since), "days": days,
        "can_clear": can_clear_suspicion_anywhere(request.user), "clear_form": clear_form,
    }, status=status)


@login_required
@require_POST
def clear_suspicion(request: HttpRequest) -> HttpResponse:
    form = forms.ClearSuspicionForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        batch = get_object_or_404(selectors.batches_for(request.user), pk=d["batch"])
        if _run(request, form, lambda: services.clear_suspicion(
                actor=request.user, batch=batch, serial=d["serial"], reason=d["reason"]),
                _("Đã gỡ cảnh báo hàng giả cho tem.")):
            return redirect("trace:analytics")
    return analytics(request, clear_form=form, status=400)
