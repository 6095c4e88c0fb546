"""Every write to dossiers, rounds and programme years. Pages, API and commands come through here.

Each function takes keyword-only arguments, runs in one transaction, checks the actor's right
(``actor=None`` means the system itself, e.g. the demo command), writes an audit entry in the
same transaction and notifies whoever must act next (in-app at once, e-mail after commit).

Dates ("today") are injectable so that deadlines can be tested with a controlled clock and the
demo can replay 2024; they default to the local date.

Errors: ``StateError`` for a move the dossier's state, the procedure, a round or a deadline does
not allow (a Vietnamese message for the user); ``ValidationError`` for bad field values;
``PermissionDenied`` for an actor without the right.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ocop.accounts.models import Role, User
from ocop.accounts.selectors import commune_officers, producer_users, province_office_users
from ocop.audit import services as audit
from ocop.core.refusals import Conflict, Verdict
from ocop.criteria import selectors as criteria_selectors
from ocop.criteria.answers import clean_answer_changes
from ocop.criteria.engine import evaluate
from ocop.criteria.models import CriteriaSetVersion
from ocop.dossiers import checklist, hooks, permissions
from ocop.dossiers.forms import clean_form_changes, missing_required
from ocop.dossiers.models import (
    AWAITING_REVIEW,
    EVALUATION_STATES,
    OPEN_STATES,
    TRANSITIONS,
    CorrectionRequest,
    Dossier,
    DossierDocument,
    DossierState,
    DossierVersion,
    ProgrammeYear,
    Round,
)
from ocop.dossiers.selectors import round_covers
from ocop.notifications.services import notify
from ocop.registry.models import EvidenceDocument, Product
from ocop.registry.uploads import validate_document_upload
from ocop.rules.certification import MIN_CERTIFIABLE_STARS, is_certifiable
from ocop.rules.levels import LEVEL_LABELS, THREE_LEVEL, TWO_LEVEL, basis, levels_in_force
from ocop.units.models import Unit

S = DossierState


class StateError(Conflict):
    """A move that the state, procedure, round or a deadline does not allow. Raise it with a
    ``code`` naming the rule (``dossiers.not_editable``); callers that name none get this
    default."""

    default_code = "dossiers.state"


class ProductBusy(StateError):
    """The product already has a dossier under way (``dossier``): the pages lead to it."""

    default_code = "dossiers.product_busy"

    def __init__(self, dossier: Dossier) -> None:
        super().__init__(_(
            "Sản phẩm này đang có hồ sơ %(ref)s chưa kết thúc (“%(state)s”); mỗi sản phẩm chỉ "
            "có một hồ sơ đang xử lý. Hãy tiếp tục hồ sơ đó, hoặc rút hồ sơ đó trước khi lập hồ "
            "sơ mới.") % {"ref": dossier.reference, "state": _state_label(dossier.state)})
        self.dossier = dossier


# --- helpers ---------------------------------------------------------------------------------


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _fmt(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _state_label(state: str) -> str:
    return str(S(state).label)


def _require(verdict: Verdict) -> None:
    # PermissionDenied (not the core Forbidden): the pages and the API answer it with 403.
    if not verdict:
        raise PermissionDenied(verdict.reason)


def _check(actor: User | None, predicate: Any, obj: Any) -> None:
    if actor is not None:
        _require(predicate(actor, obj))


def _locked(dossier: Dossier) -> Dossier:
    """Re-read the row under a lock so that concurrent writes apply one after the other."""
    return (Dossier.objects.select_for_update(of=("self",), no_key=True)
            .select_related("producer__commune", "product__product_set__subgroup",
                            "criteria_set", "round", "requested_round")
            .get(pk=dossier.pk))


def _move(dossier: Dossier, to: str, actor: User | None, action: str,
          changes: dict[str, Any] | None = None, extra_fields: Iterable[str] = ()) -> None:
    """Change the state (checked against TRANSITIONS), save and audit, in the caller's
    transaction."""
    before = dossier.state
    if to not in TRANSITIONS[before]:
        raise StateError(
            _("Không thể chuyển hồ sơ từ trạng thái “%(before)s” sang “%(to)s”.")
            % {"before": _state_label(before), "to": _state_label(to)},
            code="dossiers.transition_not_allowed"
        )
    dossier.state = to
    dossier.state_changed_at = timezone.now()
    dossier.save(update_fields=["state", "state_changed_at", "updated_at", *extra_fields])
    audit.record(actor=actor, action=action, obj=dossier,
                 changes={"state": [before, to], **(changes or {})})


def _about(dossier: Dossier, **more: Any) -> dict[str, Any]:
    """The values of a notification about the dossier (its sentence is worded when read)."""
    return {"ref": dossier.reference, "product": dossier.product.name,
            "dossier_id": dossier.pk, **more}


def needs_commune_check(dossier: Dossier) -> bool:
    """Under 1489 the commune checks a dossier before the province; a commune check stays valid
    when the province later asks for corrections."""
    return dossier.procedure == TWO_LEVEL and dossier.commune_checked_at is None


def province_may_review(dossier: Dossier) -> bool:
    return dossier.state in AWAITING_REVIEW and not needs_commune_check(dossier)


def commune_may_check(dossier: Dossier) -> bool:
    return dossier.state in (S.SUBMITTED, S.RESUBMITTED) and needs_commune_check(dossier)


# --- criteria set and self-assessment ---------------------------------------------------------


def default_criteria_set(product: Product, on: date) -> CriteriaSetVersion:
    """The criteria set in force on ``on`` for the product (``criteria.selectors.sheet_for``)."""
    found = criteria_selectors.sheet_for(product.product_set, on)
    if found is None:
        raise StateError(
            _("Chưa có bộ tiêu chí nào áp dụng cho bộ sản phẩm “%(set)s” vào ngày %(day)s. "
              "Văn phòng Điều phối OCOP Trung ương hoặc quản trị viên nạp bộ tiêu chí; xem "
              "bộ sản phẩm nào đã có phiếu tại trang “Bộ tiêu chí” (/tieu-chi/).")
            % {"set": product.product_set.name_vi, "day": _fmt(on)},
            code="dossiers.no_criteria_set"
        )
    return found


def _evaluate_partial(dossier: Dossier) -> Any:
    engine_set = criteria_selectors.engine_set(dossier.criteria_set)
    return evaluate(engine_set, dict(dossier.self_assessment), partial=True)


def _refresh_self_score(dossier: Dossier) -> None:
    if not dossier.self_assessment:
        # Nothing answered yet: no score, rather than "0 points, 1 star" on the pages.
        dossier.self_score = dossier.self_stars = None
        return
    result = _evaluate_partial(dossier)
    dossier.self_score = Decimal(result.total)
    dossier.self_stars = result.stars


# --- opening and editing ----------------------------------------------------------------------


def _prefill_form(product: Product) -> dict[str, Any]:
    producer = product.producer
    return {
        "product_name": product.name,
        "product_description": product.description,
        "ingredients": product.ingredients,
        "packaging": product.packaging,
        "employees": producer.employees,
        "local_employees": producer.local_employees,
        "contact_name": producer.representative_name,
        "contact_phone": producer.phone,
        "contact_email": producer.email,
    }


_KIND_NEW = Dossier.Kind.NEW.label
_KIND_AGAIN = Dossier.Kind.RE_RECOGNITION.label
_KIND_UP = Dossier.Kind.UPGRADE.label


def kind_for(product: Product, target_stars: int, day: date) -> str:
    """The kind of dossier the product takes on ``day``: a first evaluation without a
    certificate (or after a revocation), an upgrade when aiming above the stars it holds, a
    re-recognition otherwise."""
    return kind_given(hooks.held_certificate(product.pk, day), target_stars, day)


def kind_given(held: hooks.HeldCertificate | None, target_stars: int, day: date) -> str:
    """``kind_for``'s rule, for a caller that has already read the certificate held."""
    if held is None or held.revoked_by(day):
        return Dossier.Kind.NEW
    return Dossier.Kind.UPGRADE if target_stars > held.stars else Dossier.Kind.RE_RECOGNITION


def follow_up_source(product: Product, day: date) -> Dossier | None:
    """The dossier a re-recognition or upgrade of the product starts from when none is named:
    the one behind the certificate it holds, else its last recognised dossier; None when it
    was only ever certified from paper records."""
    return _source_for(product, hooks.held_certificate(product.pk, day))


def _source_for(product: Product, held: hooks.HeldCertificate | None) -> Dossier | None:
    recognised = Dossier.objects.filter(product=product, state=S.RECOGNISED)
    source = None
    if held is not None and held.source_dossier_id is not None:
        source = recognised.filter(pk=held.source_dossier_id).first()
    return source or recognised.order_by("-accepted_at", "-id").first()


def _check_first_evaluation(product: Product, day: date) -> None:
    """A product holding a valid certificate is renewed or upgraded, not evaluated afresh."""
    held = hooks.held_certificate(product.pk, day)
    if held is not None and held.valid_on(day):
        raise ValidationError({"kind": _(
            "Sản phẩm đã có giấy chứng nhận OCOP số %(number)s (%(stars)d sao), còn hiệu lực "
            "đến hết ngày %(until)s. Hãy chọn loại hồ sơ “%(again)s” hoặc “%(up)s”.") % {
            "number": held.number, "stars": held.stars, "until": _fmt(held.valid_until),
            "again": _KIND_AGAIN, "up": _KIND_UP}})


def _follow_up_previous(product: Product, kind: str, previous: Dossier | None,
                        target_stars: int, day: date) -> Dossier | None:
    """Check a re-recognition or upgrade and return the dossier it starts from: the one given,
    else the dossier behind the certificate the product holds, else its last recognised one.
    None for a product certified from paper records only: the new dossier then starts from the
    product's registry data, as a first evaluation does."""
    held = hooks.held_certificate(product.pk, day)
    if held is not None and held.revoked_by(day):
        raise ValidationError({"kind": _(
            "Giấy chứng nhận OCOP số %(number)s của sản phẩm đã bị thu hồi; hãy chọn loại hồ sơ "
            "“%(new)s”.") % {"number": held.number, "new": _KIND_NEW}})
    if previous is None:
        previous = _source_for(product, held)
    elif previous.product_id != product.pk:
        raise ValidationError({"previous": _("Hồ sơ trước phải của cùng sản phẩm.")})
    if held is None and previous is None:
        raise ValidationError({"kind": _(
            "Sản phẩm chưa được công nhận OCOP nên chưa thể đánh giá lại hay nâng hạng; hãy "
            "chọn loại hồ sơ “%(new)s”.") % {"new": _KIND_NEW}})
    current = held.stars if held is not None and held.valid_on(day) else product.stars
    if kind == Dossier.Kind.UPGRADE and current and target_stars <= current:
        raise ValidationError({"target_stars": _(
            "Nâng hạng phải cao hơn hạng hiện tại (%(stars)d sao).") % {"stars": current}})
    return previous


@transaction.atomic
def open_dossier(
    *, actor: User | None, product: Product, target_stars: int = MIN_CERTIFIABLE_STARS,
    kind: str = Dossier.Kind.NEW, previous: Dossier | None = None,
    criteria_set: CriteriaSetVersion | None = None, requested_round: Round | None = None,
    today: date | None = None,
) -> Dossier:
    """Open a draft dossier for a product. Re-recognition and upgrade dossiers start from the
    previous dossier: its form, self-assessment and documents are copied."""
    day = _today(today)
    producer = product.producer
    probe = Dossier(producer=producer, product=product)
    _check(actor, permissions.can_edit, probe)
    if not is_certifiable(target_stars):
        raise ValidationError({"target_stars": _("Hạng sao đăng ký phải là 3, 4 hoặc 5.")})
    if kind not in Dossier.Kind.values:
        raise ValidationError({"kind": _("Loại hồ sơ không hợp lệ.")})
    # First: whatever the kind, a product with a dossier under way gets no second one.
    busy = Dossier.objects.filter(product=product, state__in=OPEN_STATES).first()
    if busy is not None:
        raise ProductBusy(busy)
    if kind != Dossier.Kind.NEW:
        previous = _follow_up_previous(product, kind, previous, target_stars, day)
    else:
        _check_first_evaluation(product, day)
    if criteria_set is None:
        criteria_set = default_criteria_set(product, day)
    dossier = Dossier(
        product=product, producer=producer, criteria_set=criteria_set, target_stars=target_stars,
        kind=kind, previous=previous, requested_round=requested_round,
        created_by=actor, state=S.DRAFT, state_changed_at=timezone.now(),
    )
    if previous is not None:
        dossier.form = dict(previous.form)
        engine_set = criteria_selectors.engine_set(criteria_set)
        # Answers carry over only where the criterion and option still exist in the set.
        dossier.self_assessment = {
            c: o for c, o in previous.self_assessment.items()
            if (crit := engine_set.criterion(c)) is not None and crit.option(o) is not None
        }
    else:
        dossier.form = _prefill_form(product)
    _refresh_self_score(dossier)
    dossier.save()
    if previous is not None:
        DossierDocument.objects.bulk_create(
            DossierDocument(
                dossier=dossier, checklist_item=d.checklist_item, file=d.file.name,
                original_name=d.original_name, content_kind=d.content_kind, size=d.size,
                sha256=d.sha256, evidence_id=d.evidence_id, criteria=d.criteria, note=d.note,
                uploaded_by=d.uploaded_by,
            )
            for d in previous.documents.all()
        )
    audit.record(actor=actor, action="dossier.open", obj=dossier, changes={
        "product": product.pk, "kind": kind, "target_stars": target_stars,
        "criteria_set": criteria_set.pk, "previous": previous.pk if previous else None,
    })
    if actor is not None and actor.role != Role.PRODUCER:
        notify(producer_users(dossier.producer_id), "dossier.opened",
               _about(dossier, actor=actor.get_full_name() or actor.username), dossier)
    return dossier


def _not_editable(dossier: Dossier) -> StateError:
    return StateError(
        _("Hồ sơ %(ref)s đang ở trạng thái “%(state)s” nên không sửa được. Chỉ sửa khi hồ sơ "
          "đang soạn hoặc đang được yêu cầu bổ sung.")
        % {"ref": dossier.reference, "state": _state_label(dossier.state)},
        code="dossiers.not_editable"
    )


@transaction.atomic
def autosave(
    *, actor: User | None, dossier: Dossier, form: Mapping[str, Any] | None = None,
    self_assessment: Mapping[str, Any] | None = None, target_stars: int | None = None,
    requested_round: Round | None = None,
) -> Dossier:
    """Merge the fields sent into the draft (PATCH-style): fields not sent are kept, so two
    autosaves of different fields never lose each other's input. Sending the same values
    again changes nothing and writes no audit entry."""
    _check(actor, permissions.can_edit, dossier)
    dossier = _locked(dossier)
    if not dossier.is_editable:
        raise _not_editable(dossier)
    form_changes = clean_form_changes(dict(form or {}))
    answer_changes = clean_answer_changes(
        dossier.criteria_set, dict(self_assessment or {}),
        unknown=_("Tiêu chí “%(code)s” không có trong bộ tiêu chí của hồ sơ."))
    changes: dict[str, Any] = {}
    new_form = dict(dossier.form)
    for key, value in form_changes.items():
        if new_form.get(key) != value:
            changes[f"form.{key}"] = [new_form.get(key), value]
            new_form[key] = value
    new_answers = dict(dossier.self_assessment)
    for code, option in answer_changes.items():
        if new_answers.get(code) != option:
            changes[f"answer.{code}"] = [new_answers.get(code), option]
            if option is None:
                new_answers.pop(code, None)
            else:
                new_answers[code] = option
    if target_stars is not None and target_stars != dossier.target_stars:
        if not is_certifiable(target_stars):
            raise ValidationError({"target_stars": _("Hạng sao đăng ký phải là 3, 4 hoặc 5.")})
        changes["target_stars"] = [dossier.target_stars, target_stars]
        dossier.target_stars = target_stars
    if requested_round is not None and requested_round.pk != dossier.requested_round_id:
        changes["requested_round"] = [dossier.requested_round_id, requested_round.pk]
        dossier.requested_round = requested_round
    if not changes:
        return dossier
    dossier.form = new_form
    dossier.self_assessment = new_answers
    _refresh_self_score(dossier)
    dossier.save()
    audit.record(actor=actor, action="dossier.autosave", obj=dossier, changes=changes)
    return dossier


def _evidence_allowed(dossier: Dossier, evidence: EvidenceDocument) -> bool:
    return evidence.producer_id == dossier.producer_id and evidence.product_id in (
        None, dossier.product_id)


@transaction.atomic
def attach_document(
    *, actor: User | None, dossier: Dossier, checklist_item: str, file: File | None = None,
    evidence: EvidenceDocument | None = None, criteria: list[str] | None = None, note: str = "",
) -> DossierDocument:
    """Add an uploaded file (checked by content and size) or reuse one of the producer's
    existing documents for a checklist item."""
    _check(actor, permissions.can_edit, dossier)
    dossier = _locked(dossier)
    if not dossier.is_editable:
        raise _not_editable(dossier)
    item = checklist.item(checklist_item)
    if item is None:
        raise ValidationError({"checklist_item": _("Mục hồ sơ “%(item)s” không tồn tại.")
                               % {"item": checklist_item}})
    if (file is None) == (evidence is None):
        raise ValidationError({"file": _("Chọn một tệp để tải lên hoặc một giấy tờ đã có.")})
    engine_set = criteria_selectors.engine_set(dossier.criteria_set)
    wanted = item.criteria if criteria is None else tuple(criteria)
    unknown = [c for c in wanted if criteria is not None and engine_set.criterion(c) is None]
    if unknown:
        raise ValidationError({"criteria": _("Tiêu chí không có trong bộ: %(codes)s.")
                               % {"codes": ", ".join(unknown)}})
    linked = [c for c in wanted if engine_set.criterion(c) is not None]
    doc = DossierDocument(dossier=dossier, checklist_item=item.code, criteria=linked,
                          note=note[:255], uploaded_by=actor)
    if file is not None:
        original = (getattr(file, "name", "") or "tep").rsplit("/", 1)[-1][:255]
        kind = validate_document_upload(file, field="file")
        digest = hashlib.sha256()
        file.seek(0)
        for chunk in iter(lambda: file.read(65536), b""):
            digest.update(chunk)
        file.seek(0)
        doc.original_name = original
        doc.content_kind = kind
        doc.size = getattr(file, "size", 0) or 0
        doc.sha256 = digest.hexdigest()
        doc.file.save(file.name, file, save=False)
    else:
        assert evidence is not None
        if not _evidence_allowed(dossier, evidence):
            raise ValidationError({"evidence": _("Giấy tờ này không thuộc chủ thể của hồ sơ.")})
        doc.evidence = evidence
        doc.original_name = str(evidence)[:255]
    doc.save()
    dossier.save(update_fields=["updated_at"])
    audit.record(actor=actor, action="dossier.document_attach", obj=dossier, changes={
        "document": doc.pk, "checklist_item": item.code, "name": doc.original_name,
        "evidence": evidence.pk if evidence else None, "sha256": doc.sha256,
    })
    return doc


@transaction.atomic
def remove_document(*, actor: User | None, document: DossierDocument) -> None:
    """Remove a document from a draft. The stored file stays: a frozen version may cite it."""
    dossier = document.dossier
    _check(actor, permissions.can_edit, dossier)
    dossier = _locked(dossier)
    if not dossier.is_editable:
        raise _not_editable(dossier)
    audit.record(actor=actor, action="dossier.document_remove", obj=dossier, changes={
        "document": document.pk, "checklist_item": document.checklist_item,
        "name": document.original_name,
    })
    document.delete()
    dossier.save(update_fields=["updated_at"])


# --- checks before submission ------------------------------------------------------------------


def submission_problems(dossier: Dossier, on: date) -> list[str]:
    """What still blocks submission (empty when the dossier can be submitted)."""
    problems: list[str] = []
    for f in missing_required(dossier.form):
        problems.append(_("Phiếu đăng ký: chưa điền “%(field)s”.") % {"field": f.label_vi})
    docs = list(dossier.documents.select_related("evidence"))
    for item in checklist.items_for(dossier.product, dossier.target_stars):
        if not item.is_mandatory(dossier.target_stars):
            continue
        mine = [d for d in docs if d.checklist_item == item.code]
        valid = [d for d in mine if d.evidence is None or not d.evidence.is_expired_on(on)]
        if not mine:
            problems.append(_("Thiếu tài liệu bắt buộc: “%(item)s”.") % {"item": item.label_vi})
        elif not valid:
            problems.append(
                _("Tài liệu “%(item)s” đã hết hạn; hãy tải lên bản còn hiệu lực.")
                % {"item": item.label_vi}
            )
    result = _evaluate_partial(dossier)
    if result.missing:
        shown = ", ".join(result.missing[:6]) + ("…" if len(result.missing) > 6 else "")
        count = len(result.missing)
        problems.append(ngettext("Phần tự đánh giá còn %(count)d tiêu chí chưa chọn (%(codes)s).",
                                 "Phần tự đánh giá còn %(count)d tiêu chí chưa chọn (%(codes)s).",
                                 count) % {"count": count, "codes": shown})
    return problems


def _check_round_for_submission(dossier: Dossier, round_: Round | None, day: date) -> None:
    if round_ is None:
        raise StateError(_("Chưa chọn đợt đánh giá để nộp hồ sơ."), code="dossiers.round_missing")
    if round_.status != Round.Status.OPEN:
        raise StateError(_("%(round)s đã đóng, không nhận hồ sơ.") % {"round": round_.name},
                         code="dossiers.round_closed")
    if day < round_.opens_on:
        raise StateError(_("%(round)s bắt đầu nhận hồ sơ từ ngày %(day)s.")
                         % {"round": round_.name, "day": _fmt(round_.opens_on)},
                         code="dossiers.round_not_open_yet")
    if day > round_.submission_deadline:
        raise StateError(
            _("Đã quá hạn nộp hồ sơ của %(round)s: hạn cuối là ngày %(day)s. Hãy chọn một đợt "
              "đánh giá khác.") % {"round": round_.name, "day": _fmt(round_.submission_deadline)},
            code="dossiers.deadline_passed"
        )
    entry = levels_in_force(day).entry_level
    if round_.level != entry.code:
        raise StateError(_("Hồ sơ mới phải nộp vào đợt %(expected)s; %(round)s là đợt %(level)s.")
                         % {"expected": entry.label_vi.lower(), "round": round_.name,
                            "level": LEVEL_LABELS[round_.level].lower()},
                            code="dossiers.round_wrong_level")
    if not round_covers(round_, dossier):
        raise StateError(_("%(round)s không thuộc địa bàn của chủ thể.") % {"round": round_.name},
                         code="dossiers.round_outside_area")


def _freeze(dossier: Dossier, actor: User | None) -> DossierVersion:
    docs = list(dossier.documents.select_related("evidence").order_by("checklist_item", "id"))
    number = (dossier.versions.order_by("-number").values_list("number", flat=True).first()
              or 0) + 1
    snapshot = {
        "form": dict(dossier.form),
        "self_assessment": dict(dossier.self_assessment),
        "self_score": str(dossier.self_score) if dossier.self_score is not None else None,
        "self_stars": dossier.self_stars,
        "target_stars": dossier.target_stars,
        "kind": dossier.kind,
        "criteria_set": str(dossier.criteria_set),
        "requested_round": dossier.requested_round_id,
        "documents": [
            {"id": d.pk, "checklist_item": d.checklist_item, "name": d.original_name,
             "file": d.file.name or "", "sha256": d.sha256,
             "evidence": d.evidence_id, "criteria": list(d.criteria)}
            for d in docs
        ],
    }
    return DossierVersion.objects.create(dossier=dossier, number=number, snapshot=snapshot,
                                         created_by=actor)


def _notify_reviewers(dossier: Dossier, verb: str, data: dict[str, Any]) -> None:
    commune = dossier.producer.commune
    if needs_commune_check(dossier):
        notify(commune_officers(commune.current_commune_id), verb, data, dossier)
    else:
        notify(province_office_users(commune.current_province_id), verb, data, dossier)


@transaction.atomic
def submit(*, actor: User | None, dossier: Dossier, today: date | None = None) -> DossierVersion:
    """Submit a draft: mandatory checklist, self-assessment complete, the requested round open
    and its submission deadline not passed. Freezes version 1 (or the next number)."""
    day = _today(today)
    _check(actor, permissions.can_edit, dossier)
    dossier = _locked(dossier)
    if dossier.state != S.DRAFT:
        raise StateError(_("Chỉ nộp được hồ sơ đang soạn; hồ sơ đang ở trạng thái “%(state)s”.")
                         % {"state": _state_label(dossier.state)}, code="dossiers.not_a_draft")
    _check_round_for_submission(dossier, dossier.requested_round, day)
    problems = submission_problems(dossier, day)
    if problems:
        raise StateError(_("Hồ sơ chưa đủ điều kiện nộp: %(problems)s")
                         % {"problems": " ".join(problems)}, code="dossiers.incomplete")
    dossier.procedure = levels_in_force(day).procedure
    # ``today`` (demo data, tests) dates the submission too, so later dates can follow it.
    dossier.submitted_at = timezone.now() if today is None else timezone.make_aware(
        datetime.combine(day, time(9)))
    _move(dossier, S.SUBMITTED, actor, "dossier.submit",
          {"procedure": dossier.procedure, "round": dossier.requested_round_id},
          extra_fields=("procedure", "submitted_at"))
    version = _freeze(dossier, actor)
    _notify_reviewers(dossier, "dossier.submitted",
                      _about(dossier, producer=dossier.producer.name))
    return version


@transaction.atomic
def commune_precheck(
    *, actor: User | None, dossier: Dossier, results: Mapping[str, Mapping[str, Any]],
) -> Dossier:
    """The commune's check under 1489 (local raw materials, local labour, origin of the idea).
    All items confirmed → "commune_checked" and the province is notified; any item not
    confirmed → corrections are requested from the producer with the commune's comments."""
    _check(actor, permissions.can_precheck, dossier)
    dossier = _locked(dossier)
    if dossier.procedure != TWO_LEVEL:
        raise StateError(_("Hồ sơ theo Quyết định 148 (trước 01/07/2025) không qua bước xã "
                           "kiểm tra."), code="dossiers.no_commune_check")
    if not commune_may_check(dossier):
        raise StateError(_("Hồ sơ đang ở trạng thái “%(state)s”, không chờ xã kiểm tra.")
                         % {"state": _state_label(dossier.state)},
                         code="dossiers.not_awaiting_commune_check")
    items = basis(TWO_LEVEL).commune_precheck
    clean: dict[str, dict[str, Any]] = {}
    errors: dict[str, str] = {}
    for it in items:
        raw = results.get(it.code)
        if not isinstance(raw, Mapping) or not isinstance(raw.get("ok"), bool):
            errors[it.code] = _("Chưa kết luận nội dung “%(item)s”.") % {"item": it.label_vi}
            continue
        comment = str(raw.get("comment") or "").strip()[:1000]
        if not raw["ok"] and not comment:
            errors[it.code] = _("Nêu lý do chưa đạt cho “%(item)s”.") % {"item": it.label_vi}
            continue
        clean[it.code] = {"ok": raw["ok"], "comment": comment}
    if errors:
        raise ValidationError(errors)
    dossier.commune_check = clean
    failed = [{"code": code, "comment": r["comment"]} for code, r in clean.items() if not r["ok"]]
    if failed:
        dossier.save(update_fields=["commune_check", "updated_at"])
        _request(actor, dossier, failed, "", CorrectionRequest.Stage.COMMUNE)
        return dossier
    dossier.commune_checked_at = timezone.now()
    dossier.commune_checked_by = actor
    _move(dossier, S.COMMUNE_CHECKED, actor, "dossier.commune_check", {"results": clean},
          extra_fields=("commune_check", "commune_checked_at", "commune_checked_by"))
    notify(province_office_users(dossier.producer.commune.current_province_id),
           "dossier.commune_checked", _about(dossier), dossier)
    return dossier


def _clean_items(items: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    out = []
    for raw in items:
        code = str(raw.get("code") or "").strip()[:40]
        comment = str(raw.get("comment") or "").strip()[:2000]
        if code and comment:
            out.append({"code": code, "comment": comment})
    return out


def _request(actor: User | None, dossier: Dossier, items: list[dict[str, str]], message: str,
             stage: str) -> CorrectionRequest:
    version = dossier.versions.order_by("-number").first()
    if version is None:  # every submitted dossier has one; guard the invariant loudly
        raise StateError(_("Hồ sơ chưa có phiên bản đã nộp."), code="dossiers.no_submitted_version")
    request = CorrectionRequest.objects.create(
        dossier=dossier, version=version, stage=stage, requested_by=actor, items=items,
        message=message,
    )
    _move(dossier, S.CORRECTIONS_REQUESTED, actor, "dossier.request_corrections",
          {"stage": stage, "version": version.number, "items": items, "message": message})
    recipients = producer_users(dossier.producer_id)
    if dossier.created_by_id and dossier.created_by.role == Role.COMMUNE_OFFICER:
        recipients.append(dossier.created_by)
    notify(recipients, "dossier.corrections_requested", _about(dossier, count=len(items)),
           dossier)
    return request


@transaction.atomic
def request_corrections(
    *, actor: User | None, dossier: Dossier, items: Iterable[Mapping[str, Any]],
    message: str = "",
) -> CorrectionRequest:
    """Ask the producer to complete the dossier, with a comment per checklist item or
    criterion. The commune asks at its pre-check, the standing office at its completeness
    check."""
    dossier = _locked(dossier)
    clean = _clean_items(items)
    message = message.strip()[:4000]
    if not clean and not message:
        raise ValidationError({"items": _("Ghi ít nhất một nội dung cần bổ sung.")})
    if actor is not None and actor.role == Role.COMMUNE_OFFICER:
        _require(permissions.can_precheck(actor, dossier))
        if not commune_may_check(dossier):
            raise StateError(_("Xã chỉ yêu cầu bổ sung khi hồ sơ đang chờ xã kiểm tra."),
                             code="dossiers.not_awaiting_commune_check")
        stage = CorrectionRequest.Stage.COMMUNE
    else:
        _check(actor, permissions.can_review, dossier)
        if not province_may_review(dossier):
            raise StateError(_review_refusal(dossier), code="dossiers.not_awaiting_review")
        stage = CorrectionRequest.Stage.PROVINCE
    return _request(actor, dossier, clean, message, stage)


def _review_refusal(dossier: Dossier) -> str:
    if dossier.state in AWAITING_REVIEW and needs_commune_check(dossier):
        return _("Hồ sơ chưa được xã kiểm tra (Quyết định 1489/QĐ-TTg).")
    return (_("Hồ sơ đang ở trạng thái “%(state)s”, không chờ kiểm tra tính đầy đủ.")
            % {"state": _state_label(dossier.state)})


@transaction.atomic
def resubmit(
    *, actor: User | None, dossier: Dossier, answer: Mapping[str, Any] | None = None,
    today: date | None = None,
) -> DossierVersion:
    """The producer's answer to a correction request: records the answer and freezes a new
    version. The round's deadline is not checked again: the producer was waiting on the
    office, and the office chooses the round on acceptance."""
    day = _today(today)
    _check(actor, permissions.can_edit, dossier)
    dossier = _locked(dossier)
    if dossier.state != S.CORRECTIONS_REQUESTED:
        raise StateError(_("Hồ sơ không ở trạng thái chờ bổ sung."),
                         code="dossiers.not_awaiting_correction")
    problems = submission_problems(dossier, day)
    if problems:
        raise StateError(_("Hồ sơ chưa đủ điều kiện nộp lại: %(problems)s")
                         % {"problems": " ".join(problems)}, code="dossiers.incomplete")
    open_request = dossier.corrections.filter(answered_at__isnull=True).first()
    answer = dict(answer or {})
    clean_answer = {
        "message": str(answer.get("message") or "").strip()[:4000],
        "items": {str(k)[:40]: str(v).strip()[:2000]
                  for k, v in dict(answer.get("items") or {}).items() if str(v).strip()},
    }
    if open_request is not None:
        open_request.answered_at = timezone.now()
        open_request.answered_by = actor
        open_request.answer = clean_answer
        open_request.save(update_fields=["answered_at", "answered_by", "answer"])
    _move(dossier, S.RESUBMITTED, actor, "dossier.resubmit", {"answer": clean_answer})
    version = _freeze(dossier, actor)
    _notify_reviewers(dossier, "dossier.resubmitted", _about(dossier, version=version.number))
    return version


def _check_round_for_acceptance(dossier: Dossier, round_: Round) -> None:
    if round_.status != Round.Status.OPEN:
        raise StateError(_("%(round)s đã đóng, không tiếp nhận thêm hồ sơ.")
                         % {"round": round_.name}, code="dossiers.round_closed")
    procedure = dossier.procedure or THREE_LEVEL
    legal = basis(procedure)
    if dossier.state == S.PROPOSED_UP:
        current = dossier.round.level if dossier.round else legal.entry_level.code
        expected = legal.next_level(current)
        if expected is None:
            raise StateError(_("Hồ sơ đã ở cấp cao nhất."), code="dossiers.highest_level")
    else:
        expected = legal.entry_level
    if round_.level != expected.code:
        raise StateError(_("Hồ sơ này phải vào một đợt %(expected)s; %(round)s là đợt %(level)s.")
                         % {"expected": expected.label_vi.lower(), "round": round_.name,
                            "level": LEVEL_LABELS[round_.level].lower()},
                            code="dossiers.round_wrong_level")
    if not round_covers(round_, dossier):
        raise StateError(_("%(round)s không thuộc địa bàn của chủ thể.") % {"round": round_.name},
                         code="dossiers.round_outside_area")


@transaction.atomic
def accept(*, actor: User | None, dossier: Dossier, round: Round | None = None) -> Dossier:
    """The standing office finds the dossier complete and accepts it into a round (by default
    the round the producer applied for); a dossier proposed up is accepted into a round of the
    next level."""
    _check(actor, permissions.can_review, dossier)
    dossier = _locked(dossier)
    if dossier.state != S.PROPOSED_UP and not province_may_review(dossier):
        raise StateError(_review_refusal(dossier), code="dossiers.not_awaiting_review")
    round_ = round or dossier.requested_round
    if round_ is None:
        raise StateError(_("Chọn đợt đánh giá để tiếp nhận hồ sơ."), code="dossiers.round_missing")
    _check_round_for_acceptance(dossier, round_)
    before = dossier.round_id
    dossier.round = round_
    dossier.accepted_at = timezone.now()
    _move(dossier, S.ACCEPTED, actor, "dossier.accept", {"round": [before, round_.pk]},
          extra_fields=("round", "accepted_at"))
    notify(producer_users(dossier.producer_id), "dossier.accepted",
           _about(dossier, round=round_.name), dossier)
    return dossier


@transaction.atomic
def withdraw(*, actor: User | None, dossier: Dossier, reason: str = "") -> Dossier:
    """The producer withdraws its dossier (before evaluation starts)."""
    _check(actor, permissions.can_edit, dossier)
    dossier = _locked(dossier)
    was_submitted = dossier.state != S.DRAFT
    _move(dossier, S.WITHDRAWN, actor, "dossier.withdraw", {"reason": reason.strip()[:1000]})
    if was_submitted:
        notify(province_office_users(dossier.producer.commune.current_province_id),
               "dossier.withdrawn", _about(dossier), dossier)
    return dossier


@transaction.atomic
def advance(*, actor: User | None, dossier: Dossier, to: str, note: str = "",
            changes: Mapping[str, Any] | None = None) -> Dossier:
    """For the evaluation app: move an accepted dossier through under_evaluation → scored →
    recognised / not_recognised / proposed_up. Permission is the caller's business (the
    evaluation app knows who chairs a council); the table of allowed moves is checked here."""
    if to not in EVALUATION_STATES:
        raise StateError(_("Trạng thái “%(state)s” không do hội đồng đánh giá quyết định.")
                         % {"state": _state_label(to)}, code="dossiers.not_a_council_decision")
    dossier = _locked(dossier)
    _move(dossier, to, actor, f"dossier.{to}", {"note": note, **dict(changes or {})})
    return dossier


# --- programme years and rounds ----------------------------------------------------------------


@transaction.atomic
def create_programme_year(*, actor: User | None, province: Unit, year: int,
                          plan_reference: str = "", plan_date: date | None = None,
                          ) -> ProgrammeYear:
    py = ProgrammeYear(province=province, year=year, plan_reference=plan_reference,
                       plan_date=plan_date)
    _check(actor, permissions.can_manage_rounds, py)
    if province.level != Unit.Level.PROVINCE:
        raise ValidationError({"province": _("Năm chương trình phải gắn với một tỉnh.")})
    if ProgrammeYear.objects.filter(province=province, year=year).exists():
        raise ValidationError({"year": _("%(province)s đã có kế hoạch OCOP năm %(year)d.")
                                       % {"province": province.name, "year": year}})
    py.save()
    audit.record(actor=actor, action="programme_year.create", obj=py, changes=audit.snapshot(py))
    return py


ROUND_FIELDS = ("level", "number", "name", "opens_on", "submission_deadline",
                "evaluation_deadline", "recognition_deadline", "status", "issuing_unit")


def _check_round(r: Round) -> None:
    errors: dict[str, str] = {}
    dates = [r.opens_on, r.submission_deadline, r.evaluation_deadline, r.recognition_deadline]
    if any(a > b for a, b in itertools.pairwise(dates)):
        errors["submission_deadline"] = _("Các mốc phải theo thứ tự: mở nhận ≤ hạn nộp ≤ hạn "
                                          "đánh giá ≤ hạn công nhận.")
    legal = levels_in_force(r.opens_on)
    try:
        level = legal.level(r.level)
    except KeyError:
        errors["level"] = (_("Theo %(basis)s, không có đợt %(level)s.")
                           % {"basis": legal.label_vi,
                              "level": LEVEL_LABELS.get(r.level, r.level).lower()})
    else:
        issuer = r.issuing_unit
        if level.unit_level is None and issuer is not None:
            errors["issuing_unit"] = _("Đợt cấp trung ương không gắn với đơn vị địa phương.")
        elif level.unit_level is not None and (issuer is None or issuer.level != level.unit_level):
            kind = dict(Unit.Level.choices)[level.unit_level].lower()
            errors["issuing_unit"] = _("Đơn vị tổ chức phải là một %(kind)s.") % {"kind": kind}
        elif issuer is not None:
            province = r.programme_year.province
            inside = issuer.pk == province.pk or issuer.parent_id == province.pk
            if not inside:
                errors["issuing_unit"] = _("Đơn vị tổ chức phải thuộc tỉnh của năm chương trình.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_round(*, actor: User | None, programme_year: ProgrammeYear,
               data: Mapping[str, Any], round_: Round | None = None) -> Round:
    """Create or update a round; dates must be in order and the level must exist under the
    legal basis in force when the round opens (no district rounds from 01/07/2025)."""
    _check(actor, permissions.can_manage_rounds, programme_year)
    unknown = set(data) - set(ROUND_FIELDS)
    if unknown:
        raise ValidationError({k: _("Trường này không sửa được.") for k in sorted(unknown)})
    created = round_ is None
    r = round_ or Round(programme_year=programme_year)
    before = audit.snapshot(r) if not created else {}
    for key, value in data.items():
        setattr(r, key, value)
    _check_round(r)
    r.full_clean(validate_unique=False, validate_constraints=False)
    if Round.objects.filter(programme_year=programme_year, level=r.level,
                            issuing_unit=r.issuing_unit, number=r.number).exclude(pk=r.pk).exists():
        raise ValidationError({"number": _("Đã có đợt số %(number)d cùng cấp và đơn vị.")
                                         % {"number": r.number}})
    r.save()
    after = audit.snapshot(r)
    audit.record(actor=actor, action="round.create" if created else "round.update", obj=r,
                 changes=after if created else audit.diff_fields(before, after))
    return r
