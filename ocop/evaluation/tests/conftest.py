"""Evaluation test world on top of the dossiers' Bắc Giang 2024 cycle: one dossier accepted into
the district round of huyện Lục Ngạn, a council of three scoring members plus an advisor, and
helpers to build answers that reach a chosen total."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from ocop.accounts.models import Role, User
from ocop.accounts.testing import make_user
from ocop.criteria import publishing as criteria_publishing
from ocop.criteria import selectors as criteria_selectors
from ocop.criteria.engine import answers_reaching, evaluate
from ocop.dossiers import services as dossier_services
from ocop.dossiers.models import Dossier
from ocop.dossiers.testing import D2024, Cycle, cycle, submitted
from ocop.evaluation import services
from ocop.evaluation.models import Council, CouncilMember, MemberRole

__all__ = ["cycle"]


def answers_for(dossier: Dossier, target: Decimal | int) -> dict[str, str]:
    """Answers reaching ``target`` (lowest total ≥ it in sheet order) that pass every mandatory
    rule, so that the star band alone decides the stars."""
    return answers_reaching(criteria_selectors.engine_set(dossier.criteria_set), target)


def total_of(dossier: Dossier, answers: dict[str, str]) -> Decimal:
    return evaluate(criteria_selectors.engine_set(dossier.criteria_set), answers).total


@dataclass
class EvalWorld:
    cycle: Cycle
    dossier: Dossier
    council: Council
    members: dict[str, CouncilMember]
    users: dict[str, User]

    def score(self, name: str, answers: dict[str, str], *, submit: bool = True) -> None:
        user = self.members[name].user
        services.save_draft(actor=user, dossier=self.dossier, answers=answers)
        if submit:
            services.submit_sheet(actor=user, dossier=self.dossier)

    def refresh(self) -> Dossier:
        self.dossier.refresh_from_db()
        return self.dossier


@pytest.fixture
def ev(cycle) -> EvalWorld:
    dossier = submitted(cycle, when=D2024)
    dossier_services.accept(actor=None, dossier=dossier)
    dossier.refresh_from_db()
    # The shipped sheets are illustrative: the province accepts the version (the acceptance
    # gate itself is tested in ocop/criteria/tests/test_publishing.py).
    criteria_publishing.accept(actor=cycle.users["province_office"],
                               version=dossier.criteria_set, reason="Thử nghiệm")
    council = services.create_council(actor=cycle.users["province_office"],
                                      round=cycle.district_round,
                                      name="Hội đồng đánh giá huyện Lục Ngạn 2024",
                                      decision_number="15/QĐ-UBND")
    users = {name: make_user(Role.COUNCIL_MEMBER, unit=cycle.units.bac_ninh,
                             first_name=name.capitalize())
             for name in ("chair", "second", "third", "advisor", "outsider")}
    roles = {"chair": MemberRole.CHAIR, "second": MemberRole.MEMBER,
             "third": MemberRole.SECRETARY, "advisor": MemberRole.ADVISOR}
    members = {name: services.add_member(actor=None, council=council, user=users[name],
                                         role=role)
               for name, role in roles.items()}
    services.assign_dossiers(actor=cycle.users["province_office"], council=council,
                             dossiers_to_assign=[dossier])
    dossier.refresh_from_db()
    return EvalWorld(cycle, dossier, council, members, {**cycle.users, **users})
