"""Who may do what, role by role, and what each role's lists hold."""

from __future__ import annotations

import pytest

from ocop.accounts.models import Role
from ocop.accounts.testing import make_user
from ocop.core.refusals import Verdict
from ocop.inspections import permissions, selectors, services
from ocop.inspections.tests.conftest import TODAY

pytestmark = pytest.mark.django_db

# role → (sees the unconcluded visit, sees it once concluded, sees the plan, may record,
#         may complete the revocation, sees the complaint, may create a plan in Bắc Ninh)
MATRIX = {
    "admin":                 (True, True, True, True, True, True, True),
    "central":               (True, True, True, True, True, True, True),
    "province_office":       (True, True, True, True, True, True, True),
    "inspector":             (True, True, True, True, False, True, False),
    "other_inspector":       (True, True, True, False, False, True, False),
    "commune_officer":       (True, True, False, False, False, False, False),
    "council_member":        (False, False, False, False, False, False, False),
    "producer":              (False, True, False, False, False, False, False),
    "other_producer":        (False, False, False, False, False, False, False),
    "other_province_office": (False, False, False, False, False, False, False),
    "hanoi_inspector":       (False, False, False, False, False, False, False),
}  # fmt: skip


@pytest.mark.parametrize("role", list(MATRIX))
def test_permission_matrix(iw, role):
    user = iw.users[role]
    visit = iw.visit(failing=True)
    proposal = services.propose_revocation(actor=iw.users["inspector"], visit=visit,
                                           reason="Nhãn sai.", today=TODAY)
    complaint = services.submit_complaint(text="Nghi hàng giả bán ở chợ.",
                                          certificate_number=iw.certificate.number)
    (see_open, see_concluded, see_plan, record, complete, see_complaint,
     create) = MATRIX[role]
    verdicts = [
        permissions.can_view_visit(user, visit),
        permissions.can_view_plan(user, iw.plan),
        permissions.can_record_visit(user, iw.plan),
        permissions.can_complete_revocation(user, proposal),
        permissions.can_view_complaint(user, complaint),
        permissions.can_create_plan(user, iw.cw.units.bac_ninh),
    ]
    assert all(isinstance(v, Verdict) for v in verdicts)
    # A refusal always says why, in Vietnamese.
    assert all(v.reason for v in verdicts if not v)
    assert [bool(v) for v in verdicts] == [see_open, see_plan, record, complete, see_complaint,
                                           create]
    # The lists agree with the predicates.
    assert selectors.visits_for(user).filter(pk=visit.pk).exists() == see_open
    assert selectors.plans_for(user).filter(pk=iw.plan.pk).exists() == (see_plan or (
        role == "commune_officer"))
    assert selectors.complaints_for(user).filter(pk=complaint.pk).exists() == see_complaint
    services.conclude_visit(actor=iw.users["inspector"], visit=visit, conclusion="Vi phạm.")
    visit.refresh_from_db()
    assert bool(permissions.can_view_visit(user, visit)) == see_concluded
    assert selectors.visits_for(user).filter(pk=visit.pk).exists() == see_concluded


def test_a_producer_sees_only_concluded_visits_of_its_own_products(iw):
    producer = iw.users["producer"]
    visit = iw.visit()
    verdict = permissions.can_view_visit(producer, visit)
    assert not verdict and "sau khi có kết luận" in verdict.reason
    concluded = iw.visit(conclusion="Đạt.")
    assert list(selectors.visits_for(producer)) == [concluded]


def test_assignable_inspectors_are_the_provinces(iw):
    bac_ninh = iw.cw.units.bac_ninh
    people = set(selectors.assignable_inspectors(bac_ninh.pk))
    assert {iw.users["inspector"], iw.users["province_office"],
            iw.users["commune_inspector"]} <= people
    assert iw.users["hanoi_inspector"] not in people and iw.users["producer"] not in people
    assert not permissions.may_be_assigned(iw.users["council_member"], bac_ninh)
    inactive = make_user(Role.INSPECTOR, unit=bac_ninh, is_active=False)
    assert not permissions.may_be_assigned(inactive, bac_ninh)


def test_certified_products_offered_are_in_reach_and_valid(iw):
    offered = set(selectors.certified_products(iw.users["inspector"], "P24", TODAY))
    assert offered == {iw.product}
    assert set(selectors.certified_products(iw.users["commune_inspector"], "P24", TODAY)) == set()
    assert set(selectors.certified_products(iw.users["central"], "P01", TODAY)) == {
        iw.cw.products["hanoi"]}
