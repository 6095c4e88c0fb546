"""Every actual equals an independent count (plain Python over the records the test world
created), for the plan's year and each quarter, and no figure counts another province."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ocop.planning import selectors, services
from ocop.planning.models import IndicatorKind as K
from ocop.planning.tests.conftest import BG, BN_OLD, HN, TODAY, World

pytestmark = pytest.mark.django_db

ALL = {BG, BN_OLD, HN}
P24 = {BG, BN_OLD}


def _areas(plan) -> set[str]:
    if plan.province_id is None:
        return ALL
    return {"LP24": {BG}, "P24": P24, "P01": {HN}}[plan.province_id]


def _expected(w: World, plan, kind: str, period: selectors.Period, group: str | None = None):
    areas = _areas(plan)
    certs = [c for c in w.certs if c.area in areas]
    day = period.as_of(TODAY)

    def within(d: date) -> bool:
        return period.start <= d <= day

    if kind == K.RECOGNISED_CUMULATIVE:
        return len({c.product for c in certs if c.issued_on <= day})
    if kind == K.PRODUCTS_BY_GROUP:
        return len({c.product for c in certs if c.issued_on <= day and c.group == group})
    if kind == K.VALID_PRODUCTS:
        return len({c.product for c in certs if c.issued_on <= day <= c.valid_until
                    and not (c.revoked_on and c.revoked_on <= day)})
    if kind == K.NEW_RECOGNISED:
        first: dict[str, date] = {}
        for c in certs:
            first[c.product] = min(first.get(c.product, c.issued_on), c.issued_on)
        return sum(1 for d in first.values() if within(d))
    if kind == K.UPGRADES:
        found = set()
        for c in certs:
            earlier = [o for o in certs if o.product == c.product and o.issued_on < c.issued_on]
            if earlier and within(c.issued_on):
                previous = max(earlier, key=lambda o: o.issued_on)
                if c.stars > previous.stars:
                    found.add(c.product)
        return len(found)
    if kind == K.FIVE_STAR_CANDIDATES:
        return len({p for p, d in w.five_star if w.areas[p] in areas and within(d)})
    if kind == K.PRODUCERS_TRAINED:
        return len({key for key, area, ends, status in w.trained
                    if area in areas and status == "attended" and within(ends)})
    if kind == K.ZONES:
        return sum(1 for area, created, status in w.zones
                   if area in areas and status == "issued" and created <= day)
    raise AssertionError(kind)


def _reevaluation(w: World, plan, period: selectors.Period) -> tuple[int, int]:
    areas = _areas(plan)
    due = [c for c in w.certs if c.area in areas and period.start <= c.valid_until <= period.end
           and not (c.revoked_on and c.revoked_on <= c.valid_until)]
    back = {c.product for c in due
            if any(o.product == c.product and o.issued_on > c.issued_on for o in w.certs)}
    return len(back), len({c.product for c in due})


KINDS = [K.RECOGNISED_CUMULATIVE, K.VALID_PRODUCTS, K.NEW_RECOGNISED, K.UPGRADES,
         K.FIVE_STAR_CANDIDATES, K.ZONES]


def _plan_with_everything(w: World, plan):
    for kind in [*KINDS, K.REEVALUATIONS, K.PRODUCERS_TRAINED]:
        services.save_indicator(actor=None, plan=plan, data={"kind": kind, "target": 10})
    for group in (w.products["A"].product_set.group, w.group2):
        services.save_indicator(actor=None, plan=plan, data={
            "kind": K.PRODUCTS_BY_GROUP, "product_group": group})
    return plan


def _check(w: World, plan) -> dict:
    rows = selectors.indicator_rows(plan, TODAY)
    seen = {}
    for row in rows:
        kind = row.indicator.kind
        for cell in row.cells:
            if kind == K.REEVALUATIONS:
                assert (cell.value, cell.due) == _reevaluation(w, plan, cell.period), cell.period
            else:
                expected = _expected(w, plan, kind, cell.period, row.indicator.product_group_id)
                assert cell.value == expected, (kind, cell.period.key, cell.value, expected)
        seen[(kind, row.indicator.product_group_id)] = [c.value for c in row.cells]
    return seen


@pytest.fixture
def plans(world, units):
    make = services.create_plan
    return {
        "bg_2024": make(actor=None, data={"province": units.legacy_bac_giang, "year": 2024,
                                          "title": "Bắc Giang 2024"}),
        "bn_2025": make(actor=None, data={"province": units.bac_ninh, "year": 2025,
                                          "title": "Bắc Ninh 2025"}),
        "hn_2025": make(actor=None, data={"province": units.ha_noi, "year": 2025,
                                          "title": "Hà Nội 2025"}),
        "nation_2024": make(actor=None, data={"province": None, "year": 2024,
                                              "title": "Chương trình 2024"}),
    }


@pytest.mark.parametrize("key", ["bg_2024", "bn_2025", "hn_2025", "nation_2024"])
def test_every_actual_equals_an_independent_count(world, plans, key):
    plan = _plan_with_everything(world, plans[key])
    _check(world, plan)


def test_bac_giang_2024_figures_by_quarter(world, plans):
    """The same figures written out, so that a wrong rule in both counts cannot pass."""
    seen = _check(world, _plan_with_everything(world, plans["bg_2024"]))
    #                                       Q1 Q2 Q3 Q4 year
    assert seen[(K.RECOGNISED_CUMULATIVE, None)] == [4, 4, 4, 5, 5]
    assert seen[(K.VALID_PRODUCTS, None)] == [2, 3, 2, 3, 3]
    assert seen[(K.NEW_RECOGNISED, None)] == [1, 0, 0, 1, 2]
    assert seen[(K.UPGRADES, None)] == [0, 1, 0, 0, 1]
    assert seen[(K.FIVE_STAR_CANDIDATES, None)] == [0, 0, 1, 1, 2]
    assert seen[(K.ZONES, None)] == [0, 1, 1, 2, 2]
    assert seen[(K.PRODUCTS_BY_GROUP, "2")] == [0, 0, 0, 1, 1]
    assert seen[(K.REEVALUATIONS, None)] == [1, 0, 0, 0, 1]
    # Đồng Cốc twice (once per course), Bắc Giang once; registered or absent is not trained.
    assert seen[(K.PRODUCERS_TRAINED, None)] == [0, 1, 0, 2, 2]
    row = next(r for r in selectors.indicator_rows(plans["bg_2024"], TODAY)
               if r.indicator.kind == K.REEVALUATIONS)
    assert row.year.due == 2 and row.year.share == 50


def test_no_figure_counts_another_province(world, plans):
    """Hà Nội's products and zones never reach Bắc Ninh's or Bắc Giang's figures, and the
    old Bắc Ninh (LP27) is outside the legacy Bắc Giang plan but inside today's Bắc Ninh."""
    bg = _check(world, _plan_with_everything(world, plans["bg_2024"]))
    hn = _check(world, _plan_with_everything(world, plans["hn_2025"]))
    bn = _check(world, _plan_with_everything(world, plans["bn_2025"]))
    nation = _check(world, _plan_with_everything(world, plans["nation_2024"]))
    assert hn[(K.RECOGNISED_CUMULATIVE, None)][-1] == 1  # F only
    assert bn[(K.RECOGNISED_CUMULATIVE, None)][-1] == 6  # A B C D E G, not F
    assert hn[(K.ZONES, None)][-1] == 1 and bn[(K.ZONES, None)][-1] == 3
    # Upgrades 2024: A (Bắc Giang) and E (old Bắc Ninh); the legacy plan sees A only.
    assert bg[(K.UPGRADES, None)][-1] == 1 and nation[(K.UPGRADES, None)][-1] == 2
    assert nation[(K.FIVE_STAR_CANDIDATES, None)][-1] == 4  # C, E, F, A
    # 2024: Đồng Cốc, Bắc Giang (LP24), the old Bắc Ninh's producer and Hà Nội's; none in 2025.
    assert bg[(K.PRODUCERS_TRAINED, None)][-1] == 2
    assert nation[(K.PRODUCERS_TRAINED, None)][-1] == 4
    assert hn[(K.PRODUCERS_TRAINED, None)][-1] == bn[(K.PRODUCERS_TRAINED, None)][-1] == 0


def test_future_quarters_have_no_actual(world, units):
    plan = services.create_plan(actor=None, data={"province": units.bac_ninh, "year": 2026,
                                                  "title": "Bắc Ninh 2026"})
    services.save_indicator(actor=None, plan=plan, data={"kind": K.RECOGNISED_CUMULATIVE})
    [row] = selectors.indicator_rows(plan, date(2026, 5, 10))
    assert [c.value is None for c in row.cells] == [False, False, True, True, False]
    assert row.cells[1].value == row.cells[-1].value == 6


def test_progress_against_target(world, plans):
    services.save_indicator(actor=None, plan=plans["bg_2024"], data={
        "kind": K.RECOGNISED_CUMULATIVE, "baseline": 253, "target": 4})
    services.save_indicator(actor=None, plan=plans["bg_2024"], data={
        "kind": K.UPGRADES, "target": 5})
    rows = {r.indicator.kind: r for r in selectors.indicator_rows(plans["bg_2024"], TODAY)}
    cumulative = rows[K.RECOGNISED_CUMULATIVE]
    assert cumulative.progress == 125 and cumulative.bar == 100
    assert rows[K.UPGRADES].progress == 20 and rows[K.UPGRADES].bar == 20


def test_plans_for_scopes_by_province_today(world, plans):
    def titles(user):
        return set(selectors.plans_for(user).values_list("title", flat=True))

    u = world.users
    everything = {"Bắc Giang 2024", "Bắc Ninh 2025", "Hà Nội 2025", "Chương trình 2024"}
    assert titles(u["admin"]) == titles(u["central"]) == everything
    bac_ninh = {"Bắc Giang 2024", "Bắc Ninh 2025", "Chương trình 2024"}
    for role in ("province_office", "commune_officer", "inspector"):
        assert titles(u[role]) == bac_ninh, role
    for role in ("other_province_office", "other_commune_officer", "other_inspector"):
        assert titles(u[role]) == {"Hà Nội 2025", "Chương trình 2024"}, role
    assert titles(u["producer"]) == titles(u["council_member"]) == set()


def test_budget_totals(bg_plan):
    for content, source, a, c, d in (("cycle", "province", 3_500, 3_400, 3_200),
                                     ("promotion", "province", 4_000, 0, 0),
                                     ("pilot", "socialised", 1_000, 900, 100)):
        services.save_budget_line(actor=None, plan=bg_plan, data={
            "content": content, "source": source, "approved": a, "committed": c,
            "disbursed": d})
    summary = selectors.budget_summary(bg_plan)
    assert (summary.total.approved, summary.total.committed, summary.total.disbursed) == (
        8_500, 4_300, 3_300)
    assert summary.total.disbursement_rate == Decimal("38.8")
    by_source = {label: t.approved for label, t in summary.by_source}
    assert by_source == {"Ngân sách tỉnh": 7_500, "Xã hội hoá, vốn của chủ thể": 1_000}


def test_one_query_per_indicator(world, plans, django_assert_max_num_queries):
    """The table costs one aggregate per indicator (two for 5★ candidates), whatever the
    number of records."""
    plan = _plan_with_everything(world, plans["bg_2024"])
    items = list(plan.indicators.select_related("product_group"))
    with django_assert_max_num_queries(len(items) + 1):
        selectors.indicator_rows(plan, TODAY, items)


def test_trained_says_when_there_is_no_training_data(world, units):
    """Hà Nội 2026: no registration of its producers in 2026 is not the same as no training
    records at all (the label); a province without any registration gets the label."""
    from ocop.training.models import Registration

    plan = services.create_plan(actor=None, data={"province": units.ha_noi, "year": 2026,
                                                  "title": "Hà Nội 2026"})
    services.save_indicator(actor=None, plan=plan, data={"kind": K.PRODUCERS_TRAINED})
    [row] = selectors.indicator_rows(plan, TODAY)
    assert row.actual == 0 and not row.no_data
    Registration.objects.filter(producer__commune__current_province=units.ha_noi).delete()
    [row] = selectors.indicator_rows(plan, TODAY)
    assert row.actual == 0 and row.no_data
