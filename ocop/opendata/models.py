"""Releases of the open data: one row per build, with the files it wrote to storage.

A release's files are written under fresh random names (``UnguessableUploadTo``) and only then is
the release row committed, so the stable public URLs (``/du-lieu-mo/<name>``) switch from one
complete set of files to the next at once: a reader never gets a CSV from one build and the
descriptor from another. Older releases are pruned after ``services.KEEP_RELEASES``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ocop.core.files import UnguessableUploadTo


class Release(models.Model):
    # The day the statuses were computed for (valid / revoked / expired on that day).
    as_of = models.DateField(_("dữ liệu tính đến ngày"))
    built_at = models.DateTimeField(_("thời điểm lập"))
    # Rows per dataset key, e.g. {"chung-nhan-hieu-luc": 120, …}: shown on the page.
    counts = models.JSONField(_("số dòng"), default=dict)

    class Meta:
        ordering = ["-built_at", "-id"]
        indexes = [models.Index(fields=["as_of"])]
        verbose_name = _("bản phát hành dữ liệu mở")
        verbose_name_plural = _("bản phát hành dữ liệu mở")

    def __str__(self) -> str:
        return f"Dữ liệu mở {self.built_at:%d/%m/%Y %H:%M}"


class ReleaseFile(models.Model):
    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="files")
    # The public name, e.g. "chung-nhan-hieu-luc.csv" (datasets.file_names()).
    name = models.CharField(_("tên tệp"), max_length=60)
    file = models.FileField(_("tệp"), upload_to=UnguessableUploadTo("opendata"))
    size = models.PositiveIntegerField(_("kích thước (byte)"))
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["release_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["release", "name"], name="opendata_file_once")
        ]
        verbose_name = _("tệp dữ liệu mở")
        verbose_name_plural = _("tệp dữ liệu mở")

    def __str__(self) -> str:
        return self.name
