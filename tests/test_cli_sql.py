"""The command line on database ledgers: schema, convert, and every subcommand reading one."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

pytest.importorskip("adbc_driver_sqlite")

import postgres
from projpush.cli import main
from projpush.io.sql import ddl
from projpush.ledger import check_ledger, load_ledger

SAMPLE = Path(__file__).parents[1] / "src" / "projpush" / "data" / "sample_ledger.json"
AS_OF = "2020-10-31"


@pytest.fixture
def database(tmp_path: Path) -> Path:
    target = tmp_path / "city.sqlite"
    assert 0 == main(["convert", str(SAMPLE), str(target)])
    return target


class TestSchema:
    """projpush schema --sql prints the DDL of either dialect."""

    @pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
    def test_prints_the_ddl(self, dialect, capsys):
        assert 0 == main(["schema", "--sql", dialect])
        assert ddl(dialect) == capsys.readouterr().out

    def test_another_dialect_is_one_line(self, capsys):
        with pytest.raises(SystemExit) as stop:
            main(["schema", "--sql", "mysql"])
        assert 2 == stop.value.code
        assert "projpush: error: --sql: expected 'sqlite' or 'postgresql', got 'mysql'\n" == (
            capsys.readouterr().err
        )

    def test_the_dialect_is_required(self, capsys):
        with pytest.raises(SystemExit) as stop:
            main(["schema"])
        assert 2 == stop.value.code
        assert "--sql" in capsys.readouterr().err


class TestConvert:
    """convert writes and reads a SQLite file; a round trip is byte-exact."""

    def test_json_to_sqlite_and_back(self, database, tmp_path, capsys):
        assert sqlite3.connect(database).execute("SELECT count(*) FROM projects").fetchone() == (
            50,
        )
        back = tmp_path / "back.json"
        assert 0 == main(["convert", str(database), str(back)])
        assert SAMPLE.read_bytes() == back.read_bytes()
        assert capsys.readouterr().out.endswith("back.json: json ledger of 50 projects\n")

    def test_convert_writes_over_the_ledger_tables(self, database):
        assert 0 == main(["convert", str(SAMPLE), str(database)])
        assert 50 == len(load_ledger(database).projects)

    def test_a_sqlite_url(self, tmp_path, capsys):
        url = f"sqlite:///{tmp_path}/u.db"
        assert 0 == main(["convert", str(SAMPLE), url])
        assert 0 == main(["convert", url, str(tmp_path / "back.json")])
        assert SAMPLE.read_bytes() == (tmp_path / "back.json").read_bytes()

    def test_a_url_with_a_file_format(self, capsys):
        """--to names a file format: a URL with it is one line, its password hidden."""
        url = "postgresql://me:secret@127.0.0.1:1/x"
        assert 2 == main(["convert", str(SAMPLE), url, "--to", "json"])
        [line] = capsys.readouterr().err.splitlines()
        assert line == (
            "projpush: error: TARGET: expected a file or folder for --to json (a URL is "
            "written without --to), got 'postgresql://me:***@127.0.0.1:1/x'"
        )

    def test_target_over_input(self, database, capsys):
        assert 2 == main(["convert", str(database), str(database)])
        assert "is the input ledger" in capsys.readouterr().err


class TestSubcommands:
    """report, tables and check read a SQLite ledger and print what they print for JSON."""

    def test_report_is_byte_identical(self, database, capsys):
        assert 0 == main(["report", str(SAMPLE), "--as-of", AS_OF])
        expected = capsys.readouterr().out
        assert 0 == main(["report", str(database), "--as-of", AS_OF])
        assert expected == capsys.readouterr().out

    def test_check(self, database, capsys):
        assert 0 == main(["check", str(database), "--as-of", AS_OF])
        assert capsys.readouterr().out.endswith("city.sqlite: valid, 11 findings\n")

    def test_check_ledger_reports_a_bad_value(self, database):
        db = sqlite3.connect(database)
        db.execute("PRAGMA ignore_check_constraints = ON")
        db.execute("UPDATE monthly SET done = '12,5' WHERE rowid = 1")
        db.commit()
        outcome = check_ledger(database, __import__("datetime").date(2020, 10, 31))
        assert not outcome.valid
        assert outcome.problems[0].location == "monthly.done"


class TestErrors:
    """A bad database ledger is one line and status 2."""

    def test_a_missing_file(self, tmp_path, capsys):
        assert 2 == main(["report", str(tmp_path / "none.sqlite"), "--as-of", AS_OF])
        err = capsys.readouterr().err
        assert "projpush: error: path: no ledger at " in err
        assert "(expected a SQLite ledger file)" in err

    def test_another_database(self, capsys):
        assert 2 == main(["report", "mysql://host/db", "--as-of", AS_OF])
        assert capsys.readouterr().err.startswith(
            "projpush: error: target: expected a sqlite:// or postgresql:// URL"
        )

    def test_an_unreachable_server(self, capsys):
        assert 2 == main(["check", "postgresql://nobody:secret@127.0.0.1:1/x", "--as-of", AS_OF])
        err = capsys.readouterr().err
        assert "cannot connect to postgresql://nobody:***@127.0.0.1:1/x" in err
        assert "secret" not in err

    def test_a_folder_named_like_a_database(self, tmp_path, capsys):
        (tmp_path / "x.db").mkdir()
        assert 2 == main(["report", str(tmp_path / "x.db"), "--as-of", AS_OF])
        assert "path: expected a SQLite ledger file, not a folder" in capsys.readouterr().err


class TestPostgreSQL:
    """convert to and from a database URL (a database of its own on conftest's server)."""

    def test_round_trip(self, tmp_path, pg_server):
        pytest.importorskip("psycopg")
        with postgres.database(pg_server) as url:
            assert 0 == main(["convert", str(SAMPLE), url])
            assert 0 == main(["convert", url, str(tmp_path / "back.json")])
        assert SAMPLE.read_bytes() == (tmp_path / "back.json").read_bytes()


class TestTrusted:
    """report --trusted runs a database ledger's report on the table engine: the same bytes."""

    def test_the_same_report(self, database, capsys):
        assert 0 == main(["report", str(SAMPLE), "--as-of", AS_OF])
        expected = capsys.readouterr().out
        assert 0 == main(["report", str(database), "--as-of", AS_OF, "--trusted"])
        assert expected == capsys.readouterr().out

    def test_a_bad_cell_is_one_line(self, database, capsys):
        db = sqlite3.connect(database)
        db.execute("PRAGMA ignore_check_constraints = ON")
        db.execute("UPDATE projects SET stage = 'building' WHERE seq = 0")
        db.commit()
        assert 2 == main(["report", str(database), "--as-of", AS_OF, "--trusted"])
        assert capsys.readouterr().err.startswith(
            "projpush: error: projects.stage: row key='2020-330200-47-03-012345': "
            "expected one of planned (谋划)"
        )
