"""Stored versions of criteria sets. The rules themselves live in ``criteria.engine``."""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _


class CriteriaSetVersion(models.Model):
    """One version of a criteria set, stored as the canonical data the engine validated.

    A version is immutable once anything was scored with it (``locked``); a new version then
    supersedes it from its ``effective_from`` date. Evaluations record the exact version.
    A version uploaded in the browser is ``staged`` (previewed, diffed, never used to score)
    until the central office or an administrator activates it with an effective date.
    """

    class State(models.TextChoices):
        STAGED = "staged", _("Chờ kích hoạt")
        ACTIVE = "active", _("Đang áp dụng")

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
    # Files imported on the command line and shipped sets are active at once.
    state = models.CharField(_("trạng thái"), max_length=10, choices=State.choices,
                             default=State.ACTIVE, db_index=True)
    source_name = models.CharField(_("tệp tải lên"), max_length=200, blank=True)
    activated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    activated_at = models.DateTimeField(null=True, blank=True)

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


class SheetAcceptance(models.Model):
    """A province (or, with ``province`` empty, the central office for every province) accepts
    a non-official sheet version for recognition: without it no certificate is issued from a
    dossier scored on that version (``criteria.acceptance.require_accepted``)."""

    version = models.ForeignKey(CriteriaSetVersion, verbose_name=_("phiên bản bộ tiêu chí"),
                                on_delete=models.PROTECT, related_name="acceptances")
    province = models.ForeignKey("units.Unit", verbose_name=_("tỉnh/thành phố"), null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("lý do chấp nhận"))
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    accepted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-accepted_at"]
        constraints = [
            models.UniqueConstraint(fields=["version", "province"],
                                    name="criteria_acceptance_unique"),
            models.UniqueConstraint(fields=["version"], condition=models.Q(province__isnull=True),
                                    name="criteria_acceptance_nationwide_unique"),
        ]
        verbose_name = _("chấp nhận phiếu chấm")
        verbose_name_plural = _("chấp nhận phiếu chấm")

    def __str__(self) -> str:
        return f"{self.version} → {self.province or '*'}"
