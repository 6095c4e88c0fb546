"""Council rules (hội đồng đánh giá, phân hạng): quorum, chair, the spread between members.

Standard library only: the pure-Python criteria engine (no Django) imports this module.

Sources (docs/ocop-facts.md §1.7). The full text of Decision 148/QĐ-TTg (24/02/2023) was not
found to state the quorum or the 10-point rule; they are the practice written into provincial
council regulations of the 1048 era (Tây Ninh; Đồng Tháp, dongthapbssc.vn) and are therefore
*defaults*: each council stores its own values (``evaluation.Council``) and a province may set
others. The central council's 5 of 7 is the Ministry's regulation (Decision 757/QĐ-BNN-VPĐP of
02/03/2023, council composed by Decision 4497/QĐ-BNN-VPĐP of 18/11/2022). Decision 1489/QĐ-TTg
(06/07/2025) was not found to change any of them.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal

#: Members' total scores may not differ by more than 10 points; beyond that the council
#: discusses and re-scores (chấm lại). Provincial practice (Tây Ninh, Đồng Tháp), 1048 era;
#: whether 148 itself states it was NOT CONFIRMED (ocop-facts.md §1.7).
SCORE_SPREAD_LIMIT = Decimal(10)

#: A meeting is valid with at least 75 % (3/4) of the members… (Tây Ninh council regulation,
#: 1048 era, ocop-facts.md §1.7; not confirmed in 148).
QUORUM_RATIO = Decimal("0.75")
#: … including the chair (same source).
CHAIR_REQUIRED = True

#: The central (national) council has 7 members (Decision 4497/QĐ-BNN-VPĐP of 18/11/2022) and
#: its meetings are valid with at least 5 of them (Decision 757/QĐ-BNN-VPĐP of 02/03/2023, the
#: council's operating regulation); it evaluates products for 5★ under 148 (ocop-facts.md §1.7).
CENTRAL_COUNCIL_SIZE = 7
CENTRAL_COUNCIL_QUORUM_MIN = 5


def required_quorum(size: int, ratio: Decimal = QUORUM_RATIO,
                    quorum_min: int | None = None) -> int:
    """Members who must score for the council's result to count: ``quorum_min`` when the
    council has a fixed number (the central council: 5), else ⌈ratio × size⌉ (75 % of 4 → 3,
    of 7 → 6). Rounded up: "at least 75 %" is not met by 74 %."""
    if quorum_min is not None:
        return quorum_min
    return int((ratio * size).to_integral_value(rounding=ROUND_CEILING))


def quorum_met(counted: int, size: int, *, chair_present: bool,
               ratio: Decimal = QUORUM_RATIO, quorum_min: int | None = None,
               chair_required: bool = CHAIR_REQUIRED) -> bool:
    """Whether ``counted`` scoring members (out of ``size``) make a valid meeting: enough of
    them, and the chair among them when the chair is required."""
    return counted >= required_quorum(size, ratio, quorum_min) and (
        chair_present or not chair_required)


def too_far_apart(a: Decimal, b: Decimal, limit: Decimal = SCORE_SPREAD_LIMIT) -> bool:
    """Whether two members' totals differ by more than the limit (exactly the limit is
    allowed), which calls for re-scoring."""
    return abs(a - b) > limit
