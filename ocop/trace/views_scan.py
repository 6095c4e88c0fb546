"""The public resolver: stamp URIs open the scan page, JSON for apps, GS1 link sets.

No login, no session, no CSRF cookie. Content negotiation on the same URI:
* ``?linkType=all`` or ``Accept: application/linkset+json`` → the GS1 Digital Link link set
  (RFC 9264 ``application/linkset+json``); not counted as a scan;
* ``Accept: application/json`` or ``?format=json`` → the scan result as JSON (counted);
* otherwise the Vietnamese HTML page (counted).

A HEAD request, a robot or a link preview (robots.py) gets the same answer and is not counted.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import replace
from urllib.parse import quote
from urllib.parse import urlencode as urlencode_query

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import urlencode
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import escape_uri_path
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ocop.accounts.client_ip import client_ip
from ocop.core.publiccache import sessionless
from ocop.trace import robots, scan, stampkeys, stamps
from ocop.trace.services import journey_html_cache_key

LINKSET = "application/linkset+json"
GS1_VOC = "https://gs1.org/voc/"


def _wants(request: HttpRequest) -> str:
    accept = request.META.get("HTTP_ACCEPT", "")  # not request.headers: it copies every header
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


@sessionless
def scan_gs1(request: HttpRequest, gtin: str, lot: str, serial: str) -> HttpResponse:
    kind = _wants(request)
    try:
        parsed = stamps.parse_gs1(f"/01/{gtin}/10/{quote(lot, safe='')}/21/{serial}")
    except stamps.StampFormatError as exc:
        return _bad_uri(request, _("Mã trên tem không đúng định dạng GS1 Digital Link: "
                                   "%(error)s") % {"error": exc}, kind)
    return _answer(request, parsed, kind)


@sessionless
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
    query = urlencode_query({name: request.GET[name] for name in ("k", "s")
                             if request.GET.get(name)})
    return f"{base}?{query}" if query else base


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


# The page of a genuine stamp is the same for every stamp of its lot that shows the same verdict,
# certificate and journey, apart from three things: the serial, the stamp's address (in the
# complaint link) and the scan count. It is rendered once per such group and language with these
# placeholders, cached, and the three are written in per scan — the scan itself (evidence, count,
# log) still runs on every request. The key holds everything else the page shows, so the copy can
# never be staler than the caches the outcome came from.
_SERIAL, _COUNT, _PATH = 900_000_000_001, 900_000_000_002, "/_ocop_stamp_path_"
PAGE_CACHE_SECONDS = scan.STATUS_CACHE_SECONDS


def _context(path: str, outcome: scan.ScanOutcome) -> dict:
    # No context processors: the page shows no user, menu or messages, and skipping them
    # (and the session they would touch) was a third of its template time.
    return {"o": outcome, "days": scan.suspicious_window().days, "path": path,
            "lot_html": _lot_html(outcome) if outcome.genuine_stamp else ""}


def page(path: str, outcome: scan.ScanOutcome) -> str:
    """The HTML scan page for ``outcome`` (trace/scan.html), from the per-group copy when there
    is one. The count's bucket (1 or more) is part of the key: the plural form may differ."""
    context = _context(path, outcome)
    if not outcome.genuine_stamp:
        return render_to_string("trace/scan.html", context)
    count = outcome.scan_count if outcome.scan_count == 1 else _COUNT
    # The lot's fields, not the batch's: every batch of a lot shows the same page, and a key per
    # batch rendered the page again for each of them (a lot printed in ten batches, ten renders a
    # minute per worker). The batch's own id and serial range are on no page.
    batch = outcome.batch
    shown = hashlib.blake2b(repr((
        get_language(), context["days"], outcome.result, outcome.warnings, outcome.stamp_state,
        (batch.lot_id, batch.lot_code, batch.produced_on, batch.expires_on), outcome.product,
        outcome.certificate, count, outcome.scan_count_complete)).encode(), digest_size=20)
    # The lot's rendered part is hashed as it is, not through repr(), which copied and escaped
    # its few kilobytes again on every scan only to hash them. A tuple's repr ends at its own
    # closing bracket, so no other tuple and part can give the same bytes.
    shown.update(context["lot_html"].encode())
    key = "trace:scanpage:" + shown.hexdigest()
    template = cache.get(key)
    if template is None:
        template = render_to_string("trace/scan.html", {
            **context, "o": replace(outcome, serial=_SERIAL, scan_count=count), "path": _PATH})
        if any(template.count(placeholder) != 1 for placeholder in _placeholders(count)):
            # A product name or lot that happens to contain a placeholder: no copy, no risk.
            return render_to_string("trace/scan.html", context)
        cache.set(key, template, PAGE_CACHE_SECONDS)
    serial, count_, path_ = _written(get_language())
    values = {serial: localize(outcome.serial), path_: _escaped_path(path)}
    if count == _COUNT:
        values[count_] = localize(outcome.scan_count)
    # Each placeholder is in the copy once (checked when it was stored) and found with
    # str.find, whose literal search is an order of magnitude faster than a regular
    # expression's alternation over the page (40 µs a scan). Cut at the positions found in the
    # copy, so a value written in (a serial, a path) is never searched for another placeholder.
    found = sorted((template.find(placeholder), placeholder) for placeholder in values)
    parts, start = [], 0
    for at, placeholder in found:
        parts += (template[start:at], values[placeholder])
        start = at + len(placeholder)
    parts.append(template[start:])
    return "".join(parts)


@functools.cache
def _written(language: str) -> tuple[str, str, str]:
    """The three placeholders as the page in ``language`` writes them: the same for every
    scan, so made once per process and language."""
    with translation.override(language):
        return localize(_SERIAL), localize(_COUNT), _escaped_path(_PATH)


def _escaped_path(path: str) -> str:
    """``path`` as the template writes it (``path|urlencode:''``, auto-escaped)."""
    return conditional_escape(urlencode(path, ""))


def _placeholders(count: int) -> list[str]:
    serial, count_, path = _written(get_language())
    return [serial, path] + ([count_] if count == _COUNT else [])


def _answer(request: HttpRequest, parsed: stamps.ParsedStamp, kind: str) -> HttpResponse:
    if kind == "linkset":
        response = JsonResponse(linkset(request, parsed), content_type=LINKSET)
        response["Cache-Control"] = "public, max-age=300"
        # Negotiated on Accept: a cache must not hand it to a browser asking for the page.
        response["Vary"] = "Accept"
        return response
    # Not counted: a HEAD (no one reads a verdict; chat apps send one before a preview) and a
    # link preview or a search engine (robots.py).
    counted = request.method == "GET" and not robots.is_robot(
        request.META.get("HTTP_USER_AGENT", ""))
    outcome = scan.resolve(
        parsed, request.GET.get("s", ""), kid=request.GET.get("k", ""),
        place=scan.coarse_place(request.GET.get("lat"), request.GET.get("lon")),
        source=scan.source_key(client_ip(request)), log=counted,
    )
    if kind == "json":
        response = JsonResponse(scan.as_json(outcome),
                                json_dumps_params={"ensure_ascii": False})
    else:
        response = HttpResponse(page(request.path, outcome))
        # A reference relative to the page's own URI (RFC 8288, section 3), as the API's
        # rel="next" links: making it absolute validated the host again on every scan (3 % of
        # its CPU, docs/traceability.md, "Twelfth look"). The link set itself stays absolute.
        response["Link"] = f'<{escape_uri_path(request.path)}?linkType=all>; ' \
                           f'rel="linkset"; type="{LINKSET}"'
    # Every opening is counted and the verdict depends on the count: never cache.
    response["Cache-Control"] = "no-store"
    response["Vary"] = "Accept"
    return response


def stamp_keys(request: HttpRequest) -> HttpResponse:
    """The public keys that verify stamps, as a JWK Set (stampkeys.jwks; docs/stamps.md).

    Public and replayed by the fast path; a rotation or revocation makes the stored copy stale
    (stampkeys._after_change). Any origin may read it: verifiers run in other sites' pages too.
    """
    response = JsonResponse(stampkeys.jwks(), content_type="application/jwk-set+json")
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"
    return response
