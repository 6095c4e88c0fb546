"""Plain-text fields refuse markup where it has no meaning.

Names of producers, products, people, signers and councils are printed on certificates,
decisions and minutes, shown on pages and written to spreadsheets. Markup in them is never
meant: an HTML tag (``<b>x</b>``) would be shown literally or, in a careless template, run; a
text starting like a spreadsheet formula (``=HYPERLINK(…)``) is the classic CSV-injection
payload. Exports neutralise such cells anyway (``ocop.core.spreadsheets``); refusing them at the
door tells the person typing what is wrong, with the name of the field.

One validator, used as a model field validator (forms, the API and the Excel import all go
through ``full_clean``) and, for services that build rows from loose arguments, through
``plain_text_errors``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

from ocop.core.spreadsheets import FORMULA_TRIGGERS

# "<b>", "</b>", "<script", "<!--", "<?xml": a "<" that opens a tag. "a < b" is left alone.
_TAG = re.compile(r"<\s*[/!?]?\s*[A-Za-z]")


def has_markup(text: str) -> bool:
    """An HTML/XML tag, a leading formula character (= + - @) or a control character."""
    if _TAG.search(text) or text.lstrip().startswith(FORMULA_TRIGGERS):
        return True
    return any(unicodedata.category(ch) == "Cc" for ch in text)


def markup_message(label: Any) -> str:
    return _("%(field)s chỉ được ghi chữ thường: không dùng thẻ HTML (như <b>), không bắt đầu "
             "bằng =, +, -, @ như công thức bảng tính.") % {"field": label}


@deconstructible
class PlainText:
    """Field validator: ``validators=[PlainText(_("Tên chủ thể"))]``."""

    def __init__(self, label: Any) -> None:
        self.label = label

    def __call__(self, value: Any) -> None:
        if value and has_markup(str(value)):
            raise ValidationError(markup_message(self.label), code="markup")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PlainText) and str(other.label) == str(self.label)

    def __hash__(self) -> int:
        return hash(str(self.label))


def plain_text_errors(fields: Mapping[str, tuple[Any, Any]]) -> dict[str, str]:
    """``{field name: message}`` for each ``field name: (label, value)`` holding markup."""
    return {name: markup_message(label) for name, (label, value) in fields.items()
            if value and has_markup(str(value))}
