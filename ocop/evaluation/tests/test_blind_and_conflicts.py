"""Blind scoring and conflicts of interest on every output path: pages, API, counts, the
chair's summary, the dossiers app's visibility, the minutes and the proposal export."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ocop.accounts.selectors import council_members
from ocop.accounts.testing import login_client
from ocop.dossiers.services import StateError
from ocop.evaluation import rules, selectors, services
from ocop.evaluation.models import CouncilMember, MemberRole
from ocop.evaluation.tests.conftest import answers_for

pytestmark = pytest.mark.django_db


def shown(value: str, html: str) -> bool:
    """Whether a number appears, written either way (Vietnamese pages print 71,00)."""
    return value in html or value.replace(".", ",") in html

def _secret_sheet(ev):
    """The second member submits a sheet whose total nobody else may learn before closing."""
    ev.score("second", answers_for(ev.dossier, 71))
    sheet = ev.members["second"].sheets.get()
    assert sheet.total >= 71
    return str(sheet.total)


def test_members_see_only_their_own_sheet_before_closing(ev):
    secret = _secret_sheet(ev)
    third = login_client(ev.members["third"].user)
    page = third.get(reverse("evaluation:score", args=[ev.dossier.pk])).content.decode()
    assert not shown(secret, page)
    api = third.get(f"/api/v1/score-sheets/{ev.dossier.pk}").json()
    assert api["state"] == "none" and api["answers"] == {} and api["total"] is None
    listing = third.get(reverse("evaluation:assigned")).content.decode()
    assert not shown(secret, listing) and "Chưa nộp" in listing
    # The member who submitted sees their own total, but no council figure yet.
    second = login_client(ev.members["second"].user)
    own = second.get(f"/api/v1/score-sheets/{ev.dossier.pk}").json()
    assert own["state"] == "submitted" and own["total"] == secret
    assert "Kết quả lượt chấm" not in second.get(
        reverse("evaluation:score", args=[ev.dossier.pk])).content.decode()


def test_chair_sees_progress_without_scores_until_closing(ev):
    secret = _secret_sheet(ev)
    chair = login_client(ev.members["chair"].user)
    url = reverse("evaluation:summary", args=[ev.council.pk, ev.dossier.pk])
    page = chair.get(url).content.decode()
    assert "(1/3)" in page and not shown(secret, page)
    summary = chair.get(f"/api/v1/councils/{ev.council.pk}/summary").json()
    assert summary[0]["submitted"] == 1 and summary[0]["results"] == []
    assert all("total" not in p for p in summary[0]["progress"])
    # After closing: the figures appear for the chair and the members, not for the producer.
    ev.score("chair", answers_for(ev.dossier, 70))
    ev.score("third", answers_for(ev.dossier, 72))
    services.close_scoring(actor=ev.members["chair"].user, council=ev.council,
                           dossier=ev.dossier)
    assert shown(secret, chair.get(url).content.decode())
    third = login_client(ev.members["third"].user)
    assert shown(secret, third.get(reverse("evaluation:score",
                                            args=[ev.dossier.pk])).content.decode())
    producer = login_client(ev.users["producer"])
    result_page = producer.get(reverse("evaluation:result", args=[ev.dossier.pk]))
    assert result_page.status_code == 200
    assert not shown(secret, result_page.content.decode())
    assert "Chưa có kết quả đánh giá cuối cùng" in result_page.content.decode()


@pytest.mark.parametrize("who", ["second", "third", "advisor", "outsider", "province_office",
                                 "producer"])
def test_only_the_chair_reaches_the_summary(ev, who):
    user = ev.members[who].user if who in ev.members else ev.users[who]
    client = login_client(user)
    url = reverse("evaluation:summary", args=[ev.council.pk, ev.dossier.pk])
    assert client.get(url).status_code == 404
    assert client.get(f"/api/v1/councils/{ev.council.pk}/summary").status_code == 404
    for step in ("close_scoring", "start_rescore", "finalise"):
        assert client.post(reverse(f"evaluation:{step}",
                                   args=[ev.council.pk, ev.dossier.pk])).status_code == 404


@pytest.mark.parametrize("who", ["advisor", "outsider", "province_office", "producer"])
def test_non_scorers_cannot_open_or_score(ev, who):
    user = ev.members[who].user if who in ev.members else ev.users[who]
    client = login_client(user)
    assert client.get(reverse("evaluation:score", args=[ev.dossier.pk])).status_code == 404
    assert client.get(f"/api/v1/score-sheets/{ev.dossier.pk}").status_code == 404
    assert client.put(f"/api/v1/score-sheets/{ev.dossier.pk}", data={"answers": {}},
                      content_type="application/json").status_code == 404
    assert client.post(f"/api/v1/score-sheets/{ev.dossier.pk}/submit").status_code == 404


def test_hint_requires_a_declaration_and_a_declared_conflict_hides_everything(ev):
    member = ev.members["third"]
    # The member lives in the producer's commune: a hint, so they must declare first.
    CouncilMember.objects.filter(pk=member.pk).update(home_commune=ev.cycle.units.xa_luc_ngan)
    member.refresh_from_db()
    assert "Thành viên cư trú cùng xã/phường với chủ thể." in rules.conflict_hints(
        member, ev.dossier)
    with pytest.raises(StateError):
        ev.score("third", answers_for(ev.dossier, 60))
    client = login_client(member.user)
    assert "Cần kê khai" in client.get(reverse("evaluation:assigned")).content.decode()
    assert ev.dossier.pk in selectors.assigned_dossier_ids(member.user)
    response = client.post(reverse("evaluation:declare", args=[ev.dossier.pk]),
                           {"declared": "1", "reason": "Hàng xóm của chủ nhiệm HTX"})
    assert response.status_code == 302
    # Gone from every path: pages, API, list, the dossiers app's visibility.
    assert client.get(reverse("evaluation:score", args=[ev.dossier.pk])).status_code == 404
    assert client.get(f"/api/v1/score-sheets/{ev.dossier.pk}").status_code == 404
    assert ev.dossier.reference not in client.get(reverse("evaluation:assigned")).content.decode()
    assert ev.dossier.pk not in selectors.assigned_dossier_ids(member.user)
    assert client.get(reverse("dossiers:detail", args=[ev.dossier.pk])).status_code == 404
    # The council goes on without them: excluded from the figures.
    ev.score("chair", answers_for(ev.dossier, 60))
    ev.score("second", answers_for(ev.dossier, 61))
    result = services.close_scoring(actor=ev.members["chair"].user, council=ev.council,
                                    dossier=ev.dossier)
    assert str(member.pk) not in result.data["counted"]
    chair = login_client(ev.members["chair"].user)
    assert "xung đột lợi ích" in chair.get(reverse(
        "evaluation:summary", args=[ev.council.pk, ev.dossier.pk])).content.decode()


def test_declaring_no_conflict_despite_hints_needs_a_reason(ev):
    member = ev.members["second"]
    CouncilMember.objects.filter(pk=member.pk).update(organisations=["HTX Vải thiều Lục Ngạn"])
    member.refresh_from_db()
    with pytest.raises(Exception, match="giải trình"):
        services.declare_conflict(actor=member.user, member=member, dossier=ev.dossier,
                                  declared=False)
    services.declare_conflict(actor=member.user, member=member, dossier=ev.dossier,
                              declared=False, reason="Đã rút khỏi HTX từ năm 2020")
    ev.score("second", answers_for(ev.dossier, 60))  # allowed now


def test_relatives_match_the_representative(ev):
    member = ev.members["chair"]
    CouncilMember.objects.filter(pk=member.pk).update(declared_relatives="Nguyen Van A\n")
    member.refresh_from_db()
    assert any("người thân" in h for h in rules.conflict_hints(member, ev.dossier))


def test_minutes_are_not_for_the_producer(ev):
    for name, target in {"chair": 60, "second": 61, "third": 62}.items():
        ev.score(name, answers_for(ev.dossier, target))
    chair = ev.members["chair"].user
    services.close_scoring(actor=chair, council=ev.council, dossier=ev.dossier)
    final = services.finalise(actor=chair, council=ev.council, dossier=ev.dossier)
    url = reverse("evaluation:minutes", args=[ev.dossier.pk, final.pk])
    zip_url = reverse("evaluation:proposal", args=[ev.dossier.pk, final.pk])
    producer = login_client(ev.users["producer"])
    page = producer.get(reverse("evaluation:result", args=[ev.dossier.pk])).content.decode()
    assert shown(str(final.mean), page)  # the final result is now public to the producer
    assert producer.get(url).status_code == 404 and producer.post(zip_url).status_code == 404
    assert login_client(ev.users["province_office"]).get(url).status_code == 200
    # The ZIP is built by a background job; starting it redirects to the job's page.
    office = login_client(ev.users["province_office"])
    started = office.post(zip_url)
    assert started.status_code == 302 and started["Location"].startswith("/tac-vu/")
    back = f'<a href="/ket-qua/{ev.dossier.pk}/">← Về kết quả đánh giá</a>'
    assert back in office.get(started["Location"]).content.decode()
    assert login_client(ev.members["second"].user).get(url).status_code == 200
    assert login_client(ev.users["other_province_office"]).get(url).status_code == 404


def test_council_management_pages(ev):
    office = login_client(ev.users["province_office"])
    assert office.get(reverse("evaluation:council", args=[ev.council.pk])).status_code == 200
    assert office.get(reverse("evaluation:recognition",
                              args=[ev.cycle.district_round.pk])).status_code == 200
    for who in ("other_province_office", "producer", "council_member"):
        client = login_client(ev.users[who])
        assert client.get(reverse("evaluation:council", args=[ev.council.pk])).status_code == 404
        assert client.get(reverse("evaluation:recognition",
                                  args=[ev.cycle.district_round.pk])).status_code == 404


def test_council_members_selector_counts_active_accounts_of_that_council(ev) -> None:
    other = services.create_council(actor=None, round=ev.cycle.district_round,
                                    name="Hội đồng khác")
    services.add_member(actor=None, council=other, user=ev.users["outsider"],
                        role=MemberRole.CHAIR)
    names = ("chair", "second", "third", "advisor")
    assert council_members(ev.council) == sorted((ev.users[n] for n in names),
                                                 key=lambda u: u.pk)
    assert council_members(ev.council, roles=(MemberRole.CHAIR,)) == [ev.users["chair"]]
    assert council_members(other) == [ev.users["outsider"]]
    ev.users["second"].is_active = False
    ev.users["second"].save(update_fields=["is_active"])
    assert ev.users["second"] not in council_members(ev.council)
