"""Test helpers that look at a rendered PDF the way a reader does: where each line of text lies
on the page (``pdftotext -bbox-layout``) and where the certificate's frame is drawn (the page
rendered to PNG by ``pdftoppm``). Both tools come from poppler-utils (see the Makefile). And
for stars: ``certify`` (a product gets stars the only way there is, a certificate) and
``stars_mismatches`` (products whose stored stars disagree with their certificates)."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from PIL import Image

from ocop.certificates import selectors, services
from ocop.certificates.models import Certificate, RecognitionDecision
from ocop.registry.models import Product

_NS = {"x": "http://www.w3.org/1999/xhtml"}
RENDER_DPI = 144


@dataclass(frozen=True)
class Box:
    """A rectangle in PDF points, origin at the top-left corner of the page."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str = ""

    def inside(self, other: Box, slack: float = 0.5) -> bool:
        return (self.x0 >= other.x0 - slack and self.y0 >= other.y0 - slack
                and self.x1 <= other.x1 + slack and self.y1 <= other.y1 + slack)


@dataclass(frozen=True)
class Page:
    box: Box
    lines: list[Box]

    def find(self, text: str) -> Box:
        """The first line containing ``text``."""
        for line in self.lines:
            if text in line.text:
                return line
        raise AssertionError(f"{text!r} not on the page: {[li.text for li in self.lines]}")


def _tool(name: str) -> str:
    return shutil.which(name) or name


def pdf_pages(content: bytes, tmp_path: Path) -> list[Page]:
    """Every page with its text lines (words joined), in reading order."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(content)
    xml = subprocess.run([_tool("pdftotext"), "-bbox-layout", str(path), "-"],  # noqa: S603
                         capture_output=True, check=True, text=True).stdout
    root = ET.fromstring(xml)  # noqa: S314 — our own PDF, read by poppler
    pages = []
    for page in root.iterfind(".//x:page", _NS):
        lines = []
        for line in page.iterfind(".//x:line", _NS):
            words = line.findall("x:word", _NS)
            lines.append(Box(
                float(line.get("xMin")), float(line.get("yMin")),
                float(line.get("xMax")), float(line.get("yMax")),
                " ".join(w.text or "" for w in words),
            ))
        pages.append(Page(Box(0, 0, float(page.get("width")), float(page.get("height"))), lines))
    return pages


def _is_frame_ink(pixel: tuple[int, ...]) -> bool:
    # The frame's gold inner rule (#f2b705) and red double border (#b71c1c), antialiased.
    r, b = pixel[0], pixel[2]
    return r > 150 and b < 110 and r - b > 90


def frame_interior(content: bytes, tmp_path: Path) -> Box:
    """The area inside the innermost rule of the frame drawn on page 1, found by walking in
    from the middle of the page until the first frame-coloured pixel on each side."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(content)
    subprocess.run([_tool("pdftoppm"), "-r", str(RENDER_DPI), "-png", "-singlefile", "-f", "1",  # noqa: S603
                    str(path), str(tmp_path / "page")], check=True, capture_output=True)
    image = Image.open(tmp_path / "page.png").convert("RGB")
    width, height = image.size
    # Walk along a row/column away from the centre, where no text or mark sits near the edge.
    row, col = int(height * 0.40), int(width * 0.5)

    def walk(points: range, fixed: int, horizontal: bool) -> int:
        for p in points:
            if _is_frame_ink(image.getpixel((p, fixed) if horizontal else (fixed, p))):
                return p
        raise AssertionError("no frame found")

    left = walk(range(width // 6, -1, -1), row, True)
    right = walk(range(width - width // 6, width), row, True)
    top = walk(range(height // 8, -1, -1), col, False)
    bottom = walk(range(height - height // 8, height), col, False)
    scale = 72 / RENDER_DPI
    return Box((left + 1) * scale, (top + 1) * scale, right * scale, bottom * scale)



def stars_mismatches(today: date) -> list[tuple[int, int | None, int | None]]:
    """(product id, ``Product.stars``, best rating valid on ``today``) for every product whose
    stored stars disagree with its certificates: empty when the one truth holds."""
    rows = Product.objects.annotate(best=selectors.best_valid_stars(today)).values_list(
        "pk", "stars", "best")
    return [(pk, stars, best) for pk, stars, best in rows if stars != best]


def certify(product: Product, stars: int, *, issued_on: date, today: date | None = None,
            score: str | None = None) -> Certificate:
    """Give ``product`` a certificate (a decision of its province signed on ``issued_on``):
    how a test gives a product stars, since only certificates do."""
    province = product.producer.commune.current_province
    number = f"{RecognitionDecision.objects.count() + 1}/QĐ-UBND-TEST"
    decision = services.create_decision(
        actor=None, number=number, date=issued_on, signer_name="Trần Văn Ký",
        signer_title="Chủ tịch", level="province", issuing_unit=province)
    return services.issue_certificate(
        actor=None, decision=decision, product=product, stars=stars,
        total_score=Decimal(score or {3: "60", 4: "75", 5: "92"}[stars]), issued_on=issued_on,
        today=today or issued_on)
