"""Form field and widget for choosing a commune: province select → communes loaded by htmx."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from ocop.units import selectors
from ocop.units.models import Unit
from ocop.units.names import full_address


class CommuneSelect(forms.Widget):
    """Two selects: the province (not submitted as data of the field) and its communes.

    Changing the province asks ``units:commune_options`` for the new ``<option>``s. Rendering
    costs three queries (provinces, the chosen unit, its province's communes) whatever the data.
    A legacy commune already stored on a record stays shown and selected, marked as such.
    """

    template_name = "units/widgets/commune_select.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        # The province picked on a submitted form, so that a redisplay keeps it. Widgets are
        # deep-copied per form instance, so this is per form.
        self._submitted_province = ""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        self._submitted_province = data.get(f"{name}_province", "")
        return data.get(name)

    def format_value(self, value: Any) -> str:
        if isinstance(value, Unit):
            return value.pk
        return "" if value is None else str(value)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        key = context["widget"]["value"]
        unit = selectors.get_unit(key) if key else None
        province = unit.current_province_id if unit else self._submitted_province
        context["widget"].update(
            {
                "provinces": list(selectors.provinces()),
                "province": province,
                "communes": list(selectors.communes(province)) if province else [],
                "legacy": unit if unit is not None and not unit.is_current else None,
                "options_url": reverse("units:commune_options") + f"?field={name}",
            }
        )
        return context


class CommuneChoiceField(forms.ModelChoiceField):
    """A commune-level unit, chosen by its key ("C07210").

    Only current communes are accepted unless ``allow_legacy=True`` (for correcting records made
    before 1 July 2025, which keep their legacy commune).
    """

    widget = CommuneSelect

    def __init__(self, *, allow_legacy: bool = False, **kwargs: Any) -> None:
        queryset = selectors.commune_choices()
        if not allow_legacy:
            queryset = queryset.filter(era=Unit.Era.CURRENT)
        self.allow_legacy = allow_legacy
        kwargs.setdefault("label", _("Xã/phường"))
        super().__init__(queryset=queryset, **kwargs)

    def to_python(self, value: Any) -> Unit | None:
        if value in self.empty_values:
            return None
        if isinstance(value, Unit):
            value = value.pk
        key = str(value).strip()
        unit = (
            selectors.commune_choices()
            .select_related("current_commune", "current_province")
            .filter(key=key)
            .first()
        )
        if unit is None:
            raise ValidationError(
                _("Mã xã/phường không tồn tại: %(value)s"),
                code="invalid_choice",
                params={"value": key},
            )
        if not unit.is_current and not self.allow_legacy:
            raise ValidationError(
                _("%(unit)s không còn từ ngày 01/07/2025; hãy chọn xã/phường hiện nay (%(now)s)."),
                code="legacy_commune",
                params={"unit": unit.full_name, "now": full_address(unit, legacy=False)},
            )
        return unit
