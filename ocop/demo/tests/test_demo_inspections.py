"""The demo's inspections: a 2024 annual plan of the demo province, a passing and a failing
visit with a revocation proposal, and a complaint routed to the province."""

from __future__ import annotations

from datetime import date

import pytest

from ocop.accounts.models import Role
from ocop.accounts.testing import make_user
from ocop.demo.inspections import build_demo_inspections
from ocop.inspections.models import Complaint, FindingResult, InspectionPlan, ProposalState, Visit
from ocop.inspections.tests.conftest import classification, cw

__all__ = ["classification", "cw"]

pytestmark = pytest.mark.django_db


def test_demo_builds_a_2024_plan_with_two_visits_a_proposal_and_a_complaint(cw):
    # Two certificates of today's Bắc Ninh valid through 2024 (issued 29/02/2024).
    cw.issue("own")
    cw.issue("legacy")
    make_user(Role.PROVINCE_OFFICE, unit=cw.units.bac_ninh, username="demo-tinh")
    make_user(Role.INSPECTOR, unit=cw.units.bac_ninh, username="demo-thanhtra")

    built = build_demo_inspections(today=date(2026, 11, 30))

    plan = InspectionPlan.objects.get()
    assert plan.kind == "annual" and plan.starts_on.year == plan.ends_on.year == 2024
    assert plan.province == cw.units.bac_ninh and plan.pk == built.plan_id
    visits = list(Visit.objects.order_by("visited_on"))
    assert len(visits) == 2 and all(v.concluded for v in visits)
    results = [set(v.findings.values_list("result", flat=True)) for v in visits]
    assert results[0] == {FindingResult.PASS} and FindingResult.FAIL in results[1]
    proposal = visits[1].proposals.get()
    assert proposal.state == ProposalState.PROPOSED
    complaint = Complaint.objects.get()
    assert complaint.province == cw.units.bac_ninh and complaint.reference == built.complaint


def test_demo_inspections_are_skipped_without_the_demo_accounts(cw):
    cw.issue("own")
    assert build_demo_inspections() is None
    assert not InspectionPlan.objects.exists()
