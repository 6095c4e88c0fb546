"""The reports' test world is the planning app's (ocop/planning/tests/conftest.py): products of
today's Bắc Ninh (P24) registered under legacy and current communes, and of Hà Nội (P01), with
certificates at known dates, each also listed in ``world.certs`` so that the tests count the
expected figures by plain Python; ``bg_plan`` is tỉnh Bắc Giang's 2024 plan."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from ocop.planning.tests.conftest import HN, World, bg_plan, world
from ocop.registry.testing import classification

__all__ = ["HN", "World", "bg_plan", "classification", "pdf_text", "world"]


def pdf_text(content: bytes, tmp_path: Path) -> str:
    """The PDF's text through poppler's pdftotext (installed by `make system-deps-test`)."""
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    return subprocess.run([shutil.which("pdftotext") or "pdftotext", "-layout", str(path), "-"],  # noqa: S603
                          capture_output=True, text=True, check=True).stdout
