"""Certification rules: which ratings are certified, how long a certificate is valid, when its
holder is reminded.

Standard library only: the pure-Python criteria engine (no Django) imports this module.

Legal basis: Decision 148/QĐ-TTg of 24/02/2023 (in force from that day), amended by Decision
1489/QĐ-TTg of 06/07/2025, which moved 3★ recognition from the district to the province but was
not found to change any rule here (docs/ocop-facts.md §1.3, §1.8, §2). The star bands
(points → stars) are not here: they are the criteria engine's (``ocop.criteria.engine.model.
STAR_BANDS``, 148 wording, ocop-facts.md §1.3), because a criteria set's scoring decides them.
"""

from __future__ import annotations

import calendar
from datetime import date

#: Ratings that receive a certificate (giấy chứng nhận): 3★, 4★ and 5★. A product rated 1★ or 2★
#: (under 50 points) is not certified. Decision 148/QĐ-TTg (24/02/2023), as 1048/QĐ-TTg (2019)
#: before it; unchanged by 1489/QĐ-TTg (06/07/2025). Source: ocop-facts.md §1.3 (danang.gov.vn
#: OCOP procedure page; doanhnghiepvadoisong.com.vn print-3767).
CERTIFIABLE_STARS: tuple[int, ...] = (3, 4, 5)
#: The lowest certified rating ("từ 3 sao trở lên").
MIN_CERTIFIABLE_STARS = min(CERTIFIABLE_STARS)
#: The highest rating, recognised by the centre; nothing to upgrade to from there.
TOP_STARS = max(CERTIFIABLE_STARS)

#: A certificate is valid for 36 months from its date of issue. Decision 148/QĐ-TTg
#: (24/02/2023), ocop-facts.md §1.3 and §1.8 (danang.gov.vn; doanhnghiepvadoisong print-3767;
#: 5★ results "valid 36 months", langngheviet 2025); products recognised under 1048 before
#: 24/02/2023 also keep their rating 36 months (§1.8). A legal period, not a setting.
CERTIFICATE_VALIDITY_MONTHS = 36

#: Days before expiry on which the holder is reminded, longest first. Decision 148/QĐ-TTg
#: requires the issuing body to notify the holder in writing **at least 30 days** before expiry
#: (ocop-facts.md §1.8, doanhnghiepvadoisong print-3767): the 30-day reminder is that notice.
#: The 90-day reminder is the platform's own, so that a re-recognition dossier can be prepared
#: and evaluated before the certificate lapses; it is not a legal requirement.
REMINDER_DAYS_BEFORE_EXPIRY: tuple[int, ...] = (90, 30)
#: The legal minimum notice before expiry (148, ocop-facts.md §1.8).
LEGAL_EXPIRY_NOTICE_DAYS = 30


def is_certifiable(stars: int) -> bool:
    """Whether a rating of ``stars`` receives a certificate (3–5★, Decision 148)."""
    return stars in CERTIFIABLE_STARS


def can_upgrade(stars: int) -> bool:
    """Whether a certified rating can apply for one star more (nâng hạng): every certified
    rating below 5★. The upgrade goes through the full evaluation (ocop-facts.md §1.8)."""
    return is_certifiable(stars) and stars < TOP_STARS


def add_months(day: date, months: int) -> date:
    """``day`` plus calendar months, clamped to the month's last day (29/02 + 12 → 28/02).

    This is how the Civil Code counts a period in months (Bộ luật Dân sự 2015, rule on the end
    of a period: a period in months ends on the corresponding day of the last month, or on that
    month's last day when it has no such day; the article number was not checked here)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def certificate_valid_until(issued_on: date) -> date:
    """The **last** day a certificate issued on ``issued_on`` is valid: 36 calendar months later
    (issued 10/12/2024 → valid until 10/12/2027; issued 29/02/2024 → 28/02/2027). It is
    expired from the next day on."""
    return add_months(issued_on, CERTIFICATE_VALIDITY_MONTHS)
