"""The engine's whole monthly cycle at 100,000 and 1,000,000 projects: time, growth, peak memory.

Run from the repository root in the project's venv::

    python bench/bench_engine_scale.py [--sizes 100000 1000000] [--repeat 3] [--keep DIR]

Each ledger is made directly as tables (:func:`projpush.engine.synthetic_tables`,
the ledger of ``synthetic_portfolio(n, seed=20200930, as_of=2020-09-30)``,
three issues per project) and written as a Parquet folder once (not timed).
Then, for each size, a fresh process runs :func:`bench_engine.cycle` (read
the Parquet folder, advance every issue, the lights and the map, the monthly
summary, the overdue and accountability lists) ``--repeat`` times and prints
the median and its own peak RSS, so that one size's memory does not hide
another's. The targets at 1,000,000 projects: the cycle within 15 s, peak
RSS within 2 GB, and at most 11 times the 100,000-project time.

With ``--cpu`` the times are the process's CPU seconds (user and system,
every thread: ``time.process_time``) instead of wall time, steadier when
other jobs share the machine; each size also prints its user and system
time and its minor page faults, per cycle.
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_engine import AS_OF, SEED, cycle

from projpush.engine import synthetic_tables, write_parquet


def make(size: int, folder: Path) -> Path:
    target = folder / f"tables-{size}.parquet"
    if not target.exists():
        start = time.perf_counter()
        write_parquet(synthetic_tables(size, seed=SEED, as_of=AS_OF), target)
        took = time.perf_counter() - start
        print(f"  made and wrote {size:,} projects in {took:.1f} s (not timed)", file=sys.stderr)
    return target


def child(parquet: Path, repeat: int, *, cpu: bool) -> None:
    """In this process: the cycle ``repeat`` times; one JSON line of figures."""
    clock = time.process_time if cpu else time.perf_counter
    stages: dict[str, list[float]] = {}
    times = []
    before = resource.getrusage(resource.RUSAGE_SELF)
    for _ in range(repeat):
        start = clock()
        cycle(parquet, stages, clock)
        times.append(clock() - start)
    after = resource.getrusage(resource.RUSAGE_SELF)
    usage = {
        "user": (after.ru_utime - before.ru_utime) / repeat,
        "sys": (after.ru_stime - before.ru_stime) / repeat,
        "minflt": (after.ru_minflt - before.ru_minflt) // repeat,
    }
    rss = after.ru_maxrss * 1024  # Linux: KiB
    medians = {name: statistics.median(t) for name, t in stages.items()}
    figures = {"median": statistics.median(times), "rss": rss, "stages": medians, **usage}
    print(json.dumps(figures))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=Path(tempfile.gettempdir(), "projpush-scale"))
    parser.add_argument("--cpu", action="store_true", help="CPU seconds instead of wall time")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.repeat, cpu=args.cpu)
        return
    args.keep.mkdir(parents=True, exist_ok=True)
    results = {}
    for size in args.sizes:
        parquet = make(size, args.keep)
        command = [sys.executable, __file__, "--child", str(parquet), "--repeat", str(args.repeat)]
        command += ["--cpu"] if args.cpu else []
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603
        results[size] = json.loads(out.splitlines()[-1])
    what = "CPU seconds" if args.cpu else "wall time"
    print(f"engine whole cycle, {what}, median of {args.repeat} runs, one fresh process per size")
    for size, r in results.items():
        print(f"{size:>10,} projects: {r['median']:7.3f} s, peak RSS {r['rss'] / 2**30:5.2f} GiB")
        usage = f"user {r['user']:.3f} s, system {r['sys']:.3f} s, {r['minflt']:,} page faults"
        print(f"    per cycle: {usage}")
        for name, t in r["stages"].items():
            print(f"    {name + ':':30} {t:7.3f} s")
    sizes = list(results)
    for small, large in itertools.pairwise(sizes):
        ratio = results[large]["median"] / results[small]["median"]
        print(f"growth {small:,} -> {large:,}: {ratio:.1f}x for {large / small:.0f}x the projects")


if __name__ == "__main__":
    main()
