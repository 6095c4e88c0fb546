"""Every write to the news: drafts, edits, publishing, withdrawal, attachments — each checked
against ``permissions.manage_articles`` and recorded in the audit log in the same transaction."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.models import User
from ocop.audit import services as audit
from ocop.core.refusals import Conflict, Invalid
from ocop.news.models import Article, Attachment
from ocop.news.permissions import manage_articles
from ocop.registry.uploads import validate_document_upload
from ocop.units.models import Unit

EDITABLE = ("kind", "title", "body", "title_en", "body_en")
# A publication date further ahead than this is a typing mistake, not a plan.
LONGEST_SCHEDULE = timedelta(days=366)


def _full_clean(article: Article) -> None:
    try:
        article.full_clean(exclude=["created_by"])
    except ValidationError as exc:
        raise Invalid(_("Bài viết chưa hợp lệ: xem các trường được đánh dấu."),
                      code="news.invalid",
                      fields={k: " ".join(v) for k, v in exc.message_dict.items()}) from exc


@transaction.atomic
def create_article(*, actor: User, province: Unit | None, **fields: Any) -> Article:
    manage_articles(actor, province).check()
    article = Article(province=province, created_by=actor,
                      **{k: v for k, v in fields.items() if k in EDITABLE})
    _full_clean(article)
    article.save()
    audit.record(actor=actor, action="news.article.create", obj=article,
                 changes={k: getattr(article, k) for k in ("kind", "title")})
    return article


@transaction.atomic
def update_article(*, actor: User, article: Article, **fields: Any) -> Article:
    manage_articles(actor, article.province).check()
    before = audit.snapshot(article, list(EDITABLE))
    for name, value in fields.items():
        if name in EDITABLE:
            setattr(article, name, value)
    _full_clean(article)
    article.save()
    changes = audit.diff_fields(before, audit.snapshot(article, list(EDITABLE)))
    if changes:
        audit.record(actor=actor, action="news.article.update", obj=article, changes=changes)
    return article


@transaction.atomic
def publish(*, actor: User, article: Article, at: datetime | None = None) -> Article:
    """Publish now, or at ``at`` (a scheduled article shows from then on). Publishing again
    moves the date; a withdrawn article comes back."""
    manage_articles(actor, article.province).check()
    now = timezone.now()
    at = at or now
    if at > now + LONGEST_SCHEDULE:
        raise Invalid(_("Ngày đăng quá xa (quá một năm kể từ hôm nay)."), code="news.far_date",
                      fields={"publish_at": _("Hãy chọn một ngày trong vòng một năm tới.")})
    if at < now - timedelta(days=1):
        raise Invalid(_("Không đăng lùi ngày: ngày đăng phải từ hôm nay trở đi."),
                      code="news.past_date",
                      fields={"publish_at": _("Hãy chọn hôm nay hoặc một ngày sắp tới.")})
    article.publish_at, article.withdrawn_at = at, None
    article.save(update_fields=["publish_at", "withdrawn_at", "updated_at"])
    audit.record(actor=actor, action="news.article.publish", obj=article,
                 changes={"publish_at": at})
    return article


@transaction.atomic
def withdraw(*, actor: User, article: Article) -> Article:
    manage_articles(actor, article.province).check()
    if article.publish_at is None or article.withdrawn_at is not None:
        raise Conflict(_("Bài chưa đăng hoặc đã gỡ."), code="news.not_published")
    article.withdrawn_at = timezone.now()
    article.save(update_fields=["withdrawn_at", "updated_at"])
    audit.record(actor=actor, action="news.article.withdraw", obj=article)
    return article


@transaction.atomic
def add_attachment(*, actor: User, article: Article, file: File, name: str = "") -> Attachment:
    """The file is checked by content and size (PDF, Word, Excel, images) before it is kept."""
    manage_articles(actor, article.province).check()
    try:
        validate_document_upload(file, field="file")
    except ValidationError as exc:
        raise Invalid(" ".join(exc.messages), code="news.bad_file",
                      fields={"file": " ".join(exc.messages)}) from exc
    attachment = Attachment(article=article, file=file,
                            name=(name or file.name or _("Tệp đính kèm"))[:200])
    try:
        attachment.full_clean(exclude=["file"])
    except ValidationError as exc:
        raise Invalid(" ".join(exc.messages), code="news.invalid",
                      fields={k: " ".join(v) for k, v in exc.message_dict.items()}) from exc
    attachment.save()
    audit.record(actor=actor, action="news.attachment.add", obj=attachment,
                 changes={"article": article.pk, "name": attachment.name})
    return attachment


@transaction.atomic
def delete_attachment(*, actor: User, attachment: Attachment) -> None:
    article = attachment.article
    manage_articles(actor, article.province).check()
    audit.record(actor=actor, action="news.attachment.delete", obj=attachment,
                 changes={"article": article.pk, "name": attachment.name})
    stored = attachment.file
    attachment.delete()
    # The file goes only once the row is gone for good.
    transaction.on_commit(lambda: stored.storage.delete(stored.name))
