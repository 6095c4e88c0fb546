"""Forms of the connection's pages: they parse; the services decide (and refuse)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ocop.registry.models import ProductGroup, ProductSet
from ocop.rules.certification import CERTIFIABLE_STARS
from ocop.trade.models import Buyer, BuyerKind, Conversation
from ocop.units.models import Unit

# The honeypot: a field people never see (hidden by the page's CSS and from screen readers),
# which form-filling robots fill in. A filled honeypot is refused like a rate limit.
HONEYPOT = "website"


def _provinces():
    return Unit.objects.filter(era=Unit.Era.CURRENT, level=Unit.Level.PROVINCE).order_by("name")


class ProvinceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return obj.name


class BuyerRegistrationForm(forms.Form):
    name = forms.CharField(label=_("Tên tổ chức"), max_length=255)
    kind = forms.ChoiceField(label=_("Loại hình"), choices=BuyerKind.choices)
    tax_code = forms.CharField(label=_("Mã số thuế (không bắt buộc)"), max_length=14,
                               required=False)
    province = ProvinceField(label=_("Tỉnh/thành phố"), queryset=Unit.objects.none())
    contact_person = forms.CharField(label=_("Người liên hệ"), max_length=150)
    phone = forms.CharField(label=_("Điện thoại"), max_length=20)
    email = forms.EmailField(label=_("Thư điện tử (dùng để đăng nhập)"))
    password = forms.CharField(label=_("Mật khẩu"), widget=forms.PasswordInput,
                               strip=False)
    website = forms.CharField(label=_("Để trống ô này"), required=False,
                              widget=forms.TextInput(attrs={"autocomplete": "off",
                                                            "tabindex": "-1"}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = _provinces()

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get(HONEYPOT, "").strip())


class NeedForm(forms.Form):
    wanted = forms.CharField(label=_("Sản phẩm cần mua"), max_length=255,
                             help_text=_("Ví dụ: vải thiều sấy khô, mật ong rừng."))
    group = forms.ModelChoiceField(label=_("Nhóm sản phẩm"), required=False,
                                   queryset=ProductGroup.objects.order_by("code"))
    product_set = forms.ModelChoiceField(label=_("Bộ sản phẩm"), required=False,
                                         queryset=ProductSet.objects.order_by("code"))
    volume = forms.DecimalField(label=_("Khối lượng"), max_digits=14, decimal_places=2)
    volume_unit = forms.CharField(label=_("Đơn vị tính"), max_length=30, initial="kg")
    min_stars = forms.TypedChoiceField(
        label=_("Hạng sao OCOP tối thiểu"), required=False, coerce=int, empty_value=None,
        choices=[("", _("Không yêu cầu"))] + [(s, _("%(n)d sao") % {"n": s})
                                              for s in sorted(CERTIFIABLE_STARS)])
    certifications = forms.CharField(label=_("Chứng nhận yêu cầu"), max_length=255,
                                     required=False,
                                     help_text=_("Ví dụ: VietGAP, hữu cơ, HACCP."))
    requirements = forms.CharField(label=_("Yêu cầu khác về chất lượng"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 3}))
    period_from = forms.DateField(label=_("Cần từ ngày"),
                                  widget=forms.DateInput(attrs={"type": "date"}))
    period_to = forms.DateField(label=_("Đến ngày"),
                                widget=forms.DateInput(attrs={"type": "date"}))
    delivery_province = ProvinceField(label=_("Tỉnh/thành nhận hàng"),
                                      queryset=Unit.objects.none())

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["delivery_province"].queryset = _provinces()


class SlotInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M")


class InquiryForm(forms.Form):
    kind = forms.ChoiceField(label=_("Bạn muốn"), choices=Conversation.Kind.choices,
                             widget=forms.RadioSelect, initial=Conversation.Kind.INQUIRY)
    body = forms.CharField(label=_("Lời nhắn cho chủ thể"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 4}))
    slot_1 = forms.DateTimeField(label=_("Thời gian gặp đề xuất 1"), required=False,
                                 widget=SlotInput())
    slot_2 = forms.DateTimeField(label=_("Thời gian gặp đề xuất 2"), required=False,
                                 widget=SlotInput())
    slot_3 = forms.DateTimeField(label=_("Thời gian gặp đề xuất 3"), required=False,
                                 widget=SlotInput())

    def slots(self) -> list:
        return [self.cleaned_data.get(f"slot_{i}") for i in (1, 2, 3)]


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Tin nhắn"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class DealForm(forms.Form):
    value = forms.DecimalField(label=_("Giá trị giao dịch (đồng, không bắt buộc)"),
                               required=False, max_digits=16, decimal_places=0)


class BuyerStatusForm(forms.Form):
    status = forms.ChoiceField(choices=[(Buyer.Status.VERIFIED, _("Xác minh")),
                                        (Buyer.Status.SUSPENDED, _("Tạm ngừng"))])
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)
