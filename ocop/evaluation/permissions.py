"""Who may do what in the evaluation: each predicate answers a ``Verdict`` — truthy when allowed,
otherwise falsy with the reason a person can read — so the refusal text is written once, beside
the rule, and pages, API and services say the same thing.

Predicates decide from facts the caller has loaded (the user's membership of the council, the
member's declaration, the result row); selectors load them, services and views call these.

Two kinds of no:
- ``NOT_ASSIGNED`` verdicts (``evaluation.not_assigned``): the person is not a member of the
  dossier's council, does not score, has a conflict of interest, or is not the chair. Callers
  raise ``NotAssigned`` (a ``NotFound``, code ``not_found``): pages and API answer 404, so a
  probe cannot tell a dossier it may not see from one that does not exist (blind scoring,
  rule 4 in selectors.py);
- the others: the person sees the record but may not do this (``Forbidden``, 403).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from ocop.accounts.models import Role, User
from ocop.core.refusals import ALLOWED, NotFound, Verdict, denied
from ocop.dossiers import permissions as dossier_permissions
from ocop.dossiers.models import Dossier, DossierState, Round
from ocop.evaluation import rules
from ocop.evaluation.models import CouncilMember, CouncilResult

NOT_ASSIGNED = "evaluation.not_assigned"
# Said to anyone outside the council, and for a dossier or council that does not exist: the same
# words, so that a probe cannot tell which. Members are told why (they know the dossier exists).
NOT_FOUND_FOR_YOU = _("Không tìm thấy hồ sơ được phân công cho bạn.")


class NotAssigned(NotFound):
    """The person is not a non-conflicted member (or the chair) for this: answer 404, with the
    API's ``not_found`` code like any record out of reach."""

    def __init__(self, message: Any = None, **kwargs: Any) -> None:
        super().__init__(message or NOT_FOUND_FOR_YOU, **kwargs)


def require(verdict: Verdict) -> None:
    """Raise the refusal a verdict stands for: ``NotAssigned`` (404) for a not-assigned verdict,
    ``Forbidden`` (403) otherwise."""
    if verdict:
        return
    if verdict.code == NOT_ASSIGNED:
        raise NotAssigned(verdict.reason)
    verdict.check()


def active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _not_assigned() -> Verdict:
    return denied(NOT_FOUND_FOR_YOU, NOT_ASSIGNED)


def _own_membership(user: Any, member: CouncilMember | None) -> bool:
    return active(user) and member is not None and member.user_id == user.pk


# --- Council members --------------------------------------------------------------------------


def can_score(user: Any, member: CouncilMember | None, *, conflicted: bool) -> Verdict:
    """Open and fill in a score sheet. ``member``: the user's membership of the council of the
    dossier's current round (None when they have none); ``conflicted``: see
    ``rules.is_conflicted``."""
    if not _own_membership(user, member):
        return _not_assigned()
    if not member.scores:
        return denied(_("Tổ tư vấn không chấm điểm hồ sơ."), NOT_ASSIGNED)
    if conflicted:
        return denied(_("Bạn có xung đột lợi ích với hồ sơ này nên không tham gia chấm."),
                      NOT_ASSIGNED)
    return ALLOWED


def can_declare(user: Any, member: CouncilMember | None, *, conflicted: bool) -> Verdict:
    """Declare a conflict of interest (or its absence): any member of the council, advisors
    included, until they have declared a conflict (then the dossier is gone for them)."""
    if not _own_membership(user, member):
        return _not_assigned()
    if conflicted:
        return denied(_("Bạn có xung đột lợi ích với hồ sơ này nên không tham gia chấm."),
                      NOT_ASSIGNED)
    return ALLOWED


def can_chair(user: Any, member: CouncilMember | None) -> Verdict:
    """See the council's progress, close a revision, open a re-score, finalise: the chair only
    (``member``: the user's membership of that council, or None)."""
    if not _own_membership(user, member):
        return _not_assigned()
    if not member.is_chair:
        return denied(_("Chỉ chủ tịch hội đồng được tổng hợp và chốt kết quả."), NOT_ASSIGNED)
    return ALLOWED


# --- Standing office --------------------------------------------------------------------------


def can_manage_round(user: Any, round_: Round) -> Verdict:
    """Councils, members, assignments, upper-level results and recognition of a round: its
    province's standing office and nation-wide accounts. ``None`` is the system (demo, jobs)."""
    if user is None:
        return ALLOWED
    if dossier_permissions.can_manage_rounds(user, round_.programme_year):
        return ALLOWED
    return denied(_("Bạn không quản lý đợt đánh giá này."), "evaluation.not_round_manager")


def can_decide(user: Any, dossier: Dossier) -> Verdict:
    """Propose a dossier upward or close it as not recognised: the office reviewing it."""
    if user is None or dossier_permissions.can_review(user, dossier):
        return ALLOWED
    return denied(_("Chỉ cơ quan thường trực xem xét hồ sơ này được quyết định bước tiếp theo."),
                  "evaluation.not_reviewer")


def can_propose_up(user: Any, dossier: Dossier, result: CouncilResult | None) -> Verdict:
    """Propose the dossier to the next level: the reviewing office, once the final result
    reaches the stars that level recognises."""
    if not (verdict := can_decide(user, dossier)):
        return verdict
    if dossier.state != DossierState.SCORED or result is None:
        return denied(_("Chỉ đề nghị cấp trên khi hồ sơ đã có kết quả chấm cuối cùng."),
                      "evaluation.not_scored")
    if rules.escalation_target(dossier, result) is None:
        return denied(_("Kết quả chưa đạt ngưỡng của cấp trên."), "evaluation.below_next_level")
    return ALLOWED


# --- Results and minutes ----------------------------------------------------------------------


def can_read_minutes(user: Any, result: CouncilResult, *, sits_on_council: bool) -> Verdict:
    """The minutes name each member's total: the standing office reviewing the dossier,
    nation-wide accounts and the council's own members (``sits_on_council``) — not the
    producer, not commune officers; and only once the result is final."""
    if not active(user) or not rules.result_public(result):
        return denied(_("Biên bản chỉ có khi kết quả đã được chốt."), NOT_ASSIGNED)
    if user.is_nationwide or (result.council_id and sits_on_council):
        return ALLOWED
    if user.role == Role.PROVINCE_OFFICE and dossier_permissions.can_review(user, result.dossier):
        return ALLOWED
    return denied(_("Biên bản chỉ gửi cơ quan thường trực và thành viên hội đồng."),
                  NOT_ASSIGNED)


def can_download_proposal(user: User, result: CouncilResult, *,
                          sits_on_council: bool) -> Verdict:
    """The proposal ZIP (minutes and the dossier's documents) goes up from the reviewing office
    only."""
    if not (verdict := can_read_minutes(user, result, sits_on_council=sits_on_council)):
        return verdict
    if not dossier_permissions.can_review(user, result.dossier):
        # The person may read the minutes, so the refusal is a 403, not a 404.
        return denied(_("Chỉ cơ quan thường trực xem xét hồ sơ này được tải hồ sơ đề nghị."),
                      "evaluation.not_reviewer")
    return ALLOWED
