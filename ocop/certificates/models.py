"""Recognition decisions (quyết định công nhận) and OCOP certificates (giấy chứng nhận).

Validity (ocop-facts.md §1.3, §1.8): a certificate for a 3–5★ product is valid for 36 months
from its date of issue (``ocop.rules.certification.certificate_valid_until``). Months are
calendar months, the way the Civil Code counts periods (a period ending on a day the month lacks
ends on the last day of that month): issued 29/02/2024 → valid until 28/02/2027. ``valid_until``
is the *last* day of validity; the certificate is expired from the next day on.

The status is computed against a date (``status_on``), never stored, so that a page rendered
today, a test with a controlled clock and the daily job all agree; the daily job only keeps the
denormalised ``Product.stars`` in step and records that it did so (``expiry_recorded_on``).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ocop.core.files import UnguessableUploadTo
from ocop.core.search import FoldedSearchText
from ocop.core.validators import PlainText
from ocop.rules.certification import MIN_CERTIFIABLE_STARS, TOP_STARS
from ocop.rules.levels import LEVEL_CHOICES


class SigningCapacity(models.TextChoices):
    """Who signs for the issuer (Decree 30/2020/NĐ-CP, Art. 13): the head ("CHỦ TỊCH") or a
    deputy on the head's behalf ("KT. CHỦ TỊCH" above "PHÓ CHỦ TỊCH")."""

    HEAD = "head", _("Người đứng đầu ký")
    DEPUTY = "deputy", _("Cấp phó ký thay (KT.)")

    @classmethod
    def for_title(cls, title: str) -> SigningCapacity:
        """The usual capacity for a position: a deputy ("Phó Chủ tịch", "Thứ trưởng") signs
        on the head's behalf."""
        words = title.strip().lower()
        return cls.DEPUTY if words.startswith(("phó", "thứ trưởng")) else cls.HEAD


class RecognitionDecision(FoldedSearchText):
    """Quyết định công nhận kết quả đánh giá, phân hạng sản phẩm OCOP.

    ``issuing_unit`` is the unit whose People's Committee signed it: a current province, or for
    3★ decisions before 1 July 2025 a legacy district (e.g. LD219 huyện Lục Ngạn); empty for a
    decision of the ministry (5★, level ``central``)."""

    number = models.CharField(_("số quyết định"), max_length=60)
    date = models.DateField(_("ngày ký"))
    signer_name = models.CharField(_("người ký"), max_length=150,
                                   validators=[PlainText(_("Người ký"))])
    signer_title = models.CharField(_("chức vụ người ký"), max_length=150,
                                    validators=[PlainText(_("Chức vụ người ký"))])
    signing_capacity = models.CharField(
        _("thẩm quyền ký"), max_length=8, choices=SigningCapacity.choices,
        default=SigningCapacity.DEPUTY,
    )
    issuing_unit = models.ForeignKey(
        "units.Unit", verbose_name=_("đơn vị ban hành"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    level = models.CharField(_("cấp"), max_length=10, choices=LEVEL_CHOICES)
    file = models.FileField(_("tệp quyết định (PDF)"), upload_to=UnguessableUploadTo("decisions"),
                            blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuing_unit", "number"], name="decision_number_unique_per_unit"
            )
        ]
        verbose_name = _("quyết định công nhận")
        verbose_name_plural = _("quyết định công nhận")

    def __str__(self) -> str:
        # Vietnamese whatever the interface: audit entries store it.
        return f"Quyết định số {self.number} ngày {self.date:%d/%m/%Y}"

    @property
    def display_name(self) -> str:
        """The same phrase in the interface language ("Decision No. … of …" in English)."""
        return gettext("Quyết định số %(number)s ngày %(day)s") % {
            "number": self.number, "day": f"{self.date:%d/%m/%Y}"}

    def search_parts(self) -> list[str]:
        return [self.number, self.signer_name, self.signer_title]


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("Còn hiệu lực")
    EXPIRED = "expired", _("Hết hiệu lực")
    REVOKED = "revoked", _("Đã thu hồi")


def valid_q(day: date, prefix: str = "") -> Q:
    """Certificates (through ``prefix``, e.g. ``"certificates__"``) valid on ``day``: issued,
    not past their end, not revoked by then. The one definition of "valid"."""
    return (Q(**{f"{prefix}issued_on__lte": day, f"{prefix}valid_until__gte": day})
            & ~Q(**{f"{prefix}revoked_on__lte": day}))


class CertificateQuerySet(models.QuerySet):
    def valid_on(self, day: date) -> CertificateQuerySet:
        return self.filter(valid_q(day))

    def with_status(self, day: date) -> CertificateQuerySet:
        """Annotate ``status_value`` (valid/expired/revoked on ``day``) for lists and filters."""
        return self.annotate(
            status_value=models.Case(
                models.When(revoked_on__lte=day, then=models.Value(CertificateStatus.REVOKED)),
                models.When(valid_until__lt=day, then=models.Value(CertificateStatus.EXPIRED)),
                default=models.Value(CertificateStatus.VALID),
                output_field=models.CharField(),
            )
        )


def status_on(day: date, *, valid_until: date, revoked_on: date | None) -> str:
    """A certificate's status on ``day`` from its two dates: the rule of ``Certificate.status_on``
    for callers that hold the dates without an instance (the scan page's cached fields, where
    building a model instance per scan cost 3 % of its CPU)."""
    if revoked_on is not None and revoked_on <= day:
        return CertificateStatus.REVOKED
    if day > valid_until:
        return CertificateStatus.EXPIRED
    return CertificateStatus.VALID


class Certificate(models.Model):
    """Giấy chứng nhận sản phẩm OCOP.

    Number format ``OCOP-<PP>-<YYYY>-<NNNNN>``: PP = two-digit code of the province that
    issued it (the legacy province for a pre-2025 district decision, e.g. 24 = tỉnh Bắc Giang;
    ``TW`` for the ministry), YYYY = year of issue, NNNNN = sequence within that province and
    year (``CertificateSequence``). Example: ``OCOP-24-2024-00012``.
    """

    number = models.CharField(_("số giấy chứng nhận"), max_length=32, unique=True)
    product = models.ForeignKey(
        "registry.Product", verbose_name=_("sản phẩm"), on_delete=models.PROTECT,
        related_name="certificates",
    )
    producer = models.ForeignKey(
        "registry.Producer", verbose_name=_("chủ thể"), on_delete=models.PROTECT,
        related_name="certificates",
    )
    decision = models.ForeignKey(
        RecognitionDecision, verbose_name=_("quyết định công nhận"), on_delete=models.PROTECT,
        related_name="certificates",
    )
    stars = models.PositiveSmallIntegerField(_("hạng sao"))
    total_score = models.DecimalField(_("tổng điểm"), max_digits=5, decimal_places=2)
    issued_on = models.DateField(_("ngày cấp"))
    valid_until = models.DateField(_("có giá trị đến hết ngày"))
    revoked_on = models.DateField(_("ngày thu hồi"), null=True, blank=True)
    revocation_reason = models.TextField(_("lý do thu hồi"), blank=True)
    revocation_decision_number = models.CharField(
        _("số quyết định thu hồi"), max_length=60, blank=True
    )
    # The current province that manages the certificate today: for one issued by an abolished
    # district it is the province the district lies in now; the certificate keeps its history.
    administered_by = models.ForeignKey(
        "units.Unit", verbose_name=_("đơn vị quản lý"), on_delete=models.PROTECT, related_name="+"
    )
    source_dossier = models.ForeignKey(
        "dossiers.Dossier", verbose_name=_("hồ sơ"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="certificates",
    )
    # Set by the daily job the first day the certificate is past ``valid_until``.
    expiry_recorded_on = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stars__gte=MIN_CERTIFIABLE_STARS) & Q(stars__lte=TOP_STARS),
                name="certificate_stars_3_to_5",
            ),
            models.CheckConstraint(
                condition=Q(total_score__gte=Decimal(0)) & Q(total_score__lte=Decimal(100)),
                name="certificate_score_0_to_100",
            ),
        ]
        indexes = [
            models.Index(fields=["product", "valid_until"]),
            models.Index(fields=["administered_by", "valid_until"]),
            models.Index(fields=["valid_until"]),
        ]
        verbose_name = _("giấy chứng nhận OCOP")
        verbose_name_plural = _("giấy chứng nhận OCOP")

    def __str__(self) -> str:
        return self.number

    def status_on(self, day: date) -> str:
        return status_on(day, valid_until=self.valid_until, revoked_on=self.revoked_on)

    def status_label_on(self, day: date) -> str:
        return CertificateStatus(self.status_on(day)).label

    def days_left_on(self, day: date) -> int:
        return (self.valid_until - day).days


class CertificateSequence(models.Model):
    """Last number used per (province code, year): locked while a number is taken, so two
    decisions issued at the same moment never get the same certificate number."""

    prefix = models.CharField(max_length=16, primary_key=True)  # e.g. "OCOP-24-2024"
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("dãy số giấy chứng nhận")
        verbose_name_plural = _("dãy số giấy chứng nhận")

    def __str__(self) -> str:
        return f"{self.prefix}: {self.last}"


class ExpiryReminder(models.Model):
    """An expiry reminder sent (90 or 30 days before): one row per certificate and kind, so
    that a re-run of the daily job never sends the same reminder twice."""

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="reminders")
    days_before = models.PositiveSmallIntegerField()
    sent_on = models.DateField()
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["certificate_id", "-days_before"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "days_before"], name="expiry_reminder_once"
            )
        ]
        verbose_name = _("nhắc hết hạn")
        verbose_name_plural = _("nhắc hết hạn")

    def __str__(self) -> str:
        return f"{self.certificate_id}: {self.days_before} ngày"
