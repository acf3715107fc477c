"""End-to-end tests of the ``projpush`` command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import attrs
import pytest

from cli_run import run
from projpush.cli import main
from projpush.errors import UnknownReferenceError
from projpush.ledger import load_ledger
from projpush.report import build_report, render_tables, sample_ledger
from projpush.synth import SAMPLE_AS_OF, sample_portfolio

FIXTURES = Path(__file__).parent / "fixtures"


def broken_ledger(tmp_path: Path, mutate: object) -> Path:
    document = json.loads(
        (Path(__file__).parents[1] / "src/projpush/data/sample_ledger.json").read_text("utf-8")
    )
    mutate(document)  # type: ignore[operator]
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


class TestDemo:
    """``projpush demo`` reports on the bundled sample city."""

    def test_text_report_in_chinese(self, capsys: pytest.CaptureFixture[str]) -> None:
        """The default report is Chinese text with every section."""
        status, out, _ = run(capsys, "demo")
        assert 0 == status
        for heading in (
            "重大项目月度通报 2020-10",
            "年度计划完成率",
            "红灯项目",
            "超期问题",
            "问责清单",
            "台账缺口",
            "单位排名",
            "地区排名",
        ):
            assert heading in out

    def test_english_json_carries_the_figures(self, capsys: pytest.CaptureFixture[str]) -> None:
        """The JSON report has stable keys and the sample's figures."""
        status, out, _ = run(capsys, "demo", "--format", "json", "--lang", "en")
        report = json.loads(out)
        assert 0 == status
        assert [
            "accountability",
            "as_of",
            "findings",
            "issues",
            "lights",
            "notes",
            "policy",
            "summary",
        ] == sorted(report)
        assert [] == report["notes"]
        assert "2020-10-31" == report["as_of"]
        assert "73.2" == report["summary"]["investment"]["completion"]["percent"]
        assert {"green": 23, "yellow": 4, "red": 5} == {
            k: report["lights"]["counts"][k] for k in ("green", "yellow", "red")
        }
        assert 5 == len(report["lights"]["red"])
        assert report["lights"]["red"][0]["reasons_en"]

    def test_csv_is_the_tables(self, capsys: pytest.CaptureFixture[str]) -> None:
        """CSV output is the report's tables, after a byte-order mark, in --lang."""
        status, out, _ = run(capsys, "demo", "--format", "csv", "--lang", "en")
        lines = out.splitlines()
        assert 0 == status
        assert ["\ufeffReport", "item,content", "report month,2020-10"] == lines[:3]
        assert "plan completion,share,73.2,%" in lines

    def test_csv_fields_is_one_row_a_value(self, capsys: pytest.CaptureFixture[str]) -> None:
        """CSV fields output is field,value rows, after a byte-order mark."""
        status, out, _ = run(capsys, "demo", "--format", "csv-fields")
        lines = out.splitlines()
        assert 0 == status
        assert "\ufefffield,value" == lines[0]
        assert "as_of,2020-10-31" in lines

    def test_the_bundled_sample_is_the_generated_one(self) -> None:
        """The installed sample ledger equals the generator's city."""
        assert sample_portfolio() == sample_ledger()

    def test_python_dash_m_runs_the_command(self) -> None:
        """``python -m projpush`` is the same command."""
        done = subprocess.run(
            [sys.executable, "-m", "projpush", "demo", "--format", "json"],
            capture_output=True,
            text=True,
            check=False,
            encoding="utf-8",
        )
        assert 0 == done.returncode
        assert "2020-10-31" == json.loads(done.stdout)["as_of"]


class TestReport:
    """``projpush report`` on a ledger file."""

    def test_report_matches_demo(
        self, capsys: pytest.CaptureFixture[str], ledger_file: Path
    ) -> None:
        """The report of the sample written to a file equals the demo's."""
        _, from_file, _ = run(
            capsys, "report", str(ledger_file), "--as-of", "2020-10-31", "--format", "json"
        )
        _, demo, _ = run(capsys, "demo", "--format", "json")
        assert json.loads(demo) == json.loads(from_file)

    def test_tier_rows_follow_the_ladder(self) -> None:
        """The per-tier issue rows come in the chosen ladder's order, whatever the ledger's."""
        portfolio = sample_portfolio()
        shuffled = attrs.evolve(portfolio, issues=portfolio.issues[::-1])
        for ledger in (portfolio, shuffled):
            report = build_report(ledger, SAMPLE_AS_OF, policy="ningbo")
            tiers = [t.name for t in report.policy.escalation.ladder.tiers]
            assert tiers == [row.tier for row in report.summary.issues.tiers]

    def test_trusted_gives_the_same_report(
        self, capsys: pytest.CaptureFixture[str], ledger_file: Path
    ) -> None:
        """``--trusted`` reads the file through the bulk path; the report is the same."""
        args = ("report", str(ledger_file), "--as-of", "2020-10-31", "--format", "json")
        _, checked, _ = run(capsys, *args)
        _, trusted, _ = run(capsys, *args, "--trusted")
        assert json.loads(checked) == json.loads(trusted)

    def test_policy_sets_change_the_lights(
        self, capsys: pytest.CaptureFixture[str], ledger_file: Path
    ) -> None:
        """Dalian's node rule judges other projects than Ningbo's lagging months."""
        _, ningbo, _ = run(
            capsys, "report", str(ledger_file), "--as-of", "2020-10-31", "--format", "json"
        )
        _, dalian, _ = run(
            capsys,
            "report",
            str(ledger_file),
            "--as-of",
            "2020-10-31",
            "--format",
            "json",
            "--policy",
            "dalian",
        )
        assert "dalian" == json.loads(dalian)["policy"]["name"]
        assert json.loads(ningbo)["lights"] != json.loads(dalian)["lights"]

    def test_output_file(
        self, capsys: pytest.CaptureFixture[str], ledger_file: Path, tmp_path: Path
    ) -> None:
        """``--output`` writes the report to a file instead of stdout."""
        target = tmp_path / "report.txt"
        status, out, _ = run(
            capsys, "report", str(ledger_file), "--as-of", "2020-10-31", "-o", str(target)
        )
        assert (0, "") == (status, out)
        assert "红灯项目" in target.read_text("utf-8")


class TestErrors:
    """A broken ledger ends with one line naming what and where, and exit status 2."""

    @pytest.mark.parametrize(
        ("mutate", "where", "what"),
        [
            (
                lambda d: d["projects"][0]["milestones"][0].__setitem__("planned", "2020-02-30"),
                "$.projects[0].milestones[0].planned",
                "expected an ISO date",
            ),
            (
                lambda d: d["issues"][0].__setitem__("project", "2020-330200-99-99-999999"),
                "issues[0].project",
                "unknown project '2020-330200-99-99-999999'",
            ),
            (
                lambda d: d["projects"][1].__setitem__("total_investment", 479.33),
                "$.projects[1].total_investment",
                "pass a Decimal or a string",
            ),
            (lambda d: d["projects"][2].pop("name"), "$.projects[2]", "name"),
        ],
        ids=["bad-date", "unknown-project", "float-money", "missing-field"],
    )
    def test_broken_ledger(
        self,
        capsys: pytest.CaptureFixture[str],
        tmp_path: Path,
        mutate: object,
        where: str,
        what: str,
    ) -> None:
        """Each broken ledger names the location and the problem."""
        status, out, err = run(
            capsys, "report", str(broken_ledger(tmp_path, mutate)), "--as-of", "2020-10-31"
        )
        assert (2, "") == (status, out)
        assert err.startswith("projpush: error: ")
        assert where in err
        assert what in err
        assert "Traceback" not in err

    def test_debug_shows_the_traceback(self, tmp_path: Path) -> None:
        """``--debug`` lets the exception through."""
        path = broken_ledger(tmp_path, lambda d: d["projects"][0].__setitem__("level", "galaxy"))
        with pytest.raises(Exception, match="level"):
            main(["--debug", "report", str(path), "--as-of", "2020-10-31"])

    def test_missing_file(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        """A ledger that is not there is one line and exit status 2."""
        status, _, err = run(capsys, "report", str(tmp_path / "nope.json"), "--as-of", "2020-10-31")
        assert 2 == status
        assert "nope.json" in err

    def test_bad_as_of(self, capsys: pytest.CaptureFixture[str], ledger_file: Path) -> None:
        """A malformed --as-of is a usage error (exit 2)."""
        with pytest.raises(SystemExit) as exc:
            main(["report", str(ledger_file), "--as-of", "31/10/2020"])
        assert 2 == exc.value.code
        assert "expected a date YYYY-MM-DD" in capsys.readouterr().err

    def test_a_year_without_plans_is_said(
        self, capsys: pytest.CaptureFixture[str], ledger_file: Path
    ) -> None:
        """In the report and on stderr: a JSON or CSV reader would only see zeros."""
        status, out, err = run(capsys, "report", str(ledger_file), "--as-of", "2021-03-31")
        assert 0 == status
        note = "台账中没有2021年的年度计划：投资数字为零"
        assert out.startswith(f"注意: {note}\n")
        assert f"projpush：注意：{note}\n" in err

    def test_unknown_policy(self, capsys: pytest.CaptureFixture[str], ledger_file: Path) -> None:
        """An unknown policy set is refused by the parser, listing the choices."""
        with pytest.raises(SystemExit):
            main(["report", str(ledger_file), "--as-of", "2020-10-31", "--policy", "atlantis"])
        assert "dalian" in capsys.readouterr().err


class TestCheck:
    """``projpush check`` lists every problem and warns about soft gaps."""

    def test_valid_ledger(self, capsys: pytest.CaptureFixture[str], ledger_file: Path) -> None:
        """A sound ledger is valid, with its integrity findings as warnings."""
        status, out, _ = run(capsys, "check", str(ledger_file), "--as-of", "2020-10-31")
        assert 0 == status
        assert "valid, 11 findings" in out
        assert "warning: MH-2020-042: no secretary: " in out

    def test_every_problem_is_listed(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        """Two bad records far apart are both reported, each with its location."""

        def mutate(d: dict) -> None:
            d["projects"][0]["milestones"][0]["planned"] = "2020-13-01"
            d["issues"][5]["project"] = "NO-SUCH"
            d["leaders"][0]["projects"].append("ALSO-MISSING")

        status, out, _ = run(
            capsys, "check", str(broken_ledger(tmp_path, mutate)), "--as-of", "2020-10-31"
        )
        assert 1 == status
        assert "error: $.projects[0].milestones[0].planned:" in out
        assert "error: $.issues[5].project: refers to unknown project 'NO-SUCH'" in out
        assert "error: $.leaders[0].projects[" in out
        assert "invalid (3 problems)" in out

    def test_not_json(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        """Unparsable JSON is one problem at $ with line and column."""
        path = tmp_path / "x.json"
        path.write_text("{", encoding="utf-8")
        status, out, _ = run(capsys, "check", str(path), "--as-of", "2020-10-31")
        assert 1 == status
        assert "error: $: invalid JSON at line 1" in out


class TestTables:
    """``projpush tables``: Yinzhou's one map, five tables."""

    def test_for_a_project(self, capsys: pytest.CaptureFixture[str], ledger_file: Path) -> None:
        """A project's tables have the map and all five tables."""
        key = sample_portfolio().projects[0].key
        status, out, _ = run(
            capsys, "tables", str(ledger_file), "--as-of", "2020-10-31", "--project", key
        )
        assert 0 == status
        for heading in ("一图 攻坚作战图", "计划表", "任务表", "分工表", "责任表", "进度表"):
            assert heading in out

    def test_for_a_leader_as_csv(self, ledger_file: Path) -> None:
        """A leader's tables cover each guaranteed project, one CSV row an item."""
        portfolio = sample_portfolio()
        leader = portfolio.leaders[0]
        text = render_tables(portfolio, SAMPLE_AS_OF, leader=leader.name, fmt="csv")
        projects = {line.split(",")[0] for line in text.splitlines()[1:]}
        assert set(leader.projects) == projects

    def test_unknown_leader(self, capsys: pytest.CaptureFixture[str], ledger_file: Path) -> None:
        """An unknown leader is an error naming the field."""
        status, _, err = run(
            capsys, "tables", str(ledger_file), "--as-of", "2020-10-31", "--leader", "无名氏"
        )
        assert 2 == status
        assert "leader" in err


class TestCsvLedger:
    """The command reads a folder of CSV files as well as a JSON ledger."""

    def test_report_on_csv_folder(self, capsys: pytest.CaptureFixture[str]) -> None:
        """A CSV folder reports like a JSON ledger."""
        status, out, _ = run(
            capsys,
            "report",
            str(FIXTURES / "csv_city"),
            "--as-of",
            "2020-10-31",
            "--format",
            "json",
            "--policy",
            "dalian",  # the fixture's issues climb Dalian's ladder
        )
        assert 0 == status
        assert "2020-10-31" == json.loads(out)["as_of"]

    def test_a_project_without_monthly_plan_is_not_judged(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """One unjudgeable project does not stop the report: it shows as not judged."""
        status, _, _ = run(
            capsys,
            "report",
            str(FIXTURES / "csv_city"),
            "--as-of",
            "2020-10-31",
            "--policy",
            "binzhou",
        )
        report = build_report(load_ledger(FIXTURES / "csv_city"), SAMPLE_AS_OF, policy="binzhou")
        verdict = next(v for v in report.lights.verdicts if v.project.endswith("000005"))
        assert 0 == status
        assert verdict.light is None
        assert report.light_map is not None
        assert (None,) * 12 == report.light_map.row(verdict.project)

    def test_issues_on_another_ladder_are_refused(self, capsys: pytest.CaptureFixture[str]) -> None:
        """Issues whose tier is not on the chosen ladder: a clear error, exit 2."""
        status, _, err = run(capsys, "report", str(FIXTURES / "csv_city"), "--as-of", "2020-10-31")
        assert 2 == status
        assert "no tier 'city' in the ningbo ladder" in err

    def test_check_csv_folder(self, capsys: pytest.CaptureFixture[str]) -> None:
        """A sound CSV folder checks valid."""
        status, out, _ = run(capsys, "check", str(FIXTURES / "csv_city"), "--as-of", "2020-10-31")
        assert 0 == status
        assert ": valid," in out

    def test_missing_column_names_file_and_column(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        """A missing required column is one line naming the file and column, exit 2."""
        folder = tmp_path / "city"
        folder.mkdir()
        rows = (FIXTURES / "csv_city" / "projects.csv").read_text("utf-8-sig").splitlines()
        header = rows[0].split(",")
        drop = next(i for i, name in enumerate(header) if name in ("name", "项目名称"))
        trimmed = [",".join(c for i, c in enumerate(r.split(",")) if i != drop) for r in rows]
        (folder / "projects.csv").write_text("\n".join(trimmed) + "\n", encoding="utf-8")
        status, _, err = run(capsys, "report", str(folder), "--as-of", "2020-10-31")
        assert 2 == status
        assert "projects.csv" in err
        assert header[drop] in err or "name" in err


class TestCoreInstall:
    """Without the cn extra the demo still runs, and a report says what to install."""

    @staticmethod
    def run_without_cn(*argv: str) -> subprocess.CompletedProcess[str]:
        code = (
            "import sys; sys.modules['chinese_calendar'] = None; "
            "from projpush.cli import main; sys.exit(main(sys.argv[1:]))"
        )
        return subprocess.run(
            [sys.executable, "-c", code, *argv],
            capture_output=True,
            text=True,
            check=False,
            encoding="utf-8",
        )

    def test_demo_needs_no_extra(self) -> None:
        """The demo uses the sample's own 2020 holiday notice."""
        done = self.run_without_cn("demo", "--format", "json")
        assert 0 == done.returncode, done.stderr
        assert "73.2" == json.loads(done.stdout)["summary"]["investment"]["completion"]["percent"]

    def test_report_names_the_extra(self, ledger_file: Path) -> None:
        """A report needing the China calendar says how to install it, in one line."""
        done = self.run_without_cn("report", str(ledger_file), "--as-of", "2020-10-31")
        assert 2 == done.returncode
        assert 'pip install "projpush[cn]"' in done.stderr
        assert "Traceback" not in done.stderr


class TestCheckProblems:
    """Every kind of problem ``check`` can find is reported with its location."""

    def test_a_list_that_is_not_a_list(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        """A record list given as an object is named."""
        path = broken_ledger(tmp_path, lambda d: d.__setitem__("units", {"name": "x"}))
        status, out, _ = run(capsys, "check", str(path), "--as-of", "2020-10-31")
        assert 1 == status
        assert "error: $.units: expected a JSON list, got a JSON object" in out
        assert "invalid (1 problem)," in out

    def test_duplicate_project_key(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        """Two projects with one code: reported once, at the first."""
        path = broken_ledger(tmp_path, lambda d: d["projects"].append(dict(d["projects"][0])))
        status, out, _ = run(capsys, "check", str(path), "--as-of", "2020-10-31")
        assert 1 == status
        assert 1 == out.count("duplicate project key")
        assert "error: $.projects[0]: duplicate project key" in out

    def test_portfolio_level_problem(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        """A rule of the whole ledger (unique leader names) is reported too."""
        path = broken_ledger(tmp_path, lambda d: d["leaders"].append(dict(d["leaders"][0])))
        status, out, _ = run(capsys, "check", str(path), "--as-of", "2020-10-31")
        assert 1 == status
        assert "duplicate key" in out
        assert "leaders[" in out

    def test_invalid_csv_folder(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        """A CSV folder's problems come with file, line and column."""
        folder = tmp_path / "city"
        folder.mkdir()
        source = FIXTURES / "csv_city"
        for f in source.iterdir():
            (folder / f.name).write_bytes(f.read_bytes())
        monthly = (folder / "monthly.csv").read_text("utf-8-sig").splitlines()
        cells = monthly[1].split(",")
        cells[1] = "2020-13"
        monthly[1] = ",".join(cells)
        (folder / "monthly.csv").write_text("\n".join(monthly) + "\n", encoding="utf-8")
        status, out, _ = run(capsys, "check", str(folder), "--as-of", "2020-10-31")
        assert 1 == status
        assert "error: monthly.csv:2:" in out


class TestPolicySets:
    """Reports name their rule set; an unknown one is refused."""

    def test_unknown_policy_set(self) -> None:
        """build_report names the known sets."""
        with pytest.raises(UnknownReferenceError, match="policy: expected one of binzhou, dalian"):
            build_report(sample_portfolio(), SAMPLE_AS_OF, policy="atlantis")
