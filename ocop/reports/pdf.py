"""The report as a PDF (WeasyPrint, A4 portrait), Vietnamese like every official document.

Charts are the same pygal SVGs the pages use (``ocop/core/charts.py``), embedded as ``data:``
URIs; each sits above a table of the same figures.

WeasyPrint lays a table out at roughly 15 ms a row on the 2-core benchmark machine, so the PDF
stays a summary: the certificate lists are cut at ``LIST_LIMIT`` rows, and the nation's PDF
breaks products down by province (34 rows) instead of by commune (thousands) and legacy
district. The Excel file always holds every row and every table, and the PDF says so where it
leaves something out (bench/reports_bench.py measures both).
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from ocop.certificates.pdf import html_to_pdf, ocop_mark_svg
from ocop.core import charts
from ocop.reports import figures
from ocop.reports.content import Content

LIST_LIMIT = 100


def _charts(content: Content) -> dict[str, str]:
    out: dict[str, str] = {}
    if content.products is not None:
        p = content.products
        out["stars"] = charts.data_uri(charts.bar(
            f"Sản phẩm OCOP còn hiệu lực đến {p.day:%d/%m/%Y} theo hạng sao",
            [f"{s} sao" for s in figures.STARS], {"Số sản phẩm": list(p.by_stars.values())}))
        if p.by_group:
            out["groups"] = charts.data_uri(charts.bar(
                "Sản phẩm OCOP theo nhóm sản phẩm", [r.label for r in p.by_group],
                {f"{s} sao": [r.count(s) for r in p.by_group] for s in figures.STARS},
                horizontal=True, stacked=True))
    if content.certificates is not None:
        c = content.certificates.counts
        out["certificates"] = charts.data_uri(charts.bar(
            "Giấy chứng nhận trong kỳ", ["Cấp mới", "Hết hiệu lực", "Bị thu hồi"],
            {"Số giấy chứng nhận": [c["issued"], c["expired"], c["revoked"]]}))
    if content.plans:
        approved, committed, disbursed = figures.budget_totals(content.plans)
        if approved:
            out["budget"] = charts.data_uri(charts.bar(
                "Thực hiện kinh phí (triệu đồng)", ["Được duyệt", "Đã cam kết", "Đã giải ngân"],
                {"Triệu đồng": [float(v / 1_000_000) for v in (approved, committed, disbursed)]}))
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
