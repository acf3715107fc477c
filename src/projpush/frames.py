"""Flat records and pandas DataFrames of portfolio-level results.

:func:`records` turns a result (a portfolio, a light roll-up or light map,
verdicts, issues, a monthly summary, rankings, escalation views) into a list
of flat dicts, one table row each; it needs nothing beyond projpush. As in
:meth:`projpush.metrics.GroupFigures.to_record`, its exact amounts are
strings (``"4793300.00"``, never a float), dates are ISO strings, enums are
their values and a missing value is ``None``: cells that go to JSON or CSV
as they are.

:func:`to_frame` builds a ``pandas.DataFrame`` of the same rows and columns
with **typed columns** (it needs the optional extra ``projpush[pandas]``;
pandas is imported on first use). A column's dtype follows from the Python
types of its values in the object API, not from a list per table:

- ``Decimal`` (money in 万元, and rounded figures such as ``completion_pct``):
  exact. With pyarrow installed, Arrow's ``decimal128(38, 12)``
  (``pd.ArrowDtype``), the money type of :mod:`projpush.engine`: every
  amount the model accepts (below 10^16 万元, at most 12 places) fits, sums
  have ten digits to spare, and one dtype in every table lets frames be
  concatenated and merged. Without pyarrow, or when a value of one's own
  does not fit, an ``object`` column of the ``Decimal`` values, which sum
  exactly too (within ``decimal``'s 28 digits, and more slowly).
- ``int`` (counts, ranks): nullable ``Int64``. A column of ints and
  ``Decimal`` values is a ``Decimal`` column.
- ``Fraction`` (ratios, such as a verdict's ``severity``, 50/7 points):
  nullable ``Float64``, **not exact**. A ratio is no amount of money; the
  float sorts, plots and shows, and the exact value stays in the object API
  and in :func:`records` (``"50/7"``).
- ``datetime.date``: ``datetime64[s]``, the day at midnight. Seconds reach
  any year (nanoseconds stop in 2262), ``.dt``, ``resample`` and
  ``pd.Grouper`` work, pyarrow is not needed, and :mod:`projpush.columnar`
  reads a timestamp at midnight as its date.
- :class:`~projpush.model.Month`: ``period[M]``, what an analyst groups by
  (``df["day"].dt.to_period("M")`` makes the same), and a month to
  :mod:`projpush.columnar`.
- An enum: a ``Categorical`` of the enum's values in declared order,
  ordered when the enum's members compare, as a
  :class:`~projpush.lights.Light`'s do (green < yellow < red): ``max`` is the
  worst light and sorting puts red last.
- ``bool``: nullable ``boolean``. ``str``: ``string``.
- Missing values (``None``, and :data:`~projpush.metrics.NOT_APPLICABLE` for
  a share of a zero plan) are ``pd.NA``, ``NaT`` in dates and months; a
  ``Categorical`` shows its own ``NaN``, and ``isna`` finds them all. A
  column with no value at all has the dtype of its declared type (no issue
  closed yet: ``closed_on`` is still ``datetime64[s]``).

Each column of the library's results holds one kind of value (ints among
``Decimal`` values make a ``Decimal`` column, ints among ratios a ratio
column). Only dicts of one's own, which pass through as they are, can mix
kinds, such as ``1`` and ``"1"``: :func:`to_frame` refuses the column,
naming it, as no dtype holds both. In such dicts a value of any other type
(a tuple, a datetime) gives an ``object`` column of the values as they are;
in attrs results it is text, as in :func:`records`.

>>> import datetime as dt
>>> from projpush.model import Portfolio, Project
>>> p = Project(local_id="NB-1", name="港区扩建", level="city", category="infrastructure",
...     stage="under_construction", region="北仑区", unit="市港航局", total_investment="2000")
>>> row = records(Portfolio(projects=(p,)))[0]
>>> row["key"], row["stage"], row["total_investment"]
('NB-1', 'under_construction', '2000')
>>> q = Project(local_id="NB-2", name="绕城高速", level="city", category="infrastructure",
...     stage="under_construction", region="北仑区", unit="市交通局", total_investment="0.10")
>>> frame = to_frame(Portfolio(projects=(p, q)))
>>> [str(frame[c].dtype) for c in ("key", "stage", "total_investment", "issues")]
['string', 'category', 'decimal128(38, 12)[pyarrow]', 'Int64']
>>> frame.groupby("region")["total_investment"].sum().loc["北仑区"]
Decimal('2000.100000000000')
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import importlib
import operator
import types
import typing
from collections.abc import Callable, Iterable
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Final, cast

import attrs

from projpush._extras import require
from projpush.errors import ValidationError
from projpush.lights import Light, LightMap, Rollup, Verdict
from projpush.metrics import (
    NOT_APPLICABLE,
    GroupBy,
    GroupFigures,
    MonthlySummary,
    Points,
    Ranking,
    Ratio,
)
from projpush.model import Issue, Month, Portfolio, SheetColor

if TYPE_CHECKING:
    from projpush.records import (
        FigureRecord,
        GroupRecord,
        IssueRecord,
        LightMapRecord,
        ProjectRecord,
        VerdictRecord,
    )

__all__ = [
    "issue_records",
    "light_map_records",
    "portfolio_records",
    "records",
    "summary_records",
    "to_frame",
    "verdict_records",
]

Row = dict[str, Any]
Converter = Callable[[Any], Any]

# The scalar types to_frame types a column by; anything else in an attrs value is flattened
# to text, as records does.
_SCALARS: Final = (bool, int, str, Decimal, Fraction, float, Month, dt.date, enum.Enum)


class _Nothing:
    """A missing value of a known type: ``None`` in :func:`records`, typed in :func:`to_frame`.

    A column with no value at all still gets the dtype of its type (a ledger
    where no issue is closed yet has a ``closed_on`` column of dates).
    """

    __slots__ = ("type",)

    def __init__(self, kind: type) -> None:
        self.type = kind


@functools.cache
def _nothing(kind: type) -> _Nothing:
    return _Nothing(kind)


def _or_nothing(value: object, kind: type) -> Any:
    """``value``, or the missing value of ``kind`` when it is None."""
    return _nothing(kind) if value is None else value


def _cell(value: object) -> Any:
    """A value as a flat table cell: text for exact numbers, dates and months."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal | Fraction | Month):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list | frozenset | set):
        return "、".join(str(_cell(v)) for v in value)
    return str(value)


def _cells(rows: list[Row]) -> list[Row]:
    """The text rows of :func:`records` from typed rows."""
    get: Callable[[type, Converter], Converter | None] = _CONVERTERS.get
    return [
        {
            name: value if (convert := get(type(value), _learn)) is None else convert(value)
            for name, value in row.items()
        }
        for row in rows
    ]


def _no_cell(_: object) -> None:
    return None


def _learn(value: object) -> Any:
    """The cell of ``value``, its type's converter noted for the next ones."""
    convert = _CONVERTERS[type(value)] = _converter(type(value))
    return value if convert is None else convert(value)


def _converter(kind: type) -> Converter | None:
    """How :func:`_cells` writes a ``kind`` value, as :func:`_cell` does; None: as it is."""
    if issubclass(kind, bool | int | str):
        return None
    if issubclass(kind, enum.Enum):
        return operator.attrgetter("value")
    return _cell


# The converter of each type met so far (a handful: str, Decimal, date, Month, the enums).
_CONVERTERS: Final[dict[type, Converter | None]] = {
    str: None,
    int: None,
    type(None): None,
    Decimal: str,
    Fraction: str,
    Month: str,
    dt.date: dt.date.isoformat,
    _Nothing: _no_cell,
}


def _scalar(value: object) -> Any:
    """``value`` when :func:`to_frame` can type it, else its text cell."""
    if value is None or (isinstance(value, _SCALARS) and not isinstance(value, dt.datetime)):
        return value
    return _cell(value)


def _reason_text(verdict: Verdict, lang: str) -> str:
    return ("；" if lang == "zh" else "; ").join(r.text(lang) for r in verdict.reasons)


# --------------------------------------------------------------------------- typed rows
# The rows of each result with the object API's values (Decimal, date, Month, enum...):
# to_frame types its columns by them, records writes them as text cells.


def _portfolio_rows(portfolio: Portfolio) -> list[Row]:
    rows = []
    for p in portfolio.projects:
        issues = portfolio.issues_of(p.key)
        rows.append(
            {
                "key": p.key,
                "code": _or_nothing(_cell(p.code), str),
                "local_id": _or_nothing(p.local_id, str),
                "name": p.name,
                "level": p.level,
                "category": p.category,
                "stage": p.stage,
                "region": p.region,
                "unit": p.unit,
                "owner": _or_nothing(p.owner, str),
                "total_investment": p.total_investment,
                "leaders": _cell([x.name for x in portfolio.leaders_of(p.key)]),
                "secretaries": _cell([x.name for x in portfolio.secretaries_of(p.key)]),
                "task_force": _or_nothing(p.task_force, str),
                "milestones": len(p.milestones),
                "issues": len(issues),
                "open_issues": sum(q.is_open for q in issues),
            }
        )
    return rows


def _verdict_rows(verdicts: Rollup | Iterable[Verdict], lang: str = "zh") -> list[Row]:
    items = verdicts.verdicts if isinstance(verdicts, Rollup) else verdicts
    return [
        {
            "project": v.project,
            "as_of": v.as_of,
            "policy": v.policy,
            "light": _or_nothing(v.light, Light),
            "severity": v.severity,
            "reason_codes": ",".join(f"{r.rule}/{r.code}" for r in v.reasons),
            "reasons": _reason_text(v, lang),
        }
        for v in items
    ]


def _light_map_rows(light_map: LightMap) -> list[Row]:
    months = light_map.months
    return [
        {"key": p.key, "name": p.name, "month": m, "light": _or_nothing(light, Light)}
        for p in light_map.projects
        for m, light in zip(months, light_map.row(p.key), strict=True)
    ]


def _issue_rows(issues: Portfolio | Iterable[Issue]) -> list[Row]:
    items = issues.issues if isinstance(issues, Portfolio) else issues
    return [
        {
            "id": q.id,
            "project": q.project,
            "category": q.category,
            "difficulty": q.difficulty,
            "state": q.state,
            "tier": _or_nothing(q.tier, str),
            "owner": _or_nothing(q.owner, str),
            "deadline": _or_nothing(q.deadline, dt.date),
            "sheet": _or_nothing(q.sheet, SheetColor),
            "raised_on": q.raised_on,
            "closed_on": _or_nothing(q.closed_on, dt.date),
            "escalations": q.status.escalations,
            "policy": _or_nothing(q.status.policy, str),
            "events": len(q.events),
        }
        for q in items
    ]


def _group_row(group: GroupFigures) -> Row:
    """:meth:`GroupFigures.to_record` with the object API's values for its text cells."""
    inv = group.investment
    return {
        **group.to_record(),
        "dimension": group.dimension,
        "annual_plan": inv.annual_plan,
        "done_to_date": inv.done_to_date,
        "done_in_month": inv.done_in_month,
        "done_last_year": inv.done_last_year,
        "completion_pct": group.completion.rounded(),
        "gap_points": group.gap.rounded(),
        "monthly_progress_pct": group.monthly_progress.rounded(),
        "yoy_growth_pct": group.yoy_growth.rounded(),
        "node_completion_pct": group.node_completion.rounded(),
    }


def _ranking_rows(ranking: Ranking) -> list[Row]:
    """:meth:`Ranking.to_records` with the rounded or exact values of its ``value`` cells."""
    return [
        {
            **record,
            "better": ranking.better,
            "rank": _or_nothing(r.rank, int),
            "value": r.value.rounded() if isinstance(r.value, Ratio | Points) else r.value,
        }
        for record, r in zip(ranking.to_records(), ranking.rows, strict=True)
    ]


def _summary_rows(
    summary: MonthlySummary, by: GroupBy | str | None = None, lang: str = "en"
) -> list[Row]:
    if by is None:
        return cast("list[Row]", summary_records(summary, lang=lang))
    return [_group_row(g) for g in summary.group(by)]


def _field_types(cls: type) -> dict[str, type]:
    """The declared scalar type of each field of an attrs class that has one (``T | None``)."""
    known = _FIELD_TYPES.get(cls)
    if known is None:
        known = _FIELD_TYPES[cls] = _declared_types(cls)
    return known


_FIELD_TYPES: Final[dict[type, dict[str, type]]] = {}


def _declared_types(cls: type) -> dict[str, type]:
    try:
        hints = typing.get_type_hints(cls)
    except (NameError, TypeError):  # an annotation naming what is imported for type checking only
        return {}
    found = {}
    for name, hint in hints.items():
        union = typing.get_origin(hint) in (typing.Union, types.UnionType)
        args = [a for a in typing.get_args(hint) if a is not type(None)] if union else [hint]
        kind = args[0] if len(args) == 1 else None
        # A datetime is written as text (see _scalar), so its type says nothing of the column.
        if isinstance(kind, type) and issubclass(kind, _SCALARS) and kind is not dt.datetime:
            found[name] = kind
    return found


def _attrs_row(item: Any) -> Row:
    cls = type(item)
    declared = _field_types(cls)
    row = {}
    for f in attrs.fields(cls):
        value = getattr(item, f.name)
        kind = declared.get(f.name)
        row[f.name] = _scalar(value) if value is not None or kind is None else _nothing(kind)
    return row


# --------------------------------------------------------------------------- records


def portfolio_records(portfolio: Portfolio) -> list[ProjectRecord]:
    """One row per project of the ledger (台账), with its people and issue counts."""
    return cast("list[ProjectRecord]", _cells(_portfolio_rows(portfolio)))


def verdict_records(verdicts: Rollup | Iterable[Verdict], lang: str = "zh") -> list[VerdictRecord]:
    """One row per verdict: project, date, light, severity and the reasons as text."""
    return cast("list[VerdictRecord]", _cells(_verdict_rows(verdicts, lang)))


def light_map_records(light_map: LightMap) -> list[LightMapRecord]:
    """One row per project and month (long format); ``light`` None when not judged.

    Pivot with ``to_frame(lm).pivot(index="key", columns="month", values="light")``.
    """
    return cast("list[LightMapRecord]", _cells(_light_map_rows(light_map)))


def issue_records(issues: Portfolio | Iterable[Issue]) -> list[IssueRecord]:
    """One row per issue (问题清单): where it stands now."""
    return cast("list[IssueRecord]", _cells(_issue_rows(issues)))


def summary_records(
    summary: MonthlySummary, by: GroupBy | str | None = None, lang: str = "en"
) -> list[FigureRecord] | list[GroupRecord]:
    """The headline figures as ``figure``/``value`` rows, or the group table of ``by``."""
    if by is not None:
        return summary.to_records(by)
    if lang not in ("zh", "en"):
        raise ValidationError.about("lang", "'zh' or 'en'", lang)
    rows = [
        {"figure": label, "value": value}
        for label, value in summary.figure_rows("zh" if lang == "zh" else "en")
    ]
    return cast("list[FigureRecord]", rows)


def records(obj: object, **options: Any) -> list[dict[str, Any]]:
    """Flat dicts of any portfolio-level result, one table row each.

    Understands a :class:`~projpush.model.Portfolio`, a
    :class:`~projpush.lights.Rollup`, a :class:`~projpush.lights.LightMap`, a
    :class:`~projpush.metrics.MonthlySummary` (``by=`` picks a group table),
    a :class:`~projpush.metrics.Ranking`, and iterables of verdicts, issues,
    group figures or other attrs values (such as
    :func:`projpush.escalation.overdue` or :func:`~projpush.escalation.unit_stats`).
    ``options`` go to the specific function (``lang``, ``by``).

    Raises:
        ValidationError: ``obj`` is none of these.
    """
    return _rows(obj, options, typed=False)


def _rows(obj: object, options: dict[str, Any], *, typed: bool) -> list[Row]:
    """The rows of ``obj``: with the object API's values when ``typed``, else as text cells."""
    rows: list[Row]
    if isinstance(obj, Portfolio):
        rows = _portfolio_rows(obj)
    elif isinstance(obj, Rollup):
        rows = _verdict_rows(obj, **options)
    elif isinstance(obj, LightMap):
        rows = _light_map_rows(obj)
    elif isinstance(obj, MonthlySummary):
        if typed:
            return _summary_rows(obj, **options)
        return cast("list[Row]", summary_records(obj, **options))
    elif isinstance(obj, Ranking):
        return _ranking_rows(obj) if typed else cast("list[Row]", obj.to_records())
    elif isinstance(obj, Iterable) and not isinstance(obj, str | bytes | dict):
        return _iterable_rows(list(obj), options, typed=typed)
    else:
        raise ValidationError.about(
            "obj", "a portfolio, roll-up, light map, summary, ranking or list of results", obj
        )
    return rows if typed else _cells(rows)


def _iterable_rows(items: list[Any], options: dict[str, Any], *, typed: bool) -> list[Row]:
    if not items:
        return []
    first = items[0]
    rows: list[Row]
    if isinstance(first, Verdict):
        rows = _verdict_rows(items, **options)
    elif isinstance(first, Issue):
        rows = _issue_rows(items)
    elif isinstance(first, GroupFigures):
        return [_group_row(g) if typed else g.to_record() for g in items]
    elif isinstance(first, dict):
        return [dict(x) for x in items]
    elif attrs.has(type(first)):
        rows = [_attrs_row(x) for x in items]
    else:
        raise ValidationError.about("obj", "a list of verdicts, issues or attrs values", first)
    return rows if typed else _cells(rows)


# --------------------------------------------------------------------------- typed frames

# Arrow's decimal128(38, 12), the engine's money type: every amount the model accepts
# (below 10^16, at most 12 places) fits, and sums keep ten more digits.
_DECIMAL_PRECISION: Final = 38
_DECIMAL_SCALE: Final = 12
_INT64: Final = range(-(2**63), 2**63)
# The kinds of values to_frame types a column by, in the order they are tried (a bool is an
# int, a datetime a date); an enum's kind is its class.
_KINDS: Final[tuple[tuple[type | tuple[type, ...], str], ...]] = (
    (bool, "boolean"),
    (int, "integer"),
    (Decimal, "decimal"),
    ((Fraction, float), "ratio"),
    (Month, "month"),
    (dt.datetime, "object"),
    (dt.date, "date"),
    (str, "text"),
)
# Two kinds one column may hold, and the kind it then takes: an int is an exact decimal
# and a ratio with denominator 1.
_WIDENED: Final[dict[frozenset[object], str]] = {
    frozenset({"integer", "decimal"}): "decimal",
    frozenset({"integer", "ratio"}): "ratio",
}


def _pyarrow() -> Any | None:
    """The pyarrow module, or None when it is not installed (Decimal columns stay objects)."""
    try:
        return importlib.import_module("pyarrow")
    except ImportError:
        return None


def _kind_of_type(kind: type) -> object:
    """The kind of column values of type ``kind`` make: a name, or the enum class."""
    if issubclass(kind, enum.Enum):
        return kind
    for types_, name in _KINDS:
        if issubclass(kind, types_):
            return name
    return "object"


def _column_kind(name: str, cells: list[Any], pd: Any) -> object:
    """The one kind of a column's values, or of its missing values when it has none.

    Raises:
        ValidationError: the values are of two kinds no one dtype holds, naming the column.
    """
    kinds: dict[object, type] = {}  # each kind, with the type of its first value
    hints = set()
    for v in cells:
        if v is None or v is pd.NA or v is pd.NaT:
            continue
        if isinstance(v, _Nothing):
            hints.add(_kind_of_type(v.type))
        elif v is NOT_APPLICABLE:  # a figure with a zero denominator: a missing number
            hints.add("decimal")
        else:
            kinds.setdefault(_kind_of_type(type(v)), type(v))
    if not kinds:
        return hints.pop() if len(hints) == 1 else None
    if len(kinds) == 1:
        return next(iter(kinds))
    widened = _WIDENED.get(frozenset(kinds))
    if widened is None:
        names = sorted(t.__name__ for t in kinds.values())
        msg = (
            f"{name}: expected values of one kind in a column, got {' and '.join(names)} "
            "values; make them one type before to_frame"
        )
        raise ValidationError(msg, field=name, expected="values of one kind", got=names)
    return widened


def _present(value: object, pd: Any) -> bool:
    return not (
        value is None
        or value is pd.NA
        or value is pd.NaT
        or value is NOT_APPLICABLE
        or isinstance(value, _Nothing)
    )


def _decimal_column(values: list[Any], pd: Any) -> Any:
    """Exact amounts: Arrow decimal128(38, 12) when pyarrow holds them all, else Decimal objects."""
    amounts = [None if v is None else Decimal(v) for v in values]
    pa = _pyarrow()
    fits = pa is not None and all(
        d is None
        or (
            d.is_finite()
            and int(d.as_tuple().exponent) >= -_DECIMAL_SCALE
            and (d.is_zero() or d.adjusted() < _DECIMAL_PRECISION - _DECIMAL_SCALE)
        )
        for d in amounts
    )
    if not fits:
        return _objects(amounts, pd)
    assert pa is not None  # noqa: S101 (fits says so; for mypy)
    arrow = pa.array(amounts, type=pa.decimal128(_DECIMAL_PRECISION, _DECIMAL_SCALE))
    return pd.arrays.ArrowExtensionArray(arrow)


def _enum_column(values: list[Any], cls: type[enum.Enum], pd: Any) -> Any:
    """The enum's values as a Categorical in the enum's order, ordered if its members compare."""
    ordered = any("__lt__" in vars(base) for base in cls.__mro__ if base is not object)
    members = sorted(cls) if ordered else list(cls)  # type: ignore[type-var]
    return pd.Categorical(
        [None if v is None else v.value for v in values],
        categories=[m.value for m in members],
        ordered=ordered,
    )


def _column(name: str, cells: list[Any], pd: Any) -> Any:  # noqa: PLR0911 (one return per kind)
    """The typed pandas array of one column's cells."""
    kind = _column_kind(name, cells, pd)
    values = [v if _present(v, pd) else None for v in cells]
    if isinstance(kind, type):
        return _enum_column(values, kind, pd)
    if kind == "decimal":
        return _decimal_column(values, pd)
    if kind == "integer" and all(v is None or v in _INT64 for v in values):
        return pd.array(values, dtype="Int64")  # (a Python int past 64 bits stays an object)
    if kind == "ratio":
        return pd.array([None if v is None else float(v) for v in values], dtype="Float64")
    if kind == "boolean":
        return pd.array(values, dtype="boolean")
    if kind == "text":
        return pd.array(values, dtype="string")
    if kind == "date":
        return pd.Series(values, dtype=object).astype("datetime64[s]").array
    if kind == "month":
        periods = {
            m: pd.Period(year=m.year, month=m.month, freq="M") for m in values if m is not None
        }
        return pd.array([None if m is None else periods[m] for m in values], dtype="period[M]")
    return _objects(values, pd)


def _objects(values: list[Any], pd: Any) -> Any:
    """An object column of ``values`` as they are (a Series: a frame infers nothing from it)."""
    return pd.Series([pd.NA if v is None else v for v in values], dtype=object)


def to_frame(obj: object, **options: Any) -> Any:
    """A ``pandas.DataFrame`` of :func:`records` with typed columns (needs ``projpush[pandas]``).

    The rows and columns are those of :func:`records`; each column's dtype
    follows from its values in the object API (see the module's notes):
    exact ``Decimal`` amounts as Arrow ``decimal128(38, 12)`` (``object``
    columns of ``Decimal`` without pyarrow), dates as ``datetime64[s]``,
    months as ``period[M]``, enums as ``Categorical`` (lights ordered),
    counts as ``Int64``, ratios (``Fraction``) as ``Float64``, flags as
    ``boolean`` and text as ``string``; missing values are ``pd.NA``/``NaT``.
    ``frame.groupby(...).sum()`` of an amount column is the exact sum.

    Raises:
        ImportError: pandas is not installed.
        ValidationError: as :func:`records`, or a column of one's own dicts
            mixes kinds of values (``1`` and ``"1"``), naming the column.
    """
    rows = _rows(obj, options, typed=True)
    pd = require("pandas", extra="pandas", user="projpush.frames.to_frame")
    names = list(dict.fromkeys(name for row in rows for name in row))
    return pd.DataFrame(
        {name: _column(name, [row.get(name) for row in rows], pd) for name in names},
        index=pd.RangeIndex(len(rows)),
    )
