"""Deadline arithmetic: the query bound for an overdue correction agrees with the deadline an
entry shows, whatever the hour and the day; lateness reads right on each side of a deadline."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from ocop.rules.certification import REMINDER_DAYS_BEFORE_EXPIRY
from ocop.workqueue import rules

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))
instants = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31),
                        timezones=st.just(UTC))


@given(created=instants, today=days)
def test_overdue_bound_matches_the_deadline(created: datetime, today: date) -> None:
    """The SQL filter (``created_at < overdue_before``) holds exactly when the entry's deadline
    (request's local date + CORRECTION_ANSWER_DAYS) is before today."""
    deadline = rules.correction_deadline(created.astimezone(HANOI).date())
    bound = rules.overdue_before(today, rules.CORRECTION_ANSWER_DAYS, HANOI)
    assert (created < bound) == (deadline < today)
    assert (created < bound) == (rules.due(deadline, today).days > 0)


@given(deadline=days, offset=st.integers(min_value=-400, max_value=400))
def test_due_reads_the_days_on_each_side(deadline: date, offset: int) -> None:
    today = deadline + timedelta(days=offset)
    due = rules.due(deadline, today)
    assert due.days == offset
    if offset > 0:
        assert due.urgency == rules.Urgency.LATE and due.text == f"quá hạn {offset} ngày"
    elif offset == 0:
        assert due.urgency == rules.Urgency.TODAY and due.text == "hạn hôm nay"
    else:
        assert due.urgency == rules.Urgency.SOON and due.text == f"còn {-offset} ngày"


@given(since=days, offset=st.integers(min_value=-5, max_value=400))
def test_waiting_never_negative(since: date, offset: int) -> None:
    today = since + timedelta(days=offset)
    assert rules.days_waiting(since, today) == max(0, offset)
    assert rules.waiting_text(since, today) == (
        "chờ từ hôm nay" if offset <= 0 else f"chờ {offset} ngày")


def test_watch_windows_come_from_the_rulebook() -> None:
    assert rules.EXPIRY_WATCH_DAYS == max(REMINDER_DAYS_BEFORE_EXPIRY) == 90
    today = date(2026, 1, 1)
    assert rules.expiry_watch_until(today) == date(2026, 4, 1)
    assert rules.follow_up_watch_until(today) == today + timedelta(days=14)
