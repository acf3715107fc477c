"""The ledger as Arrow tables, and as a folder of Parquet files (台账的表格形式).

Every fact of a :class:`~projpush.model.Portfolio` has a row in one of the
tables of :data:`TABLES`; ``docs/tables.md`` documents each column. The
choices, applied to every table:

- **Money** is ``decimal128(38, 12)``, in 万元. The model accepts amounts
  below 10^16 万元 with at most 12 places, which is at most 28 digits, so
  every amount the model holds fits exactly. A scaled ``int64`` would not:
  at 12 places it stops at 9.2 × 10^6 万元. A value comes back as the same
  number (``Decimal`` equality), with trailing zeros dropped: ``"479.330"``
  reads back as ``Decimal("479.33")``.
- **Dates** are ``date32``; a **month** is the ``date32`` of its first day.
- **Enums** are dictionary-encoded (``int8`` codes) over every member's
  value in definition order, so a code means the same member in every file.
- **Order.** Each list of the portfolio (projects, issues, ...) and each
  list inside a record (a project's milestones, an issue's events) has an
  ``int32`` ``seq`` column giving the position, so the row order of a
  partitioned dataset does not matter.
- **Free text** is stored exactly as typed.

>>> from projpush.synth import sample_portfolio
>>> ledger = sample_portfolio()
>>> tables = from_portfolio(ledger)
>>> tables.projects.num_rows, tables.issue_events.num_rows
(50, 296)
>>> str(tables.monthly.schema.field("done").type)
'decimal128(38, 12)'
>>> to_portfolio(tables) == ledger
True
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import attrs

from projpush._convert import to_bool, to_date, to_enum, to_money, to_percent, to_text
from projpush._extras import require
from projpush.errors import DuplicateKeyError, ProjpushError, ValidationError
from projpush.ledger import _is_parquet
from projpush.model import (
    EVENT_PAYLOADS,
    PAYLOAD_FIELDS,
    ApprovalItem,
    ApprovalKind,
    Cadence,
    Category,
    Contact,
    Difficulty,
    EventKind,
    Issue,
    IssueCategory,
    IssueEvent,
    IssueState,
    Leader,
    LeaderRank,
    Level,
    Milestone,
    Month,
    Portfolio,
    Project,
    Secretary,
    SheetColor,
    SiteObservation,
    Stage,
    StageEvent,
    StageEventKind,
    TaskForce,
    Unit,
    check_payload,
)

if TYPE_CHECKING:
    import os
    from collections.abc import Callable, Iterable, Iterator, Mapping

pa: Any = require("pyarrow", extra="engine", user="projpush.engine")
pc: Any = require("pyarrow.compute", extra="engine", user="projpush.engine")

__all__ = [
    "TABLES",
    "LedgerTables",
    "from_issues",
    "from_portfolio",
    "is_parquet_ledger",
    "read_parquet",
    "schema",
    "to_portfolio",
    "write_parquet",
]

MONEY_SCALE: Final = 12
MONEY: Final = pa.decimal128(38, MONEY_SCALE)
_SEQ: Final = ("seq", "int32", False)

# A column: (name, kind, nullable). A kind is an Arrow type name or an enum class.
_Column = tuple[str, Any, bool]

_COLUMNS: Final[dict[str, tuple[_Column, ...]]] = {
    "projects": (
        _SEQ,
        ("key", "string", False),
        ("code", "string", True),
        ("local_id", "string", True),
        ("name", "string", False),
        ("level", Level, False),
        ("category", Category, False),
        ("stage", Stage, False),
        ("region", "string", False),
        ("unit", "string", False),
        ("owner", "string", True),
        ("total_investment", "money", False),
        ("task_force", "string", True),
    ),
    "annual_plans": (("key", "string", False), ("year", "int16", False), ("plan", "money", False)),
    "monthly": (
        ("key", "string", False),
        ("month", "date32", False),
        ("plan", "money", True),
        ("done", "money", True),
    ),
    "milestones": (
        ("key", "string", False),
        _SEQ,
        ("name", "string", False),
        ("planned", "date32", False),
        ("start", "date32", True),
        ("done", "date32", True),
        ("percent", "money", True),
        ("unit", "string", True),
    ),
    "approvals": (
        ("key", "string", False),
        _SEQ,
        ("name", "string", False),
        ("kind", ApprovalKind, False),
        ("authority", "string", True),
        ("required", "bool", False),
        ("applied", "date32", True),
        ("granted", "date32", True),
        ("one_trip", "bool", False),
    ),
    "stage_events": (
        ("key", "string", False),
        _SEQ,
        ("kind", StageEventKind, False),
        ("on", "date32", False),
        ("note", "string", False),
    ),
    "site_observations": (
        ("key", "string", False),
        _SEQ,
        ("day", "date32", False),
        ("active", "bool", False),
        ("source", "string", False),
    ),
    "leaders": (
        _SEQ,
        ("name", "string", False),
        ("rank", LeaderRank, False),
        ("role", "string", False),
    ),
    "leader_projects": (
        ("leader", "string", False),
        _SEQ,
        ("project", "string", False),
    ),
    "secretaries": (
        _SEQ,
        ("name", "string", False),
        ("unit", "string", False),
        ("default_cadence", Cadence, False),
    ),
    "secretary_projects": (
        ("secretary", "string", False),
        _SEQ,
        ("project", "string", False),
    ),
    "secretary_cadences": (
        ("secretary", "string", False),
        ("project", "string", False),
        ("cadence", Cadence, False),
    ),
    "contacts": (
        ("secretary", "string", False),
        _SEQ,
        ("project", "string", False),
        ("on", "date32", False),
        ("mode", "string", False),
        ("note", "string", False),
    ),
    "issues": (
        _SEQ,
        ("id", "string", False),
        ("project", "string", False),
        ("category", IssueCategory, False),
        ("title", "string", False),
        ("difficulty", Difficulty, False),
    ),
    "issue_events": (
        ("issue", "string", False),
        _SEQ,
        ("at", "date32", False),
        ("kind", EventKind, False),
        ("actor", "string", False),
        ("from_state", IssueState, True),
        ("to_state", IssueState, False),
        ("note", "string", False),
        ("tier", "string", True),
        ("owner", "string", True),
        ("deadline", "date32", True),
        ("sheet", SheetColor, True),
        ("party", "string", True),
        ("policy", "string", True),
    ),
    "units": (
        _SEQ,
        ("name", "string", False),
        ("region", "string", True),
        ("kind", "string", False),
    ),
    "task_forces": (_SEQ, ("name", "string", False), ("lead", "string", True)),
    "task_force_members": (
        ("task_force", "string", False),
        _SEQ,
        ("member", "string", False),
    ),
    "task_force_projects": (
        ("task_force", "string", False),
        _SEQ,
        ("project", "string", False),
    ),
}

TABLES: Final = tuple(_COLUMNS)
"""The names of the ledger's tables, in the order of ``docs/tables.md``."""

_FORMAT_KEY: Final = b"projpush-ledger-table"
_FORMAT_VERSION: Final = b"1"


def _arrow_type(kind: Any) -> Any:
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return pa.dictionary(pa.int8(), pa.string())
    if kind == "money":
        return MONEY
    return pa.bool_() if kind == "bool" else getattr(pa, kind)()


def schema(table: str) -> Any:
    """The Arrow schema of one ledger table.

    >>> print(schema("annual_plans"))
    key: string not null
    year: int16 not null
    plan: decimal128(38, 12) not null
    -- schema metadata --
    projpush-ledger-table: 'annual_plans'

    Raises:
        ValidationError: ``table`` is not one of :data:`TABLES`.
    """
    columns = _columns(table)
    fields = [pa.field(name, _arrow_type(kind), nullable) for name, kind, nullable in columns]
    return pa.schema(fields, metadata={_FORMAT_KEY: table.encode()})


def _columns(table: str) -> tuple[_Column, ...]:
    try:
        return _COLUMNS[table]
    except (KeyError, TypeError):
        raise ValidationError.about("table", f"one of {', '.join(TABLES)}", table) from None


def _enum_dictionary(cls: type[enum.Enum]) -> Any:
    return pa.array([m.value for m in cls], pa.string())


def _column_array(values: list[Any], kind: Any) -> Any:
    """An Arrow array of one column's Python values (enum members, dates, Decimals)."""
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        code = {m: i for i, m in enumerate(kind)}
        indices = pa.array([None if v is None else code[v] for v in values], pa.int8())
        return pa.DictionaryArray.from_arrays(indices, _enum_dictionary(kind))
    if kind == "date32" and values and isinstance(values[0], Month):
        values = [m.first_day for m in values]
    return pa.array(values, _arrow_type(kind))


def _table(name: str, rows: dict[str, list[Any]]) -> Any:
    columns = _columns(name)
    arrays = [_column_array(rows[c], kind) for c, kind, _ in columns]
    return pa.Table.from_arrays(arrays, schema=schema(name))


@attrs.frozen
class LedgerTables:
    """A whole ledger as Arrow tables, one attribute per name in :data:`TABLES`.

    Build one with :func:`from_portfolio` or :func:`read_parquet`, or from
    tables of your own with :meth:`of`, which checks every table against
    its :func:`schema`.
    """

    projects: Any
    annual_plans: Any
    monthly: Any
    milestones: Any
    approvals: Any
    stage_events: Any
    site_observations: Any
    leaders: Any
    leader_projects: Any
    secretaries: Any
    secretary_projects: Any
    secretary_cadences: Any
    contacts: Any
    issues: Any
    issue_events: Any
    units: Any
    task_forces: Any
    task_force_members: Any
    task_force_projects: Any

    @classmethod
    def of(cls, **tables: Any) -> LedgerTables:
        """Tables of your own, each conformed to its schema; missing ones are empty.

        A table may have its columns in any order and extra columns (dropped).
        An enum column may be plain text holding the members' values.

        An event's payload must fit its kind, as the model requires
        (:data:`~projpush.model.EVENT_PAYLOADS`): the engine reads the
        tables as recorded, so a note that carried a deadline would move
        the deadline the engine judges against.

        Text in a column of amounts, dates or an enum is read by the model's
        own rules, as a JSON ledger's: ``"1,052.5"``, ``"2020-06-30"``, an
        enum's value, name or Chinese label.

        Raises:
            ValidationError: an unknown table, a missing column, a value of the
                wrong type or an unknown enum value, in the model's words; the
                message names ``table.column`` and the row by its key. An
                event whose payload does not fit its kind; the message names
                the issue and the event's ``seq``.
        """
        unknown = sorted(set(tables) - set(TABLES))
        if unknown:
            raise ValidationError.about("table", f"one of {', '.join(TABLES)}", unknown[0])
        conformed = {name: conform(name, tables.get(name)) for name in TABLES}
        check_event_payloads(conformed["issue_events"])
        return cls(**conformed)

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        """``(name, table)`` for every table, in the order of :data:`TABLES`."""
        return ((name, getattr(self, name)) for name in TABLES)

    def to_polars(self) -> dict[str, Any]:
        """Every table as a typed ``polars.DataFrame`` (see :mod:`projpush.io.dataframes`)."""
        from projpush.io.dataframes import to_polars  # noqa: PLC0415 (an edge of the engine)

        return to_polars(self)

    def to_pandas(self) -> dict[str, Any]:
        """Every table as a typed ``pandas.DataFrame`` (see :mod:`projpush.io.dataframes`)."""
        from projpush.io.dataframes import to_pandas  # noqa: PLC0415

        return to_pandas(self)

    @classmethod
    def from_frames(cls, frames: Mapping[str, Any]) -> LedgerTables:
        """Tables from pandas or polars DataFrames by name, conformed by :meth:`of`.

        Raises:
            ValidationError: see :func:`projpush.io.dataframes.from_frames`.
        """
        from projpush.io.dataframes import from_frames  # noqa: PLC0415

        return from_frames(frames)

    @property
    def nbytes(self) -> int:
        """The tables' size in memory, in bytes."""
        return sum(t.nbytes for _, t in self)


def check_event_payloads(events: Any) -> None:
    """Refuse a row of a conformed ``issue_events`` table whose payload does not fit its kind.

    Column-wise: for each payload field, the rows of a kind that never
    carries it and hold a value, and the rows of a kind that needs it and
    lack one. The first such row is checked by
    :func:`projpush.model.check_payload`, which raises the model's message.

    Raises:
        ValidationError: ``field`` is ``issue_events.{name}``; the message
            names the issue and the event's ``seq``.
    """
    if not events.num_rows:
        return
    codes = events.column("kind").combine_chunks().indices
    members = list(EventKind)
    bad = None
    for name in PAYLOAD_FIELDS:
        refusing = [i for i, k in enumerate(members) if name in EVENT_PAYLOADS[k].refuses]
        needing = [i for i, k in enumerate(members) if name in EVENT_PAYLOADS[k].needs]
        column = events.column(name)
        wrong = pc.and_(pc.is_in(codes, pa.array(refusing, pa.int8())), pc.is_valid(column))
        if needing:
            lacking = pc.and_(pc.is_in(codes, pa.array(needing, pa.int8())), pc.is_null(column))
            wrong = pc.or_(wrong, lacking)
        bad = wrong if bad is None else pc.or_(bad, wrong)
    if not pc.any(bad).as_py():
        return
    row = pc.index(bad, value=True).as_py()
    values = {name: events.column(name)[row].as_py() for name in PAYLOAD_FIELDS}
    kind = EventKind(events.column("kind")[row].as_py())
    try:
        check_payload(kind, values, "issue_events")
    except ValidationError as error:
        issue, seq = events.column("issue")[row].as_py(), events.column("seq")[row].as_py()
        msg = f"issue {issue!r}, event seq {seq}: {error}"
        raise ValidationError(
            msg, field=error.field, expected=error.expected, got=error.got
        ) from None
    raise AssertionError(row)  # pragma: no cover (the columns and check_payload agree)


def empty(table: str) -> Any:
    """An empty table of ``table``'s schema."""
    return schema(table).empty_table()


def conform(name: str, table: Any) -> Any:
    """``table`` with exactly the schema of ``name`` (columns reordered, enums re-encoded).

    Raises:
        ValidationError: see :meth:`LedgerTables.of`.
    """
    if table is None:
        return empty(name)
    if not isinstance(table, pa.Table):
        raise ValidationError.about(name, "a pyarrow Table", type(table).__name__)
    names = table.column_names
    twice = next((c for i, c in enumerate(names) if c in names[:i]), None)
    if twice is not None:  # Arrow allows it; a column is then no longer found by its name
        field, count = f"{name}.{twice}", names.count(twice)
        msg = f"{field}: expected one column of that name, got {count}"
        raise ValidationError(msg, field=field, expected="one column of that name", got=count)
    arrays = []
    for column, kind, nullable in _columns(name):
        field = f"{name}.{column}"
        if column not in table.column_names:
            raise ValidationError.about(field, "a column of that name", "no such column")
        try:
            data = _conform_column(table.column(column), kind, nullable, field)
        except _BadCell as bad:
            index = _row_of(table.column(column), bad.error.got) if bad.index is None else bad.index
            raise _in_row(bad.error, name, table, column, index) from None
        if kind == "date32":
            _refuse_far_dates(data, field)
        arrays.append(data)
    return pa.Table.from_arrays(arrays, schema=schema(name))


# The days a Python date holds, as date32 counts them (days since 1970-01-01).
_FIRST_DAY: Final = -719_162  # 0001-01-01
_LAST_DAY: Final = 2_932_896  # 9999-12-31


def _refuse_far_dates(data: Any, field: str) -> None:
    """Refuse a ``date32`` beyond year 9999 or before year 1: no Python date holds it.

    Arrow's ``date32`` counts days up to some 5.8 million years either way,
    and PostgreSQL's ``DATE`` reaches year 5874897: such a day would only
    fail later, as an ``OverflowError`` while the tables become objects.
    """
    days = data.cast(pa.int32())
    bounds = pc.min_max(days)
    low, high = bounds["min"].as_py(), bounds["max"].as_py()
    if low is None or (low >= _FIRST_DAY and high <= _LAST_DAY):
        return
    got = low if low < _FIRST_DAY else high
    expected = "a date from 0001-01-01 to 9999-12-31"
    raise ValidationError.about(field, expected, f"day {got:,} counted from 1970-01-01")


class _BadCell(Exception):  # noqa: N818 (not an error of its own: it carries one)
    """A cell the model refuses: its error, and its row when known (else the row is sought)."""

    def __init__(self, error: ProjpushError, index: int | None = None) -> None:
        super().__init__(str(error))
        self.error = error
        self.index = index


# The model's converter of a cell's text, by column kind: the field rules every reader
# shares, so a text amount in a Parquet or database column is read as the JSON reads it.
_CONVERTERS: Final[dict[str, Callable[[object, str], Any]]] = {
    "money": to_money,
    "date32": to_date,
    "bool": to_bool,
    "string": to_text,
}


# A column whose text follows a rule of its own rather than its kind's.
_OWN_RULES: Final[dict[str, Callable[[object, str], Any]]] = {"percent": to_percent}


def _rule(kind: Any, column: str) -> Callable[[object, str], Any] | None:
    return _OWN_RULES.get(column) or _CONVERTERS.get(kind)


# The columns that hold no field of the model but a row's place: a project's key, a
# list's order, an owner's name. Left out, there is no model's word for them.
_STRUCTURE: Final = frozenset({"key", "seq", "year", "leader", "secretary", "issue", "task_force"})


def _refusal(kind: Any, value: Any, column: str) -> ProjpushError:
    """The model's error for ``value`` in a column of ``kind``, in the model's words."""
    if value is None and column in _STRUCTURE:
        return ValidationError.about(column, "a value in every row", "an empty cell")
    try:
        if isinstance(kind, type) and issubclass(kind, enum.Enum):
            to_enum(kind, value, column)
        elif (rule := _rule(kind, column)) is not None:
            rule(value, column)
    except ProjpushError as error:
        return error
    return ValidationError.about(column, str(_arrow_type(kind)), value)


def _conform_column(data: Any, kind: Any, nullable: bool, field: str) -> Any:
    """One column in its ledger type; a cell that is not raises :class:`_BadCell`."""
    column = field.partition(".")[2]
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        data = _encode_enum(data, kind, field)
    else:
        data = data.combine_chunks()
        if kind == "money" and pa.types.is_floating(data.type):  # 479.33 has no float
            expected = f"exact amounts ({MONEY}, Decimal or text), not binary floating point"
            raise ValidationError.about(field, expected, str(data.type))
        if kind in {"money", "date32"} and _is_text(data.type):
            data = _converted(data, kind, column)
        try:
            data = data.cast(_arrow_type(kind))
        except pa.ArrowNotImplementedError:  # no cast between the types (dates to money)
            raise ValidationError.about(field, str(_arrow_type(kind)), str(data.type)) from None
        except pa.ArrowInvalid as error:
            index = next((i for i in range(len(data)) if not _casts(data[i : i + 1], kind)), None)
            if index is None:  # pragma: no cover (a column fails only where a cell does)
                raise ValidationError.about(field, str(_arrow_type(kind)), str(data.type)) from (
                    error
                )
            raise _BadCell(_refusal(kind, _cell(data[index]), column), index) from None
    if not nullable and data.null_count:
        refusal = _refusal(kind, None, column)  # the model's words for a value left out
        raise _BadCell(refusal, _first_true(pc.is_null(data)))
    return data


def _cell(scalar: Any) -> Any:
    """An Arrow cell as Python, or as Arrow prints it where Python has no such value (year 10^5)."""
    try:
        return scalar.as_py()
    except (OverflowError, ValueError):
        return str(scalar)


def _row_of(data: Any, got: Any) -> int | None:
    """The first row of a text column holding ``got`` (None: none does)."""
    data = data.combine_chunks()
    if pa.types.is_dictionary(data.type):
        data = data.cast(data.type.value_type)
    if not _is_text(data.type) or not isinstance(got, str):
        return None
    mask = pc.equal(data.cast(pa.string()), pa.scalar(got, pa.string()))
    return _first_true(mask) if pc.any(mask).as_py() else None


def _converted(data: Any, kind: str, column: str) -> Any:
    """A text column of amounts or dates, each cell read by the model's own converter."""
    convert = _rule(kind, column) or _CONVERTERS[kind]
    values: list[Any] = []
    for index, text in enumerate(data.to_pylist()):
        if text is None:
            values.append(None)
            continue
        try:
            values.append(convert(text, column))
        except ProjpushError as error:
            raise _BadCell(error, index) from None
    return pa.array(values, _arrow_type(kind))


def _casts(data: Any, kind: Any) -> bool:
    try:
        data.cast(_arrow_type(kind))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return False
    return True


def _first_true(mask: Any) -> int:
    return int(pc.index(mask.fill_null(pa.scalar(value=False)), value=True).as_py())


#: The columns naming a row of each table (its primary key), as errors name the row.
ROW_KEYS: Final[dict[str, tuple[str, ...]]] = {
    "projects": ("key",),
    "annual_plans": ("key", "year"),
    "monthly": ("key", "month"),
    "milestones": ("key", "seq"),
    "approvals": ("key", "seq"),
    "stage_events": ("key", "seq"),
    "site_observations": ("key", "seq"),
    "leaders": ("name",),
    "leader_projects": ("leader", "seq"),
    "secretaries": ("name",),
    "secretary_projects": ("secretary", "seq"),
    "secretary_cadences": ("secretary", "project"),
    "contacts": ("secretary", "seq"),
    "issues": ("id",),
    "issue_events": ("issue", "seq"),
    "units": ("name",),
    "task_forces": ("name",),
    "task_force_members": ("task_force", "seq"),
    "task_force_projects": ("task_force", "seq"),
}


def _cell_text(value: Any) -> str:
    if isinstance(value, dt.date):
        value = value.isoformat()
    elif type(value) is Decimal:
        value = format(_plain(value), "f")
    return repr(value)


def row_named(name: str, table: Any, column: str, index: int | None) -> str:
    """How an error names row ``index`` of ``table``: ``row key='L-1', seq=2`` ('' if unknown)."""
    if index is None:
        return ""
    keys = [c for c in ROW_KEYS[name] if c != column and c in table.column_names]
    if not keys and "seq" in table.column_names:  # the key is the cell at fault: its place
        keys = ["seq"]
    values = ", ".join(f"{c}={_cell_text(table.column(c)[index].as_py())}" for c in keys)
    return f"row {values}" if values else ""


def _detail(error: ProjpushError) -> str:
    """The model's message without the field it starts with."""
    text = str(error)
    for prefix in (f"{error.field}:", f"{_lead(error.field)}:"):
        if error.field and text.startswith(prefix):
            return text[len(prefix) :].lstrip()
    return text


def _lead(field: str | None) -> str:
    match = re.match(r"[A-Za-z_]\w*", field or "")
    return match[0] if match else ""


def _in_row(error: ProjpushError, name: str, table: Any, column: str, index: int | None) -> Any:
    """``error`` about the cell ``name.column`` of row ``index``: its class, expected, got."""
    where = f"{name}.{column}"
    row = row_named(name, table, column, index)
    msg = f"{where}: {row}: {_detail(error)}" if row else f"{where}: {_detail(error)}"
    return type(error)(msg, field=where, expected=error.expected, got=error.got)


def _encode_enum(data: Any, cls: type[enum.Enum], field: str) -> Any:
    """Re-encode text or a dictionary column over the enum's stable dictionary.

    A dictionary column (what Parquet gives back) is re-encoded through its
    dictionaries alone, a handful of values per chunk, and its indices
    remapped by one gather: the rows' text is never built.
    """
    dictionary = _enum_dictionary(cls)
    if pa.types.is_dictionary(data.type) and _is_text(data.type.value_type):
        return pa.chunked_array(
            [_remap(chunk, dictionary, cls, field) for chunk in data.iterchunks()],
            pa.dictionary(pa.int8(), pa.string()),
        ).combine_chunks()
    if not _is_text(data.type):
        raise ValidationError.about(field, f"text values of {cls.__name__}", str(data.type))
    data = data.combine_chunks().cast(pa.string())
    indices = pc.index_in(data, value_set=dictionary)
    if pc.any(pc.and_(pc.is_null(indices), pc.is_valid(data))).as_py():
        own = pc.unique(data)
        indices = pc.take(_member_codes(own, cls, field), pc.index_in(data, value_set=own))
    return pa.DictionaryArray.from_arrays(indices.cast(pa.int8()), dictionary)


def _is_text(kind: Any) -> bool:
    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))


def _remap(chunk: Any, dictionary: Any, cls: type[enum.Enum], field: str) -> Any:
    """One dictionary chunk over the stable ``dictionary``: its own dictionary mapped, taken."""
    own = chunk.dictionary.cast(pa.string())
    codes = pc.index_in(own, value_set=dictionary)
    if pc.any(pc.and_(pc.is_null(codes), pc.is_valid(own))).as_py():
        used = pc.unique(chunk.indices.drop_null()).sort()
        used_codes = _member_codes(pc.take(own, used), cls, field)
        codes = pc.take(
            used_codes, pc.index_in(pa.array(range(len(own)), used.type), value_set=used)
        )
    indices = pc.take(codes.cast(pa.int8()), chunk.indices)
    return pa.DictionaryArray.from_arrays(indices, dictionary)


def _member_codes(values: Any, cls: type[enum.Enum], field: str) -> Any:
    """The code of each of ``values`` as the model reads it: a value, a name or a Chinese label.

    Raises:
        _BadCell: a value no member has, with the model's words (its row is sought).
    """
    position = {m: i for i, m in enumerate(cls)}
    column = field.partition(".")[2]
    codes = []
    for value in values.to_pylist():
        try:
            codes.append(None if value is None else position[to_enum(cls, value, column)])
        except ProjpushError as error:
            raise _BadCell(error) from None
    return pa.array(codes, pa.int8())


# --------------------------------------------------------------------------- portfolio -> tables


def _rows(name: str) -> dict[str, list[Any]]:
    return {c: [] for c, _, _ in _columns(name)}


def _add(rows: dict[str, list[Any]], **values: Any) -> None:
    for column, items in rows.items():
        items.append(values[column])


def _fields(value: Any, *names: str) -> dict[str, Any]:
    return {n: getattr(value, n) for n in names}


def from_portfolio(portfolio: Portfolio) -> LedgerTables:
    """Every fact of ``portfolio`` as tables; :func:`to_portfolio` gives it back equal.

    Raises:
        ValidationError: ``portfolio`` is not a Portfolio.
    """
    if not isinstance(portfolio, Portfolio):
        raise ValidationError.about("portfolio", "a Portfolio", type(portfolio).__name__)
    rows = {name: _rows(name) for name in TABLES}
    for seq, p in enumerate(portfolio.projects):
        _project_rows(rows, seq, p)
    _people_rows(rows, portfolio)
    _issue_rows(rows, portfolio.issues)
    return LedgerTables(**{name: _table(name, rows[name]) for name in TABLES})


def from_issues(issues: Iterable[Issue]) -> LedgerTables:
    """A problem list alone as tables: ``issues`` and ``issue_events``, the others empty.

    The escalation engine needs no other table; a platform whose problem
    list lives apart from its project ledger starts here.

    Raises:
        ValidationError: an item is not an Issue.
    """
    rows = {name: _rows(name) for name in TABLES}
    _issue_rows(rows, issues)
    return LedgerTables(**{name: _table(name, rows[name]) for name in TABLES})


def _issue_rows(rows: dict[str, dict[str, list[Any]]], issues: Iterable[Issue]) -> None:
    for seq, issue in enumerate(issues):
        if not isinstance(issue, Issue):
            raise ValidationError.about(f"issues[{seq}]", "an Issue", type(issue).__name__)
        fields = _fields(issue, "id", "project", "category", "title", "difficulty")
        _add(rows["issues"], seq=seq, **fields)
        for i, e in enumerate(issue.events):
            _add(rows["issue_events"], issue=issue.id, seq=i, **attrs.asdict(e, recurse=False))


def _people_rows(rows: dict[str, dict[str, list[Any]]], portfolio: Portfolio) -> None:
    for seq, leader in enumerate(portfolio.leaders):
        _add(rows["leaders"], seq=seq, **_fields(leader, "name", "rank", "role"))
        _children(rows["leader_projects"], "project", leader=leader.name, items=leader.projects)
    for seq, s in enumerate(portfolio.secretaries):
        _add(rows["secretaries"], seq=seq, **_fields(s, "name", "unit", "default_cadence"))
        _children(rows["secretary_projects"], "project", secretary=s.name, items=s.projects)
        for project, cadence in s.cadences.items():
            _add(rows["secretary_cadences"], secretary=s.name, project=project, cadence=cadence)
        for i, c in enumerate(s.contacts):
            fields = _fields(c, "project", "on", "mode", "note")
            _add(rows["contacts"], secretary=s.name, seq=i, **fields)
    for seq, u in enumerate(portfolio.units):
        _add(rows["units"], seq=seq, **_fields(u, "name", "region", "kind"))
    for seq, tf in enumerate(portfolio.task_forces):
        _add(rows["task_forces"], seq=seq, name=tf.name, lead=tf.lead)
        _children(rows["task_force_members"], "member", task_force=tf.name, items=tf.members)
        _children(rows["task_force_projects"], "project", task_force=tf.name, items=tf.projects)


def _children(
    rows: dict[str, list[Any]], column: str, *, items: Iterable[Any], **owner: Any
) -> None:
    for i, item in enumerate(items):
        _add(rows, seq=i, **owner, **{column: item})


def _project_rows(rows: dict[str, dict[str, list[Any]]], seq: int, p: Project) -> None:
    key = p.key
    _add(
        rows["projects"],
        seq=seq,
        key=key,
        code=None if p.code is None else str(p.code),
        **_fields(p, "local_id", "name", "level", "category", "stage", "region", "unit"),
        **_fields(p, "owner", "total_investment", "task_force"),
    )
    for year, plan in p.annual_plans.items():
        _add(rows["annual_plans"], key=key, year=year, plan=plan)
    plan_of, done_of = p.monthly_plan, p.monthly_done
    for month in sorted({*plan_of, *done_of}):
        _add(
            rows["monthly"], key=key, month=month, plan=plan_of.get(month), done=done_of.get(month)
        )
    for i, m in enumerate(p.milestones):
        fields = _fields(m, "name", "planned", "start", "done", "percent", "unit")
        _add(rows["milestones"], key=key, seq=i, **fields)
    for i, a in enumerate(p.approvals):
        fields = attrs.asdict(a, recurse=False)
        _add(rows["approvals"], key=key, seq=i, **fields)
    for i, e in enumerate(p.stage_events):
        _add(rows["stage_events"], key=key, seq=i, **_fields(e, "kind", "on", "note"))
    for i, o in enumerate(p.site_activity):
        _add(rows["site_observations"], key=key, seq=i, **_fields(o, "day", "active", "source"))


# --------------------------------------------------------------------------- tables -> portfolio


def _plain(value: Any) -> Any:
    """A Decimal read from a scale-12 column without its trailing zeros; other values as they are.

    >>> _plain(Decimal("479.330000000000")), _plain(Decimal("1000.000000000000"))
    (Decimal('479.33'), Decimal('1000'))
    """
    if type(value) is not Decimal:
        return value
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def _records(table: Any) -> list[dict[str, Any]]:
    """The rows of ``table`` as dicts of Python values, enums as their members."""
    columns: dict[str, list[Any]] = {}
    kinds = {c: kind for c, kind, _ in _columns(table.schema.metadata[_FORMAT_KEY].decode())}
    for name in table.column_names:
        values = table.column(name).to_pylist()
        kind = kinds[name]
        if isinstance(kind, type) and issubclass(kind, enum.Enum):
            values = [None if v is None else kind(v) for v in values]
        elif kind == "money":
            values = [_plain(v) for v in values]
        columns[name] = values
    names = list(columns)
    return [dict(zip(names, row, strict=True)) for row in zip(*columns.values(), strict=True)]


def _by_owner(table: Any, owner: str) -> dict[str, list[dict[str, Any]]]:
    """The rows of a child table grouped by their owner column, each group in ``seq`` order."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in _records(table):
        groups.setdefault(row.pop(owner), []).append(row)
    for items in groups.values():
        if "seq" in items[0]:
            items.sort(key=_seq)
            for row in items:
                del row["seq"]
    return groups


def _seq(row: dict[str, Any]) -> int:
    return int(row["seq"])


def _ordered(table: Any) -> list[dict[str, Any]]:
    rows = sorted(_records(table), key=_seq)
    for row in rows:
        del row["seq"]
    return rows


def _pick(groups: dict[str, list[dict[str, Any]]], owner: str) -> list[dict[str, Any]]:
    return groups.pop(owner, [])


def to_portfolio(tables: LedgerTables) -> Portfolio:
    """The :class:`~projpush.model.Portfolio` the tables hold, every value checked by the model.

    Raises:
        ValidationError: a value the model refuses, a child row whose owner
            (a project, issue, leader, secretary or task force) is not in its
            table, or ``tables`` is not a LedgerTables.
        ProjpushError: any other error the model raises for the facts (a key
            given twice, a reference to no project). An error about a value
            has ``field`` ``table.column`` and names the row by its key.
    """
    if not isinstance(tables, LedgerTables):
        raise ValidationError.about("tables", "a LedgerTables", type(tables).__name__)
    from projpush.engine.checks import check_rows  # noqa: PLC0415 (it builds on this module)

    check_rows(tables)
    projects = _projects(tables)
    leaders = _owned(tables.leaders, tables.leader_projects, "leader", "projects", "project")
    groups = _by_owner(tables.secretary_projects, "secretary")
    cadences = _by_owner(tables.secretary_cadences, "secretary")
    contacts = _by_owner(tables.contacts, "secretary")
    secretaries = []
    for row in _ordered(tables.secretaries):
        name = row["name"]
        row["projects"] = tuple(r["project"] for r in _pick(groups, name))
        row["cadences"] = {r["project"]: r["cadence"] for r in _pick(cadences, name)}
        row["contacts"] = tuple(
            _made(Contact, r, "contacts", partial(_nth, tables.contacts, "secretary", name, i))
            for i, r in enumerate(_pick(contacts, name))
        )
        secretaries.append(_made(Secretary, row, "secretaries", partial(dict, name=name)))
    _no_orphans("secretaries", groups, cadences, contacts)
    events = _by_owner(tables.issue_events, "issue")
    issues = []
    for row in _ordered(tables.issues):
        issue = row["id"]
        row["events"] = tuple(
            _made(
                IssueEvent,
                e,
                "issue_events",
                partial(_nth, tables.issue_events, "issue", issue, i),
            )
            for i, e in enumerate(_pick(events, issue))
        )
        try:
            issues.append(Issue(**row))
        except ProjpushError as error:
            raise _in_record(error, tables, "issues", issue) from None
    _no_orphans("issues", events)
    units = tuple(
        _made(Unit, row, "units", partial(dict, name=row["name"])) for row in _ordered(tables.units)
    )
    members = _by_owner(tables.task_force_members, "task_force")
    served = _by_owner(tables.task_force_projects, "task_force")
    task_forces = []
    for row in _ordered(tables.task_forces):
        row["members"] = tuple(r["member"] for r in _pick(members, row["name"]))
        row["projects"] = tuple(r["project"] for r in _pick(served, row["name"]))
        task_forces.append(_made(TaskForce, row, "task_forces", partial(dict, name=row["name"])))
    _no_orphans("task_forces", members, served)
    lists = {
        "projects": projects,
        "leaders": leaders,
        "secretaries": tuple(secretaries),
        "issues": tuple(issues),
        "units": units,
        "task_forces": tuple(task_forces),
    }
    try:
        return Portfolio(**lists)
    except ProjpushError as error:
        raise _in_portfolio(error, tables, lists) from None


def _owned(table: Any, children: Any, owner: str, field: str, column: str) -> tuple[Leader, ...]:
    groups = _by_owner(children, owner)
    leaders = []
    for row in _ordered(table):
        row[field] = tuple(r[column] for r in _pick(groups, row["name"]))
        leaders.append(_made(Leader, row, "leaders", partial(dict, name=row["name"])))
    _no_orphans("leaders", groups)
    return tuple(leaders)


def _no_orphans(owners: str, *groups: dict[str, list[dict[str, Any]]]) -> None:
    for group in groups:
        if group:
            orphan = next(iter(group))
            raise ValidationError.about(owners, f"a row in {owners} for every owner", orphan)


def _made(
    build: Callable[..., Any],
    values: dict[str, Any],
    name: str,
    where: Callable[[], dict[str, Any]],
) -> Any:
    """``build(**values)``, a model error located at its cell of ``name``, row ``where()``."""
    try:
        return build(**values)
    except ProjpushError as error:
        raise _at(error, name, _column_of(error.field, name), where()) from None


def _at(error: ProjpushError, name: str, column: str, where: Mapping[str, Any]) -> Any:
    """``error`` as about ``name.column`` in the row whose keys are ``where``; class kept."""
    cell = f"{name}.{column}"
    keys = ", ".join(f"{c}={_cell_text(v)}" for c, v in where.items() if c != column)
    msg = f"{cell}: row {keys}: {_detail(error)}" if keys else f"{cell}: {_detail(error)}"
    return type(error)(msg, field=cell, expected=error.expected, got=error.got)


def _column_of(field: str | None, name: str) -> str:
    """The column of table ``name`` a model error's ``field`` is about (its key if none)."""
    lead = _lead(field)
    return lead if lead in {c for c, _, _ in _columns(name)} else ROW_KEYS[name][0]


def _nth(table: Any, owner: str, value: str, index: int) -> dict[str, Any]:
    """The keys of the ``index``-th row (in ``seq`` order) of ``table`` owned by ``value``."""
    seqs = sorted(r["seq"] for r in table.select([owner, "seq"]).to_pylist() if r[owner] == value)
    return {owner: value, "seq": seqs[index] if index < len(seqs) else index}


_ITEM: Final = re.compile(r"(\w+)\[(?:'([^']*)'|(\d+))\](?:\.(\w+))?")
# A list of a record held in a table of its own: (table, column of the owner, column).
_LIST_TABLES: Final = {
    ("projects", "milestones"): ("milestones", "key", "name"),
    ("projects", "approvals"): ("approvals", "key", "name"),
    ("projects", "stage_events"): ("stage_events", "key", "kind"),
    ("projects", "site_activity"): ("site_observations", "key", "day"),
    ("issues", "events"): ("issue_events", "issue", "kind"),
    ("leaders", "projects"): ("leader_projects", "leader", "project"),
    ("secretaries", "projects"): ("secretary_projects", "secretary", "project"),
    ("secretaries", "contacts"): ("contacts", "secretary", "project"),
    ("task_forces", "projects"): ("task_force_projects", "task_force", "project"),
    ("task_forces", "members"): ("task_force_members", "task_force", "member"),
}
_RECORD_KEYS: Final = {
    "projects": "key",
    "issues": "id",
    "leaders": "name",
    "secretaries": "name",
    "units": "name",
    "task_forces": "name",
}


def _in_record(
    error: ProjpushError, tables: LedgerTables, name: str, owner: str, field: str | None = None
) -> Any:
    """A project's or issue's error located at the row it is about, in its own table or a child's.

    ``annual_plans['2020']`` is a row of ``annual_plans``, ``monthly_done['2020-05']``
    one of ``monthly``, ``events[2].deadline`` the third of the issue's events.
    """
    field = error.field or "" if field is None else field
    item = _ITEM.match(field)
    own = _RECORD_KEYS[name]
    if item is not None and name == "projects" and item[1] == "annual_plans":
        return _at(error, "annual_plans", "plan", {"key": owner, "year": int(item[2] or item[3])})
    if item is not None and name == "projects" and item[1] in {"monthly_plan", "monthly_done"}:
        month = Month.parse(item[2] or item[3] or "", field).first_day
        column = item[1].removeprefix("monthly_")
        return _at(error, "monthly", column, {"key": owner, "month": month})
    if item is not None and (name, item[1]) in _LIST_TABLES and item[3] is not None:
        table, owner_column, first = _LIST_TABLES[name, item[1]]
        where = _nth(getattr(tables, table), owner_column, owner, int(item[3]))
        column = item[4] if item[4] in {c for c, _, _ in _columns(table)} else first
        return _at(error, table, column, where)
    return _at(error, name, _column_of(field, name), {own: owner})


def _in_portfolio(
    error: ProjpushError, tables: LedgerTables, lists: Mapping[str, tuple[Any, ...]]
) -> Any:
    """A portfolio's error (a key given twice, a reference to no project) at its row."""
    field = error.field or ""
    item = _RECORD.match(field)
    if item is None or item[1] not in lists or int(item[2]) >= len(lists[item[1]]):
        return error
    name = item[1]
    owner = str(getattr(lists[name][int(item[2])], _RECORD_KEYS[name]))
    return _in_record(error, tables, name, owner, field[item.end() :].lstrip("."))


_RECORD: Final = re.compile(r"(\w+)\[(\d+)\]")


def _unique_keys(table: Any, keys: list[str]) -> None:
    """Refuse a project key given twice, before its rows' children are sought."""
    seen: set[str] = set()
    for index, key in enumerate(keys):
        if key in seen:
            seq = sorted(table.column("seq").to_pylist())[index]
            msg = f"projects.key: row seq={seq}: duplicate key {key!r}"
            raise DuplicateKeyError(msg, field="projects.key", expected="a unique key", got=key)
        seen.add(key)


_PROJECT_CHILDREN: Final[dict[str, tuple[str, Callable[..., Any]]]] = {
    "milestones": ("milestones", Milestone),
    "approvals": ("approvals", ApprovalItem),
    "stage_events": ("stage_events", StageEvent),
    "site_observations": ("site_activity", SiteObservation),
}


def _projects(tables: LedgerTables) -> tuple[Project, ...]:
    children = {t: _by_owner(getattr(tables, t), "key") for t in _PROJECT_CHILDREN}
    plans = _by_owner(tables.annual_plans, "key")
    monthly = _by_owner(tables.monthly, "key")
    projects = []
    rows = _ordered(tables.projects)
    _unique_keys(tables.projects, [r["key"] for r in rows])
    for row in rows:
        key = row.pop("key")
        for table, (field, build) in _PROJECT_CHILDREN.items():
            row[field] = tuple(
                _made(build, r, table, partial(_nth, getattr(tables, table), "key", key, i))
                for i, r in enumerate(_pick(children[table], key))
            )
        row["annual_plans"] = {r["year"]: r["plan"] for r in _pick(plans, key)}
        months = _pick(monthly, key)
        row["monthly_plan"] = {
            Month.of(r["month"]): r["plan"] for r in months if r["plan"] is not None
        }
        row["monthly_done"] = {
            Month.of(r["month"]): r["done"] for r in months if r["done"] is not None
        }
        try:
            project = Project(**row)
        except ProjpushError as error:
            raise _in_record(error, tables, "projects", key) from None
        if project.key != key:
            raise ValidationError.about("projects.key", f"the project's key {project.key!r}", key)
        projects.append(project)
    _no_orphans("projects", plans, monthly, *children.values())
    return tuple(projects)


# --------------------------------------------------------------------------- Parquet


def is_parquet_ledger(path: str | os.PathLike[str]) -> bool:
    """True if ``path`` is a Parquet ledger folder: ``projects.parquet`` or ``projects/``.

    >>> is_parquet_ledger("no/such/folder")
    False
    """
    return _is_parquet(Path(path))


def write_parquet(tables: LedgerTables, folder: str | os.PathLike[str]) -> None:
    """Write ``tables`` to a Parquet folder: :func:`projpush.io.parquet.write_parquet`."""
    from projpush.io.parquet import write_parquet as write  # noqa: PLC0415 (an edge of the engine)

    write(tables, folder)


def read_parquet(folder: str | os.PathLike[str]) -> LedgerTables:
    """Read a Parquet ledger folder: :func:`projpush.io.parquet.read_parquet`."""
    from projpush.io.parquet import read_parquet as read  # noqa: PLC0415 (an edge of the engine)

    return read(folder)
