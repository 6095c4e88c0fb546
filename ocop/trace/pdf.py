"""Stamp sheets: A4 pages of QR stamps (segno QR as inline SVG, WeasyPrint)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from ocop.certificates.pdf import html_to_pdf, qr_svg
from ocop.trace import actions, stamps
from ocop.trace.models import StampBatch
from ocop.trace.selectors import current_certificate_for

PER_PAGE = 24  # 4 columns × 6 rows on A4 portrait
MAX_PER_PDF = 480  # 20 pages; larger print runs are downloaded in ranges (?from=&to=)


def stamp_sheet(batch: StampBatch, first: int, last: int) -> bytes:
    if first > last or first < batch.first_serial or last > batch.last_serial:
        raise actions.ActionError(actions.out_of_batch(batch, first, last))
    if last - first + 1 > MAX_PER_PDF:
        raise actions.ActionError(_("Mỗi tệp PDF tối đa %(max)s tem.") % {"max": MAX_PER_PDF})
    product, lot = batch.product, batch.lot
    certificate = current_certificate_for(product)
    stars = certificate.stars if certificate is not None else None
    cells = [{"serial": s, "qr": qr_svg(stamps.stamp_uri(product.gtin, product.pk, lot.code, s),
                                        scale=2)}
             for s in range(first, last + 1)]
    html = render_to_string("trace/pdf/stamps.html", {
        "product": product, "lot": lot, "stars": "★" * (stars or 0), "cells": cells,
    })
    return html_to_pdf(html)
