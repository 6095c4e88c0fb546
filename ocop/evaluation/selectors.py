"""Every read of the evaluation, with the blind-scoring rules in one place.

Blind scoring, precisely:
1. A scoring member sees their own sheet of the current revision (draft or submitted) and
   nobody else's, ever: no page, API, count or export returns another member's answers or
   total to a member.
2. When the chair closes a revision (``services.close_scoring``), its council figures (mean,
   spread, per-criterion min/max/mean, each member's total) become visible to the council's
   members and chair. The chair, before closing, sees only who has submitted (no scores).
3. The producer, commune officers, the standing office and inspectors see nothing of the
   scoring until the result is final (``CouncilResult.final``); then the mean and stars. The
   minutes (member by member) go to the standing office, nation-wide accounts and the council.
4. A member with a conflict of interest (declared, or their account belongs to the applicant)
   is treated as not assigned: 404 on the pages and the API, the dossier leaves their lists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from ocop.accounts.models import Role, User
from ocop.core.search import search_q
from ocop.dossiers import permissions as dossier_permissions
from ocop.dossiers.models import Dossier, Round
from ocop.evaluation import services
from ocop.evaluation.models import (
    Assignment,
    ConflictDeclaration,
    Council,
    CouncilMember,
    CouncilResult,
    MemberRole,
    ScoreSheet,
)
from ocop.rules.certification import is_certifiable


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def assigned_dossier_ids(user: User) -> set[int]:
    """Dossiers given to a council the user sits on, minus those the user is conflicted with
    (declared, or the user's own producer). Used by the dossiers app's visibility rules."""
    if not _active(user):
        return set()
    members = dict(CouncilMember.objects.filter(user=user).values_list("id", "council_id"))
    if not members:
        return set()
    declared = set(ConflictDeclaration.objects.filter(
        member_id__in=list(members), declared=True).values_list("member_id", "dossier_id"))
    member_of_council = {council: member for member, council in members.items()}
    ids = set()
    rows = Assignment.objects.filter(council_id__in=list(member_of_council)).values_list(
        "dossier_id", "council_id", "dossier__producer_id")
    for dossier_id, council_id, producer_id in rows:
        if user.producer_id is not None and producer_id == user.producer_id:
            continue
        if (member_of_council[council_id], dossier_id) in declared:
            continue
        ids.add(dossier_id)
    return ids


@dataclass
class AssignedRow:
    assignment: Assignment
    member: CouncilMember
    dossier: Dossier
    status: str  # "conflicted", "declare", "advisor", "open", "submitted", "closed", "final"
    hints: list[str] = field(default_factory=list)

    @property
    def current(self) -> bool:
        """The council of the dossier's current round: only its scoring page opens (a dossier
        proposed upwards keeps the lower council's row, whose page would be a 404)."""
        return self.assignment.council.round_id == self.dossier.round_id


def my_assignments(user: User) -> list[AssignedRow]:
    """"Hồ sơ được phân công": the user's dossiers with only the user's own status."""
    if not _active(user):
        return []
    members = {m.council_id: m for m in CouncilMember.objects.select_related(
        "home_commune", "user").filter(user=user)}
    assignments = list(
        Assignment.objects.filter(council_id__in=list(members))
        .select_related("council__round", "dossier__product", "dossier__producer__commune")
        .defer("dossier__criteria_set__data").order_by("-assigned_at", "-id")
    )
    dossier_ids = [a.dossier_id for a in assignments]
    member_ids = [m.pk for m in members.values()]
    declarations = {(d.member_id, d.dossier_id): d for d in ConflictDeclaration.objects.filter(
        member_id__in=member_ids, dossier_id__in=dossier_ids)}
    sheets = {(s.member_id, s.dossier_id, s.revision): s.state for s in ScoreSheet.objects.filter(
        member_id__in=member_ids, dossier_id__in=dossier_ids).only(
        "member_id", "dossier_id", "revision", "state")}
    results = {(r.council_id, r.dossier_id, r.revision): r.final
               for r in CouncilResult.objects.filter(dossier_id__in=dossier_ids).only(
                   "council_id", "dossier_id", "revision", "final")}
    rows = []
    for a in assignments:
        member = members[a.council_id]
        dossier = a.dossier
        declaration = declarations.get((member.pk, dossier.pk))
        if services.is_conflicted(member, dossier, declaration):
            continue  # a conflicted member does not see the dossier at all
        hints = services.conflict_hints(member, dossier)
        closed = results.get((a.council_id, dossier.pk, a.revision))
        if not member.scores:
            status = "advisor"
        elif closed is not None:
            status = "final" if closed else "closed"
        elif hints and declaration is None:
            status = "declare"
        elif sheets.get((member.pk, dossier.pk, a.revision)) == ScoreSheet.State.SUBMITTED:
            status = "submitted"
        else:
            status = "open"
        rows.append(AssignedRow(a, member, dossier, status, hints))
    return rows


def closed_results(council_id: int, dossier_id: int) -> list[CouncilResult]:
    return list(CouncilResult.objects.filter(council_id=council_id, dossier_id=dossier_id)
                .order_by("revision"))


@dataclass
class ScoringPage:
    member: CouncilMember
    assignment: Assignment
    dossier: Dossier
    sheet: ScoreSheet | None
    hints: list[str]
    declaration: ConflictDeclaration | None
    results: list[CouncilResult]  # closed revisions: visible to members (rule 2)
    revision_closed: bool


def scoring_page(user: User, dossier_id: int) -> ScoringPage:
    """The member's page for one dossier (404 unless a non-conflicted scoring member)."""
    dossier = (Dossier.objects.select_related("product__product_set", "producer__commune",
                                              "criteria_set", "round")
               .filter(pk=dossier_id).first())
    if dossier is None:
        raise services.NotAssigned
    member, assignment = services.scoring_member(user, dossier)
    sheet = ScoreSheet.objects.filter(member=member, dossier=dossier,
                                      revision=assignment.revision).first()
    results = closed_results(assignment.council_id, dossier.pk)
    return ScoringPage(
        member=member, assignment=assignment, dossier=dossier, sheet=sheet,
        hints=services.conflict_hints(member, dossier),
        declaration=ConflictDeclaration.objects.filter(member=member, dossier=dossier).first(),
        results=results,
        revision_closed=any(r.revision == assignment.revision for r in results),
    )


def declaration_context(user: User, dossier_id: int) -> tuple[CouncilMember, Dossier]:
    """For the declaration form: any member (even one about to declare a conflict)."""
    dossier = Dossier.objects.select_related("producer__commune").filter(pk=dossier_id).first()
    if dossier is None:
        raise services.NotAssigned
    member, _ = services.membership(user, dossier)
    if services.is_conflicted(member, dossier):
        raise services.NotAssigned
    return member, dossier


@dataclass
class ProgressRow:
    member: CouncilMember
    conflicted: bool
    state: str  # "submitted", "draft", "none", "conflicted"


@dataclass
class ChairSummary:
    council: Council
    assignment: Assignment
    dossier: Dossier
    progress: list[ProgressRow]
    results: list[CouncilResult]
    names: dict[str, str]  # engine member id → display name (figures of closed revisions)
    current: CouncilResult | None

    @property
    def submitted(self) -> int:
        return sum(1 for p in self.progress if p.state == "submitted")

    @property
    def expected(self) -> int:
        return sum(1 for p in self.progress if not p.conflicted)


def chair_summary(user: User, council_id: int, dossier_id: int) -> ChairSummary:
    """The chair's page: progress without scores while open; figures once closed (rule 2)."""
    council = Council.objects.select_related("round").filter(pk=council_id).first()
    if council is None or not _active(user):
        raise services.NotAssigned
    if not council.members.filter(user=user, role=MemberRole.CHAIR).exists():
        raise services.NotAssigned
    assignment = (Assignment.objects
                  .select_related("dossier__product", "dossier__producer__commune",
                                  "dossier__criteria_set")
                  .filter(council=council, dossier_id=dossier_id).first())
    if assignment is None:
        raise services.NotAssigned
    members = services.scoring_members(assignment)
    states = dict(ScoreSheet.objects.filter(
        dossier_id=dossier_id, revision=assignment.revision).values_list("member_id", "state"))
    progress = [
        ProgressRow(m, c, "conflicted" if c else states.get(m.pk, "none")) for m, c in members
    ]
    results = closed_results(council.pk, dossier_id)
    current = next((r for r in results if r.revision == assignment.revision), None)
    names = {str(m.pk): str(m) for m, _ in members}
    return ChairSummary(council, assignment, assignment.dossier, progress, results, names, current)


# --- Final results (producer, office) --------------------------------------------------------


def visible_dossier(user: User, dossier_id: int) -> Dossier | None:
    return (Dossier.objects.filter(dossier_permissions.visible_q(user), pk=dossier_id)
            .select_related("product", "producer__commune", "round").first())


def final_results(dossier: Dossier) -> list[CouncilResult]:
    return list(CouncilResult.objects.filter(dossier=dossier, final=True)
                .select_related("council").order_by("finalised_at", "id"))


def may_read_minutes(user: User, result: CouncilResult) -> bool:
    """Minutes name each member's total: the standing office, nation-wide accounts and the
    council's own members — not the producer, not commune officers."""
    if not _active(user) or not result.final:
        return False
    if user.is_nationwide:
        return True
    if result.council_id and CouncilMember.objects.filter(council_id=result.council_id,
                                                          user=user).exists():
        return True
    return user.role == Role.PROVINCE_OFFICE and dossier_permissions.can_review(
        user, result.dossier)


def final_result_for_download(user: User, dossier_id: int, result_id: int) -> CouncilResult | None:
    """A final result whose minutes ``user`` may read, or None."""
    dossier = visible_dossier(user, dossier_id)
    if dossier is None:
        # Council members who may not browse the dossier any more still get their minutes.
        dossier = Dossier.objects.filter(pk=dossier_id).first()
    found = next((r for r in final_results(dossier) if r.pk == result_id),
                 None) if dossier else None
    return found if found is not None and may_read_minutes(user, found) else None


def may_download_proposal(user: User, dossier_id: int, result_id: int) -> CouncilResult | None:
    """The proposal (minutes + dossier documents) goes up from the reviewing office only."""
    found = final_result_for_download(user, dossier_id, result_id)
    if found is None or not dossier_permissions.can_review(user, found.dossier):
        return None
    return found


# --- Standing office: councils and round results ---------------------------------------------


def rounds_for(user: User) -> QuerySet[Round]:
    qs = Round.objects.select_related("programme_year__province", "issuing_unit")
    if user.is_nationwide:
        return qs
    if user.role != Role.PROVINCE_OFFICE or user.unit_id is None:
        return qs.none()
    return qs.filter(Q(programme_year__province_id=user.unit_id)
                     | Q(programme_year__province__current_province_id=user.unit_id))


def managed_round(user: User, round_id: int) -> Round:
    found = rounds_for(user).filter(pk=round_id).first()
    if found is None or not dossier_permissions.can_manage_rounds(user, found.programme_year):
        raise services.NotAssigned
    return found


def councils_for(user: User) -> QuerySet[Council]:
    """Councils of rounds the user manages, plus those the user sits on."""
    qs = Council.objects.select_related("round").annotate(
        member_count=Count("members", distinct=True),
        dossier_count=Count("assignments", distinct=True))
    if not _active(user):
        return qs.none()
    if user.is_nationwide:
        return qs
    return qs.filter(Q(round__in=rounds_for(user)) | Q(members__user=user)).distinct()


def council_list(user: User, q: str = "") -> QuerySet[Council]:
    """Councils found by their name, founding decision, round, or a product/producer assigned
    to them (a subquery, so a council is listed once)."""
    qs = councils_for(user)
    if not q.strip():
        return qs
    assigned = Assignment.objects.filter(search_q(
        q, folded=("dossier__product__search_text", "dossier__producer__search_text")
    )).values("council_id")
    return qs.filter(search_q(q, folded=("search_text", "round__search_text"))
                     | Q(pk__in=assigned))


def managed_council(user: User, council_id: int) -> Council:
    council = Council.objects.select_related("round__programme_year").filter(pk=council_id).first()
    if council is None or not dossier_permissions.can_manage_rounds(
            user, council.round.programme_year):
        raise services.NotAssigned
    return council


@dataclass
class RoundRow:
    dossier: Dossier
    result: CouncilResult | None  # final only (rule 3)
    escalation: Any
    awardable: int | None

    @property
    def certifiable(self) -> bool:
        """The stars this level may recognise earn a certificate (3★ or more)."""
        return self.awardable is not None and is_certifiable(self.awardable)


def round_results(round_: Round) -> list[RoundRow]:
    """Dossiers of the round in evaluation or after, with their final result; constant number
    of queries."""
    dossiers = list(
        Dossier.objects.filter(round=round_, state__in=[
            "under_evaluation", "scored", "recognised", "not_recognised", "proposed_up"])
        .select_related("product", "producer__commune").defer("criteria_set__data")
        .order_by("id")
    )
    ids = [d.pk for d in dossiers]
    finals: dict[int, CouncilResult] = {}
    for r in CouncilResult.objects.filter(dossier_id__in=ids, final=True,
                                          level=round_.level).order_by("finalised_at", "id"):
        finals[r.dossier_id] = r
    rows = []
    for d in dossiers:
        result = finals.get(d.pk)
        rows.append(RoundRow(
            d, result,
            services.escalation_target(d, result) if result else None,
            services.awardable_stars(d, result) if result else None,
        ))
    return rows
