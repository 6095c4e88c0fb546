"""The new-account form of a province's standing office (the rules are in ``services``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ocop.people import rules, selectors


class PersonForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    role = forms.ChoiceField(label=_("Vai trò"), error_messages={
        "invalid_choice": _("Vai trò này do quản trị hệ thống cấp.")})
    commune = forms.ModelChoiceField(
        label=_("Xã/phường"), queryset=None, required=False,
        error_messages={"invalid_choice": _("Chọn một xã/phường của tỉnh.")},
        help_text=_("Với cán bộ xã: xã/phường mà người này phụ trách."))
    producer = forms.ModelChoiceField(
        label=_("Chủ thể"), queryset=None, required=False,
        error_messages={"invalid_choice": _("Chọn một chủ thể của tỉnh.")},
        help_text=_("Với tài khoản chủ thể: hợp tác xã, doanh nghiệp, tổ hợp tác hoặc hộ mà "
                    "người này đại diện."))
    username = forms.CharField(
        label=_("Tên đăng nhập"), max_length=150,
        help_text=_("Chữ không dấu, số và các dấu . @ + - _ (ví dụ: nguyenvana.lucngan)."))
    email = forms.EmailField(
        label=_("Thư điện tử"),
        help_text=_("Hệ thống gửi liên kết đặt mật khẩu tới địa chỉ này."))
    phone = forms.CharField(label=_("Điện thoại"), max_length=20, required=False)

    def __init__(self, *args: Any, province_id: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r.value, r.label) for r in rules.MANAGED_ROLES]
        self.fields["commune"].queryset = selectors.communes_of(province_id)
        self.fields["producer"].queryset = selectors.producers_of(province_id)
        self.fields["producer"].label_from_instance = (
            lambda p: f"{p.name} ({p.commune.name})")
