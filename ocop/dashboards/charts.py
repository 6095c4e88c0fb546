"""A dashboard table drawn as an SVG chart (``ocop.core.charts``, pygal): the page shows it as
an image beside the table, a PDF report embeds the same SVG (``charts.data_uri``)."""

from __future__ import annotations

from ocop.core import charts
from ocop.dashboards.figures import Table


def _number(value: object) -> float | None:
    if value is None or isinstance(value, str):
        return None
    return float(value)  # type: ignore[arg-type]


def svg(table: Table, *, width: int = charts.WIDTH) -> str:
    """The chart of ``table``: its body rows (no total), at most ``chart.limit`` of them (the
    largest by the first series), one series per column in ``chart.series``; ``width``:
    ``charts.NARROW_WIDTH`` draws it for a phone."""
    rows = table.body()
    spec = table.chart
    if spec.limit is not None and len(rows) > spec.limit:
        first = spec.series[0]
        rows = sorted(rows, key=lambda r: -(_number(r.cells[first].value) or 0))[:spec.limit]
    if spec.kind == "pie":
        return charts.pie(table.title, {r.label: _number(r.cells[0].value) or 0 for r in rows},
                          width=width)
    if spec.kind == "line":
        return charts.line(table.title, [r.label for r in rows], {
            table.columns[i]: [_number(r.cells[i].value) for r in rows] for i in spec.series},
            width=width)
    horizontal = spec.kind in ("hbar", "stacked")
    if horizontal:
        rows = rows[::-1]  # pygal draws the first label at the bottom; the table reads downwards
    # An empty bar carries no "0" label.
    series = {table.columns[i]: [_number(r.cells[i].value) or None for r in rows]
              for i in spec.series}
    # Columns of whole numbers count things (products, producers): whole ticks on the axis,
    # not pygal's "0 · 0,1 · … · 1" when the counts are small.
    counts = all(isinstance(r.cells[i].value, int) for r in rows for i in spec.series)
    return charts.bar(table.title, [r.label for r in rows], series, horizontal=horizontal,
                      stacked=spec.kind == "stacked", width=width, counts=counts)
