"""Every read of the inspections app, scoped to the user's jurisdiction.

- central and administrators: everything;
- province office and inspectors: their province's plans, visits and complaints;
- commune officers: the visits of products of their commune (and the plans holding them);
- producers: the visits of their own products once concluded; never plans or complaints.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _

from ocop.accounts.jurisdiction import unit_q
from ocop.accounts.models import Role, User
from ocop.certificates.models import Certificate
from ocop.core.refusals import NotFound
from ocop.inspections import permissions
from ocop.inspections.models import (
    CHECKLIST,
    Complaint,
    ComplaintState,
    FindingResult,
    HeldVisit,
    InspectionPlan,
    ProposalState,
    RevocationProposal,
    Visit,
)
from ocop.inspections.permissions import OFFICE_ROLES, province_id_of
from ocop.registry.models import Product

_VISIT_RELATED = ("plan", "plan__province", "product", "product__producer",
                  "product__producer__commune", "certificate", "inspector")


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def visits_for(user: User) -> QuerySet[Visit]:
    qs = Visit.objects.all()
    if not _active(user):
        return qs.none()
    if user.is_nationwide:
        return qs
    if user.role == Role.PRODUCER:
        if not user.producer_id:
            return qs.none()
        return qs.filter(product__producer_id=user.producer_id, concluded_at__isnull=False)
    if user.role in OFFICE_ROLES:
        province = province_id_of(user)
        return qs.filter(plan__province_id=province) if province else qs.none()
    if user.role == Role.COMMUNE_OFFICER:
        return qs.filter(unit_q(user, "product__producer__commune"))
    return qs.none()


def plans_for(user: User) -> QuerySet[InspectionPlan]:
    qs = InspectionPlan.objects.select_related("province")
    if not _active(user):
        return qs.none()
    if user.is_nationwide:
        return qs
    if user.role in OFFICE_ROLES:
        province = province_id_of(user)
        return qs.filter(province_id=province) if province else qs.none()
    if user.role == Role.COMMUNE_OFFICER:
        return qs.filter(pk__in=visits_for(user).values("plan_id"))
    return qs.none()


def complaints_for(user: User) -> QuerySet[Complaint]:
    qs = Complaint.objects.select_related("province", "product", "certificate", "plan")
    if not _active(user):
        return qs.none()
    if user.is_nationwide:
        return qs
    if user.role in OFFICE_ROLES:
        province = province_id_of(user)
        return qs.filter(province_id=province) if province else qs.none()
    return qs.none()


def proposals_for(user: User) -> QuerySet[RevocationProposal]:
    return RevocationProposal.objects.filter(visit__in=visits_for(user)).select_related(
        "visit", "visit__product", "certificate", "proposed_by")


def _get(qs: QuerySet, pk: Any, message: str) -> Any:
    try:
        return qs.get(pk=int(pk))
    except (Visit.DoesNotExist, InspectionPlan.DoesNotExist, Complaint.DoesNotExist,
            RevocationProposal.DoesNotExist, ValueError, TypeError):
        raise NotFound(message, code="inspections.not_found") from None


def plan_detail(user: User, pk: Any) -> InspectionPlan:
    return _get(plans_for(user).prefetch_related("inspectors"), pk,
                _("Không tìm thấy kế hoạch kiểm tra."))


def visit_detail(user: User, pk: Any) -> Visit:
    return _get(visits_for(user).select_related(*_VISIT_RELATED), pk,
                _("Không tìm thấy lần kiểm tra."))


def complaint_detail(user: User, pk: Any) -> Complaint:
    return _get(complaints_for(user), pk, _("Không tìm thấy phản ánh."))


def proposal_detail(user: User, pk: Any) -> RevocationProposal:
    return _get(proposals_for(user).select_related(
        "visit__plan", "certificate__product", "certificate__administered_by"), pk,
        _("Không tìm thấy đề nghị thu hồi."))


def plan_visits(user: User, plan: InspectionPlan) -> QuerySet[Visit]:
    return visits_for(user).filter(plan=plan).select_related(*_VISIT_RELATED)


def certified_products(user: User, province_id: str, day: date) -> QuerySet[Product]:
    """Products of the province, inside the user's jurisdiction, with a certificate valid on
    ``day``: what a visit form offers (the service checks each rule again)."""
    valid = Certificate.objects.valid_on(day).values("product_id")
    qs = Product.objects.filter(pk__in=valid,
                                producer__commune__current_province_id=province_id)
    if not _active(user):
        return qs.none()
    if not user.is_nationwide:
        qs = qs.filter(unit_q(user, "producer__commune"))
    return qs.select_related("producer").order_by("name", "id")


def inspectable_products(user: User, province_id: str) -> QuerySet[Product]:
    """Every product of the plan's province, certified or not: what a posted visit form
    accepts, so that the service (not the form) says why a product cannot be inspected."""
    return Product.objects.filter(producer__commune__current_province_id=province_id) \
        .select_related("producer", "producer__commune")


def assignable_inspectors_anywhere() -> QuerySet[User]:
    return User.objects.filter(role__in=list(OFFICE_ROLES), is_active=True).select_related(
        "unit").order_by("unit__name", "role", "last_name", "first_name", "username")


def assignable_inspectors(province_id: str) -> QuerySet[User]:
    return User.objects.filter(
        Q(unit_id=province_id) | Q(unit__current_province_id=province_id),
        role__in=list(OFFICE_ROLES), is_active=True,
    ).order_by("role", "last_name", "first_name", "username")


def work_list(user: User, today: date) -> dict[str, Any]:
    """What waits for the user: new complaints, open revocation proposals, follow-ups due."""
    return {
        "complaints": list(complaints_for(user).filter(state=ComplaintState.NEW)[:50]),
        "proposals": list(proposals_for(user).filter(state=ProposalState.PROPOSED)[:50]),
        "follow_ups": list(visits_for(user).select_related(*_VISIT_RELATED)
                           .filter(follow_up_by__isnull=False, follow_up_by__gte=today)
                           .order_by("follow_up_by", "id")[:50]),
        "plans": list(plans_for(user)[:50]),
        "recent": list(visits_for(user).select_related(*_VISIT_RELATED)[:20]),
    }


def product_visits(user: User, product: Product) -> QuerySet[Visit]:
    return visits_for(user).filter(product=product).select_related(*_VISIT_RELATED)


def revocation_evidence(certificate: Certificate) -> dict[str, str] | None:
    """The visit whose proposal led to the revocation (provided to the certificates app's
    ``revocation_evidence`` hook). The link is shown to whoever sees the certificate page; the
    visit page itself checks its own rule."""
    proposal = (RevocationProposal.objects.filter(certificate=certificate,
                                                  state=ProposalState.COMPLETED)
                .select_related("visit").order_by("-decided_at").first())
    if proposal is None:
        return None
    visit = proposal.visit
    return {"label": _("Biên bản kiểm tra %(ref)s ngày %(day)s")
            % {"ref": visit.reference, "day": f"{visit.visited_on:%d/%m/%Y}"},
            "url": reverse("inspections:visit_detail", args=[visit.pk])}


def kept_offline(plan: InspectionPlan, today: date) -> bool:
    """Whether ``offline_manifest`` keeps the plan's visit form: while the plan runs."""
    return plan.ends_on >= today


def offline_manifest(user: User, today: date) -> dict[str, Any]:
    """What the inspector's device may keep for offline use (docs/offline.md): the inspections
    home and the visit form of each plan still running (``kept_offline``) that the user may
    record visits under. Visits of others, complaints and proposals are not kept."""
    plans = [plan for plan in plans_for(user).filter(ends_on__gte=today).prefetch_related(
        "inspectors")[:50] if permissions.can_record_visit(user, plan)]
    return {
        "user": user.pk, "pages": [reverse("inspections:index")],
        "dossiers": [{"dossier": plan.pk, "reference": plan.reference, "product": plan.title,
                      "url": reverse("inspections:visit_create", args=[plan.pk]),
                      "evidence": []} for plan in plans],
        "static": [static(name) for name in ("ocop/site.css", "ocop/site.js",
                                             "ocop/ocop-mark.svg", "django_htmx/htmx-2.min.js",
                                             "evaluation/offline/queue.js",
                                             "evaluation/offline/visit.js",
                                             "evaluation/offline/manifest.webmanifest",
                                             "evaluation/offline/icon.svg")],
    }


def held_visits(plan: InspectionPlan) -> list[HeldVisit]:
    """The held visits of the plan, each with ``findings_shown``: (checklist item's title,
    result's label, note) — the words of the form, not the stored keys."""
    rows = list(HeldVisit.objects.select_related("inspector").filter(plan=plan))
    results = dict(FindingResult.choices)
    for row in rows:
        findings = row.data.get("findings") if isinstance(row.data.get("findings"), dict) else {}
        row.findings_shown = [
            (CHECKLIST.get(item, _("Mục không còn trong danh mục kiểm tra")),
             results.get(value[0], "") if isinstance(value, list) and value else "",
             value[1] if isinstance(value, list) and len(value) > 1 else "")
            for item, value in findings.items()]
    return rows
