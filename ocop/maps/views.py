"""The map page (/ban-do/) and its two JSON layers. Thin: the selectors do the reading."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from ocop.maps import selectors

# The public layer is the same for everyone and changes rarely: shared caches may keep it briefly.
PUBLIC_MAX_AGE = 300
STAFF_MAX_AGE = 60


@require_GET
def map_page(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    staff = bool(selectors.can_see_staff_layer(request.user))
    return render(request, "maps/map.html", {
        "public": selectors.public_layer(today),
        "staff": selectors.staff_layer(request.user) if staff else None,
        "today": today,
    })


@require_GET
def public_data(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(selectors.public_layer(timezone.localdate()),
                            json_dumps_params={"ensure_ascii": False})
    patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    return response


@require_GET
def staff_data(request: HttpRequest) -> JsonResponse:
    if not (verdict := selectors.can_see_staff_layer(request.user)):
        raise PermissionDenied(verdict.reason)
    response = JsonResponse(selectors.staff_layer(request.user),
                            json_dumps_params={"ensure_ascii": False})
    patch_cache_control(response, private=True, max_age=STAFF_MAX_AGE)
    return response
