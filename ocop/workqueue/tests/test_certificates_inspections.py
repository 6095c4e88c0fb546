"""Certificate, inspection and training items: expiry reminders, inspection plans, visits to
conclude, follow-ups, revocation proposals, complaints and registered courses."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from ocop.accounts.models import Role
from ocop.accounts.testing import make_user
from ocop.certificates.models import Certificate
from ocop.criteria.services import load_shipped_sets
from ocop.dossiers import services as dossier_services
from ocop.dossiers.models import Dossier
from ocop.inspections import services
from ocop.inspections.tests.conftest import InspectionWorld
from ocop.training import services as training_services
from ocop.training.models import Course, Topic
from ocop.workqueue import rules
from ocop.workqueue.tests.helpers import item

pytestmark = pytest.mark.django_db


def _watch_start(c: Certificate) -> date:
    return c.valid_until - timedelta(days=rules.EXPIRY_WATCH_DAYS)


def test_certificate_enters_90_days_before_expiry_and_leaves_when_it_lapses(
        iw: InspectionWorld) -> None:
    office, c = iw.users["province_office"], iw.certificate
    start = _watch_start(c)
    assert item(office, "certificates", start - timedelta(days=1)).count == 0
    found = item(office, "certificates", start)
    assert found.count == 1
    entry = found.entries[0]
    assert entry.title.startswith(c.number) and entry.due.deadline == c.valid_until
    assert entry.due.text == f"còn {rules.EXPIRY_WATCH_DAYS} ngày"
    assert item(office, "certificates", c.valid_until).entries[0].due.text == "hạn hôm nay"
    assert item(office, "certificates", c.valid_until + timedelta(days=1)).count == 0
    # The holder and its commune see it too; another province, producer or commune never.
    for name in ("producer", "commune_officer"):
        assert item(iw.users[name], "certificates", start).count == 1
    # Hà Nội's office and producer see Hà Nội's certificate (issued the same day), never this.
    for name in ("other_province_office", "other_producer"):
        seen = [e.title for e in item(iw.users[name], "certificates", start).entries]
        assert seen == [f"{iw.hanoi_certificate.number} · {iw.hanoi_certificate.product.name}"]
    elsewhere = make_user(Role.COMMUNE_OFFICER, unit=iw.cw.units.phuong_bac_giang)
    assert item(elsewhere, "certificates", start).count == 0


def test_certificate_leaves_once_a_new_dossier_is_opened(iw: InspectionWorld) -> None:
    office, c = iw.users["province_office"], iw.certificate
    start = _watch_start(c)
    load_shipped_sets()
    dossier = dossier_services.open_dossier(actor=None, product=c.product, today=start,
                                            kind=Dossier.Kind.RE_RECOGNITION)
    assert item(office, "certificates", start).count == 0
    dossier_services.withdraw(actor=None, dossier=dossier)
    assert item(office, "certificates", start).count == 1


def test_certificate_leaves_once_renewed(iw: InspectionWorld) -> None:
    office, c = iw.users["province_office"], iw.certificate
    start = _watch_start(c)
    iw.cw.issue("own", issued_on=start, decision=iw.cw.province_decision, stars=4)
    assert item(office, "certificates", start).count == 0


def test_inspection_plan_is_due_for_its_inspectors_only(iw: InspectionWorld) -> None:
    plans = item(iw.users["inspector"], "plans", iw.today)
    assert plans.count == 1
    assert plans.entries[0].due.deadline == iw.plan.ends_on
    assert plans.entries[0].due.urgency == "soon"
    for name in ("other_inspector", "hanoi_inspector"):
        assert item(iw.users[name], "plans", iw.today).count == 0
    # Not started yet: nothing to do.
    assert item(iw.users["inspector"], "plans", date(2025, 12, 31)).count == 0
    # Ended without a single visit: overdue; once a visit is recorded it leaves.
    after = iw.plan.ends_on + timedelta(days=3)
    late = item(iw.users["inspector"], "plans", after)
    assert late.count == 1 and late.entries[0].due.text == "quá hạn 3 ngày"
    iw.visit(conclusion="Đạt yêu cầu.")
    assert item(iw.users["inspector"], "plans", after).count == 0


def test_visit_to_conclude_and_its_follow_up(iw: InspectionWorld) -> None:
    inspector, producer = iw.users["inspector"], iw.users["producer"]
    visit = iw.visit(failing=True)
    assert item(inspector, "visits", iw.today).count == 1
    assert item(iw.users["other_inspector"], "visits", iw.today).count == 0
    follow_up = iw.today + timedelta(days=30)
    services.conclude_visit(actor=inspector, visit=visit, conclusion="Không đạt về nhãn.",
                            follow_up_by=follow_up)
    assert item(inspector, "visits", iw.today).count == 0
    watch = follow_up - timedelta(days=rules.FOLLOW_UP_WATCH_DAYS)
    assert item(inspector, "follow_ups", watch - timedelta(days=1)).count == 0
    assert item(inspector, "follow_ups", watch).count == 1
    late = item(inspector, "follow_ups", follow_up + timedelta(days=2))
    assert late.count == 1 and late.entries[0].due.days == 2
    # The producer sees the remedy it owes (its own concluded visit); nobody else's.
    assert item(producer, "remedies", watch).count == 1
    assert item(iw.users["other_producer"], "remedies", watch).count == 0
    assert item(iw.users["hanoi_inspector"], "follow_ups", watch).count == 0
    # A later visit of the product is the re-check: the follow-up leaves.
    services.record_visit(actor=inspector, plan=iw.plan, product=iw.product,
                          visited_on=follow_up + timedelta(days=2), place="Cơ sở sản xuất",
                          findings={k: ("pass", "") for k in ("label", "quality",
                                                             "certificate", "traceability",
                                                             "food_safety")},
                          today=follow_up + timedelta(days=2))
    assert item(inspector, "follow_ups", follow_up + timedelta(days=2)).count == 0


def test_revocation_proposal_waits_for_the_office(iw: InspectionWorld) -> None:
    office = iw.users["province_office"]
    visit = iw.visit(failing=True, conclusion="Không đạt.")
    proposal = services.propose_revocation(actor=iw.users["inspector"], visit=visit,
                                           reason="Dùng sai nhãn OCOP.", today=iw.today)
    found = item(office, "revocations", iw.today)
    assert found.count == 1 and found.entries[0].url.endswith(
        f"/kiem-tra/de-nghi-thu-hoi/{proposal.pk}/")
    assert item(iw.users["other_province_office"], "revocations", iw.today).count == 0
    services.decline_revocation(actor=office, proposal=proposal, note="Đã khắc phục.")
    assert item(office, "revocations", iw.today).count == 0


def test_complaints_go_to_the_province_or_the_centre(iw: InspectionWorld) -> None:
    office, central = iw.users["province_office"], iw.users["central"]
    complaint = services.submit_complaint(text="Sản phẩm bị mốc.",
                                          certificate_number=iw.certificate.number)
    assert item(office, "complaints").count == 1
    assert item(iw.users["other_province_office"], "complaints").count == 0
    # The centre lists only what no province received.
    assert item(central, "complaints").count == 0
    services.submit_complaint(text="Tem không quét được, không rõ sản phẩm nào.")
    assert item(central, "complaints").count == 1
    services.close_complaint(actor=office, complaint=complaint)
    assert item(office, "complaints").count == 0


def test_producer_sees_the_courses_it_registered_for(iw: InspectionWorld) -> None:
    office, producer = iw.users["province_office"], iw.users["producer"]
    course = training_services.create_course(
        actor=office, province=iw.cw.units.bac_ninh, kind=Course.Kind.COURSE,
        topic=Topic.DIGITAL, title="Bán hàng trên sàn thương mại điện tử",
        starts_on=iw.today + timedelta(days=10), ends_on=iw.today + timedelta(days=11),
        place="Trung tâm Khuyến nông")
    assert item(producer, "training", iw.today).count == 0
    training_services.register(actor=producer, course=course, producer=producer.producer,
                               attendee="Nguyễn Văn A", today=iw.today)
    found = item(producer, "training", iw.today)
    assert found.count == 1 and found.entries[0].due.text == "còn 10 ngày"
    during = item(producer, "training", iw.today + timedelta(days=11))
    assert during.entries[0].due is None and during.entries[0].waiting == "đang diễn ra"
    assert item(producer, "training", iw.today + timedelta(days=12)).count == 0
    assert item(iw.users["other_producer"], "training", iw.today).count == 0
