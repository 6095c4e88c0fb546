"""Forms of the trace pages. They only parse input; the rules live in ``actions``."""

from __future__ import annotations

import json

from django import forms

from ocop.trace.actions import UNITS
from ocop.trace.models import Zone

_DT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
_D = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_UNIT_CHOICES = [(u, u) for u in UNITS]


class ZoneForm(forms.Form):
    producer = forms.ModelChoiceField(label="Chủ thể quản lý", queryset=None)
    code = forms.CharField(label="Mã số vùng trồng", max_length=40,
                           help_text="VN-<tỉnh>-<huyện>-<xã>-<số thứ tự>-<năm>, "
                                     "ví dụ VN-24-219-07591-001-23")
    name = forms.CharField(label="Tên vùng", max_length=200)
    crop = forms.CharField(label="Cây trồng", max_length=100)
    variety = forms.CharField(label="Giống", max_length=100, required=False)
    crop_kind = forms.ChoiceField(label="Loại cây", choices=Zone.CropKind.choices)
    declared_area_ha = forms.DecimalField(label="Diện tích khai báo (ha)", min_value=0,
                                          max_digits=10, decimal_places=4)
    standard = forms.ChoiceField(label="Tiêu chuẩn", choices=Zone.Standard.choices,
                                 required=False)
    standard_certificate = forms.CharField(label="Số giấy chứng nhận tiêu chuẩn",
                                           max_length=80, required=False)
    standard_valid_until = forms.DateField(label="Chứng nhận có giá trị đến", required=False,
                                           widget=_D)
    households = forms.IntegerField(label="Số hộ thành viên", min_value=0, initial=0)
    boundary = forms.CharField(label="Ranh giới (GeoJSON Polygon)", required=False,
                               widget=forms.Textarea(attrs={"rows": 4}))
    products = forms.ModelMultipleChoiceField(label="Sản phẩm sử dụng vùng", queryset=None,
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
            raise forms.ValidationError(f"GeoJSON không hợp lệ: {exc}") from exc


class ZoneStatusForm(forms.Form):
    status = forms.ChoiceField(label="Trạng thái", choices=Zone.Status.choices)
    reason = forms.CharField(label="Lý do", max_length=300, required=False)


class HarvestForm(forms.Form):
    product = forms.ModelChoiceField(label="Sản phẩm", queryset=None)
    lot_code = forms.CharField(label="Số lô", max_length=20)
    harvested_at = forms.DateTimeField(label="Thời điểm thu hoạch", widget=_DT)
    quantity = forms.DecimalField(label="Số lượng", max_digits=14, decimal_places=3)
    unit = forms.ChoiceField(label="Đơn vị", choices=_UNIT_CHOICES)
    expires_on = forms.DateField(label="Hạn sử dụng", required=False, widget=_D)

    def __init__(self, *args, products=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products


class TransformForm(forms.Form):
    product = forms.ModelChoiceField(label="Sản phẩm đầu ra", queryset=None)
    used = forms.DecimalField(label="Lượng dùng từ lô này", max_digits=14, decimal_places=3)
    lot_code = forms.CharField(label="Số lô đầu ra", max_length=20)
    produced_at = forms.DateTimeField(label="Thời điểm chế biến", widget=_DT)
    quantity = forms.DecimalField(label="Số lượng đầu ra", max_digits=14, decimal_places=3)
    unit = forms.ChoiceField(label="Đơn vị", choices=_UNIT_CHOICES)
    expires_on = forms.DateField(label="Hạn sử dụng", required=False, widget=_D)

    def __init__(self, *args, products=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products


class StampsForm(forms.Form):
    count = forms.IntegerField(label="Số tem phát hành", min_value=1, max_value=1_000_000)


class ShipForm(forms.Form):
    at = forms.DateTimeField(label="Thời điểm", widget=_DT)
    place = forms.CharField(label="Nơi nhận / nơi đến", max_length=200)
    quantity = forms.DecimalField(label="Số lượng (bỏ trống: cả lô)", required=False,
                                  max_digits=14, decimal_places=3)


class RangeForm(forms.Form):
    first = forms.IntegerField(label="Sê-ri từ", min_value=1)
    last = forms.IntegerField(label="Sê-ri đến", min_value=1)
    reason = forms.CharField(label="Lý do (khi huỷ)", max_length=300, required=False)
    at = forms.DateTimeField(label="Thời điểm đóng gói", widget=_DT, required=False)
