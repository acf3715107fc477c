"""``import projpush`` in fresh processes: the median import time, against loading every name.

Run from the repository root in the project's venv::

    python bench/bench_import.py [--runs 21]

Each run starts a fresh interpreter that times the statement with
``time.perf_counter`` around it. ``import projpush`` loads no submodule
(names load on first use, PEP 562); ``from projpush import *`` loads every
public name's module, which is what ``import projpush`` cost before. The
target is a median of at most 60 ms.

It also times ``import hypothesis`` with projpush's entry point and without
(``HYPOTHESIS_NO_PLUGINS=1``), in alternate processes, and gives the median
of the paired differences: what Hypothesis's plugin step adds to its import
(reading the installed packages' entry points, done with or without
projpush, and running projpush's hook).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys


def seconds(statement: str, **env: str) -> float:
    """How long ``statement`` takes in a fresh interpreter, timed inside it."""
    code = f"import time\nt = time.perf_counter()\n{statement}\nprint(time.perf_counter() - t)"
    run = [sys.executable, "-c", code]
    environment = {**os.environ, **env}
    done = subprocess.run(run, check=True, capture_output=True, text=True, env=environment)  # noqa: S603
    return float(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    lazy = [seconds("import projpush") for _ in range(args.runs)]
    every = [seconds("from projpush import *") for _ in range(args.runs)]
    lazy_ms, every_ms = statistics.median(lazy) * 1000, statistics.median(every) * 1000
    hooked, bare = [], []
    for _ in range(args.runs):
        hooked.append(seconds("import hypothesis"))
        bare.append(seconds("import hypothesis", HYPOTHESIS_NO_PLUGINS="1"))
    hook_ms = statistics.median(h - b for h, b in zip(hooked, bare, strict=True)) * 1000
    print(f"python {sys.version.split()[0]}, median of {args.runs} fresh processes")
    print(f"import projpush:              {lazy_ms:7.1f} ms (target <= 60 ms)")
    print(f"from projpush import *:       {every_ms:7.1f} ms (every name's module)")
    print(f"ratio:                        {every_ms / lazy_ms:7.1f}x")
    print(f"import hypothesis:            {statistics.median(hooked) * 1000:7.1f} ms")
    print(f"  with HYPOTHESIS_NO_PLUGINS: {statistics.median(bare) * 1000:7.1f} ms")
    print(f"  entry points and the hook:  {hook_ms:7.1f} ms (median of the paired differences)")


if __name__ == "__main__":
    main()
