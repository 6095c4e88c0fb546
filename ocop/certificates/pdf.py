"""PDF documents with WeasyPrint: the certificate (A4 landscape) and a shared HTML→PDF helper.

Fonts come from the system (fontconfig): Noto Serif / Noto Sans (Debian fonts-noto-core) with
DejaVu as fallback, both with full Vietnamese coverage. The OCOP mark is the platform's own
``ocop/web/static/ocop/ocop-mark.svg``, not the official certification mark (Decision
1162/QĐ-VPĐP-OCOP governs that one; printing it is for the province, not for software).
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from ocop.certificates import hooks
from ocop.certificates.documents import authority, date_line, producer_address, signing_block
from ocop.certificates.models import Certificate


def html_to_pdf(html: str, attachments: list[tuple[str, bytes, str]] | None = None) -> bytes:
    """``attachments``: ``(file name, content, description)`` embedded as PDF file attachments."""
    return pdf_bytes(laid_out(html), attachments)


def laid_out(html: str) -> Any:
    """The WeasyPrint document of ``html``, laid out in pages (``.pages``)."""
    from weasyprint import HTML  # lazily: loading Pango costs ~0.3 s at start-up

    return HTML(string=html, base_url=str(settings.BASE_DIR)).render()


def pdf_bytes(document: Any, attachments: list[tuple[str, bytes, str]] | None = None) -> bytes:
    from weasyprint import Attachment

    files = [Attachment(string=content, name=name, description=description,
                        relationship="Data")
             for name, content, description in attachments or ()]
    return document.write_pdf(attachments=files)


@lru_cache(maxsize=1)
def ocop_mark_svg() -> SafeString:
    path = finders.find("ocop/ocop-mark.svg")
    return mark_safe(Path(path).read_text(encoding="utf-8"))


def verify_url(number: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("certificates:verify", args=[number])


def qr_svg(url: str, scale: int = 3, error: str = "m") -> SafeString:
    """The QR code as inline SVG (no XML declaration), dark modules in black for print."""
    return mark_safe(
        segno.make(url, error=error).svg_inline(scale=scale, dark="#000", border=2)
    )


# A QR code that carries a credential (about 1,700 characters) is a version-30 code or so: it is
# made with error correction L (raised by segno where the version allows) and printed larger,
# so that each module stays about 0.3 mm (docs/credentials.md, "The QR code").
DENSE_QR = 200


def certificate_context(certificate: Certificate, today: date) -> dict:
    decision = certificate.decision
    # Named as on the decision's date: a 2024 certificate of huyện Lục Ngạn keeps that issuer.
    issuer = authority(decision.issuing_unit, decision.date)
    url = verify_url(certificate.number)
    return {
        "c": certificate,
        "status": certificate.status_on(today),
        "today": today,
        "issuer": issuer,
        "date_line": date_line(issuer.place, certificate.issued_on),
        "signing": signing_block(decision, issuer),
        "address": producer_address(certificate, today),
        "verify_url": url,
        **_qr(certificate, url),
        "mark": ocop_mark_svg(),
        "star_range": range(certificate.stars),
    }


def _qr(certificate: Certificate, url: str) -> dict:
    link = hooks.qr_link(certificate, url)
    dense = len(link) > DENSE_QR
    return {"qr": qr_svg(link, error="l" if dense else "m"), "qr_dense": dense}


TEMPLATE = "certificates/pdf/certificate.html"


def runs_over(document: Any) -> bool:
    """Whether the certificate's content is taller than its frame: the last line (``.note``)
    ends below the frame's content box, so it would sit on the frame's rule or on a second page.
    Read from WeasyPrint's laid-out boxes (``Page._page_box``: not public API; the version is
    pinned and ``test_certificate_layout`` measures the printed result)."""
    if len(document.pages) > 1:
        return True
    frame = note = None
    for box in document.pages[0]._page_box.descendants():
        classes = (getattr(box, "element", None) is not None
                   and (box.element.get("class") or "").split()) or []
        if frame is None and "frame" in classes:
            frame = box
        elif note is None and "note" in classes:
            note = box
    if frame is None or note is None:
        return False
    return note.position_y + note.margin_height() > frame.content_box_y() + frame.height + 0.01


def certificate_pdf(certificate: Certificate, today: date) -> bytes:
    # A certificate is an official Vietnamese document: it is printed in Vietnamese (labels,
    # dates) on the English interface too.
    with translation.override("vi"):
        context = certificate_context(certificate, today)
        document = laid_out(render_to_string(TEMPLATE, context))
        if context["qr_dense"] and runs_over(document):
            # A long name or address leaves no room for the larger code: the page keeps the
            # short code of the verify address (the credential is still attached to the file).
            context.update(qr=qr_svg(context["verify_url"]), qr_dense=False)
            document = laid_out(render_to_string(TEMPLATE, context))
        # The apps above embed what travels with the paper (the verifiable credential).
        attachments = [item for answer in hooks.pdf_attachments(certificate) for item in answer]
    return pdf_bytes(document, attachments)
