"""The ledger in SQLite and PostgreSQL: DDL, lossless round trips, the user's own tables.

PostgreSQL tests run against a real server: the one ``PROJPUSH_TEST_POSTGRES_URL``
names (``.ci/run`` starts one), or else one started from the PostgreSQL
binaries when they are installed (conftest's ``pg_server``, :mod:`postgres`).
They skip, saying so, only when neither exists.
"""

from __future__ import annotations

import re
import sqlite3
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings

pytest.importorskip("adbc_driver_sqlite")
psycopg = pytest.importorskip("psycopg")
sa = pytest.importorskip("sqlalchemy")

import postgres  # noqa: E402
from projpush import testing  # noqa: E402
from projpush._convert import to_date, to_money, to_percent  # noqa: E402
from projpush.engine import LedgerTables, from_portfolio, to_portfolio  # noqa: E402
from projpush.errors import LedgerError, ValidationError  # noqa: E402
from projpush.io.sql import ColumnMap, ddl, is_sql_target, read_mapped, read_sql, write_sql  # noqa: E402
from projpush.model import Portfolio  # noqa: E402
from projpush.synth import sample_portfolio  # noqa: E402


@pytest.fixture
def pg_url(pg_server):
    """A fresh database on the server (conftest's pg_server), dropped afterwards."""
    with postgres.database(pg_server) as url:
        yield url


# --------------------------------------------------------------------------- DDL


class TestDDL:
    """The DDL is made from the table schemas, for both dialects."""

    def test_sqlite_ddl_runs_and_states_the_types(self):
        text = ddl("sqlite")
        db = sqlite3.connect(":memory:")
        db.executescript(text)
        names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert 19 == len(names)
        assert (
            '"total_investment" TEXT NOT NULL CHECK (typeof("total_investment") = \'text\'' in text
        )
        assert '"on" TEXT NOT NULL CHECK (date("on") IS "on")' in text
        assert '"stage" TEXT NOT NULL CHECK ("stage" = \'planned\' OR "stage" = ' in text

    def test_postgresql_ddl_states_the_types(self):
        text = ddl("postgresql")
        assert '"total_investment" NUMERIC(38, 12) NOT NULL' in text
        assert '"on" DATE NOT NULL' in text
        assert '"required" BOOLEAN NOT NULL' in text
        assert "\"stage\" TEXT NOT NULL CHECK (\"stage\" IN ('planned', 'reserved'" in text
        assert 'FOREIGN KEY ("issue") REFERENCES "issues" ("id")' in text

    def test_postgresql_ddl_runs(self, pg_url):
        with psycopg.connect(pg_url) as db:
            db.execute(ddl("postgresql"))

    def test_a_sqlite_check_refuses_an_amount_not_in_decimal_form(self, tmp_path):
        db = sqlite3.connect(":memory:")
        db.executescript(ddl("sqlite"))
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            db.execute(
                "INSERT INTO projects VALUES (0, 'K', NULL, 'K', 'n', 'city', 'industry', "
                "'planned', 'r', 'u', NULL, '1,000', NULL)"
            )

    def test_an_unknown_dialect_is_refused(self):
        with pytest.raises(
            ValidationError, match="dialect: expected one of sqlite, postgresql, got 'mysql'"
        ):
            ddl("mysql")


# --------------------------------------------------------------------------- round trips


def _equal(expected: LedgerTables, actual: LedgerTables) -> None:
    for name, table in expected:
        assert table.equals(getattr(actual, name)), name


class TestSQLite:
    """A ledger written to SQLite reads back equal, through every kind of target."""

    def test_a_path(self, tmp_path):
        ledger = sample_portfolio()
        write_sql(ledger, tmp_path / "city.sqlite")
        _equal(from_portfolio(ledger), read_sql(tmp_path / "city.sqlite"))

    def test_money_is_exact_text(self, tmp_path):
        write_sql(sample_portfolio(), tmp_path / "city.db")
        db = sqlite3.connect(tmp_path / "city.db")
        kinds = {r[0] for r in db.execute("SELECT typeof(total_investment) FROM projects")}
        assert {"text"} == kinds
        assert db.execute("SELECT count(*) FROM monthly WHERE done LIKE '%.%0'").fetchone() == (0,)

    def test_a_url_a_sqlite3_connection_and_an_engine(self, tmp_path):
        tables = from_portfolio(sample_portfolio())
        write_sql(tables, f"sqlite:///{tmp_path}/a.sqlite")
        _equal(tables, read_sql(sqlite3.connect(tmp_path / "a.sqlite")))
        write_sql(tables, sqlite3.connect(tmp_path / "b.sqlite"))
        _equal(tables, read_sql(sa.create_engine(f"sqlite:///{tmp_path}/b.sqlite")))
        engine = sa.create_engine(f"sqlite:///{tmp_path}/c.sqlite")
        write_sql(tables, engine)
        with engine.connect() as connection:
            _equal(tables, read_sql(connection))

    def test_an_adbc_connection(self, tmp_path):
        import adbc_driver_sqlite.dbapi  # noqa: PLC0415

        tables = from_portfolio(sample_portfolio())
        with adbc_driver_sqlite.dbapi.connect(str(tmp_path / "a.sqlite")) as db:
            write_sql(tables, db)
            _equal(tables, read_sql(db))

    def test_replace_writes_over_the_ledger_and_keeps_other_tables(self, tmp_path):
        target = tmp_path / "city.sqlite"
        db = sqlite3.connect(target)
        db.execute("CREATE TABLE mine (x)")
        db.commit()
        write_sql(Portfolio(), target)
        write_sql(sample_portfolio(), target, replace=True)
        assert 50 == read_sql(target).projects.num_rows
        assert db.execute("SELECT count(*) FROM mine").fetchone() == (0,)

    @settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
    @given(testing.portfolios())
    def test_generated_portfolios_round_trip(self, portfolio):
        with tempfile.TemporaryDirectory() as folder:
            write_sql(portfolio, Path(folder) / "p.sqlite")
            assert portfolio == to_portfolio(read_sql(Path(folder) / "p.sqlite"))


class TestPostgreSQL:
    """A ledger written to a real PostgreSQL server reads back equal."""

    def test_a_url_psycopg_and_sqlalchemy(self, pg_url):
        tables = from_portfolio(sample_portfolio())
        write_sql(tables, pg_url)
        _equal(tables, read_sql(pg_url))
        with psycopg.connect(pg_url) as db:
            _equal(tables, read_sql(db))
            write_sql(tables, db, replace=True)
        engine = sa.create_engine(pg_url.replace("postgresql://", "postgresql+psycopg://", 1))
        _equal(tables, read_sql(engine))
        engine.dispose()

    def test_money_is_numeric(self, pg_url):
        write_sql(sample_portfolio(), pg_url)
        with psycopg.connect(pg_url) as db:
            kind = db.execute(
                "SELECT data_type, numeric_precision, numeric_scale "
                "FROM information_schema.columns "
                "WHERE table_name = 'monthly' AND column_name = 'done'"
            ).fetchone()
        assert ("numeric", 38, 12) == kind

    def test_generated_portfolios_round_trip(self, pg_url):
        @settings(max_examples=10, suppress_health_check=[HealthCheck.too_slow], deadline=None)
        @given(testing.portfolios())
        def round_trip(portfolio):
            write_sql(portfolio, pg_url, replace=True)
            assert portfolio == to_portfolio(read_sql(pg_url))

        round_trip()

    def test_a_nul_character_is_refused_before_anything_is_written(self, pg_url):
        """PostgreSQL's text holds no NUL: the cell is named, the database left as it was."""
        write_sql(sample_portfolio(), pg_url)
        ledger = sample_portfolio()
        first = ledger.projects[0]
        named = attrs.evolve(first.milestones[1], name="桩基\x00完成")
        first = attrs.evolve(first, milestones=(first.milestones[0], named, *first.milestones[2:]))
        ledger = attrs.evolve(ledger, projects=(first, *ledger.projects[1:]))
        with pytest.raises(ValidationError) as error:
            write_sql(ledger, pg_url, replace=True)
        assert str(error.value) == (
            f"milestones.name: row key='{first.key}', seq=1: expected text without the NUL "
            "character (U+0000), which PostgreSQL's text cannot hold, got '桩基\\x00完成'"
        )
        assert ("milestones.name", "桩基\x00完成") == (error.value.field, error.value.got)
        assert sample_portfolio() == to_portfolio(read_sql(pg_url))

    def test_an_unreachable_server_is_one_error(self):
        url = "postgresql://nobody@127.0.0.1:1/none"
        with pytest.raises(
            LedgerError, match=r"target: cannot connect to postgresql://nobody@127\.0\.0\.1:1/none"
        ):
            read_sql(url)


# --------------------------------------------------------------------------- errors


class TestArrowColumns:
    """A path or a URL is read as Arrow columns, without a Python object per row or cell."""

    @pytest.fixture
    def no_rows(self, monkeypatch):
        """Fail on the row-by-row paths: a cursor's tuples, and the text read cell by cell."""
        import projpush.engine.tables as engine_tables  # noqa: PLC0415
        import projpush.io.sql as io_sql  # noqa: PLC0415

        def refuse(*args, **kwargs):
            pytest.fail("a Python object per row or per cell")

        monkeypatch.setattr(io_sql, "_array", refuse)
        monkeypatch.setattr(engine_tables, "_converted", refuse)

    def test_sqlite(self, tmp_path, no_rows):
        """SQLite's money and dates are text, cast as whole columns."""
        tables = from_portfolio(sample_portfolio())
        write_sql(tables, tmp_path / "city.sqlite")
        _equal(tables, read_sql(tmp_path / "city.sqlite"))
        _equal(tables, read_sql(f"sqlite:///{tmp_path}/city.sqlite"))

    def test_postgresql(self, pg_url, no_rows):
        tables = from_portfolio(sample_portfolio())
        write_sql(tables, pg_url)
        _equal(tables, read_sql(pg_url))

    @pytest.mark.parametrize(
        "text",
        [
            "0",
            "-0",
            "479.33",
            "-5",
            "9999999999999999.999999999999",
            "10000000000000000",
            "1.0000000000001",
            "0000.5",
            "00012",
            "1e5",
            "1,052.5",
            " 12 ",
            "１２",
            "",
        ],
    )
    def test_money_text_as_the_model_reads_it(self, tmp_path, text):
        """Cast whole or read cell by cell, a text amount is what to_money makes of it."""
        self._same_as_the_model(tmp_path, "monthly", "done", text, to_money)

    @pytest.mark.parametrize(
        "text", ["0", "100", "100.000", "100.5", "99.999999999999", "62.5%", "-1", "1e2", "007"]
    )
    def test_percent_text_as_the_model_reads_it(self, tmp_path, text):
        """A percentage has its own rule: from 0 to 100, no sign."""
        self._same_as_the_model(tmp_path, "milestones", "percent", text, to_percent)

    @pytest.mark.parametrize(
        "text",
        [
            "2020-02-29",
            "2021-02-29",
            "2020-02-30",
            "0000-01-01",
            "0001-01-01",
            "9999-12-31",
            "2020-1-5",
            "20200105",
            " 2020-01-05",
            "２０２０-０１-０５",
        ],
    )
    def test_date_text_as_the_model_reads_it(self, tmp_path, text):
        """Cast whole or read cell by cell, a text date is what to_date makes of it."""
        self._same_as_the_model(tmp_path, "stage_events", "on", text, to_date)

    def _same_as_the_model(self, tmp_path, table, column, text, convert):
        target = tmp_path / "city.sqlite"
        write_sql(sample_portfolio(), target)
        db = sqlite3.connect(target)
        db.execute("PRAGMA ignore_check_constraints = ON")
        db.execute(f'UPDATE {table} SET "{column}" = ? WHERE rowid = 1', (text,))  # noqa: S608
        db.commit()
        db.close()
        try:
            expected = convert(text, column)
        except ValidationError as error:
            refused = (f"{table}.{column}", error.expected, text)
        else:
            assert expected == getattr(read_sql(target), table).column(column)[0].as_py()
            return
        with pytest.raises(ValidationError) as got:
            read_sql(target)
        assert refused == (got.value.field, got.value.expected, got.value.got)


class TestErrors:
    """A bad database, target or value is one error naming where."""

    def test_a_database_without_the_ledger(self, tmp_path):
        sqlite3.connect(tmp_path / "empty.sqlite").execute("CREATE TABLE x (y)")
        with pytest.raises(LedgerError, match="target: expected a database with a projects table"):
            read_sql(tmp_path / "empty.sqlite")

    def test_a_missing_file(self, tmp_path):
        with pytest.raises(LedgerError, match="target: expected an existing SQLite ledger file"):
            read_sql(tmp_path / "none.sqlite")

    def test_an_existing_ledger_is_not_written_over(self, tmp_path):
        write_sql(Portfolio(), tmp_path / "a.sqlite")
        with pytest.raises(LedgerError, match=r"already holds ledger tables \(projects, "):
            write_sql(Portfolio(), tmp_path / "a.sqlite")

    def test_another_database_kind(self):
        with pytest.raises(
            ValidationError, match="target: expected a sqlite:// or postgresql:// URL"
        ):
            read_sql("mysql://host/db")

    def test_another_object(self):
        with pytest.raises(ValidationError, match="got 'int'"):
            read_sql(3)

    def test_not_a_ledger(self, tmp_path):
        with pytest.raises(
            ValidationError, match="ledger: expected a Portfolio or a LedgerTables, got 'dict'"
        ):
            write_sql({}, tmp_path / "a.sqlite")

    def _broken(self, tmp_path, sql: str) -> Path:
        target = tmp_path / "bad.sqlite"
        write_sql(sample_portfolio(), target)
        db = sqlite3.connect(target)
        db.execute("PRAGMA ignore_check_constraints = ON")
        db.execute(sql)
        db.commit()
        return target

    def test_a_bad_amount_names_the_column_and_the_row(self, tmp_path):
        target = self._broken(tmp_path, "UPDATE monthly SET done = '1,00' WHERE rowid = 3")
        with pytest.raises(
            ValidationError,
            match=r"monthly.done: row key='[0-9-]+', month='2020-0\d-01': "
            r"expected an amount in 万元 written in digits, such as 479.33 or 1,052.5, got '1,00'",
        ):
            read_sql(target)

    def test_an_amount_as_text_follows_the_text_grammar(self, tmp_path):
        """'1,000' in a database is read as the JSON reader reads it: 1000."""
        target = self._broken(tmp_path, "UPDATE monthly SET done = '1,000' WHERE rowid = 3")
        assert Decimal(1000) == read_sql(target).monthly.column("done")[2].as_py()

    def test_too_many_places(self, tmp_path):
        target = self._broken(
            tmp_path, "UPDATE projects SET total_investment = '1.0000000000001' WHERE seq = 0"
        )
        with pytest.raises(
            ValidationError,
            match=r"projects.total_investment: row key='2020-330200-47-03-012345': "
            r".*got '1.0000000000001'",
        ):
            read_sql(target)

    def test_a_bad_date(self, tmp_path):
        target = self._broken(
            tmp_path, "UPDATE stage_events SET \"on\" = '2020-02-30' WHERE rowid = 1"
        )
        with pytest.raises(
            ValidationError,
            match=r"stage_events.on: row key='[0-9-]+', seq=0: "
            r"expected an ISO date YYYY-MM-DD, got '2020-02-30'",
        ):
            read_sql(target)

    def test_a_bad_boolean(self, tmp_path):
        target = self._broken(tmp_path, "UPDATE approvals SET required = 2 WHERE rowid = 1")
        with pytest.raises(
            ValidationError,
            match=r"approvals.required: row key='[0-9-]+', seq=\d: "
            r"expected 0 or 1 \(a boolean\), got 2",
        ):
            read_sql(target)

    def test_a_bad_enum(self, tmp_path):
        target = self._broken(tmp_path, "UPDATE projects SET stage = 'building' WHERE seq = 0")
        with pytest.raises(
            ValidationError,
            match=r"projects\.stage: row key='2020-330200-47-03-012345': expected one of "
            r"planned \(谋划\), .*got 'building'",
        ):
            read_sql(target)

    def test_an_enum_label_is_its_member(self, tmp_path):
        """'在建' in a database is read as the JSON reader reads it: under_construction."""
        target = self._broken(tmp_path, "UPDATE projects SET stage = '在建' WHERE seq = 0")
        assert "under_construction" == read_sql(target).projects.column("stage")[0].as_py()

    def test_an_empty_required_cell(self, tmp_path):
        target = self._broken(tmp_path, "CREATE TABLE x (y)")
        db = sqlite3.connect(target)
        db.executescript(
            "ALTER TABLE issue_events RENAME TO old; "
            "CREATE TABLE issue_events AS SELECT * FROM old; DROP TABLE old; "
            "UPDATE issue_events SET actor = NULL WHERE issue = 'Q-2020-003';"
        )
        with pytest.raises(
            ValidationError,
            match=r"issue_events\.actor: row issue='Q-2020-003', seq=0: "
            r"expected a non-empty string, got None",
        ):
            read_sql(target)

    def test_an_orphan_row_is_refused_by_the_foreign_key(self, tmp_path):
        tables = from_portfolio(sample_portfolio())
        import pyarrow as pa  # noqa: PLC0415

        orphan = tables.monthly.slice(0, 1).set_column(0, "key", pa.array(["NB-none"]))
        orphan = orphan.cast(tables.monthly.schema)
        bad = LedgerTables.of(
            **{**dict(tables), "monthly": pa.concat_tables([tables.monthly, orphan])}
        )
        with pytest.raises(
            LedgerError, match=r"monthly: the database refused the rows: .*FOREIGN KEY"
        ):
            write_sql(bad, tmp_path / "a.sqlite")
        assert (
            not sqlite3.connect(tmp_path / "a.sqlite")
            .execute("SELECT name FROM sqlite_master")
            .fetchall()
        )  # one transaction: nothing written

    def test_a_sqlite_url_without_a_file(self):
        with pytest.raises(ValidationError, match="target: expected a sqlite:///FILE URL naming"):
            read_sql("sqlite://")

    def test_a_folder(self, tmp_path):
        (tmp_path / "x.db").mkdir()
        with pytest.raises(LedgerError, match="target: expected a SQLite file, not a folder"):
            write_sql(Portfolio(), tmp_path / "x.db")

    def test_is_sql_target(self):
        assert is_sql_target(Path("a.DB"))
        assert not is_sql_target(Path("folder"))


# --------------------------------------------------------------------------- the user's own tables


def _their_database(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    db.executescript(
        """
        CREATE TABLE xm (id INTEGER PRIMARY KEY, 项目代码 TEXT, 项目名称 TEXT, 级别 TEXT,
            类别 TEXT, 阶段 TEXT, 所在区域 TEXT, dept TEXT, 总投资 TEXT, created TEXT);
        INSERT INTO xm VALUES (1, '2020-330200-47-03-012345', '港口扩建', '市级', '工业',
            '在建', '北仑区', '市港航局', '1500.5', '2024-01-01');
        CREATE TABLE yb (code TEXT, 月份 TEXT, 完成投资 TEXT);
        INSERT INTO yb VALUES ('2020-330200-47-03-012345', '2020年5月', '12.5');
        CREATE VIEW issues_v AS SELECT 'Q-1' AS 问题编号, '2020-330200-47-03-012345' AS 项目代码,
            '土地' AS 问题类别, '征地拆迁滞后' AS 问题描述;
        CREATE TABLE sj (问题编号 TEXT, 日期 DATE, 事件 TEXT, 经办人 TEXT);
        INSERT INTO sj VALUES ('Q-1', '2020-09-28', 'collected', '服务秘书 王秘书');
        """
    )
    db.commit()
    return db


_MAPPING = {
    "projects": ColumnMap("xm", {"unit": "dept"}),
    "monthly": ColumnMap("yb", {"project": "code"}),
    "issues": ColumnMap("issues_v"),
    "issue_events": ColumnMap("sj"),
}


# The platform's own table of docs/ledger-format.md ("Your own tables").
_XM = """
CREATE TABLE xm (项目代码 TEXT, 项目名称 TEXT, 级别 TEXT, 类别 TEXT, 阶段 TEXT,
    所在区域 TEXT, dept TEXT, 总投资 TEXT, created TEXT);
INSERT INTO xm VALUES ('2020-330200-47-03-012345', '港口扩建', '市级', '工业', '在建',
    '北仑区', '市港航局', '1500.5', '2024-01-01');
"""


class TestMapped:
    """A ledger kept in tables of one's own reads through a column mapping."""

    def test_their_names_and_labels(self, tmp_path):
        _their_database(tmp_path / "theirs.db")
        portfolio = read_mapped(tmp_path / "theirs.db", _MAPPING)
        project = portfolio.projects[0]
        assert ("港口扩建", "市港航局", "under_construction") == (
            project.name,
            project.unit,
            project.stage.value,
        )
        assert [("2020-05", "12.5")] == [(str(m), str(v)) for m, v in project.monthly_done.items()]
        assert "Q-1" == portfolio.issues[0].id
        assert 1 == read_sql(tmp_path / "theirs.db", mapping=_MAPPING).projects.num_rows

    def test_a_bad_label_names_their_table_column_and_row(self, tmp_path):
        db = _their_database(tmp_path / "theirs.db")
        db.execute("UPDATE xm SET 阶段 = '建设中'")
        db.commit()
        with pytest.raises(
            LedgerError, match=r"^xm.阶段 \(row 项目代码='2020-330200-47-03-012345'\): .*'建设中'"
        ):
            read_mapped(tmp_path / "theirs.db", _MAPPING)

    def test_a_float_amount_is_refused(self, tmp_path):
        db = _their_database(tmp_path / "theirs.db")
        db.execute("CREATE TABLE yb2 (code TEXT, 月份 TEXT, 完成投资 REAL)")
        db.execute("INSERT INTO yb2 VALUES ('2020-330200-47-03-012345', '2020-05', 0.1)")
        db.commit()
        mapping = {**_MAPPING, "monthly": ColumnMap("yb2", {"project": "code"})}
        with pytest.raises(
            LedgerError,
            match=r"yb2\.完成投资 \(row code='2020-330200-47-03-012345', 月份='2020-05'\): "
            r"完成投资: expected an exact amount \(NUMERIC, DECIMAL or text; .*\), got 0\.1",
        ):
            read_mapped(tmp_path / "theirs.db", mapping)

    def test_a_missing_table_or_column(self, tmp_path):
        _their_database(tmp_path / "theirs.db")
        with pytest.raises(LedgerError, match="no table or view 'nope' in the database"):
            read_mapped(tmp_path / "theirs.db", {"projects": ColumnMap("nope")})
        with pytest.raises(
            LedgerError, match=r"xm.部门: expected a column of the table|xm.部门: no such column"
        ):
            read_mapped(tmp_path / "theirs.db", {"projects": ColumnMap("xm", {"unit": "部门"})})

    def test_projects_must_be_mapped(self, tmp_path):
        _their_database(tmp_path / "theirs.db")
        with pytest.raises(LedgerError, match=r"^projects: this table is required but missing$"):
            read_mapped(tmp_path / "theirs.db", {"monthly": ColumnMap("yb")})

    def test_a_mapping_value_must_be_a_column_map(self, tmp_path):
        with pytest.raises(ValidationError, match=r"mapping\['projects'\]: expected a ColumnMap"):
            read_mapped(tmp_path / "x.db", {"projects": "xm"})

    def test_their_tables_round_trip_a_ledger_through_the_csv_rules(self, tmp_path):
        from projpush.csvledger import _tables  # noqa: PLC0415 (the CSV ledger's own rows)

        ledger = sample_portfolio()
        db = sqlite3.connect(tmp_path / "csvlike.db")
        mapping = {}
        for file, (header, rows) in _tables(ledger).items():
            name = file.removesuffix(".csv")
            columns = ", ".join(f'"{h}" TEXT' for h in header)
            db.execute(f'CREATE TABLE "t_{name}" ({columns})')
            marks = ", ".join("?" * len(header))
            db.executemany(f'INSERT INTO "t_{name}" VALUES ({marks})', rows)  # noqa: S608
            mapping[name] = ColumnMap(f"t_{name}")
        db.commit()
        assert ledger == read_mapped(tmp_path / "csvlike.db", mapping)

    def test_their_tables_on_postgresql(self, pg_url):
        with psycopg.connect(pg_url) as db:
            db.execute(
                "CREATE TABLE xm (项目代码 TEXT, 项目名称 TEXT, 级别 TEXT, 类别 TEXT, 阶段 TEXT, "
                "所在区域 TEXT, dept TEXT, 总投资 NUMERIC(38, 12), 开工 DATE)"
            )
            db.execute(
                "INSERT INTO xm VALUES ('2020-330200-47-03-012345', '港口扩建', '市级', '工业', "
                "'在建', '北仑区', '市港航局', 1500.5, '2020-03-01')"
            )
        portfolio = read_mapped(pg_url, {"projects": ColumnMap("xm", {"unit": "dept"})})
        amount = portfolio.projects[0].total_investment
        assert ("1500.5", "市港航局") == (str(amount), portfolio.projects[0].unit)

    @pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
    def test_the_documented_view_per_table(self, tmp_path, request, dialect):
        """The view docs/ledger-format.md gives, over its own table xm, reads as a ledger."""
        doc = (Path(__file__).parents[1] / "docs" / "ledger-format.md").read_text("utf-8")
        after = doc[doc.index("**A view per table** is the alternative") :]
        view = re.search(r"```sql\n(.*?)```", after, re.DOTALL)[1]
        if dialect == "sqlite":
            target = tmp_path / "platform.db"
            with sqlite3.connect(target) as db:
                db.executescript(_XM + view)
        else:
            target = request.getfixturevalue("pg_url")
            with psycopg.connect(target) as db:
                db.execute(_XM + view)
        [project] = to_portfolio(read_sql(target)).projects
        assert ("2020-330200-47-03-012345", "港口扩建", "under_construction", "市港航局") == (
            project.key,
            project.name,
            project.stage.value,
            project.unit,
        )
        assert Decimal("1500.5") == project.total_investment

    def test_an_unknown_table_of_the_mapping(self, tmp_path):
        with pytest.raises(ValidationError, match="mapping: expected keys among projects, "):
            read_mapped(tmp_path / "x.db", {"projekte": ColumnMap("x")})


class TestMissingExtra:
    """Without the sql extra's drivers the message says which extra to install."""

    def test_the_sqlite_driver(self, tmp_path, monkeypatch):
        monkeypatch.setitem(sys.modules, "adbc_driver_sqlite", None)
        monkeypatch.setitem(sys.modules, "adbc_driver_sqlite.dbapi", None)
        expected = (
            'projpush.io.sql needs adbc_driver_sqlite; install it with: pip install "projpush[sql]"'
        )
        with pytest.raises(ImportError, match=re.escape(expected)):
            write_sql(Portfolio(), tmp_path / "a.sqlite")

    def test_the_postgresql_driver(self, monkeypatch):
        monkeypatch.setitem(sys.modules, "adbc_driver_postgresql", None)
        monkeypatch.setitem(sys.modules, "adbc_driver_postgresql.dbapi", None)
        with pytest.raises(ImportError, match=re.escape('pip install "projpush[sql]"')):
            read_sql("postgresql://nobody@127.0.0.1:1/x")

    def test_on_the_command_line(self, tmp_path, monkeypatch, capsys):
        from projpush.cli import main  # noqa: PLC0415

        monkeypatch.setitem(sys.modules, "adbc_driver_sqlite", None)
        monkeypatch.setitem(sys.modules, "adbc_driver_sqlite.dbapi", None)
        write = tmp_path / "city.json"
        from projpush.io import dump_portfolio  # noqa: PLC0415

        dump_portfolio(Portfolio(), write)
        assert 2 == main(["convert", str(write), str(tmp_path / "b.sqlite")])
        assert 'install it with: pip install "projpush[sql]"' in capsys.readouterr().err
