"""Who may see, issue, revoke and renew certificates.

- see: nation-wide accounts everywhere; provincial accounts (office, inspector, council member)
  the certificates administered by their province or of producers located in it; a commune
  officer those of producers in the commune; a producer account its own producer's.
- issue (record a decision, issue its certificates): the provincial standing office for
  decisions of its province (including pre-2025 district decisions of districts now in it);
  ministry decisions only nation-wide accounts.
- revoke: the standing office of the administering province, or a nation-wide account.
- renew (open a re-recognition / upgrade dossier): the producer, or the office that manages it.

issue, revoke and renew answer a ``Verdict``: truthy when allowed, otherwise the refusal the
person reads and its code (``rules`` reads it as a bool).
"""

from __future__ import annotations

from typing import Any

import rules
from django.utils.translation import gettext as _

from ocop.accounts.jurisdiction import can_see_unit
from ocop.accounts.models import Role, User
from ocop.core.refusals import ALLOWED, Verdict, denied

_AREA_ROLES = {Role.PROVINCE_OFFICE, Role.INSPECTOR, Role.COUNCIL_MEMBER, Role.COMMUNE_OFFICER}


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def can_view(user: User, certificate: Any) -> bool:
    if not _active(user):
        return False
    if user.is_nationwide:
        return True
    if user.role == Role.PRODUCER:
        return user.producer_id is not None and certificate.producer_id == user.producer_id
    if user.role not in _AREA_ROLES:
        return False
    if user.unit_id is not None and user.unit_id == certificate.administered_by_id:
        return True
    return can_see_unit(user, certificate.producer.commune)


def can_issue(user: User, province: Any) -> Verdict:
    """``province``: the current province the decision belongs to (None: the ministry)."""
    if _active(user) and (user.is_nationwide or (
            user.role == Role.PROVINCE_OFFICE and province is not None
            and user.unit_id == province.pk)):
        return ALLOWED
    return denied(_("Bạn không có quyền thực hiện thao tác này."), "certificates.issue_forbidden")


def _administers(user: User, certificate: Any) -> bool:
    """A nation-wide account, or the standing office of the administering province."""
    return _active(user) and (user.is_nationwide or (
        user.role == Role.PROVINCE_OFFICE and user.unit_id == certificate.administered_by_id))


def can_revoke(user: User, certificate: Any) -> Verdict:
    if _administers(user, certificate):
        return ALLOWED
    return denied(_("Bạn không có quyền thu hồi giấy chứng nhận này."),
                  "certificates.revoke_forbidden")


def can_renew(user: User, certificate: Any) -> Verdict:
    if _active(user) and user.role == Role.PRODUCER:
        allowed = user.producer_id == certificate.producer_id
    else:
        allowed = _administers(user, certificate)
    if allowed:
        return ALLOWED
    return denied(_("Bạn không có quyền thực hiện thao tác này."), "certificates.renew_forbidden")


rules.set_perm("certificates.view_certificate", rules.predicate(can_view))
rules.set_perm("certificates.revoke_certificate", rules.predicate(can_revoke))
rules.set_perm("certificates.renew_certificate", rules.predicate(can_renew))
