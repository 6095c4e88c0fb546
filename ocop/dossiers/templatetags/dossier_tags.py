from typing import Any

from django import template

from ocop.dossiers.levels import LEVEL_LABELS
from ocop.dossiers.models import DossierState

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
