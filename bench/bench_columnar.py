"""Benchmark: projpush.columnar on pandas frames against the table engine direct.

Run:  python bench/bench_columnar.py LEDGER.parquet [--repeat 3] [--amounts decimal|text]
          [--old FILE]

The Parquet ledger (``bench/bench_engine.py --keep DIR`` writes one) is read
with :func:`projpush.engine.read_parquet` and turned into the frames
``projpush.columnar`` takes (not timed): ``monthly`` (key, month as
``"YYYY-MM"`` text, plan and done), ``projects`` (the project columns and one
``annual_plan_YYYY`` column per year) and ``stage_events`` (``on`` as
``datetime64``). Amounts are Arrow ``decimal128(38, 12)`` columns, the dtype
:func:`projpush.frames.to_frame` gives money, or with ``--amounts text``
exact text, as ``pandas.read_csv(..., dtype=str)`` reads them.

Timed, median of ``--repeat`` runs in this one process:

- ``columnar``: :func:`~projpush.columnar.judge_frame` (lenient) and
  :func:`~projpush.columnar.light_map_frame` (lenient) on the frames, each
  reading the frames into the engine's tables itself; and
  :func:`~projpush.columnar.figures_frame` and
  :func:`~projpush.columnar.groups_frame` by region;
- ``engine``: :func:`~projpush.engine.judge_tables` and
  :func:`~projpush.engine.light_map_table`, then
  :func:`~projpush.engine.investment_table` and
  :func:`~projpush.engine.group_table`, on the tables already read;
- ``read``: :func:`~projpush.columnar.to_tables` alone, the frames' share of
  the columnar time.

The old columnar path (a ``Project`` rebuilt per row, issue 13: lights at
100,000 projects in 24 s) is printed as recorded; with ``--old FILE`` (that
module's source, e.g. ``git show a1332b1:src/projpush/columnar.py > FILE``)
its ``judge_frame`` is timed once on the same frames.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import statistics
import sys
import time
from pathlib import Path

import pandas as pd
import polars as pl
import pyarrow as pa

from projpush.columnar import (
    figures_frame,
    groups_frame,
    judge_frame,
    light_map_frame,
    to_tables,
)
from projpush.engine import (
    group_table,
    investment_table,
    judge_tables,
    light_map_table,
    read_parquet,
)

AS_OF = dt.date(2020, 9, 30)
OLD_LIGHTS_100K = 24.0  # seconds, issue 13: lights at 100,000 projects on the old columnar path
MONEY = pa.decimal128(38, 12)


def frames(ledger: Path, amounts: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The ledger's monthly, projects and stage_events tables as columnar takes them."""
    tables = read_parquet(ledger)

    def money(column: pl.Series) -> pd.Series:
        if amounts == "text":
            texts = column.cast(pl.String).str.strip_chars_end("0").str.strip_chars_end(".")
            return pd.Series(texts.to_list(), dtype=object)
        return pd.Series(pd.arrays.ArrowExtensionArray(column.to_arrow().cast(MONEY)))

    monthly = pl.from_arrow(tables.monthly)
    monthly_frame = pd.DataFrame(
        {
            "key": pd.Series(monthly["key"].to_list(), dtype=object),
            "month": pd.Series(monthly["month"].dt.strftime("%Y-%m").to_list(), dtype=object),
            "plan": money(monthly["plan"]),
            "done": money(monthly["done"]),
        }
    )
    projects = pl.from_arrow(tables.projects).sort("seq")
    columns = {
        c: pd.Series(projects[c].cast(pl.String).to_list(), dtype=object)
        for c in ("key", "code", "local_id", "name", "level", "category", "stage", "region")
    }
    columns["unit"] = pd.Series(projects["unit"].to_list(), dtype=object)
    columns["total_investment"] = money(projects["total_investment"])
    plans = pl.from_arrow(tables.annual_plans)
    for year in sorted(set(plans["year"].to_list())):
        of_year = plans.filter(pl.col("year") == year).select("key", "plan")
        joined = projects.select("key").join(of_year, on="key", how="left", maintain_order="left")
        columns[f"annual_plan_{year}"] = money(joined["plan"])
    events = pl.from_arrow(tables.stage_events).sort("key", "seq")
    events_frame = pd.DataFrame(
        {
            "key": pd.Series(events["key"].to_list(), dtype=object),
            "kind": pd.Series(events["kind"].cast(pl.String).to_list(), dtype=object),
            "on": pd.Series(events["on"].to_list()).astype("datetime64[s]"),
            "note": pd.Series(events["note"].to_list(), dtype=object),
        }
    )
    return monthly_frame, pd.DataFrame(columns), events_frame


def timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ledger", type=Path, help="a Parquet ledger folder (bench_engine --keep)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--amounts", choices=("decimal", "text"), default="decimal")
    parser.add_argument("--old", type=Path, help="the old projpush/columnar.py, to time once")
    args = parser.parse_args()
    monthly, projects, events = frames(args.ledger, args.amounts)
    kw = {"projects": projects, "stage_events": events}
    print(
        f"python {sys.version.split()[0]}, {len(projects):,} projects, {len(monthly):,} monthly "
        f"rows, {len(events):,} stage events, amounts as {args.amounts}, median of {args.repeat}"
    )
    tables = to_tables(monthly, **kw)
    engine_tables = read_parquet(args.ledger)

    # The same answers first: the columnar lights are the engine's, light for light.
    got = judge_frame(monthly, AS_OF, lenient=True, **kw)
    direct = judge_tables(engine_tables, AS_OF, lenient=True).verdicts.sort("key")
    same = got["key"].tolist() == direct["key"].to_list() and (
        got["light"].tolist() == direct["light"].cast(pl.String).to_list()
    )
    if not same:
        raise SystemExit("the columnar lights differ from the engine's")

    rows = {
        "read (to_tables)": timed(lambda: to_tables(monthly, **kw), args.repeat),
        "columnar judge_frame": timed(
            lambda: judge_frame(monthly, AS_OF, lenient=True, **kw), args.repeat
        ),
        "columnar light_map_frame": timed(
            lambda: light_map_frame(monthly, AS_OF.year, lenient=True, **kw), args.repeat
        ),
        "engine judge_tables": timed(
            lambda: judge_tables(tables, AS_OF, lenient=True), args.repeat
        ),
        "engine light_map_table": timed(lambda: light_map_table(tables, AS_OF), args.repeat),
        "columnar figures_frame": timed(lambda: figures_frame(monthly, AS_OF, **kw), args.repeat),
        "columnar groups_frame (region)": timed(
            lambda: groups_frame(monthly, "region", AS_OF, **kw), args.repeat
        ),
        "engine investment_table": timed(lambda: investment_table(tables, AS_OF), args.repeat),
        "engine group_table (region)": timed(
            lambda: group_table(tables, "region", AS_OF), args.repeat
        ),
    }
    for name, seconds in rows.items():
        print(f"  {name:<34} {seconds:8.3f} s")
    lights = rows["columnar judge_frame"] + rows["columnar light_map_frame"]
    engine = rows["engine judge_tables"] + rows["engine light_map_table"]
    print(f"  columnar lights + map              {lights:8.3f} s")
    print(f"  engine lights + map                {engine:8.3f} s")
    print(f"  columnar / engine (lights + map)   {lights / engine:8.1f}x")
    print(f"  old columnar lights (issue 13)     {OLD_LIGHTS_100K:8.1f} s at 100,000 projects")
    if args.old is not None:
        spec = importlib.util.spec_from_file_location("projpush._old_columnar", args.old)
        if spec is None or spec.loader is None:
            raise SystemExit(f"{args.old}: not a Python module")
        old = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(old)
        start = time.perf_counter()
        old.judge_frame(monthly, AS_OF, lenient=True, **kw)
        took = time.perf_counter() - start
        print(f"  old columnar judge_frame, measured {took:8.3f} s (one run)")
        print(f"  old / new judge_frame              {took / rows['columnar judge_frame']:8.1f}x")
    else:
        ratio = OLD_LIGHTS_100K / rows["columnar judge_frame"]
        print(f"  old / new judge_frame              {ratio:8.1f}x")


if __name__ == "__main__":
    main()
