#!/usr/bin/env python
"""Write one ILLUSTRATIVE criteria set per product set of the classification.

    .venv/bin/python scripts/illustrative_criteria_sets.py   # (re)writes ocop/criteria/sets/148-*-minh-hoa.yaml

Why generated: the official per-criterion points of Decision 148/QĐ-TTg Annex III were not found
(docs/ocop-facts.md §1.2), yet every product set needs a sheet so that a dossier can be opened,
self-scored and scored by a council in trials and demonstrations. Each sheet keeps the 148
structure of the hand-written vegetables sheet (`148-rau-cu-qua-hat-tuoi-minh-hoa.yaml`: parts
A 40 / B 25 / C 35, the same groups, option codes and points, the same illustrative mandatory
rules) and replaces the texts of the criteria that differ by product group with the group's own
quality criteria: food safety and tests for foods and drinks, efficacy and GMP for herbal
products, materials and craftsmanship for handicrafts, service, safety and landscape for
community tourism. Every sheet says "minh họa — không chính thức"; a province replaces it by
loading the official annex (docs/criteria-format.md). Points are never invented per group: a
sheet differs from the base only in words, so the engine's properties hold on all of them alike.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
SETS = ROOT / "ocop" / "criteria" / "sets"
BASE = SETS / "148-rau-cu-qua-hat-tuoi-minh-hoa.yaml"
BASE_SET = "1048-01"  # the product set the hand-written base sheet is for

# Criterion code -> (label_vi, label_en, evidence_vi, option labels in the base's option order).
Texts = tuple[str, str, str, list[str]]

FOOD: dict[str, Texts] = {
    "C1": ("Cảm quan: trạng thái, màu sắc", "Sensory: appearance and colour",
           "Mẫu sản phẩm (hội đồng đánh giá trực tiếp)",
           ["Không phù hợp", "Chấp nhận được", "Khá phù hợp", "Phù hợp, đặc trưng"]),
}
DRINK: dict[str, Texts] = {
    "C1": ("Cảm quan: trạng thái, màu sắc, độ trong", "Sensory: appearance, colour, clarity",
           "Mẫu sản phẩm (hội đồng đánh giá trực tiếp)",
           ["Không phù hợp", "Chấp nhận được", "Khá phù hợp", "Phù hợp, đặc trưng"]),
    "C8": ("Điều kiện sản xuất: an toàn thực phẩm và giấy phép sản xuất đồ uống",
           "Production conditions: food safety and drink production licence",
           "Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm; giấy phép sản xuất rượu (nếu có)",
           ["Không có", "Có bản cam kết sản xuất thực phẩm an toàn",
            "Có giấy chứng nhận đủ điều kiện an toàn thực phẩm và giấy phép sản xuất theo quy định"]),
}
HERBAL: dict[str, Texts] = {
    "C1": ("Cảm quan, hình thức sản phẩm", "Sensory and presentation",
           "Mẫu sản phẩm (hội đồng đánh giá trực tiếp)",
           ["Không phù hợp", "Chấp nhận được", "Khá phù hợp", "Phù hợp, đồng đều"]),
    "C2": ("Công dụng, hiệu quả sử dụng", "Use and efficacy",
           "Tài liệu nghiên cứu, đánh giá công dụng; phản hồi của người dùng",
           ["Không chứng minh được", "Có tài liệu tham khảo", "Có đánh giá của cơ sở chuyên môn",
            "Có nghiên cứu, thử nghiệm được công bố"]),
    "C3": ("Nguồn gốc dược liệu", "Origin of the medicinal materials",
           "Hồ sơ nguồn gốc dược liệu; chứng nhận GACP-WHO (nếu có)",
           ["Không rõ nguồn gốc", "Có hồ sơ nguồn gốc", "Vùng trồng đạt GACP-WHO"]),
    "C5": ("Tiêu chuẩn sản phẩm, hồ sơ công bố/đăng ký lưu hành", "Product standard and registration",
           "Tiêu chuẩn cơ sở; số công bố mỹ phẩm, số đăng ký lưu hành (thuốc, thiết bị y tế)",
           ["Không có", "Có tiêu chuẩn sản phẩm",
            "Có tiêu chuẩn và hồ sơ công bố/đăng ký lưu hành theo quy định"]),
    "C6": ("Kiểm nghiệm chất lượng và an toàn (vi sinh, kim loại nặng, hoạt chất)",
           "Quality and safety tests (microbes, heavy metals, active ingredients)",
           "Phiếu kết quả kiểm nghiệm của phòng thử nghiệm được công nhận",
           ["Không kiểm tra", "Có kiểm tra, không đạt", "Có kiểm tra, đạt nhưng chưa đầy đủ chỉ tiêu",
            "Có kiểm tra, đạt đầy đủ các chỉ tiêu theo tiêu chuẩn công bố"]),
    "C7": ("Hệ thống quản lý chất lượng (GMP, ISO)", "Quality management (GMP, ISO)",
           "Kế hoạch kiểm soát chất lượng; hồ sơ lô; chứng nhận GMP, ISO 22716, ISO 13485…",
           ["Không có", "Có kế hoạch kiểm soát chất lượng", "Có hồ sơ ghi chép theo lô sản xuất",
            "Có kế hoạch kiểm soát chất lượng và hồ sơ ghi chép theo lô",
            "Có chứng nhận thực hành sản xuất tốt (GMP) hoặc ISO tương ứng",
            "Có chứng nhận GMP và đáp ứng yêu cầu của thị trường xuất khẩu mục tiêu"]),
    "C8": ("Điều kiện sản xuất theo quy định của ngành y tế", "Production eligibility (health sector)",
           "Giấy chứng nhận đủ điều kiện sản xuất (thực phẩm chức năng, mỹ phẩm, dược liệu, thiết bị y tế)",
           ["Không có", "Có bản cam kết đáp ứng điều kiện sản xuất",
            "Có giấy chứng nhận đủ điều kiện sản xuất theo quy định"]),
}
HANDICRAFT: dict[str, Texts] = {
    "C1": ("Kỹ thuật chế tác, tay nghề thủ công", "Craft technique and workmanship",
           "Mẫu sản phẩm (hội đồng đánh giá trực tiếp); mô tả công đoạn thủ công",
           ["Thô, chưa hoàn thiện", "Chấp nhận được", "Tinh xảo", "Rất tinh xảo, đồng đều"]),
    "C2": ("Thẩm mỹ, hoàn thiện bề mặt", "Aesthetics and finish",
           "Mẫu sản phẩm (hội đồng đánh giá trực tiếp)", ["Kém", "Trung bình", "Khá", "Tốt"]),
    "C3": ("Nguyên liệu, vật liệu tự nhiên, thân thiện môi trường", "Natural, eco-friendly materials",
           "Hồ sơ nguồn gốc nguyên liệu (tre, mây, gỗ, tơ, sợi…)",
           ["Không rõ nguồn gốc", "Có nguồn gốc rõ ràng", "Vật liệu tự nhiên, tái tạo hoặc tái chế"]),
    "C4": ("Tính độc đáo, bản sắc văn hóa", "Uniqueness and cultural identity",
           "Mẫu sản phẩm; tài liệu về nghề truyền thống, hoa văn, kiểu dáng",
           ["Bình thường", "Khá độc đáo", "Độc đáo", "Rất độc đáo, mang bản sắc làng nghề"]),
    "C5": ("Tiêu chuẩn sản phẩm, công bố chất lượng", "Product standard and quality declaration",
           "Tiêu chuẩn cơ sở; bản công bố tiêu chuẩn áp dụng",
           ["Không có", "Có tiêu chuẩn sản phẩm", "Có tiêu chuẩn và hồ sơ công bố theo quy định"]),
    "C6": ("Kiểm tra an toàn cho người dùng (hóa chất, formaldehyde, kim loại nặng, độ bền)",
           "User-safety tests (chemicals, formaldehyde, heavy metals, durability)",
           "Phiếu kết quả thử nghiệm của phòng thử nghiệm được công nhận",
           ["Không kiểm tra", "Có kiểm tra, không đạt", "Có kiểm tra, đạt nhưng chưa đầy đủ chỉ tiêu",
            "Có kiểm tra, đạt đầy đủ các chỉ tiêu an toàn"]),
    "C7": ("Quản lý chất lượng sản phẩm", "Product quality management",
           "Quy trình kiểm tra sản phẩm; hồ sơ lô; chứng nhận ISO, FSC (gỗ)…",
           ["Không có", "Có quy trình kiểm tra chất lượng", "Có hồ sơ ghi chép theo lô sản xuất",
            "Có quy trình kiểm tra và hồ sơ ghi chép theo lô",
            "Có chứng nhận hệ thống quản lý chất lượng (ISO 9001) hoặc nguồn gốc vật liệu (FSC)",
            "Có chứng nhận và đáp ứng yêu cầu của thị trường xuất khẩu mục tiêu"]),
    "C8": ("An toàn lao động và môi trường tại cơ sở", "Workplace safety and environment",
           "Hồ sơ an toàn lao động, phòng cháy chữa cháy; hồ sơ môi trường",
           ["Không có", "Có cam kết bảo đảm an toàn lao động, môi trường",
            "Có hồ sơ an toàn lao động và môi trường theo quy định"]),
}
TOURISM: dict[str, Texts] = {
    "A1": ("Sử dụng tài nguyên, sản phẩm và lao động địa phương trong dịch vụ",
           "Local resources, products and people in the service",
           "Danh sách lao động, nhà cung cấp địa phương; thực đơn, sản phẩm bán tại điểm",
           ["Dưới 50% từ địa phương", "Từ 50% đến dưới 75% từ địa phương",
            "Từ 75% đến 100% từ địa phương",
            "Từ 75% đến 100% từ địa phương, có sản phẩm OCOP của địa phương"]),
    "A2": ("Chuỗi dịch vụ, trải nghiệm", "Range of services and experiences",
           "Danh mục dịch vụ, chương trình trải nghiệm",
           ["Chỉ tham quan", "Tham quan và ăn uống", "Có lưu trú hoặc trải nghiệm nghề, văn hóa",
            "Chuỗi dịch vụ trọn gói: lưu trú, ẩm thực, trải nghiệm, mua sắm"]),
    "A3": ("Sức chứa, khả năng đón khách", "Capacity to receive visitors",
           "Báo cáo lượt khách, sức chứa", ["Quy mô nhỏ", "Quy mô vừa", "Quy mô lớn"]),
    "C1": ("Chất lượng dịch vụ đón tiếp, hướng dẫn", "Quality of welcome and guiding",
           "Đánh giá trực tiếp của hội đồng; phản hồi của du khách",
           ["Không phù hợp", "Chấp nhận được", "Khá", "Tốt, chuyên nghiệp"]),
    "C2": ("Ẩm thực, sản phẩm đặc trưng phục vụ du khách", "Local food and products for visitors",
           "Thực đơn; sản phẩm bán tại điểm", ["Kém", "Trung bình", "Khá", "Tốt"]),
    "C3": ("Cảnh quan, kiến trúc, bảo tồn", "Landscape, architecture, conservation",
           "Hình ảnh; đánh giá trực tiếp của hội đồng",
           ["Không được quan tâm", "Được giữ gìn", "Đặc sắc, được bảo tồn và phát huy"]),
    "C4": ("Tính độc đáo của điểm du lịch, giá trị văn hóa", "Uniqueness and cultural value",
           "Tài liệu về lịch sử, lễ hội, di tích, nghề truyền thống",
           ["Bình thường", "Khá độc đáo", "Độc đáo", "Rất độc đáo"]),
    "C5": ("Quy chế quản lý, công bố tiêu chuẩn dịch vụ", "Management rules and service standards",
           "Quy chế quản lý điểm du lịch; bảng giá, nội quy công khai",
           ["Không có", "Có nội quy, bảng giá công khai", "Có quy chế quản lý và tiêu chuẩn dịch vụ"]),
    "C6": ("An toàn cho du khách (phòng cháy, cứu hộ, an ninh, y tế)",
           "Visitor safety (fire, rescue, security, first aid)",
           "Hồ sơ phòng cháy chữa cháy; phương án cứu hộ; tủ thuốc, sơ cứu",
           ["Không có phương án", "Có phương án, chưa đạt", "Có phương án, đạt một phần",
            "Đạt đầy đủ các yêu cầu an toàn"]),
    "C7": ("Quản lý chất lượng dịch vụ", "Service quality management",
           "Sổ góp ý; khảo sát hài lòng; chứng nhận tiêu chuẩn du lịch",
           ["Không có", "Có tiếp nhận góp ý", "Có khảo sát hài lòng định kỳ",
            "Có khảo sát định kỳ và xử lý góp ý",
            "Có chứng nhận tiêu chuẩn dịch vụ du lịch (homestay, nhà hàng đạt chuẩn…)",
            "Có chứng nhận tiêu chuẩn và được công nhận ở cấp quốc gia hoặc quốc tế"]),
    "C8": ("Vệ sinh môi trường, nhà vệ sinh đạt chuẩn", "Hygiene, environment, toilets",
           "Đánh giá trực tiếp của hội đồng; hồ sơ thu gom rác thải",
           ["Không đạt", "Có cam kết bảo đảm vệ sinh môi trường",
            "Nhà vệ sinh đạt chuẩn và thu gom, xử lý rác thải"]),
    "C9": ("Khả năng đón khách quốc tế", "Capacity for international visitors",
           "Thống kê khách quốc tế; tài liệu giới thiệu bằng ngoại ngữ; liên kết lữ hành",
           ["Chưa đón khách quốc tế", "Có đón khách quốc tế trong khu vực",
            "Có đón khách quốc tế ngoài khu vực",
            "Có liên kết lữ hành quốc tế, đón khách từ thị trường tiêu chuẩn cao"]),
}
PROFILES = {"1": FOOD, "2": DRINK, "3": HERBAL, "4": HANDICRAFT, "6": TOURISM}

# Group -> mandatory-rule code -> message (the base's messages speak of food safety).
MANDATORY: dict[str, dict[str, str]] = {
    "3": {
        "M3-ATTP": "(Minh họa) Để đạt từ 3 sao, sản phẩm phải có kết quả kiểm nghiệm chất lượng, an toàn đạt yêu cầu.",
        "M3-CONGBO": "(Minh họa) Để đạt từ 3 sao, sản phẩm phải có tiêu chuẩn và hồ sơ công bố/đăng ký lưu hành.",
        "M3-COSO": "(Minh họa) Để đạt từ 3 sao, cơ sở phải đáp ứng điều kiện sản xuất theo quy định của ngành y tế.",
    },
    "4": {
        "M3-ATTP": "(Minh họa) Để đạt từ 3 sao, sản phẩm phải có kết quả thử nghiệm an toàn cho người dùng đạt yêu cầu.",
        "M3-COSO": "(Minh họa) Để đạt từ 3 sao, cơ sở phải cam kết bảo đảm an toàn lao động và môi trường.",
        "M4-QLCL": "(Minh họa) Để đạt từ 4 sao, phải có quy trình kiểm tra chất lượng và hồ sơ ghi chép theo lô.",
    },
    "6": {
        "M3-ATTP": "(Minh họa) Để đạt từ 3 sao, điểm du lịch phải có phương án bảo đảm an toàn cho du khách.",
        "M3-CONGBO": "(Minh họa) Để đạt từ 3 sao, điểm du lịch phải có nội quy, bảng giá công khai.",
        "M3-COSO": "(Minh họa) Để đạt từ 3 sao, điểm du lịch phải bảo đảm vệ sinh môi trường.",
        "M4-QLCL": "(Minh họa) Để đạt từ 4 sao, phải khảo sát mức độ hài lòng của du khách định kỳ.",
        "M5-XUATKHAU": "(Minh họa) Để đạt 5 sao, điểm du lịch phải đón được khách quốc tế ngoài khu vực.",
    },
}

SLUGS = {
    "1048-02": "thit-trung-sua-tuoi", "1048-03": "gao-ngu-coc", "1048-04": "mat-ong",
    "1048-05": "do-an-nhanh", "1048-06": "che-bien-tu-gao-ngu-coc",
    "1048-07": "che-bien-tu-rau-cu-qua-hat", "1048-08": "che-bien-tu-thit-trung-sua",
    "1048-09": "che-bien-tu-thuy-hai-san", "1048-10": "tuong-nuoc-mam-gia-vi-long",
    "1048-11": "gia-vi-khac", "1048-12": "che-tuoi-che-bien", "1048-13": "san-pham-khac-tu-che",
    "1048-14": "ca-phe-ca-cao", "1048-15": "ruou-trang", "1048-16": "do-uong-co-con-khac",
    "1048-17": "nuoc-khoang-nuoc-tinh-khiet", "1048-18": "do-uong-khong-con",
    "1048-19": "thuc-pham-chuc-nang-thuoc-duoc-lieu", "1048-20": "my-pham",
    "1048-21": "thiet-bi-dung-cu-y-te", "1048-22": "thao-duoc-khac",
    "1048-23": "thu-cong-my-nghe-trang-tri", "1048-24": "thu-cong-my-nghe-gia-dung",
    "1048-25": "vai-may-mac", "1048-26": "dich-vu-du-lich-cong-dong",
}


def product_sets() -> list[dict[str, Any]]:
    data = yaml.safe_load((SETS / "classification.yaml").read_text(encoding="utf-8"))
    return data["product_sets"]


def build(base: dict[str, Any], product_set: dict[str, Any]) -> dict[str, Any]:
    group = product_set["group"]
    data = copy.deepcopy(base)
    data["code"] = f"148-{SLUGS[product_set['code']]}-minh-hoa"
    data["version"] = 1
    data["title_vi"] = ("Phiếu đánh giá sản phẩm OCOP theo cấu trúc Quyết định 148/QĐ-TTg — "
                        f"{product_set['name_vi']} (MINH HỌA)")
    data["title_en"] = ("OCOP score sheet in the structure of Decision 148/QĐ-TTg — "
                        f"{product_set['name_en']} (ILLUSTRATIVE)")
    data["applies_to"] = {"group": group, "product_set": product_set["code"]}
    data["notes"] = (
        f"Bộ minh họa cho bộ sản phẩm {product_set['code']} “{product_set['name_vi']}”, sinh "
        "bằng scripts/illustrative_criteria_sets.py từ bộ minh họa Rau, củ, quả, hạt tươi: cùng "
        "cấu trúc, mã phương án và điểm; nội dung các tiêu chí chất lượng theo nhóm sản phẩm. "
        "Không dùng để đánh giá, phân hạng thật."
    )
    data["sources"] = [
        "ocop-facts.md §1.2 (148 structure), §1.4 (classification); "
        "148-rau-cu-qua-hat-tuoi-minh-hoa.yaml (points and rules)"
    ]
    for criterion in data["criteria"]:
        texts = PROFILES[group].get(criterion["code"])
        if texts is None:
            continue
        label_vi, label_en, evidence_vi, options = texts
        if len(options) != len(criterion["options"]):
            raise SystemExit(f"{group}/{criterion['code']}: {len(options)} option texts for "
                             f"{len(criterion['options'])} options")
        criterion.update(label_vi=label_vi, label_en=label_en, evidence_vi=evidence_vi)
        for option, text in zip(criterion["options"], options, strict=True):
            option["label_vi"] = text
    for rule in data.get("mandatory", []):
        rule["message_vi"] = MANDATORY.get(group, {}).get(rule["code"], rule["message_vi"])
    return data


HEADER = """\
# Bộ tiêu chí MINH HỌA theo cấu trúc Quyết định 148/QĐ-TTg — {name}.
# NOT OFFICIAL. Generated by scripts/illustrative_criteria_sets.py (do not edit by hand): the
# structure, option codes, points and rules of 148-rau-cu-qua-hat-tuoi-minh-hoa.yaml with the
# quality criteria of product group {group}. Load the official Annex III of Decision 148/QĐ-TTg
# (as amended by 1489/QĐ-TTg) to replace it.
"""


def main() -> int:
    base = yaml.safe_load(BASE.read_text(encoding="utf-8"))
    written = 0
    for product_set in product_sets():
        if product_set["code"] == BASE_SET:
            continue
        data = build(base, product_set)
        path = SETS / f"{data['code']}.yaml"
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
        path.write_text(HEADER.format(name=product_set["name_vi"], group=product_set["group"])
                        + text, encoding="utf-8")
        written += 1
    print(f"wrote {written} illustrative sets to {SETS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
