"""Signed requests between platforms: a compact JWS (RFC 7515, alg ``Ed25519`` of RFC 9864)
over the request, sent in the ``OCOP-Signature`` header.

The signed payload binds the request: method (``htm``), path with query (``htu``), SHA-256 of the
body (``bd``, base64url), time (``iat``, Unix seconds) and a fresh random nonce (``jti``). The
protected header names the sender's platform code as ``kid``. The receiver finds the registered
partner by ``kid``, checks the signature with its public key (joserfc; no hand-made crypto), the
method, path and body digest against the request it received, the time against its clock
(± ``EXCHANGE_SIGNATURE_WINDOW_SECONDS``) and the nonce against the ones already seen from that
partner, which it stores in the same step (a unique constraint), so a captured request cannot be
played again within the window, and outside it the timestamp refuses it.

Why JWS rather than RFC 9421 HTTP message signatures: joserfc parses and verifies every part of
it (the platform has it already for credentials), where RFC 9421 would need a structured-field
parser of our own; the covered parts are the same.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import OKPKey

from ocop.core import keywrap
from ocop.core.refusals import Refusal
from ocop.exchange.models import Partner, SeenNonce, SigningKey

HEADER = "OCOP-Signature"
ALGORITHM = "Ed25519"
_PURPOSE = "exchange"


class SignatureRefused(Refusal):
    """The request's signature is missing, wrong, stale or replayed: 401."""

    status = 401
    default_code = "exchange.signature"


def body_digest(body: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(body).digest()).decode().rstrip("=")


# --- This platform's key -----------------------------------------------------------------------


def generate_key() -> SigningKey:
    """A new Ed25519 key for this platform; the private half stored only wrapped."""
    private = Ed25519PrivateKey.generate()
    pkcs8 = private.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption())
    public = private.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo)
    return SigningKey.objects.create(
        kid=f"{settings.EXCHANGE_PLATFORM_CODE}-{secrets.token_hex(4)}",
        private_key=keywrap.wrap(pkcs8, purpose=_PURPOSE), public_key_pem=public.decode())


def current_key() -> SigningKey | None:
    return SigningKey.objects.filter(active=True).first()


def public_key_error(pem: str) -> str | None:
    """Why ``pem`` is not an Ed25519 public key in PEM form, or None."""
    try:
        key = serialization.load_pem_public_key(pem.strip().encode())
    except (ValueError, TypeError):
        return _("Khoá công khai không đọc được: hãy dán cả khối PEM "
                 "(-----BEGIN PUBLIC KEY----- … -----END PUBLIC KEY-----).")
    if not isinstance(key, Ed25519PublicKey):
        return _("Khoá công khai phải là khoá Ed25519.")
    return None


# --- Signing and verifying ---------------------------------------------------------------------


def sign(method: str, path: str, body: bytes, *, key: SigningKey | None = None,
         now: float | None = None, nonce: str | None = None) -> str:
    """The ``OCOP-Signature`` header value for a request from this platform."""
    key = key or current_key()
    if key is None:
        raise Refusal(_("Nền tảng chưa có khoá ký: chạy “manage.py exchange keygen”."),
                      code="exchange.no_key")
    private = OKPKey.import_key(keywrap.unwrap(key.private_key, purpose=_PURPOSE))
    payload = {"htm": method.upper(), "htu": path, "bd": body_digest(body),
               "iat": int(now if now is not None else time.time()),
               "jti": nonce or secrets.token_urlsafe(18)}
    header = {"alg": ALGORITHM, "kid": settings.EXCHANGE_PLATFORM_CODE, "typ": "ocop-req+jws"}
    return jws.serialize_compact(header, json.dumps(payload, separators=(",", ":")), private,
                                 algorithms=[ALGORITHM])


@dataclass(frozen=True)
class SignedRequest:
    method: str
    path: str  # path with its query string, as sent
    body: bytes


def verify(value: str, request: SignedRequest, *, now: float | None = None) -> Partner:
    """The registered partner that signed ``request``, or ``SignatureRefused`` naming why not.
    Records the nonce (a second use is a replay)."""
    try:
        protected = json.loads(base64.urlsafe_b64decode(value.split(".")[0] + "=="))
        kid = str(protected["kid"])
    except (ValueError, KeyError, TypeError, IndexError):
        raise SignatureRefused(_("Chữ ký yêu cầu không đọc được (không phải JWS dạng gọn)."),
                               code="exchange.signature_malformed") from None
    partner = Partner.objects.filter(code=kid, active=True).first()
    if partner is None:
        raise SignatureRefused(_("Nền tảng “%(code)s” chưa được đăng ký trao đổi hoặc đã bị "
                                 "tạm dừng.") % {"code": kid[:40]},
                               code="exchange.unknown_partner")
    try:
        public = OKPKey.import_key(partner.public_key_pem.encode())
        token = jws.deserialize_compact(value, public, algorithms=[ALGORITHM])
        claims = json.loads(token.payload)
    except (JoseError, ValueError, TypeError):
        raise SignatureRefused(_("Chữ ký không khớp với khoá công khai đã đăng ký của nền tảng "
                                 "“%(code)s”.") % {"code": partner.code},
                               code="exchange.bad_signature") from None
    if (not isinstance(claims, dict) or claims.get("htm") != request.method.upper()
            or claims.get("htu") != request.path):
        raise SignatureRefused(_("Chữ ký được tạo cho một yêu cầu khác (phương thức hoặc "
                                 "địa chỉ không khớp)."), code="exchange.wrong_target")
    if claims.get("bd") != body_digest(request.body):
        raise SignatureRefused(_("Nội dung yêu cầu đã bị thay đổi sau khi ký."),
                               code="exchange.body_changed")
    window = settings.EXCHANGE_SIGNATURE_WINDOW_SECONDS
    clock = now if now is not None else time.time()
    issued = claims.get("iat")
    if not isinstance(issued, int) or abs(clock - issued) > window:
        raise SignatureRefused(_("Yêu cầu đã quá hạn hoặc đồng hồ hai bên lệch quá %(s)d giây.")
                               % {"s": window}, code="exchange.stale")
    nonce = claims.get("jti")
    if not isinstance(nonce, str) or not 8 <= len(nonce) <= 100:
        raise SignatureRefused(_("Yêu cầu thiếu mã dùng một lần (jti)."),
                               code="exchange.no_nonce")
    seen_at = timezone.now()
    try:
        with transaction.atomic():
            SeenNonce.objects.create(partner=partner, nonce=nonce, seen_at=seen_at)
    except IntegrityError:
        raise SignatureRefused(_("Yêu cầu này đã được gửi trước đó (phát lại bị từ chối)."),
                               code="exchange.replayed") from None
    SeenNonce.objects.filter(seen_at__lt=seen_at - timedelta(seconds=2 * window)).delete()
    return partner
