"""Annual plans, read-only (mounted at /api/v1/plans). The same selectors as the pages: a plan
outside the caller's reach is ``NotFound``; refusals are ``ocop.core.refusals`` errors, turned
into answers by the API's error contract (ocop/api)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from ocop.api.errors import refusals
from ocop.api.pagination import PageOut, PageParams, paginate
from ocop.api.types import DbId
from ocop.planning import selectors
from ocop.planning.models import AnnualPlan

router = Router(tags=["planning"])


class PlanOut(Schema):
    id: int
    year: int
    title: str
    province: str | None = Field(description="Khoá đơn vị tỉnh (có thể là tỉnh cũ `LP…`); "
                                             "null: Chương trình cấp trung ương")
    province_name: str | None
    decision_number: str
    decision_date: date | None
    status: str = Field(description="draft hoặc approved")


class PlanPage(PageOut):
    results: list[PlanOut]


class PeriodOut(Schema):
    period: str = Field(description="q1, q2, q3, q4 hoặc year")
    start: date
    end: date
    value: int | None = Field(description="Thực hiện, đếm từ dữ liệu; null: kỳ chưa bắt đầu")
    due: int | None = Field(None, description="Chỉ tiêu đánh giá lại: số sản phẩm hết hạn")


class IndicatorOut(Schema):
    id: int
    kind: str
    label: str
    product_group: str | None
    baseline: int | None
    target: int | None
    actual: int | None
    progress_percent: Decimal | None
    no_data: bool = Field(description="Chưa có dữ liệu để tính (ví dụ đào tạo)")
    periods: list[PeriodOut]


class BudgetLineOut(Schema):
    id: int
    content: str
    content_label: str
    source: str
    source_label: str
    description: str
    approved: Decimal = Field(description="Dự toán được duyệt (đồng)")
    committed: Decimal = Field(description="Đã cam kết (đồng)")
    disbursed: Decimal = Field(description="Đã giải ngân (đồng)")


class PlanDetailOut(PlanOut):
    indicators: list[IndicatorOut]
    budget: list[BudgetLineOut]
    budget_approved: Decimal
    budget_committed: Decimal
    budget_disbursed: Decimal


def _plan(plan: AnnualPlan) -> dict[str, Any]:
    return {
        "id": plan.pk, "year": plan.year, "title": plan.title, "province": plan.province_id,
        "province_name": plan.province.full_name if plan.province_id else None,
        "decision_number": plan.decision_number, "decision_date": plan.decision_date,
        "status": plan.status,
    }


@router.get("/plans", response=PlanPage, summary="Danh sách kế hoạch năm")
def list_plans(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    page = paginate(selectors.plan_list(request.auth), params)
    return {**page, "results": [_plan(plan) for plan in page["results"]]}


@router.get("/plans/{plan_id}", response={200: PlanDetailOut, **refusals(404)},
            summary="Kế hoạch năm: chỉ tiêu (thực hiện tính từ dữ liệu) và kinh phí")
def get_plan(request: HttpRequest, plan_id: DbId) -> dict[str, Any]:
    plan = selectors.plan_detail(request.auth, plan_id)
    budget = selectors.budget_summary(plan)
    return {
        **_plan(plan),
        "indicators": [selectors.as_dict(row) for row in selectors.indicator_rows(plan)],
        "budget": [{"id": line.pk, "content": line.content,
                    "content_label": line.get_content_display(), "source": line.source,
                    "source_label": line.get_source_display(), "description": line.description,
                    "approved": line.approved, "committed": line.committed,
                    "disbursed": line.disbursed} for line in budget.lines],
        "budget_approved": budget.total.approved,
        "budget_committed": budget.total.committed,
        "budget_disbursed": budget.total.disbursed,
    }
