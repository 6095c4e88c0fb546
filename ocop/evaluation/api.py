"""Evaluation API: a member's own score sheet and the chair's summary. Same blind-scoring and
conflict rules as the pages (selectors.py): anything not the caller's answers 404. The services'
refusals (StateError 409, Forbidden 403, NotAssigned 404, ValidationError 422) reach the API's
handlers as they are (ocop/api/errors.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from ocop.api.errors import refusals
from ocop.api.types import DbId
from ocop.evaluation import selectors, services
from ocop.evaluation.permissions import NotAssigned

router = Router(tags=["evaluation"])


class SheetOut(Schema):
    dossier: int
    revision: int
    criteria_set: str
    state: str = Field(description="none, draft hoặc submitted")
    answers: dict[str, str]
    total: str | None = Field(None, description="Tổng điểm của chính bạn, sau khi nộp")
    submitted_at: datetime | None = None
    revision_closed: bool


class SheetIn(Schema):
    answers: dict[str, str | None] = Field(
        description="Mã tiêu chí → mã phương án; rỗng/null để bỏ chọn")


class ProgressOut(Schema):
    member: str
    role: str
    state: str = Field(description="none, draft, submitted, conflicted (không có điểm)")


class RevisionOut(Schema):
    revision: int
    mean: str
    stars: int
    spread: str
    rescore_required: bool
    quorum_met: bool
    final: bool
    members: dict[str, str] = Field(description="Tên thành viên → tổng điểm")
    criteria: list[dict[str, Any]]


class SummaryOut(Schema):
    council: int
    dossier: int
    revision: int
    submitted: int
    expected: int
    progress: list[ProgressOut]
    results: list[RevisionOut] = Field(description="Chỉ các lượt chấm chủ tịch đã khoá")


def _sheet_out(page: selectors.ScoringPage) -> dict[str, Any]:
    sheet = page.sheet
    return {
        "dossier": page.dossier.pk, "revision": page.assignment.revision,
        "criteria_set": str(page.dossier.criteria_set),
        "state": sheet.state if sheet else "none", "answers": sheet.answers if sheet else {},
        "total": str(sheet.total) if sheet and sheet.total is not None else None,
        "submitted_at": sheet.submitted_at if sheet else None,
        "revision_closed": page.revision_closed,
    }


@router.get("/score-sheets/{dossier_id}", response={200: SheetOut, **refusals(404)},
            summary="Phiếu chấm của chính thành viên")
def get_sheet(request: HttpRequest, dossier_id: DbId):
    return _sheet_out(selectors.scoring_page(request.auth, dossier_id))


@router.put("/score-sheets/{dossier_id}",
            response={200: SheetOut, **refusals(403, 404, 409, 422)},
            summary="Lưu nháp phiếu chấm")
def put_sheet(request: HttpRequest, dossier_id: DbId, payload: SheetIn):
    services.save_draft(actor=request.auth, dossier=selectors.find_dossier(dossier_id),
                        answers=payload.answers)
    return _sheet_out(selectors.scoring_page(request.auth, dossier_id))


@router.post("/score-sheets/{dossier_id}/submit",
             response={200: SheetOut, **refusals(403, 404, 409, 422)},
             summary="Nộp phiếu chấm (một lần)")
def submit_sheet(request: HttpRequest, dossier_id: DbId):
    services.submit_sheet(actor=request.auth, dossier=selectors.find_dossier(dossier_id))
    return _sheet_out(selectors.scoring_page(request.auth, dossier_id))


@router.get("/councils/{council_id}/summary",
            response={200: list[SummaryOut], **refusals(404)},
            summary="Tổng hợp của chủ tịch hội đồng (từng hồ sơ được phân công)")
def council_summary(request: HttpRequest, council_id: DbId):
    ids = selectors.council_dossier_ids(council_id)
    if not ids:
        raise NotAssigned
    out = []
    for dossier_id in ids:
        summary = selectors.chair_summary(request.auth, council_id, dossier_id)
        out.append({
            "council": council_id, "dossier": dossier_id,
            "revision": summary.assignment.revision,
            "submitted": summary.submitted, "expected": summary.expected,
            "progress": [{"member": str(p.member), "role": p.member.role, "state": str(p.state)}
                         for p in summary.progress],
            "results": [{
                "revision": r.revision, "mean": str(r.mean), "stars": r.stars,
                "spread": str(r.spread), "rescore_required": r.rescore_required,
                "quorum_met": r.quorum_met, "final": r.final,
                "members": {summary.names.get(m["member_id"], m["member_id"]): m["total"]
                            for m in r.data.get("members", [])},
                "criteria": r.data.get("criteria", []),
            } for r in summary.results],
        })
    return out
