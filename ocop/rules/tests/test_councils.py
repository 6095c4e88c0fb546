"""Council rules: the defaults of provincial practice, the central council's 5 of 7, and the
quorum and spread arithmetic."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from ocop.rules import councils as rules

sizes = st.integers(min_value=1, max_value=60)
ratios = st.integers(min_value=1, max_value=100).map(lambda n: Decimal(n) / 100)
points = st.decimals(min_value=0, max_value=100, places=2)


def test_values():
    assert Decimal(10) == rules.SCORE_SPREAD_LIMIT
    assert Decimal("0.75") == rules.QUORUM_RATIO
    assert rules.CHAIR_REQUIRED is True
    assert (rules.CENTRAL_COUNCIL_QUORUM_MIN, rules.CENTRAL_COUNCIL_SIZE) == (5, 7)


def test_quorum_examples():
    assert rules.required_quorum(4) == 3  # 75 % of 4
    assert rules.required_quorum(3) == 3  # 2.25 rounds up
    assert rules.required_quorum(7) == 6
    assert rules.required_quorum(9) == 7
    assert rules.required_quorum(rules.CENTRAL_COUNCIL_SIZE,
                                 quorum_min=rules.CENTRAL_COUNCIL_QUORUM_MIN) == 5
    assert rules.quorum_met(5, 7, chair_present=True, quorum_min=5)
    assert not rules.quorum_met(4, 7, chair_present=True, quorum_min=5)
    assert not rules.quorum_met(3, 4, chair_present=False)
    assert rules.quorum_met(3, 4, chair_present=False, chair_required=False)


@given(sizes, ratios)
def test_required_quorum_is_the_smallest_count_reaching_the_ratio(size, ratio):
    needed = rules.required_quorum(size, ratio)
    assert 1 <= needed <= size
    assert needed == math.ceil(ratio * size)
    assert Decimal(needed) >= ratio * size > Decimal(needed - 1)


@given(sizes, st.integers(min_value=0, max_value=60), st.booleans(), st.booleans(), ratios)
def test_quorum_met_needs_enough_members_and_the_chair(size, counted, chair, required, ratio):
    met = rules.quorum_met(counted, size, chair_present=chair, ratio=ratio,
                           chair_required=required)
    assert met == (counted >= rules.required_quorum(size, ratio) and (chair or not required))


@given(points, points)
def test_spread_rule_allows_exactly_the_limit(a, b):
    assert rules.too_far_apart(a, b) == (abs(a - b) > 10)
    assert rules.too_far_apart(a, b) == rules.too_far_apart(b, a)
    assert not rules.too_far_apart(a, a + 10)
    assert rules.too_far_apart(a, a + Decimal("10.01"))


def test_stdlib_only_modules_do_not_import_django():
    # The pure-Python criteria engine imports these two modules: they must stay Django-free.
    code = ("import sys, ocop.rules.councils, ocop.rules.certification, ocop.criteria.engine;"
            "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))")
    root = Path(__file__).resolve().parents[3]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,  # noqa: S603
                         check=False, cwd=root, env={**os.environ, "PYTHONPATH": str(root)})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
