"""Training and support for producers (§II.5 and §III.3 of the founding plan).

A province runs **courses** (training courses, workshops, study visits) on the plan's topics;
producers **register** and the office records who **attended**. Every other help a producer
receives — consulting, packaging design, trademark registration, traceability, a stand at a trade
fair, money — is a **support** record with its amount, so that a producer's page shows what it
received and the plan can count producers trained and money spent.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ocop.core.validators import PlainText

# The largest single support amount (VND) the forms accept: well above any line of a province's
# OCOP budget (Bắc Giang 2024: 20.9 bn in all), small enough to catch a slip of three zeros.
MAX_SUPPORT_VND = 10_000_000_000


class Topic(models.TextChoices):
    DIGITAL = "digital", _("Kỹ năng số, thương mại điện tử")
    MARKETING = "marketing", _("Tiếp thị, xúc tiến thương mại")
    PACKAGING = "packaging", _("Thiết kế bao bì, nhãn mác")
    IP = "ip", _("Sở hữu trí tuệ, nhãn hiệu")
    TRACEABILITY = "traceability", _("Truy xuất nguồn gốc")
    QUALITY = "quality", _("Chất lượng, an toàn thực phẩm")
    MANAGEMENT = "management", _("Quản trị sản xuất, kinh doanh")
    OCOP = "ocop", _("Chương trình OCOP, hồ sơ đánh giá")


class Course(models.Model):
    class Kind(models.TextChoices):
        COURSE = "course", _("Lớp tập huấn")
        WORKSHOP = "workshop", _("Hội thảo")
        VISIT = "visit", _("Tham quan học tập")

    province = models.ForeignKey("units.Unit", verbose_name=_("tỉnh/thành phố"),
                                 on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("hình thức"), max_length=20, choices=Kind.choices,
                            default=Kind.COURSE)
    topic = models.CharField(_("chủ đề"), max_length=20, choices=Topic.choices)
    title = models.CharField(_("tên lớp"), max_length=255,
                             validators=[PlainText(_("Tên lớp"))])
    starts_on = models.DateField(_("ngày bắt đầu"))
    ends_on = models.DateField(_("ngày kết thúc"))
    place = models.CharField(_("địa điểm"), max_length=255, validators=[PlainText(_("Địa điểm"))])
    trainers = models.CharField(_("giảng viên, báo cáo viên"), max_length=500, blank=True,
                                validators=[PlainText(_("Giảng viên"))])
    capacity = models.PositiveIntegerField(_("số chỗ"), default=0,
                                           help_text=_("0: không giới hạn."))
    registration_closes_on = models.DateField(_("hạn đăng ký"), null=True, blank=True)
    description = models.TextField(_("nội dung"), blank=True, max_length=5000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người tạo"),
                                   null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)

    class Meta:
        verbose_name = _("lớp đào tạo")
        verbose_name_plural = _("lớp đào tạo")
        ordering = ["-starts_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                              name="training_course_ends_after_start")]

    def __str__(self) -> str:
        return self.title


class Registration(models.Model):
    class Status(models.TextChoices):
        REGISTERED = "registered", _("Đã đăng ký")
        ATTENDED = "attended", _("Đã tham dự")
        ABSENT = "absent", _("Vắng mặt")
        CANCELLED = "cancelled", _("Đã huỷ")

    course = models.ForeignKey(Course, verbose_name=_("lớp"), on_delete=models.CASCADE,
                               related_name="registrations")
    producer = models.ForeignKey("registry.Producer", verbose_name=_("chủ thể"),
                                 on_delete=models.PROTECT, related_name="+")
    attendee = models.CharField(_("người tham dự"), max_length=150,
                                validators=[PlainText(_("Người tham dự"))])
    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices,
                              default=Status.REGISTERED)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người đăng ký"),
                                      null=True, on_delete=models.SET_NULL, related_name="+")
    registered_at = models.DateTimeField(_("ngày đăng ký"), auto_now_add=True)

    class Meta:
        verbose_name = _("đăng ký tham dự")
        verbose_name_plural = _("đăng ký tham dự")
        ordering = ["course", "producer__name", "id"]
        constraints = [models.UniqueConstraint(fields=["course", "producer"],
                                               name="training_one_registration_per_producer")]

    def __str__(self) -> str:
        return f"{self.attendee} — {self.course}"


class Support(models.Model):
    class Kind(models.TextChoices):
        CONSULTING = "consulting", _("Tư vấn")
        PACKAGING = "packaging", _("Thiết kế bao bì, nhãn mác")
        TRADEMARK = "trademark", _("Đăng ký nhãn hiệu")
        TRACEABILITY = "traceability", _("Truy xuất nguồn gốc, tem")
        FAIR = "fair", _("Tham gia hội chợ, triển lãm")
        MONEY = "money", _("Hỗ trợ kinh phí")
        EQUIPMENT = "equipment", _("Máy móc, thiết bị")

    producer = models.ForeignKey("registry.Producer", verbose_name=_("chủ thể"),
                                 on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey("registry.Product", verbose_name=_("sản phẩm"), null=True,
                                blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("hình thức hỗ trợ"), max_length=20, choices=Kind.choices)
    given_on = models.DateField(_("ngày hỗ trợ"))
    amount = models.DecimalField(_("số tiền (đồng)"), max_digits=15, decimal_places=0, default=0,
                                 validators=[MinValueValidator(0, _("Số tiền không được âm."))],
                                 help_text=_("Giá trị hỗ trợ quy ra tiền; 0 nếu không tính."))
    funding = models.CharField(_("nguồn kinh phí"), max_length=255, blank=True,
                               validators=[PlainText(_("Nguồn kinh phí"))])
    description = models.CharField(_("nội dung hỗ trợ"), max_length=500,
                                   validators=[PlainText(_("Nội dung hỗ trợ"))])
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người ghi"),
                                    null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("ngày ghi"), auto_now_add=True)

    class Meta:
        verbose_name = _("hỗ trợ")
        verbose_name_plural = _("hỗ trợ")
        ordering = ["-given_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0),
                                              name="training_support_amount_not_negative")]

    def __str__(self) -> str:
        return self.description
