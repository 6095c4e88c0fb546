"""The demo's annual plan: tỉnh Bắc Giang's Kế hoạch 14/KH-UBND of 06/02/2024
(docs/sources/ke-hoach-ocop-bac-giang-2024.txt), called by ``manage.py demo``.

Its province is the legacy province LP24 (Bắc Giang until 30 June 2025); today it lies in
Bắc Ninh (P24), whose standing office (demo-tinh) reads and keeps it. The targets are the
document's: at least 350 products ≥ 3★ cumulative (253 at the end of 2022), at least 2 products
ready for the national 5★ evaluation, at least 5 upgrades; the rounds are the dossiers demo's
2024 rounds. The document gives only the budget's total (§III.9: about 20.9 billion đồng from
the province); its split over the plan's contents below is illustrative and says so.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from ocop.planning import services
from ocop.planning.models import AnnualPlan, BudgetContent, BudgetSource, IndicatorKind
from ocop.registry.models import ProductGroup
from ocop.units.models import Unit

K = IndicatorKind
BILLION = Decimal(1_000_000_000)
ILLUSTRATIVE = "Phân bổ minh hoạ (dữ liệu mẫu): văn bản chỉ nêu tổng khoảng 20,9 tỷ đồng."

INDICATORS: list[dict] = [
    {"kind": K.RECOGNISED_CUMULATIVE, "baseline": 253, "target": 350,
     "note": "Luỹ kế tối thiểu 350 sản phẩm đạt từ 3 sao trở lên (mục II.4); 2018–2022: 253 "
             "sản phẩm (33 sản phẩm 4 sao, 220 sản phẩm 3 sao)."},
    {"kind": K.VALID_PRODUCTS, "note": "Sản phẩm đang là OCOP: giấy chứng nhận còn hiệu lực."},
    {"kind": K.NEW_RECOGNISED, "note": "Sản phẩm lần đầu được công nhận trong năm."},
    {"kind": K.UPGRADES, "baseline": 0, "target": 5,
     "note": "Nâng hạng sao cho tối thiểu 05 sản phẩm đã được công nhận OCOP (mục II.4)."},
    {"kind": K.FIVE_STAR_CANDIDATES, "baseline": 0, "target": 2,
     "note": "Ít nhất 02 sản phẩm đủ điều kiện đánh giá 5 sao cấp quốc gia (mục II.4)."},
    {"kind": K.REEVALUATIONS,
     "note": "Năm 2022 có 40 % sản phẩm không tham gia đánh giá lại; vận động chủ thể có sản "
             "phẩm công nhận năm 2021 sắp hết hạn tham gia đánh giá lại."},
    {"kind": K.ZONES, "note": "Vùng nguyên liệu đặc trưng được cấp mã số vùng trồng (mục II.3)."},
    {"kind": K.PRODUCERS_TRAINED,
     "note": "Đào tạo, tập huấn nâng cao năng lực chủ thể OCOP (mục II.5)."},
]

# (content, description, approved, committed, disbursed) in billions of đồng; 20.9 in all.
BUDGET: list[tuple[str, str, str, str, str]] = [
    (BudgetContent.COMMUNICATION, "Thông tin, tuyên truyền về Chương trình (mục II.1)",
     "1.2", "1.2", "1.1"),
    (BudgetContent.CYCLE, "Đánh giá, phân hạng; lễ công bố, trao chứng nhận (mục II.10)",
     "3.5", "3.4", "3.2"),
    (BudgetContent.RAW_MATERIALS, "Vùng nguyên liệu gắn mã số vùng trồng (mục II.3)",
     "2.0", "1.8", "1.5"),
    (BudgetContent.PRODUCT_DEVELOPMENT,
     "Hỗ trợ theo Nghị quyết 67/2023/NQ-HĐND: hoàn thiện, nâng hạng sản phẩm (mục II.4, II.5)",
     "5.0", "4.6", "4.0"),
    (BudgetContent.CAPACITY, "Đào tạo, tập huấn chủ thể OCOP (mục II.5)", "2.2", "2.0", "1.8"),
    (BudgetContent.PROMOTION, "Hội chợ, xúc tiến thương mại, kết nối cung - cầu (mục II.6)",
     "4.0", "3.7", "3.3"),
    (BudgetContent.DIGITAL, "Chuyển đổi số, truy xuất nguồn gốc (mục II.7)",
     "1.5", "1.3", "1.0"),
    (BudgetContent.INSPECTION, "Kiểm tra, giám sát sau công nhận (mục II.8)",
     "0.5", "0.4", "0.4"),
    (BudgetContent.PILOT, "Mô hình thí điểm OCOP gắn với du lịch, xã Liên Chung, huyện Tân Yên "
     "(mục II.9)", "1.0", "0.9", "0.7"),
]


def _amount(billions: str) -> Decimal:
    return (Decimal(billions) * BILLION).quantize(Decimal(1))


@transaction.atomic
def build_demo_plan() -> AnnualPlan | None:
    """Create the 2024 Bắc Giang plan through the services (audited); None when LP24 is not
    loaded (a demo on another province) or the plan already exists."""
    province = Unit.objects.filter(pk="LP24").first()
    if province is None or AnnualPlan.objects.filter(province=province, year=2024).exists():
        return None
    plan = services.create_plan(actor=None, data={
        "province": province, "year": 2024,
        "title": "Kế hoạch triển khai Chương trình OCOP tỉnh Bắc Giang năm 2024",
        "decision_number": "14/KH-UBND", "decision_date": date(2024, 2, 6),
        "note": "Tiếp tục thực hiện Quyết định số 975/QĐ-UBND ngày 29/6/2018 (Đề án OCOP tỉnh "
                "Bắc Giang 2018–2020, định hướng 2030). Đánh giá cấp huyện: đợt 1 trước "
                "15/6/2024, đợt 2 trước 15/10/2024; cấp tỉnh: đợt 1 trước 10/7/2024, đợt 2 "
                "trước 30/10/2024; công bố, trao chứng nhận xong trước 15/12/2024.",
    })
    for data in INDICATORS:
        services.save_indicator(actor=None, plan=plan, data=data)
    for group in ProductGroup.objects.order_by("code"):
        services.save_indicator(actor=None, plan=plan, data={
            "kind": K.PRODUCTS_BY_GROUP, "product_group": group})
    for content, description, approved, committed, disbursed in BUDGET:
        services.save_budget_line(actor=None, plan=plan, data={
            "content": content, "source": BudgetSource.PROVINCE,
            "description": f"{description}. {ILLUSTRATIVE}",
            "approved": _amount(approved), "committed": _amount(committed),
            "disbursed": _amount(disbursed)})
    return services.approve_plan(actor=None, plan=plan)
