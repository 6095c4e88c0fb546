"""Dashboard pages. Thin: the area comes from ``selectors.scope_for`` (403 for a role without a
dashboard or an area outside the viewer's), the numbers from ``figures``, the charts from
``charts``; a number's drill-down list is ``selectors.product_list`` with the same filter."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ocop.core import charts as core_charts
from ocop.core.refusals import Forbidden
from ocop.dashboards import charts, selectors
from ocop.dashboards.figures import Table, figures_for, pipeline_labels
from ocop.dashboards.selectors import DRILL_SETS, Drill, Scope
from ocop.registry.models import ProductGroup
from ocop.units.models import Unit


def refusals_as_http(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A ``Forbidden`` refusal → a 403 page that says why and where to go instead."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except Forbidden as exc:
            return render(request, "dashboards/refused.html", {"reason": exc.message},
                          status=403)

    return login_required(require_GET(wrapped))


def _day(request: HttpRequest) -> date:
    """The day asked for (``?on=2026-09-30``); today when absent, malformed or in the future."""
    today = timezone.localdate()
    try:
        day = date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        return today
    return min(day, today)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _scope(request: HttpRequest) -> tuple[Scope, date]:
    return selectors.scope_for(request.user, request.GET.get("area", "")), _day(request)


def _base_params(scope: Scope, own: Scope, day: date) -> dict[str, str]:
    params = {"on": day.isoformat()} if day != timezone.localdate() else {}
    if scope != own and scope.unit is not None:
        params["area"] = scope.unit.pk
    return params


def _link(table: Table, base: dict[str, str], own_scope: bool) -> None:
    """Give each number its drill-down address (``cell.url``) and each area row its dashboard
    (``row.url``). Another app's list whose filters cannot express a narrowed area is not
    linked from it (it would count more than the number)."""
    products = reverse("dashboards:products")
    dashboard = reverse("dashboards:home")
    for row in table.rows:
        if row.area:
            row.url = f"{dashboard}?{urlencode({**base, 'area': row.area})}"
        for cell in row.cells:
            if cell.drill is not None:
                # The drill-down carries its own day (a year's end for the trend).
                params = {**base, **cell.drill.params()}
                cell.url = f"{products}?{urlencode(params)}"
            elif cell.href and (own_scope or not table.hrefs_need_own_scope):
                cell.url = cell.href


@refusals_as_http
def dashboard(request: HttpRequest) -> HttpResponse:
    own = selectors.user_scope(request.user)
    scope, day = _scope(request)
    base = _base_params(scope, own, day)
    tables = [figure(scope, day) for figure in figures_for(scope).values()]
    query = urlencode(base)
    for table in tables:
        _link(table, base, scope == own)
        chart = reverse("dashboards:chart", args=[table.key])
        table.chart_url = f"{chart}?{query}" if query else chart
        table.narrow_chart_url = f"{chart}?{urlencode({**base, 'narrow': '1'})}"
    by_key = {t.key: t for t in tables}
    stars_total = by_key["stars"].rows[-1].cells[0]
    return render(request, "dashboards/dashboard.html", {
        "scope": scope, "own": own, "narrowed": scope != own, "day": day,
        "today": timezone.localdate(), "tables": tables,
        "headline": {
            "valid": stars_total,
            "recognised": by_key["trend"].rows[-1].cells[2] if by_key["trend"].rows else None,
            "rate": by_key["reevaluation"].extra["headline"],
            "expiring": by_key["expiring"].rows[1].cells[0],
        },
        "own_url": reverse("dashboards:home"),
        "parent": _parent(scope, own, day),
    })


def _parent(scope: Scope, own: Scope, day: date) -> str:
    """The dashboard one level up, when the viewer narrowed to a commune of a province."""
    if scope == own or scope.unit is None or scope.level != Unit.Level.COMMUNE:
        return ""
    province = scope.unit.parent_id
    if own.unit is not None and own.unit.pk != province:
        return ""
    params = {"area": province}
    if day != timezone.localdate():
        params["on"] = day.isoformat()
    return f"{reverse('dashboards:home')}?{urlencode(params)}"


@refusals_as_http
def chart(request: HttpRequest, key: str) -> HttpResponse:
    scope, day = _scope(request)
    figure = figures_for(scope).get(key)
    if figure is None:
        raise Http404
    # ``narrow``: the phone's drawing (the page's <picture> asks for it below 600 px).
    width = core_charts.NARROW_WIDTH if request.GET.get("narrow") == "1" else core_charts.WIDTH
    return core_charts.svg_response(charts.svg(figure(scope, day), width=width))


def _drill(request: HttpRequest, day: date) -> Drill:
    get = request.GET
    kind = get.get("set", "")
    if kind not in DRILL_SETS:
        raise Http404
    return Drill(set=kind, on=day, stars=_int(get.get("stars")), group=get.get("group", "")[:10],
                 district=get.get("district", "")[:16], commune=get.get("commune", "")[:16],
                 province=get.get("province", "")[:16], within=_int(get.get("within")),
                 year=_int(get.get("year")), stage=get.get("stage", "")[:20])


def _describe(drill: Drill, day: date) -> list[str]:
    """The drill-down's filters in words, for the list's heading."""
    when = f"{day:%d/%m/%Y}"
    what = {
        "valid": _("Sản phẩm OCOP còn hiệu lực ngày %(day)s") % {"day": when},
        "recognised": _("Sản phẩm được công nhận (luỹ kế) đến ngày %(day)s") % {"day": when},
        "registered": _("Sản phẩm đăng ký trên hệ thống đến ngày %(day)s") % {"day": when},
        "expiring": _("Sản phẩm hết hạn giấy chứng nhận trong %(n)s ngày kể từ %(day)s")
        % {"n": drill.within, "day": when},
        "new": _("Sản phẩm được công nhận lần đầu năm %(year)s") % {"year": drill.year},
        "expired": _("Sản phẩm hết hạn giấy chứng nhận năm %(year)s") % {"year": drill.year},
        "back": _("Sản phẩm hết hạn năm %(year)s và được công nhận lại")
        % {"year": drill.year},
        "not_back": _("Sản phẩm hết hạn năm %(year)s chưa được công nhận lại")
        % {"year": drill.year},
        "pipeline": pipeline_labels().get(drill.stage, ""),
    }[drill.set]
    parts = [what]
    if drill.stars:
        parts.append(_("%(n)s sao") % {"n": drill.stars})
    if drill.group:
        group = ProductGroup.objects.filter(pk=drill.group).first()
        parts.append(group.display_name if group else drill.group)
    units = Unit.objects.in_bulk([k for k in (drill.district, drill.commune, drill.province)
                                  if k])
    for key in (drill.district, drill.commune, drill.province):
        if key:
            parts.append(units[key].full_name if key in units else key)
    return parts


@refusals_as_http
def products(request: HttpRequest) -> HttpResponse:
    own = selectors.user_scope(request.user)
    scope, day = _scope(request)
    drill = _drill(request, day)
    page = Paginator(selectors.product_list(scope, drill, day),
                     settings.PAGE_SIZE).get_page(request.GET.get("page"))
    back = _base_params(scope, own, day)
    return render(request, "dashboards/products.html", {
        "scope": scope, "day": day, "page": page, "heading": _describe(drill, day),
        "back_url": reverse("dashboards:home") + (f"?{urlencode(back)}" if back else ""),
    })
