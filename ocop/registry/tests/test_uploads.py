import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from ocop.registry import uploads


def png_bytes(size=(4, 4)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, "PNG")
    return buf.getvalue()


def office_zip(kind: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml" if kind == "xlsx" else "word/document.xml", "<x/>")
    return buf.getvalue()


PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_pdf_and_png_accepted_as_documents():
    assert uploads.validate_document_upload(SimpleUploadedFile("a.pdf", PDF)) == "pdf"
    assert uploads.validate_document_upload(SimpleUploadedFile("a.png", png_bytes())) == "png"


def test_office_packages_told_apart_by_content():
    assert uploads.detect_kind(SimpleUploadedFile("x.zip", office_zip("xlsx"))) == "xlsx"
    assert uploads.detect_kind(SimpleUploadedFile("x.zip", office_zip("docx"))) == "docx"
    assert uploads.validate_document_upload(SimpleUploadedFile("b.docx", office_zip("docx")))


@pytest.mark.parametrize(
    ("content", "label"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 60, "EXE"),
        (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "HTML"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 20, "EXE"),
    ],
)
def test_disguised_file_refused_naming_file_and_detected_type(content, label):
    with pytest.raises(ValidationError) as exc:
        uploads.validate_document_upload(SimpleUploadedFile("giay-chung-nhan.pdf", content))
    message = exc.value.message_dict["file"][0]
    assert "giay-chung-nhan.pdf" in message
    assert label in message


def test_pdf_is_not_an_image():
    with pytest.raises(ValidationError) as exc:
        uploads.validate_image_upload(SimpleUploadedFile("anh.png", PDF))
    assert "PDF" in exc.value.message_dict["image"][0]


def test_truncated_image_refused_by_pillow():
    data = png_bytes((64, 64))[:40]
    with pytest.raises(ValidationError) as exc:
        uploads.validate_image_upload(SimpleUploadedFile("anh.png", data))
    assert "không phải ảnh hợp lệ" in exc.value.message_dict["image"][0]


def test_size_limit(settings):
    settings.UPLOAD_MAX_BYTES = 100
    with pytest.raises(ValidationError) as exc:
        uploads.validate_document_upload(SimpleUploadedFile("big.pdf", PDF + b"0" * 200))
    assert "quá lớn" in exc.value.message_dict["file"][0]


def test_stored_name_follows_the_real_type():
    f = SimpleUploadedFile("anh.pdf", png_bytes())
    uploads.validate_document_upload(f)
    assert f.name == "anh.png"
