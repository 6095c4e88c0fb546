"""Reads of the news: what the public sees, and what an office manages."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from ocop.accounts.models import Role, User
from ocop.news.models import Article, Attachment
from ocop.news.permissions import may_write_news
from ocop.units.models import Unit


def public_articles(*, kind: str = "", province: Unit | None = None) -> QuerySet[Article]:
    """Published articles, newest first; ``province`` keeps its own and the nation-wide ones."""
    qs = Article.objects.published().select_related("province")
    if kind:
        qs = qs.filter(kind=kind)
    if province is not None:
        qs = qs.filter(Q(province=province) | Q(province__isnull=True))
    return qs


def latest(count: int = 3) -> list[Article]:
    return list(public_articles()[:count])


def public_article(pk: int) -> Article:
    return get_object_or_404(
        public_articles().prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.order_by("id"))),
        pk=pk)


def provinces_with_articles() -> QuerySet[Unit]:
    """The provinces the public filter offers: those with a published article."""
    return Unit.objects.filter(
        pk__in=Article.objects.published().exclude(province=None).values("province")
    ).order_by("name")


def articles_for(user: User) -> QuerySet[Article]:
    """The articles the user manages, drafts included."""
    if not may_write_news(user):
        return Article.objects.none()
    qs = Article.objects.select_related("province", "created_by")
    if user.is_nationwide:
        return qs
    if user.role == Role.PROVINCE_OFFICE:
        return qs.filter(province_id=user.unit_id)
    return qs.none()


def managed_article(user: User, pk: int) -> Article:
    return get_object_or_404(articles_for(user).prefetch_related("attachments"), pk=pk)


def attachment_for_download(user: User, pk: int) -> tuple[Attachment, bool]:
    """The attachment and whether it is public: a published article's files are everyone's;
    a draft's only its writers'. Outside both, 404 (the same answer as a missing file)."""
    attachment = get_object_or_404(Attachment.objects.select_related("article"), pk=pk)
    if attachment.article.is_published(timezone.now()):
        return attachment, True
    get_object_or_404(articles_for(user), pk=attachment.article_id)
    return attachment, False


def attachments_for(user: User) -> QuerySet[Attachment]:
    """Attachments of the articles the user manages."""
    return Attachment.objects.select_related("article", "article__province").filter(
        article__in=articles_for(user))
