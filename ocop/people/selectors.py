"""Reads of the accounts a province's standing office manages (``rules.MANAGED_ROLES``)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from ocop.accounts.models import Role, User
from ocop.core.refusals import NotFound
from ocop.people import rules
from ocop.registry.models import Producer
from ocop.units.models import Unit


def managed_province_id(user: User) -> str | None:
    """The province whose people ``user`` manages: a province office's own, else None."""
    if (getattr(user, "is_authenticated", False) and user.is_active
            and user.role == Role.PROVINCE_OFFICE and user.unit_id):
        return user.unit_id
    return None


def in_province(province_id: str) -> Q:
    """The managed accounts bound to ``province_id``: to the province itself, to one of its
    communes, or to one of its producers."""
    return (Q(role__in=rules.PROVINCE_BOUND_ROLES, unit_id=province_id)
            | Q(role=Role.COMMUNE_OFFICER, unit__current_province_id=province_id)
            | Q(role=Role.PRODUCER, producer__commune__current_province_id=province_id))


def people_for(user: User) -> QuerySet[User]:
    """The accounts ``user`` may list, lock and unlock (none for anyone but a province office)."""
    province = managed_province_id(user)
    if province is None:
        return User.objects.none()
    return (User.objects.filter(in_province(province))
            .select_related("unit", "producer").order_by("role", "first_name", "last_name",
                                                         "username"))


def person_for(actor: User, pk: int) -> User:
    """One account the actor manages; anything else is not found (the same answer for an
    account outside the province and one that does not exist)."""
    person = people_for(actor).filter(pk=pk).first()
    if person is None:
        raise NotFound(_("Không tìm thấy tài khoản."), code="people.not_found")
    return person


def communes_of(province_id: str) -> QuerySet[Unit]:
    """The province's current communes, for a commune officer's account."""
    return (Unit.objects.filter(era="current", level="commune", current_province_id=province_id)
            .order_by("name"))


def producers_of(province_id: str) -> QuerySet[Producer]:
    """The province's producers, for a producer's account."""
    return (Producer.objects.filter(commune__current_province_id=province_id)
            .select_related("commune").order_by("name"))
