"""Append-only, hash-chained audit log.

Each entry stores the SHA-256 of its own canonical content plus the hash of the entry before it,
so editing or deleting any stored entry breaks the chain from that point on
(``manage.py audit_verify`` reports the first broken entry).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(RuntimeError):
    pass


class AppendOnlyQuerySet(models.QuerySet):
    """Bulk ``update()``/``delete()`` would bypass the per-row guard below, so refuse them too.
    (Raw SQL still can, and that is exactly what ``audit_verify`` detects.)"""

    def update(self, **kwargs):  # type: ignore[override]
        raise AppendOnlyError("Audit entries are append-only.")

    def delete(self):  # type: ignore[override]
        raise AppendOnlyError("Audit entries are append-only.")


class AuditEntry(models.Model):
    created_at = models.DateTimeField(_("thời điểm"), db_index=True)
    # PROTECT, not SET_NULL: the actor id is part of the hashed content, so nulling it when a
    # user is deleted would break the chain. Accounts are deactivated, never deleted.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người thực hiện"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    actor_label = models.CharField(_("tên đăng nhập người thực hiện"), max_length=150, blank=True)
    action = models.CharField(_("mã thao tác"), max_length=40)
    object_type = models.CharField(_("loại đối tượng"), max_length=60)
    object_id = models.CharField(_("mã đối tượng"), max_length=64)
    object_repr = models.CharField(_("đối tượng"), max_length=255, blank=True)
    changes = models.JSONField(_("nội dung thay đổi"), default=dict, blank=True)
    prev_hash = models.CharField(_("mã băm bản ghi trước"), max_length=64)
    hash = models.CharField(_("mã băm"), max_length=64, unique=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name = _("bản ghi nhật ký")
        verbose_name_plural = _("nhật ký kiểm toán")

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):  # type: ignore[override]
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("Audit entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[override]
        raise AppendOnlyError("Audit entries are append-only.")


class ChainHead(models.Model):
    """One row that writers lock, so two transactions never chain onto the same tail."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    last_entry_id = models.BigIntegerField(null=True)

    class Meta:
        verbose_name = _("đầu chuỗi nhật ký kiểm toán")
        verbose_name_plural = _("đầu chuỗi nhật ký kiểm toán")

    def __str__(self) -> str:
        return f"head #{self.last_entry_id}: {self.last_hash}"
