"""Benchmark: the whole monthly cycle, stage by stage, at several portfolio sizes.

Run:  python bench/bench_cycle.py [--sizes 10000,100000,1000000] [--issues-per-project 3]
                                  [--trusted] [--catch-up] [--profile STAGE] [--keep DIR]

For each size, a seeded synthetic ledger (:func:`projpush.synth.synthetic_portfolio`:
levels, categories, stages and plan sizes after the seeds, about 30 % of
projects lagging or missing a report, issues in every state of the closed
loop; by default advanced through the day before the report date, as the
platform's daily run leaves them, or never advanced with ``--catch-up``) is
written once as a JSON ledger file (not timed). A fresh Python
process then runs the monthly cycle on it and times each stage:

- ``load``: :func:`projpush.load_ledger` reads the file (validating, or with
  ``--trusted`` through the trusted bulk path);
- ``escalation``: every issue advanced to the report date;
- ``lights``: the lights of every project at the date, and the year's light map;
- ``metrics``: the monthly summary;
- ``report``: overdue and accountability lists, ledger gaps, and the report
  rendered as text.

Each stage runs inside :func:`projpush.build_report` (its ``progress`` hook
marks the stage boundaries), so the benchmark measures exactly the code a
``projpush report`` run uses. Time is wall-clock; memory is the process's peak
resident set size during the stage (Linux ``VmHWM``, reset between stages
through ``/proc/self/clear_refs``), so it counts everything the process holds,
the ledger included.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import json
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import attrs

from projpush.io import dump_portfolio
from projpush.ledger import load_ledger
from projpush.report import build_report, render
from projpush.synth import CALENDAR_2020, synthetic_portfolio

AS_OF = dt.date(2020, 9, 30)
SEED = 20200930
STAGES = ("load", "escalation", "lights", "metrics", "report")


def _peak_mib() -> float:
    """Peak resident set size since the last reset, in MiB (Linux only)."""
    with Path("/proc/self/status").open(encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _reset_peak() -> None:
    try:
        with Path("/proc/self/clear_refs").open("w", encoding="ascii") as f:
            f.write("5")
    except OSError:  # not Linux, or not allowed: peaks then only grow
        pass


def write_ledger(n: int, per_project: int, folder: Path, *, catch_up: bool) -> Path:
    """The synthetic ledger of ``n`` projects as a JSON file (built once per size).

    By default its issues stand as the platform's daily run left them the day
    before the report (advanced through ``AS_OF - 1``), so the cycle's own
    advance adds that one day's sheets and escalations; with ``catch_up``
    they stand as generated, never advanced, and the cycle catches them up.
    """
    path = folder / f"ledger-{n}-{per_project}{'-raw' if catch_up else ''}.json"
    if not path.exists():
        start = time.perf_counter()
        portfolio = synthetic_portfolio(n, seed=SEED, issues_per_project=per_project, as_of=AS_OF)
        if not catch_up:
            yesterday = build_report(
                portfolio, AS_OF - dt.timedelta(days=1), calendar=CALENDAR_2020
            )
            portfolio = attrs.evolve(portfolio, issues=yesterday.issues)
        dump_portfolio(portfolio, path)
        print(
            f"  wrote {path.name}: {len(portfolio.projects)} projects, "
            f"{len(portfolio.issues)} issues, {path.stat().st_size / 2**20:.0f} MiB "
            f"in {time.perf_counter() - start:.0f} s (not timed)",
            file=sys.stderr,
        )
    return path


def run_cycle(
    path: Path, *, trusted: bool, profile: str | None, sort: str = "tottime"
) -> dict[str, list[float]]:
    """Run the cycle in this process; return {stage: [seconds, peak MiB]}."""
    results: dict[str, list[float]] = {}
    profiler = cProfile.Profile() if profile else None
    current = {"stage": "load", "t": time.perf_counter()}

    def mark(stage: str) -> None:
        now = time.perf_counter()
        if profiler is not None and current["stage"] == profile:
            profiler.disable()
        results[str(current["stage"])] = [now - float(current["t"]), _peak_mib()]
        _reset_peak()
        if profiler is not None and stage == profile:
            profiler.enable()
        current.update(stage=stage, t=time.perf_counter())

    _reset_peak()
    if profiler is not None and profile == "load":
        profiler.enable()
    current["t"] = time.perf_counter()
    portfolio = load_ledger(path, trusted=trusted, max_bytes=None)
    names = {"issues": "escalation", "lights": "lights", "figures": "metrics", "done": "report"}
    report = build_report(
        portfolio,
        AS_OF,
        calendar=CALENDAR_2020,
        progress=lambda stage, _done, _total: mark(names[stage]),
    )
    render(report)
    mark("end")
    if profiler is not None:
        pstats.Stats(profiler, stream=sys.stderr).sort_stats(sort).print_stats(30)
    return results


def _table(rows: list[tuple[int, dict[str, list[float]]]]) -> str:
    head = "| projects | issues | " + " | ".join(STAGES) + " | total | peak MiB |"
    lines = [head, "|" + "---|" * (len(STAGES) + 4)]
    for n, result in rows:
        total = sum(result[s][0] for s in STAGES)
        peak = max(result[s][1] for s in STAGES)
        cells = " | ".join(f"{result[s][0]:.2f} s" for s in STAGES)
        lines.append(f"| {n:,} | {3 * n:,} | {cells} | {total:.2f} s | {peak:,.0f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--issues-per-project", type=int, default=3)
    parser.add_argument("--trusted", action="store_true", help="load through the trusted path")
    parser.add_argument("--profile", choices=STAGES, help="print a profile of one stage")
    parser.add_argument("--sort", default="tottime", help="profile order (pstats key)")
    parser.add_argument("--keep", help="folder for the generated ledgers (reused if present)")
    parser.add_argument(
        "--catch-up", action="store_true", help="issues never advanced (default: through yesterday)"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        result = run_cycle(
            Path(args.child), trusted=args.trusted, profile=args.profile, sort=args.sort
        )
        print(json.dumps(result))
        return
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="projpush-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for n in (int(s) for s in args.sizes.split(",")):
        path = write_ledger(n, args.issues_per_project, folder, catch_up=args.catch_up)
        command = [sys.executable, __file__, "--child", str(path)]
        command += ["--trusted"] * args.trusted + ["--sort", args.sort]
        command += ["--profile", args.profile] * bool(args.profile)
        done = subprocess.run(command, check=True, capture_output=True, text=True)  # noqa: S603
        sys.stderr.write(done.stderr)
        result = json.loads(done.stdout)
        rows.append((n, result))
        cells = ", ".join(f"{s} {result[s][0]:.2f} s / {result[s][1]:,.0f} MiB" for s in STAGES)
        print(f"{n:>9,} projects: {cells}", flush=True)
    print()
    print(_table(rows))
    if len(rows) > 1:
        totals = [sum(r[s][0] for s in STAGES) for _, r in rows]
        for (n0, _), (n1, _), t0, t1 in zip(rows, rows[1:], totals, totals[1:], strict=False):
            print(f"growth {n0:,} -> {n1:,}: x{n1 / n0:.0f} projects, x{t1 / t0:.1f} time")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpus, ledgers in {folder}")


if __name__ == "__main__":
    main()
