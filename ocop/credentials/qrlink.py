"""The credential inside the certificate's printed QR code (docs/credentials.md, "The QR code").

The QR code of a certificate opens its verify page, ``<SITE_URL>/verify/<number>``, and carries the
whole credential in the address's fragment: ``#vc=<data>``. A browser never sends a fragment to
the server, so the page (and its cached copy, offline) reads it with ``verify.js`` and
checks the credential on the phone, with no network, against the pinned keys.

``data`` is Base64url (no padding) of::

    0x01                                  format version
    deflate-raw(header JSON, "\\n", payload JSON)
    signature                             the last 64 bytes (ES256: r ‖ s)

The JSON texts are the exact bytes the ``vc+jwt`` encodes, so the token is rebuilt byte for byte
(Base64url of the same bytes) and its signature checks. Deflate shrinks the 3.4 kB token to about
1.2 kB, which fits a version-30 QR code (docs: the printed size and the module size)."""

from __future__ import annotations

import base64
import binascii
import zlib

from django.utils.translation import gettext as _

FRAGMENT = "vc="
VERSION = 1
SIGNATURE_BYTES = 64
# A fragment longer than this is not ours (a version-40 QR code holds 2,953 bytes).
MAX_DATA = 4096


class NotALink(ValueError):
    """Text that is not a credential link of ours; the message names what is wrong."""


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _b64decode(text: str) -> bytes:
    try:
        # validate: a character outside Base64url is an error, not silently skipped.
        return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError) as error:
        raise NotALink(_("Mã QR không chứa chứng nhận số đọc được.")) from error


def pack(token: str) -> str:
    """The fragment's data for a ``vc+jwt``."""
    header, payload, signature = token.split(".")
    signature_bytes = _b64decode(signature)
    if len(signature_bytes) != SIGNATURE_BYTES:
        raise ValueError("only 64-byte signatures (ES256, EdDSA) fit the QR format")
    header_bytes = _b64decode(header)
    if b"\n" in header_bytes:
        raise ValueError("the header must be compact JSON: a newline separates it")
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate: what browsers inflate
    body = compressor.compress(header_bytes + b"\n" + _b64decode(payload))
    body += compressor.flush()
    return _b64encode(bytes([VERSION]) + body + signature_bytes)


def unpack(data: str) -> str:
    """The ``vc+jwt`` a fragment's data carries; ``NotALink`` names what is wrong."""
    if not data or len(data) > MAX_DATA:
        raise NotALink(_("Mã QR không chứa chứng nhận số đọc được."))
    raw = _b64decode(data)
    if raw[:1] != bytes([VERSION]):
        raise NotALink(_("Mã QR chứa chứng nhận số theo định dạng khác, trang này chưa đọc "
                         "được."))
    if len(raw) <= 1 + SIGNATURE_BYTES:
        raise NotALink(_("Mã QR không chứa chứng nhận số đọc được."))
    body, signature = raw[1:-SIGNATURE_BYTES], raw[-SIGNATURE_BYTES:]
    try:
        inflater = zlib.decompressobj(-15)
        text = inflater.decompress(body, MAX_DATA * 4)
    except zlib.error as error:
        raise NotALink(_("Mã QR không chứa chứng nhận số đọc được.")) from error
    if inflater.unconsumed_tail or not inflater.eof or b"\n" not in text:
        raise NotALink(_("Mã QR không chứa chứng nhận số đọc được."))
    header, payload = text.split(b"\n", 1)
    return ".".join(_b64encode(part) for part in (header, payload, signature))


def link(verify_url: str, token: str) -> str:
    """The address the QR code carries: the verify page, the credential in its fragment."""
    return f"{verify_url}#{FRAGMENT}{pack(token)}"


def token_of(url: str) -> str | None:
    """The ``vc+jwt`` of a QR code's address, None when it carries no credential fragment."""
    _, hash_mark, fragment = url.strip().partition("#")
    if not hash_mark or not fragment.startswith(FRAGMENT):
        return None
    return unpack(fragment[len(FRAGMENT):])
