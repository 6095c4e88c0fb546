"""The evaluation's permission predicates as matrices: who × situation → allowed, or the reason
(and its code) the person is given. The reason is the refusal text pages and API show, so each
row names the sentence exactly; the last tests check the selectors raise with that reason."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ocop.core.refusals import Forbidden
from ocop.dossiers.models import DossierState
from ocop.evaluation import permissions, selectors, services
from ocop.evaluation.models import CouncilResult
from ocop.evaluation.permissions import NOT_ASSIGNED, NotAssigned
from ocop.rules.levels import DISTRICT

pytestmark = pytest.mark.django_db

ALLOWED = None  # the expected reason of an allowed verdict
# The same words for a dossier that is not the person's and one that does not exist.
NOT_YOURS = "Không tìm thấy hồ sơ được phân công cho bạn."
ADVISOR = "Tổ tư vấn không chấm điểm hồ sơ."
CONFLICTED = "Bạn có xung đột lợi ích với hồ sơ này nên không tham gia chấm."
NOT_CHAIR = "Chỉ chủ tịch hội đồng được tổng hợp và chốt kết quả."
NOT_MANAGER = "Bạn không quản lý đợt đánh giá này."
NOT_REVIEWER = "Chỉ cơ quan thường trực xem xét hồ sơ này được quyết định bước tiếp theo."
NOT_FINAL = "Biên bản chỉ có khi kết quả đã được chốt."
MINUTES_CLOSED = "Biên bản chỉ gửi cơ quan thường trực và thành viên hội đồng."
PROPOSAL_OFFICE = "Chỉ cơ quan thường trực xem xét hồ sơ này được tải hồ sơ đề nghị."
NOT_SCORED = "Chỉ đề nghị cấp trên khi hồ sơ đã có kết quả chấm cuối cùng."
BELOW_NEXT = "Kết quả chưa đạt ngưỡng của cấp trên."

PEOPLE = ("chair", "second", "third", "advisor", "outsider", "province_office",
          "other_province_office", "producer", "commune_officer", "central")


def _user(ev, who):
    return ev.members[who].user if who in ev.members else ev.users[who]


def _member(ev, who):
    """The person's membership of the dossier's council, as the selectors load it."""
    return ev.members.get(who)


def _assert(verdict, expected, code=NOT_ASSIGNED):
    if expected is ALLOWED:
        assert verdict, verdict.reason
        return
    assert not verdict
    assert verdict.reason == expected
    assert verdict.code == code


# --- Scoring and declaring --------------------------------------------------------------------


SCORE = {
    # who: (no conflict, conflicted)
    "chair": (ALLOWED, CONFLICTED),
    "second": (ALLOWED, CONFLICTED),
    "third": (ALLOWED, CONFLICTED),
    "advisor": (ADVISOR, ADVISOR),
    **{who: (NOT_YOURS, NOT_YOURS) for who in PEOPLE if who not in
       ("chair", "second", "third", "advisor")},
}


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("conflicted", [False, True], ids=["no-conflict", "conflicted"])
def test_can_score(ev, who, conflicted):
    verdict = permissions.can_score(_user(ev, who), _member(ev, who), conflicted=conflicted)
    _assert(verdict, SCORE[who][conflicted])


DECLARE = {
    "chair": (ALLOWED, CONFLICTED),
    "second": (ALLOWED, CONFLICTED),
    "third": (ALLOWED, CONFLICTED),
    "advisor": (ALLOWED, CONFLICTED),  # advisors do not score but may declare
    **{who: (NOT_YOURS, NOT_YOURS) for who in PEOPLE if who not in
       ("chair", "second", "third", "advisor")},
}


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("conflicted", [False, True], ids=["no-conflict", "conflicted"])
def test_can_declare(ev, who, conflicted):
    verdict = permissions.can_declare(_user(ev, who), _member(ev, who), conflicted=conflicted)
    _assert(verdict, DECLARE[who][conflicted])


def test_someone_elses_membership_does_not_count(ev):
    """A membership row belongs to its own user: passing the chair's row for another member
    (a caller's mistake) is refused, not taken as the chair's rights."""
    chair_row = ev.members["chair"]
    second = ev.members["second"].user
    _assert(permissions.can_score(second, chair_row, conflicted=False), NOT_YOURS)
    _assert(permissions.can_declare(second, chair_row, conflicted=False), NOT_YOURS)
    _assert(permissions.can_chair(second, chair_row), NOT_YOURS)


def test_an_inactive_member_is_not_assigned(ev):
    member = ev.members["second"]
    member.user.is_active = False
    _assert(permissions.can_score(member.user, member, conflicted=False), NOT_YOURS)


@pytest.mark.parametrize(("who", "expected"), [
    ("chair", ALLOWED),
    *[(who, NOT_CHAIR) for who in ("second", "third", "advisor")],  # members are told why
    *[(who, NOT_YOURS) for who in PEOPLE if who not in ("chair", "second", "third", "advisor")],
])
def test_can_chair(ev, who, expected):
    _assert(permissions.can_chair(_user(ev, who), _member(ev, who)), expected)


# --- Standing office --------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "expected"), [
    ("province_office", ALLOWED),
    ("central", ALLOWED),
    ("other_province_office", NOT_MANAGER),
    ("chair", NOT_MANAGER),
    ("producer", NOT_MANAGER),
    ("commune_officer", NOT_MANAGER),
])
def test_can_manage_round(ev, who, expected):
    verdict = permissions.can_manage_round(_user(ev, who), ev.cycle.district_round)
    _assert(verdict, expected, "evaluation.not_round_manager")


def test_the_system_manages_every_round(ev):
    assert permissions.can_manage_round(None, ev.cycle.district_round)


def _result(ev, *, final=True, stars=4, mean="75.00"):
    """A result row as the selectors load it (not saved: the predicates read attributes)."""
    return CouncilResult(dossier=ev.dossier, council=ev.council, level=DISTRICT, revision=1,
                         mean=Decimal(mean), stars=stars, quorum_met=True, final=final)


# (state, stars) → the situation of the dossier after its council.
PROPOSE_SITUATIONS = {
    "scored-4-stars": (DossierState.SCORED, 4),
    "scored-3-stars": (DossierState.SCORED, 3),
    "still-scoring": (DossierState.UNDER_EVALUATION, 4),
}
PROPOSE = {
    "province_office": {"scored-4-stars": ALLOWED, "scored-3-stars": BELOW_NEXT,
                        "still-scoring": NOT_SCORED},
    "central": {"scored-4-stars": ALLOWED, "scored-3-stars": BELOW_NEXT,
                "still-scoring": NOT_SCORED},
    **{who: dict.fromkeys(PROPOSE_SITUATIONS, NOT_REVIEWER)
       for who in ("other_province_office", "chair", "producer", "commune_officer")},
}
PROPOSE_CODES = {ALLOWED: None, BELOW_NEXT: "evaluation.below_next_level",
                 NOT_SCORED: "evaluation.not_scored", NOT_REVIEWER: "evaluation.not_reviewer"}


@pytest.mark.parametrize("who", list(PROPOSE))
@pytest.mark.parametrize("situation", list(PROPOSE_SITUATIONS))
def test_can_propose_up(ev, who, situation):
    state, stars = PROPOSE_SITUATIONS[situation]
    ev.dossier.state = state
    expected = PROPOSE[who][situation]
    verdict = permissions.can_propose_up(_user(ev, who), ev.dossier, _result(ev, stars=stars))
    _assert(verdict, expected, PROPOSE_CODES[expected])


def test_nothing_to_propose_without_a_result(ev):
    ev.dossier.state = DossierState.SCORED
    _assert(permissions.can_propose_up(ev.users["province_office"], ev.dossier, None),
            NOT_SCORED, "evaluation.not_scored")


# --- Minutes and the proposal ZIP -------------------------------------------------------------


MINUTES = {
    # who: (final, not final yet); members sit on the council, nobody else does
    "chair": (ALLOWED, NOT_FINAL),
    "second": (ALLOWED, NOT_FINAL),
    "advisor": (ALLOWED, NOT_FINAL),
    "province_office": (ALLOWED, NOT_FINAL),
    "central": (ALLOWED, NOT_FINAL),
    "outsider": (MINUTES_CLOSED, NOT_FINAL),
    "other_province_office": (MINUTES_CLOSED, NOT_FINAL),
    "producer": (MINUTES_CLOSED, NOT_FINAL),
    "commune_officer": (MINUTES_CLOSED, NOT_FINAL),
}


@pytest.mark.parametrize("who", list(MINUTES))
@pytest.mark.parametrize("final", [True, False], ids=["final", "not-final"])
def test_can_read_minutes(ev, who, final):
    result = _result(ev, final=final)
    verdict = permissions.can_read_minutes(_user(ev, who), result,
                                           sits_on_council=who in ev.members)
    _assert(verdict, MINUTES[who][not final])
    # The selector finds the same facts (membership) itself.
    assert selectors.may_read_minutes(_user(ev, who), result) == bool(verdict)


@pytest.mark.parametrize(("who", "expected", "code"), [
    ("province_office", ALLOWED, None),
    ("central", ALLOWED, None),
    ("chair", PROPOSAL_OFFICE, "evaluation.not_reviewer"),  # reads the minutes, sends nothing
    ("second", PROPOSAL_OFFICE, "evaluation.not_reviewer"),
    ("producer", MINUTES_CLOSED, NOT_ASSIGNED),
    ("other_province_office", MINUTES_CLOSED, NOT_ASSIGNED),
])
def test_can_download_proposal(ev, who, expected, code):
    verdict = permissions.can_download_proposal(_user(ev, who), _result(ev),
                                                sits_on_council=who in ev.members)
    _assert(verdict, expected, code)


# --- The selectors raise with the predicate's reason ------------------------------------------


SITUATIONS = ("no-conflict", "declared-conflict", "own-producer")


def _make_situation(ev, who, situation):
    if who not in ev.members:
        return
    member = ev.members[who]
    if situation == "declared-conflict":
        services.declare_conflict(actor=member.user, member=member, dossier=ev.dossier,
                                  declared=True)
    elif situation == "own-producer":
        member.user.producer = ev.dossier.producer
        member.user.save(update_fields=["producer"])


@pytest.mark.parametrize("who", ["chair", "second", "advisor", "outsider", "province_office",
                                 "producer"])
@pytest.mark.parametrize("situation", SITUATIONS)
def test_scoring_member_refuses_with_the_reason(ev, who, situation):
    _make_situation(ev, who, situation)
    expected = SCORE[who][situation != "no-conflict"]
    user = _user(ev, who)
    user.refresh_from_db()
    if expected is ALLOWED:
        member, _assignment = selectors.scoring_member(user, ev.dossier)
        assert member.user == user
        return
    with pytest.raises(NotAssigned) as refused:
        selectors.scoring_member(user, ev.dossier)
    assert refused.value.message == expected
    assert refused.value.code == "not_found" and refused.value.status == 404


@pytest.mark.parametrize(("who", "expected"), [
    ("chair", ALLOWED), ("second", NOT_CHAIR), ("advisor", NOT_CHAIR), ("outsider", NOT_YOURS),
    ("province_office", NOT_YOURS),
])
def test_chair_summary_refuses_with_the_reason(ev, who, expected):
    user = _user(ev, who)
    if expected is ALLOWED:
        assert selectors.chair_summary(user, ev.council.pk, ev.dossier.pk).council == ev.council
        return
    with pytest.raises(NotAssigned) as refused:
        selectors.chair_summary(user, ev.council.pk, ev.dossier.pk)
    assert refused.value.message == expected


def test_outsiders_cannot_tell_an_existing_dossier_from_a_missing_one(ev):
    outsider = ev.users["outsider"]
    refusals = []
    for dossier_id in (ev.dossier.pk, ev.dossier.pk + 10_000):
        with pytest.raises(NotAssigned) as refused:
            selectors.scoring_page(outsider, dossier_id)
        refusals.append((refused.value.message, refused.value.code, refused.value.status))
    for council_id in (ev.council.pk, ev.council.pk + 10_000):
        with pytest.raises(NotAssigned) as refused:
            selectors.chair_summary(outsider, council_id, ev.dossier.pk)
        refusals.append((refused.value.message, refused.value.code, refused.value.status))
    assert set(refusals) == {(NOT_YOURS, "not_found", 404)}


def test_a_service_refusal_is_forbidden_with_the_reason(ev):
    with pytest.raises(Forbidden) as refused:
        services.create_council(actor=ev.users["other_province_office"],
                                round=ev.cycle.district_round, name="Hội đồng khác")
    assert refused.value.message == NOT_MANAGER
    assert refused.value.code == "evaluation.not_round_manager"
