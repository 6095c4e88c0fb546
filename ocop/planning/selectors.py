"""Every read of annual plans, and the live actual of each indicator.

Actuals are counted from the records every time (nothing typed, nothing cached), for the
plan's year and each quarter, within the plan's area:

- a current province's plan (P24) counts records whose commune lies in it today
  (``current_province``, the same rule as ``ocop.accounts.jurisdiction.unit_q`` for a province
  account), so records kept under a legacy commune or district are found through it;
- a legacy province's plan (LP24 tỉnh Bắc Giang, 2024) counts records of the communes that lay
  in that province before 1 July 2025 (legacy commune → legacy district → legacy province), plus
  records already moved to a current commune that received one of those communes;
- the national programme's plan (no province) counts the whole country.

"Products" are products, not certificates: a product with two certificates counts once. A product
is OCOP while it holds a certificate valid on the day; "luỹ kế" (cumulative recognised) counts
every product ever recognised up to the day, valid or not. Neither reads ``Product.stars``: both
count with the certificates app's definitions (``recognised_q``, ``valid_q``), the ones its
``recognised_products`` and ``valid_products`` use for dashboards and reports.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ocop.accounts.models import User
from ocop.audit.selectors import HistoryItem, history_for
from ocop.certificates.models import Certificate
from ocop.certificates.selectors import recognised_q, valid_q
from ocop.core.refusals import Forbidden, NotFound
from ocop.dossiers.models import Dossier, Round
from ocop.evaluation.models import CouncilResult
from ocop.planning import permissions
from ocop.planning.models import (
    AnnualPlan,
    BudgetContent,
    BudgetLine,
    BudgetSource,
    Indicator,
    IndicatorKind,
)
from ocop.registry.models import Product
from ocop.rules.levels import CENTRAL, PROVINCE
from ocop.trace.models import Zone
from ocop.training.models import Registration
from ocop.units.models import Succession, Unit

K = IndicatorKind
# Kinds whose value is a stock on a day (the period's last day), not a flow within the period.
STOCK_KINDS = frozenset({K.RECOGNISED_CUMULATIVE, K.VALID_PRODUCTS, K.PRODUCTS_BY_GROUP,
                         K.ZONES})
# Shown beside the 0 when the area has no training registration at all, so that "nobody was
# trained" and "training is not recorded on the platform" are not confused.
NO_TRAINING_DATA = gettext_lazy("chưa có dữ liệu đào tạo")


# --- Scope -----------------------------------------------------------------------------------


def plans_for(user: User) -> QuerySet[AnnualPlan]:
    """Same reach as ``permissions.can_view``, as one filter."""
    qs = AnnualPlan.objects.select_related("province__current_province")
    if not permissions.can_use(user):
        return qs.none()
    if user.is_nationwide:
        return qs
    province = permissions.user_province_id(user)
    return qs.filter(Q(province__isnull=True) | Q(province__current_province_id=province)
                     | Q(province_id=province))


def plan_list(user: User) -> QuerySet[AnnualPlan]:
    return plans_for(user).order_by("-year", "province__name", "id")


def plan_detail(user: User, pk: int) -> AnnualPlan:
    """The plan, or ``NotFound`` when it does not exist or lies outside the user's reach (the
    same answer for both, and for an account with no access to plans at all: the API documents
    a 404; the pages check ``permissions.can_use`` first and show the 403 page)."""
    plan = plans_for(user).filter(pk=pk).first()
    if plan is None:
        raise NotFound(_("Không tìm thấy kế hoạch."), code="planning.not_found")
    return plan


def area_q(plan: AnnualPlan, commune_path: str) -> Q:
    """Records (through ``commune_path``, a path to a commune FK) in the plan's area."""
    province = plan.province
    if province is None:
        return Q()
    if province.era == Unit.Era.CURRENT:
        return Q(**{f"{commune_path}__current_province_id": province.pk})
    successors = Succession.objects.filter(
        predecessor__parent__parent_id=province.pk, predecessor__level=Unit.Level.COMMUNE
    ).values("successor_id")
    return (Q(**{f"{commune_path}__parent__parent_id": province.pk})
            | Q(**{f"{commune_path}__parent_id": province.pk})
            | Q(**{f"{commune_path}__in": Subquery(successors)}))


# --- Periods ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    start: date
    end: date

    def as_of(self, today: date) -> date:
        return min(self.end, today)


def periods(year: int) -> list[Period]:
    """The four quarters and the whole year."""
    quarters = [
        Period(f"q{n}", _("Quý %(n)s") % {"n": roman}, date(year, 3 * n - 2, 1),
               date(year, 3 * n, 31 if n in (1, 4) else 30))
        for n, roman in ((1, "I"), (2, "II"), (3, "III"), (4, "IV"))
    ]
    return [*quarters, Period("year", _("Cả năm"), date(year, 1, 1), date(year, 12, 31))]


# --- Counting rules --------------------------------------------------------------------------


Counts = dict[str, int]


def _certificates(plan: AnnualPlan) -> QuerySet[Certificate]:
    return Certificate.objects.filter(area_q(plan, "producer__commune"))


def _stock(qs: QuerySet, when: Callable[[date], Q], spans: list[Period], today: date,
           distinct: str = "product_id") -> Counts:
    aggregates = {p.key: Count(distinct, distinct=True, filter=when(p.as_of(today)))
                  for p in spans}
    return qs.aggregate(**aggregates) if aggregates else {}


def _flow(qs: QuerySet, field_name: str, spans: list[Period], today: date,
          distinct: str = "product_id", extra: Q | None = None) -> Counts:
    aggregates = {
        p.key: Count(distinct, distinct=True,
                     filter=Q(**{f"{field_name}__gte": p.start,
                                 f"{field_name}__lte": p.as_of(today)}) & (extra or Q()))
        for p in spans
    }
    return qs.aggregate(**aggregates) if aggregates else {}


def count_recognised(plan: AnnualPlan, spans: list[Period], today: date,
                     group: str | None = None) -> Counts:
    qs = _certificates(plan)
    if group is not None:
        qs = qs.filter(product__product_set__group_id=group)
    return _stock(qs, recognised_q, spans, today)


def count_valid(plan: AnnualPlan, spans: list[Period], today: date) -> Counts:
    return _stock(_certificates(plan), valid_q, spans, today)


def count_new(plan: AnnualPlan, spans: list[Period], today: date) -> Counts:
    """Products whose first certificate was issued within the period."""
    firsts = (Product.objects.filter(area_q(plan, "producer__commune"))
              .annotate(first=Min("certificates__issued_on")).filter(first__isnull=False))
    return _flow(firsts, "first", spans, today, distinct="pk")


def count_upgrades(plan: AnnualPlan, spans: list[Period], today: date) -> Counts:
    """Products recognised within the period at more stars than their previous certificate."""
    previous = (Certificate.objects.filter(product=OuterRef("product"),
                                           issued_on__lt=OuterRef("issued_on"))
                .order_by("-issued_on", "-id").values("stars")[:1])
    qs = _certificates(plan).annotate(previous_stars=Subquery(previous)).filter(
        stars__gt=F("previous_stars"))
    return _flow(qs, "issued_on", spans, today)


def _local_day(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment is not None else None


def count_five_star_candidates(plan: AnnualPlan, spans: list[Period], today: date) -> Counts:
    """Products a province council scored at the centre's threshold (5★, the condition for
    proposing it to the central council: ``evaluation.services.escalation_target``) or that
    were accepted into a central round, dated by the result or the acceptance."""
    scored = CouncilResult.objects.filter(
        area_q(plan, "dossier__producer__commune"), final=True, level=PROVINCE, stars__gte=5,
    ).values_list("dossier__product_id", "finalised_at")
    accepted = Dossier.objects.filter(
        area_q(plan, "producer__commune"), round__level=CENTRAL, accepted_at__isnull=False,
    ).values_list("product_id", "accepted_at")
    dated = [(pk, _local_day(moment)) for pk, moment in (*scored, *accepted)]
    return {p.key: len({pk for pk, day in dated
                        if day is not None and p.start <= day <= p.as_of(today)})
            for p in spans}


def _expiring(plan: AnnualPlan) -> QuerySet[Certificate]:
    later = Certificate.objects.filter(product=OuterRef("product"),
                                       issued_on__gt=OuterRef("issued_on"))
    # A certificate revoked before its end was not "due" for re-evaluation.
    return (_certificates(plan).exclude(revoked_on__lte=F("valid_until"))
            .annotate(came_back=Exists(later)))


def count_reevaluations(plan: AnnualPlan, spans: list[Period],
                        today: date) -> tuple[Counts, Counts]:
    """(products re-recognised, products due) among certificates whose validity ends in the
    period; "re-recognised" = the product holds a later certificate. Due counts look at the
    whole period (known in advance); the share is what the 2024 plan calls the products that
    "did not come back" (40 % in 2022)."""
    qs = _expiring(plan)
    due, back = {}, {}
    for p in spans:
        period = Q(valid_until__gte=p.start, valid_until__lte=p.end)
        due[p.key] = Count("product_id", distinct=True, filter=period)
        back[p.key] = Count("product_id", distinct=True, filter=period & Q(came_back=True))
    if not spans:
        return {}, {}
    figures = qs.aggregate(**{f"due_{k}": v for k, v in due.items()},
                           **{f"back_{k}": v for k, v in back.items()})
    return ({p.key: figures[f"back_{p.key}"] for p in spans},
            {p.key: figures[f"due_{p.key}"] for p in spans})


def count_zones(plan: AnnualPlan, spans: list[Period], today: date) -> Counts:
    qs = Zone.objects.filter(area_q(plan, "commune"), status=Zone.Status.ISSUED)
    return _stock(qs, lambda day: Q(created_at__date__lte=day), spans, today, distinct="pk")


def count_trained(plan: AnnualPlan, spans: list[Period], today: date) -> tuple[Counts, bool]:
    """(producers who attended a training course that ended within the period, whether the
    area has any training registration at all). Registrations that were only made, cancelled
    or missed do not count; the area is the producer's."""
    qs = Registration.objects.filter(area_q(plan, "producer__commune"))
    figures = qs.aggregate(
        any=Count("pk"),
        **{p.key: Count("producer_id", distinct=True, filter=Q(
            status=Registration.Status.ATTENDED, course__ends_on__gte=p.start,
            course__ends_on__lte=p.as_of(today))) for p in spans})
    return {p.key: figures[p.key] for p in spans}, figures["any"] == 0


# --- Indicator table -------------------------------------------------------------------------


def percent(part: int | Decimal | None, whole: int | Decimal | None) -> Decimal | None:
    if part is None or not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class Cell:
    period: Period
    value: int | None  # None: the period has not started, or there are no records of the kind
    due: int | None = None  # re-evaluations: products whose certificate expires in the period

    @property
    def share(self) -> Decimal | None:
        return percent(self.value, self.due)


@dataclass
class IndicatorRow:
    indicator: Indicator
    cells: list[Cell]
    no_data: bool = False
    stock: bool = False

    @property
    def year(self) -> Cell:
        return self.cells[-1]

    @property
    def actual(self) -> int | None:
        return self.year.value

    @property
    def progress(self) -> Decimal | None:
        return percent(self.actual, self.indicator.target)

    @property
    def bar(self) -> int:
        """Width of the progress bar, 0–100."""
        value = self.progress
        return 0 if value is None else int(min(value, Decimal(100)))

    @property
    def label(self) -> str:
        label = str(IndicatorKind(self.indicator.kind).label)
        if self.indicator.product_group_id:
            return f"{label}: {self.indicator.product_group.display_name}"
        return label


def indicator_rows(plan: AnnualPlan, today: date | None = None,
                   indicators: Iterable[Indicator] | None = None) -> list[IndicatorRow]:
    today = today or timezone.localdate()
    items = list(indicators if indicators is not None
                 else plan.indicators.select_related("product_group"))
    all_spans = periods(plan.year)
    started = [p for p in all_spans if p.start <= today]
    rows = []
    for item in items:
        due: Counts = {}
        no_data = False
        if item.kind == K.RECOGNISED_CUMULATIVE:
            counts = count_recognised(plan, started, today)
        elif item.kind == K.PRODUCTS_BY_GROUP:
            counts = count_recognised(plan, started, today, group=item.product_group_id)
        elif item.kind == K.VALID_PRODUCTS:
            counts = count_valid(plan, started, today)
        elif item.kind == K.NEW_RECOGNISED:
            counts = count_new(plan, started, today)
        elif item.kind == K.UPGRADES:
            counts = count_upgrades(plan, started, today)
        elif item.kind == K.FIVE_STAR_CANDIDATES:
            counts = count_five_star_candidates(plan, started, today)
        elif item.kind == K.REEVALUATIONS:
            counts, due = count_reevaluations(plan, started, today)
        elif item.kind == K.ZONES:
            counts = count_zones(plan, started, today)
        else:  # producers trained
            counts, no_data = count_trained(plan, started, today)
        cells = [Cell(p, counts.get(p.key), due.get(p.key)) for p in all_spans]
        rows.append(IndicatorRow(item, cells, no_data=no_data, stock=item.kind in STOCK_KINDS))
    return rows


# --- Budget ----------------------------------------------------------------------------------


@dataclass
class BudgetTotals:
    approved: Decimal = Decimal(0)
    committed: Decimal = Decimal(0)
    disbursed: Decimal = Decimal(0)

    @property
    def disbursement_rate(self) -> Decimal | None:
        return percent(self.disbursed, self.approved)

    @property
    def commitment_rate(self) -> Decimal | None:
        return percent(self.committed, self.approved)


@dataclass
class BudgetSummary:
    lines: list[BudgetLine]
    total: BudgetTotals
    by_source: list[tuple[str, BudgetTotals]] = field(default_factory=list)


def budget_summary(plan: AnnualPlan) -> BudgetSummary:
    lines = list(plan.budget_lines.all())
    sums = plan.budget_lines.aggregate(approved=Sum("approved"), committed=Sum("committed"),
                                       disbursed=Sum("disbursed"))
    total = BudgetTotals(**{name: value or Decimal(0) for name, value in sums.items()})
    by_source = []
    for row in (plan.budget_lines.values("source").order_by("source")
                .annotate(a=Sum("approved"), c=Sum("committed"), d=Sum("disbursed"))):
        by_source.append((str(BudgetSource(row["source"]).label),
                          BudgetTotals(row["a"], row["c"], row["d"])))
    return BudgetSummary(lines, total, by_source)


def content_label(value: str) -> str:
    return str(BudgetContent(value).label)


# --- Rounds ----------------------------------------------------------------------------------


def rounds_of(plan: AnnualPlan) -> QuerySet[Round]:
    """The evaluation rounds the plan's year organised (dossiers app), with their deadlines:
    the province's rounds (and its districts' before 2025), or the centre's for the national
    plan."""
    qs = Round.objects.select_related("issuing_unit").filter(programme_year__year=plan.year)
    if plan.province_id is None:
        qs = qs.filter(level=CENTRAL)
    else:
        qs = qs.filter(programme_year__province_id=plan.province_id)
    return qs.order_by("level", "issuing_unit_id", "number")


def plan_history(plan: AnnualPlan) -> list[HistoryItem]:
    """The plan's own audit entries (creation, changes, approval), newest first."""
    return history_for(plan)


def ensure_editable(user: User, plan: AnnualPlan) -> None:
    """Raise ``Forbidden`` with the reason when ``user`` may read but not change the plan."""
    verdict = permissions.can_edit(user, plan)
    if not verdict:
        raise Forbidden(verdict.reason, code=verdict.code)


def as_dict(row: IndicatorRow) -> dict[str, Any]:
    """An indicator row for the API."""
    return {
        "id": row.indicator.pk,
        "kind": row.indicator.kind,
        "label": row.label,
        "product_group": row.indicator.product_group_id,
        "baseline": row.indicator.baseline,
        "target": row.indicator.target,
        "actual": row.actual,
        "progress_percent": row.progress,
        "no_data": row.no_data,
        "periods": [{"period": c.period.key, "start": c.period.start, "end": c.period.end,
                     "value": c.value, "due": c.due} for c in row.cells],
    }
