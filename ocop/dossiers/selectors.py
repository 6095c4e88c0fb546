"""Every read of dossiers and rounds, already scoped to what the user may see.

Lists use select_related (and never load the criteria set's JSON), so the number of queries does
not grow with the number of rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ocop.accounts.models import User
from ocop.audit.selectors import history_for
from ocop.core.formats import format_decimal
from ocop.core.search import fold, search, search_q
from ocop.criteria import selectors as criteria_selectors
from ocop.criteria.templatetags.criteria_tags import localized
from ocop.dossiers import checklist, permissions
from ocop.dossiers.forms import FIELDS_BY_KEY
from ocop.dossiers.models import (
    CorrectionRequest,
    Dossier,
    DossierDocument,
    DossierVersion,
    ProgrammeYear,
    Round,
)
from ocop.registry.models import EvidenceDocument, ProductSet
from ocop.rules.levels import LEVEL_LABELS, levels_in_force
from ocop.units import selectors as unit_selectors
from ocop.units.models import Unit

_RELATED = ("product__product_set", "producer__commune", "round", "requested_round",
            "criteria_set")


def dossiers_for(user: User) -> QuerySet[Dossier]:
    return (Dossier.objects.filter(permissions.visible_q(user))
            .select_related(*_RELATED)
            .defer("criteria_set__data"))


@dataclass
class DossierFilters:
    round: int | None = None
    state: str = ""
    commune: str = ""
    province: str = ""
    product_set: str = ""
    kind: str = ""
    q: str = ""
    ordering: str = ""

    @classmethod
    def from_params(cls, params: Any) -> DossierFilters:
        round_raw = str(params.get("round") or "")
        return cls(
            round=int(round_raw) if round_raw.isdigit() else None,
            state=str(params.get("state") or ""),
            commune=str(params.get("commune") or ""),
            province=str(params.get("province") or ""),
            product_set=str(params.get("product_set") or ""),
            kind=str(params.get("kind") or ""),
            q=str(params.get("q") or "").strip(),
            ordering=str(params.get("ordering") or ""),
        )


ORDERINGS = {
    "": ("-updated_at", "-id"),
    "new": ("-created_at", "-id"),
    "old": ("created_at", "id"),
    "product": ("product__name", "id"),
    # Dossiers not yet self-assessed last on both engines (PostgreSQL sorts NULL first).
    "score": (F("self_score").desc(nulls_last=True), "id"),
}


def dossier_list(user: User, f: DossierFilters) -> QuerySet[Dossier]:
    qs = dossiers_for(user)
    if f.round is not None:
        qs = qs.filter(Q(round_id=f.round) | Q(round__isnull=True, requested_round_id=f.round))
    if f.state:
        qs = qs.filter(state=f.state)
    if f.commune:
        qs = qs.filter(producer__commune__current_commune_id=f.commune)
    if f.province:
        qs = qs.filter(producer__commune__current_province_id=f.province)
    if f.product_set:
        qs = qs.filter(product__product_set_id=f.product_set)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.q:
        cond = search_q(f.q, folded=("product__search_text", "producer__search_text"))
        ref = f.q.upper().removeprefix("HS-").lstrip("0")
        if ref.isdigit():
            cond |= Q(pk=int(ref))
        qs = qs.filter(cond)
    return qs.order_by(*ORDERINGS.get(f.ordering, ORDERINGS[""]))


def producer_dossiers(user: User) -> QuerySet[Dossier]:
    """A producer account's own dossiers (the same scoping as any list)."""
    return dossiers_for(user).order_by("-updated_at", "-id")


def get_dossier(user: User, pk: int) -> Dossier:
    """One visible dossier or 404 (existence outside the jurisdiction does not leak)."""
    try:
        return dossiers_for(user).select_related("product__product_set__subgroup").get(pk=pk)
    except Dossier.DoesNotExist:
        raise Http404(_("Không tìm thấy hồ sơ.")) from None


def document_for_download(user: User, pk: int, doc_pk: int) -> DossierDocument:
    """A document of a dossier the user may see (the dossier's own reach, council members
    included); 404 otherwise."""
    dossier = get_dossier(user, pk)
    document = dossier.documents.select_related("evidence").filter(pk=doc_pk).first()
    if document is None:
        raise Http404(_("Không tìm thấy tệp."))
    return document


@dataclass
class ChecklistRow:
    item: checklist.ChecklistItem
    mandatory: bool
    documents: list[DossierDocument] = field(default_factory=list)

    @property
    def satisfied(self) -> bool:
        return any(d.evidence is None or not d.evidence.is_expired for d in self.documents)


def checklist_rows(dossier: Dossier, documents: list[DossierDocument]) -> list[ChecklistRow]:
    rows = [ChecklistRow(it, it.is_mandatory(dossier.target_stars))
            for it in checklist.items_for(dossier.product, dossier.target_stars)]
    by_code = {r.item.code: r for r in rows}
    for d in documents:
        row = by_code.get(d.checklist_item)
        if row is not None:
            row.documents.append(d)
    return rows


@dataclass
class DossierDetail:
    dossier: Dossier
    versions: list[DossierVersion]
    documents: list[DossierDocument]
    corrections: list[CorrectionRequest]
    checklist: list[ChecklistRow]
    history: list[Any]


def dossier_detail(user: User, pk: int) -> DossierDetail:
    dossier = get_dossier(user, pk)
    documents = list(dossier.documents.select_related("evidence", "uploaded_by"))
    versions = list(dossier.versions.select_related("created_by").order_by("-number"))
    corrections = list(dossier.corrections.select_related("requested_by", "answered_by",
                                                          "version"))
    return DossierDetail(
        dossier=dossier, versions=versions, documents=documents, corrections=corrections,
        checklist=checklist_rows(dossier, documents),
        history=history_for(dossier, describe=ChangeWords(dossier).describe),
    )


class ChangeWords:
    """A dossier's own change keys in words: registration-form fields, self-assessment answers
    (criterion and option texts, not "A1: a → c"), checklist documents, levels and scores.
    Used by the history (ocop.audit.selectors.Describe) and the version comparison."""

    def __init__(self, dossier: Dossier) -> None:
        self.set = criteria_selectors.engine_set(dossier.criteria_set)
        self.set_id = str(dossier.criteria_set)
        self.set_title = dossier.criteria_set.display_name

    def option(self, criterion: Any, code: Any) -> str | None:
        option = criterion.option(code) if isinstance(code, str) else None
        return localized(option, "label") if option is not None else None

    def answer(self, code: str, old: Any, new: Any) -> tuple[str, Any, Any]:
        criterion = self.set.criterion(code)
        if criterion is None:  # a criterion of another set version: say which, not its id
            return code, old, new
        return (f"{code} {localized(criterion, 'label')}", self.option(criterion, old),
                self.option(criterion, new))

    def describe(self, key: str, old: Any, new: Any) -> tuple[str, Any, Any] | None:
        if key.startswith("form.") and key[5:] in FIELDS_BY_KEY:
            return FIELDS_BY_KEY[key[5:]].label_vi, old, new
        if key.startswith("answer."):
            return self.answer(key[7:], old, new)
        if key == "checklist_item":
            return _("giấy tờ"), None, document_label(new)
        if key in ("mean", "self_score"):
            return str(_NUMBER_LABELS[key]), format_decimal(old), format_decimal(new)
        if key == "to_level":
            return _("cấp đề nghị"), LEVEL_LABELS.get(old, old), LEVEL_LABELS.get(new, new)
        return None


_NUMBER_LABELS = {"mean": gettext_lazy("điểm trung bình"),
                  "self_score": gettext_lazy("Điểm tự đánh giá")}


def document_label(code: Any) -> str | None:
    """A checklist item's name from the code a document or a correction item stores."""
    item = checklist.item(str(code)) if code else None
    return item.label_vi if item is not None else None


def reusable_evidence(dossier: Dossier) -> list[EvidenceDocument]:
    """The producer's documents that may be reused in this dossier (expired ones included, so
    that the page can flag them "Hết hạn")."""
    return list(EvidenceDocument.objects.filter(producer_id=dossier.producer_id)
                .filter(Q(product__isnull=True) | Q(product_id=dossier.product_id))
                .order_by("doc_type", "-issued_on", "-id"))


# --- rounds -------------------------------------------------------------------------------------


def programme_years_for(user: User) -> QuerySet[ProgrammeYear]:
    return (ProgrammeYear.objects.filter(permissions.programme_years_q(user))
            .select_related("province"))


def rounds_for(user: User) -> QuerySet[Round]:
    return (Round.objects.filter(programme_year__in=programme_years_for(user))
            .select_related("programme_year__province", "issuing_unit"))


def search_rounds(qs: QuerySet[Round], q: str) -> QuerySet[Round]:
    return search(qs, q, folded=("search_text", "issuing_unit__search_name"))


def round_list(user: User, q: str = "") -> list[ProgrammeYear]:
    """Programme years with their rounds; with a search, only the matching rounds and the
    years that have one."""
    rounds = search_rounds(Round.objects.select_related("issuing_unit"), q)
    years = programme_years_for(user).prefetch_related(Prefetch("rounds", queryset=rounds))
    if not fold(q):
        return list(years)
    return [y for y in years if y.rounds.all()]


def get_programme_year(user: User, pk: int) -> ProgrammeYear:
    try:
        return programme_years_for(user).get(pk=pk)
    except ProgrammeYear.DoesNotExist:
        raise Http404(_("Không tìm thấy năm chương trình.")) from None


def round_covers(round_: Round, dossier: Dossier) -> bool:
    """Whether the producer lies in the area of the round's issuing unit. A legacy district or
    province (pre-2025 rounds) is matched through the legacy communes that became the
    producer's current commune."""
    issuer = round_.issuing_unit
    commune = dossier.producer.commune
    if issuer is None:
        return True
    if issuer.is_current:
        return commune.current_province_id == issuer.pk
    path = "parent" if issuer.level == Unit.Level.DISTRICT else "parent__parent"
    if not commune.is_current:
        return Unit.objects.filter(pk=commune.pk, **{path: issuer}).exists()
    return Unit.objects.filter(current_commune_id=commune.current_commune_id,
                               **{path: issuer}).exists()


def rounds_for_dossier(dossier: Dossier, on: date) -> list[Round]:
    """Open entry-level rounds still taking dossiers on ``on`` in the producer's province."""
    province = dossier.producer.commune.current_province_id
    entry = levels_in_force(on).entry_level.code
    qs = (Round.objects.filter(status=Round.Status.OPEN, level=entry,
                               submission_deadline__gte=on, opens_on__lte=on)
          .filter(Q(programme_year__province_id=province)
                  | Q(programme_year__province__current_province_id=province))
          .select_related("programme_year__province", "issuing_unit")
          .order_by("submission_deadline", "id"))
    return [r for r in qs if round_covers(r, dossier)]


def acceptance_rounds(dossier: Dossier) -> list[Round]:
    """Open rounds of the province (or central) the standing office may accept into; the
    service checks the level."""
    province = dossier.producer.commune.current_province_id
    return list(
        Round.objects.filter(status=Round.Status.OPEN)
        .filter(Q(programme_year__province_id=province)
                | Q(programme_year__province__current_province_id=province)
                | Q(level="central"))
        .select_related("programme_year__province", "issuing_unit")
        .order_by("-opens_on", "level", "number")
    )


# --- versions ----------------------------------------------------------------------------------


@dataclass
class VersionDiff:
    fields: list[tuple[str, Any, Any]]  # (label, old, new)
    answers: list[tuple[str, Any, Any]]  # (criterion, old option, new option)
    documents_added: list[dict[str, Any]]
    documents_removed: list[dict[str, Any]]

    @property
    def empty(self) -> bool:
        return not (self.fields or self.answers or self.documents_added
                    or self.documents_removed)


_TOP_LABELS = {"target_stars": gettext_lazy("Hạng sao đăng ký"),
               "kind": gettext_lazy("Loại hồ sơ"),
               "self_score": gettext_lazy("Điểm tự đánh giá"),
               "self_stars": gettext_lazy("Hạng sao tự đánh giá"),
               "requested_round": gettext_lazy("Đợt đăng ký"),
               "criteria_set": gettext_lazy("Bộ tiêu chí")}


def _doc_key(d: dict[str, Any]) -> tuple[Any, ...]:
    # The same file (by content) or the same reused evidence under the same item is "unchanged".
    return (d.get("checklist_item"), d.get("sha256") or "", d.get("evidence"))


def version_diff(old: DossierVersion, new: DossierVersion) -> VersionDiff:
    """Field-by-field difference between two frozen versions, and documents added/removed, in
    words: option texts rather than codes, round names rather than ids."""
    a, b = old.snapshot, new.snapshot
    words = ChangeWords(new.dossier)
    rounds = {str(r.pk): r.name for r in Round.objects.filter(
        pk__in=[v for v in (a.get("requested_round"), b.get("requested_round")) if v])}
    kinds = dict(Dossier.Kind.choices)
    shown = {"requested_round": lambda v: rounds.get(str(v), v),
             "kind": lambda v: kinds.get(v, v), "self_score": format_decimal,
             "criteria_set": lambda v: words.set_title if v == words.set_id else v}
    fields: list[tuple[str, Any, Any]] = []
    for key, label in _TOP_LABELS.items():
        if a.get(key) != b.get(key):
            show = shown.get(key, lambda v: v)
            fields.append((label, show(a.get(key)), show(b.get(key))))
    fa, fb = a.get("form", {}), b.get("form", {})
    for key in sorted(set(fa) | set(fb), key=lambda k: list(FIELDS_BY_KEY).index(k)
                      if k in FIELDS_BY_KEY else 999):
        if fa.get(key) != fb.get(key):
            label = FIELDS_BY_KEY[key].label_vi if key in FIELDS_BY_KEY else key
            fields.append((label, fa.get(key), fb.get(key)))
    sa, sb = a.get("self_assessment", {}), b.get("self_assessment", {})
    answers = [words.answer(c, sa.get(c), sb.get(c)) for c in sorted(set(sa) | set(sb))
               if sa.get(c) != sb.get(c)]
    da = {_doc_key(d): {**d, "label": document_label(d.get("checklist_item"))}
          for d in a.get("documents", [])}
    db = {_doc_key(d): {**d, "label": document_label(d.get("checklist_item"))}
          for d in b.get("documents", [])}
    return VersionDiff(
        fields=fields, answers=answers,
        documents_added=[db[k] for k in db if k not in da],
        documents_removed=[da[k] for k in da if k not in db],
    )


def filter_choices(user: User) -> dict[str, list[tuple[str, str]]]:
    """What the list's filters offer ``user``, by name (never a code to type): the product sets,
    and the areas one level below the user's own — the provinces for a nationwide account, the
    communes of a province-bound one; none for a commune or a producer, whose list is one area."""
    choices: dict[str, list[tuple[str, str]]] = {
        "product_sets": [(ps.code, ps.display_name)
                         for ps in ProductSet.objects.order_by("code")],
        "provinces": [], "communes": []}
    if user.is_nationwide:
        choices["provinces"] = [(u.pk, u.full_name) for u in unit_selectors.provinces()]
    elif user.unit is not None and user.unit.level == Unit.Level.PROVINCE:
        choices["communes"] = [(u.pk, u.full_name) for u in unit_selectors.communes(user.unit.pk)]
    return choices
