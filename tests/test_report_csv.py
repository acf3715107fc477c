"""The report as CSV tables: a byte-order mark, one block a table, a kind a column, in --lang."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs
import pytest

from projpush._csvreport import blocks
from projpush._csvsafe import is_risky
from projpush.report import _tier_names, build_report, render
from projpush.synth import SAMPLE_AS_OF, sample_portfolio

if TYPE_CHECKING:
    from pathlib import Path

    from projpush.report import SupervisionReport

ZH_TITLES = ["通报", "汇总", "红黄绿灯", "超期问题", "未办结问题", "排名", "问责清单", "台账缺口"]
EN_TITLES = [
    "Report",
    "Summary",
    "Lights",
    "Overdue issues",
    "Open issues",
    "Rankings",
    "Accountability",
    "Ledger gaps",
]
NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


@pytest.fixture(scope="module")
def report() -> SupervisionReport:
    return build_report(sample_portfolio(), SAMPLE_AS_OF)


def read_blocks(text: str) -> dict[str, list[list[str]]]:
    """The blocks of a CSV report: each title to its header and rows."""
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:], newline="")))
    found: dict[str, list[list[str]]] = {}
    start = 0
    for i, row in enumerate([*rows, []]):
        if not row:
            title, *body = rows[start:i]
            assert 1 == len(title)
            found[title[0]] = body
            start = i + 1
    return found


class TestBlocks:
    """One block a table, titled and headed in the report's language."""

    def test_titles_in_order(self, report: SupervisionReport) -> None:
        """The facts, the figures, the lights, both issue tables, rankings, lists, in order."""
        assert ZH_TITLES == list(read_blocks(render(report, fmt="csv")))
        assert EN_TITLES == list(read_blocks(render(report, fmt="csv", lang="en")))

    def test_byte_order_mark(self, report: SupervisionReport) -> None:
        """Both CSV formats begin with U+FEFF, which Excel takes for UTF-8."""
        assert render(report, fmt="csv").startswith("\ufeff通报\n")
        assert render(report, fmt="csv-fields").startswith("\ufefffield,value\n")
        assert "\ufeff" not in render(report, fmt="json")

    def test_headers_in_english(self, report: SupervisionReport) -> None:
        """An English CSV has English headers and kinds: only the ledger's names are Chinese."""
        found = read_blocks(render(report, fmt="csv", lang="en"))
        assert ["figure", "kind", "value", "unit"] == found["Summary"][0]
        assert ["project", "name", "unit", "light", "reasons"] == found["Lights"][0]
        kinds = {row[1] for row in found["Summary"][1:]}
        assert {"count", "amount", "share", "gap", "days", "index"} == kinds
        for title in EN_TITLES:
            assert found[title][0] == [h for h in found[title][0] if h.isascii()]

    def test_each_block_is_rectangular(self, report: SupervisionReport) -> None:
        """Every row of a block has as many cells as its header."""
        for lang in ("zh", "en"):
            for title, (header, *rows) in read_blocks(render(report, fmt="csv", lang=lang)).items():
                assert all(len(header) == len(row) for row in rows), title


class TestTypedColumns:
    """A column holds one kind; the numbers are plain numbers in the unit named."""

    def test_summary_values_are_numbers_or_empty(self, report: SupervisionReport) -> None:
        """Every value of the figures is a plain number, or empty where it does not apply."""
        summary = read_blocks(render(report, fmt="csv"))["汇总"]
        values = [row[2] for row in summary[1:]]
        assert all(NUMBER.fullmatch(v) or v == "" for v in values)
        rows = {row[0]: row[1:] for row in summary[1:]}
        assert ["比率", "73.2", "%"] == rows["年度计划完成率"]
        assert ["百分点差", "-10.1", "百分点"] == rows["超时序进度(百分点)"]
        assert ["比率", "", "%"] == rows["同比增长"]  # not applicable: no plan last year
        assert ["天数", "10.1", "工作日"] == rows["平均办结工作日"]
        assert ["天数", "9.3", "天"] == rows["平均审批天数"]
        assert ["计数", "50", ""] == rows["项目数"]
        assert ["指数", "0.942", ""] == rows["进度绩效指数SPI"]

    def test_amounts_are_exact(self, report: SupervisionReport) -> None:
        """An amount is the exact 亿元 of the ledger's 万元, not the text's two decimals."""
        rows = {row[0]: row for row in read_blocks(render(report, fmt="csv"))["汇总"][1:]}
        plan = report.summary.investment.annual_plan
        assert plan / 10_000 == Decimal(rows["年度计划投资(亿元)"][2])
        assert "亿元" == rows["年度计划投资(亿元)"][3]

    def test_the_text_reports_figures(self, report: SupervisionReport) -> None:
        """A share, a gap or a mean is the number the text report prints, without its sign."""
        found = read_blocks(render(report, fmt="csv"))["汇总"]
        rows = {row[0]: row[2] for row in found[1:]}
        tiers = _tier_names(report.policy, "zh")
        for label, shown in report.summary.figure_rows("zh", tier_names=tiers):
            if label in rows and rows[label] and shown.endswith(" %"):
                assert shown.removesuffix(" %") == rows[label]

    def test_counts_and_dates_in_the_issue_tables(self, report: SupervisionReport) -> None:
        """Days overdue are whole numbers, deadlines ISO dates, counts whole numbers."""
        found = read_blocks(render(report, fmt="csv"))
        overdue = found["超期问题"]
        assert len(report.overdue) == len(overdue) - 1
        for row, o in zip(overdue[1:], report.overdue, strict=True):
            assert [o.issue, o.deadline.isoformat()] == [row[0], row[3]]
            assert [str(o.calendar_days), str(o.working_days)] == row[5:7]
        counts = found["未办结问题"]
        assert ["联系市领导", "红色督办单", "6"] == counts[1]
        assert sum(report.open_by_tier_and_sheet().values()) == sum(int(r[2]) for r in counts[1:])

    def test_rankings_say_their_unit(self, report: SupervisionReport) -> None:
        """A ranked share is its percent; its unit cell says %; an unranked one has no rank."""
        rankings = read_blocks(render(report, fmt="csv"))["排名"]
        assert ["排名", "指标", "名次", "单位/地区", "数值", "计量单位"] == rankings[0]
        first = rankings[1]
        assert ["1", "市商务局", "103.6", "%"] == first[2:]
        assert any(row[2] == "" and row[4] == "" for row in rankings[1:])

    def test_lights_with_reasons(self, report: SupervisionReport) -> None:
        """Every project once, red first; a red or yellow one's reasons, one a line."""
        lights = read_blocks(render(report, fmt="csv"))["红黄绿灯"]
        assert len(report.project_lights) == len(lights) - 1
        top = lights[1]
        assert (report.red[0].project, "红灯") == (top[0], top[3])
        reasons = [r.text("zh") for r in report.red[0].reasons if r.code]
        assert "\n".join(reasons) == top[4]


class TestSafe:
    """No cell runs as a formula; text from the ledger stays as typed behind its quote."""

    def test_formula_names_are_quoted(self, report: SupervisionReport) -> None:
        """A project named like a formula is written with a leading quote."""
        p = sample_portfolio()
        named = attrs.evolve(p.projects[0], name="=HYPERLINK(1)")
        ledger = attrs.evolve(p, projects=(named, *p.projects[1:]))
        text = render(build_report(ledger, SAMPLE_AS_OF), fmt="csv")
        cells = [c for row in csv.reader(io.StringIO(text[1:], newline="")) for c in row]
        assert "'=HYPERLINK(1)" in cells
        assert [] == [c for c in cells if is_risky(c)]

    def test_blocks_are_the_written_tables(self, report: SupervisionReport) -> None:
        """The text is the blocks, written one after another."""
        found = read_blocks(render(report, fmt="csv", lang="en"))
        assert [(t, [list(h), *map(list, rows)]) for t, h, rows in blocks(report, "en")] == list(
            found.items()
        )


class TestCommandLine:
    """The command writes the mark to a file and to a UTF-8 pipe, not to another console."""

    def test_output_file_starts_with_the_mark(self, tmp_path: Path) -> None:
        """-o FILE.csv holds EF BB BF, then the tables."""
        from projpush.cli import main  # noqa: PLC0415

        target = tmp_path / "report.csv"
        assert 0 == main(["demo", "--format", "csv", "-o", str(target)])
        assert target.read_bytes().startswith(b"\xef\xbb\xbf" + "通报\n".encode())

    def test_no_mark_on_a_console_of_another_encoding(self) -> None:
        """A GBK console gets the tables without the mark it has no use for."""
        from projpush.cli import _Console, _without_bom  # noqa: PLC0415

        gbk = io.TextIOWrapper(io.BytesIO(), encoding="gbk")
        utf8 = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
        assert "通报" == _without_bom("\ufeff通报", _Console(gbk))  # type: ignore[arg-type]
        assert "\ufeff通报" == _without_bom("\ufeff通报", _Console(utf8))  # type: ignore[arg-type]
