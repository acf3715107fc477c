"""The columnar path for analysts: lights and figures over pandas DataFrames.

An analyst's ledger is often a table of monthly figures, one row per project
and month (月度台账), rather than :class:`~projpush.model.Project` objects.
This module reads such tables and gives the answers of the object API, value
for value: it rebuilds each project from its rows and calls the very same
rule code (:func:`projpush.lights.judge_portfolio`,
:func:`projpush.lights.light_map`, :func:`projpush.metrics.investment`,
:func:`projpush.metrics.group_figures`). Nothing here re-implements a rule.

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

Amounts are exact: ``Decimal``, ``int`` or text. A float column is refused
with :class:`~projpush.errors.MoneyTypeError` naming the column. Needs the
optional extra ``projpush[pandas]`` (and ``projpush[dask]`` for
:func:`on_partitions`), imported when a function is called.

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
import re
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Final, NamedTuple

from projpush._convert import FrozenMap, normalise_text, to_date, to_nonneg_money
from projpush._extras import require
from projpush.errors import (
    DuplicateKeyError,
    MoneyTypeError,
    PolicyError,
    ProjpushError,
    UnknownReferenceError,
    ValidationError,
)
from projpush.frames import light_map_records, portfolio_records, verdict_records
from projpush.lights import GapPolicy, LagPolicy, LightPolicy, WorstOf, judge_portfolio, light_map
from projpush.metrics import (
    GroupBy,
    GroupFigures,
    Investment,
    NotApplicable,
    Ratio,
    group_figures,
    investment,
    time_schedule,
)
from projpush.model import Month, Portfolio, Project, StageEvent
from projpush.schedule import TimeBasis

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

__all__ = [
    "LedgerFrames",
    "figures_frame",
    "from_frames",
    "groups_frame",
    "groups_from_figures",
    "judge_frame",
    "light_map_frame",
    "on_partitions",
    "to_frames",
]

# The project columns: required ones, then optional ones handed to Project as they are.
_REQUIRED: Final = ("key", "name", "level", "category", "stage", "region", "unit")
_OPTIONAL: Final = ("code", "local_id", "owner", "total_investment", "task_force")
_MONEY_OPTIONAL: Final = frozenset({"total_investment"})
_ANNUAL: Final = re.compile(r"annual_plan_(\d{4})")
_MONTHLY: Final = ("key", "month", "plan", "done")
_EVENTS: Final = ("key", "kind", "on")
# Marks the rows on_partitions merged from a projects table, to find monthly rows without one.
_FROM_PROJECTS: Final = "__projpush_project__"

_VERDICT_COLUMNS: Final = {
    "key": object,
    "as_of": object,
    "policy": object,
    "light": object,
    "severity": object,
    "reason_codes": object,
    "reasons": object,
}
_LIGHT_MAP_COLUMNS: Final = {"key": object, "name": object, "month": object, "light": object}
_AMOUNTS: Final = {
    "annual_plan": object,
    "done_to_date": object,
    "done_in_month": object,
    "done_last_year": object,
    "completion": object,
    "schedule": object,
    "gap": object,
    "completion_pct": object,
    "gap_points": object,
}
_FIGURE_COLUMNS: Final = {
    "key": object,
    "name": object,
    "level": object,
    "category": object,
    "region": object,
    "unit": object,
    "stage": object,
    "planned": bool,
    **_AMOUNTS,
}
_DIMENSIONS: Final = (GroupBy.LEVEL, GroupBy.CATEGORY, GroupBy.REGION, GroupBy.UNIT, GroupBy.STAGE)


# --------------------------------------------------------------------------- optional imports


def _pandas() -> Any:
    """The pandas module, or an ImportError naming the extra to install."""
    return require("pandas", extra="pandas", user="projpush.columnar")


def _dask_dataframe() -> Any:
    """The dask.dataframe module, or an ImportError naming the extra to install."""
    return require("dask.dataframe", extra="dask", user="projpush.columnar.on_partitions")


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
    tables.

    Raises:
        ImportError: pandas is not installed (``projpush[pandas]``).

    >>> from projpush.model import Project
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
    project_rows = portfolio_records(portfolio)
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
    return LedgerFrames(
        projects,
        _frame(monthly, dict.fromkeys(_MONTHLY, object)),
        _frame(events, dict.fromkeys((*_EVENTS, "note"), object)),
    )


def _frame(columns: dict[str, list[Any]], dtypes: dict[str, Any]) -> Any:
    """A DataFrame of ``columns`` with fixed dtypes, the same whether empty or not.

    Object columns keep ``None``, ``Decimal`` and ``Fraction`` values as they
    are; a fixed schema lets Dask trust the empty frame as its ``meta``.
    """
    pd = _pandas()
    return pd.DataFrame({c: pd.Series(columns[c], dtype=t) for c, t in dtypes.items()})


# --------------------------------------------------------------------------- frames in


class _Missing:
    """Tells a table's missing cells (None, NaN, pandas NA and NaT) from values."""

    def __init__(self, pd: Any) -> None:
        self._na, self._nat = pd.NA, pd.NaT

    def __call__(self, value: object) -> bool:
        # Identity, not ==: pd.NA == x is NA, whose truth value is an error.
        return (
            value is None
            or value is self._na
            or value is self._nat
            or (isinstance(value, float) and value != value)  # noqa: PLR0124 (NaN test)
        )


def _check_frame(frame: object, table: str, required: Iterable[str], hint: str = "") -> Any:
    """``frame`` when it is a pandas DataFrame with the ``required`` columns."""
    if not isinstance(frame, _pandas().DataFrame):
        raise ValidationError.about(table, "a pandas DataFrame", type(frame).__name__)
    _check_columns(frame, table, required, hint)
    return frame


def _check_columns(frame: Any, table: str, required: Iterable[str], hint: str = "") -> None:
    """Refuse a pandas or Dask DataFrame that lacks some of the ``required`` columns."""
    missing = [c for c in required if c not in frame.columns]
    if missing:
        msg = f"{table}: expected the columns {missing}{hint}, got {list(frame.columns)}"
        raise ValidationError(
            msg, field=table, expected=f"columns {missing}", got=list(frame.columns)
        )


def _refuse_float_columns(frame: Any, table: str, columns: Iterable[str]) -> None:
    """Money is never float: a float column (pandas or Dask) is refused before any value is read."""
    is_float = _pandas().api.types.is_float_dtype
    dtypes = frame.dtypes
    for column in columns:
        if column in frame.columns and is_float(dtypes[column]):
            field = f"{table}.{column}"
            msg = (
                f"{field}: money must be exact, but the column holds {dtypes[column]} "
                "numbers; read it as text (pandas.read_csv(..., dtype=str)) or as Decimal"
            )
            raise MoneyTypeError(
                msg, field=field, expected="Decimal, int or text amounts", got=str(dtypes[column])
            )


def _text_key(value: object, field: str) -> str:
    text = normalise_text(value) if isinstance(value, str) else ""
    if not text:
        raise ValidationError.about(field, "a project key (a non-empty text)", value)
    return text


def _month(value: object, field: str, pd: Any) -> Month:
    if type(value) is Month:
        return value
    if isinstance(value, str):
        return Month.parse(value, field)
    if isinstance(value, pd.Period) and value.freqstr == "M":
        return Month(value.year, value.month)
    raise ValidationError.about(field, "a month YYYY-MM (text, Month or monthly Period)", value)


def _amount(value: object, field: str) -> Decimal:
    if type(value) is Decimal and value.is_finite() and value >= 0:
        return value
    if not isinstance(value, bool | int | float | str | Decimal) and hasattr(value, "item"):
        value = value.item()  # a NumPy scalar: its Python value (a float stays a float)
    return to_nonneg_money(value, field)


def _date(value: object, field: str) -> dt.date:
    """A date as the model's fields take it, or a timestamp at midnight (what pandas reads)."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None or value.time() != dt.time(0):
            raise ValidationError.about(field, "a date (a timestamp at midnight at most)", value)
        return value.date()
    return to_date(value, field)


def _as_of(value: object) -> dt.date:
    """The date of a judgement: a date, or a pandas Timestamp at midnight."""
    if isinstance(value, dt.date):
        return _date(value, "as_of")
    raise ValidationError.about("as_of", "a date", value)


def _year(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= 2200:
        raise ValidationError.about("year", "a year from 1900 to 2200", value)
    return value


def _located(error: ProjpushError, where: str) -> ProjpushError:
    """``error`` with ``where`` (the table and row) in front of its message and field."""
    field = f"{where}.{error.field}" if error.field else where
    return type(error)(f"{where}: {error}", field=field, expected=error.expected, got=error.got)


class _Figures:
    """One project's monthly plans and reports, gathered from its rows."""

    __slots__ = ("done", "months", "plan")

    def __init__(self) -> None:
        self.months: set[Month] = set()
        self.plan: dict[Month, Decimal] = {}
        self.done: dict[Month, Decimal] = {}


def _project_columns(frame: Any) -> list[str]:
    """The project columns ``frame`` has: the required, the optional, the annual plans."""
    optional = [c for c in _OPTIONAL if c in frame.columns]
    annual = sorted(c for c in frame.columns if isinstance(c, str) and _ANNUAL.fullmatch(c))
    return [*_REQUIRED, *optional, *annual]


def _project_rows(frame: Any, table: str, *, repeated: bool) -> dict[str, dict[str, Any]]:
    """The project columns of each key, missing cells as None.

    In a projects table a key comes once; in a monthly table carrying the
    project columns (``repeated``) every row of a key must agree.
    """
    pd = _pandas()
    missing = _Missing(pd)
    columns = _project_columns(frame)
    money = [c for c in columns if c in _MONEY_OPTIONAL or _ANNUAL.fullmatch(c)]
    _refuse_float_columns(frame, table, money)
    cells = [frame[c].tolist() for c in columns]
    rows: dict[str, dict[str, Any]] = {}
    for values in zip(*cells, strict=True):
        key = _text_key(values[0], f"{table}.key")
        row = {c: None if missing(v) else v for c, v in zip(columns, values, strict=True)}
        row["key"] = key
        seen = rows.get(key)
        if seen is None:
            rows[key] = row
        elif not repeated:
            raise DuplicateKeyError.about(f"{table}.key", "each project once", key)
        elif seen != row:
            column = next(c for c in columns if seen[c] != row[c])
            msg = (
                f"{table}: project {key!r} has two values in column {column!r}: "
                f"{seen[column]!r} and {row[column]!r}"
            )
            raise ValidationError(
                msg, field=f"{table}.{column}", expected=repr(seen[column]), got=row[column]
            )
    return rows


def _monthly_figures(
    frame: Any, table: str, *, repeated: bool
) -> tuple[dict[str, _Figures], dict[str, dict[str, Any]] | None]:
    """Each key's plans and reports; with ``repeated``, its project columns too."""
    pd = _pandas()
    missing = _Missing(pd)
    _refuse_float_columns(frame, table, ("plan", "done"))
    figures: dict[str, _Figures] = {}
    keys, months = frame["key"].tolist(), frame["month"].tolist()
    for key_cell, month_cell, plan, done in zip(
        keys, months, frame["plan"].tolist(), frame["done"].tolist(), strict=True
    ):
        key = _text_key(key_cell, f"{table}.key")
        gathered = figures.get(key)
        if gathered is None:
            gathered = figures[key] = _Figures()
        if missing(month_cell):
            if repeated and missing(plan) and missing(done):
                continue  # a project's row without figures (as an outer merge leaves it)
            raise ValidationError.about(f"{table}.month[{key}]", "a month YYYY-MM", None)
        month = _month(month_cell, f"{table}.month[{key}]", pd)
        where = f"[{key} {month}]"
        if month in gathered.months:
            raise DuplicateKeyError.about(f"{table}{where}", "one row per project and month", where)
        gathered.months.add(month)
        if not missing(plan):
            gathered.plan[month] = _amount(plan, f"{table}.plan{where}")
        if not missing(done):
            gathered.done[month] = _amount(done, f"{table}.done{where}")
    rows = _project_rows(frame, table, repeated=True) if repeated else None
    return figures, rows


def _stage_events(frame: object) -> dict[str, list[StageEvent]]:
    """Each key's stage events, by date; events of one day keep their row order."""
    table = "stage_events"
    events_frame = _check_frame(frame, table, _EVENTS)
    missing = _Missing(_pandas())
    notes = events_frame["note"].tolist() if "note" in events_frame.columns else None
    dated: dict[str, list[tuple[dt.date, int, StageEvent]]] = {}
    cells = zip(
        events_frame["key"].tolist(),
        events_frame["kind"].tolist(),
        events_frame["on"].tolist(),
        strict=True,
    )
    for i, (key_cell, kind, on) in enumerate(cells):
        key = _text_key(key_cell, f"{table}.key")
        day = _date(None if missing(on) else on, f"{table}.on[{key}]")
        note = "" if notes is None or missing(notes[i]) else notes[i]
        try:
            event = StageEvent(kind, day, note)
        except ProjpushError as error:
            raise _located(error, f"{table}[{key} {day}]") from None
        dated.setdefault(key, []).append((day, i, event))
    return {k: [e for _, _, e in sorted(v, key=_by_day)] for k, v in dated.items()}


def _by_day(item: tuple[dt.date, int, StageEvent]) -> tuple[dt.date, int]:
    return item[0], item[1]


def _project(
    row: dict[str, Any], figures: _Figures | None, events: Sequence[StageEvent], table: str
) -> Project:
    key = row["key"]
    annual = {}
    options: dict[str, Any] = {}
    for column, value in row.items():
        match = _ANNUAL.fullmatch(column)
        if match and value is not None:
            annual[int(match[1])] = _amount(value, f"{table}.{column}[{key}]")
        elif column in _MONEY_OPTIONAL and value is not None:
            options[column] = _amount(value, f"{table}.{column}[{key}]")
        elif column in _OPTIONAL and column not in _MONEY_OPTIONAL and value is not None:
            options[column] = value
    if "code" not in options and "local_id" not in options:
        options["local_id"] = key
    try:
        project = Project(
            name=row["name"],
            level=row["level"],
            category=row["category"],
            stage=row["stage"],
            region=row["region"],
            unit=row["unit"],
            annual_plans=FrozenMap(annual),
            monthly_plan=FrozenMap(figures.plan if figures else {}),
            monthly_done=FrozenMap(figures.done if figures else {}),
            stage_events=tuple(events),
            **options,
        )
    except ProjpushError as error:
        raise _located(error, f"{table}[{key}]") from None
    if project.key != key:
        raise ValidationError.about(f"{table}.key[{key}]", "the project's code or local_id", key)
    return project


def from_frames(
    monthly: Any, projects: Any | None = None, stage_events: Any | None = None
) -> Portfolio:
    """Rebuild the projects of the tables, sorted by key (needs pandas).

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

    >>> import pandas as pd
    >>> monthly = pd.DataFrame({"key": ["A", "A"], "month": ["2020-02", "2020-01"],
    ...     "plan": ["10", "10"], "done": ["9", None], "name": ["甲"] * 2, "level": ["city"] * 2,
    ...     "category": ["industry"] * 2, "stage": ["under_construction"] * 2,
    ...     "region": ["鄞州区"] * 2, "unit": ["区发改局"] * 2})
    >>> p = from_frames(monthly).project("A")
    >>> dict(p.monthly_done), len(p.monthly_plan)
    ({Month(year=2020, month=2): Decimal('9')}, 2)
    """
    repeated = projects is None
    hint = " (or pass a projects table)" if repeated else ""
    required = (*_MONTHLY, *_REQUIRED[1:]) if repeated else _MONTHLY
    frame = _check_frame(monthly, "monthly", required, hint)
    figures, rows = _monthly_figures(frame, "monthly", repeated=repeated)
    table = "monthly"
    if rows is None:
        table = "projects"
        rows = _project_rows(_check_frame(projects, table, _REQUIRED), table, repeated=False)
        stray = sorted(set(figures) - set(rows))
        if stray:
            raise UnknownReferenceError.about(
                "monthly.key", "a key of the projects table", stray[0]
            )
    events = {} if stage_events is None else _stage_events(stage_events)
    stray = sorted(set(events) - set(rows))
    if stray:
        raise UnknownReferenceError.about("stage_events.key", "a key of a project", stray[0])
    return Portfolio(
        projects=tuple(
            _project(rows[k], figures.get(k), events.get(k, ()), table) for k in sorted(rows)
        )
    )


# --------------------------------------------------------------------------- lights


def _monthly_policy(policy: LightPolicy | None) -> LightPolicy | None:
    """``policy`` when it judges monthly figures only (the tables hold nothing else)."""
    if policy is None or isinstance(policy, LagPolicy | GapPolicy):
        return policy
    if isinstance(policy, WorstOf):
        for member in policy.policies:
            _monthly_policy(member)
        return policy
    name = getattr(policy, "name", policy)
    raise PolicyError.about(
        "policy",
        "a LagPolicy or GapPolicy, or WorstOf them: the tables hold monthly figures only",
        name,
    )


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
    :func:`projpush.lights.judge_portfolio` on the projects rebuilt by
    :func:`from_frames`, with the ``project`` column named ``key``: the same
    values the object API gives. ``policy`` is Ningbo's lag policy by default;
    a :class:`~projpush.lights.GapPolicy` (``GapPolicy.yinchuan()``,
    ``GapPolicy.sanya()``) or a :class:`~projpush.lights.WorstOf` of such
    policies also works. ``light`` is None for a project not judged.

    Raises:
        PolicyError: ``policy`` needs more than monthly figures (node tasks,
            site observations).
        ValidationError: ``as_of`` is not a date (a pandas Timestamp at
            midnight is one), ``year`` is not a year, as :func:`from_frames`,
            or a project has no plan for the year (unless ``lenient``), as
            :func:`~projpush.lights.judge`.

    >>> import pandas as pd
    >>> monthly = pd.DataFrame({"key": ["BZ-1"] * 5, "month": [f"2020-0{m}" for m in range(1, 6)],
    ...     "plan": [None] * 5, "done": ["40"] * 5, "name": ["滨州项目"] * 5, "level": ["city"] * 5,
    ...     "category": ["industry"] * 5, "stage": ["under_construction"] * 5,
    ...     "region": ["滨城区"] * 5, "unit": ["市发改委"] * 5, "annual_plan_2020": ["1000"] * 5})
    >>> row = judge_frame(monthly, dt.date(2020, 5, 31), GapPolicy.yinchuan()).loc[0]
    >>> row["light"], row["severity"]
    ('yellow', '65/3')
    """
    chosen = _monthly_policy(policy)
    day, plan_year = _as_of(as_of), None if year is None else _year(year)
    portfolio = from_frames(monthly, projects, stage_events)
    rollup = judge_portfolio(portfolio, day, chosen, year=plan_year, lenient=lenient)
    return _records_frame(verdict_records(rollup, lang), _VERDICT_COLUMNS, {"project": "key"})


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
    ``light`` (None when not judged).

    Raises:
        PolicyError: as :func:`judge_frame`.
        ValidationError: ``year`` is not a year, as :func:`from_frames`, or a
            project has no plan for ``year`` under a lag policy (unless ``lenient``).

    >>> import pandas as pd
    >>> monthly = pd.DataFrame({"key": ["NB-1"] * 3, "month": ["2020-01", "2020-02", "2020-03"],
    ...     "plan": ["100"] * 3, "done": ["90"] * 3, "name": ["港区扩建"] * 3,
    ...     "level": ["city"] * 3, "category": ["infrastructure"] * 3,
    ...     "stage": ["under_construction"] * 3, "region": ["北仑区"] * 3,
    ...     "unit": ["市港航局"] * 3})
    >>> light_map_frame(monthly, 2020)["light"].tolist()[:4]
    ['green', 'yellow', 'red', 'red']
    """
    chosen = _monthly_policy(policy)
    plan_year = _year(year)
    portfolio = from_frames(monthly, projects, stage_events)
    lights = light_map(portfolio, plan_year, chosen, lenient=lenient)
    return _records_frame(light_map_records(lights), _LIGHT_MAP_COLUMNS)


def _records_frame(
    records: list[dict[str, Any]], dtypes: dict[str, Any], renamed: dict[str, str] | None = None
) -> Any:
    names = renamed or {}
    columns: dict[str, list[Any]] = {c: [] for c in dtypes}
    for record in records:
        for name, value in record.items():
            columns[names.get(name, name)].append(value)
    return _frame(columns, dtypes)


# --------------------------------------------------------------------------- metrics


def _shown(value: Decimal | NotApplicable) -> str | None:
    """A rounded figure as report text (``"47.1"``), None when not applicable."""
    return None if isinstance(value, NotApplicable) else f"{value:f}"


def _amount_columns(inv: Investment, schedule: Ratio) -> dict[str, Any]:
    completion = inv.completion
    gap = completion - schedule
    return {
        "annual_plan": inv.annual_plan,
        "done_to_date": inv.done_to_date,
        "done_in_month": inv.done_in_month,
        "done_last_year": inv.done_last_year,
        "completion": completion.value,
        "schedule": schedule.value,
        "gap": gap.value,
        "completion_pct": _shown(completion.rounded()),
        "gap_points": _shown(gap.rounded()),
    }


def figures_frame(
    monthly: Any,
    as_of: dt.date,
    *,
    projects: Any | None = None,
    stage_events: Any | None = None,
    basis: TimeBasis = TimeBasis.MONTH,
) -> Any:
    """Each project's investment figures at ``as_of``, one row per project, sorted by key.

    Each row is :func:`projpush.metrics.investment` of the one project:
    ``planned`` (it has an annual plan for ``as_of``'s year; without one its
    amounts are zero and its rates not applicable, as it is not on the
    year's investment list), ``annual_plan``, ``done_to_date``,
    ``done_in_month``, ``done_last_year`` (Decimal, 万元), ``completion``
    (done / plan as a Fraction share, or :data:`~projpush.metrics.NOT_APPLICABLE`
    when the plan is zero), ``schedule`` (time-schedule progress, a Fraction
    share), ``gap`` (completion − schedule in percentage points, a Fraction
    or not applicable), and the same rounded half-up as report text
    (``completion_pct``, ``gap_points``; None when not applicable). The
    project's ``level``, ``category``, ``region``, ``unit`` and its ``stage``
    on ``as_of`` come along for grouping (:func:`groups_from_figures`).

    Raises:
        ValidationError: ``as_of`` is not a date, or as :func:`from_frames`.

    >>> import pandas as pd
    >>> monthly = pd.DataFrame({"key": ["BZ"], "month": ["2020-05"], "plan": [None],
    ...     "done": ["4793300"], "name": ["滨州"], "level": ["city"], "category": ["industry"],
    ...     "stage": ["under_construction"], "region": ["滨州市"], "unit": ["市发改委"],
    ...     "annual_plan_2020": ["10170000"]})
    >>> row = figures_frame(monthly, dt.date(2020, 5, 31)).loc[0]
    >>> row["completion_pct"], row["gap_points"], row["gap"]
    ('47.1', '5.5', Fraction(5558, 1017))
    """
    as_of = _as_of(as_of)
    portfolio = from_frames(monthly, projects, stage_events)
    schedule = time_schedule(as_of, basis)
    columns: dict[str, list[Any]] = {c: [] for c in _FIGURE_COLUMNS}
    for p in portfolio.projects:
        inv = investment([p], as_of)
        row = {
            "key": p.key,
            "name": p.name,
            "level": p.level.value,
            "category": p.category.value,
            "region": p.region,
            "unit": p.unit,
            "stage": p.stage_at(as_of).value,
            "planned": inv.projects == 1,
            **_amount_columns(inv, schedule),
        }
        for column, value in row.items():
            columns[column].append(value)
    return _frame(columns, _FIGURE_COLUMNS)


def _dimension(by: GroupBy | str) -> GroupBy:
    try:
        dimension = by if isinstance(by, GroupBy) else GroupBy(by)
    except ValueError:
        dimension = None
    if dimension is None or dimension not in _DIMENSIONS:
        names = [d.value for d in _DIMENSIONS]
        raise ValidationError.about("by", f"one of {names} (the tables hold no leaders)", by)
    return dimension


def _group_columns(dimension: GroupBy) -> dict[str, Any]:
    return {dimension.value: object, "members": "int64", "projects_planned": "int64", **_AMOUNTS}


def _groups(groups: Iterable[GroupFigures], dimension: GroupBy) -> Any:
    dtypes = _group_columns(dimension)
    columns: dict[str, list[Any]] = {c: [] for c in dtypes}
    for g in groups:
        row = {
            dimension.value: g.key,
            "members": g.members,
            "projects_planned": g.investment.projects,
            **_amount_columns(g.investment, g.schedule),
        }
        for column, value in row.items():
            columns[column].append(value)
    return _frame(columns, dtypes)


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

    The rows are :func:`projpush.metrics.group_figures` on the projects
    rebuilt by :func:`from_frames`: a group's completion is its summed done
    over its summed plan, never an average of rates. The first column is
    named after ``by`` and holds the group; ``members`` counts its
    projects, ``projects_planned`` those with an annual plan; the other
    columns are those of :func:`figures_frame`. Groups are sorted.

    Raises:
        ValidationError: ``by`` is not one of these (leaders are not in the
            tables), ``as_of`` is not a date, or as :func:`from_frames`.

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
    as_of = _as_of(as_of)
    portfolio = from_frames(monthly, projects, stage_events)
    return _groups(group_figures(portfolio, dimension, as_of, basis=basis), dimension)


def _share(value: object, field: str) -> Fraction:
    """An exact share from a Fraction or its text (``"5/12"``), as a figures table holds it."""
    if isinstance(value, Fraction | str) and not isinstance(value, bool):
        try:
            return Fraction(value)
        except ValueError:
            pass
    raise ValidationError.about(field, "an exact share such as 5/12", value)


def groups_from_figures(figures: Any, by: GroupBy | str) -> Any:
    """Group rows of :func:`figures_frame` (from pandas or Dask) as :func:`groups_frame` does.

    Each group's figures are :class:`projpush.metrics.Investment` sums of its
    planned members' amounts, so its rates are the group's summed done over
    its summed plan; the result equals :func:`groups_frame` on the same
    tables. This is the last step of the Dask path: per-project figures on
    the partitions, then one small table grouped here.

    Raises:
        ValidationError: ``by`` is not a grouping column, ``figures`` lacks
            a column, or its rows come from different dates or bases.

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
    frame = _check_frame(figures, "figures", _FIGURE_COLUMNS)
    keys = frame["key"].tolist()
    schedules = {
        _share(s, f"figures.schedule[{k}]") for k, s in zip(keys, frame["schedule"], strict=True)
    }
    if len(schedules) > 1:
        raise ValidationError.about(
            "figures.schedule", "the figures of one date", sorted(map(str, schedules))
        )
    members: dict[str, list[Investment]] = {}
    amounts = ("annual_plan", "done_to_date", "done_in_month", "done_last_year")
    cells = zip(
        keys,
        frame[dimension.value].tolist(),
        frame["planned"].tolist(),
        *(frame[c].tolist() for c in amounts),
        strict=True,
    )
    for key, group, planned, *values in cells:
        if planned not in (True, False):
            raise ValidationError.about(f"figures.planned[{key}]", "True or False", planned)
        if not isinstance(group, str):
            raise ValidationError.about(f"figures.{dimension.value}[{key}]", "a text", group)
        # An unplanned project is a member but adds nothing, as in projpush.metrics.
        inv = Investment()
        if planned:
            exact = (
                _amount(v, f"figures.{c}[{key}]") for c, v in zip(amounts, values, strict=True)
            )
            inv = Investment(1, *exact)
        members.setdefault(group, []).append(inv)
    if not schedules:
        return _groups((), dimension)
    schedule = Ratio.of(schedules.pop())
    return _groups(
        (
            GroupFigures(dimension, g, len(invs), sum(invs, Investment()), schedule)
            for g, invs in sorted(members.items())
        ),
        dimension,
    )


# --------------------------------------------------------------------------- dask


def _normalised_keys(part: Any) -> Any:
    """``part`` with its keys folded as the model folds them, so tables join on them."""
    keys = [_text_key(k, "key") if isinstance(k, str) else k for k in part["key"].tolist()]
    return part.assign(key=_pandas().Series(keys, index=part.index, dtype=object))


def _on_partition(
    part: Any,
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    events: Any | None,
) -> Any:
    """Run ``fn`` on one partition: a whole set of projects, each with all its rows."""
    if _FROM_PROJECTS in part.columns:
        stray = part.loc[part[_FROM_PROJECTS].isna(), "key"]
        if len(stray):
            raise UnknownReferenceError.about(
                "monthly.key", "a key of the projects table", min(stray.tolist())
            )
        part = part.drop(columns=[_FROM_PROJECTS])
    if events is not None:
        keys = set(part["key"].tolist())
        events = events[
            events["key"].map(lambda k: isinstance(k, str) and normalise_text(k) in keys)
        ]
    return fn(part, *args, stage_events=events, **kwargs)


def on_partitions(
    fn: Callable[..., Any],
    monthly: Any,
    *args: Any,
    projects: Any | None = None,
    stage_events: Any | None = None,
    **kwargs: Any,
) -> Any:
    """Run a per-project function of this module on a Dask DataFrame, partition by partition.

    The rows are shuffled on ``key`` so that each project's rows land in one
    partition, then ``fn`` (:func:`judge_frame`, :func:`light_map_frame` or
    :func:`figures_frame`) runs on every partition with
    ``dask.dataframe.DataFrame.map_partitions``: the same rule code as the
    pandas path, in parallel. ``projects`` (a pandas or Dask DataFrame) is
    joined onto ``monthly`` first; without it ``monthly`` carries the project
    columns. ``stage_events`` is a pandas DataFrame, handed to each
    partition for its own projects. The result is lazy and not sorted: its
    ``.compute().sort_values("key", ignore_index=True)`` equals ``fn`` on the
    same tables in pandas (for :func:`light_map_frame`, sort by key with a
    stable sort to keep the months in order). Needs ``projpush[dask]``.

    Raises:
        ValidationError: ``fn`` is not one of the three, or a table lacks columns.
        MoneyTypeError: an amount column is float.

    Errors in the rows (bad cells, unknown keys) are raised when the result
    is computed, as :func:`from_frames` raises them.
    """
    dd = _dask_dataframe()
    if not any(fn is f for f in (judge_frame, light_map_frame, figures_frame)):
        name = getattr(fn, "__name__", fn)
        raise ValidationError.about(
            "fn", "judge_frame, light_map_frame or figures_frame (per-project rules)", name
        )
    if not isinstance(monthly, dd.DataFrame):
        raise ValidationError.about("monthly", "a Dask DataFrame", type(monthly).__name__)
    required = _MONTHLY if projects is not None else (*_MONTHLY, *_REQUIRED[1:])
    hint = "" if projects is not None else " (or pass a projects table)"
    _check_columns(monthly, "monthly", required, hint)
    _refuse_float_columns(monthly, "monthly", ("plan", "done"))
    if stage_events is not None:
        _check_frame(stage_events, "stage_events", _EVENTS)
    table = monthly.map_partitions(_normalised_keys)
    if projects is not None:
        if not isinstance(projects, dd.DataFrame):
            _check_frame(projects, "projects", _REQUIRED)
            if stage_events is not None:  # known now: no need to wait for the partitions
                _known_keys(stage_events, projects)
            projects = dd.from_pandas(projects, npartitions=1)
        _check_columns(projects, "projects", _REQUIRED)
        # Both sides' keys pass through the same function, so they join with one dtype.
        joined = projects.map_partitions(_normalised_keys).assign(**{_FROM_PROJECTS: True})
        table = table[list(_MONTHLY)].merge(joined, on="key", how="outer")
    shuffled = table.shuffle(on="key")
    run = functools.partial(_on_partition, fn=fn, args=args, kwargs=kwargs, events=stage_events)
    pd = _pandas()
    empty = pd.DataFrame({c: pd.Series(dtype=t) for c, t in shuffled.dtypes.items()})
    # The function on no rows gives the result's columns and dtypes, the same as on any rows.
    return shuffled.map_partitions(run, meta=run(empty))


def _known_keys(stage_events: Any, projects: Any) -> None:
    """Refuse stage events of a key the (pandas) projects table lacks."""
    keys = {_text_key(k, "projects.key") for k in projects["key"].tolist()}
    stray = sorted({_text_key(k, "stage_events.key") for k in stage_events["key"].tolist()} - keys)
    if stray:
        raise UnknownReferenceError.about("stage_events.key", "a key of a project", stray[0])
