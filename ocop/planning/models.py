"""Annual OCOP plans (kế hoạch năm): targets as indicators and budget lines.

A plan belongs to a province (``province``: the province that issued it, a legacy one such as
LP24 tỉnh Bắc Giang for plans before 1 July 2025) or, with ``province`` empty, to the national
programme (the central coordination office). An indicator stores only what the plan document
says (kind, baseline, target); its actual is never stored: ``ocop.planning.selectors`` counts it
from the certificates, dossiers and zones every time the page is read.

Budget amounts are whole đồng in three phases (the IATI / Fiscal Data Package distinction):
approved (dự toán được duyệt) ≥ committed (đã cam kết, hợp đồng) ≥ disbursed (đã giải ngân).
The database enforces the same order as the service, so no path can store it otherwise.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ocop.core.files import UnguessableUploadTo
from ocop.core.validators import PlainText

# No plausible line of a provincial OCOP plan reaches 10,000 billion đồng; a value above it is
# a typing slip (an extra zero group), refused rather than stored.
MAX_AMOUNT = Decimal(10) ** 13
# No province has a million OCOP products; a larger target is a typing slip.
MAX_TARGET = 1_000_000


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    APPROVED = "approved", _("Đã phê duyệt")


class AnnualPlan(models.Model):
    province = models.ForeignKey(
        "units.Unit", verbose_name=_("tỉnh/thành phố"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
        help_text=_("Để trống: kế hoạch của Chương trình cấp trung ương."),
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    title = models.CharField(_("tên kế hoạch"), max_length=255,
                             validators=[PlainText(_("Tên kế hoạch"))])
    decision_number = models.CharField(_("số văn bản"), max_length=60, blank=True,
                                       validators=[PlainText(_("Số văn bản"))])
    decision_date = models.DateField(_("ngày ban hành"), null=True, blank=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=PlanStatus.choices,
                              default=PlanStatus.DRAFT)
    note = models.TextField(_("ghi chú"), blank=True)
    decision_file = models.FileField(_("tệp văn bản"), upload_to=UnguessableUploadTo("plans"),
                                     blank=True)
    decision_file_name = models.CharField(_("tên tệp gốc"), max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year", "province_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["province", "year"],
                                    condition=Q(province__isnull=False),
                                    name="plan_one_per_province_year"),
            models.UniqueConstraint(fields=["year"], condition=Q(province__isnull=True),
                                    name="plan_one_national_per_year"),
        ]
        verbose_name = _("kế hoạch năm")
        verbose_name_plural = _("kế hoạch năm")

    def __str__(self) -> str:
        return self.title

    @property
    def is_national(self) -> bool:
        return self.province_id is None

    @property
    def is_approved(self) -> bool:
        return self.status == PlanStatus.APPROVED


class IndicatorKind(models.TextChoices):
    """What an indicator counts; each kind has one counting rule in selectors.py."""

    RECOGNISED_CUMULATIVE = "recognised_cumulative", _(
        "Sản phẩm OCOP từ 3 sao trở lên (luỹ kế được công nhận)")
    VALID_PRODUCTS = "valid_products", _("Sản phẩm OCOP đang còn hiệu lực")
    NEW_RECOGNISED = "new_recognised", _("Sản phẩm mới được công nhận trong năm")
    UPGRADES = "upgrades", _("Sản phẩm được nâng hạng sao")
    FIVE_STAR_CANDIDATES = "five_star_candidates", _(
        "Sản phẩm đủ điều kiện đề nghị đánh giá 5 sao cấp trung ương")
    REEVALUATIONS = "reevaluations", _(
        "Sản phẩm hết hạn trong năm được đánh giá lại")
    PRODUCTS_BY_GROUP = "products_by_group", _("Sản phẩm OCOP theo nhóm sản phẩm")
    ZONES = "zones", _("Vùng nguyên liệu có mã số vùng trồng")
    PRODUCERS_TRAINED = "producers_trained", _("Chủ thể được đào tạo, tập huấn")


class Indicator(models.Model):
    plan = models.ForeignKey(AnnualPlan, verbose_name=_("kế hoạch"), on_delete=models.CASCADE,
                             related_name="indicators")
    kind = models.CharField(_("chỉ tiêu"), max_length=24, choices=IndicatorKind.choices)
    product_group = models.ForeignKey(
        "registry.ProductGroup", verbose_name=_("nhóm sản phẩm"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    baseline = models.PositiveIntegerField(_("giá trị đầu kỳ"), null=True, blank=True)
    target = models.PositiveIntegerField(_("chỉ tiêu kế hoạch"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True,
                            validators=[PlainText(_("Ghi chú"))])
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind", "product_group"],
                                    name="indicator_once_per_plan"),
            models.UniqueConstraint(fields=["plan", "kind"],
                                    condition=Q(product_group__isnull=True),
                                    name="indicator_once_per_plan_without_group"),
            models.CheckConstraint(condition=Q(target__lte=MAX_TARGET) | Q(target__isnull=True),
                                   name="indicator_target_plausible"),
            models.CheckConstraint(
                condition=Q(baseline__lte=MAX_TARGET) | Q(baseline__isnull=True),
                name="indicator_baseline_plausible"),
        ]
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")

    def __str__(self) -> str:
        label = str(IndicatorKind(self.kind).label)
        return f"{label} — {self.product_group.name_vi}" if self.product_group_id else label


class BudgetContent(models.TextChoices):
    """Contents of the plan (section II) that the budget of section III.9 pays for."""

    COMMUNICATION = "communication", _("Thông tin, tuyên truyền")
    CYCLE = "cycle", _("Tổ chức chu trình, đánh giá, phân hạng sản phẩm")
    RAW_MATERIALS = "raw_materials", _("Vùng nguyên liệu, mã số vùng trồng")
    PRODUCT_DEVELOPMENT = "product_development", _("Tiêu chuẩn hoá, phát triển sản phẩm")
    CAPACITY = "capacity", _("Đào tạo, tập huấn, nâng cao năng lực chủ thể")
    PROMOTION = "promotion", _("Quảng bá, xúc tiến thương mại")
    DIGITAL = "digital", _("Chuyển đổi số, truy xuất nguồn gốc")
    INSPECTION = "inspection", _("Kiểm tra, giám sát")
    PILOT = "pilot", _("Mô hình thí điểm")
    OTHER = "other", _("Nội dung khác")


class BudgetSource(models.TextChoices):
    CENTRAL = "central", _("Ngân sách trung ương")
    PROVINCE = "province", _("Ngân sách tỉnh")
    LOCAL = "local", _("Ngân sách huyện/xã")
    INTEGRATED = "integrated", _("Lồng ghép các chương trình, đề án")
    SOCIALISED = "socialised", _("Xã hội hoá, vốn của chủ thể")
    OTHER = "other", _("Nguồn khác")


class BudgetLine(models.Model):
    plan = models.ForeignKey(AnnualPlan, verbose_name=_("kế hoạch"), on_delete=models.CASCADE,
                             related_name="budget_lines")
    content = models.CharField(_("nội dung"), max_length=24, choices=BudgetContent.choices)
    source = models.CharField(_("nguồn kinh phí"), max_length=12, choices=BudgetSource.choices)
    description = models.CharField(_("diễn giải"), max_length=300, blank=True,
                                   validators=[PlainText(_("Diễn giải"))])
    approved = models.DecimalField(_("dự toán được duyệt (đồng)"), max_digits=16,
                                   decimal_places=0)
    committed = models.DecimalField(_("đã cam kết (đồng)"), max_digits=16, decimal_places=0,
                                    default=Decimal(0))
    disbursed = models.DecimalField(_("đã giải ngân (đồng)"), max_digits=16, decimal_places=0,
                                    default=Decimal(0))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan_id", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(disbursed__gte=0) & Q(disbursed__lte=F("committed"))
                & Q(committed__lte=F("approved")) & Q(approved__lt=MAX_AMOUNT),
                name="budget_phases_in_order",
            ),
        ]
        verbose_name = _("dòng kinh phí")
        verbose_name_plural = _("dòng kinh phí")

    def __str__(self) -> str:
        return f"{BudgetContent(self.content).label} — {BudgetSource(self.source).label}"
