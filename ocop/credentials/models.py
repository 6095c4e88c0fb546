"""Issuer keys, Bitstring Status Lists and the credential issued for each certificate.

One issuer per current province (the province that administers the certificate, as
``ocop.certificates.services.administering_province`` decides), identified by
``did:web:<host>:issuers:<province code>``. Each issuer has one *active* signing key at a time;
rotation retires the active key (kept in the DID document, so what it signed still verifies) and
creates a new one; a key reported *compromised* leaves the DID document and every verifier of the
platform refuses what it signed. Private keys are stored only wrapped (``ocop.core.keywrap``).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# 131,072 bits (16 KiB): the minimum the Bitstring Status List recommendation sets, so that one
# bit does not single out a certificate (herd privacy).
STATUS_LIST_BITS = 131_072


class KeyState(models.TextChoices):
    ACTIVE = "active", _("Đang dùng để ký")
    RETIRED = "retired", _("Đã thay, vẫn dùng để kiểm chứng")
    COMPROMISED = "compromised", _("Đã bị lộ, không còn tin cậy")


class IssuerKey(models.Model):
    """A province's ES256 (P-256) signing key. ``kid`` is the JWK thumbprint (RFC 7638), the
    fragment of the verification method in the DID document."""

    province = models.ForeignKey("units.Unit", verbose_name=_("tỉnh/thành phố"),
                                 on_delete=models.PROTECT, related_name="+")
    kid = models.CharField(_("mã khoá"), max_length=64, unique=True)
    public_jwk = models.JSONField(_("khoá công khai (JWK)"))
    # PKCS#8 DER of the private key, AES-GCM wrapped under the key-encryption key (keywrap).
    wrapped_private_key = models.BinaryField()
    state = models.CharField(_("trạng thái"), max_length=12, choices=KeyState.choices,
                             default=KeyState.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    compromised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["province_id", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["province"], condition=Q(state="active"),
                                    name="one_active_issuer_key_per_province"),
        ]
        verbose_name = _("khoá ký chứng nhận số")
        verbose_name_plural = _("khoá ký chứng nhận số")

    def __str__(self) -> str:
        return f"{self.province_id} {self.kid} ({self.state})"


class StatusList(models.Model):
    """One Bitstring Status List (purpose: revocation) of a province, published as a
    credential signed by that province at ``/issuers/<code>/status/<number>``."""

    province = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField()
    # STATUS_LIST_BITS bits, uncompressed; bit 0 is the most significant bit of byte 0.
    bits = models.BinaryField()
    used = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["province_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["province", "number"],
                                    name="status_list_number_unique_per_province"),
        ]
        verbose_name = _("danh sách trạng thái")
        verbose_name_plural = _("danh sách trạng thái")

    def __str__(self) -> str:
        return f"{self.province_id}/{self.number}"


class Credential(models.Model):
    """The verifiable credential of one certificate: the signed ``vc+jwt`` as handed out, the
    key that signed it and its bit in a status list. Re-signed in place only when its key is
    reported compromised (the status bit stays the same)."""

    # Derived from the certificate: removing a certificate (only a demo reset does) removes it.
    certificate = models.OneToOneField("certificates.Certificate", on_delete=models.CASCADE,
                                       related_name="credential")
    key = models.ForeignKey(IssuerKey, on_delete=models.PROTECT, related_name="credentials")
    status_list = models.ForeignKey(StatusList, on_delete=models.PROTECT, related_name="+")
    status_index = models.PositiveIntegerField()
    jwt = models.TextField()
    issued_at = models.DateTimeField()
    resigned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["status_list", "status_index"],
                                    name="one_credential_per_status_bit"),
        ]
        verbose_name = _("chứng nhận số")
        verbose_name_plural = _("chứng nhận số")

    def __str__(self) -> str:
        return f"{self.certificate_id} ({self.key.kid})"
