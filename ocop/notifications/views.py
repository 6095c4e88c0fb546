"""The notification list; opening it or pressing "đánh dấu đã đọc" marks items read."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ocop.notifications import selectors, services


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.for_user(request.user), settings.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()]
    services.mark_read(user=request.user, ids=ids or None)
    target = request.POST.get("next", "")
    # Only follow links inside the site (a notification link is always a local path).
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect("notifications:list")
