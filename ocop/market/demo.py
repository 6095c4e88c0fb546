"""The demo's market: prices and channel links for the Bắc Giang flagships, and the gift set
"Quà Bắc Giang: vải thiều sấy, mỳ Chũ, gà đồi Yên Thế" curated by the province's standing office
from the demo's certified products. Written through the services; idempotent."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import QuerySet
from django.utils import timezone
from PIL import Image

from ocop.accounts.models import Role, User
from ocop.core.search import search
from ocop.market import selectors, services
from ocop.market.models import GiftSet, Offer
from ocop.registry.models import Product
from ocop.units.models import Unit

GIFT_SET_NAME = "Quà Bắc Giang: vải thiều sấy, mỳ Chũ, gà đồi Yên Thế"
STORY = (
    "Ba đặc sản của đất Bắc Giang trong một hộp quà: vải thiều Lục Ngạn sấy khô trên lò than, "
    "mỳ Chũ làm từ gạo bao thai trên đất Nam Dương, và gà đồi Yên Thế thả vườn trên đồi. "
    "Mỗi sản phẩm đều có giấy chứng nhận OCOP còn hiệu lực; quét mã QR trên tem để kiểm tra.")
# (words searched without diacritics, unit, package, price, links)
OFFERS = (
    ("vai thieu say", "túi", "Túi 500 g", 150000,
     (("own_shop", "https://example.com/htx-vai-thieu-phi-dien/vai-say"),
      ("postmart", "https://postmart.vn/san-pham/vai-thieu-say-kho-phi-dien"),
      ("shopee", "https://shopee.vn/vai-thieu-say-kho-luc-ngan"))),
    ("my chu", "gói", "Gói 500 g", 45000,
     (("voso", "https://voso.vn/san-pham/my-chu-nam-duong"),
      ("tiki", "https://tiki.vn/my-chu-nam-duong"))),
    ("ga doi yen the", "con", "Gà nguyên con hút chân không 1,5–2 kg", 320000,
     (("voso", "https://voso.vn/san-pham/ga-doi-yen-the"),)),
)


def _first(certified: QuerySet[Product], words: str) -> Product | None:
    return search(certified, words, folded=("search_text",)).order_by("pk").first()


def _photo() -> SimpleUploadedFile:
    """A drawn picture of the gift box (three bands: lychee red, noodle cream, hill green), so
    the set has the photo Google's feed requires."""
    image = Image.new("RGB", (600, 600), (245, 238, 220))
    for top, colour in ((0, (178, 34, 52)), (200, (245, 238, 220)), (400, (46, 110, 60))):
        image.paste(colour, (0, top, 600, top + 200))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return SimpleUploadedFile("qua-bac-giang.png", buffer.getvalue(), content_type="image/png")


def build_demo_market() -> GiftSet | None:
    province = Unit.objects.filter(pk="P24").first()
    office = User.objects.filter(role=Role.PROVINCE_OFFICE, unit=province).first()
    if province is None or office is None or GiftSet.objects.filter(name=GIFT_SET_NAME).exists():
        return None
    today = timezone.localdate()
    certified = selectors.curatable_products(province.pk, today)
    chosen: list[Product] = []
    for words, unit, package, price, links in OFFERS:
        product = _first(certified, words)
        if product is None:
            continue
        chosen.append(product)
        if not Offer.objects.filter(product=product).exists():
            services.save_offer(actor=None, product=product, today=today, data=services.OfferData(
                price=price, unit=unit, package=package, links=links))
    if not chosen:
        return None
    return services.save_gift_set(
        actor=office, province=province, today=today,
        data=services.GiftSetData(name=GIFT_SET_NAME, story=STORY, price=560000, published=True,
                                  photo=_photo(), items=[(product, 1) for product in chosen]))
