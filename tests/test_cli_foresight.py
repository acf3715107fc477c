"""End-to-end tests of ``projpush forecast`` and ``projpush compare``."""

from __future__ import annotations

import csv
import io as stdio
import json
from typing import TYPE_CHECKING

import attrs
import pytest

from cli_run import run
from projpush._foresight_text import build_forecast, render_forecast
from projpush.cli import main
from projpush.errors import ValidationError
from projpush.report import build_report, policy_set, render, render_xlsx, with_forecast
from projpush.synth import CALENDAR_2020, SAMPLE_AS_OF, sample_portfolio

if TYPE_CHECKING:
    from pathlib import Path

AS_OF = SAMPLE_AS_OF.isoformat()


class TestForecast:
    """``projpush forecast LEDGER --as-of D``."""

    def test_text(self, capsys: pytest.CaptureFixture[str], ledger_file: Path) -> None:
        """Counts per month end, the projects to watch, each with its least effort."""
        status, out, err = run(capsys, "forecast", str(ledger_file), "--as-of", AS_OF)
        assert (0, "") == (status, err)
        head = "预测（截至2020-10-31，规则：宁波连续滞后月份）\n  2020-11月底: 按计划完成"
        assert out.startswith(head)
        assert "    须在11月底前完成至少90,641万元，否则亮红灯\n" in out

    def test_same_as_the_library(
        self, capsys: pytest.CaptureFixture[str], ledger_file: Path
    ) -> None:
        """The command prints what the library renders."""
        _, out, _ = run(capsys, "forecast", str(ledger_file), "--as-of", AS_OF, "--lang", "en")
        fc = build_forecast(sample_portfolio(), SAMPLE_AS_OF, policy_set("default"))
        assert render_forecast(fc, "text", "en") == out

    def test_json_and_due_soon(self, capsys: pytest.CaptureFixture[str], ledger_file: Path) -> None:
        """JSON with stable keys, the due-soon issues when asked."""
        argv = ("forecast", str(ledger_file), "--as-of", AS_OF, "--format", "json")
        status, out, _ = run(capsys, *argv, "--due-within", "3", "--months", "1")
        data = json.loads(out)
        assert 0 == status
        assert ["2020-11"] == data["months"]
        assert 3 == data["due_within"]
        assert data["due_soon"]
        assert all(d["on"] > AS_OF for d in data["due_soon"])
        efforts = [
            e for p in data["projects"] for e in p["efforts"] if e["amount"] not in (None, "0")
        ]
        assert efforts
        assert efforts[0]["zh"].startswith("须在11月底前完成至少")

    def test_csv(self, capsys: pytest.CaptureFixture[str], ledger_file: Path) -> None:
        """One row a project, month and assumption, then its two efforts."""
        argv = ("forecast", str(ledger_file), "--as-of", AS_OF, "--format", "csv")
        _, out, _ = run(capsys, *argv)
        rows = list(csv.reader(stdio.StringIO(out)))
        assert ["project", "month", "assumption", "light", "amount", "text"] == rows[0]
        assert 50 * (6 + 2) == len(rows) - 1

    def test_output_file(
        self, capsys: pytest.CaptureFixture[str], ledger_file: Path, tmp_path: Path
    ) -> None:
        """--output writes the forecast to a file, nothing to stdout."""
        target = tmp_path / "forecast.txt"
        status, out, _ = run(
            capsys, "forecast", str(ledger_file), "--as-of", AS_OF, "--output", str(target)
        )
        assert (0, "") == (status, out)
        assert target.read_text("utf-8").startswith("预测")

    @pytest.mark.parametrize(
        ("option", "value", "message"),
        [
            ("--months", "0", "--months: expected a whole number from 1 to 12, got '0'"),
            ("--months", "two", "--months: expected a whole number from 1 to 12, got 'two'"),
            ("--due-within", "-1", "--due-within: expected a whole number from 0 to 250, got '-1'"),
            ("--format", "xlsx", "--format: expected 'text', 'json' or 'csv', got 'xlsx'"),
        ],
    )
    def test_bad_options(
        self,
        capsys: pytest.CaptureFixture[str],
        ledger_file: Path,
        option: str,
        value: str,
        message: str,
    ) -> None:
        """A bad option value is one line naming it, status 2."""
        with pytest.raises(SystemExit) as exit_:
            main(["forecast", str(ledger_file), "--as-of", AS_OF, option, value])
        assert 2 == exit_.value.code
        assert f"projpush: error: {message}\n" == capsys.readouterr().err

    def test_missing_ledger(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        """A missing ledger is one line, status 2, no traceback."""
        status, _, err = run(capsys, "forecast", str(tmp_path / "none.json"), "--as-of", AS_OF)
        assert 2 == status
        assert err.startswith("projpush: error: ")
        assert "Traceback" not in err


class TestCompare:
    """``projpush compare LEDGER --as-of D --policy A --policy B``."""

    def test_text(self, capsys: pytest.CaptureFixture[str], ledger_file: Path) -> None:
        """Light changes with both sides' reasons, and the figures that move."""
        argv = ("compare", str(ledger_file), "--as-of", AS_OF, "--lang", "en")
        status, out, _ = run(capsys, *argv, "--policy", "default", "--policy", "yinchuan")
        assert 0 == status
        assert out.startswith("Policy comparison: default → yinchuan (as of 2020-10-31)\n")
        assert "  2019-330200-48-01-602444: red → yellow\n" in out
        assert "  red projects: 5 → 0\n" in out

    def test_json(self, capsys: pytest.CaptureFixture[str], ledger_file: Path) -> None:
        """The issues that change under another ladder, with why."""
        argv = ("compare", str(ledger_file), "--as-of", AS_OF, "--format", "json")
        _, out, _ = run(capsys, *argv, "--policy", "default", "--policy", "binzhou")
        data = json.loads(out)
        assert [] == data["lights"]
        assert data["issues"]
        assert {"sheet", "tier", "deadline", "why"} == set(data["issues"][0]["a"])

    def test_csv(self, capsys: pytest.CaptureFixture[str], ledger_file: Path) -> None:
        """One row a change."""
        argv = ("compare", str(ledger_file), "--as-of", AS_OF, "--format", "csv")
        _, out, _ = run(capsys, *argv, "--policy", "default", "--policy", "yinchuan")
        rows = list(csv.reader(stdio.StringIO(out)))
        assert ["kind", "subject", "a", "b", "why_a", "why_b"] == rows[0]
        assert {"light", "figure"} == {r[0] for r in rows[1:]}

    @pytest.mark.parametrize("policies", [("default",), ("default", "dalian", "sanya")])
    def test_two_policies(
        self, capsys: pytest.CaptureFixture[str], ledger_file: Path, policies: tuple[str, ...]
    ) -> None:
        """Anything but two policy sets is one line, status 2."""
        argv = ["compare", str(ledger_file), "--as-of", AS_OF]
        for p in policies:
            argv += ["--policy", p]
        status, _, err = run(capsys, *argv)
        assert 2 == status
        assert (
            f"projpush: error: --policy: expected two policy sets: --policy A --policy B, "
            f"got {list(policies)!r}\n"
        ) == err

    def test_unknown_policy(self, capsys: pytest.CaptureFixture[str], ledger_file: Path) -> None:
        """An unknown policy set is refused by the parser, naming the known ones."""
        with pytest.raises(SystemExit):
            main(["compare", str(ledger_file), "--as-of", AS_OF, "--policy", "atlantis"])
        assert "--policy: expected 'binzhou'" in capsys.readouterr().err


class TestReportSection:
    """``projpush report --forecast`` and ``report.with_forecast``: opt-in, after the report."""

    def test_text_is_the_report_then_the_section(
        self, capsys: pytest.CaptureFixture[str], ledger_file: Path
    ) -> None:
        """Without --forecast the report is as before; with it, the same text and the section."""
        _, plain, _ = run(capsys, "report", str(ledger_file), "--as-of", AS_OF)
        _, more, _ = run(capsys, "report", str(ledger_file), "--as-of", AS_OF, "--forecast")
        assert more.startswith(plain)
        assert more[len(plain) :].startswith("\n预测（截至2020-10-31，规则：宁波连续滞后月份）\n")
        assert "即将变色或升级的问题（5个工作日内）" in more

    def test_json_only_when_asked(self) -> None:
        """The JSON report holds a forecast key only when the section was asked for."""
        portfolio = sample_portfolio()
        plain = build_report(portfolio, SAMPLE_AS_OF, calendar=CALENDAR_2020)
        assert "forecast" not in json.loads(render(plain, fmt="json"))
        more = with_forecast(plain, portfolio, months=1, due_within=0, calendar=CALENDAR_2020)
        data = json.loads(render(more, fmt="json"))
        assert (["2020-11"], []) == (data["forecast"]["months"], data["forecast"]["due_soon"])
        assert render(plain, fmt="text") == render(attrs.evolve(more, forecast=None), fmt="text")

    def test_with_forecast_arguments(self) -> None:
        """A report and a portfolio, each named when it is something else."""
        portfolio = sample_portfolio()
        plain = build_report(portfolio, SAMPLE_AS_OF, calendar=CALENDAR_2020)
        with pytest.raises(ValidationError, match="report: expected a SupervisionReport"):
            with_forecast("report", portfolio)  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match="portfolio: expected a Portfolio"):
            with_forecast(plain, [])  # type: ignore[arg-type]

    def test_page_section(self) -> None:
        """The page gets a forecast section after its own, the rest as it was."""
        portfolio = sample_portfolio()
        plain = build_report(portfolio, SAMPLE_AS_OF, calendar=CALENDAR_2020)
        page = render(plain, fmt="html")
        more = render(with_forecast(plain, portfolio, calendar=CALENDAR_2020), fmt="html")
        at = more.index('<section id="forecast">')
        assert page[:at] == more[:at]
        assert page[at:] == "</body>\n</html>\n"
        assert "<h2>预测 (32)</h2>" in more
        assert "须在11月底前完成至少90,641万元，否则亮红灯" in more

    def test_workbook_sheet(self, tmp_path: Path) -> None:
        """The workbook gets a forecast sheet, one row a project, lights coloured."""
        openpyxl = pytest.importorskip("openpyxl")
        portfolio = sample_portfolio()
        plain = build_report(portfolio, SAMPLE_AS_OF, calendar=CALENDAR_2020)
        render_xlsx(with_forecast(plain, portfolio, calendar=CALENDAR_2020), tmp_path / "r.xlsx")
        book = openpyxl.load_workbook(tmp_path / "r.xlsx")
        assert "预测" == book.sheetnames[-1]
        sheet = book["预测"]
        assert ("项目代码", "项目名称", "现在", "2020-11 按计划完成") == tuple(
            c.value for c in sheet[1]
        )[:4]
        assert 1 + 50 == sheet.max_row
        render_xlsx(plain, tmp_path / "plain.xlsx")
        assert "预测" not in openpyxl.load_workbook(tmp_path / "plain.xlsx").sheetnames
