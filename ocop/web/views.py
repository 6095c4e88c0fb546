from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ocop.accounts.models import Role
from ocop.dashboards import permissions as dashboard_permissions
from ocop.news import selectors as news_selectors
from ocop.registry import selectors as registry_selectors
from ocop.workqueue import selectors as workqueue_selectors


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    context: dict = {"news": news_selectors.latest(3)}
    user = request.user
    if user.is_authenticated and user.role == Role.BUYER:
        # A buyer's work is the supply–demand connection; the office's home has nothing for it.
        return redirect("trade:home")
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
