"""Benchmark: the table engine's lights against the object path and a numpy floor.

Run:  python bench/bench_engine.py [--size 100000] [--repeat 5] [--keep DIR] [--skip-object]

A seeded synthetic ledger (:func:`projpush.synth.synthetic_portfolio`, three
issues per project) is written once as a JSON file and as a Parquet folder
(not timed). Then, in this one process, each is timed ``--repeat`` times and
the median printed:

- ``engine``: :func:`projpush.engine.read_parquet` plus
  :func:`~projpush.engine.judge_tables` (lenient) and
  :func:`~projpush.engine.light_map_table` at the report date;
- ``floor``: the same lights and map in plain numpy, from the Parquet
  monthly and projects tables (cumulative sums over a dense projects x 12
  array of scaled integers; stages from the projects table only, so it does
  less than the engine): the floor the engine is held to;
- ``object``: :func:`projpush.load_ledger` (trusted) of the JSON file plus
  :func:`projpush.lights.judge_portfolio` (lenient) and
  :func:`projpush.lights.light_map`, once (it takes tens of seconds);
- ``cycle``: the whole monthly cycle on the engine: read the Parquet folder,
  advance every issue (:func:`~projpush.engine.advance_tables`), the lights
  and the map, the monthly summary (:func:`~projpush.engine.monthly_summary_tables`),
  the overdue and accountability lists; and, once, the same cycle on the
  object path from the trusted JSON load;
- ``report``: ``projpush report LEDGER --trusted`` as a whole process, on
  the Parquet folder (the table engine) and, once, on the JSON file (the
  object path), whose outputs must be the same bytes.

The engine's and the object path's lights are compared cell for cell first.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow.compute as pc
import pyarrow.parquet as pq

from projpush.engine import (
    accountability_table,
    advance_tables,
    from_portfolio,
    judge_tables,
    light_map_table,
    monthly_summary_tables,
    overdue_table,
    read_parquet,
    write_parquet,
)
from projpush.escalation import accountability_list, advance_all, overdue
from projpush.io import dump_portfolio
from projpush.ledger import load_ledger
from projpush.lights import judge_portfolio, light_map
from projpush.metrics import monthly_summary
from projpush.report import _BOOK
from projpush.synth import CALENDAR_2020, synthetic_portfolio

AS_OF = dt.date(2020, 9, 30)
SEED = 20200930


def make(size: int, folder: Path) -> tuple[Path, Path]:
    json_path, parquet_path = folder / f"ledger-{size}.json", folder / f"ledger-{size}.parquet"
    if not (json_path.exists() and parquet_path.exists()):
        start = time.perf_counter()
        portfolio = synthetic_portfolio(size, seed=SEED, issues_per_project=3, as_of=AS_OF)
        dump_portfolio(portfolio, json_path)
        write_parquet(from_portfolio(portfolio), parquet_path)
        took = time.perf_counter() - start
        print(
            f"  wrote both ledgers of {size} projects in {took:.0f} s (not timed)", file=sys.stderr
        )
    return json_path, parquet_path


def engine(parquet: Path) -> tuple[object, object]:
    return lights(read_parquet(parquet))


def lights(tables: object) -> tuple[object, object]:
    return judge_tables(tables, AS_OF, lenient=True), light_map_table(tables, AS_OF)


def floor(parquet: Path) -> tuple[np.ndarray, np.ndarray]:
    """Ningbo's lights in numpy: the streak of months with cumulative done below plan."""
    projects = pq.read_table(parquet / "projects.parquet", columns=["key", "stage"])
    monthly = pq.read_table(parquet / "monthly.parquet")
    year = monthly.filter(pc.equal(pc.year(monthly["month"]), AS_OF.year))
    row = pc.index_in(year["key"], value_set=projects["key"]).to_numpy()
    col = pc.month(year["month"]).to_numpy() - 1
    n, months = projects.num_rows, AS_OF.month
    plan = np.zeros((n, 12), dtype=np.int64)
    done = np.zeros((n, 12), dtype=np.int64)
    reported = np.zeros((n, 12), dtype=bool)
    # The synthetic ledger's amounts are whole 万元, so int64 holds them exactly (a cast
    # that would drop a fraction raises).
    plan_values = pc.fill_null(year["plan"], 0).cast("int64")
    done_values = pc.fill_null(year["done"], 0).cast("int64")
    plan[row, col] = plan_values.to_numpy()
    done[row, col] = done_values.to_numpy()
    reported[row, col] = year["done"].is_valid().to_numpy()
    lag = ~reported | (np.cumsum(done, axis=1) < np.cumsum(plan, axis=1))
    stage = pc.cast(projects["stage"], "string").to_numpy(zero_copy_only=False)
    judged = stage == "under_construction"
    run = np.zeros((n, 12), dtype=np.int8)
    streak = np.zeros(n, dtype=np.int8)
    for k in range(12):
        streak = np.where(lag[:, k] & judged, streak + 1, 0)
        run[:, k] = streak
    lights = np.select([run >= 3, run >= 2], [3, 2], 1)
    return lights[:, months - 1], lights[:, :months]


def cycle(
    parquet: Path, stages: dict[str, list[float]] | None = None, clock=time.perf_counter
) -> object:
    """The monthly cycle on the engine; each stage's time by ``clock`` is appended to ``stages``."""
    marks = [clock()]

    def mark(name: str) -> None:
        marks.append(clock())
        if stages is not None:
            stages.setdefault(name, []).append(marks[-1] - marks[-2])

    tables = read_parquet(parquet)
    mark("read Parquet")
    tables = advance_tables(tables, AS_OF, _BOOK, calendar=CALENDAR_2020)
    mark("advance every issue")
    frames, _ = lights(tables)
    mark("lights and light map")
    summary = monthly_summary_tables(tables, AS_OF, calendar=CALENDAR_2020, lights=frames)
    mark("monthly summary")
    overdue_table(tables, AS_OF, calendar=CALENDAR_2020)
    accountability_table(tables, AS_OF)
    mark("overdue and accountability")
    return summary


def object_cycle(json_path: Path) -> object:
    portfolio = load_ledger(json_path, trusted=True, max_bytes=None)
    issues = advance_all(portfolio.issues, AS_OF, _BOOK, calendar=CALENDAR_2020)
    portfolio = portfolio.with_issues(issues)
    verdicts = judge_portfolio(portfolio, AS_OF, lenient=True).verdicts
    light_map(portfolio, AS_OF.year, lenient=True)
    summary = monthly_summary(portfolio, AS_OF, calendar=CALENDAR_2020, verdicts=verdicts)
    overdue(issues, AS_OF, calendar=CALENDAR_2020)
    accountability_list(issues, AS_OF)
    return summary


def median_time(call, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def check_same(json_path: Path, parquet: Path) -> None:
    portfolio = load_ledger(json_path, trusted=True, max_bytes=None)
    verdicts, cells = engine(parquet)
    rollup = judge_portfolio(portfolio, AS_OF, lenient=True)
    expected = [None if v.light is None else v.light.value for v in rollup.verdicts]
    if expected != verdicts.verdicts["light"].to_list():
        raise SystemExit("the engine's lights differ from the object path's")
    reference = light_map(portfolio, AS_OF.year, lenient=True)
    for month in reference.months[: AS_OF.month]:
        lights = (reference.light(key, month) for key in reference.keys)
        wanted = [None if x is None else x.value for x in lights]
        if wanted != cells[str(month)].to_list():
            raise SystemExit(f"the engine's light map differs in {month}")
    print("  engine == object path on every light and map cell", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--keep", type=Path, default=Path(tempfile.gettempdir(), "projpush-bench-engine")
    )
    parser.add_argument("--skip-object", action="store_true", help="do not time the object path")
    args = parser.parse_args()
    args.keep.mkdir(parents=True, exist_ok=True)
    json_path, parquet = make(args.size, args.keep)
    check_same(json_path, parquet)
    t_engine = median_time(lambda: engine(parquet), args.repeat)
    t_read = median_time(lambda: read_parquet(parquet), args.repeat)
    tables = read_parquet(parquet)
    t_lights = median_time(lambda: lights(tables), args.repeat)
    t_floor = median_time(lambda: floor(parquet), args.repeat)
    print(f"projects: {args.size:,}; median of {args.repeat} runs")
    print(f"engine, read Parquet (all 19 tables):     {t_read:.3f} s")
    print(f"engine, lights and light map:             {t_lights:.3f} s")
    print(f"engine, both:                             {t_engine:.3f} s")
    print(f"numpy floor (read 2 tables, lights, map): {t_floor:.3f} s")
    print(f"engine lights / floor:                    {t_lights / t_floor:.1f}x")
    if not args.skip_object:

        def object_path() -> None:
            portfolio = load_ledger(json_path, trusted=True, max_bytes=None)
            judge_portfolio(portfolio, AS_OF, lenient=True)
            light_map(portfolio, AS_OF.year, lenient=True)

        t_object = median_time(object_path, 1)
        print(f"object (trusted JSON load, lights, map):  {t_object:.3f} s (one run)")
        print(f"object / engine:                          {t_object / t_engine:.1f}x")
    stages: dict[str, list[float]] = {}
    t_cycle = median_time(lambda: cycle(parquet, stages), args.repeat)
    print(f"engine, whole cycle:                      {t_cycle:.3f} s")
    for name, times in stages.items():
        print(f"  {name + ':':39} {statistics.median(times):.3f} s")
    if not args.skip_object:
        start = time.perf_counter()
        expected = object_cycle(json_path)
        t_object_cycle = time.perf_counter() - start
        if expected.to_dict() != cycle(parquet).to_dict():  # type: ignore[attr-defined]
            raise SystemExit("the engine's monthly summary differs from the object path's")
        print(f"object, whole cycle (trusted JSON load):  {t_object_cycle:.3f} s (one run)")
        print(f"object cycle / engine cycle:              {t_object_cycle / t_cycle:.1f}x")
    time_reports(json_path, parquet, args)


def time_reports(json_path: Path, parquet: Path, args: argparse.Namespace) -> None:
    """``projpush report --trusted`` on the Parquet folder, and once on the JSON file."""
    on_tables, on_objects = args.keep / "report.txt", args.keep / "report-json.txt"
    t_report = median_time(lambda: report_process(parquet, on_tables), args.repeat)
    print(f"projpush report PARQUET --trusted (process): {t_report:.3f} s")
    if not args.skip_object:
        start = time.perf_counter()
        report_process(json_path, on_objects)
        t_json = time.perf_counter() - start
        if on_tables.read_bytes() != on_objects.read_bytes():
            raise SystemExit("the report of the Parquet ledger differs from the JSON ledger's")
        print(f"projpush report JSON --trusted (process):    {t_json:.3f} s (one run), same bytes")
        print(f"JSON report / Parquet report:                {t_json / t_report:.1f}x")


def report_process(ledger: Path, output: Path) -> None:
    """``projpush report LEDGER --trusted`` as a whole process, written to ``output``."""
    command = [sys.executable, "-m", "projpush", "report", str(ledger), "--as-of", str(AS_OF)]
    command += ["--trusted", "--output", str(output), "--max-ledger-size", "8G"]
    subprocess.run(command, check=True, stderr=subprocess.DEVNULL)  # noqa: S603 (our own command)


if __name__ == "__main__":
    main()
