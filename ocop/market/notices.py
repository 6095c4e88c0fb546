"""What the market app adds to other apps' pages and messages: the verb of the curator's
notification (worded at read time by ocop.notifications) and the "Kênh bán hàng" section of a
producer's page."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ocop.market.models import Offer
from ocop.market.permissions import can_manage_offers
from ocop.notifications.verbs import VERBS, Verb
from ocop.registry.hooks import Section
from ocop.registry.models import Product

# The notifications app keeps one table of verbs; an app above it adds its own verbs to it
# (as it registers permissions with `rules`) instead of the table knowing every app.
VERBS.setdefault("market.gift_set_broken", Verb(
    gettext_lazy("Bộ quà “%(gift_set)s” đã ẩn khỏi trang công khai và các nguồn dữ liệu: sản "
                 "phẩm “%(product)s” không còn giấy chứng nhận OCOP hiệu lực (số %(number)s). "
                 "Hãy thay sản phẩm khác."),
    "market:gift_set_edit", ("gift_set_id",)))


def producer_section(user: Any, producer: Any) -> Section | None:
    """A link to the producer's sales channels for those who keep its offers."""
    product = Product.objects.filter(producer=producer).select_related(
        "producer__commune").first()
    if product is None or not can_manage_offers(user, product):
        return None
    count = Offer.objects.filter(product__producer=producer).count()
    summary = ngettext("%(n)d giá bán đang lưu.", "%(n)d giá bán đang lưu.", count) % {"n": count}
    return Section(_("Kênh bán hàng"), summary,
                           f"{reverse('market:home')}?chu-the={producer.pk}")
