"""Lights over the ledger's tables, column-wise: the engine's :mod:`projpush.lights`.

The lag, gap, node and site-activity policies are computed here; the
worst-of policy is not yet, and is refused naming the object API.
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

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Final

import attrs

from projpush._convert import plain_date_arg, year_arg
from projpush._extras import require
from projpush.errors import PolicyError, ValidationError
from projpush.lights import (
    Cutoff,
    GapMeasure,
    GapPolicy,
    LagPolicy,
    Light,
    LightPolicy,
    NodePolicy,
    Requirement,
    SiteActivityPolicy,
    Verdict,
)
from projpush.model import Month, Portfolio, Stage, StageEventKind
from projpush.schedule import last_complete_month, time_progress

if TYPE_CHECKING:
    from projpush.engine.tables import LedgerTables

pl: Any = require("polars", extra="engine", user="projpush.engine")

__all__ = ["LIGHTS", "LightFrames", "explain", "judge_tables", "light_map_table", "verdicts_of"]

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

    The columns below are a :class:`~projpush.lights.LagPolicy`'s. Under a
    gap or node policy ``verdicts`` and ``reasons`` carry that rule's
    figures instead (``docs/tables.md`` lists them); ``key``, ``light``,
    ``reason`` and ``stage`` are always there.

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
            f"policy: the table engine computes the lag, gap, node and site policies' lights "
            f"so far; use the "
            f"object API "
            f"(projpush.lights.judge_portfolio) for {name!r}"
        )
        raise PolicyError(
            msg, field="policy", expected="a LagPolicy, GapPolicy or NodePolicy", got=name
        )
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


_ZERO: Final = pl.lit(Decimal(0), dtype=pl.Decimal(38, 12))


def _stages_at(tables: LedgerTables, days: dict[str, dt.date]) -> Any:
    """One row per project in ledger order: ``seq``, ``key`` and its stage on each of ``days``.

    ``days`` maps a column name to its day. As
    :meth:`projpush.model.Project.stage_at`: the stage after the last event
    on or before the day; before the first event a project is reserved,
    unless it is still planned or reserved now.
    """
    events = (
        _frame(tables.stage_events)
        .sort("key", "seq")
        .select("key", "on", pl.col("kind").replace_strict(_AFTER).alias("after"))
    )
    names = {f"__at_{i}": name for i, name in enumerate(days)}  # apart from the project columns
    reached = events.group_by("key").agg(
        *(
            pl.col("after").filter(pl.col("on") <= day).last().alias(at)
            for at, day in zip(names, days.values(), strict=True)
        ),
        has_events=pl.lit(value=True),
    )
    before_first = (
        pl.when(pl.col("stage").is_in(_NOT_YET))
        .then(pl.col("stage"))
        .when(pl.col("has_events"))
        .then(pl.lit(Stage.RESERVED.value))
        .otherwise(pl.col("stage"))
    )
    return (
        _frame(tables.projects)
        .select("seq", "key", "stage")
        .join(reached, on="key", how="left")
        .with_columns(pl.col("has_events").fill_null(value=False))
        .select("seq", "key", *(pl.coalesce(at, before_first).alias(n) for at, n in names.items()))
        .sort("seq")
    )


def _year(tables: LedgerTables, year: int, policy: LagPolicy) -> Any:
    """One row per project in ledger order, a column per month and figure: the year's streaks.

    For month ``k`` (1 to 12): ``plan_k`` and ``done_k`` (null where absent:
    no plan, not reported), ``cum_plan_k`` and ``cum_done_k`` (since
    January), ``lag_k`` (unreported, or below the bar), ``judged_k`` (in a
    judged stage at the month end) and ``run_k``, the streak at the month
    end; and ``planned``, whether the project has a monthly plan that year.
    """
    ends = {f"judged_{m.month}": m.last_day for m in Month.year_months(year)}
    judged_stages = [s.value for s in policy.stages]
    stages = _stages_at(tables, ends).with_columns(
        pl.col(name).is_in(judged_stages) for name in ends
    )
    months = range(1, 13)
    figures = (
        _frame(tables.monthly)
        .filter(pl.col("month").dt.year() == year)
        .with_columns(k=pl.col("month").dt.month())
        .pivot(on="k", index="key", values=["plan", "done"])
    )
    absent = [f"{c}_{k}" for c in ("plan", "done") for k in months if f"{c}_{k}" not in figures]
    figures = figures.with_columns(
        pl.lit(None, pl.Decimal(38, 12)).alias(c) for c in absent
    ).with_columns(planned=pl.any_horizontal(pl.col(f"plan_{k}").is_not_null() for k in months))
    frame = stages.join(figures, on="key", how="left", maintain_order="left").with_columns(
        pl.col("planned").fill_null(value=False)
    )
    p, q = policy.tolerance.as_integer_ratio()
    cumulative = policy.requirement is Requirement.CUMULATIVE
    cum_plan, cum_done, run = _ZERO, _ZERO, pl.lit(0, pl.Int32)
    for k in months:
        plan, done = pl.col(f"plan_{k}").fill_null(_ZERO), pl.col(f"done_{k}")
        frame = frame.with_columns(
            (cum_plan + plan).alias(f"cum_plan_{k}"),
            (cum_done + done.fill_null(_ZERO)).alias(f"cum_done_{k}"),
        )
        cum_plan, cum_done = pl.col(f"cum_plan_{k}"), pl.col(f"cum_done_{k}")
        got, bar = (cum_done, cum_plan) if cumulative else (done, plan)
        below = got < bar if (p, q) == (1, 1) else got * q < bar * p
        lag = done.is_null() | below.fill_null(value=False)
        frame = frame.with_columns(lag.alias(f"lag_{k}"))
        counted = pl.col(f"judged_{k}") & pl.col(f"lag_{k}")
        frame = frame.with_columns(
            pl.when(counted).then(run + 1).otherwise(0).cast(pl.Int32).alias(f"run_{k}")
        )
        run = pl.col(f"run_{k}")
    return frame


def _light(policy: LagPolicy, run: Any) -> Any:
    return (
        pl.when(run >= policy.streak_for_red)
        .then(pl.lit(Light.RED.value))
        .when(run >= policy.streak_for_yellow)
        .then(pl.lit(Light.YELLOW.value))
        .otherwise(pl.lit(Light.GREEN.value))
        .cast(LIGHTS)
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
        policy: a :class:`~projpush.lights.LagPolicy` (default: Ningbo's) or
            a :class:`~projpush.lights.GapPolicy` (Yinchuan's, Sanya's, yours).
        lenient: show a project without a monthly plan for the year as not
            judged (reason ``no_plan``) instead of raising.

    Raises:
        ValidationError: ``as_of`` is not a date; or, unless ``lenient``, a
            project in scope has no monthly plan for the year (the first in
            ledger order, with the object API's message).
        PolicyError: ``policy`` is neither a LagPolicy nor a GapPolicy; a
            tolerance has more than 6 decimal places, or a gap threshold a
            numerator over 10^6 or a denominator over 10^4.
    """
    if isinstance(policy, GapPolicy):
        return _judge_gap(tables, as_of, _gap_policy(policy), lenient=lenient)
    if isinstance(policy, NodePolicy):
        return _judge_nodes(tables, as_of, policy)
    if isinstance(policy, SiteActivityPolicy):
        return _judge_site(tables, as_of, policy)
    chosen = _lag_policy(policy)
    as_of = plain_date_arg(as_of, "as_of")
    year = year_arg(as_of.year, "as_of.year")
    last = last_complete_month(as_of)
    ended = last.month if last.year == year else 0  # before 31 January no month has ended
    frame = _year(tables, year, chosen).with_columns(_stages_at(tables, {"stage": as_of})["stage"])
    frame = frame.with_columns(in_scope=pl.col("stage").is_in([s.value for s in chosen.stages]))
    if not lenient:
        missing = frame.filter(pl.col("in_scope") & ~pl.col("planned"))
        if missing.height:
            _raise_no_plan(tables, missing["key"][0], as_of, chosen)
    run = pl.col(f"run_{ended}") if ended else pl.lit(0, pl.Int32)
    judged = pl.col("in_scope") & pl.col("planned") & pl.lit(ended > 0)
    judged_reason = pl.when(run > 0).then(pl.lit("streak")).otherwise(_month_code(max(ended, 1)))
    first_reason = _first_reason("planned", ended, judged_reason)
    frame = frame.with_columns(
        pl.when(judged).then(_light(chosen, run)).alias("light"),
        pl.when(judged).then(run).otherwise(0).cast(pl.Int32).alias("severity"),
        first_reason.alias("reason"),
        pl.lit(last.first_day).alias("last"),
    )
    verdicts = frame.select("key", "light", "severity", "reason", "stage", "last")
    return LightFrames(verdicts, _reasons(frame, chosen, year, ended), as_of, chosen.name)


_MAX_NUMERATOR: Final = 10**6


def _gap_policy(policy: GapPolicy) -> GapPolicy:
    for field in ("yellow_at", "red_at"):
        value = getattr(policy, field)
        if abs(value.numerator) > _MAX_NUMERATOR or value.denominator > _MAX_DENOMINATOR // 100:
            raise PolicyError.about(
                field, "a threshold of numerator <= 10^6 and denominator <= 10^4", value
            )
    return policy


def _beyond(numerator: Any, denominator: Any, threshold: Any, *, inclusive: bool) -> Any:
    """``numerator / denominator`` reaches ``threshold`` (a Fraction), in exact arithmetic."""
    left, right = numerator * threshold.denominator, denominator * threshold.numerator
    return left >= right if inclusive else left > right


def _judge_gap(
    tables: LedgerTables, as_of: dt.date, policy: GapPolicy, *, lenient: bool
) -> LightFrames:
    """:func:`judge_tables` for a :class:`~projpush.lights.GapPolicy`.

    The shortfall is ``gap_numerator / gap_denominator``: with progress
    ``p/q`` and completion ``done/annual``, ``100 (p annual − q done) /
    (q annual)`` points, or that over the progress (``/ (p annual)``) for
    the relative measure. The light compares it with the thresholds in
    exact arithmetic.
    """
    as_of = plain_date_arg(as_of, "as_of")
    year = year_arg(as_of.year, "as_of.year")
    if policy.cutoff is Cutoff.PREVIOUS_MONTH:
        last = Month.of(as_of) - 1
    else:
        last = last_complete_month(as_of)
    ended = last.month if last.year == year else 0
    frame = _year(tables, year, LagPolicy(stages=policy.stages))
    frame = frame.with_columns(_stages_at(tables, {"stage": as_of})["stage"])
    plans = (
        _frame(tables.annual_plans)
        .filter(pl.col("year") == year)
        .select("key", pl.col("plan").alias("annual"))
    )
    frame = frame.join(plans, on="key", how="left", maintain_order="left").with_columns(
        in_scope=pl.col("stage").is_in([s.value for s in policy.stages]),
        has_plan=(pl.col("annual") > _ZERO).fill_null(value=False),
    )
    if not lenient:
        missing = frame.filter(pl.col("in_scope") & ~pl.col("has_plan"))
        if missing.height:
            _raise_no_plan(tables, missing["key"][0], as_of, policy)
    progress = time_progress(last.last_day, policy.basis) if ended else Fraction(0)
    p, q = progress.numerator, progress.denominator
    done = pl.col(f"cum_done_{ended}") if ended else _ZERO
    annual = pl.col("annual")
    numerator = (annual * p - done * q) * 100
    denominator = annual * (p if policy.measure is GapMeasure.RELATIVE else q)
    light = (
        pl.when(_beyond(numerator, denominator, policy.red_at, inclusive=policy.red_inclusive))
        .then(pl.lit(Light.RED.value))
        .when(_beyond(numerator, denominator, policy.yellow_at, inclusive=policy.yellow_inclusive))
        .then(pl.lit(Light.YELLOW.value))
        .otherwise(pl.lit(Light.GREEN.value))
        .cast(LIGHTS)
    )
    judged = pl.col("in_scope") & pl.col("has_plan") & pl.lit(ended > 0)
    reason = _first_reason("has_plan", ended, pl.lit(policy.measure.value))
    frame = frame.with_columns(
        pl.when(judged).then(light).alias("light"),
        reason.alias("reason"),
        pl.lit(last.first_day).alias("last"),
        pl.when(judged).then(done).alias("done"),
        pl.when(judged).then(numerator).alias("gap_numerator"),
        pl.when(judged).then(denominator).alias("gap_denominator"),
    )
    verdicts = frame.select(
        "key",
        "light",
        "reason",
        "stage",
        "last",
        "done",
        "annual",
        "gap_numerator",
        "gap_denominator",
    )
    unreported = [
        frame.filter(pl.col("light").is_not_null() & pl.col(f"done_{k}").is_null()).select(
            "seq", "key", pl.lit(dt.date(year, k, 1)).alias("month"), code=pl.lit("unreported")
        )
        for k in range(1, ended + 1)
    ]
    schema = {"seq": pl.Int32, "key": pl.String, "month": pl.Date, "code": pl.String}
    reasons = pl.concat([pl.DataFrame(schema=schema), *unreported]).sort("seq", "month")
    return LightFrames(verdicts, reasons.drop("seq"), as_of, policy.name)


def _judge_nodes(tables: LedgerTables, as_of: dt.date, policy: NodePolicy) -> LightFrames:
    """:func:`judge_tables` for a :class:`~projpush.lights.NodePolicy` (Dalian's node tasks).

    Each milestone is judged on ``as_of`` as
    :func:`projpush.schedule.milestone_timing` does. It is *missed* when it
    is open past its planned day (or on it, with ``missed_on_due_day``). It
    is *late* when it was done after its planned day, within the month of
    ``as_of``. It is *slow* when it is open and its percent trails the
    elapsed share of its window by more than the slack. The share is
    compared exactly, by cross-multiplication.
    """
    as_of = plain_date_arg(as_of, "as_of")
    period_start = Month.of(as_of).first_day
    planned, start = pl.col("planned"), pl.col("start")
    done = pl.when(pl.col("done") <= as_of).then(pl.col("done"))
    is_open = done.is_null()
    missed = is_open & ((planned < as_of) | ((planned == as_of) & policy.missed_on_due_day))
    days = (pl.lit(as_of) - planned).dt.total_days()
    late = ~is_open & (done > planned) & (done >= period_start)
    # The elapsed share of the window, numerator over denominator, as _expected_share.
    window = (planned - start).dt.total_days() + 1
    share_n = (
        pl.when(pl.lit(as_of) >= planned)
        .then(1)
        .when(pl.lit(as_of) < start)
        .then(0)
        .otherwise((pl.lit(as_of) - start).dt.total_days() + 1)
    )
    share_d = (
        pl.when((pl.lit(as_of) >= planned) | (pl.lit(as_of) < start)).then(1).otherwise(window)
    )
    behind_n = share_n * 100 - pl.col("percent") * share_d  # points behind = behind_n / share_d
    slack = policy.slack_points
    slow = (
        is_open
        & ~missed
        & start.is_not_null()
        & pl.col("percent").is_not_null()
        & (behind_n * slack.denominator > share_d * slack.numerator)
    )
    milestones = _frame(tables.milestones).with_columns(
        missed=missed,
        late=late.fill_null(value=False),
        slow=slow.fill_null(value=False),
        due=~missed & (planned <= as_of),
        days_late=pl.when(missed).then(days).when(late).then((done - planned).dt.total_days()),
        behind_numerator=pl.when(slow).then(behind_n),
        behind_denominator=pl.when(slow).then(share_d),
    )
    counts = milestones.group_by("key").agg(
        pl.len().alias("milestones"),
        *(pl.col(c).sum().cast(pl.Int64) for c in ("missed", "late", "slow", "due")),
        pl.col("days_late").filter(pl.col("missed")).max().alias("worst_missed"),
        pl.col("days_late").filter(pl.col("late")).max().alias("worst_late"),
    )
    frame = (
        _stages_at(tables, {"stage": as_of})
        .with_columns(in_scope=pl.col("stage").is_in([s.value for s in policy.stages]))
        .join(counts, on="key", how="left", maintain_order="left")
        .with_columns(pl.col("milestones").fill_null(0))
    )
    judged = pl.col("in_scope") & (pl.col("milestones") > 0)
    light = (
        pl.when(pl.col("missed") > 0)
        .then(pl.lit(Light.RED.value))
        .when((pl.col("late") + pl.col("slow")) > 0)
        .then(pl.lit(Light.YELLOW.value))
        .otherwise(pl.lit(Light.GREEN.value))
        .cast(LIGHTS)
    )
    first = (
        pl.when(~pl.col("in_scope"))
        .then(pl.lit("not_judged"))
        .when(pl.col("milestones") == 0)
        .then(pl.lit("no_milestones"))
        .when(pl.col("missed") > 0)
        .then(pl.lit("missed"))
        .when((pl.col("late") + pl.col("slow")) > 0)
        .then(pl.lit("late"))  # refined below: the first slow reason may be "slow"
        .otherwise(pl.lit("on_schedule"))
    )
    frame = frame.with_columns(pl.when(judged).then(light).alias("light"), first.alias("reason"))
    reasons = _node_reasons(milestones, frame)
    first_code = reasons.group_by("key", maintain_order=True).agg(pl.col("code").first())
    verdicts = (
        frame.join(first_code, on="key", how="left", maintain_order="left")
        .with_columns(
            reason=pl.when(pl.col("light") == "yellow").then("code").otherwise("reason"),
            severity=pl.when(pl.col("light") == "red").then("worst_missed"),
        )
        .select(
            "key",
            "light",
            "reason",
            "stage",
            "severity",
            "missed",
            "late",
            "slow",
            "due",
        )
    )
    return LightFrames(verdicts, reasons, as_of, policy.name)


def _judge_site(tables: LedgerTables, as_of: dt.date, policy: SiteActivityPolicy) -> LightFrames:
    """:func:`judge_tables` for a :class:`~projpush.lights.SiteActivityPolicy` (site video).

    The idle span runs from the first idle observation after the last active
    one to the latest observation on or before ``as_of``, in calendar days.
    """
    as_of = plain_date_arg(as_of, "as_of")
    day = pl.col("day")
    seen = _frame(tables.site_observations).filter(day <= as_of)
    last_active = day.filter(pl.col("active")).max()
    spans = (
        seen.with_columns(last_active=last_active.over("key"))
        .group_by("key")
        .agg(
            pl.col("day").max().alias("last_seen"),
            pl.col("last_active").first(),
            day.filter(
                ~pl.col("active")
                & (pl.col("last_active").is_null() | (day > pl.col("last_active")))
            )
            .min()
            .alias("first_idle"),
        )
    )
    idle_days = ((pl.col("last_seen") - pl.col("first_idle")).dt.total_days() + 1).fill_null(0)
    red = policy.red_after_days
    light = (
        pl.when((idle_days > red) if red is not None else pl.lit(value=False))
        .then(pl.lit(Light.RED.value))
        .when(idle_days > policy.yellow_after_days)
        .then(pl.lit(Light.YELLOW.value))
        .otherwise(pl.lit(Light.GREEN.value))
        .cast(LIGHTS)
    )
    frame = (
        _stages_at(tables, {"stage": as_of})
        .with_columns(in_scope=pl.col("stage").is_in([s.value for s in policy.stages]))
        .join(spans, on="key", how="left", maintain_order="left")
    )
    observed = pl.col("last_seen").is_not_null()
    judged = pl.col("in_scope") & observed
    reason = (
        pl.when(~pl.col("in_scope"))
        .then(pl.lit("not_judged"))
        .when(~observed)
        .then(pl.lit("no_observations"))
        .when(idle_days > policy.yellow_after_days)
        .then(pl.lit("idle"))
        .otherwise(pl.lit("active"))
    )
    verdicts = frame.select(
        "key",
        pl.when(judged).then(light).alias("light"),
        reason.alias("reason"),
        "stage",
        pl.when(judged).then(idle_days).alias("idle_days"),
        pl.when(judged).then(pl.col("first_idle")).alias("first_idle"),
        pl.when(judged).then(pl.col("last_seen")).alias("last_seen"),
        pl.when(judged).then(pl.col("last_active")).alias("last_active"),
    )
    empty = pl.DataFrame(schema={"key": pl.String})
    return LightFrames(verdicts, empty, as_of, policy.name)


def _node_reasons(milestones: Any, frame: Any) -> Any:
    """A row per missed, late or slow milestone of a judged project, in the order of its reasons.

    Missed milestones come first, then the late and slow ones, each in
    milestone order; a milestone both late and slow is late first.
    """
    judged = frame.filter(pl.col("light").is_not_null()).select(
        pl.col("seq").alias("project_seq"), "key"
    )
    rows = milestones.join(judged, on="key", how="inner")
    columns = ("key", "name", "code", "days_late", "behind_numerator", "behind_denominator")
    parts = [
        rows.filter(pl.col(code)).with_columns(
            code=pl.lit(code), order=pl.lit(order), part=pl.lit(part)
        )
        for code, order, part in (("missed", 0, 0), ("late", 1, 0), ("slow", 1, 1))
    ]
    combined = pl.concat(parts).sort("project_seq", "order", "seq", "part")
    return combined.select(
        *columns[:3],
        pl.when(pl.col("code") != "slow").then("days_late").alias("days_late"),
        pl.when(pl.col("code") == "slow").then("behind_numerator").alias("behind_numerator"),
        pl.when(pl.col("code") == "slow").then("behind_denominator").alias("behind_denominator"),
    )


def _first_reason(planned: str, ended: int, judged: Any) -> Any:
    """The code of a verdict's first reason: why it was not judged, else ``judged``'s.

    The order is the object rules': the stage first, then the plan, then
    whether a month has ended.
    """
    return (
        pl.when(~pl.col("in_scope"))
        .then(pl.lit("not_judged"))
        .when(~pl.col(planned))
        .then(pl.lit("no_plan"))
        .when(pl.lit(ended == 0))
        .then(pl.lit("no_month_yet"))
        .otherwise(judged)
    )


def _month_code(k: int) -> Any:
    return (
        pl.when(pl.col(f"done_{k}").is_null())
        .then(pl.lit("unreported"))
        .when(pl.col(f"lag_{k}"))
        .then(pl.lit("below"))
        .otherwise(pl.lit("met"))
    )


def _reasons(frame: Any, policy: LagPolicy, year: int, ended: int) -> Any:
    """The month reasons of the judged verdicts: the streak's months, or the month judged.

    An unreported month shows the cumulative plan; a month reported shows
    the figures compared, cumulative or the month's own.
    """
    judged = frame.filter(pl.col("light").is_not_null())
    monthly = policy.requirement is Requirement.MONTHLY
    tolerance = pl.lit(policy.tolerance, dtype=pl.Decimal(38, 12)).alias("tolerance")
    # The months shown: the streak's, or the month judged when there is no streak.
    shown = pl.max_horizontal(pl.col("severity"), pl.lit(1))
    parts = []
    for k in range(1, ended + 1):
        done = pl.col(f"done_{k}")
        compared = (
            (done, pl.col(f"plan_{k}").fill_null(_ZERO))
            if monthly
            else (pl.col(f"cum_done_{k}"), pl.col(f"cum_plan_{k}"))
        )
        parts.append(
            judged.filter(pl.lit(ended - k) < shown).select(
                "seq",
                "key",
                pl.lit(dt.date(year, k, 1)).alias("month"),
                _month_code(k).alias("code"),
                pl.when(done.is_not_null()).then(compared[0]).alias("done"),
                pl.when(done.is_not_null())
                .then(compared[1])
                .otherwise(pl.col(f"cum_plan_{k}"))
                .alias("plan"),
                tolerance,
            )
        )
    if not parts:
        schema = {"key": pl.String, "month": pl.Date, "code": pl.String}
        money = {"done": pl.Decimal(38, 12), "plan": pl.Decimal(38, 12)}
        return pl.DataFrame(schema={**schema, **money, "tolerance": pl.Decimal(38, 12)})
    return pl.concat(parts).sort("seq", "month").drop("seq")


def light_map_table(
    tables: LedgerTables,
    as_of: dt.date,
    policy: LightPolicy | None = None,
) -> Any:
    """The light of every project at each month end of ``as_of``'s year up to ``as_of``.

    The cells of :func:`projpush.lights.light_map` (lenient), as a map: one
    row per project in ledger order, ``key`` and a column per month ended on
    ``as_of`` (``"2020-01"``, ...), holding :data:`LIGHTS` (null: not
    judged). Months that have not ended are not judged, so they have no
    column.

    Raises:
        ValidationError: ``as_of`` is not a date.
        PolicyError: as :func:`judge_tables`.
    """
    chosen = _lag_policy(policy)
    as_of = plain_date_arg(as_of, "as_of")
    year = year_arg(as_of.year, "as_of.year")
    last = last_complete_month(as_of)
    ended = last.month if last.year == year else 0
    frame = _year(tables, year, chosen)
    return frame.select(
        "key",
        *(
            pl.when(pl.col(f"judged_{k}") & pl.col("planned"))
            .then(_light(chosen, pl.col(f"run_{k}")))
            .alias(str(Month(year, k)))
            for k in range(1, ended + 1)
        ),
    )


def _raise_no_plan(tables: LedgerTables, key: str, as_of: dt.date, policy: LightPolicy) -> None:
    """Raise the object API's error for the project ``key``, which has no plan for the year."""
    project = _project(tables, key)
    policy.judge(project, as_of)
    msg = f"project {key}: no monthly plan for {as_of.year}"  # pragma: no cover (judge raised)
    raise ValidationError(msg, field="monthly_plan", expected="a plan", got=key)


def _projects(tables: LedgerTables, keys: Any) -> tuple[Any, ...]:
    """The object :class:`~projpush.model.Project` of each key, built from its own rows only."""
    from projpush.engine.tables import LedgerTables as Tables  # noqa: PLC0415
    from projpush.engine.tables import to_portfolio  # noqa: PLC0415

    pa = require("pyarrow", extra="engine", user="projpush.engine")
    pc = require("pyarrow.compute", extra="engine", user="projpush.engine")
    wanted = pa.array(list(keys), pa.string())
    names = ("projects", "annual_plans", "monthly", "milestones", "approvals", "stage_events")
    some = {
        name: getattr(tables, name).filter(pc.is_in(getattr(tables, name)["key"], wanted))
        for name in (*names, "site_observations")
    }
    rest = {name: t.slice(0, 0) for name, t in tables if name not in some}
    portfolio: Portfolio = to_portfolio(Tables(**some, **rest))
    return portfolio.projects


def _project(tables: LedgerTables, key: str) -> Any:
    """The object :class:`~projpush.model.Project` of ``key``, built from its rows only."""
    found = _projects(tables, [key])
    if not found:
        raise ValidationError.about("key", "a project key of the ledger", key)
    return found[0]


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


def verdicts_of(
    tables: LedgerTables,
    frames: LightFrames,
    keys: Any,
    policy: LightPolicy | None = None,
) -> tuple[Verdict, ...]:
    """The object verdicts, with their reasons, of the judged projects ``keys``, in that order.

    What :func:`explain` gives for one project, for many at once: a report
    lists each red and yellow project with its reasons. ``frames`` are
    :func:`judge_tables` of ``tables`` under ``policy``, and each key must
    have a light there. Under a :class:`~projpush.lights.LagPolicy` the
    verdicts are made from the frames' streaks and the year's amounts, by
    the object rule's own code for the sentences, without building the
    projects; under another policy the projects are built from their rows
    and judged by the object rule.

    Raises:
        ValidationError: a key has no light in ``frames``.
    """
    keys = list(keys)
    judged = frames.verdicts.filter(pl.col("light").is_not_null())
    lag = isinstance(policy, LagPolicy) or policy is None
    severity = judged["severity"] if lag else pl.repeat(0, judged.height, eager=True)
    found = dict(zip(judged["key"].to_list(), severity.to_list(), strict=True))
    missing = next((k for k in keys if k not in found), None)
    if missing is not None:
        raise ValidationError.about("keys", "keys of projects judged in frames", missing)
    chosen = LagPolicy.ningbo() if policy is None else policy
    if not isinstance(chosen, LagPolicy):
        projects = {p.key: p for p in _projects(tables, keys)}
        return tuple(chosen.judge(projects[k], frames.as_of) for k in keys)
    as_of = frames.as_of
    last = last_complete_month(as_of)
    amounts = _amounts(tables, keys, last)
    return tuple(
        chosen._streak_verdict(key, as_of, last, *amounts[key], int(found[key]))  # noqa: SLF001
        for key in keys
    )


def _amounts(
    tables: LedgerTables, keys: list[str], last: Month
) -> dict[str, tuple[list[Decimal], list[Decimal | None]]]:
    """Each key's twelve plans and reports of ``last``'s year, as the object rule reads them.

    A plan absent for a month is 0, a report absent is None, and the months
    after ``last`` are left so (the reasons never read them); each amount is
    the one :func:`~projpush.engine.to_portfolio` gives, trailing zeros dropped.
    """
    rows = (
        _frame(tables.monthly)
        .filter(
            pl.col("key").is_in(keys)
            & pl.col("month").is_between(dt.date(last.year, 1, 1), last.first_day)
        )
        .select("key", pl.col("month").dt.month() - 1, _plain_text("plan"), _plain_text("done"))
    )
    amounts: dict[str, tuple[list[Decimal], list[Decimal | None]]] = {
        k: ([_NIL] * 12, [None] * 12) for k in keys
    }
    for key, i, plan, done in rows.iter_rows():
        plans, dones = amounts[key]
        if plan is not None:
            plans[i] = Decimal(plan)
        if done is not None:
            dones[i] = Decimal(done)
    return amounts


_NIL: Final = Decimal(0)


def _plain_text(column: str) -> Any:
    """A money column as the text of its value without trailing zeros: ``479.33``, ``1000``."""
    text = pl.col(column).cast(pl.String)
    plain = text.str.strip_chars_end("0").str.strip_chars_end(".")
    return pl.when(text.str.contains(".", literal=True)).then(plain).otherwise(text).alias(column)
