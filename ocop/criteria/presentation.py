"""Shape a criteria set for templates: parts → criteria groups → criteria.

Shared by the self-scoring page and the council member's scoring page, so a sheet reads the
same everywhere.
"""

from typing import Any

from ocop.criteria.engine import CriteriaSet


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
