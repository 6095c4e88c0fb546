"""The PDF's charts: a chart whose values are all zero is not drawn — one sentence says there was
nothing instead — and a chart of counts (products, certificates) has whole-number ticks on its
value axis, even when the largest count is 1 (pygal's own scale would step 0 · 0,1 · … · 1)."""

from __future__ import annotations

import base64
import re
from datetime import date
from xml.etree import ElementTree  # our own output, not untrusted input

import pytest

from ocop.core import charts as core_charts
from ocop.reports import figures, pdf, periods, services
from ocop.reports.content import Content
from ocop.reports.models import Report, ReportKind

from .conftest import pdf_text

TODAY = date(2026, 11, 30)
NO_CERTIFICATES = "Trong kỳ không có giấy chứng nhận nào được cấp mới, hết hiệu lực hay bị thu hồi."
CERTIFICATE_CHART = 'alt="Giấy chứng nhận trong kỳ"'
STARS_CHART = 'alt="Sản phẩm theo hạng sao"'


@pytest.fixture
def rendered(monkeypatch):
    """The HTML each ``pdf.document`` call hands to WeasyPrint."""
    pages: list[str] = []
    real = pdf.html_to_pdf

    def keep(html: str) -> bytes:
        pages.append(html)
        return real(html)

    monkeypatch.setattr(pdf, "html_to_pdf", keep)
    return pages


def build(scope, period) -> Report:
    report = Report.objects.create(scope=scope, kind=ReportKind.SUMMARY, start=period.start,
                                   end=period.end)
    return services.build(report, today=TODAY)


def words(text: str) -> str:
    """pdftotext's layout breaks lines and pads with spaces: compare word by word."""
    return " ".join(text.split())


def test_a_month_without_certificates_has_a_sentence_instead_of_the_chart(world, rendered,
                                                                          tmp_path):
    # Tháng 10/2026 in Bắc Ninh: no certificate issued, expired or revoked (the world's
    # certificates run out in 2027), but four products are OCOP on 31/10/2026.
    report = build(world.units.bac_ninh, periods.month(2026, 10))
    assert report.period.label == "Tháng 10/2026"
    (html,) = rendered
    assert CERTIFICATE_CHART not in html
    assert NO_CERTIFICATES in html
    assert STARS_CHART in html  # the products chart has figures: still drawn
    assert "Đến ngày 31/10/2026, trên địa bàn không có sản phẩm OCOP nào" not in html
    text = words(pdf_text(report.pdf.read(), tmp_path))
    assert NO_CERTIFICATES in text
    assert "Giấy chứng nhận trong kỳ" in text  # the section's heading stays


def test_a_period_without_products_draws_no_empty_chart(world, rendered, tmp_path):
    # January 2020: before the world's first certificate — no products, no certificates.
    report = build(world.units.bac_ninh, periods.month(2020, 1))
    (html,) = rendered
    assert "<img" not in html
    sentence = "Đến ngày 31/01/2020, trên địa bàn không có sản phẩm OCOP nào còn hiệu lực."
    assert sentence in html and NO_CERTIFICATES in html
    text = words(pdf_text(report.pdf.read(), tmp_path))
    assert sentence in text and NO_CERTIFICATES in text


def test_a_month_with_certificates_still_draws_the_chart(world, rendered):
    build(world.units.bac_ninh, periods.month(2024, 11))  # D's certificate, 05/11/2024
    (html,) = rendered
    assert CERTIFICATE_CHART in html
    assert NO_CERTIFICATES not in html


def test_a_plan_without_budget_has_a_sentence_instead_of_the_budget_chart(world, bg_plan,
                                                                          rendered):
    build(world.units.bac_ninh, periods.quarter(2024, 3))  # tỉnh Bắc Giang's plan, no lines
    (html,) = rendered
    assert 'alt="Thực hiện kinh phí"' not in html
    assert ("Kế hoạch năm 2024 chưa có khoản kinh phí nào được duyệt, cam kết hay giải ngân."
            in html)


# --- Whole-number ticks ----------------------------------------------------------------------


def value_ticks(uri: str, axis: str = "y") -> list[float]:
    """The labels of a pygal chart's value axis, read back from the embedded SVG."""
    svg = base64.b64decode(uri.split(",", 1)[1]).decode()
    root = ElementTree.fromstring(svg)  # noqa: S314
    ticks = []
    for group in root.iter("{http://www.w3.org/2000/svg}g"):
        if f"axis {axis}" in group.get("class", ""):
            for text in group.iter("{http://www.w3.org/2000/svg}text"):
                label = (text.text or "").replace(".", "").replace(",", ".")
                if re.fullmatch(r"-?\d+(\.\d+)?", label):
                    ticks.append(float(label))
    return ticks


def certificate_content(issued: int, expired: int = 0, revoked: int = 0) -> Content:
    row: dict = {}
    return Content(scope=None, scope_name="Toàn quốc", period=periods.month(2026, 10),
                   sections=("certificates",), made_on=TODAY,
                   certificates=figures.CertificateFigures(
                       issued=[row] * issued, expired=[row] * expired, revoked=[row] * revoked))


@pytest.mark.parametrize("counts", [(1, 0, 0), (0, 2, 1), (3, 1, 0), (7, 2, 5), (1234, 56, 7),
                                    (0, 0, 1)])
def test_certificate_chart_ticks_are_whole_numbers_up_to_the_largest_count(counts):
    ticks = value_ticks(pdf._charts(certificate_content(*counts))["certificates"])
    assert ticks, "no tick found on the value axis"
    assert all(t == int(t) for t in ticks), ticks
    assert min(ticks) == 0 and max(ticks) >= max(counts)
    assert len(ticks) <= 12  # still a readable scale for large counts


@pytest.mark.parametrize(("maximum", "expected"), [
    (1, [0, 1]), (2, [0, 1, 2]), (3, [0, 1, 2, 3]), (7, list(range(8))),
    (10, list(range(11))), (11, [0, 2, 4, 6, 8, 10, 12]),
])
def test_whole_ticks_for_small_counts(maximum, expected):
    assert core_charts.whole_ticks(maximum) == expected


@pytest.mark.parametrize("maximum", [1, 2, 3, 7, 19, 250, 1234, 17_000, 999_999])
def test_whole_ticks_cover_the_maximum_with_a_round_step(maximum):
    ticks = core_charts.whole_ticks(maximum)
    assert all(isinstance(t, int) for t in ticks)
    assert ticks[0] == 0 and ticks[-1] >= maximum > ticks[-2]
    step = ticks[1]
    assert ticks == list(range(0, ticks[-1] + 1, step))
    assert re.fullmatch(r"[125]0*", str(step)) and len(ticks) <= 11


def test_product_charts_have_whole_ticks_and_stacked_groups_cover_their_totals(world):
    # 30/11/2026 in Bắc Ninh: one product per (group, stars) at most — a maximum of 1 or 2.
    content = Content(scope=world.units.bac_ninh, scope_name="Tỉnh Bắc Ninh",
                      period=periods.month(2026, 11), sections=("products",), made_on=TODAY,
                      products=figures.products_on(world.units.bac_ninh, date(2026, 11, 30)))
    charts = pdf._charts(content)
    stars = value_ticks(charts["stars"])
    assert all(t == int(t) for t in stars) and max(stars) >= max(content.products.by_stars.values())
    groups = value_ticks(charts["groups"], axis="x")  # horizontal: the values run along x
    assert all(t == int(t) for t in groups)
    assert max(groups) >= max(r.total for r in content.products.by_group)


def test_an_all_zero_chart_is_not_made():
    assert "certificates" not in pdf._charts(certificate_content(0))
