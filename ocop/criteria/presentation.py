"""Shape a criteria set for templates: parts → criteria groups → criteria.

Shared by the self-scoring page and the council member's scoring page, so a sheet reads the
same everywhere.
"""

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from ocop.criteria import diff
from ocop.criteria.engine import CriteriaSet
from ocop.criteria.engine.numbers import plain_number


def sheet_sections(criteria_set: CriteriaSet) -> list[dict[str, Any]]:
    sections = []
    for part in criteria_set.parts:
        criteria = criteria_set.criteria_of_part(part.code)
        known = {g.code for g in part.groups}
        groups = [
            {"group": g, "criteria": [c for c in criteria if c.group == g.code]}
            for g in part.groups
        ]
        ungrouped = [c for c in criteria if c.group not in known]
        if ungrouped:
            groups.append({"group": None, "criteria": ungrouped})
        sections.append({"part": part, "groups": [g for g in groups if g["criteria"]]})
    return sections


def _kind_labels() -> dict[str, str]:
    return {diff.ADDED: _("Thêm"), diff.REMOVED: _("Bỏ"), diff.CHANGED: _("Sửa")}


def _subject_labels() -> dict[str, str]:
    return {diff.PART: _("Phần"), diff.GROUP: _("Nhóm tiêu chí"), diff.CRITERION: _("Tiêu chí"),
            diff.OPTION: _("Lựa chọn"), diff.RULE: _("Tiêu chí bắt buộc")}


def _field_labels() -> dict[str, str]:
    return {
        "label_vi": _("tên"), "label_en": _("tên tiếng Anh"), "max_points": _("điểm tối đa"),
        "points": _("điểm"), "part": _("phần"), "group": _("nhóm"), "evidence_vi": _("minh chứng"),
        "note_vi": _("ghi chú"), "bonus": _("điểm khuyến khích"),
        "min_stars": _("áp dụng từ hạng sao"), "criterion": _("tiêu chí"),
        "min_points": _("điểm tối thiểu"), "one_of": _("lựa chọn đạt"),
        "message_vi": _("thông báo"),
    }


def _value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("có") if value else _("không")
    if isinstance(value, Decimal):
        return str(plain_number(value))
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def diff_rows(changes: list[diff.Change]) -> list[dict[str, str]]:
    """The diff as table rows in Vietnamese: what, which code, which field, before → after."""
    kinds, subjects, fields = _kind_labels(), _subject_labels(), _field_labels()
    return [{"kind": c.kind, "kind_label": kinds[c.kind], "subject": subjects[c.subject],
             "code": c.code, "label": c.label,
             "field": fields.get(c.field or "", c.field or ""),
             "before": _value(c.before), "after": _value(c.after)} for c in changes]
