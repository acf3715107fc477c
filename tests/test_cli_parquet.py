"""The command line on Parquet ledgers: convert, and every subcommand reading one."""

from __future__ import annotations

from pathlib import Path

import pytest

from projpush.cli import main
from projpush.engine import is_parquet_ledger

SAMPLE = Path(__file__).parents[1] / "src" / "projpush" / "data" / "sample_ledger.json"
AS_OF = "2020-10-31"


@pytest.fixture
def parquet(tmp_path: Path) -> Path:
    target = tmp_path / "ledger.parquet"
    assert 0 == main(["convert", str(SAMPLE), str(target)])
    return target


class TestConvert:
    """convert reads any ledger and writes JSON, CSV or Parquet; a round trip is byte-exact."""

    def test_json_to_parquet_and_back(self, parquet, tmp_path, capsys):
        assert is_parquet_ledger(parquet)
        back = tmp_path / "back.json"
        assert 0 == main(["convert", str(parquet), str(back)])
        assert SAMPLE.read_bytes() == back.read_bytes()
        assert capsys.readouterr().out.endswith("back.json: json ledger of 50 projects\n")

    def test_to_csv(self, parquet, tmp_path):
        folder = tmp_path / "csv"
        assert 0 == main(["convert", str(parquet), str(folder), "--to", "csv"])
        again = tmp_path / "again.json"
        assert 0 == main(["convert", str(folder), str(again)])
        assert SAMPLE.read_bytes() == again.read_bytes()

    def test_target_over_input(self, parquet, capsys):
        assert 2 == main(["convert", str(parquet), str(parquet)])
        err = capsys.readouterr().err
        assert "TARGET: " in err
        assert "overlaps the input ledger" in err

    def test_target_inside_input(self, parquet, capsys):
        assert 2 == main(["convert", str(parquet), str(parquet / "inner")])
        assert "overlaps the input ledger" in capsys.readouterr().err

    def test_target_a_file_for_parquet(self, tmp_path, capsys):
        file = tmp_path / "x.parquet"
        file.write_text("")
        assert 2 == main(["convert", str(SAMPLE), str(file)])
        assert "is not a folder; expected a folder" in capsys.readouterr().err

    def test_json_target_over_input(self, capsys, tmp_path):
        copy = tmp_path / "city.json"
        copy.write_bytes(SAMPLE.read_bytes())
        assert 2 == main(["convert", str(copy), str(copy)])
        assert "is the input ledger" in capsys.readouterr().err
        assert SAMPLE.read_bytes() == copy.read_bytes()


class TestSubcommandsReadParquet:
    """report, tables and check read a Parquet ledger as they read the JSON one."""

    @pytest.mark.parametrize("fmt", ["text", "json", "csv", "csv-fields"])
    @pytest.mark.parametrize("lang", ["zh", "en"])
    @pytest.mark.parametrize("trusted", [[], ["--trusted"]])
    def test_report_is_byte_identical(self, parquet, capsys, fmt, lang, trusted):
        """Checked (read into objects) or trusted (on the engine): the JSON ledger's report."""
        options = ["--as-of", AS_OF, "--format", fmt, "--lang", lang]
        assert 0 == main(["report", str(SAMPLE), *options])
        expected = capsys.readouterr().out
        assert 0 == main(["report", str(parquet), *options, *trusted])
        assert expected == capsys.readouterr().out

    def test_checked_report_refuses_what_the_model_refuses(self, parquet, capsys):
        """Without --trusted the rules across rows are checked: a repeated project is refused."""
        import pyarrow as pa  # noqa: PLC0415
        import pyarrow.parquet as pq  # noqa: PLC0415

        projects = pq.read_table(parquet / "projects.parquet")
        twice = pa.concat_tables([projects, projects.slice(0, 1)])
        pq.write_table(twice, parquet / "projects.parquet")
        assert 2 == main(["report", str(parquet), "--as-of", AS_OF])
        assert "projpush: error:" in capsys.readouterr().err

    @pytest.mark.parametrize("policy", ["default", "dalian", "yinchuan", "sanya", "ningbo"])
    def test_report_under_each_policy_set(self, parquet, capsys, policy):
        options = ["--as-of", AS_OF, "--policy", policy, "--format", "json"]
        assert 0 == main(["report", str(SAMPLE), *options])
        expected = capsys.readouterr().out
        assert 0 == main(["report", str(parquet), *options, "--trusted"])
        assert expected == capsys.readouterr().out

    def test_report_runs_on_the_engine(self, parquet, capsys, monkeypatch):
        """No portfolio of objects is built: the report is the engine's."""
        from projpush.engine import tables  # noqa: PLC0415

        def refused(*_args, **_kwargs):
            raise AssertionError("the ledger was rebuilt as objects")

        monkeypatch.setattr(tables, "to_portfolio", refused)
        assert 0 == main(["report", str(parquet), "--as-of", AS_OF, "--trusted"])
        assert "红灯项目 (5)" in capsys.readouterr().out

    def test_report_with_map(self, parquet, tmp_path, capsys):
        pytest.importorskip("matplotlib")
        expected, got = tmp_path / "a.svg", tmp_path / "b.svg"
        assert 0 == main(["report", str(SAMPLE), "--as-of", AS_OF, "--map", str(expected)])
        assert 0 == main(["report", str(parquet), "--as-of", AS_OF, "--map", str(got), "--trusted"])
        capsys.readouterr()
        assert expected.read_bytes() == got.read_bytes()

    def test_tables(self, parquet, capsys):
        args = ["--as-of", AS_OF, "--project", "MH-2020-007"]
        assert 0 == main(["tables", str(SAMPLE), *args])
        expected = capsys.readouterr().out
        assert 0 == main(["tables", str(parquet), *args])
        assert expected == capsys.readouterr().out

    def test_check(self, parquet, capsys):
        assert 0 == main(["check", str(parquet), "--as-of", AS_OF])
        assert "ledger.parquet: valid, 11 findings" in capsys.readouterr().out

    def test_check_reports_a_bad_table(self, parquet, capsys):
        (parquet / "monthly.parquet").write_bytes(b"damaged")
        assert 1 == main(["check", str(parquet), "--as-of", AS_OF])
        assert "not a readable Parquet table" in capsys.readouterr().out
