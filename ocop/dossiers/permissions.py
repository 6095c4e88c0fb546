"""Who may see and act on dossiers, rounds and programme years.

Visibility (``visible_q``): a producer account sees its own producer's dossiers; a commune
officer those of producers whose commune is (today) its commune; the standing office and
inspectors their province; central and admin accounts everything; council members only the
dossiers the evaluation app assigns to them without a conflict
(``hooks.council_dossier_ids``, answered by the evaluation app; none while no app answers).

Actions, each a small predicate registered with ``rules`` as ``dossiers.<name>``:
- ``edit_dossier``: fill in the form, documents, submit, answer corrections, withdraw — the
  producer itself or, on its behalf, the commune officer of its commune;
- ``precheck_dossier``: the commune pre-check of Decision 1489 — the commune officer;
- ``review_dossier``: completeness check, corrections, acceptance — the provincial standing
  office of the producer's province, and central/admin accounts;
- ``manage_rounds``: programme years and rounds — the standing office of that province,
  central/admin.

The action predicates answer a ``Verdict``: truthy when allowed, otherwise the refusal the person
reads and its code (``rules`` reads it as a bool).
"""

from __future__ import annotations

import rules
from django.db.models import Q
from django.utils.translation import gettext as _

from ocop.accounts.jurisdiction import unit_q
from ocop.accounts.models import Role, User
from ocop.core.refusals import ALLOWED, Verdict, denied
from ocop.dossiers import hooks
from ocop.dossiers.models import Dossier, ProgrammeYear
from ocop.units.models import Unit

# The roles that open dossiers (the create page); ``can_edit`` then decides for each product.
OPENING_ROLES = (Role.PRODUCER, Role.COMMUNE_OFFICER, Role.ADMIN)


def visible_q(user: User) -> Q:
    """Q on Dossier: the rows ``user`` may see."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_nationwide:
        return Q()
    if user.role == Role.PRODUCER:
        return Q(producer_id=user.producer_id) if user.producer_id else Q(pk__in=[])
    if user.role == Role.COUNCIL_MEMBER:
        return Q(pk__in=hooks.council_dossier_ids(user))
    if user.role in (Role.PROVINCE_OFFICE, Role.COMMUNE_OFFICER, Role.INSPECTOR):
        return unit_q(user, "producer__commune")
    return Q(pk__in=[])


def _commune_of(dossier: Dossier) -> Unit:
    return dossier.producer.commune


def _verdict(allowed: bool, code: str) -> Verdict:
    return ALLOWED if allowed else denied(
        _("Bạn không có quyền thực hiện thao tác này với hồ sơ."), code)


@rules.predicate
def can_view(user: User, dossier: Dossier) -> bool:
    return Dossier.objects.filter(visible_q(user), pk=dossier.pk).exists()


@rules.predicate
def can_edit(user: User, dossier: Dossier) -> Verdict:
    return _verdict(_edits(user, dossier), "dossiers.edit_forbidden")


def _edits(user: User, dossier: Dossier) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.role == Role.ADMIN or user.is_superuser:
        return True
    if user.role == Role.PRODUCER:
        return user.producer_id is not None and user.producer_id == dossier.producer_id
    if user.role == Role.COMMUNE_OFFICER:
        return user.unit_id is not None and _commune_of(dossier).current_commune_id == user.unit_id
    return False


@rules.predicate
def can_precheck(user: User, dossier: Dossier) -> Verdict:
    return _verdict(_prechecks(user, dossier), "dossiers.precheck_forbidden")


def _prechecks(user: User, dossier: Dossier) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.role == Role.COMMUNE_OFFICER:
        return user.unit_id is not None and _commune_of(dossier).current_commune_id == user.unit_id
    return user.role == Role.ADMIN or user.is_superuser


@rules.predicate
def can_review(user: User, dossier: Dossier) -> Verdict:
    return _verdict(_reviews(user, dossier), "dossiers.review_forbidden")


def _reviews(user: User, dossier: Dossier) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_nationwide:
        return True
    if user.role == Role.PROVINCE_OFFICE:
        return (user.unit_id is not None
                and _commune_of(dossier).current_province_id == user.unit_id)
    return False


def current_province_of(year: ProgrammeYear) -> str | None:
    """A legacy province (LP24) answers to the current province it lies in (P24)."""
    return year.province.current_province_id or year.province_id


@rules.predicate
def can_manage_rounds(user: User, year: ProgrammeYear | None = None) -> Verdict:
    return _verdict(_manages_rounds(user, year), "dossiers.rounds_forbidden")


def _manages_rounds(user: User, year: ProgrammeYear | None) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_nationwide:
        return True
    if user.role != Role.PROVINCE_OFFICE or user.unit_id is None:
        return False
    return year is None or current_province_of(year) == user.unit_id


def programme_years_q(user: User) -> Q:
    """Programme years a user may see: every signed-in user sees those of their province."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_nationwide or (user.role == Role.COUNCIL_MEMBER and user.unit_id is None):
        return Q()
    province = None
    if user.role == Role.PRODUCER and user.producer_id:
        province = user.producer.commune.current_province_id
    elif user.unit_id:
        province = user.unit.current_province_id or user.unit_id
    if province is None:
        return Q(pk__in=[])
    return Q(province_id=province) | Q(province__current_province_id=province)


rules.add_perm("dossiers.view_dossier", can_view)
rules.add_perm("dossiers.edit_dossier", can_edit)
rules.add_perm("dossiers.precheck_dossier", can_precheck)
rules.add_perm("dossiers.review_dossier", can_review)
rules.add_perm("dossiers.manage_rounds", can_manage_rounds)
