"""Hypothesis strategies that break ledgers held as tables: Parquet, SQLite, workbooks, frames.

As in ``tests/strategies_fuzz.py`` (the JSON and CSV damage, reused here), a
case starts from a *valid* ledger written by projpush in its format and is
damaged the way tools and people damage tables: a cell of the wrong type, a
null, a date no calendar holds, a huge number, an enum code no member has,
a column dropped, renamed, added or retyped, a row repeated (two rows, one
key), a table emptied, dropped or replaced by another, a file truncated or
another file in its place.

The edits are values drawn first and applied later, so a failing case prints
as a readable list of edits; an edit that does not apply to the drawn ledger
(no rows to pick) leaves it as it is.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

import attrs
import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import strategies as st

from strategies_fuzz import ByteEdit, apply_byte_edit, byte_edits, near_misses

if TYPE_CHECKING:
    import sqlite3
    from pathlib import Path

# --------------------------------------------------------------------------- junk cell values

_EDGE_VALUES: Final = (
    2**15,
    -(2**15) - 1,
    2**31,
    2**63 - 1,
    -(2**63),
    2**64,
    10**30,
    Decimal("1E+25"),
    Decimal("99999999999999999999999999.999999999999"),
    Decimal(-1),
    Decimal("1E-13"),
    Decimal("NaN"),
    Decimal("Infinity"),
    dt.date(1, 1, 1),
    dt.date(1899, 12, 30),
    dt.date(9999, 12, 31),
    dt.datetime(2020, 6, 30, 12, 30),  # noqa: DTZ001 (naive, as a spreadsheet cell's time)
    float("nan"),
    float("inf"),
    1e308,
    0.1,
    b"\xff\xfe",
    b"",
)

cell_values: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.sampled_from(_EDGE_VALUES),
    st.dates(),
    near_misses,
    st.text(max_size=6),
    st.binary(max_size=4),
)
"""A value put in a cell: of the column's type or not, at the edges of every type."""

#: What a column is cast to: names of :func:`_retyped`'s cases.
RETYPES: Final = (
    "string",
    "large_string",
    "binary",
    "int8",
    "int64",
    "uint64",
    "float64",
    "bool",
    "timestamp",
    "date64",
    "decimal(10, 2)",
    "decimal256",
    "dictionary",
    "dictionary(int32)",
    "null",
    "list",
    "struct",
    "far dates",
)

# --------------------------------------------------------------------------- Arrow tables

Tables = dict[str, Any]
"""A ledger as data: table name -> ``pyarrow.Table`` (a missing name: no such table)."""


@attrs.frozen
class TableEdit:
    """One change to a ledger's tables: ``op`` on table ``table``, row and column by index.

    ``value`` is the junk put in a cell, ``kind`` a name of :data:`RETYPES`,
    ``name`` a column name (an added or renamed column).
    """

    op: str
    table: int
    row: int = 0
    col: int = 0
    value: Any = None
    kind: str = "string"
    name: str = ""


TABLE_OPS: Final = (
    "cell",
    "cell",
    "cell",
    "null",
    "retype",
    "retype",
    "drop_column",
    "extra_column",
    "rename_column",
    "duplicate_row",
    "delete_row",
    "copy_cell",
    "swap_cells",
    "empty_table",
    "drop_table",
    "swap_table",
)

table_edits: st.SearchStrategy[TableEdit] = st.builds(
    TableEdit,
    op=st.sampled_from(TABLE_OPS),
    table=st.integers(min_value=0, max_value=10**4),
    row=st.integers(min_value=0, max_value=10**4),
    col=st.integers(min_value=0, max_value=10**4),
    value=cell_values,
    kind=st.sampled_from(RETYPES),
    name=st.sampled_from(["seq", "key", "name", "id", "issue", "extra", "年份", ""]) | near_misses,
)


def _column_values(column: Any) -> list[Any] | None:
    """The Python values of a column, or None when Python cannot hold one (a far date)."""
    try:
        values: list[Any] = column.to_pylist()
    except (ValueError, OverflowError, pa.ArrowException):
        return None
    return values


def _array(values: list[Any], kind: Any) -> Any:
    """``values`` as ``kind`` if they fit it, else as the type Arrow infers, else as text."""
    if pa.types.is_dictionary(kind):
        try:
            return pa.array(values, kind.value_type).dictionary_encode()
        except (pa.ArrowException, TypeError, ValueError, OverflowError):
            pass
    else:
        try:
            return pa.array(values, kind)
        except (pa.ArrowException, TypeError, ValueError, OverflowError):
            pass
    try:
        return pa.array(values)
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        return pa.array([None if v is None else repr(v) for v in values], pa.string())


def _retyped(column: Any, kind: str) -> Any:  # noqa: PLR0911 (a case a type)
    """``column`` cast to ``kind`` (one of :data:`RETYPES`), or as close as Arrow gets."""
    data = column.combine_chunks()
    if pa.types.is_dictionary(data.type):
        data = data.cast(data.type.value_type)
    n = len(data)
    if kind == "null":
        return pa.nulls(n)
    if kind == "far dates":
        days = [10**8 if i % 2 else -(10**8) for i in range(n)]
        return pa.array(days, pa.int32()).cast(pa.date32())
    if kind == "list":
        return pa.array([[v] for v in _column_values(data) or [None] * n])
    if kind == "struct":
        return pa.array([{"v": v} for v in _column_values(data) or [None] * n])
    if kind == "dictionary":
        return data.cast(pa.string()).dictionary_encode() if _casts(data, pa.string()) else data
    if kind == "dictionary(int32)":
        return pa.array(list(range(n)), pa.int32()).dictionary_encode()
    targets = {
        "string": pa.string(),
        "large_string": pa.large_string(),
        "binary": pa.binary(),
        "int8": pa.int8(),
        "int64": pa.int64(),
        "uint64": pa.uint64(),
        "float64": pa.float64(),
        "bool": pa.bool_(),
        "timestamp": pa.timestamp("ms"),
        "date64": pa.date64(),
        "decimal(10, 2)": pa.decimal128(10, 2),
        "decimal256": pa.decimal256(60, 20),
    }
    target = targets[kind]
    for source in (data, data.cast(pa.string()) if _casts(data, pa.string()) else data):
        try:
            return pc.cast(source, target, safe=False)
        except (pa.ArrowException, ValueError):
            continue
    return pa.nulls(n, target)


def _casts(data: Any, target: Any) -> bool:
    try:
        data.cast(target)
    except (pa.ArrowException, ValueError):
        return False
    return True


def _set_column(table: Any, index: int, array: Any) -> Any:
    return table.set_column(index, table.column_names[index], array)


def apply_table_edit(tables: Tables, edit: TableEdit) -> Tables:  # noqa: C901, PLR0911, PLR0912
    """``tables`` with ``edit`` applied (a changed copy; Arrow tables are never changed)."""
    out = dict(tables)
    names = sorted(out)
    if not names:
        return out
    name = names[edit.table % len(names)]
    table = out[name]
    if edit.op == "drop_table":
        del out[name]
        return out
    if edit.op == "swap_table":
        out[name] = out[names[(edit.table + 1 + edit.row) % len(names)]]
        return out
    if edit.op == "empty_table":
        out[name] = table.slice(0, 0)
        return out
    column_name = edit.name.encode("utf-8", "replace").decode()  # Arrow names are UTF-8
    if edit.op == "extra_column":
        source = table.column(edit.col % table.num_columns) if table.num_columns else None
        extra = source if source is not None else pa.nulls(table.num_rows)
        out[name] = table.append_column(column_name or "extra", extra)
        return out
    if not table.num_columns:
        return out
    c = edit.col % table.num_columns
    if edit.op == "drop_column":
        out[name] = table.remove_column(c)
    elif edit.op == "rename_column":
        out[name] = table.rename_columns(
            [column_name if i == c else n for i, n in enumerate(table.column_names)]
        )
    elif edit.op == "retype":
        out[name] = _set_column(table, c, _retyped(table.column(c), edit.kind))
    elif not table.num_rows:
        return out
    elif edit.op == "duplicate_row":
        r = edit.row % table.num_rows
        out[name] = pa.concat_tables([table, table.slice(r, 1)])
    elif edit.op == "delete_row":
        r = edit.row % table.num_rows
        out[name] = pa.concat_tables([table.slice(0, r), table.slice(r + 1)])
    else:
        values = _column_values(table.column(c))
        if values is None:
            return out
        r, other = edit.row % len(values), (edit.row + 1 + edit.col) % len(values)
        if edit.op == "cell":
            values[r] = edit.value
        elif edit.op == "null":
            values[r] = None
        elif edit.op == "copy_cell":
            values[other] = values[r]
        elif edit.op == "swap_cells":
            values[r], values[other] = values[other], values[r]
        out[name] = _set_column(table, c, _array(values, table.column(c).type))
    return out


table_cases: st.SearchStrategy[tuple[TableEdit, ...]] = st.lists(
    table_edits, min_size=1, max_size=3
).map(tuple)
"""One to three table edits."""

# --------------------------------------------------------------------------- Parquet files


@attrs.frozen
class FileEdit:
    """One change to a Parquet ledger folder's files, after its tables were written.

    ``op`` is one of :data:`FILE_OPS`; ``file`` picks the file; ``bytes_edit``
    damages its bytes; ``text`` is a partition key or an extra file's name.
    """

    op: str
    file: int
    bytes_edit: ByteEdit | None = None
    text: str = "region"


FILE_OPS: Final = (
    "bytes",
    "bytes",
    "delete",
    "other_table",
    "json_in_place",
    "empty_folder",
    "dataset",
    "partition",
    "extra_file",
)

file_edits: st.SearchStrategy[FileEdit] = st.builds(
    FileEdit,
    op=st.sampled_from(FILE_OPS),
    file=st.integers(min_value=0, max_value=10**4),
    bytes_edit=byte_edits,
    text=st.sampled_from(["region", "seq", "key", "name", "year", "kind"]),
)


@attrs.frozen
class ParquetCase:
    """A damaged Parquet ledger: table edits before writing, file edits after."""

    tables: tuple[TableEdit, ...]
    files: tuple[FileEdit, ...]


parquet_cases: st.SearchStrategy[ParquetCase] = st.builds(
    ParquetCase,
    tables=st.lists(table_edits, max_size=3).map(tuple),
    files=st.lists(file_edits, max_size=2).map(tuple),
).filter(lambda case: case.tables or case.files)


def apply_file_edit(folder: Path, edit: FileEdit) -> None:  # noqa: C901 (one branch an op)
    """Damage the Parquet ledger in ``folder`` as ``edit`` says."""
    pq = __import__("pyarrow.parquet").parquet
    files = sorted(p for p in folder.iterdir() if p.suffix == ".parquet" and p.is_file())
    if not files:
        return
    target = files[edit.file % len(files)]
    if edit.op == "bytes" and edit.bytes_edit is not None:
        target.write_bytes(apply_byte_edit(target.read_bytes(), edit.bytes_edit))
    elif edit.op == "delete":
        target.unlink()
    elif edit.op == "other_table":
        target.write_bytes(files[(edit.file + 1) % len(files)].read_bytes())
    elif edit.op == "json_in_place":
        target.write_bytes(b'{"format": "projpush-ledger", "version": 1, "projects": []}')
    elif edit.op == "empty_folder":
        target.unlink()
        (folder / target.stem).mkdir()
    elif edit.op in {"dataset", "partition"}:
        try:
            table = pq.read_table(target)
        except (pa.ArrowException, OSError):  # damaged already (two columns of one name)
            return
        dataset = folder / target.stem
        target.unlink()
        if edit.op == "dataset":  # the table in two files, the second with its columns reversed
            dataset.mkdir()
            half = table.num_rows // 2
            pq.write_table(table.slice(0, half), dataset / "part-0.parquet")
            rest = table.slice(half)
            pq.write_table(rest.select(list(reversed(rest.column_names))), dataset / "b.parquet")
        else:  # a hive partition whose key may be one of the table's columns
            part = dataset / f"{edit.text}=x%20y"
            part.mkdir(parents=True)
            pq.write_table(table, part / "part-0.parquet")
    elif edit.op == "extra_file":
        (folder / f"{edit.text}.parquet").write_bytes(target.read_bytes())


# --------------------------------------------------------------------------- SQLite databases


@attrs.frozen
class SqlEdit:
    """One change to a SQLite ledger: ``op`` on table ``table``, row and column by index."""

    op: str
    table: int
    row: int = 0
    col: int = 0
    value: Any = None
    kind: str = "TEXT"
    name: str = ""


SQL_OPS: Final = (
    "cell",
    "cell",
    "cell",
    "null",
    "cast",
    "drop_column",
    "add_column",
    "rename_column",
    "duplicate_row",
    "delete_row",
    "copy_cell",
    "drop_table",
    "rename_table",
    "view",
)

sql_edits: st.SearchStrategy[SqlEdit] = st.builds(
    SqlEdit,
    op=st.sampled_from(SQL_OPS),
    table=st.integers(min_value=0, max_value=10**4),
    row=st.integers(min_value=0, max_value=10**4),
    col=st.integers(min_value=0, max_value=10**4),
    value=cell_values,
    kind=st.sampled_from(["TEXT", "INTEGER", "REAL", "BLOB", "NUMERIC"]),
    name=st.sampled_from(["seq", "key", "name", "extra", "年份"]) | near_misses,
)


def sqlite_value(value: Any) -> Any:
    """``value`` as SQLite can store it (an int beyond 64 bits as its text, a date as ISO)."""
    if isinstance(value, int) and not isinstance(value, bool) and not -(2**63) <= value < 2**63:
        return str(value)
    if isinstance(value, dt.date | Decimal):
        return str(value)
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return value


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _loosen(db: sqlite3.Connection, table: str) -> list[str]:
    """Rebuild ``table`` without its keys and checks, so any edit goes in; its column names."""
    columns = [(r[1], r[2]) for r in db.execute(f"PRAGMA table_info({_quote(table)})")]
    spec = ", ".join(f"{_quote(c)} {t}" for c, t in columns)
    db.execute(f"CREATE TABLE _loose ({spec})")
    db.execute(f"INSERT INTO _loose SELECT * FROM {_quote(table)}")  # noqa: S608 (quoted)
    db.execute(f"DROP TABLE {_quote(table)}")
    db.execute(f"ALTER TABLE _loose RENAME TO {_quote(table)}")
    return [c for c, _ in columns]


def apply_sql_edit(db: sqlite3.Connection, edit: SqlEdit) -> None:  # noqa: C901, PLR0912
    """Apply ``edit`` to the open SQLite ledger ``db`` (foreign keys off)."""
    names = sorted(
        r[0]
        for r in db.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
        if not r[0].startswith("sqlite_")
    )
    if not names:
        return
    name = names[edit.table % len(names)]
    if db.execute("SELECT type FROM sqlite_master WHERE name = ?", (name,)).fetchone()[0] == "view":
        return
    if edit.op == "drop_table":
        db.execute(f"DROP TABLE {_quote(name)}")
        return
    if edit.op == "rename_table":
        db.execute(f"ALTER TABLE {_quote(name)} RENAME TO {_quote(name + '_old')}")
        return
    columns = _loosen(db, name)
    q, c = _quote(name), _quote(columns[edit.col % len(columns)])
    rowids = [r[0] for r in db.execute(f"SELECT rowid FROM {q} ORDER BY rowid")]  # noqa: S608
    if edit.op == "view":  # a view of the same name, its columns one fewer
        db.execute(f"ALTER TABLE {q} RENAME TO _viewed")
        kept = ", ".join(map(_quote, columns[1:])) or "1 AS x"
        db.execute(f"CREATE VIEW {q} AS SELECT {kept} FROM _viewed")  # noqa: S608
    elif edit.op == "cast":
        db.execute(f"UPDATE {q} SET {c} = CAST({c} AS {edit.kind})")  # noqa: S608
    elif edit.op == "drop_column":
        db.execute(f"ALTER TABLE {q} DROP COLUMN {c}")
    elif edit.op == "add_column":
        if (edit.name or "extra") not in columns:
            db.execute(f"ALTER TABLE {q} ADD COLUMN {_quote(edit.name or 'extra')} {edit.kind}")
            added = _quote(edit.name or "extra")
            db.execute(f"UPDATE {q} SET {added} = ?", (sqlite_value(edit.value),))  # noqa: S608
    elif edit.op == "rename_column":
        if edit.name and edit.name not in columns:
            db.execute(f"ALTER TABLE {q} RENAME COLUMN {c} TO {_quote(edit.name)}")
    elif not rowids:
        return
    else:
        rowid = rowids[edit.row % len(rowids)]
        other = rowids[(edit.row + 1 + edit.col) % len(rowids)]
        if edit.op == "cell":
            db.execute(f"UPDATE {q} SET {c} = ? WHERE rowid = ?", (sqlite_value(edit.value), rowid))  # noqa: S608
        elif edit.op == "null":
            db.execute(f"UPDATE {q} SET {c} = NULL WHERE rowid = ?", (rowid,))  # noqa: S608
        elif edit.op == "duplicate_row":
            db.execute(f"INSERT INTO {q} SELECT * FROM {q} WHERE rowid = ?", (rowid,))  # noqa: S608
        elif edit.op == "delete_row":
            db.execute(f"DELETE FROM {q} WHERE rowid = ?", (rowid,))  # noqa: S608
        elif edit.op == "copy_cell":
            db.execute(
                f"UPDATE {q} SET {c} = (SELECT {c} FROM {q} WHERE rowid = ?) WHERE rowid = ?",  # noqa: S608
                (rowid, other),
            )


@attrs.frozen
class SqlCase:
    """A damaged SQLite ledger: edits to its tables, then perhaps to the file's bytes."""

    edits: tuple[SqlEdit, ...]
    bytes_edit: ByteEdit | None


sql_cases: st.SearchStrategy[SqlCase] = st.builds(
    SqlCase,
    edits=st.lists(sql_edits, min_size=1, max_size=3).map(tuple),
    bytes_edit=st.none() | st.none() | st.none() | byte_edits,
)


# --------------------------------------------------------------------------- workbooks


@attrs.frozen
class XlsxEdit:
    """One change to a ledger workbook: a cell, row, column or sheet, or a part of the package.

    ``sheet``, ``row`` and ``col`` pick by index; ``value`` is a cell's new
    content (a ``str`` starting with ``=`` is a formula); ``bytes_edit``
    damages a part of the package (``part``).
    """

    op: str
    sheet: int
    row: int = 0
    col: int = 0
    value: Any = None
    bytes_edit: ByteEdit | None = None


XLSX_OPS: Final = (
    "cell",
    "cell",
    "cell",
    "header",
    "delete_row",
    "insert_row",
    "delete_col",
    "rename_sheet",
    "delete_sheet",
    "copy_sheet",
    "part",
    "drop_part",
)

_SHEET_CELLS: Final = (
    "=1/0",
    "=NA()",
    "=A1",
    '=HYPERLINK("x")',
    "#N/A",
    "项目",
    "问题清单",
    "sheet1",
    "序号",
)

xlsx_values: st.SearchStrategy[Any] = st.one_of(
    cell_values.filter(lambda v: not isinstance(v, bytes | Decimal)),
    st.sampled_from(_SHEET_CELLS),
    st.floats(allow_nan=False, allow_infinity=False),
    st.datetimes(
        min_value=dt.datetime(1900, 1, 1),  # noqa: DTZ001 (a cell's time is naive)
        max_value=dt.datetime(9999, 12, 31),  # noqa: DTZ001
    ),
)

xlsx_edits: st.SearchStrategy[XlsxEdit] = st.builds(
    XlsxEdit,
    op=st.sampled_from(XLSX_OPS),
    sheet=st.integers(min_value=0, max_value=10**4),
    row=st.integers(min_value=0, max_value=10**4),
    col=st.integers(min_value=0, max_value=10**4),
    value=xlsx_values,
    bytes_edit=byte_edits,
)


@attrs.frozen
class XlsxCase:
    """A damaged workbook: edits through openpyxl, then package edits, then byte edits."""

    edits: tuple[XlsxEdit, ...]
    bytes_edit: ByteEdit | None


xlsx_cases: st.SearchStrategy[XlsxCase] = st.builds(
    XlsxCase,
    edits=st.lists(xlsx_edits, min_size=1, max_size=3).map(tuple),
    bytes_edit=st.none() | st.none() | st.none() | byte_edits,
)


def _cell_value(value: Any) -> Any:
    """``value`` as openpyxl writes it (text without the characters XML cannot hold)."""
    if isinstance(value, str):
        return "".join(c for c in value if c in "\t\n\r" or ord(c) >= 0x20)
    if isinstance(value, float) and value != value:  # noqa: PLR0124 (NaN)
        return "nan"
    return value


def _apply_sheet_edit(book: Any, edit: XlsxEdit) -> None:  # noqa: C901 (one branch an op)
    sheets = book.worksheets
    if not sheets:
        return
    ws = sheets[edit.sheet % len(sheets)]
    rows, cols = max(ws.max_row, 1), max(ws.max_column, 1)
    r, c = 1 + edit.row % rows, 1 + edit.col % cols
    if edit.op == "cell":
        ws.cell(row=r, column=c, value=_cell_value(edit.value))
    elif edit.op == "header":
        ws.cell(row=1, column=c, value=_cell_value(edit.value))
    elif edit.op == "delete_row":
        ws.delete_rows(r)
    elif edit.op == "insert_row":
        values = [cell.value for cell in ws[r]]
        ws.insert_rows(r)
        for i, v in enumerate(values, start=1):
            ws.cell(row=r, column=i, value=v)
    elif edit.op == "delete_col":
        ws.delete_cols(c)
    elif edit.op == "rename_sheet":
        title = str(_cell_value(edit.value))[:31].translate(str.maketrans("", "", "[]:*?/\\"))
        if title and title not in book.sheetnames:
            ws.title = title
    elif edit.op == "delete_sheet" and len(sheets) > 1:
        book.remove(ws)
    elif edit.op == "copy_sheet":
        book.copy_worksheet(ws)


def _apply_part_edit(data: bytes, edit: XlsxEdit) -> bytes:
    """The package ``data`` with one part damaged (``part``) or left out (``drop_part``)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    parts = source.namelist()
    pick = parts[edit.sheet % len(parts)]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for part in parts:
            content = source.read(part)
            if part == pick and edit.op == "drop_part":
                continue
            if part == pick and edit.bytes_edit is not None:
                content = apply_byte_edit(content, edit.bytes_edit)
            target.writestr(part, content)
    return out.getvalue()


def damaged_workbook(path: Path, case: XlsxCase) -> None:
    """Damage the workbook at ``path`` (written by projpush) as ``case`` says, in place."""
    openpyxl = __import__("openpyxl")
    sheet_edits = [e for e in case.edits if e.op not in {"part", "drop_part"}]
    if sheet_edits:
        book = openpyxl.load_workbook(path)
        for edit in sheet_edits:
            _apply_sheet_edit(book, edit)
        book.save(path)
    data = path.read_bytes()
    for edit in case.edits:
        if edit.op in {"part", "drop_part"}:
            data = _apply_part_edit(data, edit)
    if case.bytes_edit is not None:
        data = apply_byte_edit(data, case.bytes_edit)
    path.write_bytes(data)


# --------------------------------------------------------------------------- DataFrames


@attrs.frozen
class FrameEdit:
    """One change a notebook makes to a ledger frame: pandas or polars, by table and column."""

    op: str
    table: int
    row: int = 0
    col: int = 0
    value: Any = None


FRAME_OPS: Final = (
    "object_cell",
    "object_cell",
    "duplicate_name",
    "number_name",
    "float_column",
    "index",
    "categories",
    "not_a_frame",
)

frame_edits: st.SearchStrategy[FrameEdit] = st.builds(
    FrameEdit,
    op=st.sampled_from(FRAME_OPS),
    table=st.integers(min_value=0, max_value=10**4),
    row=st.integers(min_value=0, max_value=10**4),
    col=st.integers(min_value=0, max_value=10**4),
    value=cell_values,
)


@attrs.frozen
class FrameCase:
    """Damaged frames: table edits on the Arrow tables, the library, then frame edits."""

    tables: tuple[TableEdit, ...]
    library: str
    frames: tuple[FrameEdit, ...]


frame_cases: st.SearchStrategy[FrameCase] = st.builds(
    FrameCase,
    tables=st.lists(table_edits, max_size=2).map(tuple),
    library=st.sampled_from(["pandas", "polars", "arrow"]),
    frames=st.lists(frame_edits, max_size=2).map(tuple),
).filter(lambda case: case.tables or case.frames)


# polars' panic on a table it cannot hold: a BaseException, not an Exception.
_PANIC: Final = __import__("polars.exceptions").exceptions.PanicException


def as_frames(tables: Tables, library: str) -> dict[str, Any]:
    """Each table as a frame of ``library``; a table the library cannot take stays Arrow."""
    if library == "arrow":
        return dict(tables)
    out = {}
    for name, table in tables.items():
        try:
            if library == "pandas":
                out[name] = table.to_pandas(types_mapper=__import__("pandas").ArrowDtype)
            else:
                out[name] = __import__("polars").from_arrow(table)
        except Exception:  # noqa: BLE001 (the library's own refusal of a damaged table)
            out[name] = table
        except _PANIC:  # polars panics on a type it has no column for (a decimal256)
            out[name] = table
    return out


def apply_frame_edit(  # noqa: C901, PLR0911, PLR0912 (one branch an op)
    frames: dict[str, Any], edit: FrameEdit
) -> dict[str, Any]:
    """``frames`` with ``edit`` applied to one (pandas edits turn a polars frame to pandas)."""
    out = dict(frames)
    names = sorted(out)
    if not names:
        return out
    name = names[edit.table % len(names)]
    if edit.op == "not_a_frame":
        out[name] = edit.value
        return out
    frame = out[name]
    if not hasattr(frame, "to_pandas") and not hasattr(frame, "columns"):
        return out
    if not isinstance(frame, __import__("pandas").DataFrame):
        try:
            frame = frame.to_pandas()
        except Exception:  # noqa: BLE001 (a damaged table pandas cannot take)
            return out
    frame = frame.copy()
    if not len(frame.columns):
        return out
    c = edit.col % len(frame.columns)
    column = frame.columns[c]
    if edit.op == "object_cell" and len(frame):
        frame[column] = frame[column].astype(object)
        frame.iloc[edit.row % len(frame), c] = edit.value
    elif edit.op == "duplicate_name":
        frame.columns = [
            frame.columns[(c + 1) % len(frame.columns)] if i == c else n
            for i, n in enumerate(frame.columns)
        ]
    elif edit.op == "number_name":
        frame.columns = [edit.row if i == c else n for i, n in enumerate(frame.columns)]
    elif edit.op == "float_column":
        try:
            frame[column] = frame[column].astype("float64")
        except (TypeError, ValueError, ArithmeticError):
            return out
    elif edit.op == "index":
        frame.index = [f"r{i}" for i in range(len(frame))]
    elif edit.op == "categories":
        frame[column] = frame[column].astype(str).astype("category")
    out[name] = frame
    return out
