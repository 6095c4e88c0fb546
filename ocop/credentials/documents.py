"""The documents the credentials app publishes, built from values (no database writes): the
identifiers (did:web, URLs), the UNTP Digital Conformity Credential of a certificate, the Bitstring
Status List credential of a province, the DID documents, and the JOSE signing of them all.

Everything is secured the same way (VC-JOSE-COSE): the credential JSON is the JWS payload,
``typ: vc+jwt``, ``alg: ES256``, ``kid`` = the DID URL of the verification method.
"""

from __future__ import annotations

import base64
import gzip
import json
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from joserfc import jws
from joserfc.jwk import ECKey

from ocop.certificates.documents import authority
from ocop.core import keywrap
from ocop.rules.certification import TOP_STARS
from ocop.rules.levels import BASES
from ocop.units.models import Unit

ALGORITHM = "ES256"
MEDIA_TYPE = "application/vc+jwt"
VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
DCC_CONTEXT = "https://test.uncefact.org/vocabulary/untp/dcc/working/"
DID_CONTEXT = "https://www.w3.org/ns/did/v1"
JWS_2020_CONTEXT = "https://w3id.org/security/suites/jws-2020/v1"

HERE = Path(__file__).parent
# Every JSON-LD context the platform's documents name → (file in this app, name it is served as
# under /jsonld/): verification needs no network.
CONTEXTS: dict[str, tuple[Path, str]] = {
    VC_CONTEXT: (HERE / "contexts" / "credentials-v2.jsonld", "credentials-v2.jsonld"),
    DCC_CONTEXT: (HERE / "untp" / "context.jsonld", "untp-dcc-working.jsonld"),
    DID_CONTEXT: (HERE / "contexts" / "did-v1.jsonld", "did-v1.jsonld"),
    JWS_2020_CONTEXT: (HERE / "contexts" / "security-jws-2020-v1.jsonld",
                       "security-jws-2020-v1.jsonld"),
}
SCHEMA_PATH = HERE / "untp" / "untp-dcc-schema.json"

# Certificates are dated in Vietnam: a certificate "valid until 28/02/2027" is valid to the end
# of that day in Hà Nội.
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")

# The criteria sets an OCOP rating follows (docs/ocop-facts.md, legend): Decision 148/QĐ-TTg from
# 24/02/2023 (the first legal basis of ocop.rules.levels), Decision 1048/QĐ-TTg of 21/08/2019
# before it. Both were issued by the Prime Minister.
SCHEME_NAME = "Chương trình Mỗi xã một sản phẩm (OCOP)"
SCHEME_OWNER = {"id": "https://chinhphu.vn/", "name": "Thủ tướng Chính phủ"}
CRITERIA_148_FROM = BASES[0].valid_from
CRITERIA_1048 = ("1048/QĐ-TTg", date(2019, 8, 21))


def scheme(decided_on: date) -> dict[str, Any]:
    """The criteria set in force on the decision's day."""
    number, since = (("148/QĐ-TTg", CRITERIA_148_FROM) if decided_on >= CRITERIA_148_FROM
                     else CRITERIA_1048)
    return {
        "type": ["ConformityScheme"],
        "id": f"{base_url()}/tieu-chi/",
        "name": SCHEME_NAME,
        "description": f"Bộ tiêu chí đánh giá, phân hạng sản phẩm OCOP (3 đến 5 sao) theo Quyết "
                       f"định {number} ngày {since:%d/%m/%Y} của Thủ tướng Chính phủ.",
        "version": number,
        "validFrom": since.isoformat(),
        "owner": SCHEME_OWNER,
    }


# --- Identifiers -----------------------------------------------------------------------------


def base_url() -> str:
    """The public root of the site (SITE_URL, the one the QR codes and verify links use)."""
    return settings.SITE_URL.rstrip("/")


def platform_did() -> str:
    """``did:web`` of the site's host: a port is percent-encoded (``127.0.0.1%3A8000``)."""
    return "did:web:" + quote(urlsplit(base_url()).netloc, safe="")


def issuer_did(province_code: str) -> str:
    """The issuing body of a province (its People's Committee): resolves to
    ``<site>/issuers/<code>/did.json``."""
    return f"{platform_did()}:issuers:{province_code}"


def status_list_url(province_code: str, number: int) -> str:
    return f"{base_url()}/issuers/{province_code}/status/{number}"


def credential_url(number: str) -> str:
    return f"{base_url()}/api/v1/certificates/{number}/credential"


def verify_url(number: str) -> str:
    return f"{base_url()}/verify/{number}"


def method_id(province_code: str, kid: str) -> str:
    return f"{issuer_did(province_code)}#{kid}"


# --- The certificate's credential -------------------------------------------------------------


def _instant(day: date) -> str:
    return datetime.combine(day, time(0, 0), tzinfo=VIETNAM).isoformat()


def credential_body(*, number: str, product: str, product_id: str, gtin: str | None,
                    producer: str, producer_id: str, place: str, stars: int,
                    total_score: float, issued_on: date, valid_until: date,
                    decision_number: str, decision_date: date, authority: str, issuer: str,
                    province_code: str, status_list: int, status_index: int) -> dict[str, Any]:
    """The Digital Conformity Credential of one certificate (public data only: no tax code,
    representative, phone or street address — the same fields as the public verify page).

    The attestation is a regulator's (docs/credentials.md, "Attestation type"): assessorLevel
    ``3rdParty`` (the People's Committee is neither producer nor buyer), assessmentLevel
    ``GovtApproval`` (a recognition decision of a state body), attestationType ``certification``.
    """
    product_party: dict[str, Any] = {"id": product_id, "name": product}
    if gtin:
        product_party.update(id=f"https://id.gs1.org/01/{gtin}", registeredId=gtin)
    return {
        "@context": [VC_CONTEXT, DCC_CONTEXT],
        "type": ["DigitalConformityCredential", "VerifiableCredential"],
        "id": credential_url(number),
        "issuer": {"type": ["CredentialIssuer"], "id": issuer_did(province_code),
                   "name": issuer},
        "validFrom": _instant(issued_on),
        # The certificate is valid to the end of ``valid_until``: the credential until the
        # first instant of the next day.
        "validUntil": _instant(valid_until + timedelta(days=1)),
        "credentialStatus": {
            "id": f"{status_list_url(province_code, status_list)}#{status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(status_index),
            "statusListCredential": status_list_url(province_code, status_list),
        },
        "credentialSubject": {
            "type": ["ConformityAttestation", "Attestation"],
            "id": verify_url(number),
            "name": f"Giấy chứng nhận sản phẩm OCOP số {number}",
            "assessorLevel": "3rdParty",
            "assessmentLevel": "GovtApproval",
            "attestationType": "certification",
            "description": (f"Sản phẩm {product} đạt {stars} sao OCOP theo Quyết định số "
                            f"{decision_number} ngày {decision_date:%d/%m/%Y} của {authority}."),
            "issuedToParty": {"id": producer_id, "name": producer, "description": place},
            "scope": scheme(decision_date),
            "assessment": [{
                "type": ["ConformityAssessment", "Declaration"],
                "id": f"{verify_url(number)}#danh-gia",
                "name": f"Đánh giá, phân hạng sản phẩm OCOP: {stars} sao",
                "assessmentDate": decision_date.isoformat(),
                "conformityTopic": "governance.compliance",
                "conformance": True,
                "declaredValue": [
                    {"metricName": "Hạng sao OCOP",
                     "metricValue": {"value": stars, "unit": "C62"},
                     "score": f"{stars}/{TOP_STARS} sao"},
                    {"metricName": "Tổng điểm đánh giá",
                     "metricValue": {"value": total_score, "unit": "C62"},
                     "score": f"{total_score:g}/100"},
                ],
                "assessedProduct": [{"product": product_party, "IDverifiedByCAB": True}],
            }],
        },
    }


# --- Status lists -----------------------------------------------------------------------------


def empty_bits(size_bits: int) -> bytes:
    return bytes(size_bits // 8)


def with_bit(bits: bytes, index: int, value: bool) -> bytes:
    """``bits`` with bit ``index`` set or cleared; bit 0 is the most significant bit of byte 0
    (Bitstring Status List §4)."""
    data = bytearray(bits)
    mask = 0x80 >> (index % 8)
    if value:
        data[index // 8] |= mask
    else:
        data[index // 8] &= ~mask & 0xFF
    return bytes(data)


def bit(bits: bytes, index: int) -> bool:
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def encode_list(bits: bytes) -> str:
    """GZIP, then multibase base64url without padding (prefix ``u``)."""
    packed = gzip.compress(bits, mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).decode().rstrip("=")


def decode_list(encoded: str) -> bytes:
    if not encoded.startswith("u"):
        raise ValueError("encodedList is not multibase base64url")
    raw = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))


def status_list_body(*, province_code: str, number: int, authority: str, bits: bytes,
                     valid_from: datetime) -> dict[str, Any]:
    url = status_list_url(province_code, number)
    return {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": {"id": issuer_did(province_code), "name": authority},
        "validFrom": valid_from.isoformat(),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_list(bits),
        },
    }


# --- DID documents ----------------------------------------------------------------------------


def issuer_did_document(province_code: str, keys: list[tuple[str, dict]]) -> dict[str, Any]:
    """``keys``: (kid, public JWK) of every key not reported compromised, oldest first. A
    rotated-out key stays listed, so what it signed still verifies."""
    did = issuer_did(province_code)
    methods = [{"id": f"{did}#{kid}", "type": "JsonWebKey2020", "controller": did,
                "publicKeyJwk": jwk} for kid, jwk in keys]
    return {
        "@context": [DID_CONTEXT, JWS_2020_CONTEXT],
        "id": did,
        "controller": platform_did(),
        "verificationMethod": methods,
        "assertionMethod": [m["id"] for m in methods],
    }


def platform_did_document(issuer_codes: list[str]) -> dict[str, Any]:
    """The platform hosts the provinces' issuers and signs nothing itself: its document lists
    where each issuer's DID document is."""
    did = platform_did()
    return {
        "@context": [DID_CONTEXT],
        "id": did,
        "alsoKnownAs": [base_url() + "/"],
        "service": [{"id": f"{did}#issuers", "type": "OcopCredentialIssuers",
                     "serviceEndpoint": [f"{base_url()}/issuers/{code}/did.json"
                                         for code in issuer_codes]}],
    }


# --- Keys and names ------------------------------------------------------------------------

# The purpose private keys are wrapped for (ocop.core.keywrap): a stamp key cannot be unwrapped
# as a province's credential key.
KEY_PURPOSE = "credentials"


def private_key(wrapped: bytes) -> ECKey:
    return ECKey.import_key(keywrap.unwrap(bytes(wrapped), purpose=KEY_PURPOSE))


def issuer_name(province: Unit, on: date | None = None) -> str:
    """The issuing body: the People's Committee of the province that administers the
    certificate, named as on ``on`` (today by default)."""
    return authority(province, on or timezone.localdate()).name


# --- JOSE -------------------------------------------------------------------------------------


def dumps(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def sign(document: dict[str, Any], *, private_key: ECKey, kid: str) -> str:
    """The compact JWS (``vc+jwt``) of ``document``; ``kid`` is the full DID URL."""
    header = {"alg": ALGORITHM, "typ": "vc+jwt", "cty": "vc", "kid": kid}
    return jws.serialize_compact(header, dumps(document), private_key, algorithms=[ALGORITHM])
