"""The report's figures against independent counts over the test world's own list of
certificates (plain Python, no query shared with the code under test), for two provinces, a
commune and the nation: nothing of one province leaks into the other's report."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest

from ocop.dashboards import figures as dashboard_figures
from ocop.dashboards.selectors import Scope
from ocop.reports import figures, periods
from ocop.reports.periods import Period
from ocop.units.models import Unit

from .conftest import HN

P24_AREAS = {"bac_giang", "bac_ninh_old"}


def in_scope(cert, scope: str) -> bool:
    return scope == "nation" or (cert.area == HN) == (scope == "P01")


def expected_stars(world, scope: str, day: date) -> Counter:
    best: dict[str, int] = {}
    for c in world.certs:
        valid = (c.issued_on <= day <= c.valid_until
                 and not (c.revoked_on and c.revoked_on <= day))
        if valid and in_scope(c, scope):
            best[c.product] = max(best.get(c.product, 0), c.stars)
    return Counter(best.values())


def scope_unit(world, scope: str) -> Unit | None:
    return {"nation": None, "P24": world.units.bac_ninh, "P01": world.units.ha_noi}[scope]


DAYS = [date(2021, 12, 31), date(2023, 6, 1), date(2024, 3, 31), date(2024, 9, 30),
        date(2025, 6, 30), date(2026, 11, 30)]


@pytest.mark.parametrize("scope", ["nation", "P24", "P01"])
@pytest.mark.parametrize("day", DAYS)
def test_products_by_stars_match_an_independent_count(world, scope, day):
    got = figures.products_on(scope_unit(world, scope), day)
    want = expected_stars(world, scope, day)
    assert got.by_stars == {s: want[s] for s in figures.STARS}
    assert got.valid_total == sum(want.values())
    assert sum(r.total for r in got.by_group) == got.valid_total
    assert sum(r.total for r in got.by_commune) == got.valid_total
    cumulative = {c.product for c in world.certs if c.issued_on <= day and in_scope(c, scope)}
    assert got.recognised_cumulative == len(cumulative)


def test_two_provinces_do_not_leak(world):
    day = date(2025, 6, 30)
    p24 = figures.products_on(world.units.bac_ninh, day)
    p01 = figures.products_on(world.units.ha_noi, day)
    nation = figures.products_on(None, day)
    assert p24.valid_total + p01.valid_total == nation.valid_total
    assert {r.parent for r in p01.by_commune} == {"Thành phố Hà Nội"}
    assert "Thành phố Hà Nội" not in {r.parent for r in p24.by_commune}
    assert p01.by_stars == {3: 0, 4: 0, 5: 1}  # F, upgraded to 5 stars in March 2025
    provinces = {r.label: r.total for r in nation.by_province}
    assert provinces == {"Thành phố Bắc Ninh": p24.valid_total, "Thành phố Hà Nội": 1}


def test_groups_communes_and_legacy_districts(world):
    day = date(2024, 12, 31)  # A4 C3 D4 E4 valid in P24 (B expired, G revoked)
    got = figures.products_on(world.units.bac_ninh, day)
    assert [(r.key, r.cells) for r in got.by_group] == [("1", [1, 2, 0]), ("2", [0, 1, 0])]
    assert got.by_group[1].label == "Đồ uống"
    communes = {r.label: r.cells for r in got.by_commune}
    # A is registered under Xã Đồng Cốc (legacy), which became Xã Lục Ngạn; C lies there too.
    assert communes["Xã Lục Ngạn"] == [1, 1, 0]
    assert communes["Phường Bắc Giang"] == [0, 1, 0]
    districts = {r.label: (r.parent, r.cells) for r in got.by_legacy_district}
    # The dashboards' rule: A under legacy Xã Đồng Cốc (huyện Lục Ngạn) and C under today's Xã
    # Lục Ngạn, whose predecessor communes lay in huyện Lục Ngạn, both count there.
    assert districts["Huyện Lục Ngạn"] == ("Tỉnh Bắc Giang", [1, 1, 0])
    assert sum(sum(c) for _p, c in districts.values()) == got.valid_total  # each product once


@pytest.mark.parametrize("day", [date(2024, 12, 31), date(2025, 12, 31)])
def test_report_and_dashboard_give_one_figure_per_area(world, day):
    """The report's OCOP products by commune and by legacy district equal the dashboard's
    "còn hiệu lực" column for the same area and day."""
    for unit in (None, world.units.bac_ninh, world.units.xa_luc_ngan):
        report = figures.products_on(unit, day)
        board = {"districts": dashboard_figures.products_by_legacy_district(Scope(unit), day),
                 "communes": dashboard_figures.products_by_commune(Scope(unit), day)}
        valid = dashboard_figures.AREA_SETS.index("valid")
        for key, rows in (("districts", report.by_legacy_district),
                          ("communes", report.by_commune)):
            table = board[key] if key == "communes" else board.pop(key)
            got = {r.label: r.total for r in rows if r.total}
            shown = {r.label: r.cells[valid].value for r in table.body() if r.cells[valid].value}
            assert got == shown, (unit, key)

    got = figures.products_on(world.units.xa_luc_ngan, date(2024, 12, 31))
    assert got.valid_total == 2  # A (via Đồng Cốc) and C
    assert [r.label for r in got.by_commune] == ["Xã Lục Ngạn"]


def expected_flows(world, scope: str, period: Period) -> dict[str, set[str]]:
    def within(d: date | None) -> bool:
        return d is not None and period.start <= d <= period.end

    out: dict[str, set[str]] = {"issued": set(), "expired": set(), "revoked": set()}
    for c in world.certs:
        if not in_scope(c, scope):
            continue
        key = (c.product, c.issued_on)
        if within(c.issued_on):
            out["issued"].add(key)
        expiry = c.valid_until + timedelta(days=1)
        if within(expiry) and not (c.revoked_on and c.revoked_on <= c.valid_until):
            out["expired"].add(key)
        if within(c.revoked_on):
            out["revoked"].add(key)
    return out


@pytest.mark.parametrize("scope", ["nation", "P24", "P01"])
@pytest.mark.parametrize("period", [periods.year(2024), periods.quarter(2024, 3),
                                    periods.year(2023), periods.month(2024, 4),
                                    Period(date(2021, 1, 1), date(2026, 11, 30))])
def test_certificates_within_the_period(world, scope, period):
    got = figures.certificates_within(scope_unit(world, scope), period)
    names = {p.name: key for key, p in world.products.items()}

    def keys(rows):
        return {(names[r["product__name"]], r["issued_on"]) for r in rows}

    want = expected_flows(world, scope, period)
    assert keys(got.issued) == want["issued"]
    assert keys(got.expired) == want["expired"]
    assert keys(got.revoked) == want["revoked"]


def test_q3_2024_of_bac_ninh(world):
    got = figures.certificates_within(world.units.bac_ninh, periods.quarter(2024, 3))
    assert got.counts == {"issued": 0, "expired": 1, "revoked": 0}
    assert got.expired[0]["product__name"] == "Sản phẩm B"  # valid until 01/08/2024


def test_plan_progress_reads_the_legacy_plan_of_the_province(world, bg_plan):
    from ocop.planning import services
    from ocop.planning.models import IndicatorKind

    services.save_indicator(actor=None, plan=bg_plan, data={
        "kind": IndicatorKind.RECOGNISED_CUMULATIVE, "baseline": 2, "target": 10})
    services.save_budget_line(actor=None, plan=bg_plan, data={
        "content": "cycle", "source": "province", "approved": 1_000_000,
        "committed": 600_000, "disbursed": 250_000})
    got = figures.plan_progress(world.units.bac_ninh, periods.quarter(2024, 3))
    assert [p.plan for p in got] == [bg_plan]
    row = got[0].rows[0]
    # Recognised in tỉnh Bắc Giang's area by 30/09/2024: A B C G (D only in November).
    bg = {c.product for c in world.certs
          if c.area == "bac_giang" and c.issued_on <= date(2024, 9, 30)}
    assert row.actual == len(bg) == 4
    assert figures.budget_totals(got) == (1_000_000, 600_000, 250_000)
    assert figures.plan_progress(world.units.ha_noi, periods.quarter(2024, 3)) == []
    assert figures.plan_progress(world.units.xa_luc_ngan, periods.quarter(2024, 3)) == []
