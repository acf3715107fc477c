"""Benchmark: the forecast on the table engine against one monthly cycle (issue 17).

Run:  python bench/bench_foresight.py [--size 100000] [--repeat 3] [--keep DIR]
                                     [--policy ningbo|yinchuan|sanya]

The ledger is ``bench_engine.py``'s (a seeded synthetic ledger, three issues
per project, written once as a Parquet folder, not timed). In one process,
each timed ``--repeat`` times, the median printed:

- ``cycle``: ``bench_engine.cycle``, the whole monthly cycle on the engine
  (read the Parquet folder, advance every issue, the lights and the map, the
  monthly summary, the overdue and accountability lists);
- ``forecast``: read the Parquet folder, then
  :func:`projpush.engine.foresight.forecast_table` under ``--policy``
  (Ningbo's lag rule by default; Yinchuan's or Sanya's gap rule): every
  project's light at the next two month ends under the three assumptions,
  and its least amounts to stay out of yellow and red.

The target: the forecast costs at most twice the cycle.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_engine import AS_OF, cycle, make

from projpush.engine import read_parquet
from projpush.engine.foresight import forecast_table
from projpush.lights import GapPolicy, LagPolicy, LightPolicy

POLICIES = {"ningbo": LagPolicy.ningbo, "yinchuan": GapPolicy.yinchuan, "sanya": GapPolicy.sanya}


def forecast(parquet: Path, policy: LightPolicy | None = None) -> object:
    return forecast_table(read_parquet(parquet), AS_OF, policy)


def median_time(call: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=None, help="write the ledgers here")
    parser.add_argument("--policy", choices=sorted(POLICIES), default="ningbo")
    args = parser.parse_args()
    policy = POLICIES[args.policy]()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        _, parquet = make(args.size, folder)
        forecast(parquet, policy)  # warm: polars' first plans, the files in the page cache
        took_cycle = median_time(lambda: cycle(parquet), args.repeat)
        took_forecast = median_time(lambda: forecast(parquet, policy), args.repeat)
    ratio = took_forecast / took_cycle
    print(f"projects: {args.size:,}, median of {args.repeat}, policy {args.policy}")
    print(f"  cycle on the engine:    {took_cycle:6.2f} s")
    print(
        f"  forecast on the engine: {took_forecast:6.2f} s  ({ratio:.2f}x the cycle; target <= 2x)"
    )


if __name__ == "__main__":
    main()
