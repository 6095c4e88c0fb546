"""Language choice: Vietnamese unless the person picked English with the switch.

Pages ignore the browser's Accept-Language: officials often work on computers set to English,
and the programme's documents, names and terms are Vietnamese, so the interface must not change
language behind their back. The API (machine clients) still honours Accept-Language.
"""

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        if request.path.startswith("/api/"):
            super().process_request(request)
            return
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
