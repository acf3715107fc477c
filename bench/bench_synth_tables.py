"""Time synthetic_tables: a synthetic ledger made as Arrow tables, then written as Parquet.

Usage:
    python bench/bench_synth_tables.py [--sizes 100000 1000000] [--repeat 3] [--objects]

Each size runs in a fresh process, so its peak RSS (``resource.getrusage``) is its own.
The figures are wall seconds, the median of ``--repeat`` runs for sizes up to 100,000 and
of one run above, with the process's CPU seconds beside them (Parquet writing uses
several threads). ``--objects`` also times the object route at the smallest size, once:
``synthetic_portfolio`` + ``from_portfolio`` + ``write_parquet``. First, the tables of
a small ledger are checked equal to ``from_portfolio(synthetic_portfolio(...))``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from projpush.engine import from_portfolio, synthetic_tables, write_parquet
from projpush.synth import synthetic_portfolio

SEED = 20200930
AS_OF = dt.date(2020, 9, 30)


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def one(size: int, repeat: int, objects: bool) -> dict[str, object]:
    """Generate and write ``size`` projects ``repeat`` times in this process."""
    made, wrote, cpu = [], [], []
    rows: dict[str, int] = {}
    megabytes = 0.0
    for _ in range(repeat):
        folder = Path(tempfile.mkdtemp(prefix="bench-synth-"))
        try:
            start, clock = time.perf_counter(), time.process_time()
            tables = synthetic_tables(size, seed=SEED, as_of=AS_OF)
            middle = time.perf_counter()
            write_parquet(tables, folder / "ledger.parquet")
            end = time.perf_counter()
            cpu.append(time.process_time() - clock)
            megabytes = sum(f.stat().st_size for f in (folder / "ledger.parquet").iterdir()) / 1e6
        finally:
            shutil.rmtree(folder)
        made.append(middle - start)
        wrote.append(end - middle)
        rows = {name: table.num_rows for name, table in tables}
        del tables
    out: dict[str, object] = {
        "size": size,
        "runs": repeat,
        "generate": statistics.median(made),
        "write": statistics.median(wrote),
        "total": statistics.median(m + w for m, w in zip(made, wrote, strict=True)),
        "all": [round(m + w, 2) for m, w in zip(made, wrote, strict=True)],
        "cpu": statistics.median(cpu),
        "peak_mib": peak_mib(),
        "parquet_mb": megabytes,
        "rows": rows,
    }
    if objects:
        folder = Path(tempfile.mkdtemp(prefix="bench-synth-"))
        try:
            start = time.perf_counter()
            tables = from_portfolio(synthetic_portfolio(size, seed=SEED, as_of=AS_OF))
            write_parquet(tables, folder / "ledger.parquet")
            out["objects"] = time.perf_counter() - start
        finally:
            shutil.rmtree(folder)
    return out


def check(size: int) -> None:
    got = synthetic_tables(size, seed=SEED, as_of=AS_OF)
    expected = from_portfolio(synthetic_portfolio(size, seed=SEED, as_of=AS_OF))
    bad = [name for name, table in got if not table.equals(getattr(expected, name))]
    if bad:
        sys.exit(f"synthetic_tables({size}) differs from the object ledger in {bad}")
    print(f"check: synthetic_tables({size}) equals from_portfolio(synthetic_portfolio): all tables")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--objects", action="store_true")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # a child's size
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(one(args.one, args.repeat, args.objects)))
        return
    print(f"python {platform.python_version()} on {platform.machine()}, seed {SEED}, as of {AS_OF}")
    check(1000)
    smallest = min(args.sizes)
    for size in sorted(args.sizes):
        repeat = args.repeat if size <= 100_000 else 1
        command = [sys.executable, __file__, "--one", str(size), "--repeat", str(repeat)]
        if args.objects and size == smallest:
            command.append("--objects")
        done = subprocess.run(command, check=True, capture_output=True, text=True)  # noqa: S603
        r = json.loads(done.stdout)
        rows = r["rows"]
        print(
            f"{size:>9,} projects ({rows['issues']:,} issues, {rows['issue_events']:,} events, "
            f"{rows['monthly']:,} monthly rows): generate {r['generate']:.2f} s + "
            f"write Parquet {r['write']:.2f} s = {r['total']:.2f} s "
            f"(median of {r['runs']}: {r['all']}; CPU {r['cpu']:.2f} s), "
            f"peak RSS {r['peak_mib']:,.0f} MiB, "
            f"Parquet {r['parquet_mb']:.0f} MB"
        )
        if "objects" in r:
            print(
                f"{size:>9,} projects, object route (synthetic_portfolio + from_portfolio + "
                f"write_parquet, one run): {r['objects']:.1f} s"
            )
    target = [size for size in args.sizes if size >= 1_000_000]
    if target:
        print("target: 1,000,000 projects generated and written in under 60 s")


if __name__ == "__main__":
    main()
