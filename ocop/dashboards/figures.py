"""The dashboard's figures: one function per figure, ``figure(scope, on) -> Table``.

Each function reads the records of one area (``selectors.Scope``: the nation, a current
province or a current commune) as they stood on the day ``on`` — a report asks "as of the end of
Q3" with ``on=date(2026, 9, 30)`` — and returns a ``Table``: the numbers, the drill-down of each
number, and how to draw it (``ocop.dashboards.charts.svg``). They only read, and their query
count does not depend on the number of records (bench/dashboard_bench.py checks it).

Definitions (docs/dashboards.md): stars and OCOP status come from certificates (a product is
OCOP on a day while one of its certificates is valid that day, at the highest star among them;
"recognised" counts every product that received a certificate up to the day); products are
placed where their producer's commune lies today; dossier stages are the dossiers' states today
(the records keep no earlier state), counting the dossiers opened up to the day.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Exists, Min, OuterRef, Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from ocop.certificates.models import Certificate
from ocop.dashboards.selectors import (
    EXPIRY_WINDOWS,
    PIPELINE_STAGES,
    REEVALUATION_GRACE_MONTHS,
    Drill,
    Scope,
    before_end_of,
    count_where,
    district_map,
    expiries,
    expiring_q,
    pipeline_q,
    products_in,
    recognised_q,
    registered_q,
    valid_q,
)
from ocop.dossiers.models import Dossier, DossierState, Round
from ocop.fairs.selectors import fair_totals
from ocop.planning.models import AnnualPlan
from ocop.planning.selectors import indicator_rows
from ocop.registry.models import LegalForm, Producer, ProductGroup
from ocop.rules.certification import CERTIFIABLE_STARS
from ocop.rules.levels import LEVEL_LABELS
from ocop.units.models import Unit

Value = int | Decimal | str | None


@dataclass
class Cell:
    """One number. ``drill``: the products behind it (the dashboard's product list); ``href``:
    another app's list that shows the same records (producers, dossiers, a plan)."""

    value: Value
    drill: Drill | None = None
    href: str = ""
    url: str = ""  # set by the page: where the number links to


@dataclass
class Row:
    label: str
    cells: list[Cell]
    # A current province or commune: the label opens the dashboard of that area.
    area: str = ""
    total: bool = False
    url: str = ""  # set by the page: the area's own dashboard

    def values(self) -> list[Value]:
        return [c.value for c in self.cells]


@dataclass
class Chart:
    """How ``charts.svg`` draws the table: ``kind`` bar, hbar, stacked, line or pie; the
    columns drawn as series (indexes); at most ``limit`` rows (the largest, for long lists)."""

    kind: str
    series: tuple[int, ...] = (0,)
    limit: int | None = None


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[Row]
    chart: Chart
    note: str = ""
    # Another app's list shows the same records only with the viewer's own area (its filters
    # cannot narrow to a province): the page drops those links for a narrowed area.
    hrefs_need_own_scope: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    chart_url: str = ""  # set by the page
    narrow_chart_url: str = ""  # the same chart drawn for a phone

    def body(self) -> list[Row]:
        return [r for r in self.rows if not r.total]


def percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _stars_label(n: int) -> str:
    return _("%(n)s sao") % {"n": n}


def _total_row(columns: int, rows: list[Row], drills: list[Drill | None] | None = None) -> Row:
    sums = [sum(int(r.cells[i].value or 0) for r in rows) for i in range(columns)]
    drills = drills or [None] * columns
    return Row(_("Tổng"), [Cell(v, d) for v, d in zip(sums, drills, strict=True)], total=True)


def _area_filter(scope: Scope) -> dict[str, str]:
    """The scope as the registry list's own filters (it knows province and commune)."""
    if scope.unit is None:
        return {}
    return {"province" if scope.unit.level == Unit.Level.PROVINCE else "commune": scope.unit.pk}


# --- Products --------------------------------------------------------------------------------


def products_by_stars(scope: Scope, on: date) -> Table:
    """OCOP products on the day by star (the highest of their valid certificates)."""
    figures = count_where(products_in(scope, on),
                          {f"s{n}": valid_q(n) for n in CERTIFIABLE_STARS})
    rows = [Row(_stars_label(n), [Cell(figures[f"s{n}"], Drill("valid", on, stars=n))])
            for n in CERTIFIABLE_STARS]
    rows.append(_total_row(1, rows, [Drill("valid", on)]))
    return Table("stars", _("Sản phẩm OCOP còn hiệu lực theo hạng sao"),
                 [_("Sản phẩm")], rows, Chart("pie"))


def products_by_group(scope: Scope, on: date) -> Table:
    """OCOP products on the day by product group (Decision 148's six groups) and star."""
    counts = {
        row["product_set__group_id"]: row
        for row in products_in(scope, on).values("product_set__group_id").annotate(
            **{f"s{n}": Count("pk", filter=valid_q(n)) for n in CERTIFIABLE_STARS})
    }
    rows = []
    for group in ProductGroup.objects.order_by("code"):
        row = counts.get(group.pk, {})
        cells = [Cell(row.get(f"s{n}", 0), Drill("valid", on, stars=n, group=group.pk))
                 for n in CERTIFIABLE_STARS]
        cells.append(Cell(sum(int(c.value or 0) for c in cells),
                          Drill("valid", on, group=group.pk)))
        rows.append(Row(group.display_name, cells))
    stars = len(CERTIFIABLE_STARS)
    rows.append(_total_row(stars + 1, rows,
                           [Drill("valid", on, stars=n) for n in CERTIFIABLE_STARS]
                           + [Drill("valid", on)]))
    return Table("groups", _("Sản phẩm OCOP còn hiệu lực theo nhóm sản phẩm"),
                 [*(_stars_label(n) for n in CERTIFIABLE_STARS), _("Tổng")], rows,
                 Chart("stacked", tuple(range(stars))))


# The product sets counted per area, in column order (``selectors.drill_q``).
AREA_SETS = ("registered", "recognised", "valid")


def _area_columns() -> list[str]:
    return [_("Đăng ký trên hệ thống"), _("Luỹ kế được công nhận"), _("Còn hiệu lực")]


def _area_aggregates(on: date) -> dict[str, Count]:
    return {"registered": Count("pk", filter=registered_q(on)),
            "recognised": Count("pk", filter=recognised_q(on)),
            "valid": Count("pk", filter=valid_q())}


def _area_cells(row: dict[str, int], on: date, **where: str) -> list[Cell]:
    return [Cell(row.get(name, 0), Drill(name, on, **where)) for name in AREA_SETS]


def products_by_province(scope: Scope, on: date) -> Table:
    """Products per current province: registered, recognised (cumulative), OCOP on the day."""
    counts = {row["producer__commune__current_province_id"]: row
              for row in products_in(scope, on).values("producer__commune__current_province_id")
              .annotate(**_area_aggregates(on))}
    provinces = Unit.objects.filter(era=Unit.Era.CURRENT, level=Unit.Level.PROVINCE)
    if scope.unit is not None:
        provinces = provinces.filter(pk=scope.unit.pk if scope.level == Unit.Level.PROVINCE
                                     else scope.unit.current_province_id)
    rows = [Row(p.name, _area_cells(counts.get(p.pk, {}), on, province=p.pk), area=p.pk)
            for p in provinces.order_by("search_name")]
    rows.append(_total_row(3, rows, [Drill(name, on) for name in AREA_SETS]))
    return Table("provinces", _("Sản phẩm theo tỉnh/thành phố"), _area_columns(), rows,
                 Chart("hbar", (2, 1), limit=34))


def products_by_legacy_district(scope: Scope, on: date) -> Table:
    """Products per legacy (pre-2025) district: a product under a legacy commune is counted in
    its district; under a current commune, in the district its predecessors came from
    (``selectors.DistrictMap``). Products of current communes with no recorded predecessor are
    shown on their own row."""
    districts = district_map(scope)
    totals: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(AREA_SETS, 0))
    for row in (products_in(scope, on)
                .values("producer__commune_id", "producer__commune__era",
                        "producer__commune__parent_id")
                .annotate(**_area_aggregates(on))):
        if row["producer__commune__era"] == Unit.Era.LEGACY:
            key = row["producer__commune__parent_id"] or ""
        else:
            key = districts.of_current.get(row["producer__commune_id"], "")
        for name in AREA_SETS:
            totals[key][name] += row[name]
    rows = [Row(name, _area_cells(totals.get(key, {}), on, district=key))
            for key, name in sorted(districts.names.items(), key=lambda kv: kv[1])
            if key in totals]
    if "" in totals:
        rows.append(Row(_("Xã/phường chưa rõ huyện cũ"),
                        [Cell(totals[""][name]) for name in AREA_SETS]))
    rows.append(_total_row(3, rows, [Drill(name, on) for name in AREA_SETS]))
    return Table("districts", _("Sản phẩm theo huyện cũ (trước 01/07/2025)"), _area_columns(),
                 rows, Chart("hbar", (2, 1), limit=25),
                 note=_("Sản phẩm đăng ký theo xã/phường mới được tính vào huyện cũ của các "
                        "xã đã sáp nhập thành xã/phường đó."))


def products_by_commune(scope: Scope, on: date) -> Table:
    """Products per current commune (a legacy commune's products under its successor)."""
    counts = {row["producer__commune__current_commune_id"]: row
              for row in products_in(scope, on).values("producer__commune__current_commune_id")
              .annotate(**_area_aggregates(on))}
    # "Xã Lục Ngạn", not "Lục Ngạn": a commune and a ward may share a name.
    names = dict(Unit.objects.filter(pk__in=[k for k in counts if k])
                 .values_list("pk", "full_name"))
    rows = [Row(names[key], _area_cells(row, on, commune=key), area=key)
            for key, row in sorted(counts.items(), key=lambda kv: names.get(kv[0] or "", ""))
            if key]
    if None in counts:
        rows.append(Row(_("Chưa rõ xã/phường hiện nay"),
                        [Cell(counts[None][name]) for name in AREA_SETS]))
    rows.append(_total_row(3, rows, [Drill(name, on) for name in AREA_SETS]))
    return Table("communes", _("Sản phẩm theo xã/phường hiện nay"), _area_columns(), rows,
                 Chart("hbar", (2, 1), limit=25))


def trend_by_year(scope: Scope, on: date) -> Table:
    """Per year up to the day: products recognised for the first time, certificates issued,
    products recognised (cumulative) and OCOP at the year's end (or on the day, this year)."""
    certificates = Certificate.objects.filter(scope.q("product__producer__commune"),
                                              issued_on__lte=on)
    first = certificates.aggregate(first=Min("issued_on"))["first"]
    if first is None:
        return Table("trend", _("Xu hướng theo năm"), _trend_columns(), [], Chart("line"))
    years = list(range(first.year, on.year + 1))

    def end(year: int) -> date:
        return min(date(year, 12, 31), on)

    figures = certificates.aggregate(**{
        f"{name}{y}": aggregate for y in years for name, aggregate in (
            ("issued", Count("pk", filter=Q(issued_on__year=y))),
            ("recognised", Count("product_id", distinct=True, filter=Q(issued_on__lte=end(y)))),
            ("valid", Count("product_id", distinct=True, filter=Q(
                issued_on__lte=end(y), valid_until__gte=end(y)) & ~Q(revoked_on__lte=end(y)))),
        )})
    firsts = (products_in(scope, on)
              .annotate(first=Min("certificates__issued_on",
                                  filter=Q(certificates__issued_on__lte=on)))
              .aggregate(**{f"new{y}": Count("pk", filter=Q(first__year=y)) for y in years}))
    rows = [Row(str(y), [
        Cell(firsts[f"new{y}"], Drill("new", on, year=y)),
        Cell(figures[f"issued{y}"]),
        Cell(figures[f"recognised{y}"], Drill("recognised", end(y))),
        Cell(figures[f"valid{y}"], Drill("valid", end(y))),
    ]) for y in years]
    return Table("trend", _("Xu hướng theo năm"), _trend_columns(), rows,
                 Chart("line", (0, 2, 3)),
                 note=_("Năm hiện tại tính đến ngày xem; các năm trước tính đến ngày 31/12."))


def _trend_columns() -> list[str]:
    return [_("Sản phẩm mới được công nhận"), _("Giấy chứng nhận được cấp"),
            _("Luỹ kế sản phẩm được công nhận"), _("Sản phẩm còn hiệu lực")]


# --- Certificates ----------------------------------------------------------------------------


def expiring(scope: Scope, on: date) -> Table:
    """OCOP products whose status ends within 30, 90 and 180 days of the day (the latest end
    among their valid certificates: a product already re-recognised is not expiring)."""
    figures = count_where(products_in(scope, on),
                          {f"w{days}": expiring_q(on, days) for days in EXPIRY_WINDOWS})
    rows = [Row(_("Trong %(days)s ngày (đến %(day)s)") % {
        "days": days, "day": f"{on + timedelta(days=days):%d/%m/%Y}"},
        [Cell(figures[f"w{days}"], Drill("expiring", on, within=days))])
        for days in EXPIRY_WINDOWS]
    return Table("expiring", _("Sản phẩm sắp hết hạn giấy chứng nhận"), [_("Sản phẩm")],
                 rows, Chart("bar"),
                 note=_("Các mốc tính gộp: sản phẩm hết hạn trong 30 ngày cũng nằm trong 90 "
                        "và 180 ngày."))


def reevaluation(scope: Scope, on: date) -> Table:
    """The re-evaluation rate: of the products whose certificate expired in a period (ran to
    its end, not revoked before it), the share that received a new certificate before the end
    of ``REEVALUATION_GRACE_MONTHS`` months after the expiry. One row per year of expiry up to
    the day, and the last 12 months."""
    found = expiries(scope, on)
    rows = []

    def row(label: str, start: date, end: date, year: int | None) -> Row:
        due = {e.product_id for e in found if start <= e.valid_until <= end}
        back = {e.product_id for e in found if start <= e.valid_until <= end and e.came_back}
        return Row(label, [
            Cell(len(due), Drill("expired", on, year=year) if year else None),
            Cell(len(back), Drill("back", on, year=year) if year else None),
            Cell(len(due - back), Drill("not_back", on, year=year) if year else None),
            Cell(percent(len(back), len(due))),
        ])

    years = sorted({e.valid_until.year for e in found})
    rows = [row(str(y), date(y, 1, 1), min(date(y, 12, 31), on), y) for y in years]
    last = on - timedelta(days=365)
    rows.append(row(_("12 tháng gần nhất"), last + timedelta(days=1), on, None))
    return Table("reevaluation", _("Tỷ lệ đánh giá lại sau khi hết hạn"),
                 [_("Hết hạn"), _("Được công nhận lại"), _("Không quay lại"), _("Tỷ lệ (%)")],
                 rows, Chart("bar", (0, 1)),
                 note=_("Được công nhận lại: sản phẩm được cấp giấy chứng nhận mới trong vòng "
                        "%(months)s tháng sau ngày hết hạn. Giấy chứng nhận bị thu hồi trước "
                        "khi hết hạn không tính.") % {"months": REEVALUATION_GRACE_MONTHS},
                 extra={"headline": rows[-1].cells[3].value})


# --- Dossiers --------------------------------------------------------------------------------

_STAGES = (
    ("awaiting", _("Chờ tiếp nhận"),
     (DossierState.SUBMITTED, DossierState.COMMUNE_CHECKED, DossierState.RESUBMITTED)),
    ("corrections", _("Yêu cầu bổ sung"), (DossierState.CORRECTIONS_REQUESTED,)),
    ("evaluating", _("Đã tiếp nhận, đang đánh giá"),
     (DossierState.ACCEPTED, DossierState.UNDER_EVALUATION, DossierState.SCORED,
      DossierState.PROPOSED_UP)),
    ("recognised", _("Được công nhận"), (DossierState.RECOGNISED,)),
    ("not_recognised", _("Không được công nhận"), (DossierState.NOT_RECOGNISED,)),
)


def _dossiers(scope: Scope, on: date):
    return Dossier.objects.filter(scope.q("producer__commune"), created_at__lt=before_end_of(on))


def _dossier_href(scope: Scope, **params: Any) -> str:
    if scope.level == Unit.Level.COMMUNE:
        params["commune"] = scope.unit.pk
    return f"{reverse('dossiers:list')}?{urlencode(params)}"


def dossiers_by_stage(scope: Scope, on: date) -> Table:
    """Dossiers opened up to the day, by their state today."""
    counts = dict(_dossiers(scope, on).values("state").annotate(n=Count("pk"))
                  .values_list("state", "n"))
    rows = [Row(str(label), [Cell(counts.get(state, 0),
                                  href=_dossier_href(scope, state=state))])
            for state, label in DossierState.choices]
    rows.append(_total_row(1, rows))
    rows[-1].cells[0].href = _dossier_href(scope)
    return Table("dossier_stages", _("Hồ sơ theo trạng thái"), [_("Hồ sơ")], rows,
                 Chart("hbar"), hrefs_need_own_scope=True,
                 note=_("Trạng thái hiện tại của các hồ sơ lập đến ngày xem."))


def dossiers_by_round(scope: Scope, on: date) -> Table:
    """The year's evaluation rounds with their deadlines and the scope's dossiers in each, by
    stage (a dossier counts in the round it was accepted into, else the round it applied for)."""
    stage_of = {state: key for key, _label, states in _STAGES for state in states}
    per_round: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for round_id, requested_id, state, n in (
            _dossiers(scope, on).exclude(round__isnull=True, requested_round__isnull=True)
            .values("round_id", "requested_round_id", "state").annotate(n=Count("pk"))
            .values_list("round_id", "requested_round_id", "state", "n")):
        counts = per_round[round_id or requested_id]
        counts["total"] += n
        if state in stage_of:
            counts[stage_of[state]] += n
    rounds = Round.objects.filter(programme_year__year=on.year).select_related("issuing_unit")
    if scope.unit is not None:
        province = scope.unit.pk if scope.level == Unit.Level.PROVINCE \
            else scope.unit.current_province_id
        rounds = rounds.filter(Q(pk__in=list(per_round))
                               | Q(programme_year__province_id=province)
                               | Q(programme_year__province__current_province_id=province))
    rows = []
    for r in rounds.order_by("opens_on", "level", "number", "pk"):
        counts = per_round.get(r.pk, {})
        href = _dossier_href(scope, round=r.pk)
        rows.append(Row(f"{r.name} ({LEVEL_LABELS.get(r.level, r.level)})", [
            Cell(f"{r.submission_deadline:%d/%m/%Y}"),
            Cell(f"{r.evaluation_deadline:%d/%m/%Y}"),
            Cell(f"{r.recognition_deadline:%d/%m/%Y}"),
            Cell(counts.get("total", 0), href=href),
            *(Cell(counts.get(key, 0)) for key, _label, _states in _STAGES),
        ]))
    return Table("dossier_rounds", _("Hồ sơ theo đợt đánh giá năm %(year)s") % {"year": on.year},
                 [_("Hạn nộp"), _("Hạn đánh giá"), _("Hạn công nhận"), _("Tổng hồ sơ"),
                  *(str(label) for _key, label, _states in _STAGES)],
                 rows, Chart("stacked", tuple(range(4, 4 + len(_STAGES)))),
                 hrefs_need_own_scope=True)


# --- Producers -------------------------------------------------------------------------------


def producers_by_type(scope: Scope, on: date) -> Table:
    """Producers registered up to the day by legal form; women- and ethnic-minority-owned; and
    those holding an OCOP product on the day."""
    ocop = Q(Exists(Certificate.objects.valid_on(on).filter(product__producer=OuterRef("pk"))))
    woman, minority = Q(woman_owner=True), Q(ethnic_minority_owner=True)
    counts = {row["legal_form"]: row for row in (
        Producer.objects.filter(scope.q("commune"), created_at__lt=before_end_of(on))
        .values("legal_form").annotate(
            n=Count("pk"), women=Count("pk", filter=woman),
            minority=Count("pk", filter=minority), ocop=Count("pk", filter=ocop),
            ocop_women=Count("pk", filter=ocop & woman),
            ocop_minority=Count("pk", filter=ocop & minority)))}
    area = _area_filter(scope)
    producers = reverse("registry:producer_list")

    def href(**params: str) -> str:
        return f"{producers}?{urlencode({**area, **params})}"

    rows = []
    for form, label in LegalForm.choices:
        row = counts.get(form, {})
        rows.append(Row(str(label), [
            Cell(row.get("n", 0), href=href(legal_form=form)),
            Cell(row.get("women", 0), href=href(legal_form=form, woman_owner="1")),
            Cell(row.get("minority", 0), href=href(legal_form=form, ethnic_minority_owner="1")),
            Cell(row.get("ocop", 0)), Cell(row.get("ocop_women", 0)),
            Cell(row.get("ocop_minority", 0)),
        ]))
    total = _total_row(6, rows)
    for cell, params in zip(total.cells[:3], ({}, {"woman_owner": "1"},
                                               {"ethnic_minority_owner": "1"}), strict=True):
        cell.href = href(**params)
    rows.append(total)
    return Table("producers", _("Chủ thể theo loại hình"),
                 [_("Chủ thể"), _("Chủ thể là nữ"), _("Chủ thể là người DTTS"),
                  _("Có sản phẩm OCOP còn hiệu lực"), _("Trong đó: nữ"), _("Trong đó: DTTS")],
                 rows, Chart("pie"),
                 note=_("Danh sách chủ thể mở từ bảng này là danh sách hiện tại."))


# --- 5★ pipeline and plan ----------------------------------------------------------------------


def pipeline_labels() -> dict[str, str]:
    return {
        "four_star": _("Sản phẩm 4 sao còn hiệu lực"),
        "dossier": _("Hồ sơ đăng ký 5 sao đang xử lý"),
        "province_five": _("Hội đồng tỉnh chấm đạt 5 sao"),
        "central_round": _("Đang đánh giá cấp trung ương"),
        "five_star": _("Sản phẩm 5 sao còn hiệu lực"),
    }


def five_star_pipeline(scope: Scope, on: date) -> Table:
    """Products at each stage towards 5★ (``selectors.pipeline_q``); a product may stand at
    several stages at once (a 4★ product with a 5★ dossier)."""
    figures = count_where(products_in(scope, on),
                          {stage: pipeline_q(stage, on) for stage in PIPELINE_STAGES})
    labels = pipeline_labels()
    rows = [Row(labels[stage], [Cell(figures[stage], Drill("pipeline", on, stage=stage))])
            for stage in PIPELINE_STAGES]
    return Table("pipeline", _("Lộ trình sản phẩm 5 sao"), [_("Sản phẩm")], rows,
                 Chart("hbar"))


def plan_progress(scope: Scope, on: date) -> Table:
    """The annual plans of the scope for the day's year (the province's, or the national
    programme's for the nation) with each indicator's live actual on the day
    (``ocop.planning.selectors.indicator_rows``). A commune has no plan of its own."""
    columns = [_("Chỉ tiêu kế hoạch"), _("Thực hiện"), _("Đạt (%)")]
    if scope.level == Unit.Level.COMMUNE:
        return Table("plan", _("Tiến độ so với kế hoạch năm %(year)s") % {"year": on.year},
                     columns, [], Chart("bar", (0, 1)),
                     note=_("Kế hoạch năm do tỉnh/thành phố lập; xem trên bảng điều khiển "
                            "của tỉnh."))
    plans = AnnualPlan.objects.filter(year=on.year).select_related("province")
    if scope.unit is None:
        plans = plans.filter(province__isnull=True)
    else:
        plans = plans.filter(Q(province_id=scope.unit.pk)
                             | Q(province__current_province_id=scope.unit.pk))
    rows = []
    plans = list(plans.order_by("province_id", "pk"))
    for plan in plans:
        href = reverse("planning:detail", args=[plan.pk])
        for item in indicator_rows(plan, today=on):
            label = item.label if len(plans) == 1 else f"{plan.title}: {item.label}"
            rows.append(Row(label, [Cell(item.indicator.target, href=href),
                                    Cell(item.actual, href=href), Cell(item.progress)]))
    return Table("plan", _("Tiến độ so với kế hoạch năm %(year)s") % {"year": on.year},
                 columns, rows, Chart("hbar", (0, 1)),
                 note="" if plans else _("Chưa có kế hoạch năm %(year)s.") % {"year": on.year})


def fairs_by_year(scope: Scope, on: date) -> Table:
    """Trade fairs and events of the province (or of every province) opened by the day, per
    year: events, exhibitors, and what they reported (``ocop.fairs.selectors.fair_totals``).
    Events are the province's; a commune has none of its own."""
    columns = [_("Sự kiện"), _("Chủ thể tham gia"), _("Doanh thu (triệu đồng)"),
               _("Hợp đồng"), _("Giá trị hợp đồng (triệu đồng)"), _("Khách hàng liên hệ")]
    title = _("Hội chợ, xúc tiến thương mại")
    if scope.level == Unit.Level.COMMUNE:
        return Table("fairs", title, columns, [], Chart("bar", (0, 1)),
                     note=_("Hội chợ, sự kiện do tỉnh/thành phố tổ chức; xem trên bảng điều "
                            "khiển của tỉnh."))
    figures = fair_totals(scope.unit.pk if scope.unit else None, until=on)
    million = Decimal(1_000_000)

    def millions(value: Decimal) -> int:
        return int((value / million).quantize(Decimal(1), ROUND_HALF_UP))

    def year_href(year: int) -> str:
        return f"{reverse('fairs:figures')}?nam={year}"

    rows = [Row(str(y.year), [
        Cell(y.events, href=year_href(y.year)), Cell(y.exhibitors, href=year_href(y.year)),
        Cell(millions(y.sales)), Cell(y.contracts), Cell(millions(y.contracts_value)),
        Cell(y.contacts)]) for y in reversed(figures.years)]
    if rows:
        rows.append(_total_row(len(columns), rows))
    return Table("fairs", title, columns, rows, Chart("bar", (0, 1)),
                 hrefs_need_own_scope=True,
                 note=_("Theo năm khai mạc; kết quả do chủ thể tham gia báo cáo sau sự kiện.")
                 if rows else _("Chưa có hội chợ, sự kiện nào."))


# --- All -------------------------------------------------------------------------------------

Figure = Callable[[Scope, date], Table]


def figures_for(scope: Scope) -> dict[str, Figure]:
    """The figures of a dashboard of ``scope``, in page order, by key: the nation shows its
    provinces; a province its legacy districts and communes; a commune only itself."""
    area: dict[str, Figure] = {}
    if scope.unit is None:
        area["provinces"] = products_by_province
    elif scope.level == Unit.Level.PROVINCE:
        area["districts"] = products_by_legacy_district
        area["communes"] = products_by_commune
    return {
        "stars": products_by_stars, "groups": products_by_group, **area,
        "trend": trend_by_year, "plan": plan_progress, "expiring": expiring,
        "reevaluation": reevaluation, "dossier_stages": dossiers_by_stage,
        "dossier_rounds": dossiers_by_round, "producers": producers_by_type,
        "pipeline": five_star_pipeline, "fairs": fairs_by_year,
    }
