"""python manage.py stamps keys | rotate | revoke KID --reason … | jwks | verify URI [--jwks FILE]

The stamp signing keys (docs/stamps.md): list them, rotate (a new current key; the old one keeps
verifying the stamps it signed), revoke a compromised key (its stamps show a warning; revoking
the current key makes a new one), print the published key set, and check a stamp URI's
signature — against the platform's keys, or offline against a saved key set (``--jwks``), the
way a third party does. ``verify`` checks the signature only (not whether the serial was
issued, packed or voided: that is the scan page's part) and exits 1 when it does not hold.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ocop.core.refusals import Refusal
from ocop.trace import scan, stampkeys, stamps
from ocop.trace.models import StampKey


class Command(BaseCommand):
    help = "Manage stamp signing keys and verify stamp URIs."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("keys", help="List the keys.")
        sub.add_parser("rotate", help="Make a new signing key; the old one keeps verifying.")
        revoke = sub.add_parser("revoke", help="Revoke a compromised key.")
        revoke.add_argument("kid")
        revoke.add_argument("--reason", required=True)
        sub.add_parser("jwks", help="Print the published key set (JSON).")
        verify = sub.add_parser("verify", help="Check the signature of a stamp URI.")
        verify.add_argument("uri")
        verify.add_argument("--jwks", type=Path, help="A saved key set: check with no database.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, "_" + options["action"])(options)
        except Refusal as refusal:
            raise CommandError(refusal.message) from refusal

    def _keys(self, options: dict[str, Any]) -> None:
        for row in StampKey.objects.all():
            line = f"{row.kid}  {row.get_state_display()}  tạo {row.created_at:%Y-%m-%d %H:%M}"
            if row.revoked_at:
                line += f"  thu hồi {row.revoked_at:%Y-%m-%d %H:%M}: {row.revocation_reason}"
            self.stdout.write(line)

    def _rotate(self, options: dict[str, Any]) -> None:
        row = stampkeys.rotate()
        self.stdout.write(f"Khoá ký tem mới: {row.kid}. Các khoá cũ vẫn dùng để kiểm tra tem "
                          f"đã in.")

    def _revoke(self, options: dict[str, Any]) -> None:
        stampkeys.revoke(options["kid"], reason=options["reason"])
        current = StampKey.objects.get(state=StampKey.State.CURRENT)
        self.stdout.write(f"Đã thu hồi khoá {options['kid']}: tem ký bằng khoá này sẽ hiện "
                          f"cảnh báo. Khoá ký hiện tại: {current.kid}.")

    def _jwks(self, options: dict[str, Any]) -> None:
        self.stdout.write(json.dumps(stampkeys.jwks(), indent=2))

    def _verify(self, options: dict[str, Any]) -> None:
        try:
            parsed, signature, kid = stamps.parse_uri(options["uri"])
        except ValueError as exc:
            raise CommandError(f"Mã trên tem không đúng định dạng: {exc}") from exc
        if options["jwks"] is not None:
            try:
                keys = stampkeys.from_jwks(json.loads(options["jwks"].read_text("utf-8")))
            except (OSError, ValueError, KeyError, TypeError) as exc:
                raise CommandError(f"Không đọc được tệp khoá công khai: {exc}") from exc
            if not kid:
                raise CommandError("Tem in trước khi có mã khoá (chữ ký HMAC) chỉ kiểm tra được "
                                   "trên máy chủ, không bằng khoá công khai.")
            result = stamps.check(parsed.ref, parsed.lot, parsed.serial, signature, kid, keys)
        else:
            result = stamps.check(parsed.ref, parsed.lot, parsed.serial, signature, kid)
        stamp = f"sản phẩm {parsed.ref}, lô {parsed.lot}, sê-ri {parsed.serial}"
        if result != stamps.Check.OK:
            raise CommandError(f"{scan.WARNINGS[result.value]} ({stamp})")
        how = f"khoá {kid}" if kid else "chữ ký HMAC của tem in trước khi có mã khoá"
        self.stdout.write(f"Chữ ký hợp lệ ({how}): {stamp}.")
