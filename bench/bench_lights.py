"""Benchmark: a year of Ningbo lights for 100,000 projects, projpush against pandas.

Run: ``python bench/bench_lights.py [N]`` (N projects, default 100,000).

The synthetic portfolio: every project under construction, a monthly plan
for each month of 2020 (whole 万元 with two decimals), and reports that are
sometimes short, sometimes over, and missing in about 3 % of months. Both
implementations judge the same rule (cumulative completed ≥ cumulative plan,
an unreported month lags, streak 2 yellow, 3 red) and must give identical
lights. pandas works on integer cents (exact), as a careful analyst would;
float sums can flip a month that meets its plan exactly.
"""

from __future__ import annotations

import random
import sys
import time
from decimal import Decimal

import numpy as np
import pandas as pd

from projpush.lights import LagPolicy, light_map
from projpush.model import Month, Project

YEAR = 2020
MONTHS = [Month(YEAR, m) for m in range(1, 13)]


def synthetic(n: int, seed: int = 20201231) -> list[Project]:
    rng = random.Random(seed)
    projects = []
    for i in range(n):
        plan = {}
        done = {}
        for m in MONTHS:
            cents = rng.randrange(1_000, 500_000)
            plan[m] = Decimal(cents).scaleb(-2)
            roll = rng.random()
            if roll < 0.03:
                continue  # unreported
            if roll < 0.35:
                actual = cents * rng.randrange(50, 100) // 100
            elif roll < 0.45:
                actual = cents
            else:
                actual = cents * rng.randrange(100, 130) // 100
            done[m] = Decimal(actual).scaleb(-2)
        projects.append(
            Project(
                name=f"项目{i}",
                level="city",
                category="infrastructure",
                stage="under_construction",
                region=f"区{i % 10}",
                unit=f"单位{i % 37}",
                local_id=f"P{i:06d}",
                monthly_plan=plan,
                monthly_done=done,
            )
        )
    return projects


def to_frame(projects: list[Project]) -> pd.DataFrame:
    """Long table project × month with integer cents; NaN-free: missing done is -1."""
    rows_p, rows_m, plan, done = [], [], [], []
    for idx, p in enumerate(projects):
        for m in MONTHS:
            rows_p.append(idx)
            rows_m.append(m.month)
            plan.append(int(p.monthly_plan.get(m, Decimal(0)) * 100))
            d = p.monthly_done.get(m)
            done.append(-1 if d is None else int(d * 100))
    return pd.DataFrame({"project": rows_p, "month": rows_m, "plan": plan, "done": done})


def pandas_lights(df: pd.DataFrame) -> np.ndarray:
    """What an analyst would write: cumsum per project, then a streak via group ids."""
    df = df.sort_values(["project", "month"])
    reported = df["done"] >= 0
    g = df.groupby("project", sort=False)
    cum_plan = g["plan"].cumsum()
    cum_done = df["done"].where(reported, 0).groupby(df["project"], sort=False).cumsum()
    lag = ~reported | (cum_done < cum_plan)
    # streak = length of the current run of lagging months within each project
    breaks = (~lag).groupby(df["project"], sort=False).cumsum()
    streak = lag.astype(int).groupby([df["project"], breaks], sort=False).cumsum()
    light = np.where(streak >= 3, 3, np.where(streak >= 2, 2, 1))
    return light.reshape(-1, 12)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    t0 = time.perf_counter()
    projects = synthetic(n)
    t1 = time.perf_counter()
    print(f"built {n:,} projects in {t1 - t0:.1f} s (not timed)")

    policy = LagPolicy.ningbo()
    runs, cpu = [], []
    for _ in range(5):
        start, start_cpu = time.perf_counter(), time.process_time()
        lm = light_map(projects, YEAR, policy)
        runs.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    ours = np.frombuffer(b"".join(lm.codes), dtype=np.uint8).reshape(-1, 12)
    print(f"projpush light_map:            best {min(runs):.3f} s wall, {min(cpu):.3f} s CPU, of 5")

    start = time.perf_counter()
    df = to_frame(projects)
    build = time.perf_counter() - start
    runs, cpu = [], []
    for _ in range(5):
        start, start_cpu = time.perf_counter(), time.process_time()
        theirs = pandas_lights(df)
        runs.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    print(f"pandas (frame ready):          best {min(runs):.3f} s wall, {min(cpu):.3f} s CPU, of 5")
    print(f"pandas frame from the objects: {build:.3f} s (once)")

    same = np.array_equal(ours, theirs)
    counts = {
        name: int((ours[:, 11] == code).sum())
        for code, name in ((1, "green"), (2, "yellow"), (3, "red"))
    }
    print(f"identical lights: {same}; December counts: {counts}")
    if not same:
        raise SystemExit("the two implementations disagree")


if __name__ == "__main__":
    main()
