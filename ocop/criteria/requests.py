"""One request format for the API, the command line and the web page.

All three parse their input here and print ``to_dict()`` of the same engine objects, so the same
answers give the same JSON everywhere. JSON objects with a repeated key are refused: for
``{"A1": "a", "A1": "b"}`` a plain parser silently keeps the last one.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from ocop.criteria import selectors
from ocop.criteria.engine import (
    CouncilConfig,
    CriteriaSet,
    EvaluationError,
    MemberSheet,
    Problem,
    advise,
    aggregate,
    answers_from_pairs,
    evaluate,
)
from ocop.criteria.engine.model import MAX_STARS
from ocop.criteria.models import CriteriaSetVersion
from ocop.rules.councils import CHAIR_REQUIRED, QUORUM_RATIO, SCORE_SPREAD_LIMIT


class RequestError(ValueError):
    """Bad request: ``problems`` names each offending item."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))

    def to_dict(self) -> dict[str, Any]:
        return {"error": "RequestError", "problems": [p.to_dict() for p in self.problems]}


def _pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            raise RequestError([Problem(f"duplicate key {key!r}", "request", field=key)])
        seen.add(key)
    return dict(pairs)


def parse_json(raw: bytes | str) -> Any:
    try:
        return json.loads(raw, object_pairs_hook=_pairs_hook)
    except RequestError:
        raise
    except (ValueError, UnicodeDecodeError) as exc:
        raise RequestError([Problem(f"malformed JSON: {exc}", "request")]) from exc


def _answers(value: Any, where: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise RequestError([Problem("answers must be an object {criterion: option}", where)])
    try:
        return answers_from_pairs(list(value.items()))
    except EvaluationError as exc:
        raise RequestError(exc.problems) from exc


def evaluate_payload(code: str, payload: Any,
                     loaded: tuple[CriteriaSetVersion, CriteriaSet] | None = None
                     ) -> dict[str, Any]:
    """``{"answers": {...}, "partial": false, "target_stars": null}`` → evaluation + advice.
    ``loaded`` scores on a version already in hand (a staged one being previewed, which
    ``code`` lookups never return)."""
    if not isinstance(payload, dict):
        raise RequestError([Problem("the body must be a JSON object", "request")])
    unknown = set(payload) - {"answers", "partial", "target_stars"}
    if unknown:
        raise RequestError(
            [Problem(f"unknown field {k!r}", "request", field=k) for k in sorted(unknown)]
        )
    partial = payload.get("partial", False)
    if not isinstance(partial, bool):
        raise RequestError([Problem("partial must be true or false", "request", field="partial")])
    target = payload.get("target_stars")
    answers = _answers(payload.get("answers"), "answers")
    row, criteria_set = loaded or selectors.load(code)
    result = evaluate(criteria_set, answers, partial=partial)
    out = result.to_dict()
    out["set"]["sha256"] = row.sha256
    # Advice needs every criterion answered (a partial self-assessment gets it once complete),
    # and a 5-star sheet has no next star unless a target is asked for.
    incomplete = result.partial and bool(result.missing)
    if incomplete or (result.stars >= MAX_STARS and target is None):
        out["advice"] = None
    else:
        out["advice"] = advise(criteria_set, answers, target_stars=target).to_dict()
    return out


def _decimal(value: Any, field: str, default: Decimal) -> Decimal:
    if value is None:
        return default
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise RequestError([Problem(f"{field} must be a number", "council", field=field)]) from exc


def aggregate_payload(payload: Any) -> dict[str, Any]:
    """``{"criteria_set": CODE, "council": {...}, "members": [...]}`` → council result."""
    if not isinstance(payload, dict):
        raise RequestError([Problem("the body must be a JSON object", "request")])
    code = payload.get("criteria_set")
    if not isinstance(code, str) or not code:
        raise RequestError([Problem("criteria_set (a set code) is required", "request")])
    council = payload.get("council") or {}
    members = payload.get("members")
    if not isinstance(council, dict):
        raise RequestError([Problem("council must be an object", "request", field="council")])
    if not isinstance(members, list) or not members:
        raise RequestError([Problem("members must be a non-empty list", "request")])
    sheets: list[MemberSheet] = []
    for i, m in enumerate(members):
        where = f"members[{i}]"
        if not isinstance(m, dict) or not isinstance(m.get("member_id"), str):
            raise RequestError([Problem("each member needs a member_id string", where)])
        flags = {k: m.get(k, d) for k, d in (("present", True), ("conflicted", False),
                                             ("is_chair", False))}
        for key, value in flags.items():
            if not isinstance(value, bool):
                raise RequestError([Problem(f"{key} must be true or false", where, field=key)])
        answers = _answers(m.get("answers"), where)
        sheets.append(MemberSheet(member_id=m["member_id"], answers=answers, **flags))
    size = council.get("size", len(sheets))
    config = CouncilConfig(
        size=size,
        quorum_ratio=_decimal(council.get("quorum_ratio"), "quorum_ratio", QUORUM_RATIO),
        quorum_min=council.get("quorum_min"),
        chair_required=bool(council.get("chair_required", CHAIR_REQUIRED)),
        rescore_limit=_decimal(council.get("rescore_limit"), "rescore_limit",
                               SCORE_SPREAD_LIMIT),
    )
    row, criteria_set = selectors.load(code)
    out = aggregate(criteria_set, sheets, config).to_dict()
    out.setdefault("set", {"code": row.code, "version": row.version})
    return out
