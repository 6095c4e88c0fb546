"""Who may do what in the registry: one matrix, read by the pages, the API and the services.

``MATRIX[(entity, action)][role]`` gives the reach of a role:
- ``ALL``: anywhere in the country;
- ``AREA``: rows whose commune lies (today) inside the account's province or commune;
- ``OWN``: rows of the producer the account belongs to;
- missing: never.

For ``create`` the target is the commune of the new producer, or the producer that will own the
new product/document. The same predicates are registered with ``rules`` as
``registry.<action>_<entity>`` so that templates and ``user.has_perm`` agree with the code.
``can`` answers a ``Verdict``: truthy when allowed, otherwise the refusal the person reads and its
code ``registry.<action>_<entity>_forbidden`` (``rules`` reads it as a bool).
"""

from __future__ import annotations

from typing import Any, Literal

import rules
from django.utils.translation import gettext as _

from ocop.accounts.jurisdiction import can_see_unit
from ocop.accounts.models import Role, User
from ocop.core.refusals import ALLOWED, Verdict, denied
from ocop.registry.models import EvidenceDocument, Producer, Product
from ocop.units.models import Unit

Entity = Literal["producer", "product", "document"]
Action = Literal["view", "create", "change", "delete"]
ALL, AREA, OWN = "all", "area", "own"

_NATION = {Role.ADMIN: ALL, Role.CENTRAL: ALL}
_VIEW = {
    **_NATION,
    Role.PROVINCE_OFFICE: AREA,
    Role.COMMUNE_OFFICER: AREA,
    Role.INSPECTOR: AREA,
    Role.COUNCIL_MEMBER: AREA,
    Role.PRODUCER: OWN,
}
_WRITE = {**_NATION, Role.PROVINCE_OFFICE: AREA, Role.COMMUNE_OFFICER: AREA, Role.PRODUCER: OWN}
_DELETE_OWNED = {**_NATION, Role.PROVINCE_OFFICE: AREA, Role.PRODUCER: OWN}

MATRIX: dict[tuple[str, str], dict[str, str]] = {
    ("producer", "view"): _VIEW,
    ("producer", "create"): {**_NATION, Role.PROVINCE_OFFICE: AREA, Role.COMMUNE_OFFICER: AREA},
    # A producer edits its own profile, except the locked fields below.
    ("producer", "change"): _WRITE,
    ("producer", "delete"): {**_NATION, Role.PROVINCE_OFFICE: AREA},
    ("product", "view"): _VIEW,
    ("product", "create"): _WRITE,
    ("product", "change"): _WRITE,
    ("product", "delete"): _DELETE_OWNED,
    ("document", "view"): _VIEW,
    ("document", "create"): _WRITE,
    ("document", "change"): _WRITE,
    ("document", "delete"): _DELETE_OWNED,
}

# Fields a producer account may not change on its own profile: they identify the legal entity.
PRODUCER_LOCKED_FIELDS = ("tax_code", "legal_form")


def _producer_of(target: Any) -> Producer | None:
    if isinstance(target, Producer):
        return target
    if isinstance(target, (Product, EvidenceDocument)):
        return target.producer
    return None


def _commune_of(target: Any) -> Unit | None:
    if isinstance(target, Unit):
        return target
    producer = _producer_of(target)
    return producer.commune if producer is not None else None


def reach(user: User, entity: Entity, action: Action) -> str | None:
    """The reach of ``user`` for this entity and action (ALL/AREA/OWN) or None."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return ALL
    return MATRIX[(entity, action)].get(user.role)


def can(user: User, entity: Entity, action: Action, target: Any = None) -> Verdict:
    """Whether ``user`` may do ``action`` on ``target`` (object, owning producer or commune).

    With ``target=None`` it answers "may the user do this anywhere at all" (to show a button).
    """
    if _reaches(user, entity, action, target):
        return ALLOWED
    return denied(_("Bạn không có quyền thực hiện thao tác này."),
                  f"registry.{action}_{entity}_forbidden")


def _reaches(user: User, entity: Entity, action: Action, target: Any) -> bool:
    scope = reach(user, entity, action)
    if scope is None:
        return False
    if scope == ALL or target is None:
        return True
    if scope == OWN:
        producer = _producer_of(target)
        return producer is not None and user.producer_id is not None \
            and producer.pk == user.producer_id
    return can_see_unit(user, _commune_of(target))


def _predicate(entity: Entity, action: Action) -> rules.Predicate:
    def check(user: User, target: Any = None) -> Verdict:
        return can(user, entity, action, target)

    return rules.predicate(check, name=f"{action}_{entity}")


for (_entity, _action) in MATRIX:
    rules.set_perm(f"registry.{_action}_{_entity}", _predicate(_entity, _action))
