"""The registration form (phiếu đăng ký) as a field list, and the small Django forms of the pages.

The form is stored as JSON on the dossier so that autosave can merge whatever fields arrive
(PATCH-style) and a version can freeze it; the field list below is the one place its keys,
labels and checks live.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ocop.dossiers.models import ProgrammeYear, Round
from ocop.rules.levels import LEVEL_CHOICES

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class FormField:
    key: str
    label_vi: str
    kind: str = "text"  # text, textarea, int, email
    required_to_submit: bool = False

    @property
    def max_length(self) -> int:
        return 10_000 if self.kind == "textarea" else 255


REGISTRATION_FIELDS: tuple[FormField, ...] = (
    FormField("product_name", gettext_lazy("Tên sản phẩm"), required_to_submit=True),
    FormField("product_description", gettext_lazy("Mô tả sản phẩm"), "textarea"),
    FormField("ingredients", gettext_lazy("Thành phần, nguyên liệu chính"), "textarea"),
    FormField("packaging", gettext_lazy("Quy cách đóng gói")),
    FormField("annual_output", gettext_lazy("Sản lượng bình quân/năm")),
    FormField("main_market", gettext_lazy("Thị trường tiêu thụ chính")),
    FormField("raw_material_source", gettext_lazy("Nguồn nguyên liệu, vùng nguyên liệu"),
              "textarea"),
    FormField("idea_origin", gettext_lazy("Nguồn gốc ý tưởng sản phẩm"), "textarea"),
    FormField("product_story", gettext_lazy("Câu chuyện sản phẩm"), "textarea"),
    FormField("employees", gettext_lazy("Tổng số lao động"), "int"),
    FormField("local_employees", gettext_lazy("Số lao động địa phương"), "int"),
    FormField("contact_name", gettext_lazy("Người liên hệ"), required_to_submit=True),
    FormField("contact_phone", gettext_lazy("Điện thoại liên hệ"), required_to_submit=True),
    FormField("contact_email", gettext_lazy("Thư điện tử liên hệ"), "email"),
    FormField("notes", gettext_lazy("Ghi chú"), "textarea"),
)
FIELDS_BY_KEY = {f.key: f for f in REGISTRATION_FIELDS}


def clean_form_changes(changes: dict[str, Any]) -> dict[str, Any]:
    """Check the fields sent by an autosave; all errors are raised together, keyed by field."""
    out: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for key, raw in changes.items():
        spec = FIELDS_BY_KEY.get(key)
        if spec is None:
            errors[key] = _("Trường này không có trong phiếu đăng ký.")
            continue
        value = "" if raw is None else raw
        if spec.kind == "int":
            if value in ("", None):
                out[key] = None
                continue
            try:
                number = int(str(value).strip())
            except ValueError:
                errors[key] = _("%(field)s phải là số nguyên.") % {"field": spec.label_vi}
                continue
            if number < 0:
                errors[key] = _("%(field)s không được âm.") % {"field": spec.label_vi}
                continue
            out[key] = number
            continue
        if not isinstance(value, str):
            value = str(value)
        value = value.strip() if spec.kind != "textarea" else value
        if len(value) > spec.max_length:
            errors[key] = _("%(field)s: tối đa %(max)d ký tự.") % {
                "field": spec.label_vi, "max": spec.max_length}
            continue
        if spec.kind == "email" and value and not _EMAIL.match(value):
            errors[key] = _("%(field)s không đúng định dạng.") % {"field": spec.label_vi}
            continue
        out[key] = value
    if errors:
        raise ValidationError(errors)
    return out


def missing_required(form: dict[str, Any]) -> list[FormField]:
    return [f for f in REGISTRATION_FIELDS
            if f.required_to_submit and not str(form.get(f.key) or "").strip()]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class ProgrammeYearForm(forms.ModelForm):
    class Meta:
        model = ProgrammeYear
        fields = ["year", "plan_reference", "plan_date"]
        widgets = {"plan_date": DateInput()}


class RoundForm(forms.ModelForm):
    level = forms.ChoiceField(label=gettext_lazy("Cấp"), choices=LEVEL_CHOICES)

    class Meta:
        model = Round
        fields = ["level", "number", "name", "opens_on", "submission_deadline",
                  "evaluation_deadline", "recognition_deadline", "status", "issuing_unit"]
        widgets = {
            "opens_on": DateInput(),
            "submission_deadline": DateInput(),
            "evaluation_deadline": DateInput(),
            "recognition_deadline": DateInput(),
        }

    def __init__(self, *args: Any, issuing_units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if issuing_units is not None:
            self.fields["issuing_unit"].queryset = issuing_units
        self.fields["issuing_unit"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        dates: list[tuple[str, date | None]] = [
            (name, data.get(name)) for name in
            ("opens_on", "submission_deadline", "evaluation_deadline", "recognition_deadline")
        ]
        for (a, da), (b, db) in itertools.pairwise(dates):
            if da and db and db < da:
                self.add_error(
                    b, _("Phải sau hoặc bằng “%(field)s”.") % {"field": self.fields[a].label}
                )
        return data
