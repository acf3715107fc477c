"""``import projpush`` in fresh processes: the median import time, against loading every name.

Run from the repository root in the project's venv::

    python bench/bench_import.py [--runs 21]

Each run starts a fresh interpreter that times the statement with
``time.perf_counter`` around it. ``import projpush`` loads no submodule
(names load on first use, PEP 562); ``from projpush import *`` loads every
public name's module, which is what ``import projpush`` cost before. The
target is a median of at most 60 ms.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys


def seconds(statement: str) -> float:
    """How long ``statement`` takes in a fresh interpreter, timed inside it."""
    code = f"import time\nt = time.perf_counter()\n{statement}\nprint(time.perf_counter() - t)"
    run = [sys.executable, "-c", code]
    return float(subprocess.run(run, check=True, capture_output=True, text=True).stdout)  # noqa: S603


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    lazy = [seconds("import projpush") for _ in range(args.runs)]
    every = [seconds("from projpush import *") for _ in range(args.runs)]
    lazy_ms, every_ms = statistics.median(lazy) * 1000, statistics.median(every) * 1000
    print(f"python {sys.version.split()[0]}, median of {args.runs} fresh processes")
    print(f"import projpush:              {lazy_ms:7.1f} ms (target <= 60 ms)")
    print(f"from projpush import *:       {every_ms:7.1f} ms (every name's module)")
    print(f"ratio:                        {every_ms / lazy_ms:7.1f}x")


if __name__ == "__main__":
    main()
