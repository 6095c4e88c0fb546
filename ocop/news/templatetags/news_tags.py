"""The article in the reader's language: English when written, else the Vietnamese text."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from ocop.news import markdown
from ocop.news.models import Article

register = template.Library()


def _english(article: Article, lang: str) -> bool:
    return lang == "en" and bool(article.title_en and article.body_en)


@register.filter
def title_in(article: Article, lang: str) -> str:
    return article.title_en if _english(article, lang) else article.title


@register.filter
def body_in(article: Article, lang: str) -> SafeString:
    return markdown.render(article.body_en if _english(article, lang) else article.body)


@register.filter
def only_vietnamese(article: Article, lang: str) -> bool:
    """An English reader of an article written only in Vietnamese (a note says so)."""
    return lang == "en" and not _english(article, lang)
