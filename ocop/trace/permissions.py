"""Who may capture and query EPCIS events.

Capture: admin and central (nation-wide), province offices (their province) and producer accounts
(their own producer) — the parties that record production, packing and shipping events. Commune
officers, council members and inspectors read but do not write supply-chain events.
Query: every role that may view registry rows, each limited to its jurisdiction by
``selectors.events_for``.

The rules whose refusal the person reads answer a ``Verdict`` (truthy when allowed, otherwise the
reason and its code), so the text is written here once; ``rules`` reads it as a bool.
"""

from __future__ import annotations

import rules
from django.utils.translation import gettext as _

from ocop.accounts.models import Role, User
from ocop.core.refusals import ALLOWED, Verdict, denied

CAPTURE_ROLES = frozenset({Role.ADMIN, Role.CENTRAL, Role.PROVINCE_OFFICE, Role.PRODUCER})
QUERY_ROLES = frozenset(
    {Role.ADMIN, Role.CENTRAL, Role.PROVINCE_OFFICE, Role.COMMUNE_OFFICER, Role.INSPECTOR,
     Role.COUNCIL_MEMBER, Role.PRODUCER}
)


def _captures(user: User) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if user.role not in CAPTURE_ROLES:
        return False
    if user.role == Role.PRODUCER:
        return user.producer_id is not None
    if user.role == Role.PROVINCE_OFFICE:
        return user.unit_id is not None
    return True


@rules.predicate
def can_capture(user: User) -> Verdict:
    if _captures(user):
        return ALLOWED
    return denied(_("Tài khoản không có quyền ghi nhận sự kiện EPCIS."), "trace.capture_forbidden")


@rules.predicate
def can_query(user: User) -> Verdict:
    if user.is_authenticated and user.is_active and (
            user.is_superuser or user.role in QUERY_ROLES):
        return ALLOWED
    return denied(_("Tài khoản không có quyền truy vấn sự kiện EPCIS."), "trace.query_forbidden")


rules.add_perm("trace.capture_epcis", can_capture)
rules.add_perm("trace.query_epcis", can_query)


# --- Zones, lots, stamps: who manages a producer's supply-chain records -----------------------

MANAGE_ROLES = frozenset({Role.ADMIN, Role.CENTRAL, Role.PROVINCE_OFFICE, Role.PRODUCER})


def _active(user: User) -> bool:
    return user.is_authenticated and user.is_active


def _supervisor(user: User) -> bool:
    """Nation-wide: administrators and the central office."""
    return user.is_superuser or user.role in (Role.ADMIN, Role.CENTRAL)


def _owner(user: User, producer) -> bool:
    return user.role == Role.PRODUCER and user.producer_id is not None \
        and user.producer_id == producer.pk


def _office_in_charge(user: User, producer) -> bool:
    """The province office of the province the producer is in today."""
    return user.role == Role.PROVINCE_OFFICE and user.unit_id is not None \
        and producer.commune.current_province_id == user.unit_id


def _outside_reach() -> Verdict:
    # "Not found", not "forbidden": a producer outside the user's reach must not be confirmed
    # to exist.
    return denied(_("Không tìm thấy."), "trace.not_found")


def can_manage_producer(user: User, producer) -> Verdict:
    """Producers manage only their own zones, lots, events and stamps; a province office those of
    producers in its province (it records on their behalf); admin/central all. Commune officers,
    council members and inspectors read only."""
    if _active(user) and producer is not None and (
            _supervisor(user) or _owner(user, producer) or _office_in_charge(user, producer)):
        return ALLOWED
    return _outside_reach()


def can_view_analytics(user: User) -> bool:
    return _active(user) and (user.is_superuser or user.role in MANAGE_ROLES | {Role.INSPECTOR})


# Templates ask ``perms.trace.view_analytics`` so that only those who may open it see the link.
rules.add_perm("trace.view_analytics", rules.predicate(can_view_analytics))


def can_print_stamps(user: User, producer) -> bool:
    """Who may see signed stamp URIs and stamp sheets (the batch page's print form, the
    background job and every download of its PDF ask this one rule): exactly the parties that
    print stamps —
    the producer that owns the lot and the province office with jurisdiction over it.

    A signed URI *is* a valid stamp (anyone can print its QR code), so the signature is a
    secret even from roles that may read the batch: commune officers, council members,
    inspectors, and also administrators and the central office, who supervise but do not print.
    They see the batch (serials, states) without signatures.
    """
    if not _active(user) or producer is None:
        return False
    return _owner(user, producer) or _office_in_charge(user, producer)


def can_clear_suspicion(user: User, producer) -> Verdict:
    """Who may clear a stamp's counterfeit warning (with a reason, audited): the province office
    with jurisdiction, and the central office and administrators above it. Not the producer —
    the warning protects buyers from the producer's copies as much as from anyone's."""
    if _active(user) and producer is not None and (
            _supervisor(user) or _office_in_charge(user, producer)):
        return ALLOWED
    return _outside_reach()


def can_clear_suspicion_anywhere(user: User) -> bool:
    """Does the analytics page offer the clearing form at all (each stamp is checked again)?"""
    return _active(user) and (_supervisor(user) or (
        user.role == Role.PROVINCE_OFFICE and user.unit_id is not None))
