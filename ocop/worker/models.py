"""Heartbeats of background workers: how a dead worker's tasks are told from slow ones."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """One row per running ``manage.py worker``, refreshed every few seconds by a thread.

    django-tasks-db marks a task RUNNING when a worker claims it and never looks at it again; a
    worker killed with SIGKILL (or by the OOM killer, or a power cut) leaves it RUNNING forever.
    A task is known orphaned when the last worker that claimed it has stopped beating.
    """

    worker_id = models.CharField(_("mã tiến trình"), max_length=64, primary_key=True)
    host = models.CharField(_("máy"), max_length=255)
    pid = models.PositiveIntegerField(_("số hiệu tiến trình"))
    started_at = models.DateTimeField(_("bắt đầu lúc"))
    last_seen = models.DateTimeField(_("lần cuối còn chạy"), db_index=True)

    class Meta:
        verbose_name = _("nhịp tiến trình nền")
        verbose_name_plural = _("nhịp tiến trình nền")

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.host}:{self.pid})"
