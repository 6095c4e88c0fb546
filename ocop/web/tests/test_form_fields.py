"""The shared form layout (web/form_fields.html): a single checkbox reads box first, then its
words; every other field, a group of checkboxes included, has its label above it."""

from __future__ import annotations

from django import forms
from django.template.loader import render_to_string


class Example(forms.Form):
    agreed = forms.BooleanField(label="Đồng ý")
    inspectors = forms.MultipleChoiceField(label="Người kiểm tra", choices=[("1", "Trần Văn An")],
                                           widget=forms.CheckboxSelectMultiple)


def test_a_checkbox_group_has_its_label_above_the_boxes():
    html = render_to_string("web/form_fields.html", {"form": Example()})
    single = html.index('name="agreed"'), html.index(">Đồng ý")
    assert single[0] < single[1]
    group = html.index(">Người kiểm tra"), html.index('name="inspectors"')
    assert group[0] < group[1]
    assert html.count('class="field checkbox') == 1
