"""Verifying a ``vc+jwt`` without the signing library: the signature is checked with
``cryptography`` directly (not joserfc, which signed it), against the pinned trust list
(``selectors.trust_list``: issuers, keys and their states), the status list credential (itself
verified the same way) and the UNTP DCC JSON Schema. ``manage.py credentials verify FILE`` and the
tests use it; the browser does the same in JavaScript (static/credentials/verify.js).

Each refusal is one Vietnamese sentence naming the problem.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from jsonschema import Draft202012Validator

from ocop.credentials import documents


@dataclass
class Result:
    problems: list[str] = field(default_factory=list)
    credential: dict[str, Any] | None = None
    issuer_name: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems


class Refused(Exception):
    """A check that makes the rest meaningless (unreadable, unknown signer, bad signature)."""


def _b64(part: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError) as error:
        raise Refused(_("Tệp không phải là chứng nhận số: có phần không đọc được.")) from error


def _parse(token: str) -> tuple[dict, dict, bytes, bytes]:
    parts = token.strip().split(".")
    if len(parts) != 3 or not all(parts):
        raise Refused(_("Tệp không phải là chứng nhận số: một chứng nhận số (vc+jwt) gồm ba "
                        "phần ngăn bởi dấu chấm."))
    try:
        header = json.loads(_b64(parts[0]))
        payload = json.loads(_b64(parts[1]))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise Refused(_("Tệp không phải là chứng nhận số: nội dung không phải JSON.")) from error
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise Refused(_("Tệp không phải là chứng nhận số: nội dung không phải JSON."))
    return header, payload, f"{parts[0]}.{parts[1]}".encode(), _b64(parts[2])


def _public_key(jwk: dict) -> ec.EllipticCurvePublicKey:
    x = int.from_bytes(_b64(jwk["x"]), "big")
    y = int.from_bytes(_b64(jwk["y"]), "big")
    return ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()


def check_signature(token: str, trust: dict[str, Any], *, expected_type: str
                    ) -> tuple[dict, dict]:
    """The payload of ``token`` once its signature is checked against a key of the trust
    list that belongs to the issuer it names and was not reported compromised; the issuer's
    trust entry with it. Raises Refused naming the problem."""
    header, payload, signed, signature = _parse(token)
    if header.get("alg") != documents.ALGORITHM or header.get("typ") != "vc+jwt":
        raise Refused(_("Chứng nhận số dùng thuật toán “%(alg)s”, nền tảng chỉ chấp nhận ES256 "
                        "(vc+jwt).") % {"alg": header.get("alg", "")})
    if expected_type not in (payload.get("type") or []):
        raise Refused(_("Tệp không phải là %(what)s.") % {"what": _TYPES[expected_type]})
    issuer = payload.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    entry = next((i for i in trust["issuers"] if i["id"] == issuer_id), None)
    if entry is None:
        raise Refused(_("Cơ quan cấp “%(issuer)s” không có trong danh sách cơ quan cấp tin cậy "
                        "của nền tảng OCOP.") % {"issuer": issuer_id or "?"})
    kid = str(header.get("kid", ""))
    if not kid.startswith(entry["id"] + "#"):
        raise Refused(_("Khoá ký “%(kid)s” không thuộc %(issuer)s.")
                      % {"kid": kid, "issuer": entry["name"]})
    key = next((k for k in entry["keys"] if k["kid"] == kid.split("#", 1)[1]), None)
    if key is None:
        raise Refused(_("Khoá ký không có trong danh sách khoá của %(issuer)s: chứng nhận số "
                        "không do cơ quan này cấp.") % {"issuer": entry["name"]})
    if key["state"] == "compromised":
        raise Refused(_("Khoá ký của %(issuer)s đã bị báo lộ ngày %(day)s: chứng nhận số ký "
                        "bằng khoá này không còn đáng tin; hãy tải bản mới.")
                      % {"issuer": entry["name"],
                         "day": _day(key["compromised_at"])})
    if len(signature) != 64:
        raise Refused(_("Chữ ký không hợp lệ: nội dung đã bị sửa hoặc không do %(issuer)s ký.")
                      % {"issuer": entry["name"]})
    der = encode_dss_signature(int.from_bytes(signature[:32], "big"),
                               int.from_bytes(signature[32:], "big"))
    try:
        _public_key(key["jwk"]).verify(der, signed, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as error:
        raise Refused(_("Chữ ký không hợp lệ: nội dung đã bị sửa hoặc không do %(issuer)s ký.")
                      % {"issuer": entry["name"]}) from error
    return payload, entry


_TYPES = {
    "DigitalConformityCredential": gettext_lazy("chứng nhận số của giấy chứng nhận OCOP"),
    "BitstringStatusListCredential": gettext_lazy("danh sách trạng thái thu hồi"),
}


def _day(value: str | None) -> str:
    if not value:
        return "?"
    return datetime.fromisoformat(value).astimezone(documents.VIETNAM).strftime("%d/%m/%Y")


@lru_cache(maxsize=1)
def _schema() -> Draft202012Validator:
    schema = json.loads(documents.SCHEMA_PATH.read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def schema_problems(credential: dict[str, Any]) -> list[str]:
    """The UNTP DCC schema's objections, each naming where."""
    return [
        _("Nội dung không đúng mẫu UNTP DCC tại “%(where)s”: %(what)s")
        % {"where": "/".join(str(p) for p in error.absolute_path) or "/",
           "what": error.message}
        for error in sorted(_schema().iter_errors(credential), key=lambda e: list(e.path))
    ]


def _dates(credential: dict[str, Any], now: datetime) -> list[str]:
    problems = []
    try:
        start = datetime.fromisoformat(credential["validFrom"])
        end = datetime.fromisoformat(credential["validUntil"])
    except (KeyError, TypeError, ValueError):
        return [_("Chứng nhận số thiếu ngày hiệu lực (validFrom, validUntil).")]
    if now < start:
        problems.append(_("Chứng nhận số chưa có hiệu lực: hiệu lực từ ngày %(day)s.")
                        % {"day": start.astimezone(documents.VIETNAM).strftime("%d/%m/%Y")})
    if now >= end:
        last = end.astimezone(documents.VIETNAM) - timedelta(days=1)
        problems.append(_("Giấy chứng nhận đã hết hiệu lực: chỉ có giá trị đến hết ngày "
                          "%(day)s.") % {"day": last.strftime("%d/%m/%Y")})
    return problems


def _status(credential: dict[str, Any], entry: dict[str, Any], trust: dict[str, Any],
            status_list: Callable[[str], str | None]) -> list[str]:
    status = credential.get("credentialStatus")
    if not isinstance(status, dict) or status.get("type") != "BitstringStatusListEntry":
        return [_("Chứng nhận số không có mục trạng thái thu hồi.")]
    url = str(status.get("statusListCredential", ""))
    try:
        index = int(status["statusListIndex"])
    except (KeyError, TypeError, ValueError):
        return [_("Mục trạng thái thu hồi không có số thứ tự hợp lệ.")]
    token = status_list(url)
    if token is None:
        return [_("Không lấy được danh sách trạng thái thu hồi %(url)s.") % {"url": url}]
    try:
        listed, list_issuer = check_signature(token, trust,
                                              expected_type="BitstringStatusListCredential")
    except Refused as refusal:
        return [_("Danh sách trạng thái thu hồi không tin cậy được: %(why)s")
                % {"why": refusal.args[0]}]
    if list_issuer["id"] != entry["id"] or listed.get("id") != url:
        return [_("Danh sách trạng thái thu hồi không phải của cơ quan đã cấp chứng nhận số.")]
    try:
        bits = documents.decode_list(listed["credentialSubject"]["encodedList"])
    except (KeyError, TypeError, ValueError, OSError):
        return [_("Danh sách trạng thái thu hồi không đọc được.")]
    if index >= len(bits) * 8:
        return [_("Số thứ tự trạng thái nằm ngoài danh sách thu hồi.")]
    if documents.bit(bits, index):
        return [_("Giấy chứng nhận đã bị thu hồi (danh sách trạng thái của %(issuer)s).")
                % {"issuer": entry["name"]}]
    return []


def verify(token: str, *, trust: dict[str, Any], status_list: Callable[[str], str | None],
           now: datetime | None = None) -> Result:
    """Every check of a credential: readable, issuer and key known and not compromised,
    signature, UNTP DCC schema, validity dates, revocation bit."""
    now = now or timezone.now()
    result = Result()
    try:
        credential, entry = check_signature(token, trust,
                                            expected_type="DigitalConformityCredential")
    except Refused as refusal:
        result.problems.append(refusal.args[0])
        return result
    result.credential, result.issuer_name = credential, entry["name"]
    result.problems += schema_problems(credential)
    result.problems += _dates(credential, now)
    result.problems += _status(credential, entry, trust, status_list)
    return result
