"""Administrative units of Vietnam, in both eras.

- ``current``: the two-tier map in force since 1 July 2025 (34 provinces, 3,321 communes/wards).
- ``legacy``: the three-tier map before it (63 provinces, districts, communes).

A legacy commune points at the current commune it became (``current_commune``) and every unit
points at the current province it lies in (``current_province``), so that a 2022 record keeps
"huyện Lục Ngạn, tỉnh Bắc Giang" and is still found by today's Bắc Ninh officers with one join.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Unit(models.Model):
    class Era(models.TextChoices):
        CURRENT = "current", _("Từ 01/07/2025 (2 cấp)")
        LEGACY = "legacy", _("Trước 01/07/2025 (3 cấp)")

    class Level(models.TextChoices):
        PROVINCE = "province", _("Tỉnh/thành phố")
        DISTRICT = "district", _("Quận/huyện")
        COMMUNE = "commune", _("Xã/phường/thị trấn")

    # Key = era prefix + level letter + official code, e.g. "P24", "C07210", "LP24", "LD213".
    key = models.CharField(_("khoá"), primary_key=True, max_length=16)
    code = models.CharField(_("mã"), max_length=10, db_index=True)
    era = models.CharField(_("thời kỳ"), max_length=8, choices=Era.choices)
    level = models.CharField(_("cấp"), max_length=8, choices=Level.choices)
    name = models.CharField(_("tên"), max_length=120)
    full_name = models.CharField(_("tên đầy đủ"), max_length=160)
    parent = models.ForeignKey(
        "self", verbose_name=_("đơn vị cấp trên"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    current_province = models.ForeignKey(
        "self", verbose_name=_("tỉnh/thành phố hiện nay"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    current_commune = models.ForeignKey(
        "self", verbose_name=_("xã/phường hiện nay"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    search_name = models.CharField(_("tên không dấu (tìm kiếm)"), max_length=160, db_index=True)

    class Meta:
        ordering = ["key"]
        indexes = [models.Index(fields=["era", "level", "parent"])]
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")

    def __str__(self) -> str:
        return self.full_name

    @property
    def is_current(self) -> bool:
        return self.era == self.Era.CURRENT


class Succession(models.Model):
    """A legacy unit merged (wholly or partly) into a current one on ``effective_date``."""

    predecessor = models.ForeignKey(Unit, verbose_name=_("đơn vị cũ"), on_delete=models.CASCADE,
                                    related_name="successions")
    successor = models.ForeignKey(Unit, verbose_name=_("đơn vị mới"), on_delete=models.CASCADE,
                                  related_name="predecessions")
    effective_date = models.DateField(_("ngày hiệu lực"))
    note = models.CharField(_("ghi chú"), max_length=200, blank=True)

    class Meta:
        unique_together = [("predecessor", "successor")]
        verbose_name = _("sáp nhập đơn vị")
        verbose_name_plural = _("sáp nhập đơn vị")

    def __str__(self) -> str:
        return f"{self.predecessor_id} → {self.successor_id}"
