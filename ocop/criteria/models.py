"""Stored versions of criteria sets. The rules themselves live in ``criteria.engine``."""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _


class CriteriaSetVersion(models.Model):
    """One version of a criteria set, stored as the canonical data the engine validated.

    A version is immutable once anything was scored with it (``locked``); a new version then
    supersedes it from its ``effective_from`` date. Evaluations record the exact version.
    """

    code = models.CharField(_("mã bộ tiêu chí"), max_length=80)
    version = models.PositiveIntegerField(_("phiên bản"))
    title_vi = models.CharField(max_length=300)
    title_en = models.CharField(max_length=300, blank=True)
    decision = models.CharField(_("căn cứ pháp lý"), max_length=60)
    status_kind = models.CharField(max_length=20)
    product_set = models.CharField(max_length=40, blank=True)
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    data = models.JSONField()
    sha256 = models.CharField(max_length=64)
    locked = models.BooleanField(_("đã dùng để chấm (không sửa được)"), default=False)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="criteria_code_version_unique")
        ]
        verbose_name = _("phiên bản bộ tiêu chí")
        verbose_name_plural = _("bộ tiêu chí")

    def __str__(self) -> str:
        # An identifier (criteria requests and audit entries use it), not a text for people.
        return f"{self.code}@v{self.version}"

    @property
    def display_name(self) -> str:
        """What people read: the set's title in the interface language, with its version."""
        english = (get_language() or "").startswith("en") and self.title_en
        return gettext("%(title)s (phiên bản %(version)s)") % {
            "title": english or self.title_vi, "version": self.version}
