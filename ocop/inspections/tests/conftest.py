"""Inspections test data: the certificates app's world (producers in today's Bắc Ninh and in
Hà Nội, one account per role) with a valid certificate for the Bắc Ninh product and for the Hà
Nội product, an uncertified Bắc Ninh product, and a 2026 plan of Bắc Ninh."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

import pytest
from PIL import Image

from ocop.accounts.models import Role, User
from ocop.accounts.testing import make_user
from ocop.certificates.models import Certificate
from ocop.certificates.tests.conftest import CertWorld, classification, cw
from ocop.inspections import services
from ocop.inspections.models import CHECKLIST, FindingResult, InspectionPlan, Visit

__all__ = ["classification", "cw"]

TODAY = date(2026, 6, 15)


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def all_pass(**overrides: tuple[str, str]) -> dict[str, tuple[str, str]]:
    findings = {item: (FindingResult.PASS, "") for item in CHECKLIST}
    findings.update(overrides)
    return findings


FAILING = {"label": (FindingResult.FAIL, "Dùng nhãn OCOP 4 sao cho sản phẩm 3 sao.")}


@dataclass
class InspectionWorld:
    cw: CertWorld
    certificate: Certificate
    hanoi_certificate: Certificate
    plan: InspectionPlan
    users: dict[str, User]
    today: date = TODAY

    @property
    def product(self):
        return self.cw.products["own"]

    def visit(self, *, failing: bool = False, conclusion: str = "",
              actor: User | None = None) -> Visit:
        return services.record_visit(
            actor=actor or self.users["inspector"], plan=self.plan, product=self.product,
            visited_on=self.today, place="Cơ sở sản xuất tại xã Lục Ngạn",
            findings=all_pass(**FAILING) if failing else all_pass(), conclusion=conclusion,
            today=self.today)


@pytest.fixture
def iw(cw: CertWorld) -> InspectionWorld:
    certificate = cw.issue("own", issued_on=date(2025, 9, 1), decision=cw.province_decision,
                           stars=4)
    hanoi = cw.issue("hanoi", issued_on=date(2025, 9, 1), decision=cw.hanoi_decision)
    users = dict(cw.users)
    users["other_inspector"] = make_user(Role.INSPECTOR, unit=cw.units.bac_ninh)
    users["hanoi_inspector"] = make_user(Role.INSPECTOR, unit=cw.units.ha_noi)
    users["commune_inspector"] = make_user(Role.INSPECTOR, unit=cw.units.phuong_bac_giang)
    plan = services.create_plan(
        actor=users["province_office"], province=cw.units.bac_ninh, kind="annual",
        title="Kế hoạch kiểm tra sản phẩm OCOP sau công nhận năm 2026",
        starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31),
        inspectors=[users["inspector"], users["commune_inspector"]])
    return InspectionWorld(cw, certificate, hanoi, plan, users)
