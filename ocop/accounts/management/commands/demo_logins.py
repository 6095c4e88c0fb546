"""Print the demo accounts that exist in the database, one line each, in role order, then the
TOTP secrets of those that have two-step verification (demo secrets are public, like the
password)."""

from django.core.management.base import BaseCommand
from django.db.models import Case, IntegerField, Value, When
from django_otp.plugins.otp_totp.models import TOTPDevice

from ocop.accounts.models import Role, User
from ocop.accounts.otp import otpauth_uri, secret_base32
from ocop.accounts.policy import second_factor_required

DEMO_PREFIX = "demo-"
# Set by the demo_data command for every demo account; only a hint, never checked here (checking
# would cost one slow password hash per account on every `make run`).
DEMO_PASSWORD_HINT = "ocop-demo-2026"  # noqa: S105 — the published demo password


def _jurisdiction(user: User) -> str:
    if user.role == Role.BUYER:
        return user.get_full_name() or "—"  # a buyer account is named after its organisation
    if user.producer_id:
        return str(user.producer)
    if user.unit_id:
        return str(user.unit)
    return "Toàn quốc" if user.is_nationwide else "—"


class Command(BaseCommand):
    help = "List the demo accounts (username, role, jurisdiction, password hint)."

    def handle(self, *args, **options) -> None:
        role_order = Case(
            *(When(role=value, then=Value(i)) for i, value in enumerate(Role.values)),
            default=Value(len(Role.values)),
            output_field=IntegerField(),
        )
        users = list(
            User.objects.filter(username__startswith=DEMO_PREFIX, is_active=True)
            .select_related("unit", "producer")
            .order_by(role_order, "username")
        )
        if not users:
            self.stdout.write("Chưa có tài khoản demo (chạy: manage.py demo_data).")
            return
        secrets: dict[int, TOTPDevice] = {}
        for device in TOTPDevice.objects.filter(user__in=users, confirmed=True).order_by("pk"):
            secrets.setdefault(device.user_id, device)  # the first confirmed device of each
        header = ("Tên đăng nhập", "Vai trò", "Địa bàn / chủ thể", "Mật khẩu")
        rows = [
            (
                u.username,
                # Marked wherever sign-in will ask for the code: required by the role, or a
                # device the account has (every demo staff account has one).
                u.get_role_display() + (" (2FA)" if second_factor_required(u) or u.pk in secrets
                                        else ""),
                _jurisdiction(u),
                DEMO_PASSWORD_HINT,
            )
            for u in users
        ]
        widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header))]

        def line(cells: tuple[str, ...]) -> str:
            return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

        self.stdout.write("Tài khoản demo:")
        self.stdout.write(line(header))
        self.stdout.write(line(tuple("-" * w for w in widths)))
        for row in rows:
            self.stdout.write(line(row))

        if secrets:
            self.stdout.write("")
            self.stdout.write(
                "Xác thực hai bước: thêm mã bí mật (hoặc liên kết otpauth://) vào ứng dụng "
                "xác thực, rồi nhập mã 6 số sau mật khẩu."
            )
            for u in users:
                if (device := secrets.get(u.pk)) is not None:
                    self.stdout.write(f"{u.username}  {secret_base32(device)}  "
                                      f"{otpauth_uri(device, u.username)}")
