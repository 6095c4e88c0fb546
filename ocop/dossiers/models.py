"""Programme years, rounds and OCOP dossiers (hồ sơ đánh giá, phân hạng).

The dossier state is a plain CharField; the allowed moves are the ``TRANSITIONS`` table below and
every move goes through ``ocop.dossiers.services`` (one function per move, audited). The
evaluation app drives the later states through ``services.advance``; it never writes ``state``
directly.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext_lazy as _

from ocop.core.files import UnguessableUploadTo
from ocop.core.search import FoldedSearchText
from ocop.core.validators import PlainText
from ocop.rules.certification import MIN_CERTIFIABLE_STARS
from ocop.rules.levels import LEVEL_CHOICES, PROCEDURE_CHOICES


class ProgrammeYear(models.Model):
    """Annual OCOP cycle of a province (kế hoạch thực hiện Chương trình OCOP năm …).

    ``province`` is the province that ran the cycle: a current province ("P24") from 2025, the
    legacy province ("LP24", tỉnh Bắc Giang) for earlier years."""

    province = models.ForeignKey(
        "units.Unit", verbose_name=_("tỉnh"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    plan_reference = models.CharField(_("kế hoạch"), max_length=120, blank=True)
    plan_date = models.DateField(_("ngày ban hành kế hoạch"), null=True, blank=True)
    # The year's targets live in the planning app's annual plan (indicators against actuals).
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "province_id"]
        constraints = [
            models.UniqueConstraint(fields=["province", "year"], name="programme_year_unique")
        ]
        verbose_name = _("năm chương trình")
        verbose_name_plural = _("năm chương trình")

    def __str__(self) -> str:
        return f"OCOP {self.year} — {self.province.name}"


class Round(FoldedSearchText):
    """An evaluation round (đợt đánh giá) at one level."""

    class Status(models.TextChoices):
        OPEN = "open", _("Đang mở")
        CLOSED = "closed", _("Đã đóng")

    programme_year = models.ForeignKey(
        ProgrammeYear, verbose_name=_("năm chương trình"), on_delete=models.PROTECT,
        related_name="rounds",
    )
    level = models.CharField(_("cấp"), max_length=10, choices=LEVEL_CHOICES)
    number = models.PositiveSmallIntegerField(_("đợt số"))
    name = models.CharField(_("tên đợt"), max_length=200, validators=[PlainText(_("Tên đợt"))])
    opens_on = models.DateField(_("mở nhận hồ sơ từ"))
    submission_deadline = models.DateField(_("hạn nộp hồ sơ"))
    evaluation_deadline = models.DateField(_("hạn đánh giá"))
    recognition_deadline = models.DateField(_("hạn công nhận"))
    status = models.CharField(
        _("trạng thái"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    # The district for pre-2025 district rounds (e.g. LD213 huyện Lục Ngạn), else the province;
    # empty for central rounds (the ministry).
    issuing_unit = models.ForeignKey(
        "units.Unit", verbose_name=_("đơn vị tổ chức"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_on", "level", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme_year", "level", "issuing_unit", "number"],
                name="round_unique_number",
            )
        ]
        verbose_name = _("đợt đánh giá")
        verbose_name_plural = _("đợt đánh giá")

    def __str__(self) -> str:
        return self.name

    def search_parts(self) -> list[str]:
        return [self.name]


class DossierState(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Đã nộp")
    COMMUNE_CHECKED = "commune_checked", _("Xã đã kiểm tra")
    CORRECTIONS_REQUESTED = "corrections_requested", _("Yêu cầu bổ sung")
    RESUBMITTED = "resubmitted", _("Đã nộp bổ sung")
    ACCEPTED = "accepted", _("Đã tiếp nhận vào đợt")
    WITHDRAWN = "withdrawn", _("Đã rút")
    # Driven by the evaluation app:
    UNDER_EVALUATION = "under_evaluation", _("Đang đánh giá")
    SCORED = "scored", _("Đã chấm điểm")
    RECOGNISED = "recognised", _("Được công nhận")
    NOT_RECOGNISED = "not_recognised", _("Không được công nhận")
    PROPOSED_UP = "proposed_up", _("Đề nghị cấp trên đánh giá")


S = DossierState
# from-state → allowed to-states. Conditions that depend on the procedure, the round or the
# actor (e.g. the commune pre-check only under 1489) are checked by the service for each move.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SUBMITTED, S.WITHDRAWN}),
    S.SUBMITTED: frozenset({S.COMMUNE_CHECKED, S.CORRECTIONS_REQUESTED, S.ACCEPTED, S.WITHDRAWN}),
    S.COMMUNE_CHECKED: frozenset({S.CORRECTIONS_REQUESTED, S.ACCEPTED, S.WITHDRAWN}),
    S.CORRECTIONS_REQUESTED: frozenset({S.RESUBMITTED, S.WITHDRAWN}),
    S.RESUBMITTED: frozenset(
        {S.COMMUNE_CHECKED, S.CORRECTIONS_REQUESTED, S.ACCEPTED, S.WITHDRAWN}
    ),
    S.ACCEPTED: frozenset({S.UNDER_EVALUATION, S.WITHDRAWN}),
    S.UNDER_EVALUATION: frozenset({S.SCORED}),
    S.SCORED: frozenset({S.UNDER_EVALUATION, S.RECOGNISED, S.NOT_RECOGNISED, S.PROPOSED_UP}),
    # A dossier proposed up is accepted again, into a round of the next level.
    S.PROPOSED_UP: frozenset({S.ACCEPTED}),
    S.RECOGNISED: frozenset(),
    S.NOT_RECOGNISED: frozenset(),
    S.WITHDRAWN: frozenset(),
}
# A dossier under way: a product has at most one (services.open_dossier).
OPEN_STATES = frozenset(TRANSITIONS) - {S.RECOGNISED, S.NOT_RECOGNISED, S.WITHDRAWN}
# States in which the producer side may edit the form, the self-assessment and the documents.
EDITABLE_STATES = frozenset({S.DRAFT, S.CORRECTIONS_REQUESTED})
# States the evaluation app moves a dossier into with ``services.advance``.
EVALUATION_STATES = frozenset(
    {S.UNDER_EVALUATION, S.SCORED, S.RECOGNISED, S.NOT_RECOGNISED, S.PROPOSED_UP}
)
# Waiting for the standing office's completeness check.
AWAITING_REVIEW = frozenset({S.SUBMITTED, S.COMMUNE_CHECKED, S.RESUBMITTED})


class Dossier(models.Model):
    class Kind(models.TextChoices):
        NEW = "new", _("Đánh giá lần đầu")
        RE_RECOGNITION = "re_recognition", _("Đánh giá lại (hết hạn 36 tháng)")
        UPGRADE = "upgrade", _("Nâng hạng sao")

    product = models.ForeignKey(
        "registry.Product", verbose_name=_("sản phẩm"), on_delete=models.PROTECT,
        related_name="dossiers",
    )
    producer = models.ForeignKey(
        "registry.Producer", verbose_name=_("chủ thể"), on_delete=models.PROTECT,
        related_name="dossiers",
    )
    criteria_set = models.ForeignKey(
        "criteria.CriteriaSetVersion", verbose_name=_("bộ tiêu chí"), on_delete=models.PROTECT,
        related_name="dossiers",
    )
    # The round the producer applies for (its submission deadline is checked on submit) and the
    # round the standing office accepted the dossier into (null until accepted).
    requested_round = models.ForeignKey(
        Round, verbose_name=_("đợt đăng ký"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    round = models.ForeignKey(
        Round, verbose_name=_("đợt đánh giá"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="dossiers",
    )
    target_stars = models.PositiveSmallIntegerField(_("hạng sao đăng ký"),
                                                    default=MIN_CERTIFIABLE_STARS)
    kind = models.CharField(_("loại hồ sơ"), max_length=16, choices=Kind.choices, default=Kind.NEW)
    previous = models.ForeignKey(
        "self", verbose_name=_("hồ sơ trước"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(
        _("trạng thái"), max_length=24, choices=DossierState.choices, default=DossierState.DRAFT,
        db_index=True,
    )
    # Set on the first submission from the date: which levels and steps apply (levels.py).
    procedure = models.CharField(_("quy trình"), max_length=10, choices=PROCEDURE_CHOICES,
                                 blank=True)
    form = models.JSONField(_("phiếu đăng ký"), default=dict, blank=True)
    self_assessment = models.JSONField(_("tự đánh giá"), default=dict, blank=True)
    # Cached result of the self-assessment (partial evaluation), for lists and the panel.
    self_score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    self_stars = models.PositiveSmallIntegerField(null=True, blank=True)
    # Commune pre-check (1489): {item_code: {"ok": bool, "comment": str}}.
    commune_check = models.JSONField(_("kết quả kiểm tra của xã"), default=dict, blank=True)
    commune_checked_at = models.DateTimeField(null=True, blank=True)
    commune_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("nộp lần đầu lúc"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("tiếp nhận lúc"), null=True, blank=True)
    state_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["state", "round"]),
            models.Index(fields=["producer", "state"]),
        ]
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")

    def __str__(self) -> str:
        return f"{self.reference} — {self.product.name}"

    @property
    def reference(self) -> str:
        return f"HS-{self.pk:06d}" if self.pk else "HS-mới"

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES


class DossierVersion(models.Model):
    """What was submitted: frozen on every submission (first and after corrections)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("phiên bản"))
    # {"form": {...}, "self_assessment": {...}, "target_stars": 3, "kind": "new",
    #  "documents": [{"id", "checklist_item", "name", "sha256", "evidence", "criteria"}],
    #  "self_score": "61.00", "self_stars": 3}
    snapshot = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["dossier_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "number"], name="dossier_version_unique")
        ]
        verbose_name = _("phiên bản hồ sơ")
        verbose_name_plural = _("phiên bản hồ sơ")

    def __str__(self) -> str:
        return f"{self.dossier.reference} v{self.number}"


# Named at module level because migration 0001 refers to it by this name.
dossier_upload_to = UnguessableUploadTo("dossiers")


class DossierDocument(models.Model):
    """A document in a dossier: an uploaded file, or a reuse of a registry evidence document."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    checklist_item = models.CharField(_("mục hồ sơ"), max_length=40)
    file = models.FileField(_("tệp"), upload_to=dossier_upload_to, blank=True)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255, blank=True)
    content_kind = models.CharField(max_length=10, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    evidence = models.ForeignKey(
        "registry.EvidenceDocument", verbose_name=_("giấy tờ đã có"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="dossier_uses",
    )
    criteria = models.JSONField(_("tiêu chí minh chứng"), default=list, blank=True)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["checklist_item", "id"]
        verbose_name = _("tài liệu hồ sơ")
        verbose_name_plural = _("tài liệu hồ sơ")

    def __str__(self) -> str:
        if self.evidence_id:
            return str(self.evidence)
        return self.original_name or self.file.name

    @property
    def stored_file(self) -> FieldFile | None:
        """The file this entry carries: its own upload, or the reused registry document's."""
        if self.file:
            return self.file
        if self.evidence_id and self.evidence.file:
            return self.evidence.file
        return None

    @property
    def download_name(self) -> str:
        return self.original_name if self.file else (
            self.evidence.original_name if self.evidence_id else "")


class CorrectionRequest(models.Model):
    """Yêu cầu bổ sung, hoàn thiện hồ sơ: per-item comments on one submitted version."""

    class Stage(models.TextChoices):
        COMMUNE = "commune", _("Xã kiểm tra")
        PROVINCE = "province", _("Cơ quan thường trực kiểm tra")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="corrections")
    version = models.ForeignKey(DossierVersion, on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(max_length=10, choices=Stage.choices, default=Stage.PROVINCE)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    message = models.TextField(_("ý kiến chung"), blank=True)
    # [{"code": "business_plan" | "A1", "comment": "…"}]
    items = models.JSONField(default=list)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # {"message": "…", "items": {"code": "reply"}}
    answer = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("yêu cầu bổ sung")
        verbose_name_plural = _("yêu cầu bổ sung")

    def __str__(self) -> str:
        return f"{self.dossier.reference}: {len(self.items)} mục cần bổ sung"
