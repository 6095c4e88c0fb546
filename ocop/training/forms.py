from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ocop.registry.models import Producer, Product
from ocop.training.models import Course, Support

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CourseForm(forms.ModelForm):
    class Meta:
        model = Course
        fields = ["kind", "topic", "title", "starts_on", "ends_on", "registration_closes_on",
                  "place", "trainers", "capacity", "description"]
        widgets = {"starts_on": DATE, "ends_on": DATE, "registration_closes_on": DATE,
                   "description": forms.Textarea(attrs={"rows": 4})}


class RegistrationForm(forms.Form):
    producer = forms.ModelChoiceField(label=_("Chủ thể"), queryset=Producer.objects.none())
    attendee = forms.CharField(label=_("Người tham dự"), max_length=150)

    def __init__(self, *args, producers, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["producer"].queryset = producers
        if producers.count() == 1:
            self.fields["producer"].initial = producers.first()


class SupportForm(forms.ModelForm):
    class Meta:
        model = Support
        fields = ["producer", "product", "kind", "given_on", "amount", "funding", "description"]
        widgets = {"given_on": DATE}

    def __init__(self, *args, producers, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["producer"].queryset = producers.order_by("name")
        self.fields["product"].queryset = Product.objects.filter(
            producer__in=producers).order_by("name")
        self.fields["product"].required = False
