"""The work queue (việc cần làm): for each role, the items waiting for the signed-in person.

Every item is read with the owning app's own scoping (``dossiers_for``, ``certificates_for``,
``proposals_for``, ``complaints_for``, ``visits_for``, ``plans_for``, the evaluation rounds a
person manages), so an item never shows a row the person could not open. Each item costs two
queries whatever the data size: one ``COUNT`` and one ``LIMIT``-ed list of the most urgent rows
with what they display joined in (``select_related``). Both run even when the count is zero, so
a page costs the same number of queries for every person of a role.

Blind scoring: a council member's item reads only the member's own sheets and the existence of
a closed revision; dossiers the member is conflicted with (declared, or the member's own
producer) never appear, exactly as on the evaluation pages (``evaluation.selectors``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Least
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.models import Role, User
from ocop.certificates.models import Certificate
from ocop.certificates.selectors import certificates_for
from ocop.dossiers.models import (
    AWAITING_REVIEW,
    CorrectionRequest,
    Dossier,
    DossierState,
    Round,
)
from ocop.dossiers.selectors import dossiers_for
from ocop.evaluation import rules as evaluation_rules
from ocop.evaluation.models import (
    SCORING_ROLES,
    Assignment,
    ConflictDeclaration,
    Council,
    CouncilMember,
    CouncilResult,
    MemberRole,
    ScoreSheet,
)
from ocop.evaluation.selectors import rounds_for as evaluation_rounds_for
from ocop.inspections.models import ComplaintState, ProposalState, Visit
from ocop.inspections.selectors import complaints_for, plans_for, proposals_for, visits_for
from ocop.rules.levels import TWO_LEVEL
from ocop.training.models import Registration
from ocop.workqueue import rules
from ocop.workqueue.rules import ENTRIES_SHOWN, Due

S = DossierState
# A dossier no longer moving: nothing to remind about it, and it does not count as the new
# dossier a certificate holder should open.
CLOSED_STATES = (S.RECOGNISED, S.NOT_RECOGNISED, S.WITHDRAWN)
_SCORING = [r.value for r in SCORING_ROLES]
_DOSSIER_RELATED = ("product", "producer", "requested_round", "round")


@dataclass(frozen=True)
class Entry:
    """One waiting record: what it is, where to act, and its deadline or how long it waited."""

    title: str
    detail: str
    url: str
    due: Due | None = None
    waiting: str = ""


@dataclass(frozen=True)
class Item:
    """One kind of work: how many are waiting, the most urgent few, and the page to act on."""

    key: str
    title: str
    count: int
    entries: list[Entry]
    url: str
    action: str

    @property
    def more(self) -> int:
        return max(0, self.count - len(self.entries))

    @property
    def late(self) -> bool:
        """Whether an entry shown is past its deadline (the entries come most urgent first)."""
        return any(e.due is not None and e.due.days > 0 for e in self.entries)


@dataclass
class WorkQueue:
    items: list[Item] = field(default_factory=list)
    # Where to go when nothing waits (the empty state's next step).
    next_url: str = ""
    next_label: str = ""

    @property
    def waiting(self) -> list[Item]:
        """The items with something waiting, those with a late entry first (stable sort)."""
        return sorted((i for i in self.items if i.count), key=lambda i: not i.late)

    @property
    def total(self) -> int:
        return sum(i.count for i in self.items)


def _item(key: str, title: str, qs: QuerySet, entry: Callable[[Any], Entry], url: str,
          action: str) -> Item:
    """The count and the first ``ENTRIES_SHOWN`` rows of ``qs`` (already in urgency order)."""
    return Item(key, title, qs.count(), [entry(row) for row in qs[:ENTRIES_SHOWN]], url, action)


# What a dossier entry shows: the list reads these columns only (a dossier row carries the form
# and the self-assessment as JSON, which the sort before the LIMIT would otherwise drag along).
_DOSSIER_SHOWN = ("id", "state", "state_changed_at", "updated_at", "product__name",
                  "producer__name", "round__name", "round__recognition_deadline",
                  "requested_round__name", "requested_round__submission_deadline")


def _slim(qs: QuerySet[Dossier]) -> QuerySet[Dossier]:
    return qs.select_related(None).select_related(*_DOSSIER_RELATED).only(*_DOSSIER_SHOWN)


def _dossier_title(d: Dossier) -> str:
    return f"{d.reference} · {d.product.name}"


# --- Dossiers --------------------------------------------------------------------------------

# Decision 1489: the commune checks a dossier before the province (dossiers.services
# ``needs_commune_check``), written as a filter.
_NEEDS_COMMUNE_CHECK = Q(procedure=TWO_LEVEL, commune_checked_at__isnull=True)


def awaiting_commune_check(user: User) -> QuerySet[Dossier]:
    """Submitted dossiers the commune must check first (``services.commune_may_check``)."""
    return (_slim(dossiers_for(user)).filter(_NEEDS_COMMUNE_CHECK,
                                             state__in=[S.SUBMITTED, S.RESUBMITTED])
            .order_by("state_changed_at", "id"))


def awaiting_review(user: User) -> QuerySet[Dossier]:
    """Dossiers waiting for the standing office's completeness check
    (``services.province_may_review``: AWAITING_REVIEW, past the commune check)."""
    return (_slim(dossiers_for(user)).filter(state__in=list(AWAITING_REVIEW))
            .exclude(_NEEDS_COMMUNE_CHECK).order_by("state_changed_at", "id"))


def open_corrections(user: User) -> QuerySet[CorrectionRequest]:
    """Correction requests the producer has not answered yet, oldest first."""
    visible = dossiers_for(user).filter(state=S.CORRECTIONS_REQUESTED).values("pk")
    return (CorrectionRequest.objects.filter(answered_at__isnull=True, dossier__in=visible)
            .select_related("dossier__product", "dossier__producer")
            .only("id", "created_at", "dossier__id", "dossier__product__name",
                  "dossier__producer__name").order_by("created_at", "id"))


def overdue_corrections(user: User, today: date) -> QuerySet[CorrectionRequest]:
    """Unanswered past ``rules.CORRECTION_ANSWER_DAYS``: the producer has been silent."""
    cutoff = rules.overdue_before(today, rules.CORRECTION_ANSWER_DAYS,
                                  timezone.get_current_timezone())
    return open_corrections(user).filter(created_at__lt=cutoff)


def drafts_to_submit(user: User) -> QuerySet[Dossier]:
    """The producer's drafts, the nearest submission deadline first."""
    return (_slim(dossiers_for(user)).filter(state=S.DRAFT)
            .order_by(F("requested_round__submission_deadline").asc(nulls_last=True), "id"))


def scored_to_decide(user: User) -> QuerySet[Dossier]:
    """Scored dossiers waiting for the recognition decision, by the round's deadline."""
    return (_slim(dossiers_for(user)).filter(state=S.SCORED)
            .order_by(F("round__recognition_deadline").asc(nulls_last=True), "id"))


def proposed_up(user: User) -> QuerySet[Dossier]:
    """Dossiers a province proposed to the central level (5★)."""
    return (_slim(dossiers_for(user)).filter(state=S.PROPOSED_UP)
            .order_by("state_changed_at", "id"))


def _waited(d: Dossier, today: date) -> str:
    since = d.state_changed_at or d.updated_at
    return rules.waiting_text(timezone.localdate(since), today)


def _dossier_entry(today: date, url_name: str) -> Callable[[Dossier], Entry]:
    def entry(d: Dossier) -> Entry:
        return Entry(_dossier_title(d), d.producer.name, reverse(url_name, args=[d.pk]),
                     waiting=_waited(d, today))
    return entry


def _correction_entry(today: date, url_name: str) -> Callable[[CorrectionRequest], Entry]:
    def entry(c: CorrectionRequest) -> Entry:
        deadline = rules.correction_deadline(timezone.localdate(c.created_at))
        return Entry(_dossier_title(c.dossier), c.dossier.producer.name,
                     reverse(url_name, args=[c.dossier_id]), due=rules.due(deadline, today))
    return entry


# --- Certificates ----------------------------------------------------------------------------


def certificates_to_remind(user: User, today: date) -> QuerySet[Certificate]:
    """Valid certificates expiring within ``EXPIRY_WATCH_DAYS`` whose product has neither a
    later certificate nor a dossier still moving (the holder has not started re-evaluation)."""
    later = (Certificate.objects.filter(product_id=OuterRef("product_id"),
                                        valid_until__gt=OuterRef("valid_until"))
             .exclude(revoked_on__lte=today))
    moving = Dossier.objects.filter(product_id=OuterRef("product_id")).exclude(
        state__in=CLOSED_STATES)
    return (certificates_for(user).valid_on(today)
            .filter(valid_until__lte=rules.expiry_watch_until(today))
            .filter(~Exists(later), ~Exists(moving))
            .select_related("product", "producer").order_by("valid_until", "id"))


def _certificate_entry(today: date) -> Callable[[Certificate], Entry]:
    def entry(c: Certificate) -> Entry:
        return Entry(f"{c.number} · {c.product.name}", c.producer.name,
                     reverse("certificates:detail", args=[c.number]),
                     due=rules.due(c.valid_until, today))
    return entry


# --- Councils --------------------------------------------------------------------------------


def _count(qs: QuerySet) -> Coalesce:
    """A correlated count of council members (``qs`` is filtered on one council) as an integer
    expression, 0 when there is none."""
    return Coalesce(Subquery(qs.order_by().values("council_id").annotate(n=Count("pk"))
                             .values("n")[:1], output_field=IntegerField()), Value(0))


def short_assignments() -> QuerySet[Assignment]:
    """Assignments under evaluation in the dossier's current round where the members free to
    score (scoring roles, not conflicted: ``evaluation.rules.is_conflicted``) cannot make the
    council's quorum (``evaluation.rules.council_config``: ⌈ratio × size⌉, or the fixed
    minimum capped at the size), or where the chair is conflicted.

    Only an assignment with a conflict can fall short (a council without members or chair is
    caught on the council itself), so the member counts are computed for those alone: a cheap
    semi-join first, the correlated counts after. ``available < ⌈ratio × size⌉`` is written
    ``available < ratio × size``: the same for a whole number of members, no rounding in SQL."""
    members = CouncilMember.objects.filter(council_id=OuterRef("council_id"),
                                           role__in=_SCORING)
    own_producer = Q(user__producer_id=OuterRef("dossier__producer_id"))
    declared = ConflictDeclaration.objects.filter(
        dossier_id=OuterRef("dossier_id"), member__council_id=OuterRef("council_id"),
        declared=True)
    conflicted = own_producer | Q(Exists(ConflictDeclaration.objects.filter(
        member_id=OuterRef("pk"), dossier_id=OuterRef(OuterRef("dossier_id")), declared=True)))
    free = members.exclude(conflicted)
    ratio_needed = ExpressionWrapper(F("council__quorum_ratio") * F("size"),
                                     output_field=DecimalField(max_digits=8, decimal_places=2))
    return (Assignment.objects
            .filter(council__round_id=F("dossier__round_id"),
                    dossier__state=S.UNDER_EVALUATION)
            .filter(Exists(declared) | Exists(members.filter(own_producer)))
            .annotate(size=_count(members), available=_count(free),
                      free_chair=Exists(free.filter(role=MemberRole.CHAIR)))
            .filter(Q(council__quorum_min__isnull=False,
                      available__lt=Least(F("council__quorum_min"), F("size"),
                                          output_field=IntegerField()))
                    | Q(council__quorum_min__isnull=True, available__lt=ratio_needed)
                    | Q(council__chair_required=True, free_chair=False)))


def councils_without_quorum(user: User) -> QuerySet[Council]:
    """Councils of the open rounds the person manages that cannot hold a valid meeting: no
    scoring member, the required chair missing, or a dossier for which too few members are
    free of conflicts. Nearest evaluation deadline first."""
    scoring = Count("members", filter=Q(members__role__in=_SCORING), distinct=True)
    chairs = Count("members", filter=Q(members__role=MemberRole.CHAIR), distinct=True)
    short = short_assignments().filter(council_id=OuterRef("pk"))
    open_rounds = evaluation_rounds_for(user).filter(status=Round.Status.OPEN)
    return (Council.objects.filter(round__in=open_rounds)
            .annotate(scoring=scoring, chairs=chairs, short=Exists(short))
            .filter(Q(scoring=0) | Q(chair_required=True, chairs=0) | Q(short=True))
            .select_related("round").order_by("round__evaluation_deadline", "id"))


def _council_reason(c: Council) -> str:
    if c.scoring == 0:
        return _("Chưa có thành viên chấm điểm")
    if c.chair_required and c.chairs == 0:
        return _("Chưa có chủ tịch hội đồng")
    return _("Có hồ sơ không đủ thành viên chấm điểm (xung đột lợi ích)")


def _council_entry(today: date) -> Callable[[Council], Entry]:
    def entry(c: Council) -> Entry:
        return Entry(c.name, _council_reason(c), reverse("evaluation:council", args=[c.pk]),
                     due=rules.due(c.round.evaluation_deadline, today))
    return entry


def sheets_to_submit(user: User) -> QuerySet[Assignment]:
    """The member's own sheets still to submit: dossiers under evaluation in the current round
    of a council the member scores on, not conflicted, the revision not closed, the member's
    own sheet of that revision not submitted. Only the member's sheet is read (blind
    scoring)."""
    memberships = CouncilMember.objects.filter(user=user, role__in=_SCORING)
    mine = {"member__user": user, "member__council_id": OuterRef("council_id")}
    declared = ConflictDeclaration.objects.filter(
        **mine, dossier_id=OuterRef("dossier_id"), declared=True)
    submitted = ScoreSheet.objects.filter(
        **mine, dossier_id=OuterRef("dossier_id"), revision=OuterRef("revision"),
        state=ScoreSheet.State.SUBMITTED)
    closed = CouncilResult.objects.filter(
        council_id=OuterRef("council_id"), dossier_id=OuterRef("dossier_id"),
        revision=OuterRef("revision"))
    qs = (Assignment.objects
          .filter(council__in=memberships.values("council_id"),
                  council__round_id=F("dossier__round_id"),
                  council__round__status=Round.Status.OPEN,
                  dossier__state=S.UNDER_EVALUATION)
          .filter(~Exists(declared), ~Exists(submitted), ~Exists(closed)))
    if user.producer_id is not None:
        qs = qs.exclude(dossier__producer_id=user.producer_id)
    return (qs.select_related("council__round", "dossier__product", "dossier__producer__commune")
            .defer("dossier__criteria_set__data")
            .order_by("council__round__evaluation_deadline", "assigned_at", "id"))


def _sheet_entry(user: User, today: date) -> Callable[[Assignment], Entry]:
    # The member's own memberships, for the member's own conflict hints (blind scoring allows
    # nothing else): with hints the member declares before scoring. One query, always.
    memberships = {m.council_id: m for m in CouncilMember.objects.select_related(
        "user", "home_commune").filter(user=user)}

    def entry(a: Assignment) -> Entry:
        member = memberships.get(a.council_id)
        hints = evaluation_rules.conflict_hints(member, a.dossier) if member else []
        detail = (_("Kê khai xung đột lợi ích trước khi chấm") if hints
                  else a.council.name)
        return Entry(_dossier_title(a.dossier), detail,
                     reverse("evaluation:score", args=[a.dossier_id]),
                     due=rules.due(a.council.round.evaluation_deadline, today))
    return entry


# --- Inspections -----------------------------------------------------------------------------


def proposals_to_decide(user: User) -> QuerySet:
    return proposals_for(user).filter(state=ProposalState.PROPOSED).order_by("proposed_at", "id")


def complaints_unanswered(user: User) -> QuerySet:
    return complaints_for(user).filter(state=ComplaintState.NEW).order_by("received_at", "id")


def plans_due(user: User, today: date) -> QuerySet:
    """Plans the person is assigned to that are running, or ended without a single visit."""
    return (plans_for(user).filter(inspectors=user, starts_on__lte=today)
            .filter(Q(ends_on__gte=today) | ~Exists(Visit.objects.filter(plan_id=OuterRef("pk"))))
            .order_by("ends_on", "id"))


def visits_to_conclude(user: User) -> QuerySet[Visit]:
    return (visits_for(user).filter(inspector=user, concluded_at__isnull=True)
            .select_related("product", "plan").order_by("visited_on", "id"))


def follow_ups_due(user: User, today: date) -> QuerySet[Visit]:
    """Concluded visits whose remedy deadline is within ``FOLLOW_UP_WATCH_DAYS`` or past, and
    whose product has not been visited again since: the re-check is still to do."""
    again = Visit.objects.filter(product_id=OuterRef("product_id"),
                                 visited_on__gt=OuterRef("visited_on"))
    return (visits_for(user).filter(concluded_at__isnull=False, follow_up_by__isnull=False,
                                    follow_up_by__lte=rules.follow_up_watch_until(today))
            .filter(~Exists(again)).select_related("product", "product__producer")
            .order_by("follow_up_by", "id"))


# --- Training --------------------------------------------------------------------------------


def trainings_ahead(user: User, today: date) -> QuerySet[Registration]:
    """The producer's registrations for courses not yet over, the soonest first."""
    if not user.producer_id:
        return Registration.objects.none()
    return (Registration.objects.filter(producer_id=user.producer_id,
                                        status=Registration.Status.REGISTERED,
                                        course__ends_on__gte=today)
            .select_related("course").order_by("course__starts_on", "id"))


# --- Per role --------------------------------------------------------------------------------


def _commune_officer(user: User, today: date) -> list[Item]:
    dossier_list = reverse("dossiers:list")
    return [
        _item("commune_check", _("Hồ sơ chờ xã kiểm tra"), awaiting_commune_check(user),
              _dossier_entry(today, "dossiers:precheck"), dossier_list + "?state=submitted",
              _("Kiểm tra hồ sơ")),
        _item("corrections", _("Hồ sơ chủ thể đang bổ sung"), open_corrections(user),
              _correction_entry(today, "dossiers:detail"),
              dossier_list + "?state=corrections_requested", _("Hỗ trợ chủ thể bổ sung")),
        _item("certificates", _("Giấy chứng nhận sắp hết hạn, chưa lập hồ sơ đánh giá lại"),
              certificates_to_remind(user, today), _certificate_entry(today),
              _certificates_url(), _("Nhắc chủ thể")),
    ]


def _certificates_url() -> str:
    return (reverse("certificates:list")
            + f"?status=valid&expiring_within={rules.EXPIRY_WATCH_DAYS}")


def _office(user: User, today: date) -> list[Item]:
    dossier_list = reverse("dossiers:list")
    inspections = reverse("inspections:index")
    return [
        _item("review", _("Hồ sơ chờ thẩm định"), awaiting_review(user),
              _dossier_entry(today, "dossiers:review"), dossier_list, _("Thẩm định hồ sơ")),
        _item("corrections_overdue", _("Yêu cầu bổ sung quá hạn, chủ thể chưa trả lời"),
              overdue_corrections(user, today), _correction_entry(today, "dossiers:detail"),
              dossier_list + "?state=corrections_requested", _("Liên hệ chủ thể")),
        _item("councils", _("Hội đồng chưa đủ điều kiện họp"), councils_without_quorum(user),
              _council_entry(today), reverse("evaluation:councils"), _("Bổ sung thành viên")),
        _item("recognition", _("Hồ sơ đã chấm, chờ quyết định công nhận"),
              scored_to_decide(user), _recognition_entry(today),
              dossier_list + "?state=scored", _("Công nhận kết quả")),
        _item("certificates", _("Giấy chứng nhận sắp hết hạn, chưa lập hồ sơ đánh giá lại"),
              certificates_to_remind(user, today), _certificate_entry(today),
              _certificates_url(), _("Nhắc chủ thể")),
        _item("revocations", _("Đề nghị thu hồi chờ xử lý"), proposals_to_decide(user),
              _proposal_entry(today), inspections, _("Xử lý đề nghị")),
        _item("complaints", _("Phản ánh chưa xử lý"), complaints_unanswered(user),
              _complaint_entry(today), reverse("inspections:complaint_list"),
              _("Xử lý phản ánh")),
    ]


def _central(user: User, today: date) -> list[Item]:
    """Central accounts see the country; the provinces' own work stays in their queues, so
    the centre lists what only it acts on."""
    dossier_list = reverse("dossiers:list")
    central_complaints = complaints_unanswered(user).filter(province__isnull=True)
    return [
        _item("proposed_up", _("Hồ sơ tỉnh đề nghị đánh giá cấp trung ương"), proposed_up(user),
              _dossier_entry(today, "dossiers:detail"), dossier_list + "?state=proposed_up",
              _("Tiếp nhận hồ sơ")),
        _item("councils", _("Hội đồng chưa đủ điều kiện họp"),
              councils_without_quorum(user).filter(round__level="central"),
              _council_entry(today), reverse("evaluation:councils"), _("Bổ sung thành viên")),
        _item("complaints", _("Phản ánh chưa xác định được tỉnh"), central_complaints,
              _complaint_entry(today), reverse("inspections:complaint_list"),
              _("Xử lý phản ánh")),
    ]


def _recognition_entry(today: date) -> Callable[[Dossier], Entry]:
    def entry(d: Dossier) -> Entry:
        return Entry(_dossier_title(d), d.producer.name,
                     reverse("evaluation:recognition", args=[d.round_id]) if d.round_id
                     else reverse("dossiers:detail", args=[d.pk]),
                     due=rules.due(d.round.recognition_deadline, today) if d.round else None)
    return entry


def _proposal_entry(today: date) -> Callable[[Any], Entry]:
    def entry(p: Any) -> Entry:
        return Entry(f"{p.reference} · {p.visit.product.name}", p.certificate.number,
                     reverse("inspections:proposal_detail", args=[p.pk]),
                     waiting=rules.waiting_text(timezone.localdate(p.proposed_at), today))
    return entry


def _complaint_entry(today: date) -> Callable[[Any], Entry]:
    def entry(c: Any) -> Entry:
        about = c.product.name if c.product_id else (c.certificate_number or c.stamp[:60])
        return Entry(c.reference, about or _("Chưa rõ sản phẩm"),
                     reverse("inspections:complaint_detail", args=[c.pk]),
                     waiting=rules.waiting_text(timezone.localdate(c.received_at), today))
    return entry


def _council_member(user: User, today: date) -> list[Item]:
    return [
        _item("sheets", _("Phiếu chấm điểm cần nộp"), sheets_to_submit(user),
              _sheet_entry(user, today), reverse("evaluation:assigned"), _("Chấm điểm")),
    ]


def _inspector(user: User, today: date) -> list[Item]:
    index = reverse("inspections:index")
    return [
        _item("plans", _("Kế hoạch kiểm tra đến hạn"), plans_due(user, today),
              _plan_entry(today), index, _("Ghi nhận lần kiểm tra")),
        _item("visits", _("Biên bản kiểm tra chưa kết luận"), visits_to_conclude(user),
              _visit_entry(today), index, _("Kết luận")),
        _item("follow_ups", _("Hạn khắc phục cần kiểm tra lại"), follow_ups_due(user, today),
              _follow_up_entry(today), index, _("Kiểm tra lại")),
    ]


def _plan_entry(today: date) -> Callable[[Any], Entry]:
    def entry(p: Any) -> Entry:
        return Entry(p.title, p.get_kind_display(),
                     reverse("inspections:plan_detail", args=[p.pk]),
                     due=rules.due(p.ends_on, today))
    return entry


def _visit_entry(today: date) -> Callable[[Visit], Entry]:
    def entry(v: Visit) -> Entry:
        return Entry(f"{v.reference} · {v.product.name}", v.plan.title,
                     reverse("inspections:visit_detail", args=[v.pk]),
                     waiting=rules.waiting_text(v.visited_on, today))
    return entry


def _follow_up_entry(today: date) -> Callable[[Visit], Entry]:
    def entry(v: Visit) -> Entry:
        return Entry(f"{v.reference} · {v.product.name}", v.product.producer.name,
                     reverse("inspections:visit_detail", args=[v.pk]),
                     due=rules.due(v.follow_up_by, today))
    return entry


def _producer(user: User, today: date) -> list[Item]:
    dossier_list = reverse("dossiers:list")
    return [
        _item("corrections", _("Hồ sơ cần bổ sung theo yêu cầu"), open_corrections(user),
              _correction_entry(today, "dossiers:corrections"), dossier_list,
              _("Bổ sung hồ sơ")),
        _item("drafts", _("Hồ sơ đang soạn, chưa nộp"), drafts_to_submit(user),
              _draft_entry(today), dossier_list, _("Hoàn thiện và nộp")),
        _item("certificates", _("Giấy chứng nhận sắp hết hạn"),
              certificates_to_remind(user, today), _certificate_entry(today),
              _certificates_url(), _("Lập hồ sơ đánh giá lại")),
        _item("remedies", _("Việc khắc phục sau kiểm tra"), follow_ups_due(user, today),
              _follow_up_entry(today), reverse("inspections:index"), _("Xem biên bản")),
        _item("training", _("Lớp tập huấn đã đăng ký"), trainings_ahead(user, today),
              _training_entry(today), reverse("training:courses"), _("Xem lớp")),
    ]


def _draft_entry(today: date) -> Callable[[Dossier], Entry]:
    def entry(d: Dossier) -> Entry:
        round_ = d.requested_round
        return Entry(_dossier_title(d), round_.name if round_ else _("Chưa chọn đợt đánh giá"),
                     reverse("dossiers:edit", args=[d.pk]),
                     due=rules.due(round_.submission_deadline, today) if round_ else None)
    return entry


def _training_entry(today: date) -> Callable[[Registration], Entry]:
    def entry(r: Registration) -> Entry:
        course = r.course
        url = reverse("training:course", args=[course.pk])
        if course.starts_on < today:  # under way: nothing is late, the course simply runs
            return Entry(course.title, course.place, url, waiting=_("đang diễn ra"))
        return Entry(course.title, course.place, url, due=rules.due(course.starts_on, today))
    return entry


def _next_step(role: str) -> tuple[str, str]:
    """The empty state's next step: the page each role starts its work from."""
    steps = {
        Role.PRODUCER: ("dossiers:create", _("Lập hồ sơ đánh giá cho một sản phẩm")),
        Role.COMMUNE_OFFICER: ("registry:producer_list", _("Xem chủ thể trên địa bàn")),
        Role.PROVINCE_OFFICE: ("dossiers:rounds", _("Xem các đợt đánh giá")),
        Role.CENTRAL: ("dossiers:list", _("Xem hồ sơ trên toàn quốc")),
        Role.ADMIN: ("dossiers:list", _("Xem hồ sơ trên toàn quốc")),
        Role.COUNCIL_MEMBER: ("evaluation:assigned", _("Xem hồ sơ được phân công")),
        Role.INSPECTOR: ("inspections:index", _("Xem kế hoạch kiểm tra")),
        Role.BUYER: ("trade:home", _("Đăng nhu cầu, xem sản phẩm OCOP phù hợp")),
    }
    name, label = steps.get(role, ("news:list", _("Xem tin tức, hướng dẫn")))
    return reverse(name), str(label)


_BY_ROLE: dict[str, Callable[[User, date], list[Item]]] = {
    Role.COMMUNE_OFFICER: _commune_officer,
    Role.PROVINCE_OFFICE: _office,
    Role.CENTRAL: _central,
    Role.ADMIN: _central,
    Role.COUNCIL_MEMBER: _council_member,
    Role.INSPECTOR: _inspector,
    Role.PRODUCER: _producer,
}


def work_queue(user: User, today: date | None = None) -> WorkQueue:
    """The signed-in person's work queue (empty for anyone else)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return WorkQueue()
    build = _BY_ROLE.get(user.role)
    if build is None:
        return WorkQueue()
    return WorkQueue(build(user, today or timezone.localdate()), *_next_step(user.role))
