"""Certification rules: the values Decision 148 sets and the date arithmetic of validity."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from ocop.rules import certification as rules

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))


def test_values_follow_decision_148():
    assert rules.CERTIFIABLE_STARS == (3, 4, 5)
    assert rules.MIN_CERTIFIABLE_STARS == 3 and rules.TOP_STARS == 5
    assert rules.CERTIFICATE_VALIDITY_MONTHS == 36
    assert rules.REMINDER_DAYS_BEFORE_EXPIRY == (90, 30)
    # The legal notice is "at least 30 days before expiry": every reminder meets it, and the
    # list is longest first, the order the daily job relies on.
    assert min(rules.REMINDER_DAYS_BEFORE_EXPIRY) >= rules.LEGAL_EXPIRY_NOTICE_DAYS == 30
    assert list(rules.REMINDER_DAYS_BEFORE_EXPIRY) == sorted(
        rules.REMINDER_DAYS_BEFORE_EXPIRY, reverse=True)


@given(st.integers(min_value=-10, max_value=10))
def test_only_three_to_five_stars_are_certified(stars):
    assert rules.is_certifiable(stars) == (3 <= stars <= 5)
    assert rules.can_upgrade(stars) == (stars in (3, 4))


def test_validity_examples():
    # Examples of docs/evaluation-and-certificates.md and the certificate pages.
    assert rules.certificate_valid_until(date(2024, 12, 10)) == date(2027, 12, 10)
    assert rules.certificate_valid_until(date(2024, 2, 29)) == date(2027, 2, 28)
    assert rules.certificate_valid_until(date(2024, 10, 31)) == date(2027, 10, 31)
    assert rules.add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert rules.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert rules.add_months(date(2026, 3, 15), -36) == date(2023, 3, 15)


@given(days, st.integers(min_value=-600, max_value=600))
def test_add_months_lands_in_the_right_month_on_the_same_or_last_day(day, months):
    out = rules.add_months(day, months)
    assert (out.year * 12 + out.month) - (day.year * 12 + day.month) == months
    last = calendar.monthrange(out.year, out.month)[1]
    assert out.day == min(day.day, last)


@given(days, st.integers(min_value=0, max_value=600), st.integers(min_value=0, max_value=600))
def test_add_months_composes_for_days_every_month_has(day, a, b):
    day = day.replace(day=min(day.day, 28))
    assert rules.add_months(rules.add_months(day, a), b) == rules.add_months(day, a + b)
    assert rules.add_months(rules.add_months(day, a), -a) == day


@given(days)
def test_validity_is_36_calendar_months_and_monotonic(issued):
    until = rules.certificate_valid_until(issued)
    assert until == rules.add_months(issued, 36)
    # Three years to the day: 1095 or 1096 days (a leap day inside; 29/02 ends on 28/02).
    assert 1095 <= (until - issued).days <= 1096
    assert rules.certificate_valid_until(issued + timedelta(days=1)) >= until
