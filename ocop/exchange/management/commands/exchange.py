"""``manage.py exchange``: this platform's key, its partners, and pull/push with a partner.

    manage.py exchange keygen                 # a new Ed25519 signing key (wrapped at rest)
    manage.py exchange key                    # print our public key (PEM) for partners
    manage.py exchange partner-add CODE NAME --public-key FILE [--base-url URL] [--province P24]
    manage.py exchange pull CODE              # read the partner's feed since our cursor
    manage.py exchange push CODE              # send our feed since the partner's cursor
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ocop.core.refusals import Refusal
from ocop.exchange import client, selectors, services
from ocop.units.models import Unit


class Command(BaseCommand):
    help = "Trao đổi dữ liệu OCOP với nền tảng đối tác (khoá, đối tác, kéo, gửi)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("keygen")
        sub.add_parser("after-restore")
        sub.add_parser("key")
        add = sub.add_parser("partner-add")
        add.add_argument("code")
        add.add_argument("name")
        add.add_argument("--public-key", required=True, type=Path)
        add.add_argument("--base-url", default="")
        add.add_argument("--province", default="")
        for name in ("pull", "push"):
            one = sub.add_parser(name)
            one.add_argument("code")
            one.add_argument("--max-pages", type=int, default=client.MAX_PAGES)

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            getattr(self, "_" + action.replace("-", "_"))(**options)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        except Refusal as refusal:
            raise CommandError(refusal.message) from refusal

    def _keygen(self, **options: Any) -> None:
        key = services.create_signing_key(actor=None)
        self.stdout.write(key.public_key_pem)

    def _after_restore(self, **options: Any) -> None:
        # `restore` does this itself; this is for a database copied back another way, or a
        # backup older than the code, once `migrate` has run (docs/exchange.md).
        floor = services.skip_past_restore()
        self.stdout.write(f"Nguồn thay đổi: thay đổi tiếp theo được đánh số sau {floor}.")

    def _key(self, **options: Any) -> None:
        key = selectors.own_key()
        if key is None:
            raise CommandError("Chưa có khoá ký: chạy “manage.py exchange keygen”.")
        self.stdout.write(key.public_key_pem)

    def _partner_add(self, *, code: str, name: str, public_key: Path, base_url: str,
                     province: str, **options: Any) -> None:
        unit = Unit.objects.filter(pk=province).first() if province else None
        if province and unit is None:
            raise CommandError(f"Không có đơn vị hành chính mã “{province}”.")
        services.register_partner(actor=None, code=code, name=name,
                                  public_key_pem=public_key.read_text(), base_url=base_url,
                                  province=unit)
        self.stdout.write(f"Đã đăng ký nền tảng {code}.")

    def _partner(self, code: str) -> Any:
        partner = selectors.partner_by_code(code)
        if partner is None:
            raise CommandError(f"Chưa đăng ký nền tảng “{code}”.")
        return partner

    def _report(self, verb: str, outcome: client.Outcome) -> None:
        self.stdout.write(f"{verb}: {outcome.changes} thay đổi trong {outcome.pages} trang; "
                          f"{outcome.created} thêm mới, {outcome.updated} cập nhật, "
                          f"{outcome.unchanged} không đổi.")
        if outcome.problems:
            for problem in outcome.problems[:50]:
                self.stderr.write(f"  thay đổi {problem['row']}, {problem['column']}: "
                                  f"{problem['message']}")
            raise CommandError("Lô bị từ chối, không ghi gì; con trỏ giữ nguyên.")

    def _pull(self, *, code: str, max_pages: int, **options: Any) -> None:
        self._report("Đã kéo", client.pull(self._partner(code), max_pages=max_pages))

    def _push(self, *, code: str, max_pages: int, **options: Any) -> None:
        self._report("Đã gửi", client.push(self._partner(code), max_pages=max_pages))
