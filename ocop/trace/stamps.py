"""Stamp identifiers: signatures and scan URIs (built and parsed here, nowhere else).

A stamp is (product, lot, serial). Its URI is

* for a product with a GTIN, a GS1 Digital Link URI on the platform's resolver:
  ``<STAMP_RESOLVER_URL>/01/<GTIN-14>/10/<lot>/21/<serial>?k=<key id>&s=<signature>`` (built
  and checked with ``biip``; the same path on id.gs1.org is the canonical form used in EPCIS
  events);
* for a product without a GTIN, the platform's own URI:
  ``<SITE_URL>/t/<product id>/<lot>/<serial>?k=<key id>&s=<signature>``.

The signature is Ed25519 over ``"<product ref>|<lot>|<serial>"`` (product ref = the GTIN-14 or
``p<product id>``) by the key ``k`` (ocop/trace/stampkeys.py), written whole in Base64url
(86 characters). Anyone can check it with the published public keys (docs/stamps.md).

Stamps printed before the key ids — no ``k`` — carry HMAC-SHA256 over the same text, keyed by
``settings.STAMP_SIGNING_KEY`` or a key derived from SECRET_KEY for this purpose only, truncated
to 80 bits in base32 (16 characters). They keep verifying exactly as before; no new stamp is
signed that way.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from urllib.parse import parse_qs, quote, urlsplit

from biip import ParseError
from biip.checksums import gs1_standard_check_digit
from biip.gs1_digital_link_uris import GS1DigitalLinkURI
from django.conf import settings
from django.utils.translation import gettext as _

from ocop.trace import stampkeys

SIGNATURE_BYTES = 10
LOT_CODE = re.compile(r"[A-Za-z0-9._-]{1,20}")
SERIAL = re.compile(r"[0-9]{1,18}")
KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,8}")


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


def message(ref: str, lot: str, serial: int) -> bytes:
    """What a stamp's signature covers (the same text for both schemes)."""
    return f"{ref}|{lot}|{serial}".encode()


def legacy_sign(ref: str, lot: str, serial: int) -> str:
    """The HMAC signature of a stamp printed before key ids (kept to verify those stamps)."""
    digest = hmac.new(_key(), message(ref, lot, serial), hashlib.sha256).digest()
    return base64.b32encode(digest[:SIGNATURE_BYTES]).decode().rstrip("=")


def sign(ref: str, lot: str, serial: int) -> str:
    """``k=<key id>&s=<signature>``: the query of a new stamp URI, by the current key."""
    kid, private = stampkeys.signer()
    return f"k={kid}&s={stampkeys.encode_signature(private.sign(message(ref, lot, serial)))}"


class Check(StrEnum):
    """What a stamp's signature proves (the values are the scan log's results)."""

    OK = "ok"
    BAD_SIGNATURE = "bad_signature"
    UNKNOWN_KEY = "unknown_key"
    REVOKED_KEY = "revoked_key"


def check(ref: str, lot: str, serial: int, signature: str, kid: str = "",
          keys: Callable[[str], stampkeys.PublicKey | None] = stampkeys.public_key) -> Check:
    """Verify a scanned signature: HMAC when the URI names no key (stamps printed before key
    ids), else Ed25519 with the named key, which must exist and not be revoked. ``keys`` finds
    a key by id: the platform's own (default) or a published key set (stampkeys.from_jwks)."""
    signature = signature or ""
    if not kid:
        # As bytes: compare_digest refuses non-ASCII str, and a URI may carry anything.
        ok = hmac.compare_digest(legacy_sign(ref, lot, serial).encode(),
                                 signature.upper().encode())
        return Check.OK if ok else Check.BAD_SIGNATURE
    key = keys(kid) if KEY_ID.fullmatch(kid) else None
    if key is None:
        return Check.UNKNOWN_KEY
    if key.revoked or key.key is None:
        return Check.REVOKED_KEY
    raw = stampkeys.decode_signature(signature)
    if raw is None or not key.verifies(raw, message(ref, lot, serial)):
        return Check.BAD_SIGNATURE
    return Check.OK


def directory_cache_key(ref: str, lot: str) -> str:
    """Cache key of one lot's stamp directory of a product (see scan._directory)."""
    return f"trace:stampdir:{ref}:{hashlib.blake2b(lot.encode(), digest_size=8).hexdigest()}"


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
    query = sign(product_ref(gtin, product_id), lot, serial)
    if gtin:
        return f"{resolver_base()}{gs1_path(gtin, lot, serial)}?{query}"
    return f"{settings.SITE_URL.rstrip('/')}/t/{product_id}/{quote(lot, safe='')}/{serial}" \
           f"?{query}"


def stamp_uris(gtin: str | None, product_id: int, lot: str, first: int,
               last: int) -> Iterator[tuple[int, str]]:
    """(serial, URI) for a range: what stamp_uri gives, with the lot's part built (and checked
    by biip) once instead of once a stamp; a serial is digits, the same in canonical form."""
    ref = product_ref(gtin, product_id)
    if gtin:
        base = f"{resolver_base()}{gs1_path(gtin, lot)}/21/"
    else:
        base = f"{settings.SITE_URL.rstrip('/')}/t/{product_id}/{quote(lot, safe='')}/"
    kid, private = stampkeys.signer()  # one key for the whole range
    for serial in range(first, last + 1):
        signature = stampkeys.encode_signature(private.sign(message(ref, lot, serial)))
        yield serial, f"{base}{serial}?k={kid}&s={signature}"


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


# The shape every stamp the platform prints has: a GTIN-14, a lot in LOT_CODE's alphabet (no
# percent-encoding), a decimal serial. Parsed here without biip (a sixth of the scan page's view
# time went to biip's general parser); anything else — other GTIN lengths, escapes, extra
# qualifiers, a wrong check digit — goes to biip as before. test_stamps_scan holds the two to
# the same answer.
_PRINTED_GS1 = re.compile(r"/01/([0-9]{14})/10/([A-Za-z0-9._-]{1,20})/21/([0-9]{1,18})")


def parse_gs1(path: str) -> ParsedStamp:
    """``/01/<gtin>/10/<lot>/21/<serial>`` → ParsedStamp (GTIN-8/12/13 become GTIN-14)."""
    printed = _PRINTED_GS1.fullmatch(path)
    if printed and gs1_standard_check_digit(printed[1][:13]) == int(printed[1][13]):
        return ParsedStamp(printed[1], None, printed[2], int(printed[3]))
    return _parse_gs1_biip(path)


def _parse_gs1_biip(path: str) -> ParsedStamp:
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
    if not LOT_CODE.fullmatch(lot):
        raise StampFormatError(_("Số lô không hợp lệ."))
    if not SERIAL.fullmatch(serial):
        raise StampFormatError(_("Số sê-ri không hợp lệ."))
    return ParsedStamp(gtin, product_id, lot, int(serial))


def parse_uri(uri: str) -> tuple[ParsedStamp, str, str]:
    """A whole stamp URI (as read from the QR code) → (stamp, signature, key id).

    Raises ValueError (StampFormatError, or what urlsplit raises on a string that is no URL at
    all, e.g. an unbalanced "[" read as an IPv6 host)."""
    parts = urlsplit(uri.strip())
    segments = parts.path.strip("/").split("/")
    if segments[:1] == ["t"] and len(segments) == 4:
        parsed = parse_platform(*segments[1:])
    else:
        parsed = parse_gs1(parts.path)
    query = parse_qs(parts.query)
    return parsed, query.get("s", [""])[0], query.get("k", [""])[0]
