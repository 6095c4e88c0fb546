import logging

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ocop.dashboards import permissions as dashboard_permissions
from ocop.news import selectors as news_selectors
from ocop.registry import selectors as registry_selectors
from ocop.workqueue import selectors as workqueue_selectors

logger = logging.getLogger(__name__)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    context: dict = {"news": news_selectors.latest(3)}
    user = request.user
    if user.is_authenticated:
        context["counts"] = {
            "producers": registry_selectors.producers_for(user).count(),
            "products": registry_selectors.products_for(user).count(),
        }
        if user.producer_id:
            context["scope_label"] = str(user.producer)
        elif user.unit_id:
            context["scope_label"] = str(user.unit)
        elif user.is_nationwide:
            context["scope_label"] = _("Toàn quốc")
        else:
            context["scope_label"] = _("Chưa gán địa bàn")
        context["work"] = workqueue_selectors.work_queue(user)
        context["can_open_dashboard"] = bool(dashboard_permissions.can_view(user))
    return render(request, "web/home.html", context)


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database check for load balancers; public, so it reveals no details."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any DB failure means unhealthy; the reason goes to the log only
        logger.exception("healthz: database check failed")
        response = JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    else:
        response = JsonResponse({"status": "ok", "database": "ok"})
    response["Cache-Control"] = "no-store"
    return response
