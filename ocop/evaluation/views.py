"""Evaluation pages. Thin: selectors read (404 outside the user's reach, and for conflicted
members), permissions decide who may act, services write. One POST view per action, each with
its own URL. Scoring autosaves through htmx; every page works without it."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import date, datetime
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ocop.core import serviceworkers
from ocop.core.files import serve_protected
from ocop.core.refusals import Forbidden, Invalid, NotFound, Refusal
from ocop.criteria import selectors as criteria_selectors
from ocop.criteria.presentation import sheet_sections
from ocop.dossiers.services import StateError
from ocop.evaluation import jobs, rules, selectors, services
from ocop.evaluation.models import MemberRole, SheetSubmission

View = Callable[..., HttpResponse]


def _refusals_as_http(view: View) -> View:
    """A refusal that is not shown on the page answers as Django would: ``NotFound`` (also
    ``NotAssigned``: not a member, conflicted, not the chair) is a 404, ``Forbidden`` a 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from exc

    return wrapper


def _errors(request: HttpRequest, exc: Exception) -> None:
    if isinstance(exc, (StateError, Refusal)):
        messages.error(request, exc.message)
    elif isinstance(exc, ValidationError):
        for message in exc.messages:
            messages.error(request, message)


# --- Council member ---------------------------------------------------------------------------


def offline_context(request: HttpRequest) -> dict[str, Any]:
    """What the offline script needs on a member's page: the worker's address and scope, the
    list of what to keep, and its sentences (the script has no gettext of its own)."""
    return {
        "sw_url": reverse("evaluation:service_worker"), "sw_scope": reverse("evaluation:assigned"),
        "manifest_url": reverse("evaluation:offline_manifest"),
        "offline_text": {
            "user": request.user.pk, "username": request.user.username,
            "never": _("chưa đồng bộ"),
            "cached": _("%(n)s hồ sơ, %(files)s tệp minh chứng (%(size)s MB)"),
            "skipped": _("%(n)s tệp minh chứng chưa được lưu vì máy không đủ chỗ: hãy xem các "
                         "tệp này khi có mạng, hoặc giải phóng bộ nhớ rồi bấm “Làm mới bản "
                         "lưu”."),
            "pending": _("Chờ có mạng để gửi"),
            "sending": _("Đang gửi…"),
            "retry": _("Gửi chưa được, sẽ thử lại lúc %(time)s"),
            "sent": _("Đã gửi, máy chủ đã nhận"),
            "conflict": _("Máy chủ không nhận"),
            "refused": _("Bị từ chối"),
            "login": _("Phiên đăng nhập đã hết: hãy đăng nhập lại, phiếu vẫn nằm trên máy"),
            "queued": _("Đã lưu phiếu trên máy, sẽ gửi khi có mạng."),
            "draft": _("Đã lưu nháp trên máy này"),
            "incomplete": _("Còn %(n)s tiêu chí chưa chấm: hãy chấm đủ trước khi nộp."),
            "nothing": _("Không có phiếu nào chờ gửi."),
            "dismiss": _("Xoá khỏi máy"),
            "captured": _("bấm nộp lúc"),
            "will_conflict": _("Bản của bạn được giữ cho thư ký; phiếu không được tính."),
            "will_send": _("Sẽ tự gửi khi có mạng; mỗi phiếu chỉ được tính một lần."),
        },
    }


@login_required
def assigned(request: HttpRequest) -> HttpResponse:
    return render(request, "evaluation/assigned.html",
                  {"rows": selectors.my_assignments(request.user), **offline_context(request)})


def _answers(request: HttpRequest) -> dict[str, str]:
    """The sheet's radio buttons are named ``c-<criterion code>``."""
    return {k[2:]: v for k, v in request.POST.items() if k.startswith("c-")}


def _comments(request: HttpRequest) -> dict[str, str]:
    """The comment box under each criterion is named ``n-<criterion code>``."""
    return {k[2:]: v for k, v in request.POST.items() if k.startswith("n-")}


@login_required
@_refusals_as_http
@require_http_methods(["GET", "POST"])
def score(request: HttpRequest, dossier_id: int) -> HttpResponse:
    """The member's sheet; a POST saves the draft (htmx autosave on every click, or the
    "Lưu nháp" button)."""
    page = selectors.scoring_page(request.user, dossier_id)
    dossier = page.dossier
    if request.method == "POST":
        try:
            sheet = services.save_draft(actor=request.user, dossier=dossier,
                                        answers=_answers(request), comments=_comments(request),
                                        comment=request.POST.get("comment"))
        except (StateError, ValidationError, Invalid) as exc:
            if request.htmx:
                return render(request, "evaluation/_saved.html", {"error": exc}, status=409)
            _errors(request, exc)
            return redirect("evaluation:score", dossier_id=dossier.pk)
        if request.htmx:
            return render(request, "evaluation/_saved.html", {"sheet": sheet})
        messages.success(request, _("Đã lưu bản nháp."))
        return redirect("evaluation:score", dossier_id=dossier.pk)
    return _score_page(request, page)


def _score_page(request: HttpRequest, page: selectors.ScoringPage, *, status: int = 200,
                held: SheetSubmission | None = None) -> HttpResponse:
    dossier = page.dossier
    engine_set = criteria_selectors.engine_set(dossier.criteria_set)
    base = selectors.sheet_base(dossier, page.assignment)
    kept = held if held is not None else page.sheet
    answers = kept.answers if kept is not None else {}
    return render(request, "evaluation/score.html", {
        "page": page, "dossier": dossier, "criteria_set": engine_set,
        "parts": sheet_sections(engine_set), "answers": answers, "held": held,
        "comments": kept.comments if kept is not None else {},
        "comment": kept.comment if kept is not None else "",
        "evidence": selectors.evidence_by_criterion(dossier),
        "names": selectors.member_names(page.assignment),
        # A new id for each rendering of the form: submitting the same rendered form twice is
        # one submission (services.receive_sheet); the offline script makes its own ids.
        "base": base, "client_id": uuid.uuid4(),
        "offline": {
            "user": request.user.pk, "dossier": dossier.pk, "reference": dossier.reference,
            "product": dossier.product.name, "base": base, "locked": page.locked,
            "submitted": page.submitted,
            "send": reverse("evaluation:submit_json", args=[dossier.pk]),
            "criteria": [c.code for part in sheet_sections(engine_set)
                         for group in part["groups"] for c in group["criteria"]],
        },
        **offline_context(request),
    }, status=status)


@login_required
@_refusals_as_http
@require_POST
def submit(request: HttpRequest, dossier_id: int) -> HttpResponse:
    """Submit the answers on the form as the member's sheet, once: the form carries its own
    ``client_id`` and the base versions it was rendered with, so a double POST is one
    submission and a late one (revision closed meanwhile) is a 409 that keeps the member's
    answers on the page and for the secretary."""
    page = selectors.scoring_page(request.user, dossier_id)
    dossier = page.dossier
    base = {k: request.POST[f"base_{k}"] for k in ("criteria_set", "dossier_version",
                                                    "revision") if f"base_{k}" in request.POST}
    try:
        receipt = services.receive_sheet(
            actor=request.user, dossier_id=dossier.pk,
            client_id=request.POST.get("client_id") or uuid.uuid4(), base=base,
            answers=_answers(request), content_hash=request.POST.get("content_hash") or None,
            via=SheetSubmission.Via.PAGE, comments=_comments(request),
            comment=request.POST.get("comment", ""))
    except (StateError, ValidationError, Refusal) as exc:
        _errors(request, exc)
        return redirect("evaluation:score", dossier_id=dossier.pk)
    if not receipt.accepted:
        messages.error(request, receipt.submission.message)
        return _score_page(request, selectors.scoring_page(request.user, dossier_id),
                           status=409, held=receipt.submission)
    messages.success(request, _("Đã nộp phiếu chấm."))
    return redirect("evaluation:score", dossier_id=dossier.pk)


def _receipt_json(receipt: services.Receipt) -> dict[str, Any]:
    row = receipt.submission
    return {
        "client_id": str(row.client_id), "outcome": row.outcome, "replayed": receipt.replayed,
        "message": (_("Đã nộp phiếu chấm.") if receipt.accepted else row.message),
        "reason": row.reason_code, "received_at": row.received_at.isoformat(),
        "base": row.base, "server": row.server,
        "total": str(row.sheet.total) if receipt.accepted and row.sheet else None,
    }


def _refusal_json(exc: Exception) -> JsonResponse:
    if isinstance(exc, Refusal):
        status, message = exc.status, exc.message
        if isinstance(exc, NotFound):
            status = 404
    elif isinstance(exc, StateError):
        status, message = 409, exc.message
    else:
        status, message = 422, " ".join(getattr(exc, "messages", [str(exc)]))
    return JsonResponse({"outcome": "refused", "message": message}, status=status,
                        json_dumps_params={"ensure_ascii": False})


def _parse_moment(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return parse_datetime(value)
    except ValueError:
        return None


@login_required
@require_POST
def submit_json(request: HttpRequest, dossier_id: int) -> JsonResponse:
    """The offline queue's endpoint (JSON in, JSON out): 200 accepted (also for a replay of an
    accepted submit), 409 conflict with both versions, 422 refused (hash mismatch, bad
    format, incomplete sheet), 404 not the member's dossier. Nothing is stored for a 4xx other
    than 409; the device keeps its copy."""
    try:
        data = json.loads(request.body or b"{}")
        if not isinstance(data, dict):
            raise ValueError
    except ValueError:
        return _refusal_json(ValidationError(_("Phiếu gửi lên không đúng định dạng.")))
    try:
        receipt = services.receive_sheet(
            actor=request.user, dossier_id=dossier_id, client_id=data.get("client_id"),
            base=data.get("base") if isinstance(data.get("base"), dict) else {},
            answers=data.get("answers"), content_hash=str(data.get("content_hash") or ""),
            captured_at=_parse_moment(data.get("captured_at")),
            via=SheetSubmission.Via.OFFLINE, comments=data.get("comments"),
            comment=data.get("comment", ""))
    except (StateError, ValidationError, Refusal) as exc:
        return _refusal_json(exc)
    return JsonResponse(_receipt_json(receipt), status=200 if receipt.accepted else 409,
                        json_dumps_params={"ensure_ascii": False})


@login_required
@require_GET
@never_cache
def offline_manifest(request: HttpRequest) -> JsonResponse:
    """What the service worker may keep for this member: their own assigned, non-conflicted
    dossiers' scoring pages and evidence files (a conflicted dossier is not in the list, so its
    cached copy is deleted at the next sync). Never any other member's sheet."""
    return JsonResponse(selectors.offline_manifest(request.user),
                        json_dumps_params={"ensure_ascii": False})


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, from our static files, at an address whose scope covers the council
    member's pages (``/cham-diem/``) — the inspections app serves the same file for its own."""
    return serviceworkers.script_response("evaluation/offline/sw.js")


@login_required
@_refusals_as_http
@require_GET
def evidence(request: HttpRequest, dossier_id: int, document_id: int) -> HttpResponse:
    document = selectors.evidence_document(request.user, dossier_id, document_id)
    return serve_protected(request, document.file, document.original_name, as_attachment=False)


@login_required
@_refusals_as_http
@require_http_methods(["GET", "POST"])
def declare(request: HttpRequest, dossier_id: int) -> HttpResponse:
    member, dossier = selectors.declaration_context(request.user, dossier_id)
    hints = rules.conflict_hints(member, dossier)
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
                  {"member": member, "dossier": dossier, "hints": hints})


# --- Chair ------------------------------------------------------------------------------------


@login_required
@_refusals_as_http
def summary(request: HttpRequest, council_id: int, dossier_id: int) -> HttpResponse:
    return render(request, "evaluation/summary.html",
                  {"summary": selectors.chair_summary(request.user, council_id, dossier_id)})


def _chair_step(request: HttpRequest, council_id: int, dossier_id: int,
                step: Callable[..., Any]) -> tuple[selectors.ChairSummary, Any]:
    """Run one of the chair's steps (404 for anyone but the chair); a refusal is shown on the
    summary page and the outcome is None."""
    chair_summary = selectors.chair_summary(request.user, council_id, dossier_id)
    try:
        outcome = step(actor=request.user, council=chair_summary.council,
                       dossier=chair_summary.dossier)
    except (StateError, ValidationError) as exc:
        _errors(request, exc)
        return chair_summary, None
    messages.success(request, _("Đã cập nhật."))
    return chair_summary, outcome


@login_required
@_refusals_as_http
@require_POST
def close_scoring(request: HttpRequest, council_id: int, dossier_id: int) -> HttpResponse:
    _chair_step(request, council_id, dossier_id, services.close_scoring)
    return redirect("evaluation:summary", council_id=council_id, dossier_id=dossier_id)


@login_required
@_refusals_as_http
@require_POST
def start_rescore(request: HttpRequest, council_id: int, dossier_id: int) -> HttpResponse:
    _chair_step(request, council_id, dossier_id, services.start_rescore)
    return redirect("evaluation:summary", council_id=council_id, dossier_id=dossier_id)


@login_required
@_refusals_as_http
@require_POST
def finalise(request: HttpRequest, council_id: int, dossier_id: int) -> HttpResponse:
    chair_summary, result = _chair_step(request, council_id, dossier_id, services.finalise)
    if result is not None and (
            late := rules.late_evaluation_message(result, chair_summary.council.round)):
        messages.warning(request, late)
    return redirect("evaluation:summary", council_id=council_id, dossier_id=dossier_id)


# --- Results (everyone who may see the dossier; final results only) ---------------------------


@login_required
@_refusals_as_http
def result(request: HttpRequest, dossier_id: int) -> HttpResponse:
    return render(request, "evaluation/result.html",
                  {"page": selectors.result_page(request.user, dossier_id)})


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
@_refusals_as_http
@require_POST
def proposal(request: HttpRequest, dossier_id: int, result_id: int) -> HttpResponse:
    """The proposal ZIP is built in the background (it carries every dossier document)."""
    found = _final_for_download(request, dossier_id, result_id)
    selectors.proposal_verdict(request.user, found).check()
    job = jobs.start_proposal_zip(actor=request.user, result=found)
    return redirect("jobs:detail", pk=job.pk)


@login_required
@_refusals_as_http
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
    query = request.GET.get("q", "").strip()[:100]
    return render(request, "evaluation/council_list.html", {
        "councils": selectors.council_list(request.user, query), "query": query,
        "rounds": selectors.open_rounds_for(request.user),
    })


@login_required
@_refusals_as_http
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
@_refusals_as_http
@require_GET
def council_detail(request: HttpRequest, council_id: int) -> HttpResponse:
    council = selectors.managed_council(request.user, council_id)
    return render(request, "evaluation/council_detail.html", {
        "page": selectors.council_page(council), "roles": MemberRole.choices,
        "default_role": MemberRole.MEMBER,
    })


@login_required
@_refusals_as_http
@require_POST
def add_member(request: HttpRequest, council_id: int) -> HttpResponse:
    council = selectors.managed_council(request.user, council_id)
    try:
        user = selectors.user_by_username(request.POST.get("username", ""))
        if user is None:
            raise ValidationError({"username": _("Không tìm thấy tài khoản.")})
        services.add_member(
            actor=request.user, council=council, user=user,
            role=request.POST.get("role", MemberRole.MEMBER),
            title=request.POST.get("title", ""),
            declared_relatives=request.POST.get("relatives", ""),
            organisations=request.POST.get("organisations", "").splitlines(),
        )
    except (StateError, ValidationError) as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Đã cập nhật hội đồng."))
    return redirect("evaluation:council", council_id=council.pk)


@login_required
@_refusals_as_http
@require_POST
def assign(request: HttpRequest, council_id: int) -> HttpResponse:
    council = selectors.managed_council(request.user, council_id)
    ids = [int(i) for i in request.POST.getlist("dossier") if i.isdigit()]
    try:
        services.assign_dossiers(
            actor=request.user, council=council,
            dossiers_to_assign=selectors.waiting_dossiers(council, ids),
        )
    except (StateError, ValidationError) as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Đã cập nhật hội đồng."))
    return redirect("evaluation:council", council_id=council.pk)


@login_required
@_refusals_as_http
@require_GET
def recognition(request: HttpRequest, round_id: int) -> HttpResponse:
    """The standing office's page: final results of a round → recognition decision."""
    round_ = selectors.managed_round(request.user, round_id)
    awaiting = selectors.round_dossiers(round_, rules.AWAITING_DECISION_STATES)
    # Dossiers already decided are read-only history: paged, so a round that has issued its
    # decisions does not bring every one of them back with the form.
    decided = Paginator(selectors.round_dossiers(round_, rules.DECIDED_STATES),
                        settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "evaluation/recognition.html", {
        "round": round_, "rows": selectors.round_results(round_, awaiting),
        "page": decided, "decided": selectors.round_results(round_, decided.object_list),
        "decided_counts": selectors.round_state_counts(round_, rules.DECIDED_STATES),
    })


_DECISION_FIELDS = ("number", "signer_name", "signer_title")


def _decision_form(request: HttpRequest) -> tuple[list[int], dict[str, str], date]:
    """The chosen dossiers, the decision's number and signer, and its date (a ValidationError
    naming the date when it is missing or not a date)."""
    ids = [int(i) for i in request.POST.getlist("dossier") if i.isdigit()]
    fields = {k: request.POST.get(k, "").strip() for k in _DECISION_FIELDS}
    raw = request.POST.get("date", "").strip()
    try:
        return ids, fields, date.fromisoformat(raw)
    except ValueError:
        message = (_("Ngày ký quyết định “%(value)s” không phải là một ngày.") % {"value": raw[:30]}
                   if raw else _("Nhập ngày ký quyết định."))
        raise ValidationError({"date": message}) from None


@login_required
@_refusals_as_http
@require_POST
def recognition_preview(request: HttpRequest, round_id: int) -> HttpResponse:
    """Check the decision and show exactly what it will issue; nothing is issued here."""
    round_ = selectors.managed_round(request.user, round_id)
    try:
        ids, fields, decision_date = _decision_form(request)
        plan = services.plan_recognition(round=round_, dossier_ids=ids,
                                         decision_date=decision_date, **fields)
    except (StateError, ValidationError) as exc:
        _errors(request, exc)
    else:
        return render(request, "evaluation/recognition_confirm.html", {
            "round": round_, "plan": plan, "fields": fields,
            "date_value": decision_date.isoformat(),
        })
    return redirect("evaluation:recognition", round_id=round_.pk)


@login_required
@_refusals_as_http
@require_POST
def recognise(request: HttpRequest, round_id: int) -> HttpResponse:
    """Issue the decision the person confirmed (the preview's form posts here)."""
    round_ = selectors.managed_round(request.user, round_id)
    try:
        ids, fields, decision_date = _decision_form(request)
        plan = services.plan_recognition(round=round_, dossier_ids=ids,
                                         decision_date=decision_date, **fields)
        decision = services.recognise(actor=request.user, round=round_, dossier_ids=ids,
                                      decision_date=decision_date, **fields)
    except (StateError, ValidationError) as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Đã ban hành %(decision)s và cấp giấy chứng nhận.")
                         % {"decision": decision})
        for warning in plan.warnings:
            messages.warning(request, warning)
        return redirect("certificates:decision_detail", pk=decision.pk)
    return redirect("evaluation:recognition", round_id=round_.pk)


@login_required
@_refusals_as_http
@require_POST
def not_recognised(request: HttpRequest, round_id: int) -> HttpResponse:
    """Close a scored dossier of the round as not recognised."""
    round_ = selectors.managed_round(request.user, round_id)
    dossier_id = request.POST.get("dossier", "")
    dossier = selectors.round_dossier(round_, int(dossier_id)) if dossier_id.isdigit() else None
    if dossier is None:
        messages.error(request, _("Hồ sơ không thuộc đợt đánh giá này."))
        return redirect("evaluation:recognition", round_id=round_.pk)
    try:
        services.not_recognised(actor=request.user, dossier=dossier,
                                reason=request.POST.get("reason", ""))
    except (StateError, ValidationError) as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Đã ghi nhận hồ sơ %(ref)s không được công nhận.")
                         % {"ref": dossier.reference})
    return redirect("evaluation:recognition", round_id=round_.pk)


# --- Secretary: submits held back by a conflict, and a member's exported file ----------------


@login_required
@_refusals_as_http
@require_http_methods(["GET", "POST"])
def held(request: HttpRequest, council_id: int) -> HttpResponse:
    """Sheets that reached the server too late or against changed versions (kept with both
    versions), and the import of a file a member exported from their device."""
    council = selectors.managed_council(request.user, council_id)
    report: list[dict[str, Any]] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            report = services.import_sheets(actor=request.user, council=council,
                                            data=_exported(upload))
        except (StateError, ValidationError, Refusal) as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Đã đọc tệp: %(n)d phiếu.") % {"n": len(report)})
    return render(request, "evaluation/held.html", {
        "council": council, "rows": selectors.held_rows(council), "report": report,
    }, status=200)


def _exported(upload: Any) -> Any:
    if upload is None:
        raise ValidationError(_("Hãy chọn tệp phiếu chấm do thành viên xuất từ máy."))
    if upload.size > 2_000_000:
        raise ValidationError(_("Tệp lớn quá 2 MB: đây không phải tệp phiếu chấm."))
    try:
        return json.loads(upload.read().decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ValidationError(_("Tệp không đọc được: hãy dùng đúng tệp “phiếu chờ gửi” mà "
                                "thành viên xuất từ trang chấm điểm.")) from None
