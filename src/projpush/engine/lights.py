"""Lights over the ledger's tables, column-wise: the engine's :mod:`projpush.lights`.

Ningbo's rule of consecutive lagging months (:class:`~projpush.lights.LagPolicy`,
with any tolerance, either requirement and any set of judged stages) is a few
polars expressions over the monthly table:

- the stage at each month end, from the stage events (an as-of look-up);
- the running planned and completed totals, ``cum_sum().over("key")``;
- a month lags when it is unreported or its figure is below the bar;
- the streak is the run of lagging months in a judged stage, which restarts
  where a month meets the requirement or is out of scope.

The results equal :func:`projpush.lights.judge_portfolio` and
:func:`projpush.lights.light_map` on the same ledger, light for light and
figure for figure (differential property tests pin them). A verdict's
reasons come as rows of :attr:`LightFrames.reasons`; :func:`explain` gives
the object :class:`~projpush.lights.Verdict` of one project, with its
sentences.

>>> import datetime as dt
>>> from projpush.engine import from_portfolio
>>> from projpush.synth import SAMPLE_AS_OF, sample_portfolio
>>> frames = judge_tables(from_portfolio(sample_portfolio()), SAMPLE_AS_OF)
>>> frames.verdicts.group_by("light").len().sort("light").rows()
[(None, 18), ('green', 23), ('yellow', 4), ('red', 5)]
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

import attrs

from projpush._convert import plain_date_arg, year_arg
from projpush._extras import require
from projpush.errors import PolicyError, ValidationError
from projpush.lights import LagPolicy, Light, LightPolicy, Requirement, Verdict
from projpush.model import Month, Portfolio, Stage, StageEventKind
from projpush.schedule import last_complete_month

if TYPE_CHECKING:
    import datetime as dt

    from projpush.engine.tables import LedgerTables

pl: Any = require("polars", extra="engine", user="projpush.engine")

__all__ = ["LIGHTS", "LightFrames", "explain", "judge_tables", "light_map_table"]

LIGHTS: Final = pl.Enum([light.value for light in Light])
"""The lights as an ordered polars type: green < yellow < red; null is not judged."""

_AFTER: Final = {
    StageEventKind.STARTED.value: Stage.UNDER_CONSTRUCTION.value,
    StageEventKind.RESUMED.value: Stage.UNDER_CONSTRUCTION.value,
    StageEventKind.SUSPENDED.value: Stage.SUSPENDED.value,
    StageEventKind.COMPLETED.value: Stage.COMPLETED.value,
}
_NOT_YET: Final = (Stage.PLANNED.value, Stage.RESERVED.value)
_MAX_DENOMINATOR: Final = 10**6  # amounts < 1.2e17 万元 × 10^6 stay inside decimal128(38, 12)


@attrs.frozen
class LightFrames:
    """The lights of every project on one date, as polars DataFrames.

    Attributes:
        verdicts: one row per project, in ledger order: ``key``, ``light``
            (:data:`LIGHTS`, null when not judged), ``severity`` (the streak
            in months), ``reason`` (the code of the first reason:
            ``streak``, ``below``, ``met``, ``unreported``, ``not_judged``,
            ``no_month_yet``, ``no_plan``), ``stage`` (the stage on
            ``as_of``) and ``last`` (the month judged, its first day).
        reasons: the month reasons of judged projects, as
            :meth:`projpush.lights.LagPolicy.judge` lists them after the
            streak reason: ``key``, ``month``, ``code`` (``below``, ``met``
            or ``unreported``), ``done`` and ``plan`` (exact, 万元: the
            figures compared, cumulative or the month's own) and
            ``tolerance``; ``required`` is ``plan × tolerance``.
        as_of: the date judged.
        policy: the policy's name.
    """

    verdicts: Any
    reasons: Any
    as_of: dt.date
    policy: str


def _lag_policy(policy: LightPolicy | None) -> LagPolicy:
    chosen = LagPolicy.ningbo() if policy is None else policy
    if not isinstance(chosen, LagPolicy):
        name = getattr(chosen, "name", type(chosen).__name__)
        msg = (
            f"policy: the table engine computes LagPolicy lights so far; use the object API "
            f"(projpush.lights.judge_portfolio) for {name!r}"
        )
        raise PolicyError(msg, field="policy", expected="a LagPolicy", got=name)
    _, denominator = chosen.tolerance.as_integer_ratio()
    if denominator > _MAX_DENOMINATOR:
        raise PolicyError.about(
            "tolerance", "a factor with at most 6 decimal places for the engine", chosen.tolerance
        )
    return chosen


def _frame(table: Any) -> Any:
    """A polars frame of an Arrow table, enums as text."""
    frame = pl.from_arrow(table)
    return frame.with_columns(pl.col(pl.Categorical).cast(pl.String))


def _stages_at(tables: LedgerTables, days: list[dt.date]) -> Any:
    """``key``, ``i`` and ``stage`` (text): each project's stage on each of ``days``.

    As :meth:`projpush.model.Project.stage_at`: the stage after the last
    event on or before the day; before the first event a project is
    reserved, unless it is still planned or reserved now.
    """
    projects = _frame(tables.projects).select("seq", "key", "stage")
    events = _frame(tables.stage_events).select(
        "key", "seq", "on", pl.col("kind").replace_strict(_AFTER).alias("after")
    )
    grid = pl.DataFrame(
        {"i": range(len(days)), "day": days}, schema={"i": pl.Int32, "day": pl.Date}
    )
    reached = (
        events.join(grid, how="cross")
        .filter(pl.col("on") <= pl.col("day"))
        .group_by("key", "i")
        .agg(pl.col("after").sort_by("seq").last())
    )
    with_events = events.select("key").unique().with_columns(has_events=pl.lit(value=True))
    before_first = (
        pl.when(pl.col("stage").is_in(_NOT_YET))
        .then(pl.col("stage"))
        .when(pl.col("has_events"))
        .then(pl.lit(Stage.RESERVED.value))
        .otherwise(pl.col("stage"))
    )
    return (
        projects.join(grid, how="cross")
        .join(with_events, on="key", how="left")
        .with_columns(pl.col("has_events").fill_null(value=False))
        .join(reached, on=["key", "i"], how="left")
        .select("seq", "key", "i", pl.coalesce("after", before_first).alias("stage"))
    )


def _months(tables: LedgerTables, year: int, policy: LagPolicy) -> Any:
    """The year's twelve months of every project with the streak at each month end.

    Columns ``seq``, ``key``, ``i`` (0 for January), ``plan``, ``done``,
    ``cum_plan``, ``cum_done``, ``lag``, ``judged`` and ``run`` (the streak).
    """
    stages = _stages_at(tables, [m.last_day for m in Month.year_months(year)])
    monthly = (
        _frame(tables.monthly)
        .filter(pl.col("month").dt.year() == year)
        .select("key", (pl.col("month").dt.month() - 1).cast(pl.Int32).alias("i"), "plan", "done")
    )
    p, q = policy.tolerance.as_integer_ratio()
    zero = pl.lit(Decimal(0), dtype=pl.Decimal(38, 12))
    plan = pl.col("plan").fill_null(zero)
    if policy.requirement is Requirement.CUMULATIVE:
        got, bar = pl.col("cum_done"), pl.col("cum_plan")
    else:
        got, bar = pl.col("done"), plan
    below = got < bar if (p, q) == (1, 1) else got * q < bar * p
    judged = pl.col("stage").is_in([s.value for s in policy.stages])
    counted = judged & pl.col("lag")
    return (
        stages.join(monthly, on=["key", "i"], how="left")
        .sort("seq", "i")
        .with_columns(
            cum_plan=plan.cum_sum().over("seq"),
            cum_done=pl.col("done").fill_null(zero).cum_sum().over("seq"),
        )
        .with_columns(lag=pl.col("done").is_null() | below.fill_null(value=False), judged=judged)
        .with_columns(restart=(~counted).cast(pl.Int32).cum_sum().over("seq"), counted=counted)
        .with_columns(run=pl.col("counted").cast(pl.Int32).cum_sum().over("seq", "restart"))
        .drop("restart", "counted", "stage")
    )


def _light(policy: LagPolicy, run: Any) -> Any:
    return (
        pl.when(run >= policy.streak_for_red)
        .then(pl.lit(Light.RED.value))
        .when(run >= policy.streak_for_yellow)
        .then(pl.lit(Light.YELLOW.value))
        .otherwise(pl.lit(Light.GREEN.value))
        .cast(LIGHTS)
    )


def _planned(tables: LedgerTables, year: int) -> Any:
    """``key`` of the projects with a monthly plan in ``year`` (what the lag rule needs)."""
    monthly = _frame(tables.monthly)
    return (
        monthly.filter((pl.col("month").dt.year() == year) & pl.col("plan").is_not_null())
        .select("key")
        .unique()
        .with_columns(planned=pl.lit(value=True))
    )


def judge_tables(
    tables: LedgerTables,
    as_of: dt.date,
    policy: LightPolicy | None = None,
    *,
    lenient: bool = False,
) -> LightFrames:
    """Judge every project on ``as_of``, column-wise: :func:`projpush.lights.judge_portfolio`.

    Args:
        tables: the ledger.
        as_of: the date judged; months through the last one ended on it count.
        policy: a :class:`~projpush.lights.LagPolicy` (default: Ningbo's).
        lenient: show a project without a monthly plan for the year as not
            judged (reason ``no_plan``) instead of raising.

    Raises:
        ValidationError: ``as_of`` is not a date; or, unless ``lenient``, a
            project in scope has no monthly plan for the year (the first in
            ledger order, with the object API's message).
        PolicyError: ``policy`` is not a LagPolicy, or its tolerance has more
            than 6 decimal places.
    """
    chosen = _lag_policy(policy)
    as_of = plain_date_arg(as_of, "as_of")
    year = year_arg(as_of.year, "as_of.year")
    last = last_complete_month(as_of)
    months = _months(tables, year, chosen)
    scope = _stages_at(tables, [as_of]).select(
        "key", "stage", in_scope=pl.col("stage").is_in([s.value for s in chosen.stages])
    )
    planned = _planned(tables, year)
    verdicts = (
        _frame(tables.projects)
        .select("seq", "key")
        .join(scope, on="key", how="left")
        .join(planned, on="key", how="left")
        .with_columns(pl.col("planned").fill_null(value=False))
    )
    if not lenient:
        missing = verdicts.filter(pl.col("in_scope") & ~pl.col("planned")).sort("seq")
        if missing.height:
            _raise_no_plan(tables, missing["key"][0], as_of, chosen)
    if last.year == year:
        at_last = months.filter(pl.col("i") == last.month - 1).select("key", "run")
    else:
        at_last = months.filter(pl.col("i") == 0).select("key", run=pl.lit(0, pl.Int32))
    verdicts = verdicts.join(at_last, on="key", how="left")
    judged = pl.col("in_scope") & pl.col("planned") & pl.lit(last.year == year)
    first_reason = (
        pl.when(~pl.col("in_scope"))
        .then(pl.lit("not_judged"))
        .when(~pl.col("planned"))
        .then(pl.lit("no_plan"))
        .when(pl.lit(last.year != year))
        .then(pl.lit("no_month_yet"))
        .when(pl.col("run") > 0)
        .then(pl.lit("streak"))
        .otherwise(pl.col("last_code"))
    )
    last_code = months.filter(pl.col("i") == last.month - 1).select("key", last_code=_month_code())
    verdicts = (
        verdicts.join(last_code, on="key", how="left")
        .sort("seq")
        .select(
            "key",
            pl.when(judged).then(_light(chosen, pl.col("run"))).alias("light"),
            pl.when(judged).then(pl.col("run")).otherwise(0).alias("severity"),
            first_reason.alias("reason"),
            "stage",
            pl.lit(last.first_day).alias("last"),
        )
    )
    # Before the first month has ended nothing is judged, so no month has a reason.
    reasons = _reasons(months, verdicts, chosen, year, last.month if last.year == year else 0)
    return LightFrames(verdicts, reasons, as_of, chosen.name)


def _month_code() -> Any:
    return (
        pl.when(pl.col("done").is_null())
        .then(pl.lit("unreported"))
        .when(pl.col("lag"))
        .then(pl.lit("below"))
        .otherwise(pl.lit("met"))
    )


def _reasons(months: Any, verdicts: Any, policy: LagPolicy, year: int, last: int) -> Any:
    """The month reasons of the judged verdicts: the streak's months, or the month judged.

    An unreported month shows the cumulative plan; a month reported shows
    the figures compared, cumulative or the month's own.
    """
    judged = verdicts.filter(pl.col("light").is_not_null()).select("key", "severity")
    monthly = policy.requirement is Requirement.MONTHLY
    zero = pl.lit(Decimal(0), dtype=pl.Decimal(38, 12))
    reported = pl.col("done").is_not_null()
    compared_plan = pl.col("plan").fill_null(zero) if monthly else pl.col("cum_plan")
    return (
        months.join(judged, on="key", how="inner")
        .filter(
            (pl.col("i") < last)
            & (pl.col("i") >= pl.lit(last) - pl.max_horizontal(pl.col("severity"), pl.lit(1)))
        )
        .sort("seq", "i")
        .select(
            "key",
            pl.date(year, pl.col("i") + 1, 1).alias("month"),
            _month_code().alias("code"),
            pl.when(reported).then(pl.col("done") if monthly else pl.col("cum_done")).alias("done"),
            pl.when(reported).then(compared_plan).otherwise(pl.col("cum_plan")).alias("plan"),
            pl.lit(policy.tolerance, dtype=pl.Decimal(38, 12)).alias("tolerance"),
        )
    )


def light_map_table(
    tables: LedgerTables,
    as_of: dt.date,
    policy: LightPolicy | None = None,
) -> Any:
    """The light of every project at each month end of ``as_of``'s year up to ``as_of``.

    The cells of :func:`projpush.lights.light_map` (lenient), in long form:
    ``key``, ``month`` (its first day) and ``light``, projects in ledger
    order. Months that have not ended on ``as_of`` are not judged, so they
    are not in the table.

    Raises:
        ValidationError: ``as_of`` is not a date.
        PolicyError: as :func:`judge_tables`.
    """
    chosen = _lag_policy(policy)
    as_of = plain_date_arg(as_of, "as_of")
    year = year_arg(as_of.year, "as_of.year")
    last = last_complete_month(as_of)
    if last.year != year:
        return pl.DataFrame(schema={"key": pl.String, "month": pl.Date, "light": LIGHTS})
    months = _months(tables, year, chosen).join(_planned(tables, year), on="key", how="left")
    cell = pl.col("judged") & pl.col("planned").fill_null(value=False)
    return (
        months.filter(pl.col("i") < last.month)
        .sort("seq", "i")
        .select(
            "key",
            pl.date(year, pl.col("i") + 1, 1).alias("month"),
            pl.when(cell).then(_light(chosen, pl.col("run"))).alias("light"),
        )
    )


def _raise_no_plan(tables: LedgerTables, key: str, as_of: dt.date, policy: LagPolicy) -> None:
    """Raise the object API's error for the project ``key``, which has no plan for the year."""
    project = _project(tables, key)
    policy.judge(project, as_of)
    msg = f"project {key}: no monthly plan for {as_of.year}"  # pragma: no cover (judge raised)
    raise ValidationError(msg, field="monthly_plan", expected="a plan", got=key)


def _project(tables: LedgerTables, key: str) -> Any:
    """The object :class:`~projpush.model.Project` of ``key``, built from its rows only."""
    from projpush.engine.tables import LedgerTables as Tables  # noqa: PLC0415
    from projpush.engine.tables import to_portfolio  # noqa: PLC0415

    pc = require("pyarrow.compute", extra="engine", user="projpush.engine")
    names = ("projects", "annual_plans", "monthly", "milestones", "approvals", "stage_events")
    one = {
        name: getattr(tables, name).filter(pc.equal(getattr(tables, name)["key"], key))
        for name in (*names, "site_observations")
    }
    rest = {name: t.slice(0, 0) for name, t in tables if name not in one}
    portfolio: Portfolio = to_portfolio(Tables(**one, **rest))
    if not portfolio.projects:
        raise ValidationError.about("key", "a project key of the ledger", key)
    return portfolio.projects[0]


def explain(
    tables: LedgerTables,
    key: str,
    as_of: dt.date,
    policy: LightPolicy | None = None,
) -> Verdict:
    """The object verdict on one project, with its reasons: the drill-down of a table row.

    The project is rebuilt from its own rows and judged by the object rule,
    so the sentences are those of :meth:`projpush.lights.Verdict.text`.

    Raises:
        ValidationError: ``key`` is not a project of the ledger, or as the
            policy's ``judge``.
    """
    chosen = LagPolicy.ningbo() if policy is None else policy
    return chosen.judge(_project(tables, key), as_of)
