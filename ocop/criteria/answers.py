"""Answer changes sent by a sheet form, checked against the sheet's criteria set.

One rule for the producer's self-assessment (dossiers) and the council member's score sheet
(evaluation): the engine finds the problems (``CriteriaSet.answer_changes``), this module words
them for the user as a ``ValidationError`` keyed by criterion code, as the forms and the API show.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ocop.criteria import selectors
from ocop.criteria.models import CriteriaSetVersion


def clean_answer_changes(
    version: CriteriaSetVersion, changes: Mapping[str, Any], *, unknown: str | None = None,
) -> dict[str, str | None]:
    """The changes with "" turned into None (clear the answer), or ``ValidationError`` naming
    every criterion not in the set and every option not of its criterion. ``unknown`` words the
    first kind (a translated text with ``%(code)s``) where the page needs to say whose set."""
    clean, problems = selectors.engine_set(version).answer_changes(changes)
    if not problems:
        return clean
    errors: dict[str, str] = {}
    for problem in problems:
        code = problem.criterion or ""
        if problem.field == "criterion":
            text = unknown or _("Tiêu chí “%(code)s” không có trong bộ tiêu chí.")
            errors[code] = text % {"code": code}
        else:
            errors[code] = _("Tiêu chí %(code)s: phương án “%(option)s” không hợp lệ.") % {
                "code": code, "option": problem.option}
    raise ValidationError(errors)
