"""htmx endpoints for the commune picker. Units are public reference data: no login needed."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from ocop.units import selectors


@require_GET
@cache_control(public=True, max_age=3600)
def commune_options(request: HttpRequest) -> HttpResponse:
    """``<option>``s of a current province's communes: ``/don-vi/xa/?province=P24``.

    The picker widget sends its province select as ``<field>_province`` with ``field=<field>``,
    so that several pickers can share a form. An unknown province gives just the placeholder.
    """
    field = request.GET.get("field", "")
    province = request.GET.get("province") or request.GET.get(f"{field}_province", "")
    communes = selectors.communes(province) if province else []
    return render(request, "units/_commune_options.html", {"communes": communes})
