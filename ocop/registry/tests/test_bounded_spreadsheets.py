"""Office files are inspected before any parser inflates them (issue: decompression bomb).

The bomb is built the way an attacker would: a real workbook whose shared-strings part holds one
enormous run of the same character, which deflate squeezes about 1,000 to 1.
"""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from ocop.accounts.testing import login_client
from ocop.core import ooxml
from ocop.criteria.engine.excel import read_excel
from ocop.criteria.engine.model import CriteriaSetError
from ocop.registry import excel, uploads
from ocop.registry.models import Producer
from ocop.registry.tests.test_excel import HEADERS, producer_row, upload, xlsx


def bomb_xlsx(inflated_bytes: int, part: str = "xl/sharedStrings.xml") -> bytes:
    """A valid workbook plus one part of ``inflated_bytes`` that compresses ~1,000:1."""
    wb = Workbook()
    wb.active.append(["Mã số thuế", "Tên chủ thể"])
    plain = io.BytesIO()
    wb.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename != part:
                dst.writestr(item, src.read(item))
        with dst.open(part, "w", force_zip64=True) as fh:
            fh.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                     b'<si><t>')
            chunk = b"A" * (1024 * 1024)
            for _ in range(inflated_bytes // len(chunk)):
                fh.write(chunk)
            fh.write(b"</t></si></sst>")
    return out.getvalue()


def with_part(content: bytes, name: str, data: bytes, content_type: bytes | None = None) -> bytes:
    """``content`` (an Office zip) with one more part, and optionally a changed content type."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data_in = src.read(item)
            if content_type and item.filename == "[Content_Types].xml":
                data_in = data_in.replace(
                    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    content_type)
            dst.writestr(item, data_in)
        dst.writestr(name, data)
    return out.getvalue()


def test_bomb_refused_by_its_declared_size_quickly():
    content = bomb_xlsx(40 * 1024 * 1024)
    assert len(content) < 200_000  # small on the wire, 40 MB inflated
    started = time.perf_counter()
    problem = ooxml.inspect(io.BytesIO(content))
    assert problem is not None and problem.code == "too_large"
    assert problem.params == {"size_mb": 40, "max_mb": 32}
    # Reading the central directory only; a parser would need seconds (a rule, not a benchmark:
    # three orders of magnitude of headroom).
    assert time.perf_counter() - started < 1.0


def test_highly_compressed_part_refused_even_under_the_total():
    content = bomb_xlsx(4 * 1024 * 1024)
    problem = ooxml.inspect(io.BytesIO(content))
    assert problem is not None and problem.code == "ratio"
    assert problem.params["part"] == "xl/sharedStrings.xml" and problem.params["ratio"] > 200


def test_ordinary_workbook_passes():
    assert ooxml.inspect(io.BytesIO(xlsx([producer_row("2914177765", "HTX A")]))) is None


@pytest.mark.parametrize("kind", ["vba", "content_type"])
def test_macro_workbook_refused_as_upload(kind):
    plain = xlsx([producer_row("2914177765", "HTX A")])
    if kind == "vba":
        content = with_part(plain, "xl/vbaProject.bin", b"\xd0\xcf\x11\xe0macro")
    else:
        content = with_part(plain, "xl/extra.xml", b"<x/>",
                            b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
    with pytest.raises(ValidationError) as exc:
        uploads.validate_upload(SimpleUploadedFile("bang.xlsx", content),
                                uploads.SPREADSHEET_KINDS)
    message = exc.value.message_dict["file"][0]
    assert "bang.xlsx" in message and "macro" in message


def test_macro_word_document_refused_as_docx():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types><Override ContentType="
                   '"application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>')
        z.writestr("word/document.xml", "<x/>")
        z.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0")
    with pytest.raises(ValidationError) as exc:
        uploads.validate_document_upload(SimpleUploadedFile("to-trinh.docx", buf.getvalue()))
    assert "macro" in exc.value.message_dict["file"][0]


@pytest.mark.django_db
def test_import_page_refuses_bomb_and_writes_nothing(world, client):
    login_client(world.users["province_office"], client)
    before = Producer.objects.count()
    response = upload(client, reverse("registry:producer_import"), bomb_xlsx(40 * 1024 * 1024),
                      "danh-sach.xlsx")
    message = response.context["form"].errors["file"][0]
    assert "danh-sach.xlsx" in message and "40 MB" in message and "32 MB" in message
    assert Producer.objects.count() == before


def test_read_rows_refuses_a_bomb_that_skipped_the_upload_check():
    with pytest.raises(excel.ImportFileError, match="32 MB"):
        excel.read_rows(io.BytesIO(bomb_xlsx(40 * 1024 * 1024)), excel.PRODUCER_COLUMNS)


def test_read_rows_reads_only_the_header_width_and_bounds_cell_text():
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    row = producer_row("2914177765", "HTX A")
    ws.append(row)
    ws.cell(row=2, column=5000, value="far away")  # ignored: beyond the header
    buf = io.BytesIO()
    wb.save(buf)
    _headers, rows = excel.read_rows(io.BytesIO(buf.getvalue()), excel.PRODUCER_COLUMNS)
    assert len(rows) == 1 and rows[0].cells["Tên chủ thể"] == "HTX A"

    ws.cell(row=3, column=2, value="x" * (excel.MAX_CELL_CHARS + 1))
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(excel.ImportFileError) as exc:
        excel.read_rows(io.BytesIO(buf.getvalue()), excel.PRODUCER_COLUMNS)
    assert "B3" in str(exc.value) and str(excel.MAX_CELL_CHARS) in str(exc.value)


def test_criteria_template_bomb_refused_before_parsing():
    with pytest.raises(CriteriaSetError) as exc:
        read_excel(io.BytesIO(bomb_xlsx(40 * 1024 * 1024)), name="bo-tieu-chi.xlsx")
    assert "inflates to 40 MB" in str(exc.value) and "bo-tieu-chi.xlsx" in str(exc.value)
