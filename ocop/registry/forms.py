"""Forms of the registry pages. They only parse input: every rule lives in the services.

``_post_clean`` is switched off so that model validation is not run twice with different
messages; the services run it (plus our own checks) and their errors are put back on the form.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from ocop.accounts.models import Role, User
from ocop.registry import permissions, services
from ocop.registry.models import (
    EvidenceDocument,
    LegalForm,
    Producer,
    Product,
    ProductGroup,
    ProductSet,
)
from ocop.rules.certification import CERTIFIABLE_STARS
from ocop.units import selectors as unit_selectors
from ocop.units.forms import CommuneChoiceField
from ocop.units.models import Unit

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ServiceForm(forms.ModelForm):
    service_fields: tuple[str, ...] = ()

    def _post_clean(self) -> None:
        """Model validation is done by the service (see module docstring)."""

    def service_data(self) -> dict[str, Any]:
        return {
            f: self.cleaned_data[f]
            for f in self.service_fields
            if f in self.cleaned_data and f in self.fields and not self.fields[f].disabled
        }

    def add_service_errors(self, exc: ValidationError) -> None:
        """Show a service's ValidationError beside the fields it names."""
        if not hasattr(exc, "error_dict"):
            for message in exc.messages:
                self.add_error(None, message)
            return
        for name, messages in exc.message_dict.items():
            target = name if name in self.fields and name != NON_FIELD_ERRORS else None
            for message in messages:
                self.add_error(target, message)


class ProducerForm(ServiceForm):
    service_fields = services.PRODUCER_FIELDS

    class Meta:
        model = Producer
        fields = services.PRODUCER_FIELDS
        widgets = {"business_reg_date": DATE}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A record made before 1 July 2025 keeps its legacy commune until someone moves it.
        legacy = bool(self.instance.pk and not self.instance.commune.is_current)
        self.fields["commune"] = CommuneChoiceField(
            allow_legacy=legacy, help_text=_("Xã/phường hiện nay (từ 01/07/2025)."),
        )
        self.fields["tax_code"].help_text = _("10 chữ số, hoặc ##########-### với chi nhánh.")
        if user.role == Role.PRODUCER:
            for name in permissions.PRODUCER_LOCKED_FIELDS:
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Liên hệ cơ quan quản lý để sửa.")


class ProductForm(ServiceForm):
    service_fields = services.PRODUCT_FIELDS
    # Plain FileField: the content check (and its message) is the one in registry.uploads.
    image = forms.FileField(label=_("Ảnh sản phẩm"), required=False,
                            help_text=_("PNG, JPEG hoặc WebP."),
                            widget=forms.ClearableFileInput(attrs={"accept": "image/*"}))

    class Meta:
        model = Product
        fields = services.PRODUCT_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["product_set"]
        field.queryset = ProductSet.objects.select_related("subgroup").order_by("code")
        field.label_from_instance = lambda s: f"{s.code} — {s.display_name}"
        self.fields["gtin"].help_text = _("Mã vạch 8, 12, 13 hoặc 14 chữ số (không bắt buộc).")


class DocumentForm(ServiceForm):
    service_fields = services.DOCUMENT_FIELDS
    file = forms.FileField(label=_("Tệp"), required=False,
                           help_text=_("PDF, ảnh PNG/JPEG, Excel .xlsx hoặc Word .docx."))

    class Meta:
        model = EvidenceDocument
        fields = services.DOCUMENT_FIELDS
        widgets = {"issued_on": DATE, "expires_on": DATE}

    def __init__(self, *args: Any, producer: Producer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = producer.products.order_by("name")
        self.fields["product"].required = False


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp Excel (.xlsx)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))


def filter_choices(user: User) -> dict[str, Any]:
    """Options for the filter bar of the lists (only what the user's reach makes useful)."""
    provinces: list[Unit] = []
    communes: list[Unit] = []
    if user.is_nationwide:
        provinces = list(
            Unit.objects.filter(era=Unit.Era.CURRENT, level=Unit.Level.PROVINCE)
            .order_by("search_name")
        )
    elif user.unit is not None and user.unit.level == Unit.Level.PROVINCE:
        communes = list(unit_selectors.communes(user.unit.pk))
    return {
        "provinces": provinces,
        "communes": communes,
        "legal_forms": LegalForm.choices,
        "groups": list(ProductGroup.objects.order_by("code")),
        "sets": list(ProductSet.objects.order_by("code")),
        "star_choices": list(CERTIFIABLE_STARS),
    }
