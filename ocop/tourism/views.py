"""Public tourism pages (no login: destinations, itineraries, the map and its GeoJSON) and the
offices' pages to keep them. Thin: selectors read and scope, services decide and write."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ocop.core.files import serve_protected
from ocop.core.refusals import Forbidden, Invalid, NotFound, show_on_form
from ocop.tourism import jsonld, selectors, services
from ocop.tourism.forms import (
    DestinationForm,
    ItineraryForm,
    PhotoForm,
    SoldProductForm,
    commune_queryset,
    producer_queryset,
)
from ocop.tourism.models import Destination, Photo, Service, SoldProduct, Stop, Weekday
from ocop.tourism.permissions import can_manage_itineraries, can_manage_tourism
from ocop.units import selectors as unit_selectors
from ocop.units.models import Unit

PAGE_SIZE = 20
GEOJSON_MAX_AGE = 300


def _found(call: Any, *args: Any) -> Any:
    try:
        return call(*args)
    except NotFound as refusal:
        raise Http404(refusal.message) from refusal
    except Forbidden as refusal:
        raise PermissionDenied(refusal.message) from refusal


# --- Public -----------------------------------------------------------------------------------


@require_GET
def destination_list(request: HttpRequest) -> HttpResponse:
    f = selectors.DestinationFilter.from_params(request.GET)
    page = Paginator(selectors.public_destinations(f), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "tourism/list.html", {
        "page": page, "f": f, "services": Service.choices,
        "provinces": selectors.province_choices(),
        "communes": selectors.commune_choices(f.province) if f.province else [],
        "itineraries": selectors.public_itineraries()[:10],
        "may_manage": bool(can_manage_tourism(request.user)),
    })


def _verify_urls(products: list[Any]) -> dict[int, str]:
    return {p.pk: reverse("certificates:verify", args=[p.certificate_number])
            for p in products if p.certificate_number}


@require_GET
def destination_detail(request: HttpRequest, pk: int) -> HttpResponse:
    destination = _found(selectors.public_destination, pk)
    today = timezone.localdate()
    products = list(selectors.products_sold(destination, today))
    photos = list(destination.photos.all())
    periods = list(destination.opening_periods.all())
    verify_urls = _verify_urls(products)
    url = request.build_absolute_uri(reverse("tourism:destination", args=[pk]))
    data = jsonld.destination_data(
        destination, url=url, absolute=request.build_absolute_uri,
        photos=[reverse("tourism:photo", args=[p.pk]) for p in photos], periods=periods,
        products=products, verify_urls=verify_urls)
    by_day = {p.weekday: p for p in periods}
    return render(request, "tourism/destination.html", {
        "d": destination, "products": [(p, verify_urls.get(p.pk)) for p in products],
        "service_product": selectors.service_product(destination, today),
        "photos": photos, "week": [(day.label, by_day.get(day.value)) for day in Weekday],
        "has_hours": bool(periods), "itineraries": selectors.itineraries_through(destination),
        "jsonld": jsonld.script_text(data),
    })


def _stop_url(stop: Stop) -> str | None:
    if stop.destination_id:
        return (reverse("tourism:destination", args=[stop.destination_id])
                if stop.destination.published else None)
    return None


@require_GET
def itinerary_detail(request: HttpRequest, pk: int) -> HttpResponse:
    itinerary = _found(selectors.public_itinerary, pk)
    today = timezone.localdate()
    stops = list(itinerary.stops.all())
    rows = []
    for stop in stops:
        if stop.destination_id:
            sold = (list(selectors.products_sold(stop.destination, today))
                    if stop.destination.published else [])
        else:
            sold = list(selectors.producer_products(stop.producer, today))
        urls = _verify_urls(sold)
        rows.append({"stop": stop, "url": _stop_url(stop),
                     "products": [(p, urls.get(p.pk)) for p in sold]})
    total = sum(s.minutes or 0 for s in stops)
    url = request.build_absolute_uri(reverse("tourism:itinerary", args=[pk]))
    data = jsonld.itinerary_data(itinerary, stops, url=url, absolute=request.build_absolute_uri,
                                 stop_url=_stop_url)
    return render(request, "tourism/itinerary.html", {
        "it": itinerary, "rows": rows, "total_minutes": total,
        "jsonld": jsonld.script_text(data),
        "geojson_url": reverse("tourism:geojson") + f"?tuyen={itinerary.pk}",
    })


@require_GET
def map_page(request: HttpRequest) -> HttpResponse:
    return render(request, "tourism/map.html", {
        "destinations": selectors.public_destinations(),
        "itineraries": selectors.public_itineraries(),
        "geojson_url": reverse("tourism:geojson"),
    })


@require_GET
def geojson(request: HttpRequest) -> JsonResponse:
    """Public GeoJSON of the published destinations and itineraries (``?tuyen=<id>``: one)."""
    itinerary = None
    if request.GET.get("tuyen"):
        key = request.GET["tuyen"]
        if not key.isdigit():
            raise Http404(_("Không tìm thấy tuyến tham quan."))
        itinerary = _found(selectors.public_itinerary, int(key))
    response = JsonResponse(selectors.geojson(itinerary=itinerary),
                            json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/geo+json"
    patch_cache_control(response, public=True, max_age=GEOJSON_MAX_AGE)
    return response


@require_GET
def photo(request: HttpRequest, pk: int) -> HttpResponse:
    """A published destination's photo is public; the offices see their drafts' photos."""
    found = Photo.objects.filter(pk=pk).select_related("destination__commune").first()
    if found is None:
        raise Http404(_("Không tìm thấy ảnh."))
    if not found.destination.published:
        # A draft's photo exists only for those who keep the draft: the same 404 for others.
        try:
            selectors.managed_destination(request.user, found.destination_id)
        except (Forbidden, NotFound) as refusal:
            raise Http404(_("Không tìm thấy ảnh.")) from refusal
    return serve_protected(request, found.image, "", as_attachment=False,
                           public=found.destination.published)


# --- The offices ------------------------------------------------------------------------------


def _office(request: HttpRequest) -> None:
    if not (verdict := can_manage_tourism(request.user)):
        raise PermissionDenied(verdict.reason)


@login_required
@require_GET
def manage(request: HttpRequest) -> HttpResponse:
    _office(request)
    user = request.user
    return render(request, "tourism/manage.html", {
        "destinations": selectors.destinations_for(user),
        "itineraries": selectors.itineraries_for(user),
        "may_itineraries": bool(can_manage_itineraries(user)),
        # A nation-wide account adds a destination or an itinerary in a province it picks.
        "provinces": unit_selectors.provinces() if user.is_nationwide else None,
    })


def _area(request: HttpRequest, destination: Destination | None = None) -> Unit | None:
    """The unit whose communes, producers and products a form offers: the person's own; for a
    nation-wide account the province of the destination, or the one chosen on the manage page
    (``?tinh=``). Every commune and producer of the country made a page of tens of thousands
    of choices (6.6 s for a new itinerary at 17,000 products, bench/pages_bench.py)."""
    user = request.user
    if not user.is_nationwide:
        return user.unit
    if destination is not None:
        return destination.commune.current_province
    return Unit.objects.filter(pk=request.GET.get("tinh") or None, era=Unit.Era.CURRENT,
                               level=Unit.Level.PROVINCE).first()


def _province_first(request: HttpRequest) -> HttpResponse:
    messages.error(request, _("Hãy chọn tỉnh/thành phố trước."))
    return redirect("tourism:manage")


def _destination_form(request: HttpRequest, instance: Destination | None,
                      area: Unit) -> DestinationForm:
    return DestinationForm(
        request.POST or None, instance=instance, communes=commune_queryset(area),
        producers=producer_queryset(area),
        service_products=selectors.tourism_service_choices(area))


def _save_destination(request: HttpRequest, form: DestinationForm,
                      instance: Destination | None) -> Destination | None:
    if not form.is_valid():
        return None
    data = {name: form.cleaned_data.get(name) for name in form.Meta.fields}
    try:
        return services.save_destination(actor=request.user, data=data, destination=instance,
                                         hours=form.hours())
    except Invalid as refusal:
        show_on_form(form, refusal)
        for name, text in refusal.fields.items():
            if name.startswith("hours_"):
                form.add_error(f"closes_{name[6:]}", text)
    except Forbidden as refusal:
        form.add_error("commune", refusal.message)
    return None


@login_required
def destination_create(request: HttpRequest) -> HttpResponse:
    _office(request)
    if (area := _area(request)) is None:
        return _province_first(request)
    form = _destination_form(request, None, area)
    if request.method == "POST" and (saved := _save_destination(request, form, None)):
        messages.success(request, _("Đã lưu điểm du lịch (chưa công khai). Thêm ảnh, sản phẩm "
                                    "bán tại điểm rồi công khai."))
        return redirect("tourism:destination_edit", pk=saved.pk)
    return render(request, "tourism/destination_edit.html", {"form": form, "d": None,
                                                            "area": area})


@login_required
def destination_edit(request: HttpRequest, pk: int) -> HttpResponse:
    destination = _found(selectors.managed_destination, request.user, pk)
    area = _area(request, destination)
    form = _destination_form(request, destination, area)
    if request.method == "POST" and _save_destination(request, form, destination):
        messages.success(request, _("Đã lưu điểm du lịch."))
        return redirect("tourism:destination_edit", pk=pk)
    today = timezone.localdate()
    return render(request, "tourism/destination_edit.html", {
        "form": form, "d": destination, "area": area, "photo_form": PhotoForm(),
        "product_form": SoldProductForm(products=selectors.product_choices(destination, today)),
        "sold": destination.sold.select_related("product").order_by("product__name"),
        "certified": set(selectors.products_sold(destination, today).values_list("pk",
                                                                                flat=True)),
    })


@login_required
@require_POST
def destination_publish(request: HttpRequest, pk: int) -> HttpResponse:
    destination = _found(selectors.managed_destination, request.user, pk)
    published = request.POST.get("published") == "1"
    services.set_destination_published(actor=request.user, destination=destination,
                                       published=published)
    messages.success(request, _("Điểm du lịch đã công khai.") if published
                     else _("Điểm du lịch đã gỡ khỏi trang công khai."))
    return redirect("tourism:destination_edit", pk=pk)


@login_required
@require_POST
def photo_add(request: HttpRequest, pk: int) -> HttpResponse:
    destination = _found(selectors.managed_destination, request.user, pk)
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Hãy chọn một tệp ảnh."))
    else:
        try:
            services.add_photo(actor=request.user, destination=destination,
                               file=form.cleaned_data["image"],
                               caption=form.cleaned_data["caption"])
        except Invalid as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("Đã thêm ảnh."))
    return redirect("tourism:destination_edit", pk=pk)


@login_required
@require_POST
def photo_delete(request: HttpRequest, pk: int) -> HttpResponse:
    found = Photo.objects.filter(pk=pk).first()
    if found is None:
        raise Http404(_("Không tìm thấy ảnh."))
    _found(selectors.managed_destination, request.user, found.destination_id)
    services.delete_photo(actor=request.user, photo=found)
    messages.success(request, _("Đã xoá ảnh."))
    return redirect("tourism:destination_edit", pk=found.destination_id)


@login_required
@require_POST
def product_add(request: HttpRequest, pk: int) -> HttpResponse:
    destination = _found(selectors.managed_destination, request.user, pk)
    form = SoldProductForm(request.POST, products=selectors.product_choices(
        destination, timezone.localdate()))
    if not form.is_valid():
        messages.error(request, _("Hãy chọn một sản phẩm OCOP còn hiệu lực trong danh sách."))
    else:
        try:
            services.add_sold_product(actor=request.user, destination=destination,
                                      product=form.cleaned_data["product"])
        except Invalid as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("Đã thêm sản phẩm bán tại điểm."))
    return redirect("tourism:destination_edit", pk=pk)


@login_required
@require_POST
def product_remove(request: HttpRequest, pk: int) -> HttpResponse:
    sold = SoldProduct.objects.filter(pk=pk).first()
    if sold is None:
        raise Http404(_("Không tìm thấy sản phẩm."))
    _found(selectors.managed_destination, request.user, sold.destination_id)
    services.remove_sold_product(actor=request.user, sold=sold)
    messages.success(request, _("Đã bỏ sản phẩm khỏi điểm du lịch."))
    return redirect("tourism:destination_edit", pk=sold.destination_id)


def _itinerary_form(request: HttpRequest, instance: Any, province: Unit) -> ItineraryForm:
    destinations, producers = selectors.stop_choices(province)
    return ItineraryForm(request.POST or None, instance=instance, destinations=destinations,
                         producers=producers)


def _save_itinerary(request: HttpRequest, form: ItineraryForm, instance: Any,
                    province: Unit) -> Any:
    if not form.is_valid():
        return None
    stops = [services.StopInput(**row) for row in form.stops()]
    try:
        return services.save_itinerary(
            actor=request.user, itinerary=instance, stops=stops,
            province=province,
            data={k: form.cleaned_data[k] for k in ("name", "summary", "description")})
    except Invalid as refusal:
        for name, text in refusal.fields.items():
            target = f"{name}_destination" if name.startswith("stop_") else name
            form.add_error(target if target in form.fields else None, text)
        if not refusal.fields:
            form.add_error(None, refusal.message)
    except Forbidden as refusal:
        form.add_error(None, refusal.message)
    return None


@login_required
def itinerary_create(request: HttpRequest) -> HttpResponse:
    if not (verdict := can_manage_itineraries(request.user)):
        raise PermissionDenied(verdict.reason)
    if (province := _area(request)) is None:
        return _province_first(request)
    form = _itinerary_form(request, None, province)
    if request.method == "POST" and (saved := _save_itinerary(request, form, None, province)):
        messages.success(request, _("Đã lưu tuyến tham quan (chưa công khai)."))
        return redirect("tourism:itinerary_edit", pk=saved.pk)
    return render(request, "tourism/itinerary_edit.html", {"form": form, "it": None,
                                                           "area": province})


@login_required
def itinerary_edit(request: HttpRequest, pk: int) -> HttpResponse:
    itinerary = _found(selectors.managed_itinerary, request.user, pk)
    form = _itinerary_form(request, itinerary, itinerary.province)
    if request.method == "POST" and _save_itinerary(request, form, itinerary,
                                                    itinerary.province):
        messages.success(request, _("Đã lưu tuyến tham quan."))
        return redirect("tourism:itinerary_edit", pk=pk)
    return render(request, "tourism/itinerary_edit.html", {"form": form, "it": itinerary,
                                                           "area": itinerary.province})


@login_required
@require_POST
def itinerary_publish(request: HttpRequest, pk: int) -> HttpResponse:
    itinerary = _found(selectors.managed_itinerary, request.user, pk)
    published = request.POST.get("published") == "1"
    services.set_itinerary_published(actor=request.user, itinerary=itinerary,
                                     published=published)
    messages.success(request, _("Tuyến tham quan đã công khai.") if published
                     else _("Tuyến tham quan đã gỡ khỏi trang công khai."))
    return redirect("tourism:itinerary_edit", pk=pk)
