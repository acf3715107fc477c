"""Fuzzing the table readers: damaged Parquet, SQLite, workbook and DataFrame ledgers.

Each case starts from a valid ledger written by projpush in the reader's own
format and damages it (``tests/strategies_readers_fuzz.py``). Reading either
gives a portfolio, which the format writes back and reads again unchanged,
or raises a :class:`~projpush.errors.ProjpushError` naming its field; any
other exception is an escape. The JSON and CSV readers have theirs in
``tests/test_fuzz_loaders.py``; the round trips of valid generated ledgers
are each format's own property tests (``tests/test_io_xlsx.py``,
``tests/test_io_sql.py``, ``tests/test_io_dataframes.py``,
``tests/test_formats_matrix.py``), with the Parquet folder's and the mapped
tables' here.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("pyarrow")
pytest.importorskip("polars")
pytest.importorskip("pandas")
pytest.importorskip("adbc_driver_sqlite")
pytest.importorskip("openpyxl")
pytest.importorskip("python_calamine")

import pyarrow as pa
import pyarrow.parquet as pq

from projpush.csvledger import _tables
from projpush.engine import (
    LedgerTables,
    build_report_tables,
    from_portfolio,
    read_parquet,
    to_portfolio,
    write_parquet,
)
from projpush.errors import ProjpushError
from projpush.io import dump_portfolio
from projpush.io.dataframes import from_frames, to_pandas, to_polars
from projpush.io.sql import ColumnMap, read_mapped, read_sql, write_sql
from projpush.io.xlsx import dump_xlsx_ledger, load_xlsx_ledger, read_xlsx_ledger
from projpush.ledger import load_ledger
from strategies import portfolios
from strategies_fuzz import apply_csv_edit, csv_edits, outcome
from strategies_readers_fuzz import (
    FrameCase,
    ParquetCase,
    SqlCase,
    SqlEdit,
    XlsxCase,
    apply_file_edit,
    apply_frame_edit,
    apply_sql_edit,
    apply_table_edit,
    as_frames,
    cell_values,
    damaged_workbook,
    frame_cases,
    parquet_cases,
    sql_cases,
    sql_edits,
    sqlite_value,
    xlsx_cases,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from projpush.model import Portfolio

AS_OF = dt.date(2020, 6, 30)

small_portfolios = portfolios(max_projects=3)
# Each example writes and reads a ledger (a workbook: about 0.1 s): half the profile's examples
# (25 by default) keep each fuzzer near 5 s.
fuzz_settings = settings(
    max_examples=settings.default.max_examples // 2,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# A workbook or a database and the engine's report per example: a quarter (12 by default).
slow_fuzz_settings = settings(fuzz_settings, max_examples=settings.default.max_examples // 4)


@contextmanager
def folder() -> Iterator[Path]:
    """A fresh temporary folder per example (Hypothesis reruns a test body many times)."""
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


def assert_named(error: Exception | None) -> None:
    """A refusal names its field, and its message prints on any UTF-8 terminal."""
    if error is not None:
        assert isinstance(error, ProjpushError)
        assert error.field, error
        assert f"{error.field}: {error}".encode()


def read(load: Callable[[], Any]) -> Any:
    """What ``load`` gives, or None once it raised a ProjpushError (asserted to name its field)."""
    value, error = outcome(load)
    assert_named(error)
    return value


# --------------------------------------------------------------------------- Parquet


def parquet_folder(p: Portfolio, case: ParquetCase, where: Path) -> Path:
    """``p`` written as a Parquet ledger, then damaged as ``case`` says."""
    target = where / "ledger"
    tables = dict(from_portfolio(p))
    write_parquet(from_portfolio(p), target)
    damaged = tables
    for edit in case.tables:
        damaged = apply_table_edit(damaged, edit)
    for name, table in tables.items():
        if name not in damaged:
            (target / f"{name}.parquet").unlink()
        elif damaged[name] is not table:
            pq.write_table(damaged[name], target / f"{name}.parquet")
    for edit in case.files:
        apply_file_edit(target, edit)
    return target


class TestParquetFuzz:
    """Damaged Parquet ledgers: read as tables, as objects and by the engine, or refused."""

    @fuzz_settings
    @given(small_portfolios, parquet_cases)
    def test_damaged_folder(self, p: Portfolio, case: ParquetCase) -> None:
        """Cells, types, columns, rows, tables and files damaged: a portfolio or a ProjpushError."""
        with folder() as where:
            target = parquet_folder(p, case, where)
            tables = read(lambda: read_parquet(target))
            loaded = read(lambda: to_portfolio(tables)) if tables is not None else None
            checked = read(lambda: load_ledger(target))
            assert loaded == checked
            if tables is not None:
                # The table engine (``report --trusted``) answers too, without an escape.
                read(lambda: build_report_tables(tables, AS_OF))
            if checked is not None:
                assert_parquet_round_trip(checked, where)


def assert_parquet_round_trip(p: Portfolio, where: Path) -> None:
    """``p`` through a Parquet folder comes back equal, and its tables rewrite unchanged."""
    again = where / "again"
    tables = from_portfolio(p)
    write_parquet(tables, again)
    back = read_parquet(again)
    assert p == to_portfolio(back)
    assert p == load_ledger(again)
    for name, table in tables:
        assert table.equals(getattr(back, name)), name


class TestParquetRoundTrip:
    """A valid ledger written as a Parquet folder reads back equal (the file route)."""

    @slow_fuzz_settings
    @given(portfolios())
    def test_generated_ledgers(self, p: Portfolio) -> None:
        """read_parquet(write_parquet(p)) is p, table for table, and load_ledger agrees."""
        with folder() as where:
            assert_parquet_round_trip(p, where)


# --------------------------------------------------------------------------- SQLite


def sqlite_ledger(p: Portfolio, case: SqlCase, where: Path) -> Path:
    """``p`` written as a SQLite ledger by write_sql, then damaged as ``case`` says."""
    path = where / "ledger.sqlite"
    write_sql(p, path)
    db = sqlite3.connect(path)
    try:
        db.execute("PRAGMA foreign_keys = OFF")
        for edit in case.edits:
            try:
                apply_sql_edit(db, edit)
            except sqlite3.Error:  # an edit SQLite refuses (the last column dropped): none
                db.rollback()
        db.commit()
    finally:
        db.close()
    if case.bytes_edit is not None:
        from strategies_fuzz import apply_byte_edit  # noqa: PLC0415

        path.write_bytes(apply_byte_edit(path.read_bytes(), case.bytes_edit))
    return path


class TestSqlFuzz:
    """Damaged SQLite ledgers: read_sql and load_ledger give tables and a portfolio, or refuse."""

    @slow_fuzz_settings
    @given(small_portfolios, sql_cases)
    def test_damaged_database(self, p: Portfolio, case: SqlCase) -> None:
        """Cells of any storage class, columns, rows, tables, views and bytes damaged."""
        with folder() as where:
            path = sqlite_ledger(p, case, where)
            tables = read(lambda: read_sql(path))
            loaded = read(lambda: to_portfolio(tables)) if tables is not None else None
            checked = read(lambda: load_ledger(path))
            assert loaded == checked
            if tables is not None:
                read(lambda: build_report_tables(tables, AS_OF))
            if checked is not None:
                again = where / "again.sqlite"
                write_sql(checked, again)
                assert checked == load_ledger(again)

    @given(st.binary(max_size=64) | st.sampled_from([b"", b"SQLite format 3\x00"]))
    def test_wrong_file_in_place(self, data: bytes) -> None:
        """Any bytes named ``ledger.sqlite`` are read or refused, never an escape."""
        with folder() as where:
            path = where / "ledger.sqlite"
            path.write_bytes(data)
            read(lambda: read_sql(path))
            read(lambda: load_ledger(path))


# The CSV ledger's files as the user's own tables: a mapping names each one.
def their_tables(p: Portfolio, where: Path, edits: tuple[Any, ...]) -> tuple[Path, dict[str, Any]]:
    """``p``'s CSV files as tables ``t_<file>`` of a SQLite database, damaged by ``edits``."""
    # The CSV files' rows before they are written: a database keeps ``-1`` as typed, where a
    # CSV file escapes it for spreadsheets (``'-1``).
    records = {
        file: [list(header), *map(list, rows)] for file, (header, rows) in _tables(p).items()
    }
    for edit in edits:
        if not isinstance(edit, SqlEdit):
            records = apply_csv_edit(records, edit)
    path = where / "theirs.db"
    db = sqlite3.connect(path)
    mapping = {}
    try:
        for file, rows in sorted(records.items()):
            name = Path(file).stem
            header = unique([sqlite_value(h) for h in (rows[0] if rows else [])]) or ["x"]
            columns = ", ".join(f'"{h.replace(chr(34), chr(34) * 2)}" TEXT' for h in header)
            table = f"t_{name}".replace('"', "")
            db.execute(f'CREATE TABLE "{table}" ({columns})')
            marks = ", ".join("?" * len(header))
            body = [
                [sqlite_value(v) for v in (r + [""] * len(header))[: len(header)]] for r in rows[1:]
            ]
            db.executemany(f'INSERT INTO "{table}" VALUES ({marks})', body)  # noqa: S608
            if name in {"projects", "monthly", "issues", "issue_events"} or name.isidentifier():
                mapping[name] = ColumnMap(table)
        for edit in edits:
            if isinstance(edit, SqlEdit):
                try:
                    apply_sql_edit(db, edit)
                except sqlite3.Error:
                    db.rollback()
        db.commit()
    finally:
        db.close()
    return path, mapping


def unique(names: list[str]) -> list[str]:
    """``names`` with a repeated one suffixed, as a table's columns must be."""
    seen: set[str] = set()
    out = []
    for given_name in names:
        name = given_name
        while name.lower() in seen:
            name += "_"
        seen.add(name.lower())
        out.append(name)
    return out


_typed_edits = sql_edits.filter(lambda e: e.op in {"cell", "null", "cast", "duplicate_row"})


class TestMappedFuzz:
    """The user's own tables, damaged: read_mapped gives a portfolio or a ProjpushError."""

    @fuzz_settings
    @given(small_portfolios, st.lists(csv_edits | _typed_edits, min_size=1, max_size=4))
    def test_damaged_tables(self, p: Portfolio, edits: list[Any]) -> None:
        """Cells (text or any storage class), headers, rows and tables damaged."""
        with folder() as where:
            path, mapping = their_tables(p, where, tuple(edits))
            known = {k: v for k, v in mapping.items() if k in _MAPPABLE}
            loaded = read(lambda: read_mapped(path, known))
            if loaded is not None:
                (where / "again").mkdir()
                again, again_mapping = their_tables(loaded, where / "again", ())
                assert loaded == read_mapped(again, again_mapping)

    @settings(max_examples=25)
    @given(small_portfolios)
    def test_generated_ledgers_round_trip(self, p: Portfolio) -> None:
        """A valid ledger kept as the CSV files' tables reads back equal through a mapping."""
        with folder() as where:
            path, mapping = their_tables(p, where, ())
            assert p == read_mapped(path, mapping)


_MAPPABLE = frozenset(
    {
        "projects",
        "stage_events",
        "monthly",
        "milestones",
        "approvals",
        "site_activity",
        "units",
        "task_forces",
        "leaders",
        "secretaries",
        "cadences",
        "contacts",
        "issues",
        "issue_events",
    }
)


# --------------------------------------------------------------------------- workbooks


class TestXlsxFuzz:
    """Damaged workbooks: load_xlsx_ledger gives a portfolio or a LedgerError naming the cell."""

    @slow_fuzz_settings
    @given(small_portfolios, xlsx_cases)
    def test_damaged_workbook(self, p: Portfolio, case: XlsxCase) -> None:
        """Cells of any type, formulas, rows, columns, sheets, package parts and bytes damaged."""
        with folder() as where:
            path = where / "ledger.xlsx"
            dump_xlsx_ledger(p, path)
            damaged_workbook(path, case)
            result = read(lambda: read_xlsx_ledger(path))
            if result is not None:
                problems, portfolio = result
                assert (portfolio is None) == bool(problems)
                for problem in problems:
                    assert_named(problem)
            loaded = read(lambda: load_xlsx_ledger(path))
            assert loaded == read(lambda: load_ledger(path))
            if loaded is not None:
                again = where / "again.xlsx"
                dump_xlsx_ledger(loaded, again)
                assert loaded == load_xlsx_ledger(again)

    @given(st.binary(max_size=64))
    def test_wrong_file_in_place(self, data: bytes) -> None:
        """Any bytes named ``ledger.xlsx`` are refused with a LedgerError at ``path``."""
        with folder() as where:
            path = where / "ledger.xlsx"
            path.write_bytes(data)
            read(lambda: load_xlsx_ledger(path))

    def test_a_json_ledger_named_xlsx(self, tmp_path: Path) -> None:
        """A JSON ledger renamed ``.xlsx`` is not a workbook, and says so."""
        from projpush.synth import sample_portfolio  # noqa: PLC0415

        path = tmp_path / "city.xlsx"
        dump_portfolio(sample_portfolio(), tmp_path / "city.json")
        path.write_bytes((tmp_path / "city.json").read_bytes())
        with pytest.raises(ProjpushError, match=r"^path: .* is not a readable \.xlsx workbook"):
            load_ledger(path)


# --------------------------------------------------------------------------- DataFrames


class TestFramesFuzz:
    """Damaged frames: from_frames gives tables or a ProjpushError, to_portfolio a portfolio."""

    @fuzz_settings
    @given(small_portfolios, frame_cases)
    def test_damaged_frames(self, p: Portfolio, case: FrameCase) -> None:
        """Frames of pandas, polars or Arrow with cells, types, columns and names damaged."""
        tables = dict(from_portfolio(p))
        for edit in case.tables:
            tables = apply_table_edit(tables, edit)
        frames = as_frames(tables, case.library)
        for frame_edit in case.frames:
            frames = apply_frame_edit(frames, frame_edit)
        read_back = read(lambda: from_frames(frames))
        loaded = read(lambda: to_portfolio(read_back)) if read_back is not None else None
        if read_back is not None:
            read(lambda: build_report_tables(read_back, AS_OF))
        if loaded is not None:
            again = from_portfolio(loaded)
            assert loaded == to_portfolio(from_frames(to_polars(again)))
            assert loaded == to_portfolio(from_frames(to_pandas(again)))

    @given(
        st.one_of(
            cell_values,
            st.lists(cell_values, max_size=3),
            st.dictionaries(st.sampled_from(["projects", "issues", "x"]), cell_values, max_size=2),
        )
    )
    def test_not_frames(self, value: Any) -> None:
        """Anything but a mapping of table names to frames is a ValidationError."""
        read(lambda: from_frames(value))
        read(lambda: LedgerTables.from_frames(value))


# --------------------------------------------------------------------------- what the fuzzers found


class TestFoundEscapes:
    """The escapes the fuzzers above found, each now a ProjpushError naming its field."""

    def test_parquet_partition_key_that_is_a_column(self, tmp_path: Path) -> None:
        """A hive folder ``seq=...`` over a table with a ``seq`` column: Arrow cannot merge them.

        It was a bare ``pyarrow.lib.ArrowTypeError: Unable to merge: Field seq has
        incompatible types: int32 vs string``.
        """
        from projpush.synth import sample_portfolio  # noqa: PLC0415

        tables = from_portfolio(sample_portfolio())
        write_parquet(tables, tmp_path / "l")
        (tmp_path / "l" / "units.parquet").unlink()
        (tmp_path / "l" / "units" / "seq=x").mkdir(parents=True)
        pq.write_table(tables.units, tmp_path / "l" / "units" / "seq=x" / "part-0.parquet")
        with pytest.raises(
            ProjpushError, match=r"units: not a readable Parquet table \(Unable to merge: Field seq"
        ) as error:
            load_ledger(tmp_path / "l")
        assert str(tmp_path / "l" / "units") == error.value.field

    @pytest.mark.parametrize("days", [10**8, -(10**8)])
    def test_parquet_date_beyond_year_9999(self, tmp_path: Path, days: int) -> None:
        """A ``date32`` no Python date holds: it was ``OverflowError: date value out of range``."""
        from projpush.synth import sample_portfolio  # noqa: PLC0415

        tables = from_portfolio(sample_portfolio())
        monthly = tables.monthly
        far = pa.array([days] * monthly.num_rows, pa.int32()).cast(pa.date32())
        write_parquet(tables, tmp_path / "l")
        pq.write_table(
            monthly.set_column(monthly.column_names.index("month"), "month", far),
            tmp_path / "l" / "monthly.parquet",
        )
        with pytest.raises(
            ProjpushError,
            match=rf"^monthly\.month: expected a date from 0001-01-01 to 9999-12-31, "
            rf"got 'day {days:,} counted from 1970-01-01'$",
        ):
            load_ledger(tmp_path / "l")

    def test_sqlite_file_damaged(self, tmp_path: Path) -> None:
        """A SQLite ledger with bytes overwritten: it was ADBC's ``ProgrammingError``."""
        from projpush.synth import sample_portfolio  # noqa: PLC0415

        path = tmp_path / "city.sqlite"
        write_sql(sample_portfolio(), path)
        data = bytearray(path.read_bytes())
        data[100:4096] = b"\xff" * (4096 - 100)  # the schema's page
        path.write_bytes(bytes(data))
        with pytest.raises(
            ProjpushError, match=r"^target: the database refused the query: .*malformed"
        ) as error:
            read_sql(path)
        assert "target" == error.value.field
        with pytest.raises(ProjpushError, match="malformed"):
            read_mapped(path, {"projects": ColumnMap("projects")})

    def test_workbook_sheet_whose_part_is_missing(self, tmp_path: Path) -> None:
        """A sheet the workbook lists without its part: it was calamine's ``WorksheetNotFound``."""
        import io  # noqa: PLC0415
        import zipfile  # noqa: PLC0415

        from projpush.synth import sample_portfolio  # noqa: PLC0415

        path = tmp_path / "city.xlsx"
        dump_xlsx_ledger(sample_portfolio(), path)
        source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            for part in source.namelist():
                if part != "xl/worksheets/sheet2.xml":
                    target.writestr(part, source.read(part))
        path.write_bytes(out.getvalue())
        problems, portfolio = read_xlsx_ledger(path)
        assert portfolio is None
        assert problems[0].field.startswith("sheet ")
        assert "the sheet cannot be read" in str(problems[0])
        with pytest.raises(ProjpushError, match=r"^sheet \S+: the sheet cannot be read \("):
            load_ledger(path)

    def test_frames_not_a_mapping(self) -> None:
        """A list where the frames by name belong: it was ``AttributeError: ... 'items'``."""
        with pytest.raises(
            ProjpushError,
            match=r"^frames: expected a mapping of table names to DataFrames, got 'list'$",
        ):
            from_frames([1])

    def test_pandas_column_of_mixed_values(self) -> None:
        """Text beside a number in one object column: it was a bare ``pyarrow.lib.ArrowInvalid``."""
        from projpush.synth import sample_portfolio  # noqa: PLC0415

        projects = to_pandas(from_portfolio(sample_portfolio()))["projects"]
        projects["name"] = projects["name"].astype(object)
        projects.loc[0, "name"] = 5
        with pytest.raises(
            ProjpushError,
            match=r"^projects\.name: expected values of one type \(text, a number, a Decimal, "
            r"a date or a boolean\), got 'values of int, str'$",
        ):
            from_frames({"projects": projects})

    def test_pandas_two_columns_of_one_name(self) -> None:
        """Two columns named ``name``: it was ``ValueError: Duplicate column names found``."""
        from projpush.synth import sample_portfolio  # noqa: PLC0415

        projects = to_pandas(from_portfolio(sample_portfolio()))["projects"]
        projects.columns = [*projects.columns[:-1], "name"]
        with pytest.raises(
            ProjpushError, match=r"^projects\.name: expected one column of that name, got 'two'$"
        ):
            from_frames({"projects": projects})
