"""Announcements, guidance documents and legal texts the programme's offices publish (§II.1).

An article belongs to one province (its standing office writes it) or, with no province, to the
central office (nation-wide). It is a draft until ``publish_at`` is set, scheduled while that
moment lies ahead, public from then on, and hidden again once withdrawn. The Vietnamese title and
body are required; the English ones are optional (an English reader sees the Vietnamese text
with a note when they are missing).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ocop.core.files import UnguessableUploadTo
from ocop.core.validators import PlainText

TITLE_MAX = 255
BODY_MAX = 50_000


class ArticleQuerySet(models.QuerySet):
    def published(self, now=None) -> ArticleQuerySet:
        now = now or timezone.now()
        return self.filter(publish_at__isnull=False, publish_at__lte=now,
                           withdrawn_at__isnull=True)


class Article(models.Model):
    class Kind(models.TextChoices):
        ANNOUNCEMENT = "announcement", _("Thông báo")
        GUIDANCE = "guidance", _("Hướng dẫn")
        LEGAL = "legal", _("Văn bản pháp lý")

    kind = models.CharField(_("loại bài"), max_length=20, choices=Kind.choices,
                            default=Kind.ANNOUNCEMENT)
    province = models.ForeignKey(
        "units.Unit", verbose_name=_("tỉnh/thành phố"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
        help_text=_("Để trống: bài của Văn phòng Điều phối Trung ương, áp dụng toàn quốc."),
    )
    title = models.CharField(_("tiêu đề"), max_length=TITLE_MAX,
                             validators=[PlainText(_("Tiêu đề"))])
    body = models.TextField(_("nội dung"), max_length=BODY_MAX,
                            help_text=_("Viết theo cú pháp Markdown: **đậm**, *nghiêng*, "
                                        "danh sách bắt đầu bằng “- ”, liên kết [chữ](https://…)."))
    title_en = models.CharField(_("tiêu đề tiếng Anh"), max_length=TITLE_MAX, blank=True,
                                validators=[PlainText(_("Tiêu đề tiếng Anh"))])
    body_en = models.TextField(_("nội dung tiếng Anh"), max_length=BODY_MAX, blank=True)
    publish_at = models.DateTimeField(_("thời điểm đăng"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("thời điểm gỡ"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người soạn"),
                                   null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ngày sửa"), auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("bài viết")
        verbose_name_plural = _("bài viết")
        ordering = ["-publish_at", "-id"]
        indexes = [models.Index(fields=["province", "publish_at"])]

    def __str__(self) -> str:
        return self.title

    class State(models.TextChoices):
        DRAFT = "draft", _("Bản nháp")
        SCHEDULED = "scheduled", _("Hẹn giờ đăng")
        PUBLISHED = "published", _("Đã đăng")
        WITHDRAWN = "withdrawn", _("Đã gỡ")

    @property
    def state(self) -> Article.State:
        if self.withdrawn_at is not None:
            return self.State.WITHDRAWN
        if self.publish_at is None:
            return self.State.DRAFT
        return self.State.PUBLISHED if self.publish_at <= timezone.now() else self.State.SCHEDULED

    def is_published(self, now=None) -> bool:
        now = now or timezone.now()
        return (self.publish_at is not None and self.publish_at <= now
                and self.withdrawn_at is None)


class Attachment(models.Model):
    article = models.ForeignKey(Article, verbose_name=_("bài viết"), on_delete=models.CASCADE,
                                related_name="attachments")
    file = models.FileField(_("tệp"), upload_to=UnguessableUploadTo("news"))
    name = models.CharField(_("tên tệp"), max_length=200, validators=[PlainText(_("Tên tệp"))])
    uploaded_at = models.DateTimeField(_("ngày tải lên"), auto_now_add=True)

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name
