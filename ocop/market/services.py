"""Every write of the market app: offers with their channel links, gift sets, and the curator's
notice when a gift set loses a component's certificate.

Each write checks the permission, validates everything first and refuses with ``Invalid``
naming each wrong field (in Vietnamese), then saves in one transaction with its audit entry, so
a refused form leaves nothing half-saved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.models import User
from ocop.accounts.selectors import province_office_users
from ocop.audit import services as audit
from ocop.core.refusals import Invalid
from ocop.core.validators import plain_text_errors
from ocop.market.models import (
    MAX_PRICE_VND,
    Channel,
    ChannelLink,
    GiftSet,
    GiftSetAlert,
    GiftSetItem,
    Offer,
    StockStatus,
)
from ocop.market.permissions import can_curate, can_manage_offers
from ocop.market.selectors import certified_products
from ocop.notifications.services import notify
from ocop.registry.models import Product
from ocop.registry.uploads import validate_image_upload
from ocop.units.models import Unit

MAX_LINKS = 8
MAX_COMPONENTS = 12
# A pre-order further ahead than this is a typing mistake (a wrong year), not a harvest.
PREORDER_HORIZON_DAYS = 366
# A gift set's season is at most this long and starts no earlier than this.
SEASON_MAX_DAYS = 5 * 366
EARLIEST_DAY = date(2018, 1, 1)

# Marketplaces are recognised by their address: a Shopee link must lead to Shopee.
CHANNEL_HOSTS: dict[str, tuple[str, ...]] = {
    Channel.VOSO: ("voso.vn",),
    Channel.POSTMART: ("postmart.vn",),
    Channel.SHOPEE: ("shopee.vn", "shp.ee"),
    Channel.TIKI: ("tiki.vn",),
    Channel.LAZADA: ("lazada.vn",),
}
_URL = URLValidator(schemes=["http", "https"])


def _today(today: date | None) -> date:
    return today or timezone.localdate()


# --- Checks shared by offers and gift sets ---------------------------------------------------


def price_error(price: Any) -> str | None:
    if not isinstance(price, int) or isinstance(price, bool):
        return _("Hãy nhập giá bằng số đồng, ví dụ 120000.")
    if price <= 0:
        return _("Giá bán phải lớn hơn 0 đồng.")
    if price > MAX_PRICE_VND:
        return _("Giá %(price)s đồng vượt mức tối đa %(max)s đồng; hãy kiểm tra lại số 0.") % {
            "price": f"{price:,}".replace(",", "."), "max": f"{MAX_PRICE_VND:,}".replace(",", ".")}
    return None


def _host_matches(host: str, domains: tuple[str, ...]) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


def link_error(channel: str, url: str) -> str | None:
    """Why a channel link is refused, or None."""
    if channel not in Channel.values:
        return _("Hãy chọn kênh bán trong danh sách.")
    try:
        _URL(url)
    except ValidationError:
        return _("“%(url)s” không phải địa chỉ trang web hợp lệ (bắt đầu bằng https://).") % {
            "url": url[:80]}
    parts = urlsplit(url)
    if parts.username or parts.password:
        return _("Địa chỉ liên kết không được chứa tên đăng nhập hay mật khẩu.")
    domains = CHANNEL_HOSTS.get(channel)
    if domains and not _host_matches((parts.hostname or "").lower(), domains):
        return _("Liên kết của %(channel)s phải là địa chỉ trên %(domain)s.") % {
            "channel": Channel(channel).label, "domain": domains[0]}
    return None


def _check_links(links: Sequence[tuple[str, str]], errors: dict[str, str]) -> list[tuple[str, str]]:
    """The non-empty (channel, url) rows, checked; errors keyed ``url_<row>``."""
    kept: list[tuple[str, str]] = []
    seen_urls: set[str] = set()
    seen_channels: set[str] = set()
    for row, (channel, url) in enumerate(links):
        url = (url or "").strip()
        if not url:
            continue
        if problem := link_error(channel, url):
            errors[f"url_{row}"] = problem
        elif url in seen_urls:
            errors[f"url_{row}"] = _("Liên kết này đã được nhập ở dòng trên.")
        elif channel in seen_channels and channel not in (Channel.OTHER, Channel.OWN_SHOP):
            errors[f"url_{row}"] = _("%(channel)s đã có một liên kết cho giá bán này.") % {
                "channel": Channel(channel).label}
        seen_urls.add(url)
        seen_channels.add(channel)
        kept.append((channel, url))
    if len(kept) > MAX_LINKS:
        errors["__all__"] = _("Mỗi giá bán có tối đa %(n)d liên kết.") % {"n": MAX_LINKS}
    return kept


def _check_photo(photo: File | None, errors: dict[str, str]) -> None:
    if photo is None:
        return
    try:
        validate_image_upload(photo, "photo")
    except ValidationError as exc:
        errors.update({name: " ".join(msgs) for name, msgs in exc.message_dict.items()})


# --- Offers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfferData:
    price: Any
    unit: str
    package: str = ""
    stock: str = StockStatus.IN_STOCK
    available_on: date | None = None
    links: Sequence[tuple[str, str]] = ()


def _validate_offer(data: OfferData, today: date) -> tuple[dict[str, str], list[tuple[str, str]]]:
    errors: dict[str, str] = {}
    if problem := price_error(data.price):
        errors["price"] = problem
    unit = (data.unit or "").strip()
    if not unit:
        errors["unit"] = _("Hãy nhập đơn vị tính, ví dụ túi, hộp, chai.")
    elif len(unit) > 40:
        errors["unit"] = _("Đơn vị tính tối đa 40 ký tự.")
    if len((data.package or "").strip()) > 120:
        errors["package"] = _("Quy cách đóng gói tối đa 120 ký tự.")
    errors.update(plain_text_errors({"unit": (_("Đơn vị tính"), unit),
                                     "package": (_("Quy cách đóng gói"), data.package)}))
    if data.stock not in StockStatus.values:
        errors["stock"] = _("Hãy chọn tình trạng hàng: còn hàng, hết hàng hoặc đặt trước.")
    elif data.stock == StockStatus.PREORDER:
        if data.available_on is None:
            errors["available_on"] = _("Hàng đặt trước cần ngày có hàng.")
        elif data.available_on <= today:
            errors["available_on"] = _("Ngày có hàng của hàng đặt trước phải sau hôm nay.")
        elif data.available_on > today + timedelta(days=PREORDER_HORIZON_DAYS):
            errors["available_on"] = _("Ngày có hàng xa quá một năm; hãy kiểm tra lại năm.")
    elif data.available_on is not None:
        errors["available_on"] = _("Chỉ hàng đặt trước mới có ngày có hàng; hãy để trống.")
    return errors, _check_links(data.links, errors)


@transaction.atomic
def save_offer(*, actor: User | None, product: Product, data: OfferData,
               offer: Offer | None = None, today: date | None = None) -> Offer:
    """Create (``offer`` None) or replace an offer of ``product`` with its channel links."""
    today = _today(today)
    if actor is not None:
        can_manage_offers(actor, product).check()
    if offer is not None and offer.product_id != product.pk:
        raise Invalid(_("Giá bán này thuộc sản phẩm khác."), code="market.offer_product")
    errors, links = _validate_offer(data, today)
    if errors:
        raise Invalid(_("Giá bán chưa lưu: hãy sửa các ô được đánh dấu."), fields=errors,
                      code="market.offer_invalid")
    creating = offer is None
    offer = offer or Offer(product=product)
    offer.price = data.price
    offer.unit = data.unit.strip()
    offer.package = (data.package or "").strip()
    offer.stock = data.stock
    offer.available_on = data.available_on if data.stock == StockStatus.PREORDER else None
    offer.save()
    offer.links.all().delete()
    ChannelLink.objects.bulk_create(ChannelLink(offer=offer, channel=c, url=u) for c, u in links)
    audit.record(actor=actor, action="market.offer_create" if creating else "market.offer_update",
                 obj=offer, changes={"product": product.pk, "price": offer.price,
                                     "unit": offer.unit, "package": offer.package,
                                     "stock": offer.stock, "links": [u for _c, u in links]})
    return offer


@transaction.atomic
def remove_offer(*, actor: User | None, offer: Offer) -> None:
    if actor is not None:
        can_manage_offers(actor, offer.product).check()
    audit.record(actor=actor, action="market.offer_delete", obj=offer,
                 changes={"product": offer.product_id, "price": offer.price})
    offer.delete()


# --- Gift sets -------------------------------------------------------------------------------


@dataclass(frozen=True)
class GiftSetData:
    name: str
    price: Any
    items: Sequence[tuple[Product, Any]]
    story: str = ""
    published: bool = False
    available_from: date | None = None
    available_until: date | None = None
    photo: File | None = None  # None: keep the current photo


def _validate_gift_set(data: GiftSetData, province: Unit | None, today: date,
                       ) -> tuple[dict[str, str], list[tuple[Product, int]]]:
    errors: dict[str, str] = {}
    name = (data.name or "").strip()
    if not name:
        errors["name"] = _("Hãy đặt tên cho bộ quà.")
    elif len(name) > 200:
        errors["name"] = _("Tên bộ quà tối đa 200 ký tự.")
    errors.update(plain_text_errors({"name": (_("Tên bộ quà"), name),
                                     "story": (_("Câu chuyện"), data.story)}))
    if problem := price_error(data.price):
        errors["price"] = problem
    start, end = data.available_from, data.available_until
    if start is not None and start < EARLIEST_DAY:
        errors["available_from"] = _("Ngày bắt đầu bán trước năm 2018 là không hợp lệ.")
    if end is not None and start is not None and end < start:
        errors["available_until"] = _("Ngày kết thúc bán phải sau ngày bắt đầu bán.")
    elif end is not None and end < today and data.published:
        errors["available_until"] = _("Ngày kết thúc bán đã qua: bộ quà sẽ không hiển thị.")
    elif end is not None and (end - (start or today)).days > SEASON_MAX_DAYS:
        errors["available_until"] = _("Thời gian bán dài quá 5 năm; hãy kiểm tra lại năm.")
    _check_photo(data.photo, errors)
    items: list[tuple[Product, int]] = []
    certified = set(certified_products(today).filter(
        pk__in=[p.pk for p, _q in data.items]).values_list("pk", flat=True))
    seen: set[int] = set()
    for row, (product, quantity) in enumerate(data.items):
        field = f"product_{row}"
        if product.pk in seen:
            errors[field] = _("“%(name)s” đã có trong bộ quà.") % {"name": product.name}
        elif product.pk not in certified:
            errors[field] = _("“%(name)s” không có giấy chứng nhận OCOP còn hiệu lực.") % {
                "name": product.name}
        elif province is not None and \
                product.producer.commune.current_province_id != province.pk:
            errors[field] = _("“%(name)s” không phải sản phẩm của %(province)s.") % {
                "name": product.name, "province": province.name}
        if not isinstance(quantity, int) or isinstance(quantity, bool) \
                or not 1 <= quantity <= 99:
            errors[f"quantity_{row}"] = _("Số lượng từ 1 đến 99.")
        seen.add(product.pk)
        items.append((product, quantity))
    if not items:
        errors["product_0"] = _("Bộ quà cần ít nhất một sản phẩm OCOP.")
    elif len(items) > MAX_COMPONENTS:
        errors["__all__"] = _("Bộ quà có tối đa %(n)d sản phẩm.") % {"n": MAX_COMPONENTS}
    return errors, items


@transaction.atomic
def save_gift_set(*, actor: User | None, province: Unit, data: GiftSetData,
                  gift_set: GiftSet | None = None, today: date | None = None) -> GiftSet:
    """Create (``gift_set`` None) or replace a gift set with its components."""
    today = _today(today)
    if actor is not None:
        can_curate(actor, province).check()
    errors, items = _validate_gift_set(data, province, today)
    if errors:
        raise Invalid(_("Bộ quà chưa lưu: hãy sửa các ô được đánh dấu."), fields=errors,
                      code="market.gift_set_invalid")
    creating = gift_set is None
    if gift_set is None:
        gift_set = GiftSet(province=province, curator=actor)
    gift_set.name = data.name.strip()
    gift_set.story = (data.story or "").strip()
    gift_set.price = data.price
    gift_set.published = data.published
    gift_set.available_from = data.available_from
    gift_set.available_until = data.available_until
    if data.photo is not None:
        gift_set.photo = data.photo
    gift_set.save()
    gift_set.items.all().delete()
    GiftSetItem.objects.bulk_create(GiftSetItem(gift_set=gift_set, product=p, quantity=q)
                                    for p, q in items)
    audit.record(actor=actor,
                 action="market.gift_set_create" if creating else "market.gift_set_update",
                 obj=gift_set, changes={"name": gift_set.name, "price": gift_set.price,
                                        "published": gift_set.published,
                                        "items": [[p.pk, q] for p, q in items]})
    return gift_set


@transaction.atomic
def remove_gift_set(*, actor: User | None, gift_set: GiftSet) -> None:
    if actor is not None:
        can_curate(actor, gift_set.province).check()
    audit.record(actor=actor, action="market.gift_set_delete", obj=gift_set,
                 changes={"name": gift_set.name})
    gift_set.delete()


# --- A component loses its certificate -------------------------------------------------------


def _curators(gift_set: GiftSet) -> list[User]:
    if gift_set.curator is not None and gift_set.curator.is_active:
        return [gift_set.curator]
    return province_office_users(gift_set.province_id)


def certificate_lapsed(certificate: Any, today: date) -> int:
    """A certificate was revoked or its expiry recorded (the certificates app's
    ``certificate_lapsed`` hook, inside that transaction). Every published gift set holding the
    product that is now broken (a component without a valid certificate) tells its curator,
    once per certificate. Returns the number of gift sets whose curator was told."""
    if certified_products(today).filter(pk=certificate.product_id).exists():
        return 0  # another certificate (a renewal) still covers the product: nothing lost
    told = 0
    sets = (GiftSet.objects.filter(published=True, items__product_id=certificate.product_id)
            .select_related("curator").distinct())
    for gift_set in sets:
        try:
            with transaction.atomic():
                GiftSetAlert.objects.create(gift_set=gift_set, certificate=certificate,
                                            created_on=today)
        except IntegrityError:
            continue  # already told about this certificate
        notify(_curators(gift_set), "market.gift_set_broken",
               {"gift_set": gift_set.name, "product": certificate.product.name,
                "number": certificate.number, "gift_set_id": gift_set.pk}, gift_set)
        audit.record(actor=None, action="market.gift_set_broken", obj=gift_set,
                     changes={"certificate": certificate.number, "on": today})
        told += 1
    return told
