"""The chart helpers: SVG that parses, carries the figures, escapes names, and is served safely."""

from __future__ import annotations

from xml.etree import ElementTree  # our own output, not untrusted input

from ocop.core import charts

SVG = "{http://www.w3.org/2000/svg}"


def texts(svg: str) -> list[str]:
    root = ElementTree.fromstring(svg)  # noqa: S314
    return ["".join(el.itertext()) for el in root.iter(f"{SVG}text")]


def test_bar_chart_prints_each_value_with_vietnamese_grouping():
    svg = charts.bar("Sản phẩm theo hạng sao", ["3 sao", "4 sao", "5 sao"],
                     {"Số sản phẩm": [1276, 57, 2]})
    words = texts(svg)
    assert "Sản phẩm theo hạng sao" in words
    assert {"1.276", "57", "2", "3 sao", "4 sao", "5 sao"} <= set(words)


def test_a_name_with_markup_stays_text():
    svg = charts.bar("T", ['<script>alert(1)</script> & "x"'], {"n": [1]}, horizontal=True)
    root = ElementTree.fromstring(svg)  # noqa: S314
    assert not [el for el in root.iter() if el.tag.endswith("script")]
    assert any("<script>alert(1)</script>" in t for t in texts(svg))


def test_pie_leaves_out_empty_parts_and_line_keeps_every_period():
    pie = texts(charts.pie("Loại hình", {"HTX": 3, "Hộ": 0}))
    assert "HTX" in pie and "Hộ" not in pie
    trend = texts(charts.line("Theo năm", ["2022", "2023", "2024"], {"Công nhận": [10, 0, 5]}))
    assert {"2022", "2023", "2024"} <= set(trend)


def test_svg_response_has_its_own_narrow_policy_and_is_private():
    response = charts.svg_response(charts.pie("x", {"a": 1}))
    assert response["Content-Type"].startswith("image/svg+xml")
    assert "script-src" not in response["Content-Security-Policy"]
    assert response["Content-Security-Policy"].startswith("default-src 'none'")
    assert response["Cache-Control"].startswith("private")
    assert charts.data_uri("<svg/>").startswith("data:image/svg+xml;base64,")
