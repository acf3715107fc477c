"""Time synthetic_portfolio: wall and CPU seconds, and where the time goes.

Usage: python bench/bench_synth.py [n_projects] [--profile] [--no-gc]
"""

from __future__ import annotations

import cProfile
import gc
import pstats
import sys
import time

import attrs

from projpush.model import Issue, Portfolio, Project
from projpush.synth import synthetic_portfolio


def model_only(p: Portfolio) -> None:
    """Rebuild the same values through the model's constructors alone, timing each part."""
    fields = [
        {a.name: getattr(x, a.name) for a in attrs.fields(Project) if a.init} for x in p.projects
    ]
    cpu = time.process_time()
    projects = tuple(Project(**f) for f in fields)
    print(f"  model: {len(projects)} Project(...) {time.process_time() - cpu:.2f} s cpu")
    cpu = time.process_time()
    issues = tuple(
        Issue(i.id, i.project, i.category, i.title, i.events, i.difficulty) for i in p.issues
    )
    print(
        f"  model: {len(issues)} Issue(...) (replaying shared events) "
        f"{time.process_time() - cpu:.2f} s cpu"
    )
    cpu = time.process_time()
    Portfolio(projects, p.leaders, p.secretaries, issues, p.units, p.task_forces)
    print(f"  model: Portfolio(...) index {time.process_time() - cpu:.2f} s cpu")


def main() -> None:
    args = sys.argv[1:]
    n = int(next((a for a in args if a.isdigit()), "100000"))
    if "--no-gc" in args:
        gc.disable()
    if "--profile" in args:
        prof = cProfile.Profile()
        prof.enable()
    wall, cpu = time.perf_counter(), time.process_time()
    p = synthetic_portfolio(n)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if "--profile" in args:
        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
    events = sum(len(i.events) for i in p.issues)
    if "--model" in args:
        model_only(p)
    print(
        f"synthetic_portfolio({n}): {len(p.projects)} projects, {len(p.issues)} issues "
        f"({events} events): wall {wall:.2f} s, cpu {cpu:.2f} s"
    )


if __name__ == "__main__":
    main()
