"""The report as a PDF (WeasyPrint, A4 portrait), Vietnamese like every official document.

Charts are the same pygal SVGs the pages use (``ocop/core/charts.py``), embedded as ``data:``
URIs; each sits above a table of the same figures. A chart whose values are all zero is not
drawn: the template says in one sentence that there was nothing (an empty chart in an official
return reads as broken data). A chart of counts (products, certificates) gets whole-number ticks
(``charts.bar(counts=True)``).

WeasyPrint lays a table out at roughly 15 ms a row on the 2-core benchmark machine, so the PDF
stays a summary: the certificate lists are cut at ``LIST_LIMIT`` rows, and the nation's PDF
breaks products down by province (34 rows) instead of by commune (thousands) and legacy
district. The Excel file always holds every row and every table, and the PDF says so where it
leaves something out (bench/reports_bench.py measures both).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.template.loader import render_to_string
from django.utils import translation

from ocop.certificates.pdf import html_to_pdf, ocop_mark_svg
from ocop.core import charts
from ocop.reports import figures
from ocop.reports.content import Content

LIST_LIMIT = 100

Series = dict[str, Sequence[float]]


def _all_zero(series: Series) -> bool:
    return not any(v for values in series.values() for v in values)


def _charts(content: Content) -> dict[str, str]:
    """The report's charts as ``data:`` URIs, by name; a chart whose values are all zero is
    left out (the template prints its sentence instead)."""
    out: dict[str, str] = {}

    def counts(name: str, title: str, labels: Sequence[str], series: Series,
               **options: bool) -> None:
        if not _all_zero(series):
            out[name] = charts.data_uri(charts.bar(title, labels, series, counts=True,
                                                   **options))

    if content.products is not None:
        p = content.products
        counts("stars", f"Sản phẩm OCOP còn hiệu lực đến {p.day:%d/%m/%Y} theo hạng sao",
               [f"{s} sao" for s in figures.STARS], {"Số sản phẩm": list(p.by_stars.values())})
        counts("groups", "Sản phẩm OCOP theo nhóm sản phẩm", [r.label for r in p.by_group],
               {f"{s} sao": [r.count(s) for r in p.by_group] for s in figures.STARS},
               horizontal=True, stacked=True)
    if content.certificates is not None:
        c = content.certificates.counts
        counts("certificates", "Giấy chứng nhận trong kỳ",
               ["Cấp mới", "Hết hiệu lực", "Bị thu hồi"],
               {"Số giấy chứng nhận": [c["issued"], c["expired"], c["revoked"]]})
    if content.plans:
        # Amounts, not counts: pygal's own scale (fractions of a million đồng are real).
        money = {"Triệu đồng": [float(v / 1_000_000)
                                for v in figures.budget_totals(content.plans)]}
        if not _all_zero(money):
            out["budget"] = charts.data_uri(charts.bar(
                "Thực hiện kinh phí (triệu đồng)", ["Được duyệt", "Đã cam kết", "Đã giải ngân"],
                money))
    return out


def document(content: Content) -> bytes:
    certificates = content.certificates
    lists = {}
    if certificates is not None:
        lists = {name: (rows[:LIST_LIMIT], len(rows) > LIST_LIMIT)
                 for name, rows in (("issued", certificates.issued),
                                    ("expired", certificates.expired),
                                    ("revoked", certificates.revoked))}
    budget = figures.budget_totals(content.plans) if content.plans else None
    with translation.override("vi"):
        html = render_to_string("reports/pdf/report.html", {
            "c": content, "charts": _charts(content), "lists": lists, "limit": LIST_LIMIT,
            "stars": figures.STARS, "budget": budget, "mark": ocop_mark_svg(),
        })
    return html_to_pdf(html)
