"""Stamp sheets: A4 pages of QR stamps, drawn directly as PDF (pydyf, zxing-cpp, fontTools).

A print run is thousands of stamps. Laying them out as HTML with WeasyPrint cost ~40 ms a stamp
(10,000 stamps: minutes), and segno's mask selection alone ~10 ms a QR code. Every stamp has the
same fixed-size cell, so the sheet is drawn here without a layout engine:

* the QR code comes from zxing-cpp (C++, ~0.3 ms with the standard mask selection) and is
  painted as a 1-bit image mask (crisp at any printer resolution; ~200 bytes a stamp);
* the text (product name, lot, serial) uses Noto Sans from the system fonts, embedded as a
  subset with a ToUnicode map, so Vietnamese prints correctly and the PDF text can be searched;
* the OCOP stars are drawn as vector shapes (no font has to carry ★).

10,000 stamps (417 pages) take a few seconds: figures in docs/traceability.md
(``bench/stamps_bench.py``).
"""

from __future__ import annotations

import io
import math
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pydyf
import zxingcpp
from django.utils.translation import gettext as _
from fontTools import subset
from fontTools.ttLib import TTFont

from ocop.trace import services, stamps
from ocop.trace.models import StampBatch
from ocop.trace.selectors import current_certificate_for

COLUMNS, ROWS = 4, 6
PER_PAGE = COLUMNS * ROWS  # 4 columns × 6 rows on A4 portrait
MAX_PER_PDF = 10_000  # 417 pages; longer print runs are made in several ranges

MM = 72 / 25.4
PAGE_W, PAGE_H = 210 * MM, 297 * MM
CELL_W, CELL_H = 47 * MM, 44 * MM
QR_SIZE = 26 * MM
LEFT = (PAGE_W - COLUMNS * CELL_W) / 2
TOP = PAGE_H - 10 * MM
TEXT_PT = 7
GOLD = (0.79, 0.59, 0.0)
FONT_FILES = ("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",  # fonts-noto-core
              "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")  # fonts-dejavu-core

Progress = Callable[[int, int], None]


@cache
def _font_path() -> str:
    """The first installed font with Vietnamese glyphs (the Debian packages the Makefile
    installs; WeasyPrint finds the same files through fontconfig)."""
    for path in FONT_FILES:
        if Path(path).is_file():
            return path
    raise RuntimeError("Noto Sans or DejaVu Sans is required to print stamp sheets")


@cache
def _font() -> TTFont:
    return TTFont(_font_path(), lazy=True)


@dataclass
class _Text:
    """Noto Sans as a Type 0 font with Identity-H encoding: codes in the PDF are glyph ids."""

    font: TTFont

    def __post_init__(self) -> None:
        self.cmap = self.font.getBestCmap()
        self.gids = {}  # char → glyph id, only for the characters printed
        self.units = self.font["head"].unitsPerEm
        self.hmtx = self.font["hmtx"]

    def gid(self, char: str) -> int:
        if char not in self.gids:
            glyph = self.cmap.get(ord(char), ".notdef")
            self.gids[char] = self.font.getGlyphID(glyph)
        return self.gids[char]

    def width(self, text: str, size: float) -> float:
        order = self.font.getGlyphOrder()
        return sum(self.hmtx[order[self.gid(c)]][0] for c in text) * size / self.units

    def encode(self, text: str) -> bytes:
        return b"<" + "".join(f"{self.gid(c):04x}" for c in text).encode() + b">"

    def fit_lines(self, text: str, size: float, width: float, lines: int) -> list[str]:
        """Greedy word wrap into at most ``lines`` lines; a line too long (a long word, or the
        last line when words are left over) is cut with an ellipsis."""
        out: list[str] = []
        words = unicodedata.normalize("NFC", text).split()  # precomposed: no shaping needed
        while words and len(out) < lines:
            line = words.pop(0)
            while words and self.width(f"{line} {words[0]}", size) <= width:
                line = f"{line} {words.pop(0)}"
            out.append(line)
        for i, line in enumerate(out):
            if self.width(line, size) > width or (words and i == len(out) - 1):
                while line and self.width(line + "…", size) > width:
                    line = line[:-1]
                out[i] = line.rstrip() + "…"
        return out

    def add_to(self, pdf: pydyf.PDF) -> bytes:
        """Embed the subset of the glyphs used; returns the font dictionary's reference."""
        order = self.font.getGlyphOrder()
        gids = sorted(set(self.gids.values()) | {0})
        options = subset.Options()
        options.retain_gids = True  # the content streams already hold the original glyph ids
        options.notdef_outline = True
        options.name_IDs = ["*"]
        options.layout_features = []
        options.drop_tables += ["GSUB", "GPOS", "GDEF"]  # no shaping: Vietnamese is precomposed
        font = TTFont(_font_path(), lazy=True)
        subsetter = subset.Subsetter(options)
        subsetter.populate(gids=gids)
        subsetter.subset(font)
        data = io.BytesIO()
        font.save(data)
        file = pydyf.Stream([data.getvalue()], {"Length1": len(data.getvalue())}, compress=True)
        pdf.add_object(file)
        scale = 1000 / self.units
        head, hhea = self.font["head"], self.font["hhea"]
        base = "/OCOPSB+" + self.font["name"].getDebugName(6)
        descriptor = pydyf.Dictionary({
            "Type": "/FontDescriptor", "FontName": base, "Flags": 32,
            "FontBBox": pydyf.Array([round(v * scale) for v in
                                     (head.xMin, head.yMin, head.xMax, head.yMax)]),
            "ItalicAngle": 0, "Ascent": round(hhea.ascent * scale),
            "Descent": round(hhea.descent * scale), "CapHeight": round(hhea.ascent * scale),
            "StemV": 80, "FontFile2": file.reference,
        })
        pdf.add_object(descriptor)
        widths = pydyf.Array()
        for gid in gids:
            widths.extend([gid, pydyf.Array([round(self.hmtx[order[gid]][0] * scale)])])
        cid_font = pydyf.Dictionary({
            "Type": "/Font", "Subtype": "/CIDFontType2", "BaseFont": base,
            "CIDSystemInfo": pydyf.Dictionary({"Registry": pydyf.String("Adobe"),
                                               "Ordering": pydyf.String("Identity"),
                                               "Supplement": 0}),
            "FontDescriptor": descriptor.reference, "W": widths, "CIDToGIDMap": "/Identity",
        })
        pdf.add_object(cid_font)
        to_unicode = pydyf.Stream([_to_unicode_cmap(self.gids)], compress=True)
        pdf.add_object(to_unicode)
        font_dict = pydyf.Dictionary({
            "Type": "/Font", "Subtype": "/Type0", "BaseFont": base, "Encoding": "/Identity-H",
            "DescendantFonts": pydyf.Array([cid_font.reference]),
            "ToUnicode": to_unicode.reference,
        })
        pdf.add_object(font_dict)
        return font_dict.reference


def _to_unicode_cmap(gids: dict[str, int]) -> bytes:
    """Glyph id → character, so that copying or searching the sheet's text works."""
    pairs = sorted({gid: char for char, gid in gids.items()}.items())
    lines = [
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
        "1 begincodespacerange <0000> <FFFF> endcodespacerange",
    ]
    for start in range(0, len(pairs), 100):
        chunk = pairs[start:start + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        lines += [f"<{gid:04x}> <{char.encode('utf-16-be').hex()}>" for gid, char in chunk]
        lines.append("endbfchar")
    lines.append("endcmap CMapName currentdict /CMap defineresource pop end end")
    return "\n".join(lines).encode()


def qr_mask(uri: str) -> tuple[int, bytes]:
    """The QR code (error correction M) as rows of packed bits, 1 = light module."""
    code = zxingcpp.create_barcode(uri, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    modules = np.asarray(code.to_image(scale=1, add_quiet_zones=False))
    return modules.shape[0], np.packbits(modules != 0, axis=1).tobytes()


def _star(cx: float, cy: float, r: float) -> bytes:
    points = []
    for i in range(10):
        radius = r if i % 2 == 0 else r * 0.4
        angle = math.pi / 2 + i * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    path = [f"{points[0][0]:.2f} {points[0][1]:.2f} m"]
    path += [f"{x:.2f} {y:.2f} l" for x, y in points[1:]]
    return (" ".join(path) + " h f").encode()


def _cell_static(text: _Text, name_lines: list[str], stars: int) -> tuple[bytes, float]:
    """What every cell of a sheet shares (border, stars, product name), drawn with the cell's
    top-left corner at the origin; returns it with the baseline of the serial line."""
    ops = [b"0.6 G 0.85 w [1.5 1.5] 0 d", b"0 %.2f %.2f %.2f re S" % (-CELL_H, CELL_W, CELL_H)]
    line_y = -2 * MM - QR_SIZE - 3.4 * MM
    if stars:
        ops.append(b"%.3f %.3f %.3f rg" % GOLD)
        r, gap = 1.4 * MM, 3.2 * MM
        first = CELL_W / 2 - gap * (stars - 1) / 2
        ops += [_star(first + i * gap, line_y + 0.3 * MM, r) for i in range(stars)]
        line_y -= 3.4 * MM
    ops.append(b"0 g")
    for line in name_lines:
        ops.append(_centred(text, line, line_y))
        line_y -= TEXT_PT * 1.2
    return b" ".join(ops), line_y


def _centred(text: _Text, line: str, y: float) -> bytes:
    x = (CELL_W - text.width(line, TEXT_PT)) / 2
    return b"BT /F1 %d Tf %.2f %.2f Td %s Tj ET" % (TEXT_PT, x, y, text.encode(line))


QR_PLACE = b"q %.2f 0 0 %.2f %.2f %.2f cm" % (QR_SIZE, QR_SIZE, (CELL_W - QR_SIZE) / 2,
                                             -2 * MM - QR_SIZE)


def _cell(text: _Text, x: float, y: float, static: bytes, serial_y: float, uri: str,
          serial_line: str) -> bytes:
    """One stamp: the shared drawing moved to (x, y), its QR code and its serial line."""
    side, bits = qr_mask(uri)
    return b" ".join((
        b"q 1 0 0 1 %.2f %.2f cm" % (x, y), static, QR_PLACE,
        b"BI /W %d /H %d /IM true /BPC 1 /F /AHx ID %s> EI Q" % (side, side, bits.hex().encode()),
        _centred(text, serial_line, serial_y), b"Q"))


def draw_sheet(*, name: str, lot_code: str, stars: int, stamps_: Iterable[tuple[int, str]],
               count: int, progress: Progress | None = None) -> bytes:
    """The PDF for ``count`` stamps given as (serial, URI), PER_PAGE to an A4 page.

    ``progress(pages_done, pages_total)`` is called after each page."""
    text = _Text(_font())
    pdf = pydyf.PDF()
    # A stamp is a printed label for the Vietnamese market: Vietnamese on any interface.
    pdf.info["Title"] = pydyf.String(f"Tem {name} — lô {lot_code}")
    pdf.info["Producer"] = pydyf.String("OCOP")
    static, serial_y = _cell_static(text, text.fit_lines(name, TEXT_PT, CELL_W - 4 * MM, 2),
                                    stars)
    pages_total = math.ceil(count / PER_PAGE)
    font_ref_holder = pydyf.Dictionary()  # the font is embedded last, once its glyphs are known
    resources = pydyf.Dictionary({"Font": font_ref_holder})
    pdf.add_object(resources)
    iterator = iter(stamps_)
    for page_no in range(pages_total):
        content = pydyf.Stream(compress=True)
        for i in range(min(PER_PAGE, count - page_no * PER_PAGE)):
            serial, uri = next(iterator)
            row, col = divmod(i, COLUMNS)
            content.stream.append(_cell(text, LEFT + col * CELL_W, TOP - row * CELL_H, static,
                                        serial_y, uri, f"Lô {lot_code} · {serial}"))
        pdf.add_object(content)
        pdf.add_page(pydyf.Dictionary({
            "Type": "/Page", "Parent": pdf.pages.reference,
            "MediaBox": pydyf.Array([0, 0, round(PAGE_W, 2), round(PAGE_H, 2)]),
            "Contents": content.reference, "Resources": resources.reference,
        }))
        if progress is not None:
            progress(page_no + 1, pages_total)
    font_ref_holder["F1"] = text.add_to(pdf)
    out = io.BytesIO()
    pdf.write(out, compress=True)
    return out.getvalue()


def sheet_pages(first: int, last: int) -> int:
    return math.ceil((last - first + 1) / PER_PAGE)


def check_range(batch: StampBatch, first: int, last: int) -> None:
    """Refuse serials outside the batch or more than one file holds (Vietnamese message)."""
    if first > last or first < batch.first_serial or last > batch.last_serial:
        raise services.ActionInvalid(services.out_of_batch(batch, first, last),
                                     code="trace.serials_out_of_batch")
    if last - first + 1 > MAX_PER_PDF:
        raise services.ActionInvalid(_("Mỗi tệp PDF tối đa %(max)s tem.") % {"max": MAX_PER_PDF},
                                     code="trace.sheet_too_large")


def stamp_sheet(batch: StampBatch, first: int, last: int,
                progress: Progress | None = None) -> bytes:
    check_range(batch, first, last)
    product, lot = batch.product, batch.lot
    certificate = current_certificate_for(product)
    return draw_sheet(
        name=product.name, lot_code=lot.code,
        stars=certificate.stars if certificate is not None else 0,
        stamps_=stamps.stamp_uris(product.gtin, product.pk, lot.code, first, last),
        count=last - first + 1, progress=progress)
