"""Standard reports (báo cáo định kỳ) a province or the centre sends upward.

A report is a scope (``scope``: a current province or commune; empty = the whole nation), a
period (``start``–``end``, both days included) and a kind (which sections it holds). Its figures
are counted when it is built and kept in its two files, Excel and PDF, so a report sent upward
stays as it was sent. The files are stored under random names and served only by the report's
download views after the permission check (``permissions.can_read``), never by a public URL.

A scheduled report (``scheduled``) is the monthly report the worker makes on its own for each
province and the nation; there is at most one per scope, period and kind.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ocop.core.files import UnguessableUploadTo
from ocop.reports.periods import Period


class ReportKind(models.TextChoices):
    SUMMARY = "summary", _("Báo cáo tổng hợp (tất cả các phần)")
    PRODUCTS = "products", _("Sản phẩm OCOP theo hạng sao, nhóm sản phẩm và địa bàn")
    CERTIFICATES = "certificates", _("Giấy chứng nhận cấp mới, hết hiệu lực, bị thu hồi")
    PLAN = "plan", _("Tiến độ kế hoạch năm và thực hiện kinh phí")


# The sections of each kind, in the order of the files.
SECTIONS = {
    ReportKind.SUMMARY: ("products", "certificates", "plan", "budget"),
    ReportKind.PRODUCTS: ("products",),
    ReportKind.CERTIFICATES: ("certificates",),
    ReportKind.PLAN: ("plan", "budget"),
}


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang lập")
    DONE = "done", _("Đã xong")
    FAILED = "failed", _("Không thành công")


class Report(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("loại báo cáo"), max_length=16, choices=ReportKind.choices,
                            default=ReportKind.SUMMARY)
    scope = models.ForeignKey("units.Unit", verbose_name=_("địa bàn"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+",
                              help_text=_("Để trống: toàn quốc."))
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"))
    scheduled = models.BooleanField(_("báo cáo tháng tự động"), default=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người yêu cầu"),
                                     null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    status = models.CharField(_("trạng thái"), max_length=10, choices=ReportStatus.choices,
                              default=ReportStatus.QUEUED)
    message = models.TextField(_("thông báo"), blank=True)
    excel = models.FileField(_("tệp Excel"), upload_to=UnguessableUploadTo("reports"),
                             blank=True, max_length=200)
    pdf = models.FileField(_("tệp PDF"), upload_to=UnguessableUploadTo("reports"), blank=True,
                           max_length=200)
    created_at = models.DateTimeField(_("thời điểm yêu cầu"), auto_now_add=True)
    finished_at = models.DateTimeField(_("thời điểm xong"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")),
                                   name="report_period_in_order"),
            # One monthly report per scope and period, however many workers check at once.
            models.UniqueConstraint(fields=["scope", "kind", "start", "end"],
                                    condition=Q(scheduled=True, scope__isnull=False),
                                    name="report_scheduled_once"),
            models.UniqueConstraint(fields=["kind", "start", "end"],
                                    condition=Q(scheduled=True, scope__isnull=True),
                                    name="report_scheduled_once_nation"),
        ]
        indexes = [models.Index(fields=["scope", "-created_at"])]
        verbose_name = _("báo cáo")
        verbose_name_plural = _("báo cáo")

    def __str__(self) -> str:
        return self.title

    @property
    def period(self) -> Period:
        return Period(self.start, self.end)

    @property
    def scope_name(self) -> str:
        return self.scope.full_name if self.scope is not None else str(_("Toàn quốc"))

    @property
    def title(self) -> str:
        return str(_("Báo cáo OCOP %(scope)s, %(period)s") % {
            "scope": self.scope_name, "period": self.period.label})

    @property
    def sections(self) -> tuple[str, ...]:
        return SECTIONS[ReportKind(self.kind)]

    @property
    def finished(self) -> bool:
        return self.status in (ReportStatus.DONE, ReportStatus.FAILED)

    def file_name(self, extension: str) -> str:
        scope = self.scope.code if self.scope is not None else "toan-quoc"
        return f"bao-cao-ocop-{scope}-{self.period.slug}.{extension}"
