"""Long work done in the background (stamp sheets, proposal ZIPs, Excel exports of every list,
registry imports, exchange imports).

One row per request: who asked, for what (``params`` holds the ids needed to recheck the
permission at download time), how far it is, and the file it produced. The id is a random UUID
and the file's stored name a random token, so neither can be guessed; the file is only ever
served by ``jobs:download`` after the permission check (see docs/background-jobs.md).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ocop.core.files import UnguessableUploadTo


class Job(models.Model):
    class Kind(models.TextChoices):
        STAMP_SHEET = "stamp_sheet", _("Tờ tem (PDF)")
        PROPOSAL_ZIP = "proposal_zip", _("Hồ sơ đề nghị (ZIP)")
        LIST_EXPORT = "list_export", _("Xuất danh sách (Excel)")
        REGISTRY_IMPORT = "registry_import", _("Nhập từ Excel")
        REPORT = "report", _("Báo cáo định kỳ (Excel và PDF)")
        EXCHANGE_IMPORT = "exchange_import", _("Nhập dữ liệu trao đổi")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang thực hiện")
        DONE = "done", _("Đã xong")
        FAILED = "failed", _("Không thành công")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người yêu cầu"),
                                     on_delete=models.CASCADE, related_name="+")
    params = models.JSONField(_("tham số"), default=dict)
    title = models.CharField(_("nội dung"), max_length=300)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices,
                              default=Status.QUEUED)
    done = models.PositiveIntegerField(_("đã làm"), default=0)
    total = models.PositiveIntegerField(_("tổng"), default=0)
    message = models.TextField(_("thông báo"), blank=True)
    result = models.FileField(_("tệp kết quả"), upload_to=UnguessableUploadTo("jobs"), blank=True,
                              max_length=200)
    result_name = models.CharField(_("tên tệp tải về"), max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    # What a job that makes no file found (the row errors of an Excel import check), for the
    # page the job links back to.
    outcome = models.JSONField(_("kết quả"), default=dict, blank=True)
    created_at = models.DateTimeField(_("thời điểm yêu cầu"), auto_now_add=True)
    started_at = models.DateTimeField(_("thời điểm bắt đầu"), null=True, blank=True)
    finished_at = models.DateTimeField(_("thời điểm xong"), null=True, blank=True)
    expires_at = models.DateTimeField(_("hết hạn lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("tác vụ nền")
        verbose_name_plural = _("tác vụ nền")
        indexes = [models.Index(fields=["expires_at"]), models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(100, self.done * 100 // self.total) if self.total else 0
