"""Stamp identifiers: signatures and scan URIs (built and parsed here, nowhere else).

A stamp is (product, lot, serial). Its URI is

* for a product with a GTIN, a GS1 Digital Link URI on the platform's resolver:
  ``<STAMP_RESOLVER_URL>/01/<GTIN-14>/10/<lot>/21/<serial>?s=<signature>`` (built and checked
  with ``biip``; the same path on id.gs1.org is the canonical form used in EPCIS events);
* for a product without a GTIN, the platform's own URI:
  ``<SITE_URL>/t/<product id>/<lot>/<serial>?s=<signature>``.

The signature is HMAC-SHA256 over ``"<product ref>|<lot>|<serial>"`` (product ref = the GTIN-14
or ``p<product id>``), keyed by ``settings.STAMP_SIGNING_KEY`` or, without one, by a key derived
from SECRET_KEY for this purpose only; truncated to 80 bits and written in base32 (16 upper-case
characters, no padding). Altering the serial, lot or product of a printed URI breaks it; 80 bits
make guessing hopeless. The key must never change while printed stamps are in circulation
(rotating it needs a key id, not built).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from urllib.parse import quote

from biip import ParseError
from biip.gs1_digital_link_uris import GS1DigitalLinkURI
from django.conf import settings
from django.utils.translation import gettext as _

SIGNATURE_BYTES = 10
LOT_CODE = re.compile(r"^[A-Za-z0-9._-]{1,20}$")
SERIAL = re.compile(r"^[0-9]{1,18}$")


@cache
def _key() -> bytes:
    explicit = getattr(settings, "STAMP_SIGNING_KEY", "")
    if explicit:
        return explicit.encode()
    # Derived, so that the stamp key differs from every other use of SECRET_KEY.
    return hmac.new(settings.SECRET_KEY.encode(), b"ocop.trace.stamp-signing",
                    hashlib.sha256).digest()


def product_ref(gtin: str | None, product_id: int) -> str:
    # GTIN-8/12/13 are signed as GTIN-14, the form a parsed Digital Link gives back.
    return gtin.zfill(14) if gtin else f"p{product_id}"


def gtin_forms(gtin14: str) -> list[str]:
    """The ways a GTIN-14 may be stored (GTIN-14/13/12/8 without the padding zeros)."""
    return [gtin14] + [gtin14[cut:] for cut in (1, 2, 6) if gtin14[:cut] == "0" * cut]


def sign(ref: str, lot: str, serial: int) -> str:
    digest = hmac.new(_key(), f"{ref}|{lot}|{serial}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest[:SIGNATURE_BYTES]).decode().rstrip("=")


def signature_ok(ref: str, lot: str, serial: int, signature: str) -> bool:
    return hmac.compare_digest(sign(ref, lot, serial), (signature or "").upper())


def directory_cache_key(ref: str) -> str:
    """Cache key of a product's stamp directory (see scan._directory)."""
    return f"trace:stampdir:{ref}"


def resolver_base() -> str:
    return getattr(settings, "STAMP_RESOLVER_URL", "") or settings.SITE_URL.rstrip("/")


def gs1_path(gtin: str, lot: str, serial: int | None = None) -> str:
    """``/01/<GTIN-14>/10/<lot>[/21/<serial>]``, checked by biip (check digit, AI formats)."""
    uri = f"https://id.gs1.org/01/{gtin}/10/{quote(lot, safe='')}"
    if serial is not None:
        uri += f"/21/{serial}"
    link = GS1DigitalLinkURI.parse(uri)
    for es in link.element_strings:
        if es.gtin_error:
            raise StampFormatError(es.gtin_error)
    canonical = link.as_canonical_uri()
    return canonical.removeprefix("https://id.gs1.org")


def stamp_uri(gtin: str | None, product_id: int, lot: str, serial: int) -> str:
    signature = sign(product_ref(gtin, product_id), lot, serial)
    if gtin:
        return f"{resolver_base()}{gs1_path(gtin, lot, serial)}?s={signature}"
    return f"{settings.SITE_URL.rstrip('/')}/t/{product_id}/{quote(lot, safe='')}/{serial}" \
           f"?s={signature}"


def stamp_uris(gtin: str | None, product_id: int, lot: str, first: int,
               last: int) -> Iterator[tuple[int, str]]:
    """(serial, URI) for a range: what stamp_uri gives, with the lot's part built (and checked
    by biip) once instead of once a stamp; a serial is digits, the same in canonical form."""
    ref = product_ref(gtin, product_id)
    if gtin:
        base = f"{resolver_base()}{gs1_path(gtin, lot)}/21/"
    else:
        base = f"{settings.SITE_URL.rstrip('/')}/t/{product_id}/{quote(lot, safe='')}/"
    for serial in range(first, last + 1):
        yield serial, f"{base}{serial}?s={sign(ref, lot, serial)}"


def epc_class(gtin: str | None, product_id: int, lot: str) -> str:
    """The lot as an EPCIS class identifier (LGTIN Digital Link, or the platform URI)."""
    if gtin:
        return "https://id.gs1.org" + gs1_path(gtin, lot)
    return f"{settings.SITE_URL.rstrip('/')}/t/{product_id}/{quote(lot, safe='')}"


def epc_instance(gtin: str | None, product_id: int, lot: str, serial: int) -> str:
    """One stamp as an EPCIS instance identifier (SGTIN Digital Link with lot, or platform)."""
    if gtin:
        return "https://id.gs1.org" + gs1_path(gtin, lot, serial)
    return f"{epc_class(gtin, product_id, lot)}/{serial}"


@dataclass(frozen=True)
class ParsedStamp:
    """What a scanned path names. ``gtin`` or ``product_id`` is set, never both."""

    gtin: str | None
    product_id: int | None
    lot: str
    serial: int

    @property
    def ref(self) -> str:
        return self.gtin or f"p{self.product_id}"


class StampFormatError(ValueError):
    """A scanned path that is not a stamp URI at all (bad GTIN, lot or serial syntax)."""


def parse_gs1(path: str) -> ParsedStamp:
    """``/01/<gtin>/10/<lot>/21/<serial>`` → ParsedStamp (GTIN-8/12/13 become GTIN-14)."""
    try:
        link = GS1DigitalLinkURI.parse("https://id.gs1.org" + path)
    except ParseError as exc:
        raise StampFormatError(str(exc)) from exc
    values = {es.ai.ai: es.value for es in link.element_strings}
    errors = [es.gtin_error for es in link.element_strings if es.gtin_error]
    if errors:
        raise StampFormatError(errors[0])
    if set(values) != {"01", "10", "21"}:
        raise StampFormatError(_("Cần GTIN (01), số lô (10) và số sê-ri (21)."))
    return _parsed(values["01"], None, values["10"], values["21"])


def parse_platform(product_id: str, lot: str, serial: str) -> ParsedStamp:
    if not product_id.isdigit():
        raise StampFormatError(_("Mã sản phẩm không hợp lệ."))
    return _parsed(None, int(product_id), lot, serial)


def _parsed(gtin: str | None, product_id: int | None, lot: str, serial: str) -> ParsedStamp:
    if not LOT_CODE.match(lot):
        raise StampFormatError(_("Số lô không hợp lệ."))
    if not SERIAL.match(serial):
        raise StampFormatError(_("Số sê-ri không hợp lệ."))
    return ParsedStamp(gtin, product_id, lot, int(serial))
