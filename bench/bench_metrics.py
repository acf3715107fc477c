"""Benchmark: the monthly summary of 100,000 projects and 300,000 issues.

Run:  python bench/bench_metrics.py [--projects N] [--issues-per-project K] [--repeat R] [--profile]

Builds the seeded synthetic ledger of :func:`projpush.synth.synthetic_portfolio`
(levels, categories, stages and sizes after the seeds; monthly plans and
actuals, about 30 % of projects lagging or missing a report; node tasks;
leaders down to town level; one secretary per one to three projects; issues
in every state) standing at 2020-09-30, and times ``monthly_summary`` on that
date with the China official calendar.

Timed: every figure of the summary (investment, groups and rankings, rates,
approvals, coverage, contacts, issues, earned value) and counting the lights.
Not timed: building the ledger, and judging the lights, which is the lights
module's work: the summary gets precomputed verdicts (one light name per
project, drawn with a fixed seed). Target: <= 1 s.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import pstats
import random
import time

from projpush.metrics import monthly_summary
from projpush.schedule import china_calendar
from projpush.synth import synthetic_portfolio

AS_OF = dt.date(2020, 9, 30)
SEED = 20200930


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--issues-per-project", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    start = time.perf_counter()
    portfolio = synthetic_portfolio(
        args.projects, seed=SEED, issues_per_project=args.issues_per_project, as_of=AS_OF
    )
    rng = random.Random(SEED)
    verdicts = [
        rng.choice(("green", "green", "green", "yellow", "red")) for _ in portfolio.projects
    ]
    calendar = china_calendar()
    print(
        f"built {len(portfolio.projects)} projects, {len(portfolio.issues)} issues in "
        f"{time.perf_counter() - start:.1f} s (not timed)"
    )
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        monthly_summary(portfolio, AS_OF, calendar=calendar, verdicts=verdicts)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        return
    walls, cpus = [], []
    for _ in range(args.repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        summary = monthly_summary(portfolio, AS_OF, calendar=calendar, verdicts=verdicts)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    median = sorted(walls)[len(walls) // 2]
    print(
        f"monthly_summary: best {min(walls):.3f} s, median {median:.3f} s wall; "
        f"best {min(cpus):.3f} s CPU; over {args.repeat} runs (first {walls[0]:.3f} s)"
    )
    closure = summary.issues.closure_rate.percent()
    print(f"completion {summary.completion.percent()}, closure {closure}")


if __name__ == "__main__":
    main()
