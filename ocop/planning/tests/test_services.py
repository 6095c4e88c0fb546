"""Writes: refusals with field messages, nothing half-saved, an audit entry for every write."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ocop.audit.models import AuditEntry
from ocop.core.refusals import Conflict, Forbidden, Invalid
from ocop.planning import services
from ocop.planning.models import AnnualPlan, BudgetLine, Indicator, PlanStatus

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
LINE = {"content": "cycle", "source": "province", "approved": "3500000000",
        "committed": "3400000000", "disbursed": "3200000000"}


def _audits(action: str) -> int:
    return AuditEntry.objects.filter(action=action).count()


def test_create_plan_with_file_is_audited(world):
    office = world.users["province_office"]
    plan = services.create_plan(actor=office, data={
        "province": world.units.bac_ninh, "year": 2026, "title": "Kế hoạch OCOP 2026",
        "decision_number": "12/KH-UBND", "decision_date": date(2026, 1, 20)},
        file=SimpleUploadedFile("ke hoach.pdf", PDF, "application/pdf"))
    assert plan.status == PlanStatus.DRAFT and plan.created_by == office
    stored = plan.decision_file.name
    assert stored.startswith("plans/") and "ke hoach" not in stored
    assert plan.decision_file_name == "ke hoach.pdf"
    entry = AuditEntry.objects.get(action="planning.plan.create")
    assert entry.actor_id == office.pk and entry.changes["year"] == 2026


def test_a_file_that_is_not_a_pdf_is_refused_and_nothing_is_saved(world):
    fake = SimpleUploadedFile("ke-hoach.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    with pytest.raises(Invalid) as refused:
        services.create_plan(actor=None, data={"province": world.units.bac_ninh, "year": 2026,
                                               "title": "Kế hoạch"}, file=fake)
    assert "decision_file" in refused.value.fields
    assert not AnnualPlan.objects.exists() and not AuditEntry.objects.filter(
        action__startswith="planning").exists()


@pytest.mark.parametrize(("data", "field"), [
    ({"year": 1990}, "year"),
    ({"year": "năm nay"}, "year"),
    ({"year": 2026, "title": "  "}, "title"),
    ({"year": 2026, "province": "P24"}, "province"),
    ({"year": 2024, "province": "current"}, "province"),  # before the reform: legacy province
    ({"year": 2026, "province": "legacy"}, "province"),  # legacy province after the reform
    ({"year": 2026, "decision_date": date(2020, 1, 1)}, "decision_date"),
    ({"year": 2026, "title": "<b>Kế hoạch</b>"}, "title"),
])
def test_plan_refusals_name_the_field(world, data, field):
    base = {"province": world.units.bac_ninh, "title": "Kế hoạch"}
    base.update(data)
    if base["province"] == "current":
        base["province"] = world.units.bac_ninh
    elif base["province"] == "legacy":
        base["province"] = world.units.legacy_bac_giang
    with pytest.raises(Invalid) as refused:
        services.create_plan(actor=None, data=base)
    assert field in refused.value.fields, refused.value.fields
    assert refused.value.message and not AnnualPlan.objects.exists()


def test_one_plan_per_province_and_year(bg_plan, world):
    with pytest.raises(Invalid) as refused:
        services.create_plan(actor=None, data={"province": world.units.legacy_bac_giang,
                                               "year": 2024, "title": "Bản trùng"})
    assert "year" in refused.value.fields
    services.create_plan(actor=None, data={"province": None, "year": 2024, "title": "TW"})
    with pytest.raises(Invalid):
        services.create_plan(actor=None, data={"province": None, "year": 2024, "title": "TW2"})


def test_others_may_not_write(bg_plan, world):
    u = world.users
    for role in ("inspector", "commune_officer", "other_province_office", "producer",
                 "council_member"):
        with pytest.raises(Forbidden):
            services.save_indicator(actor=u[role], plan=bg_plan, data={"kind": "upgrades"})
    with pytest.raises(Forbidden):
        services.create_plan(actor=u["province_office"], data={"province": None, "year": 2026,
                                                               "title": "TW"})
    with pytest.raises(Forbidden):
        services.create_plan(actor=u["province_office"], data={
            "province": world.units.ha_noi, "year": 2026, "title": "Hà Nội"})
    assert not Indicator.objects.exists() and AnnualPlan.objects.count() == 1


@pytest.mark.parametrize(("data", "field"), [
    ({"kind": "invented"}, "kind"),
    ({"kind": "upgrades", "target": -5}, "target"),
    ({"kind": "upgrades", "target": 10_000_000}, "target"),
    ({"kind": "upgrades", "baseline": "2,5"}, "baseline"),
    ({"kind": "upgrades", "target": "năm"}, "target"),
    ({"kind": "products_by_group"}, "product_group"),
])
def test_indicator_refusals(bg_plan, data, field):
    with pytest.raises(Invalid) as refused:
        services.save_indicator(actor=None, plan=bg_plan, data=data)
    assert field in refused.value.fields
    assert not Indicator.objects.exists()


def test_indicator_once_per_plan_and_audited(bg_plan, world):
    office = world.users["province_office"]
    item = services.save_indicator(actor=office, plan=bg_plan, data={
        "kind": "recognised_cumulative", "baseline": 253, "target": 350})
    with pytest.raises(Invalid):
        services.save_indicator(actor=office, plan=bg_plan, data={"kind": "recognised_cumulative"})
    services.save_indicator(actor=office, plan=bg_plan, indicator=item, data={"target": 360})
    item.refresh_from_db()
    assert (item.baseline, item.target) == (253, 360)
    assert _audits("planning.indicator.create") == 1
    assert AuditEntry.objects.get(action="planning.indicator.update").changes == {
        "target": [350, 360]}
    services.delete_indicator(actor=office, indicator=item)
    assert not Indicator.objects.exists() and _audits("planning.indicator.delete") == 1


@pytest.mark.parametrize(("change", "field"), [
    ({"approved": "-1"}, "approved"),
    ({"approved": ""}, "approved"),
    ({"approved": "10000000000000"}, "approved"),  # 10,000 billion: a slip, not a budget
    ({"approved": "1000.5"}, "approved"),
    ({"committed": "abc"}, "committed"),
    ({"disbursed": "3400000001"}, "disbursed"),  # above committed
    ({"committed": "3500000001", "disbursed": "0"}, "committed"),  # above approved
    ({"disbursed": "-3"}, "disbursed"),
    ({"content": "parties"}, "content"),
    ({"source": ""}, "source"),
])
def test_budget_refusals_leave_nothing_saved(bg_plan, change, field):
    with pytest.raises(Invalid) as refused:
        services.save_budget_line(actor=None, plan=bg_plan, data={**LINE, **change})
    assert field in refused.value.fields, refused.value.fields
    assert not BudgetLine.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="planning.budget").exists()


def test_a_refused_change_keeps_the_line_as_it_was(bg_plan):
    line = services.save_budget_line(actor=None, plan=bg_plan, data=LINE)
    with pytest.raises(Invalid):
        services.save_budget_line(actor=None, plan=bg_plan, line=line, data={
            **LINE, "approved": "3000000000", "committed": "3100000000"})
    line.refresh_from_db()
    assert (line.approved, line.committed, line.disbursed) == (
        Decimal(3_500_000_000), Decimal(3_400_000_000), Decimal(3_200_000_000))
    assert _audits("planning.budget.update") == 0


def test_approval_needs_the_decision_then_locks_the_plan(world, bg_plan):
    office = world.users["province_office"]
    draft = services.create_plan(actor=office, data={"province": world.units.bac_ninh,
                                                     "year": 2026, "title": "Nháp"})
    with pytest.raises(Invalid) as refused:
        services.approve_plan(actor=office, plan=draft)
    assert set(refused.value.fields) == {"decision_number", "decision_date"}
    assert AnnualPlan.objects.get(pk=draft.pk).status == PlanStatus.DRAFT

    line = services.save_budget_line(actor=office, plan=bg_plan, data=LINE)
    services.approve_plan(actor=office, plan=bg_plan)
    assert AnnualPlan.objects.get(pk=bg_plan.pk).is_approved
    assert _audits("planning.plan.approve") == 1
    with pytest.raises(Conflict):
        services.update_plan(actor=office, plan=bg_plan, data={"title": "Khác"})
    with pytest.raises(Conflict):
        services.save_indicator(actor=office, plan=bg_plan, data={"kind": "upgrades"})
    with pytest.raises(Conflict):
        services.save_budget_line(actor=office, plan=bg_plan, data=LINE)
    with pytest.raises(Conflict):
        services.save_budget_line(actor=office, plan=bg_plan, line=line,
                                  data={**LINE, "approved": "4000000000"})
    with pytest.raises(Conflict):
        services.delete_budget_line(actor=office, line=line)
    # Execution still moves during the year, within the same rules.
    services.save_budget_line(actor=office, plan=bg_plan, line=line,
                              data={**LINE, "disbursed": "3400000000"})
    line.refresh_from_db()
    assert line.disbursed == 3_400_000_000
    with pytest.raises(Invalid):
        services.save_budget_line(actor=office, plan=bg_plan, line=line,
                                  data={**LINE, "disbursed": "3500000000"})


def test_update_plan_is_audited_with_the_difference(world, bg_plan):
    office = world.users["province_office"]
    services.update_plan(actor=office, plan=bg_plan, data={"title": "Kế hoạch 14/KH-UBND"})
    entry = AuditEntry.objects.get(action="planning.plan.update")
    assert entry.changes == {"title": ["Kế hoạch OCOP tỉnh Bắc Giang năm 2024",
                                       "Kế hoạch 14/KH-UBND"]}


def test_database_refuses_phases_out_of_order(bg_plan):
    """The check constraint holds even for a write that skips the service."""
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetLine.objects.create(plan=bg_plan, content="cycle", source="province",
                                  approved=10, committed=20, disbursed=0)
