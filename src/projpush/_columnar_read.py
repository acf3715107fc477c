"""Analysts' pandas tables read into the table engine's Arrow tables (private).

:func:`read` turns the ``monthly``, ``projects`` and ``stage_events`` tables
of :mod:`projpush.columnar` into a :class:`~projpush.engine.LedgerTables`,
checked cell by cell as the model would check a
:class:`~projpush.model.Project`, with the model's own field converters and
messages, but without building one: a column's distinct values go through
the converter once each, and an error names the table, the column and the
first row holding the value (``monthly.plan[NB-7 2020-03]``,
``projects[A]: level: ...``). Amount columns are read column-wise (text
matching ``123.45``, integers, Arrow decimals); anything else, cell by cell.

Besides the tables, the reader keeps each amount's exponent as it was
written (``"100.0"`` has one decimal place), which Arrow's decimals do not
hold: the reasons of a verdict write amounts as the object rules do.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final, cast

import attrs

from projpush._convert import normalise_text, to_date, to_nonneg_money
from projpush._extras import require
from projpush.engine.tables import LedgerTables
from projpush.errors import (
    DuplicateKeyError,
    InvalidTransition,
    MoneyTypeError,
    ProjpushError,
    UnknownReferenceError,
    ValidationError,
)
from projpush.model import Month, Project, Stage, StageEvent, StageEventKind

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

pd: Any = require("pandas", extra="pandas", user="projpush.columnar")
pa: Any = require("pyarrow", extra="engine", user="projpush.columnar")
pc: Any = require("pyarrow.compute", extra="engine", user="projpush.columnar")
pl: Any = require("polars", extra="engine", user="projpush.columnar")
np: Any = require("numpy", extra="engine", user="projpush.columnar")

__all__ = [
    "ANNUAL",
    "EVENTS",
    "MONTHLY",
    "OPTIONAL",
    "REQUIRED",
    "Read",
    "amounts",
    "cell_field",
    "check_columns",
    "check_frame",
    "converter",
    "factorized",
    "folded_keys",
    "money_columns",
    "part_keys",
    "read",
    "refuse_float_columns",
    "text_key",
]

REQUIRED: Final = ("key", "name", "level", "category", "stage", "region", "unit")
OPTIONAL: Final = ("code", "local_id", "owner", "total_investment", "task_force")
ANNUAL: Final = re.compile(r"annual_plan_(\d{4})")
MONTHLY: Final = ("key", "month", "plan", "done")
EVENTS: Final = ("key", "kind", "on")

MONEY: Final = pa.decimal128(38, 12)
# Text read column-wise: what Decimal reads the same way, within the model's limits
# (below 10^16 万元, at most 12 places). Anything else is read cell by cell.
_PLAIN_AMOUNT: Final = r"^[0-9]{1,16}(\.[0-9]{1,12})?$"
_LIMIT: Final = 10**16
_FIELDS: Final = attrs.fields(Project)
_EVENT_FIELDS: Final = attrs.fields(StageEvent)
_TEXTS: Final = ("name", "region", "unit")
_ENUMS: Final = ("level", "category", "stage")
_OPTIONAL_TEXTS: Final = ("local_id", "owner", "task_force")
_AFTER: Final = {
    StageEventKind.STARTED.value: Stage.UNDER_CONSTRUCTION.value,
    StageEventKind.RESUMED.value: Stage.UNDER_CONSTRUCTION.value,
    StageEventKind.SUSPENDED.value: Stage.SUSPENDED.value,
    StageEventKind.COMPLETED.value: Stage.COMPLETED.value,
}
# The model's legal steps (projpush.model.Project): the kinds allowed after each kind.
_STEPS: Final = {
    None: ("started",),
    "started": ("suspended", "completed"),
    "resumed": ("suspended", "completed"),
    "suspended": ("resumed",),
    "completed": (),
}


@attrs.frozen
class Read:
    """The tables read: the engine's, and each amount's exponent as written.

    Attributes:
        tables: the ledger, projects in key order (``seq`` is the key's rank).
        exponents: polars, one row per monthly row with an amount: ``key``,
            ``month`` (its first day), ``plan``, ``done``, ``e_plan`` and
            ``e_done``: the ``Decimal`` exponent of the amount as written,
            null without one, or for the columns in ``normal``, null until
            :meth:`monthly_exponents` derives them from the values.
        annual_exponents: polars, ``key``, ``year``, ``plan``, ``e``: the
            same for the annual plans.
        normal: the exponent columns of Arrow decimal amounts, whose written
            form is not known: they take the exponent of the value without
            its trailing zeros, as the engine writes amounts.
    """

    tables: LedgerTables
    exponents: Any
    annual_exponents: Any
    normal: frozenset[str] = frozenset()

    def monthly_exponents(self, year: int) -> Any:
        """``key``, ``month``, ``e_plan``, ``e_done`` of the monthly rows of ``year``."""
        rows = self.exponents.filter(pl.col("month").dt.year() == year)
        for exponent, value in (("e_plan", "plan"), ("e_done", "done")):
            if exponent in self.normal:
                rows = rows.with_columns(_normal(rows[value]).alias(exponent))
        return rows.select("key", "month", "e_plan", "e_done")

    def annual_exponents_of(self, year: int) -> Any:
        """``key``, ``e`` of the annual plans of ``year``."""
        rows = self.annual_exponents.filter(pl.col("year") == year)
        if "e_annual" in self.normal:
            rows = rows.with_columns(_normal(rows["plan"]).alias("e"))
        return rows.select("key", "e")


def _normal(values: Any) -> Any:
    """The exponents of decimals without their trailing zeros (0 for whole numbers)."""
    frame = pl.DataFrame({"v": values}).with_row_index("row")
    whole = pl.col("v").cast(pl.Int64).cast(values.dtype) == pl.col("v")
    fractions = frame.filter(~whole.fill_null(value=True))
    exponents = pl.Series("e", _exponents(fractions["v"].to_arrow(), strip=True), dtype=pl.Int16)
    scattered = frame.with_columns(
        pl.when(pl.col("v").is_not_null()).then(pl.lit(0, pl.Int16)).alias("e")
    )
    if fractions.height:
        scattered = scattered.update(
            fractions.select("row").with_columns(exponents), on="row", how="left"
        )
    return scattered["e"]


# --------------------------------------------------------------------------- frames and columns


class _Missing:
    """Tells a table's missing cells (None, NaN, pandas NA and NaT) from values."""

    def __call__(self, value: object) -> bool:
        # Identity, not ==: pd.NA == x is NA, whose truth value is an error.
        return (
            value is None
            or value is pd.NA
            or value is pd.NaT
            or (isinstance(value, float) and value != value)  # noqa: PLR0124 (NaN test)
        )


missing: Final = _Missing()


def check_frame(frame: object, table: str, required: Iterable[str], hint: str = "") -> Any:
    """``frame`` when it is a pandas DataFrame with the ``required`` columns."""
    if not isinstance(frame, pd.DataFrame):
        raise ValidationError.about(table, "a pandas DataFrame", type(frame).__name__)
    check_columns(frame, table, required, hint)
    return frame


def check_columns(frame: Any, table: str, required: Iterable[str], hint: str = "") -> None:
    """Refuse a pandas or Dask DataFrame that lacks some of the ``required`` columns."""
    absent = [c for c in required if c not in frame.columns]
    if absent:
        msg = f"{table}: expected the columns {absent}{hint}, got {list(frame.columns)}"
        raise ValidationError(
            msg, field=table, expected=f"columns {absent}", got=list(frame.columns)
        )


def refuse_float_columns(frame: Any, table: str, columns: Iterable[str]) -> None:
    """Money is never float: a float column (pandas or Dask) is refused before any value is read."""
    is_float = pd.api.types.is_float_dtype
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


def money_columns(frame: Any) -> list[str]:
    """The amount columns of a projects table (or a monthly one carrying project columns)."""
    return [
        "total_investment",
        *(c for c in frame.columns if isinstance(c, str) and ANNUAL.fullmatch(c)),
    ]


def text_key(value: object, field: str) -> str:
    """A project key as the model folds codes (full-width folded, ends stripped)."""
    text = normalise_text(value) if isinstance(value, str) else ""
    if not text:
        raise ValidationError.about(field, "a project key (a non-empty text)", value)
    return text


def _located(error: ProjpushError, where: str) -> ProjpushError:
    """``error`` with ``where`` (the table and row) in front of its message and field."""
    field = f"{where}.{error.field}" if error.field else where
    return type(error)(f"{where}: {error}", field=field, expected=error.expected, got=error.got)


def factorized(series: Any) -> tuple[Any, list[Any]]:
    """Row codes into the distinct values of ``series``; a missing cell is the value None."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    values = list(uniques.tolist())
    codes = np.asarray(codes, dtype=np.int64)
    if (codes < 0).any():
        codes = np.where(codes < 0, len(values), codes)
        values.append(None)
    return codes, values


def _is_object(dtype: Any) -> bool:
    return isinstance(dtype, np.dtype) and dtype.kind == "O"


def _strings(series: Any) -> Any | None:
    """The Arrow strings of a text column (None missing), or None if it holds anything else."""
    dtype = series.dtype
    arrow = None
    if isinstance(dtype, pd.ArrowDtype):
        arrow = pa.array(series.array)
    elif isinstance(dtype, pd.StringDtype) or (
        _is_object(dtype) and pd.api.types.infer_dtype(series, skipna=True) in {"string", "empty"}
    ):
        try:
            arrow = pa.array(series, from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):  # pragma: no cover (defensive)
            return None
    if isinstance(arrow, pa.ChunkedArray):
        arrow = arrow.combine_chunks()
    if arrow is None or not (
        pa.types.is_string(arrow.type)
        or pa.types.is_large_string(arrow.type)
        or pa.types.is_null(arrow.type)
    ):
        return None
    return arrow.cast(pa.string())


def _converted(
    series: Any,
    convert: Callable[[Any, str], Any],
    field_of: Callable[[int], str],
    kind: Any,
    fast: Callable[[Any], Any] | None = None,
) -> Any:
    """Each row's ``convert(value, field)`` as an Arrow array of ``kind``; errors name a row.

    ``convert`` raises a ProjpushError naming ``field``; it is called once per
    distinct value (``""`` for the field), and again with the field of the
    first row holding a bad value, to raise with that row named. A missing
    cell is the value None. ``fast`` marks text that ``convert`` returns as it
    is (ASCII keys, say): a column of nothing else is taken without a call.
    """
    text = _strings(series)
    if text is None:
        codes, values = factorized(series)
        return pa.array(_each_value(values, convert, field_of, codes.__eq__), kind).take(
            pa.array(codes)
        )
    if fast is not None and pc.all(pc.or_kleene(fast(text), pc.is_null(text))).as_py() is not False:
        out = text.cast(kind)
    else:
        encoded = pc.dictionary_encode(text)
        indices = encoded.indices

        def rows(i: int) -> Any:
            return pc.fill_null(pc.equal(indices, i), False).to_numpy(zero_copy_only=False)  # noqa: FBT003

        values = _each_value(encoded.dictionary.to_pylist(), convert, field_of, rows)
        out = pa.array(values, kind).take(indices)
    if text.null_count:
        first = int(pc.index(pc.is_null(text), value=True).as_py())
        blank = _each_value([None], convert, lambda _: field_of(first), lambda _: np.array([True]))
        if blank[0] is not None:
            out = pc.fill_null(out, pa.scalar(blank[0], kind))
    return out


def _each_value(
    values: list[Any],
    convert: Callable[[Any, str], Any],
    field_of: Callable[[int], str],
    rows: Callable[[int], Any],
) -> list[Any]:
    """``convert`` of each value; for a bad one, again with the field of its first row."""
    out = []
    for i, value in enumerate(values):
        try:
            out.append(convert(value, ""))
        except ProjpushError:
            convert(value, field_of(int(np.argmax(rows(i)))))
            raise  # pragma: no cover (the call above raised, naming the row)
    return out


def _at(where: str, convert: Callable[[Any], Any]) -> Callable[[Any, str], Any]:
    """A converter whose errors read ``<where>: <the model's message>``; ``where`` has ``{}``."""

    def located(value: Any, row: str) -> Any:
        try:
            return convert(value)
        except ProjpushError as error:
            if not row:
                raise
            raise _located(error, where.format(row)) from None

    return located


class _Lazy:
    """An Arrow array's Python values, made on the first look-up (only errors need them)."""

    def __init__(self, array: Any, show: Callable[[Any], Any] = lambda v: v) -> None:
        self._array, self._show = array, show
        self._values: list[Any] | None = None

    def __getitem__(self, row: int) -> Any:
        if self._values is None:
            self._values = [None if v is None else self._show(v) for v in self._array.to_pylist()]
        return self._values[row]


def _plain_code(text: Any) -> Any:
    """Text the model's code converters return as it is: ASCII, non-blank, nothing to strip."""
    trimmed = pc.equal(pc.utf8_trim_whitespace(text), text)
    return pc.and_(pc.and_(pc.string_is_ascii(text), trimmed), pc.greater(pc.utf8_length(text), 0))


def _plain_text(text: Any) -> Any:
    """Text the model's free-text converters return as it is: non-blank, nothing to strip."""
    trimmed = pc.equal(pc.utf8_trim_whitespace(text), text)
    return pc.and_(trimmed, pc.greater(pc.utf8_length(text), 0))


_PROBE: Final = " Ａ①㈱　m² "


def _free_text_fast(convert: Callable[[Any], Any]) -> Callable[[Any], Any] | None:
    """:func:`_plain_text` when ``convert`` keeps text as typed but for its ends, else None.

    The model's converter decides; one probe with full-width, circled and
    spaced characters tells whether it only strips, and the column-wise
    test then gives what it gives.
    """
    try:
        kept = convert(_PROBE) == _PROBE.strip()
    except ProjpushError:  # pragma: no cover (a converter refusing such text)
        return None
    return _plain_text if kept else None


def _plain_project_code(text: Any) -> Any:
    """A national project code as :meth:`~projpush.model.ProjectCode.parse` writes it."""
    return pc.match_substring_regex(text, r"^[0-9]{4}-[0-9]{6}-[0-9]{2}-[0-9]{2}-[0-9]{6}$")


def part_keys(series: Any) -> list[str]:
    """Each row's folded key, to partition by; a bad key as its repr (the reader refuses it)."""

    def fold(value: Any, _field: str) -> str:
        try:
            return text_key(value, "key")
        except ProjpushError:
            return repr(value)

    keys: list[str] = _converted(series, fold, str, pa.string(), _plain_code).to_pylist()
    return keys


def folded_keys(series: Any, field: str) -> Any:
    """Each row's project key as an Arrow string array, folded as the model folds codes."""
    return _converted(series, text_key, lambda _row: field, pa.string(), _plain_code)


# --------------------------------------------------------------------------- amounts


def _amount(value: object, field: str) -> Decimal:
    if not isinstance(value, bool | int | float | str | Decimal) and hasattr(value, "item"):
        value = value.item()  # a NumPy scalar: its Python value (a float stays a float)
    return to_nonneg_money(value, field)


def _kind(series: Any) -> str:  # noqa: PLR0911 (one return per kind of column)
    """How an amount column is read: ``text``, ``integer``, ``decimal``, ``empty`` or ``cells``."""
    dtype = series.dtype
    types = pd.api.types
    if isinstance(dtype, pd.ArrowDtype):
        arrow = dtype.pyarrow_dtype
        if pa.types.is_decimal(arrow):
            return "decimal"
        if pa.types.is_string(arrow) or pa.types.is_large_string(arrow):
            return "text"
        if pa.types.is_integer(arrow):
            return "integer"
        return "empty" if pa.types.is_null(arrow) else "cells"
    if isinstance(dtype, pd.StringDtype):
        return "text"
    if types.is_bool_dtype(dtype):
        return "cells"
    if types.is_integer_dtype(dtype):
        return "integer"
    if _is_object(dtype):
        inferred = types.infer_dtype(series, skipna=True)
        return {"string": "text", "empty": "empty", "integer": "integer"}.get(inferred, "cells")
    return "cells"


def _exponents(text: Any, *, strip: bool) -> Any:
    """Minus the number of digits after the point of each amount text; null where none.

    With ``strip``, trailing zeros do not count: the exponent of a decimal
    without them, as the engine writes amounts (``1000``, ``479.33``).
    """
    t = pl.col("t")
    fraction = t.str.split_exact(".", 1).struct.field("field_1")
    if strip:
        fraction = fraction.str.strip_chars_end("0")
    exponent = -fraction.str.len_chars().fill_null(0).cast(pl.Int16)
    frame = pl.DataFrame({"t": pl.from_arrow(text).cast(pl.String)})
    return frame.select(pl.when(t.is_not_null()).then(exponent).cast(pl.Int16).alias("e"))[
        "e"
    ].to_arrow()


def amounts(series: Any, field_of: Callable[[int], str]) -> tuple[Any, Any | None]:
    """An amount column as exact ``decimal128(38, 12)`` values, and each amount's exponent.

    A missing cell is null in both. The exponents are None for a column of
    Arrow decimals, whose written form is not known (see :class:`Read`).
    Text like ``123.45``, integer columns and Arrow decimals are read
    column-wise; other cells (``Decimal`` objects, ``"1,052.5"``, full-width
    digits) one by one, by the model's converter.

    Raises:
        MoneyTypeError: a float cell.
        ValidationError: a bad, negative or out-of-range amount, naming
            ``field_of(row)``.
    """
    kind = _kind(series)
    if kind == "empty":
        n = len(series)
        return pa.nulls(n, MONEY), pa.nulls(n, pa.int16())
    if kind in {"text", "integer", "decimal"}:
        read = _column_amounts(series, kind)
        if read is not None:
            return read
    return _cell_amounts(series, field_of)


def _column_amounts(series: Any, kind: str) -> tuple[Any, Any | None] | None:  # noqa: PLR0911
    """Column-wise reading, or None when some cell needs the model's converter."""
    try:
        arrow = pa.array(
            series.array if isinstance(series.dtype, pd.ArrowDtype) else series, from_pandas=True
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError):
        return None
    if isinstance(arrow, pa.ChunkedArray):
        arrow = arrow.combine_chunks()
    valid = pc.is_valid(arrow)
    if kind == "text":
        arrow = arrow.cast(pa.string())
        plain = pc.fill_null(pc.match_substring_regex(arrow, _PLAIN_AMOUNT), False)  # noqa: FBT003
        if not pc.all(pc.or_(plain, pc.invert(valid))).as_py():
            return None
        return arrow.cast(MONEY), _exponents(arrow, strip=False)
    try:
        exact = arrow.cast(MONEY)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if exact.null_count < len(exact):
        bounds = pc.min_max(exact).as_py()
        if bounds["min"] < 0 or bounds["max"] >= _LIMIT:
            return None
    if kind == "integer":
        return exact, pc.if_else(valid, pa.scalar(0, pa.int16()), pa.scalar(None, pa.int16()))
    return exact, None


def _cell_amounts(series: Any, field_of: Callable[[int], str]) -> tuple[Any, Any]:
    values: list[Decimal | None] = []
    exponents: list[int | None] = []
    for i, cell in enumerate(series.tolist()):
        if missing(cell):
            values.append(None)
            exponents.append(None)
            continue
        try:
            amount = _amount(cell, "")
        except ProjpushError:
            _amount(cell, field_of(i))
            raise  # pragma: no cover (the call above raised, naming the row)
        values.append(amount)
        exponents.append(int(amount.as_tuple().exponent))
    return pa.array(values, MONEY), pa.array(exponents, pa.int16())


# --------------------------------------------------------------------------- months and dates


def _month_value(value: object, field: str) -> dt.date | None:
    """The first day of a month given as text, a Month or a monthly Period; None when missing."""
    if value is None:
        return None
    if type(value) is Month:
        return value.first_day
    if isinstance(value, str):
        return Month.parse(value, field or "month").first_day
    if isinstance(value, pd.Period) and value.freqstr == "M":
        return dt.date(value.year, value.month, 1)
    raise ValidationError.about(
        field or "month", "a month YYYY-MM (text, Month or monthly Period)", value
    )


def date_value(value: object, field: str) -> dt.date:
    """A date as the model's fields take it, or a timestamp at midnight (what pandas reads)."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None or value.time() != dt.time(0):
            raise ValidationError.about(field, "a date (a timestamp at midnight at most)", value)
        return value.date()
    return to_date(value, field)


# --------------------------------------------------------------------------- the tables


def read(monthly: Any, projects: Any | None = None, stage_events: Any | None = None) -> Read:
    """The tables of :mod:`projpush.columnar` as the engine's, checked as the model checks.

    Raises:
        ValidationError, MoneyTypeError, DuplicateKeyError, UnknownReferenceError,
        InvalidTransition: as ``docs/columnar.md`` lists them.
    """
    repeated = projects is None
    hint = " (or pass a projects table)" if repeated else ""
    required = (*MONTHLY, *REQUIRED[1:]) if repeated else MONTHLY
    frame = check_frame(monthly, "monthly", required, hint)
    refuse_float_columns(frame, "monthly", ("plan", "done"))
    keys = folded_keys(frame["key"], "monthly.key")
    figures, exponents, normal = _monthly(frame, keys, repeated=repeated)
    if repeated:
        table, rows = "monthly", _project_rows(frame, "monthly", keys, repeated=True)
    else:
        table = "projects"
        own = check_frame(projects, table, REQUIRED)
        rows = _project_rows(own, table, folded_keys(own["key"], "projects.key"), repeated=False)
        given = pl.DataFrame({"key": keys}, schema={"key": pl.String}).unique()
        stray = given.join(rows.projects.select("key"), on="key", how="anti")
        if stray.height:
            first = min(stray["key"].to_list())
            raise UnknownReferenceError.about("monthly.key", "a key of the projects table", first)
    events = _stage_events(stage_events, rows.projects, table)
    tables = LedgerTables.of(
        projects=rows.projects.to_arrow(),
        annual_plans=rows.annual.select("key", "year", "plan").to_arrow(),
        monthly=figures.to_arrow(),
        stage_events=events.to_arrow(),
    )
    if rows.annual_normal:
        normal = normal | {"e_annual"}
    return Read(tables, exponents, rows.annual.select("key", "year", "plan", "e"), normal)


def _monthly(frame: Any, keys: Any, *, repeated: bool) -> tuple[Any, Any, frozenset[str]]:
    """The monthly rows with an amount (engine form), their exponents, those to derive."""
    key = _Lazy(keys)
    month = _converted(
        frame["month"], _month_value, lambda i: f"monthly.month[{key[i]}]", pa.date32()
    )
    month_text = _Lazy(month, lambda m: str(Month.of(m)))

    def where(column: str) -> Callable[[int], str]:
        return lambda row: f"monthly.{column}[{key[row]} {month_text[row]}]"

    plan, e_plan = amounts(frame["plan"], where("plan"))
    done, e_done = amounts(frame["done"], where("done"))
    normal = frozenset(c for c, e in (("e_plan", e_plan), ("e_done", e_done)) if e is None)
    n = len(keys)
    rows = pl.from_arrow(
        pa.table(
            {
                "key": keys,
                "month": month,
                "plan": plan,
                "done": done,
                "e_plan": pa.nulls(n, pa.int16()) if e_plan is None else e_plan,
                "e_done": pa.nulls(n, pa.int16()) if e_done is None else e_done,
            }
        )
    ).with_row_index("row")
    no_month = rows.filter(pl.col("month").is_null())
    if repeated:
        no_month = no_month.filter(pl.col("plan").is_not_null() | pl.col("done").is_not_null())
    if no_month.height:
        raise ValidationError.about(f"monthly.month[{no_month['key'][0]}]", "a month YYYY-MM", None)
    dated = rows.filter(pl.col("month").is_not_null())
    twice = dated.filter(pl.struct("key", "month").is_duplicated()).sort("row")
    if twice.height:
        row = f"[{twice['key'][0]} {Month.of(twice['month'][0])}]"
        raise DuplicateKeyError.about(f"monthly{row}", "one row per project and month", row)
    held = dated.filter(pl.col("plan").is_not_null() | pl.col("done").is_not_null())
    exponents = held.select("key", "month", "plan", "done", "e_plan", "e_done")
    return held.select("key", "month", "plan", "done"), exponents, normal


@attrs.frozen
class _Projects:
    projects: Any  # polars, the engine's projects columns, sorted by key
    annual: Any  # polars: key, year, plan, e
    annual_normal: bool  # the annual plans' exponents are to be derived (Arrow decimals)


def _project_rows(frame: Any, table: str, keys: Any, *, repeated: bool) -> _Projects:
    """Each project's columns (one row per key, by key), checked by the model's converters.

    In a projects table a key comes once; in a monthly table carrying the
    project columns (``repeated``) every row of a key must agree.
    """
    refuse_float_columns(frame, table, money_columns(frame))
    key_list = _Lazy(keys)
    where = f"{table}[{{}}]"
    columns: dict[str, Any] = {"key": keys}
    for name in (*_TEXTS, *_ENUMS, *(c for c in ("code", *_OPTIONAL_TEXTS) if c in frame)):
        convert = converter(getattr(_FIELDS, name))
        fast: Callable[[Any], Any] | None = {
            "code": _plain_project_code,
            "local_id": _plain_code,
        }.get(name)
        if name in (*_TEXTS, "owner", "task_force"):
            fast = _free_text_fast(convert)
        columns[name] = _converted(
            frame[name], _at(where, _plain(name, convert)), key_list.__getitem__, pa.string(), fast
        )
    if "total_investment" in frame:
        values, _ = amounts(
            frame["total_investment"], lambda i: f"{table}.total_investment[{key_list[i]}]"
        )
        columns["total_investment"] = pc.fill_null(values, pa.scalar(Decimal(0), MONEY))
    annual, annual_normal = _annual_columns(frame, table, key_list)
    columns.update({f"annual_plan_{year}": plans for year, (plans, _) in annual.items()})
    rows = pl.from_arrow(pa.table(columns)).with_row_index("row")
    if repeated:
        rows = _agreed(rows, frame, table)
    else:
        twice = rows.filter(pl.col("key").is_duplicated()).sort("row")
        if twice.height:
            raise DuplicateKeyError.about(f"{table}.key", "each project once", twice["key"][0])
    rows = rows.sort("key")
    _check_keys(rows, table)
    annual_rows = _annual_rows(rows, annual, keys)
    projects = rows.select(
        pl.int_range(pl.len(), dtype=pl.Int32).alias("seq"),
        "key",
        _column(rows, "code"),
        pl.coalesce(
            _column(rows, "local_id"),
            pl.when(_column(rows, "code").is_null()).then(pl.col("key")),
        ).alias("local_id"),
        *_TEXTS[:1],
        *_ENUMS,
        *_TEXTS[1:],
        _column(rows, "owner"),
        (
            pl.col("total_investment")
            if "total_investment" in rows.columns
            else pl.lit(Decimal(0), pl.Decimal(38, 12)).alias("total_investment")
        ),
        _column(rows, "task_force"),
    )
    return _Projects(projects, annual_rows, annual_normal)


def _annual_columns(
    frame: Any, table: str, key_list: _Lazy
) -> tuple[dict[int, tuple[Any, Any]], bool]:
    """Each ``annual_plan_YYYY`` column's plans and exponents by year; are exponents to derive?

    A year the model refuses (before 1900, say) is refused on the first
    project with a plan that year.
    """
    annual = {}
    normal = False
    for column in sorted(c for c in frame.columns if isinstance(c, str) and ANNUAL.fullmatch(c)):
        year = int(column[-4:])
        plans, exponents = amounts(frame[column], cell_field(f"{table}.{column}", key_list))
        if exponents is None:
            normal = True
            exponents = pa.nulls(len(plans), pa.int16())
        if plans.null_count < len(plans):
            try:
                converter(_FIELDS.annual_plans)({year: Decimal(0)})
            except ProjpushError as error:
                first = int(pc.index(pc.is_valid(plans), value=True).as_py())
                raise _located(error, f"{table}[{key_list[first]}]") from None
        annual[year] = (plans, exponents)
    return annual, normal


def converter(field: attrs.Attribute[Any]) -> Callable[[Any], Any]:
    """The model's converter of a field (``typed_converters`` gives every field one)."""
    return cast("Callable[[Any], Any]", field.converter)


def cell_field(column: str, keys: Any) -> Callable[[int], str]:
    """The field of a row's cell in ``column``: ``column[KEY]``."""
    return lambda row: f"{column}[{keys[row]}]"


def _plain(name: str, convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """The model's converter of a project column, giving the text the engine's table holds."""
    if name in _ENUMS:
        return lambda value: convert(value).value
    if name == "code":
        return lambda value: None if (code := convert(value)) is None else str(code)
    return convert


def _column(rows: Any, name: str) -> Any:
    return pl.col(name) if name in rows.columns else pl.lit(None, pl.String).alias(name)


def _agreed(rows: Any, frame: Any, table: str) -> Any:
    """The first row of each key, once every row of a key agrees on the project columns."""
    columns = [c for c in rows.columns if c not in {"row", "key"}]
    first_row = pl.col("row").min().over("key")
    differs = [pl.col(c).ne_missing(pl.col(c).first().over("key")).alias(c) for c in columns]
    flags = rows.select("row", "key", first_row.alias("first"), *differs)
    bad = flags.filter(pl.any_horizontal(columns)) if columns else flags.clear()
    if bad.height:
        row = bad.row(0, named=True)
        column = next(c for c in columns if row[c])
        seen, got = (_raw(frame[column].iloc[int(i)]) for i in (row["first"], row["row"]))
        key = row["key"]
        msg = f"{table}: project {key!r} has two values in column {column!r}: {seen!r} and {got!r}"
        raise ValidationError(msg, field=f"{table}.{column}", expected=repr(seen), got=got)
    return rows.filter(pl.col("row") == first_row)


def _raw(cell: object) -> object:
    return None if missing(cell) else cell


def _check_keys(rows: Any, table: str) -> None:
    """The key of a project is its code, or else its local id when it has one."""
    own = pl.coalesce(_column(rows, "code"), _column(rows, "local_id"), pl.col("key"))
    wrong = rows.filter(own != pl.col("key"))
    if wrong.height:
        key = wrong["key"][0]
        raise ValidationError.about(f"{table}.key[{key}]", "the project's code or local_id", key)


def _annual_rows(rows: Any, annual: dict[int, tuple[Any, Any]], keys: Any) -> Any:
    """The annual plans in the engine's form (key, year, plan) with their exponents, by key."""
    parts = [
        pl.DataFrame(
            {"key": keys, "plan": plans, "e": exponents},
            schema={"key": pl.String, "plan": pl.Decimal(38, 12), "e": pl.Int16},
        )
        .with_row_index("row")
        .join(rows.select("row"), on="row", how="semi")
        .filter(pl.col("plan").is_not_null())
        .select("key", pl.lit(year, pl.Int16).alias("year"), "plan", "e")
        for year, (plans, exponents) in annual.items()
    ]
    schema = {"key": pl.String, "year": pl.Int16, "plan": pl.Decimal(38, 12), "e": pl.Int16}
    return pl.concat([pl.DataFrame(schema=schema), *parts]).sort("key", "year")


def _stage_events(frame: Any | None, projects: Any, table: str) -> Any:
    """The stage events in the engine's form, each project's in date order, its steps checked."""
    schema = {
        "key": pl.String,
        "seq": pl.Int32,
        "kind": pl.String,
        "on": pl.Date,
        "note": pl.String,
    }
    if frame is None:
        return pl.DataFrame(schema=schema)
    events = check_frame(frame, "stage_events", EVENTS)
    keys = folded_keys(events["key"], "stage_events.key")
    key_list = _Lazy(keys)
    on = _converted(
        events["on"], date_value, lambda i: f"stage_events.on[{key_list[i]}]", pa.date32()
    )
    day_list = _Lazy(on)

    def row_at(i: int) -> str:
        return f"{key_list[i]} {day_list[i]}"

    kind_of = _plain_kind(converter(_EVENT_FIELDS.kind))
    kind = _converted(events["kind"], _at("stage_events[{}]", kind_of), row_at, pa.string())
    if "note" in events:
        convert = converter(_EVENT_FIELDS.note)
        note = _converted(
            events["note"],
            _at("stage_events[{}]", lambda v: "" if v is None else convert(v)),
            row_at,
            pa.string(),
        )
    else:
        note = pa.array([""] * len(events), pa.string())
    rows = pl.from_arrow(pa.table({"key": keys, "kind": kind, "on": on, "note": note}))
    stray = rows.select("key").unique().join(projects.select("key"), on="key", how="anti")
    if stray.height:
        first = min(stray["key"].to_list())
        raise UnknownReferenceError.about("stage_events.key", "a key of a project", first)
    rows = (
        rows.with_row_index("row")
        .sort("key", "on", "row")
        .with_columns(pl.int_range(pl.len(), dtype=pl.Int32).over("key").alias("seq"))
    )
    _check_steps(rows, projects, table)
    return rows.select("key", "seq", "kind", "on", "note")


def _plain_kind(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: convert(value).value


def _check_steps(rows: Any, projects: Any, table: str) -> None:
    """Each project's events take legal steps and lead to its stage, as the model requires.

    ``rows`` are sorted by key and ``seq``: a row's previous event is the row
    above it when it has the same key.
    """
    pairs = [f"{before}>{after}" for before, allowed in _STEPS.items() for after in allowed]
    key = pl.col("key")
    before = pl.when(key.shift(1) == key).then(pl.col("kind").shift(1))
    steps = rows.with_columns(before.alias("before")).with_columns(
        legal=pl.concat_str(pl.col("before").fill_null("None"), pl.lit(">"), "kind").is_in(pairs)
    )
    bad = steps.filter(~pl.col("legal"))
    if bad.height:
        row = bad.row(0, named=True)
        allowed = sorted(_STEPS[row["before"]])
        after = row["before"] or "no event"
        error = InvalidTransition.about(
            f"stage_events[{row['seq']}]", f"one of {allowed} after {after}", row["kind"]
        )
        raise _located(error, f"{table}[{row['key']}]")
    last = (
        rows.filter((key.shift(-1) != key).fill_null(value=True))
        .join(projects.select("key", "stage"), on="key")
        .with_columns(pl.col("kind").replace_strict(_AFTER).alias("leads_to"))
        .filter(pl.col("leads_to") != pl.col("stage"))
        .sort("key")
    )
    if last.height:
        row = last.row(0, named=True)
        key_, stage, expected = row["key"], row["stage"], row["leads_to"]
        msg = (
            f"project {key_}: stage is {stage!r} but the last stage event "
            f"({row['kind']} on {row['on']}) leads to {expected!r}"
        )
        error = ValidationError(msg, field="stage", expected=expected, got=stage)
        raise _located(error, f"{table}[{key_}]")
