"""Exchange test helpers: a partner platform with its own key pair, and signed test requests."""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.urls import reverse
from joserfc import jws
from joserfc.jwk import OKPKey

from ocop.exchange import signing
from ocop.jobs.testing import job_of


@dataclass
class PartnerKeys:
    """The key pair of a partner platform (the partner's side of the handshake)."""

    code: str
    private_pem: bytes
    public_pem: str

    @classmethod
    def new(cls, code: str) -> PartnerKeys:
        private = Ed25519PrivateKey.generate()
        return cls(code,
                   private.private_bytes(serialization.Encoding.PEM,
                                         serialization.PrivateFormat.PKCS8,
                                         serialization.NoEncryption()),
                   private.public_key().public_bytes(
                       serialization.Encoding.PEM,
                       serialization.PublicFormat.SubjectPublicKeyInfo).decode())

    def sign(self, method: str, path: str, body: bytes = b"", *, iat: int | None = None,
             nonce: str | None = None) -> str:
        """What the partner's platform sends in ``OCOP-Signature`` (the same payload as
        ``signing.sign``, built independently here from the partner's own key)."""
        payload = {"htm": method, "htu": path, "bd": signing.body_digest(body),
                   "iat": int(time.time()) if iat is None else iat,
                   "jti": nonce or secrets.token_urlsafe(18)}
        return jws.serialize_compact({"alg": signing.ALGORITHM, "kid": self.code},
                                     json.dumps(payload), OKPKey.import_key(self.private_pem),
                                     algorithms=[signing.ALGORITHM])


def upload_and_run(client, capture, data: dict):
    """POST the staff page's import form (running the job at once, see ocop/jobs/testing.py) and
    return (the response, the job or None when the upload was refused in the request)."""
    with capture(execute=True):
        response = client.post(reverse("exchange:home"), data)
    if response.status_code != 302:
        return response, None
    job = job_of(response)
    job.refresh_from_db()
    return response, job
