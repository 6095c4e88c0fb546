"""Certificate pages: the public verification page (no login), and for signed-in users the
list, detail, PDF, revocation form and decision pages. Thin: selectors read (404 outside the
user's reach), services write (403 when visible but not allowed)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ocop.accounts.jurisdiction import list_filters_shown
from ocop.certificates import forms, hooks, permissions, selectors, services
from ocop.certificates.pdf import certificate_pdf
from ocop.core import publiccache
from ocop.core.files import serve_protected
from ocop.dossiers.services import ProductBusy, StateError, follow_up_source
from ocop.dossiers.views import busy_dossier
from ocop.rules.certification import CERTIFIABLE_STARS, can_upgrade

# The public page contract of the WSGI fast path (ocop/core/publiccache.py): replayed to anonymous
# visitors for up to a minute; a save of a certificate makes the stored copies stale.
PUBLIC_CACHE = publiccache.PUBLIC_MAX_AGE_60


@require_GET
def verify(request: HttpRequest, number: str) -> HttpResponse:
    """Public: anyone who scans the QR code. Reads no session and sets no cookie, so a shared
    cache may keep it for a minute (a revocation shows within that minute)."""
    today = timezone.localdate()
    data = selectors.public_verification(number, today)
    response = render(request, "certificates/verify.html",
                      {"d": data, "number": number, "sections": hooks.verify_page_sections(
                          None if data["status"] == "unknown" else data["number"])},
                      status=404 if data["status"] == "unknown" else 200)
    response["Cache-Control"] = PUBLIC_CACHE
    return response


@require_GET
def verify_lookup(request: HttpRequest) -> HttpResponse:
    """The form behind /verify/: typing a number leads to /verify/<number>."""
    number = request.GET.get("so", "").strip().upper()
    if number:
        return redirect("certificates:verify", number=number)
    response = render(request, "certificates/verify.html",
                      {"d": None, "number": "", "sections": hooks.verify_page_sections(None)})
    response["Cache-Control"] = PUBLIC_CACHE
    return response


@login_required
def certificate_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    f = selectors.CertificateFilter.from_params(request.GET)
    page = Paginator(selectors.certificate_list(request.user, f, today),
                     settings.PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "f": f, "today": today, "star_choices": CERTIFIABLE_STARS,
               "show_filters": list_filters_shown(request.user, page, request.GET)}
    if request.htmx and request.htmx.target == "results":
        return render(request, "certificates/list.html#results", context)
    return render(request, "certificates/list.html", context)


@login_required
def certificate_detail(request: HttpRequest, number: str) -> HttpResponse:
    certificate = selectors.certificate_detail(request.user, number)
    today = timezone.localdate()
    user = request.user
    can_renew = permissions.can_renew(user, certificate) and certificate.revoked_on is None
    return render(request, "certificates/detail.html", {
        "c": certificate,
        "status": certificate.status_on(today),
        "status_label": certificate.status_label_on(today),
        "days_left": certificate.days_left_on(today),
        "reminders": certificate.reminders.all(),
        "can_revoke": permissions.can_revoke(user, certificate)
        and certificate.revoked_on is None,
        "can_renew": can_renew,
        "can_upgrade": can_upgrade(certificate.stars),
        # What a follow-up dossier of a certificate entered from paper starts from: the
        # product's latest digital dossier, if it has one (services.open_follow_up_dossier).
        "follows_from": follow_up_source(certificate.product, today)
        if can_renew and not certificate.source_dossier_id else None,
        "verify_path": f"/verify/{certificate.number}",
        "revocation_evidence": hooks.evidence_for(certificate),
    })


@login_required
def certificate_pdf_download(request: HttpRequest, number: str) -> HttpResponse:
    certificate = selectors.certificate_detail(request.user, number)
    content = certificate_pdf(certificate, timezone.localdate())
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{certificate.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def certificate_revoke(request: HttpRequest, number: str) -> HttpResponse:
    certificate = selectors.certificate_detail(request.user, number)
    if not permissions.can_revoke(request.user, certificate):
        raise PermissionDenied
    if certificate.revoked_on is not None:
        messages.info(request, _("Giấy chứng nhận này đã bị thu hồi."))
        return redirect("certificates:detail", number=certificate.number)
    form = forms.RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.revoke_certificate(
                actor=request.user, certificate=certificate,
                reason=form.cleaned_data["reason"],
                decision_number=form.cleaned_data["decision_number"],
                revoked_on=form.cleaned_data["revoked_on"],
            )
        except ValidationError as exc:
            forms.add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã thu hồi giấy chứng nhận %(number)s.")
                             % {"number": certificate.number})
            return redirect("certificates:detail", number=certificate.number)
    return render(request, "certificates/revoke.html", {"c": certificate, "form": form})


@login_required
@require_POST
def certificate_renew(request: HttpRequest, number: str) -> HttpResponse:
    certificate = selectors.certificate_detail(request.user, number)
    upgrade = request.POST.get("upgrade") == "1"
    try:
        dossier = services.open_follow_up_dossier(actor=request.user, certificate=certificate,
                                                  upgrade=upgrade)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("certificates:detail", number=certificate.number)
    except ProductBusy as exc:
        return busy_dossier(request, exc) or redirect("certificates:detail",
                                                      number=certificate.number)
    except StateError as exc:
        messages.error(request, exc.message)
        return redirect("certificates:detail", number=certificate.number)
    if dossier.previous_id:
        messages.success(request,
                         _("Đã mở hồ sơ mới từ hồ sơ lần trước; hãy cập nhật và nộp lại."))
    else:
        # A certificate entered from paper records: nothing digital to copy.
        messages.success(request, _(
            "Đã mở hồ sơ mới. Lần công nhận trước chỉ có hồ sơ giấy nên phiếu đăng ký lấy từ "
            "thông tin sản phẩm; hãy tự đánh giá, đính kèm tài liệu rồi nộp."))
    return redirect("dossiers:detail", pk=dossier.pk)


@login_required
def decision_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    page = Paginator(selectors.decision_list(request.user, q), settings.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "certificates/decision_list.html", {"page": page, "q": q})


@login_required
def decision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    decision = get_object_or_404(selectors.decisions_for(request.user), pk=pk)
    today = timezone.localdate()
    certificates = (
        selectors.certificates_for(request.user).filter(decision=decision)
        .select_related("product", "producer").with_status(today).order_by("number")
    )
    return render(request, "certificates/decision_detail.html", {
        "decision": decision, "certificates": certificates,
        "issuer": selectors.issuer_name(decision),
    })


@login_required
@require_GET
def decision_file(request: HttpRequest, pk: int) -> HttpResponse:
    decision = get_object_or_404(selectors.decisions_for(request.user), pk=pk)
    return serve_protected(request, decision.file, f"quyet-dinh-{decision.pk}.pdf",
                           as_attachment=False)
