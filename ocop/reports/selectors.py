"""Every read of standard reports, scoped to the reader's jurisdiction (``permissions``)."""

from __future__ import annotations

from uuid import UUID

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from ocop.accounts.models import User
from ocop.core.refusals import NotFound
from ocop.reports.models import Report
from ocop.reports.permissions import can_read, can_use
from ocop.units.models import Unit


def reports_for(user: User) -> QuerySet[Report]:
    """The reports whose scope lies in the user's jurisdiction (``permissions.can_read`` as one
    filter), newest first: the nation's and every other for the centre; a province's own and
    its communes' for its office; a commune's own for its officer."""
    qs = Report.objects.select_related("scope", "requested_by").order_by("-created_at")
    if not can_use(user):
        return qs.none()
    if user.is_nationwide:
        return qs
    unit = user.unit
    if unit.level == Unit.Level.PROVINCE:
        return qs.filter(Q(scope_id=unit.pk) | Q(scope__current_province_id=unit.pk))
    return qs.filter(scope_id=unit.pk)


def report_for(user: User, pk: UUID) -> Report:
    """The report, or ``NotFound`` when it does not exist or lies outside the user's reach
    (the same answer for both)."""
    report = Report.objects.select_related("scope", "requested_by").filter(pk=pk).first()
    if report is None or not can_read(user, report):
        raise NotFound(_("Không tìm thấy báo cáo."), code="reports.not_found")
    return report
