"""Plan pages. Thin: selectors read (a plan out of reach is a 404), services write and refuse
(403 for a reader, a form error for wrong input, a message for an approved plan)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ocop.core.files import serve_protected
from ocop.core.refusals import Conflict, Forbidden, Invalid, NotFound
from ocop.planning import forms, permissions, selectors, services
from ocop.planning.models import AnnualPlan, BudgetLine, Indicator


def refusals_as_http(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """NotFound → the 404 page, Forbidden → the 403 page with its reason."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from None
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from None

    return login_required(wrapped)


def _readable(request: HttpRequest, pk: int) -> AnnualPlan:
    permissions.can_use(request.user).check()
    return selectors.plan_detail(request.user, pk)


def _editable(request: HttpRequest, pk: int) -> AnnualPlan:
    plan = _readable(request, pk)
    selectors.ensure_editable(request.user, plan)
    return plan


@refusals_as_http
@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    permissions.can_use(request.user).check()
    return render(request, "planning/list.html", {
        "plans": selectors.plan_list(request.user),
        "can_create": permissions.may_create_any(request.user),
    })


@refusals_as_http
@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _readable(request, pk)
    today = timezone.localdate()
    rows = selectors.indicator_rows(plan, today)
    return render(request, "planning/detail.html", {
        "plan": plan,
        "rows": rows,
        "periods": selectors.periods(plan.year),
        "budget": selectors.budget_summary(plan),
        "rounds": selectors.rounds_of(plan),
        "can_edit": bool(permissions.can_edit(request.user, plan)),
        "today": today,
        "no_training": selectors.NO_TRAINING_DATA,
        "history": selectors.plan_history(plan),
    })


@refusals_as_http
def plan_create(request: HttpRequest) -> HttpResponse:
    if not permissions.may_create_any(request.user):
        raise PermissionDenied(_("Bạn chỉ được xem kế hoạch, không được sửa."))
    form = forms.PlanForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.create_plan(actor=request.user, data=form.cleaned_data,
                                        file=request.FILES.get("decision_file"))
        except Invalid as exc:
            forms.add_refusal(form, exc)
        else:
            messages.success(request, _("Đã tạo kế hoạch."))
            return redirect("planning:detail", pk=plan.pk)
    return render(request, "planning/plan_form.html", {"form": form, "plan": None})


@refusals_as_http
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _editable(request, pk)
    if plan.is_approved:
        messages.error(request, _("Kế hoạch đã phê duyệt: không sửa được nội dung và chỉ tiêu "
                                  "nữa."))
        return redirect("planning:detail", pk=plan.pk)
    form = forms.PlanForm(request.POST or None, request.FILES or None, instance=plan,
                          user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_plan(actor=request.user, plan=plan, data=form.cleaned_data,
                                 file=request.FILES.get("decision_file"))
        except Invalid as exc:
            forms.add_refusal(form, exc)
        else:
            messages.success(request, _("Đã lưu kế hoạch."))
            return redirect("planning:detail", pk=plan.pk)
    return render(request, "planning/plan_form.html", {"form": form, "plan": plan})


@refusals_as_http
@require_POST
def plan_approve(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _editable(request, pk)
    try:
        services.approve_plan(actor=request.user, plan=plan)
    except (Invalid, Conflict) as exc:
        messages.error(request, " ".join(dict.fromkeys([exc.message, *getattr(
            exc, "fields", {}).values()])))
    else:
        messages.success(request, _("Đã ghi nhận kế hoạch được phê duyệt."))
    return redirect("planning:detail", pk=plan.pk)


@refusals_as_http
@require_GET
def plan_file(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _readable(request, pk)
    return serve_protected(request, plan.decision_file,
                           plan.decision_file_name or f"ke-hoach-{plan.pk}.pdf")


def _line_form(request: HttpRequest, pk: int, item_pk: int | None, *, model: type,
               form_class: type, save: Callable[..., Any], initial: Callable[[Any], dict],
               title: str) -> HttpResponse:
    plan = _editable(request, pk)
    item = get_object_or_404(model, pk=item_pk, plan=plan) if item_pk else None
    form = form_class(request.POST or None, initial=initial(item) if item else None)
    if plan.is_approved and item is not None:
        # Only execution moves after approval; the rest is shown, not sent.
        for name in ("content", "source", "description", "approved", "kind", "product_group",
                     "baseline", "target", "note"):
            if name in form.fields:
                form.fields[name].disabled = True
    if request.method == "POST":
        if "delete" in request.POST and item is not None:
            try:
                save(delete=True, item=item)
            except Conflict as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Đã xoá."))
            return redirect("planning:detail", pk=plan.pk)
        if form.is_valid():
            try:
                save(plan=plan, data=form.cleaned_data, item=item)
            except Invalid as exc:
                forms.add_refusal(form, exc)
            except Conflict as exc:
                messages.error(request, exc.message)
                return redirect("planning:detail", pk=plan.pk)
            else:
                messages.success(request, _("Đã lưu."))
                return redirect("planning:detail", pk=plan.pk)
    return render(request, "planning/line_form.html",
                  {"form": form, "plan": plan, "item": item, "title": title})


@refusals_as_http
def indicator_form(request: HttpRequest, pk: int, item_pk: int | None = None) -> HttpResponse:
    def save(*, item: Indicator | None, plan: AnnualPlan | None = None, data: dict | None = None,
             delete: bool = False) -> None:
        if delete:
            services.delete_indicator(actor=request.user, indicator=item)
        else:
            services.save_indicator(actor=request.user, plan=plan, data=data, indicator=item)

    return _line_form(request, pk, item_pk, model=Indicator, form_class=forms.IndicatorForm,
                      save=save, title=_("Chỉ tiêu"), initial=lambda i: {
                          "kind": i.kind, "product_group": i.product_group_id,
                          "baseline": i.baseline, "target": i.target, "note": i.note})


@refusals_as_http
def budget_form(request: HttpRequest, pk: int, item_pk: int | None = None) -> HttpResponse:
    def save(*, item: BudgetLine | None, plan: AnnualPlan | None = None,
             data: dict | None = None, delete: bool = False) -> None:
        if delete:
            services.delete_budget_line(actor=request.user, line=item)
        else:
            services.save_budget_line(actor=request.user, plan=plan, data=data, line=item)

    return _line_form(request, pk, item_pk, model=BudgetLine, form_class=forms.BudgetLineForm,
                      save=save, title=_("Dòng kinh phí"), initial=lambda i: {
                          "content": i.content, "source": i.source,
                          "description": i.description, "approved": i.approved,
                          "committed": i.committed, "disbursed": i.disbursed})
