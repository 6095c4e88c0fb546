"""Office Open XML packages (.xlsx, .docx) inspected before any parser opens them.

An .xlsx or .docx is a zip archive. A few hundred kilobytes of zip can inflate to gigabytes
(a "decompression bomb": an outside probe's 385 KB workbook cost 35 s and 2.8 GB of memory inside
openpyxl before being refused), and a macro-enabled workbook or document renamed to .xlsx/.docx
carries code that officials would open on their own computers. Both are visible in the zip's
central directory without inflating anything, so this check is cheap and runs first, on every
path that accepts such a file (uploads, registry imports, criteria sets).

The declared sizes can be trusted as upper bounds: Python's ``zipfile`` (which openpyxl uses)
stops reading an entry at its declared size and fails the CRC check on a lie.

Pure Python on purpose (no Django): the criteria engine, which must stay framework-free, uses it.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import IO

# A registry workbook at the import's 20,000-row limit inflates to about 10 MB; criteria
# templates and Word documents far less.
MAX_ENTRIES = 1_000
_MB = 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 32 * _MB
# XML inflates 5–30 times; a ratio above this on a sizeable entry is a bomb, not a spreadsheet.
MAX_RATIO = 200
_RATIO_FLOOR_BYTES = _MB
# Parts and content types that only macro-enabled packages (.xlsm, .docm, …) contain.
_MACRO_PARTS = ("vbaproject.bin", "vbadata.xml")
_MACRO_CONTENT_TYPE = b"macroenabled"


@dataclass(frozen=True)
class PackageProblem:
    """Why a package is refused: ``code`` for programs, ``params`` for the message."""

    code: str  # "not_zip" | "too_many_entries" | "too_large" | "ratio" | "macro"
    params: dict[str, int | str]


def inspect(file: IO[bytes]) -> PackageProblem | None:
    """Return why ``file`` must be refused, or None. Leaves the file at position 0."""
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ENTRIES:
                return PackageProblem("too_many_entries", {"count": len(infos),
                                                           "max": MAX_ENTRIES})
            total = sum(i.file_size for i in infos)
            if total > MAX_UNCOMPRESSED_BYTES:
                return PackageProblem("too_large", {"size_mb": total // _MB,
                                                    "max_mb": MAX_UNCOMPRESSED_BYTES // _MB})
            for info in infos:
                ratio = info.file_size // max(info.compress_size, 1)
                if info.file_size > _RATIO_FLOOR_BYTES and ratio > MAX_RATIO:
                    return PackageProblem("ratio", {"part": info.filename, "ratio": ratio})
            for info in infos:
                if info.filename.rsplit("/", 1)[-1].lower() in _MACRO_PARTS:
                    return PackageProblem("macro", {"part": info.filename})
            if "[Content_Types].xml" in archive.namelist():
                types = archive.read("[Content_Types].xml")  # small, and bounded by the total above
                if _MACRO_CONTENT_TYPE in types.lower():
                    return PackageProblem("macro", {"part": "[Content_Types].xml"})
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return PackageProblem("not_zip", {})
    finally:
        file.seek(0)
    return None
