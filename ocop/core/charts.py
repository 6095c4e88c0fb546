"""Charts as SVG from the pygal library: the same SVG serves a dashboard page and a PDF report.

A page shows a chart as ``<img src="….svg">``, never inline: pygal's SVG carries a ``<style>``
element, ``style`` attributes and a small script, which the site's Content-Security-Policy
(style-src/script-src 'self') blocks in an HTML page. Inside an image the browser runs no script
at all, and ``svg_response`` gives the SVG itself a policy that allows its own styles only. Every
chart sits beside a table of the same figures (with the drill-down links), so nothing is lost to
a reader who cannot see the image. WeasyPrint draws the same SVG in a PDF (``data_uri``).

The script pygal puts in every chart (its tooltips' configuration) is taken out: no browser runs
it inside an image, and a PDF has no use for it, so it would only carry the labels twice.

Labels are user data (product-set names, commune names); pygal escapes text through its XML
builder, so a name with ``<`` or ``&`` stays text.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Sequence

import pygal
from django.http import HttpResponse
from pygal.style import Style

# The app's palette (static/css): red of the OCOP logo first, then distinguishable greys/greens.
COLOURS = ("#b71c1c", "#1b5e20", "#0d47a1", "#e65100", "#4a148c", "#006064", "#5b636b",
           "#827717", "#880e4f", "#3e2723")
FONT = "'Noto Sans', 'DejaVu Sans', Arial, sans-serif"

STYLE = Style(
    background="white", plot_background="white", foreground="#1f2328",
    foreground_strong="#1f2328", foreground_subtle="#5b636b", colors=COLOURS,
    font_family=FONT, label_font_family=FONT, major_label_font_family=FONT,
    value_font_family=FONT, value_label_font_family=FONT, tooltip_font_family=FONT,
    title_font_family=FONT, legend_font_family=FONT, title_font_size=18,
    label_font_size=13, major_label_font_size=13, legend_font_size=13, value_font_size=13,
)

# The SVG document's own policy: its inline styles, nothing else (no script, no fetch).
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


# A page's column on a desktop, and on a phone: drawn 800 units wide and shrunk to a 390 px
# screen, 13-unit labels were about 6 px tall; the phone's own drawing keeps them near 12 px.
WIDTH = 800
NARROW_WIDTH = 400


def _config(title: str, width: int, **extra: object) -> dict[str, object]:
    label = 40 if width >= WIDTH else 22  # characters a label keeps before "…"
    return {
        "title": title, "style": STYLE, "js": [], "disable_xml_declaration": True,
        "width": width, "height": 420, "print_values": True, "legend_at_bottom": True,
        "truncate_label": label, "truncate_legend": label, "no_data_text": "—",
        "value_formatter": _number, **extra,
    }


def _number(value: float | None) -> str:
    """Vietnamese grouping (1.234) for the value labels; pygal's default is 1,234."""
    if value is None:
        return ""
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    return f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")


# The most intervals a count axis is cut into; the step is the smallest 1, 2 or 5 × 10ⁿ that
# keeps within it (pygal's own scale shows 8 to 16 ticks).
MAX_INTERVALS = 10


def whole_ticks(maximum: float) -> list[int]:
    """The value axis of a chart of counts: whole numbers from 0, a round step apart (1, 2 or
    5 × 10ⁿ), up to the first tick at or above ``maximum`` — so the tallest bar stays under the
    top line. 1 → 0, 1; 3 → 0 … 3; 11 → 0, 2 … 12; 1 234 → 0, 200 … 1 400."""
    top = max(1, math.ceil(maximum))
    magnitude = 1
    while True:
        for step in (magnitude, 2 * magnitude, 5 * magnitude):
            intervals = math.ceil(top / step)
            if intervals <= MAX_INTERVALS:
                return list(range(0, intervals * step + 1, step))
        magnitude *= 10


def bar(title: str, labels: Sequence[str], series: dict[str, Sequence[float | None]], *,
        horizontal: bool = False, stacked: bool = False, width: int = WIDTH,
        counts: bool = False) -> str:
    """Bars per label, one colour per series (one series: no legend). ``counts``: the values
    count whole things (products, certificates), so the axis gets whole ticks
    (``whole_ticks``) rather than pygal's own scale, which steps by tenths below 10 —
    "0 · 0,1 · … · 1" certificates."""
    kind = {(False, False): pygal.Bar, (True, False): pygal.HorizontalBar,
            (False, True): pygal.StackedBar, (True, True): pygal.HorizontalStackedBar}
    extra: dict[str, object] = {}
    if counts:
        columns = zip(*series.values(), strict=True)
        tallest = max((sum(v or 0 for v in column) if stacked else max(v or 0 for v in column)
                       for column in columns), default=0)
        extra["y_labels"] = whole_ticks(tallest)
    chart = kind[(horizontal, stacked)](**_config(
        title, width, show_legend=len(series) > 1,
        x_label_rotation=0 if horizontal else (20 if width >= WIDTH else 45),
        height=max(420, 34 * len(labels) + 140) if horizontal else 420, **extra))
    chart.x_labels = list(labels)
    for name, values in series.items():
        chart.add(name, list(values))
    return _render(chart)


def line(title: str, labels: Sequence[str], series: dict[str, Sequence[float | None]], *,
         width: int = WIDTH) -> str:
    """A trend over periods (years, months)."""
    chart = pygal.Line(**_config(title, width, show_legend=len(series) > 1, dots_size=4))
    chart.x_labels = list(labels)
    for name, values in series.items():
        chart.add(name, list(values))
    return _render(chart)


def pie(title: str, parts: dict[str, float], *, donut: bool = True, width: int = WIDTH) -> str:
    """Shares of a whole; zero parts are left out (pygal would draw an empty slice label)."""
    chart = pygal.Pie(**_config(title, width, inner_radius=0.45 if donut else 0,
                                print_values=True))
    for name, value in parts.items():
        if value:
            chart.add(name, value)
    return _render(chart)


def _render(chart: pygal.graph.graph.Graph) -> str:
    root = chart.render_tree()
    for parent in list(root.iter()):
        for child in list(parent):
            if isinstance(child.tag, str) and child.tag.rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    return pygal.etree.etree.tostring(root, encoding="unicode")


def svg_response(svg: str, *, max_age: int = 0) -> HttpResponse:
    """An SVG for ``<img src>``: private (figures follow the viewer's jurisdiction), its own
    narrow policy, and never sniffed as HTML."""
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Content-Security-Policy"] = SVG_CSP
    response["Cache-Control"] = f"private, max-age={max_age}"
    return response


def data_uri(svg: str) -> str:
    """The SVG as a ``data:`` URI for a PDF template (WeasyPrint fetches nothing else)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
