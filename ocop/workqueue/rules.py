"""Pure policy of the work queue: when a waiting item is due, how late it is, how it reads.

No database here: the selectors turn these into query bounds, and the property tests check that
the bounds and the per-entry arithmetic agree.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ocop.rules.certification import REMINDER_DAYS_BEFORE_EXPIRY

#: Days a producer has to answer a correction request (yêu cầu bổ sung) before the standing
#: office sees it as overdue. The platform's own working default, NOT a legal period: Decision
#: 148/QĐ-TTg and 1489/QĐ-TTg were not found to set one (docs/ocop-facts.md has none); a
#: province that sets its own period changes this one name.
CORRECTION_ANSWER_DAYS = 30

#: Certificates expiring within this many days whose product has no new dossier are listed for
#: the office to remind: the first, longest reminder of the rulebook (90 days), so the queue
#: shows a certificate from the day the automatic reminder goes out.
EXPIRY_WATCH_DAYS = max(REMINDER_DAYS_BEFORE_EXPIRY)

#: An inspection follow-up (hạn khắc phục) shows this many days before it falls due, so the
#: inspector can plan the re-check visit.
FOLLOW_UP_WATCH_DAYS = 14

#: Entries shown under each item; the count and the link give the rest.
ENTRIES_SHOWN = 3


class Urgency(enum.StrEnum):
    LATE = "late"
    TODAY = "today"
    SOON = "soon"
    NONE = "none"


@dataclass(frozen=True)
class Due:
    """How a deadline stands on a day: ``days`` is positive when late, negative when ahead."""

    deadline: date
    days: int

    @property
    def urgency(self) -> Urgency:
        if self.days > 0:
            return Urgency.LATE
        if self.days == 0:
            return Urgency.TODAY
        return Urgency.SOON

    @property
    def text(self) -> str:
        if self.days > 0:
            return ngettext("quá hạn %(n)s ngày", "quá hạn %(n)s ngày", self.days) % {
                "n": self.days}
        if self.days == 0:
            return _("hạn hôm nay")
        return ngettext("còn %(n)s ngày", "còn %(n)s ngày", -self.days) % {"n": -self.days}


def due(deadline: date, today: date) -> Due:
    return Due(deadline, (today - deadline).days)


def correction_deadline(requested_on: date) -> date:
    """The day by which the producer should answer a correction request made on
    ``requested_on`` (the request's local date)."""
    return requested_on + timedelta(days=CORRECTION_ANSWER_DAYS)


def overdue_before(today: date, days: int, tz: tzinfo) -> datetime:
    """The instant before which a request made ``days`` days to answer is overdue on
    ``today``: made before local midnight starting ``today - days``. A request made at that
    midnight has its deadline today, not yet late."""
    return datetime.combine(today - timedelta(days=days), time.min, tzinfo=tz)


def days_waiting(since: date, today: date) -> int:
    return max(0, (today - since).days)


def waiting_text(since: date, today: date) -> str:
    days = days_waiting(since, today)
    if days == 0:
        return _("chờ từ hôm nay")
    return ngettext("chờ %(n)s ngày", "chờ %(n)s ngày", days) % {"n": days}


def follow_up_watch_until(today: date) -> date:
    return today + timedelta(days=FOLLOW_UP_WATCH_DAYS)


def expiry_watch_until(today: date) -> date:
    return today + timedelta(days=EXPIRY_WATCH_DAYS)
