from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ocop.registry import selectors as registry_selectors


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    context: dict = {}
    user = request.user
    if user.is_authenticated:
        context["counts"] = {
            "producers": registry_selectors.producers_for(user).count(),
            "products": registry_selectors.products_for(user).count(),
        }
        context["scope_label"] = str(user.unit) if user.unit_id else _("Toàn quốc")
        if user.producer_id:
            context["scope_label"] = str(user.producer)
    return render(request, "web/home.html", context)


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 — any DB failure means unhealthy
        return JsonResponse({"status": "error", "database": str(exc)[:200]}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
