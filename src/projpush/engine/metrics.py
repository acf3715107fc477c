"""Investment figures over the ledger's tables, column-wise: the engine's :mod:`projpush.metrics`.

Each project's figures at a date, and the figures of every group of
projects (by level, category, region, unit, leader or stage), as polars
DataFrames of exact amounts. They equal :func:`projpush.metrics.investment`
and :func:`projpush.metrics.group_figures` on the same ledger (differential
property tests pin them). A group's rate is its summed amounts over its
summed amounts, never a mean of its members' rates: the frames hold the
amounts, and ``projpush.metrics.Ratio(done_to_date, annual_plan)`` presents
one, half-up.

>>> from projpush.engine import from_portfolio
>>> from projpush.synth import SAMPLE_AS_OF, sample_portfolio
>>> regions = group_table(from_portfolio(sample_portfolio()), "region", SAMPLE_AS_OF)
>>> regions.columns[:4]
['region', 'members', 'projects', 'annual_plan']
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from projpush._convert import plain_date_arg
from projpush.engine.lights import _frame, _stages_at
from projpush.metrics import GroupBy, _dimension, report_month

if TYPE_CHECKING:
    from projpush.engine.tables import LedgerTables

from projpush._extras import require

pl: Any = require("polars", extra="engine", user="projpush.engine")

__all__ = ["AMOUNTS", "group_table", "investment_table"]

MONEY: Final = pl.Decimal(38, 12)
AMOUNTS: Final = ("annual_plan", "done_to_date", "done_in_month", "done_last_year")
"""The exact amount columns (万元) of :func:`investment_table` and :func:`group_table`."""
_ZERO: Final = pl.lit(Decimal(0), dtype=MONEY)


def investment_table(tables: LedgerTables, as_of: dt.date) -> Any:
    """Each project's investment figures at ``as_of``, in ledger order.

    The figures of :func:`projpush.metrics.investment` of one project, with
    these columns:

    - ``key``, ``level``, ``category``, ``region``, ``unit``, and ``stage``
      (on ``as_of``);
    - ``planned``: it has an annual plan for the year. Without one it is not
      on the year's investment list, and its amounts are zero;
    - ``annual_plan``, ``done_to_date`` (1 January through the report
      month), ``done_in_month`` (the report month) and ``done_last_year``
      (the same months a year before): exact, 万元;
    - ``nodes_due``: milestones planned from 1 January to ``as_of``;
      ``nodes_done``: those of them done by then.

    Raises:
        ValidationError: ``as_of`` is not a date.
    """
    as_of = plain_date_arg(as_of, "as_of")
    year = as_of.year
    month = report_month(as_of)
    through = 0 if month is None else month.month
    m, y = pl.col("month").dt.month(), pl.col("month").dt.year()
    done = pl.col("done").fill_null(_ZERO)
    sums = (
        _frame(tables.monthly)
        .filter((m <= through) & y.is_between(year - 1, year))
        .group_by("key")
        .agg(
            done.filter(y == year).sum().alias("done_to_date"),
            done.filter((y == year) & (m == through)).sum().alias("done_in_month"),
            done.filter(y == year - 1).sum().alias("done_last_year"),
        )
    )
    plans = (
        _frame(tables.annual_plans)
        .filter(pl.col("year") == year)
        .select("key", pl.col("plan").alias("annual_plan"), planned=pl.lit(value=True))
    )
    planned_date = pl.col("planned")
    nodes = (
        _frame(tables.milestones)
        .filter(planned_date.is_between(dt.date(year, 1, 1), as_of))
        .group_by("key")
        .agg(
            pl.len().cast(pl.Int64).alias("nodes_due"),
            (pl.col("done") <= as_of)
            .fill_null(value=False)
            .sum()
            .cast(pl.Int64)
            .alias("nodes_done"),
        )
    )
    stage = _stages_at(tables, {"stage": as_of}).select("key", "stage")
    frame = (
        _frame(tables.projects)
        .select("seq", "key", "level", "category", "region", "unit")
        .join(stage, on="key", how="left", maintain_order="left")
        .join(plans, on="key", how="left", maintain_order="left")
        .join(sums, on="key", how="left", maintain_order="left")
        .join(nodes, on="key", how="left", maintain_order="left")
        .sort("seq")
    )
    planned = pl.col("planned").fill_null(value=False)
    return frame.select(
        "key",
        "level",
        "category",
        "region",
        "unit",
        "stage",
        planned.alias("planned"),
        *(
            pl.when(planned).then(pl.col(c).fill_null(_ZERO)).otherwise(_ZERO).alias(c)
            for c in AMOUNTS
        ),
        pl.col("nodes_due").fill_null(0),
        pl.col("nodes_done").fill_null(0),
    )


def group_table(tables: LedgerTables, by: GroupBy | str, as_of: dt.date) -> Any:
    """The figures of every group of ``by`` at ``as_of``, groups sorted by name.

    The groups of :func:`projpush.metrics.group_figures`, with these columns:

    - the group's name, in a column named after ``by``;
    - ``members``: projects in the group;
    - ``projects``: those with an annual plan for the year;
    - the summed amounts of :data:`AMOUNTS`, which count only the projects
      with a plan;
    - ``nodes_due`` and ``nodes_done``.

    A project counts in the group of every leader who guarantees it.

    Raises:
        ValidationError: ``by`` is not a :class:`~projpush.metrics.GroupBy`
            or its value, or ``as_of`` is not a date.
    """
    dimension = _dimension(by)  # the object API's parsing, so the same message
    figures = investment_table(tables, as_of)
    name = dimension.value
    if dimension is GroupBy.LEADER:
        pairs = _frame(tables.leader_projects).select(
            pl.col("leader").alias(name), pl.col("project").alias("key")
        )
        figures = figures.join(pairs, on="key", how="inner")
    return (
        figures.group_by(name)
        .agg(
            pl.len().cast(pl.Int64).alias("members"),
            pl.col("planned").sum().cast(pl.Int64).alias("projects"),
            *(pl.col(c).sum() for c in AMOUNTS),
            pl.col("nodes_due").sum(),
            pl.col("nodes_done").sum(),
        )
        .sort(name)
    )
