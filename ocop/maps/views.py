"""The map page (/ban-do/) and its JSON: the counts of every area, and the list of one area.
Thin: the selectors do the reading and the scoping."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from ocop.core.refusals import NotFound
from ocop.maps import selectors

# The public layer is the same for everyone and changes rarely: shared caches may keep it briefly.
PUBLIC_MAX_AGE = 300
STAFF_MAX_AGE = 60


@require_GET
def map_page(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    user = request.user
    staff = bool(selectors.can_see_staff_layer(user))
    chosen = request.GET.get("tinh", "") or selectors.home_province(user)
    province = chosen if selectors.PROVINCE_KEY.match(chosen) else ""
    public = selectors.public_layer(today)
    staff_layer = selectors.staff_layer(user) if staff else None
    names = {p["key"]: p["name"] for p in public["provinces"]}
    if staff_layer:
        names |= {p["key"]: p["name"] for p in staff_layer["provinces"]}
    return render(request, "maps/map.html", {
        "today": today,
        "public": public,
        "staff": staff_layer,
        "province": province,
        "province_name": names.get(province, ""),
        "public_rows": selectors.public_province(today, province) if province else [],
        "staff_rows": selectors.staff_province(user, province) if staff and province else [],
    })


def _json(data: object, **cache_control: object) -> JsonResponse:
    response = JsonResponse(data, safe=False, json_dumps_params={"ensure_ascii": False})
    patch_cache_control(response, **cache_control)
    return response


@require_GET
def public_data(request: HttpRequest) -> JsonResponse:
    return _json(selectors.public_layer(timezone.localdate()), public=True,
                 max_age=PUBLIC_MAX_AGE)


@require_GET
def public_area(request: HttpRequest, key: str) -> JsonResponse:
    try:
        data = selectors.public_area(timezone.localdate(), key)
    except NotFound as refusal:
        raise Http404(refusal.message) from refusal
    return _json(data, public=True, max_age=PUBLIC_MAX_AGE)


def _staff_only(request: HttpRequest) -> None:
    if not (verdict := selectors.can_see_staff_layer(request.user)):
        raise PermissionDenied(verdict.reason)


@require_GET
def staff_data(request: HttpRequest) -> JsonResponse:
    _staff_only(request)
    return _json(selectors.staff_layer(request.user), private=True, max_age=STAFF_MAX_AGE)


@require_GET
def staff_area(request: HttpRequest, key: str) -> JsonResponse:
    _staff_only(request)
    try:
        data = selectors.staff_area(request.user, key)
    except NotFound as refusal:
        raise Http404(refusal.message) from refusal
    return _json(data, private=True, max_age=STAFF_MAX_AGE)
