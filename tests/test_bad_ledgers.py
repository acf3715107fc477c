"""One catalogue of bad ledgers through every format: the same error, located the format's way.

Each case is one value of a small valid ledger made bad, named once at the
level of the ledger's records and fields (a project's ``total_investment``,
a milestone's ``percent``, an issue's ``project``). The case is written into
each format (JSON, CSV folder, workbook, Parquet, SQLite, PostgreSQL) as a
person editing that format would make it: a JSON value, a CSV cell, a sheet
cell, a Parquet column, a database row. It is then read back through the
format's checked reader, :func:`projpush.ledger.load_ledger`, and every
format must raise the error the JSON loader raises: the same class, the
same ``expected`` and ``got``, and a ``field`` that names the same value the
format's way (``$.projects[0].total_investment``,
``projects.csv:2:total_investment``, ``项目!J2``, ``projects.total_investment``
with the row's key in the message).

A format that cannot even hold a bad value (a PostgreSQL ``NUMERIC`` column
and the text ``12x``) is listed in the case's ``cannot_hold``; the test
checks that it indeed refuses the value as it is written. These are the
per-format differences ``docs/ledger-format.md`` lists.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
import json
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest

pytest.importorskip("adbc_driver_sqlite")
openpyxl = pytest.importorskip("openpyxl")

import postgres  # noqa: E402
from projpush.csvledger import dump_csv_ledger  # noqa: E402
from projpush.engine.tables import from_portfolio, write_parquet  # noqa: E402
from projpush.errors import LedgerError, ProjpushError  # noqa: E402
from projpush.io import dump_portfolio  # noqa: E402
from projpush.io.sql import write_sql  # noqa: E402
from projpush.io.xlsx import SHEETS, dump_xlsx_ledger  # noqa: E402
from projpush.ledger import load_ledger  # noqa: E402
from projpush.model import Portfolio  # noqa: E402
from projpush.synth import sample_portfolio  # noqa: E402

FORMATS = ("json", "csv", "xlsx", "parquet", "sqlite", "postgresql")

MISSING: Any = None  # a value left out: a JSON null, a blank cell, a NULL
_AS_TYPED: Any = object()  # a table holds the value as the other formats do


def small_ledger() -> Portfolio:
    """Three projects of the sample city, with the issues, people and units that go with them."""
    city = sample_portfolio()
    projects = tuple(attrs.evolve(p, site_activity=p.site_activity[:2]) for p in city.projects[:3])
    keys = {p.key for p in projects}

    def kept(items: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(k for k in items if k in keys)

    secretaries = tuple(
        attrs.evolve(
            s,
            projects=kept(s.projects),
            cadences={k: v for k, v in s.cadences.items() if k in keys},
            contacts=tuple(c for c in s.contacts if c.project in keys),
        )
        for s in city.secretaries[:2]
    )
    return Portfolio(
        projects=projects,
        leaders=tuple(attrs.evolve(x, projects=kept(x.projects)) for x in city.leaders[:2]),
        secretaries=secretaries,
        issues=tuple(i for i in city.issues if i.project in keys)[:3],
        units=city.units[:3],
        task_forces=tuple(attrs.evolve(t, projects=kept(t.projects)) for t in city.task_forces[:1]),
    )


LEDGER = small_ledger()

# --------------------------------------------------------------------------- where a value is

# A record list: its CSV file, its table, the column naming a record in its children's rows
# (CSV, tables) and the attribute giving that name.
_RECORDS = {
    "projects": ("projects.csv", "projects", "key"),
    "issues": ("issues.csv", "issues", "id"),
    "leaders": ("leaders.csv", "leaders", "name"),
    "secretaries": ("secretaries.csv", "secretaries", "name"),
    "units": ("units.csv", "units", "name"),
    "task_forces": ("task_forces.csv", "task_forces", "name"),
}
# A list inside a record: its CSV file and owner column, its table and owner column.
_CHILDREN = {
    "milestones": ("milestones.csv", "project", "milestones", "key"),
    "approvals": ("approvals.csv", "project", "approvals", "key"),
    "stage_events": ("stage_events.csv", "project", "stage_events", "key"),
    "site_activity": ("site_activity.csv", "project", "site_observations", "key"),
    "events": ("issue_events.csv", "issue", "issue_events", "issue"),
    "contacts": ("contacts.csv", "secretary", "contacts", "secretary"),
}
# A list of names inside a record, as a table of its own: (table, owner column, column).
_NAME_LISTS = {
    ("leaders", "projects"): ("leader_projects", "leader", "project"),
    ("secretaries", "projects"): ("secretary_projects", "secretary", "project"),
    ("task_forces", "projects"): ("task_force_projects", "task_force", "project"),
    ("task_forces", "members"): ("task_force_members", "task_force", "member"),
}
_MONTHLY = {"monthly_plan": "plan", "monthly_done": "done"}


@attrs.frozen
class At:
    """One value of the ledger: ``records[index]``, in its ``child[child_index]`` if given.

    ``key`` is a mapping's key (``annual_plans["2020"]``) or a list's index
    (a leader's ``projects[0]``); ``month`` names the month of a project's
    monthly figures itself (the key of both ``monthly_plan`` and ``monthly_done``).
    """

    records: str
    index: int
    field: str
    child: str | None = None
    child_index: int = 0
    key: str | int | None = None

    @property
    def record(self) -> Any:
        return getattr(LEDGER, self.records)[self.index]

    @property
    def owner(self) -> str:
        return str(getattr(self.record, _RECORDS[self.records][2]))

    # -- JSON

    def json_path(self) -> str:
        path = f"$.{self.records}[{self.index}]"
        if self.child:
            path += f".{self.child}[{self.child_index}]"
        if self.field == "month":
            return f'{path}.monthly_plan["{{}}"]'  # the bad month itself is the key
        path += f".{self.field}"
        if isinstance(self.key, int):
            return f"{path}[{self.key}]"
        return f'{path}["{self.key}"]' if self.key is not None else path

    def set_json(self, document: dict[str, Any], value: Any) -> None:
        record = document[self.records][self.index]
        if self.child:
            record = record[self.child][self.child_index]
        if self.field == "month":
            for name in _MONTHLY:
                record[name] = {(value if k == self.key else k): v for k, v in record[name].items()}
        elif self.key is not None:
            record[self.field][self.key] = value
        else:
            record[self.field] = value

    # -- CSV folder and workbook: (file, line, column)

    def cell(self) -> tuple[str, int, str]:
        if self.child:
            file, owner_column, _, _ = _CHILDREN[self.child]
            return file, self._line(file, owner_column, self.child_index), self.field
        if self.field in _MONTHLY or self.field == "month":
            line = self._line("monthly.csv", "project", 0, month=str(self.key))
            return "monthly.csv", line, _MONTHLY.get(self.field, "month")
        file = _RECORDS[self.records][0]
        if self.field == "annual_plans":
            return file, self.index + 2, f"annual_plan_{self.key}"
        return file, self.index + 2, self.field

    def _line(self, file: str, owner_column: str, nth: int, month: str | None = None) -> int:
        rows = _csv_rows(file)
        found = [
            line
            for line, row in enumerate(rows[1:], start=2)
            if row[rows[0].index(owner_column)] == self.owner
            and (month is None or row[rows[0].index("month")] == month)
        ]
        return found[nth]

    def cell_text(self, value: str | None) -> str:
        """The cell's new text: ``value``, or for a list cell the list with one item replaced."""
        if isinstance(self.key, int):
            items = list(getattr(self.record, self.field))
            items[self.key] = value or ""
            return ";".join(items)
        return value or ""

    # -- tables: (table, the row's key columns and values, column)

    def table_cell(self) -> tuple[str, dict[str, Any], str]:
        if self.child:
            _, _, table, owner_column = _CHILDREN[self.child]
            return table, {owner_column: self.owner, "seq": self.child_index}, self.field
        if (self.records, self.field) in _NAME_LISTS:
            table, owner_column, column = _NAME_LISTS[self.records, self.field]
            return table, {owner_column: self.owner, "seq": self.key}, column
        if self.field in _MONTHLY or self.field == "month":
            month = dt.date.fromisoformat(f"{self.key}-01")
            return "monthly", {"key": self.owner, "month": month}, _MONTHLY.get(self.field, "month")
        if self.field == "annual_plans":
            return "annual_plans", {"key": self.owner, "year": int(str(self.key))}, "plan"
        table, id_column = _RECORDS[self.records][1:]
        return table, {id_column: self.owner}, self.field


@attrs.frozen
class Bad:
    """A case: the value at ``at`` replaced by ``value`` (for the tables, ``table_value``).

    ``also`` are more cells of the same row of a table, changed with it (a
    project's ``key`` beside its ``code``). ``cannot_hold`` are the formats
    whose column refuses the value as it is written; ``words`` the formats
    whose error says what they expected in words of their own, and those words.
    """

    at: At
    value: Any
    table_value: Any = _AS_TYPED
    also: tuple[tuple[str, Any], ...] = ()
    cannot_hold: frozenset[str] = frozenset()
    words: tuple[tuple[frozenset[str], str, Any], ...] = ()

    @property
    def in_tables(self) -> Any:
        return self.value if self.table_value is _AS_TYPED else self.table_value

    def expected(self, form: str, error: ProjpushError) -> tuple[str | None, Any]:
        """What the error from ``form`` expected and got: the JSON's, unless ``words`` say."""
        words = (error.expected, error.got)
        return next(((w, g) for forms, w, g in self.words if form in forms), words)


P0 = LEDGER.projects[0]
SQL = frozenset({"sqlite", "postgresql"})
# A server's typed column holds no text that is not its type, nor its CHECK constraint an
# enum's unknown value. SQLite holds any text in any column, and the test writes its rows
# as a tool of a person's own would, its CHECK constraints off; NOT NULL stays.
NO_TEXT = frozenset({"postgresql"})
PG_TYPED = NO_TEXT
CHECKED = NO_TEXT
NOT_NULL = SQL
TEXT_CELLS = frozenset({"csv", "xlsx"})
YES_NO = ((TEXT_CELLS, "yes/no (是/否, true/false, 1/0)", "maybe"),)


def _project(field: str, value: Any, **kw: Any) -> Bad:
    return Bad(At("projects", 0, field), value, **kw)


def _milestone(field: str, value: Any, **kw: Any) -> Bad:
    return Bad(At("projects", 0, field, child="milestones", child_index=1), value, **kw)


CATALOGUE: dict[str, Bad] = {
    # amounts
    "amount not a number": _project("total_investment", "12x", cannot_hold=NO_TEXT),
    "amount negative": _project("total_investment", "-5"),
    "amount with two points": _project("total_investment", "1.2.3", cannot_hold=PG_TYPED),
    "amount too fine": _project("total_investment", "1.0000000000001"),
    "annual plan not a number": Bad(
        At("projects", 0, "annual_plans", key="2020"), "abc", cannot_hold=NO_TEXT
    ),
    "monthly figure not a number": Bad(
        At("projects", 0, "monthly_done", key="2020-05"), "x12", cannot_hold=NO_TEXT
    ),
    # dates and months
    "date that does not exist": _milestone("planned", "2020-06-31", cannot_hold=PG_TYPED),
    "date not a date": Bad(
        At("projects", 0, "on", child="stage_events", child_index=0), "soon", cannot_hold=NO_TEXT
    ),
    "event date not a date": Bad(
        At("issues", 0, "at", child="events", child_index=1), "2020-13-01", cannot_hold=NO_TEXT
    ),
    "month out of range": Bad(
        At("projects", 0, "month", key="2020-05"),
        "2020-13",
        table_value="2020-13-01",  # a table's month is the date of its first day
        cannot_hold=NO_TEXT,
        words=((frozenset({"parquet", "sqlite"}), "an ISO date YYYY-MM-DD", "2020-13-01"),),
    ),
    # enums
    "unknown stage": _project("stage", "半停工", cannot_hold=CHECKED),
    "unknown level": _project("level", "村级", cannot_hold=CHECKED),
    "unknown issue category": Bad(At("issues", 0, "category"), "weather", cannot_hold=CHECKED),
    "unknown event kind": Bad(
        At("issues", 0, "kind", child="events", child_index=1), "shelved", cannot_hold=CHECKED
    ),
    "unknown approval kind": Bad(
        At("projects", 0, "kind", child="approvals", child_index=0), "permit", cannot_hold=CHECKED
    ),
    "unknown leader rank": Bad(At("leaders", 0, "rank"), "村级", cannot_hold=CHECKED),
    "unknown cadence": Bad(At("secretaries", 0, "default_cadence"), "hourly", cannot_hold=CHECKED),
    # required values
    "project name missing": _project("name", MISSING, cannot_hold=NOT_NULL),
    "project region blank": _project("region", "   "),
    "milestone name missing": _milestone("name", MISSING, cannot_hold=NOT_NULL),
    "issue title missing": Bad(At("issues", 0, "title"), MISSING, cannot_hold=NOT_NULL),
    "leader name missing": Bad(At("leaders", 0, "name"), MISSING, cannot_hold=NOT_NULL),
    # references and keys
    "duplicate project code": Bad(
        At("projects", 1, "code"),
        str(P0.code),
        also=(("key", P0.key),),  # a table's row names its project by its key too
        cannot_hold=SQL,  # the key is the table's primary key
    ),
    "issue of an unknown project": Bad(At("issues", 0, "project"), "2099-330200-47-03-000001"),
    "leader of an unknown project": Bad(At("leaders", 0, "projects", key=0), "L-404"),
    "bad project code": _project("code", "2020-33020-47-03-012345"),
    # rules between fields
    "milestone done before its start": _milestone("done", "2019-01-01"),
    "milestone planned before its start": _milestone("planned", "2019-01-01"),
    "percent over 100": _milestone("percent", "120"),
    "percent not a number": _milestone("percent", "most", cannot_hold=NO_TEXT),
    "approval granted before applied": Bad(
        At("projects", 0, "granted", child="approvals", child_index=0), "2019-01-01"
    ),
    "yes/no not a boolean": Bad(
        At("projects", 0, "active", child="site_activity", child_index=0),
        "maybe",
        cannot_hold=NO_TEXT,
        words=YES_NO,
    ),
}
# A PostgreSQL NUMERIC(38, 12) rounds a finer amount as it stores it: the value read back
# is not the one written, and there is nothing left to refuse.
ROUNDED_BY_POSTGRESQL = {"amount too fine": Decimal(1)}
# Where a record's key is given twice, the second record is named: JSON has no one value
# that is its key (a code, or else a local id), a CSV row's code cell or a table's key is.
WHOLE_RECORD = {"duplicate project code": "$.projects[1]"}


# --------------------------------------------------------------------------- writing a case


def _csv_rows(file: str) -> list[list[str]]:
    return _CSV_TEXT[file]


def _valid_csv() -> dict[str, list[list[str]]]:
    import tempfile  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as folder:
        dump_csv_ledger(LEDGER, folder)
        return {
            p.name: list(csv.reader(io.StringIO(p.read_text(encoding="utf-8-sig"), newline="")))
            for p in Path(folder).iterdir()
        }


_CSV_TEXT = _valid_csv()


def _json(case: Bad, target: Path) -> None:
    dump_portfolio(LEDGER, target)
    document = json.loads(target.read_text(encoding="utf-8"))
    case.at.set_json(document, case.value)
    target.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")


def _csv(case: Bad, target: Path) -> None:
    dump_csv_ledger(LEDGER, target)
    file, line, column = case.at.cell()
    rows = [list(r) for r in _csv_rows(file)]
    rows[line - 1][rows[0].index(column)] = case.at.cell_text(case.value)
    with (target / file).open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)


def _xlsx_cell(case: Bad) -> tuple[str, str]:
    file, line, column = case.at.cell()
    letter = openpyxl.utils.get_column_letter(_csv_rows(file)[0].index(column) + 1)
    return SHEETS[file][1], f"{letter}{line}"


def _xlsx(case: Bad, target: Path) -> None:
    dump_xlsx_ledger(LEDGER, target)
    book = openpyxl.load_workbook(target)
    sheet, ref = _xlsx_cell(case)
    book[sheet][ref].value = case.at.cell_text(case.value) or None  # a cell typed as text
    book.save(target)


def _parquet(case: Bad, target: Path) -> None:
    import pyarrow as pa  # noqa: PLC0415

    tables = dict(from_portfolio(LEDGER))
    name, where, column = case.at.table_cell()
    table = tables[name]
    rows = table.to_pylist()
    index = next(i for i, r in enumerate(rows) if all(r[k] == v for k, v in where.items()))
    for cell, value in ((column, case.in_tables), *case.also):
        values = table.column(cell).to_pylist()
        values[index] = value
        kind = table.schema.field(cell).type
        try:
            array = pa.array(values, pa.string() if pa.types.is_dictionary(kind) else kind)
        except (pa.ArrowInvalid, pa.ArrowTypeError):  # the column as text, as tools write it
            array = pa.array([_text(v) for v in values], pa.string())
        table = table.set_column(table.column_names.index(cell), cell, array)
    tables[name] = table
    from projpush.engine.tables import LedgerTables  # noqa: PLC0415

    write_parquet(LedgerTables(**tables), target)


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _update(case: Bad) -> tuple[str, list[Any]]:
    name, where, column = case.at.table_cell()
    cells = ((column, case.in_tables), *case.also)
    changes = ", ".join(f'"{c}" = ?' for c, _ in cells)
    condition = " AND ".join(f'"{k}" = ?' for k in where)
    statement = f'UPDATE "{name}" SET {changes} WHERE {condition}'  # noqa: S608 (a test's)
    return statement, [*(v for _, v in cells), *(_text(v) for v in where.values())]


def _sqlite(case: Bad, target: Path, *, checked: bool = False) -> None:
    write_sql(LEDGER, target)
    statement, values = _update(case)
    with sqlite3.connect(target) as connection:  # foreign keys off: as a person's edit
        if not checked:
            connection.execute("PRAGMA ignore_check_constraints = ON")
        assert 1 == connection.execute(statement, values).rowcount


def _postgresql(case: Bad, url: str) -> None:
    psycopg = pytest.importorskip("psycopg")
    write_sql(LEDGER, url, replace=True)
    statement, values = _update(case)
    with psycopg.connect(url) as connection:
        connection.execute("SET session_replication_role = replica")  # keys unchecked
        assert 1 == connection.execute(statement.replace("?", "%s"), values).rowcount


# --------------------------------------------------------------------------- where the error is


def located(case: Bad, form: str) -> str:
    """The ``field`` an error about the case's value has when read from ``form``."""
    name = next(n for n, c in CATALOGUE.items() if c is case)
    if form == "json" and name in WHOLE_RECORD:
        return WHOLE_RECORD[name]
    if form in {"parquet", "sqlite", "postgresql"} and case.also:
        table, _, _ = case.at.table_cell()
        return f"{table}.{case.also[0][0]}"
    if form == "json":
        return case.at.json_path().replace("{}", str(case.value))
    if form == "csv":
        file, line, column = case.at.cell()
        return f"{file}:{line}:{column}"
    if form == "xlsx":
        sheet, ref = _xlsx_cell(case)
        return f"{sheet}!{ref}"
    name, _, column = case.at.table_cell()
    return f"{name}.{column}"


def row_key(case: Bad) -> str:
    """How a table's error names the row: ``row key='...', seq=1`` (its place if the key is bad)."""
    _, where, column = case.at.table_cell()
    keys = {k: v for k, v in where.items() if k not in {column, *(c for c, _ in case.also)}}
    if not keys:
        keys = {"seq": case.at.index}
    shown = ", ".join(
        f"{k}={v.isoformat()!r}" if isinstance(v, dt.date) else f"{k}={v!r}"
        for k, v in keys.items()
    )
    return f"row {shown}"


@pytest.fixture(scope="module")
def pg(postgres_server):
    """A database of this module's own on the test server (None without one), dropped after.

    Its own, so that processes running tests side by side never write the same tables.
    """
    if postgres_server is None:
        yield None
        return
    with postgres.database(postgres_server) as url:
        yield url


def _read(case: Bad, form: str, folder: Path, pg: str | None) -> ProjpushError:
    """Write ``case`` in ``form`` and read it back; the error the checked reader raised."""
    if form == "postgresql":
        if pg is None:
            pytest.skip(postgres.NO_POSTGRES)
        _postgresql(case, pg)
        source: object = pg
    else:
        source = folder / {"json": "bad.json", "csv": "bad", "xlsx": "bad.xlsx"}.get(
            form, f"bad.{form}"
        )
        {"json": _json, "csv": _csv, "xlsx": _xlsx, "parquet": _parquet, "sqlite": _sqlite}[form](
            case, source
        )
    with pytest.raises(ProjpushError) as error:
        load_ledger(source)  # type: ignore[arg-type]
    return error.value


def _cannot_hold(case: Bad, form: str, folder: Path, pg: str | None) -> None:
    """Check that ``form`` refuses to hold the case's value as it is written."""
    if form == "postgresql":
        if pg is None:
            pytest.skip(postgres.NO_POSTGRES)
        psycopg = pytest.importorskip("psycopg")
        with pytest.raises(psycopg.Error):
            _postgresql(case, pg)
        return
    assert form == "sqlite", form
    with pytest.raises(sqlite3.IntegrityError):
        _sqlite(case, folder / "bad.sqlite", checked=True)


@pytest.fixture(scope="module")
def from_json(tmp_path_factory) -> dict[str, ProjpushError]:
    """The JSON loader's error for every case: the one every other format must raise."""
    folder = tmp_path_factory.mktemp("json")
    return {name: _read(case, "json", folder, None) for name, case in CATALOGUE.items()}


class TestCatalogue:
    """Each bad ledger is refused by every format with the JSON loader's error, located."""

    def test_the_catalogue_covers_every_kind_of_field(self):
        """Amounts, dates, months, enums, required text, keys, references, rules, booleans."""
        fields = {case.at.field for case in CATALOGUE.values()}
        assert {"total_investment", "planned", "month", "stage", "name", "code", "project"} <= (
            fields
        )
        assert 25 <= len(CATALOGUE)

    @pytest.mark.parametrize("form", FORMATS)
    @pytest.mark.parametrize("name", sorted(CATALOGUE))
    def test_same_error(self, name, form, tmp_path, pg, from_json):
        case = CATALOGUE[name]
        if form in case.cannot_hold:
            _cannot_hold(case, form, tmp_path, pg)
            return
        if form == "postgresql" and name in ROUNDED_BY_POSTGRESQL:
            if pg is None:
                pytest.skip(postgres.NO_POSTGRES)
            _postgresql(case, pg)
            assert ROUNDED_BY_POSTGRESQL[name] == load_ledger(pg).projects[0].total_investment
            return
        expected = from_json[name]
        assert isinstance(expected, LedgerError)
        got = expected if form == "json" else _read(case, form, tmp_path, pg)
        assert (type(expected), located(case, form)) == (type(got), got.field), str(got)
        words, value = case.expected(form, expected)
        assert (words, _shown(value)) == (got.expected, _shown(got.got)), (
            f"{got}\n  json: {expected}"
        )
        if form in {"parquet", "sqlite", "postgresql"}:
            assert row_key(case) in str(got)


def _shown(value: Any) -> Any:
    """A value as compared across formats: a typed format gives ``Decimal('120')`` for ``'120'``."""
    if isinstance(value, str) and not value.strip():
        return None  # a blank cell is blank, as a JSON null is: its spaces are not kept
    return _text(value)
