"""/api/v1/docs: Swagger UI from django-ninja's own static files, under the site's CSP."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

_URL = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""")


def test_docs_page_references_only_the_apps_own_static_files(settings):
    # WhiteNoise serves STATIC_ROOT (filled by collectstatic) in production; here it looks the
    # files up through the finders, which is where collectstatic takes them from.
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    client = Client()
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    # No other host: nothing from a CDN (the CSP would block it and the page would stay blank).
    assert not re.search(r"https?://", html)
    assets = _URL.findall(html)
    assert {"/static/ninja/swagger-ui-bundle.js", "/static/ninja/swagger-ui-init.js",
            "/static/ninja/swagger-ui.css"} <= set(assets)
    for asset in assets:
        assert not urlsplit(asset).netloc
        served = client.get(asset)
        assert served.status_code == 200, asset
    # The settings reach the script as data, not as an inline script the CSP would refuse.
    assert '<script type="application/json" id="swagger-settings">' in html
    assert "/api/v1/openapi.json" in html
    assert "script-src 'self'" in response["Content-Security-Policy"]
