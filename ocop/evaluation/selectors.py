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

The decisions themselves are pure functions in ``rules.py`` and, about people, predicates in
``permissions.py``; this module loads the facts they need and raises ``NotAssigned`` (404) when
a predicate says no. Nothing here writes; ``services.py`` uses these reads, never the reverse.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _

from ocop.accounts.models import Role, User
from ocop.core.refusals import Verdict
from ocop.core.search import search_q
from ocop.criteria import selectors as criteria_selectors
from ocop.criteria.models import CriteriaSetVersion
from ocop.dossiers import permissions as dossier_permissions
from ocop.dossiers.models import Dossier, DossierDocument, DossierState, DossierVersion, Round
from ocop.evaluation import permissions, rules
from ocop.evaluation.models import (
    Assignment,
    ConflictDeclaration,
    Council,
    CouncilMember,
    CouncilResult,
    MemberRole,
    ScoreSheet,
    SheetSubmission,
)
from ocop.evaluation.permissions import NotAssigned, active, require
from ocop.rules.certification import is_certifiable

_LOOKUP: Any = object()


def assigned_dossier_ids(user: User) -> set[int]:
    """Dossiers given to a council the user sits on, minus those the user is conflicted with
    (declared, or the user's own producer). Used by the dossiers app's visibility rules."""
    if not active(user):
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


# --- Membership: who sits on the council scoring a dossier ------------------------------------


def declaration_of(member: CouncilMember, dossier: Dossier) -> ConflictDeclaration | None:
    return ConflictDeclaration.objects.filter(member=member, dossier=dossier).first()


def is_conflicted(member: CouncilMember, dossier: Dossier,
                  declaration: ConflictDeclaration | None = _LOOKUP) -> bool:
    """``rules.is_conflicted``, reading the member's declaration unless the caller passes it
    (or None when there is none), so that lists do not query once per member."""
    if declaration is _LOOKUP:
        declaration = (None if rules.hard_conflict(member, dossier)
                       else declaration_of(member, dossier))
    return rules.is_conflicted(member, dossier, declaration)


def current_assignment(dossier: Dossier) -> Assignment | None:
    """The assignment of the council of the dossier's current round."""
    return (Assignment.objects.select_related("council", "council__round")
            .filter(dossier=dossier, council__round_id=dossier.round_id).first())


def _member_of(user: User, assignment: Assignment | None) -> CouncilMember | None:
    if assignment is None or not active(user):
        return None
    return (CouncilMember.objects.select_related("user", "home_commune", "council")
            .filter(council_id=assignment.council_id, user=user).first())


def scoring_member(user: User, dossier: Dossier) -> tuple[CouncilMember, Assignment]:
    """The user's membership of the council scoring ``dossier`` and that assignment, for a
    member who scores and has no conflict with the dossier (NotAssigned otherwise)."""
    assignment = current_assignment(dossier)
    member = _member_of(user, assignment)
    conflicted = member is not None and member.scores and is_conflicted(member, dossier)
    require(permissions.can_score(user, member, conflicted=conflicted))
    return member, assignment


def chair_of(user: User, council: Council) -> CouncilMember:
    """The user's chair membership of ``council`` (NotAssigned otherwise)."""
    member = council.members.filter(user=user).first() if active(user) else None
    require(permissions.can_chair(user, member))
    return member


def scoring_members(assignment: Assignment) -> list[tuple[CouncilMember, bool]]:
    """(member, conflicted) for the council's scoring members, in a fixed order."""
    members = list(assignment.council.members.select_related("user", "home_commune")
                   .filter(role__in=[r.value for r in MemberRole if r != MemberRole.ADVISOR])
                   .order_by("id"))
    declarations = {d.member_id: d for d in ConflictDeclaration.objects.filter(
        dossier_id=assignment.dossier_id, member__in=members)}
    dossier = assignment.dossier
    return [(m, rules.is_conflicted(m, dossier, declarations.get(m.pk))) for m in members]


def member_names(assignment: Assignment) -> dict[str, str]:
    """Engine member id → display name, for the figures of closed revisions."""
    return {str(m.pk): str(m) for m, _conflicted in scoring_members(assignment)}


def revision_closed(assignment: Assignment) -> bool:
    return CouncilResult.objects.filter(dossier_id=assignment.dossier_id,
                                        council_id=assignment.council_id,
                                        revision=assignment.revision).exists()


def submitted_members(assignment: Assignment, member_ids: Iterable[int]) -> set[int]:
    """Which of ``member_ids`` submitted their sheet of the current revision."""
    return set(ScoreSheet.objects.filter(
        dossier_id=assignment.dossier_id, revision=assignment.revision,
        state=ScoreSheet.State.SUBMITTED, member_id__in=list(member_ids),
    ).values_list("member_id", flat=True))


def find_dossier(dossier_id: int) -> Dossier:
    """The dossier by id for a council member's action (NotAssigned when there is none, the
    same answer as for a dossier that is not theirs)."""
    dossier = Dossier.objects.filter(pk=dossier_id).first()
    if dossier is None:
        raise NotAssigned
    return dossier


# --- Council member's pages -------------------------------------------------------------------


@dataclass
class AssignedRow:
    assignment: Assignment
    member: CouncilMember
    dossier: Dossier
    status: rules.AssignedStatus
    hints: list[str] = field(default_factory=list)

    @property
    def current(self) -> bool:
        """The council of the dossier's current round: only its scoring page opens (a dossier
        proposed upwards keeps the lower council's row, whose page would be a 404)."""
        return self.assignment.council.round_id == self.dossier.round_id


def my_assignments(user: User) -> list[AssignedRow]:
    """"Hồ sơ được phân công": the user's dossiers with only the user's own status."""
    if not active(user):
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
    for assignment in assignments:
        member = members[assignment.council_id]
        dossier = assignment.dossier
        declaration = declarations.get((member.pk, dossier.pk))
        if rules.is_conflicted(member, dossier, declaration):
            continue  # a conflicted member does not see the dossier at all
        hints = rules.conflict_hints(member, dossier)
        status = rules.assigned_status(
            scores=member.scores,
            result_final=results.get((assignment.council_id, dossier.pk, assignment.revision)),
            must_declare=rules.must_declare(hints, declaration),
            sheet_state=sheets.get((member.pk, dossier.pk, assignment.revision)),
        )
        rows.append(AssignedRow(assignment, member, dossier, status, hints))
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

    @property
    def must_declare(self) -> bool:
        return rules.must_declare(self.hints, self.declaration)

    @property
    def submitted(self) -> bool:
        return rules.sheet_submitted(self.sheet)

    @property
    def locked(self) -> bool:
        return rules.sheet_locked(sheet=self.sheet, revision_closed=self.revision_closed,
                                  dossier=self.dossier)


def scoring_page(user: User, dossier_id: int) -> ScoringPage:
    """The member's page for one dossier (404 unless a non-conflicted scoring member)."""
    dossier = (Dossier.objects.select_related("product__product_set", "producer__commune",
                                              "criteria_set", "round")
               .filter(pk=dossier_id).first())
    if dossier is None:
        raise NotAssigned
    member, assignment = scoring_member(user, dossier)
    sheet = ScoreSheet.objects.filter(member=member, dossier=dossier,
                                      revision=assignment.revision).first()
    results = closed_results(assignment.council_id, dossier.pk)
    return ScoringPage(
        member=member, assignment=assignment, dossier=dossier, sheet=sheet,
        hints=rules.conflict_hints(member, dossier),
        declaration=declaration_of(member, dossier),
        results=results,
        revision_closed=rules.revision_is_closed(results, assignment.revision),
    )


def dossier_version(dossier: Dossier) -> int:
    """The number of the dossier's latest submitted version (0 before the first): what a
    member's copy of the dossier is compared against (``services.receive_sheet``)."""
    return (DossierVersion.objects.filter(dossier=dossier).order_by("-number")
            .values_list("number", flat=True).first() or 0)


def sheet_base(dossier: Dossier, assignment: Assignment) -> dict[str, int]:
    """The versions a member's sheet is scored against; the device sends them back with the
    submit, and a difference is a conflict (409), never a silent overwrite."""
    return {"criteria_set": dossier.criteria_set_id, "dossier_version": dossier_version(dossier),
            "revision": assignment.revision}


def any_membership(user: User, dossier: Dossier) -> tuple[CouncilMember, Assignment] | None:
    """The user's membership of a council the dossier was given to (the current round's first),
    whatever their role or conflicts: a late submit from someone who has since recused or
    stopped scoring is then a conflict kept for the secretary, while a stranger gets a 404."""
    if not active(user):
        return None
    assignments = list(Assignment.objects.select_related("council__round")
                       .filter(dossier=dossier, council__members__user=user))
    assignments.sort(key=lambda a: a.council.round_id != dossier.round_id)
    for assignment in assignments:
        member = (CouncilMember.objects.select_related("user", "home_commune")
                  .filter(council_id=assignment.council_id, user=user).first())
        if member is not None:
            return member, assignment
    return None


def submission_by_client_id(client_id: Any) -> SheetSubmission | None:
    return SheetSubmission.objects.filter(client_id=client_id).first()


def held_submissions(council: Council) -> list[SheetSubmission]:
    """Submits refused with a conflict for the council's dossiers: the secretary's list."""
    dossier_ids = Assignment.objects.filter(council=council).values("dossier_id")
    return list(SheetSubmission.objects
                .select_related("user", "dossier__product", "dossier__criteria_set",
                                "imported_by")
                .filter(dossier_id__in=dossier_ids, outcome=SheetSubmission.Outcome.CONFLICT)
                .order_by("-received_at", "-id"))


@dataclass
class HeldLine:
    """One criterion of a held sheet: its number and title as printed on the sheet, and the
    chosen option's label (and comment) in the member's copy and on the server."""

    number: str
    title: str
    mine: str
    server: str
    mine_note: str
    server_note: str

    @property
    def differs(self) -> bool:
        return (self.mine, self.mine_note) != (self.server, self.server_note)


@dataclass
class HeldRow:
    submission: SheetSubmission
    lines: list[HeldLine]

    @property
    def differences(self) -> int:
        return sum(line.differs for line in self.lines)


def held_rows(council: Council) -> list[HeldRow]:
    """The secretary's list with each answer in words: the criterion's number and title and
    the option's label from the criteria set the member scored against (the dossier's current
    set for what it lacks), never an internal option code."""
    rows = []
    sets: dict[int, Any] = {}

    def engine(version_id: Any) -> Any:
        # The page's form sends its base as text, the device's queue as numbers.
        pk = int(version_id) if str(version_id or "").isdigit() else 0
        if pk not in sets:
            row = CriteriaSetVersion.objects.filter(pk=pk).first() if pk else None
            sets[pk] = criteria_selectors.engine_set(row) if row else None
        return sets[pk]

    for submission in held_submissions(council):
        current = criteria_selectors.engine_set(submission.dossier.criteria_set)
        theirs = engine(submission.base.get("criteria_set")) or current
        server = submission.server or {}
        rows.append(HeldRow(submission, _held_lines(
            theirs, current, submission.answers, submission.comments,
            server.get("sheet_answers") or {}, server.get("sheet_comments") or {})))
    return rows


def _held_lines(theirs: Any, current: Any, mine: dict[str, str], mine_notes: dict[str, str],
                server: dict[str, str], server_notes: dict[str, str]) -> list[HeldLine]:
    def option_label(engine_set: Any, code: str, option: str | None) -> str:
        if not option:
            return ""
        criterion = engine_set.criterion(code)
        for choice in criterion.options if criterion else ():
            if choice.code == option:
                return choice.label_vi
        return _("(lựa chọn không còn trong bộ tiêu chí)")

    order = [c.code for c in current.criteria] + [
        c.code for c in theirs.criteria if current.criterion(c.code) is None]
    lines = []
    for code in order:
        if not any((mine.get(code), server.get(code), mine_notes.get(code),
                    server_notes.get(code))):
            continue
        criterion = current.criterion(code) or theirs.criterion(code)
        lines.append(HeldLine(
            number=code, title=criterion.label_vi,
            mine=option_label(theirs, code, mine.get(code)),
            server=option_label(current, code, server.get(code)),
            mine_note=mine_notes.get(code, ""), server_note=server_notes.get(code, "")))
    return lines


def offline_manifest(user: User) -> dict[str, Any]:
    """What the member's device may keep (docs/offline.md): the list of assigned dossiers, the
    scoring page and evidence files of each current, non-conflicted one (``my_assignments``
    already leaves conflicted dossiers out), and the static files those pages need."""
    rows = [row for row in my_assignments(user) if row.current and row.member.scores]
    # One query for every kept dossier's evidence (not one per dossier).
    documents: dict[int, list[tuple[int, int]]] = {}
    for dossier_id, pk, size in (
            DossierDocument.objects.filter(dossier__in=[r.dossier for r in rows])
            .exclude(file="").order_by("pk").values_list("dossier_id", "pk", "size")):
        documents.setdefault(dossier_id, []).append((pk, size))
    dossiers = [{
        "dossier": row.dossier.pk, "reference": row.dossier.reference,
        "product": row.dossier.product.name,
        "url": reverse("evaluation:score", args=[row.dossier.pk]),
        # The size lets the worker keep within the device's storage before fetching a file.
        "evidence": [{"url": reverse("evaluation:evidence", args=[row.dossier.pk, pk]),
                      "size": size} for pk, size in documents.get(row.dossier.pk, [])],
    } for row in rows]
    return {
        "user": user.pk, "pages": [reverse("evaluation:assigned")], "dossiers": dossiers,
        "static": [static(name) for name in OFFLINE_STATIC],
        "evidence_limit": OFFLINE_EVIDENCE_MAX,
    }


# The evidence files one account keeps on a device, at most (a phone shared with photos and
# messaging apps; the worker also leaves OFFLINE_RESERVE of the browser's quota free).
OFFLINE_EVIDENCE_MAX = 300_000_000


# The files an offline page needs besides its own HTML (hashed names in production).
OFFLINE_STATIC = ("ocop/site.css", "ocop/site.js", "ocop/ocop-mark.svg",
                  "django_htmx/htmx-2.min.js", "evaluation/offline/offline.js",
                  "evaluation/offline/manifest.webmanifest", "evaluation/offline/icon.svg")


def evidence_document(user: User, dossier_id: int, document_id: int) -> DossierDocument:
    """One evidence file of a dossier for its scoring member (NotAssigned otherwise), served
    under the scoring page's address so that the offline worker can keep it."""
    page = scoring_page(user, dossier_id)
    document = DossierDocument.objects.filter(dossier=page.dossier, pk=document_id).first()
    if document is None:
        raise NotAssigned
    return document


def evidence_by_criterion(dossier: Dossier) -> dict[str, list[DossierDocument]]:
    """The dossier's documents under each criterion code they support (the scoring page)."""
    by_code: dict[str, list[DossierDocument]] = {}
    for document in dossier.documents.select_related("evidence"):
        for code in document.criteria or ():
            by_code.setdefault(code, []).append(document)
    return by_code


def declaration_context(user: User, dossier_id: int) -> tuple[CouncilMember, Dossier]:
    """For the declaration form: any member (even one about to declare a conflict)."""
    dossier = Dossier.objects.select_related("producer__commune").filter(pk=dossier_id).first()
    if dossier is None:
        raise NotAssigned
    member = _member_of(user, current_assignment(dossier))
    conflicted = member is not None and is_conflicted(member, dossier)
    require(permissions.can_declare(user, member, conflicted=conflicted))
    return member, dossier


# --- Chair ------------------------------------------------------------------------------------


@dataclass
class ProgressRow:
    member: CouncilMember
    conflicted: bool
    state: rules.ProgressState


@dataclass
class ChairSummary:
    council: Council
    assignment: Assignment
    dossier: Dossier
    progress: list[ProgressRow]
    results: list[CouncilResult]
    names: dict[str, str]  # engine member id → display name (figures of closed revisions)
    current: CouncilResult | None
    # revision → the members' comments on their submitted sheets, only for closed revisions
    comments: dict[int, list[MemberComments]] = field(default_factory=dict)

    @property
    def submitted(self) -> int:
        return sum(1 for p in self.progress if p.state == rules.ProgressState.SUBMITTED)

    @property
    def expected(self) -> int:
        return sum(1 for p in self.progress if not p.conflicted)

    @property
    def can_close(self) -> bool:
        """The current revision is still open and the dossier is being scored."""
        return self.current is None and self.dossier.state == DossierState.UNDER_EVALUATION


@dataclass
class MemberComments:
    member: str
    comment: str
    criteria: list[tuple[str, str, str]]  # (number, title, comment) in the sheet's order


def _closed_comments(assignment: Assignment, revisions: list[int]) -> dict[int, list[
        MemberComments]]:
    """What each member wrote on the sheets of the closed ``revisions`` (rule 2: once a revision
    is closed its figures are open to the chair; the words that explain them go with them)."""
    if not revisions:
        return {}
    engine_set = criteria_selectors.engine_set(assignment.dossier.criteria_set)
    found: dict[int, list[MemberComments]] = {}
    sheets = (ScoreSheet.objects.select_related("member")
              .filter(dossier_id=assignment.dossier_id, revision__in=revisions,
                      state=ScoreSheet.State.SUBMITTED)
              .exclude(comment="", comments={}).order_by("revision", "member_id"))
    for sheet in sheets:
        criteria = [(c.code, c.label_vi, sheet.comments[c.code]) for c in engine_set.criteria
                    if sheet.comments.get(c.code)]
        found.setdefault(sheet.revision, []).append(
            MemberComments(str(sheet.member), sheet.comment, criteria))
    return found


def chair_summary(user: User, council_id: int, dossier_id: int) -> ChairSummary:
    """The chair's page: progress without scores while open; figures once closed (rule 2)."""
    council = Council.objects.select_related("round").filter(pk=council_id).first()
    if council is None:
        raise NotAssigned
    chair_of(user, council)
    assignment = (Assignment.objects
                  .select_related("dossier__product", "dossier__producer__commune",
                                  "dossier__criteria_set")
                  .filter(council=council, dossier_id=dossier_id).first())
    if assignment is None:
        raise NotAssigned
    members = scoring_members(assignment)
    states = dict(ScoreSheet.objects.filter(
        dossier_id=dossier_id, revision=assignment.revision).values_list("member_id", "state"))
    progress = [
        ProgressRow(member, conflicted,
                    rules.progress_state(conflicted=conflicted, sheet_state=states.get(member.pk)))
        for member, conflicted in members
    ]
    results = closed_results(council.pk, dossier_id)
    current = next((r for r in results if r.revision == assignment.revision), None)
    names = {str(m.pk): str(m) for m, _ in members}
    comments = _closed_comments(assignment, [r.revision for r in results])
    return ChairSummary(council, assignment, assignment.dossier, progress, results, names, current,
                        comments)


def council_dossier_ids(council_id: int) -> list[int]:
    """The dossiers assigned to a council (the chair's API lists a summary for each)."""
    return list(Assignment.objects.filter(council_id=council_id)
                .values_list("dossier_id", flat=True))


# --- Final results (producer, office) --------------------------------------------------------


def visible_dossier(user: User, dossier_id: int) -> Dossier | None:
    return (Dossier.objects.filter(dossier_permissions.visible_q(user), pk=dossier_id)
            .select_related("product", "producer__commune", "round").first())


def final_results(dossier: Dossier) -> list[CouncilResult]:
    return list(CouncilResult.objects.filter(dossier=dossier, final=True)
                .select_related("council").order_by("finalised_at", "id"))


def final_result(dossier: Dossier) -> CouncilResult | None:
    """The latest final result of the dossier (any level)."""
    return (CouncilResult.objects.filter(dossier=dossier, final=True)
            .order_by("-finalised_at", "-id").first())


def sits_on_council(user: User, result: CouncilResult) -> bool:
    return bool(result.council_id) and active(user) and CouncilMember.objects.filter(
        council_id=result.council_id, user=user).exists()


def may_read_minutes(user: User, result: CouncilResult) -> bool:
    """Minutes name each member's total (``permissions.can_read_minutes``)."""
    return bool(permissions.can_read_minutes(
        user, result, sits_on_council=sits_on_council(user, result)))


def final_result_for_download(user: User, dossier_id: int, result_id: int) -> CouncilResult | None:
    """A final result whose minutes ``user`` may read, or None."""
    dossier = visible_dossier(user, dossier_id)
    if dossier is None:
        # Council members who may not browse the dossier any more still get their minutes.
        dossier = Dossier.objects.filter(pk=dossier_id).first()
    found = next((r for r in final_results(dossier) if r.pk == result_id),
                 None) if dossier else None
    return found if found is not None and may_read_minutes(user, found) else None


def proposal_verdict(user: User, result: CouncilResult) -> Verdict:
    return permissions.can_download_proposal(user, result,
                                             sits_on_council=sits_on_council(user, result))


def may_download_proposal(user: User, dossier_id: int, result_id: int) -> CouncilResult | None:
    """The proposal (minutes + dossier documents) goes up from the reviewing office only."""
    found = final_result_for_download(user, dossier_id, result_id)
    if found is None or not proposal_verdict(user, found):
        return None
    return found


@dataclass
class ResultPage:
    dossier: Dossier
    results: list[CouncilResult]  # final only (rule 3)
    minutes_allowed: set[int]
    escalation: Any
    propose: Verdict


def result_page(user: User, dossier_id: int) -> ResultPage:
    """The dossier's final results for anyone who may see the dossier (404 otherwise)."""
    dossier = visible_dossier(user, dossier_id)
    if dossier is None:
        raise NotAssigned
    results = final_results(dossier)
    latest = results[-1] if results else None
    return ResultPage(
        dossier=dossier, results=results,
        minutes_allowed={r.pk for r in results if may_read_minutes(user, r)},
        escalation=rules.escalation_target(dossier, latest) if latest else None,
        propose=permissions.can_propose_up(user, dossier, latest),
    )


# --- Standing office: councils and round results ---------------------------------------------


def rounds_for(user: User) -> QuerySet[Round]:
    qs = Round.objects.select_related("programme_year__province", "issuing_unit")
    if user.is_nationwide:
        return qs
    if user.role != Role.PROVINCE_OFFICE or user.unit_id is None:
        return qs.none()
    return qs.filter(Q(programme_year__province_id=user.unit_id)
                     | Q(programme_year__province__current_province_id=user.unit_id))


def open_rounds_for(user: User) -> QuerySet[Round]:
    """Rounds the user may found a council for."""
    return rounds_for(user).filter(status=Round.Status.OPEN)


def managed_round(user: User, round_id: int) -> Round:
    found = rounds_for(user).filter(pk=round_id).first()
    if found is None or not permissions.can_manage_round(user, found):
        raise NotAssigned
    return found


def councils_for(user: User) -> QuerySet[Council]:
    """Councils of rounds the user manages, plus those the user sits on."""
    qs = Council.objects.select_related("round").annotate(
        member_count=Count("members", distinct=True),
        dossier_count=Count("assignments", distinct=True))
    if not active(user):
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
    if council is None or not permissions.can_manage_round(user, council.round):
        raise NotAssigned
    return council


@dataclass
class CouncilPage:
    council: Council
    members: QuerySet[CouncilMember]
    assignments: QuerySet[Assignment]
    waiting: QuerySet[Dossier]  # accepted dossiers of the round, not yet assigned


def waiting_dossiers(council: Council, ids: Iterable[int] | None = None) -> QuerySet[Dossier]:
    """Dossiers of the council's round that may be assigned to it (accepted, not yet scored);
    ``ids``: only those the person chose."""
    qs = Dossier.objects.filter(round=council.round, state=DossierState.ACCEPTED)
    return qs if ids is None else qs.filter(pk__in=list(ids))


def council_page(council: Council) -> CouncilPage:
    return CouncilPage(
        council=council,
        members=council.members.select_related("user"),
        assignments=council.assignments.select_related("dossier__product", "dossier__producer"),
        waiting=waiting_dossiers(council).select_related("product", "producer"),
    )


def user_by_username(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def round_dossier(round_: Round, dossier_id: int) -> Dossier | None:
    """A dossier of the round, or None."""
    return Dossier.objects.filter(pk=dossier_id, round=round_).first()


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

    @property
    def recognisable(self) -> bool:
        """Offered for the recognition decision: scored, and certifiable at this level."""
        return self.dossier.state == DossierState.SCORED and self.certifiable

    @property
    def may_escalate(self) -> bool:
        return self.escalation is not None and self.dossier.state == DossierState.SCORED


def round_dossiers(round_: Round, states: Iterable[str]) -> QuerySet[Dossier]:
    """Dossiers of the round in ``states``, in the order they were filed."""
    return (Dossier.objects.filter(round=round_, state__in=list(states))
            .select_related("product", "producer__commune").defer("criteria_set__data")
            .order_by("id"))


def round_state_counts(round_: Round, states: Sequence[str]) -> list[tuple[str, int]]:
    """(state's name, number of the round's dossiers in it) for each of ``states`` that has
    any, in the order given; one query."""
    counts = dict(Dossier.objects.filter(round=round_, state__in=list(states))
                  .values_list("state").annotate(n=Count("id")).order_by())
    return [(DossierState(state).label, counts[state]) for state in states if state in counts]


def round_results(round_: Round, dossiers: Iterable[Dossier]) -> list[RoundRow]:
    """``dossiers`` of the round with their final result at the round's level; one query for
    the results whatever their number."""
    dossiers = list(dossiers)
    finals: dict[int, CouncilResult] = {}
    for r in CouncilResult.objects.filter(dossier_id__in=[d.pk for d in dossiers], final=True,
                                          level=round_.level).order_by("finalised_at", "id"):
        finals[r.dossier_id] = r
    rows = []
    for dossier in dossiers:
        result = finals.get(dossier.pk)
        rows.append(RoundRow(
            dossier, result,
            rules.escalation_target(dossier, result) if result else None,
            rules.awardable_stars(dossier, result) if result else None,
        ))
    return rows
