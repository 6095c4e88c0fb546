"""Forms of the inspection pages; they parse, the services decide (and check again)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ocop.core.refusals import Refusal
from ocop.inspections.models import CHECKLIST, FindingResult, PlanKind
from ocop.units.models import Unit

DATE = {"type": "date"}


def add_refusal(form: forms.Form, refusal: Refusal) -> None:
    """Show a service's refusal beside the fields it names, the rest on the form."""
    placed = False
    for name, message in refusal.fields.items():
        form.add_error(name if name in form.fields else None, message)
        placed = True
    if not placed:
        form.add_error(None, refusal.message)


class UserChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_full_name() or obj.username} ({obj.get_role_display()})"


class PlanForm(forms.Form):
    province = forms.ModelChoiceField(label=_("Tỉnh/thành phố"), queryset=Unit.objects.none())
    kind = forms.ChoiceField(label=_("Loại kế hoạch"), choices=PlanKind.choices)
    title = forms.CharField(label=_("Tên kế hoạch"), max_length=255)
    starts_on = forms.DateField(label=_("Từ ngày"), widget=forms.DateInput(attrs=DATE))
    ends_on = forms.DateField(label=_("Đến ngày"), widget=forms.DateInput(attrs=DATE))
    inspectors = UserChoice(label=_("Người kiểm tra"), queryset=None,
                            widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, inspectors: Any, provinces: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["inspectors"].queryset = inspectors
        if provinces is None:
            del self.fields["province"]
        else:
            self.fields["province"].queryset = provinces


class VisitForm(forms.Form):
    product = forms.ModelChoiceField(label=_("Sản phẩm được kiểm tra"), queryset=None)
    visited_on = forms.DateField(label=_("Ngày kiểm tra"), initial=timezone.localdate,
                                 widget=forms.DateInput(attrs=DATE))
    place = forms.CharField(label=_("Địa điểm"), max_length=255)
    conclusion = forms.CharField(
        label=_("Kết luận"), required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Có thể ghi sau; chủ thể xem được lần kiểm tra khi đã có kết luận."))
    follow_up_by = forms.DateField(label=_("Hạn khắc phục"), required=False,
                                   widget=forms.DateInput(attrs=DATE))
    sanctions = forms.CharField(label=_("Biện pháp xử lý"), required=False, max_length=4000,
                                widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, products: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products
        self.fields["product"].label_from_instance = (
            lambda p: f"{p.name} — {p.producer.name}")
        for item, label in CHECKLIST.items():
            self.fields[f"finding_{item}"] = forms.ChoiceField(
                label=label, choices=FindingResult.choices, widget=forms.RadioSelect,
                initial=FindingResult.PASS)
            self.fields[f"note_{item}"] = forms.CharField(
                label=_("Ghi chú: %(item)s") % {"item": label}, required=False,
                max_length=4000)

    def checklist_rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"finding_{item}"], self[f"note_{item}"]) for item in CHECKLIST]

    def main_fields(self) -> list[Any]:
        return [self[name] for name in ("product", "visited_on", "place")]

    def closing_fields(self) -> list[Any]:
        return [self[name] for name in ("conclusion", "follow_up_by", "sanctions")]

    def findings(self) -> dict[str, tuple[str, str]]:
        data = self.cleaned_data
        return {item: (data[f"finding_{item}"], data.get(f"note_{item}", ""))
                for item in CHECKLIST}


class ConcludeForm(forms.Form):
    conclusion = forms.CharField(label=_("Kết luận"), max_length=4000,
                                 widget=forms.Textarea(attrs={"rows": 3}))
    follow_up_by = forms.DateField(label=_("Hạn khắc phục"), required=False,
                                   widget=forms.DateInput(attrs=DATE))
    sanctions = forms.CharField(label=_("Biện pháp xử lý"), required=False, max_length=4000,
                                widget=forms.Textarea(attrs={"rows": 2}))


class PhotoForm(forms.Form):
    photo = forms.FileField(label=_("Ảnh chụp tại nơi kiểm tra"),
                            widget=forms.ClearableFileInput(attrs={"accept": "image/*"}))
    caption = forms.CharField(label=_("Chú thích"), required=False, max_length=255)


class SampleForm(forms.Form):
    description = forms.CharField(label=_("Mẫu lấy"), max_length=255)
    lab = forms.CharField(label=_("Phòng kiểm nghiệm"), max_length=255)
    result = forms.CharField(label=_("Kết quả kiểm nghiệm"), required=False, max_length=4000,
                             help_text=_("Để trống nếu chưa có kết quả."))


class ProposeForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do đề nghị thu hồi"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Được công bố trên trang kiểm tra giấy chứng nhận nếu cơ quan thường trực "
                    "thu hồi."))


class CompleteForm(forms.Form):
    decision_number = forms.CharField(label=_("Số quyết định thu hồi"), max_length=60)
    revoked_on = forms.DateField(label=_("Ngày thu hồi"), initial=timezone.localdate,
                                 widget=forms.DateInput(attrs=DATE))


class DeclineForm(forms.Form):
    note = forms.CharField(label=_("Lý do không thu hồi"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class ComplaintForm(forms.Form):
    text = forms.CharField(
        label=_("Nội dung phản ánh"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Bạn mua sản phẩm ở đâu, khi nào, điều gì khiến bạn nghi ngờ."))
    certificate_number = forms.CharField(label=_("Số giấy chứng nhận OCOP (nếu có)"),
                                         required=False, max_length=32)
    contact = forms.CharField(
        label=_("Điện thoại hoặc thư điện tử (không bắt buộc)"), required=False, max_length=150,
        help_text=_("Chỉ cơ quan quản lý OCOP xem được, để liên hệ lại khi cần."))
    photo = forms.FileField(label=_("Ảnh sản phẩm, nhãn hoặc tem (không bắt buộc)"),
                            required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/*"}))
    stamp = forms.CharField(required=False, max_length=300, widget=forms.HiddenInput)
