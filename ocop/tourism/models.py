"""Community-tourism destinations (điểm du lịch), their opening hours, photos and the OCOP
products sold there, and itineraries (tuyến tham quan) linking destinations and producers.

A destination lies in a commune (a pre-2025 commune for old records; it is found through the
commune it became) and may be the place of a certified tourism-service product of OCOP group 6
and its producer. What the public sees is decided at display time: a destination or itinerary
while it is published, a product sold there while it holds a certificate valid today.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ocop.core.files import UnguessableUploadTo
from ocop.core.search import FoldedSearchText
from ocop.core.validators import PlainText

# The group of "Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch" (148/QĐ-TTg,
# ocop/criteria/sets/classification.yaml).
TOURISM_GROUP = "6"
NAME_MAX = 200
TEXT_MAX = 5_000


class Service(models.TextChoices):
    """What a visitor finds there. The codes are stored space-separated in
    ``Destination.services``; none is part of another, so ``services__contains`` filters."""

    STAY = "stay", _("Lưu trú, homestay")
    FOOD = "food", _("Ăn uống, ẩm thực địa phương")
    EXPERIENCE = "experience", _("Trải nghiệm nông nghiệp, làng nghề")
    GUIDE = "guide", _("Hướng dẫn viên, thuyết minh")
    SHOP = "shop", _("Điểm bán sản phẩm OCOP")
    BOAT = "boat", _("Đi thuyền, du lịch đường sông")
    FESTIVAL = "festival", _("Lễ hội, di tích, tâm linh")
    PARKING = "parking", _("Bãi đỗ xe")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Thứ Hai")
    TUESDAY = 1, _("Thứ Ba")
    WEDNESDAY = 2, _("Thứ Tư")
    THURSDAY = 3, _("Thứ Năm")
    FRIDAY = 4, _("Thứ Sáu")
    SATURDAY = 5, _("Thứ Bảy")
    SUNDAY = 6, _("Chủ Nhật")


class Destination(FoldedSearchText):
    name = models.CharField(_("tên điểm du lịch"), max_length=NAME_MAX,
                            validators=[PlainText(_("Tên điểm du lịch"))])
    commune = models.ForeignKey("units.Unit", verbose_name=_("xã/phường"),
                                on_delete=models.PROTECT, related_name="+")
    address = models.CharField(_("địa chỉ (thôn, xóm)"), max_length=255, blank=True,
                               validators=[PlainText(_("Địa chỉ"))])
    latitude = models.DecimalField(_("vĩ độ"), max_digits=8, decimal_places=5)
    longitude = models.DecimalField(_("kinh độ"), max_digits=8, decimal_places=5)
    summary = models.CharField(_("giới thiệu ngắn"), max_length=300,
                               validators=[PlainText(_("Giới thiệu ngắn"))])
    description = models.TextField(_("giới thiệu"), max_length=TEXT_MAX, blank=True)
    visit_info = models.TextField(_("thông tin tham quan"), max_length=TEXT_MAX, blank=True,
                                  help_text=_("Đường đi, vé, trang phục, mùa đẹp nhất…"))
    hours_note = models.CharField(
        _("ghi chú giờ mở cửa"), max_length=300, blank=True,
        validators=[PlainText(_("Ghi chú giờ mở cửa"))],
        help_text=_("Ví dụ: lễ hội chính ngày 10 tháng Giêng âm lịch; đoàn đông đặt trước."))
    services = models.CharField(_("dịch vụ"), max_length=200, blank=True)
    # Published by the operator's choice: never copied from the producer's own record.
    contact_name = models.CharField(_("người liên hệ"), max_length=150, blank=True,
                                    validators=[PlainText(_("Người liên hệ"))])
    contact_phone = models.CharField(_("điện thoại liên hệ"), max_length=20, blank=True)
    contact_email = models.EmailField(_("thư điện tử liên hệ"), blank=True)
    website = models.URLField(_("trang web"), blank=True)
    service_product = models.ForeignKey(
        "registry.Product", verbose_name=_("sản phẩm dịch vụ du lịch OCOP"), null=True,
        blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text=_("Sản phẩm nhóm 6 (dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du "
                    "lịch) gắn với điểm này, nếu có."))
    producer = models.ForeignKey(
        "registry.Producer", verbose_name=_("chủ thể vận hành"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+")
    products = models.ManyToManyField("registry.Product", verbose_name=_("sản phẩm OCOP bán tại "
                                      "điểm"), through="SoldProduct", related_name="+")
    published = models.BooleanField(_("công khai"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("điểm du lịch")
        verbose_name_plural = _("điểm du lịch")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["commune", "name"]),
                   models.Index(fields=["published", "name"])]

    def __str__(self) -> str:
        return self.name

    def search_parts(self) -> Iterable[str | None]:
        return (self.name, self.summary, self.address, self.commune.name if self.commune_id
                else None)

    @property
    def service_codes(self) -> list[str]:
        return [code for code in self.services.split() if code in Service.values]

    @property
    def service_labels(self) -> list[str]:
        return [str(Service(code).label) for code in self.service_codes]


class OpeningPeriod(models.Model):
    """One opening period of a weekday; a day without a period is closed (when the destination
    has any period at all), and a destination without periods reads its ``hours_note``."""

    destination = models.ForeignKey(Destination, on_delete=models.CASCADE,
                                    related_name="opening_periods")
    weekday = models.PositiveSmallIntegerField(_("thứ"), choices=Weekday.choices)
    opens = models.TimeField(_("giờ mở cửa"))
    closes = models.TimeField(_("giờ đóng cửa"))

    class Meta:
        verbose_name = _("khung giờ mở cửa")
        verbose_name_plural = _("khung giờ mở cửa")
        ordering = ["weekday", "opens"]
        constraints = [models.UniqueConstraint(fields=["destination", "weekday"],
                                               name="tourism_one_period_a_day"),
                       models.CheckConstraint(condition=models.Q(closes__gt=models.F("opens")),
                                              name="tourism_closes_after_opens")]

    def __str__(self) -> str:
        return f"{Weekday(self.weekday).label} {self.opens:%H:%M}–{self.closes:%H:%M}"


class Photo(models.Model):
    destination = models.ForeignKey(Destination, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("ảnh"), upload_to=UnguessableUploadTo("tourism"))
    caption = models.CharField(_("chú thích"), max_length=200, blank=True,
                               validators=[PlainText(_("Chú thích"))])
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ảnh điểm du lịch")
        verbose_name_plural = _("ảnh điểm du lịch")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.caption or self.image.name


class SoldProduct(models.Model):
    """An OCOP product on sale at a destination; shown only while it holds a valid
    certificate (decided when the page is read, not when the link is made)."""

    destination = models.ForeignKey(Destination, on_delete=models.CASCADE,
                                    related_name="sold")
    product = models.ForeignKey("registry.Product", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("sản phẩm bán tại điểm du lịch")
        verbose_name_plural = _("sản phẩm bán tại điểm du lịch")
        constraints = [models.UniqueConstraint(fields=["destination", "product"],
                                               name="tourism_sold_once")]

    def __str__(self) -> str:
        return f"{self.destination_id}: {self.product_id}"


class Itinerary(FoldedSearchText):
    """A visiting route of one province: ordered stops at destinations and producers."""

    name = models.CharField(_("tên tuyến"), max_length=NAME_MAX,
                            validators=[PlainText(_("Tên tuyến"))])
    province = models.ForeignKey("units.Unit", verbose_name=_("tỉnh/thành phố"),
                                 on_delete=models.PROTECT, related_name="+")
    summary = models.CharField(_("giới thiệu ngắn"), max_length=300,
                               validators=[PlainText(_("Giới thiệu ngắn"))])
    description = models.TextField(_("giới thiệu"), max_length=TEXT_MAX, blank=True)
    published = models.BooleanField(_("công khai"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tuyến tham quan")
        verbose_name_plural = _("tuyến tham quan")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def search_parts(self) -> Iterable[str | None]:
        return (self.name, self.summary)


class Stop(models.Model):
    """A stop is a destination or a producer (exactly one), at ``position`` 1, 2, …"""

    itinerary = models.ForeignKey(Itinerary, on_delete=models.CASCADE, related_name="stops")
    position = models.PositiveSmallIntegerField(_("thứ tự"))
    destination = models.ForeignKey(Destination, verbose_name=_("điểm du lịch"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="stops")
    producer = models.ForeignKey("registry.Producer", verbose_name=_("chủ thể OCOP"), null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="+")
    minutes = models.PositiveSmallIntegerField(_("thời gian gợi ý (phút)"), null=True,
                                               blank=True)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True,
                            validators=[PlainText(_("Ghi chú"))])

    class Meta:
        verbose_name = _("điểm dừng của hành trình")
        verbose_name_plural = _("điểm dừng của hành trình")
        ordering = ["itinerary", "position"]
        constraints = [
            models.UniqueConstraint(fields=["itinerary", "position"], name="tourism_stop_order"),
            models.CheckConstraint(
                condition=(models.Q(destination__isnull=False, producer__isnull=True)
                           | models.Q(destination__isnull=True, producer__isnull=False)),
                name="tourism_stop_is_one_place"),
        ]

    def __str__(self) -> str:
        return f"{self.itinerary_id} #{self.position}"

    @property
    def key(self) -> tuple[str, int | None]:
        return ("d", self.destination_id) if self.destination_id else ("p", self.producer_id)
