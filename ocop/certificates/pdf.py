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

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from ocop.certificates.documents import authority, date_line, signing_block
from ocop.certificates.models import Certificate
from ocop.units.names import full_address


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported lazily: loading Pango costs ~0.3 s at start-up

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


@lru_cache(maxsize=1)
def ocop_mark_svg() -> SafeString:
    path = finders.find("ocop/ocop-mark.svg")
    return mark_safe(Path(path).read_text(encoding="utf-8"))


def verify_url(number: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("certificates:verify", args=[number])


def qr_svg(url: str, scale: int = 3) -> SafeString:
    """The QR code as inline SVG (no XML declaration), dark modules in black for print."""
    return mark_safe(
        segno.make(url, error="m").svg_inline(scale=scale, dark="#000", border=2)
    )


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
        # As registered, and where that is on the day of printing.
        "address": full_address(certificate.producer.commune, on=today),
        "verify_url": url,
        "qr": qr_svg(url),
        "mark": ocop_mark_svg(),
        "star_range": range(certificate.stars),
    }


def certificate_pdf(certificate: Certificate, today: date) -> bytes:
    # A certificate is an official Vietnamese document: it is printed in Vietnamese (labels,
    # dates) on the English interface too.
    with translation.override("vi"):
        html = render_to_string("certificates/pdf/certificate.html",
                                certificate_context(certificate, today))
    return html_to_pdf(html)
