from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    return {"SITE_NAME": "Hệ thống quản lý OCOP", "SITE_URL": settings.SITE_URL}
