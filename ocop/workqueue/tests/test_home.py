"""The work queue on the home page: what each role reads, the empty state, and a number of
queries that does not grow with the records waiting."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ocop.accounts.testing import login_client
from ocop.certificates.models import Certificate
from ocop.dossiers import services
from ocop.dossiers.models import CorrectionRequest, Dossier
from ocop.dossiers.testing import D2025, Cycle, open_ready, submitted
from ocop.evaluation.models import Assignment
from ocop.evaluation.tests.conftest import EvalWorld
from ocop.inspections import services as inspection_services
from ocop.inspections.models import Complaint, Visit
from ocop.inspections.tests.conftest import InspectionWorld
from ocop.workqueue.selectors import work_queue

pytestmark = pytest.mark.django_db
_serial = itertools.count(1)


def _home(user) -> str:
    response = login_client(user).get(reverse("web:home"))
    assert response.status_code == 200
    return response.content.decode()


def _queries(user) -> int:
    client = login_client(user)
    client.get(reverse("web:home"))  # warm: session, caches
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("web:home")).status_code == 200
    return len(ctx.captured_queries)


def _clone(obj, **changes):
    """A copy of ``obj`` under a new primary key: many rows waiting, without replaying the
    whole procedure for each."""
    obj.pk = None
    obj.id = None
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.save()
    return obj


def test_home_shows_the_commune_officer_its_dossier_to_check(cycle: Cycle) -> None:
    dossier = submitted(cycle, when=D2025)
    page = _home(cycle.users["commune_officer"])
    assert "Việc cần làm" in page and "Hồ sơ chờ xã kiểm tra" in page
    assert reverse("dossiers:precheck", args=[dossier.pk]) in page
    assert "Kiểm tra hồ sơ" in page
    # Another commune of the same province: nothing of it.
    other = _home(cycle.users["other_commune_officer"])
    assert dossier.reference not in other
    assert "Không có việc nào cần làm." in other


def test_empty_state_gives_a_next_step(cycle: Cycle) -> None:
    page = _home(cycle.users["producer"])
    assert "Không có việc nào cần làm." in page
    assert reverse("dossiers:create") in page
    assert "Lập hồ sơ đánh giá cho một sản phẩm" in page


def test_late_entries_read_as_late(cycle: Cycle) -> None:
    dossier = submitted(cycle)
    request = services.request_corrections(actor=cycle.users["province_office"],
                                           dossier=dossier,
                                           items=[{"code": "A1", "comment": "Bổ sung"}])
    CorrectionRequest.objects.filter(pk=request.pk).update(
        created_at=timezone.now() - timedelta(days=45))
    page = _home(cycle.users["province_office"])
    assert "Yêu cầu bổ sung quá hạn, chủ thể chưa trả lời" in page
    assert "quá hạn 15 ngày" in page and "badge-bad" in page and "wq-late" in page


def test_english_interface(cycle: Cycle) -> None:
    submitted(cycle, when=D2025)
    client = login_client(cycle.users["commune_officer"])
    client.cookies["django_language"] = "en"
    page = client.get(reverse("web:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "To do" in page and "Dossiers awaiting the commune check" in page


def test_signed_out_home_has_no_queue(client) -> None:
    page = client.get(reverse("web:home")).content.decode()
    assert "Việc cần làm" not in page


def test_queries_do_not_grow_for_dossier_roles(cycle: Cycle) -> None:
    officer, office, producer = (cycle.users[k] for k in
                                 ("commune_officer", "province_office", "producer"))
    to_check = submitted(cycle, when=D2025)
    draft = open_ready(cycle, when=D2025, position="other_commune")
    reviewed = submitted(cycle, position="other_producer")
    request = services.request_corrections(actor=office, dossier=reviewed,
                                           items=[{"code": "A1", "comment": "Bổ sung"}])
    CorrectionRequest.objects.filter(pk=request.pk).update(
        created_at=timezone.now() - timedelta(days=60))
    request.refresh_from_db()
    before = {u.username: _queries(u) for u in (officer, office, producer)}
    assert all(work_queue(u).total for u in (officer, office))
    for _ in range(6):
        _clone(Dossier.objects.get(pk=to_check.pk))
        _clone(Dossier.objects.get(pk=draft.pk), producer=producer.producer,
               product=to_check.product)
        copy = _clone(Dossier.objects.get(pk=reviewed.pk))
        _clone(CorrectionRequest.objects.get(pk=request.pk), dossier=copy)
    CorrectionRequest.objects.update(created_at=request.created_at)  # auto_now_add on copies
    assert work_queue(office).total > 6 and work_queue(producer).total >= 6
    after = {u.username: _queries(u) for u in (officer, office, producer)}
    assert after == before


def test_queries_do_not_grow_for_a_council_member(ev: EvalWorld) -> None:
    member = ev.users["second"]
    before = _queries(member)
    assignment = Assignment.objects.get(dossier=ev.dossier)
    for _ in range(6):
        copy = _clone(Dossier.objects.get(pk=ev.dossier.pk))
        _clone(Assignment.objects.get(pk=assignment.pk), dossier=copy)
    assert work_queue(member).total == 7
    assert _queries(member) == before


def test_queries_do_not_grow_for_inspection_roles(iw: InspectionWorld) -> None:
    inspector, office = iw.users["inspector"], iw.users["province_office"]
    visit = iw.visit(failing=True, conclusion="Không đạt.")
    inspection_services.propose_revocation(actor=inspector, visit=visit, reason="Sai nhãn.",
                                           today=iw.today)
    inspection_services.submit_complaint(text="Sản phẩm bị mốc.",
                                         certificate_number=iw.certificate.number)
    unconcluded = iw.visit()
    before = {u.username: _queries(u) for u in (inspector, office)}
    for _ in range(6):
        _clone(Visit.objects.get(pk=unconcluded.pk))
        _clone(Complaint.objects.filter(province__isnull=False).first())
        _clone(Certificate.objects.get(pk=iw.certificate.pk),
               number=f"OCOP-24-2025-9{next(_serial):04d}",
               valid_until=timezone.localdate() + timedelta(days=30))
    assert work_queue(office).total > 6 and work_queue(inspector).total > 6
    assert {u.username: _queries(u) for u in (inspector, office)} == before
