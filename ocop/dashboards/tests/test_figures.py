"""Every dashboard figure equals a count made independently, in plain Python over the objects of
the test world (no dashboard query, no ``Certificate.objects.valid_on``), for the nation, both
provinces and two communes, today and on a past day; every drill-down lists exactly the
products its number counts; and no figure counts a record of another area."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ocop.dashboards import figures, selectors
from ocop.dashboards.selectors import Scope
from ocop.dossiers.models import Dossier, DossierState
from ocop.evaluation.models import CouncilResult
from ocop.registry.models import LegalForm, Producer, Product, ProductGroup
from ocop.rules.certification import add_months
from ocop.units.models import Succession, Unit

pytestmark = pytest.mark.django_db

SCOPES = (None, "P24", "P01", "C07582", "C00070")


def _scope(key: str | None) -> Scope:
    return Scope(None if key is None else Unit.objects.get(pk=key))


def _inside(commune: Unit, key: str | None) -> bool:
    if key is None:
        return True
    return key in (commune.current_province_id, commune.current_commune_id)


class Model:
    """The world read back as plain Python objects."""

    def __init__(self, key: str | None, day: date) -> None:
        self.day = day
        self.products = [p for p in Product.objects.select_related("producer__commune",
                                                                   "product_set")
                         if _inside(p.producer.commune, key)]
        self.certs = {p.pk: list(p.certificates.all()) for p in self.products}
        self.producers = [p for p in Producer.objects.select_related("commune")
                          if _inside(p.commune, key)]
        self.dossiers = [d for d in Dossier.objects.select_related("producer__commune")
                         if _inside(d.producer.commune, key)
                         and d.created_at.date() <= day]

    @staticmethod
    def valid(cert, day: date) -> bool:
        revoked = cert.revoked_on is not None and cert.revoked_on <= day
        return cert.issued_on <= day <= cert.valid_until and not revoked

    def stars(self, product, day: date | None = None) -> int | None:
        day = day or self.day
        return max((c.stars for c in self.certs[product.pk] if self.valid(c, day)), default=None)

    def recognised(self, product, day: date | None = None) -> bool:
        return any(c.issued_on <= (day or self.day) for c in self.certs[product.pk])

    def registered(self, product) -> bool:
        return product.created_at.date() <= self.day

    def area_counts(self, products) -> list[int]:
        products = list(products)
        return [sum(self.registered(p) for p in products),
                sum(self.recognised(p) for p in products),
                sum(self.stars(p) is not None for p in products)]


def _rows(table) -> dict[str, list]:
    return {row.label: row.values() for row in table.rows}


def _district(commune: Unit) -> str:
    if commune.era == Unit.Era.LEGACY:
        return commune.parent.full_name
    parents = Counter(s.predecessor.parent_id for s in Succession.objects.filter(
        successor=commune, predecessor__level="commune").select_related("predecessor"))
    if not parents:
        return "Xã/phường chưa rõ huyện cũ"
    best = sorted(parents.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    return Unit.objects.get(pk=best).full_name


def expected(key: str, m: Model) -> dict[str, list]:
    day = m.day
    if key == "stars":
        rows = {f"{n} sao": [sum(m.stars(p) == n for p in m.products)] for n in (3, 4, 5)}
        rows["Tổng"] = [sum(v[0] for v in rows.values())]
        return rows
    if key == "groups":
        rows = {}
        for group in ProductGroup.objects.order_by("code"):
            counts = [sum(m.stars(p) == n and p.product_set.group_id == group.pk
                          for p in m.products) for n in (3, 4, 5)]
            rows[group.name_vi] = [*counts, sum(counts)]
        rows["Tổng"] = [sum(col) for col in zip(*rows.values(), strict=True)]
        return rows
    if key in ("provinces", "districts", "communes"):
        by: dict[str, list] = defaultdict(list)
        for p in m.products:
            commune = p.producer.commune
            label = {"provinces": lambda c: c.current_province.name,
                     "districts": _district,
                     "communes": lambda c: c.current_commune.full_name}[key](commune)
            by[label].append(p)
        rows = {label: m.area_counts(ps) for label, ps in by.items()}
        if key == "provinces":  # every province is listed, with or without products
            for unit in Unit.objects.filter(era="current", level="province"):
                rows.setdefault(unit.name, [0, 0, 0])
        rows["Tổng"] = m.area_counts(m.products)
        return rows
    if key == "trend":
        issued = [c for cs in m.certs.values() for c in cs if c.issued_on <= day]
        if not issued:
            return {}
        rows = {}
        for year in range(min(c.issued_on for c in issued).year, day.year + 1):
            end = min(date(year, 12, 31), day)
            firsts = [min(c.issued_on for c in m.certs[p.pk] if c.issued_on <= day)
                      for p in m.products if m.recognised(p)]
            rows[str(year)] = [
                sum(f.year == year for f in firsts),
                sum(c.issued_on.year == year for c in issued),
                sum(m.recognised(p, end) for p in m.products),
                sum(m.stars(p, end) is not None for p in m.products),
            ]
        return rows
    if key == "expiring":
        out = {}
        for days in (30, 90, 180):
            n = 0
            for p in m.products:
                ends = [c.valid_until for c in m.certs[p.pk] if m.valid(c, day)]
                n += bool(ends) and max(ends) <= day + timedelta(days=days)
            out[days] = [n]
        return out
    if key == "reevaluation":
        due: dict[int, set] = defaultdict(set)
        back: dict[int, set] = defaultdict(set)
        last_due, last_back = set(), set()
        for p in m.products:
            for c in m.certs[p.pk]:
                if c.issued_on > day or c.valid_until >= day:
                    continue
                if c.revoked_on is not None and c.revoked_on <= c.valid_until:
                    continue
                window = min(day, add_months(c.valid_until, 6))
                returned = any(c.issued_on < o.issued_on <= window for o in m.certs[p.pk])
                due[c.valid_until.year].add(p.pk)
                if returned:
                    back[c.valid_until.year].add(p.pk)
                if c.valid_until > day - timedelta(days=365):
                    last_due.add(p.pk)
                    if returned:
                        last_back.add(p.pk)

        def row(d: set, b: set) -> list:
            rate = None if not d else round(100 * len(b) / len(d), 1)
            return [len(d), len(b), len(d - b), rate]

        rows = {str(y): row(due[y], back[y]) for y in sorted(due)}
        rows["12 tháng gần nhất"] = row(last_due, last_back)
        return rows
    if key == "dossier_stages":
        counts = Counter(d.state for d in m.dossiers)
        rows = {str(label): [counts[state]] for state, label in DossierState.choices}
        rows["Tổng"] = [len(m.dossiers)]
        return rows
    if key == "dossier_rounds":
        by_round = Counter((d.round or d.requested_round).name for d in m.dossiers
                           if d.round_id or d.requested_round_id)
        return {name: n for name, n in by_round.items()}
    if key == "producers":
        alive = [p for p in m.producers if p.created_at.date() <= day]
        ocop = {p.producer_id for p in m.products if m.stars(p) is not None}
        rows = {}
        for form, label in LegalForm.choices:
            ps = [p for p in alive if p.legal_form == form]
            rows[str(label)] = [
                len(ps), sum(p.woman_owner for p in ps), sum(p.ethnic_minority_owner for p in ps),
                sum(p.pk in ocop for p in ps),
                sum(p.pk in ocop and p.woman_owner for p in ps),
                sum(p.pk in ocop and p.ethnic_minority_owner for p in ps)]
        rows["Tổng"] = [sum(col) for col in zip(*rows.values(), strict=True)]
        return rows
    if key == "pipeline":
        ids = {p.pk for p in m.products}
        five_dossiers = {d.product_id for d in m.dossiers if d.target_stars == 5
                         and d.state not in ("recognised", "not_recognised", "withdrawn")}
        province = {r.dossier.product_id for r in CouncilResult.objects.select_related("dossier")
                    if r.final and r.level == "province" and r.stars >= 5
                    and r.finalised_at.date() <= day and r.dossier.product_id in ids}
        central = {d.product_id for d in m.dossiers if d.round and d.round.level == "central"
                   and d.accepted_at and d.accepted_at.date() <= day
                   and d.state in ("accepted", "under_evaluation", "scored")}
        return {
            "Sản phẩm 4 sao còn hiệu lực": [sum(m.stars(p) == 4 for p in m.products)],
            "Hồ sơ đăng ký 5 sao đang xử lý": [len(five_dossiers)],
            "Hội đồng tỉnh chấm đạt 5 sao": [len(province)],
            "Đang đánh giá cấp trung ương": [len(central)],
            "Sản phẩm 5 sao còn hiệu lực": [sum(m.stars(p) == 5 for p in m.products)],
        }
    if key == "fairs":
        return {}  # this world holds no fair; ocop/fairs/tests count them (test_dashboard.py)
    raise AssertionError(key)


def _days(world) -> list[date]:
    return [world.today, add_months(world.today, -13)]


@pytest.mark.parametrize("key", SCOPES)
def test_every_figure_equals_an_independent_count(world, key):
    scope = _scope(key)
    for day in _days(world):
        m = Model(key, day)
        for name, figure in figures.figures_for(scope).items():
            table = figure(scope, day)
            if name == "plan":
                continue  # counted by the planning app; checked below
            rows = _rows(table)
            want = expected(name, m)
            if name == "expiring":
                assert [r.values() for r in table.rows] == [want[d] for d in (30, 90, 180)]
            elif name == "dossier_rounds":
                got = {r.label.rsplit(" (", 1)[0]: r.values()[3] for r in table.rows}
                assert {k: v for k, v in got.items() if v} == want, (key, day)
            elif name == "reevaluation":
                got = {k: [*v[:3], None if v[3] is None else float(v[3])]
                       for k, v in rows.items()}
                assert got == want, (key, day)
            else:
                assert rows == want, (name, key, day)


def test_plan_progress_reads_the_province_plan_with_live_actuals(world):
    province = _scope("P24")
    table = figures.plan_progress(province, world.today)
    (row,) = table.rows
    valid = figures.products_by_stars(province, world.today).rows[-1].values()[0]
    assert row.values()[:2] == [10, valid]
    # Hà Nội's plan has no indicator; a commune has no plan; the nation has no national plan.
    assert figures.plan_progress(_scope("P01"), world.today).rows == []
    assert figures.plan_progress(_scope("C07582"), world.today).rows == []
    assert figures.plan_progress(_scope(None), world.today).rows == []


def test_known_values_of_the_world(world):
    """A few numbers read off the world by hand, so the independent count is itself checked."""
    today = world.today
    p24 = _scope("P24")
    districts = _rows(figures.products_by_legacy_district(p24, today))
    # Lục Ngạn: A B G (legacy Đồng Cốc) and C H (Xã Lục Ngạn); OCOP today: A (4★), C (3★).
    assert districts["Huyện Lục Ngạn"] == [5, 5 - 1, 2]
    assert _rows(figures.products_by_stars(p24, today)) == {
        "3 sao": [1], "4 sao": [3], "5 sao": [1], "Tổng": [5]}  # C; A D E; J
    assert _rows(figures.products_by_stars(_scope("P01"), today)) == {
        "3 sao": [1], "4 sao": [0], "5 sao": [1], "Tổng": [2]}  # K; F
    expiring = [r.values()[0] for r in figures.expiring(p24, today).rows]
    assert expiring == [1, 2, 2]  # C in 20 days, D in 60
    rate = figures.reevaluation(p24, today)
    assert rate.extra["headline"] == 50  # A came back, B did not (E expired 14 months ago)


def test_every_drill_down_lists_exactly_the_counted_products_of_the_area(world):
    for key in SCOPES:
        scope = _scope(key)
        for day in _days(world):
            for table in (f(scope, day) for f in figures.figures_for(scope).values()):
                for row in table.rows:
                    for cell in row.cells:
                        if cell.drill is None:
                            continue
                        drill_day = cell.drill.on or day
                        listed = list(selectors.product_list(scope, cell.drill, drill_day)
                                      .select_related("producer__commune"))
                        assert len(listed) == cell.value, (key, table.key, row.label)
                        assert all(_inside(p.producer.commune, key) for p in listed)


def test_no_figure_counts_another_province(world):
    """The world has two provinces: each additive figure of the nation is the sum of theirs."""
    nation, p24, p01 = _scope(None), _scope("P24"), _scope("P01")
    for figure in (figures.products_by_stars, figures.products_by_group, figures.expiring,
                   figures.five_star_pipeline, figures.producers_by_type,
                   figures.dossiers_by_stage):
        for day in _days(world):
            whole = [r.values() for r in figure(nation, day).rows]
            parts = zip([r.values() for r in figure(p24, day).rows],
                        [r.values() for r in figure(p01, day).rows], strict=True)
            assert whole == [[a + b for a, b in zip(x, y, strict=True)] for x, y in parts]


def test_query_counts_do_not_depend_on_the_records(world, classification):
    """Each figure costs the same number of queries with twice the products and certificates."""
    scope = _scope("P24")

    def counts() -> dict[str, int]:
        out = {}
        for name, figure in figures.figures_for(scope).items():
            with CaptureQueriesContext(connection) as ctx:
                figure(scope, world.today)
            out[name] = len(ctx.captured_queries)
        return out

    before = counts()
    producer = Producer.objects.get(name="Công ty Bắc Giang")
    for n in range(5):
        Product.objects.create(producer=producer, name=f"Thêm {n}", product_set=classification)
    assert counts() == before
