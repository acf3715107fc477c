"""The ledger in a SQL database: SQLite and PostgreSQL (台账数据库).

The database holds the nineteen tables of :mod:`projpush.engine.tables`,
with the same names, columns and meanings (``docs/tables.md``); the DDL is
made from those schemas (:func:`ddl`), never written by hand. The types:

- **Money** is ``NUMERIC(38, 12)`` on PostgreSQL, exact. SQLite has no
  exact decimal type (its ``NUMERIC`` affinity stores a REAL whenever it
  can), so there money is ``TEXT`` holding the exact decimal form
  (``'479.33'``), and a ``CHECK`` refuses any other storage class.
- **Dates** are ``DATE`` on PostgreSQL and ISO ``'YYYY-MM-DD'`` ``TEXT`` on
  SQLite (a ``CHECK`` refuses any text SQLite's ``date()`` would not give
  back unchanged); a month is the date of its first day.
- **Enums** are their stable values (``'under_construction'``), with a
  ``CHECK`` listing every member. Booleans are ``BOOLEAN``, or ``0``/``1``
  on SQLite.
- Each table has its primary key (``projects.key``, a child's owner and
  ``seq``, ...) and the foreign keys of the references the model checks (a
  child row's project, an event's issue, a leader's projects).

:func:`write_sql` writes a ledger in one transaction and :func:`read_sql`
reads it back into Arrow tables, equal: through ADBC (``fetch_arrow_table``)
without a Python object per row when the target is a path or a URL.

>>> import tempfile
>>> from pathlib import Path
>>> from projpush.engine import from_portfolio, to_portfolio
>>> from projpush.synth import sample_portfolio
>>> ledger = sample_portfolio()
>>> city = Path(tempfile.mkdtemp()) / "city.sqlite"
>>> write_sql(ledger, city)
>>> to_portfolio(read_sql(city)) == ledger
True
>>> print(ddl("postgresql").splitlines()[0])
CREATE TABLE "projects" (
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import os
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import attrs

from projpush._extras import require
from projpush.engine.tables import (
    _OWN_RULES,
    MONEY,
    TABLES,
    LedgerTables,
    _arrow_type,
    _columns,
    _plain,
)
from projpush.errors import LedgerError, ProjpushError, ValidationError
from projpush.io.csvfolder import (  # the CSV reader's field rules, over a database's rows
    _BY_FILE,
    CSV_FILES,
    _CellValueError,
    _column_name,
    _norm_header,
    _Place,
    _problem,
    _Reader,
    _Sheet,
    _Source,
)
from projpush.model import Portfolio

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

pa: Any = require("pyarrow", extra="sql", user="projpush.io.sql")
pc: Any = require("pyarrow.compute", extra="sql", user="projpush.io.sql")

__all__ = [
    "DIALECTS",
    "SQLITE_SUFFIXES",
    "ColumnMap",
    "ddl",
    "is_sql_target",
    "read_sql",
    "write_sql",
]

DIALECTS: Final = ("sqlite", "postgresql")
"""The databases projpush writes and reads: SQLite, the embedded default, and PostgreSQL."""

SQLITE_SUFFIXES: Final = (".sqlite", ".sqlite3", ".db")
"""The file names read as a SQLite ledger."""

# Primary key and foreign keys (columns, table, its columns) of each table, where the
# model makes them hold: unique keys, ids and names; the references it resolves.
_PROJECT: Final = ("projects", ("key",))
_KEYS: Final[
    dict[str, tuple[tuple[str, ...], tuple[tuple[tuple[str, ...], str, tuple[str, ...]], ...]]]
] = {
    "projects": (("key",), ()),
    "annual_plans": (("key", "year"), ((("key",), *_PROJECT),)),
    "monthly": (("key", "month"), ((("key",), *_PROJECT),)),
    "milestones": (("key", "seq"), ((("key",), *_PROJECT),)),
    "approvals": (("key", "seq"), ((("key",), *_PROJECT),)),
    "stage_events": (("key", "seq"), ((("key",), *_PROJECT),)),
    "site_observations": (("key", "seq"), ((("key",), *_PROJECT),)),
    "leaders": (("name",), ()),
    "leader_projects": (
        ("leader", "seq"),
        ((("leader",), "leaders", ("name",)), (("project",), *_PROJECT)),
    ),
    "secretaries": (("name",), ()),
    "secretary_projects": (
        ("secretary", "seq"),
        ((("secretary",), "secretaries", ("name",)), (("project",), *_PROJECT)),
    ),
    "secretary_cadences": (
        ("secretary", "project"),
        ((("secretary",), "secretaries", ("name",)),),
    ),
    "contacts": (("secretary", "seq"), ((("secretary",), "secretaries", ("name",)),)),
    "issues": (("id",), ((("project",), *_PROJECT),)),
    "issue_events": (("issue", "seq"), ((("issue",), "issues", ("id",)),)),
    "units": (("name",), ()),
    "task_forces": (("name",), ()),
    "task_force_members": (("task_force", "seq"), ((("task_force",), "task_forces", ("name",)),)),
    "task_force_projects": (
        ("task_force", "seq"),
        ((("task_force",), "task_forces", ("name",)), (("project",), *_PROJECT)),
    ),
}


def _quote(name: str) -> str:
    """An SQL identifier, double-quoted: ``on``, ``at``, ``key`` and ``rank`` are SQL words."""
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _is_enum(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, enum.Enum)


def _sql_type(kind: Any, dialect: str) -> str:
    if _is_enum(kind) or kind == "string":
        return "TEXT"
    if kind == "money":
        return "NUMERIC(38, 12)" if dialect == "postgresql" else "TEXT"
    if kind == "date32":
        return "DATE" if dialect == "postgresql" else "TEXT"
    if kind == "bool":
        return "BOOLEAN" if dialect == "postgresql" else "INTEGER"
    if kind == "int16" and dialect == "postgresql":
        return "SMALLINT"
    return "INTEGER"


def _check(column: str, kind: Any, nullable: bool, dialect: str) -> str | None:
    """The CHECK of one column, if its type alone does not hold its values."""
    name = _quote(column)
    if _is_enum(kind):
        values = [_literal(m.value) for m in kind]
        # SQLite builds a table for an IN list each time a CHECK runs: ORed equalities write
        # a ledger twice as fast.
        if_sqlite = " OR ".join(f"{name} = {v}" for v in values)
        return if_sqlite if dialect == "sqlite" else f"{name} IN ({', '.join(values)})"
    if dialect != "sqlite":
        return None
    if kind == "money":  # SQLite stores any text in any column: digits, a point, a sign
        rule = f"typeof({name}) = 'text' AND {name} GLOB '*[0-9]*' AND {name} NOT GLOB '*[^0-9.-]*'"
        return f"{name} IS NULL OR {rule}" if nullable else rule
    if kind == "date32":
        return f"date({name}) IS {name}"
    if kind == "bool":
        return f"{name} IN (0, 1)"
    return None


def _dialect(value: object) -> str:
    if value not in DIALECTS:
        raise ValidationError.about("dialect", f"one of {', '.join(DIALECTS)}", value)
    return str(value)


def ddl(dialect: str) -> str:
    """The ``CREATE TABLE`` statements of the ledger's tables, for ``dialect``.

    Made from the tables' Arrow schemas, so the two dialects and the tables
    cannot drift apart.

    >>> print(ddl("sqlite").split(";")[1].strip())  # doctest: +NORMALIZE_WHITESPACE
    CREATE TABLE "annual_plans" (
      "key" TEXT NOT NULL,
      "year" INTEGER NOT NULL,
      "plan" TEXT NOT NULL CHECK (typeof("plan") = 'text' AND "plan" GLOB '*[0-9]*' AND
        "plan" NOT GLOB '*[^0-9.-]*'),
      PRIMARY KEY ("key", "year"),
      FOREIGN KEY ("key") REFERENCES "projects" ("key")
    )

    Raises:
        ValidationError: ``dialect`` is not one of :data:`DIALECTS`.
    """
    dialect = _dialect(dialect)
    return "".join(f"{statement};\n" for statement in _statements(dialect))


def _foreign_keys(table: str) -> list[str]:
    """The ``FOREIGN KEY`` clauses of ``table``."""
    return [
        f"FOREIGN KEY ({', '.join(map(_quote, own))}) REFERENCES "
        f"{_quote(other)} ({', '.join(map(_quote, theirs))})"
        for own, other, theirs in _KEYS[table][1]
    ]


def _statements(dialect: str, *, foreign: bool = True) -> list[str]:
    """The CREATE TABLE statements; without their foreign keys if not ``foreign``."""
    statements = []
    for table in TABLES:
        lines = []
        for column, kind, nullable in _columns(table):
            line = f"  {_quote(column)} {_sql_type(kind, dialect)}"
            if not nullable:
                line += " NOT NULL"
            check = _check(column, kind, nullable, dialect)
            if check is not None:
                line += f" CHECK ({check})"
            lines.append(line)
        lines.append(f"  PRIMARY KEY ({', '.join(map(_quote, _KEYS[table][0]))})")
        if foreign:
            lines.extend(f"  {key}" for key in _foreign_keys(table))
        body = ",\n".join(lines)
        statements.append(f"CREATE TABLE {_quote(table)} (\n{body}\n)")
    return statements


# --------------------------------------------------------------------------- connections


def is_sql_target(target: object) -> bool:
    """True for a database URL (``scheme://...``) or a path named ``*.sqlite``, ``*.db``.

    Decided from the text alone: nothing is opened or imported.

    >>> is_sql_target("city.sqlite"), is_sql_target("postgresql://host/db"), is_sql_target("a.json")
    (True, True, False)
    """
    if isinstance(target, os.PathLike):
        target = os.fspath(target)
    if not isinstance(target, str):
        return False
    return "://" in target or Path(target).suffix.lower() in SQLITE_SUFFIXES


@attrs.define
class _Connection:
    """One open database: its dialect, the DB-API connection, and how to use it."""

    dialect: str
    raw: Any
    adbc: bool
    owned: bool  # opened here, so closed here
    sqlalchemy: Any = None  # the SQLAlchemy Connection whose transaction we commit
    placeholder: str = "?"

    explicit: bool = False  # autocommit on: BEGIN, COMMIT and ROLLBACK are statements
    _cursor: Any = None

    def cursor(self) -> Any:
        """The one cursor of this use, closed with it (ADBC warns of a cursor left open)."""
        if self._cursor is None:
            self._cursor = self.raw.cursor()
        return self._cursor

    def begin(self) -> None:
        if self.explicit:
            self.cursor().execute("BEGIN")

    def commit(self) -> None:
        if self.explicit:
            self.cursor().execute("COMMIT")
        else:  # the driver's connection: SQLAlchemy did not see our statements
            self.raw.commit()

    def rollback(self) -> None:
        if self.explicit:
            self.cursor().execute("ROLLBACK")
        else:
            self.raw.rollback()

    def close(self) -> None:
        if self._cursor is not None:
            self._cursor.close()
            self._cursor = None
        if self.owned:
            (self.sqlalchemy or self.raw).close()


def _url_dialect(url: str) -> str:
    scheme = url.partition("://")[0].partition("+")[0].lower()
    if scheme in {"postgres", "postgresql"}:
        return "postgresql"
    if scheme == "sqlite":
        return "sqlite"
    raise ValidationError.about(
        "target", "a sqlite:// or postgresql:// URL (SQLite or PostgreSQL)", url
    )


def _open(target: Any, *, create: bool) -> _Connection:
    """Open ``target`` (a path, a URL, an engine or a connection) for reading or writing."""
    if isinstance(target, os.PathLike | str):
        return _open_text(os.fspath(target), create=create)
    module = type(target).__module__.partition(".")[0]
    if module == "sqlalchemy":
        return _open_sqlalchemy(target, create=create)
    if module.startswith("adbc_driver"):
        vendor = str(target.adbc_get_info().get("vendor_name", "")).lower()
        dialect = "postgresql" if "postgres" in vendor else "sqlite" if "sqlite" in vendor else ""
        if not dialect:
            raise ValidationError.about(
                "target", "an ADBC connection to SQLite or PostgreSQL", vendor
            )
        return _Connection(dialect, target, adbc=True, owned=False)
    return _open_dbapi(target, module)


def _open_text(text: str, *, create: bool) -> _Connection:
    if "://" in text:
        dialect = _url_dialect(text)
        rest = text.partition("://")[2]
        if dialect == "sqlite":  # SQLAlchemy's sqlite:///relative.db, sqlite:////abs.db
            file = rest.removeprefix("/")
            if not file:
                raise ValidationError.about("target", "a sqlite:///FILE URL naming a file", text)
            return _open_text(file, create=create)
        driver = require("adbc_driver_postgresql.dbapi", extra="sql", user="projpush.io.sql")
        uri = f"postgresql://{rest}"
        try:
            raw = driver.connect(uri)
        except Exception as error:  # noqa: BLE001 (the driver's own error kinds vary)
            raise LedgerError(
                f"target: cannot connect to {_hide_password(text)}: {_first_line(error)}",
                field="target",
                expected="a reachable PostgreSQL server",
                got=_hide_password(text),
            ) from None
        return _Connection("postgresql", raw, adbc=True, owned=True)
    path = Path(text)
    if not create and not path.is_file():
        raise LedgerError.about("target", "an existing SQLite ledger file", text)
    if path.is_dir():
        raise LedgerError.about("target", "a SQLite file, not a folder", text)
    driver = require("adbc_driver_sqlite.dbapi", extra="sql", user="projpush.io.sql")
    raw = driver.connect(str(path), autocommit=True)
    opened = _Connection("sqlite", raw, adbc=True, owned=True)
    opened.cursor().execute("PRAGMA foreign_keys = ON")  # a no-op inside a transaction
    opened.explicit = True  # so the transaction is begun and ended in SQL, as SQLite says
    return opened


def _open_sqlalchemy(target: Any, *, create: bool) -> _Connection:
    name = target.dialect.name
    dialect = {"sqlite": "sqlite", "postgresql": "postgresql"}.get(name)
    if dialect is None:
        raise ValidationError.about("target", "a SQLAlchemy engine of SQLite or PostgreSQL", name)
    url = getattr(target, "url", None)
    if url is not None and hasattr(target, "raw_connection"):
        # An engine names its database: open it through ADBC, as from its URL (Arrow in
        # bulk both ways, no Python object per row), rather than through its driver.
        if dialect == "sqlite" and url.database not in {None, "", ":memory:"}:
            return _open_text(url.database, create=create)
        if dialect == "postgresql":
            plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
            return _open_text(plain, create=create)
    owned = hasattr(target, "raw_connection")  # an Engine: we open a connection of our own
    connection = target.connect() if owned else target
    raw = connection.connection.driver_connection
    module = type(raw).__module__.partition(".")[0]
    opened = _open_dbapi(raw, module)
    opened.sqlalchemy, opened.owned = connection, owned
    return opened


def _open_dbapi(raw: Any, module: str) -> _Connection:
    if module in {"sqlite3", "_sqlite3"}:
        return _Connection("sqlite", raw, adbc=False, owned=False)
    if module in {"psycopg", "psycopg2"}:
        return _Connection("postgresql", raw, adbc=False, owned=False, placeholder="%s")
    if module.startswith("adbc_driver"):
        return _open(raw, create=False)
    raise ValidationError.about(
        "target",
        "a path, a URL, a SQLAlchemy engine or connection, a sqlite3, psycopg or ADBC connection",
        type(raw).__name__,
    )


def _hide_password(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not at or ":" not in credentials:
        return url
    return f"{scheme}{sep}{credentials.partition(':')[0]}:***@{host}"


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


# --------------------------------------------------------------------------- writing


def write_sql(ledger: LedgerTables | Portfolio, target: object, *, replace: bool = False) -> None:
    """Write ``ledger`` to the database ``target``, in one transaction.

    ``target`` is a path (a SQLite file, created if missing), a URL
    (``sqlite:///city.sqlite``, ``postgresql://user@host/db``), a SQLAlchemy
    engine or connection, or a DB-API connection (sqlite3, psycopg, ADBC).
    The ledger's tables are created there with :func:`ddl`; other tables are
    left alone. A connection given is committed; one opened here is closed.

    Raises:
        ValidationError: ``ledger`` is neither a Portfolio nor a LedgerTables,
            ``target`` is not a database projpush writes, or a text holds the
            NUL character, which PostgreSQL cannot hold (``table.column``, the
            row's key; nothing is written).
        LedgerError: the database already holds ledger tables and ``replace``
            is false (``replace=True`` drops them first), it cannot be
            reached, or it refused the rows (the message names the table).
        ImportError: the ``sql`` extra is missing.
    """
    if isinstance(ledger, Portfolio):
        from projpush.engine.tables import from_portfolio  # noqa: PLC0415

        ledger = from_portfolio(ledger)
    if not isinstance(ledger, LedgerTables):
        raise ValidationError.about(
            "ledger", "a Portfolio or a LedgerTables", type(ledger).__name__
        )
    connection = _open(target, create=True)
    connection.begin()
    try:
        cursor = connection.cursor()
        present = [t for t in TABLES if t in _existing(connection, cursor)]
        if present and not replace:
            _refuse_present(present)
        if connection.dialect == "postgresql":
            _refuse_nul(ledger)
        _write(connection, cursor, ledger, present)
        connection.commit()
    except BaseException:
        connection.rollback()
        raise
    finally:
        connection.close()


_NUL: Final = "text without the NUL character (U+0000), which PostgreSQL's text cannot hold"


def _refuse_nul(ledger: LedgerTables) -> None:
    """Refuse, before anything is written, a text PostgreSQL cannot hold: one with a NUL.

    Every other format holds it (a workbook as OOXML's ``_x0000_``); the
    server would refuse the whole table with its own words. One pass per
    text column.

    Raises:
        ValidationError: the first such cell, by ``table.column`` and the row's key.
    """
    for name, table in ledger:
        for column in table.column_names:
            data = table.column(column).combine_chunks()
            if not _is_text_type(data.type) or pa.types.is_dictionary(data.type):
                continue  # a dictionary column is an enum: its values are the model's own
            bad = pc.match_substring(data, "\x00")
            if not pc.any(bad).as_py():
                continue
            index = _first(bad)
            got = data[index].as_py()
            field = f"{name}.{column}"
            key = ", ".join(
                f"{c}={_key_value(table.column(c)[index].as_py())}"
                for c in _KEYS[name][0]
                if c in table.column_names and c != column
            )
            msg = f"{field}: row {key}: expected {_NUL}, got {got!r}"
            raise ValidationError(msg, field=field, expected=_NUL, got=got)


def _write(connection: _Connection, cursor: Any, ledger: LedgerTables, present: list[str]) -> None:
    """Drop the ledger tables ``present``, create them all and fill them (no commit).

    Raises:
        LedgerError: the database refused a statement or the rows of a table (named).
    """
    table = "the schema"
    # PostgreSQL checks a foreign key added to a filled table in one pass, three times as
    # fast as row by row while the table fills; SQLite cannot add one to a table.
    later = connection.dialect == "postgresql"
    try:
        for name in reversed(present):
            cursor.execute(f"DROP TABLE {_quote(name)}")
        for statement in _statements(connection.dialect, foreign=not later):
            cursor.execute(statement)
        for table, data in ledger:
            _insert(connection, cursor, table, _to_sql(data, table, connection.dialect))
        for table in TABLES if later else ():
            for key in _foreign_keys(table):
                cursor.execute(f"ALTER TABLE {_quote(table)} ADD {key}")
    except ProjpushError:
        raise
    except Exception as error:  # noqa: BLE001 (each driver has its own error classes)
        msg = f"{table}: the database refused the rows: {_first_line(error)}"
        raise LedgerError(msg, field=table, expected="rows the schema holds", got=None) from None


def _refuse_present(present: list[str]) -> None:
    listed = ", ".join(present[:3]) + (", ..." if len(present) > 3 else "")
    msg = (
        f"target: the database already holds ledger tables ({listed}); "
        "pass replace=True to write over them"
    )
    raise LedgerError(msg, field="target", expected="a database without them", got=listed)


def _existing(connection: _Connection, cursor: Any) -> set[str]:
    if connection.dialect == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"
    else:
        query = (
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        )
    cursor.execute(query)
    return {row[0] for row in cursor.fetchall()}


_TRAILING: Final = r"(\.[0-9]*?)0+$"


def _plain_text(money: Any) -> Any:
    """Exact decimal text without trailing zeros: ``479.330000000000`` -> ``479.33``.

    Through polars: Arrow's own cast writes small amounts in scientific
    notation (``0E-12``, ``1.000E-9``).
    """
    pl = require("polars", extra="sql", user="projpush.io.sql")
    text = pl.from_arrow(money).cast(pl.String).to_arrow().cast(pa.string())
    text = pc.replace_substring_regex(text, pattern=_TRAILING, replacement=r"\1")
    return pc.replace_substring_regex(text, pattern=r"\.$", replacement="")


def _to_sql(table: Any, name: str, dialect: str) -> Any:
    """The Arrow table of ``name`` with the column types the database holds."""
    arrays, names = [], []
    for column, kind, _ in _columns(name):
        data = table.column(column).combine_chunks()
        if _is_enum(kind):
            data = data.cast(pa.string())
        elif dialect == "sqlite" and kind == "money":
            data = _plain_text(data)
        elif dialect == "sqlite" and kind == "date32":
            data = data.cast(pa.string())
        elif dialect == "sqlite" and kind == "bool":
            data = data.cast(pa.int64())
        arrays.append(data)
        names.append(column)
    return pa.Table.from_arrays(arrays, names=names)


def _insert(connection: _Connection, cursor: Any, name: str, data: Any) -> None:
    if not data.num_rows:
        return
    if connection.adbc:
        cursor.adbc_ingest(name, data, mode="append")
        return
    columns = ", ".join(map(_quote, data.column_names))
    marks = ", ".join([connection.placeholder] * data.num_columns)
    statement = f"INSERT INTO {_quote(name)} ({columns}) VALUES ({marks})"  # noqa: S608 (quoted)
    for batch in data.to_batches(max_chunksize=10_000):
        values = [column.to_pylist() for column in batch.columns]
        cursor.executemany(statement, list(zip(*values, strict=True)))


# --------------------------------------------------------------------------- reading


def read_sql(target: object, *, mapping: Mapping[str, ColumnMap] | None = None) -> LedgerTables:
    """Read the ledger tables of the database ``target`` (see :func:`write_sql`).

    From a path, a URL, a SQLAlchemy engine or an ADBC connection the tables
    come through ADBC as Arrow, without a Python object per row; from a
    SQLAlchemy connection or a sqlite3 or psycopg connection through its
    cursor. Every column is checked as :meth:`LedgerTables.of` checks it; a
    value the column type cannot hold is named by ``table.column`` and the
    row's primary key. A missing table other than ``projects`` is empty.

    With ``mapping`` the tables are the user's own, named and labelled their
    way: see :class:`ColumnMap`.

    Raises:
        LedgerError: the database has no ``projects`` table, cannot be
            reached, or refused the query.
        ValidationError: a value does not fit its column (``table.column``,
            the row's key), or ``target`` is not a database projpush reads.
        ImportError: the ``sql`` extra is missing.
    """
    if mapping is not None:
        from projpush.engine.tables import from_portfolio  # noqa: PLC0415

        return from_portfolio(read_mapped(target, mapping))
    connection = _open(target, create=False)
    try:
        tables = _read_tables(connection, target)
    finally:
        _close(connection)
    try:
        return LedgerTables.of(**tables)
    except ValidationError as error:
        raise _located(error, tables) from None


def _read_tables(connection: _Connection, target: object) -> dict[str, Any]:
    """The ledger's tables as the database holds them, money, dates and booleans typed.

    Raises:
        LedgerError: no ``projects`` table, or the driver refused a query or
            could not give a table as Arrow (a damaged file: ``database disk
            image is malformed``); ``field`` names the table.
    """
    where = "target"
    try:
        cursor = connection.cursor()
        present = _existing(connection, cursor)
        tables = {}
        for name in TABLES if "projects" in present else ():
            if name not in present:
                continue
            where = name
            have = _table_columns(connection, cursor, name)
            columns = [c for c, _, _ in _columns(name) if c in have]
            tables[name] = _from_sql(_select(connection, cursor, name, columns), name)
    except ProjpushError:
        raise
    except Exception as error:  # noqa: BLE001 (each driver has its own error classes)
        msg = f"{where}: the database refused the query: {_first_line(error)}"
        raise LedgerError(msg, field=where, expected="a readable ledger table", got=None) from None
    if "projects" not in present:
        raise LedgerError.about(
            "target", "a database with a projects table (a projpush ledger)", _shown(target)
        )
    return tables


def _located(error: ValidationError, tables: Mapping[str, Any]) -> ValidationError:
    """``error`` about ``table.column``, with the first offending row's primary key named."""
    name, _, column = (error.field or "").partition(".")
    table = tables.get(name)
    if table is None or column not in table.column_names or ": row " in str(error):
        return error  # not a column's, or its row already named (LedgerTables.of names it)
    data = table.column(column).combine_chunks()
    if error.got == "an empty cell":
        bad = pc.is_null(data)
    elif isinstance(error.got, str) and _is_text_type(data.type):
        bad = pc.equal(data.cast(pa.string()), pa.scalar(error.got, pa.string()))
    else:
        return error
    if not pc.any(bad).as_py():
        return error
    index = _first(bad)
    key = ", ".join(
        f"{c}={_key_value(table.column(c)[index].as_py())}"
        for c in _KEYS[name][0]
        if c in table.column_names and c != column
    )
    text = str(error).removeprefix(f"{error.field}: ")
    msg = f"{error.field}: row {key}: {text}" if key else str(error)
    return ValidationError(msg, field=error.field, expected=error.expected, got=error.got)


def _close(connection: _Connection) -> None:
    """Close ``connection``; a driver's complaint while closing a damaged database is no news."""
    with contextlib.suppress(Exception):  # the reading's own error, if any, is the one to tell
        connection.close()


def _is_text_type(kind: Any) -> bool:
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))


def _shown(target: object) -> str:
    if isinstance(target, os.PathLike | str):
        return _hide_password(os.fspath(target))
    return type(target).__name__


def _table_columns(connection: _Connection, cursor: Any, name: str) -> set[str]:
    if connection.dialect == "sqlite":
        cursor.execute(f"PRAGMA table_info({_quote(name)})")
        return {row[1] for row in cursor.fetchall()}
    mark = connection.placeholder if not connection.adbc else "$1"
    cursor.execute(
        "SELECT column_name FROM information_schema.columns "  # noqa: S608 (a placeholder)
        f"WHERE table_schema = current_schema() AND table_name = {mark}",
        (name,),
    )
    return {row[0] for row in cursor.fetchall()}


def _select(connection: _Connection, cursor: Any, name: str, columns: Sequence[str]) -> Any:
    """The rows of ``name`` as an Arrow table of the database's own types."""
    query = f"SELECT {', '.join(map(_quote, columns))} FROM {_quote(name)}"  # noqa: S608 (quoted)
    if connection.adbc:
        if connection.dialect == "sqlite":
            # The SQLite driver infers each column's type from its first batch: one batch
            # of every row, so a column empty at the top is typed by the rows below.
            cursor.execute(f"SELECT count(*) FROM {_quote(name)}")  # noqa: S608 (quoted names)
            rows = int(cursor.fetchone()[0])
            cursor.adbc_statement.set_options(**{"adbc.sqlite.query.batch_rows": str(max(rows, 1))})
        cursor.execute(query)
        return cursor.fetch_arrow_table()
    cursor.execute(query)
    fetched = cursor.fetchall()
    values = list(zip(*fetched, strict=True)) if fetched else [() for _ in columns]
    return pa.Table.from_arrays([_array(list(v)) for v in values], names=list(columns))


def _array(values: list[Any]) -> Any:
    """An Arrow array of a DB-API column; a NUMERIC's ``Decimal`` at the ledger's scale."""
    if any(type(v) is Decimal for v in values):
        try:
            return pa.array(values, MONEY)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            return pa.array([None if v is None else str(v) for v in values], pa.string())
    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array([None if v is None else str(v) for v in values], pa.string())


def _target_type(kind: Any) -> Any:
    if kind == "money":
        return MONEY
    if kind == "date32":
        return pa.date32()
    if kind == "bool":
        return pa.bool_()
    return None


def _from_sql(table: Any, name: str) -> Any:
    """``table`` as read, with money, dates and booleans in the ledger's Arrow types."""
    kinds = {c: kind for c, kind, _ in _columns(name)}
    arrays = []
    for column in table.column_names:
        data = table.column(column).combine_chunks()
        numeric = isinstance(data.type, pa.BaseExtensionType)
        if numeric:  # PostgreSQL's NUMERIC, as its text
            data = data.storage
        kind = kinds[column]
        target = _target_type(kind)
        if data.null_count == len(data):  # typed by nothing in it: an empty or all-null column
            data = pa.nulls(len(data), pa.string() if _is_enum(kind) else _arrow_type(kind))
        elif kind in {"money", "date32", "bool"} and _is_text_type(data.type) and not numeric:
            # SQLite's money and dates are text: cast whole when every cell has the form
            # write_sql gives them; else each cell is read by the model's own rules, as
            # LedgerTables.of reads text, so any other text is read, or refused, as before.
            data = _canonical(data, kind, column)
        elif target is not None and data.type != target:
            data = _cast(table, name, column, data, target)
        arrays.append(data)
    return pa.Table.from_arrays(arrays, names=table.column_names)


# The text write_sql gives SQLite's money and dates, which is cast whole: an amount below
# 10^16 with at most 12 places, a percentage from 0 to 100 (the model's ranges), a date of
# the years 1 to 9999. By kind, or by column for a column with a rule of its own.
_CANONICAL: Final = {
    "money": r"^-?(?:0|[1-9][0-9]{0,15})(?:\.[0-9]{1,12})?$",
    "percent": r"^(?:100(?:\.0{1,12})?|(?:0|[1-9][0-9]?)(?:\.[0-9]{1,12})?)$",
    "date32": r"^(?:[1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])-[0-9]{2}-[0-9]{2}$",
}


def _canonical(data: Any, kind: str, column: str) -> Any:
    """A text column of amounts or dates in its Arrow type, if every cell is in canonical form.

    The check and the cast are each one pass over the column, without a
    Python object per cell; they give what the model's converters give for
    such text (``to_money``, ``to_date``). A column holding any other text,
    or a day no calendar has (``2020-02-30``), is returned as it is, for
    :meth:`LedgerTables.of` to read cell by cell, in the model's words.
    """
    pattern = _CANONICAL.get(column if column in _OWN_RULES else kind)
    if pattern is None:
        return data
    text = data.cast(data.type.value_type) if pa.types.is_dictionary(data.type) else data
    if not pc.all(pc.match_substring_regex(text, pattern=pattern)).as_py():
        return data
    try:
        return text.cast(MONEY if kind == "money" else pa.date32())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return data


_EXPECTED: Final = {
    "money": "an exact decimal amount with at most 12 places",
    "date32": "an ISO date YYYY-MM-DD",
    "bool": "0 or 1 (a boolean)",
}


def _cast(table: Any, name: str, column: str, data: Any, target: Any) -> Any:
    kind = next(k for c, k, _ in _columns(name) if c == column)
    if kind == "bool" and pa.types.is_integer(data.type):
        bad = pc.invert(pc.is_in(data, value_set=pa.array([0, 1], data.type)))
        if pc.any(pc.and_(bad, pc.is_valid(data))).as_py():
            _refuse(table, name, column, data, target=target, kind=kind, index=_first(bad))
    try:
        return data.cast(target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        _refuse(table, name, column, data, target=target, kind=kind, index=None)
        raise  # pragma: no cover (_refuse raises)


def _first(mask: Any) -> int:
    return int(pc.index(mask.fill_null(pa.scalar(value=False)), value=True).as_py())


def _refuse(
    table: Any, name: str, column: str, data: Any, *, target: Any, kind: Any, index: int | None
) -> None:
    if index is None:
        index = next(i for i in range(len(data)) if not _casts(data[i : i + 1], target))
    got = data[index].as_py()
    field = f"{name}.{column}"
    key = ", ".join(
        f"{c}={_key_value(table.column(c)[index].as_py())}"
        for c in _KEYS[name][0]
        if c in table.column_names
    )
    msg = f"{field}: row {key}: expected {_EXPECTED[kind]}, got {got!r}"
    raise ValidationError(msg, field=field, expected=_EXPECTED[kind], got=got)


def _key_value(value: Any) -> str:
    return repr(value.isoformat() if isinstance(value, dt.date) else value)


def _casts(data: Any, target: Any) -> bool:
    try:
        data.cast(target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return False
    return True


# --------------------------------------------------------------------------- the user's own tables


@attrs.frozen
class ColumnMap:
    """Where one table of the ledger lives in a database of one's own (用户自有表的列映射).

    ``table`` is the user's table (or view), and ``columns`` maps the
    column names of the CSV ledger's file of the same name (``projects``,
    ``monthly``, ``issue_events``, ...; ``docs/ledger-format.md``) to the
    user's column names. A column left out is looked for under its own
    name or one of its Chinese headers. The values are read as the CSV
    reader reads its cells: Chinese labels (``在建``), ``2020年6月30日``,
    ``是``/``否``, lists in one cell (``NB-1;NB-2``).
    """

    table: str
    columns: Mapping[str, str] = attrs.field(factory=dict, converter=dict)


def read_mapped(target: object, mapping: Mapping[str, ColumnMap]) -> Portfolio:
    """Read a ledger kept in the user's own tables, through ``mapping`` (see :class:`ColumnMap`).

    ``mapping`` is keyed by the CSV ledger's file names without ``.csv``
    (``projects`` is required); every rule of the CSV reader applies, and an
    error names the user's ``table.column`` and the row's key.

    Raises:
        LedgerError: the first problem found (``field`` names the table,
            column and row), a mapped table is missing, or a float in a money
            or percent column (it cannot be exact).
        ValidationError: a key of ``mapping`` is not a CSV ledger file.
        ImportError: the ``sql`` extra is missing.
    """
    known = [f.removesuffix(".csv") for f in CSV_FILES]
    for key, value in mapping.items():
        if key not in known:
            raise ValidationError.about("mapping", f"keys among {', '.join(known)}", key)
        if not isinstance(value, ColumnMap):
            raise ValidationError.about(f"mapping[{key!r}]", "a ColumnMap", type(value).__name__)
    connection = _open(target, create=False)
    try:
        reader = _Reader(_Database(connection, mapping))
        portfolio = reader.read()
    finally:
        _close(connection)
    if portfolio is None:
        raise reader.problems[0]
    return portfolio


@attrs.frozen
class _TablePlace(_Place):
    """The cells of the user's table, as messages name them: ``xm.阶段 (row 项目代码='...')``."""

    table: str = ""
    columns: tuple[str, ...] = ()  # the table's own column names, by position
    keys: Mapping[int, str] = attrs.field(factory=dict)  # line -> the row's key, as shown

    def cell(self, line: int, index: int | None, header: str) -> str:
        """The cell of column ``index`` (the table's own name) on ``line``, with the row's key."""
        column = self.columns[index] if index is not None else header
        return f"{self.table}.{column} ({self.row(line)})"

    def blank_cell(self, line: int, index: int) -> str:
        """A column without a name: a table's columns all have one (kept for the interface)."""
        return self.cell(line, index, "")  # pragma: no cover

    def row(self, line: int) -> str:
        """The row on ``line`` (the first row is 1), named by its key where it has one."""
        return f"row {self.keys.get(line) or f'#{line}'}"


class _Database(_Source):
    """The tables of a ledger kept in the user's own tables, found through a mapping."""

    kind = "table"

    def __init__(self, connection: _Connection, mapping: Mapping[str, ColumnMap]) -> None:
        self.connection = connection
        self.mapping = mapping
        self.name = "database"
        self.gb18030: list[str] = []
        try:
            self.present = _existing(connection, connection.cursor())
        except Exception as error:  # noqa: BLE001 (each driver has its own error classes)
            msg = f"target: the database refused the query: {_first_line(error)}"
            raise LedgerError(
                msg, field="target", expected="a readable database", got=None
            ) from None

    def called(self, file: str) -> str:
        """The table of ``file`` as a message names it: the user's table, or the ledger's."""
        entry = self.mapping.get(file.removesuffix(".csv"))
        return entry.table if entry is not None else file.removesuffix(".csv")

    def ignored(self, index: int, key: str) -> bool:  # noqa: ARG002 (a workbook's rule)
        """No column of a table is beside it."""
        return False

    def text(self, value: object, kind: str) -> str:
        """The text of a typed value; a float amount is refused, since it cannot be exact.

        Raises:
            _CellValueError: a float in a money or percent column.
        """
        if isinstance(value, float) and kind in {"money", "percent"}:
            expected = (
                "an exact amount (NUMERIC, DECIMAL or text; SQLite keeps a NUMERIC or REAL "
                "column as binary floating point: use TEXT)"
            )
            raise _CellValueError(expected, value)
        return _cell_text(value)

    def sheet(self, report: Callable[[LedgerError], None], file: str) -> _Sheet | None:
        """The mapped table's rows under a header of the ledger's column names; None if unmapped.

        Raises:
            LedgerError: the database refused the query (the message names the table).
        """
        entry = self.mapping.get(file.removesuffix(".csv"))
        if entry is None:
            return None
        place = _TablePlace(file, header_line=0, table=entry.table)
        if entry.table not in self.present:
            detail = f"no table or view {entry.table!r} in the database"
            report(_problem(entry.table, detail, "the mapped table", entry.table))
            return _Sheet([], place)
        cursor = self.connection.cursor()
        try:
            cursor.execute(f"SELECT * FROM {_quote(entry.table)}")  # noqa: S608 (a quoted name)
            theirs = tuple(str(d[0]) for d in cursor.description)
            records = [list(r) for r in cursor.fetchall()]
            # ADBC gives a PostgreSQL NUMERIC as its text: read it as the number it is.
            numeric = [i for i, d in enumerate(cursor.description) if _is_opaque(d[1])]
            for record in records:
                for i in numeric:
                    record[i] = None if record[i] is None else Decimal(record[i])
        except Exception as error:  # noqa: BLE001 (each driver has its own error classes)
            msg = f"{entry.table}: the database refused the query: {_first_line(error)}"
            raise LedgerError(
                msg, field=entry.table, expected="a readable table", got=None
            ) from None
        unknown = [c for c in entry.columns.values() if c not in theirs]
        if unknown:
            detail = f"no such column; the table has {', '.join(theirs)}"
            report(_problem(f"{entry.table}.{unknown[0]}", detail, "a column", unknown[0]))
            return _Sheet([], place)
        spec = _BY_FILE[file]
        ours = {their: our for our, their in entry.columns.items()}
        names = [ours.get(t) or _resolve(spec, t) for t in theirs]
        # A column of theirs that is none of the file's is no error: a table holds ids and dates.
        header = [ours.get(t) or (t if n else f"#{t}") for n, t in zip(names, theirs, strict=True)]
        keyed = [(i, theirs[i]) for i, n in enumerate(names) if n in _ROW_KEY[file]]
        keys = {
            line: ", ".join(f"{c}={_cell_text(r[i])!r}" for i, c in keyed if r[i] not in {None, ""})
            for line, r in enumerate(records, start=1)
        }
        place = attrs.evolve(place, columns=theirs, keys=keys)
        return _Sheet([header, *records], place)


# The columns that name a row in an error, per CSV file (those the row has are shown).
_ROW_KEY: Final = {
    "projects.csv": ("code", "local_id"),
    "stage_events.csv": ("project", "on"),
    "monthly.csv": ("project", "month"),
    "milestones.csv": ("project", "name"),
    "approvals.csv": ("project", "name"),
    "site_activity.csv": ("project", "day"),
    "units.csv": ("name",),
    "task_forces.csv": ("name",),
    "leaders.csv": ("name",),
    "secretaries.csv": ("name",),
    "cadences.csv": ("secretary", "project"),
    "contacts.csv": ("secretary", "project", "on"),
    "issues.csv": ("id",),
    "issue_events.csv": ("issue", "at", "kind"),
}


def _resolve(spec: Any, name: str) -> str | None:
    """The CSV file ``spec``'s column that a column headed ``name`` is (an annual plan's too)."""
    names = {
        _norm_header(alias): col.name for col in spec.columns for alias in (col.name, *col.aliases)
    }
    return _column_name(spec, names, _norm_header(name))


def _is_opaque(kind: object) -> bool:
    """True for the Arrow type ADBC gives a PostgreSQL ``NUMERIC`` (its text, opaque)."""
    return isinstance(kind, pa.BaseExtensionType)


def _cell_text(value: object) -> str:
    """A database value as the CSV reader's cell text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):  # a NUMERIC(38, 12) holds 1500.5 as 1500.500000000000
        return format(_plain(value), "f")
    return str(value)
