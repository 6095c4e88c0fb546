"""Users, roles and the jurisdiction each account may see."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "Quản trị hệ thống"
    CENTRAL = "central", "Văn phòng Điều phối Trung ương"
    PROVINCE_OFFICE = "province_office", "Cơ quan thường trực tỉnh"
    COMMUNE_OFFICER = "commune_officer", "Cán bộ xã"
    COUNCIL_MEMBER = "council_member", "Thành viên hội đồng"
    PRODUCER = "producer", "Chủ thể OCOP"
    INSPECTOR = "inspector", "Thanh tra, kiểm tra"


STAFF_ROLES = frozenset(
    {Role.ADMIN, Role.CENTRAL, Role.PROVINCE_OFFICE, Role.COMMUNE_OFFICER, Role.INSPECTOR,
     Role.COUNCIL_MEMBER}
)


class User(AbstractUser):
    role = models.CharField("vai trò", max_length=20, choices=Role.choices, default=Role.PRODUCER)
    # Nation-wide accounts (admin, central) have no unit; others are bound to a current
    # province or commune.
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name="địa bàn",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    producer = models.ForeignKey(
        "registry.Producer",
        verbose_name="chủ thể",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accounts",
    )
    phone = models.CharField("điện thoại", max_length=20, blank=True)
    require_otp = models.BooleanField("bắt buộc xác thực 2 bước", default=False)

    class Meta:
        verbose_name = "người dùng"
        verbose_name_plural = "người dùng"

    @property
    def is_staff_role(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_nationwide(self) -> bool:
        return self.role in (Role.ADMIN, Role.CENTRAL) or self.is_superuser


class ApiToken(models.Model):
    """Bearer token for the API. Only a SHA-256 of the secret is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, name: str) -> tuple[ApiToken, str]:
        raw = "ocop_" + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name, prefix=raw[5:13], key_hash=cls.hash_key(raw)
        )
        return token, raw
