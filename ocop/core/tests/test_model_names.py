"""Every model of the platform names itself in Vietnamese: the name appears in the
administration's filters and in the audit history's sentence for an action without one of its
own ("… đã thực hiện một thao tác trên <tên>")."""

from __future__ import annotations

from django.apps import apps
from django.utils.text import camel_case_to_spaces


def test_every_platform_model_has_a_name_of_its_own():
    unnamed = [model._meta.label for model in apps.get_models()
               if model.__module__.startswith("ocop.")
               and str(model._meta.verbose_name) == camel_case_to_spaces(model.__name__)]
    assert unnamed == []
