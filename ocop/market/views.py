"""Pages: producers and offices keep offers (/ban-hang/), curators keep gift sets
(/ban-hang/qua-tang/), the public sees gift sets (/qua-tang/) and pulls feeds
(/nguon-du-lieu/)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from ocop.core.files import serve_protected
from ocop.core.refusals import Forbidden, Invalid, show_on_form
from ocop.market import feeds, links, selectors, services
from ocop.market.forms import GiftSetForm, OfferForm
from ocop.market.models import Offer
from ocop.market.permissions import can_manage_offers, may_curate, may_sell
from ocop.registry.models import Product
from ocop.units.models import Unit

PAGE_SIZE = 20
FEED_CACHE = "public, max-age=300"


def _seller(request: HttpRequest) -> None:
    if not may_sell(request.user):
        raise PermissionDenied(_("Trang này dành cho chủ thể OCOP và cán bộ quản lý sản phẩm."))


def _curator(request: HttpRequest) -> None:
    if not may_curate(request.user):
        raise PermissionDenied(_("Chỉ cơ quan thường trực OCOP của tỉnh mới tuyển chọn bộ quà "
                                 "tặng."))


def _managed_product(request: HttpRequest, pk: int) -> Product:
    product = get_object_or_404(Product.objects.select_related(
        "producer", "producer__commune"), pk=pk)
    if not can_manage_offers(request.user, product):
        raise Http404(pk)  # out of reach: the same answer as a product that does not exist
    return product


# --- Offers ----------------------------------------------------------------------------------


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    _seller(request)
    q = request.GET.get("q", "").strip()[:100]
    products = selectors.products_for_seller(request.user, q, today=timezone.localdate())
    producer = request.GET.get("chu-the", "")
    if producer.isdigit():
        products = products.filter(producer_id=int(producer))
    page = Paginator(products, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "market/home.html", {
        "page": page, "q": q, "may_curate": may_curate(request.user)})


@login_required
@require_GET
def product_offers(request: HttpRequest, pk: int) -> HttpResponse:
    _seller(request)
    product = _managed_product(request, pk)
    today = timezone.localdate()
    return render(request, "market/product_offers.html", {
        "product": product, "offers": selectors.product_offers(product),
        "certified": selectors.certified_products(today).filter(pk=product.pk).exists(),
    })


def _offer_page(request: HttpRequest, product: Product, offer: Offer | None) -> HttpResponse:
    form = OfferForm(request.POST or None, offer=offer)
    if request.method == "POST" and form.is_valid():
        data = services.OfferData(
            price=form.cleaned_data["price"], unit=form.cleaned_data["unit"],
            package=form.cleaned_data["package"], stock=form.cleaned_data["stock"],
            available_on=form.cleaned_data["available_on"], links=form.links())
        try:
            services.save_offer(actor=request.user, product=product, data=data, offer=offer)
        except Invalid as exc:
            show_on_form(form, exc)
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from exc
        else:
            messages.success(request, _("Đã lưu giá bán và kênh bán."))
            return redirect("market:product_offers", pk=product.pk)
    return render(request, "market/offer_form.html", {
        "form": form, "product": product, "offer": offer})


@login_required
@require_http_methods(["GET", "POST"])
def offer_create(request: HttpRequest, pk: int) -> HttpResponse:
    _seller(request)
    return _offer_page(request, _managed_product(request, pk), None)


@login_required
@require_http_methods(["GET", "POST"])
def offer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _seller(request)
    offer = get_object_or_404(Offer, pk=pk)
    return _offer_page(request, _managed_product(request, offer.product_id), offer)


@login_required
@require_POST
def offer_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _seller(request)
    offer = get_object_or_404(Offer, pk=pk)
    product = _managed_product(request, offer.product_id)
    services.remove_offer(actor=request.user, offer=offer)
    messages.success(request, _("Đã xoá giá bán."))
    return redirect("market:product_offers", pk=product.pk)


# --- Gift sets: the curator's pages ----------------------------------------------------------


@login_required
@require_GET
def gift_set_manage(request: HttpRequest) -> HttpResponse:
    _curator(request)
    sets = selectors.gift_sets_for(request.user, today=timezone.localdate())
    page = Paginator(sets, PAGE_SIZE).get_page(request.GET.get("page"))
    # An administrator has no province of its own: it chooses one for a new set.
    provinces = None if request.user.unit_id else Unit.objects.filter(
        level=Unit.Level.PROVINCE, era=Unit.Era.CURRENT).order_by("name")
    return render(request, "market/gift_set_manage.html", {"page": page,
                                                           "provinces": provinces})


def _province_of(request: HttpRequest) -> Unit | None:
    user = request.user
    if user.unit_id:
        return user.unit
    # An administrator curates for the province chosen in ?tinh= (the list offers the choice).
    return Unit.objects.filter(pk=request.GET.get("tinh") or None,
                               level=Unit.Level.PROVINCE).first()


def _gift_set_page(request: HttpRequest, province: Unit, gift_set=None) -> HttpResponse:
    today = timezone.localdate()
    products = selectors.curatable_products(province.pk, today)
    form = GiftSetForm(request.POST or None, request.FILES or None, products=products,
                       gift_set=gift_set)
    if request.method == "POST" and form.is_valid():
        data = services.GiftSetData(
            name=form.cleaned_data["name"], story=form.cleaned_data["story"],
            price=form.cleaned_data["price"], items=form.items(),
            published=form.cleaned_data["published"],
            available_from=form.cleaned_data["available_from"],
            available_until=form.cleaned_data["available_until"],
            photo=form.cleaned_data["photo"])
        try:
            saved = services.save_gift_set(actor=request.user, province=province, data=data,
                                           gift_set=gift_set, today=today)
        except Invalid as exc:
            show_on_form(form, form.on_rows(exc))
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from exc
        else:
            messages.success(request, _("Đã lưu bộ quà tặng."))
            return redirect("market:gift_set_edit", pk=saved.pk)
    items = selectors.gift_set_items(gift_set, today) if gift_set else []
    return render(request, "market/gift_set_form.html", {
        "form": form, "gift_set": gift_set, "province": province, "items": items,
        "listed": gift_set is not None
        and selectors.listed_gift_sets(today).filter(pk=gift_set.pk).exists(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def gift_set_create(request: HttpRequest) -> HttpResponse:
    _curator(request)
    province = _province_of(request)
    if province is None:
        messages.error(request, _("Hãy chọn tỉnh/thành phố của bộ quà."))
        return redirect("market:gift_set_manage")
    return _gift_set_page(request, province)


@login_required
@require_http_methods(["GET", "POST"])
def gift_set_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _curator(request)
    gift_set = selectors.managed_gift_set(request.user, pk, today=timezone.localdate())
    return _gift_set_page(request, gift_set.province, gift_set)


@login_required
@require_POST
def gift_set_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _curator(request)
    gift_set = selectors.managed_gift_set(request.user, pk, today=timezone.localdate())
    services.remove_gift_set(actor=request.user, gift_set=gift_set)
    messages.success(request, _("Đã xoá bộ quà tặng."))
    return redirect("market:gift_set_manage")


# --- Public ----------------------------------------------------------------------------------


@require_GET
def gift_set_list(request: HttpRequest) -> HttpResponse:
    sets = selectors.listed_gift_sets(timezone.localdate())
    page = Paginator(sets, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "market/gift_set_list.html", {"page": page})


@require_GET
def gift_set_detail(request: HttpRequest, pk: int) -> HttpResponse:
    gift_set = selectors.listed_gift_set(pk, timezone.localdate())
    return render(request, "market/gift_set_detail.html", {
        "gift_set": gift_set, "catalogue_url": links.catalogue_url})


@require_GET
def gift_set_photo(request: HttpRequest, pk: int) -> HttpResponse:
    gift_set, public = selectors.gift_set_photo(request.user, pk, timezone.localdate())
    return serve_protected(request, gift_set.photo, "", as_attachment=False, public=public)


@require_safe
def feed_index(request: HttpRequest) -> HttpResponse:
    return render(request, "market/feeds.html", {
        "formats": [(f, links.absolute(f"/nguon-du-lieu/{f.name}")) for f in
                    feeds.FORMATS.values()]})


@require_safe
def feed(request: HttpRequest, name: str) -> HttpResponse:
    """A feed, streamed. An unknown name is a 404 that names the feeds there are."""
    found = feeds.FORMATS.get(name)
    if found is None:
        response = render(request, "market/feed_unknown.html", {
            "name": name[:60], "formats": feeds.FORMATS.values()}, status=404)
        return response
    today = timezone.localdate()
    if found.name == "google.xml":
        body = feeds.google_feed(
            today, title=_("Sản phẩm OCOP có giấy chứng nhận còn hiệu lực"),
            home=links.absolute("/"),
            description=_("Giá bán, kênh bán và bộ quà tặng của sản phẩm OCOP."))
    else:
        body = feeds.csv_feed(today, "shopify" if found.name == "shopify.csv" else "woocommerce")
    response = StreamingHttpResponse((part.encode() for part in body),
                                     content_type=found.content_type)
    response["Cache-Control"] = FEED_CACHE
    response["Content-Disposition"] = f'inline; filename="{found.filename}"'
    return response
