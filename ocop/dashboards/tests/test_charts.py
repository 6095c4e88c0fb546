"""Each figure draws as an SVG chart carrying its title and its rows' labels, without script;
long lists are cut to their largest rows."""

from __future__ import annotations

from xml.etree import ElementTree  # our own output, not untrusted input

import pytest

from ocop.dashboards import charts, figures
from ocop.dashboards.figures import Cell, Chart, Row, Table
from ocop.dashboards.selectors import Scope

pytestmark = pytest.mark.django_db


def _texts(svg: str) -> list[str]:
    root = ElementTree.fromstring(svg)  # noqa: S314
    return [t.text or "" for t in root.iter() if t.tag.endswith("text")]


def test_every_figure_draws_with_its_labels(world):
    scope = Scope(world.units.bac_ninh)
    for figure in figures.figures_for(scope).values():
        table = figure(scope, world.today)
        svg = charts.svg(table)
        assert "<script" not in svg
        texts = _texts(svg)
        assert table.title in texts
        if table.chart.kind != "pie":
            for row in table.body()[: table.chart.limit]:
                assert row.label[:40] in " ".join(texts) or len(row.label) > 40


def test_long_lists_keep_their_largest_rows():
    rows = [Row(f"Xã {n:02d}", [Cell(n)]) for n in range(40)]
    svg = charts.svg(Table("t", "Nhiều xã", ["Sản phẩm"], rows, Chart("hbar", limit=25)))
    texts = _texts(svg)
    assert "Xã 39" in texts and "Xã 15" in texts
    assert "Xã 14" not in texts


def test_a_phone_chart_is_drawn_narrow_with_the_same_labels(world):
    """Drawn 400 units wide for a 390 px screen: shrunk from 800, its labels were ~6 px tall."""
    scope = Scope(world.units.bac_ninh)
    for figure in figures.figures_for(scope).values():
        table = figure(scope, world.today)
        wide, narrow = charts.svg(table), charts.svg(table, width=400)
        assert ElementTree.fromstring(narrow).get("viewBox").startswith("0 0 400 ")  # noqa: S314
        assert ElementTree.fromstring(wide).get("viewBox").startswith("0 0 800 ")  # noqa: S314
        assert table.title in " ".join(_texts(narrow))  # wrapped onto lines when long


def _value_axis(svg: str) -> list[str]:
    root = ElementTree.fromstring(svg)  # noqa: S314
    return [t.text or "" for g in root.iter("{http://www.w3.org/2000/svg}g")
            if "axis y" in g.get("class", "") for t in g.iter("{http://www.w3.org/2000/svg}text")]


def test_small_counts_get_whole_ticks_and_amounts_keep_their_scale():
    # One certified product in a commune: pygal's own axis read "0 · 0,1 · … · 1".
    counts = Table("t", "Sản phẩm theo xã", ["Sản phẩm"],
                   [Row("Xã A", [Cell(1)]), Row("Xã B", [Cell(0)])], Chart("bar"))
    assert [t for t in _value_axis(charts.svg(counts)) if t[:1].isdigit()] == ["0", "1"]
    amounts = Table("t", "Kinh phí", ["Triệu đồng"],
                    [Row("Xã A", [Cell(0.5)]), Row("Xã B", [Cell(0.2)])], Chart("bar"))
    assert any("," in t for t in _value_axis(charts.svg(amounts)))
