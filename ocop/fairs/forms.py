from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from ocop.fairs.models import Application, BoothClass, Event
from ocop.units.models import Unit

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_BOOTH_LINE = re.compile(r"^(?P<name>[^:]+):\s*(?P<capacity>\d+)\s*$")


class ServiceChecked(forms.ModelForm):
    """A model form whose table constraints are checked by the service, which names the field
    and the problem in words (Django's own message would name the constraint)."""

    def validate_constraints(self) -> None:
        return None


class EventForm(ServiceChecked):
    booth_classes = forms.CharField(
        label=_("Loại gian hàng và số gian"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Mỗi dòng một loại, dạng “tên: số gian”, ví dụ “Gian tiêu chuẩn: 20”."))

    class Meta:
        model = Event
        fields = ["province", "kind", "name", "starts_on", "ends_on", "venue", "organiser",
                  "open_to", "applications_open_on", "applications_close_on", "description"]
        widgets = {"starts_on": DATE, "ends_on": DATE, "applications_open_on": DATE,
                   "applications_close_on": DATE,
                   "description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, choose_province: bool = False, editing: bool = False,
                 **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if choose_province and not editing:
            # Central and admin accounts keep events for any current province.
            self.fields["province"].queryset = Unit.objects.filter(
                level=Unit.Level.PROVINCE, era=Unit.Era.CURRENT).order_by("name")
        else:
            del self.fields["province"]
        if editing:  # booth classes are kept on the event's page once it exists
            del self.fields["booth_classes"]

    def clean_booth_classes(self) -> list[tuple[str, int]]:
        rows = []
        for number, line in enumerate(self.cleaned_data["booth_classes"].splitlines(), 1):
            if not line.strip():
                continue
            match = _BOOTH_LINE.match(line.strip())
            if match is None:
                raise forms.ValidationError(
                    _("Dòng %(n)d chưa đúng dạng “tên: số gian”.") % {"n": number})
            rows.append((match["name"].strip(), int(match["capacity"])))
        return rows


class BoothClassForm(forms.Form):
    name = forms.CharField(label=_("Loại gian hàng"), max_length=100)
    capacity = forms.IntegerField(label=_("Số gian"), min_value=1, max_value=10_000)


class ApplicationForm(forms.Form):
    products = forms.ModelMultipleChoiceField(
        label=_("Sản phẩm OCOP trưng bày"), queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Chọn ít nhất một sản phẩm OCOP để trưng bày.")})
    booth_wanted = forms.ModelChoiceField(label=_("Loại gian mong muốn"), required=False,
                                          queryset=BoothClass.objects.none())
    notes = forms.CharField(label=_("Ghi chú"), required=False, max_length=2000,
                            widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, products, event: Event, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["products"].queryset = products
        self.fields["booth_wanted"].queryset = event.booth_classes.all()


class AcceptForm(forms.Form):
    booth_class = forms.ModelChoiceField(label=_("Loại gian"), queryset=BoothClass.objects.none())
    booth_number = forms.CharField(label=_("Số gian"), max_length=20)

    def __init__(self, *args, event: Event, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["booth_class"].queryset = event.booth_classes.all()


class RefuseForm(forms.Form):
    reason = forms.CharField(label=_("Lý do không nhận"), max_length=500)


class ResultsForm(ServiceChecked):
    class Meta:
        model = Application
        fields = ["sales_vnd", "contracts_count", "contracts_value_vnd", "buyer_contacts_count",
                  "buyer_contact_names"]
        widgets = {"buyer_contact_names": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("sales_vnd", "contracts_count", "contracts_value_vnd",
                     "buyer_contacts_count"):
            # Negative numbers reach the service, which names the problem in its own words.
            self.fields[name].required = True
            self.fields[name].min_value = None
            self.fields[name].validators = []
            self.fields[name].widget.attrs.pop("min", None)
