"""The request form: a kind and a period, chosen as a month, a quarter, a year or two dates.

The form only reads the fields; the period's checks (reversed, future, longer than ten years)
are the service's (``periods.check``), so the API or a script gets the same refusals."""

from __future__ import annotations

from datetime import date

from django import forms
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ocop.reports import periods
from ocop.reports.models import ReportKind

# The OCOP programme began in 2018 (Decision 490/QĐ-TTg); a report before 2013 is a slip.
FIRST_YEAR = 2013


class PeriodType:
    MONTH, QUARTER, YEAR, CUSTOM = "thang", "quy", "nam", "tuy-chon"
    CHOICES = ((MONTH, _("Tháng")), (QUARTER, _("Quý")), (YEAR, _("Năm")),
               (CUSTOM, _("Từ ngày … đến ngày …")))


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại báo cáo"), choices=ReportKind.choices,
                             initial=ReportKind.SUMMARY)
    period_type = forms.ChoiceField(label=_("Kỳ báo cáo"), choices=PeriodType.CHOICES,
                                    initial=PeriodType.QUARTER)
    year = forms.IntegerField(label=_("Năm"), min_value=FIRST_YEAR, required=False)
    quarter = forms.TypedChoiceField(
        label=_("Quý"), coerce=int, required=False,
        choices=[(n, _("Quý %(n)s") % {"n": periods.ROMAN[n]}) for n in range(1, 5)])
    month = forms.TypedChoiceField(
        label=_("Tháng"), coerce=int, required=False,
        choices=[(n, _("Tháng %(n)s") % {"n": n}) for n in range(1, 13)])
    start = forms.DateField(label=_("Từ ngày"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Đến ngày"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        # A year after this one has no figures yet (and date() would fail past 9999).
        self.fields["year"].validators.append(MaxValueValidator(today.year))
        self.fields["year"].widget.attrs["max"] = today.year
        self.fields["year"].initial = today.year

    def clean(self) -> dict:
        data = super().clean()
        kind = data.get("period_type")
        needs = {PeriodType.MONTH: ("year", "month"), PeriodType.QUARTER: ("year", "quarter"),
                 PeriodType.YEAR: ("year",), PeriodType.CUSTOM: ("start", "end")}.get(kind, ())
        for name in needs:
            if data.get(name) in (None, "") and name not in self.errors:
                self.add_error(name, _("Hãy điền mục này cho kỳ báo cáo đã chọn."))
        return data

    def period(self) -> periods.Period:
        data = self.cleaned_data
        kind = data["period_type"]
        if kind == PeriodType.MONTH:
            return periods.month(data["year"], data["month"])
        if kind == PeriodType.QUARTER:
            return periods.quarter(data["year"], data["quarter"])
        if kind == PeriodType.YEAR:
            return periods.year(data["year"])
        start: date = data["start"]
        end: date = data["end"]
        return periods.Period(start, end)
