"""Who holds a post: the active accounts of a unit, a producer or a council.

The one home of the "who to tell" queries (notifications of dossiers, evaluation and
certificates), so that every app agrees on them: only active accounts, only the role that acts
for the unit, and only the unit asked for (a province office is never told about another
province, a commune officer never about another commune). Units and producers are given as the
row or its id; ``None`` gives nobody.
"""

from __future__ import annotations

from django.db import models

from ocop.accounts.models import Role, User

# A row or its primary key (units are keyed by their code, e.g. "P24").
UnitOrId = models.Model | int | str | None


def _pk(value: UnitOrId) -> int | str | None:
    return value.pk if isinstance(value, models.Model) else value


def _active(**lookups) -> list[User]:
    return list(User.objects.filter(is_active=True, **lookups).order_by("pk"))


def province_office_users(province: UnitOrId) -> list[User]:
    """The standing office (cơ quan thường trực) accounts of a current province."""
    pk = _pk(province)
    return [] if pk is None else _active(role=Role.PROVINCE_OFFICE, unit_id=pk)


def commune_officers(commune: UnitOrId) -> list[User]:
    """The officer accounts of a current commune."""
    pk = _pk(commune)
    return [] if pk is None else _active(role=Role.COMMUNE_OFFICER, unit_id=pk)


def producer_users(producer: UnitOrId) -> list[User]:
    """The accounts of an OCOP producer (chủ thể)."""
    pk = _pk(producer)
    return [] if pk is None else _active(role=Role.PRODUCER, producer_id=pk)


def central_office_users() -> list[User]:
    """The accounts of the central coordination office (they have no unit)."""
    return _active(role=Role.CENTRAL)


def council_members(council: UnitOrId, *, roles: tuple[str, ...] | None = None) -> list[User]:
    """The accounts sitting on a council (all of them, or those holding one of ``roles``,
    e.g. ``("chair",)``). Queried through the membership's reverse name, so this lower app
    does not import the evaluation app."""
    pk = _pk(council)
    if pk is None:
        return []
    lookups: dict = {"council_memberships__council_id": pk}
    if roles is not None:
        lookups["council_memberships__role__in"] = list(roles)
    return _active(**lookups)
