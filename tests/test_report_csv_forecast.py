"""The CSV report's forecast tables (``projpush report --forecast --format csv``)."""

from __future__ import annotations

import csv
import io as stdio
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest

from cli_run import run
from projpush.foresight import Assumption
from projpush.messages import enum_name
from projpush.report import build_report, policy_set, render, with_forecast
from projpush.synth import CALENDAR_2020, SAMPLE_AS_OF, sample_portfolio

if TYPE_CHECKING:
    from pathlib import Path

    from projpush.report import SupervisionReport

AS_OF = SAMPLE_AS_OF.isoformat()


@pytest.fixture(scope="module")
def reports() -> tuple[SupervisionReport, SupervisionReport]:
    """The sample's report, and the same with its forecast."""
    portfolio = sample_portfolio()
    plain = build_report(portfolio, SAMPLE_AS_OF, calendar=CALENDAR_2020)
    return plain, with_forecast(plain, portfolio, calendar=CALENDAR_2020)


class TestCsvReportForecast:
    """``projpush report --forecast --format csv``: the forecast's tables after the report's."""

    @staticmethod
    def blocks(text: str) -> list[list[list[str]]]:
        """The CSV's blocks: each a title row, a header and its rows, parted by empty rows."""
        out: list[list[list[str]]] = [[]]
        for row in csv.reader(stdio.StringIO(text.removeprefix("\ufeff"))):
            if row:
                out[-1].append(row)
            else:
                out.append([])
        return out

    def test_the_report_then_the_forecast(
        self, reports: tuple[SupervisionReport, SupervisionReport]
    ) -> None:
        """The report's own blocks are as before; two more follow: forecast and issues due."""
        plain, more = reports
        a, b = render(plain, fmt="csv"), render(more, fmt="csv")
        assert b.startswith(a)
        old, new = self.blocks(a), self.blocks(b)
        assert old == new[: len(old)]
        assert [["预测"], ["即将变色或升级的问题"]] == [blk[0] for blk in new[len(old) :]]

    def test_lights_and_exact_amounts(
        self, reports: tuple[SupervisionReport, SupervisionReport]
    ) -> None:
        """A row a project: lights by name, each least amount in 亿元 exactly (万元 / 10,000)."""
        _, more = reports
        fc = more.forecast
        table = self.blocks(render(more, fmt="csv", lang="en"))[-2]
        title, header, *rows = table
        columns = [(m, a) for m in fc.months for a in Assumption]
        assert (["Forecast"], "project", "out of red: at least (100M yuan)") == (
            title,
            header[0],
            header[3 + len(columns) + 1],
        )
        assert len(fc.projects) == len(rows)
        amounts = 0
        for p, row in zip(fc.projects, rows, strict=True):
            lights = [p.now.light, *(p.outlook(m, a).light for m, a in columns)]
            assert ["not judged" if x is None else enum_name(x, "en") for x in lights] == row[
                2 : 3 + len(columns)
            ]
            for effort, cell, said in zip(
                p.efforts, row[3 + len(columns) : 5 + len(columns)], row[-2:], strict=True
            ):
                assert effort.sentence("en") == said
                if effort.possible and effort.judged and effort.amount is not None:
                    assert effort.amount == Decimal(cell).scaleb(4)
                    amounts += 1
                else:
                    assert "" == cell
        assert amounts > 0

    def test_issues_due(self, reports: tuple[SupervisionReport, SupervisionReport]) -> None:
        _, more = reports
        fc = more.forecast
        _, header, *rows = self.blocks(render(more, fmt="csv"))[-1]
        assert ["问题编号", "项目代码", "日期", "工作日", "变化", "说明"] == header
        assert [
            (d.issue, d.project, d.on.isoformat(), str(d.working_days)) for d in fc.due_soon
        ] == [tuple(r[:4]) for r in rows]
        assert rows

    def test_without_due_no_issue_block(self) -> None:
        portfolio = sample_portfolio()
        plain = build_report(portfolio, SAMPLE_AS_OF, calendar=CALENDAR_2020)
        more = with_forecast(plain, portfolio, due_within=None, calendar=CALENDAR_2020)
        assert ["预测"] == self.blocks(render(more, fmt="csv"))[-1][0]

    def test_cli(self, capsys: pytest.CaptureFixture[str], ledger_file: Path) -> None:
        """projpush report --forecast --format csv, no longer refused."""
        base = ("report", str(ledger_file), "--as-of", AS_OF, "--format", "csv")
        _, plain, _ = run(capsys, *base)
        status, more, err = run(capsys, *base, "--forecast")
        assert (0, "") == (status, err)
        assert more.startswith(plain)
        assert "\n预测\n项目代码,项目名称,现在," in more

    def test_policy_set_of_the_report(self) -> None:
        """The forecast's tables follow the report's policy set (Dalian: node tasks)."""
        portfolio = sample_portfolio()
        plain = build_report(portfolio, SAMPLE_AS_OF, policy="dalian", calendar=CALENDAR_2020)
        more = with_forecast(plain, portfolio, calendar=CALENDAR_2020)
        rows = self.blocks(render(more, fmt="csv"))[-2][2:]
        assert policy_set("dalian").name == more.policy.name
        assert any("节点" in row[-1] for row in rows)
