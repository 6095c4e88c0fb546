"""The evaluation's policy as pure functions: no query, no request, no write.

Each function decides from objects its caller has already loaded (a member with its user and
home commune, a dossier with its producer and commune, a result row), so the same facts give the
same answer on every page, API operation, export and background job. Selectors load the facts;
permissions.py turns the decisions about people into reasons; services.py writes.

Programme-wide numbers (a council's quorum and rescore limit) are the council's own fields and
their defaults live with the council model; this module holds only the decisions the evaluation
app makes with them.
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ocop.core.text import fold
from ocop.criteria.engine import CouncilConfig, CriteriaSet, Problem
from ocop.criteria.templatetags.criteria_tags import localized
from ocop.dossiers.models import Dossier, DossierState, Round
from ocop.evaluation.models import (
    ConflictDeclaration,
    Council,
    CouncilMember,
    CouncilResult,
    ScoreSheet,
)
from ocop.rules.levels import basis, levels_in_force

# Dossier states in which the evaluation has started (the round's results page lists these).
EVALUATED_STATES = (DossierState.UNDER_EVALUATION, DossierState.SCORED, DossierState.RECOGNISED,
                    DossierState.NOT_RECOGNISED, DossierState.PROPOSED_UP)
# The round's recognition page: the dossiers a decision may still take (being scored, scored),
# and those the round has closed one way or another.
AWAITING_DECISION_STATES = (DossierState.UNDER_EVALUATION, DossierState.SCORED)
DECIDED_STATES = (DossierState.RECOGNISED, DossierState.NOT_RECOGNISED, DossierState.PROPOSED_UP)


# --- Conflicts of interest -------------------------------------------------------------------


def _folded_lines(text: str) -> set[str]:
    return {fold(line) for line in text.splitlines() if line.strip()}


def hard_conflict(member: CouncilMember, dossier: Dossier) -> bool:
    """The member's own account belongs to the applicant: never allowed to score it."""
    return member.user.producer_id is not None and member.user.producer_id == dossier.producer_id


def conflict_hints(member: CouncilMember, dossier: Dossier) -> list[str]:
    """Reasons to suspect a conflict of interest (the member confirms or explains them)."""
    producer = dossier.producer
    hints = []
    if hard_conflict(member, dossier):
        hints.append(_("Tài khoản của thành viên thuộc chính chủ thể nộp hồ sơ."))
    name = fold(producer.name)
    for organisation in member.organisations or ():
        if fold(organisation) and (fold(organisation) in name or name in fold(organisation)):
            hints.append(_("Thành viên đã kê khai tham gia “%(organisation)s”, trùng với chủ thể.")
                         % {"organisation": organisation})
    if member.home_commune_id is not None:
        own = member.home_commune.current_commune_id or member.home_commune_id
        if own == producer.commune.current_commune_id:
            hints.append(_("Thành viên cư trú cùng xã/phường với chủ thể."))
    representative = fold(producer.representative_name)
    if representative and representative in _folded_lines(member.declared_relatives):
        hints.append(_("Người đại diện của chủ thể có tên trong danh sách người thân đã kê khai."))
    return hints


def is_conflicted(member: CouncilMember, dossier: Dossier,
                  declaration: ConflictDeclaration | None) -> bool:
    """Conflicted: the member's own producer, or a declared conflict (``declaration`` is the
    member's declaration for the dossier, None when there is none)."""
    if hard_conflict(member, dossier):
        return True
    return declaration is not None and declaration.declared


def must_declare(hints: Sequence[str], declaration: ConflictDeclaration | None) -> bool:
    """With hints, the member declares (yes or no) before scoring."""
    return bool(hints) and declaration is None


# --- Blind scoring: what each person sees -----------------------------------------------------


class AssignedStatus(enum.StrEnum):
    """The member's own status on a dossier in "Hồ sơ được phân công" (never anyone else's)."""

    DECLARE = "declare"
    ADVISOR = "advisor"
    OPEN = "open"
    SUBMITTED = "submitted"
    CLOSED = "closed"
    FINAL = "final"


def assigned_status(*, scores: bool, result_final: bool | None, must_declare: bool,
                    sheet_state: str | None) -> AssignedStatus:
    """``result_final``: None while the current revision is open, else whether its result is
    final. Only the member's own sheet state enters the decision (blind scoring, rule 1)."""
    if not scores:
        return AssignedStatus.ADVISOR
    if result_final is not None:
        return AssignedStatus.FINAL if result_final else AssignedStatus.CLOSED
    if must_declare:
        return AssignedStatus.DECLARE
    if sheet_state == ScoreSheet.State.SUBMITTED:
        return AssignedStatus.SUBMITTED
    return AssignedStatus.OPEN


class ProgressState(enum.StrEnum):
    """What the chair sees of a member before closing: who submitted, never the scores."""

    SUBMITTED = ScoreSheet.State.SUBMITTED.value
    DRAFT = ScoreSheet.State.DRAFT.value
    NONE = "none"
    CONFLICTED = "conflicted"


def progress_state(*, conflicted: bool, sheet_state: str | None) -> ProgressState:
    if conflicted:
        return ProgressState.CONFLICTED
    return ProgressState(sheet_state) if sheet_state else ProgressState.NONE


def revision_is_closed(results: Iterable[CouncilResult], revision: int) -> bool:
    """A revision is closed once the chair closed it (its result row exists): its figures are
    then visible to the council (blind scoring, rule 2)."""
    return any(r.revision == revision for r in results)


def sheet_locked(*, sheet: ScoreSheet | None, revision_closed: bool, dossier: Dossier) -> bool:
    """The member's sheet is read-only once submitted, once the revision is closed, or once the
    dossier left the scoring stage."""
    return (sheet_submitted(sheet) or revision_closed
            or dossier.state != DossierState.UNDER_EVALUATION)


def sheet_submitted(sheet: ScoreSheet | None) -> bool:
    return sheet is not None and sheet.state == ScoreSheet.State.SUBMITTED


def result_public(result: CouncilResult) -> bool:
    """Producer, commune officers, the office and inspectors see a result only once final
    (blind scoring, rule 3)."""
    return result.final


# --- Council decisions ------------------------------------------------------------------------


def council_config(council: Council, size: int) -> CouncilConfig:
    """The engine's council rules for ``size`` scoring members (a minimum quorum larger than the
    council counts as the whole council)."""
    return CouncilConfig(size=size, quorum_ratio=council.quorum_ratio,
                         quorum_min=min(council.quorum_min, size) if council.quorum_min else None,
                         chair_required=council.chair_required,
                         rescore_limit=council.rescore_limit)


def needs_rescore(result: CouncilResult) -> bool:
    """A closed revision whose spread is beyond the limit, or which lacked quorum, is scored
    again (a new revision), never finalised."""
    return result.rescore_required or not result.quorum_met


def sheet_problems(engine_set: CriteriaSet, problems: Sequence[Problem]) -> list[str]:
    """The engine's problems with a sheet, for the member: one message naming every unanswered
    criterion once by its code and label, and one per criterion whose answer is not an option
    (the engine's own texts are English and name no criterion)."""
    unanswered = {p.criterion for p in problems if p.criterion and p.option is None}
    missing = [c for c in engine_set.criteria if c.code in unanswered]
    out = []
    if missing:
        out.append(ngettext("Phiếu còn %(count)d tiêu chí chưa chấm: %(criteria)s.",
                            "Phiếu còn %(count)d tiêu chí chưa chấm: %(criteria)s.",
                            len(missing))
                   % {"count": len(missing),
                      "criteria": "; ".join(f"{c.code} {localized(c, 'label')}"
                                            for c in missing)})
    for code in sorted({p.criterion for p in problems if p.criterion and p.option is not None}):
        out.append(_("Lựa chọn cho tiêu chí %(code)s không có trong bộ tiêu chí.")
                   % {"code": code})
    return out or [_("Phiếu chấm chưa hợp lệ.")]


# --- Levels: escalation and recognition -------------------------------------------------------


def procedure_basis(dossier: Dossier) -> Any:
    """The legal basis (levels and their stars) the dossier's procedure follows."""
    return basis(dossier.procedure) if dossier.procedure else levels_in_force(
        dossier.submitted_at.date() if dossier.submitted_at else timezone.localdate())


def escalation_target(dossier: Dossier, result: CouncilResult) -> Any:
    """The next level when the result reaches the stars that level recognises (e.g. ≥90 points
    → centre for 5★; before 2025 a district result ≥70 → province for 4★), else None."""
    legal = procedure_basis(dossier)
    try:
        nxt = legal.next_level(result.level)
    except ValueError:
        return None
    if nxt is None or result.stars < min(nxt.stars):
        return None
    return nxt


def awardable_stars(dossier: Dossier, result: CouncilResult) -> int:
    """The stars the level may recognise: a district council (before 2025) recognises 3★ even
    when the product scored higher but was not proposed up."""
    level = procedure_basis(dossier).level(result.level)
    return min(result.stars, max(level.stars))


# --- Dates that follow the workflow -----------------------------------------------------------
# submission ≤ council result ≤ recognition decision ≤ certificate issue: refused when out of
# order. The round's evaluation and recognition deadlines come from the province's plan; the
# law fixes no per-round timeline (ocop-facts §1.7), so a late council or a late decision is
# recorded with a warning and an audit entry, never refused (docs/evaluation-and-certificates).


def dmy(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def submission_date(dossier: Dossier) -> date | None:
    return timezone.localdate(dossier.submitted_at) if dossier.submitted_at else None


def result_date(result: CouncilResult) -> date:
    return timezone.localdate(result.finalised_at or timezone.now())


def late_evaluation_message(result: CouncilResult, round_: Round | None) -> str | None:
    """A warning when the result came after the round's evaluation deadline, else None."""
    if round_ is None or result_date(result) <= round_.evaluation_deadline:
        return None
    return _("Kết quả được chốt ngày %(day)s, sau hạn đánh giá của đợt (%(deadline)s): đã ghi "
             "nhận và lưu vào nhật ký.") % {"day": dmy(result_date(result)),
                                            "deadline": dmy(round_.evaluation_deadline)}


def late_recognition_message(round_: Round, decision_date: date) -> str | None:
    if decision_date <= round_.recognition_deadline:
        return None
    return _("Ngày quyết định (%(day)s) sau hạn công nhận của đợt (%(deadline)s): quyết định "
             "vẫn được ban hành và việc trễ hạn được lưu vào nhật ký.") % {
        "day": dmy(decision_date), "deadline": dmy(round_.recognition_deadline)}


# --- Submits from a device (offline queue, page form, secretary import; docs/offline.md) -----

# A queued submit older than this (the device's own "pressed submit" time) is not applied: the
# council has usually met and moved on, and the member's copy goes to the secretary instead.
# Two weeks covers a field trip without signal and a slow return to the office.
MAX_QUEUED_AGE = timedelta(days=14)
# Device clocks drift; a "future" capture time beyond this is the device's clock, not a fact.
CLOCK_SKEW = timedelta(days=1)


def canonical_answers(answers: dict[str, Any]) -> str:
    """The canonical JSON of a sheet's answers, byte for byte what the page's script builds:
    keys sorted, no spaces, UTF-8 kept (JSON.stringify of a key-sorted object)."""
    return json.dumps({str(k): "" if v is None else str(v) for k, v in answers.items()},
                      sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def answers_hash(answers: dict[str, Any]) -> str:
    """SHA-256 (hex) of ``canonical_answers``: a copy changed after it was saved on the device
    no longer matches the hash taken when the member pressed submit."""
    return hashlib.sha256(canonical_answers(answers).encode()).hexdigest()


def canonical_comments(comments: dict[str, Any]) -> dict[str, str]:
    """Comments as the device hashes them: empty ones left out (the keys are sorted when the
    whole is dumped)."""
    return {str(k): str(v) for k, v in comments.items() if v}


def sheet_hash(answers: dict[str, Any], comments: dict[str, Any] | None = None,
               comment: str = "") -> str:
    """SHA-256 (hex) of a submitted sheet as the device holds it. Without any comment it is
    ``answers_hash`` byte for byte, so that sheets queued on a device before comments existed
    still verify; with comments it is the canonical JSON (keys sorted at every level, no
    spaces, UTF-8) of ``{"answers", "comment", "comments"}`` — ``queue.js`` builds the same."""
    kept = canonical_comments(comments or {})
    if not kept and not comment:
        return answers_hash(answers)
    whole = {"answers": {str(k): "" if v is None else str(v) for k, v in answers.items()},
             "comment": comment, "comments": kept}
    text = json.dumps(whole, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def base_differences(base: dict[str, Any], current: dict[str, int]) -> list[str]:
    """The base versions a member's copy was scored against that no longer hold, in the order
    of ``current`` ("criteria_set", "dossier_version", "revision")."""
    changed = []
    for key, value in current.items():
        if key not in base:
            continue  # only the page's own form may leave one out (services.receive_sheet)
        try:
            theirs = int(base.get(key))
        except (TypeError, ValueError):
            theirs = None
        if theirs != value:
            changed.append(key)
    return changed


def too_old(captured_at: datetime | None, now: datetime) -> bool:
    return captured_at is not None and now - captured_at > MAX_QUEUED_AGE
