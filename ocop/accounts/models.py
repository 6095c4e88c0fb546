"""Users, roles and the jurisdiction each account may see."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice


class Role(models.TextChoices):
    ADMIN = "admin", _("Quản trị hệ thống")
    CENTRAL = "central", _("Văn phòng Điều phối Trung ương")
    PROVINCE_OFFICE = "province_office", _("Cơ quan thường trực tỉnh")
    COMMUNE_OFFICER = "commune_officer", _("Cán bộ xã")
    COUNCIL_MEMBER = "council_member", _("Thành viên hội đồng")
    PRODUCER = "producer", _("Chủ thể OCOP")
    INSPECTOR = "inspector", _("Thanh tra, kiểm tra")
    # A buyer organisation (distributor, supermarket, exporter, hotel) using the supply–demand
    # connection (ocop.trade): not an office, bound to no jurisdiction, sees only public data.
    BUYER = "buyer", _("Bên mua")


STAFF_ROLES = frozenset(
    {Role.ADMIN, Role.CENTRAL, Role.PROVINCE_OFFICE, Role.COMMUNE_OFFICER, Role.INSPECTOR,
     Role.COUNCIL_MEMBER}
)


class User(AbstractUser):
    role = models.CharField(
        _("vai trò"), max_length=20, choices=Role.choices, default=Role.PRODUCER
    )
    # Nation-wide accounts (admin, central) have no unit; others are bound to a current
    # province or commune.
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("địa bàn"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    producer = models.ForeignKey(
        "registry.Producer",
        verbose_name=_("chủ thể"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accounts",
    )
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    require_otp = models.BooleanField(_("bắt buộc xác thực 2 bước"), default=False)

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def clean(self) -> None:
        """Keep role and jurisdiction consistent: scoping (ocop.accounts.jurisdiction) reads
        ``unit`` as a *current* province or commune and ``producer`` for producer accounts."""
        super().clean()
        errors: dict[str, str | Promise] = {}
        unit = self.unit
        if unit is not None and unit.era != "current":
            errors["unit"] = _("Địa bàn phải là đơn vị hành chính hiện hành (từ 01/07/2025).")
        elif unit is not None and unit.level not in ("province", "commune"):
            errors["unit"] = _("Địa bàn phải là một tỉnh/thành phố hoặc một xã/phường.")
        elif self.role in (Role.ADMIN, Role.CENTRAL) and unit is not None:
            errors["unit"] = _("Tài khoản cấp trung ương không gắn với địa bàn.")
        elif self.role == Role.PROVINCE_OFFICE and (unit is None or unit.level != "province"):
            errors["unit"] = _("Cơ quan thường trực tỉnh phải gắn với một tỉnh/thành phố.")
        elif self.role == Role.COMMUNE_OFFICER and (unit is None or unit.level != "commune"):
            errors["unit"] = _("Cán bộ xã phải gắn với một xã/phường.")
        elif self.role == Role.BUYER and unit is not None:
            # A unit would widen the buyer's reach through the jurisdiction scoping.
            errors["unit"] = _("Tài khoản bên mua không gắn với địa bàn quản lý.")
        if self.role == Role.PRODUCER and self.producer_id is None:
            errors["producer"] = _("Tài khoản chủ thể phải gắn với một chủ thể OCOP.")
        elif self.role != Role.PRODUCER and self.producer_id is not None:
            errors["producer"] = _("Chỉ tài khoản chủ thể mới gắn với chủ thể OCOP.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_staff_role(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def role_label(self) -> str:
        """The role as a person reads it ("Văn phòng điều phối tỉnh"); a superuser without a
        role reads as the administrator. The audit trail's sentences start with it."""
        if self.is_superuser and not self.role:
            return str(Role.ADMIN.label)
        return str(Role(self.role).label) if self.role in Role.values else gettext("Người dùng")

    @property
    def is_nationwide(self) -> bool:
        return self.role in (Role.ADMIN, Role.CENTRAL) or self.is_superuser


class ApiToken(models.Model):
    """Bearer token for the API. Only a SHA-256 of the secret is stored: the secret has 256 bits
    of entropy, so a plain hash (no salt, no stretching) cannot be brute-forced, and lookups by
    hash stay a single indexed query."""

    user = models.ForeignKey(
        User, verbose_name=_("người dùng"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("tên"), max_length=100)
    prefix = models.CharField(_("tiền tố"), max_length=8, db_index=True)
    key_hash = models.CharField(_("mã băm của khoá"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)
    revoked = models.BooleanField(_("đã thu hồi"), default=False)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("khoá API")
        verbose_name_plural = _("khoá API")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, name: str) -> tuple[ApiToken, str]:
        """Create a token; use ``ocop.accounts.services.issue_api_token`` (it also audits)."""
        raw = "ocop_" + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name[:100], prefix=raw[5:13], key_hash=cls.hash_key(raw)
        )
        return token, raw


class TwoFactorDevice(TOTPDevice):
    """django-otp's TOTP device under a Vietnamese name, for the administration only (the
    package names its model with an English constant no catalogue can translate). An
    administrator deletes a person's device when the phone is lost; the person then enrols
    again on the profile page."""

    class Meta:
        proxy = True
        verbose_name = _("thiết bị xác thực hai bước")
        verbose_name_plural = _("thiết bị xác thực hai bước")
