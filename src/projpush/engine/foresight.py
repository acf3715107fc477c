"""Foresight on the table engine: :mod:`projpush.foresight`'s forecast, column-wise.

:func:`forecast_table` gives, for every project of a ledger's tables, its
light now and at the next month ends under each
:class:`~projpush.foresight.Assumption`, and the least effort this month to
stay out of yellow and out of red. Two families are computed column-wise:

- a :class:`~projpush.lights.LagPolicy` (Ningbo's rule, the default): the
  year's streaks are the light map's own columns (``cum_plan_k``,
  ``cum_done_k``, ``run_k``), and a scenario adds the months assumed to them;
- a :class:`~projpush.lights.GapPolicy` (Yinchuan's, Sanya's): the year's
  completed amount through the cutoff is the reported months' sum plus the
  months assumed, compared with the thresholds exactly; the least amount is
  the bar where the shortfall leaves the threshold, one unit past it where
  the threshold belongs to the light.

Every other policy (Dalian's node tasks, the site cameras, a
:class:`~projpush.lights.WorstOf`, Wuhan's share, Tianjin's growth, your own)
falls back to the object route: the tables are read as projects
(:func:`~projpush.engine.tables.to_portfolio`) and
:func:`projpush.foresight.forecast` fills the same frame, its node tasks in
the ``*_milestones`` columns. Either way the frame is what the object
forecast gives, light for light and amount for amount (differential property
tests pin the column-wise families to it); the reasons are the object route's.

>>> import datetime as dt
>>> from projpush.engine import from_portfolio
>>> from projpush.synth import SAMPLE_AS_OF, sample_portfolio
>>> frame = forecast_table(from_portfolio(sample_portfolio()), SAMPLE_AS_OF)
>>> frame.columns[:5]
['key', 'now', '2020-11 plan', '2020-11 run_rate', '2020-11 nothing']
>>> frame.filter(frame["key"] == "2017-330200-48-01-313509")["red_amount"].to_list()
[Decimal('90641.000000000000')]
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, localcontext
from typing import TYPE_CHECKING, Any, Final

from projpush._convert import plain_date_arg
from projpush._extras import require
from projpush.engine.lights import (
    LIGHTS,
    _beyond,
    _frame,
    _gap_cutoff,
    _gap_policy,
    _gap_year,
    _light,
    _stages_at,
    _streaks,
    judge_tables,
)
from projpush.errors import PolicyError, ValidationError
from projpush.foresight import Assumption, forecast
from projpush.lights import (
    GapMeasure,
    GapPolicy,
    LagPolicy,
    Light,
    LightPolicy,
    Requirement,
    _default,
)
from projpush.schedule import last_complete_month, time_progress

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable

    from projpush.engine.tables import LedgerTables
    from projpush.model import Month

pl: Any = require("polars", extra="engine", user="projpush.engine")

__all__ = ["forecast_table"]

_ZERO: Final = Decimal(0)
_AMOUNT: Final = pl.Decimal(38, 12)
_UNIT: Final = Decimal("0.000001")  # projpush.foresight.UNIT: one fen
_UNITS: Final = 10**6  # units of _UNIT in one 万元
_PRECISION: Final = 80  # digits: 38 of an amount, 6 of a tolerance, and room
_SCALE: Final = 12  # an amount's decimal places in the tables (Decimal(38, 12))
_TASKS: Final = pl.List(pl.Struct({"name": pl.String, "by": pl.Date}))


# Each assumption's amount for month ``k`` of the year's streak columns.
_ASSUMED: Final[dict[Assumption, Callable[[int], Any]]] = {
    Assumption.PLAN: lambda k: pl.col(f"plan_{k}").fill_null(_ZERO).cast(_AMOUNT),
    Assumption.RUN_RATE: lambda _k: pl.col("rate"),
    Assumption.NOTHING: lambda _k: pl.lit(_ZERO, _AMOUNT),
}


def _run_rates(tables: LedgerTables, last: Month) -> Any:
    """``key`` and ``rate``: :func:`projpush.foresight.run_rate` of every project that has one."""
    window = [last - i for i in range(3)]
    sums = (
        _frame(tables.monthly)
        .filter(pl.col("month").is_in([m.first_day for m in window]))
        .group_by("key")
        .agg(pl.col("done").fill_null(_ZERO).sum().alias("sum"))
    )
    with localcontext(prec=_PRECISION):
        rates = [
            (t * _UNITS / 3).to_integral_value(rounding=ROUND_FLOOR) / _UNITS
            for t in sums["sum"].to_list()
        ]
    return pl.DataFrame(
        {"key": sums["key"].cast(pl.String), "rate": pl.Series(rates, dtype=_AMOUNT)}
    )


def _month_light(policy: LagPolicy, month: Month, start: int, amount: Any) -> Any:
    """The light at ``month``'s end with months ``start``..``month`` completing ``amount(k)``."""
    p, q = policy.tolerance.as_integer_ratio()
    cumulative = policy.requirement is Requirement.CUMULATIVE
    run = pl.col(f"run_{start - 1}") if start > 1 else pl.lit(0, pl.Int32)
    done_so_far = pl.col(f"cum_done_{start - 1}") if start > 1 else pl.lit(_ZERO, _AMOUNT)
    for k in range(start, month.month + 1):
        got_k = amount(k)
        done_so_far = done_so_far + got_k
        plan = pl.col(f"plan_{k}").fill_null(_ZERO)
        got, bar = (done_so_far, pl.col(f"cum_plan_{k}")) if cumulative else (got_k, plan)
        below = got < bar if (p, q) == (1, 1) else got * q < bar * p
        run = pl.when(pl.col(f"judged_{k}") & below).then(run + 1).otherwise(0).cast(pl.Int32)
    judged = pl.col(f"judged_{month.month}") & pl.col("planned")
    return pl.when(judged).then(_light(policy, run)).cast(LIGHTS)


def forecast_table(
    tables: LedgerTables,
    as_of: dt.date,
    policy: LightPolicy | None = None,
    *,
    months: int = 2,
) -> Any:
    """Every project's light now and at the next ``months`` month ends, and its least efforts.

    One row per project, in ledger order: ``key``; ``now`` (the light on
    ``as_of``, null when not judged); a column ``"{month} {assumption}"``
    per month end and :class:`~projpush.foresight.Assumption` (``2020-11
    plan``, ...); then for yellow and for red (``yellow_*``, ``red_*``), as
    :class:`~projpush.foresight.Effort` has them: ``judged`` (judged at this
    month's end), ``possible`` (some effort this month keeps the project out
    of that light), ``amount`` (the least amount to complete this month, 万元,
    exact to 0.000001; null when not judged or impossible) and ``milestones``
    (the node tasks to finish, each ``{name, by}``; empty but for node
    policies). A lag policy can always be met, so every judged project's
    effort is possible; Sanya's gap policy, which judges the month before,
    cannot be moved this month.

    A lag or gap policy is computed column-wise; any other falls back to the
    object forecast (see the module's docs), with the same columns, as does a
    gap threshold beyond the engine's exact range (a numerator over 10^6 or a
    denominator over 10^4, which :func:`~projpush.engine.lights.judge_tables`
    refuses).

    Raises:
        ValidationError: ``as_of`` is not a date, or ``months`` not from 1 to 12.
        PolicyError: ``policy`` is not a :class:`~projpush.lights.LightPolicy`.
    """
    as_of = plain_date_arg(as_of, "as_of")
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= 12:
        raise ValidationError.about("months", "a whole number of months from 1 to 12", months)
    chosen = policy if policy is not None else LagPolicy.ningbo()
    if isinstance(chosen, GapPolicy) and _in_range(chosen):
        return _gap_forecast(tables, as_of, chosen, months)
    if not isinstance(chosen, LagPolicy):
        if not isinstance(chosen, LightPolicy):
            raise PolicyError.about("policy", "a LightPolicy", chosen)
        return _object_forecast(tables, as_of, chosen, months)
    last = last_complete_month(as_of)
    targets = [last + i for i in range(1, months + 1)]
    rates = _run_rates(tables, last)
    frames: dict[int, Any] = {}
    for year in sorted({m.year for m in targets} | {as_of.year}):
        frame = _streaks(tables, year, chosen).join(
            rates, on="key", how="left", maintain_order="left"
        )
        frames[year] = frame.with_columns(pl.col("rate").fill_null(_ZERO).cast(_AMOUNT))
    out = _now(tables, as_of, chosen, frames[as_of.year])
    for month in targets:
        frame = frames[month.year]
        start = last.month + 1 if last.year == month.year else 1
        lights = frame.select(
            _month_light(chosen, month, start, _ASSUMED[a]).alias(f"{month} {a.value}")
            for a in Assumption
        )
        out = out.hstack(lights)
    return out.hstack(_efforts(chosen, frames[targets[0].year], targets[0]))


def _now(tables: LedgerTables, as_of: dt.date, policy: LagPolicy, frame: Any) -> Any:
    """``key`` and ``now``: the light on ``as_of``, as ``judge_tables`` gives it, from ``frame``.

    ``frame`` holds the streaks of ``as_of``'s year, already made for the forecast.
    """
    last = last_complete_month(as_of)
    ended = last.month if last.year == as_of.year else 0  # before 31 January none has ended
    stage = _stages_at(tables, {"stage": as_of})["stage"]
    in_scope = stage.is_in([s.value for s in policy.stages])
    if not ended:
        return frame.select("key", pl.lit(None, LIGHTS).alias("now"))
    judged = pl.Series(in_scope) & frame["planned"]
    return frame.select(
        "key",
        pl.when(judged).then(_light(policy, pl.col(f"run_{ended}"))).cast(LIGHTS).alias("now"),
    )


def _efforts(policy: LagPolicy, frame: Any, month: Month) -> Any:
    """The least amounts this month: the bar where the month's lag would reach the light."""
    k = month.month
    start_run = pl.col(f"run_{k - 1}") if k > 1 else pl.lit(0, pl.Int32)
    before = pl.col(f"cum_done_{k - 1}") if k > 1 else pl.lit(_ZERO, _AMOUNT)
    cumulative = policy.requirement is Requirement.CUMULATIVE
    plan = pl.col(f"cum_plan_{k}") if cumulative else pl.col(f"plan_{k}").fill_null(_ZERO)
    rows = frame.select(
        (pl.col(f"judged_{k}") & pl.col("planned")).alias("judged"),
        (start_run + 1).alias("run"),
        plan.alias("plan"),
        (before if cumulative else pl.lit(_ZERO, _AMOUNT)).alias("before"),
    )
    tolerance = policy.tolerance
    yellow_at, red_at = policy.streak_for_yellow, policy.streak_for_red
    judged_out = rows["judged"].to_list()
    yellow: list[Decimal | None] = []
    red: list[Decimal | None] = []
    # Exact: the bar is a product and a difference of decimals, in a context wide enough
    # for any of them; a C Decimal per row, where a Fraction cost ten times as much.
    with localcontext(prec=_PRECISION):
        for judged, run, plan_k, done_before in zip(
            judged_out, rows["run"], rows["plan"], rows["before"], strict=True
        ):
            if not judged:
                yellow.append(None)
                red.append(None)
                continue
            bar = plan_k * tolerance - done_before
            # Nothing done this month lags only when the bar is above 0; the streak then
            # reaches the light only when it is long enough.
            amount = bar.quantize(_UNIT, rounding=ROUND_CEILING) if bar > 0 else _ZERO
            yellow.append(amount if run >= yellow_at else _ZERO)
            red.append(amount if run >= red_at else _ZERO)
    # A lag policy's bar can always be met: every judged project's effort is possible.
    return _effort_frame(
        {"judged": judged_out, "possible": judged_out, "amount": yellow},
        {"judged": judged_out, "possible": judged_out, "amount": red},
    )


def _effort_frame(yellow: dict[str, list[Any]], red: dict[str, list[Any]]) -> Any:
    """The effort columns, yellow then red: judged, possible, amount and the node tasks."""
    out: dict[str, Any] = {}
    for light, columns in (("yellow", yellow), ("red", red)):
        n = len(columns["judged"])
        out[f"{light}_judged"] = pl.Series(columns["judged"], dtype=pl.Boolean)
        out[f"{light}_possible"] = pl.Series(columns["possible"], dtype=pl.Boolean)
        out[f"{light}_amount"] = pl.Series(columns["amount"], dtype=_AMOUNT)
        tasks = columns.get("milestones", [[]] * n)
        out[f"{light}_milestones"] = pl.Series(tasks, dtype=_TASKS)
    return pl.DataFrame(out)


# --------------------------------------------------------------------------- gap policies


def _in_range(policy: GapPolicy) -> bool:
    """Whether the engine judges ``policy`` exactly (its thresholds' size is bounded)."""
    try:
        _gap_policy(policy)
    except PolicyError:
        return False
    return True


def _gap_forecast(tables: LedgerTables, as_of: dt.date, policy: GapPolicy, months: int) -> Any:
    """:func:`forecast_table` for a :class:`~projpush.lights.GapPolicy`, column-wise.

    At a month end ``M`` the policy counts the year's amounts through its
    cutoff ``C`` (``M``, or the month before for Sanya): the months reported
    through the last one ended on ``as_of`` as they are, and the months after
    it, to ``C``, as the assumption fills them in, as
    :func:`projpush.foresight.scenario` fills them.
    """
    last = last_complete_month(as_of)
    targets = [last + i for i in range(1, months + 1)]
    rates = _run_rates(tables, last)
    frames: dict[int, Any] = {}
    for year in sorted({m.year for m in targets}):
        frame = _gap_year(tables, year, policy).join(
            rates, on="key", how="left", maintain_order="left"
        )
        frames[year] = frame.with_columns(pl.col("rate").fill_null(_ZERO).cast(_AMOUNT))
    now = judge_tables(tables, as_of, policy, lenient=True).verdicts
    out = now.select("key", pl.col("light").alias("now"))
    for month in targets:
        frame = frames[month.year]
        lights = frame.select(
            _gap_month_light(policy, last, month, _ASSUMED[a]).alias(f"{month} {a.value}")
            for a in Assumption
        )
        out = out.hstack(lights)
    first = targets[0]
    return out.hstack(_gap_efforts(policy, last, frames[first.year], first))


def _gap_done(last: Month, cutoff: Month, year: int, amount: Any) -> Any:
    """The year's amount through ``cutoff``: reported to ``last``, ``amount(k)`` after it."""
    kept = min(last.month if last.year == year else 0, cutoff.month)
    done = pl.col(f"cum_done_{kept}") if kept else pl.lit(_ZERO, _AMOUNT)
    for k in range(kept + 1, cutoff.month + 1):
        done = done + amount(k)
    return done


def _gap_light(policy: GapPolicy, progress: Any, done: Any) -> Any:
    """The light of a year-to-date ``done`` at time progress ``progress``: the thresholds, exact."""
    p, q = progress.numerator, progress.denominator
    annual = pl.col("annual")
    numerator = (annual * p - done * q) * 100
    denominator = annual * (p if policy.measure is GapMeasure.RELATIVE else q)
    return (
        pl.when(_beyond(numerator, denominator, policy.red_at, inclusive=policy.red_inclusive))
        .then(pl.lit(Light.RED.value))
        .when(_beyond(numerator, denominator, policy.yellow_at, inclusive=policy.yellow_inclusive))
        .then(pl.lit(Light.YELLOW.value))
        .otherwise(pl.lit(Light.GREEN.value))
        .cast(LIGHTS)
    )


def _gap_month_light(policy: GapPolicy, last: Month, month: Month, amount: Any) -> Any:
    """The light at ``month``'s end with the months after ``last`` completing ``amount(k)``."""
    cutoff = _gap_cutoff(policy, month.last_day)
    if cutoff.year != month.year:  # January under Sanya's rule: no month of the year yet
        return pl.when(pl.col("has_plan") & False).then(pl.lit(Light.GREEN.value)).cast(LIGHTS)
    progress = time_progress(cutoff.last_day, policy.basis)
    done = _gap_done(last, cutoff, month.year, amount)
    judged = pl.col(f"judged_{month.month}") & pl.col("has_plan")
    return pl.when(judged).then(_gap_light(policy, progress, done)).cast(LIGHTS)


def _gap_efforts(policy: GapPolicy, last: Month, frame: Any, month: Month) -> Any:
    """The least amounts this month: one unit at or past where the shortfall leaves a threshold.

    With the month completing nothing the light is as :func:`_gap_month_light`
    gives it; a project already out of a light needs 0. Otherwise the bar is
    ``annual × share − done before the month`` (the share: time progress less
    the threshold's points, or times one less its percent for the relative
    measure), in exact integers; Sanya's cutoff (the month before) cannot be
    moved by this month's amount.
    """
    zero = _gap_month_light(policy, last, month, lambda _k: pl.lit(_ZERO, _AMOUNT))
    k = month.month
    before = pl.col(f"cum_done_{k - 1}") if k > 1 else pl.lit(_ZERO, _AMOUNT)
    rows = frame.select(zero.alias("light"), pl.col("annual"), before.alias("before"))
    progress = time_progress(month.last_day, policy.basis)
    movable = _gap_cutoff(policy, month.last_day) == month
    shares = {
        Light.YELLOW: (_share(policy, progress, policy.yellow_at), policy.yellow_inclusive),
        Light.RED: (_share(policy, progress, policy.red_at), policy.red_inclusive),
    }
    columns: dict[Light, dict[str, list[Any]]] = {
        light: {"judged": [], "possible": [], "amount": []} for light in shares
    }
    order = {Light.GREEN: 0, Light.YELLOW: 1, Light.RED: 2}
    for seen, annual, done_before in zip(
        rows["light"], rows["annual"], rows["before"], strict=True
    ):
        for light, (share, strictly) in shares.items():
            out = columns[light]
            if seen is None:
                out["judged"].append(False)
                out["possible"].append(False)
                out["amount"].append(None)
                continue
            out["judged"].append(True)
            if order[Light(seen)] < order[light]:
                out["possible"].append(True)
                out["amount"].append(_ZERO)
            elif not movable:
                out["possible"].append(False)
                out["amount"].append(None)
            else:
                out["possible"].append(True)
                out["amount"].append(_least(annual, done_before, share, strictly=strictly))
    return _effort_frame(columns[Light.YELLOW], columns[Light.RED])


def _share(policy: GapPolicy, progress: Any, at: Any) -> Any:
    """The share of the annual plan done by the month end at which the shortfall is ``at``."""
    if policy.measure is GapMeasure.POINTS:
        return progress - at / 100
    return progress * (1 - at / 100)


def _least(annual: Decimal, before: Decimal, share: Any, *, strictly: bool) -> Decimal:
    """The least multiple of 0.000001 at (past, when ``strictly``) ``annual × share − before``, ≥ 0.

    In integers: the amounts have at most 12 decimal places, the share is a fraction.
    """
    a, b = int(annual.scaleb(_SCALE)), int(before.scaleb(_SCALE))
    numerator = (a * share.numerator - b * share.denominator) * _UNITS
    denominator = share.denominator * 10**_SCALE
    units = numerator // denominator + 1 if strictly else -(-numerator // denominator)
    return Decimal(max(units, 0)) / _UNITS


# --------------------------------------------------------------------------- the object route


def _object_forecast(tables: LedgerTables, as_of: dt.date, policy: LightPolicy, months: int) -> Any:
    """:func:`forecast_table` for the policies not computed column-wise: the object forecast."""
    from projpush.engine.tables import to_portfolio  # noqa: PLC0415 (only this route needs it)

    fc = forecast(to_portfolio(tables), as_of, _default(policy), months=months)
    columns: dict[str, list[Any]] = {"key": [], "now": []}
    heads = [(m, a) for m in fc.months for a in Assumption]
    for m, a in heads:
        columns[f"{m} {a.value}"] = []
    efforts: dict[str, dict[str, list[Any]]] = {
        light: {"judged": [], "possible": [], "amount": [], "milestones": []}
        for light in ("yellow", "red")
    }
    for p in fc.projects:
        columns["key"].append(p.project)
        columns["now"].append(None if p.now.light is None else p.now.light.value)
        for m, a in heads:
            seen = p.outlook(m, a).light
            columns[f"{m} {a.value}"].append(None if seen is None else seen.value)
        for light, effort in zip(("yellow", "red"), p.efforts, strict=True):
            out = efforts[light]
            out["judged"].append(effort.judged)
            out["possible"].append(effort.possible)
            out["amount"].append(effort.amount if effort.possible else None)
            out["milestones"].append([{"name": n, "by": by} for n, by in effort.milestones])
    lights = pl.DataFrame(
        {
            "key": pl.Series(columns.pop("key"), dtype=pl.String),
            **{name: pl.Series(values, dtype=LIGHTS) for name, values in columns.items()},
        }
    )
    return lights.hstack(_effort_frame(efforts["yellow"], efforts["red"]))
