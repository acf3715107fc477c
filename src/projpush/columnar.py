"""The columnar path for analysts: lights and figures over pandas DataFrames, on the table engine.

An analyst's ledger is often a table of monthly figures, one row per project
and month (月度台账), rather than :class:`~projpush.model.Project` objects.
This module is a thin pandas layer over the table engine
(:mod:`projpush.engine`): it reads such tables into the engine's Arrow
tables (:func:`to_tables`, every cell checked by the model's own converters,
with the table, column and row named), computes with the engine's
column-wise rules (:func:`~projpush.engine.judge_tables`,
:func:`~projpush.engine.light_map_table`,
:func:`~projpush.engine.investment_table`,
:func:`~projpush.engine.group_table`) and returns pandas frames holding the
object API's answers, value for value. No :class:`~projpush.model.Project`
is built, except by :func:`from_frames`, whose purpose that is.

The input tables (documented in ``docs/columnar.md``):

- ``monthly``: one row per project and month, columns ``key``, ``month``
  (``"2020-05"``, a :class:`~projpush.model.Month` or a monthly pandas
  ``Period``), ``plan`` and ``done`` in 万元; a missing value is "no plan" or
  "not reported", never zero;
- ``projects``: one row per project, columns ``key``, ``name``, ``level``,
  ``category``, ``stage``, ``region``, ``unit`` and any number of
  ``annual_plan_YYYY``; optional ``code``, ``local_id``, ``owner``,
  ``total_investment``, ``task_force``. Without it, ``monthly`` carries those
  columns itself, repeated on every row of a project;
- ``stage_events`` (optional): one row per dated stage change, columns
  ``key``, ``kind``, ``on`` and optionally ``note``.

Amounts are exact: ``Decimal``, ``int``, text or Arrow decimals. A float
column is refused with :class:`~projpush.errors.MoneyTypeError` naming the
column. Needs the optional extras ``projpush[pandas]`` and
``projpush[engine]`` (and ``projpush[dask]`` for :func:`on_partitions`),
imported when a function is called.

>>> import datetime as dt
>>> import pandas as pd
>>> monthly = pd.DataFrame({"key": ["NB-7"] * 3, "month": ["2020-01", "2020-02", "2020-03"],
...     "plan": ["3000"] * 3, "done": ["2800", "2900", "2900"]})
>>> projects = pd.DataFrame({"key": ["NB-7"], "name": ["机场快速路南延"], "level": ["city"],
...     "category": ["infrastructure"], "stage": ["under_construction"],
...     "region": ["海曙区"], "unit": ["市交通局"], "annual_plan_2020": ["36000"]})
>>> lights = judge_frame(monthly, dt.date(2020, 3, 31), projects=projects)
>>> lights.loc[0, "light"], lights.loc[0, "severity"]
('red', '3')
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Final, NamedTuple, cast

from projpush._convert import to_ratio
from projpush._extras import require
from projpush.errors import UnknownReferenceError, ValidationError
from projpush.frames import portfolio_records
from projpush.metrics import NOT_APPLICABLE, GroupBy, NotApplicable, time_schedule
from projpush.schedule import TimeBasis

if TYPE_CHECKING:
    from collections.abc import Callable

    from projpush._columnar_read import Read
    from projpush.engine.tables import LedgerTables
    from projpush.lights import LightPolicy
    from projpush.model import Portfolio

__all__ = [
    "LedgerFrames",
    "figures_frame",
    "from_frames",
    "groups_frame",
    "groups_from_figures",
    "judge_frame",
    "light_map_frame",
    "on_partitions",
    "partition_by_key",
    "to_frames",
    "to_tables",
]

_REQUIRED: Final = ("key", "name", "level", "category", "stage", "region", "unit")
_MONTHLY: Final = ("key", "month", "plan", "done")
_EVENTS: Final = ("key", "kind", "on")
_AMOUNTS: Final = ("annual_plan", "done_to_date", "done_in_month", "done_last_year")
_LABELS: Final = ("key", "name", "level", "category", "region", "unit", "stage")
_SHARES: Final = ("completion", "schedule", "gap", "completion_pct", "gap_points")
_FIGURE_COLUMNS: Final = (*_LABELS, "planned", *_AMOUNTS, *_SHARES)
_DIMENSIONS: Final = (GroupBy.LEVEL, GroupBy.CATEGORY, GroupBy.REGION, GroupBy.UNIT, GroupBy.STAGE)
# The column on_partitions adds to every table: the hash of a row's folded project key.
_PART: Final = "__projpush_part__"


# --------------------------------------------------------------------------- optional imports


def _pandas() -> Any:
    """The pandas module, or an ImportError naming the extra to install."""
    return require("pandas", extra="pandas", user="projpush.columnar")


def _dask_dataframe() -> Any:
    """The dask.dataframe module, or an ImportError naming the extra to install."""
    return require("dask.dataframe", extra="dask", user="projpush.columnar.on_partitions")


def _read(monthly: Any, projects: Any | None, stage_events: Any | None) -> Read:
    """The tables read into the engine's (pandas first, for its ImportError)."""
    _pandas()
    from projpush import _columnar_read  # noqa: PLC0415 (needs the extras)

    return _columnar_read.read(monthly, projects, stage_events)


# --------------------------------------------------------------------------- frames out


class LedgerFrames(NamedTuple):
    """A portfolio's monthly figures as three tables: what :func:`from_frames` reads.

    Attributes:
        projects: one row per project (:func:`projpush.frames.portfolio_records`
            plus ``annual_plan_YYYY`` columns).
        monthly: one row per project and month with a plan or a report.
        stage_events: one row per dated stage change.
    """

    projects: Any
    monthly: Any
    stage_events: Any


def to_frames(portfolio: Portfolio) -> LedgerFrames:
    """The monthly-figure tables of ``portfolio``, exact amounts as text (needs pandas).

    Rows are in portfolio order, months in calendar order. Milestones,
    approvals, site observations, people and issues are not part of these
    tables. Amounts are written as the model holds them (``"479.330"`` stays
    so), and read back as they were.

    Raises:
        ImportError: pandas is not installed (``projpush[pandas]``).

    >>> from projpush.model import Portfolio, Project
    >>> p = Project(local_id="BZ-1", name="滨州项目", level="city", category="industry",
    ...     stage="under_construction", region="滨城区", unit="市发改委",
    ...     annual_plans={2020: "1000"}, monthly_done={"2020-05": "479.33"})
    >>> frames = to_frames(Portfolio(projects=(p,)))
    >>> frames.monthly.to_dict("records")
    [{'key': 'BZ-1', 'month': '2020-05', 'plan': None, 'done': '479.33'}]
    >>> frames.projects.loc[0, "annual_plan_2020"]
    '1000'
    """
    pd = _pandas()
    years = sorted({y for p in portfolio.projects for y in p.annual_plans})
    project_rows = cast("list[dict[str, Any]]", portfolio_records(portfolio))  # widened below
    for row, p in zip(project_rows, portfolio.projects, strict=True):
        for y in years:
            plan = p.annual_plans.get(y)
            row[f"annual_plan_{y}"] = None if plan is None else str(plan)
    monthly: dict[str, list[Any]] = {c: [] for c in _MONTHLY}
    events: dict[str, list[Any]] = {c: [] for c in (*_EVENTS, "note")}
    for p in portfolio.projects:
        for m in sorted({*p.monthly_plan, *p.monthly_done}):
            plan, done = p.monthly_plan.get(m), p.monthly_done.get(m)
            monthly["key"].append(p.key)
            monthly["month"].append(str(m))
            monthly["plan"].append(None if plan is None else str(plan))
            monthly["done"].append(None if done is None else str(done))
        for e in p.stage_events:
            events["key"].append(p.key)
            events["kind"].append(e.kind.value)
            events["on"].append(e.on.isoformat())
            events["note"].append(e.note)
    columns = list(project_rows[0]) if project_rows else [*_REQUIRED]
    projects = pd.DataFrame(
        {c: pd.Series([r[c] for r in project_rows], dtype=object) for c in columns}
    )
    return LedgerFrames(projects, _objects_of(monthly), _objects_of(events))


def _objects_of(columns: dict[str, list[Any]]) -> Any:
    """A DataFrame of object columns of the values as they are, the same whether empty or not."""
    pd = _pandas()
    return pd.DataFrame({c: pd.Series(values, dtype=object) for c, values in columns.items()})


def _objects(frame: Any, columns: tuple[str, ...]) -> Any:
    """A pandas frame of object columns of a polars frame's values (text, None)."""
    return _objects_of({c: frame[c].to_list() for c in columns})


def _decimals(column: Any) -> Any:
    """A polars money column as exact Arrow ``decimal128(38, 12)`` values in pandas."""
    pd = _pandas()
    pa = require("pyarrow", extra="engine", user="projpush.columnar")
    arrow = column.to_arrow().cast(pa.decimal128(38, 12))
    return pd.Series(pd.arrays.ArrowExtensionArray(arrow))


# --------------------------------------------------------------------------- frames in


def to_tables(
    monthly: Any, projects: Any | None = None, stage_events: Any | None = None
) -> LedgerTables:
    """The tables as the engine's ledger: projects (by key), annual plans, figures, stage events.

    The other tables of :class:`~projpush.engine.LedgerTables` are empty.
    Every engine function runs on the result, for instance
    :func:`projpush.engine.monthly_summary_tables`; this module's functions
    call this first.

    Args:
        monthly: one row per project and month: ``key``, ``month``, ``plan``,
            ``done``; with no ``projects`` table, the project columns too,
            repeated on each of a project's rows (a row with no month, plan
            or done then stands for a project without figures).
        projects: one row per project: ``key``, ``name``, ``level``,
            ``category``, ``stage``, ``region``, ``unit``,
            ``annual_plan_YYYY``...; other columns are ignored.
        stage_events: dated stage changes: ``key``, ``kind``, ``on``, ``note``.

    Raises:
        ValidationError: a column is missing or a cell is bad (the message
            names the table, the column and the row's key and month).
        MoneyTypeError: an amount column or cell is a float.
        DuplicateKeyError: a key twice in ``projects``, or a project and
            month twice in ``monthly``.
        UnknownReferenceError: ``monthly`` or ``stage_events`` names a key
            ``projects`` does not have.
        InvalidTransition: a project's stage events take an illegal step.

    >>> import pandas as pd
    >>> monthly = pd.DataFrame({"key": ["A", "A"], "month": ["2020-02", "2020-01"],
    ...     "plan": ["10", "10"], "done": ["9", None], "name": ["甲"] * 2, "level": ["市级"] * 2,
    ...     "category": ["industry"] * 2, "stage": ["under_construction"] * 2,
    ...     "region": ["鄞州区"] * 2, "unit": ["区发改局"] * 2})
    >>> tables = to_tables(monthly)
    >>> tables.monthly.num_rows, tables.projects["level"].to_pylist()
    (2, ['city'])
    """
    return _read(monthly, projects, stage_events).tables


def from_frames(
    monthly: Any, projects: Any | None = None, stage_events: Any | None = None
) -> Portfolio:
    """The projects of the tables as a :class:`~projpush.model.Portfolio`, sorted by key.

    The tables are read by :func:`to_tables` and the objects built by
    :func:`projpush.engine.to_portfolio`: the one function of this module
    that builds objects, for drill-down and for the object API's other
    rules. Amounts come back without trailing zeros (``Decimal("100")`` for
    ``"100.0"``, the same number).

    Raises:
        As :func:`to_tables`.

    >>> import pandas as pd
    >>> monthly = pd.DataFrame({"key": ["A", "A"], "month": ["2020-02", "2020-01"],
    ...     "plan": ["10", "10"], "done": ["9", None], "name": ["甲"] * 2, "level": ["city"] * 2,
    ...     "category": ["industry"] * 2, "stage": ["under_construction"] * 2,
    ...     "region": ["鄞州区"] * 2, "unit": ["区发改局"] * 2})
    >>> p = from_frames(monthly).project("A")
    >>> dict(p.monthly_done), len(p.monthly_plan)
    ({Month(year=2020, month=2): Decimal('9')}, 2)
    """
    tables = to_tables(monthly, projects, stage_events)
    from projpush.engine import to_portfolio  # noqa: PLC0415 (needs the extra)

    return to_portfolio(tables)


def _as_of(value: object) -> dt.date:
    """The date of a judgement: a date, or a pandas Timestamp at midnight."""
    if isinstance(value, dt.date):
        if isinstance(value, dt.datetime):
            if value.tzinfo is not None or value.time() != dt.time(0):
                raise ValidationError.about(
                    "as_of", "a date (a timestamp at midnight at most)", value
                )
            return value.date()
        return value
    raise ValidationError.about("as_of", "a date", value)


def _year(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= 2200:
        raise ValidationError.about("year", "a year from 1900 to 2200", value)
    return value


# --------------------------------------------------------------------------- lights


def judge_frame(
    monthly: Any,
    as_of: dt.date,
    policy: LightPolicy | None = None,
    *,
    projects: Any | None = None,
    stage_events: Any | None = None,
    year: int | None = None,
    lenient: bool = False,
    lang: str = "zh",
) -> Any:
    """The light (红黄绿灯) of each project on ``as_of``, one row per project, sorted by key.

    The rows are :func:`projpush.frames.verdict_records` of
    :func:`projpush.lights.judge_portfolio` on the same projects, with the
    ``project`` column named ``key``: the same values the object API gives,
    computed by :func:`projpush.engine.judge_tables`. ``policy`` is Ningbo's
    lag policy by default; a :class:`~projpush.lights.GapPolicy`
    (``GapPolicy.yinchuan()``, ``GapPolicy.sanya()``) or a
    :class:`~projpush.lights.WorstOf` of such policies also works. ``light``
    is an ordered categorical (green < yellow < red, as in every frame of
    projpush), missing for a project not judged. ``year`` pins the plan year: a later
    ``as_of`` is moved to its 31 December.

    Raises:
        PolicyError: ``policy`` needs more than monthly figures (node tasks,
            site observations), or a threshold the engine cannot hold
            exactly (a tolerance of more than 6 decimal places).
        ValidationError: ``as_of`` is not a date (a pandas Timestamp at
            midnight is one), ``year`` is not a year, ``lang`` is neither
            ``"zh"`` nor ``"en"``, as :func:`to_tables`, or a project has no
            plan for the year (unless ``lenient``), as
            :func:`~projpush.lights.judge`.

    >>> import pandas as pd
    >>> from projpush.lights import GapPolicy
    >>> monthly = pd.DataFrame({"key": ["BZ-1"] * 5, "month": [f"2020-0{m}" for m in range(1, 6)],
    ...     "plan": [None] * 5, "done": ["40"] * 5, "name": ["滨州项目"] * 5, "level": ["city"] * 5,
    ...     "category": ["industry"] * 5, "stage": ["under_construction"] * 5,
    ...     "region": ["滨城区"] * 5, "unit": ["市发改委"] * 5, "annual_plan_2020": ["1000"] * 5})
    >>> row = judge_frame(monthly, dt.date(2020, 5, 31), GapPolicy.yinchuan()).loc[0]
    >>> row["light"], row["severity"]
    ('yellow', '65/3')
    """
    _pandas()
    from projpush import _columnar_lights  # noqa: PLC0415 (needs the extras)

    _columnar_lights.members(policy)
    day = _as_of(as_of)
    if year is not None:
        plan_year = _year(year)
        if day.year < plan_year:
            raise ValidationError.about("as_of", f"a date in or after the plan year {year}", day)
        day = min(day, dt.date(plan_year, 12, 31))
    read = _read(monthly, projects, stage_events)
    rows = _columnar_lights.verdict_rows(read, day, policy, lenient=lenient, lang=lang)
    return _ordered_lights(_objects(rows, _columnar_lights.VERDICT_COLUMNS))


def light_map_frame(
    monthly: Any,
    year: int,
    policy: LightPolicy | None = None,
    *,
    projects: Any | None = None,
    stage_events: Any | None = None,
    lenient: bool = False,
) -> Any:
    """The light of each project at each month end of ``year`` (long format, sorted by key).

    The rows are :func:`projpush.frames.light_map_records` of
    :func:`projpush.lights.light_map`: ``key``, ``name``, ``month``,
    ``light`` (an ordered categorical, missing when not judged), from
    :func:`projpush.engine.light_map_table` at the year's end.

    Raises:
        PolicyError: as :func:`judge_frame`.
        ValidationError: ``year`` is not a year, as :func:`to_tables`, or a
            project has no plan for ``year`` in a stage the policy judges
            (unless ``lenient``).

    >>> import pandas as pd
    >>> monthly = pd.DataFrame({"key": ["NB-1"] * 3, "month": ["2020-01", "2020-02", "2020-03"],
    ...     "plan": ["100"] * 3, "done": ["90"] * 3, "name": ["港区扩建"] * 3,
    ...     "level": ["city"] * 3, "category": ["infrastructure"] * 3,
    ...     "stage": ["under_construction"] * 3, "region": ["北仑区"] * 3,
    ...     "unit": ["市港航局"] * 3})
    >>> light_map_frame(monthly, 2020)["light"].tolist()[:4]
    ['green', 'yellow', 'red', 'red']
    """
    _pandas()
    from projpush import _columnar_lights  # noqa: PLC0415 (needs the extras)

    _columnar_lights.members(policy)
    plan_year = _year(year)
    read = _read(monthly, projects, stage_events)
    wide = _columnar_lights.light_map_rows(read, plan_year, policy, lenient=lenient)
    return _long_map(wide)


def _long_map(wide: Any) -> Any:
    """The light map in long format: each project's twelve months, in order, lights as text."""
    pd = _pandas()
    np = require("numpy", extra="engine", user="projpush.columnar")
    months = wide.columns[2:]
    n = wide.height
    labels = np.array([None, "green", "yellow", "red"], dtype=object)
    ranks = wide.select(months).to_numpy().astype(np.int64) if n else np.zeros((0, 12), np.int64)
    columns = {
        "key": np.repeat(np.asarray(wide["key"].to_list(), dtype=object), len(months)),
        "name": np.repeat(np.asarray(wide["name"].to_list(), dtype=object), len(months)),
        "month": np.tile(np.asarray(months, dtype=object), n),
        "light": labels[ranks.ravel()],
    }
    frame = pd.DataFrame({c: pd.Series(v, dtype=object) for c, v in columns.items()})
    return _ordered_lights(frame)


def _ordered_lights(frame: Any) -> Any:
    """``frame`` with its ``light`` column an ordered categorical: green < yellow < red.

    As in every frame of projpush (:mod:`projpush.frames`, the engine's), so
    ``frame["light"] >= "yellow"`` and ``max()`` compare lights, not text; a
    project not judged is missing (NaN), as in any categorical.
    """
    pd = _pandas()
    frame["light"] = pd.Categorical(frame["light"], categories=_LIGHT_ORDER, ordered=True)
    return frame


_LIGHT_ORDER: Final = ("green", "yellow", "red")


# --------------------------------------------------------------------------- metrics


def _shares(plans: list[str], dones: list[str], schedule: Fraction) -> dict[str, list[Any]]:
    """Completion, schedule and gap of each row's amounts (their text), exact and rounded.

    As :attr:`projpush.metrics.Investment.completion` and the gap
    ``completion - schedule`` (:class:`~projpush.metrics.Points`), not
    applicable when the plan is zero; rounded half-up (ties away from zero)
    as :func:`projpush._fmt.half_up` rounds, in integers.
    """
    out: dict[str, list[Any]] = {c: [] for c in _SHARES}
    a, b = schedule.numerator, schedule.denominator
    for plan_text, done_text in zip(plans, dones, strict=True):
        plan = int(plan_text.replace(".", ""))  # both scaled by 10^12: the ratio is the same
        out["schedule"].append(schedule)
        if plan == 0:
            out["completion"].append(NOT_APPLICABLE)
            out["gap"].append(NOT_APPLICABLE)
            out["completion_pct"].append(None)
            out["gap_points"].append(None)
            continue
        done = int(done_text.replace(".", ""))
        points, over = 100 * (done * b - a * plan), plan * b  # the gap, points / over
        out["completion"].append(Fraction(done, plan))
        out["gap"].append(Fraction(points, over))
        whole = (2000 * done + plan) // (2 * plan)
        out["completion_pct"].append(f"{whole // 10}.{whole % 10}")
        tenths = (20 * abs(points) + over) // (2 * over)
        sign = "-" if points < 0 and tenths else ""
        out["gap_points"].append(f"{sign}{tenths // 10}.{tenths % 10}")
    return out


def _figures_out(
    rows: Any, labels: tuple[str, ...], counts: tuple[str, ...], schedule: Fraction
) -> Any:
    """A pandas frame of ``rows``: labels as text, counts, exact amounts, shares (figures_frame)."""
    pd = _pandas()
    pl = require("polars", extra="engine", user="projpush.columnar")
    texts = rows.select(pl.col(c).cast(pl.String) for c in ("annual_plan", "done_to_date"))
    shares = _shares(texts["annual_plan"].to_list(), texts["done_to_date"].to_list(), schedule)
    columns: dict[str, Any] = {c: pd.Series(rows[c].to_list(), dtype=object) for c in labels}
    for c in counts:
        columns[c] = pd.Series(rows[c].to_numpy(), dtype=bool if c == "planned" else "int64")
    for c in _AMOUNTS:
        columns[c] = _decimals(rows[c])
    for c in _SHARES:
        columns[c] = pd.Series(shares[c], dtype=object)
    return pd.DataFrame(columns, index=pd.RangeIndex(rows.height))


def figures_frame(
    monthly: Any,
    as_of: dt.date,
    *,
    projects: Any | None = None,
    stage_events: Any | None = None,
    basis: TimeBasis = TimeBasis.MONTH,
) -> Any:
    """Each project's investment figures at ``as_of``, one row per project, sorted by key.

    Each row is :func:`projpush.metrics.investment` of the one project, from
    :func:`projpush.engine.investment_table`: ``planned`` (it has an annual
    plan for ``as_of``'s year; without one its amounts are zero and its rates
    not applicable, as it is not on the year's investment list),
    ``annual_plan``, ``done_to_date``, ``done_in_month``, ``done_last_year``
    (exact Arrow ``decimal128(38, 12)``, 万元), ``completion`` (done / plan as a
    Fraction share, or :data:`~projpush.metrics.NOT_APPLICABLE` when the plan
    is zero), ``schedule`` (time-schedule progress, a Fraction share), ``gap``
    (completion − schedule in percentage points, a Fraction or not
    applicable), and the same rounded half-up as report text
    (``completion_pct``, ``gap_points``; None when not applicable). The
    project's ``name``, ``level``, ``category``, ``region``, ``unit`` and its
    ``stage`` on ``as_of`` come along for grouping (:func:`groups_from_figures`).

    Raises:
        ValidationError: ``as_of`` is not a date, or as :func:`to_tables`.

    >>> import pandas as pd
    >>> monthly = pd.DataFrame({"key": ["BZ"], "month": ["2020-05"], "plan": [None],
    ...     "done": ["4793300"], "name": ["滨州"], "level": ["city"], "category": ["industry"],
    ...     "stage": ["under_construction"], "region": ["滨州市"], "unit": ["市发改委"],
    ...     "annual_plan_2020": ["10170000"]})
    >>> row = figures_frame(monthly, dt.date(2020, 5, 31)).loc[0]
    >>> row["completion_pct"], row["gap_points"], row["gap"]
    ('47.1', '5.5', Fraction(5558, 1017))
    >>> row["done_to_date"] == 4793300
    True
    """
    day = _as_of(as_of)
    schedule = time_schedule(day, basis).value
    read = _read(monthly, projects, stage_events)
    from projpush.engine import investment_table  # noqa: PLC0415 (needs the extra)

    pl = require("polars", extra="engine", user="projpush.columnar")
    names = pl.from_arrow(read.tables.projects).select("key", "name")
    rows = investment_table(read.tables, day).join(
        names, on="key", how="left", maintain_order="left"
    )
    assert isinstance(schedule, Fraction)  # noqa: S101 (a schedule's denominator is never 0)
    return _figures_out(rows, _LABELS, ("planned",), schedule)


def _dimension(by: GroupBy | str) -> GroupBy:
    try:
        dimension = by if isinstance(by, GroupBy) else GroupBy(by)
    except ValueError:
        dimension = None
    if dimension is None or dimension not in _DIMENSIONS:
        names = [d.value for d in _DIMENSIONS]
        raise ValidationError.about("by", f"one of {names} (the tables hold no leaders)", by)
    return dimension


def _group_partials(read: Read, dimension: GroupBy, day: dt.date) -> Any:
    """Each group's members, planned projects and summed amounts, from the engine (polars)."""
    from projpush.engine import group_table  # noqa: PLC0415 (needs the extra)

    name = dimension.value
    return group_table(read.tables, dimension, day).select(name, "members", "projects", *_AMOUNTS)


def _groups_out(partials: Any, dimension: GroupBy, schedule: Fraction) -> Any:
    """The group table of summed partials: counts and amounts added, then the shares of the sums."""
    pl = require("polars", extra="engine", user="projpush.columnar")
    name = dimension.value
    summed = (
        partials.group_by(name)
        .agg(
            pl.col("members").sum().cast(pl.Int64),
            pl.col("projects").sum().cast(pl.Int64).alias("projects_planned"),
            *(pl.col(c).sum() for c in _AMOUNTS),
        )
        .sort(name)
    )
    return _figures_out(summed, (name,), ("members", "projects_planned"), schedule)


def groups_frame(
    monthly: Any,
    by: GroupBy | str,
    as_of: dt.date,
    *,
    projects: Any | None = None,
    stage_events: Any | None = None,
    basis: TimeBasis = TimeBasis.MONTH,
) -> Any:
    """Figures per level, category, region, unit or stage (on ``as_of``), one row per group.

    The rows are :func:`projpush.metrics.group_figures` of the same projects,
    from :func:`projpush.engine.group_table`: a group's completion is its
    summed done over its summed plan, never an average of rates. The first
    column is named after ``by`` and holds the group; ``members`` counts its
    projects, ``projects_planned`` those with an annual plan; the other
    columns are those of :func:`figures_frame`. Groups are sorted.

    Raises:
        ValidationError: ``by`` is not one of these (leaders are not in the
            tables), ``as_of`` is not a date, or as :func:`to_tables`.

    >>> import pandas as pd
    >>> rows = [("P1", "A", "100", "90"), ("P2", "A", "900", "90"), ("P3", "B", "10", "5")]
    >>> monthly = pd.DataFrame([{"key": k, "month": "2020-05", "plan": None, "done": d,
    ...     "name": k, "level": "city", "category": "industry", "stage": "under_construction",
    ...     "region": r, "unit": "U", "annual_plan_2020": a} for k, r, a, d in rows])
    >>> groups_frame(monthly, "region", dt.date(2020, 5, 31))[["region", "completion_pct"]].values
    array([['A', '18.0'],
           ['B', '50.0']], dtype=object)
    """
    dimension = _dimension(by)
    day = _as_of(as_of)
    schedule = time_schedule(day, basis).value
    assert isinstance(schedule, Fraction)  # noqa: S101 (a schedule's denominator is never 0)
    read = _read(monthly, projects, stage_events)
    return _groups_out(_group_partials(read, dimension, day), dimension, schedule)


def _share(value: object, field: str) -> Fraction:
    """An exact share from a Fraction or its text (``"5/12"``), as a figures table holds it."""
    if isinstance(value, Fraction | str):
        return to_ratio(value, field, expected="an exact share such as 5/12", signed=True)
    raise ValidationError.about(field, "an exact share such as 5/12", value)


def groups_from_figures(figures: Any, by: GroupBy | str) -> Any:
    """Group rows of :func:`figures_frame` (from pandas or Dask) as :func:`groups_frame` does.

    Each group's amounts are the sums of its planned members' amounts, so its
    rates are the group's summed done over its summed plan; the result equals
    :func:`groups_frame` on the same tables. The amounts may be Arrow
    decimals (as :func:`figures_frame` gives them), ``Decimal`` values or
    text (a figures table read back from CSV).

    Raises:
        ValidationError: ``by`` is not a grouping column, ``figures`` lacks
            a column, a cell is bad, or its rows come from different dates or
            bases.
        MoneyTypeError: an amount is a float.

    >>> import pandas as pd
    >>> rows = [("P1", "A", "100", "90"), ("P2", "A", "900", "90"), ("P3", "B", "10", "5")]
    >>> monthly = pd.DataFrame([{"key": k, "month": "2020-05", "plan": None, "done": d,
    ...     "name": k, "level": "city", "category": "industry", "stage": "under_construction",
    ...     "region": r, "unit": "U", "annual_plan_2020": a} for k, r, a, d in rows])
    >>> each = figures_frame(monthly, dt.date(2020, 5, 31))
    >>> groups_from_figures(each, "region")["completion_pct"].tolist()
    ['18.0', '50.0']
    """
    dimension = _dimension(by)
    _pandas()
    from projpush import _columnar_read as rd  # noqa: PLC0415 (needs the extras)

    frame = rd.check_frame(figures, "figures", _FIGURE_COLUMNS)
    pa = require("pyarrow", extra="engine", user="projpush.columnar")
    pl = require("polars", extra="engine", user="projpush.columnar")
    keys = frame["key"].tolist()
    name = dimension.value

    def cells(column: str, check: Callable[[Any, str], Any]) -> list[Any]:
        """The checked distinct values of a column, the first bad one named by its row's key."""
        codes, values = rd.factorized(frame[column])
        out = []
        for i, value in enumerate(values):
            row = int(rd.np.argmax(codes == i))
            raw = frame[column].iloc[row] if value is None else value
            out.append(check(raw, f"figures.{column}[{keys[row]}]"))
        return [out[c] for c in codes]

    schedules = set(cells("schedule", _share))
    if len(schedules) > 1:
        raise ValidationError.about(
            "figures.schedule", "the figures of one date", sorted(map(str, schedules))
        )
    planned = cells("planned", _planned)
    groups = cells(name, _group_name)
    columns: dict[str, Any] = {
        name: pa.array(groups, pa.string()),
        "members": pa.array([1] * len(keys), pa.int64()),
        "projects": pa.array([int(p) for p in planned], pa.int64()),
    }
    for c in _AMOUNTS:
        values, _ = rd.amounts(frame[c], rd.cell_field(f"figures.{c}", keys))
        columns[c] = values
    flags = pa.array(planned, pa.bool_())
    partials = pl.from_arrow(pa.table(columns)).with_columns(
        pl.when(pl.Series(flags)).then(pl.col(c)).otherwise(pl.lit(Decimal(0), pl.Decimal(38, 12)))
        for c in _AMOUNTS
    )
    schedule = schedules.pop() if schedules else Fraction(0)
    return _groups_out(partials, dimension, schedule)


def _planned(value: object, field: str) -> bool:
    if value is True or value is False or type(value).__name__ == "bool_":
        return bool(value)
    raise ValidationError.about(field, "True or False", value)


def _group_name(value: object, field: str) -> str:
    if not isinstance(value, str):
        raise ValidationError.about(field, "a text", value)
    return value


def _schedule_of(as_of: dt.date, basis: TimeBasis) -> Fraction:
    value = time_schedule(as_of, basis).value
    return Fraction(0) if isinstance(value, NotApplicable) else value


# --------------------------------------------------------------------------- dask


def _key_hashes(part: Any) -> Any:
    """The hash of each row's folded project key (int64), the same in every table and process."""
    from projpush import _columnar_read as rd  # noqa: PLC0415 (needs the extras)

    pd = _pandas()
    keys = rd.part_keys(part["key"])
    return pd.util.hash_array(rd.np.asarray(keys, dtype=object)).view("int64")


def _with_part(part: Any) -> Any:
    """``part`` with the hash of each row's folded key, on which every table is shuffled alike."""
    pd = _pandas()
    hashes = _key_hashes(part)
    return part.assign(**{_PART: pd.Series(hashes, index=part.index, dtype="int64")})


def _with_bucket(part: Any, npartitions: int) -> Any:
    """``part`` with the column ``part``: its rows' partition, from the folded key's hash."""
    pd = _pandas()
    buckets = _key_hashes(part).view("uint64") % npartitions
    return part.assign(part=pd.Series(buckets.astype("int64"), index=part.index))


def partition_by_key(frame: Any, npartitions: int) -> Any:
    """A table (pandas or Dask) as a Dask DataFrame indexed by partition, whole projects in each.

    The index ``part`` is the partition of each row's project, from the hash
    of its folded key, with known divisions: partition ``i`` of every table
    so made holds the same projects. Write the tables with ``to_parquet`` and
    read them back with ``dask.dataframe.read_parquet(..., index="part",
    calculate_divisions=True)`` to keep that, and run :func:`on_partitions`
    on them with ``partitioned=True``: no shuffle. Needs ``projpush[dask]``.

    Raises:
        ValidationError: ``frame`` is not a DataFrame with a ``key`` column,
            or ``npartitions`` is not a whole number from 1.
    """
    dd = _dask_dataframe()
    pd = _pandas()
    if isinstance(npartitions, bool) or not isinstance(npartitions, int) or npartitions < 1:
        raise ValidationError.about("npartitions", "a whole number from 1", npartitions)
    if isinstance(frame, pd.DataFrame):
        frame = dd.from_pandas(frame, npartitions=1)
    if not isinstance(frame, dd.DataFrame):
        raise ValidationError.about("frame", "a pandas or Dask DataFrame", type(frame).__name__)
    from projpush import _columnar_read as rd  # noqa: PLC0415 (needs the extras)

    rd.check_columns(frame, "frame", ("key",))
    meta = _with_bucket(_empty(frame), npartitions)
    with_part = frame.map_partitions(_with_bucket, npartitions, meta=meta)
    return with_part.set_index("part", divisions=list(range(npartitions + 1)))


def _on_partition(
    *parts: Any,
    fn: Callable[..., Any],
    names: tuple[str, ...],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> Any:
    """Run ``fn`` on one partition of each table: a whole set of projects, with all their rows."""
    tables = {
        n: p.drop(columns=[_PART]) if _PART in p.columns else p
        for n, p in zip(names, parts, strict=True)
    }
    monthly = tables.pop("monthly")
    if fn is groups_frame:
        bound = inspect.signature(groups_frame).bind(monthly, *args, **tables, **kwargs)
        by, as_of = bound.arguments["by"], bound.arguments["as_of"]
        read = _read(monthly, tables.get("projects"), tables.get("stage_events"))
        partials = _group_partials(read, _dimension(by), _as_of(as_of))
        return _partials_out(partials, _dimension(by))
    return fn(monthly, *args, **tables, **kwargs)


def _partials_out(partials: Any, dimension: GroupBy) -> Any:
    """A partition's group partials as pandas: the group, counts and exact amount sums."""
    pd = _pandas()
    name = dimension.value
    columns: dict[str, Any] = {
        name: pd.Series(partials[name].to_list(), dtype=object),
        "members": pd.Series(partials["members"].to_numpy(), dtype="int64"),
        "projects": pd.Series(partials["projects"].to_numpy(), dtype="int64"),
    }
    for c in _AMOUNTS:
        columns[c] = _decimals(partials[c])
    return pd.DataFrame(columns, index=pd.RangeIndex(partials.height))


def _combine_groups(partials: Any, dimension: GroupBy, schedule: Fraction) -> Any:
    """The group table of every partition's partials: sums of counts and amounts, then shares."""
    pa = require("pyarrow", extra="engine", user="projpush.columnar")
    pl = require("polars", extra="engine", user="projpush.columnar")
    table = pa.Table.from_pandas(partials, preserve_index=False)
    return _groups_out(pl.from_arrow(table), dimension, schedule)


def _empty(frame: Any) -> Any:
    """An empty pandas frame with the columns and dtypes of a Dask frame."""
    pd = _pandas()
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in frame.dtypes.items()})


def on_partitions(
    fn: Callable[..., Any],
    monthly: Any,
    *args: Any,
    projects: Any | None = None,
    stage_events: Any | None = None,
    partitioned: bool = False,
    **kwargs: Any,
) -> Any:
    """Run a function of this module on Dask DataFrames, the engine on each partition.

    ``fn`` is :func:`judge_frame`, :func:`light_map_frame`, :func:`figures_frame`
    (per project) or :func:`groups_frame` (per group). Every partition must
    hold whole projects. By default the tables are shuffled on the hash of
    the folded project key into ``monthly.npartitions`` partitions, the same
    for every table. With ``partitioned``, they are taken as they are: every
    table is a Dask DataFrame with known divisions on an index that places
    each project in one partition, the same for every table (the ``part`` of
    :func:`partition_by_key`, or the project key itself), and Dask aligns the
    tables' partitions on it. Then ``fn``'s engine work runs on each partition
    with :func:`dask.dataframe.map_partitions`.

    ``projects`` and ``stage_events`` are Dask or pandas DataFrames (a pandas
    table is shuffled like a Dask one, so not with ``partitioned``); without
    ``projects``, ``monthly`` carries the project columns. The result is
    lazy. For the per-project functions it is not sorted: its
    ``.compute().sort_values("key", ignore_index=True)`` equals ``fn`` on the
    same tables in pandas (for :func:`light_map_frame`, sort with a stable
    sort to keep the months in order). For :func:`groups_frame` each
    partition gives its groups' counts and exact amount sums, which are added
    up in one last partition, and the shares are computed from the sums: the
    result equals :func:`groups_frame`. Needs ``projpush[dask]``.

    Raises:
        ValidationError: ``fn`` is not one of the four, a table lacks columns,
            or with ``partitioned`` a table is not a Dask DataFrame with
            known divisions.
        MoneyTypeError: an amount column is float.
        UnknownReferenceError: with pandas ``projects`` and ``stage_events``,
            an event names a key ``projects`` lacks.

    Errors in the rows (bad cells, unknown keys) are raised when the result
    is computed, as :func:`to_tables` raises them.
    """
    dd = _dask_dataframe()
    _pandas()
    if not any(fn is f for f in (judge_frame, light_map_frame, figures_frame, groups_frame)):
        name = getattr(fn, "__name__", fn)
        raise ValidationError.about(
            "fn", "judge_frame, light_map_frame, figures_frame or groups_frame", name
        )
    if not isinstance(monthly, dd.DataFrame):
        raise ValidationError.about("monthly", "a Dask DataFrame", type(monthly).__name__)
    tables = _checked_tables(monthly, projects, stage_events)
    tables = _aligned(tables) if partitioned else _shuffled(tables, monthly.npartitions)
    names = tuple(tables)
    run = functools.partial(_on_partition, fn=fn, names=names, args=args, kwargs=kwargs)
    # The function on no rows gives the result's columns and dtypes, the same as on any rows.
    meta = run(*(_empty(t) for t in tables.values()))
    parts = dd.map_partitions(run, *tables.values(), meta=meta, align_dataframes=False)
    if fn is not groups_frame:
        return parts
    bound = inspect.signature(groups_frame).bind(None, *args, **kwargs)
    dimension = _dimension(bound.arguments["by"])
    day = _as_of(bound.arguments["as_of"])
    basis = bound.arguments.get("basis", TimeBasis.MONTH)
    combine = functools.partial(
        _combine_groups, dimension=dimension, schedule=_schedule_of(day, basis)
    )
    return parts.repartition(npartitions=1).map_partitions(combine, meta=combine(meta))


def _checked_tables(monthly: Any, projects: Any | None, stage_events: Any | None) -> dict[str, Any]:
    """The tables by name, once their columns are there and no amount column is float."""
    dd = _dask_dataframe()
    from projpush import _columnar_read as rd  # noqa: PLC0415 (needs the extras)

    required = _MONTHLY if projects is not None else (*_MONTHLY, *_REQUIRED[1:])
    hint = "" if projects is not None else " (or pass a projects table)"
    rd.check_columns(monthly, "monthly", required, hint)
    rd.refuse_float_columns(monthly, "monthly", ("plan", "done"))
    tables = {"monthly": monthly}
    if projects is not None:
        rd.check_columns(projects, "projects", _REQUIRED)
        rd.refuse_float_columns(projects, "projects", rd.money_columns(projects))
        tables["projects"] = projects
    else:
        rd.refuse_float_columns(monthly, "monthly", rd.money_columns(monthly))
    if stage_events is not None:
        rd.check_columns(stage_events, "stage_events", _EVENTS)
        tables["stage_events"] = stage_events
    pandas_tables = projects is not None and stage_events is not None
    if pandas_tables and not any(isinstance(t, dd.DataFrame) for t in (projects, stage_events)):
        _known_keys(stage_events, projects)
    return tables


def _aligned(tables: dict[str, Any]) -> dict[str, Any]:
    """Tables partitioned by project already: Dask frames of known divisions, cut alike."""
    dd = _dask_dataframe()
    for name, table in tables.items():
        if not isinstance(table, dd.DataFrame) or not table.known_divisions:
            got = "unknown divisions" if isinstance(table, dd.DataFrame) else type(table).__name__
            raise ValidationError.about(
                name, "a Dask DataFrame with known divisions (partitioned=True)", got
            )
    if len({table.divisions for table in tables.values()}) == 1:
        return tables
    # Partitions of the same index ranges in every table: the same projects in each.
    divisions = sorted({d for table in tables.values() for d in table.divisions})
    return {n: t.repartition(divisions=divisions, force=True) for n, t in tables.items()}


def _shuffled(tables: dict[str, Any], npartitions: int) -> dict[str, Any]:
    """Every table shuffled on the hash of the folded key: a key's rows in one partition."""
    dd = _dask_dataframe()
    out = {}
    for name, table in tables.items():
        frame = table if isinstance(table, dd.DataFrame) else dd.from_pandas(table, npartitions=1)
        out[name] = frame.map_partitions(_with_part).shuffle(on=_PART, npartitions=npartitions)
    return out


def _known_keys(stage_events: Any, projects: Any) -> None:
    """Refuse stage events of a key the (pandas) projects table lacks."""
    from projpush import _columnar_read as rd  # noqa: PLC0415 (needs the extras)

    keys = set(rd.folded_keys(projects["key"], "projects.key").to_pylist())
    events = set(rd.folded_keys(stage_events["key"], "stage_events.key").to_pylist())
    stray = sorted(events - keys)
    if stray:
        raise UnknownReferenceError.about("stage_events.key", "a key of a project", stray[0])
