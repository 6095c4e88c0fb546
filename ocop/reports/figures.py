"""The figures of a standard report, as pure functions of (scope, period) over the records.

``scope`` is a current unit (a province or a commune) or None for the whole nation; a record
lies in it through the producer's commune, today — the dashboards' ``Scope`` rule, so a report
and the dashboard of the same area count the same records: a record registered under a
pre-2025 commune is found through the commune that succeeded it.

A product is OCOP on a day while it holds a certificate valid that day
(``Certificate.objects.valid_on``); its stars are the highest of those certificates. "Luỹ kế"
(recognised cumulative) counts every product ever recognised up to the day, valid or not.
``Product.stars`` (kept by the daily job) is never read: a report for a past day must not see
today's stars.

Nothing here checks permissions: the report's scope was checked when it was requested.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import F, Max, Q, QuerySet
from django.utils.translation import gettext as _

from ocop.certificates.models import Certificate
from ocop.dashboards.selectors import Scope, district_map
from ocop.planning import selectors as planning
from ocop.planning.models import AnnualPlan
from ocop.registry.models import ProductGroup
from ocop.reports.periods import Period
from ocop.rules.certification import MIN_CERTIFIABLE_STARS, TOP_STARS
from ocop.units.models import Unit

STARS = tuple(range(MIN_CERTIFIABLE_STARS, TOP_STARS + 1))


def certificates_in(scope: Unit | None) -> QuerySet[Certificate]:
    return Certificate.objects.filter(Scope(scope).q("producer__commune"))


# --- Products on the period's last day -------------------------------------------------------


@dataclass
class StarRow:
    """One line of a "by …" table: products per star on the day, and their total."""

    key: str
    label: str
    parent: str = ""  # the province of a commune, for a national report
    stars: Counter = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.stars[s] for s in STARS)

    def count(self, stars: int) -> int:
        return self.stars[stars]

    @property
    def cells(self) -> list[int]:
        """The count per star, in the order of ``STARS``."""
        return [self.stars[s] for s in STARS]


@dataclass
class ProductFigures:
    day: date
    by_stars: dict[int, int]
    valid_total: int
    recognised_cumulative: int
    by_group: list[StarRow]
    by_province: list[StarRow]
    by_commune: list[StarRow]
    by_legacy_district: list[StarRow]


def products_on(scope: Unit | None, day: date) -> ProductFigures:
    """OCOP products of ``scope`` on ``day``: by stars, by product group, by current province
    and commune, and by legacy (pre-2025) district — the dashboard's rule
    (``ocop.dashboards.selectors.DistrictMap``), so that report and dashboard give one figure:
    a product under a legacy commune counts in that commune's district, one under a current
    commune in the district its predecessors came from; plus the cumulative count of products
    ever recognised up to ``day``."""
    rows = (certificates_in(scope).valid_on(day)
            .values("product_id", "product__product_set__group_id",
                    "producer__commune__current_province_id",
                    "producer__commune__current_commune_id", "producer__commune_id",
                    "producer__commune__era",
                    "producer__commune__parent_id")
            .annotate(top=Max("stars")).order_by())
    # A product counts once, at its highest stars, even if a second row came from an odd
    # producer/product pairing.
    best: dict[int, dict] = {}
    for row in rows:
        if row["product_id"] not in best or row["top"] > best[row["product_id"]]["top"]:
            best[row["product_id"]] = row
    by_stars = Counter(row["top"] for row in best.values())
    groups: dict[str, Counter] = defaultdict(Counter)
    provinces: dict[str, Counter] = defaultdict(Counter)
    communes: dict[str, Counter] = defaultdict(Counter)
    districts: dict[str, Counter] = defaultdict(Counter)
    of_current = district_map(Scope(scope)).of_current
    for row in best.values():
        groups[row["product__product_set__group_id"] or ""][row["top"]] += 1
        provinces[row["producer__commune__current_province_id"] or ""][row["top"]] += 1
        communes[row["producer__commune__current_commune_id"] or ""][row["top"]] += 1
        if row["producer__commune__era"] == Unit.Era.LEGACY:
            district = row["producer__commune__parent_id"] or ""
        else:
            district = of_current.get(row["producer__commune_id"], "")
        districts[district][row["top"]] += 1
    cumulative = (certificates_in(scope).filter(issued_on__lte=day)
                  .values("product_id").distinct().count())
    return ProductFigures(
        day=day, by_stars={s: by_stars[s] for s in STARS}, valid_total=len(best),
        recognised_cumulative=cumulative, by_group=_group_rows(groups),
        by_province=_unit_rows(provinces, with_parent=False),
        by_commune=_unit_rows(communes, with_parent=scope is None or
                              scope.level == Unit.Level.PROVINCE,
                              unknown=_("Chưa rõ xã/phường hiện nay")),
        by_legacy_district=_unit_rows(districts, with_parent=True,
                                      unknown=_("Xã/phường chưa rõ huyện cũ")))


def _group_rows(counts: dict[str, Counter]) -> list[StarRow]:
    names = ProductGroup.objects.in_bulk([k for k in counts if k])
    rows = [StarRow(k, names[k].display_name if k in names else "—", stars=c)
            for k, c in counts.items()]
    return sorted(rows, key=lambda r: (r.key == "", r.key))


def _unit_rows(counts: dict[str, Counter], *, with_parent: bool,
               unknown: str = "—") -> list[StarRow]:
    units = Unit.objects.select_related("parent").in_bulk([k for k in counts if k])
    rows = []
    for key, c in counts.items():
        unit = units.get(key)
        parent = unit.parent.full_name if with_parent and unit and unit.parent else ""
        rows.append(StarRow(key, unit.full_name if unit else unknown, parent, c))
    return sorted(rows, key=lambda r: (r.parent, r.label, r.key))


# --- Certificates within the period ----------------------------------------------------------


CERTIFICATE_FIELDS = ("number", "product__name", "producer__name", "stars", "issued_on",
                      "valid_until", "revoked_on", "revocation_decision_number",
                      "producer__commune__current_commune__name",
                      "producer__commune__current_province__name")


@dataclass
class CertificateFigures:
    issued: list[dict]
    expired: list[dict]
    revoked: list[dict]

    @property
    def counts(self) -> dict[str, int]:
        return {"issued": len(self.issued), "expired": len(self.expired),
                "revoked": len(self.revoked)}


def issued_within(scope: Unit | None, period: Period) -> QuerySet[Certificate]:
    return certificates_in(scope).filter(issued_on__gte=period.start, issued_on__lte=period.end)


def expired_within(scope: Unit | None, period: Period) -> QuerySet[Certificate]:
    """Certificates whose first day without validity (the day after ``valid_until``) falls in
    the period, unless they had been revoked before they could expire."""
    return (certificates_in(scope)
            .filter(valid_until__gte=period.start - timedelta(days=1),
                    valid_until__lte=period.end - timedelta(days=1))
            .exclude(revoked_on__lte=F("valid_until")))


def revoked_within(scope: Unit | None, period: Period) -> QuerySet[Certificate]:
    return certificates_in(scope).filter(revoked_on__gte=period.start,
                                         revoked_on__lte=period.end)


def certificates_within(scope: Unit | None, period: Period) -> CertificateFigures:
    """The certificates issued, expired and revoked within the period (lists, oldest first)."""
    def listed(qs: QuerySet[Certificate], order: str) -> list[dict]:
        return list(qs.order_by(order, "number").values(*CERTIFICATE_FIELDS))

    return CertificateFigures(
        issued=listed(issued_within(scope, period), "issued_on"),
        expired=listed(expired_within(scope, period), "valid_until"),
        revoked=listed(revoked_within(scope, period), "revoked_on"))


# --- Plan and budget -------------------------------------------------------------------------


def plans_of(scope: Unit | None, year: int) -> list[AnnualPlan]:
    """The annual plans of the scope for ``year``: the national programme's for the nation; for
    a province its own plan, or before 2025 the plans of the legacy provinces it now holds
    (tỉnh Bắc Giang's 2024 plan for today's Bắc Ninh). A commune has no plan of its own."""
    qs = AnnualPlan.objects.select_related("province").filter(year=year)
    if scope is None:
        return list(qs.filter(province__isnull=True))
    if scope.level != Unit.Level.PROVINCE:
        return []
    return list(qs.filter(Q(province_id=scope.pk) | Q(province__current_province_id=scope.pk))
                .order_by("province_id"))


@dataclass
class PlanFigures:
    plan: AnnualPlan
    rows: list[planning.IndicatorRow]
    budget: planning.BudgetSummary


def plan_progress(scope: Unit | None, period: Period) -> list[PlanFigures]:
    """For each plan of the period's last year: its indicators with baseline, target and the
    actual counted as of the period's last day, and its budget lines (approved, committed,
    disbursed; the platform keeps their current amounts, not their history)."""
    return [PlanFigures(plan, planning.indicator_rows(plan, today=period.end),
                        planning.budget_summary(plan))
            for plan in plans_of(scope, period.end.year)]


def budget_totals(plans: list[PlanFigures]) -> tuple[Decimal, Decimal, Decimal]:
    total = [Decimal(0)] * 3
    for p in plans:
        t = p.budget.total
        total = [total[0] + t.approved, total[1] + t.committed, total[2] + t.disbursed]
    return total[0], total[1], total[2]
