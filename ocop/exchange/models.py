"""The exchange's tables: the change log (feed), partner platforms and their keys, replay
protection, this platform's own signing key and the history of imports.

The change log is written in the same transaction as the change it describes (see
``services.record_change``): a reader never sees a change whose entry is missing, nor an entry
whose change was rolled back.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Entity(models.TextChoices):
    PRODUCER = "producer", _("Chủ thể")
    PRODUCT = "product", _("Sản phẩm")
    DECISION = "decision", _("Quyết định công nhận")
    CERTIFICATE = "certificate", _("Giấy chứng nhận")
    REVOCATION = "revocation", _("Thu hồi giấy chứng nhận")


class Op(models.TextChoices):
    UPSERT = "upsert", _("Thêm hoặc cập nhật")
    DELETE = "delete", _("Xoá")


class FeedHead(models.Model):
    """The one row whose lock orders the change log: every writer takes it (SELECT … FOR NO
    KEY UPDATE) before numbering its entry and keeps it until its transaction ends, so sequence
    numbers are handed out in commit order and without gaps (no autoincrement visibility gap).

    The row is only locked, never updated: the last number is read from the log itself. On
    PostgreSQL an update of one row per entry, each in its own savepoint, makes every later
    lock of that row slower (see the audit chain's head, ocop/audit/migrations/0004).

    ``floor`` is the one exception, written only when the instance is restored from a backup
    (``services.skip_past_restore``): numbers up to it are never handed out, so a number the
    instance gave out after the backup — and lost with it — is never given to another change."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    floor = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("đầu dòng thay đổi")
        verbose_name_plural = _("đầu dòng thay đổi")

    def __str__(self) -> str:
        return f"feed head #{self.pk}"


class Change(models.Model):
    """One entry of the change feed: the record as it was right after the change."""

    seq = models.PositiveBigIntegerField(_("số thứ tự"), primary_key=True)
    entity = models.CharField(_("loại bản ghi"), max_length=12, choices=Entity.choices)
    op = models.CharField(_("thao tác"), max_length=8, choices=Op.choices)
    key = models.CharField(_("khoá chính thức"), max_length=160)
    # The current province the record belongs to (unit key, e.g. "P24"); empty for a decision
    # of the ministry. The feed of a province account or partner is filtered on it.
    province = models.CharField(_("tỉnh"), max_length=16, blank=True, db_index=True)
    data = models.JSONField(_("nội dung"), default=dict)
    recorded_at = models.DateTimeField(_("thời điểm"))

    class Meta:
        ordering = ["seq"]
        verbose_name = _("thay đổi")
        verbose_name_plural = _("thay đổi")

    def __str__(self) -> str:
        return f"{self.seq} {self.entity} {self.key}"


class ProductCode(models.Model):
    """A product's code in the exchange: minted here (``<platform>-SP-<id>``) when the product is
    first recorded, or the code it came with from another platform, so every platform names it
    alike. (The registry has no product code of its own; a GTIN is optional.)"""

    product = models.OneToOneField("registry.Product", on_delete=models.CASCADE,
                                   related_name="+")
    code = models.CharField(_("mã sản phẩm"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("mã sản phẩm liên thông")
        verbose_name_plural = _("mã sản phẩm liên thông")

    def __str__(self) -> str:
        return self.code


class SigningKey(models.Model):
    """This platform's Ed25519 key for signing its requests; the private half only wrapped
    (ocop.core.keywrap, purpose "exchange"). The newest active key signs."""

    kid = models.CharField(_("mã khoá"), max_length=80, unique=True)
    private_key = models.BinaryField()
    public_key_pem = models.TextField(_("khoá công khai"))
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("khoá ký liên thông")
        verbose_name_plural = _("khoá ký liên thông")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.kid


class Partner(models.Model):
    """A platform we exchange with: it signs its requests with the private key of
    ``public_key_pem``; we reach it at ``base_url`` for pull and push."""

    code = models.SlugField(_("mã nền tảng"), max_length=40, unique=True)
    name = models.CharField(_("tên nền tảng"), max_length=200)
    public_key_pem = models.TextField(_("khoá công khai (PEM)"))
    base_url = models.URLField(_("địa chỉ"), blank=True)
    # A province's platform reads and writes only that province's records; empty = the whole
    # country (the national centre).
    province = models.ForeignKey("units.Unit", verbose_name=_("tỉnh/thành phố"), null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="+")
    active = models.BooleanField(_("đang trao đổi"), default=True)
    # How far we have read its feed, and how far of ours we have sent it.
    pull_cursor = models.PositiveBigIntegerField(default=0)
    push_cursor = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("nền tảng đối tác")
        verbose_name_plural = _("nền tảng đối tác")

    def __str__(self) -> str:
        return self.name


class SeenNonce(models.Model):
    """A nonce a partner used; a second request with it is a replay. Kept for twice the
    timestamp window (older requests are refused by their timestamp anyway)."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="+")
    nonce = models.CharField(max_length=100)
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("mã chống gửi lại")
        verbose_name_plural = _("mã chống gửi lại")
        constraints = [models.UniqueConstraint(fields=["partner", "nonce"],
                                               name="exchange_nonce_once")]

    def __str__(self) -> str:
        return self.nonce


class ImportBatch(models.Model):
    """One import (an Excel list, or a batch of records from a platform) and its report."""

    class Source(models.TextChoices):
        EXCEL = "excel", _("Tệp Excel")
        RECORDS = "records", _("Dữ liệu từ nền tảng khác")

    class Status(models.TextChoices):
        APPLIED = "applied", _("Đã nhập")
        REFUSED = "refused", _("Bị từ chối, không ghi gì")

    source = models.CharField(_("nguồn"), max_length=10, choices=Source.choices)
    status = models.CharField(_("kết quả"), max_length=10, choices=Status.choices)
    file_name = models.CharField(_("tên tệp"), max_length=255, blank=True)
    digest = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    partner = models.ForeignKey(Partner, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    province = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("lần nhập dữ liệu")
        verbose_name_plural = _("lần nhập dữ liệu")

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.created_at:%d/%m/%Y %H:%M}"
