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

from projpush._convert import plain_date_arg, to_enum
from projpush._extras import require
from projpush.engine.escalation import advance_tables
from projpush.engine.lights import _frame, _stages_at
from projpush.engine.schedule import WorkDays
from projpush.errors import PolicyError
from projpush.escalation import EscalationPolicy, PolicyBook
from projpush.lights import Light
from projpush.metrics import (
    _STARTED,
    ApprovalFigures,
    Better,
    ContactFigures,
    Coverage,
    DeadlineBasis,
    EarnedValue,
    GroupBy,
    GroupFigures,
    Investment,
    IssueFigures,
    LightFigures,
    MonthlySummary,
    Ratio,
    SecretaryContacts,
    TierFigures,
    _dimension,
    rank_groups,
    report_month,
    time_schedule,
)
from projpush.model import Cadence
from projpush.schedule import TimeBasis, WorkingCalendar, resolve_calendar, working_days_between

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from projpush.engine.tables import LedgerTables
    from projpush.lights import LightPolicy

pl: Any = require("polars", extra="engine", user="projpush.engine")
np: Any = require("numpy", extra="engine", user="projpush.engine")

__all__ = [
    "AMOUNTS",
    "group_table",
    "investment_table",
    "issue_figures_table",
    "monthly_summary_tables",
]

MONEY: Final = pl.Decimal(38, 12)
AMOUNTS: Final = ("annual_plan", "done_to_date", "done_in_month", "done_last_year")
"""The exact amount columns (万元) of :func:`investment_table` and :func:`group_table`."""
_ZERO: Final = pl.lit(Decimal(0), dtype=MONEY)
_LABELS: Final = ("key", "level", "category", "region", "unit", "stage")
"""The columns that name a project and its groups, first in a project's row."""


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
    return _summary_rows(tables, as_of).select(
        *_LABELS,
        "planned",
        *AMOUNTS,
        "nodes_due",
        "nodes_done",
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


# --------------------------------------------------------------------------- the monthly summary


def _places(value: Any) -> Any:
    """The decimal places of a money value without its trailing zeros; 0 for a missing one.

    A sum of the model's amounts has the places of its most precise term
    (``Decimal`` addition keeps the smallest exponent), so the engine knows
    how the object rules would write each sum: ``1002.50`` or ``1002.5``.
    """
    fraction = value.cast(pl.String).str.split_exact(".", 1).struct.field("field_1")
    return fraction.str.strip_chars_end("0").str.len_chars().fill_null(0).cast(pl.Int32)


def _masked(column: str, keep: Any, name: str) -> tuple[Any, Any]:
    """``column`` where ``keep`` (else missing) as ``name``, and its places as ``p_<name>``.

    A group's plain sum and max of masked columns is the sum and max over the
    rows kept, and polars computes them about 2.5 times faster than a filter
    inside the aggregation. ``keep`` None keeps every row.
    """
    value, places = pl.col(column), pl.col(f"p_{column}")
    if keep is not None:
        value, places = pl.when(keep).then(value), pl.when(keep).then(places)
    return value.alias(name), places.alias(f"p_{name}")


def _summed(name: str) -> tuple[Any, Any]:
    """The sum of the masked column ``name`` and its places (see :func:`_masked`)."""
    return pl.col(name).sum(), pl.col(f"p_{name}").max().fill_null(0)


_EV: Final = ("bac", "pv", "earned")


def _summary_rows(tables: LedgerTables, as_of: dt.date) -> Any:
    """Each project's row of the summary, in ledger order: figures, places, stage, flags.

    The columns of :func:`investment_table`, each amount with ``p_<name>``
    (its places); ``bac``, ``pv`` and ``earned`` (zero without a baseline:
    a total investment above zero and a monthly plan); ``is_new`` (started
    this year); ``halted`` (suspended between 1 January and ``as_of``).
    """
    year, through = as_of.year, _through(as_of)
    m, y = pl.col("month").dt.month(), pl.col("month").dt.year()
    reported = (y < year) | ((y == year) & (m <= through))
    sums = {
        "done_to_date": ("done", (y == year) & (m <= through)),
        "done_in_month": ("done", (y == year) & (m == through)),
        "done_last_year": ("done", (y == year - 1) & (m <= through)),
        "earned": ("done", None),
        "pv": ("plan", None),
    }
    monthly = (
        _frame(tables.monthly)
        .lazy()
        .filter(reported)
        .with_columns(
            _places(pl.col("done")).alias("p_done"), _places(pl.col("plan")).alias("p_plan")
        )
        .select(
            "key",
            *(
                expr
                for name, (column, keep) in sums.items()
                for expr in _masked(column, keep, name)
            ),
        )
        .group_by("key")
        .agg(*(expr for name in sums for expr in _summed(name)))
        .collect()
    )
    with_plan = _frame(tables.monthly).filter(pl.col("plan").is_not_null()).select("key").unique()
    plans = (
        _frame(tables.annual_plans)
        .filter(pl.col("year") == year)
        .select(
            "key",
            pl.col("plan").alias("annual_plan"),
            _places(pl.col("plan")).alias("p_annual_plan"),
        )
    )
    on, kind = pl.col("on"), pl.col("kind")
    events = (
        _frame(tables.stage_events)
        .sort("key", "seq")
        .group_by("key")
        .agg(
            (on.filter(kind == "started").first().dt.year() == year).alias("is_new"),
            ((kind == "suspended") & on.is_between(dt.date(year, 1, 1), as_of))
            .any()
            .alias("halted"),
        )
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
        .select(
            "seq",
            "key",
            "level",
            "category",
            "region",
            "unit",
            pl.col("total_investment").alias("bac"),
        )
        .join(stage, on="key", how="left", maintain_order="left")
        .join(nodes, on="key", how="left", maintain_order="left")
        .join(plans, on="key", how="left", maintain_order="left")
        .join(monthly, on="key", how="left", maintain_order="left")
        .join(events, on="key", how="left", maintain_order="left")
        .join(with_plan.with_columns(has_monthly_plan=pl.lit(value=True)), on="key", how="left")
        .sort("seq")
    )
    planned = pl.col("annual_plan").is_not_null()
    baseline = (pl.col("bac") > 0) & pl.col("has_monthly_plan").fill_null(value=False)
    return frame.select(
        *_LABELS,
        pl.col("annual_plan").is_not_null().alias("planned"),
        *(
            expr
            for c in AMOUNTS
            for expr in (
                pl.when(planned).then(pl.col(c).fill_null(_ZERO)).otherwise(_ZERO).alias(c),
                pl.when(planned).then(pl.col(f"p_{c}").fill_null(0)).otherwise(0).alias(f"p_{c}"),
            )
        ),
        pl.col("nodes_due").fill_null(0),
        pl.col("nodes_done").fill_null(0),
        baseline.alias("baseline"),
        *(
            expr
            for c in _EV
            for expr in (
                pl.when(baseline).then(pl.col(c).fill_null(_ZERO)).otherwise(_ZERO).alias(c),
                pl.when(baseline)
                .then(_places(pl.col(c)) if c == "bac" else pl.col(f"p_{c}").fill_null(0))
                .otherwise(0)
                .alias(f"p_{c}"),
            )
        ),
        pl.col("is_new").fill_null(value=False),
        pl.col("halted").fill_null(value=False),
    )


def _through(as_of: dt.date) -> int:
    month = report_month(as_of)
    return 0 if month is None else month.month


def _money(value: Decimal | None, places: int) -> Decimal:
    """``value`` written with exactly ``places`` decimals, as the object rules' sum is."""
    return Decimal(value or 0).quantize(Decimal(1).scaleb(-places))


def _sums(frame: Any, by: tuple[str, ...] = ()) -> Any:
    """Members, planned projects, the amounts (planned only) with places, and nodes, per group."""
    planned = pl.col("planned")
    aggs = (
        pl.len().alias("members"),
        planned.sum().cast(pl.Int64).alias("projects"),
        *(pl.col(c).filter(planned).sum() for c in AMOUNTS),
        *(pl.col(f"p_{c}").filter(planned).max().fill_null(0) for c in AMOUNTS),
        pl.col("nodes_due").sum().cast(pl.Int64),
        pl.col("nodes_done").sum().cast(pl.Int64),
    )
    if not by:
        return frame.select(*aggs)
    return frame.group_by(*by).agg(*aggs).sort(*by)


def _investment(row: dict[str, Any]) -> Investment:
    return Investment(int(row["projects"]), *(_money(row[c], int(row[f"p_{c}"])) for c in AMOUNTS))


def _group_figures(
    rows: Any, dimension: GroupBy, schedule: Ratio, leaders: Any
) -> tuple[GroupFigures, ...]:
    name = dimension.value
    if dimension is GroupBy.LEADER:
        rows = rows.join(leaders, on="key", how="inner").rename({"leader": name})
    return tuple(
        GroupFigures(
            dimension,
            str(g[name]),
            int(g["members"]),
            _investment(g),
            schedule,
            int(g["nodes_due"]),
            int(g["nodes_done"]),
        )
        for g in _sums(rows, (name,)).iter_rows(named=True)
    )


def _earned_value(rows: Any) -> EarnedValue | None:
    with_baseline = rows.filter(pl.col("baseline"))
    if with_baseline.is_empty():
        return None
    s = with_baseline.select(
        *(pl.col(c).sum() for c in _EV), *(pl.col(f"p_{c}").max() for c in _EV)
    ).row(0, named=True)
    return EarnedValue(*(_money(s[c], int(s[f"p_{c}"])) for c in _EV))


def _approval_figures(tables: LedgerTables, rows: Any, as_of: dt.date) -> ApprovalFigures:
    day = pl.lit(as_of, dtype=pl.Date)
    items = _frame(tables.approvals)
    granted = (pl.col("granted") <= day).fill_null(value=False)
    waiting = rows.filter(pl.col("stage").is_in(["planned", "reserved"])).select("key")
    missing = (
        items.filter(pl.col("required") & ~granted).group_by("key").agg(pl.len().alias("missing"))
    )
    pending = waiting.join(missing, on="key", how="left").with_columns(
        pl.col("missing").fill_null(0)
    )
    done = items.filter(granted)
    timed = done.filter(pl.col("applied").is_not_null())
    days = (timed["granted"] - timed["applied"]).dt.total_days().sum() if len(timed) else 0
    return ApprovalFigures(
        len(pending),
        int((pending["missing"] == 0).sum()),
        int(pending["missing"].sum()),
        Ratio(int(days), len(timed)),
        Ratio(int(done["one_trip"].sum()), len(done)),
    )


def _coverage(tables: LedgerTables) -> Coverage:
    keys = _frame(tables.projects).select("key")
    n = len(keys)

    def covered(table: Any) -> int:
        served = _frame(table).select(pl.col("project").alias("key")).unique()
        return len(keys.join(served, on="key", how="semi"))

    return Coverage(
        Ratio(covered(tables.leader_projects), n), Ratio(covered(tables.secretary_projects), n)
    )


def _contact_figures(tables: LedgerTables, as_of: dt.date) -> ContactFigures:
    days = {c.value: c.days for c in Cadence}
    secretaries = _frame(tables.secretaries).sort("seq")
    last = (
        _frame(tables.contacts)
        .filter(pl.col("on") <= pl.lit(as_of, dtype=pl.Date))
        .group_by("secretary", "project")
        .agg(pl.col("on").max().alias("last"))
    )
    served = (
        _frame(tables.secretary_projects)
        .join(_frame(tables.secretary_cadences), on=["secretary", "project"], how="left")
        .join(
            secretaries.select(pl.col("name").alias("secretary"), "default_cadence"), on="secretary"
        )
        .join(last, on=["secretary", "project"], how="left")
        .with_columns(
            pl.coalesce("cadence", "default_cadence")
            .replace_strict(days, return_dtype=pl.Int64)
            .alias("days")
        )
        .with_columns(
            overdue=pl.col("last").is_null()
            | ((pl.lit(as_of, dtype=pl.Date) - pl.col("last")).dt.total_days() > pl.col("days"))
        )
        .sort("secretary", "seq")
        .group_by("secretary", maintain_order=True)
        .agg(pl.len().alias("served"), pl.col("project").filter(pl.col("overdue")).alias("late"))
    )
    listed = secretaries.select(pl.col("name").alias("secretary")).join(
        served, on="secretary", how="left", maintain_order="left"
    )
    return ContactFigures(
        tuple(
            SecretaryContacts(name, n or 0, tuple(late or ()))
            for name, n, late in zip(
                listed["secretary"].to_list(),
                listed["served"].to_list(),
                listed["late"].to_list(),
                strict=True,
            )
        )
    )


def _light_figures(verdicts: Any) -> LightFigures:
    counts = dict(verdicts.group_by("light").len().iter_rows())
    not_judged = int(counts.pop(None, 0))
    order = {light.value: 0 for light in Light}
    for light, n in counts.items():
        order[str(light)] = int(n)
    return LightFigures(tuple(order.items()), not_judged)


def monthly_summary_tables(
    tables: LedgerTables,
    as_of: dt.date,
    *,
    calendar: WorkingCalendar | None = None,
    basis: TimeBasis = TimeBasis.MONTH,
    lights: Any = None,
    light_policy: LightPolicy | None = None,
    judge_lights: bool = True,
    issues_since: dt.date | None = None,
    deadline_basis: DeadlineBasis | str = DeadlineBasis.ORIGINAL,
    tiers: Sequence[str] = (),
    group_by: Iterable[GroupBy | str] = tuple(GroupBy),
    rank_by: str = "completion",
    better: Better | str = Better.HIGHER,
    advance: EscalationPolicy | PolicyBook | None = None,
) -> MonthlySummary:
    """Every figure of the monthly report, computed from the tables.

    The result is the object :class:`~projpush.metrics.MonthlySummary`, equal
    to the object rule's on the same ledger, down to how each amount is
    written, so its text, JSON and records are the same. The figures come
    from whole columns; only the summary's own values (a few per group) are
    Python objects.

    ``lights`` takes the :class:`~projpush.engine.LightFrames` of
    :func:`~projpush.engine.judge_tables` when they were judged already;
    else, if ``judge_lights``, the lights are judged here with
    ``light_policy``. Earned value is the investment method without actual
    costs, as in the report. With ``advance`` (a policy or a book) the
    issues are first brought up to ``as_of`` under it
    (:func:`~projpush.engine.advance_tables`), as
    :func:`projpush.metrics.monthly_summary` does with it.

    Raises:
        ValidationError: ``as_of`` or ``issues_since`` is not a date, a
            ``group_by`` dimension or ``rank_by`` figure is unknown, or (when
            judging lights) a project has no plan for the year.
        CalendarCoverageError: an issue's dates lie outside the calendar.
        PolicyError: ``advance`` is neither None nor a policy or book.
    """
    plain_date_arg(as_of, "as_of")
    if issues_since is not None:
        plain_date_arg(issues_since, "issues_since")
    if advance is not None:
        if not isinstance(advance, EscalationPolicy | PolicyBook):
            expected = "an EscalationPolicy, a PolicyBook or None"
            raise PolicyError.about("advance", expected, advance)
        tables = advance_tables(tables, as_of, advance, calendar=calendar)
    dimensions = tuple(dict.fromkeys(_dimension(d) for d in group_by))
    schedule = time_schedule(as_of, basis)
    rows = _summary_rows(tables, as_of)
    leaders = _frame(tables.leader_projects).select("leader", pl.col("project").alias("key"))
    wanted = (*dimensions, *(d for d in (GroupBy.UNIT, GroupBy.REGION) if d not in dimensions))
    groups = {d: _group_figures(rows, d, schedule, leaders) for d in wanted}
    if lights is not None:
        light_figs: LightFigures | None = _light_figures(lights.verdicts)
    elif judge_lights:
        from projpush.engine.lights import judge_tables  # noqa: PLC0415

        light_figs = _light_figures(judge_tables(tables, as_of, light_policy).verdicts)
    else:
        light_figs = None
    new = pl.col("is_new")
    listed = rows.filter(pl.col("planned"))
    started = listed.filter(pl.col("stage").is_in([s.value for s in _STARTED]))
    halted = rows.filter(pl.col("halted"))
    return MonthlySummary(
        as_of=as_of,
        month=report_month(as_of),
        basis=basis,
        projects=len(rows),
        investment=_investment(_sums(rows).row(0, named=True)),
        schedule=schedule,
        new=_investment(_sums(rows.filter(new)).row(0, named=True)),
        continuing=_investment(_sums(rows.filter(~new)).row(0, named=True)),
        start_rate=Ratio(len(started), len(listed)),
        resumption_rate=Ratio(int((halted["stage"] != "suspended").sum()), len(halted)),
        lights=light_figs,
        coverage=_coverage(tables),
        approvals=_approval_figures(tables, rows, as_of),
        contacts=_contact_figures(tables, as_of),
        issues=issue_figures_table(
            tables,
            as_of,
            calendar=calendar,
            since=issues_since,
            basis=deadline_basis,
            tiers=tiers,
        ),
        earned_value=_earned_value(rows),
        groups=tuple((d, groups[d]) for d in dimensions),
        rankings=(
            rank_groups(groups[GroupBy.UNIT], rank_by, better=better),
            rank_groups(groups[GroupBy.REGION], rank_by, better=better),
        ),
    )


# --------------------------------------------------------------------------- issues


def issue_figures_table(
    tables: LedgerTables,
    as_of: dt.date,
    *,
    calendar: WorkingCalendar | None = None,
    since: dt.date | None = None,
    basis: DeadlineBasis | str = DeadlineBasis.ORIGINAL,
    tiers: Sequence[str] = (),
) -> IssueFigures:
    """Closure, on-time closure, working days to close and per-tier resolution, from the tables.

    The figures of :func:`projpush.metrics.issue_figures`: the issues
    collected from ``since`` (all by default) to ``as_of`` count, as they
    stood at the end of ``as_of``. The result is the object
    :class:`~projpush.metrics.IssueFigures`, equal to the object rule's.

    Raises:
        ValidationError: ``as_of`` or ``since`` is not a date, or ``basis``
            is not a :class:`~projpush.metrics.DeadlineBasis` or its value.
        CalendarCoverageError: a date lies outside the calendar's years.
    """
    from projpush.engine.escalation import (  # noqa: PLC0415 (escalation imports lights too)
        _bounds,
        _events,
        _latest,
        _previous,
        _status,
        _text,
    )

    plain_date_arg(as_of, "as_of")
    if since is not None:
        plain_date_arg(since, "since")
    chosen = to_enum(DeadlineBasis, basis, "basis")
    cal = resolve_calendar(calendar)
    day = pl.lit(as_of, dtype=pl.Date)
    first = pl.col("at").gather(pl.col("_start"))
    window = first <= day if since is None else (first <= day) & (first >= since)
    kind, deadline, at = pl.col("kind"), pl.col("deadline"), pl.col("at")
    handled = kind.is_in(["assigned", "escalated"])
    resolved = kind == "resolved"
    known = (
        _bounds(_events(tables).filter(at <= day))
        .filter(window)
        .with_columns(
            _latest(_text("tier")).alias("tier_now"),
            _previous(deadline).alias("in_force"),
            pl.when(handled).then(_text("tier")).alias("handled_tier"),
        )
    )
    # A value where a condition holds, as the last (or first) of those that are set: the
    # same as filtering inside the aggregation (each is set wherever its condition
    # holds), and faster. An issue's dates never go back, nor does a deadline
    # once in force become unset.
    per = known.group_by("i", maintain_order=True).agg(
        state=pl.col("to_state").last().cast(pl.String),
        tier=pl.col("tier_now").last(),
        escalated=(kind == "escalated").any(),
        first_row=pl.col("_row").first(),
        closed_on=pl.when(kind == "closed").then(at).last(ignore_nulls=True),
        resolved_on=pl.when(resolved).then(at).last(ignore_nulls=True),
        in_force=pl.when(resolved).then(pl.col("in_force")).last(ignore_nulls=True),
        start=pl.coalesce(pl.when(handled).then(at).first(ignore_nulls=True), at.first()),
        plan=pl.when(kind == "plan_submitted").then(deadline).first(ignore_nulls=True),
        first_limit=deadline.first(ignore_nulls=True),
    )
    difficulty = _status(tables).select("i", "difficulty")
    issues = per.join(difficulty, on="i", how="left", maintain_order="left").sort("i")
    return _issue_figures(issues, _reached(known, issues, tiers), chosen, cal)


def _reached(events: Any, issues: Any, tiers: Sequence[str]) -> dict[str, int]:
    """Issues that reached each tier, the tiers in the object rule's order.

    An escalated issue reached every tier it was handled at (assigned or
    escalated to), any other its tier now. First come the tiers given, then
    the others as :func:`projpush.metrics.issue_figures` meets them, issue
    after issue and, within one, in the order it reached them: by the first
    event row that shows each.
    """
    escalated = issues.filter(pl.col("escalated")).select("i")
    handled = (
        events.join(escalated, on="i", how="semi")
        .filter(pl.col("handled_tier").is_not_null())
        .group_by("i", pl.col("handled_tier").alias("tier"))
        .agg(pl.col("_row").min().alias("row"))
    )
    now = issues.filter(~pl.col("escalated") & pl.col("tier").is_not_null()).select(
        "i", "tier", pl.col("first_row").alias("row")
    )
    counts = (
        pl.concat([handled, now.cast(handled.schema)])
        .group_by("tier")
        .agg(pl.len().alias("n"), pl.col("row").min().alias("row"))
        .sort("row")
    )
    reached: dict[str, int] = dict.fromkeys(tiers, 0)
    for tier, n in counts.select("tier", "n").iter_rows():
        reached[tier] = reached.get(tier, 0) + n
    return reached


def _issue_figures(
    issues: Any, reached: dict[str, int], basis: DeadlineBasis, cal: WorkingCalendar
) -> IssueFigures:
    """The figures of the counted issues, one row each (see :func:`issue_figures_table`)."""
    closed = issues.filter(pl.col("state") == "closed")
    resolved_at = dict(closed.group_by("tier").len().iter_rows())
    if basis is DeadlineBasis.IN_FORCE:
        limit = pl.col("in_force")
    else:
        difficult = pl.col("difficulty") == "difficult"
        limit = pl.when(difficult).then(pl.coalesce("plan", "first_limit")).otherwise("first_limit")
    timed = closed.select(limit.alias("limit"), "resolved_on").filter(pl.col("limit").is_not_null())
    on_time = int((timed["resolved_on"] <= timed["limit"]).sum())
    days = 0
    if len(closed):
        start, end = _day_numbers(closed["start"]), _day_numbers(closed["closed_on"])
        span = WorkDays.of(
            cal, int(closed["start"].min().year), int(closed["closed_on"].max().year)
        )
        counts, out = span.count(start, end)
        if out.any():  # the object rule's error, for the first issue it would count
            row = int(np.flatnonzero(out)[0])
            working_days_between(closed["start"][row], closed["closed_on"][row], calendar=cal)
        days = int(counts.sum())
    rows = tuple(TierFigures(t, n, int(resolved_at.get(t, 0))) for t, n in reached.items())
    return IssueFigures(len(issues), len(closed), len(timed), on_time, days, rows)


def _day_numbers(column: Any) -> Any:
    return column.cast(pl.Int32).to_numpy().astype(np.int64)
