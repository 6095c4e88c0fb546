"""Every write to annual plans, indicators and budget lines, with its audit entry.

Each function checks permission (``permissions``; ``actor=None`` is the system, e.g. the
demo), validates everything before it writes, and runs in one transaction, so a refusal leaves
nothing half-saved. Refusals are ``ocop.core.refusals``: ``Invalid`` with field messages for
wrong input, ``Conflict`` for an approved plan, ``Forbidden`` for a person who may not.

Once a plan is approved its header, indicators and approved amounts are the decision's and are
locked; what still moves during the year is budget execution (committed, disbursed).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.models import User
from ocop.audit import services as audit
from ocop.core.refusals import Conflict, Invalid
from ocop.planning import permissions
from ocop.planning.models import (
    MAX_AMOUNT,
    MAX_TARGET,
    AnnualPlan,
    BudgetContent,
    BudgetLine,
    BudgetSource,
    Indicator,
    IndicatorKind,
    PlanStatus,
)
from ocop.registry.models import ProductGroup
from ocop.registry.uploads import validate_upload
from ocop.units.models import Unit

FIRST_YEAR = 2018  # the programme began with Decision 490/QĐ-TTg of 07/05/2018
LAST_YEAR = 2100
REFORM_YEAR = 2025  # legacy provinces end, current ones begin, on 1 July 2025
PLAN_FIELDS = ("province", "year", "title", "decision_number", "decision_date", "note")
PDF_ONLY = frozenset({"pdf"})


def _invalid(fields: Mapping[str, Any], code: str = "planning.invalid") -> Invalid:
    first = next(iter(fields.values()))
    return Invalid(first, code=code, fields=fields)


def _from_validation(exc: ValidationError) -> Invalid:
    if hasattr(exc, "error_dict"):
        fields = {name: " ".join(str(m) for m in errors[0].messages)
                  for name, errors in exc.error_dict.items()}
    else:
        fields = {"__all__": " ".join(str(m) for m in exc.messages)}
    return _invalid(fields)


def _full_clean(obj: Any, exclude: list[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=exclude, validate_constraints=False)
    except ValidationError as exc:
        raise _from_validation(exc) from None


def _check(verdict: Any, actor: User | None) -> None:
    if actor is not None:
        verdict.check()


def _store_file(plan: AnnualPlan, file: File | None) -> None:
    """Content-checked: a PDF whatever its name says, within the upload size limit."""
    if file is None:
        return
    try:
        validate_upload(file, PDF_ONLY, "decision_file")
    except ValidationError as exc:
        raise _from_validation(exc) from None
    plan.decision_file_name = (file.name or "").rsplit("/", 1)[-1][:255]
    plan.decision_file.save(file.name, file, save=False)


def _snap(obj: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return audit.snapshot(obj, [f"{n}_id" if n in ("province", "product_group") else n
                                for n in names])


# --- Plans -----------------------------------------------------------------------------------


def _clean_plan(data: Mapping[str, Any], *, exclude: int | None = None) -> dict[str, Any]:
    clean = {k: data[k] for k in PLAN_FIELDS if k in data}
    errors: dict[str, str] = {}
    province = clean.get("province")
    year = clean.get("year")
    if province is not None and not (isinstance(province, Unit)
                                     and province.level == Unit.Level.PROVINCE):
        errors["province"] = _("Hãy chọn một tỉnh/thành phố.")
    try:
        year = int(year)
    except (TypeError, ValueError):
        errors["year"] = _("Năm phải là một số.")
        year = None
    if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
        errors["year"] = _("Năm phải trong khoảng %(first)d–%(last)d.") % {
            "first": FIRST_YEAR, "last": LAST_YEAR}
    elif year is not None and isinstance(province, Unit):
        if province.era == Unit.Era.LEGACY and year > REFORM_YEAR:
            errors["province"] = _("Tỉnh này không còn từ ngày 01/07/2025; hãy chọn tỉnh/thành "
                                   "phố hiện nay.")
        elif province.era == Unit.Era.CURRENT and year < REFORM_YEAR:
            errors["province"] = _("Kế hoạch trước năm 2025 thuộc tỉnh cũ (trước sáp nhập).")
    day = clean.get("decision_date")
    if day is not None and year is not None and not year - 1 <= day.year <= year:
        errors["decision_date"] = _("Ngày ban hành phải trong năm kế hoạch hoặc năm trước đó.")
    if not (clean.get("title") or "").strip():
        errors["title"] = _("Không được để trống.")
    if year is not None and "year" not in errors and "province" not in errors:
        same = AnnualPlan.objects.filter(year=year, province=province)
        if exclude is not None:
            same = same.exclude(pk=exclude)
        if same.exists():
            errors["year"] = _("Đã có kế hoạch năm %(year)d của đơn vị này.") % {"year": year}
    if errors:
        raise _invalid(errors)
    clean["year"] = year
    clean["title"] = clean["title"].strip()
    clean["decision_number"] = (clean.get("decision_number") or "").strip()
    return clean


@transaction.atomic
def create_plan(*, actor: User | None, data: Mapping[str, Any],
                file: File | None = None) -> AnnualPlan:
    _check(permissions.can_create(actor, data.get("province")), actor)
    clean = _clean_plan(data)
    plan = AnnualPlan(created_by=actor, **clean)
    _full_clean(plan, exclude=["decision_file"])
    _store_file(plan, file)
    plan.save()
    audit.record(actor=actor, action="planning.plan.create", obj=plan,
                 changes=_snap(plan, (*PLAN_FIELDS, "status", "decision_file")))
    return plan


def _locked(plan_pk: int) -> AnnualPlan:
    # ``of=("self",)``: the province is an outer join (a national plan has none), and
    # PostgreSQL refuses to lock the nullable side of an outer join.
    return (AnnualPlan.objects.select_for_update(of=("self",), no_key=True)
            .select_related("province").get(pk=plan_pk))


def _require_draft(plan: AnnualPlan) -> None:
    if plan.is_approved:
        raise Conflict(_("Kế hoạch đã phê duyệt: không sửa được nội dung và chỉ tiêu nữa."),
                       code="planning.approved")


@transaction.atomic
def update_plan(*, actor: User | None, plan: AnnualPlan, data: Mapping[str, Any],
                file: File | None = None) -> AnnualPlan:
    current = _locked(plan.pk)
    _check(permissions.can_edit(actor, current), actor)
    _require_draft(current)
    merged = {k: data.get(k, getattr(current, k)) for k in PLAN_FIELDS}
    if "province" in data:
        # Moving a plan to another province needs the right to write there too.
        _check(permissions.can_create(actor, data.get("province")), actor)
    clean = _clean_plan(merged, exclude=current.pk)
    names = (*PLAN_FIELDS, "decision_file")
    before = _snap(current, names)
    for name, value in clean.items():
        setattr(current, name, value)
    _full_clean(current, exclude=["decision_file"])
    _store_file(current, file)
    current.save()
    changes = audit.diff_fields(before, _snap(current, names))
    if changes:
        audit.record(actor=actor, action="planning.plan.update", obj=current, changes=changes)
    return current


@transaction.atomic
def approve_plan(*, actor: User | None, plan: AnnualPlan) -> AnnualPlan:
    current = _locked(plan.pk)
    _check(permissions.can_edit(actor, current), actor)
    _require_draft(current)
    errors = {}
    if not current.decision_number:
        errors["decision_number"] = _("Cần số văn bản phê duyệt kế hoạch.")
    if current.decision_date is None:
        errors["decision_date"] = _("Cần ngày ban hành văn bản.")
    if errors:
        raise _invalid(errors, "planning.approval_incomplete")
    current.status = PlanStatus.APPROVED
    current.approved_at = timezone.now()
    current.save(update_fields=["status", "approved_at", "updated_at"])
    audit.record(actor=actor, action="planning.plan.approve", obj=current,
                 changes={"status": [PlanStatus.DRAFT, PlanStatus.APPROVED]})
    return current


# --- Indicators ------------------------------------------------------------------------------


def _count(value: Any, field: str, errors: dict[str, str]) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        errors[field] = _("Phải là một số.")
        return None
    if not number.is_finite() or number != number.to_integral_value():
        errors[field] = _("Phải là một số nguyên.")
    elif number < 0:
        errors[field] = _("Không được âm.")
    elif number > MAX_TARGET:
        errors[field] = _("Giá trị quá lớn (tối đa %(max)s).") % {"max": f"{MAX_TARGET:,}"}
    else:
        return int(number)
    return None


INDICATOR_FIELDS = ("kind", "product_group", "baseline", "target", "note")


@transaction.atomic
def save_indicator(*, actor: User | None, plan: AnnualPlan, data: Mapping[str, Any],
                   indicator: Indicator | None = None) -> Indicator:
    current = _locked(plan.pk)
    _check(permissions.can_edit(actor, current), actor)
    _require_draft(current)
    if indicator is not None and indicator.plan_id != current.pk:
        raise Conflict(_("Chỉ tiêu không thuộc kế hoạch này."), code="planning.wrong_plan")
    errors: dict[str, str] = {}
    kind = data.get("kind", indicator.kind if indicator else "")
    group = data.get("product_group", indicator.product_group if indicator else None)
    if kind not in IndicatorKind.values:
        errors["kind"] = _("Hãy chọn một loại chỉ tiêu.")
    elif kind == IndicatorKind.PRODUCTS_BY_GROUP and not isinstance(group, ProductGroup):
        errors["product_group"] = _("Chỉ tiêu theo nhóm sản phẩm cần chọn nhóm.")
    elif kind != IndicatorKind.PRODUCTS_BY_GROUP:
        group = None
    values = {name: _count(data.get(name, getattr(indicator, name, None)), name, errors)
              for name in ("baseline", "target")}
    if not errors:
        same = Indicator.objects.filter(plan=current, kind=kind, product_group=group)
        if indicator is not None:
            same = same.exclude(pk=indicator.pk)
        if same.exists():
            errors["kind"] = _("Kế hoạch đã có chỉ tiêu này.")
    if errors:
        raise _invalid(errors)
    target = indicator or Indicator(plan=current,
                                    position=current.indicators.count() + 1)
    before = _snap(target, INDICATOR_FIELDS) if indicator else {}
    target.kind, target.product_group = kind, group
    target.baseline, target.target = values["baseline"], values["target"]
    target.note = (data.get("note", target.note) or "").strip()
    _full_clean(target, exclude=["plan"])
    target.save()
    after = _snap(target, INDICATOR_FIELDS)
    audit.record(actor=actor, action="planning.indicator." + ("update" if indicator else "create"),
                 obj=target, changes=audit.diff_fields(before, after) if indicator else after)
    return target


@transaction.atomic
def delete_indicator(*, actor: User | None, indicator: Indicator) -> None:
    current = _locked(indicator.plan_id)
    _check(permissions.can_edit(actor, current), actor)
    _require_draft(current)
    snapshot = _snap(indicator, INDICATOR_FIELDS)
    audit.record(actor=actor, action="planning.indicator.delete", obj=indicator,
                 changes=snapshot)
    indicator.delete()


# --- Budget lines ----------------------------------------------------------------------------


BUDGET_FIELDS = ("content", "source", "description", "approved", "committed", "disbursed")
AMOUNTS = ("approved", "committed", "disbursed")


def _amount(value: Any, field: str, errors: dict[str, str]) -> Decimal | None:
    if value in (None, ""):
        if field == "approved":
            errors[field] = _("Không được để trống.")
            return None
        return Decimal(0)
    try:
        number = Decimal(str(value).replace(" ", ""))
    except InvalidOperation:
        errors[field] = _("Phải là một số.")
        return None
    if not number.is_finite():
        errors[field] = _("Phải là một số.")
    elif number != number.to_integral_value():
        errors[field] = _("Số tiền tính bằng đồng, không có phần lẻ.")
    elif number < 0:
        errors[field] = _("Số tiền không được âm.")
    elif number >= MAX_AMOUNT:
        errors[field] = _("Số tiền quá lớn (dưới 10.000 tỷ đồng một dòng).")
    else:
        return number.quantize(Decimal(1))
    return None


@transaction.atomic
def save_budget_line(*, actor: User | None, plan: AnnualPlan, data: Mapping[str, Any],
                     line: BudgetLine | None = None) -> BudgetLine:
    """Create or change a line. On an approved plan only execution (committed, disbursed)
    may change; the content, source and approved amount are the decision's."""
    current = _locked(plan.pk)
    _check(permissions.can_edit(actor, current), actor)
    if line is not None and line.plan_id != current.pk:
        raise Conflict(_("Dòng kinh phí không thuộc kế hoạch này."), code="planning.wrong_plan")
    if current.is_approved:
        if line is None:
            _require_draft(current)
        fixed = {n: getattr(line, n) for n in ("content", "source", "description", "approved")}
        if any(n in data and str(data[n]) != str(fixed[n]) for n in fixed):
            raise Conflict(_("Kế hoạch đã phê duyệt: chỉ cập nhật được số đã cam kết và đã "
                             "giải ngân."), code="planning.approved")
    errors: dict[str, str] = {}
    values = {n: data.get(n, getattr(line, n, None)) for n in BUDGET_FIELDS}
    if values["content"] not in BudgetContent.values:
        errors["content"] = _("Hãy chọn nội dung.")
    if values["source"] not in BudgetSource.values:
        errors["source"] = _("Hãy chọn nguồn kinh phí.")
    amounts = {n: _amount(values[n], n, errors) for n in AMOUNTS}
    approved, committed, disbursed = (amounts[n] for n in AMOUNTS)
    if "committed" not in errors and committed is not None and approved is not None \
            and committed > approved:
        errors["committed"] = _("Số đã cam kết không được vượt dự toán được duyệt.")
    if "disbursed" not in errors and disbursed is not None and committed is not None \
            and disbursed > committed:
        errors["disbursed"] = _("Số đã giải ngân không được vượt số đã cam kết.")
    if errors:
        raise _invalid(errors)
    target = line or BudgetLine(plan=current, position=current.budget_lines.count() + 1)
    before = _snap(target, BUDGET_FIELDS) if line else {}
    target.content, target.source = values["content"], values["source"]
    target.description = (values["description"] or "").strip()
    target.approved, target.committed, target.disbursed = approved, committed, disbursed
    _full_clean(target, exclude=["plan"])
    target.save()
    after = _snap(target, BUDGET_FIELDS)
    audit.record(actor=actor, action="planning.budget." + ("update" if line else "create"),
                 obj=target, changes=audit.diff_fields(before, after) if line else after)
    return target


@transaction.atomic
def delete_budget_line(*, actor: User | None, line: BudgetLine) -> None:
    current = _locked(line.plan_id)
    _check(permissions.can_edit(actor, current), actor)
    _require_draft(current)
    audit.record(actor=actor, action="planning.budget.delete", obj=line,
                 changes=_snap(line, BUDGET_FIELDS))
    line.delete()
