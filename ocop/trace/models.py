"""EPCIS 2.0 repository: events as captured plus the columns the standard queries filter on."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class CaptureJob(models.Model):
    """One POST /epcis/capture: what came in, what became of it (EPCIS "capture job")."""

    class Status(models.TextChoices):
        PENDING = "pending", "Đang chờ xử lý"
        SUCCEEDED = "succeeded", "Thành công"
        FAILED = "failed", "Thất bại"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField("thời điểm nhận", auto_now_add=True)
    finished_at = models.DateTimeField("thời điểm xử lý xong", null=True, blank=True)
    status = models.CharField(
        "trạng thái", max_length=12, choices=Status.choices, default=Status.PENDING
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người gửi", on_delete=models.PROTECT,
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
    event_count = models.PositiveIntegerField("số sự kiện đã lưu", default=0)
    duplicate_count = models.PositiveIntegerField("số sự kiện trùng (bỏ qua)", default=0)
    errors = models.JSONField("lỗi", default=list, blank=True)
    # The document's @context minus the standard EPCIS context: extension prefixes that the
    # query document must declare again when it returns these events.
    context = models.JSONField(default=list, blank=True)
    # A large document waits here for the background worker and is cleared once processed.
    document = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "lượt ghi nhận EPCIS"
        verbose_name_plural = "lượt ghi nhận EPCIS"
        indexes = [models.Index(fields=["owner", "created_at"])]

    def __str__(self) -> str:
        return f"capture {self.id} ({self.status})"


class EpcisEvent(models.Model):
    """An event exactly as captured (``data``) plus canonical index columns (see epcis.normalise).

    ``(event_id, error_declared)`` is unique: one original per eventID and at most one error
    declaration for it (EPCIS §7.4.1.2: the declaration repeats the eventID).
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
        verbose_name = "sự kiện EPCIS"
        verbose_name_plural = "sự kiện EPCIS"
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

    class Meta:
        verbose_name = "mã EPC của sự kiện"
        verbose_name_plural = "mã EPC của sự kiện"
        indexes = [
            models.Index(fields=["epc", "kind", "event"], name="trace_epc_epc"),
            models.Index(fields=["epc_class", "kind", "event"], name="trace_epc_class"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.epc}"
