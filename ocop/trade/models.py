"""Buyers, their needs, and the conversations they hold with producers.

A buyer organisation has one account (``Role.BUYER``) and a province; the province office of
that province verifies or suspends it. A conversation (an inquiry or a meeting request) runs
between one buyer and one producer about one of the producer's products, from "sent" through
"answered" (or "meeting agreed") to a deal or a close; its timestamps feed the office's
response-time figures.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ocop.core.search import FoldedSearchText


class BuyerKind(models.TextChoices):
    DISTRIBUTOR = "distributor", _("Nhà phân phối, đại lý")
    SUPERMARKET = "supermarket", _("Siêu thị, chuỗi cửa hàng")
    EXPORTER = "exporter", _("Doanh nghiệp xuất khẩu")
    HOTEL = "hotel", _("Khách sạn, nhà hàng")
    OTHER = "other", _("Tổ chức khác")


class Buyer(FoldedSearchText):
    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ xác minh")
        VERIFIED = "verified", _("Đã xác minh")
        SUSPENDED = "suspended", _("Tạm ngừng")

    account = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("tài khoản"),
                                   on_delete=models.PROTECT, related_name="buyer")
    name = models.CharField(_("tên tổ chức"), max_length=255)
    kind = models.CharField(_("loại hình"), max_length=20, choices=BuyerKind.choices)
    tax_code = models.CharField(_("mã số thuế"), max_length=14, blank=True)
    province = models.ForeignKey("units.Unit", verbose_name=_("tỉnh/thành phố"),
                                 on_delete=models.PROTECT, related_name="+")
    contact_person = models.CharField(_("người liên hệ"), max_length=150)
    phone = models.CharField(_("điện thoại"), max_length=20)
    email = models.EmailField(_("thư điện tử"))
    status = models.CharField(_("trạng thái"), max_length=12, choices=Status.choices,
                              default=Status.PENDING)
    status_note = models.CharField(_("ghi chú của cơ quan"), max_length=500, blank=True)
    status_changed_at = models.DateTimeField(_("đổi trạng thái lúc"), null=True, blank=True)
    created_at = models.DateTimeField(_("đăng ký lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("bên mua")
        verbose_name_plural = _("bên mua")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def search_parts(self) -> list[str]:
        return [self.name, self.tax_code, self.contact_person]


class Need(FoldedSearchText):
    class Status(models.TextChoices):
        OPEN = "open", _("Đang tìm nguồn hàng")
        CLOSED = "closed", _("Đã đóng")

    buyer = models.ForeignKey(Buyer, verbose_name=_("bên mua"), on_delete=models.CASCADE,
                              related_name="needs")
    wanted = models.CharField(_("sản phẩm cần mua"), max_length=255)
    group = models.ForeignKey("registry.ProductGroup", verbose_name=_("nhóm sản phẩm"),
                              null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    product_set = models.ForeignKey("registry.ProductSet", verbose_name=_("bộ sản phẩm"),
                                    null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    volume = models.DecimalField(_("khối lượng"), max_digits=14, decimal_places=2)
    volume_unit = models.CharField(_("đơn vị tính"), max_length=30)
    min_stars = models.PositiveSmallIntegerField(_("hạng sao OCOP tối thiểu"), null=True,
                                                 blank=True)
    certifications = models.CharField(_("chứng nhận yêu cầu"), max_length=255, blank=True)
    requirements = models.TextField(_("yêu cầu khác về chất lượng"), blank=True)
    period_from = models.DateField(_("cần từ ngày"))
    period_to = models.DateField(_("đến ngày"))
    delivery_province = models.ForeignKey("units.Unit", verbose_name=_("tỉnh/thành nhận hàng"),
                                          on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices,
                              default=Status.OPEN)
    created_at = models.DateTimeField(_("đăng lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("nhu cầu mua")
        verbose_name_plural = _("nhu cầu mua")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(volume__gt=0), name="trade_need_volume"),
            models.CheckConstraint(condition=models.Q(period_to__gte=models.F("period_from")),
                                   name="trade_need_period"),
        ]

    def __str__(self) -> str:
        return self.wanted

    def search_parts(self) -> list[str]:
        return [self.wanted]


class Conversation(models.Model):
    class Kind(models.TextChoices):
        INQUIRY = "inquiry", _("Hỏi hàng")
        MEETING = "meeting", _("Đề nghị gặp")

    class State(models.TextChoices):
        SENT = "sent", _("Chờ bên bán trả lời")
        ANSWERED = "answered", _("Đang trao đổi")
        MEETING = "meeting", _("Đã hẹn gặp")
        DECLINED = "declined", _("Bên bán từ chối")
        DEAL = "deal", _("Đã chốt giao dịch")
        CLOSED = "closed", _("Đã đóng")

    OPEN_STATES = (State.SENT, State.ANSWERED, State.MEETING)

    buyer = models.ForeignKey(Buyer, verbose_name=_("bên mua"), on_delete=models.PROTECT,
                              related_name="conversations")
    producer = models.ForeignKey("registry.Producer", verbose_name=_("chủ thể"),
                                 on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey("registry.Product", verbose_name=_("sản phẩm"),
                                on_delete=models.PROTECT, related_name="+")
    need = models.ForeignKey(Need, verbose_name=_("nhu cầu"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="conversations")
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    state = models.CharField(_("trạng thái"), max_length=10, choices=State.choices,
                             default=State.SENT)
    created_at = models.DateTimeField(_("gửi lúc"), auto_now_add=True)
    first_response_at = models.DateTimeField(_("bên bán trả lời lần đầu lúc"), null=True,
                                             blank=True)
    ended_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    deal_value = models.DecimalField(_("giá trị giao dịch (đồng)"), max_digits=16,
                                     decimal_places=0, null=True, blank=True)

    class Meta:
        verbose_name = _("cuộc trao đổi")
        verbose_name_plural = _("cuộc trao đổi")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["producer", "state"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(deal_value__isnull=True) | models.Q(deal_value__gte=0),
                name="trade_conversation_deal_value"),
        ]

    def __str__(self) -> str:
        return f"{self.buyer} — {self.product}"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES


class Slot(models.Model):
    """A proposed meeting time of a meeting request; the producer accepts at most one."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE,
                                     related_name="slots")
    starts_at = models.DateTimeField(_("thời gian đề xuất"))
    accepted = models.BooleanField(_("đã nhận"), default=False)

    class Meta:
        verbose_name = _("thời gian đề xuất")
        verbose_name_plural = _("thời gian đề xuất")
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return str(self.starts_at)


class Message(models.Model):
    class Side(models.TextChoices):
        BUYER = "buyer", _("Bên mua")
        PRODUCER = "producer", _("Bên bán")
        SYSTEM = "system", _("Hệ thống")

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE,
                                     related_name="messages")
    side = models.CharField(_("bên"), max_length=10, choices=Side.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(_("nội dung"))
    created_at = models.DateTimeField(_("lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("tin nhắn")
        verbose_name_plural = _("tin nhắn")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:50]
