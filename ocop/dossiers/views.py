"""Dossier pages (Vietnamese, mobile-first, htmx). Thin: selectors read, services write.

A dossier outside the user's jurisdiction answers 404 (``selectors.get_dossier``); a visible
dossier on which the user may not act answers 403.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ocop.accounts.jurisdiction import list_filters_shown
from ocop.accounts.models import Role
from ocop.core.files import serve_protected
from ocop.core.search import search
from ocop.criteria import requests as criteria_requests
from ocop.criteria import selectors as criteria_selectors
from ocop.criteria.engine import EvaluationError
from ocop.criteria.templatetags.criteria_tags import localized
from ocop.dossiers import checklist, permissions, selectors, services
from ocop.dossiers.forms import REGISTRATION_FIELDS, ProgrammeYearForm, RoundForm
from ocop.dossiers.models import Dossier, DossierState, Round
from ocop.registry import selectors as registry_selectors
from ocop.registry.models import EvidenceDocument
from ocop.rules.certification import CERTIFIABLE_STARS, MIN_CERTIFIABLE_STARS
from ocop.rules.levels import TWO_LEVEL, basis
from ocop.units.models import Unit


def _errors(exc: Exception) -> list[str]:
    if isinstance(exc, services.StateError):
        return [exc.message]
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return [f"{m}" for msgs in exc.message_dict.values() for m in msgs]
        return list(exc.messages)
    return [str(exc)]


def _attempt(request: HttpRequest, action: Callable[[], Any], success: str) -> bool:
    """Run a service; show its message as a flash. PermissionDenied propagates (403)."""
    try:
        action()
    except (services.StateError, ValidationError) as exc:
        for msg in _errors(exc):
            messages.error(request, msg)
        return False
    messages.success(request, success)
    return True


# --- lists ---------------------------------------------------------------------------------------


@login_required
def dossier_list(request: HttpRequest) -> HttpResponse:
    f = selectors.DossierFilters.from_params(request.GET)
    page = Paginator(selectors.dossier_list(request.user, f), settings.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    user = request.user
    context = {
        "page": page,
        "f": f,
        "states": DossierState.choices,
        "kinds": Dossier.Kind.choices,
        "choices": selectors.filter_choices(user),
        "rounds": selectors.rounds_for(user).order_by("-opens_on")[:50]
        if user.role != Role.PRODUCER else [],
        "can_create": user.role in permissions.OPENING_ROLES,
        "is_office": user.role in (Role.PROVINCE_OFFICE, Role.CENTRAL, Role.ADMIN),
        "show_filters": list_filters_shown(user, page, request.GET),
    }
    if request.htmx and request.htmx.target == "results":
        return render(request, "dossiers/dossier_list.html#results", context)
    return render(request, "dossiers/dossier_list.html", context)


# --- create / edit -------------------------------------------------------------------------------


# Products offered in the create page's list; beyond that the person searches (a nationwide
# account reaches every product of the country).
PRODUCT_CHOICES = 200


def _products_for(user) -> Any:
    return registry_selectors.products_for(user).select_related("producer", "product_set")


@login_required
@require_http_methods(["GET", "POST"])
def dossier_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.role not in permissions.OPENING_ROLES:
        raise PermissionDenied
    products = _products_for(user)
    # What was chosen, shown again after a refusal so that only the wrong part is changed.
    chosen = {"product": request.POST.get("product", ""), "kind": request.POST.get("kind", ""),
              "target_stars": request.POST.get("target_stars", "")}
    if request.method == "POST":
        product = products.filter(pk=chosen["product"] or 0).first()
        if product is None:
            messages.error(request, _("Chọn sản phẩm."))
        else:
            stars_raw = chosen["target_stars"] or str(MIN_CERTIFIABLE_STARS)
            try:
                dossier = services.open_dossier(
                    actor=user, product=product, kind=chosen["kind"] or Dossier.Kind.NEW,
                    target_stars=int(stars_raw) if stars_raw.isdigit() else 0,
                )
            except services.ProductBusy as exc:
                return busy_dossier(request, exc) or redirect("dossiers:create")
            except (services.StateError, ValidationError) as exc:
                for msg in _errors(exc):
                    messages.error(request, msg)
            else:
                messages.success(request, _("Đã lập hồ sơ nháp."))
                return redirect("dossiers:edit", dossier.pk)
    q = request.GET.get("q", "").strip()[:200]
    listed = list(search(products, q, folded=("search_text",))
                  .order_by("name", "pk")[:PRODUCT_CHOICES + 1])
    more = len(listed) > PRODUCT_CHOICES
    listed = listed[:PRODUCT_CHOICES]
    # A link may name the product and kind (the product page's "Lập hồ sơ đánh giá").
    for key in ("product", "kind"):
        chosen[key] = chosen[key] or request.GET.get(key, "")
    # The product chosen (a refusal shown again, or a link that names it) stays in the list
    # whatever the search shows.
    if chosen["product"].isdigit() and all(str(p.pk) != chosen["product"] for p in listed):
        listed[:0] = products.filter(pk=chosen["product"])
    return render(request, "dossiers/dossier_create.html", {
        "products": listed, "more": more, "q": q, "limit": PRODUCT_CHOICES,
        "kinds": Dossier.Kind.choices, "star_choices": CERTIFIABLE_STARS, "chosen": chosen,
    })


def busy_dossier(request: HttpRequest, refusal: services.ProductBusy) -> HttpResponse | None:
    """The refusal of a second dossier for a product, shown on the dossier under way when the
    person may open it (their next step is there); None when they may not."""
    messages.error(request, refusal.message)
    if selectors.dossiers_for(request.user).filter(pk=refusal.dossier.pk).exists():
        return redirect("dossiers:detail", refusal.dossier.pk)
    return None


def _criteria_context(dossier: Dossier) -> dict[str, Any]:
    engine_set = criteria_selectors.engine_set(dossier.criteria_set)
    parts = [{"part": p, "criteria": engine_set.criteria_of_part(p.code)}
             for p in engine_set.parts]
    # What a correction item is about, by the code it stores: a checklist document's name or
    # a criterion's code and label ("business_registration" means nothing to a producer).
    item_labels = {it.code: it.label_vi for it in checklist.all_items()}
    item_labels.update({c.code: f"{c.code} {localized(c, 'label')}" for c in engine_set.criteria})
    return {"set": engine_set, "parts": parts, "item_labels": item_labels}


def _self_result(dossier: Dossier) -> tuple[dict[str, Any] | None, Exception | None]:
    try:
        result = criteria_requests.evaluate_payload(
            str(dossier.criteria_set),
            {"answers": dict(dossier.self_assessment), "partial": True,
             "target_stars": dossier.target_stars},
        )
    except (criteria_requests.RequestError, EvaluationError) as exc:
        return None, exc
    return result, None


def _edit_context(request: HttpRequest, dossier: Dossier) -> dict[str, Any]:
    detail = selectors.dossier_detail(request.user, dossier.pk)
    today = timezone.localdate()
    result, error = _self_result(detail.dossier)
    evidence = selectors.reusable_evidence(detail.dossier)
    rows = [
        {"row": row, "evidence": [e for e in evidence
                                  if not row.item.doc_types or e.doc_type in row.item.doc_types]}
        for row in detail.checklist
    ]
    return {
        "d": detail.dossier,
        "detail": detail,
        "fields": REGISTRATION_FIELDS,
        "checklist_rows": rows,
        "rounds": selectors.rounds_for_dossier(detail.dossier, today),
        "result": result,
        "error": error,
        "problems": services.submission_problems(detail.dossier, today),
        "open_correction": next((c for c in detail.corrections if c.answered_at is None), None),
        **_criteria_context(detail.dossier),
    }


@login_required
def dossier_edit(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = selectors.get_dossier(request.user, pk)
    if not permissions.can_edit(request.user, dossier):
        raise PermissionDenied
    if not dossier.is_editable:
        messages.info(request, _("Hồ sơ đã nộp; chỉ xem được."))
        return redirect("dossiers:detail", pk)
    return render(request, "dossiers/dossier_edit.html", _edit_context(request, dossier))


@login_required
@require_POST
def dossier_autosave(request: HttpRequest, pk: int) -> HttpResponse:
    """Saves whatever fields arrive (one per change with htmx, all of them without JS)."""
    dossier = selectors.get_dossier(request.user, pk)
    form = {k[2:]: v for k, v in request.POST.items() if k.startswith("f-")}
    answers = {k[2:]: v for k, v in request.POST.items() if k.startswith("c-")}
    stars = request.POST.get("target_stars")
    round_id = request.POST.get("requested_round")
    requested_round = None
    if round_id and round_id.isdigit():
        requested_round = next((r for r in selectors.rounds_for_dossier(
            dossier, timezone.localdate()) if r.pk == int(round_id)), None)
    error = None
    try:
        dossier = services.autosave(
            actor=request.user, dossier=dossier, form=form, self_assessment=answers,
            target_stars=int(stars) if stars and stars.isdigit() else None,
            requested_round=requested_round,
        )
    except (services.StateError, ValidationError) as exc:
        error = " ".join(_errors(exc))
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, _("Đã lưu."))
        return redirect("dossiers:edit", pk)
    result, result_error = _self_result(dossier)
    # The result panel labels its upgrade advice from the set (criteria/_result.html).
    return render(request, "dossiers/_autosave.html", {
        "d": dossier, "saved_at": timezone.localtime(), "save_error": error,
        "result": result, "error": result_error,
        "set": criteria_selectors.engine_set(dossier.criteria_set),
    })


@login_required
@require_POST
def document_attach(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = selectors.get_dossier(request.user, pk)
    item = request.POST.get("checklist_item", "")
    evidence = None
    evidence_id = request.POST.get("evidence")
    if evidence_id and evidence_id.isdigit():
        evidence = EvidenceDocument.objects.filter(pk=int(evidence_id),
                                                   producer_id=dossier.producer_id).first()
        if evidence is None:
            raise Http404
    upload = request.FILES.get("file")
    _attempt(request, lambda: services.attach_document(
        actor=request.user, dossier=dossier, checklist_item=item, file=upload, evidence=evidence,
    ), _("Đã thêm tài liệu."))
    return _documents_or_redirect(request, dossier, item)


def _documents_or_redirect(request: HttpRequest, dossier: Dossier, item: str) -> HttpResponse:
    """With htmx, the documents section alone (its messages inside) replaces the old one, so
    an upload keeps the half-filled page; without JS, back to the edit page at that item."""
    if request.htmx:
        return render(request, "dossiers/dossier_edit.html#documents",
                      _edit_context(request, dossier))
    return redirect(f"{_edit_url(dossier.pk)}#item-{item}")


def _edit_url(pk: int) -> str:
    return reverse("dossiers:edit", args=[pk])


@login_required
@require_GET
def document_file(request: HttpRequest, pk: int, doc_pk: int) -> HttpResponse:
    document = selectors.document_for_download(request.user, pk, doc_pk)
    return serve_protected(request, document.stored_file, document.download_name)


@login_required
@require_POST
def document_remove(request: HttpRequest, pk: int, doc_pk: int) -> HttpResponse:
    dossier = selectors.get_dossier(request.user, pk)
    document = get_object_or_404(dossier.documents, pk=doc_pk)
    _attempt(request, lambda: services.remove_document(actor=request.user, document=document),
             _("Đã bỏ tài liệu khỏi hồ sơ."))
    return _documents_or_redirect(request, dossier, document.checklist_item)


@login_required
@require_POST
def dossier_submit(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = selectors.get_dossier(request.user, pk)
    if dossier.state == DossierState.CORRECTIONS_REQUESTED:
        # Resubmission goes with the answers to the correction request.
        return redirect("dossiers:corrections", pk)
    if _attempt(request, lambda: services.submit(actor=request.user, dossier=dossier),
                _("Đã nộp hồ sơ.")):
        return redirect("dossiers:detail", pk)
    return redirect("dossiers:edit", pk)


@login_required
@require_POST
def dossier_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = selectors.get_dossier(request.user, pk)
    _attempt(request, lambda: services.withdraw(actor=request.user, dossier=dossier,
                                                reason=request.POST.get("reason", "")),
             _("Đã rút hồ sơ."))
    return redirect("dossiers:detail", pk)


# --- detail and history --------------------------------------------------------------------------


@login_required
def dossier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    detail = selectors.dossier_detail(request.user, pk)
    d = detail.dossier
    user = request.user
    return render(request, "dossiers/dossier_detail.html", {
        "d": d,
        "detail": detail,
        "fields": REGISTRATION_FIELDS,
        "can_edit": permissions.can_edit(user, d) and d.is_editable,
        "can_withdraw": permissions.can_edit(user, d)
        and DossierState.WITHDRAWN in services.TRANSITIONS[d.state],
        "can_precheck": permissions.can_precheck(user, d) and services.commune_may_check(d),
        "can_review": permissions.can_review(user, d)
        and (services.province_may_review(d) or d.state == DossierState.PROPOSED_UP),
        "can_answer": permissions.can_edit(user, d)
        and d.state == DossierState.CORRECTIONS_REQUESTED,
        "precheck_items": basis(d.procedure).commune_precheck if d.procedure else (),
    })


@login_required
def dossier_versions(request: HttpRequest, pk: int) -> HttpResponse:
    detail = selectors.dossier_detail(request.user, pk)
    versions = {v.number: v for v in detail.versions}
    diff = old = new = None
    if len(versions) >= 2:
        numbers = sorted(versions)
        a = request.GET.get("a", "")
        b = request.GET.get("b", "")
        old = versions.get(int(a)) if a.isdigit() else versions[numbers[-2]]
        new = versions.get(int(b)) if b.isdigit() else versions[numbers[-1]]
        if old is None or new is None:
            raise Http404
        diff = selectors.version_diff(old, new)
    return render(request, "dossiers/dossier_versions.html", {
        "d": detail.dossier, "versions": detail.versions, "diff": diff, "old": old, "new": new,
    })


# --- commune pre-check, review, corrections ----------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def dossier_precheck(request: HttpRequest, pk: int) -> HttpResponse:
    detail = selectors.dossier_detail(request.user, pk)
    d = detail.dossier
    if not permissions.can_precheck(request.user, d):
        raise PermissionDenied
    if d.procedure != TWO_LEVEL:
        raise Http404
    items = basis(TWO_LEVEL).commune_precheck
    if request.method == "POST":
        results = {
            it.code: {"ok": request.POST.get(f"ok-{it.code}") == "1"
                      if request.POST.get(f"ok-{it.code}") in ("0", "1") else None,
                      "comment": request.POST.get(f"comment-{it.code}", "")}
            for it in items
        }
        if _attempt(request, lambda: services.commune_precheck(
                actor=request.user, dossier=d, results=results), _("Đã ghi kết quả kiểm tra.")):
            return redirect("dossiers:detail", pk)
    return render(request, "dossiers/dossier_precheck.html", {
        "d": d, "detail": detail, "items": items, "fields": REGISTRATION_FIELDS,
    })


@login_required
@require_http_methods(["GET", "POST"])
def dossier_review(request: HttpRequest, pk: int) -> HttpResponse:
    detail = selectors.dossier_detail(request.user, pk)
    d = detail.dossier
    if not permissions.can_review(request.user, d):
        raise PermissionDenied
    rounds = selectors.acceptance_rounds(d)
    if request.method == "POST":
        if request.POST.get("action") == "accept":
            round_id = request.POST.get("round", "")
            chosen = next((r for r in rounds if str(r.pk) == round_id), None)
            if _attempt(request, lambda: services.accept(actor=request.user, dossier=d,
                                                         round=chosen),
                        _("Đã tiếp nhận hồ sơ vào đợt đánh giá.")):
                return redirect("dossiers:detail", pk)
        else:
            codes = request.POST.getlist("code")
            comments = request.POST.getlist("comment")
            items = [{"code": c, "comment": t} for c, t in zip(codes, comments, strict=False)]
            if _attempt(request, lambda: services.request_corrections(
                    actor=request.user, dossier=d, items=items,
                    message=request.POST.get("message", "")), _("Đã gửi yêu cầu bổ sung.")):
                return redirect("dossiers:detail", pk)
    result, error = _self_result(d)
    return render(request, "dossiers/dossier_review.html", {
        "d": d, "detail": detail, "rounds": rounds, "fields": REGISTRATION_FIELDS,
        "result": result, "error": error, "may_review": services.province_may_review(d)
        or d.state == DossierState.PROPOSED_UP,
        **_criteria_context(d),
    })


@login_required
@require_http_methods(["GET", "POST"])
def dossier_corrections(request: HttpRequest, pk: int) -> HttpResponse:
    detail = selectors.dossier_detail(request.user, pk)
    d = detail.dossier
    open_request = next((c for c in detail.corrections if c.answered_at is None), None)
    if request.method == "POST":
        if not permissions.can_edit(request.user, d):
            raise PermissionDenied
        answer = {
            "message": request.POST.get("message", ""),
            "items": {k[6:]: v for k, v in request.POST.items() if k.startswith("reply-")},
        }
        if _attempt(request, lambda: services.resubmit(actor=request.user, dossier=d,
                                                       answer=answer),
                    _("Đã nộp lại hồ sơ sau khi bổ sung.")):
            return redirect("dossiers:detail", pk)
    return render(request, "dossiers/dossier_corrections.html", {
        "d": d, "detail": detail, "open_request": open_request, **_criteria_context(d),
        "can_answer": permissions.can_edit(request.user, d)
        and d.state == DossierState.CORRECTIONS_REQUESTED,
    })


# --- programme years and rounds ----------------------------------------------------------------


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    return render(request, "dossiers/round_list.html", {
        "years": selectors.round_list(request.user, q), "q": q,
        "can_manage": permissions.can_manage_rounds(request.user),
    })


def _province_choices(user) -> Any:
    qs = Unit.objects.filter(level=Unit.Level.PROVINCE).order_by("era", "name")
    if user.is_nationwide:
        return qs
    return qs.filter(current_province_id=user.unit_id)


@login_required
@require_http_methods(["GET", "POST"])
def programme_year_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_manage_rounds(request.user):
        raise PermissionDenied
    provinces = _province_choices(request.user)
    form = ProgrammeYearForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        province = provinces.filter(pk=request.POST.get("province", "")).first()
        if province is None:
            form.add_error(None, _("Chọn tỉnh."))
        else:
            try:
                year = services.create_programme_year(
                    actor=request.user, province=province, **form.cleaned_data)
            except ValidationError as exc:
                for msg in _errors(exc):
                    form.add_error(None, msg)
            else:
                messages.success(request, _("Đã tạo năm chương trình."))
                return redirect("dossiers:programme_year", year.pk)
    return render(request, "dossiers/programme_year_form.html",
                  {"form": form, "provinces": provinces})


def _issuing_units(year) -> Any:
    province = year.province
    return Unit.objects.filter(pk=province.pk) | Unit.objects.filter(parent=province,
                                                                     level="district")


@login_required
@require_http_methods(["GET", "POST"])
def programme_year_detail(request: HttpRequest, pk: int) -> HttpResponse:
    year = selectors.get_programme_year(request.user, pk)
    can_manage = permissions.can_manage_rounds(request.user, year)
    form = RoundForm(request.POST or None, issuing_units=_issuing_units(year))
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.save_round(actor=request.user, programme_year=year,
                                    data=form.cleaned_data)
            except ValidationError as exc:
                for msg in _errors(exc):
                    form.add_error(None, msg)
            else:
                messages.success(request, _("Đã thêm đợt đánh giá."))
                return redirect("dossiers:programme_year", pk)
    rounds = year.rounds.select_related("issuing_unit").order_by("opens_on", "level", "number")
    return render(request, "dossiers/programme_year_detail.html", {
        "year": year, "rounds": rounds, "form": form, "can_manage": can_manage,
    })


@login_required
@require_http_methods(["GET", "POST"])
def round_edit(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_object_or_404(selectors.rounds_for(request.user), pk=pk)
    year = round_.programme_year
    if not permissions.can_manage_rounds(request.user, year):
        raise PermissionDenied
    form = RoundForm(request.POST or None, instance=round_,
                     issuing_units=_issuing_units(year))
    if request.method == "POST" and form.is_valid():
        fresh = Round.objects.get(pk=pk)  # the form already wrote the values onto round_
        try:
            services.save_round(actor=request.user, programme_year=year,
                                data=form.cleaned_data, round_=fresh)
        except ValidationError as exc:
            for msg in _errors(exc):
                form.add_error(None, msg)
        else:
            messages.success(request, _("Đã lưu đợt đánh giá."))
            return redirect("dossiers:programme_year", year.pk)
    return render(request, "dossiers/round_form.html", {"form": form, "round": round_,
                                                         "year": year})
