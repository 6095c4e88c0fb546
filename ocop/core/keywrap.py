"""Private signing keys encrypted at rest (certificate credentials, stamps, exchange requests).

A private key is stored in the database only as AES-GCM ciphertext under a key-encryption key
(KEK) that never touches the database: ``OCOP_KEY_ENCRYPTION_KEY`` (32 bytes, URL-safe base64) in
the environment. A stolen database dump or backup therefore does not let anyone sign certificates
or stamps. Without the variable (development, tests, the demo) the KEK is derived from
SECRET_KEY, which is also secret and also outside the database; production settings require the
variable so that rotating SECRET_KEY (sessions) does not make every signing key unreadable.

Each ciphertext names the purpose it was wrapped for (associated data), so a key wrapped for stamps
cannot be unwrapped as a province's credential key by mistake.
"""

import base64
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_VERSION = b"k1"
_NONCE = 12


class UnwrapError(Exception):
    """The ciphertext was not wrapped under this KEK and purpose, or was altered."""


def _kek() -> bytes:
    configured = getattr(settings, "KEY_ENCRYPTION_KEY", "")
    if configured:
        key = base64.urlsafe_b64decode(configured + "=" * (-len(configured) % 4))
        if len(key) != 32:
            raise ValueError("OCOP_KEY_ENCRYPTION_KEY must be 32 bytes in URL-safe base64.")
        return key
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=b"ocop.core.keywrap").derive(settings.SECRET_KEY.encode())


def wrap(secret: bytes, *, purpose: str) -> bytes:
    """``secret`` (e.g. a PKCS#8 private key) encrypted for storage."""
    nonce = os.urandom(_NONCE)
    return _VERSION + nonce + AESGCM(_kek()).encrypt(nonce, secret, purpose.encode())


def unwrap(stored: bytes, *, purpose: str) -> bytes:
    stored = bytes(stored)
    if not stored.startswith(_VERSION):
        raise UnwrapError("unknown key format")
    nonce, ciphertext = stored[2:2 + _NONCE], stored[2 + _NONCE:]
    try:
        return AESGCM(_kek()).decrypt(nonce, ciphertext, purpose.encode())
    except Exception as error:  # InvalidTag: another KEK, another purpose, or altered bytes
        raise UnwrapError("the key cannot be read with this key-encryption key") from error


def new_kek() -> str:
    """A fresh value for OCOP_KEY_ENCRYPTION_KEY (``manage.py shell -c``; docs/deployment.md)."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")
