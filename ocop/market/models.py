"""Offers of a product (price, package, stock, channel links) and curated gift sets.

Nothing here says whether a row is public: that is decided at read time from the certificates
(``selectors``), so an offer or a gift set whose product loses its certificate stays stored and
simply stops being shown, and comes back if the product is certified again.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ocop.core.files import UnguessableUploadTo

# A sane ceiling for one selling unit in đồng (1 tỷ): above it a price is a typing mistake
# (an extra zero block), not an OCOP product. The form and the service both refuse it.
MAX_PRICE_VND = 1_000_000_000


class StockStatus(models.TextChoices):
    IN_STOCK = "in_stock", _("Còn hàng")
    OUT_OF_STOCK = "out_of_stock", _("Hết hàng")
    PREORDER = "preorder", _("Đặt trước")


class Channel(models.TextChoices):
    OWN_SHOP = "own_shop", _("Cửa hàng riêng của chủ thể")
    VOSO = "voso", _("Sàn Voso (Viettel Post)")
    POSTMART = "postmart", _("Sàn Postmart (Bưu điện Việt Nam)")
    SHOPEE = "shopee", _("Sàn Shopee")
    TIKI = "tiki", _("Sàn Tiki")
    LAZADA = "lazada", _("Sàn Lazada")
    OTHER = "other", _("Kênh khác")


class Offer(models.Model):
    """One way a product is sold: a package at a price, with where to buy it."""

    product = models.ForeignKey("registry.Product", on_delete=models.CASCADE,
                                related_name="offers", verbose_name=_("sản phẩm"))
    price = models.PositiveBigIntegerField(_("giá bán (đồng)"))
    unit = models.CharField(_("đơn vị tính"), max_length=40)
    package = models.CharField(_("quy cách đóng gói"), max_length=120, blank=True)
    stock = models.CharField(_("tình trạng hàng"), max_length=20, choices=StockStatus.choices,
                             default=StockStatus.IN_STOCK)
    # Only for a pre-order: the day the goods can be delivered (Google requires it then).
    available_on = models.DateField(_("ngày có hàng"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cách bán")
        verbose_name_plural = _("cách bán")
        ordering = ["product_id", "price", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price__gt=0, price__lte=MAX_PRICE_VND),
                name="market_offer_price_sane"),
        ]

    def __str__(self) -> str:
        return f"{self.product} — {self.price} đ/{self.unit}"


class ChannelLink(models.Model):
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="links")
    channel = models.CharField(_("kênh bán"), max_length=20, choices=Channel.choices)
    url = models.URLField(_("địa chỉ liên kết"), max_length=500)

    class Meta:
        verbose_name = _("liên kết kênh bán")
        verbose_name_plural = _("liên kết kênh bán")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["offer", "url"], name="market_link_unique_url"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}: {self.url}"


class GiftSet(models.Model):
    """A bundle of certified products chosen by a province's standing office (quà tặng)."""

    province = models.ForeignKey("units.Unit", on_delete=models.PROTECT,
                                 related_name="gift_sets", verbose_name=_("tỉnh/thành phố"))
    curator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="curated_gift_sets")
    name = models.CharField(_("tên bộ quà"), max_length=200)
    story = models.TextField(_("câu chuyện"), blank=True)
    price = models.PositiveBigIntegerField(_("giá bộ quà (đồng)"))
    photo = models.ImageField(_("ảnh"), upload_to=UnguessableUploadTo("gift-sets"), blank=True)
    published = models.BooleanField(_("đăng công khai"), default=False)
    available_from = models.DateField(_("bán từ ngày"), null=True, blank=True)
    available_until = models.DateField(_("bán đến ngày"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("bộ quà tặng")
        verbose_name_plural = _("bộ quà tặng")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price__gt=0, price__lte=MAX_PRICE_VND),
                name="market_giftset_price_sane"),
        ]

    def __str__(self) -> str:
        return self.name


class GiftSetItem(models.Model):
    gift_set = models.ForeignKey(GiftSet, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey("registry.Product", on_delete=models.CASCADE,
                                related_name="gift_set_items", verbose_name=_("sản phẩm"))
    quantity = models.PositiveSmallIntegerField(_("số lượng"), default=1)

    class Meta:
        verbose_name = _("sản phẩm trong bộ quà tặng")
        verbose_name_plural = _("sản phẩm trong bộ quà tặng")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["gift_set", "product"],
                                    name="market_giftset_item_unique"),
            models.CheckConstraint(condition=models.Q(quantity__gte=1, quantity__lte=99),
                                   name="market_giftset_item_quantity"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product}"


class GiftSetAlert(models.Model):
    """The curator was told that this certificate's loss breaks this gift set: at most once
    (a revocation and an expiry are each recorded once, and this row makes a repeat a no-op)."""

    gift_set = models.ForeignKey(GiftSet, on_delete=models.CASCADE, related_name="alerts")
    certificate = models.ForeignKey("certificates.Certificate", on_delete=models.CASCADE,
                                    related_name="+")
    created_on = models.DateField()

    class Meta:
        verbose_name = _("báo tin bộ quà tặng thiếu sản phẩm")
        verbose_name_plural = _("báo tin bộ quà tặng thiếu sản phẩm")
        constraints = [
            models.UniqueConstraint(fields=["gift_set", "certificate"],
                                    name="market_giftset_alert_once"),
        ]

    def __str__(self) -> str:
        return f"{self.gift_set} — {self.certificate_id}"
