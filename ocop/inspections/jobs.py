"""The Excel exports of inspection plans, visits and consumer complaints (ocop/jobs/exports.py).

Who may export is who may open the page the list is on (``can_use_inspections``; complaints:
the accounts that read them), and the rows are the app's selectors for the requester: a commune
officer gets the visits of its commune's products, a producer only its concluded visits. A
complaint's ``contact`` (the consumer's phone or e-mail) is not exported: the page shows it to
the officers handling the complaint, but a file leaves the platform and needs no personal data.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ocop.accounts.models import User
from ocop.core.refusals import ALLOWED, Verdict, denied
from ocop.inspections import permissions, selectors
from ocop.inspections.models import (
    Complaint,
    ComplaintState,
    FindingResult,
    InspectionPlan,
    PlanKind,
    Visit,
)
from ocop.jobs.exports import Column, ListExport, list_page, register_export


def _count(qs: QuerySet, field: str) -> Coalesce:
    """How many rows of ``qs`` point at the outer row through ``field`` (0 for none)."""
    return Coalesce(Subquery(qs.filter(**{field: OuterRef("pk")}).order_by().values(field)
                             .annotate(n=Count("pk")).values("n"), output_field=IntegerField()),
                    0)


def _plans(user: User, filters: Mapping[str, str]) -> QuerySet[InspectionPlan]:
    return selectors.plans_for(user).annotate(
        inspector_count=Count("inspectors", distinct=True),
        visit_count=_count(selectors.visits_for(user), "plan"))


def _visits(user: User, filters: Mapping[str, str]) -> QuerySet[Visit]:
    return selectors.visits_for(user).select_related(
        "plan", "product__producer__commune", "certificate", "inspector").annotate(
        failed=Count("findings", filter=Q(findings__result=FindingResult.FAIL)))


def _complaints(user: User, filters: Mapping[str, str]) -> QuerySet[Complaint]:
    return selectors.complaints_for(user)


def _may_read_complaints(user: User) -> Verdict:
    if not (verdict := permissions.can_use_inspections(user)):
        return verdict
    if user.is_nationwide or user.role in permissions.OFFICE_ROLES:
        return ALLOWED
    return denied(_("Phản ánh của người tiêu dùng chỉ dành cho cơ quan thường trực và đoàn "
                    "kiểm tra của tỉnh."), "inspections.complaints_not_for_you")


def _person(user: User | None) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


PLANS = register_export(ListExport(
    name="inspections.plans",
    title=gettext_lazy("Danh sách kế hoạch kiểm tra sau công nhận"),
    sheet="Kế hoạch kiểm tra",
    filename="ke-hoach-kiem-tra",
    page=list_page("inspections:index"),
    columns=(
        Column("Số kế hoạch", lambda p: p.reference, width=12),
        Column("Tên kế hoạch", lambda p: p.title, width=40),
        Column("Loại", lambda p: p.kind, width=26, choices=PlanKind.choices),
        Column("Tỉnh/thành phố", lambda p: p.province.full_name, width=22),
        Column("Từ ngày", lambda p: p.starts_on, "date", 12),
        Column("Đến ngày", lambda p: p.ends_on, "date", 12),
        Column("Số người kiểm tra", lambda p: p.inspector_count, "int", 12),
        Column("Số lần kiểm tra", lambda p: p.visit_count, "int", 12),
    ),
    rows=_plans,
    allowed=permissions.can_use_inspections,
))

VISITS = register_export(ListExport(
    name="inspections.visits",
    title=gettext_lazy("Danh sách lần kiểm tra sau công nhận"),
    sheet="Lần kiểm tra",
    filename="lan-kiem-tra",
    page=list_page("inspections:index"),
    columns=(
        Column("Số biên bản", lambda v: v.reference, width=12),
        Column("Ngày kiểm tra", lambda v: v.visited_on, "date", 13),
        Column("Kế hoạch", lambda v: f"{v.plan.reference} — {v.plan.title}", width=36),
        Column("Sản phẩm", lambda v: v.product.name, width=32),
        Column("Chủ thể", lambda v: v.product.producer.name, width=30),
        Column("Xã/phường", lambda v: v.product.producer.commune.full_name, width=28),
        Column("Giấy chứng nhận", lambda v: v.certificate.number, width=20),
        Column("Người kiểm tra", lambda v: _person(v.inspector), width=22),
        Column("Địa điểm", lambda v: v.place, width=28),
        Column("Kết quả", lambda v: "Đã kết luận" if v.concluded else "Chưa kết luận",
               width=14),
        Column("Số nội dung không đạt", lambda v: v.failed, "int", 12),
        Column("Kết luận", lambda v: v.conclusion, width=40),
        Column("Biện pháp xử lý", lambda v: v.sanctions, width=30),
        Column("Hạn khắc phục", lambda v: v.follow_up_by, "date", 13),
    ),
    rows=_visits,
    allowed=permissions.can_use_inspections,
))

COMPLAINTS = register_export(ListExport(
    name="inspections.complaints",
    title=gettext_lazy("Danh sách phản ánh của người tiêu dùng"),
    sheet="Phản ánh",
    filename="phan-anh",
    page=list_page("inspections:complaint_list"),
    columns=(
        Column("Số phản ánh", lambda c: c.reference, width=12),
        Column("Nhận lúc", lambda c: c.received_at, "datetime", 17),
        Column("Tỉnh/thành phố", lambda c: c.province.full_name if c.province_id else "",
               width=22),
        Column("Sản phẩm", lambda c: c.product.name if c.product_id else "", width=32),
        Column("Số giấy chứng nhận", lambda c: c.certificate.number if c.certificate_id
               else c.certificate_number, width=20),
        Column("Nội dung phản ánh", lambda c: c.text, width=60),
        Column("Trạng thái", lambda c: c.state, width=26, choices=ComplaintState.choices),
        Column("Kế hoạch kiểm tra", lambda c: c.plan.reference if c.plan_id else "", width=14),
    ),
    rows=_complaints,
    allowed=_may_read_complaints,
))
