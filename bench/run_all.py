#!/usr/bin/env python
"""Run every bench/*_bench.py in turn (each in its own process, so each gets a fresh database).

    .venv/bin/python bench/run_all.py [arguments passed to every benchmark]

Exits non-zero when any benchmark does.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    scripts = sorted(HERE.glob("*_bench.py"))
    failed: list[str] = []
    for script in scripts:
        print(f"=== {script.name} ===", flush=True)
        started = time.perf_counter()
        code = subprocess.call([sys.executable, str(script), *argv], cwd=HERE.parent)  # noqa: S603
        print(f"=== {script.name}: exit {code} in {time.perf_counter() - started:.0f} s ===\n",
              flush=True)
        if code:
            failed.append(script.name)
    if failed:
        print("Failed: " + ", ".join(failed))
        return 1
    print(f"All {len(scripts)} benchmarks passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
