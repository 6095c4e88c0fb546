"""Forms of the plan pages. They only shape input; the rules live in services.py, whose
``Invalid`` field messages are put back on the form (``add_refusal``)."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ocop.accounts.models import User
from ocop.core.refusals import Invalid
from ocop.planning import permissions
from ocop.planning.models import (
    AnnualPlan,
    BudgetContent,
    BudgetSource,
    IndicatorKind,
)
from ocop.registry.models import ProductGroup
from ocop.units.models import Unit


class ProvinceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        if obj.era == Unit.Era.LEGACY:
            return _("%(name)s (trước 01/07/2025)") % {"name": obj.full_name}
        return obj.full_name


def province_choices(user: User):
    """Provinces the user may plan for: every province for nation-wide accounts, else its own
    province today and the legacy provinces that became part of it (for plans before 2025)."""
    qs = Unit.objects.filter(level=Unit.Level.PROVINCE).order_by("era", "name")
    if user.is_nationwide:
        return qs
    province = permissions.user_province_id(user)
    return qs.filter(Q(pk=province) | Q(era=Unit.Era.LEGACY, current_province_id=province))


class PlanForm(forms.ModelForm):
    decision_file = forms.FileField(label=_("Tệp văn bản (PDF)"), required=False)

    class Meta:
        model = AnnualPlan
        fields = ["province", "year", "title", "decision_number", "decision_date", "note"]
        widgets = {"decision_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "note": forms.Textarea(attrs={"rows": 3, "full": True}),
                   "title": forms.TextInput(attrs={"full": True})}

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = ProvinceChoiceField(queryset=province_choices(user), label=_("Tỉnh/thành phố"),
                                    required=not user.is_nationwide,
                                    empty_label=_("— Chương trình cấp trung ương —")
                                    if user.is_nationwide else None)
        self.fields["province"] = field
        self.fields["year"].widget.attrs.update(min=2018, max=2100)

    def _post_clean(self) -> None:
        # The service validates (and its refusals come back through add_refusal), not the
        # model's own full_clean here: one source of rules.
        pass


class IndicatorForm(forms.Form):
    kind = forms.ChoiceField(label=_("Chỉ tiêu"), choices=IndicatorKind.choices)
    product_group = forms.ModelChoiceField(label=_("Nhóm sản phẩm"),
                                           queryset=ProductGroup.objects.all(), required=False,
                                           help_text=_("Chỉ với chỉ tiêu theo nhóm sản phẩm."))
    baseline = forms.CharField(label=_("Giá trị đầu kỳ"), required=False)
    target = forms.CharField(label=_("Chỉ tiêu kế hoạch"), required=False)
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=300,
                           widget=forms.TextInput(attrs={"full": True}))


class BudgetLineForm(forms.Form):
    content = forms.ChoiceField(label=_("Nội dung"), choices=BudgetContent.choices)
    source = forms.ChoiceField(label=_("Nguồn kinh phí"), choices=BudgetSource.choices)
    description = forms.CharField(label=_("Diễn giải"), required=False, max_length=300,
                                  widget=forms.TextInput(attrs={"full": True}))
    approved = forms.CharField(label=_("Dự toán được duyệt (đồng)"))
    committed = forms.CharField(label=_("Đã cam kết (đồng)"), required=False)
    disbursed = forms.CharField(label=_("Đã giải ngân (đồng)"), required=False)

    def clean(self) -> dict:
        # Amounts are whole đồng, typed the Vietnamese way with dots between thousands
        # ("20.900.000.000"); the separators go, the service checks what is left.
        data = super().clean()
        for name in ("approved", "committed", "disbursed"):
            if isinstance(data.get(name), str):
                data[name] = data[name].replace(".", "").replace(" ", "").replace("\u00a0", "")
        return data


def add_refusal(form: forms.BaseForm, refusal: Invalid) -> None:
    """Put a service's field messages on the form (unknown fields on the form as a whole)."""
    if not refusal.fields:
        form.add_error(None, refusal.message)
    for name, message in refusal.fields.items():
        form.add_error(name if name in form.fields else None, message)
