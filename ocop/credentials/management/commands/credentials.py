"""manage.py credentials verify FILE|QR-ADDRESS | rotate PROVINCE | compromise KID | backfill | keys

``verify`` reads a ``vc+jwt`` (or a certificate PDF that embeds one, or the address its QR code
carries) and checks it as any verifier would: signature, issuer and key known and not reported
compromised, UNTP DCC schema, validity dates, revocation bit. It exits with status 1 when the
credential is refused, each problem on its own line in Vietnamese."""

from __future__ import annotations

import re
import zlib
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from ocop.core.refusals import Refusal
from ocop.credentials import qrlink, selectors, services, verification
from ocop.credentials.models import IssuerKey
from ocop.units.models import Unit

# A compact JWS inside any bytes: a .jwt file, or a certificate PDF whose embedded file stream
# is compressed (read through _pdf_streams).
_JWS = re.compile(rb"eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)


def _pdf_streams(content: bytes) -> list[bytes]:
    """Every stream of a PDF, inflated when it is Flate-compressed (as WeasyPrint writes the
    embedded credential)."""
    out = []
    for raw in _STREAM.findall(content):
        try:
            out.append(zlib.decompress(raw))
        except zlib.error:
            out.append(raw)
    return out


# The address a certificate's QR code carries, the credential in its fragment (qrlink).
_QR_LINK = re.compile(rb"#" + re.escape(qrlink.FRAGMENT.encode()) + rb"[A-Za-z0-9_-]+")


def _token(content: bytes) -> str | None:
    if match := _QR_LINK.search(content):
        return qrlink.token_of(match.group().decode())
    for part in [content, *(_pdf_streams(content) if content.startswith(b"%PDF") else [])]:
        if match := _JWS.search(part):
            return match.group().decode()
    return None


class Command(BaseCommand):
    help = ("Verifiable credentials: verify FILE | rotate PROVINCE_CODE | compromise KID | "
            "backfill | keys")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="verify a vc+jwt file, a certificate PDF, or the address "
                       "a certificate's QR code carries").add_argument("file")
        sub.add_parser("rotate", help="give a province a new signing key").add_argument(
            "province", help="province code, e.g. 24")
        sub.add_parser("compromise", help="report a key compromised (re-signs what it signed)"
                       ).add_argument(
            "kid", help="the key id as `credentials keys` lists it; one that begins with '-' "
                        "goes after '--' (credentials compromise -- -Ab3…), or it is read as an "
                        "option")
        sub.add_parser("backfill", help="issue the credentials of certificates that have none")
        sub.add_parser("keys", help="list the issuer keys and their states")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        # Messages in Vietnamese, the platform's language, whatever the shell's locale.
        with translation.override("vi"):
            try:
                getattr(self, "do_" + action)(**options)
            except Refusal as refusal:
                raise CommandError(refusal.message) from refusal

    def do_verify(self, file: str, **_: Any) -> None:
        if f"#{qrlink.FRAGMENT}" in file:  # the address read from the QR code, as it is
            content = file.encode()
        else:
            try:
                content = Path(file).read_bytes()
            except OSError as error:
                raise CommandError(f"Không đọc được tệp {file}: {error.strerror}.") from error
        try:
            token = _token(content)
        except qrlink.NotALink as error:
            raise CommandError(f"{file}: {error}") from error
        if token is None:
            raise CommandError(f"{file}: tệp không chứa chứng nhận số (vc+jwt) nào.")
        result = verification.verify(token, trust=selectors.trust_list(),
                                     status_list=selectors.status_list_at)
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(f"✗ {problem}")
            raise CommandError("Chứng nhận số không được chấp nhận.", returncode=1)
        subject = result.credential["credentialSubject"]
        self.stdout.write(self.style.SUCCESS(
            f"✓ Chứng nhận số hợp lệ: {subject['name']}, do {result.issuer_name} cấp; chữ ký, "
            f"mẫu UNTP DCC, thời hạn và trạng thái thu hồi đều đúng."))

    def do_rotate(self, province: str, **_: Any) -> None:
        unit = Unit.objects.filter(level=Unit.Level.PROVINCE, era=Unit.Era.CURRENT,
                                   code=province).first()
        if unit is None:
            raise CommandError(f"Không có tỉnh/thành phố hiện hành nào mang mã “{province}”.")
        key = services.rotate_key(province=unit)
        self.stdout.write(f"{unit.full_name}: khoá mới {key.kid}; các khoá cũ vẫn dùng để "
                          "kiểm chứng.")

    def do_compromise(self, kid: str, **_: Any) -> None:
        report = services.report_compromised(kid=kid)
        self.stdout.write(f"Khoá {report.key.kid} đã bị báo lộ; khoá đang dùng: "
                          f"{report.replacement.kid}; đã ký lại {report.resigned} chứng nhận số.")

    def do_backfill(self, **_: Any) -> None:
        self.stdout.write(f"Đã cấp {services.backfill()} chứng nhận số còn thiếu.")

    def do_keys(self, **_: Any) -> None:
        for key in IssuerKey.objects.select_related("province"):
            self.stdout.write(f"{key.province.code}\t{key.kid}\t{key.get_state_display()}")
