"""The counterfeit rule (scan._independent) against its plain definition: at least
STAMP_SUSPICIOUS_SOURCES distinct sources and STAMP_SUSPICIOUS_DISTINCT_DAYS distinct local days
among the earlier scans and the current one. The scan counts with early stops and day
boundaries instead of a set of every row's local date; the answer must never differ."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, timedelta

from django.test import override_settings
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from ocop.trace import scan

BASE = datetime(2026, 3, 28, tzinfo=UTC)  # a week around Europe's spring DST change
ZONES = ["Asia/Ho_Chi_Minh", "UTC", "Europe/Berlin", "America/St_Johns"]


def _plain(rows: list[tuple[datetime, str]], now: datetime, source: str) -> bool:
    sources = {s for _, s in rows if s} | ({source} if source else set())
    days = {timezone.localdate(at) for at, _ in rows} | {timezone.localdate(now)}
    return (len(sources) >= scan.suspicious_sources()
            and len(days) >= scan.suspicious_days())


def _moments(zone: str) -> st.SearchStrategy[datetime]:
    """Any time within ±6 days of BASE, often within a second of a local midnight."""
    anywhere = st.integers(-6 * 86400 * 10**6, 6 * 86400 * 10**6).map(
        lambda us: BASE + timedelta(microseconds=us))
    midnights = st.tuples(st.integers(-6, 6), st.integers(-10**6, 10**6)).map(
        lambda d: datetime.combine((BASE + timedelta(days=d[0])).date(), datetime.min.time(),
                                   zoneinfo.ZoneInfo(zone)).astimezone(UTC)
        + timedelta(microseconds=d[1]))
    return st.one_of(anywhere, midnights)


@st.composite
def cases(draw: st.DrawFn) -> tuple:
    zone = draw(st.sampled_from(ZONES))
    sources = st.sampled_from(["", "a", "b", "c", "d", "e", "f", "g", "h", "i"])
    rows = draw(st.lists(st.tuples(_moments(zone), sources), max_size=40))
    rows.sort(reverse=True)  # as _evidence hands them over: newest first
    return (zone, rows, draw(_moments(zone)), draw(sources),
            draw(st.integers(1, 9)), draw(st.integers(1, 5)))


@settings(max_examples=400, deadline=None)
@given(cases())
def test_the_rule_is_the_plain_definition(case: tuple) -> None:
    zone, rows, now, source, needed_sources, needed_days = case
    with override_settings(TIME_ZONE=zone, STAMP_SUSPICIOUS_SOURCES=needed_sources,
                           STAMP_SUSPICIOUS_DISTINCT_DAYS=needed_days):
        assert scan._independent(rows, now, source) == _plain(rows, now, source)


def test_scans_after_midnight_from_a_clock_ahead_count_as_the_next_day() -> None:
    # A row up to a minute past the request's own clock (another server's clock: CLOCK_MARGIN)
    # may fall on the next local day; it is a day of its own, as it was in the plain rule.
    with override_settings(TIME_ZONE="Asia/Ho_Chi_Minh", STAMP_SUSPICIOUS_SOURCES=2,
                           STAMP_SUSPICIOUS_DISTINCT_DAYS=2):
        midnight = datetime(2026, 12, 5, tzinfo=zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh"))
        now = midnight - timedelta(seconds=20)
        ahead = [(midnight + timedelta(seconds=10), "a")]
        assert scan._independent(ahead, now, "b") is True
        assert scan._independent([(now - timedelta(seconds=1), "a")], now, "b") is False
