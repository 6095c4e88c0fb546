"""Demo inspections (founding plan §II.8): Bắc Ninh's 2024 annual post-certification plan with
two visits — one passing, one failing with a revocation proposal waiting for the standing
office — and one consumer complaint from the verification page.

Everything goes through ocop.inspections.services with the demo accounts (``demo-tinh`` plans
and receives, ``demo-thanhtra`` inspects), so the audit entries and notifications are the ones
real users would cause. A handful of rows: it adds well under a second to ``manage.py demo``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from ocop.accounts.models import User
from ocop.certificates.models import Certificate
from ocop.inspections import services
from ocop.inspections.models import CHECKLIST, FindingResult

PLAN_YEAR = 2024
VISIT_DAYS = (date(2024, 9, 12), date(2024, 10, 8))


@dataclass(frozen=True)
class DemoInspections:
    plan_id: int
    visits: tuple[int, ...]
    proposal_id: int
    complaint: str


def _certificates(province_id: str, day: date, today: date) -> list[Certificate]:
    """Certificates of the province valid on the visit day, those still valid today first (a
    proposal needs a certificate it can still revoke), one per product, in number order."""
    rows = (Certificate.objects.filter(administered_by_id=province_id).valid_on(day)
            .select_related("product", "product__producer__commune").order_by("number"))
    still_valid = [c for c in rows if c.status_on(today) == "valid"]
    rest = [c for c in rows if c.status_on(today) != "valid"]
    seen: set[int] = set()
    out = []
    for certificate in still_valid + rest:
        if certificate.product_id not in seen:
            seen.add(certificate.product_id)
            out.append(certificate)
    return out


@transaction.atomic
def build_demo_inspections(*, today: date | None = None) -> DemoInspections | None:
    today = today or timezone.localdate()
    office = User.objects.select_related("unit").filter(username="demo-tinh").first()
    inspector = User.objects.filter(username="demo-thanhtra").first()
    if office is None or inspector is None or office.unit is None:
        return None
    province = office.unit
    candidates = _certificates(province.pk, VISIT_DAYS[0], today)
    candidates = [c for c in candidates if c.valid_until >= VISIT_DAYS[1]]
    if len(candidates) < 2:
        return None
    failing_cert, passing_cert = candidates[0], candidates[1]
    plan = services.create_plan(
        actor=office, province=province, kind="annual",
        title=f"Kế hoạch kiểm tra, giám sát sản phẩm OCOP sau công nhận năm {PLAN_YEAR}",
        starts_on=date(PLAN_YEAR, 3, 1), ends_on=date(PLAN_YEAR, 12, 31),
        inspectors=[inspector, office])
    passing = services.record_visit(
        actor=inspector, plan=plan, product=passing_cert.product, visited_on=VISIT_DAYS[0],
        place=f"Cơ sở sản xuất của {passing_cert.product.producer.name}",
        findings={item: (FindingResult.PASS, "") for item in CHECKLIST},
        conclusion="Sản phẩm duy trì chất lượng và điều kiện sản xuất như hồ sơ được công "
                   "nhận; sử dụng nhãn, tem OCOP đúng quy định.", today=today)
    findings = {item: (FindingResult.PASS, "") for item in CHECKLIST}
    findings["label"] = (FindingResult.FAIL, "In biểu trưng OCOP 4 sao trên bao bì trong khi "
                                             "giấy chứng nhận ghi hạng thấp hơn."
                         if failing_cert.stars < 4 else
                         "Dùng nhãn OCOP cho sản phẩm khác chưa được công nhận.")
    findings["traceability"] = (FindingResult.FAIL, "Không xuất trình được sổ ghi chép lô "
                                                    "sản xuất tháng 9/2024.")
    failing = services.record_visit(
        actor=inspector, plan=plan, product=failing_cert.product, visited_on=VISIT_DAYS[1],
        place=f"Cơ sở sản xuất của {failing_cert.product.producer.name}", findings=findings,
        conclusion="Vi phạm quy định sử dụng nhãn OCOP; không duy trì hồ sơ truy xuất nguồn "
                   "gốc.", follow_up_by=date(2024, 11, 8),
        sanctions="Lập biên bản vi phạm; yêu cầu thu hồi bao bì in sai.", today=today)
    services.add_sample(actor=inspector, visit=failing,
                        description=f"02 đơn vị sản phẩm “{failing_cert.product.name}”",
                        lab="Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng Bắc Giang",
                        result="Đạt chỉ tiêu vi sinh; chỉ tiêu cảm quan không đạt.")
    proposal = services.propose_revocation(
        actor=inspector, visit=failing,
        reason="Chủ thể sử dụng nhãn OCOP sai hạng sao và không duy trì hồ sơ truy xuất nguồn "
               "gốc như khi được công nhận.",
        today=today if failing_cert.status_on(today) == "valid" else VISIT_DAYS[1])
    complaint = services.submit_complaint(
        text="Tôi mua sản phẩm tại chợ đầu mối, bao bì có logo OCOP nhưng màu in khác hẳn hàng "
             "mua trước đây, nghi hàng giả.",
        certificate_number=passing_cert.number)
    return DemoInspections(plan.pk, (passing.pk, failing.pk), proposal.pk, complaint.reference)
