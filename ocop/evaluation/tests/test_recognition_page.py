"""A round's recognition page: the decision form holds the dossiers still awaiting a decision;
the ones decided are counted by outcome and listed below, paged."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from ocop.accounts.testing import login_client
from ocop.dossiers import services as dossier_services
from ocop.dossiers.models import DossierState
from ocop.dossiers.testing import D2024, submitted
from ocop.evaluation import services
from ocop.evaluation.tests.conftest import answers_for

pytestmark = pytest.mark.django_db
SCORED_ON = date(2024, 6, 10)


def _score_and_finalise(ev, dossier, target):
    for name in ("chair", "second", "third"):
        user = ev.members[name].user
        services.save_draft(actor=user, dossier=dossier, answers=answers_for(dossier, target))
        services.submit_sheet(actor=user, dossier=dossier)
    chair = ev.members["chair"].user
    services.close_scoring(actor=chair, council=ev.council, dossier=dossier)
    services.finalise(actor=chair, council=ev.council, dossier=dossier, today=SCORED_ON)


def _checkboxes(page: str) -> list[str]:
    return re.findall(r'<input type="checkbox" name="dossier" value="(\d+)"', page)


def test_decided_dossiers_leave_the_form_for_a_paged_list(ev, settings):
    second = submitted(ev.cycle, when=D2024, position="other_producer")
    dossier_services.accept(actor=None, dossier=second)
    second.refresh_from_db()
    services.assign_dossiers(actor=ev.users["province_office"], council=ev.council,
                             dossiers_to_assign=[second])
    _score_and_finalise(ev, ev.dossier, 62)
    office = login_client(ev.users["province_office"])
    url = reverse("evaluation:recognition", args=[ev.cycle.district_round.pk])

    page = office.get(url).content.decode()
    assert _checkboxes(page) == [str(ev.dossier.pk)]  # the second is still being scored
    assert second.reference in page and "đang chấm" in page
    assert "Đã quyết định" not in page

    services.recognise(actor=ev.users["province_office"], round=ev.cycle.district_round,
                       dossier_ids=[ev.dossier.pk], number="321/QĐ-UBND",
                       decision_date=date(2024, 12, 10), signer_name="Trần Văn Ký",
                       signer_title="Chủ tịch", today=date(2024, 12, 10))
    page = office.get(url).content.decode()
    assert _checkboxes(page) == []
    assert "Xem trước và xác nhận" in page  # the form stays for the dossier being scored
    assert "Được công nhận: <strong>1</strong>" in page
    decided = page[page.index("Đã quyết định"):]
    assert ev.dossier.reference in decided and second.reference not in decided

    _score_and_finalise(ev, second, 30)
    services.not_recognised(actor=ev.users["province_office"], dossier=second,
                            reason="Dưới 50 điểm")
    settings.PAGE_SIZE = 1
    page = office.get(url).content.decode()
    assert "Không còn hồ sơ nào của đợt chờ quyết định." in page
    assert "Xem trước và xác nhận" not in page
    assert "Được công nhận: <strong>1</strong> · Không được công nhận: <strong>1</strong>" in page
    assert ev.dossier.reference in page and second.reference not in page
    assert "Trang 1/2" in page
    page = office.get(url, {"page": 2}).content.decode()
    assert second.reference in page and ev.dossier.reference not in page
    second.refresh_from_db()
    assert second.state == DossierState.NOT_RECOGNISED
