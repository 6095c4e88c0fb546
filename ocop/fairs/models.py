"""Trade fairs, exhibitions and honouring events (§II.6 of the founding plan).

A province's standing office keeps a **calendar of events** (its own fairs, the trade weeks it
takes producers to, honouring ceremonies). For an event with an application window, producers
holding a valid OCOP certificate **apply** to exhibit chosen certified products; the office
reviews each application and **allocates a booth** of one of the event's **booth classes**,
never beyond the class's capacity. After the event each exhibitor **reports results** (sales,
contracts, buyer contacts) and the office closes the event; the totals feed the programme's
reports (``selectors.fair_totals``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ocop.core.validators import PlainText

# The largest sales or contract value (VND) one exhibitor reports for one event: far above what
# an OCOP stand sells at a provincial fair, small enough to catch a slip of three zeros.
MAX_RESULT_VND = 100_000_000_000


class Event(models.Model):
    class Kind(models.TextChoices):
        FAIR = "fair", _("Hội chợ")
        EXHIBITION = "exhibition", _("Triển lãm")
        TRADE_WEEK = "trade_week", _("Tuần hàng, phiên chợ")
        HONOURING = "honouring", _("Sự kiện tôn vinh")

    class OpenTo(models.TextChoices):
        PROVINCE = "province", _("Chủ thể OCOP của tỉnh")
        NATIONAL = "national", _("Chủ thể OCOP cả nước")

    province = models.ForeignKey("units.Unit", verbose_name=_("tỉnh/thành phố quản lý"),
                                 on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("loại sự kiện"), max_length=20, choices=Kind.choices,
                            default=Kind.FAIR)
    name = models.CharField(_("tên sự kiện"), max_length=255,
                            validators=[PlainText(_("Tên sự kiện"))])
    starts_on = models.DateField(_("ngày khai mạc"))
    ends_on = models.DateField(_("ngày bế mạc"))
    venue = models.CharField(_("địa điểm"), max_length=255, validators=[PlainText(_("Địa điểm"))])
    organiser = models.CharField(_("đơn vị tổ chức"), max_length=255,
                                 validators=[PlainText(_("Đơn vị tổ chức"))])
    open_to = models.CharField(_("đối tượng tham gia"), max_length=20, choices=OpenTo.choices,
                               default=OpenTo.PROVINCE)
    applications_open_on = models.DateField(_("mở nhận đăng ký từ"), null=True, blank=True)
    applications_close_on = models.DateField(
        _("hạn đăng ký"), null=True, blank=True,
        help_text=_("Để trống cả hai ngày nếu sự kiện không nhận đăng ký gian hàng."))
    description = models.TextField(_("giới thiệu"), blank=True, max_length=5000)
    closed_on = models.DateField(_("ngày kết thúc sự kiện trên hệ thống"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người tạo"),
                                   null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)

    class Meta:
        verbose_name = _("sự kiện xúc tiến thương mại")
        verbose_name_plural = _("sự kiện xúc tiến thương mại")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")),
                                   name="fairs_event_ends_after_start"),
            # The window is both dates or none, opens before it closes, and closes by the
            # opening day: the services say so in words, the database makes sure.
            models.CheckConstraint(
                condition=(Q(applications_open_on__isnull=True,
                             applications_close_on__isnull=True)
                           | Q(applications_open_on__isnull=False,
                               applications_close_on__gte=F("applications_open_on"),
                               applications_close_on__lte=F("starts_on"))),
                name="fairs_event_window_before_event"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def takes_applications(self) -> bool:
        return self.applications_open_on is not None


class BoothClass(models.Model):
    """A kind of booth at one event (standard, corner, premium…) and how many there are."""

    event = models.ForeignKey(Event, verbose_name=_("sự kiện"), on_delete=models.CASCADE,
                              related_name="booth_classes")
    name = models.CharField(_("loại gian hàng"), max_length=100,
                            validators=[PlainText(_("Loại gian hàng"))])
    capacity = models.PositiveIntegerField(_("số gian"))

    class Meta:
        verbose_name = _("loại gian hàng")
        verbose_name_plural = _("loại gian hàng")
        ordering = ["event", "id"]
        constraints = [models.UniqueConstraint(fields=["event", "name"],
                                               name="fairs_booth_class_unique_name")]

    def __str__(self) -> str:
        return self.name


class Application(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Chờ xét duyệt")
        ACCEPTED = "accepted", _("Được nhận, đã xếp gian")
        WAITLISTED = "waitlisted", _("Trong danh sách chờ")
        REFUSED = "refused", _("Không được nhận")

    event = models.ForeignKey(Event, verbose_name=_("sự kiện"), on_delete=models.CASCADE,
                              related_name="applications")
    producer = models.ForeignKey("registry.Producer", verbose_name=_("chủ thể"),
                                 on_delete=models.PROTECT, related_name="+")
    products = models.ManyToManyField("registry.Product", verbose_name=_("sản phẩm trưng bày"),
                                      related_name="+")
    booth_wanted = models.ForeignKey(BoothClass, verbose_name=_("loại gian mong muốn"),
                                     null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    notes = models.TextField(_("ghi chú"), blank=True, max_length=2000)
    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices,
                              default=Status.SUBMITTED)
    booth_class = models.ForeignKey(BoothClass, verbose_name=_("loại gian được xếp"), null=True,
                                    blank=True, on_delete=models.PROTECT,
                                    related_name="allocations")
    booth_number = models.CharField(_("số gian"), max_length=20, blank=True,
                                    validators=[PlainText(_("Số gian"))])
    refusal_reason = models.CharField(_("lý do"), max_length=500, blank=True,
                                      validators=[PlainText(_("Lý do"))])
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người đăng ký"),
                                   null=True, on_delete=models.SET_NULL, related_name="+")
    applied_at = models.DateTimeField(_("ngày đăng ký"), auto_now_add=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người xét"),
                                    null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    reviewed_at = models.DateTimeField(_("ngày xét"), null=True, blank=True)
    # Results after the event (an accepted exhibitor, or the office for it).
    sales_vnd = models.DecimalField(_("doanh thu bán hàng (đồng)"), max_digits=15,
                                    decimal_places=0, null=True, blank=True)
    contracts_count = models.PositiveIntegerField(_("số hợp đồng, biên bản ghi nhớ"), null=True,
                                                  blank=True)
    contracts_value_vnd = models.DecimalField(_("giá trị hợp đồng (đồng)"), max_digits=15,
                                              decimal_places=0, null=True, blank=True)
    buyer_contacts_count = models.PositiveIntegerField(_("số khách hàng, đối tác liên hệ"),
                                                       null=True, blank=True)
    buyer_contact_names = models.TextField(
        _("tên khách hàng, đối tác (nếu muốn ghi)"), blank=True, max_length=2000,
        help_text=_("Chỉ ghi những tên chủ thể muốn lưu; không bắt buộc."))
    results_reported_at = models.DateTimeField(_("ngày báo cáo kết quả"), null=True, blank=True)
    results_reported_by = models.ForeignKey(settings.AUTH_USER_MODEL,
                                            verbose_name=_("người báo cáo kết quả"), null=True,
                                            blank=True, on_delete=models.SET_NULL,
                                            related_name="+")

    class Meta:
        verbose_name = _("đăng ký gian hàng")
        verbose_name_plural = _("đăng ký gian hàng")
        ordering = ["event", "producer__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "producer"],
                                    name="fairs_one_application_per_producer"),
            models.UniqueConstraint(fields=["event", "booth_number"],
                                    condition=~Q(booth_number=""),
                                    name="fairs_one_exhibitor_per_booth"),
            models.CheckConstraint(
                condition=Q(sales_vnd__isnull=True) | Q(sales_vnd__gte=0),
                name="fairs_sales_not_negative"),
            models.CheckConstraint(
                condition=Q(contracts_value_vnd__isnull=True) | Q(contracts_value_vnd__gte=0),
                name="fairs_contracts_value_not_negative"),
            models.CheckConstraint(
                condition=~Q(status="accepted") | Q(booth_class__isnull=False),
                name="fairs_accepted_has_booth"),
        ]

    def __str__(self) -> str:
        return f"{self.producer} — {self.event}"

    @property
    def has_results(self) -> bool:
        return self.results_reported_at is not None
