"""The open data's public page and its files. No login: the files are public by design.

The files are static between two builds, so each answer carries ``Cache-Control: public,
max-age=900``, an ``ETag`` (the file's SHA-256) and ``Last-Modified`` (the build time); a
client or proxy that asks again with ``If-None-Match`` / ``If-Modified-Since`` gets a 304 without
the bytes. Full downloads are also counted per client (``PUBLIC_RATE_LIMIT``), so one address
cannot keep the app's workers busy sending the same files.
"""

from __future__ import annotations

import calendar

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from ocop.accounts.throttle import form_limited, too_many
from ocop.core.files import serve_protected
from ocop.opendata import datasets, package, selectors

# A cached copy may outlive a rebuild by this long: short beside the daily rhythm, and
# revalidating costs a 304 without the bytes.
FILE_CACHE_CONTROL = "public, max-age=900"
PAGE_CACHE_CONTROL = "public, max-age=60"


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    release = selectors.latest_release()
    counts = release.counts if release else {}
    sets = [{"dataset": d, "rows": counts.get(d.key),
             "files": [(f"{d.key}.{ext}", ext.upper()) for ext, _m, _f in datasets.FORMATS]}
            for d in datasets.all_datasets()]
    response = render(request, "opendata/index.html", {
        "release": release, "sets": sets, "agency": package.publisher(),
        "licence_url": datasets.LICENSE_URL, "descriptor": datasets.DESCRIPTOR,
        "catalog_jsonld": datasets.CATALOG_JSONLD, "catalog_turtle": datasets.CATALOG_TURTLE,
    })
    # The same page for every anonymous visitor (no CSRF token: catalogue/public_base.html).
    response["Cache-Control"] = (PAGE_CACHE_CONTROL if not request.user.is_authenticated
                                 else "private, no-store")
    return response


@require_safe
def download(request: HttpRequest, name: str) -> HttpResponse:
    if name not in datasets.file_names():
        raise Http404(_("Không tìm thấy tệp."))
    stored = selectors.latest_file(name)
    if stored is None:
        # Nothing built yet (a new installation before its first daily run): the page, which
        # says so and points to the certificate check, with a 404 for the file.
        response = index(request)
        response.status_code = 404
        response["Cache-Control"] = "no-store"
        return response
    etag = f'"{stored.sha256[:32]}"'
    modified = calendar.timegm(stored.release.built_at.utctimetuple())
    response = get_conditional_response(request, etag=etag, last_modified=modified)
    if response is None:
        if form_limited(request, "ocop.opendata", settings.PUBLIC_RATE_LIMIT):
            return too_many(request)
        extension = name.rsplit(".", 1)[1]
        # The validators were answered above, against the release. The file sender must not
        # answer them again against the stored file's time on disk: django.views.static
        # compares If-Modified-Since with it to the second, so a rebuild in the same second
        # as the client's copy looked unchanged and the browser kept a revoked certificate.
        for header in ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE"):
            request.META.pop(header, None)
        response = serve_protected(request, stored.file, name, as_attachment=False, public=True,
                                   content_type=datasets.MEDIA_TYPES[extension])
    response["ETag"] = etag
    response["Last-Modified"] = http_date(modified)
    response["Cache-Control"] = FILE_CACHE_CONTROL
    # Open data: any web application may read it from the browser.
    response["Access-Control-Allow-Origin"] = "*"
    return response
