"""Council items: a member's own sheets to submit (blind scoring, conflicts of interest) and the
office's councils that cannot make their quorum."""

from __future__ import annotations

import pytest

from ocop.accounts.models import Role
from ocop.accounts.testing import make_user
from ocop.evaluation import services
from ocop.evaluation.models import MemberRole
from ocop.evaluation.tests.conftest import EvalWorld, answers_for
from ocop.workqueue.tests.helpers import item

pytestmark = pytest.mark.django_db


def _entries(user) -> list[tuple]:
    return [(e.title, e.detail, e.url, e.due) for e in item(user, "sheets").entries]


def test_each_scoring_member_has_the_sheet_to_submit(ev: EvalWorld) -> None:
    for name in ("chair", "second", "third"):
        sheets = item(ev.users[name], "sheets")
        assert sheets.count == 1
        entry = sheets.entries[0]
        assert entry.title.startswith(ev.dossier.reference)
        assert entry.url.endswith(f"/cham-diem/{ev.dossier.pk}/")
        assert entry.due.deadline == ev.cycle.district_round.evaluation_deadline
    # The advisor does not score; someone outside the council has nothing.
    assert item(ev.users["advisor"], "sheets").count == 0
    assert item(ev.users["outsider"], "sheets").count == 0


def test_submitting_removes_only_ones_own_sheet_and_reveals_nothing(ev: EvalWorld) -> None:
    before = _entries(ev.users["second"])
    ev.score("chair", answers_for(ev.dossier, 70))
    assert item(ev.users["chair"], "sheets").count == 0
    # Another member's submission changes nothing in the second member's queue: not the count,
    # not a word of the entry (blind scoring: no progress, no score).
    assert item(ev.users["second"], "sheets").count == 1
    assert _entries(ev.users["second"]) == before
    # A draft is not a submission: still to do.
    ev.score("second", answers_for(ev.dossier, 60), submit=False)
    assert item(ev.users["second"], "sheets").count == 1


def test_closed_revision_leaves_every_queue(ev: EvalWorld) -> None:
    for name in ("chair", "second", "third"):
        ev.score(name, answers_for(ev.dossier, 65))
    services.close_scoring(actor=ev.users["chair"], council=ev.council, dossier=ev.refresh())
    for name in ("chair", "second", "third"):
        assert item(ev.users[name], "sheets").count == 0


def test_conflicted_member_never_sees_the_dossier_and_the_office_sees_no_quorum(
        ev: EvalWorld) -> None:
    office = ev.users["province_office"]
    assert item(office, "councils").count == 0  # three of three free: 75 % is met
    services.declare_conflict(actor=ev.users["third"], member=ev.members["third"],
                              dossier=ev.dossier, declared=True, reason="Người nhà")
    assert item(ev.users["third"], "sheets").count == 0
    councils = item(office, "councils")
    assert councils.count == 1
    entry = councils.entries[0]
    assert entry.title == ev.council.name
    assert "xung đột lợi ích" in entry.detail
    assert entry.url.endswith(f"/hoi-dong/{ev.council.pk}/")
    assert entry.due.deadline == ev.cycle.district_round.evaluation_deadline
    # Only the office of the round's province.
    assert item(ev.users["other_province_office"], "councils").count == 0


def test_conflict_hints_ask_to_declare_first(ev: EvalWorld) -> None:
    member = ev.members["second"]
    member.home_commune = ev.dossier.producer.commune
    member.save()
    entry = item(ev.users["second"], "sheets").entries[0]
    assert entry.detail == "Kê khai xung đột lợi ích trước khi chấm"
    assert item(ev.users["chair"], "sheets").entries[0].detail == ev.council.name


def test_member_of_the_applicant_never_sees_its_own_dossier(ev: EvalWorld) -> None:
    insider = make_user(Role.COUNCIL_MEMBER, unit=ev.cycle.units.bac_ninh)
    insider.producer = ev.dossier.producer  # as a stale record could have it
    insider.save(update_fields=["producer"])
    services.add_member(actor=None, council=ev.council, user=insider, role=MemberRole.MEMBER)
    assert item(insider, "sheets").count == 0


def test_council_without_members_or_chair(ev: EvalWorld) -> None:
    office = ev.users["province_office"]
    empty = services.create_council(actor=office, round=ev.cycle.district_round,
                                    name="Hội đồng chưa có thành viên")
    entries = {e.title: e.detail for e in item(office, "councils").entries}
    assert entries == {empty.name: "Chưa có thành viên chấm điểm"}
    services.add_member(actor=None, council=empty, user=ev.users["outsider"],
                        role=MemberRole.MEMBER)
    entries = {e.title: e.detail for e in item(office, "councils").entries}
    assert entries == {empty.name: "Chưa có chủ tịch hội đồng"}
    services.add_member(actor=None, council=empty, user=ev.users["advisor"],
                        role=MemberRole.CHAIR)
    assert item(office, "councils").count == 0


def test_central_quorum_minimum_counts_against_free_members(ev: EvalWorld) -> None:
    """A fixed minimum (the central council's 5) is capped at the council's size, as the
    evaluation engine does; conflicts take members below it."""
    ev.council.quorum_min = 3
    ev.council.save()
    office = ev.users["province_office"]
    assert item(office, "councils").count == 0
    services.declare_conflict(actor=ev.users["second"], member=ev.members["second"],
                              dossier=ev.dossier, declared=True, reason="Cổ đông")
    assert item(office, "councils").count == 1
