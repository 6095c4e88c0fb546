from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ocop.accounts.models import Role
from ocop.dashboards import permissions as dashboard_permissions
from ocop.news import selectors as news_selectors
from ocop.registry import selectors as registry_selectors
from ocop.workqueue import selectors as workqueue_selectors
from ocop.workqueue.first_steps import first_steps


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
        context["first_steps"] = first_steps(user)
        context["work"] = workqueue_selectors.work_queue(user)
        context["can_open_dashboard"] = bool(dashboard_permissions.can_view(user))
    return render(request, "web/home.html", context)


# Stamps (/01/…, /t/…): every fetch of a stamp's address would be counted as a scan, and a
# search engine has no business listing stamps' identities. The API answers programs, not
# searchers; the administration is for staff. Everything public (the catalogue, the map, the
# certificate check, news) stays open, and the sitemap lists it.
ROBOTS_DISALLOW = ("/01/", "/t/", "/api/", "/quan-tri/")


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", *(f"Disallow: {prefix}" for prefix in ROBOTS_DISALLOW), "",
             f"Sitemap: {settings.SITE_URL.rstrip('/')}{reverse('catalogue:sitemap')}"]
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico where a page names no icon (a PDF, a JSON answer). A
    temporary redirect: the mark's static name carries a content hash that changes with it."""
    response = redirect(static("ocop/ocop-mark.svg"))
    response["Cache-Control"] = "public, max-age=86400"
    return response
