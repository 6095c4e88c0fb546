"""Upload checks by content, not by file name: reusable by every app that accepts files.

A file is accepted only when its first bytes (magic numbers) show one of the allowed kinds and it
fits ``settings.UPLOAD_MAX_BYTES``. Images are also decoded by Pillow, so a truncated or forged
image is refused. The stored name gets the extension of the detected kind, so a PNG uploaded as
"x.pdf" is stored as "x.png" and served with the right type.
"""

from __future__ import annotations

import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, UnidentifiedImageError

from ocop.core import ooxml

IMAGE_KINDS = frozenset({"png", "jpeg", "webp"})
DOCUMENT_KINDS = frozenset({"pdf", "png", "jpeg", "xlsx", "docx"})
SPREADSHEET_KINDS = frozenset({"xlsx"})

KIND_LABELS = {
    "pdf": "PDF",
    "png": gettext_lazy("ảnh PNG"),
    "jpeg": gettext_lazy("ảnh JPEG"),
    "webp": gettext_lazy("ảnh WebP"),
    "gif": gettext_lazy("ảnh GIF"),
    "xlsx": gettext_lazy("bảng tính Excel (.xlsx)"),
    "docx": gettext_lazy("văn bản Word (.docx)"),
    "zip": gettext_lazy("tệp nén ZIP"),
    "ole": gettext_lazy("tệp Office cũ (.xls/.doc)"),
    "exe": gettext_lazy("chương trình chạy được (EXE/ELF)"),
    "html": gettext_lazy("trang HTML"),
    "svg": gettext_lazy("ảnh SVG (có thể chứa mã)"),
    "text": gettext_lazy("văn bản thuần"),
    "empty": gettext_lazy("tệp rỗng"),
    "unknown": gettext_lazy("không nhận ra"),
}
EXTENSIONS = {"pdf": "pdf", "png": "png", "jpeg": "jpg", "webp": "webp", "xlsx": "xlsx",
              "docx": "docx"}


def _zip_kind(file: File) -> str:
    """Tell an Office Open XML package from a plain zip by the parts it holds."""
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return "unknown"
    if "[Content_Types].xml" in names:
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "word/document.xml" in names:
            return "docx"
    return "zip"


def detect_kind(file: File) -> str:
    """The kind of file its content shows (see KIND_LABELS)."""
    file.seek(0)
    head = file.read(512)
    file.seek(0)
    if not head:
        return "empty"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(file)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"
    if head.startswith((b"MZ", b"\x7fELF")):
        return "exe"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<script", b"<head", b"<body")):
        return "html"
    if text.startswith(b"<svg") or (text.startswith(b"<?xml") and b"<svg" in text):
        return "svg"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return "unknown"
    return "text"


def package_message(problem: ooxml.PackageProblem) -> str:
    """The Vietnamese reason an Office file (.xlsx/.docx) is refused before it is parsed."""
    messages = {
        "not_zip": _("tệp Office bị hỏng, không mở được."),
        "too_many_entries": _("tệp chứa %(count)d thành phần, vượt giới hạn %(max)d."),
        "too_large": _("nội dung giải nén là %(size_mb)d MB, vượt giới hạn %(max_mb)d MB."),
        "ratio": _("phần “%(part)s” nén với tỷ lệ %(ratio)d:1, dấu hiệu tệp nén độc hại."),
        "macro": _("tệp có macro (mã chạy được, phần “%(part)s”); hãy lưu lại thành tệp không "
                   "macro (.xlsx hoặc .docx) rồi tải lên."),
    }
    return messages[problem.code] % problem.params


def _labels(kinds: frozenset[str]) -> str:
    return ", ".join(str(KIND_LABELS[k]) for k in sorted(kinds))


def validate_upload(file: File, allowed: frozenset[str], field: str = "file") -> str:
    """Check size and content of ``file``; return the detected kind or raise ValidationError."""
    name = PurePath(getattr(file, "name", "") or _("tệp")).name
    max_bytes = settings.UPLOAD_MAX_BYTES
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, 2)
        size = file.tell()
        file.seek(0)
    if size > max_bytes:
        raise ValidationError(
            {field: _("Tệp “%(name)s” quá lớn (%(size).1f MB); tối đa %(max).0f MB.")
             % {"name": name, "size": size / 1048576, "max": max_bytes / 1048576}}
        )
    kind = detect_kind(file)
    if kind not in allowed:
        raise ValidationError(
            {field: _("Tệp “%(name)s” không được chấp nhận: nội dung thực tế là %(kind)s. "
                      "Chỉ nhận: %(allowed)s.")
             % {"name": name, "kind": KIND_LABELS[kind], "allowed": _labels(allowed)}}
        )
    if kind in ("xlsx", "docx"):
        problem = ooxml.inspect(file)
        if problem is not None:
            raise ValidationError({field: f"“{name}”: {package_message(problem)}"})
    if kind in IMAGE_KINDS:
        try:
            with Image.open(file) as img:
                img.verify()
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise ValidationError(
                {field: _("Tệp “%(name)s” không phải ảnh hợp lệ (hỏng hoặc bị cắt).")
                 % {"name": name}}
            ) from None
        finally:
            file.seek(0)
    # Store under the extension of what the file really is.
    stem = PurePath(name).stem or "tep"
    file.name = f"{stem}.{EXTENSIONS[kind]}"
    return kind


def validate_image_upload(file: File, field: str = "image") -> str:
    return validate_upload(file, IMAGE_KINDS, field)


def validate_document_upload(file: File, field: str = "file") -> str:
    return validate_upload(file, DOCUMENT_KINDS, field)
