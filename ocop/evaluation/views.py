"""Evaluation pages. Thin: selectors read (404 outside the user's reach, and for conflicted
members), services write. Scoring autosaves through htmx; every page works without it."""

from __future__ import annotations

from datetime import date
from decimal import InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ocop.accounts.models import User
from ocop.core.files import serve_protected
from ocop.criteria import selectors as criteria_selectors
from ocop.criteria.presentation import sheet_sections
from ocop.dossiers.models import Dossier, DossierState
from ocop.dossiers.permissions import can_review
from ocop.dossiers.services import StateError
from ocop.evaluation import jobs, selectors, services
from ocop.evaluation.models import MemberRole


def _errors(request: HttpRequest, exc: Exception) -> None:
    if isinstance(exc, StateError):
        messages.error(request, exc.message)
    elif isinstance(exc, ValidationError):
        for message in exc.messages:
            messages.error(request, message)


# --- Council member ---------------------------------------------------------------------------


@login_required
def assigned(request: HttpRequest) -> HttpResponse:
    return render(request, "evaluation/assigned.html",
                  {"rows": selectors.my_assignments(request.user)})


def _evidence_by_criterion(dossier: Dossier) -> dict[str, list[Any]]:
    by_code: dict[str, list[Any]] = {}
    for document in dossier.documents.select_related("evidence"):
        for code in document.criteria or ():
            by_code.setdefault(code, []).append(document)
    return by_code


@login_required
@require_http_methods(["GET", "POST"])
def score(request: HttpRequest, dossier_id: int) -> HttpResponse:
    page = selectors.scoring_page(request.user, dossier_id)
    dossier = page.dossier
    if request.method == "POST":
        answers = {k[2:]: v for k, v in request.POST.items() if k.startswith("c-")}
        try:
            sheet = services.save_draft(actor=request.user, dossier=dossier, answers=answers)
            if request.POST.get("action") == "submit":
                services.submit_sheet(actor=request.user, dossier=dossier)
                messages.success(request, _("Đã nộp phiếu chấm."))
                return redirect("evaluation:score", dossier_id=dossier.pk)
        except (StateError, ValidationError) as exc:
            if request.htmx:
                return render(request, "evaluation/_saved.html", {"error": exc}, status=409)
            _errors(request, exc)
            return redirect("evaluation:score", dossier_id=dossier.pk)
        if request.htmx:
            return render(request, "evaluation/_saved.html", {"sheet": sheet})
        messages.success(request, _("Đã lưu bản nháp."))
        return redirect("evaluation:score", dossier_id=dossier.pk)
    engine_set = criteria_selectors.engine_set(dossier.criteria_set)
    submitted = page.sheet is not None and page.sheet.state == "submitted"
    names = {str(m.pk): str(m) for m, _conflicted in services.scoring_members(page.assignment)}
    return render(request, "evaluation/score.html", {
        "p": page, "d": dossier, "set": engine_set, "parts": sheet_sections(engine_set),
        "answers": page.sheet.answers if page.sheet else {},
        "evidence": _evidence_by_criterion(dossier),
        "must_declare": bool(page.hints) and page.declaration is None,
        "locked": submitted or page.revision_closed or dossier.state != "under_evaluation",
        "submitted": submitted, "names": names,
    })


@login_required
@require_http_methods(["GET", "POST"])
def declare(request: HttpRequest, dossier_id: int) -> HttpResponse:
    member, dossier = selectors.declaration_context(request.user, dossier_id)
    hints = services.conflict_hints(member, dossier)
    if request.method == "POST":
        declared = request.POST.get("declared") == "1"
        try:
            services.declare_conflict(actor=request.user, member=member, dossier=dossier,
                                      declared=declared, reason=request.POST.get("reason", ""))
        except ValidationError as exc:
            _errors(request, exc)
        else:
            if declared:
                messages.info(request, _("Đã ghi nhận: bạn không tham gia chấm hồ sơ này."))
                return redirect("evaluation:assigned")
            messages.success(request, _("Đã ghi nhận kê khai."))
            return redirect("evaluation:score", dossier_id=dossier.pk)
    return render(request, "evaluation/declare.html",
                  {"member": member, "d": dossier, "hints": hints})


# --- Chair ------------------------------------------------------------------------------------


@login_required
def summary(request: HttpRequest, council_id: int, dossier_id: int) -> HttpResponse:
    s = selectors.chair_summary(request.user, council_id, dossier_id)
    return render(request, "evaluation/summary.html", {"s": s})


@login_required
@require_POST
def chair_action(request: HttpRequest, council_id: int, dossier_id: int,
                 action: str) -> HttpResponse:
    s = selectors.chair_summary(request.user, council_id, dossier_id)
    run = {"khoa": services.close_scoring, "cham-lai": services.start_rescore,
           "chot": services.finalise}.get(action)
    if run is None:
        raise Http404
    try:
        outcome = run(actor=request.user, council=s.council, dossier=s.dossier)
    except (StateError, ValidationError) as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Đã cập nhật."))
        if run is services.finalise and (
                late := services.late_evaluation_message(outcome, s.council.round)):
            messages.warning(request, late)
    return redirect("evaluation:summary", council_id=council_id, dossier_id=dossier_id)


# --- Results (everyone who may see the dossier; final results only) ---------------------------


@login_required
def result(request: HttpRequest, dossier_id: int) -> HttpResponse:
    dossier = selectors.visible_dossier(request.user, dossier_id)
    if dossier is None:
        raise Http404
    results = selectors.final_results(dossier)
    latest = results[-1] if results else None
    return render(request, "evaluation/result.html", {
        "d": dossier, "results": results,
        "minutes_allowed": {r.pk for r in results if selectors.may_read_minutes(request.user, r)},
        "escalation": services.escalation_target(dossier, latest) if latest else None,
        "can_propose": dossier.state == DossierState.SCORED and latest is not None
        and services.escalation_target(dossier, latest) is not None
        and can_review(request.user, dossier),
    })


def _final_for_download(request: HttpRequest, dossier_id: int, result_id: int):
    found = selectors.final_result_for_download(request.user, dossier_id, result_id)
    if found is None:
        raise Http404
    return found


@login_required
@require_GET
def minutes(request: HttpRequest, dossier_id: int, result_id: int) -> HttpResponse:
    found = _final_for_download(request, dossier_id, result_id)
    # A result recorded without minutes (or whose file is gone) is a 404, not a 500.
    return serve_protected(request, found.minutes,
                           f"bien-ban-{found.dossier.reference}-lan-{found.revision}.pdf",
                           as_attachment=False)


@login_required
@require_POST
def proposal(request: HttpRequest, dossier_id: int, result_id: int) -> HttpResponse:
    """The proposal ZIP is built in the background (it carries every dossier document)."""
    found = _final_for_download(request, dossier_id, result_id)
    if not can_review(request.user, found.dossier):
        raise PermissionDenied
    job = jobs.start_proposal_zip(actor=request.user, result=found)
    return redirect("jobs:detail", pk=job.pk)


@login_required
@require_POST
def propose(request: HttpRequest, dossier_id: int) -> HttpResponse:
    dossier = selectors.visible_dossier(request.user, dossier_id)
    if dossier is None:
        raise Http404
    try:
        services.propose_up(actor=request.user, dossier=dossier)
    except (StateError, ValidationError) as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Đã đề nghị cấp trên đánh giá."))
    return redirect("evaluation:result", dossier_id=dossier.pk)


# --- Standing office: councils, assignment, recognition ---------------------------------------


@login_required
def council_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    return render(request, "evaluation/council_list.html", {
        "councils": selectors.council_list(request.user, q), "q": q,
        "rounds": selectors.rounds_for(request.user).filter(status="open"),
    })


@login_required
@require_POST
def council_create(request: HttpRequest) -> HttpResponse:
    try:
        round_ = selectors.managed_round(request.user, int(request.POST.get("round", 0)))
        council = services.create_council(
            actor=request.user, round=round_, name=request.POST.get("name", ""),
            decision_number=request.POST.get("decision_number", ""),
        )
    except (ValueError, StateError, ValidationError) as exc:
        _errors(request, exc)
        return redirect("evaluation:councils")
    return redirect("evaluation:council", council_id=council.pk)


@login_required
@require_http_methods(["GET", "POST"])
def council_detail(request: HttpRequest, council_id: int) -> HttpResponse:
    council = selectors.managed_council(request.user, council_id)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "member":
                user = User.objects.filter(username=request.POST.get("username", "")).first()
                if user is None:
                    raise ValidationError({"username": _("Không tìm thấy tài khoản.")})
                services.add_member(
                    actor=request.user, council=council, user=user,
                    role=request.POST.get("role", MemberRole.MEMBER),
                    title=request.POST.get("title", ""),
                    declared_relatives=request.POST.get("relatives", ""),
                    organisations=request.POST.get("organisations", "").splitlines(),
                )
            else:
                ids = [int(i) for i in request.POST.getlist("dossier") if i.isdigit()]
                services.assign_dossiers(
                    actor=request.user, council=council,
                    dossiers_to_assign=Dossier.objects.filter(
                        pk__in=ids, round=council.round, state=DossierState.ACCEPTED),
                )
        except (StateError, ValidationError) as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Đã cập nhật hội đồng."))
        return redirect("evaluation:council", council_id=council.pk)
    return render(request, "evaluation/council_detail.html", {
        "council": council,
        "members": council.members.select_related("user"),
        "assignments": council.assignments.select_related("dossier__product",
                                                          "dossier__producer"),
        "waiting": Dossier.objects.filter(round=council.round, state=DossierState.ACCEPTED)
        .select_related("product", "producer"),
        "roles": MemberRole.choices,
    })


@login_required
@require_http_methods(["GET", "POST"])
def recognition(request: HttpRequest, round_id: int) -> HttpResponse:
    """The standing office's page: final results of a round → recognition decision."""
    round_ = selectors.managed_round(request.user, round_id)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "reject":
                dossier = Dossier.objects.get(pk=int(request.POST["dossier"]), round=round_)
                services.not_recognised(actor=request.user, dossier=dossier,
                                        reason=request.POST.get("reason", ""))
                messages.success(request, _("Đã ghi nhận hồ sơ %(ref)s không được công nhận.")
                                 % {"ref": dossier.reference})
            else:
                ids = [int(i) for i in request.POST.getlist("dossier") if i.isdigit()]
                fields = {k: request.POST.get(k, "").strip()
                          for k in ("number", "signer_name", "signer_title")}
                decision_date = date.fromisoformat(request.POST.get("date", ""))
                plan = services.plan_recognition(round=round_, dossier_ids=ids,
                                                 decision_date=decision_date, **fields)
                if request.POST.get("confirm") != "1":
                    # Nothing is issued before the person has seen exactly what will be.
                    return render(request, "evaluation/recognition_confirm.html", {
                        "round": round_, "plan": plan, "fields": fields,
                        "date_value": decision_date.isoformat(),
                    })
                decision = services.recognise(actor=request.user, round=round_, dossier_ids=ids,
                                              decision_date=decision_date, **fields)
                messages.success(request, _("Đã ban hành %(decision)s và cấp giấy chứng nhận.")
                                 % {"decision": decision})
                for warning in plan.warnings:
                    messages.warning(request, warning)
                return redirect("certificates:decision_detail", pk=decision.pk)
        except (ValueError, KeyError, Dossier.DoesNotExist, InvalidOperation) as exc:
            messages.error(request, _("Dữ liệu không hợp lệ: %(error)s") % {"error": exc})
        except (StateError, ValidationError) as exc:
            _errors(request, exc)
        return redirect("evaluation:recognition", round_id=round_.pk)
    return render(request, "evaluation/recognition.html",
                  {"round": round_, "rows": selectors.round_results(round_)})
