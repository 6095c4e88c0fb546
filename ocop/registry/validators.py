"""Field rules of the registry, shared by forms, the API, Excel import and services.

Every error is a ``ValidationError`` keyed by the field name, with a translated message
(Vietnamese msgid), so that each caller can show it beside the right input, JSON field or
spreadsheet column.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from biip import ParseError
from biip.gtin import Gtin
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

# Official weights of the General Department of Taxation for the 10-digit code (check digit last).
TAX_CODE_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)
_BRANCH = re.compile(r"^(\d{10})-?(\d{3})$")


def tax_code_check_digit(first_nine: str) -> int | None:
    """Check digit for the first 9 digits, or None when the rule gives 10 (no valid code)."""
    total = sum(int(d) * w for d, w in zip(first_nine, TAX_CODE_WEIGHTS, strict=True))
    check = 10 - total % 11
    return None if check == 10 else check


def _main_tax_code_ok(code: str) -> bool:
    check = tax_code_check_digit(code[:9])
    return check is not None and int(code[9]) == check


def normalise_tax_code(value: str, field: str = "tax_code") -> str:
    """Return the code in canonical form ("0101234567" or "0101234567-001") or raise."""
    raw = re.sub(r"\s+", "", str(value or ""))
    if not raw:
        raise ValidationError({field: _("Mã số thuế là bắt buộc.")})
    if re.fullmatch(r"\d{10}", raw):
        if not _main_tax_code_ok(raw):
            raise ValidationError(
                {field: _("Mã số thuế “%(code)s” sai chữ số kiểm tra (chữ số thứ 10).")
                 % {"code": raw}}
            )
        return raw
    branch = _BRANCH.fullmatch(raw)
    if branch:
        main, suffix = branch.groups()
        if not _main_tax_code_ok(main):
            raise ValidationError(
                {field: _("Mã số thuế “%(code)s”: 10 chữ số đầu sai chữ số kiểm tra.")
                 % {"code": raw}}
            )
        # Branch numbers start at 001; 000 is never issued.
        if suffix == "000":
            raise ValidationError(
                {field: _("Mã số thuế “%(code)s”: mã chi nhánh không được là 000.") % {"code": raw}}
            )
        return f"{main}-{suffix}"
    raise ValidationError(
        {field: _("Mã số thuế phải gồm 10 chữ số, hoặc 13 chữ số dạng ##########-### (chi nhánh).")}
    )


def normalise_gtin(value: str | None, field: str = "gtin") -> str | None:
    """GTIN-8/12/13/14 with a correct GS1 check digit (checked by biip); empty → None."""
    raw = re.sub(r"\s+", "", str(value or ""))
    if not raw:
        return None
    try:
        Gtin.parse(raw)
    except ParseError:
        if not raw.isdecimal() or len(raw) not in (8, 12, 13, 14):
            msg = _("Mã GTIN “%(code)s” phải gồm 8, 12, 13 hoặc 14 chữ số.") % {"code": raw}
        else:
            msg = _("Mã GTIN “%(code)s” sai chữ số kiểm tra.") % {"code": raw}
        raise ValidationError({field: msg}) from None
    return raw


def validate_not_future(value: date | None, field: str, label: str) -> None:
    if value is not None and value > timezone.localdate():
        raise ValidationError({field: _("%(label)s không được ở tương lai.") % {"label": label}})


def validate_non_negative(value: int | None, field: str, label: str) -> None:
    if value is not None and value < 0:
        raise ValidationError({field: _("%(label)s không được âm.") % {"label": label}})


def _collect(errors: dict[str, list[str]], exc: ValidationError) -> None:
    for key, messages in exc.message_dict.items():
        errors.setdefault(key, []).extend(messages)


def clean_producer_data(data: Mapping[str, Any]) -> dict[str, Any]:
    """Normalise and check producer fields present in ``data``; all errors are raised together."""
    out = dict(data)
    errors: dict[str, list[str]] = {}
    if "tax_code" in out:
        try:
            out["tax_code"] = normalise_tax_code(out["tax_code"])
        except ValidationError as exc:
            _collect(errors, exc)
    for field, label in (
        ("employees", _("Số lao động")),
        ("local_employees", _("Số lao động địa phương")),
        ("members", _("Số thành viên")),
    ):
        try:
            validate_non_negative(out.get(field), field, label)
        except ValidationError as exc:
            _collect(errors, exc)
    try:
        validate_not_future(out.get("business_reg_date"), "business_reg_date", _("Ngày đăng ký"))
    except ValidationError as exc:
        _collect(errors, exc)
    employees, local = out.get("employees"), out.get("local_employees")
    if (
        employees is not None
        and local is not None
        and "local_employees" not in errors
        and local > employees
    ):
        errors.setdefault("local_employees", []).append(
            _("Số lao động địa phương không được lớn hơn tổng số lao động.")
        )
    if errors:
        raise ValidationError(errors)
    return out


def clean_product_data(data: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(data)
    errors: dict[str, list[str]] = {}
    if "gtin" in out:
        try:
            out["gtin"] = normalise_gtin(out["gtin"])
        except ValidationError as exc:
            _collect(errors, exc)
    try:
        validate_non_negative(out.get("shelf_life_days"), "shelf_life_days", _("Hạn sử dụng"))
    except ValidationError as exc:
        _collect(errors, exc)
    if errors:
        raise ValidationError(errors)
    return out


def clean_document_data(data: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(data)
    errors: dict[str, list[str]] = {}
    try:
        validate_not_future(out.get("issued_on"), "issued_on", _("Ngày cấp"))
    except ValidationError as exc:
        _collect(errors, exc)
    issued, expires = out.get("issued_on"), out.get("expires_on")
    if issued and expires and expires < issued:
        errors.setdefault("expires_on", []).append(_("Ngày hết hạn phải sau ngày cấp."))
    if errors:
        raise ValidationError(errors)
    return out
