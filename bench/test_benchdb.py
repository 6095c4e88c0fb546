"""What the benches share (bench/benchdb.py)."""

from __future__ import annotations

import benchdb

from ocop.accounts.throttle import BUDGETS


def test_the_benches_lift_every_per_client_budget():
    """A budget added to the throttle and not here would answer 429 to a bench's one address
    (the pages bench met the feeds' 30 an hour this way) and leave its pages unmeasured."""
    assert set(benchdb.NO_RATE_LIMITS) == {budget.setting for budget in BUDGETS}
