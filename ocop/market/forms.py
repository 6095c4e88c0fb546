"""Forms of the management pages. They turn typed text into values (a price typed "120.000 đ"
becomes 120000); the rules themselves are checked once, in the services."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.forms import BoundField
from django.utils.translation import gettext_lazy as _

from ocop.core.formrows import Row, rows_to_show
from ocop.core.refusals import Invalid
from ocop.market.models import Channel, GiftSet, Offer, StockStatus
from ocop.registry.models import Product

LINK_ROWS = 4
COMPONENT_ROWS = 6
_MONEY_NOISE = re.compile(r"[\s.,]|đồng|đ|₫|vnđ|vnd", re.IGNORECASE)


class PriceField(forms.CharField):
    """A price in đồng as people type it: "120000", "120.000", "120.000 đ"."""

    def to_python(self, value: Any) -> int | None:
        text = super().to_python(value)
        if not text:
            return None
        digits = _MONEY_NOISE.sub("", text)
        if not digits.lstrip("-").isdigit():
            raise forms.ValidationError(_("Hãy nhập giá bằng số đồng, ví dụ 120000."))
        if len(digits) > 15:
            raise forms.ValidationError(_("Giá quá lớn; hãy kiểm tra lại số 0."))
        return int(digits)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class OfferForm(forms.Form):
    price = PriceField(label=_("Giá bán (đồng)"), help_text=_("Ví dụ 120000 hoặc 120.000."))
    unit = forms.CharField(label=_("Đơn vị tính"), max_length=40,
                           help_text=_("Ví dụ: túi, hộp, chai, con."))
    package = forms.CharField(label=_("Quy cách đóng gói"), max_length=120, required=False,
                              help_text=_("Ví dụ: Túi 500 g."))
    stock = forms.ChoiceField(label=_("Tình trạng hàng"), choices=StockStatus.choices)
    available_on = forms.DateField(label=_("Ngày có hàng (hàng đặt trước)"), required=False,
                                   widget=DateInput())

    def __init__(self, *args: Any, offer: Offer | None = None, **kwargs: Any) -> None:
        if offer is not None and "initial" not in kwargs:
            links = list(offer.links.all())
            initial = {"price": offer.price, "unit": offer.unit, "package": offer.package,
                       "stock": offer.stock, "available_on": offer.available_on}
            for row, link in enumerate(links[:LINK_ROWS]):
                initial[f"channel_{row}"] = link.channel
                initial[f"url_{row}"] = link.url
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        for row in range(LINK_ROWS):
            self.fields[f"channel_{row}"] = forms.ChoiceField(
                label=_("Kênh bán %(n)d") % {"n": row + 1}, choices=Channel.choices,
                required=False)
            self.fields[f"url_{row}"] = forms.CharField(
                label=_("Liên kết %(n)d") % {"n": row + 1}, max_length=500, required=False,
                widget=forms.URLInput(attrs={"placeholder": "https://"}))

    def links(self) -> list[tuple[str, str]]:
        data = self.cleaned_data
        return [(data.get(f"channel_{row}") or "", data.get(f"url_{row}") or "")
                for row in range(LINK_ROWS)]


class GiftSetForm(forms.Form):
    name = forms.CharField(label=_("Tên bộ quà"), max_length=200)
    story = forms.CharField(label=_("Câu chuyện"), required=False,
                            widget=forms.Textarea(attrs={"rows": 6}))
    price = PriceField(label=_("Giá bộ quà (đồng)"))
    photo = forms.FileField(label=_("Ảnh"), required=False,
                            help_text=_("Ảnh JPEG, PNG hoặc WebP; kiểm tra theo nội dung tệp."))
    available_from = forms.DateField(label=_("Bán từ ngày"), required=False, widget=DateInput())
    available_until = forms.DateField(label=_("Bán đến ngày"), required=False,
                                      widget=DateInput())
    published = forms.BooleanField(label=_("Đăng công khai"), required=False)

    def __init__(self, *args: Any, products: Any, gift_set: GiftSet | None = None,
                 **kwargs: Any) -> None:
        if gift_set is not None and "initial" not in kwargs:
            initial = {"name": gift_set.name, "story": gift_set.story, "price": gift_set.price,
                       "available_from": gift_set.available_from,
                       "available_until": gift_set.available_until,
                       "published": gift_set.published}
            for row, item in enumerate(gift_set.items.order_by("pk")[:COMPONENT_ROWS]):
                initial[f"product_{row}"] = item.product_id
                initial[f"quantity_{row}"] = item.quantity
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        # Components kept in a set may have lost their certificate since: still choosable
        # here, so the page shows them (the service then names the problem).
        if gift_set is not None:
            kept = Product.objects.filter(gift_set_items__gift_set=gift_set)
            products = (products | kept).distinct()
        for row in range(COMPONENT_ROWS):
            self.fields[f"product_{row}"] = forms.ModelChoiceField(
                label=_("Sản phẩm %(n)d") % {"n": row + 1}, queryset=products, required=False,
                empty_label=_("— chọn sản phẩm —"))
            self.fields[f"quantity_{row}"] = forms.IntegerField(
                label=_("Số lượng %(n)d") % {"n": row + 1}, required=False, min_value=1,
                max_value=99, initial=1)

    max_rows = COMPONENT_ROWS

    def component_rows(self) -> list[Row]:
        return rows_to_show(self, range(COMPONENT_ROWS),
                            fields=lambda row: (f"product_{row}", f"quantity_{row}"),
                            significant=lambda row: (f"product_{row}",),
                            number=lambda row: row + 1)

    def head_fields(self) -> list[BoundField]:
        """The set's own fields, before its component rows."""
        return [field for field in self.visible_fields()
                if not field.name.startswith(("product_", "quantity_"))]

    def _filled_rows(self) -> list[int]:
        return [row for row in range(COMPONENT_ROWS) if self.cleaned_data.get(f"product_{row}")]

    def items(self) -> list[tuple[Product, int]]:
        """The chosen components in order, empty rows left out."""
        data = self.cleaned_data
        return [(data[f"product_{row}"], data.get(f"quantity_{row}") or 1)
                for row in self._filled_rows()]

    def on_rows(self, refusal: Invalid) -> Invalid:
        """The refusal with its ``product_<i>``/``quantity_<i>`` (the i-th chosen component)
        renamed to the form row it was chosen on, so the message sits beside it."""
        rows = self._filled_rows()
        fields = {}
        for name, text in refusal.fields.items():
            prefix, _sep, index = name.rpartition("_")
            if prefix in ("product", "quantity") and index.isdigit() and int(index) < len(rows):
                name = f"{prefix}_{rows[int(index)]}"
            fields[name] = text
        return Invalid(refusal.message, code=refusal.code, fields=fields)
