"""Inspection pages. Thin: selectors read (a record outside the user's reach is a 404), forms
parse, services decide and write; a refusal is shown beside the form it concerns."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited

from ocop.accounts.client_ip import client_ip
from ocop.core import serviceworkers
from ocop.core.files import serve_protected
from ocop.core.refusals import NotFound, Refusal, Verdict
from ocop.inspections import forms, permissions, selectors, services
from ocop.inspections.models import CHECKLIST, FindingResult, PlanKind, ProposalState
from ocop.units.models import Unit


def _allowed(verdict: Verdict) -> None:
    if not verdict:
        raise PermissionDenied(verdict.reason)


def _found(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except NotFound as exc:
        raise Http404(exc.message) from None


def _run(request: HttpRequest, form: Any, call: Callable[[], Any], done: str) -> Any:
    """Call a service; a refusal becomes form errors (None is returned)."""
    try:
        result = call()
    except NotFound as exc:
        raise Http404(exc.message) from None
    except Refusal as exc:
        forms.add_refusal(form, exc)
        return None
    messages.success(request, done)
    return result


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    _allowed(permissions.can_use_inspections(request.user))
    today = timezone.localdate()
    user = request.user
    context = selectors.work_list(user, today)
    province_id = permissions.province_id_of(user)
    context.update({
        "today": today,
        "can_create_plan": bool(user.is_nationwide or (
            province_id and permissions.can_create_plan(user, Unit(pk=province_id)))),
    })
    return render(request, "inspections/index.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    province_id = permissions.province_id_of(user)
    if user.is_nationwide:
        provinces = Unit.objects.filter(era="current", level="province").order_by("name")
        province = None
    else:
        provinces = None
        province = Unit.objects.filter(pk=province_id).first() if province_id else None
        _allowed(permissions.can_create_plan(user, province))
    complaint = None
    if request.GET.get("phan-anh"):
        complaint = _found(lambda: selectors.complaint_detail(user, request.GET["phan-anh"]))
        _allowed(permissions.can_handle_complaint(user, complaint))
    inspectors = (selectors.assignable_inspectors(province.pk) if province else
                  selectors.assignable_inspectors_anywhere())
    initial: dict[str, Any] = {"starts_on": timezone.localdate(), "kind": PlanKind.ANNUAL}
    if complaint is not None:
        initial.update(kind=PlanKind.COMPLAINT, title=_("Kiểm tra theo phản ánh %(ref)s")
                       % {"ref": complaint.reference})
        if complaint.province_id:
            initial["province"] = complaint.province_id
    form = forms.PlanForm(request.POST or None, inspectors=inspectors, provinces=provinces,
                          initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        plan = _run(request, form, lambda: services.create_plan(
            actor=user, province=data.get("province") or province, kind=data["kind"],
            title=data["title"], starts_on=data["starts_on"], ends_on=data["ends_on"],
            inspectors=data["inspectors"], complaints=[complaint] if complaint else []),
            _("Đã lập kế hoạch kiểm tra."))
        if plan is not None:
            return redirect("inspections:plan_detail", pk=plan.pk)
    return render(request, "inspections/plan_form.html",
                  {"form": form, "complaint": complaint, "province": province},
                  status=400 if form.errors else 200)


@login_required
@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _found(lambda: selectors.plan_detail(request.user, pk))
    office = permissions.can_create_plan(request.user, plan.province)
    return render(request, "inspections/plan_detail.html", {
        "plan": plan, "visits": selectors.plan_visits(request.user, plan),
        "can_record": permissions.can_record_visit(request.user, plan),
        "complaints": selectors.complaints_for(request.user).filter(plan=plan),
        # Visits sent from a device after they could no longer be recorded: the standing
        # office of the plan's province reviews the inspector's copy (docs/offline.md).
        "held": selectors.held_visits(plan) if office else [],
        "can_import": bool(office),
    })


@login_required
@require_http_methods(["GET", "POST"])
def visit_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    plan = _found(lambda: selectors.plan_detail(user, pk))
    _allowed(permissions.can_record_visit(user, plan))
    today = timezone.localdate()
    products = selectors.certified_products(user, plan.province_id, min(today, plan.ends_on))
    form = forms.VisitForm(request.POST or None, products=selectors.inspectable_products(
        user, plan.province_id) if request.method == "POST" else products)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        visit = _run(request, form, lambda: services.record_visit(
            actor=user, plan=plan, product=data["product"], visited_on=data["visited_on"],
            place=data["place"], findings=form.findings(), conclusion=data["conclusion"],
            follow_up_by=data["follow_up_by"], sanctions=data["sanctions"], today=today),
            _("Đã ghi nhận lần kiểm tra."))
        if visit is not None:
            return redirect("inspections:visit_detail", pk=visit.pk)
    return render(request, "inspections/visit_form.html", {
        "form": form, "plan": plan,
        "offline": {"user": user.pk, "plan": plan.pk, "reference": plan.reference,
                    "title": plan.title,
                    # An ended plan's form is not kept on the device: the panel says so
                    # instead of counting the plans that are.
                    "kept": selectors.kept_offline(plan, today),
                    "send": reverse("inspections:visit_offline", args=[plan.pk]),
                    "photo": reverse("inspections:photo_offline"),
                    "export_max": services.EXPORT_PHOTOS_MAX},
        **_offline_context(request),
    }, status=400 if form.errors else 200)


def _offline_context(request: HttpRequest) -> dict[str, Any]:
    return {
        "sw_url": reverse("inspections:service_worker"), "sw_scope": reverse("inspections:index"),
        "manifest_url": reverse("inspections:offline_manifest"),
        "offline_text": {
            "user": request.user.pk, "username": request.user.username,
            "never": _("chưa đồng bộ"), "cached": _("%(n)s kế hoạch"),
            "not_kept": _("%(n)s kế hoạch đang chạy; kế hoạch này đã kết thúc nên mẫu biên bản "
                          "không được lưu để dùng khi mất mạng (vẫn ghi được khi có mạng)"),
            "pending": _("Chờ có mạng để gửi"), "sending": _("Đang gửi…"),
            "retry": _("Gửi chưa được, sẽ thử lại lúc %(time)s"),
            "sent": _("Đã gửi, máy chủ đã nhận"), "conflict": _("Máy chủ không nhận"),
            "refused": _("Bị từ chối"),
            "login": _("Phiên đăng nhập đã hết: hãy đăng nhập lại, biên bản vẫn nằm trên máy"),
            "queued": _("Đã lưu biên bản trên máy, sẽ gửi khi có mạng."),
            "dismiss": _("Xoá khỏi máy"), "captured": _("lưu lúc"),
            "will_send": _("Sẽ tự gửi khi có mạng, kèm ảnh; mỗi biên bản chỉ được ghi một lần."),
            "photos": _("%(n)s ảnh"),
            "edit": _("Sửa và gửi lại"),
            "editing": _("Đang sửa biên bản bị từ chối (lưu lúc %(time)s, %(n)s ảnh). Sửa các "
                         "mục được đánh dấu rồi bấm “Lưu biên bản kiểm tra”: biên bản được gửi "
                         "lại kèm ảnh; bản cũ nằm trên máy đến lúc đó."),
            "nothing": _("Không có biên bản nào chờ gửi."),
            "exported": _("Đã xuất tệp: chuyển tệp cho cơ quan thường trực của tỉnh để nhập. "
                          "Biên bản vẫn nằm trên máy và tự gửi khi có mạng; gửi hai lần vẫn "
                          "chỉ ghi một lần."),
            "too_big": _("Tệp chỉ chứa được ảnh tới %(mb)s MB: các ảnh sau không có trong tệp và "
                         "vẫn nằm trên máy, sẽ tự gửi khi có mạng: %%(names)s.") % {
                "mb": services.EXPORT_PHOTOS_MAX // 1_000_000},
        },
    }


def _json(data: dict[str, Any], status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def _refused(exc: Refusal) -> JsonResponse:
    return _json({"outcome": "refused", "message": exc.message, "fields": exc.fields},
                 status=exc.status)


def _moment(value: Any) -> Any:
    try:
        return parse_datetime(value) if isinstance(value, str) else None
    except ValueError:
        return None


@login_required
@require_POST
def visit_offline(request: HttpRequest, pk: int) -> JsonResponse:
    """The offline queue's endpoint for a visit (JSON): 200 recorded (also for a replay), 409
    held with the reason (the inspector's copy kept), 422 bad input or tampered copy, 404."""
    try:
        body = json.loads(request.body or b"{}")
        if not isinstance(body, dict):
            raise ValueError
    except ValueError:
        return _json({"outcome": "refused", "message": _("Dữ liệu gửi lên không đúng định dạng.")},
                     status=422)
    try:
        receipt = services.receive_visit(
            actor=request.user, plan_id=pk, client_id=body.get("client_id"),
            data=body.get("data"), content_hash=str(body.get("content_hash") or ""),
            captured_at=_moment(body.get("captured_at")))
    except Refusal as exc:
        return _refused(exc)
    if receipt.visit is not None:
        return _json({"outcome": "accepted", "replayed": receipt.replayed,
                      "message": _("Đã ghi nhận lần kiểm tra."),
                      "url": reverse("inspections:visit_detail", args=[receipt.visit.pk])})
    return _json({"outcome": "conflict", "replayed": receipt.replayed,
                  "message": receipt.held.message, "reason": receipt.held.reason_code},
                 status=409)


@login_required
@require_POST
def photo_offline(request: HttpRequest) -> JsonResponse:
    """A photo taken offline, sent after its visit (multipart): 200 stored (also for a
    replay), 422 not an image, 404 the visit has not arrived."""
    try:
        _photo, replayed = services.receive_photo(
            actor=request.user, visit_client_id=request.POST.get("visit"),
            client_id=request.POST.get("client_id"), file=request.FILES.get("photo"),
            caption=request.POST.get("caption", ""),
            captured_at=_moment(request.POST.get("captured_at")))
    except Refusal as exc:
        return _refused(exc)
    return _json({"outcome": "accepted", "replayed": replayed, "message": _("Đã thêm ảnh.")})


# The file holds up to EXPORT_PHOTOS_MAX of photos, a third larger in base64, plus the text.
IMPORT_FILE_MAX = services.EXPORT_PHOTOS_MAX * 4 // 3 + 1_000_000


@login_required
@require_http_methods(["GET", "POST"])
def visit_import(request: HttpRequest, pk: int) -> HttpResponse:
    """The province's standing office imports the file of visits (with their photos) that an
    inspector exported from a device that could not reach the server."""
    plan = _found(lambda: selectors.plan_detail(request.user, pk))
    _allowed(permissions.can_create_plan(request.user, plan.province))
    lines: list[services.ImportLine] = []
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                error = _("Hãy chọn tệp biên bản do người kiểm tra xuất từ máy.")
            elif upload.size > IMPORT_FILE_MAX:
                error = _("Tệp lớn quá %(mb)d MB: đây không phải tệp biên bản chờ gửi.") % {
                    "mb": IMPORT_FILE_MAX // 1_000_000}
            else:
                lines = services.import_visits(actor=request.user, plan=plan,
                                               data=json.loads(upload.read().decode("utf-8")))
        except (UnicodeDecodeError, ValueError):
            error = _("Tệp không đọc được: hãy dùng đúng tệp “biên bản chờ gửi” mà người "
                      "kiểm tra xuất từ trang ghi nhận kiểm tra.")
        except Refusal as exc:
            error = exc.message
        if lines:
            messages.success(request, _("Đã đọc tệp: %(n)d biên bản.") % {"n": len(lines)})
    return render(request, "inspections/visit_import.html",
                  {"plan": plan, "lines": lines, "error": error},
                  status=400 if error else 200)


@login_required
@require_GET
@never_cache
def offline_manifest(request: HttpRequest) -> JsonResponse:
    return _json(selectors.offline_manifest(request.user, timezone.localdate()))


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The same worker as the council members' (evaluation/offline/sw.js), at an address whose
    scope covers the inspections pages."""
    return serviceworkers.script_response("evaluation/offline/sw.js")


@login_required
@require_http_methods(["GET", "POST"])
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    visit = _found(lambda: selectors.visit_detail(user, pk))
    _allowed(permissions.can_view_visit(user, visit))
    can_edit = permissions.can_edit_visit(user, visit)
    photo_form, sample_form = forms.PhotoForm(), forms.SampleForm()
    conclude_form, propose_form = forms.ConcludeForm(), forms.ProposeForm()
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(can_edit.reason)
        action = request.POST.get("form")
        done = None
        if action == "photo":
            photo_form = forms.PhotoForm(request.POST, request.FILES)
            if photo_form.is_valid():
                done = _run(request, photo_form, lambda: services.add_photo(
                    actor=user, visit=visit, file=photo_form.cleaned_data["photo"],
                    caption=photo_form.cleaned_data["caption"]), _("Đã thêm ảnh."))
        elif action == "sample":
            sample_form = forms.SampleForm(request.POST)
            if sample_form.is_valid():
                done = _run(request, sample_form, lambda: services.add_sample(
                    actor=user, visit=visit, **sample_form.cleaned_data),
                    _("Đã ghi mẫu kiểm nghiệm."))
        elif action == "conclude":
            conclude_form = forms.ConcludeForm(request.POST)
            if conclude_form.is_valid():
                done = _run(request, conclude_form, lambda: services.conclude_visit(
                    actor=user, visit=visit, **conclude_form.cleaned_data),
                    _("Đã ghi kết luận kiểm tra."))
        elif action == "propose":
            propose_form = forms.ProposeForm(request.POST)
            if propose_form.is_valid():
                done = _run(request, propose_form, lambda: services.propose_revocation(
                    actor=user, visit=visit, reason=propose_form.cleaned_data["reason"]),
                    _("Đã gửi đề nghị thu hồi giấy chứng nhận tới cơ quan thường trực."))
        else:
            raise Http404
        if done is not None:
            return redirect("inspections:visit_detail", pk=visit.pk)
    findings = list(visit.findings.all())
    proposals = list(visit.proposals.select_related("certificate"))
    failed = any(f.result == FindingResult.FAIL for f in findings)
    open_proposal = any(p.state == ProposalState.PROPOSED for p in proposals)
    bound = [f for f in (photo_form, sample_form, conclude_form, propose_form) if f.is_bound]
    return render(request, "inspections/visit_detail.html", {
        "visit": visit, "findings": findings, "photos": visit.photos.all(),
        "samples": visit.samples.all(), "proposals": proposals, "can_edit": can_edit,
        "can_propose": bool(can_edit) and failed and not open_proposal
        and visit.certificate.revoked_on is None,
        "photo_form": photo_form, "sample_form": sample_form, "conclude_form": conclude_form,
        "propose_form": propose_form, "checklist": CHECKLIST,
    }, status=400 if any(f.errors for f in bound) else 200)


@login_required
@require_GET
def visit_photo(request: HttpRequest, pk: int, photo: int) -> HttpResponse:
    visit = _found(lambda: selectors.visit_detail(request.user, pk))
    if not permissions.can_view_visit(request.user, visit):
        raise Http404
    found = visit.photos.filter(pk=photo).first()
    if found is None:
        raise Http404
    return serve_protected(request, found.file, found.original_name or found.file.name,
                           as_attachment=False)


@login_required
@require_http_methods(["GET", "POST"])
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    proposal = _found(lambda: selectors.proposal_detail(user, pk))
    can_decide = permissions.can_complete_revocation(user, proposal)
    complete_form, decline_form = forms.CompleteForm(), forms.DeclineForm()
    if request.method == "POST":
        if not can_decide:
            raise PermissionDenied(can_decide.reason)
        done = None
        if request.POST.get("form") == "decline":
            decline_form = forms.DeclineForm(request.POST)
            if decline_form.is_valid():
                done = _run(request, decline_form, lambda: services.decline_revocation(
                    actor=user, proposal=proposal, note=decline_form.cleaned_data["note"]),
                    _("Đã ghi nhận không thu hồi giấy chứng nhận."))
        else:
            complete_form = forms.CompleteForm(request.POST)
            if complete_form.is_valid():
                done = _run(request, complete_form, lambda: services.complete_revocation(
                    actor=user, proposal=proposal, **complete_form.cleaned_data),
                    _("Đã thu hồi giấy chứng nhận %(number)s.")
                    % {"number": proposal.certificate.number})
        if done is not None:
            return redirect("certificates:detail", number=proposal.certificate.number)
    return render(request, "inspections/proposal_detail.html", {
        "proposal": proposal, "visit": proposal.visit,
        "can_decide": bool(can_decide) and proposal.state == ProposalState.PROPOSED,
        "complete_form": complete_form, "decline_form": decline_form,
        "reason_preview": services.revocation_reason(proposal),
    }, status=400 if complete_form.errors or decline_form.errors else 200)


@login_required
@require_GET
def complaint_list(request: HttpRequest) -> HttpResponse:
    _allowed(permissions.can_use_inspections(request.user))
    return render(request, "inspections/complaint_list.html",
                  {"complaints": selectors.complaints_for(request.user)[:200]})


@login_required
@require_GET
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _found(lambda: selectors.complaint_detail(request.user, pk))
    return render(request, "inspections/complaint_detail.html", {
        "complaint": complaint,
        "can_handle": bool(permissions.can_handle_complaint(request.user, complaint))
        and complaint.state == "new",
    })


@login_required
@require_POST
def complaint_close(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _found(lambda: selectors.complaint_detail(request.user, pk))
    try:
        services.close_complaint(actor=request.user, complaint=complaint)
    except Refusal as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã đóng phản ánh."))
    return redirect("inspections:complaint_detail", pk=complaint.pk)


@login_required
@require_GET
def complaint_photo(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _found(lambda: selectors.complaint_detail(request.user, pk))
    return serve_protected(request, complaint.photo,
                           complaint.photo_name or complaint.photo.name, as_attachment=False)


# --- Public complaint form -------------------------------------------------------------------


def _client(group: str, request: HttpRequest) -> str:
    return client_ip(request) or ""


def _limited(request: HttpRequest) -> bool:
    """Opening the form counts with the other public pages; sending counts on its own, much
    lower limit (each report lands in an office's work list)."""
    if request.method == "POST":
        return is_ratelimited(request, group="ocop.complaint", key=_client,
                              rate=settings.COMPLAINT_RATE_LIMIT, increment=True)
    return is_ratelimited(request, group="ocop.public", key=_client,
                          rate=settings.PUBLIC_RATE_LIMIT, increment=True)


def _too_many(request: HttpRequest) -> HttpResponse:
    response = render(request, "accounts/too_many.html", {"message": _(
        "Bạn đã gửi quá nhiều phản ánh trong thời gian ngắn. Vui lòng thử lại sau.")},
        status=429)
    response["Retry-After"] = "600"
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def complaint_public(request: HttpRequest) -> HttpResponse:
    """Public (no login): a consumer reports a suspected fake or a violation, from the stamp
    scan page (``?tem=``) or the certificate verification page (``?so=``)."""
    if _limited(request):
        return _too_many(request)
    initial = {"stamp": request.GET.get("tem", "")[:300],
               "certificate_number": request.GET.get("so", "")[:32]}
    form = forms.ComplaintForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            complaint = services.submit_complaint(
                text=data["text"], contact=data["contact"], stamp=data["stamp"],
                certificate_number=data["certificate_number"], photo=data["photo"])
        except Refusal as exc:
            forms.add_refusal(form, exc)
        else:
            response = render(request, "inspections/complaint_public.html",
                              {"sent": complaint.reference})
            response["Cache-Control"] = "no-store"
            return response
    response = render(request, "inspections/complaint_public.html", {"form": form},
                      status=400 if form.errors else 200)
    response["Cache-Control"] = "no-store"
    return response

