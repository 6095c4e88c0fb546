import re
from collections.abc import Mapping
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django import template
from django.utils.translation import get_language, gettext

from ocop.core.formats import format_decimal, format_points
from ocop.criteria.engine import CriteriaSet, Problem
from ocop.criteria.selectors import previous_answer_changes

register = template.Library()


@register.filter
def points(value: Decimal) -> str:
    """10 → "10", 2.5 → "2,5" (vi) / "2.5" (en): no trailing zeros on whole points."""
    return format_points(value)


@register.filter
def score(value: str | Decimal) -> str:
    """A score from the engine's JSON ("66.36") in the reader's convention: 66,36 in Vietnamese,
    66.36 in English — the same display as the council and certificate pages."""
    return format_decimal(value)


@register.filter
def star_string(stars: int | None) -> str:
    return "★" * int(stars or 0)


@register.filter
def get(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key)


@register.filter
def localized(obj: Any, field: str) -> str:
    """``{{ part|localized:"label" }}``: ``label_en`` on the English interface when the criteria
    data has it, else ``label_vi``. The Vietnamese text is the authoritative one (a set's YAML
    carries English only where someone translated it), hence the fallback."""
    if (get_language() or "").startswith("en"):
        english = getattr(obj, f"{field}_en", None)
        if english:
            return english
    return getattr(obj, f"{field}_vi", "") or ""


@register.filter
def advice_labels(change: Mapping[str, Any], criteria_set: Any = None) -> dict[str, str]:
    """Criterion and option labels of one advice change (engine JSON) in the reader's language.

    The JSON carries Vietnamese only; the set, when the page has it, supplies the English. Pages
    that include the result panel without the set (a dossier's self-assessment) keep Vietnamese."""
    labels = {
        "criterion": change["label_vi"],
        "current": change["current_label_vi"],
        "suggested": change["suggested_label_vi"],
    }
    criterion = (
        criteria_set.criterion(change["criterion"]) if isinstance(criteria_set, CriteriaSet)
        else None
    )
    if criterion is not None:
        labels["criterion"] = localized(criterion, "label")
        for key in ("current", "suggested"):
            option = criterion.option(change[f"{key}_option"])
            if option is not None:
                labels[key] = localized(option, "label")
    return labels


_PLACE = re.compile(r"sheet '(?P<sheet>[^']*)'(?:, row (?P<row>\d+))?"
                    r"(?:, column (?P<col>[A-Z]+)(?: \((?P<name>[^)]*)\))?)?")


@register.filter
def problem_place(problem: Problem) -> str:
    """Where a validation problem is, in Vietnamese: "trang tính ‘criteria’, dòng 14, cột M
    (points)" for the Excel template (the reader's English place), else the file name."""
    found = _PLACE.fullmatch(problem.location or "")
    if not found:
        return problem.location or problem.source or ""
    bits = [gettext("trang tính “%(sheet)s”") % {"sheet": found["sheet"]}]
    if found["row"]:
        bits.append(gettext("dòng %(row)s") % {"row": found["row"]})
    if found["col"]:
        column = gettext("cột %(col)s") % {"col": found["col"]}
        bits.append(f"{column} ({found['name']})" if found["name"] else column)
    return ", ".join(bits)


@register.filter
def problem_item(problem: Problem) -> str:
    """The part, group, criterion, option, rule and field a problem is about, in Vietnamese."""
    labels = (("part", gettext("phần %s")), ("rule", gettext("quy tắc bắt buộc %s")),
              ("criterion", gettext("tiêu chí %s")), ("option", gettext("lựa chọn %s")),
              ("field", gettext("trường “%s”")))
    return ", ".join(label % getattr(problem, name) for name, label in labels
                     if getattr(problem, name) is not None)


@register.inclusion_tag("criteria/_answer_changes.html")
def previous_sheet_changes(dossier: Any) -> dict[str, Any]:
    """The re-recognition notice: see ``selectors.previous_answer_changes``."""
    found = previous_answer_changes(dossier)
    if found is None:
        return {"changes": None}
    previous, changes = found
    return {"changes": changes, "previous": previous, "new": dossier.criteria_set}


@register.inclusion_tag("criteria/_sheet_warning.html")
def sheet_warning(row: Any) -> dict[str, Any]:
    """The warning banner of a non-official sheet version (illustrative, reconstructed), for
    pages that hold the stored version rather than the engine set (the dossier page)."""
    status = (row.data or {}).get("status") or {}
    return {"kind": row.status_kind,
            "warning": localized(SimpleNamespace(warning_vi=status.get("warning_vi"),
                                                 warning_en=status.get("warning_en")), "warning")}
