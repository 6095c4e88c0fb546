"""Stamp signing keys: Ed25519, rotated and revoked, published as a JWK Set (docs/stamps.md).

One key is ``current`` and signs new stamps; keys rotated out stay ``retired`` and keep
verifying what they signed; a ``revoked`` key (compromised) verifies nothing — its stamps are
answered with a warning. The private key is stored only wrapped (``ocop.core.keywrap``,
purpose "stamps"); the public keys are published at ``/tem/khoa.json`` so that anyone can check
a stamp offline.

Hot path. A scan must not read the key table: each process keeps the loaded public keys (and
the current signer) in memory and re-reads them after ``RELOAD_SECONDS`` — so a rotation or
revocation made by another process (``manage.py stamps …``) shows within that time, and at once
in the process that made it. An unknown key id reloads early, at most once every
``UNKNOWN_RELOAD_SECONDS``, so a key created moments ago elsewhere is found while a stream of
invented key ids costs at most one query per process per that interval.
"""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from joserfc.jwk import OKPKey
from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

from ocop.audit.services import record
from ocop.core import keywrap, publiccache
from ocop.core.refusals import Conflict, Invalid, NotFound
from ocop.trace.models import StampKey

PURPOSE = "stamps"
ALGORITHM = "EdDSA"
KID_LENGTH = 4  # characters of the key's RFC 7638 thumbprint: 24 bits, checked unique
RELOAD_SECONDS = 60
UNKNOWN_RELOAD_SECONDS = 5
JWKS_PATH = "/tem/khoa.json"
ED25519_SIGNATURE_BYTES = 64


@dataclass(frozen=True)
class PublicKey:
    kid: str
    key: Ed25519PublicKey | None  # None for a revoked key known only by its id (a key set)
    state: str
    revoked_at: str  # ISO date-time or ""
    # The same key for libsodium (PyNaCl), which checks a signature in half the time of
    # cryptography's OpenSSL call: 67 against 132 µs here, on every scan (docs/stamps.md).
    _sodium: VerifyKey | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        sodium = VerifyKey(self.key.public_bytes_raw()) if self.key is not None else None
        object.__setattr__(self, "_sodium", sodium)

    @property
    def revoked(self) -> bool:
        return self.state == StampKey.State.REVOKED

    def verifies(self, signature: bytes, message: bytes) -> bool:
        """Whether ``signature`` (64 bytes) is this key's Ed25519 signature of ``message``.
        libsodium is the stricter checker (it refuses non-canonical signatures and small-order
        points, which OpenSSL may accept): every signature this platform makes passes both."""
        if self._sodium is None or len(signature) != ED25519_SIGNATURE_BYTES:
            return False
        try:
            self._sodium.verify(message, signature)
        except BadSignatureError:
            return False
        return True


class _Memo:
    """What this process has loaded of the key table (read under ``lock``)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.keys: dict[str, PublicKey] = {}
        self.loaded_at = float("-inf")
        self.signer: tuple[str, Ed25519PrivateKey] | None = None
        self.signer_at = float("-inf")


_memo = _Memo()


def forget() -> None:
    """Drop this process's loaded keys (after a rotation or revocation; in tests)."""
    with _memo.lock:
        _memo.keys, _memo.loaded_at = {}, float("-inf")
        _memo.signer, _memo.signer_at = None, float("-inf")


def _load_public() -> None:
    rows = StampKey.objects.values_list("kid", "public_key", "state", "revoked_at")
    keys = {kid: PublicKey(kid, Ed25519PublicKey.from_public_bytes(bytes(raw)), state,
                           revoked_at.isoformat() if revoked_at else "")
            for kid, raw, state, revoked_at in rows}
    with _memo.lock:
        _memo.keys, _memo.loaded_at = keys, time.monotonic()


def public_key(kid: str) -> PublicKey | None:
    """The key named ``kid`` (any state), or None when there is no such key."""
    age = time.monotonic() - _memo.loaded_at
    if age > RELOAD_SECONDS or (kid not in _memo.keys and age > UNKNOWN_RELOAD_SECONDS):
        _load_public()
    return _memo.keys.get(kid)


def signer() -> tuple[str, Ed25519PrivateKey]:
    """(kid, private key) of the current key; the first key is made on first use (a new
    installation, the demo, tests), so printing stamps never waits for an operator."""
    if time.monotonic() - _memo.signer_at <= RELOAD_SECONDS and _memo.signer is not None:
        return _memo.signer
    row = StampKey.objects.filter(state=StampKey.State.CURRENT).first()
    if row is None:
        try:
            row = rotate(reason="first")
        except IntegrityError:  # another process made it at the same moment
            row = StampKey.objects.get(state=StampKey.State.CURRENT)
    private = serialization.load_der_private_key(
        keywrap.unwrap(bytes(row.private_key), purpose=PURPOSE), password=None)
    if not isinstance(private, Ed25519PrivateKey):
        raise TypeError("stamp keys are Ed25519")
    found = (row.kid, private)
    # Read inside a transaction, the row may be one that transaction made and may still roll
    # back (the first key): remembered only when read outside one, so that stamps never name
    # a key that was not stored. Signing inside a transaction costs one read.
    if not connection.in_atomic_block:
        with _memo.lock:
            _memo.signer, _memo.signer_at = found, time.monotonic()
    return found


def encode_signature(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_signature(text: str) -> bytes | None:
    """The 64 signature bytes of an 86-character Base64url string; None for anything else."""
    if len(text) != 86 or not set(text) <= _B64URL:
        return None
    raw = base64.urlsafe_b64decode(text + "==")
    # The last character carries 2 spare bits; a non-canonical spelling is not our signature.
    return raw if encode_signature(raw) == text else None


_B64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def _new_row() -> StampKey:
    while True:
        private = Ed25519PrivateKey.generate()
        public = private.public_key()
        kid = OKPKey.import_key(public).thumbprint()[:KID_LENGTH]
        # A key id that starts with "-" reads as an option on the command line
        # (`manage.py stamps revoke -x9Q`), so one key in 64 is drawn again.
        if not kid.startswith("-"):
            break
    der = private.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return StampKey(kid=kid, public_key=public.public_bytes_raw(),
                    private_key=keywrap.wrap(der, purpose=PURPOSE),
                    state=StampKey.State.CURRENT)


def _after_change() -> None:
    forget()
    publiccache.invalidate()  # the published key set is a public, replayed page


def rotate(*, reason: str = "rotate") -> StampKey:
    """Make a new current key; the previous one is retired (its stamps keep verifying)."""
    with transaction.atomic():
        previous = (StampKey.objects.select_for_update(no_key=True)
                    .filter(state=StampKey.State.CURRENT).first())
        if previous is not None:
            previous.state, previous.retired_at = StampKey.State.RETIRED, timezone.now()
            previous.save(update_fields=["state", "retired_at"])
        row = _new_row()
        while StampKey.objects.filter(kid=row.kid).exists():  # 24 bits: rare, but possible
            row = _new_row()
        row.save()
        record(actor=None, action="trace.stamp_key_create", obj=row,
               changes={"kid": row.kid, "retired": previous.kid if previous else None,
                        "reason": reason})
        # Now for this process's own next signature, and again once other processes can see
        # the change (the published key set is replayed from the shared page cache).
        forget()
        transaction.on_commit(_after_change)
    return row


def revoke(kid: str, *, reason: str) -> StampKey:
    """Revoke a compromised key: its stamps stop showing as genuine. Revoking the current key
    makes a new one in the same transaction, so printing goes on with a safe key."""
    reason = reason.strip()
    if not reason:
        raise Invalid(_("Cần ghi lý do thu hồi khoá."), code="trace.stamp_key_reason",
                      fields={"reason": _("Cần ghi lý do thu hồi khoá.")})
    with transaction.atomic():
        row = StampKey.objects.select_for_update(no_key=True).filter(kid=kid).first()
        if row is None:
            raise NotFound(_("Không có khoá ký tem mã %(kid)s.") % {"kid": kid},
                           code="trace.stamp_key_not_found")
        if row.state == StampKey.State.REVOKED:
            raise Conflict(_("Khoá %(kid)s đã bị thu hồi từ trước.") % {"kid": kid},
                           code="trace.stamp_key_revoked")
        was_current = row.state == StampKey.State.CURRENT
        row.state, row.revoked_at = StampKey.State.REVOKED, timezone.now()
        row.revocation_reason = reason[:300]
        row.save(update_fields=["state", "revoked_at", "revocation_reason"])
        record(actor=None, action="trace.stamp_key_revoke", obj=row,
               changes={"kid": kid, "reason": row.revocation_reason})
        if was_current:
            rotate(reason=f"revoked {kid}")
        forget()
        transaction.on_commit(_after_change)
    return row


def from_jwks(data: dict) -> Callable[[str], PublicKey | None]:
    """Key lookup over a published key set (``/tem/khoa.json`` saved to a file): what
    ``manage.py stamps verify --jwks`` checks against, with no database."""
    keys: dict[str, PublicKey] = {}
    for item in data.get("keys", []):
        if item.get("kty") == "OKP" and item.get("crv") == "Ed25519" and "kid" in item:
            raw = base64.urlsafe_b64decode(item["x"] + "=" * (-len(item["x"]) % 4))
            keys[item["kid"]] = PublicKey(item["kid"], Ed25519PublicKey.from_public_bytes(raw),
                                          StampKey.State.RETIRED, "")
    for item in data.get("revoked", []):
        keys[item["kid"]] = PublicKey(item["kid"], None, StampKey.State.REVOKED,
                                      item.get("revokedAt", ""))
    return keys.get


def jwk(row: StampKey) -> dict[str, str]:
    """The public key as a JWK (RFC 8037 OKP), with its key id."""
    public = Ed25519PublicKey.from_public_bytes(bytes(row.public_key))
    return {**OKPKey.import_key(public).as_dict(private=False), "kid": row.kid,
            "alg": ALGORITHM, "use": "sig"}


def jwks() -> dict:
    """The published key set. ``keys`` holds only the keys that verify (current and retired):
    a verifier that knows nothing of our extra member fails closed on a revoked key. The
    revoked ones are listed apart (RFC 7517 §5 lets a set carry more members) so a verifier
    can tell "revoked" from "unknown"."""
    rows = list(StampKey.objects.all())
    return {
        "keys": [jwk(r) for r in rows if r.state != StampKey.State.REVOKED],
        "revoked": [{"kid": r.kid, "revokedAt": r.revoked_at.isoformat()}
                    for r in rows if r.state == StampKey.State.REVOKED],
    }
