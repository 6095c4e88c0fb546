"""What Bắc Giang and old Bắc Ninh actually make: product templates for the demo and the scale data.

Each template names a product line, the producer activity that makes it, where in the product
classification it belongs (matched by keywords against the loaded classification, so the demo
follows whatever set codes the administrator loaded) and realistic packaging and shelf life.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Group keywords, folded (no diacritics), matched against ProductGroup.name_vi.
FOOD = "thuc pham"
DRINK = "do uong"
HERBAL = "duoc lieu"
CRAFT = "thu cong"
ORNAMENTAL = "sinh vat canh"
TOURISM = "du lich"


@dataclass(frozen=True)
class Template:
    key: str
    base: str  # product name stem; a place or brand is appended
    activity: str  # what the producer does, used in its name ("HTX Vải thiều …")
    group: str
    set_hints: tuple[str, ...]  # folded substrings of the product set / sub-group name, in order
    packaging: tuple[str, ...] = ()
    shelf_life: tuple[int, int] | None = None  # days, min–max; None = not perishable / service
    ingredients: str = ""
    description: str = ""
    # Packaged goods usually carry a GS1 barcode; services and fresh bulk goods do not.
    barcode: bool = True
    docs: tuple[str, ...] = ("food_safety", "test_report", "quality_decl")
    # False for specialities bound to one place (Mỳ Chũ, Gốm Thổ Hà…): the national generator
    # leaves them out rather than make "Gốm Thổ Hà" in Cà Mau.
    generic: bool = True


T = Template
FRESH_FRUIT = ("rau, cu, qua, hat tuoi", "qua tuoi", "tuoi song")
PROCESSED_FRUIT = ("che bien tu rau, cu, qua", "che bien tu rau", "che bien")
RICE_PRODUCTS = ("che bien tu gao", "gao, ngu coc", "ngu coc")
HONEY = ("mat ong",)
MEAT_FRESH = ("thit, trung, sua tuoi", "thit, thuy san", "thit")
MEAT_PROCESSED = ("che bien tu thit", "thit")
TEA = ("che tuoi", "che", "tra")
SPIRITS = ("ruou trang", "do uong co con", "co con")
OTHER_DRINKS = ("do uong khong con", "khong con")
HERBS = ("thao duoc", "duoc lieu khac", "thuc pham chuc nang", "duoc lieu")
COSMETICS = ("my pham", "tinh dau")
CRAFT_DECOR = ("trang tri", "thu cong my nghe")
CRAFT_HOUSEHOLD = ("gia dung", "thu cong my nghe")
PLANTS = ("cay canh", "hoa", "sinh vat canh")
TOURISM_SETS = ("du lich",)
NO_DOCS: tuple[str, ...] = ()

TEMPLATES: dict[str, Template] = {
    t.key: t
    for t in [
        T("vai-tuoi", "Vải thiều", "Vải thiều", FOOD, FRESH_FRUIT,
          ("Hộp carton 2 kg", "Thùng xốp 5 kg", "Giỏ nhựa 10 kg"), (5, 10),
          "Quả vải thiều tươi", "Vải thiều trồng theo tiêu chuẩn VietGAP, có mã số vùng trồng.",
          barcode=False, docs=("qms", "planting_area", "test_report")),
        T("vai-say", "Vải thiều sấy khô", "Vải thiều", FOOD, PROCESSED_FRUIT,
          ("Túi 500 g", "Hộp 1 kg"), (180, 365), "Vải thiều tươi sấy khô nguyên quả",
          "Vải sấy bằng lò than truyền thống, cùi dày, vị ngọt đậm."),
        T("mat-ong-vai", "Mật ong hoa vải", "Mật ong", FOOD, HONEY,
          ("Chai thủy tinh 500 ml", "Chai 1 lít"), (540, 730), "Mật ong nguyên chất từ hoa vải",
          "Mật ong khai thác vụ hoa vải tháng 2–3."),
        T("mat-ong", "Mật ong", "Mật ong", FOOD, HONEY,
          ("Chai thủy tinh 350 ml", "Chai 500 ml"), (540, 730), "Mật ong nguyên chất",
          "Mật ong rừng và mật ong hoa keo, bạc hà."),
        T("ruou-vai", "Rượu vải", "Rượu vải", DRINK, ("do uong co con khac", "co con"),
          ("Chai 500 ml", "Chai 750 ml"), (730, 1095), "Vải thiều lên men, rượu nếp",
          "Rượu vang vải lên men tự nhiên."),
        T("nuoc-vai", "Nước cốt vải thiều", "Vải thiều", DRINK, OTHER_DRINKS,
          ("Chai 330 ml", "Thùng 24 chai"), (180, 365), "Nước cốt vải thiều, đường",
          "Nước ép vải thiều thanh trùng."),
        T("my-chu", "Mỳ Chũ", "Mỳ Chũ", FOOD, RICE_PRODUCTS,
          ("Túi 500 g", "Túi 1 kg", "Hộp quà 2 kg"), (180, 365), "Gạo bao thai",
          "Mỳ gạo làm từ gạo bao thai Lục Ngạn, phơi nắng tự nhiên.", generic=False),
        T("cam", "Cam đường canh", "Cây ăn quả", FOOD, FRESH_FRUIT,
          ("Thùng carton 5 kg", "Túi lưới 3 kg"), (20, 30), "Quả cam tươi",
          "Cam trồng trên đất đồi, canh tác theo VietGAP.", barcode=False,
          docs=("qms", "test_report")),
        T("buoi", "Bưởi đỏ", "Cây ăn quả", FOOD, FRESH_FRUIT,
          ("Quả đơn có tem", "Thùng 10 kg"), (30, 60), "Quả bưởi tươi",
          "Bưởi vỏ đỏ, múi mọng, thường dùng bày mâm ngũ quả ngày Tết.", barcode=False,
          docs=("qms", "test_report")),
        T("na", "Na dai", "Cây ăn quả", FOOD, FRESH_FRUIT, ("Hộp 2 kg", "Thùng 5 kg"), (4, 7),
          "Quả na tươi", "Na dai trồng trên núi đá vôi.", barcode=False, docs=("qms",)),
        T("ga-doi", "Gà đồi Yên Thế", "Gà đồi", FOOD, MEAT_FRESH,
          ("Gà nguyên con hút chân không 1,5–2 kg",), (3, 5), "Gà ri lai nuôi thả đồi",
          "Gà thả vườn đồi, có chỉ dẫn địa lý/nhãn hiệu chứng nhận Gà đồi Yên Thế.",
          docs=("food_safety", "trademark", "test_report"), generic=False),
        T("ga-u-muoi", "Gà ủ muối", "Gà đồi", FOOD, MEAT_PROCESSED,
          ("Hộp 1 con 1,2 kg",), (5, 10), "Gà đồi, muối hạt, lá chanh",
          "Gà đồi ủ muối hoa tiêu."),
        T("ruou-lang-van", "Rượu làng Vân", "Rượu làng Vân", DRINK, SPIRITS,
          ("Chai sứ 500 ml", "Chai thủy tinh 750 ml", "Bình gốm 2 lít"), None,
          "Gạo nếp cái hoa vàng, men lá, nước giếng làng",
          "Rượu nếp cất theo nghề truyền thống làng Vân, xã Vân Hà, Việt Yên.",
          docs=("food_safety", "trademark", "test_report"), generic=False),
        T("ruou-nep", "Rượu nếp", "Rượu nếp", DRINK, SPIRITS,
          ("Chai 500 ml", "Can 2 lít"), None, "Gạo nếp, men lá",
          "Rượu nếp nấu thủ công."),
        T("banh-da-ke", "Bánh đa Kế", "Bánh đa", FOOD, RICE_PRODUCTS,
          ("Túi 10 chiếc", "Túi 20 chiếc"), (90, 180), "Gạo tẻ, vừng đen, muối",
          "Bánh đa vừng nướng giòn của làng Kế (Dĩnh Kế).", generic=False),
        T("banh-da-nem", "Bánh đa nem Thổ Hà", "Bánh đa nem", FOOD, RICE_PRODUCTS,
          ("Túi 300 g", "Túi 500 g"), (180, 365), "Gạo tẻ, muối",
          "Bánh đa nem phơi trên giàn tre.", generic=False),
        T("gao-nep", "Gạo nếp cái hoa vàng", "Lúa gạo", FOOD, ("gao, ngu coc", "gao"),
          ("Túi 2 kg", "Túi 5 kg", "Bao 10 kg"), (180, 365), "Gạo nếp",
          "Gạo nếp cái hoa vàng dẻo thơm, vùng trồng tập trung."),
        T("che", "Chè xanh", "Chè", DRINK, TEA, ("Túi 200 g", "Hộp 500 g"), (365, 730),
          "Búp chè xanh", "Chè sao sấy thủ công trên đồi."),
        T("tra-hoa-vang", "Trà hoa vàng", "Dược liệu", HERBAL, (*TEA, "thao duoc"),
          ("Hộp 50 g", "Hộp 100 g"), (365, 730), "Hoa trà hoa vàng sấy khô",
          "Trà hoa vàng trồng dưới tán rừng Tây Yên Tử."),
        T("mien-dong", "Miến dong Sơn Động", "Miến dong", FOOD, PROCESSED_FRUIT,
          ("Túi 500 g", "Túi 1 kg"), (180, 365), "Tinh bột củ dong riềng",
          "Miến dong làm từ củ dong riềng của đồng bào Sơn Động.", generic=False),
        T("nam", "Nấm sò", "Nấm", FOOD, (*FRESH_FRUIT, "nam"), ("Túi 300 g", "Hộp 500 g"), (3, 7),
          "Nấm sò tươi", "Nấm trồng trên giá thể rơm, mùn cưa.", barcode=False),
        T("nam-say", "Nấm linh chi", "Nấm", HERBAL, HERBS, ("Hộp 250 g", "Túi 500 g"), (365, 730),
          "Nấm linh chi đỏ sấy khô", "Nấm linh chi nuôi trồng trong nhà màng."),
        T("tinh-dau", "Tinh dầu bưởi", "Tinh dầu", HERBAL, COSMETICS,
          ("Chai 10 ml", "Chai 50 ml", "Chai 100 ml"), (730, 1095), "Vỏ bưởi chưng cất",
          "Tinh dầu chưng cất từ vỏ bưởi.", docs=("quality_decl", "test_report")),
        T("tinh-dau-que", "Tinh dầu quế", "Tinh dầu", HERBAL, COSMETICS,
          ("Chai 10 ml", "Chai 50 ml"), (730, 1095), "Lá và vỏ quế chưng cất",
          "Tinh dầu quế chưng cất bằng hơi nước.", docs=("quality_decl", "test_report")),
        T("ba-kich", "Ba kích tím", "Dược liệu", HERBAL, HERBS, ("Túi 500 g", "Hộp 1 kg"),
          (365, 730), "Rễ ba kích tím sấy khô", "Ba kích trồng dưới tán rừng Sơn Động."),
        T("thach-den", "Thạch đen", "Thạch đen", FOOD, PROCESSED_FRUIT, ("Hộp 500 g",), (90, 180),
          "Cây thạch đen khô", "Thạch đen nấu từ cây sương sáo."),
        T("gom-tho-ha", "Gốm Thổ Hà", "Gốm Thổ Hà", CRAFT, CRAFT_DECOR,
          ("Hộp quà", "Thùng gỗ"), None, "Đất sét Thổ Hà",
          "Gốm sành nâu nung củi của làng nghề Thổ Hà (Vân Hà, Việt Yên).", docs=("trademark",),
          generic=False),
        T("may-tre", "Mây tre đan", "Mây tre đan", CRAFT, CRAFT_HOUSEHOLD,
          ("Bộ 3 chiếc", "Chiếc"), None, "Mây, tre, giang",
          "Đồ gia dụng đan thủ công.", docs=NO_DOCS),
        T("ca-canh", "Cây cảnh bonsai", "Sinh vật cảnh", ORNAMENTAL, PLANTS,
          ("Chậu gốm",), None, "Cây sanh, si, tùng", "Bonsai dáng truyền thống.",
          barcode=False, docs=NO_DOCS),
        T("lan", "Hoa lan", "Hoa cây cảnh", ORNAMENTAL, PLANTS, ("Chậu 3 cành", "Chậu 5 cành"),
          (20, 45), "Lan hồ điệp", "Lan hồ điệp trồng nhà màng.", barcode=False, docs=NO_DOCS),
        T("du-lich", "Điểm du lịch sinh thái", "Du lịch", TOURISM, TOURISM_SETS, (), None, "",
          "Du lịch cộng đồng, trải nghiệm nông nghiệp gắn với sản phẩm OCOP.", barcode=False,
          docs=("business_reg",)),
        T("lac", "Lạc nhân", "Nông sản", FOOD, ("gao, ngu coc", "hat"), ("Túi 500 g", "Túi 1 kg"),
          (180, 365), "Lạc đỏ", "Lạc đỏ phơi khô.", barcode=True),
        T("dua-luoi", "Dưa lưới", "Rau quả", FOOD, FRESH_FRUIT, ("Quả đơn có tem", "Thùng 6 quả"),
          (10, 20), "Dưa lưới tươi", "Dưa lưới trồng trong nhà màng.", barcode=False,
          docs=("qms", "test_report")),
        T("thit-lon", "Giò chả", "Chế biến thịt", FOOD, MEAT_PROCESSED, ("Cây 500 g", "Cây 1 kg"),
          (7, 15), "Thịt lợn, nước mắm", "Giò lụa, giò bò làm thủ công."),
        T("tranh-dong-ho", "Tranh Đông Hồ", "Tranh dân gian", CRAFT, CRAFT_DECOR,
          ("Tranh đóng khung", "Bộ 4 tranh"), None, "Giấy dó, màu tự nhiên",
          "Tranh dân gian in ván khắc gỗ làng Đông Hồ.", docs=("trademark",), generic=False),
        T("gom-phu-lang", "Gốm Phù Lãng", "Gốm Phù Lãng", CRAFT, CRAFT_DECOR, ("Chiếc", "Bộ"),
          None, "Đất sét đỏ", "Gốm men da lươn làng Phù Lãng.", docs=("trademark",), generic=False),
        T("banh-phu-the", "Bánh phu thê Đình Bảng", "Bánh phu thê", FOOD, RICE_PRODUCTS,
          ("Hộp 10 chiếc",), (3, 5), "Bột nếp, đậu xanh, dừa", "Bánh xu xê làng Đình Bảng.",
          generic=False),
        T("nem-bui", "Nem Bùi", "Nem Bùi", FOOD, MEAT_PROCESSED, ("Túi 500 g",), (3, 7),
          "Thịt lợn, thính gạo", "Nem thính làng Bùi, Tiên Du.", generic=False),
        T("do-go", "Đồ gỗ mỹ nghệ Đồng Kỵ", "Đồ gỗ", CRAFT, CRAFT_DECOR, ("Bộ", "Chiếc"), None,
          "Gỗ tự nhiên", "Đồ gỗ chạm khắc của làng nghề Đồng Kỵ.", docs=NO_DOCS, generic=False),
    ]
}


@dataclass(frozen=True)
class Area:
    """A historical district of Bắc Giang (or another place) with its demo share.

    ``districts`` are legacy district codes; ``commune_codes`` optionally narrows them to a
    range of legacy commune codes (Yên Dũng's communes were folded into TP Bắc Giang in
    early 2025, so the final legacy map lists them under district 213).
    """

    name: str
    districts: tuple[str, ...]
    producers: int
    products: int
    templates: tuple[tuple[str, int], ...]
    minority_share: float = 0.0
    commune_codes: tuple[int, int] | None = None
    spot_names: tuple[str, ...] = field(default=())


# Shares chosen to reproduce Bắc Giang's 2024 state (334 products, about 250 producers) with
# the specialities each district is known for.
BAC_GIANG_AREAS: tuple[Area, ...] = (
    Area("Lục Ngạn", ("219", "224"), 55, 80,
         (("vai-tuoi", 26), ("vai-say", 10), ("mat-ong-vai", 8), ("my-chu", 10), ("ruou-vai", 4),
          ("nuoc-vai", 3), ("cam", 8), ("buoi", 5), ("du-lich", 2), ("tinh-dau", 2),
          ("ca-canh", 1), ("che", 1)),
         minority_share=0.15, spot_names=("Hồ Khuôn Thần",)),
    Area("Lục Nam", ("218",), 30, 38,
         (("vai-tuoi", 6), ("na", 6), ("buoi", 6), ("mat-ong", 5), ("tinh-dau", 4), ("gao-nep", 3),
          ("du-lich", 2), ("ruou-nep", 3), ("nam-say", 2), ("thach-den", 1)),
         minority_share=0.10, spot_names=("Suối Mỡ",)),
    Area("Yên Thế", ("215",), 25, 34,
         (("ga-doi", 14), ("ga-u-muoi", 4), ("cam", 5), ("mat-ong", 4), ("che", 3),
          ("du-lich", 2), ("nam", 2)),
         minority_share=0.05, spot_names=("Di tích Hoàng Hoa Thám",)),
    Area("Tân Yên", ("216",), 22, 28,
         (("vai-tuoi", 6), ("lac", 4), ("gao-nep", 4), ("du-lich", 3), ("nam", 3), ("thit-lon", 3),
          ("lan", 2), ("ruou-nep", 3)),
         spot_names=("Núi Dành",)),
    Area("Hiệp Hòa", ("223",), 20, 25,
         (("gao-nep", 6), ("dua-luoi", 5), ("thit-lon", 4), ("nam", 3), ("lac", 3), ("ca-canh", 2),
          ("ruou-nep", 2))),
    Area("Việt Yên", ("222",), 22, 30,
         (("ruou-lang-van", 9), ("gom-tho-ha", 6), ("banh-da-nem", 5), ("may-tre", 4),
          ("du-lich", 2), ("dua-luoi", 2), ("thit-lon", 2)),
         spot_names=("Làng cổ Thổ Hà",)),
    Area("Lạng Giang", ("217",), 20, 25,
         (("gao-nep", 5), ("nam", 4), ("thach-den", 4), ("dua-luoi", 3), ("mat-ong", 3),
          ("thit-lon", 3), ("lan", 3))),
    Area("Yên Dũng", ("221", "213"), 15, 20,
         (("vai-tuoi", 3), ("gao-nep", 4), ("thit-lon", 3), ("nam", 3), ("ca-canh", 3),
          ("du-lich", 2), ("ruou-nep", 2)),
         commune_codes=(7681, 7750), spot_names=("Chùa Bổ Đà",)),
    Area("Sơn Động", ("220",), 18, 24,
         (("mien-dong", 7), ("tra-hoa-vang", 4), ("ba-kich", 4), ("mat-ong", 3),
          ("tinh-dau-que", 3), ("du-lich", 2), ("ruou-nep", 1)),
         minority_share=0.6, spot_names=("Khu du lịch Tây Yên Tử",)),
    Area("TP Bắc Giang", ("213",), 23, 30,
         (("banh-da-ke", 9), ("thit-lon", 5), ("mat-ong", 3), ("che", 3), ("tinh-dau", 3),
          ("lan", 3), ("ca-canh", 2), ("gom-tho-ha", 2)),
         commune_codes=(7201, 7680)),
)

# Old Bắc Ninh (LP27) and producers registered after the July 2025 merger (current P24 communes).
OLD_BAC_NINH_AREAS: tuple[Area, ...] = (
    Area("Thuận Thành", ("262",), 5, 7, (("tranh-dong-ho", 4), ("gao-nep", 2), ("thit-lon", 1))),
    Area("Quế Võ", ("259",), 3, 4, (("gom-phu-lang", 3), ("ruou-nep", 1))),
    Area("Từ Sơn", ("261",), 4, 6, (("banh-phu-the", 3), ("do-go", 3))),
    Area("Tiên Du", ("260",), 3, 4, (("nem-bui", 3), ("nam", 1))),
    Area("Gia Bình", ("263",), 2, 3, (("may-tre", 2), ("gao-nep", 1))),
    Area("Yên Phong", ("258",), 2, 2, (("thit-lon", 1), ("dua-luoi", 1))),
)
NEW_REGISTRATIONS = Area(
    "Bắc Ninh (sau sáp nhập)", (), 10, 13,
    (("vai-tuoi", 3), ("mat-ong", 2), ("gao-nep", 2), ("tinh-dau", 2), ("nam", 2),
     ("thit-lon", 1), ("du-lich", 1)),
)
