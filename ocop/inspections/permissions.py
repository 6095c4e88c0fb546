"""Who may do what with inspection plans, visits, revocation proposals and complaints.

Every predicate returns a ``Verdict`` (ocop.core.refusals): truthy when allowed, otherwise the
Vietnamese reason, so services refuse with ``verdict.check()`` and pages hide what is refused.

- plans: the standing office of the plan's province (or a nation-wide account) creates them;
  the office and the inspectors of the province see them;
- visits: an inspector assigned to the plan (or the office of its province) records them, only
  for certified products inside the inspector's own jurisdiction; they are seen by nation-wide
  accounts, the office and inspectors of the province, the commune officer of the product's
  commune, and the producer once the visit is concluded;
- revocation: whoever may record visits under the plan proposes; the certificates app's own
  rule (``ocop.certificates.permissions.can_revoke``) decides who completes;
- complaints: the office and inspectors of the province they were routed to, and nation-wide
  accounts (a complaint may carry the consumer's contact: nobody else reads it).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from ocop.accounts.jurisdiction import can_see_unit
from ocop.accounts.models import Role, User
from ocop.certificates import permissions as certificate_permissions
from ocop.core.refusals import ALLOWED, Verdict, denied

OFFICE_ROLES = frozenset({Role.PROVINCE_OFFICE, Role.INSPECTOR})


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def province_id_of(user: User) -> str | None:
    """The current province an area account works in (None for nation-wide or producers)."""
    unit = user.unit
    if unit is None:
        return None
    return unit.pk if unit.level == "province" else unit.current_province_id


def _not_signed_in() -> Verdict:
    return denied(_("Hãy đăng nhập để tiếp tục."), "inspections.not_signed_in")


def can_use_inspections(user: User) -> Verdict:
    """Whether the inspections pages (work list, plans) are offered at all."""
    if not _active(user):
        return _not_signed_in()
    if user.is_nationwide or (user.role in OFFICE_ROLES and province_id_of(user)):
        return ALLOWED
    if user.role == Role.COMMUNE_OFFICER and user.unit_id:
        return ALLOWED
    if user.role == Role.PRODUCER and user.producer_id:
        return ALLOWED  # the concluded visits of its own products
    return denied(_("Trang kiểm tra sau công nhận không dành cho tài khoản này."),
                  "inspections.not_inspection_staff")


def can_create_plan(user: User, province: Any) -> Verdict:
    if not _active(user):
        return _not_signed_in()
    if user.is_nationwide:
        return ALLOWED
    if user.role == Role.PROVINCE_OFFICE and province is not None \
            and user.unit_id == province.pk:
        return ALLOWED
    return denied(_("Chỉ cơ quan thường trực của tỉnh lập kế hoạch kiểm tra của tỉnh."),
                  "inspections.not_plan_owner")


def can_view_plan(user: User, plan: Any) -> Verdict:
    if not _active(user):
        return _not_signed_in()
    if user.is_nationwide:
        return ALLOWED
    if user.role in OFFICE_ROLES and province_id_of(user) == plan.province_id:
        return ALLOWED
    return denied(_("Kế hoạch kiểm tra này thuộc tỉnh khác."), "inspections.plan_elsewhere")


def may_be_assigned(user: User, province: Any) -> Verdict:
    """Inspectors of a plan: inspectors or the standing office of the plan's province."""
    if not user.is_active or user.role not in OFFICE_ROLES:
        return denied(_("“%(name)s” không phải người kiểm tra hay cơ quan thường trực.")
                      % {"name": user.get_full_name() or user.username},
                      "inspections.not_an_inspector")
    if province_id_of(user) != province.pk:
        return denied(_("“%(name)s” không thuộc %(province)s.")
                      % {"name": user.get_full_name() or user.username,
                         "province": province.full_name}, "inspections.inspector_elsewhere")
    return ALLOWED


def records_visits(user: User) -> bool:
    """Whether the account's role records inspection visits at all (under some plan): a visit
    sent offline by anyone else is not kept for review (services.receive_visit)."""
    return _active(user) and (user.is_nationwide or user.role == Role.INSPECTOR
                              or (user.role == Role.PROVINCE_OFFICE and bool(user.unit_id)))


def can_record_visit(user: User, plan: Any) -> Verdict:
    """May ``user`` record visits under ``plan`` at all (the product is checked separately)."""
    if not _active(user):
        return _not_signed_in()
    if user.is_nationwide:
        return ALLOWED
    if user.role == Role.PROVINCE_OFFICE and user.unit_id == plan.province_id:
        return ALLOWED
    if user.role == Role.INSPECTOR and plan.inspectors.filter(pk=user.pk).exists():
        return ALLOWED
    return denied(_("Bạn không được giao kiểm tra theo kế hoạch này."),
                  "inspections.not_assigned")


def can_inspect_product(user: User, product: Any) -> Verdict:
    """The product lies inside the inspector's own jurisdiction (today's units)."""
    if not _active(user):
        return _not_signed_in()
    if can_see_unit(user, product.producer.commune):
        return ALLOWED
    return denied(_("Sản phẩm “%(product)s” nằm ngoài địa bàn bạn được kiểm tra.")
                  % {"product": product.name}, "inspections.product_outside_jurisdiction")


def can_view_visit(user: User, visit: Any) -> Verdict:
    if not _active(user):
        return _not_signed_in()
    if user.is_nationwide:
        return ALLOWED
    if user.role == Role.PRODUCER:
        if user.producer_id and visit.product.producer_id == user.producer_id \
                and visit.concluded:
            return ALLOWED
        return denied(_("Chủ thể xem được lần kiểm tra sản phẩm của mình sau khi có kết luận."),
                      "inspections.visit_not_concluded")
    if user.role in OFFICE_ROLES and province_id_of(user) == visit.plan.province_id:
        return ALLOWED
    if user.role == Role.COMMUNE_OFFICER and can_see_unit(user, visit.product.producer.commune):
        return ALLOWED
    return denied(_("Lần kiểm tra này nằm ngoài địa bàn của bạn."),
                  "inspections.visit_elsewhere")


def can_edit_visit(user: User, visit: Any) -> Verdict:
    """Add photos and samples, conclude: who may record visits under its plan."""
    return can_record_visit(user, visit.plan)


def can_propose_revocation(user: User, visit: Any) -> Verdict:
    if not (verdict := can_record_visit(user, visit.plan)):
        return verdict
    return ALLOWED


def can_complete_revocation(user: User, proposal: Any) -> Verdict:
    if not _active(user):
        return _not_signed_in()
    if certificate_permissions.can_revoke(user, proposal.certificate):
        return ALLOWED
    return denied(_("Chỉ cơ quan thường trực của tỉnh quản lý giấy chứng nhận mới thu hồi được."),
                  "inspections.not_revoking_office")


def can_view_complaint(user: User, complaint: Any) -> Verdict:
    if not _active(user):
        return _not_signed_in()
    if user.is_nationwide:
        return ALLOWED
    if user.role in OFFICE_ROLES and complaint.province_id is not None \
            and province_id_of(user) == complaint.province_id:
        return ALLOWED
    return denied(_("Phản ánh này được chuyển cho tỉnh khác."), "inspections.complaint_elsewhere")


def can_handle_complaint(user: User, complaint: Any) -> Verdict:
    """Open a plan on a complaint, or close it: the office of its province, or the centre."""
    if not _active(user):
        return _not_signed_in()
    if user.is_nationwide:
        return ALLOWED
    if user.role == Role.PROVINCE_OFFICE and complaint.province_id is not None \
            and user.unit_id == complaint.province_id:
        return ALLOWED
    return denied(_("Chỉ cơ quan thường trực của tỉnh xử lý phản ánh này."),
                  "inspections.not_complaint_owner")
