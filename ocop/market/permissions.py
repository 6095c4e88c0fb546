"""Who keeps offers and who curates gift sets.

Offers of a product (``can_manage_offers``):

=====================  =========================================================
role                   reach
=====================  =========================================================
admin                  every product
province office        products of producers whose commune lies in its province
commune officer        products of producers of its commune (it helps them sell,
                       as it helps them with their records in the registry)
producer               its own products
central office         none: it coordinates the programme, it does not sell
inspector, council     none: they judge the products and stay independent of sales
=====================  =========================================================

Gift sets (``can_curate``): the standing office of a province curates its province's sets (and
an administrator any); nobody else. The public reads both through the selectors, which show
only what holds a certificate valid today.
"""

from __future__ import annotations

from typing import Any

import rules
from django.utils.translation import gettext_lazy as _

from ocop.accounts.jurisdiction import can_see_unit
from ocop.accounts.models import Role, User
from ocop.core.refusals import ALLOWED, Verdict, denied

OFFER_ROLES = frozenset({Role.ADMIN, Role.PROVINCE_OFFICE, Role.COMMUNE_OFFICER, Role.PRODUCER})


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.is_active


def may_sell(user: User) -> bool:
    """Whether the user keeps offers at all (the menu entry, the list page)."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    if user.role == Role.PRODUCER:
        return user.producer_id is not None
    return user.role in OFFER_ROLES and (user.role == Role.ADMIN or user.unit_id is not None)


def can_manage_offers(user: User, product: Any) -> Verdict:
    """Whether ``user`` may add, change or remove the offers of ``product``."""
    refusal = denied(_("Bạn không được quản lý giá bán, kênh bán của sản phẩm này."),
                     "market.offers_forbidden")
    if not may_sell(user):
        return refusal
    if user.is_superuser or user.role == Role.ADMIN:
        return ALLOWED
    if user.role == Role.PRODUCER:
        return ALLOWED if product.producer_id == user.producer_id else refusal
    return ALLOWED if can_see_unit(user, product.producer.commune) else refusal


def may_curate(user: User) -> bool:
    """Whether the user curates gift sets at all."""
    if not _active(user):
        return False
    return user.is_superuser or user.role == Role.ADMIN or (
        user.role == Role.PROVINCE_OFFICE and user.unit_id is not None)


def can_curate(user: User, province: Any) -> Verdict:
    """Whether ``user`` may create or change the gift sets of ``province`` (a current one)."""
    if not may_curate(user):
        return denied(_("Chỉ cơ quan thường trực OCOP của tỉnh mới tuyển chọn bộ quà tặng."),
                      "market.curate_forbidden")
    if user.is_superuser or user.role == Role.ADMIN:
        return ALLOWED
    if province is None or province.pk != user.unit_id:
        return denied(_("Bạn chỉ tuyển chọn bộ quà tặng của tỉnh/thành phố mình."),
                      "market.curate_other_province")
    return ALLOWED


rules.add_perm("market.manage_offers",
               rules.predicate(lambda user, product: bool(can_manage_offers(user, product))))
rules.add_perm("market.curate_gift_set",
               rules.predicate(lambda user, gift_set: bool(can_curate(user, gift_set.province))))
