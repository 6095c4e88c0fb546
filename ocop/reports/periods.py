"""Report periods: the presets (month, quarter, year) and the checks on a period typed by hand.

Pure functions of dates (no database), so the form, the service, the scheduler and the tests share
one definition. A period is closed at both ends: ``start`` and ``end`` are both reported days.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

from ocop.core.refusals import Invalid

# A report spans at most ten years: a longer one is a typing slip (a year 2205), and its lists
# would be of no use to anybody.
MAX_YEARS = 10
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def label(self) -> str:
        """"Tháng 10/2026", "Quý III/2026", "Năm 2026", or "01/03/2026–15/04/2026"."""
        s, e = self.start, self.end
        if s.day == 1 and e == month_end(s.year, s.month) and s.month == e.month \
                and s.year == e.year:
            return _("Tháng %(month)s/%(year)s") % {"month": f"{s.month:02d}", "year": s.year}
        if (s.day == 1 and s.month % 3 == 1 and s.year == e.year and e.month == s.month + 2
                and e == month_end(e.year, e.month)):
            return _("Quý %(q)s/%(year)s") % {"q": ROMAN[(s.month + 2) // 3], "year": s.year}
        if s == date(s.year, 1, 1) and e == date(s.year, 12, 31):
            return _("Năm %(year)s") % {"year": s.year}
        return f"{s:%d/%m/%Y}–{e:%d/%m/%Y}"

    @property
    def slug(self) -> str:
        return f"{self.start:%Y%m%d}-{self.end:%Y%m%d}"


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def month(year: int, number: int) -> Period:
    return Period(date(year, number, 1), month_end(year, number))


def quarter(year: int, number: int) -> Period:
    return Period(date(year, 3 * number - 2, 1), month_end(year, 3 * number))


def year(number: int) -> Period:
    return Period(date(number, 1, 1), date(number, 12, 31))


def previous_month(today: date) -> Period:
    """The last whole month before ``today`` (the monthly report made on the 1st)."""
    last = today.replace(day=1) - timedelta(days=1)
    return month(last.year, last.month)


def check(period: Period, today: date) -> Period:
    """The period, or ``Invalid`` naming what is wrong with it."""
    if period.end < period.start:
        raise Invalid(
            _("Ngày kết thúc kỳ báo cáo (%(end)s) trước ngày bắt đầu (%(start)s). "
              "Hãy đổi lại hai ngày.") % {"end": f"{period.end:%d/%m/%Y}",
                                          "start": f"{period.start:%d/%m/%Y}"},
            code="reports.period_reversed", fields={"end": _("Trước ngày bắt đầu.")})
    if period.start > today:
        raise Invalid(
            _("Kỳ báo cáo bắt đầu ngày %(start)s, sau hôm nay: chưa có số liệu để báo cáo.")
            % {"start": f"{period.start:%d/%m/%Y}"},
            code="reports.period_future", fields={"start": _("Sau hôm nay.")})
    if period.end > today:
        raise Invalid(
            _("Kỳ báo cáo chưa kết thúc (đến ngày %(end)s). Hãy chọn ngày kết thúc không muộn "
              "hơn hôm nay (%(today)s).") % {"end": f"{period.end:%d/%m/%Y}",
                                              "today": f"{today:%d/%m/%Y}"},
            code="reports.period_not_over", fields={"end": _("Sau hôm nay.")})
    limit = _add_years(period.start, MAX_YEARS)
    if period.end >= limit:
        raise Invalid(
            _("Kỳ báo cáo dài hơn %(years)s năm. Hãy chọn một kỳ ngắn hơn.")
            % {"years": MAX_YEARS},
            code="reports.period_too_long", fields={"end": _("Quá %(years)s năm.") % {
                "years": MAX_YEARS}})
    return period


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
