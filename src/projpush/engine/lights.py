"""Lights over the ledger's tables, column-wise: the engine's :mod:`projpush.lights`.

The lag, gap, node and site-activity policies are computed here, and the
worst of any of them (:class:`~projpush.lights.WorstOf`, nested or not);
a policy of one's own is refused naming the object API.
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
    WorstOf,
    _rank,
)
from projpush.model import Month, Portfolio, Project, Stage, StageEventKind
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
    gap, node, site or worst-of policy ``verdicts`` and ``reasons`` carry
    that rule's figures instead (``docs/tables.md`` lists them); ``key``,
    ``light``, ``reason`` and ``stage`` are always there. Under a
    :class:`~projpush.lights.WorstOf` the severity is exact as
    ``severity_numerator / severity_denominator``, ``reasons`` holds every
    member's reason rows with the member's name in ``policy``, and
    ``parts`` holds the members' own frames.

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
        parts: under a :class:`~projpush.lights.WorstOf`, the frames of
            its policies, in its order (lenient: a project a policy cannot
            judge is a ``no_plan`` row there); empty otherwise.
    """

    verdicts: Any
    reasons: Any
    as_of: dt.date
    policy: str
    parts: tuple[LightFrames, ...] = ()


def _lag_policy(policy: LightPolicy | None) -> LagPolicy:
    chosen = LagPolicy.ningbo() if policy is None else policy
    if not isinstance(chosen, LagPolicy):
        name = getattr(chosen, "name", type(chosen).__name__)
        msg = (
            f"policy: the table engine computes the lag, gap, node and site policies' lights "
            f"and the worst of them; use the object API "
            f"(projpush.lights.judge_portfolio) for {name!r}"
        )
        raise PolicyError(msg, field="policy", expected=_COMPUTED, got=name)
    _, denominator = chosen.tolerance.as_integer_ratio()
    if denominator > _MAX_DENOMINATOR:
        raise PolicyError.about(
            "tolerance", "a factor with at most 6 decimal places for the engine", chosen.tolerance
        )
    return chosen


_COMPUTED: Final = "a LagPolicy, GapPolicy, NodePolicy, SiteActivityPolicy or a WorstOf of them"


def _computed(policy: LightPolicy) -> LightPolicy:
    """``policy``, or its refusal naming it if the engine does not compute it.

    A :class:`~projpush.lights.WorstOf` is computed when each of its
    policies is; the first that is not is named, before any work is done.
    """
    if isinstance(policy, WorstOf):
        for member in policy.policies:
            _computed(member)
        return policy
    if isinstance(policy, GapPolicy):
        return _gap_policy(policy)
    if isinstance(policy, NodePolicy | SiteActivityPolicy):
        return policy
    return _lag_policy(policy)


def _frame(table: Any) -> Any:
    """A polars frame of an Arrow table, enums as text."""
    frame = pl.from_arrow(table)
    return frame.with_columns(pl.col(pl.Categorical).cast(pl.String))


_ZERO: Final = pl.lit(Decimal(0), dtype=pl.Decimal(38, 12))


# The stages last computed, by the identity of the tables they came from (Arrow tables
# never change): a monthly cycle asks for every project's stage on the report date when
# it judges the lights, and again for the summary and the gaps.
_STAGES: list[Any] = []


def _stages_at(tables: LedgerTables, days: dict[str, dt.date]) -> Any:
    """One row per project in ledger order: ``seq``, ``key`` and its stage on each of ``days``.

    ``days`` maps a column name to its day. As
    :meth:`projpush.model.Project.stage_at`: the stage after the last event
    on or before the day; before the first event a project is reserved,
    unless it is still planned or reserved now.
    """
    sources, asked = (tables.projects, tables.stage_events), tuple(days.items())
    held = bool(_STAGES) and all(a is b for a, b in zip(_STAGES[0], sources, strict=True))
    if held and _STAGES[1] == asked:
        return _STAGES[2]
    frame = _stages_on(tables, days)
    _STAGES[:] = [sources, asked, frame]
    return frame


def _stages_on(tables: LedgerTables, days: dict[str, dt.date]) -> Any:
    """:func:`_stages_at`, computed."""
    events = (
        _frame(tables.stage_events)
        .sort("key", "seq")
        .select("key", "on", pl.col("kind").replace_strict(_AFTER).alias("after"))
    )
    names = {f"__at_{i}": name for i, name in enumerate(days)}  # apart from the project columns
    reached = events.group_by("key").agg(
        *(
            # the stage after the last event on or before the day (``after`` is never missing)
            pl.when(pl.col("on") <= day).then("after").last(ignore_nulls=True).alias(at)
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


# The streaks of the last year computed, by the identity of the tables they came from
# (Arrow tables never change): a monthly cycle judges the projects and then draws the
# light map from the same streaks. Only the map's columns are kept, so that a million
# projects' monthly figures are not held beyond the call that needed them.
_KEPT: list[Any] = []


def _year(tables: LedgerTables, year: int, policy: LagPolicy) -> Any:
    """:func:`_streaks`, its map's columns kept for :func:`_year_map`."""
    frame = _streaks(tables, year, policy)
    _KEPT[:] = [_sources(tables), (year, policy), _map_columns(frame)]
    return frame


def _year_map(tables: LedgerTables, year: int, policy: LagPolicy) -> Any:
    """The columns of :func:`_streaks` a light map reads (key, planned, judged_k, run_k)."""
    if (
        _KEPT
        and all(a is b for a, b in zip(_KEPT[0], _sources(tables), strict=True))
        and _KEPT[1] == (year, policy)
    ):
        return _KEPT[2]
    return _year(tables, year, policy)


def _sources(tables: LedgerTables) -> tuple[Any, ...]:
    return (tables.projects, tables.monthly, tables.stage_events)


def _map_columns(frame: Any) -> Any:
    months = range(1, 13)
    return frame.select(
        "key", "planned", *(f"judged_{k}" for k in months), *(f"run_{k}" for k in months)
    )


def _streaks(tables: LedgerTables, year: int, policy: LagPolicy) -> Any:
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
    frame = (
        stages.lazy()
        .join(figures.lazy(), on="key", how="left", maintain_order="left")
        .with_columns(pl.col("planned").fill_null(value=False))
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
    return frame.collect()


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
        policy: a :class:`~projpush.lights.LagPolicy` (default: Ningbo's),
            :class:`~projpush.lights.GapPolicy` (Yinchuan's, Sanya's, yours),
            :class:`~projpush.lights.NodePolicy`,
            :class:`~projpush.lights.SiteActivityPolicy`, or a
            :class:`~projpush.lights.WorstOf` of them, nested or not.
        lenient: show a project without a monthly plan for the year as not
            judged (reason ``no_plan``) instead of raising. Under a
            ``WorstOf``, a project any of its policies cannot judge is so
            shown, as :func:`~projpush.lights.judge_portfolio` shows it.

    Raises:
        ValidationError: ``as_of`` is not a date; or, unless ``lenient``, a
            project in scope has no monthly plan (or, under a gap policy, no
            annual plan) for the year: the first in ledger order, with the
            object API's message (under a ``WorstOf``, its first policy's
            that cannot judge the project).
        PolicyError: ``policy`` (or a policy of a ``WorstOf``) is none of
            these; a tolerance has more than 6 decimal places, or a gap
            threshold a numerator over 10^6 or a denominator over 10^4.
    """
    if isinstance(policy, WorstOf):
        return _judge_worst(tables, as_of, policy, lenient=lenient)
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
    last = _gap_cutoff(policy, as_of)
    ended = last.month if last.year == year else 0
    frame = _gap_year(tables, year, policy)
    frame = frame.with_columns(_stages_at(tables, {"stage": as_of})["stage"]).with_columns(
        in_scope=pl.col("stage").is_in([s.value for s in policy.stages])
    )
    if not lenient:
        missing = frame.filter(pl.col("in_scope") & ~pl.col("has_plan"))
        if missing.height:
            _raise_no_plan(tables, missing["key"][0], as_of, policy)
    light, done, numerator, denominator = _gap_light(policy, last, ended)
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


def _gap_cutoff(policy: GapPolicy, as_of: dt.date) -> Month:
    """The last month whose investment a judgement on ``as_of`` counts."""
    if policy.cutoff is Cutoff.PREVIOUS_MONTH:
        previous: Month = Month.of(as_of) - 1  # Month - int is a Month (Month - Month an int)
        return previous
    return last_complete_month(as_of)


def _gap_year(tables: LedgerTables, year: int, policy: GapPolicy) -> Any:
    """:func:`_year` in the policy's stages, with the annual plan (``annual``, ``has_plan``)."""
    plans = (
        _frame(tables.annual_plans)
        .filter(pl.col("year") == year)
        .select("key", pl.col("plan").alias("annual"))
    )
    frame = _year(tables, year, LagPolicy(stages=policy.stages))
    return frame.join(plans, on="key", how="left", maintain_order="left").with_columns(
        has_plan=(pl.col("annual") > _ZERO).fill_null(value=False)
    )


def _gap_light(policy: GapPolicy, last: Month, ended: int) -> tuple[Any, Any, Any, Any]:
    """The light, year-to-date amount and exact shortfall through ``last``, over :func:`_gap_year`.

    ``ended`` is ``last``'s month, or 0 when it is not of the year.
    """
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
    return light, done, numerator, denominator


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
        pl.when("missed").then("days_late").max().alias("worst_missed"),
        pl.when("late").then("days_late").max().alias("worst_late"),
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
    last_active = pl.when("active").then(day).max()
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


# --------------------------------------------------------------------------- worst of

_MONEY: Final = pl.Decimal(38, 12)
_ONE: Final = pl.lit(Decimal(1), dtype=_MONEY)
# The float quotient of two decimal128 values errs by a few units in its 16th digit: values
# further apart than this are ordered by their floats, nearer ones by Fractions.
_NEAR: Final = 1e-9


def _code(light: Any) -> Any:
    """A light as a code, in the order of "worse": 0 not judged, 1 green, 2 yellow, 3 red."""
    return (light.to_physical().cast(pl.Int8) + 1).fill_null(0)


def _from_code(code: Any) -> Any:
    """The light of a :func:`_code` (null for 0)."""
    expr = pl.when(code == 3).then(pl.lit(Light.RED.value))
    expr = expr.when(code == 2).then(pl.lit(Light.YELLOW.value))
    return expr.when(code == 1).then(pl.lit(Light.GREEN.value)).cast(LIGHTS)


def _judge_worst(
    tables: LedgerTables, as_of: dt.date, policy: WorstOf, *, lenient: bool
) -> LightFrames:
    """:func:`judge_tables` for a :class:`~projpush.lights.WorstOf`, as ``WorstOf.judge``.

    Each policy is judged leniently, into :attr:`LightFrames.parts`. A
    project one of them cannot judge (its ``no_plan`` row) is the ``no_plan``
    row, as the lenient object roll-up shows the error ``WorstOf.judge``
    raises; without ``lenient`` the first such project, in ledger order, is
    rebuilt and judged by the object rule, which raises its error. Any other
    project gets the worst light, its first policy's first reason, and the
    largest severity among the policies that gave the worst light: exact, as
    ``severity_numerator / severity_denominator``.
    """
    _computed(policy)
    as_of = plain_date_arg(as_of, "as_of")
    parts = tuple(judge_tables(tables, as_of, p, lenient=True) for p in policy.policies)
    frame = pl.concat(
        [
            parts[0].verdicts.select("key", "reason", "stage"),
            *(
                part.verdicts.select(
                    _code(pl.col("light")).alias(f"code_{j}"),
                    (pl.col("reason") == "no_plan").alias(f"raised_{j}"),
                ).hstack(_severity(member, part).rename({"num": f"num_{j}", "den": f"den_{j}"}))
                for j, (member, part) in enumerate(zip(policy.policies, parts, strict=True))
            ),
        ],
        how="horizontal",
    )
    indices = range(len(parts))
    frame = frame.with_columns(
        worst=pl.max_horizontal(f"code_{j}" for j in indices),
        raised=pl.any_horizontal(f"raised_{j}" for j in indices),
    )
    if not lenient:
        missing = frame.filter("raised")
        if missing.height:
            _raise_no_plan(tables, missing["key"][0], as_of, policy)
    candidates = pl.concat(
        frame.filter(~pl.col("raised") & (pl.col(f"code_{j}") == pl.col("worst"))).select(
            "key", pl.col(f"num_{j}").alias("num"), pl.col(f"den_{j}").alias("den")
        )
        for j in indices
    )
    verdicts = frame.join(_largest(candidates), on="key", how="left", maintain_order="left").select(
        "key",
        pl.when(~pl.col("raised")).then(_from_code(pl.col("worst"))).alias("light"),
        pl.when(pl.col("raised")).then(pl.lit("no_plan")).otherwise("reason").alias("reason"),
        "stage",
        pl.col("num").fill_null(_ZERO).alias("severity_numerator"),
        pl.col("den").fill_null(_ONE).alias("severity_denominator"),
    )
    kept = frame.filter(~pl.col("raised")).select("key", at=pl.int_range(pl.len()))
    named = [
        part.reasons
        if "policy" in part.reasons.columns  # a nested WorstOf's rows name their own policies
        else part.reasons.with_columns(policy=pl.lit(part.policy))
        for part in parts
    ]
    reasons = (
        pl.concat(named, how="diagonal_relaxed")
        .join(kept, on="key", how="inner", maintain_order="left")
        .sort("at", maintain_order=True)
        .select("key", "policy", pl.exclude("key", "policy", "at"))
    )
    return LightFrames(verdicts, reasons, as_of, policy.name, parts)


def _severity(policy: LightPolicy, frames: LightFrames) -> Any:
    """``num`` and ``den``, a row per project in ledger order: the verdict's exact severity.

    As the object rules set it: the streak (lag), the shortfall when behind
    (gap), the worst days late of a missed milestone (red node) or the worst
    days late or points behind of a late or slow one (yellow node), the days
    idle (site), the worst-of's own; 0 otherwise.
    """
    verdicts = frames.verdicts
    if isinstance(policy, WorstOf):
        return verdicts.select(num=pl.col("severity_numerator"), den=pl.col("severity_denominator"))
    if isinstance(policy, LagPolicy):
        return verdicts.select(num=pl.col("severity").cast(_MONEY), den=_ONE)
    if isinstance(policy, GapPolicy):
        behind = pl.col("gap_numerator") > _ZERO  # null (not judged) is not behind
        return verdicts.select(
            num=pl.when(behind).then(pl.col("gap_numerator")).otherwise(_ZERO),
            den=pl.when(behind).then(pl.col("gap_denominator")).otherwise(_ONE),
        )
    shown = pl.col("light").is_in([Light.YELLOW.value, Light.RED.value])
    if isinstance(policy, SiteActivityPolicy):
        idle = pl.when(shown).then(pl.col("idle_days")).otherwise(0)
        return verdicts.select(num=idle.cast(_MONEY), den=_ONE)
    code, rows = pl.col("code"), frames.reasons
    late = rows.filter(code == "late").select("key", num=pl.col("days_late").cast(_MONEY), den=_ONE)
    slow = rows.filter(code == "slow").select(
        "key",
        num=pl.col("behind_numerator").cast(_MONEY),
        den=pl.col("behind_denominator").cast(_MONEY),
    )
    worst_slow = _largest(pl.concat([late, slow]))
    red, yellow = pl.col("light") == Light.RED.value, pl.col("light") == Light.YELLOW.value
    return (
        verdicts.select("key", "light", "severity")
        .join(worst_slow, on="key", how="left", maintain_order="left")
        .select(
            num=pl.when(red)
            .then(pl.col("severity").cast(_MONEY))
            .when(yellow)
            .then(pl.col("num"))
            .otherwise(_ZERO),
            den=pl.when(yellow).then(pl.col("den")).otherwise(_ONE),
        )
    )


def _largest(rows: Any) -> Any:
    """The row of each key (``key``, ``num``, ``den``) whose ``num / den`` is the largest.

    Exact, though comparing two quotients of ``decimal128(38, 12)`` values
    can take 70 digits: the quotients are ordered by their floats, and a key
    whose largest quotients lie within :data:`_NEAR` of each other, not all
    whole numbers (exact as floats), is decided by Fractions. ``den`` is
    positive and ``num`` not negative; of equal values the first row wins.
    """
    value = pl.col("num").cast(pl.Float64) / pl.col("den").cast(pl.Float64)
    whole = (pl.col("den") == 1) & (pl.col("num").floor() == pl.col("num"))
    rows = rows.with_columns(value=value, whole=whole)
    rows = rows.with_columns(top=pl.col("value").max().over("key"))
    near = pl.col("value") * (1 + _NEAR) >= pl.col("top")
    several = near.sum().over("key") > 1
    doubt = several & (near & ~pl.col("whole")).any().over("key") & (pl.col("top") > 0)
    rows = rows.with_columns(near=near, doubt=doubt)
    sure = (
        rows.filter(~pl.col("doubt") & (pl.col("value") == pl.col("top")))
        .group_by("key", maintain_order=True)
        .agg(pl.col("num").first(), pl.col("den").first())
    )
    doubtful = rows.filter(pl.col("doubt") & pl.col("near")).select("key", "num", "den")
    if not doubtful.height:
        return sure
    best: dict[str, tuple[Fraction, Decimal, Decimal]] = {}
    for key, num, den in doubtful.iter_rows():
        exact = Fraction(num) / Fraction(den)
        if key not in best or exact > best[key][0]:
            best[key] = (exact, num, den)
    decided = pl.DataFrame(
        [(key, num, den) for key, (_, num, den) in best.items()],
        schema={"key": pl.String, "num": _MONEY, "den": _MONEY},
        orient="row",
    )
    return pl.concat([sure, decided])


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

    Any policy :func:`judge_tables` takes: a lag policy's streaks come from
    one pass over the year, another policy's cells are its lenient lights at
    each month end. A :class:`~projpush.lights.WorstOf` is the worst of its
    policies' cells, and not judged in a month where one of them cannot
    judge the project: the object map judges each cell with
    ``WorstOf.judge``, leniently.

    Raises:
        ValidationError: ``as_of`` is not a date.
        PolicyError: as :func:`judge_tables`.
    """
    if policy is not None and not isinstance(policy, LagPolicy):
        other = _computed(policy)
        as_of = plain_date_arg(as_of, "as_of")
        year = year_arg(as_of.year, "as_of.year")
        last = last_complete_month(as_of)
        months = range(1, (last.month if last.year == year else 0) + 1)
        cells = _map_cells(tables, year, months, other)
        return cells.select(
            "key",
            *(
                pl.when(~pl.col(f"raised_{k}"))
                .then(_from_code(pl.col(f"code_{k}")))
                .alias(str(Month(year, k)))
                for k in months
            ),
        )
    chosen = _lag_policy(policy)
    as_of = plain_date_arg(as_of, "as_of")
    year = year_arg(as_of.year, "as_of.year")
    last = last_complete_month(as_of)
    ended = last.month if last.year == year else 0
    frame = _year_map(tables, year, chosen)
    return frame.select(
        "key",
        *(
            pl.when(pl.col(f"judged_{k}") & pl.col("planned"))
            .then(_light(chosen, pl.col(f"run_{k}")))
            .alias(str(Month(year, k)))
            for k in range(1, ended + 1)
        ),
    )


def _map_cells(tables: LedgerTables, year: int, months: range, policy: LightPolicy) -> Any:
    """The light map's cells of every project, a row per project in ledger order.

    ``key``, then for each month ``k`` of ``months``: ``code_k`` (as
    :func:`_code`) and ``raised_k``, true where the policy cannot judge the
    project at the month end (the lenient object cell is then not judged).
    """
    if isinstance(policy, LagPolicy):
        frame = _year_map(tables, year, policy)
        judged, planned = (pl.col(f"judged_{k}") for k in months), pl.col("planned")
        return frame.select(
            "key",
            *(
                column
                for k, at in zip(months, judged, strict=True)
                for column in (
                    pl.when(at & planned)
                    .then(_code(_light(policy, pl.col(f"run_{k}"))))
                    .otherwise(0)
                    .alias(f"code_{k}"),
                    (at & ~planned).alias(f"raised_{k}"),
                )
            ),
        )
    if isinstance(policy, WorstOf):
        parts = [_map_cells(tables, year, months, p) for p in policy.policies]
        worst = (
            pl.max_horizontal(p[f"code_{k}"] for p in parts).alias(f"code_{k}") for k in months
        )
        raised = (
            pl.any_horizontal(p[f"raised_{k}"] for p in parts).alias(f"raised_{k}") for k in months
        )
        return parts[0].select("key", *worst, *raised)
    if isinstance(policy, GapPolicy):  # one pass over the year, as for a lag policy
        frame = _gap_year(tables, year, policy)
        columns = []
        for k in months:
            last = _gap_cutoff(policy, Month(year, k).last_day)
            ended = last.month if last.year == year else 0
            light = _gap_light(policy, last, ended)[0]
            at, planned = pl.col(f"judged_{k}"), pl.col("has_plan")
            judged = at & planned & pl.lit(ended > 0)
            columns += [
                pl.when(judged).then(_code(light)).otherwise(0).alias(f"code_{k}"),
                (at & ~planned).alias(f"raised_{k}"),
            ]
        return frame.select("key", *columns)
    cells = [_frame(tables.projects).sort("seq").select("key")]
    for k in months:
        verdicts = judge_tables(tables, Month(year, k).last_day, policy, lenient=True).verdicts
        cells.append(
            verdicts.select(
                _code(pl.col("light")).alias(f"code_{k}"),
                (pl.col("reason") == "no_plan").alias(f"raised_{k}"),
            )
        )
    return pl.concat(cells, how="horizontal")


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
    and judged by the object rule. Under a
    :class:`~projpush.lights.WorstOf` each of its policies' verdicts is
    made so, from :attr:`LightFrames.parts`, and they are combined as
    ``WorstOf.judge`` combines them.

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
    if isinstance(chosen, WorstOf):
        return _worst_verdicts(tables, frames, keys, chosen, {})
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


def _worst_verdicts(
    tables: LedgerTables,
    frames: LightFrames,
    keys: list[str],
    policy: WorstOf,
    built: dict[str, Project],
) -> tuple[Verdict, ...]:
    """:func:`verdicts_of` under a :class:`~projpush.lights.WorstOf`, combined as ``WorstOf.judge``.

    Each policy's verdict on a project it judged comes from its part of
    ``frames`` by :func:`verdicts_of`'s own route (a lag policy's without
    building the project); any other is the object rule's on the project
    built from its rows, each project built once, into ``built``.

    Raises:
        ValidationError: ``frames`` are not a ``WorstOf``'s of as many policies.
    """
    if len(frames.parts) != len(policy.policies):
        expected = f"the judge_tables frames of {policy.name}"
        raise ValidationError.about("frames", expected, frames.policy)
    columns: list[dict[str, Verdict]] = []
    for member, part in zip(policy.policies, frames.parts, strict=True):
        made: dict[str, Verdict] = {}
        if isinstance(member, LagPolicy | WorstOf):
            judged = set(part.verdicts.filter(pl.col("light").is_not_null())["key"].to_list())
            inside = [k for k in keys if k in judged]
            if isinstance(member, WorstOf):
                got = _worst_verdicts(tables, part, inside, member, built)
            else:
                got = verdicts_of(tables, part, inside, member)
            made = dict(zip(inside, got, strict=True))
        rest = [k for k in keys if k not in made]
        missing = [k for k in dict.fromkeys(rest) if k not in built]
        if missing:
            built.update((p.key, p) for p in _projects(tables, missing))
        made.update((k, member.judge(built[k], frames.as_of)) for k in rest)
        columns.append(made)
    return tuple(_worst_verdict(policy.name, [made[k] for made in columns]) for k in keys)


def _worst_verdict(name: str, verdicts: list[Verdict]) -> Verdict:
    """The verdict ``WorstOf.judge`` makes of its policies' ``verdicts`` on one project."""
    worst = max((v.light for v in verdicts), key=_rank)
    severity = max((v.severity for v in verdicts if v.light is worst), default=Fraction(0))
    reasons = tuple(r for v in verdicts for r in v.reasons)
    first = verdicts[0]
    return Verdict(first.project, first.as_of, worst, reasons, name, severity)


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
