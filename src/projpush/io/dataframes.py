"""The whole ledger as pandas or polars DataFrames, one per table, with typed columns.

The frames are the nineteen tables of :mod:`projpush.engine.tables`
(``docs/tables.md``), issues, events and people included, column for column:

- **money** is exact: polars ``Decimal(38, 12)``, pandas
  ``ArrowDtype(decimal128(38, 12))``;
- **dates** are polars ``Date``, pandas ``ArrowDtype(date32)``;
- **enums** are polars ``Enum`` and pandas ``Categorical``, each over every
  member's value in definition order, so a category means the same member in
  every frame;
- text, integers and booleans keep their Arrow types (pandas through
  ``ArrowDtype``, so a missing value is ``<NA>``, never ``NaN``).

:func:`from_frames` takes frames of either library (or Arrow tables) back,
conformed by :meth:`~projpush.engine.tables.LedgerTables.of`. A float money
column is refused: binary floating point cannot hold 479.33 万元 exactly.

>>> from projpush.engine import from_portfolio, to_portfolio
>>> from projpush.synth import sample_portfolio
>>> ledger = sample_portfolio()
>>> frames = to_polars(from_portfolio(ledger))
>>> frames["projects"].schema["stage"]
Enum(categories=['planned', 'reserved', 'under_construction', 'suspended', 'completed'])
>>> str(frames["monthly"].schema["done"])
'Decimal(precision=38, scale=12)'
>>> to_portfolio(from_frames(to_pandas(from_portfolio(ledger)))) == ledger
True
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

from projpush._extras import require
from projpush.engine.tables import TABLES, LedgerTables, _columns
from projpush.errors import ValidationError

pa: Any = require("pyarrow", extra="engine", user="projpush.io.dataframes")

__all__ = ["from_frames", "to_pandas", "to_polars"]


def _enums(name: str) -> dict[str, type[enum.Enum]]:
    return {
        c: kind
        for c, kind, _ in _columns(name)
        if isinstance(kind, type) and issubclass(kind, enum.Enum)
    }


def _tables(tables: LedgerTables) -> LedgerTables:
    if not isinstance(tables, LedgerTables):
        raise ValidationError.about("tables", "a LedgerTables", type(tables).__name__)
    return tables


def to_polars(tables: LedgerTables) -> dict[str, Any]:
    """Each table as a ``polars.DataFrame``, by name, in the order of :data:`TABLES`.

    Raises:
        ValidationError: ``tables`` is not a LedgerTables.
        ImportError: polars is missing (the ``engine`` extra).
    """
    pl = require("polars", extra="engine", user="projpush.io.dataframes.to_polars")
    frames = {}
    for name, table in _tables(tables):
        frame = pl.from_arrow(table)
        frame = frame.with_columns(
            pl.col(c).cast(pl.String).cast(pl.Enum([m.value for m in kind]))
            for c, kind in _enums(name).items()
        )
        frames[name] = frame
    return frames


def to_pandas(tables: LedgerTables) -> dict[str, Any]:
    """Each table as a ``pandas.DataFrame``, by name, in the order of :data:`TABLES`.

    Raises:
        ValidationError: ``tables`` is not a LedgerTables.
        ImportError: pandas is missing (the ``pandas`` extra).
    """
    pd = require("pandas", extra="pandas", user="projpush.io.dataframes.to_pandas")
    frames = {}
    for name, table in _tables(tables):
        enums = _enums(name)
        plain = table.select([c for c in table.column_names if c not in enums])
        frame = plain.to_pandas(types_mapper=pd.ArrowDtype)
        for column, kind in enums.items():
            values = [m.value for m in kind]
            data = table.column(column).combine_chunks()
            codes = data.indices.to_numpy(zero_copy_only=False)
            codes = pd.array(codes).fillna(-1).astype("int8") if data.null_count else codes
            frame[column] = pd.Categorical.from_codes(codes, categories=values)
        frames[name] = frame[table.column_names]
    return frames


def from_frames(frames: Mapping[str, Any]) -> LedgerTables:
    """Ledger tables from DataFrames (pandas or polars) or Arrow tables, by table name.

    A missing table is empty; each is conformed by
    :meth:`~projpush.engine.tables.LedgerTables.of` (columns in any order,
    enums as text or categories, compatible types cast).

    Raises:
        ValidationError: an unknown table name, a value that is no frame or
            table, a float money column, or anything
            :meth:`~projpush.engine.tables.LedgerTables.of` refuses (each
            naming ``table.column``).
    """
    if not isinstance(frames, Mapping):
        raise ValidationError.about(
            "frames", "a mapping of table names to DataFrames", type(frames).__name__
        )
    arrow = {}
    for name, frame in frames.items():
        if name not in TABLES:
            raise ValidationError.about("table", f"one of {', '.join(TABLES)}", name)
        table = _arrow(name, frame)
        arrow[name] = table
    return LedgerTables.of(**arrow)


def _arrow(name: str, frame: Any) -> Any:
    module = type(frame).__module__.partition(".")[0]
    if isinstance(frame, pa.Table):
        return frame
    if module == "polars":
        return _from_polars(name, frame)
    if module == "pandas":
        return _from_pandas(name, frame)
    raise ValidationError.about(
        name, "a pandas or polars DataFrame or a pyarrow Table", type(frame).__name__
    )


def _from_polars(name: str, frame: Any) -> Any:
    """A polars frame as an Arrow table; a decimal Arrow cannot hold is refused, named.

    polars holds decimals of up to 76 digits, and its conversion to Arrow
    panics on one wider than 38: a Rust panic, which reaches Python as
    pyo3's ``PanicException``, a ``BaseException``.
    """
    for column, dtype in frame.schema.items():
        precision = getattr(dtype, "precision", 0)
        if type(dtype).__name__ == "Decimal" and not (precision and 1 <= precision <= _DIGITS):
            expected = f"exact amounts of at most {_DIGITS} digits (decimal128(38, 12))"
            raise ValidationError.about(f"{name}.{column}", expected, str(dtype))
    try:
        return frame.to_arrow()
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as error:  # noqa: BLE001 (polars' errors, and its panics)
        text = str(error).strip().splitlines()
        got = text[0] if text else type(error).__name__
        raise ValidationError.about(name, "a frame Arrow can hold", got) from None


_DIGITS = 38  # the digits of Arrow's decimal128


def _from_pandas(name: str, frame: Any) -> Any:
    """A pandas frame as an Arrow table; a column Arrow cannot type is named, with its values.

    A column of Python objects holding values of several kinds (text and
    numbers, an amount as float beside Decimals) has no Arrow type, and two
    columns of one name no table.
    """
    names = [str(c) for c in frame.columns]
    repeated = sorted({c for c in names if names.count(c) > 1})
    if repeated:
        raise ValidationError.about(f"{name}.{repeated[0]}", "one column of that name", "two")
    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowException, TypeError, ValueError, OverflowError) as error:
        column = next((c for c in frame.columns if not _converts(frame[c])), None)
        if column is None:
            text = str(error).strip().splitlines()
            raise ValidationError.about(
                name, "a frame Arrow can hold", text[0] if text else ""
            ) from None
        kinds = ", ".join(sorted({type(v).__name__ for v in frame[column]}))
        expected = "values of one type (text, a number, a Decimal, a date or a boolean)"
        raise ValidationError.about(f"{name}.{column}", expected, f"values of {kinds}") from None


def _converts(column: Any) -> bool:
    try:
        pa.array(column, from_pandas=True)
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        return False
    return True
