"""Jurisdiction scoping: which rows a user may see. Every selector goes through here.

A province account sees rows whose commune lies (today) in its province; a commune account sees
rows whose commune is (or became) its commune; a producer account sees its own producer's rows.
Rows registered under a legacy (pre-2025) commune are matched through its current successor.

Unit levels are compared with the unit's own ``Level`` choices, read from the instance: accounts
and units are sibling apps and do not import each other.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.paginator import Page
from django.db.models import Q, QuerySet

from ocop.accounts.models import Role, User


def unit_q(user: User, commune_path: str) -> Q:
    """Q filter on a path to a commune FK, e.g. ``"commune"`` or ``"producer__commune"``."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_nationwide:
        return Q()
    unit = user.unit
    if unit is None:
        return Q(pk__in=[])
    if unit.level == unit.Level.PROVINCE:
        return Q(**{f"{commune_path}__current_province_id": unit.pk})
    return Q(**{f"{commune_path}__current_commune_id": unit.pk})


def scope_by_commune(qs: QuerySet, user: User, commune_path: str, producer_path: str) -> QuerySet:
    """Filter ``qs`` to what ``user`` may see. ``producer_path`` leads to the owning producer id."""
    if not user.is_authenticated:
        return qs.none()
    if user.role == Role.PRODUCER:
        if user.producer_id is None:
            return qs.none()
        return qs.filter(**{producer_path: user.producer_id})
    return qs.filter(unit_q(user, commune_path))


def can_see_unit(user: User, commune) -> bool:
    """Whether a commune (legacy or current) lies inside the user's jurisdiction."""
    if not user.is_authenticated:
        return False
    if user.is_nationwide:
        return True
    if user.unit is None or commune is None:
        return False
    if user.unit.level == user.unit.Level.PROVINCE:
        return commune.current_province_id == user.unit_id
    return commune.current_commune_id == user.unit_id


def list_filters_shown(user: User, page: Page, params: Mapping[str, str]) -> bool:
    """Whether a list page shows its search and filter panel. A producer's reach is its own few
    records: above three rows on a phone the panel filled the first screen. So it is hidden for
    a producer whose list fits one page and who has no filter in use (a link may carry one);
    every office keeps it."""
    return (user.role != Role.PRODUCER or page.paginator.num_pages > 1
            or any(value for key, value in params.items() if key != "page"))
