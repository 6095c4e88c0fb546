"""The public catalogue's pages. No login anywhere; thin: the selectors read, ``caching`` keeps.

Every HTML page here is wrapped in ``caching.public_page``: an anonymous visitor gets a page
that is the same for every anonymous visitor (no CSRF token, no session, no cookie), served from
the page cache and marked ``Cache-Control: public, max-age=60``.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from ocop.catalogue import jsonld, selectors
from ocop.catalogue.caching import PUBLIC_CACHE_CONTROL, public_page
from ocop.core.refusals import NotFound

SITEMAP_CHUNK = 10_000


def _base() -> str:
    return settings.SITE_URL.rstrip("/")


def _share(request: HttpRequest, path: str, title: str) -> dict[str, str]:
    """Plain share links (no third-party script): Facebook's and Zalo's share pages take the
    page's address; the copy button copies it (catalogue.js), the link itself works without it."""
    url = _base() + path
    return {"url": url, "title": title,
            "facebook": "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url}),
            "zalo": "https://sp.zalo.me/share_to_zalo?" + urlencode({"href": url})}


@require_GET
@public_page
def product_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    f = selectors.CatalogueFilter.from_page(request.GET)
    page = selectors.catalogue_page(today, f, request.GET.get("trang", 1))
    params = request.GET.copy()
    params.pop("trang", None)
    return render(request, "catalogue/list.html", {
        "f": f, "page": page, "today": today,
        "choices": selectors.filter_choices(today, f.province),
        "query": params.urlencode(),
        "sort_param": {"name": "ten", "stars": "sao", "newest": "moi"}[f.sort],
    })


@require_GET
@public_page
def product_detail(request: HttpRequest, pk: int) -> HttpResponse:
    today = timezone.localdate()
    try:
        data = selectors.product_detail(today, pk)
    except NotFound as refusal:
        return render(request, "catalogue/gone.html", {
            "message": refusal.message, "verify_url": refusal.fields.get("verify_url", "")},
            status=404)
    return render(request, "catalogue/product.html", {
        "p": data, "today": today,
        "jsonld": jsonld.script(jsonld.product_jsonld(data, _base(),
                                                     offers=data["schema_offers"])),
        "share": _share(request, data["url"], data["name"]),
    })


@require_GET
@public_page
def producer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    today = timezone.localdate()
    try:
        data = selectors.producer_detail(today, pk)
    except NotFound as refusal:
        return render(request, "catalogue/gone.html", {"message": refusal.message,
                                                      "verify_url": ""}, status=404)
    return render(request, "catalogue/producer.html", {
        "o": data, "jsonld": jsonld.script(jsonld.producer_jsonld(data, _base())),
        "share": _share(request, data["url"], data["name"]),
    })


@require_GET
@public_page
def catalogue_map(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(request, "catalogue/map.html", {
        "today": today, "zones": selectors.certified_zones(today)})


@require_GET
@public_page
def agency(request: HttpRequest) -> HttpResponse:
    return render(request, "catalogue/agency.html", {"agency": selectors.agency()})


@require_GET
def switch_language(request: HttpRequest, code: str) -> HttpResponse:
    """The public pages' language switch: a plain link, so that those pages carry no CSRF
    token (a form posting to Django's set_language needs one, and a token makes a page
    personal). Choosing a language is harmless, so a GET may do it; ``next`` must be a path of
    this site."""
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = reverse("catalogue:list")
    response = HttpResponseRedirect(target)
    if code in dict(settings.LANGUAGES):
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, code,
                            max_age=settings.LANGUAGE_COOKIE_AGE,
                            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                            secure=settings.LANGUAGE_COOKIE_SECURE,
                            httponly=settings.LANGUAGE_COOKIE_HTTPONLY)
    response["Cache-Control"] = "no-store"
    return response


# --- Sitemap: an index and chunks of at most SITEMAP_CHUNK addresses ---------------------------


def _xml(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    response = render(request, template, context, content_type="application/xml")
    # Same 60 s as the pages: a shared cache must not list a revoked product's page for longer.
    response["Cache-Control"] = PUBLIC_CACHE_CONTROL
    return response


@require_GET
def sitemap_index(request: HttpRequest) -> HttpResponse:
    ids = selectors.sitemap_ids(timezone.localdate())
    base = _base()
    parts = [base + reverse("catalogue:sitemap_section", args=[section, n + 1])
             for section in ("san-pham", "chu-the")
             for n in range(max(1, -(-len(ids[_SECTIONS[section]]) // SITEMAP_CHUNK)))]
    return _xml(request, "catalogue/sitemap_index.xml", {"parts": parts})


_SECTIONS = {"san-pham": "products", "chu-the": "producers"}
_SECTION_URL = {"san-pham": "catalogue:product", "chu-the": "catalogue:producer"}


@require_GET
def sitemap_section(request: HttpRequest, section: str, number: int) -> HttpResponse:
    if section not in _SECTIONS or number < 1:
        raise Http404(section)
    ids = selectors.sitemap_ids(timezone.localdate())[_SECTIONS[section]]
    chunk = ids[(number - 1) * SITEMAP_CHUNK:number * SITEMAP_CHUNK]
    if not chunk and number > 1:
        raise Http404(section)
    base = _base()
    urls = [base + reverse(_SECTION_URL[section], args=[pk]) for pk in chunk]
    if section == "san-pham" and number == 1:
        urls = [base + reverse(name) for name in ("catalogue:list", "catalogue:map",
                                                  "catalogue:agency")] + urls
    return _xml(request, "catalogue/sitemap.xml", {"urls": urls})
