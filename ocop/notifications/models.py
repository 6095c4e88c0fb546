"""In-app notifications (thông báo). E-mail copies are sent by a task (tasks.py).

A row stores what happened (``verb``, a code of ``ocop.notifications.verbs.VERBS``) and the
values of its sentence (``data``); the sentence and its link are made when it is read, in the
reader's language (``text``, ``url``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ocop.notifications.verbs import render_link, render_text


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    verb = models.CharField(_("loại thông báo"), max_length=64)
    data = models.JSONField(_("nội dung"), default=dict, blank=True)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(max_length=255, blank=True)
    # A stored path, for rows converted from the old text (new rows build theirs from data).
    link = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        """The sentence in the active language."""
        return render_text(self.verb, self.data)

    @property
    def url(self) -> str:
        """The local path the notification leads to ("" when none)."""
        return render_link(self.verb, self.data) or self.link
