"""The public resolver: stamp URIs open the scan page, JSON for apps, GS1 link sets.

No login, no session, no CSRF cookie. Content negotiation on the same URI:
* ``?linkType=all`` or ``Accept: application/linkset+json`` → the GS1 Digital Link link set
  (RFC 9264 ``application/linkset+json``); not counted as a scan;
* ``Accept: application/json`` or ``?format=json`` → the scan result as JSON (counted);
* otherwise the Vietnamese HTML page (counted).
"""

from __future__ import annotations

from urllib.parse import quote

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ocop.accounts.client_ip import client_ip
from ocop.trace import scan, stamps
from ocop.trace.services import journey_html_cache_key

LINKSET = "application/linkset+json"
GS1_VOC = "https://gs1.org/voc/"


def _wants(request: HttpRequest) -> str:
    accept = request.headers.get("Accept", "")
    if request.GET.get("linkType") in ("all", "linkset") or LINKSET in accept:
        return "linkset"
    if request.GET.get("format") == "json" or (
        "application/json" in accept and "text/html" not in accept
    ):
        return "json"
    return "html"


def _bad_uri(request: HttpRequest, message: str, kind: str) -> HttpResponse:
    if kind != "html":
        return JsonResponse({"result": "malformed", "verified": False, "warnings": [message]},
                            status=400)
    response = render(request, "trace/scan.html", {"malformed": message, "path": request.path},
                      status=400)
    response["Cache-Control"] = "no-store"
    return response


def scan_gs1(request: HttpRequest, gtin: str, lot: str, serial: str) -> HttpResponse:
    kind = _wants(request)
    try:
        parsed = stamps.parse_gs1(f"/01/{gtin}/10/{quote(lot, safe='')}/21/{serial}")
    except stamps.StampFormatError as exc:
        return _bad_uri(request, _("Mã trên tem không đúng định dạng GS1 Digital Link: "
                                   "%(error)s") % {"error": exc}, kind)
    return _answer(request, parsed, kind)


def scan_platform(request: HttpRequest, product_id: str, lot: str, serial: str) -> HttpResponse:
    kind = _wants(request)
    try:
        parsed = stamps.parse_platform(product_id, lot, serial)
    except stamps.StampFormatError as exc:
        return _bad_uri(request, _("Mã trên tem không đúng định dạng: %(error)s") % {"error": exc},
                        kind)
    return _answer(request, parsed, kind)


def _self_uri(request: HttpRequest, parsed: stamps.ParsedStamp) -> str:
    base = request.build_absolute_uri(request.path)
    signature = request.GET.get("s", "")
    return f"{base}?s={signature}" if signature else base


def linkset(request: HttpRequest, parsed: stamps.ParsedStamp) -> dict:
    """GS1 Digital Link resolver link set for the identifier (RFC 9264 JSON)."""
    uri = _self_uri(request, parsed)
    anchor = ("https://id.gs1.org" + stamps.gs1_path(parsed.gtin, parsed.lot, parsed.serial)
              if parsed.gtin else request.build_absolute_uri(request.path))
    page = {"href": uri, "title": _("Thông tin sản phẩm và truy xuất nguồn gốc"),
            "type": "text/html", "hreflang": ["vi"]}
    data = {"href": uri + ("&" if "?" in uri else "?") + "format=json",
            "title": _("Kết quả kiểm tra tem (JSON)"), "type": "application/json"}
    verify = {"href": request.build_absolute_uri(reverse("certificates:verify_lookup")),
              "title": _("Kiểm tra giấy chứng nhận OCOP"), "type": "text/html", "hreflang": ["vi"]}
    return {"linkset": [{
        "anchor": anchor,
        GS1_VOC + "defaultLink": [page],
        GS1_VOC + "pip": [page],
        GS1_VOC + "traceability": [data],
        GS1_VOC + "certificationInfo": [verify],
    }]}


def _lot_html(outcome: scan.ScanOutcome) -> str:
    """The journey and zones, rendered once per lot and language: they are the same for every
    stamp of the lot, and rendering them was most of the page's template time. Cleared with the
    journey when the platform records an event of the lot (services._link)."""
    key = journey_html_cache_key(outcome.batch.lot_id, get_language())
    html = cache.get(key)
    if html is None:
        html = render_to_string("trace/_scan_lot.html", {"o": outcome})
        cache.set(key, html, scan.JOURNEY_CACHE_SECONDS)
    return mark_safe(html)  # our own template's output, escaped when it was rendered


def _answer(request: HttpRequest, parsed: stamps.ParsedStamp, kind: str) -> HttpResponse:
    if kind == "linkset":
        response = JsonResponse(linkset(request, parsed), content_type=LINKSET)
        response["Cache-Control"] = "public, max-age=300"
        return response
    outcome = scan.resolve(
        parsed, request.GET.get("s", ""),
        place=scan.coarse_place(request.GET.get("lat"), request.GET.get("lon")),
        source=scan.source_key(client_ip(request)),
    )
    if kind == "json":
        response = JsonResponse(scan.as_json(outcome),
                                json_dumps_params={"ensure_ascii": False})
    else:
        # No context processors: the page shows no user, menu or messages, and skipping them
        # (and the session they would touch) was a third of its template time.
        response = HttpResponse(render_to_string("trace/scan.html", {
            "o": outcome, "days": scan.suspicious_window().days, "path": request.path,
            "lot_html": _lot_html(outcome) if outcome.genuine_stamp else ""}))
        response["Link"] = f'<{request.build_absolute_uri(request.path)}?linkType=all>; ' \
                           f'rel="linkset"; type="{LINKSET}"'
    # Every opening is counted and the verdict depends on the count: never cache.
    response["Cache-Control"] = "no-store"
    response["Vary"] = "Accept"
    return response
