"""Roles × plans of the own province, another province and the national programme."""

from __future__ import annotations

import pytest

from ocop.planning import permissions, services

pytestmark = pytest.mark.django_db

# role: (view own, edit own, view other, edit other, view national, edit national)
MATRIX = {
    "admin": (True, True, True, True, True, True),
    "central": (True, True, True, True, True, True),
    "province_office": (True, True, False, False, True, False),
    "inspector": (True, False, False, False, True, False),
    "commune_officer": (True, False, False, False, True, False),
    "council_member": (False, False, False, False, False, False),
    "producer": (False, False, False, False, False, False),
}


@pytest.fixture
def three_plans(world, bg_plan):
    other = services.create_plan(actor=None, data={"province": world.units.ha_noi,
                                                   "year": 2025, "title": "Hà Nội"})
    national = services.create_plan(actor=None, data={"province": None, "year": 2025,
                                                      "title": "TW"})
    return bg_plan, other, national


@pytest.mark.parametrize("role", MATRIX)
def test_matrix(world, three_plans, role):
    user = world.users[role]
    got = []
    for plan in three_plans:
        got += [bool(permissions.can_view(user, plan)), bool(permissions.can_edit(user, plan))]
    assert tuple(got) == MATRIX[role]


def test_refusals_say_why(world, three_plans):
    own, other, _national = three_plans
    verdict = permissions.can_edit(world.users["inspector"], own)
    assert not verdict and verdict.code == "planning.read_only" and "chỉ được xem" in verdict.reason
    verdict = permissions.can_view(world.users["province_office"], other)
    assert verdict.code == "planning.other_province"
    assert not permissions.can_use(world.users["producer"])


def test_the_legacy_plan_belongs_to_the_province_it_lies_in_today(world, bg_plan):
    """Tỉnh Bắc Giang's 2024 plan (LP24) is kept by today's Bắc Ninh (P24), not Hà Nội."""
    assert bg_plan.province_id == "LP24"
    assert permissions.can_edit(world.users["province_office"], bg_plan)
    assert not permissions.can_view(world.users["other_province_office"], bg_plan)
    assert not permissions.can_view(world.users["other_commune_officer"], bg_plan)


@pytest.mark.parametrize("role", ["producer", "council_member", "other_province_office"])
def test_plan_detail_answers_not_found_out_of_reach(world, bg_plan, role):
    """The API's detail gives the same answer for a missing plan and one out of reach."""
    from ocop.core.refusals import NotFound
    from ocop.planning import selectors

    with pytest.raises(NotFound):
        selectors.plan_detail(world.users[role], bg_plan.pk)
    with pytest.raises(NotFound):
        selectors.plan_detail(world.users["admin"], bg_plan.pk + 1000)
    assert selectors.plan_detail(world.users["inspector"], bg_plan.pk) == bg_plan
