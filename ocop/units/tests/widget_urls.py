"""URLconf for the browser test: the site's URLs plus one page showing the commune picker."""

from django import forms
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path

from ocop.units.forms import CommuneChoiceField
from ocop.urls import urlpatterns as site_urlpatterns

PAGE = """{% extends "base.html" %}{% block content %}
<form method="get" class="form-grid">{% include "web/form_fields.html" %}
<button class="btn" type="submit">OK</button></form>{% endblock %}"""


class AddressForm(forms.Form):
    commune = CommuneChoiceField()


def picker(request: HttpRequest) -> HttpResponse:
    form = AddressForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return HttpResponse(f"chosen {form.cleaned_data['commune'].key}")
    template = engines["django"].from_string(PAGE)
    return HttpResponse(template.render({"form": form}, request))


urlpatterns = [path("__picker__/", picker), *site_urlpatterns]
