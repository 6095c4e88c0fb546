"""Producers (chủ thể OCOP), their products, the product classification and evidence documents."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ocop.core.files import UnguessableUploadTo
from ocop.core.validators import PlainText


class ClassificationName:
    """``display_name``: the English name on the English interface when the classification data
    has one, else the Vietnamese (authoritative) name. ``__str__`` stays Vietnamese because audit
    entries store it."""

    name_vi: str
    name_en: str

    @property
    def display_name(self) -> str:
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name_vi


class ProductGroup(ClassificationName, models.Model):
    """Nhóm sản phẩm (6 groups under Decision 148). Loaded from data, not written in code."""

    code = models.CharField(max_length=10, primary_key=True)
    name_vi = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("nhóm sản phẩm")
        verbose_name_plural = _("nhóm sản phẩm")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code}. {self.name_vi}"


class ProductSubGroup(ClassificationName, models.Model):
    """Phân nhóm."""

    code = models.CharField(max_length=20, primary_key=True)
    group = models.ForeignKey(ProductGroup, on_delete=models.PROTECT, related_name="subgroups")
    name_vi = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200, blank=True)
    confirmed = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("phân nhóm sản phẩm")
        verbose_name_plural = _("phân nhóm sản phẩm")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name_vi


class ProductSet(ClassificationName, models.Model):
    """Bộ sản phẩm: the unit that has its own score sheet."""

    code = models.CharField(max_length=40, primary_key=True)
    # Always set by load_classification (nullable only so that older rows could migrate).
    group = models.ForeignKey(
        ProductGroup, null=True, on_delete=models.PROTECT, related_name="product_sets"
    )
    # A 148 sub-group is known only for some of the 1048 product sets.
    subgroup = models.ForeignKey(
        ProductSubGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="sets"
    )
    name_vi = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("bộ sản phẩm")
        verbose_name_plural = _("bộ sản phẩm")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name_vi


class LegalForm(models.TextChoices):
    ENTERPRISE = "enterprise", _("Doanh nghiệp")
    COOPERATIVE = "cooperative", _("Hợp tác xã")
    COOPERATIVE_GROUP = "coop_group", _("Tổ hợp tác")
    HOUSEHOLD = "household", _("Hộ kinh doanh")
    OTHER = "other", _("Khác (hội, trung tâm…)")


class Producer(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Đang hoạt động")
        SUSPENDED = "suspended", _("Tạm ngừng")
        DISSOLVED = "dissolved", _("Giải thể")

    legal_form = models.CharField(_("loại hình"), max_length=20, choices=LegalForm.choices)
    name = models.CharField(_("tên chủ thể"), max_length=255,
                            validators=[PlainText(_("Tên chủ thể"))])
    tax_code = models.CharField(_("mã số thuế"), max_length=14, unique=True)
    business_reg_no = models.CharField(_("số đăng ký kinh doanh"), max_length=30, blank=True)
    business_reg_date = models.DateField(_("ngày đăng ký"), null=True, blank=True)
    commune = models.ForeignKey(
        "units.Unit", verbose_name=_("xã/phường"), on_delete=models.PROTECT, related_name="+"
    )
    street_address = models.CharField(_("số nhà, thôn/xóm"), max_length=255, blank=True)
    representative_name = models.CharField(_("người đại diện"), max_length=150,
                                           validators=[PlainText(_("Người đại diện"))])
    representative_title = models.CharField(_("chức vụ"), max_length=100, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    website = models.URLField("trang web", blank=True)
    # The producer's own choice (never the office's default): the public catalogue shows the
    # phone and e-mail above only when it is ticked (docs/catalogue.md, "What is public").
    publish_contact = models.BooleanField(
        _("công khai điện thoại và thư điện tử trên trang sản phẩm OCOP"), default=False,
        help_text=_("Người mua, khách du lịch xem được để liên hệ trực tiếp. Bỏ chọn để ẩn."))
    employees = models.PositiveIntegerField(_("số lao động"), default=0)
    local_employees = models.PositiveIntegerField(_("lao động địa phương"), default=0)
    members = models.PositiveIntegerField(_("số thành viên"), default=0)
    woman_owner = models.BooleanField(_("chủ thể là nữ"), default=False)
    ethnic_minority_owner = models.BooleanField(_("chủ thể là người DTTS"), default=False)
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )
    # Lower-case, diacritics removed: lets "vai thieu" find "Vải thiều" on SQLite and PostgreSQL.
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("chủ thể")
        verbose_name_plural = _("chủ thể")
        indexes = [models.Index(fields=["commune", "name"]), models.Index(fields=["name", "id"])]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Đang hoàn thiện")
        ACTIVE = "active", _("Đang sản xuất, kinh doanh")
        DISCONTINUED = "discontinued", _("Ngừng sản xuất")

    producer = models.ForeignKey(
        Producer, verbose_name=_("chủ thể"), on_delete=models.PROTECT, related_name="products"
    )
    name = models.CharField(_("tên sản phẩm"), max_length=255,
                            validators=[PlainText(_("Tên sản phẩm"))])
    product_set = models.ForeignKey(
        ProductSet, verbose_name=_("bộ sản phẩm"), on_delete=models.PROTECT, related_name="products"
    )
    description = models.TextField(_("mô tả"), blank=True)
    ingredients = models.TextField(_("thành phần"), blank=True)
    packaging = models.CharField(_("quy cách đóng gói"), max_length=255, blank=True)
    shelf_life_days = models.PositiveIntegerField(_("hạn sử dụng (ngày)"), null=True, blank=True)
    gtin = models.CharField(_("mã GTIN"), max_length=14, null=True, blank=True, unique=True)
    # Public once the product holds a valid certificate (ocop.registry.selectors.product_image).
    image = models.ImageField(_("ảnh"), upload_to=UnguessableUploadTo("products"), blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )
    # Current OCOP rating, kept up to date by the certificates app (null = not rated).
    stars = models.PositiveSmallIntegerField(_("hạng sao"), null=True, blank=True)
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("sản phẩm")
        verbose_name_plural = _("sản phẩm")
        # (name, id) serves the default order of nation-wide lists without a sort of every row.
        indexes = [models.Index(fields=["producer", "name"]), models.Index(fields=["name", "id"])]

    def __str__(self) -> str:
        return self.name


class DocumentType(models.TextChoices):
    BUSINESS_REGISTRATION = "business_reg", _("Giấy chứng nhận đăng ký kinh doanh")
    FOOD_SAFETY = "food_safety", _("Giấy chứng nhận cơ sở đủ điều kiện ATTP")
    QUALITY_DECLARATION = "quality_decl", _("Bản tự công bố / công bố chất lượng")
    TEST_REPORT = "test_report", _("Phiếu kết quả kiểm nghiệm")
    TRADEMARK = "trademark", _("Giấy chứng nhận nhãn hiệu / sở hữu trí tuệ")
    QMS = "qms", _("Chứng nhận VietGAP / GlobalGAP / hữu cơ / ISO")
    TRACEABILITY = "traceability", _("Mã vạch, tem truy xuất nguồn gốc")
    ENVIRONMENT = "environment", _("Hồ sơ bảo vệ môi trường")
    PLANTING_AREA = "planting_area", _("Mã số vùng trồng")
    AWARD = "award", _("Giải thưởng")
    OTHER = "other", _("Khác")


class EvidenceDocument(models.Model):
    """A document (giấy tờ) held by a producer, optionally about one product."""

    producer = models.ForeignKey(
        Producer, verbose_name=_("chủ thể"), on_delete=models.CASCADE, related_name="documents"
    )
    product = models.ForeignKey(
        Product,
        verbose_name=_("sản phẩm"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="documents",
    )
    doc_type = models.CharField(_("loại giấy tờ"), max_length=20, choices=DocumentType.choices)
    number = models.CharField(_("số hiệu"), max_length=100, blank=True)
    issuer = models.CharField(_("cơ quan cấp"), max_length=255, blank=True)
    issued_on = models.DateField(_("ngày cấp"), null=True, blank=True)
    expires_on = models.DateField(_("ngày hết hạn"), null=True, blank=True)
    file = models.FileField(_("tệp"), upload_to=UnguessableUploadTo("documents"), blank=True)
    # The stored name is random (ocop.core.files); the name the user uploaded comes back only
    # in the download's Content-Disposition.
    original_name = models.CharField(_("tên tệp gốc"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("giấy tờ")
        verbose_name_plural = _("giấy tờ")

    def __str__(self) -> str:
        return f"{self.get_doc_type_display()} {self.number}".strip()

    def is_expired_on(self, day: date) -> bool:
        return self.expires_on is not None and self.expires_on < day

    @property
    def is_expired(self) -> bool:
        return self.is_expired_on(timezone.localdate())
