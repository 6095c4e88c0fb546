"""Forms of the trace pages. They only parse input; the rules live in ``services``."""

from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from ocop.trace.models import Zone
from ocop.trace.services import UNITS

_DT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
_D = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_UNIT_CHOICES = [(u, u) for u in UNITS]
# A date here, whereas the registry's "Hạn sử dụng" is a shelf life in days.
_EXPIRES = pgettext_lazy("ngày hết hạn", "Hạn sử dụng")


class ZoneForm(forms.Form):
    producer = forms.ModelChoiceField(label=_("Chủ thể quản lý"), queryset=None)
    code = forms.CharField(label=_("Mã số vùng trồng"), max_length=40,
                           help_text=_("VN-<tỉnh>-<huyện>-<xã>-<số thứ tự>-<năm>, "
                                       "ví dụ VN-24-219-07591-001-23"))
    name = forms.CharField(label=_("Tên vùng"), max_length=200)
    crop = forms.CharField(label=_("Cây trồng"), max_length=100)
    variety = forms.CharField(label=_("Giống"), max_length=100, required=False)
    crop_kind = forms.ChoiceField(label=_("Loại cây"), choices=Zone.CropKind.choices)
    declared_area_ha = forms.DecimalField(label=_("Diện tích khai báo (ha)"), min_value=0,
                                          max_digits=10, decimal_places=4)
    standard = forms.ChoiceField(label=_("Tiêu chuẩn"), choices=Zone.Standard.choices,
                                 required=False)
    standard_certificate = forms.CharField(label=_("Số giấy chứng nhận tiêu chuẩn"),
                                           max_length=80, required=False)
    standard_valid_until = forms.DateField(label=_("Chứng nhận có giá trị đến"), required=False,
                                           widget=_D)
    households = forms.IntegerField(label=_("Số hộ thành viên"), min_value=0, initial=0)
    boundary = forms.CharField(label=_("Ranh giới (GeoJSON Polygon)"), required=False,
                               widget=forms.Textarea(attrs={"rows": 4}))
    products = forms.ModelMultipleChoiceField(label=_("Sản phẩm sử dụng vùng"), queryset=None,
                                              required=False)

    def __init__(self, *args, producers=None, products=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["producer"].queryset = producers
        self.fields["products"].queryset = products

    def clean_boundary(self):
        raw = self.cleaned_data["boundary"].strip()
        if not raw:
            return None
        try:
            return json.loads(raw)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                gettext("GeoJSON không hợp lệ: %(error)s") % {"error": exc}) from exc


class ZoneStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Trạng thái"), choices=Zone.Status.choices)
    reason = forms.CharField(label=_("Lý do"), max_length=300, required=False)


class HarvestForm(forms.Form):
    product = forms.ModelChoiceField(label=_("Sản phẩm"), queryset=None)
    lot_code = forms.CharField(label=_("Số lô"), max_length=20)
    harvested_at = forms.DateTimeField(label=_("Thời điểm thu hoạch"), widget=_DT)
    quantity = forms.DecimalField(label=_("Số lượng"), max_digits=14, decimal_places=3)
    unit = forms.ChoiceField(label=_("Đơn vị"), choices=_UNIT_CHOICES)
    expires_on = forms.DateField(label=_EXPIRES, required=False, widget=_D)

    def __init__(self, *args, products=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products


class TransformForm(forms.Form):
    product = forms.ModelChoiceField(label=_("Sản phẩm đầu ra"), queryset=None)
    used = forms.DecimalField(label=_("Lượng dùng từ lô này"), max_digits=14, decimal_places=3)
    lot_code = forms.CharField(label=_("Số lô đầu ra"), max_length=20)
    produced_at = forms.DateTimeField(label=_("Thời điểm chế biến"), widget=_DT)
    quantity = forms.DecimalField(label=_("Số lượng đầu ra"), max_digits=14, decimal_places=3)
    unit = forms.ChoiceField(label=_("Đơn vị"), choices=_UNIT_CHOICES)
    expires_on = forms.DateField(label=_EXPIRES, required=False, widget=_D)

    def __init__(self, *args, products=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products


class StampsForm(forms.Form):
    count = forms.IntegerField(label=_("Số tem phát hành"), min_value=1, max_value=1_000_000)


class ShipForm(forms.Form):
    at = forms.DateTimeField(label=_("Thời điểm"), widget=_DT)
    place = forms.CharField(label=_("Nơi nhận / nơi đến"), max_length=200)
    quantity = forms.DecimalField(label=_("Số lượng (bỏ trống: cả lô)"), required=False,
                                  max_digits=14, decimal_places=3)


class RangeForm(forms.Form):
    first = forms.IntegerField(label=_("Sê-ri từ"), min_value=1)
    last = forms.IntegerField(label=_("Sê-ri đến"), min_value=1)
    reason = forms.CharField(label=_("Lý do (khi huỷ)"), max_length=300, required=False)
    at = forms.DateTimeField(label=_("Thời điểm đóng gói"), widget=_DT, required=False)


class ClearSuspicionForm(forms.Form):
    batch = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    serial = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(label=_("Lý do gỡ cảnh báo"), max_length=300,
                             error_messages={"required": _("Cần nêu lý do gỡ cảnh báo.")})
