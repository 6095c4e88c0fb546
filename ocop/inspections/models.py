"""Post-certification inspection (kiểm tra, giám sát sau công nhận; founding plan §II.8).

- ``InspectionPlan``: an annual, thematic or complaint-driven plan of one current province, with
  the inspectors assigned to it (inspectors or the standing office of that province).
- ``Visit``: one inspection of one certified product under a plan, with the findings of a small
  fixed checklist (``CHECKLIST``), photos, samples, the conclusion, a follow-up deadline and
  sanctions. Producers see a visit of their own product once it is concluded.
- ``RevocationProposal``: a failing visit may propose revoking the product's certificate; the
  standing office completes it through the certificates app's own revocation service.
- ``Complaint``: a consumer's report from the public scan or verification page, routed to the
  province of the product it names.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ocop.core.files import UnguessableUploadTo
from ocop.core.validators import PlainText


class PlanKind(models.TextChoices):
    ANNUAL = "annual", _("Kiểm tra định kỳ hằng năm")
    THEMATIC = "thematic", _("Kiểm tra chuyên đề")
    COMPLAINT = "complaint", _("Kiểm tra theo phản ánh")


class InspectionPlan(models.Model):
    kind = models.CharField(_("loại kế hoạch"), max_length=12, choices=PlanKind.choices)
    province = models.ForeignKey(
        "units.Unit", verbose_name=_("tỉnh/thành phố"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("tên kế hoạch"), max_length=255,
                             validators=[PlainText(_("Tên kế hoạch"))])
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến ngày"))
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("người kiểm tra"), related_name="inspection_plans"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                   name="inspection_plan_period_ordered"),
        ]
        verbose_name = _("kế hoạch kiểm tra")
        verbose_name_plural = _("kế hoạch kiểm tra")

    def __str__(self) -> str:
        return self.title

    @property
    def reference(self) -> str:
        return f"KH-{self.pk:05d}"


class FindingResult(models.TextChoices):
    PASS = "pass", _("Đạt")
    FAIL = "fail", _("Không đạt")
    NOT_APPLICABLE = "na", _("Không áp dụng")


# The fixed checklist of a visit (code → label). Codes are stored; labels follow the language.
CHECKLIST: dict[str, object] = {
    "label": _("Nhãn sản phẩm và việc sử dụng nhãn, tem OCOP"),
    "quality": _("Chất lượng sản phẩm so với hồ sơ được công nhận"),
    "certificate": _("Hiệu lực của giấy chứng nhận OCOP"),
    "traceability": _("Hồ sơ truy xuất nguồn gốc"),
    "food_safety": _("Điều kiện bảo đảm an toàn thực phẩm"),
}


class Visit(models.Model):
    plan = models.ForeignKey(InspectionPlan, verbose_name=_("kế hoạch kiểm tra"),
                             on_delete=models.PROTECT, related_name="visits")
    product = models.ForeignKey("registry.Product", verbose_name=_("sản phẩm"),
                                on_delete=models.PROTECT, related_name="inspection_visits")
    certificate = models.ForeignKey("certificates.Certificate",
                                    verbose_name=_("giấy chứng nhận OCOP"),
                                    on_delete=models.PROTECT, related_name="inspection_visits")
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người kiểm tra"),
                                  on_delete=models.PROTECT, related_name="+")
    visited_on = models.DateField(_("ngày kiểm tra"))
    place = models.CharField(_("địa điểm"), max_length=255,
                             validators=[PlainText(_("Địa điểm"))])
    conclusion = models.TextField(_("kết luận"), blank=True)
    concluded_at = models.DateTimeField(_("kết luận lúc"), null=True, blank=True)
    follow_up_by = models.DateField(_("hạn khắc phục"), null=True, blank=True)
    sanctions = models.TextField(_("biện pháp xử lý"), blank=True)
    # Made by the inspector's device for a visit recorded offline (docs/offline.md): a retry of
    # the same visit finds this row through the unique constraint instead of recording it twice.
    client_id = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-visited_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["client_id"], name="inspection_visit_client_once"),
        ]
        verbose_name = _("lần kiểm tra")
        verbose_name_plural = _("lần kiểm tra")

    def __str__(self) -> str:
        # Vietnamese whatever the interface: audit entries store it.
        return f"Biên bản kiểm tra {self.reference} ngày {self.visited_on:%d/%m/%Y}"

    @property
    def reference(self) -> str:
        return f"KT-{self.pk:05d}"

    @property
    def concluded(self) -> bool:
        return self.concluded_at is not None


class Finding(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="findings")
    item = models.CharField(_("nội dung kiểm tra"), max_length=20)
    result = models.CharField(_("kết quả"), max_length=4, choices=FindingResult.choices)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["visit", "item"],
                                               name="inspection_finding_once_per_item")]
        verbose_name = _("kết quả kiểm tra")
        verbose_name_plural = _("kết quả kiểm tra")

    def __str__(self) -> str:
        return f"{self.item}: {self.result}"

    @property
    def label(self) -> str:
        return str(CHECKLIST.get(self.item, self.item))


class VisitPhoto(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="photos")
    file = models.ImageField(_("ảnh"), upload_to=UnguessableUploadTo("inspections"))
    original_name = models.CharField(_("tên tệp gốc"), max_length=255, blank=True)
    caption = models.CharField(_("chú thích"), max_length=255, blank=True,
                               validators=[PlainText(_("Chú thích"))])
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    # A photo taken offline: when the device took it (its file's time), and the device's id of
    # the upload (unique: a retried upload is the same photo).
    captured_at = models.DateTimeField(_("chụp lúc"), null=True, blank=True)
    client_id = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["client_id"], name="inspection_photo_client_once"),
        ]
        verbose_name = _("ảnh kiểm tra")
        verbose_name_plural = _("ảnh kiểm tra")

    def __str__(self) -> str:
        return self.caption or self.original_name


class HeldVisit(models.Model):
    """A visit recorded offline that reached the server when it could no longer be recorded
    (the inspector was taken off the plan, the product's certificate is no longer valid):
    kept as the device sent it, with the reason, for the standing office — never dropped."""

    client_id = models.UUIDField(_("mã lần gửi"))
    plan = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="held_visits")
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    data = models.JSONField(_("bản của người kiểm tra"))
    content_hash = models.CharField(max_length=64)
    captured_at = models.DateTimeField(null=True, blank=True)
    reason_code = models.CharField(max_length=60)
    message = models.TextField(_("lý do"))
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["client_id"], name="inspection_held_visit_once"),
        ]
        verbose_name = _("lần kiểm tra không được nhận")
        verbose_name_plural = _("lần kiểm tra không được nhận")

    def __str__(self) -> str:
        return f"Lần kiểm tra gửi muộn {self.client_id}"


class Sample(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="samples")
    description = models.CharField(_("mẫu lấy"), max_length=255,
                                   validators=[PlainText(_("Mẫu lấy"))])
    lab = models.CharField(_("phòng kiểm nghiệm"), max_length=255,
                           validators=[PlainText(_("Phòng kiểm nghiệm"))])
    result = models.TextField(_("kết quả kiểm nghiệm"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("mẫu kiểm nghiệm")
        verbose_name_plural = _("mẫu kiểm nghiệm")

    def __str__(self) -> str:
        return self.description


class ProposalState(models.TextChoices):
    PROPOSED = "proposed", _("Chờ cơ quan thường trực xử lý")
    COMPLETED = "completed", _("Đã thu hồi giấy chứng nhận")
    DECLINED = "declined", _("Không thu hồi")


class RevocationProposal(models.Model):
    visit = models.ForeignKey(Visit, verbose_name=_("lần kiểm tra"), on_delete=models.PROTECT,
                              related_name="proposals")
    certificate = models.ForeignKey("certificates.Certificate",
                                    verbose_name=_("giấy chứng nhận OCOP"),
                                    on_delete=models.PROTECT, related_name="revocation_proposals")
    reason = models.TextField(_("lý do đề nghị thu hồi"))
    state = models.CharField(_("trạng thái"), max_length=10, choices=ProposalState.choices,
                             default=ProposalState.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("ghi chú xử lý"), blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["certificate"], condition=Q(state="proposed"),
                                    name="inspection_one_open_proposal_per_certificate"),
        ]
        verbose_name = _("đề nghị thu hồi")
        verbose_name_plural = _("đề nghị thu hồi")

    def __str__(self) -> str:
        return f"Đề nghị thu hồi {self.certificate_id} ({self.visit_id})"

    @property
    def reference(self) -> str:
        return f"ĐN-{self.pk:05d}"


class ComplaintState(models.TextChoices):
    NEW = "new", _("Mới nhận")
    IN_PLAN = "in_plan", _("Đã đưa vào kế hoạch kiểm tra")
    CLOSED = "closed", _("Đã đóng")


class Complaint(models.Model):
    """A consumer's report; no account. ``province`` is where it is handled: the province of
    the product the stamp or certificate names, or none (the central office) when neither is
    known."""

    text = models.TextField(_("nội dung phản ánh"))
    contact = models.CharField(_("liên hệ"), max_length=150, blank=True,
                               validators=[PlainText(_("Liên hệ"))])
    stamp = models.CharField(_("tem truy xuất"), max_length=300, blank=True)
    certificate_number = models.CharField(_("số giấy chứng nhận"), max_length=32, blank=True)
    product = models.ForeignKey("registry.Product", verbose_name=_("sản phẩm"), null=True,
                                blank=True, on_delete=models.PROTECT, related_name="+")
    certificate = models.ForeignKey("certificates.Certificate", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey("units.Unit", verbose_name=_("tỉnh/thành phố"), null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="+")
    photo = models.ImageField(_("ảnh"), upload_to=UnguessableUploadTo("complaints"), blank=True)
    photo_name = models.CharField(max_length=255, blank=True)
    state = models.CharField(_("trạng thái"), max_length=10, choices=ComplaintState.choices,
                             default=ComplaintState.NEW)
    plan = models.ForeignKey(InspectionPlan, verbose_name=_("kế hoạch kiểm tra"), null=True,
                             blank=True, on_delete=models.SET_NULL, related_name="complaints")
    received_at = models.DateTimeField(_("nhận lúc"), auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["province", "state"])]
        verbose_name = _("phản ánh")
        verbose_name_plural = _("phản ánh")

    def __str__(self) -> str:
        return f"Phản ánh {self.reference}"

    @property
    def reference(self) -> str:
        return f"PA-{self.pk:05d}"
