"""The offices' forms. They only shape the input: every rule is in ``services``."""

from __future__ import annotations

from datetime import time
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ocop.core.formrows import Row, rows_to_show
from ocop.registry.models import Producer, Product
from ocop.tourism.models import Destination, Itinerary, Service, Weekday
from ocop.units.models import Unit

STOP_ROWS = 8


class DestinationForm(forms.ModelForm):
    services = forms.MultipleChoiceField(label=_("Dịch vụ"), choices=Service.choices,
                                         required=False, widget=forms.CheckboxSelectMultiple)
    # Text, not a number field: a comma typed as the decimal mark is read, and a wrong value
    # gets the service's message naming the problem.
    latitude = forms.CharField(label=_("Vĩ độ"), max_length=20,
                               help_text=_("Ví dụ 21.37350 (độ thập phân, Bắc)."))
    longitude = forms.CharField(label=_("Kinh độ"), max_length=20,
                                help_text=_("Ví dụ 106.17420 (độ thập phân, Đông)."))

    class Meta:
        model = Destination
        fields = ["name", "commune", "address", "latitude", "longitude", "summary",
                  "description", "visit_info", "hours_note", "services", "contact_name",
                  "contact_phone", "contact_email", "website", "service_product", "producer"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4}),
                   "visit_info": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, communes: Any, service_products: Any, producers: Any,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes
        # "Xã Liên Chung (Huyện Tân Yên)": a legacy commune reads with its district.
        self.fields["commune"].label_from_instance = (
            lambda u: f"{u.full_name} ({u.parent.full_name})" if u.parent_id else u.full_name)
        self.fields["service_product"].queryset = service_products
        self.fields["producer"].queryset = producers
        if self.instance.pk:
            self.initial["services"] = self.instance.service_codes
        for day in Weekday:
            periods = {p.weekday: p for p in self.instance.opening_periods.all()} \
                if self.instance.pk else {}
            period = periods.get(day.value)
            self.fields[f"opens_{day.value}"] = forms.TimeField(
                label=_("%(day)s mở") % {"day": day.label}, required=False,
                initial=period.opens if period else None,
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
            self.fields[f"closes_{day.value}"] = forms.TimeField(
                label=_("%(day)s đóng") % {"day": day.label}, required=False,
                initial=period.closes if period else None,
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))

    def hours(self) -> dict[int, tuple[time | None, time | None]]:
        """{weekday: (opens, closes)} of the days with anything typed (a blank day is closed)."""
        data = self.cleaned_data
        return {day.value: (data.get(f"opens_{day.value}"), data.get(f"closes_{day.value}"))
                for day in Weekday
                if data.get(f"opens_{day.value}") or data.get(f"closes_{day.value}")}

    def _post_clean(self) -> None:
        # The model's own validation runs in the service, as one whole, with its messages.
        pass

    def hour_rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"opens_{d.value}"], self[f"closes_{d.value}"]) for d in Weekday]

    def main_fields(self) -> list[Any]:
        return [self[name] for name in self.Meta.fields]


class PhotoForm(forms.Form):
    image = forms.FileField(label=_("Ảnh (PNG, JPEG hoặc WebP)"))
    caption = forms.CharField(label=_("Chú thích"), max_length=200, required=False)


class SoldProductForm(forms.Form):
    product = forms.ModelChoiceField(label=_("Sản phẩm OCOP bán tại điểm"),
                                     queryset=Product.objects.none())

    def __init__(self, *args: Any, products: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products


class ItineraryForm(forms.ModelForm):
    class Meta:
        model = Itinerary
        fields = ["name", "summary", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, destinations: Any, producers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stops = list(self.instance.stops.all()) if self.instance.pk else []
        for n in range(1, STOP_ROWS + 1):
            stop = stops[n - 1] if n <= len(stops) else None
            self.fields[f"stop_{n}_destination"] = forms.ModelChoiceField(
                label=_("Điểm dừng %(n)s: điểm du lịch") % {"n": n}, queryset=destinations,
                required=False, initial=stop.destination_id if stop else None)
            self.fields[f"stop_{n}_producer"] = forms.ModelChoiceField(
                label=_("hoặc chủ thể OCOP"), queryset=producers, required=False,
                initial=stop.producer_id if stop else None)
            self.fields[f"stop_{n}_minutes"] = forms.IntegerField(
                label=_("Thời gian gợi ý (phút)"), required=False, min_value=1,
                max_value=24 * 60, initial=stop.minutes if stop else None)
            self.fields[f"stop_{n}_note"] = forms.CharField(
                label=_("Ghi chú"), required=False, max_length=300,
                initial=stop.note if stop else "")

    def _post_clean(self) -> None:
        pass

    def stops(self) -> list[dict[str, Any]]:
        """The filled rows, in order (an empty row is skipped)."""
        data, rows = self.cleaned_data, []
        for n in range(1, STOP_ROWS + 1):
            row = {k: data.get(f"stop_{n}_{k}") for k in ("destination", "producer", "minutes",
                                                          "note")}
            if row["destination"] or row["producer"]:
                rows.append(row)
        return rows

    max_rows = STOP_ROWS

    def stop_rows(self) -> list[Row]:
        def names(n: int) -> list[str]:
            return [f"stop_{n}_{k}" for k in ("destination", "producer", "minutes", "note")]
        return rows_to_show(self, range(1, STOP_ROWS + 1), fields=names, significant=names,
                            number=lambda n: n)


def commune_queryset(area: Unit) -> Any:
    """Communes (current, and legacy ones for old records) of ``area``, a province or a current
    commune: where a destination may be placed."""
    qs = (Unit.objects.filter(level=Unit.Level.COMMUNE).select_related("parent")
          .order_by("era", "search_name"))
    if area.level == Unit.Level.PROVINCE:
        return qs.filter(current_province_id=area.pk)
    return qs.filter(current_commune_id=area.pk)


def producer_queryset(area: Unit) -> Any:
    qs = Producer.objects.filter(status=Producer.Status.ACTIVE).order_by("name", "id")
    if area.level == Unit.Level.PROVINCE:
        return qs.filter(commune__current_province_id=area.pk)
    return qs.filter(commune__current_commune_id=area.pk)
