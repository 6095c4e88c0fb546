"""Every write of the evaluation: councils, assignments, conflicts, scoring, results,
escalation and recognition.

Keyword-only arguments, one transaction, audit entry in that transaction, notifications for
whoever must act next. Dossier states are moved only through ``ocop.dossiers.services.advance``
(and ``accept`` for the upper level), never written here.

Who may act is decided by the predicates of ``permissions.py`` (their reason is the refusal);
the pure decisions (conflicts, re-score, escalation, dates) are in ``rules.py``; reads, including
the membership checks, come from ``selectors.py``.

Errors: ``StateError`` (from the dossiers app) for a move the state, round or revision does not
allow; ``ValidationError`` for bad input; ``Forbidden`` (``ocop.core.refusals``) for a visible
action the actor may not take; ``permissions.NotAssigned`` (a ``NotFound``) when the actor is not
a non-conflicted scoring member (or the chair) of the dossier's council, so that pages and API
answer 404 without revealing the dossier.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from ocop.accounts.models import Role, User
from ocop.accounts.selectors import (
    central_office_users,
    council_members,
    producer_users,
    province_office_users,
)
from ocop.audit import services as audit
from ocop.certificates import services as certificates
from ocop.certificates.models import RecognitionDecision
from ocop.core.refusals import Invalid, NotFound
from ocop.core.validators import plain_text_errors
from ocop.criteria import publishing as criteria_publishing
from ocop.criteria import selectors as criteria_selectors
from ocop.criteria import services as criteria_services
from ocop.criteria.answers import clean_answer_changes
from ocop.criteria.engine import EvaluationError, MemberSheet, aggregate, evaluate
from ocop.criteria.engine.model import MAX_STARS, TOTAL_POINTS
from ocop.dossiers import services as dossiers
from ocop.dossiers.models import Dossier, DossierState, Round
from ocop.dossiers.services import StateError
from ocop.evaluation import rules, selectors
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
from ocop.evaluation.pdf import minutes_pdf
from ocop.evaluation.permissions import NotAssigned, can_decide, can_manage_round, require
from ocop.evaluation.rules import dmy, result_date, submission_date
from ocop.notifications.services import notify
from ocop.rules.certification import certificate_valid_until, is_certifiable
from ocop.rules.councils import CHAIR_REQUIRED, QUORUM_RATIO, SCORE_SPREAD_LIMIT
from ocop.rules.levels import CENTRAL, default_quorum_min

S = DossierState


def _fresh(dossier: Dossier) -> Dossier:
    """Re-read the dossier: callers may hold an object whose state changed since."""
    return Dossier.objects.select_related("producer__commune", "product", "criteria_set",
                                          "round").get(pk=dossier.pk)


def _about(dossier: Dossier, **more: Any) -> dict[str, Any]:
    """The values of a notification about the dossier (its sentence is worded when read)."""
    return {"ref": dossier.reference, "product": dossier.product.name,
            "dossier_id": dossier.pk, **more}


def _producer_and_office(dossier: Dossier) -> list[User]:
    return (province_office_users(dossier.producer.commune.current_province_id)
            + producer_users(dossier.producer_id))


# --- Councils and members --------------------------------------------------------------------


@transaction.atomic
def create_council(
    *, actor: User | None, round: Round, name: str, decision_number: str = "",
    rescore_limit: Decimal = SCORE_SPREAD_LIMIT, quorum_ratio: Decimal = QUORUM_RATIO,
    quorum_min: int | None = None, chair_required: bool = CHAIR_REQUIRED,
) -> Council:
    require(can_manage_round(actor, round))
    if not name.strip():
        raise ValidationError({"name": _("Hãy nhập tên hội đồng.")})
    if markup := plain_text_errors({"name": (_("Tên hội đồng"), name)}):
        raise ValidationError(markup)
    if quorum_min is None:
        quorum_min = default_quorum_min(round.level)  # the central council: 5 of its 7
    council = Council.objects.create(
        round=round, level=round.level, name=name.strip(), decision_number=decision_number,
        rescore_limit=Decimal(rescore_limit), quorum_ratio=Decimal(quorum_ratio),
        quorum_min=quorum_min, chair_required=chair_required,
        created_by=actor if isinstance(actor, User) else None,
    )
    audit.record(actor=actor, action="evaluation.council.create", obj=council,
                 changes=audit.snapshot(council))
    return council


@transaction.atomic
def add_member(
    *, actor: User | None, council: Council, user: User, role: str = MemberRole.MEMBER,
    title: str = "", home_commune: Any = None, declared_relatives: str = "",
    organisations: Sequence[str] = (),
) -> CouncilMember:
    require(can_manage_round(actor, council.round))
    if role not in MemberRole.values:
        raise ValidationError({"role": _("Vai trò không hợp lệ.")})
    if role == MemberRole.CHAIR and council.members.filter(role=MemberRole.CHAIR).exists():
        raise ValidationError({"role": _("Hội đồng đã có chủ tịch.")})
    if user.role == Role.PRODUCER:
        raise ValidationError({"user": _("Tài khoản chủ thể không thể là thành viên hội đồng.")})
    if council.members.filter(user=user).exists():
        raise ValidationError({"user": _("Người này đã là thành viên hội đồng.")})
    member = CouncilMember.objects.create(
        council=council, user=user, role=role, title=title, home_commune=home_commune,
        declared_relatives=declared_relatives,
        organisations=[o.strip() for o in organisations if o.strip()],
    )
    audit.record(actor=actor, action="evaluation.member.add", obj=member,
                 changes=audit.snapshot(member))
    return member


@transaction.atomic
def assign_dossiers(*, actor: User | None, council: Council,
                    dossiers_to_assign: Iterable[Dossier]) -> list[Assignment]:
    """Give accepted dossiers of the council's round to the council (→ under evaluation)."""
    require(can_manage_round(actor, council.round))
    created = []
    for dossier in dossiers_to_assign:
        if dossier.round_id != council.round_id:
            raise StateError(_("Hồ sơ %(ref)s không thuộc %(round)s.")
                             % {"ref": dossier.reference, "round": council.round.name},
                             code="evaluation.wrong_round")
        if Assignment.objects.filter(council=council, dossier=dossier).exists():
            raise StateError(_("Hồ sơ %(ref)s đã được phân công cho hội đồng này.")
                             % {"ref": dossier.reference}, code="evaluation.already_assigned")
        dossiers.advance(actor=actor, dossier=dossier, to=S.UNDER_EVALUATION,
                         changes={"council": council.pk})
        assignment = Assignment.objects.create(
            council=council, dossier=dossier,
            assigned_by=actor if isinstance(actor, User) else None,
        )
        audit.record(actor=actor, action="evaluation.assign", obj=assignment,
                     changes={"council": council.pk, "dossier": dossier.pk})
        created.append(assignment)
    if created:
        notify(council_members(council), "evaluation.assigned",
               {"council": council.name, "count": len(created)}, council)
    return created


# --- Conflicts of interest -------------------------------------------------------------------


@transaction.atomic
def declare_conflict(*, actor: User, member: CouncilMember, dossier: Dossier, declared: bool,
                     reason: str = "") -> ConflictDeclaration:
    """The member states whether they have a conflict of interest with this dossier. Saying
    "no" despite hints needs an explanation (kept in the audit log)."""
    if actor.pk != member.user_id:
        raise NotAssigned
    if not Assignment.objects.filter(council_id=member.council_id, dossier=dossier).exists():
        raise NotAssigned
    hints = rules.conflict_hints(member, dossier)
    if not declared and rules.hard_conflict(member, dossier):
        raise ValidationError(
            {"declared": _("Tài khoản thuộc chính chủ thể: bắt buộc tránh chấm.")})
    if not declared and hints and not reason.strip():
        raise ValidationError({"reason": _("Có dấu hiệu xung đột lợi ích: hãy giải trình.")})
    declaration, _created = ConflictDeclaration.objects.update_or_create(
        member=member, dossier=dossier, defaults={"declared": declared, "reason": reason.strip()}
    )
    audit.record(actor=actor, action="evaluation.conflict.declare", obj=declaration,
                 changes={"declared": declared, "reason": reason.strip(), "hints": hints})
    if declared:
        notify(council_members(member.council_id, roles=(MemberRole.CHAIR,)),
               "evaluation.conflict_declared",
               _about(dossier, member=member.user.get_full_name() or member.user.username,
                      council_id=member.council_id), dossier)
    return declaration


# --- Scoring ---------------------------------------------------------------------------------


def _check_open(member: CouncilMember, assignment: Assignment, dossier: Dossier) -> None:
    if dossier.state != S.UNDER_EVALUATION:
        raise StateError(_("Hồ sơ %(ref)s không còn trong giai đoạn chấm điểm.")
                         % {"ref": dossier.reference}, code="evaluation.not_scoring")
    if assignment.council.round.status != Round.Status.OPEN:
        raise StateError(_("%(round)s đã đóng: không chấm điểm được nữa.")
                         % {"round": assignment.council.round.name}, code="evaluation.round_closed")
    if selectors.revision_closed(assignment):
        raise StateError(_("Chủ tịch hội đồng đã khoá lượt chấm này."),
                         code="evaluation.revision_closed")
    if rules.must_declare(rules.conflict_hints(member, dossier),
                          selectors.declaration_of(member, dossier)):
        raise StateError(_("Có dấu hiệu xung đột lợi ích: hãy kê khai trước khi chấm."),
                         code="evaluation.declare_first")


@transaction.atomic
def save_draft(*, actor: User, dossier: Dossier, answers: Mapping[str, Any],
               comments: Mapping[str, Any] | None = None,
               comment: str | None = None) -> ScoreSheet:
    """Autosave: merge answer changes into the member's draft ("" or None clears one); the
    comments given replace those of the same criteria ("" clears one), ``comment`` the
    sheet's general comment (None leaves it).

    Drafts are not audited (they change on every click); the submission is."""
    dossier = _fresh(dossier)
    member, assignment = selectors.scoring_member(actor, dossier)
    _check_open(member, assignment, dossier)
    changes = clean_answer_changes(dossier.criteria_set, answers)
    notes, general = clean_comments(dossier, comments or {}, comment or "", keep_empty=True)
    sheet, _created = ScoreSheet.objects.select_for_update(no_key=True).get_or_create(
        member=member, dossier=dossier, revision=assignment.revision,
        defaults={"criteria_set_id": dossier.criteria_set_id},
    )
    if sheet.state == ScoreSheet.State.SUBMITTED:
        raise StateError(_("Phiếu đã nộp, không sửa được."), code="evaluation.sheet_submitted")
    merged = {**sheet.answers, **{k: v for k, v in changes.items() if v is not None}}
    for code in (k for k, v in changes.items() if v is None):
        merged.pop(code, None)
    sheet.answers = merged
    sheet.comments = {k: v for k, v in {**sheet.comments, **notes}.items() if v}
    if comment is not None:
        sheet.comment = general
    sheet.save(update_fields=["answers", "comments", "comment", "updated_at"])
    return sheet


COMMENT_MAX = 2000


def clean_comments(dossier: Dossier, comments: Any, comment: Any, *,
                   keep_empty: bool = False) -> tuple[dict[str, str], str]:
    """The member's comments, stripped (empty ones left out unless ``keep_empty``, which a
    draft uses to clear one), or ``Invalid`` naming each criterion whose comment is too long,
    holds markup or is not of the sheet. Keys are criterion codes of the dossier's set."""
    if not isinstance(comments, Mapping) or not isinstance(comment, str) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in comments.items()):
        raise Invalid(_("Nhận xét gửi lên không đúng định dạng."),
                      code="evaluation.comment_format")
    engine_set = criteria_selectors.engine_set(dossier.criteria_set)
    known = {c.code: c for c in engine_set.criteria}
    errors: dict[str, str] = {}
    cleaned: dict[str, str] = {}
    for code, text in {**comments, "": comment}.items():
        text = text.strip()
        name = (_("Nhận xét tiêu chí %(code)s") % {"code": code}) if code else _("Nhận xét chung")
        if code and code not in known:
            errors[code] = _("Tiêu chí “%(code)s” không có trong bộ tiêu chí.") % {"code": code}
        elif len(text) > COMMENT_MAX:
            errors[code or "comment"] = _("%(name)s dài quá %(max)d ký tự.") % {
                "name": name, "max": COMMENT_MAX}
        elif text or keep_empty:
            cleaned[code] = text
        for message in plain_text_errors({"x": (name, text)}).values():
            errors[code or "comment"] = message
    if errors:
        raise Invalid(" ".join(errors.values()), code="evaluation.comment_invalid",
                      fields=errors)
    general = cleaned.pop("", "")
    return cleaned, general


@transaction.atomic
def submit_sheet(*, actor: User, dossier: Dossier) -> ScoreSheet:
    """Submit the member's sheet: complete, once. The row is re-read under a lock and the
    (member, dossier, revision) constraint holds, so a double click or two tabs submitting at
    once give one submission and one refusal."""
    dossier = _fresh(dossier)
    member, assignment = selectors.scoring_member(actor, dossier)
    _check_open(member, assignment, dossier)
    sheet = (ScoreSheet.objects.select_for_update(no_key=True)
             .filter(member=member, dossier=dossier, revision=assignment.revision).first())
    if sheet is None:
        raise ValidationError({"answers": _("Phiếu chưa có điểm nào.")})
    if sheet.state == ScoreSheet.State.SUBMITTED:
        raise StateError(_("Phiếu đã được nộp trước đó; mỗi thành viên chỉ nộp một lần."),
                         code="evaluation.sheet_submitted")
    return _finish_submit(actor, assignment, dossier, sheet)


def _finish_submit(actor: User, assignment: Assignment, dossier: Dossier,
                   sheet: ScoreSheet) -> ScoreSheet:
    """Check the (locked, draft) sheet is complete and submit it."""
    engine_set = criteria_selectors.engine_set(dossier.criteria_set)
    try:
        result = evaluate(engine_set, dict(sheet.answers), partial=False)
    except EvaluationError as exc:
        raise ValidationError({"answers": rules.sheet_problems(engine_set, exc.problems)}) from exc
    sheet.state = ScoreSheet.State.SUBMITTED
    sheet.submitted_at = timezone.now()
    sheet.total = Decimal(result.total)
    sheet.save(update_fields=["state", "submitted_at", "total", "updated_at"])
    audit.record(actor=actor, action="evaluation.sheet.submit", obj=sheet,
                 changes={"dossier": dossier.pk, "revision": sheet.revision,
                          "total": sheet.total, "answers": sheet.answers,
                          "comments": sheet.comments, "comment": sheet.comment})
    if _all_submitted(assignment):
        notify(council_members(assignment.council_id, roles=(MemberRole.CHAIR,)),
               "evaluation.all_sheets_submitted",
               _about(dossier, council_id=assignment.council_id), dossier)
    return sheet


# --- Submits from a device: idempotent, conflict-aware (docs/offline.md) ---------------------


@dataclass
class Receipt:
    """What became of one submit: ``replayed`` when the same ``client_id`` had already arrived
    (the stored outcome is answered again, nothing is written)."""

    submission: SheetSubmission
    replayed: bool

    @property
    def accepted(self) -> bool:
        return self.submission.outcome == SheetSubmission.Outcome.ACCEPTED


def _client_uuid(client_id: Any) -> UUID:
    try:
        return UUID(str(client_id))
    except (TypeError, ValueError):
        raise Invalid(_("Thiếu mã lần nộp hoặc mã không hợp lệ: hãy tải lại trang rồi nộp lại."),
                      code="evaluation.client_id_invalid") from None


def _clean_submitted_answers(answers: Any) -> dict[str, str]:
    if not isinstance(answers, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str | None) for k, v in answers.items()):
        raise Invalid(_("Phiếu gửi lên không đúng định dạng."), code="evaluation.sheet_format")
    return {k: v for k, v in answers.items() if v}


def _submission_conflict(member: CouncilMember, assignment: Assignment, dossier: Dossier,
                         base: Mapping[str, Any], current: dict[str, int],
                         captured_at: datetime | None,
                         sheet: ScoreSheet | None) -> tuple[str, str] | None:
    """Why a submit can no longer be applied (code, sentence for the member), or None."""
    keep = _("Bản của bạn đã được giữ lại để thư ký hội đồng xem xét.")
    if not member.scores:
        return "no_longer_scoring", _("Bạn không còn là thành viên chấm điểm của hội đồng này: "
                                      "phiếu không được tính.") + " " + keep
    if selectors.is_conflicted(member, dossier):
        return "recused", _("Bạn đã kê khai xung đột lợi ích với hồ sơ này nên phiếu không "
                            "được tính.") + " " + keep
    if assignment.council.round_id != dossier.round_id:
        return "moved", _("Hồ sơ đã chuyển sang đợt đánh giá khác.") + " " + keep
    if (dossier.state != S.UNDER_EVALUATION
            or assignment.council.round.status != Round.Status.OPEN):
        return "not_scoring", _("Hồ sơ %(ref)s không còn trong giai đoạn chấm điểm.") % {
            "ref": dossier.reference} + " " + keep
    revisions = {assignment.revision}
    with contextlib.suppress(TypeError, ValueError):
        revisions.add(int(base.get("revision")))
    if CouncilResult.objects.filter(dossier=dossier, council_id=assignment.council_id,
                                    revision__in=revisions).exists():
        return "revision_closed", _("Chủ tịch hội đồng đã khoá lượt chấm trước khi phiếu của "
                                    "bạn tới máy chủ.") + " " + keep
    changed = rules.base_differences(dict(base), current)
    if "revision" in changed:
        return "revision_changed", _("Hội đồng đã mở lượt chấm lại (lượt %(n)d) sau khi bạn "
                                     "chấm: hãy mở lại trang và chấm lượt mới.") % {
            "n": current["revision"]} + " " + keep
    if "criteria_set" in changed:
        return "criteria_changed", _("Bộ tiêu chí của hồ sơ đã thay đổi sau khi bạn chấm.") \
            + " " + keep
    if "dossier_version" in changed:
        return "dossier_changed", _("Hồ sơ đã có phiên bản mới sau khi bạn chấm: hãy xem lại "
                                    "hồ sơ rồi chấm lại.") + " " + keep
    if rules.too_old(captured_at, timezone.now()):
        return "too_old", _("Phiếu đã chờ gửi quá %(days)d ngày nên không được nộp tự động.") % {
            "days": rules.MAX_QUEUED_AGE.days} + " " + keep
    if rules.must_declare(rules.conflict_hints(member, dossier),
                          selectors.declaration_of(member, dossier)):
        return "declare_first", _("Có dấu hiệu xung đột lợi ích: hãy kê khai trước khi chấm.") \
            + " " + keep
    if sheet is not None and sheet.state == ScoreSheet.State.SUBMITTED:
        return "already_submitted", _("Bạn đã nộp phiếu cho lượt chấm này từ trước; mỗi thành "
                                      "viên chỉ nộp một lần.") + " " + keep
    return None


@transaction.atomic
def receive_sheet(*, actor: User, dossier_id: int, client_id: Any, base: Mapping[str, Any],
                  answers: Any, content_hash: str | None, captured_at: datetime | None = None,
                  via: str = SheetSubmission.Via.OFFLINE,
                  member_user: User | None = None, comments: Any = None,
                  comment: Any = "") -> Receipt:
    """Submit a member's whole sheet as their device holds it, exactly once.

    - ``client_id``: the device's id of this submit; the unique constraint on
      ``SheetSubmission.client_id`` turns a replay (retry, double click, re-import) into the
      stored outcome of the first arrival — the insert is attempted and its IntegrityError
      handled, there is no check-then-insert race;
    - ``content_hash``: SHA-256 of the canonical answers and comments (``rules.sheet_hash``;
      ``comments`` per criterion code, ``comment`` on the whole sheet), recomputed
      here; a mismatch is refused (Invalid) and nothing is stored — the device keeps its copy.
      Only the page's own form, which is not a stored copy, may leave it out (and its base
      versions: a form rendered before they existed is judged on the other rules);
    - ``base``: the versions the member scored against (``selectors.sheet_base``). A closed,
      changed or no longer permitted revision is a conflict: the submission is stored with
      both versions and the outcome ``conflict`` (the caller answers 409), never applied.

    ``member_user``: the secretary importing a member's exported file acts for that member
    (``actor`` is the secretary, recorded as ``imported_by``; the caller checked their right).
    A person with no membership of any council of the dossier gets ``NotAssigned`` (404)."""
    uuid = _client_uuid(client_id)
    answers = _clean_submitted_answers(answers)
    comments = {} if comments is None else comments
    if not isinstance(comments, Mapping) or not isinstance(comment, str):
        raise Invalid(_("Nhận xét gửi lên không đúng định dạng."),
                      code="evaluation.comment_format")
    expected = rules.sheet_hash(answers, dict(comments), comment)
    if content_hash is None and via != SheetSubmission.Via.PAGE:
        content_hash = ""
    if content_hash is not None and content_hash != expected:
        raise Invalid(_("Phiếu trên máy đã bị thay đổi sau khi bạn bấm nộp (mã kiểm tra không "
                        "khớp) nên không được nhận. Hãy mở lại phiếu, kiểm tra các lựa chọn "
                        "rồi nộp lại."), code="evaluation.hash_mismatch")
    if via != SheetSubmission.Via.PAGE and not {"criteria_set", "dossier_version",
                                                 "revision"} <= set(base):
        raise Invalid(_("Phiếu gửi lên thiếu phiên bản hồ sơ, bộ tiêu chí hoặc lượt chấm."),
                      code="evaluation.base_missing")
    user = member_user or actor
    dossier = Dossier.objects.select_related("criteria_set", "round", "producer__commune") \
        .filter(pk=dossier_id).first()
    found = selectors.any_membership(user, dossier) if dossier is not None else None
    if found is None:
        raise NotAssigned
    member, assignment = found
    comments, comment = clean_comments(dossier, comments, comment)
    if captured_at is not None and captured_at > timezone.now() + rules.CLOCK_SKEW:
        captured_at = None  # the device's clock, not a fact; the receipt time stands
    try:
        with transaction.atomic():
            submission = SheetSubmission.objects.create(
                client_id=uuid, user=user, dossier=dossier, member=member, base=dict(base),
                answers=answers, comments=comments, comment=comment,
                content_hash=expected, captured_at=captured_at, via=via,
                imported_by=actor if member_user is not None else None,
                outcome=SheetSubmission.Outcome.CONFLICT)
    except IntegrityError:
        existing = selectors.submission_by_client_id(uuid)
        if existing is None:
            raise
        if (existing.user_id, existing.dossier_id, existing.content_hash) != (
                user.pk, dossier.pk, expected):
            raise Invalid(_("Mã lần nộp này đã được dùng cho một phiếu khác: hãy tải lại trang "
                            "rồi nộp lại."), code="evaluation.client_id_reused") from None
        return Receipt(existing, replayed=True)
    # The joined rows are locked too, as PostgreSQL's UPDATE locks (no_key): a foreign-key check
    # of a row referring to them is not blocked (registry.services._locked says why).
    assignment = (Assignment.objects.select_for_update(no_key=True).select_related("council__round")
                  .get(pk=assignment.pk))
    current = selectors.sheet_base(dossier, assignment)
    sheet = (ScoreSheet.objects.select_for_update(no_key=True)
             .filter(member=member, dossier=dossier, revision=assignment.revision).first())
    conflict = _submission_conflict(member, assignment, dossier, base, current, captured_at,
                                    sheet)
    if conflict is not None:
        submission.reason_code, submission.message = conflict
        submission.server = {**current, "sheet_state": sheet.state if sheet else "none",
                             "sheet_answers": sheet.answers if sheet else {},
                             "sheet_comments": sheet.comments if sheet else {},
                             "sheet_comment": sheet.comment if sheet else ""}
        submission.save(update_fields=["reason_code", "message", "server"])
        audit.record(actor=actor, action="evaluation.sheet.held", obj=submission, changes={
            "dossier": dossier.pk, "member": member.pk, "reason": submission.reason_code,
            "base": submission.base, "server": current, "via": via})
        return Receipt(submission, replayed=False)
    changes = clean_answer_changes(dossier.criteria_set, answers)
    if sheet is None:
        sheet = ScoreSheet.objects.create(member=member, dossier=dossier,
                                          revision=assignment.revision,
                                          criteria_set_id=dossier.criteria_set_id)
    sheet.answers = {k: v for k, v in changes.items() if v is not None}
    sheet.comments, sheet.comment = comments, comment
    sheet.save(update_fields=["answers", "comments", "comment", "updated_at"])
    sheet = _finish_submit(actor, assignment, dossier, sheet)
    submission.outcome = SheetSubmission.Outcome.ACCEPTED
    submission.sheet = sheet
    submission.save(update_fields=["outcome", "sheet"])
    return Receipt(submission, replayed=False)


EXPORT_KIND = "ocop-phieu-cho-gui"


def import_sheets(*, actor: User, council: Council, data: Any) -> list[dict[str, Any]]:
    """The secretary imports a file of pending sheets a member exported from their device
    (when the device cannot reach the server). Each item goes through ``receive_sheet`` for
    that member, with the same rules: a replay is the stored outcome, a conflict is kept with
    both versions. Items are independent: one refused item does not undo the others.
    Returns one line per item: reference, outcome, message."""
    require(can_manage_round(actor, council.round))
    if not isinstance(data, Mapping) or data.get("kind") != EXPORT_KIND \
            or not isinstance(data.get("items"), list):
        raise ValidationError(_("Tệp không phải tệp “phiếu chờ gửi” của trang chấm điểm."))
    member = (council.members.select_related("user")
              .filter(user__username=str(data.get("username", ""))).first())
    if member is None:
        raise ValidationError(_("Người xuất tệp không phải thành viên của hội đồng này."))
    assigned = set(council.assignments.values_list("dossier_id", flat=True))
    report = []
    for item in data["items"]:
        item = item if isinstance(item, Mapping) else {}
        dossier_id = item.get("dossier")
        line = {"dossier": dossier_id, "client_id": item.get("client_id")}
        if not isinstance(dossier_id, int) or dossier_id not in assigned:
            report.append({**line, "outcome": "refused",
                           "message": _("Hồ sơ không được phân công cho hội đồng này.")})
            continue
        try:
            receipt = receive_sheet(
                actor=actor, member_user=member.user, dossier_id=dossier_id,
                client_id=item.get("client_id"),
                base=item.get("base") if isinstance(item.get("base"), Mapping) else {},
                answers=item.get("answers"), content_hash=str(item.get("content_hash") or ""),
                captured_at=_moment_or_none(item.get("captured_at")),
                via=SheetSubmission.Via.IMPORT, comments=item.get("comments"),
                comment=item.get("comment", ""))
        except (StateError, ValidationError, NotFound, Invalid) as exc:
            message = (" ".join(exc.messages) if isinstance(exc, ValidationError)
                       else exc.message)
            report.append({**line, "outcome": "refused", "message": str(message)})
            continue
        row = receipt.submission
        report.append({**line, "outcome": row.outcome, "replayed": receipt.replayed,
                       "message": _("Đã nộp phiếu chấm.") if receipt.accepted else row.message})
    return report


def _moment_or_none(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return parse_datetime(value)
    except ValueError:
        return None


def _all_submitted(assignment: Assignment) -> bool:
    expected = {m.pk for m, conflicted in selectors.scoring_members(assignment)
                if not conflicted}
    return bool(expected) and selectors.submitted_members(assignment, expected) == expected


def _assignment_for(council: Council, dossier: Dossier) -> Assignment:
    assignment = (Assignment.objects.select_for_update(no_key=True).select_related("council__round")
                  .filter(council=council, dossier=dossier).first())
    if assignment is None:
        raise NotAssigned
    return assignment


@transaction.atomic
def close_scoring(*, actor: User | None, council: Council, dossier: Dossier) -> CouncilResult:
    """The chair closes the current revision: the council's figures are computed and become
    visible to the members (not yet to the producer)."""
    dossier = _fresh(dossier)
    if actor is not None:
        selectors.chair_of(actor, council)
    assignment = _assignment_for(council, dossier)
    if dossier.state != S.UNDER_EVALUATION:
        raise StateError(_("Hồ sơ %(ref)s không ở giai đoạn chấm điểm.")
                         % {"ref": dossier.reference}, code="evaluation.not_scoring")
    if selectors.revision_closed(assignment):
        raise StateError(_("Lượt chấm này đã được khoá."), code="evaluation.revision_closed")
    members = selectors.scoring_members(assignment)
    by_id = {m.pk: (m, c) for m, c in members}
    submitted = ScoreSheet.objects.filter(dossier=dossier, revision=assignment.revision,
                                          state=ScoreSheet.State.SUBMITTED,
                                          member_id__in=list(by_id))
    # The explanation is stored and printed in the minutes: names and roles in Vietnamese.
    with translation.override("vi"):
        sheets = [
            MemberSheet(member_id=str(s.member_id), answers=s.answers,
                        conflicted=by_id[s.member_id][1], is_chair=by_id[s.member_id][0].is_chair,
                        name=str(by_id[s.member_id][0]))
            for s in submitted
        ]
    engine_set = criteria_selectors.engine_set(dossier.criteria_set)
    try:
        result = aggregate(engine_set, sheets, rules.council_config(council, len(members)))
    except EvaluationError as exc:
        # Sheets are complete (submit_sheet) and one per member (the table's constraint), so
        # what is left is a council where no member without a conflict of interest has
        # submitted; the engine's own texts are English and meant for developers.
        raise StateError(_("Chưa có phiếu hợp lệ nào để tổng hợp: cần ít nhất một thành viên "
                           "không có xung đột lợi ích nộp phiếu."),
                         code="evaluation.no_valid_sheet") from exc
    row = CouncilResult.objects.create(
        dossier=dossier, council=council, level=council.level, revision=assignment.revision,
        mean=result.mean_display, stars=result.stars, spread=result.spread,
        rescore_required=result.rescore_required, quorum_met=result.quorum_met,
        data=result.to_dict(), final=False, closed_by=actor,
    )
    audit.record(actor=actor, action="evaluation.scoring.close", obj=row, changes={
        "revision": row.revision, "mean": row.mean, "stars": row.stars, "spread": row.spread,
        "rescore_required": row.rescore_required, "quorum_met": row.quorum_met,
        "counted": list(result.counted),
    })
    notify([m.user for m, _conflicted in members],
           "evaluation.scoring_closed_rescore" if row.rescore_required
           else "evaluation.scoring_closed",
           _about(dossier, revision=row.revision), dossier)
    return row


@transaction.atomic
def start_rescore(*, actor: User | None, council: Council, dossier: Dossier) -> Assignment:
    """Open a new revision (chấm lại) after a spread beyond the limit or a missing quorum.
    Each member's new draft starts from their previous answers; the old sheets stay."""
    if actor is not None:
        selectors.chair_of(actor, council)
    assignment = _assignment_for(council, dossier)
    last = CouncilResult.objects.filter(dossier=dossier, council=council,
                                        revision=assignment.revision).first()
    if last is None:
        raise StateError(_("Hãy khoá lượt chấm hiện tại trước khi mở lượt chấm lại."),
                         code="evaluation.close_first")
    if last.final or not rules.needs_rescore(last):
        raise StateError(_("Kết quả lượt chấm này không cần chấm lại."),
                         code="evaluation.no_rescore_needed")
    previous = {s.member_id: s.answers for s in ScoreSheet.objects.filter(
        dossier=dossier, revision=assignment.revision)}
    assignment.revision += 1
    assignment.save(update_fields=["revision"])
    ScoreSheet.objects.bulk_create(
        ScoreSheet(member=m, dossier=dossier, revision=assignment.revision,
                   criteria_set_id=dossier.criteria_set_id, answers=previous.get(m.pk, {}))
        for m, conflicted in selectors.scoring_members(assignment) if not conflicted
    )
    audit.record(actor=actor, action="evaluation.rescore", obj=assignment,
                 changes={"revision": [assignment.revision - 1, assignment.revision],
                          "spread": last.spread})
    notify([m.user for m, c in selectors.scoring_members(assignment) if not c],
           "evaluation.rescore", _about(dossier, revision=assignment.revision), dossier)
    return assignment


@transaction.atomic
def finalise(*, actor: User | None, council: Council, dossier: Dossier,
             today: date | None = None) -> CouncilResult:
    """Make the closed revision the council's final result: the dossier becomes "scored", the
    criteria version is locked, the minutes (biên bản) PDF is stored. ``today`` backdates the
    result (demo data, tests); a result after the round's evaluation deadline is recorded with
    an audit entry (``late_evaluation``)."""
    dossier = _fresh(dossier)
    if actor is not None:
        selectors.chair_of(actor, council)
    assignment = _assignment_for(council, dossier)
    row = CouncilResult.objects.select_for_update(no_key=True).filter(
        dossier=dossier, council=council, revision=assignment.revision).first()
    if row is None:
        raise StateError(_("Hãy khoá lượt chấm trước khi chốt kết quả."),
                         code="evaluation.close_first")
    if row.final:
        raise StateError(_("Kết quả đã được chốt."), code="evaluation.already_final")
    if not row.quorum_met:  # (rules.needs_rescore, each case with its own reason)
        raise StateError(_("Không đủ số thành viên theo quy định: kết quả chưa có giá trị."),
                         code="evaluation.no_quorum")
    if row.rescore_required:
        raise StateError(_("Điểm các thành viên chênh lệch quá giới hạn: cần chấm lại."),
                         code="evaluation.rescore_required")
    row.final = True
    row.finalised_at = _moment(today)
    _check_result_date(dossier, row)
    row.minutes.save(f"bien-ban-{dossier.reference}-lan-{row.revision}.pdf",
                     ContentFile(minutes_pdf(row)), save=False)
    row.save(update_fields=["final", "finalised_at", "minutes"])
    criteria_services.lock_version(version=dossier.criteria_set, actor=actor)
    dossiers.advance(actor=actor, dossier=dossier, to=S.SCORED,
                     changes={"mean": str(row.mean), "stars": row.stars, "result": row.pk})
    audit.record(actor=actor, action="evaluation.result.finalise", obj=row,
                 changes={"mean": row.mean, "stars": row.stars, "revision": row.revision})
    _record_if_late(actor, row, council.round)
    notify(_producer_and_office(dossier), "evaluation.result",
           _about(dossier, mean=row.mean, stars=row.stars), dossier)
    return row


# --- Dates that follow the workflow (the rule and its messages: rules.py) ---------------------


def _moment(today: date | None) -> datetime:
    """Now, or late afternoon of ``today`` when the caller backdates (demo data, tests)."""
    if today is None:
        return timezone.now()
    return timezone.make_aware(datetime.combine(today, time(16)))


def _check_result_date(dossier: Dossier, result: CouncilResult) -> None:
    submitted = submission_date(dossier)
    if submitted is not None and result_date(result) < submitted:
        raise ValidationError({"date": _(
            "Ngày hội đồng chốt kết quả (%(result)s) không được trước ngày nộp hồ sơ "
            "(%(submitted)s).") % {"result": dmy(result_date(result)),
                                   "submitted": dmy(submitted)}})


def _record_if_late(actor: User | None, result: CouncilResult, round_: Round | None) -> None:
    if rules.late_evaluation_message(result, round_) is not None:
        audit.record(actor=actor, action="evaluation.result.late", obj=result, changes={
            "finalised_on": result_date(result), "evaluation_deadline": round_.evaluation_deadline,
        })


# --- Escalation, upper-level results and recognition -----------------------------------------


@transaction.atomic
def propose_up(*, actor: User | None, dossier: Dossier) -> Dossier:
    dossier = _fresh(dossier)
    require(can_decide(actor, dossier))
    result = selectors.final_result(dossier)
    if dossier.state != S.SCORED or result is None:
        raise StateError(_("Chỉ đề nghị cấp trên khi hồ sơ đã có kết quả chấm cuối cùng."),
                         code="evaluation.not_final")
    target = rules.escalation_target(dossier, result)
    if target is None:
        raise StateError(_("Kết quả chưa đạt ngưỡng của cấp trên."),
                         code="evaluation.below_next_level")
    dossier = dossiers.advance(actor=actor, dossier=dossier, to=S.PROPOSED_UP,
                               changes={"to_level": target.code, "result": result.pk})
    recipients = (central_office_users() if target.code == CENTRAL
                  else province_office_users(dossier.producer.commune.current_province_id))
    notify(recipients + producer_users(dossier.producer_id), "evaluation.proposed_up",
           _about(dossier, mean=result.mean, level=target.code), dossier)
    return dossier


@transaction.atomic
def record_upper_result(*, actor: User | None, dossier: Dossier, mean: Decimal, stars: int,
                        note: str = "", today: date | None = None) -> CouncilResult:
    """Record the result of an upper level that scored outside the platform (e.g. the national
    council's session): the dossier, accepted into that level's round, becomes "scored"."""
    dossier = _fresh(dossier)
    round_ = dossier.round
    if round_ is None or dossier.state != S.ACCEPTED:
        raise StateError(_("Hồ sơ phải được tiếp nhận vào đợt của cấp trên trước."),
                         code="evaluation.not_in_upper_round")
    require(can_manage_round(actor, round_))
    if not 1 <= stars <= MAX_STARS or not Decimal(0) <= Decimal(mean) <= TOTAL_POINTS:
        raise ValidationError({"stars": _("Hạng sao 1–5 và điểm 0–100.")})
    _check_result_date(dossier, CouncilResult(finalised_at=_moment(today)))
    dossiers.advance(actor=actor, dossier=dossier, to=S.UNDER_EVALUATION,
                     changes={"external": round_.level})
    row = CouncilResult.objects.create(
        dossier=dossier, council=None, level=round_.level, revision=1,
        mean=Decimal(mean).quantize(Decimal("0.01")), stars=stars, quorum_met=True,
        data={"external": True, "note": note}, final=True, finalised_at=_moment(today),
        closed_by=actor,
    )
    dossiers.advance(actor=actor, dossier=dossier, to=S.SCORED,
                     changes={"mean": str(row.mean), "stars": stars, "result": row.pk})
    audit.record(actor=actor, action="evaluation.result.record_upper", obj=row,
                 changes={"mean": row.mean, "stars": stars, "level": row.level, "note": note})
    _record_if_late(actor, row, round_)
    return row


@dataclass
class RecognitionLine:
    """One certificate a recognition decision will issue."""

    dossier: Dossier
    result: CouncilResult
    stars: int
    valid_until: date


@dataclass
class RecognitionPlan:
    """What a decision dated ``decision_date`` will issue, shown for confirmation first."""

    decision_date: date
    lines: list[RecognitionLine]
    warnings: list[str]


def plan_recognition(*, round: Round, dossier_ids: Iterable[int], decision_date: date,
                     number: str, signer_name: str, signer_title: str) -> RecognitionPlan:
    """Check the decision, the chosen dossiers and the dates without writing anything (the
    confirmation step shows the plan; ``recognise`` issues it)."""
    certificates.validate_decision(number=number, signer_name=signer_name,
                                   signer_title=signer_title, level=round.level,
                                   issuing_unit=round.issuing_unit)
    ids = sorted(set(dossier_ids))
    if not ids:
        raise ValidationError({"dossiers": _("Chọn ít nhất một hồ sơ.")})
    chosen = list(Dossier.objects.select_related("product__producer__commune", "round")
                  .filter(pk__in=ids, round=round).order_by("id"))
    if len(chosen) != len(ids):
        raise ValidationError({"dossiers": _("Có hồ sơ không thuộc đợt đánh giá này.")})
    lines: list[RecognitionLine] = []
    errors: list[str] = []
    for dossier in chosen:
        result = selectors.final_result(dossier)
        if dossier.state != S.SCORED or result is None or result.level != round.level:
            raise StateError(_("Hồ sơ %(ref)s chưa có kết quả cuối cùng ở cấp này.")
                             % {"ref": dossier.reference}, code="evaluation.not_final")
        criteria_publishing.require_accepted(dossier)
        stars = rules.awardable_stars(dossier, result)
        if not is_certifiable(stars):
            raise StateError(_("Hồ sơ %(ref)s đạt %(stars)d sao: không đủ điều kiện công nhận "
                               "(từ 3 sao).") % {"ref": dossier.reference, "stars": result.stars},
                             code="evaluation.not_certifiable")
        submitted = submission_date(dossier)
        if submitted is not None and decision_date < submitted:
            errors.append(_("Ngày quyết định (%(day)s) không được trước ngày nộp hồ sơ "
                            "%(ref)s (%(submitted)s).") % {
                "day": dmy(decision_date), "ref": dossier.reference,
                "submitted": dmy(submitted)})
        elif decision_date < result_date(result):
            errors.append(_("Ngày quyết định (%(day)s) không được trước ngày hội đồng chốt kết "
                            "quả hồ sơ %(ref)s (%(result)s).") % {
                "day": dmy(decision_date), "ref": dossier.reference,
                "result": dmy(result_date(result))})
        lines.append(RecognitionLine(dossier, result, stars,
                                     certificate_valid_until(decision_date)))
    if errors:
        raise ValidationError({"date": errors})
    late = rules.late_recognition_message(round, decision_date)
    return RecognitionPlan(decision_date, lines, [late] if late else [])


@transaction.atomic
def recognise(
    *, actor: User | None, round: Round, dossier_ids: Iterable[int], number: str,
    decision_date: date, signer_name: str, signer_title: str, today: date | None = None,
) -> RecognitionDecision:
    """One recognition decision (quyết định công nhận) for the chosen scored dossiers of the
    round, each with a final result of 3★ or more: certificates are issued, dossiers become
    "recognised". Pages call it only after the person confirmed ``plan_recognition``."""
    plan = plan_recognition(round=round, dossier_ids=dossier_ids, decision_date=decision_date,
                            number=number, signer_name=signer_name, signer_title=signer_title)
    decision = certificates.create_decision(
        actor=actor, number=number, date=decision_date, signer_name=signer_name,
        signer_title=signer_title, level=round.level, issuing_unit=round.issuing_unit,
    )
    for line in plan.lines:
        certificate = certificates.issue_certificate(
            actor=actor, decision=decision, product=line.dossier.product, stars=line.stars,
            total_score=line.result.mean, source_dossier=line.dossier, today=today,
        )
        dossiers.advance(actor=actor, dossier=line.dossier, to=S.RECOGNISED,
                         changes={"decision": decision.pk, "certificate": certificate.number})
    if plan.warnings:
        audit.record(actor=actor, action="evaluation.recognition.late", obj=decision, changes={
            "decision_date": decision_date, "recognition_deadline": round.recognition_deadline,
        })
    return decision


@transaction.atomic
def not_recognised(*, actor: User | None, dossier: Dossier, reason: str = "") -> Dossier:
    dossier = _fresh(dossier)
    require(can_decide(actor, dossier))
    if selectors.final_result(dossier) is None:
        raise StateError(_("Hồ sơ chưa có kết quả chấm cuối cùng."), code="evaluation.not_final")
    dossier = dossiers.advance(actor=actor, dossier=dossier, to=S.NOT_RECOGNISED,
                               note=reason.strip()[:500])
    notify(producer_users(dossier.producer_id),
           "evaluation.not_recognised_reason" if reason.strip() else "evaluation.not_recognised",
           _about(dossier, reason=reason.strip()) if reason.strip() else _about(dossier),
           dossier)
    return dossier
