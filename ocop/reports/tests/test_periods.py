"""Report periods: presets, labels, and the refusals of a wrong period."""

from __future__ import annotations

from datetime import date

import pytest

from ocop.core.refusals import Invalid
from ocop.reports import periods
from ocop.reports.periods import Period

TODAY = date(2026, 11, 30)


def test_presets_and_labels():
    assert periods.month(2024, 2) == Period(date(2024, 2, 1), date(2024, 2, 29))
    assert periods.quarter(2026, 3) == Period(date(2026, 7, 1), date(2026, 9, 30))
    assert periods.year(2025) == Period(date(2025, 1, 1), date(2025, 12, 31))
    assert periods.month(2026, 10).label == "Tháng 10/2026"
    assert periods.quarter(2026, 3).label == "Quý III/2026"
    assert periods.year(2025).label == "Năm 2025"
    assert Period(date(2026, 3, 5), date(2026, 4, 15)).label == "05/03/2026–15/04/2026"


@pytest.mark.parametrize(("today", "expected"), [
    (date(2026, 11, 1), periods.month(2026, 10)),
    (date(2026, 11, 30), periods.month(2026, 10)),
    (date(2027, 1, 1), periods.month(2026, 12)),
])
def test_previous_month(today, expected):
    assert periods.previous_month(today) == expected


def test_a_period_within_the_past_is_accepted():
    p = periods.quarter(2026, 3)
    assert periods.check(p, TODAY) == p
    assert periods.check(Period(date(2016, 12, 1), date(2026, 11, 30)), TODAY)  # < 10 years


@pytest.mark.parametrize(("period", "code", "words"), [
    (Period(date(2026, 5, 1), date(2026, 4, 30)), "reports.period_reversed",
     "Ngày kết thúc kỳ báo cáo (30/04/2026) trước ngày bắt đầu (01/05/2026)"),
    (periods.month(2026, 12), "reports.period_future", "sau hôm nay"),
    (periods.quarter(2026, 4), "reports.period_not_over", "chưa kết thúc"),
    (Period(date(2016, 11, 30), date(2026, 11, 30)), "reports.period_too_long",
     "dài hơn 10 năm"),
])
def test_wrong_periods_are_refused_with_the_reason(period, code, words):
    with pytest.raises(Invalid) as refused:
        periods.check(period, TODAY)
    assert refused.value.code == code
    assert words in refused.value.message
