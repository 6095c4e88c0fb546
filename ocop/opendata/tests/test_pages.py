"""The public page, the files at their stable URLs (caching, conditional requests, limits) and
the API."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from ocop.accounts.testing import login_client, make_user
from ocop.opendata import services
from ocop.opendata.tests.conftest import TODAY


@pytest.fixture
def anonymous() -> Client:
    return Client()


def test_page_before_any_build(anonymous, db):
    response = anonymous.get("/du-lieu-mo/")
    assert response.status_code == 200
    assert "Dữ liệu mở chưa được lập" in response.content.decode()
    missing = anonymous.get("/du-lieu-mo/chung-nhan-hieu-luc.csv")
    assert missing.status_code == 404
    assert "Dữ liệu mở chưa được lập" in missing.content.decode()


def test_page_lists_the_datasets_licence_and_links(anonymous, ow):
    services.build(today=TODAY)
    response = anonymous.get("/du-lieu-mo/")
    html = response.content.decode()
    assert response["Cache-Control"] == "public, max-age=60"
    assert "csrfmiddlewaretoken" not in html and "X-CSRFToken" not in html
    for name in ("chung-nhan-hieu-luc.csv", "chung-nhan-thu-hoi.json", "chung-nhan-het-han.csv",
                 "datapackage.json", "catalog.jsonld", "catalog.ttl"):
        assert f'href="/du-lieu-mo/{name}"' in html
    assert "Creative Commons Ghi công 4.0 Quốc tế" in html
    assert "https://creativecommons.org/licenses/by/4.0/" in html
    assert "tính đến ngày</strong>" not in html  # the date sits in the sentence
    assert f"{TODAY:%d/%m/%Y}" in html


def test_signed_in_page_is_private(ow):
    services.build(today=TODAY)
    client = login_client(make_user("province_office", unit=ow.units.bac_ninh))
    response = client.get("/du-lieu-mo/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_the_footer_links_the_page(anonymous, db):
    assert 'href="/du-lieu-mo/"' in anonymous.get("/san-pham-ocop/").content.decode()


def test_a_file_is_served_with_caching_headers(anonymous, ow):
    release = services.build(today=TODAY)
    stored = release.files.get(name="chung-nhan-hieu-luc.csv")
    response = anonymous.get("/du-lieu-mo/chung-nhan-hieu-luc.csv")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith(b"certificate_number,status,")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Cache-Control"] == "public, max-age=900"
    assert response["ETag"] == f'"{stored.sha256[:32]}"'
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Last-Modified"]
    # Asked again with the validator: 304, no body.
    again = anonymous.get("/du-lieu-mo/chung-nhan-hieu-luc.csv",
                          HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert again["Cache-Control"] == "public, max-age=900"
    since = anonymous.get("/du-lieu-mo/chung-nhan-hieu-luc.csv",
                          HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert since.status_code == 304


def test_the_stable_url_follows_the_newest_release(anonymous, ow):
    services.build(today=TODAY)
    first = anonymous.get("/du-lieu-mo/chung-nhan-thu-hoi.csv")
    ow.revoke()
    services.build(today=TODAY)
    second = anonymous.get("/du-lieu-mo/chung-nhan-thu-hoi.csv",
                           HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200
    body = b"".join(second.streaming_content) if second.streaming else second.content
    assert ow.certificates["enterprise"].number.encode() in body


def test_a_browser_revalidating_after_a_rebuild_gets_the_new_file(anonymous, ow):
    """A browser revalidates with both validators. The release's ETag decides; the new file's
    time on disk must not: a rebuild within the same second as the cached copy's Last-Modified
    looked unchanged to a sender comparing If-Modified-Since with the file's mtime (to the
    second), and the browser kept the revoked certificate (a CI failure). Here the first
    release is dated an hour ahead, so its Last-Modified is after the second release's files."""
    url = "/du-lieu-mo/chung-nhan-hieu-luc.csv"
    ahead = timezone.now() + timedelta(hours=1)
    services.build(today=TODAY, now=ahead)
    first = anonymous.get(url)
    ow.revoke()
    services.build(today=TODAY, now=ahead + timedelta(seconds=1))
    second = anonymous.get(url, HTTP_IF_NONE_MATCH=first["ETag"],
                           HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert second.status_code == 200
    body = b"".join(second.streaming_content) if second.streaming else second.content
    assert ow.certificates["enterprise"].number.encode() not in body
    assert ow.certificates["household"].number.encode() in body


@pytest.mark.parametrize(("name", "media_type"), [
    ("catalog.jsonld", "application/ld+json"), ("catalog.ttl", "text/turtle; charset=utf-8"),
    ("datapackage.json", "application/json"), ("chung-nhan-het-han.json", "application/json"),
])
def test_media_types(anonymous, ow, name, media_type):
    services.build(today=TODAY)
    assert anonymous.get(f"/du-lieu-mo/{name}")["Content-Type"] == media_type


def test_unknown_names_are_404(anonymous, ow):
    services.build(today=TODAY)
    for name in ("secret.csv", "..%2Fsettings.py", "chung-nhan-hieu-luc.xlsx"):
        assert anonymous.get(f"/du-lieu-mo/{name}").status_code == 404


def test_downloads_are_limited_per_client(anonymous, ow, settings):
    services.build(today=TODAY)
    settings.PUBLIC_RATE_LIMIT = "2/m"
    url = "/du-lieu-mo/catalog.ttl"
    statuses = [anonymous.get(url, REMOTE_ADDR="203.0.113.77").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    # A client revalidating its copy is not counted: it costs no bytes.
    etag = anonymous.get(url, REMOTE_ADDR="203.0.113.78")["ETag"]
    assert all(anonymous.get(url, REMOTE_ADDR="203.0.113.78", HTTP_IF_NONE_MATCH=etag)
               .status_code == 304 for _ in range(3))


def test_api_release(anonymous, ow, settings):
    assert anonymous.get("/api/v1/opendata/release").status_code == 404
    release = services.build(today=TODAY)
    response = anonymous.get("/api/v1/opendata/release")
    assert response.status_code == 200
    data = response.json()
    assert data["as_of"] == TODAY.isoformat()
    assert data["counts"] == release.counts
    urls = {f["name"]: f["url"] for f in data["files"]}
    assert urls["catalog.jsonld"] == settings.SITE_URL.rstrip("/") + "/du-lieu-mo/catalog.jsonld"
    assert len(urls) == 9


def test_english_page_and_vietnamese_files(ow):
    from django.utils import translation

    with translation.override("en"):  # a build started from an English session
        services.build(today=TODAY)
    client = Client()
    client.cookies["django_language"] = "en"
    html = client.get("/du-lieu-mo/").content.decode()
    assert "OCOP products with a valid certificate" in html
    assert "Creative Commons Attribution 4.0 International" in html
    body = client.get("/du-lieu-mo/datapackage.json")
    text = (b"".join(body.streaming_content) if body.streaming else body.content).decode()
    assert "Sản phẩm OCOP có giấy chứng nhận còn hiệu lực" in text
    assert "Hộ kinh doanh" in text and "Household" not in text


@pytest.mark.parametrize("role", [None, "admin", "central", "province_office",
                                  "commune_officer", "inspector", "council_member", "producer"])
def test_every_visitor_gets_the_same_public_files(ow, role):
    """Open data has no jurisdiction: anyone, signed in or not, in any province, gets the same
    page and the same bytes."""
    release = services.build(today=TODAY)
    if role is None:
        client = Client()
    else:
        unit = {"province_office": ow.units.ha_noi, "commune_officer": ow.units.xa_luc_ngan,
                "inspector": ow.units.ha_noi, "council_member": ow.units.ha_noi}.get(role)
        producer = ow.producers["hanoi"] if role == "producer" else None
        client = login_client(make_user(role, unit=unit, producer=producer))
    assert client.get("/du-lieu-mo/").status_code == 200
    response = client.get("/du-lieu-mo/chung-nhan-hieu-luc.json")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    stored = release.files.get(name="chung-nhan-hieu-luc.json")
    assert hashlib.sha256(body).hexdigest() == stored.sha256
