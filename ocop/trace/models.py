"""EPCIS 2.0 repository: events as captured plus the columns the standard queries filter on."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ocop.core.search import FoldedSearchText


class CaptureJob(models.Model):
    """One POST /epcis/capture: what came in, what became of it (EPCIS "capture job")."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Đang chờ xử lý")
        SUCCEEDED = "succeeded", _("Thành công")
        FAILED = "failed", _("Thất bại")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(_("thời điểm nhận"), auto_now_add=True)
    finished_at = models.DateTimeField(_("thời điểm xử lý xong"), null=True, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người gửi"), on_delete=models.PROTECT,
        related_name="+",
    )
    # Jurisdiction of the capture, fixed at capture time (see selectors.events_for).
    producer = models.ForeignKey(
        "registry.Producer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    province = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    commune = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    event_count = models.PositiveIntegerField(_("số sự kiện đã lưu"), default=0)
    duplicate_count = models.PositiveIntegerField(_("số sự kiện trùng (bỏ qua)"), default=0)
    errors = models.JSONField(_("lỗi"), default=list, blank=True)
    # The document's @context minus the standard EPCIS context: extension prefixes that the
    # query document must declare again when it returns these events.
    context = models.JSONField(default=list, blank=True)
    # A large document waits here for the background worker and is cleared once processed.
    document = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("lượt ghi nhận EPCIS")
        verbose_name_plural = _("lượt ghi nhận EPCIS")
        indexes = [models.Index(fields=["owner", "created_at"])]

    def __str__(self) -> str:
        return f"capture {self.id} ({self.status})"


class EpcisEvent(models.Model):
    """An event exactly as captured (``data``) plus canonical index columns (see epcis.normalise).

    ``(event_id, error_declared)`` is unique: one original per eventID and at most one error
    declaration for it (EPCIS §7.4.1.2: the declaration repeats the eventID).

    On PostgreSQL the table is partitioned by month on ``event_time`` (migration 0006,
    ``ocop/trace/partitions.py``). ``id`` stays the model's primary key (ids come from one
    sequence, so they are unique), but the database's primary key is ``(id, event_time)``, its
    unique constraint ``(event_id, error_declared, event_time)``, and the foreign keys that point
    here (EventEpc, LotEvent, StampRange) are not database constraints there: a partitioned
    table can only be referenced through a key that contains the partition key.
    """

    id = models.BigAutoField(primary_key=True)
    capture = models.ForeignKey(CaptureJob, on_delete=models.PROTECT, related_name="events")
    event_id = models.TextField()
    error_declared = models.BooleanField(default=False)
    event_type = models.CharField(max_length=40)
    event_time = models.DateTimeField()
    record_time = models.DateTimeField()
    action = models.CharField(max_length=8, blank=True)
    biz_step = models.TextField(blank=True)
    disposition = models.TextField(blank=True)
    read_point = models.TextField(blank=True)
    biz_location = models.TextField(blank=True)
    producer = models.ForeignKey(
        "registry.Producer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    province = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    commune = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    data = models.JSONField()

    class Meta:
        verbose_name = _("sự kiện EPCIS")
        verbose_name_plural = _("sự kiện EPCIS")
        constraints = [
            models.UniqueConstraint(
                fields=["event_id", "error_declared"], name="trace_event_id_unique"
            )
        ]
        # Queries page by id (keyset), so every filter column is indexed together with id.
        indexes = [
            models.Index(fields=["event_type", "id"], name="trace_ev_type"),
            models.Index(fields=["event_time", "id"], name="trace_ev_time"),
            models.Index(fields=["record_time", "id"], name="trace_ev_record"),
            models.Index(fields=["biz_step", "id"], name="trace_ev_bizstep"),
            models.Index(fields=["disposition", "id"], name="trace_ev_disp"),
            models.Index(fields=["read_point", "id"], name="trace_ev_readpoint"),
            models.Index(fields=["biz_location", "id"], name="trace_ev_bizloc"),
            models.Index(fields=["action", "id"], name="trace_ev_action"),
            models.Index(fields=["producer", "id"], name="trace_ev_producer"),
            models.Index(fields=["province", "id"], name="trace_ev_province"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"


class EventEpc(models.Model):
    """One identifier an event names, canonicalised, for MATCH_* filters (instance and class)."""

    class Kind(models.TextChoices):
        EPC = "epc", "epcList"
        PARENT = "parent", "parentID"
        CHILD = "child", "childEPCs"
        INPUT = "input", "inputEPCList"
        OUTPUT = "output", "outputEPCList"
        QUANTITY = "quantity", "epcClass (quantity lists)"

    id = models.BigAutoField(primary_key=True)
    event = models.ForeignKey(EpcisEvent, on_delete=models.CASCADE, related_name="epcs")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    epc = models.TextField()
    # GTIN/ITIP class of an instance or lot identifier: a class-level MATCH finds its instances.
    epc_class = models.TextField(blank=True)
    # The event's event_time, copied: on PostgreSQL both tables are partitioned by month on it, so
    # an event and its identifier rows live in partitions of the same month and are archived
    # together, and a MATCH_* query with an eventTime window prunes both (docs/partitions.md).
    event_time = models.DateTimeField()

    class Meta:
        verbose_name = _("mã EPC của sự kiện")
        verbose_name_plural = _("mã EPC của sự kiện")
        indexes = [
            models.Index(fields=["epc", "kind", "event"], name="trace_epc_epc"),
            models.Index(fields=["epc_class", "kind", "event"], name="trace_epc_class"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.epc}"


# --- Raw-material zones, lots, stamps and scans (built on the EPCIS repository above) ---------


class Zone(FoldedSearchText):
    """Vùng nguyên liệu with its planting-area code (mã số vùng trồng, Decision 3156/QĐ-BNN-TT).

    ``producer`` manages the record (producer accounts edit only their own zones); ``products``
    are the products that draw on the zone, which may belong to other producers.
    """

    class CropKind(models.TextChoices):
        PERENNIAL = "perennial", _("Cây lâu năm")
        ANNUAL = "annual", _("Cây hằng năm")

    class Standard(models.TextChoices):
        NONE = "", pgettext_lazy("tiêu chuẩn sản xuất", "Không")
        VIETGAP = "vietgap", "VietGAP"
        ORGANIC = "organic", _("Hữu cơ (TCVN 11041)")
        GLOBALGAP = "globalgap", "GlobalGAP"
        OTHER = "other", _("Khác")

    class Status(models.TextChoices):
        ISSUED = "issued", _("Đã cấp mã")
        SUSPENDED = "suspended", _("Tạm dừng")
        CANCELLED = "cancelled", _("Đã thu hồi")

    code = models.CharField(_("mã số vùng trồng"), max_length=40, unique=True)
    name = models.CharField(_("tên vùng"), max_length=200)
    producer = models.ForeignKey(
        "registry.Producer", verbose_name=_("chủ thể quản lý"), on_delete=models.PROTECT,
        related_name="zones",
    )
    commune = models.ForeignKey(
        "units.Unit", verbose_name=_("xã/phường"), on_delete=models.PROTECT, related_name="+"
    )
    crop = models.CharField(_("cây trồng"), max_length=100)
    variety = models.CharField(_("giống"), max_length=100, blank=True)
    crop_kind = models.CharField(_("loại cây"), max_length=10, choices=CropKind.choices)
    declared_area_ha = models.DecimalField(_("diện tích khai báo (ha)"), max_digits=10,
                                           decimal_places=4)
    computed_area_ha = models.DecimalField(_("diện tích tính từ ranh giới (ha)"), max_digits=12,
                                           decimal_places=4, null=True, blank=True)
    standard = models.CharField(_("tiêu chuẩn sản xuất"), max_length=12, choices=Standard.choices,
                                blank=True)
    standard_certificate = models.CharField(_("số giấy chứng nhận tiêu chuẩn"), max_length=80,
                                            blank=True)
    standard_valid_until = models.DateField(_("chứng nhận tiêu chuẩn có giá trị đến"), null=True,
                                            blank=True)
    households = models.PositiveIntegerField(_("số hộ thành viên"), default=0)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices,
                              default=Status.ISSUED)
    status_reason = models.CharField(_("lý do"), max_length=300, blank=True)
    boundary = models.JSONField(_("ranh giới (GeoJSON Polygon)"), null=True, blank=True)
    products = models.ManyToManyField("registry.Product", verbose_name=_("sản phẩm sử dụng"),
                                      blank=True, related_name="zones")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("vùng nguyên liệu")
        verbose_name_plural = _("vùng nguyên liệu")

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def search_parts(self) -> list[str]:
        return [self.code, self.name, self.crop, self.variety]


class Lot(models.Model):
    """A production lot (lô sản xuất) of one product: harvested from zones or made from lots."""

    product = models.ForeignKey("registry.Product", verbose_name=_("sản phẩm"),
                                on_delete=models.PROTECT, related_name="lots")
    code = models.CharField(_("số lô"), max_length=20)
    produced_on = models.DateField(_("ngày sản xuất/thu hoạch"))
    expires_on = models.DateField(_("hạn sử dụng"), null=True, blank=True)
    quantity = models.DecimalField(_("số lượng"), max_digits=14, decimal_places=3)
    unit = models.CharField(_("đơn vị tính"), max_length=20)
    zones = models.ManyToManyField(Zone, verbose_name=_("vùng nguyên liệu"), blank=True,
                                   related_name="lots")
    inputs = models.ManyToManyField("self", verbose_name=_("lô đầu vào"), symmetrical=False,
                                    blank=True, related_name="outputs")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-produced_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["product", "code"], name="trace_lot_code_unique")
        ]
        verbose_name = _("lô sản xuất")
        verbose_name_plural = _("lô sản xuất")

    def __str__(self) -> str:
        return f"{self.code} ({self.product_id})"


class LotEvent(models.Model):
    """Which EPCIS events the platform wrote for a lot: the scan timeline reads these rows
    instead of searching EventEpc, so the page costs one indexed query per lot."""

    class Step(models.TextChoices):
        HARVEST = "harvest", _("Thu hoạch")
        TRANSFORM = "transform", _("Chế biến")
        PACK = "pack", _("Đóng gói, dán tem")
        SHIP = "ship", _("Xuất hàng")
        RECEIVE = "receive", _("Nhận hàng")

    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="lot_events")
    event = models.ForeignKey(EpcisEvent, on_delete=models.PROTECT, related_name="+")
    step = models.CharField(max_length=10, choices=Step.choices)
    occurred_at = models.DateTimeField()
    place = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("sự kiện của lô")
        verbose_name_plural = _("sự kiện của lô")
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["lot", "occurred_at"], name="trace_lotevent_lot")]

    def __str__(self) -> str:
        return f"{self.lot_id} {self.step}"


class StampBatch(models.Model):
    """A range of stamp serials ``first_serial … first_serial + count - 1`` for one product lot.

    No row per stamp: a stamp is (batch, serial) and its signature is recomputed from the key.
    Its state is "issued" unless a ``StampRange`` (activation at packing, voiding) covers it.
    """

    product = models.ForeignKey("registry.Product", verbose_name=_("sản phẩm"),
                                on_delete=models.PROTECT, related_name="stamp_batches")
    lot = models.ForeignKey(Lot, verbose_name=_("lô"), on_delete=models.PROTECT,
                            related_name="stamp_batches")
    first_serial = models.PositiveBigIntegerField(_("số sê-ri đầu"))
    count = models.PositiveIntegerField(_("số tem"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["product", "first_serial"], name="trace_batch_serial")]
        verbose_name = _("lô tem")
        verbose_name_plural = _("lô tem")

    def __str__(self) -> str:
        return f"{self.product_id}: {self.first_serial}–{self.last_serial}"

    @property
    def last_serial(self) -> int:
        return self.first_serial + self.count - 1


class StampRange(models.Model):
    """A state change for a contiguous run of serials of one batch (the exceptions)."""

    class State(models.TextChoices):
        ACTIVE = "active", _("Đã kích hoạt")
        VOID = "void", _("Đã huỷ")

    batch = models.ForeignKey(StampBatch, on_delete=models.CASCADE, related_name="ranges")
    first = models.PositiveBigIntegerField()
    last = models.PositiveBigIntegerField()
    state = models.CharField(max_length=8, choices=State.choices)
    reason = models.CharField(max_length=300, blank=True)
    event = models.ForeignKey(EpcisEvent, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dải số tem")
        verbose_name_plural = _("dải số tem")
        ordering = ["id"]
        indexes = [models.Index(fields=["batch", "first"], name="trace_range_batch")]

    def __str__(self) -> str:
        return f"{self.batch_id} {self.first}–{self.last} {self.state}"


class Scan(models.Model):
    """One opening of a scan URI. Append-only; written in batches from each process's buffer
    (``ocop/trace/scanlog.py``).

    On PostgreSQL the table is partitioned by month on ``scanned_at``; its database primary key
    is ``(id, scanned_at)`` (docs/partitions.md).
    """

    class Result(models.TextChoices):
        OK = "ok", _("Hợp lệ")
        NOT_ACTIVE = "not_active", _("Tem chưa kích hoạt")
        UNKNOWN = "unknown", _("Tem không tồn tại")
        BAD_SIGNATURE = "bad_signature", _("Chữ ký không hợp lệ")
        VOID = "void", _("Tem đã huỷ")
        CERT_INVALID = "cert_invalid", _("Giấy chứng nhận hết hiệu lực/thu hồi")
        SUSPICIOUS = "suspicious", _("Có dấu hiệu hàng giả")
        UNKNOWN_KEY = "unknown_key", _("Khoá ký không xác định")
        REVOKED_KEY = "revoked_key", _("Khoá ký đã bị thu hồi")

    id = models.BigAutoField(primary_key=True)
    scanned_at = models.DateTimeField(db_index=True)
    # No index of their own on batch and product: the stamp and product indexes below start
    # with them and serve every lookup by either. The log is the most written table (a row a
    # scan) and each index is written with every row.
    batch = models.ForeignKey(StampBatch, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", db_constraint=False, db_index=False)
    serial = models.PositiveBigIntegerField(null=True, blank=True)
    product = models.ForeignKey("registry.Product", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+", db_constraint=False,
                                db_index=False)
    result = models.CharField(max_length=14, choices=Result.choices)
    # Coarse place the client sent (lat/lon rounded to 0.1°, ≈ 11 km), or "".
    place = models.CharField(max_length=24, blank=True)
    # Keyed hash of the client's network (/24 IPv4, /48 IPv6): counts distinct sources without
    # storing addresses.
    source = models.CharField(max_length=16, blank=True)

    class Meta:
        verbose_name = _("lượt quét tem")
        verbose_name_plural = _("lượt quét tem")
        ordering = ["-scanned_at"]
        indexes = [
            models.Index(fields=["batch", "serial", "scanned_at"], name="trace_scan_stamp"),
            models.Index(fields=["product", "scanned_at"], name="trace_scan_product"),
            models.Index(fields=["result", "scanned_at"], name="trace_scan_result"),
        ]

    def __str__(self) -> str:
        return f"{self.scanned_at:%Y-%m-%d %H:%M} {self.result}"


class SuspicionClearance(models.Model):
    """An office's finding that a stamp's scans so far are no counterfeit signal (audited).

    Scans up to ``cleared_at`` no longer count as evidence for that stamp; new independent
    evidence flags it again.
    """

    batch = models.ForeignKey(StampBatch, on_delete=models.CASCADE, related_name="+")
    serial = models.PositiveBigIntegerField(_("sê-ri"))
    cleared_at = models.DateTimeField(_("gỡ lúc"))
    cleared_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người gỡ"),
                                   on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("lý do"))

    class Meta:
        verbose_name = _("gỡ cảnh báo hàng giả")
        verbose_name_plural = _("gỡ cảnh báo hàng giả")
        indexes = [models.Index(fields=["batch", "serial", "cleared_at"],
                                name="trace_clearance_stamp")]

    def __str__(self) -> str:
        return f"{self.batch_id}/{self.serial} {self.cleared_at:%Y-%m-%d}"


class ScanDay(models.Model):
    """Scans older than the retention period, counted per day, product and result (the rows
    themselves are deleted by ``manage.py scans_prune``)."""

    day = models.DateField(_("ngày"))
    product = models.ForeignKey("registry.Product", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+", db_constraint=False)
    result = models.CharField(max_length=14, choices=Scan.Result.choices)
    scans = models.PositiveIntegerField(_("số lượt quét"))

    class Meta:
        verbose_name = _("lượt quét tem theo ngày")
        verbose_name_plural = _("lượt quét tem theo ngày")
        indexes = [models.Index(fields=["product", "day"], name="trace_scanday_product")]

    def __str__(self) -> str:
        return f"{self.day} {self.result} {self.scans}"


class StampKey(models.Model):
    """An Ed25519 key that signs stamps (ocop/trace/stampkeys.py; docs/stamps.md).

    At most one key is ``current`` (it signs new stamps); a rotated-out key is ``retired`` and
    still verifies the stamps it signed; a ``revoked`` key (compromised) verifies nothing: its
    stamps are answered with a warning. Keys are never deleted — printed stamps name them.
    """

    class State(models.TextChoices):
        CURRENT = "current", _("Đang dùng để ký")
        RETIRED = "retired", _("Đã thay, vẫn dùng để kiểm tra")
        REVOKED = "revoked", _("Đã thu hồi")

    kid = models.CharField(_("mã khoá"), max_length=8, unique=True)
    # Raw 32-byte Ed25519 public key; the private key only wrapped (ocop.core.keywrap, "stamps").
    public_key = models.BinaryField(_("khoá công khai"))
    private_key = models.BinaryField(_("khoá bí mật (đã mã hoá)"))
    state = models.CharField(_("trạng thái"), max_length=8, choices=State.choices)
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)
    retired_at = models.DateTimeField(_("thời điểm thay"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thời điểm thu hồi"), null=True, blank=True)
    revocation_reason = models.CharField(_("lý do thu hồi"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("khoá ký tem")
        verbose_name_plural = _("khoá ký tem")
        ordering = ["created_at", "id"]
        constraints = [
            # Two processes creating the first key at once: one wins, the other reads it.
            models.UniqueConstraint(fields=["state"], condition=models.Q(state="current"),
                                    name="trace_stampkey_one_current"),
        ]

    def __str__(self) -> str:
        return f"{self.kid} {self.state}"
