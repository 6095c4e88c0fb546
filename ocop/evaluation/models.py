"""Councils (hội đồng đánh giá, phân hạng), their members, conflicts of interest, score sheets
and the council's results.

Scoring rounds inside one dossier are ``revision`` numbers: revision 1 is the first scoring; a
spread beyond the council's limit opens revision 2 (chấm lại) and so on. Sheets and results of
earlier revisions are kept as history.

Blind scoring (see ``selectors.py`` for the exact rules): a member sees only their own sheet; the
council's figures for a revision become visible to its members once the chair closes that
revision's scoring (a ``CouncilResult`` row exists for it); the producer sees the result only
once it is final.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ocop.core.files import UnguessableUploadTo
from ocop.core.search import FoldedSearchText
from ocop.core.validators import PlainText
from ocop.rules.councils import CHAIR_REQUIRED, QUORUM_RATIO, SCORE_SPREAD_LIMIT
from ocop.rules.levels import LEVEL_CHOICES


class Council(FoldedSearchText):
    round = models.ForeignKey(
        "dossiers.Round", verbose_name=_("đợt đánh giá"), on_delete=models.PROTECT,
        related_name="councils",
    )
    level = models.CharField(_("cấp"), max_length=10, choices=LEVEL_CHOICES)
    name = models.CharField(_("tên hội đồng"), max_length=200,
                            validators=[PlainText(_("Tên hội đồng"))])
    decision_number = models.CharField(_("quyết định thành lập"), max_length=60, blank=True)
    # Defaults from the rulebook (ocop.rules.councils, provincial practice, ocop-facts.md §1.7):
    # members may differ by at most 10 points, a meeting needs 75 % of members with the chair;
    # the central council 5 of 7 (quorum_min). Each council keeps its own values.
    rescore_limit = models.DecimalField(_("chênh lệch tối đa (điểm)"), max_digits=5,
                                        decimal_places=2, default=SCORE_SPREAD_LIMIT)
    quorum_ratio = models.DecimalField(_("tỷ lệ tối thiểu"), max_digits=3, decimal_places=2,
                                       default=QUORUM_RATIO)
    quorum_min = models.PositiveSmallIntegerField(_("số thành viên tối thiểu"), null=True,
                                                  blank=True)
    chair_required = models.BooleanField(_("cần có chủ tịch"), default=CHAIR_REQUIRED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("hội đồng")
        verbose_name_plural = _("hội đồng")

    def __str__(self) -> str:
        return self.name

    def search_parts(self) -> list[str]:
        return [self.name, self.decision_number]


class MemberRole(models.TextChoices):
    CHAIR = "chair", _("Chủ tịch hội đồng")
    VICE_CHAIR = "vice_chair", _("Phó Chủ tịch hội đồng")
    MEMBER = "member", _("Thành viên")
    SECRETARY = "secretary", _("Thành viên, thư ký")
    ADVISOR = "advisor", _("Tổ tư vấn (không chấm điểm)")


SCORING_ROLES = frozenset({MemberRole.CHAIR, MemberRole.VICE_CHAIR, MemberRole.MEMBER,
                           MemberRole.SECRETARY})


class CouncilMember(models.Model):
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("tài khoản"), on_delete=models.PROTECT,
        related_name="council_memberships",
    )
    role = models.CharField(_("vai trò"), max_length=12, choices=MemberRole.choices,
                            default=MemberRole.MEMBER)
    title = models.CharField(_("chức vụ, đơn vị"), max_length=200, blank=True)
    # Conflict hints (services.conflict_hints): where the member lives, the relatives and the
    # organisations (cooperatives, companies) the member declared when joining the council.
    home_commune = models.ForeignKey(
        "units.Unit", verbose_name=_("xã/phường cư trú"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    declared_relatives = models.TextField(_("người thân đã kê khai (mỗi dòng một người)"),
                                          blank=True)
    organisations = models.JSONField(_("tổ chức tham gia"), default=list, blank=True)

    class Meta:
        ordering = ["council_id", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["council", "user"], name="council_member_once")
        ]
        verbose_name = _("thành viên hội đồng")
        verbose_name_plural = _("thành viên hội đồng")

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user.username} ({self.get_role_display()})"

    @property
    def scores(self) -> bool:
        return self.role in SCORING_ROLES

    @property
    def is_chair(self) -> bool:
        return self.role == MemberRole.CHAIR


class Assignment(models.Model):
    """A dossier given to a council. ``revision`` is the scoring round in progress."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="assignments")
    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="assignments"
    )
    revision = models.PositiveSmallIntegerField(default=1)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["council_id", "dossier_id"]
        constraints = [
            models.UniqueConstraint(fields=["council", "dossier"], name="assignment_once")
        ]
        verbose_name = _("phân công hồ sơ")
        verbose_name_plural = _("phân công hồ sơ")

    def __str__(self) -> str:
        return f"{self.council} — HS-{self.dossier_id:06d}"


class ConflictDeclaration(models.Model):
    """A member's statement about one dossier: ``declared=True`` means "I have a conflict of
    interest" (the member is then excluded from that dossier everywhere). The latest statement
    counts; earlier ones are in the audit log."""

    member = models.ForeignKey(CouncilMember, on_delete=models.CASCADE,
                               related_name="declarations")
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="+")
    declared = models.BooleanField(_("có xung đột lợi ích"))
    reason = models.TextField(_("giải trình"), blank=True)
    at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "dossier"], name="declaration_once")
        ]
        verbose_name = _("kê khai xung đột lợi ích")
        verbose_name_plural = _("kê khai xung đột lợi ích")

    def __str__(self) -> str:
        return f"{self.member} — HS-{self.dossier_id:06d}: {'có' if self.declared else 'không'}"


class ScoreSheet(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Đang chấm")
        SUBMITTED = "submitted", _("Đã nộp")

    member = models.ForeignKey(CouncilMember, on_delete=models.PROTECT, related_name="sheets")
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT,
                                related_name="score_sheets")
    criteria_set = models.ForeignKey("criteria.CriteriaSetVersion", on_delete=models.PROTECT,
                                     related_name="+")
    revision = models.PositiveSmallIntegerField(default=1)
    answers = models.JSONField(default=dict, blank=True)
    # The member's own words: a comment per criterion (criterion code → text) and one on the
    # whole sheet. Like the answers, seen only by the member and the office (blind scoring).
    comments = models.JSONField(_("nhận xét từng tiêu chí"), default=dict, blank=True)
    comment = models.TextField(_("nhận xét chung"), blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    total = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["dossier_id", "revision", "member_id"]
        constraints = [
            models.UniqueConstraint(fields=["member", "dossier", "revision"],
                                    name="score_sheet_once_per_revision")
        ]
        indexes = [models.Index(fields=["dossier", "revision", "state"])]
        verbose_name = _("phiếu chấm điểm")
        verbose_name_plural = _("phiếu chấm điểm")

    def __str__(self) -> str:
        return f"Phiếu {self.member_id} — HS-{self.dossier_id:06d} lần {self.revision}"


# Named at module level because migration 0001 refers to it by this name.
minutes_upload_to = UnguessableUploadTo("minutes")


class CouncilResult(models.Model):
    """The council's result for one revision (``data`` = engine ``CouncilResult.to_dict()``).

    ``council`` is empty for a result recorded back from an upper level that did not score on
    the platform (``level`` says which)."""

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT,
                                related_name="council_results")
    council = models.ForeignKey(Council, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="results")
    level = models.CharField(_("cấp"), max_length=10, choices=LEVEL_CHOICES)
    revision = models.PositiveSmallIntegerField(default=1)
    mean = models.DecimalField(max_digits=6, decimal_places=2)
    stars = models.PositiveSmallIntegerField()
    spread = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal(0))
    rescore_required = models.BooleanField(default=False)
    quorum_met = models.BooleanField(default=False)
    data = models.JSONField(default=dict)
    final = models.BooleanField(default=False)
    minutes = models.FileField(_("biên bản"), upload_to=minutes_upload_to, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finalised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["dossier_id", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "council", "revision"],
                                    name="council_result_once_per_revision")
        ]
        verbose_name = _("kết quả hội đồng")
        verbose_name_plural = _("kết quả hội đồng")

    def __str__(self) -> str:
        return f"HS-{self.dossier_id:06d} lần {self.revision}: {self.mean} điểm, {self.stars} sao"


class SheetSubmission(models.Model):
    """One submit of a score sheet exactly as the member's device sent it: from the page's form,
    from the offline queue (``docs/offline.md``) or from a file the secretary imported.

    ``client_id`` is generated by the device before the first attempt and sent again on every
    retry; the database's unique constraint on it makes a replay find this row instead of
    submitting twice. A submit that arrives too late (revision closed by the chair, member
    recused or no longer scoring, dossier or criteria changed since the member's copy was
    taken) is kept here with ``outcome=conflict``: the member's answers and base versions beside
    the server's versions, for the secretary — never applied, never silently dropped."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("Đã nhận, phiếu được nộp")
        CONFLICT = "conflict", _("Không nhận: giữ bản của thành viên")

    class Via(models.TextChoices):
        PAGE = "page", _("Nộp trên trang")
        OFFLINE = "offline", _("Gửi lại khi có mạng")
        IMPORT = "import", _("Thư ký nhập từ tệp")

    client_id = models.UUIDField(_("mã lần nộp"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("thành viên"),
                             on_delete=models.PROTECT, related_name="+")
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(CouncilMember, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="submissions")
    sheet = models.ForeignKey(ScoreSheet, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="submissions")
    # {"criteria_set": <CriteriaSetVersion id>, "dossier_version": <n>, "revision": <n>}
    base = models.JSONField(_("phiên bản khi thành viên chấm"), default=dict)
    answers = models.JSONField(_("bản của thành viên"), default=dict)
    comments = models.JSONField(_("nhận xét từng tiêu chí"), default=dict, blank=True)
    comment = models.TextField(_("nhận xét chung"), blank=True)
    content_hash = models.CharField(max_length=64)
    captured_at = models.DateTimeField(_("thành viên bấm nộp lúc"), null=True, blank=True)
    via = models.CharField(max_length=8, choices=Via.choices)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("kết quả"), max_length=10, choices=Outcome.choices)
    reason_code = models.CharField(max_length=40, blank=True)
    message = models.TextField(_("lý do"), blank=True)
    # The server's side when it was refused: the same base keys as ``base``, plus the member's
    # own sheet on the server (state, answers) — never anyone else's (blind scoring).
    server = models.JSONField(_("phiên bản trên máy chủ"), default=dict)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["client_id"], name="sheet_submission_client_once")
        ]
        indexes = [models.Index(fields=["dossier", "outcome"])]
        verbose_name = _("lần nộp phiếu chấm")
        verbose_name_plural = _("lần nộp phiếu chấm")

    def __str__(self) -> str:
        return f"Lần nộp {self.client_id} — HS-{self.dossier_id:06d}: {self.outcome}"
