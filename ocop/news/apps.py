from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "ocop.news"
    verbose_name = _("Tin tức, hướng dẫn")

    def ready(self) -> None:
        # Registers news.manage_article with `rules`.
        from ocop.news import permissions  # noqa: F401
