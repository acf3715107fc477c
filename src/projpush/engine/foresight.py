"""Foresight on the table engine: :mod:`projpush.foresight`'s forecast, column-wise.

:func:`forecast_table` gives, for every project of a ledger's tables, its
light now and at the next month ends under each
:class:`~projpush.foresight.Assumption`, and the least amount to complete
this month to stay out of yellow and out of red, for a
:class:`~projpush.lights.LagPolicy` (Ningbo's rule, the default): the
year's streaks are the light map's own columns (``cum_plan_k``,
``cum_done_k``, ``run_k``), and a scenario adds the months assumed to them.
It gives what :func:`projpush.foresight.forecast` gives, light for light
and amount for amount (a differential property test pins the two); the
other policies, and the reasons, are the object route's.

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
from projpush.engine.lights import LIGHTS, _frame, _light, _stages_at, _streaks
from projpush.errors import PolicyError, ValidationError
from projpush.foresight import Assumption
from projpush.lights import LagPolicy, LightPolicy, Requirement
from projpush.schedule import last_complete_month

if TYPE_CHECKING:
    import datetime as dt

    from projpush.engine.tables import LedgerTables
    from projpush.model import Month

pl: Any = require("polars", extra="engine", user="projpush.engine")

__all__ = ["forecast_table"]

_ZERO: Final = Decimal(0)
_AMOUNT: Final = pl.Decimal(38, 12)
_UNIT: Final = Decimal("0.0001")
_PRECISION: Final = 80  # digits: 38 of an amount, 6 of a tolerance, and room


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
            (t * 10**4 / 3).to_integral_value(rounding=ROUND_FLOOR) / 10**4
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
    plan``, ...); ``yellow_judged``/``red_judged`` and ``yellow_amount``/
    ``red_amount``: the least amount (万元, exact to 0.0001) to complete this
    month to stay out of yellow / red, null when the project is not judged
    at the month end. A lag policy can always be met, so every judged
    project's effort is possible.

    Raises:
        ValidationError: ``as_of`` is not a date, or ``months`` not from 1 to 12.
        PolicyError: ``policy`` is not a :class:`~projpush.lights.LagPolicy`
            (the other policies forecast on the object route).
    """
    as_of = plain_date_arg(as_of, "as_of")
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= 12:
        raise ValidationError.about("months", "a whole number of months from 1 to 12", months)
    chosen = policy if policy is not None else LagPolicy.ningbo()
    if not isinstance(chosen, LagPolicy):
        raise PolicyError.about(
            "policy", "a LagPolicy (the others forecast through projpush.foresight)", chosen
        )
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
        amounts = {
            Assumption.PLAN: lambda k: pl.col(f"plan_{k}").fill_null(_ZERO).cast(_AMOUNT),
            Assumption.RUN_RATE: lambda _k: pl.col("rate"),
            Assumption.NOTHING: lambda _k: pl.lit(_ZERO, _AMOUNT),
        }
        lights = frame.select(
            _month_light(chosen, month, start, amounts[a]).alias(f"{month} {a.value}")
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
    columns = {
        "yellow_judged": judged_out,
        "red_judged": judged_out,
        "yellow_amount": yellow,
        "red_amount": red,
    }
    return pl.DataFrame(
        {
            "yellow_judged": pl.Series(columns["yellow_judged"], dtype=pl.Boolean),
            "red_judged": pl.Series(columns["red_judged"], dtype=pl.Boolean),
            "yellow_amount": pl.Series(columns["yellow_amount"], dtype=_AMOUNT),
            "red_amount": pl.Series(columns["red_amount"], dtype=_AMOUNT),
        }
    )
