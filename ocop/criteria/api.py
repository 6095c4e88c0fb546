"""Criteria API: the sheets are public reference data and evaluation is a calculator, so no login.

Bodies are read raw (``requests.parse_json``) so that a repeated criterion key is refused rather
than silently collapsed by a dict.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from ocop.criteria import requests, selectors
from ocop.criteria.engine import CriteriaSetError, EvaluationError
from ocop.rules.councils import CHAIR_REQUIRED, QUORUM_RATIO, SCORE_SPREAD_LIMIT

router = Router(tags=["criteria"])


class SetSummary(Schema):
    code: str
    version: int
    title_vi: str
    title_en: str
    decision: str
    status: str
    product_set: str
    product_sets: list[str]
    effective_from: str
    effective_to: str | None
    locked: bool
    sha256: str


class CriteriaErrorOut(Schema):
    error: str
    problems: list[dict[str, Any]]


def _summary(row) -> dict[str, Any]:
    return {
        "code": row.code,
        "version": row.version,
        "title_vi": row.title_vi,
        "title_en": row.title_en,
        "decision": row.decision,
        "status": row.status_kind,
        "product_set": row.product_set,
        # The product sets a dossier of which is scored on this sheet (its own, or those of
        # the 148 sub-group it is bound to).
        "product_sets": selectors.product_sets_of(row),
        "effective_from": row.effective_from.isoformat(),
        "effective_to": row.effective_to.isoformat() if row.effective_to else None,
        "locked": row.locked,
        "sha256": row.sha256,
    }


def _not_found(code: str) -> Status:
    problem = {"message": f"unknown criteria set {code!r}", "field": "code"}
    return Status(404, {"error": "UnknownCriteriaSet", "problems": [problem]})


EVALUATE_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["answers"],
                    "properties": {
                        "answers": {
                            "type": "object",
                            "additionalProperties": {"type": "string"},
                            "description": "criterion code → option code, e.g. {\"A1\": \"A1.3\"}",
                        },
                        "partial": {"type": "boolean", "default": False},
                        "target_stars": {"type": "integer", "minimum": 1, "maximum": 5},
                    },
                },
                "example": {"answers": {"A1": "A1.3"}, "partial": True},
            }
        },
    }
}

AGGREGATE_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["criteria_set", "members"],
                    "properties": {
                        "criteria_set": {"type": "string"},
                        "council": {
                            "type": "object",
                            "properties": {
                                "size": {"type": "integer"},
                                "quorum_ratio": {"type": "string", "default": str(QUORUM_RATIO)},
                                "quorum_min": {"type": "integer"},
                                "chair_required": {"type": "boolean", "default": CHAIR_REQUIRED},
                                "rescore_limit": {"type": "string",
                                                  "default": str(SCORE_SPREAD_LIMIT)},
                            },
                        },
                        "members": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["member_id", "answers"],
                                "properties": {
                                    "member_id": {"type": "string"},
                                    "answers": {"type": "object"},
                                    "present": {"type": "boolean", "default": True},
                                    "conflicted": {"type": "boolean", "default": False},
                                    "is_chair": {"type": "boolean", "default": False},
                                },
                            },
                        },
                    },
                }
            }
        },
    }
}


@router.get("/criteria-sets", response=list[SetSummary], auth=None)
def list_sets(request: HttpRequest):
    """Danh sách bộ tiêu chí (phiên bản đang hiệu lực của mỗi mã)."""
    return [_summary(r) for r in selectors.current_versions()]


@router.get(
    "/criteria-sets/{code}", response={200: dict[str, Any], 404: CriteriaErrorOut}, auth=None
)
def get_set(request: HttpRequest, code: str):
    """Toàn bộ phiếu đánh giá. ``code`` may name a version: ``CODE@v2``."""
    try:
        row = selectors.get_version(code)
    except selectors.UnknownCriteriaSet:
        return _not_found(code)
    return Status(200, {**_summary(row), "sheet": row.data})


@router.post(
    "/criteria-sets/{code}/evaluate",
    response={200: dict[str, Any], 400: CriteriaErrorOut, 404: CriteriaErrorOut,
              422: CriteriaErrorOut},
    auth=None,
    openapi_extra=EVALUATE_BODY,
)
def evaluate(request: HttpRequest, code: str):
    """Chấm điểm một bộ câu trả lời: điểm từng phần, tổng, hạng sao, tiêu chí bắt buộc, gợi ý
    nâng hạng."""
    try:
        payload = requests.parse_json(request.body)
        return Status(200, requests.evaluate_payload(code, payload))
    except selectors.UnknownCriteriaSet:
        return _not_found(code)
    except requests.RequestError as exc:
        return Status(400, exc.to_dict())
    except (EvaluationError, CriteriaSetError) as exc:
        return Status(422, exc.to_dict())


@router.post(
    "/councils/aggregate",
    response={200: dict[str, Any], 400: CriteriaErrorOut, 404: CriteriaErrorOut,
              422: CriteriaErrorOut},
    auth=None,
    openapi_extra=AGGREGATE_BODY,
)
def aggregate(request: HttpRequest):
    """Tổng hợp điểm hội đồng: điểm trung bình, độ lệch, chấm lại, túc số."""
    try:
        payload = requests.parse_json(request.body)
        return Status(200, requests.aggregate_payload(payload))
    except selectors.UnknownCriteriaSet as exc:
        return _not_found(str(exc))
    except requests.RequestError as exc:
        return Status(400, exc.to_dict())
    except EvaluationError as exc:
        return Status(422, exc.to_dict())
