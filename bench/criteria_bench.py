"""Criteria engine benchmark: evaluations, council aggregations and advice per second.

Run from the project root:  .venv/bin/python bench/criteria_bench.py
Plain Python, no Django. Random but valid answers with a fixed seed; each case runs a fixed
number of iterations timed with time.perf_counter (about 2–5 s in total on a laptop core).
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ocop.criteria.engine import (
    CouncilConfig,
    CriteriaSet,
    MemberSheet,
    advise,
    aggregate,
    evaluate,
    list_shipped_sets,
    load_set_file,
)

SEED = 20240101
POOL = 200  # distinct random sheets, cycled through


def random_answers(rng: random.Random, criteria_set: CriteriaSet) -> dict[str, str]:
    return {c.code: rng.choice(c.options).code for c in criteria_set.criteria}


def timed(label: str, iterations: int, work: Callable[[int], object]) -> tuple[str, int, float]:
    work(0)  # warm caches outside the timing
    start = time.perf_counter()
    for i in range(iterations):
        work(i)
    return label, iterations, time.perf_counter() - start


def bench_set(cs: CriteriaSet, rng: random.Random) -> list[tuple[str, str, int, float]]:
    sheets = [random_answers(rng, cs) for _ in range(POOL)]
    councils = [
        [MemberSheet(f"m{j}", random_answers(rng, cs), is_chair=(j == 0)) for j in range(9)]
        for _ in range(POOL // 4)
    ]
    config = CouncilConfig(size=9)
    name = f"{cs.code} ({len(cs.criteria)} criteria)"
    cases = [
        timed("evaluate", 5_000, lambda i: evaluate(cs, sheets[i % POOL])),
        timed("evaluate + to_dict()", 1_000, lambda i: evaluate(cs, sheets[i % POOL]).to_dict()),
        timed(
            "council of 9: aggregate",
            300,
            lambda i: aggregate(cs, councils[i % len(councils)], config),
        ),
        timed("advise (next star)", 200, lambda i: advise(cs, sheets[i % POOL])),
        timed("advise (to 5★)", 100, lambda i: advise(cs, sheets[i % POOL], 5)),
    ]
    return [(name, label, n, seconds) for label, n, seconds in cases]


def main() -> None:
    rng = random.Random(SEED)
    rows: list[tuple[str, str, int, float]] = []
    for path in list_shipped_sets():
        rows += bench_set(load_set_file(path), rng)

    print(f"OCOP criteria engine benchmark — Python {sys.version.split()[0]}, seed {SEED}")
    header = f"{'set':<50} {'operation':<24} {'iterations':>10} {'seconds':>8} {'per second':>11} {'µs each':>9}"  # noqa: E501
    print(header)
    print("-" * len(header))
    for name, label, n, seconds in rows:
        print(
            f"{name:<50} {label:<24} {n:>10,} {seconds:>8.2f} {n / seconds:>11,.0f} "
            f"{seconds / n * 1e6:>9.0f}"
        )
    total = sum(r[3] for r in rows)
    print("-" * len(header))
    print(f"total timed: {total:.2f} s")


if __name__ == "__main__":
    main()
