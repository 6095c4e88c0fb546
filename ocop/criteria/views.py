"""Public pages: browse criteria sets and self-score live (htmx), in Vietnamese."""

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from ocop.criteria import requests, selectors
from ocop.criteria.engine import EvaluationError
from ocop.criteria.presentation import sheet_sections


def sheet_list(request: HttpRequest) -> HttpResponse:
    """Which sheet each product set is scored on (on a chosen day), then every stored set."""
    try:
        day = dt.date.fromisoformat(request.GET.get("ngay", ""))
    except ValueError:
        day = timezone.localdate()
    return render(request, "criteria/sheet_list.html", {
        "sets": selectors.current_versions(day), "coverage": selectors.coverage(day), "day": day,
    })


@require_http_methods(["GET", "POST"])
def sheet(request: HttpRequest, code: str) -> HttpResponse:
    try:
        row, criteria_set = selectors.load(code)
    except selectors.UnknownCriteriaSet as exc:
        raise Http404(code) from exc
    answers = {
        c.code: request.POST[f"c-{c.code}"]
        for c in criteria_set.criteria
        if request.POST.get(f"c-{c.code}")
    }
    result = error = None
    if request.method == "POST":
        try:
            result = requests.evaluate_payload(
                str(row), {"answers": answers, "partial": True}
            )
        except (requests.RequestError, EvaluationError) as exc:
            error = exc
    context = {
        "row": row,
        "set": criteria_set,
        "parts": sheet_sections(criteria_set),
        "answers": answers,
        "result": result,
        "error": error,
    }
    if request.htmx:
        return render(request, "criteria/_result.html", context)
    return render(request, "criteria/sheet.html", context)
