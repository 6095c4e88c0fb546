from typing import Any

from django import template

from ocop.criteria.templatetags.criteria_tags import localized
from ocop.dossiers.models import DossierState
from ocop.rules.levels import LEVEL_LABELS

register = template.Library()

_CLASSES = {
    DossierState.RECOGNISED: "badge-ok",
    DossierState.ACCEPTED: "badge-ok",
    DossierState.COMMUNE_CHECKED: "badge-ok",
    DossierState.CORRECTIONS_REQUESTED: "badge-warn",
    DossierState.NOT_RECOGNISED: "badge-bad",
    DossierState.WITHDRAWN: "badge-bad",
}


@register.filter
def state_class(state: str) -> str:
    return _CLASSES.get(state, "")


@register.filter
def state_label(state: str) -> str:
    try:
        return str(DossierState(state).label)
    except ValueError:
        return state


@register.filter
def level_label(level: str) -> str:
    return LEVEL_LABELS.get(level, level)


@register.filter
def get(mapping: Any, key: Any) -> Any:
    if isinstance(mapping, dict):
        return mapping.get(key)
    return None


@register.filter
def chosen_option(criterion: Any, answers: Any) -> str:
    """``{{ c|chosen_option:d.self_assessment }}``: the text of the option the producer chose
    for this criterion ("" when none), not its one-letter code."""
    code = answers.get(criterion.code) if isinstance(answers, dict) else None
    option = next((o for o in criterion.options if o.code == code), None)
    return localized(option, "label") if option is not None else ""
