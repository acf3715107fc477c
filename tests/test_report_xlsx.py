"""The report as a workbook: written, read back with openpyxl, and checked cell by cell."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs
import pytest

from projpush import _xlsx
from projpush._fmt import group_digits, half_up
from projpush.cli import main
from projpush.engine import build_report_tables, from_portfolio, to_portfolio
from projpush.errors import ValidationError
from projpush.lights import Light
from projpush.report import (
    ProjectLight,
    SupervisionReport,
    _tier_names,
    build_report,
    render_xlsx,
)
from projpush.synth import SAMPLE_AS_OF, sample_portfolio

if TYPE_CHECKING:
    from pathlib import Path

openpyxl = pytest.importorskip("openpyxl")

ZH_SHEETS = ["汇总", "红黄绿灯", "问题清单", "排名", "问责清单", "台账缺口"]
EN_SHEETS = ["Summary", "Lights", "Issues", "Rankings", "Accountability", "Ledger gaps"]


@pytest.fixture(scope="module")
def report() -> SupervisionReport:
    return build_report(sample_portfolio(), SAMPLE_AS_OF)


def workbook(report: SupervisionReport, lang: str = "zh") -> Any:
    buffer = io.BytesIO()
    render_xlsx(report, buffer, lang=lang)  # type: ignore[arg-type]
    buffer.seek(0)
    return openpyxl.load_workbook(buffer)


@pytest.fixture(scope="module")
def zh(report: SupervisionReport) -> Any:
    return workbook(report, "zh")


@pytest.fixture(scope="module")
def en(report: SupervisionReport) -> Any:
    return workbook(report, "en")


def values(sheet: Any) -> list[tuple[Any, ...]]:
    return list(sheet.iter_rows(min_row=2, values_only=True))


def fill(cell: Any) -> str:
    """The fill colour of a cell, RRGGBB ("" when it has none)."""
    if cell.fill.fill_type != "solid":
        return ""
    return str(cell.fill.fgColor.rgb)[-6:]


def shown(value: Any, number_format: str) -> str:
    """A stored figure as the text report prints it, rounding as its format does."""
    if isinstance(value, str):
        return value
    exact = Decimal(repr(value))
    gap = half_up(exact, 1)
    texts = {
        _xlsx.PERCENT: lambda: f"{half_up(exact * 100, 1)} %",
        _xlsx.AMOUNT: lambda: group_digits(half_up(exact, 2)),
        _xlsx.POINTS: lambda: f"{gap:f}" if gap == 0 else f"{gap:+f}",
        _xlsx.MEAN: lambda: f"{gap}",
        _xlsx.INDEX: lambda: f"{half_up(exact, 3)}",
        _xlsx.COUNT: lambda: str(value) if isinstance(value, int) else "not a count",
    }
    return texts[number_format]()


class TestSheets:
    def test_names_in_each_language(self, zh: Any, en: Any) -> None:
        assert ZH_SHEETS == zh.sheetnames
        assert EN_SHEETS == en.sheetnames

    def test_english_headers(self, en: Any) -> None:
        header = next(en["Lights"].iter_rows(max_row=1, values_only=True))
        assert ("project", "name", "unit", "light", "reasons") == header

    def test_header_frozen_and_printed_on_every_page(self, zh: Any, en: Any) -> None:
        for book in (zh, en):
            for sheet in book:
                assert "A2" == sheet.freeze_panes, sheet.title
                assert "$1:$1" == sheet.print_title_rows, sheet.title
                assert sheet["A1"].font.bold

    def test_printable_on_a4_fitted_to_width(self, zh: Any) -> None:
        for sheet in zh:
            setup = sheet.page_setup
            assert "9" == str(setup.paperSize), sheet.title  # A4
            assert 1 == setup.fitToWidth
            assert 0 == setup.fitToHeight
            assert sheet.sheet_properties.pageSetUpPr.fitToPage
            assert sheet.print_options.gridLines
        assert "landscape" == zh["红黄绿灯"].page_setup.orientation
        assert "portrait" == zh["汇总"].page_setup.orientation

    def test_columns_fit_cjk_text(self, zh: Any, report: SupervisionReport) -> None:
        """A CJK character counts two widths: the name column holds the longest name."""
        longest = max(len(p.name) for p in report.project_lights)
        assert zh["红黄绿灯"].column_dimensions["B"].width >= 2 * longest
        assert zh["红黄绿灯"].column_dimensions["E"].width <= 60  # reasons wrap instead


class TestSummary:
    def test_figures_as_the_text_report_shows_them(
        self, zh: Any, en: Any, report: SupervisionReport
    ) -> None:
        """Every figure is a number whose format rounds it to the text report's figure."""
        for book, lang in ((zh, "zh"), (en, "en")):
            sheet = book[book.sheetnames[0]]
            tiers = _tier_names(report.policy, lang)
            texts = dict(report.summary.figure_rows(lang, tier_names=tiers))  # type: ignore[arg-type]
            cells = {row[0].value: row[1] for row in sheet.iter_rows(min_row=2)}
            compared = [label for label in texts if label in cells]
            # Only the pairs the text prints as "23/50" are rows of their own here.
            pairs = {label for label, text in texts.items() if "/" in text}
            assert set(texts) - pairs <= set(compared)
            for label in compared:
                if label in pairs:
                    continue
                cell = cells[label]
                assert texts[label] == shown(cell.value, cell.number_format), label

    def test_kinds_and_formats(self, zh: Any, report: SupervisionReport) -> None:
        cells = {row[0].value: row[1] for row in zh["汇总"].iter_rows(min_row=2)}
        s = report.summary
        assert s.projects == cells["项目数"].value
        assert isinstance(cells["项目数"].value, int)
        assert _xlsx.COUNT == cells["项目数"].number_format
        plan = cells["年度计划投资(亿元)"]
        assert s.investment.annual_plan / 10000 == Decimal(repr(plan.value))
        assert "#,##0.00" == plan.number_format
        completion = cells["年度计划完成率"]
        assert abs(float(s.completion.value) - completion.value) < 1e-12  # type: ignore[arg-type]
        assert "0.0%" == completion.number_format
        assert "不适用" == cells["同比增长"].value  # no amount last year: no share
        assert dt.datetime.combine(SAMPLE_AS_OF, dt.time()) == cells["截至日期"].value
        assert 'yyyy"年"m"月"d"日"' == cells["截至日期"].number_format
        assert s.approvals.not_started == cells["未开工项目"].value
        assert s.issues.collected == cells["问题收集"].value
        assert s.issues.closed == cells["问题办结"].value

    def test_english_dates(self, en: Any) -> None:
        cells = {row[0].value: row[1] for row in en["Summary"].iter_rows(min_row=2)}
        assert "yyyy-mm-dd" == cells["as of"].number_format
        assert "n/a" == cells["year-on-year growth"].value


class TestLights:
    def test_every_project_red_and_yellow_first(self, zh: Any, report: SupervisionReport) -> None:
        rows = values(zh["红黄绿灯"])
        assert len(report.project_lights) == len(rows)
        red, yellow = len(report.red), len(report.yellow)
        assert [v.project for v in (*report.red, *report.yellow)] == [
            r[0] for r in rows[: red + yellow]
        ]
        assert ["红灯"] * red + ["黄灯"] * yellow == [r[3] for r in rows[: red + yellow]]
        later = [r[3] for r in rows[red + yellow :]]
        assert later == sorted(later, key=["绿灯", "不亮灯"].index)

    def test_reasons_of_red_and_yellow_only(self, zh: Any, report: SupervisionReport) -> None:
        rows = {r[0]: r for r in values(zh["红黄绿灯"])}
        for v in (*report.red, *report.yellow):
            assert "\n".join(r.text("zh") for r in v.reasons if r.code) == rows[v.project][4]
        assert all(r[4] is None for r in rows.values() if r[3] in {"绿灯", "不亮灯"})
        assert zh["红黄绿灯"]["E2"].alignment.wrap_text

    def test_light_as_colour(self, zh: Any, en: Any) -> None:
        for book, words in (
            (zh, {"红灯": "FF0000", "黄灯": "FFFF00", "绿灯": "00B050", "不亮灯": ""}),
            (en, {"red": "FF0000", "yellow": "FFFF00", "green": "00B050", "not judged": ""}),
        ):
            sheet = book[book.sheetnames[1]]
            seen = {row[3].value: fill(row[3]) for row in sheet.iter_rows(min_row=2)}
            assert words == seen

    def test_names_and_units(self, zh: Any, report: SupervisionReport) -> None:
        rows = {r[0]: r for r in values(zh["红黄绿灯"])}
        for p in report.project_lights:
            assert (p.name, p.unit) == rows[p.key][1:3]


class TestIssues:
    def test_overdue_issues(self, zh: Any, report: SupervisionReport) -> None:
        sheet = zh["问题清单"]
        rows = list(sheet.iter_rows(min_row=2))
        assert len(report.overdue) == sum(1 for r in rows if r[0].value is not None)
        for o, row in zip(report.overdue, rows, strict=False):
            assert o.issue == row[0].value
            assert dt.datetime.combine(o.deadline, dt.time()) == row[3].value
            assert 'yyyy"年"m"月"d"日"' == row[3].number_format
            assert (o.calendar_days, o.working_days) == (row[5].value, row[6].value)
            assert o.sheet is not None
            colour = {"red": "FF0000", "yellow": "FFFF00", "blue": "00B0F0"}[o.sheet.value]
            assert colour == fill(row[4])

    def test_open_counts_beside(self, zh: Any, report: SupervisionReport) -> None:
        rows = list(zh["问题清单"].iter_rows(min_row=2))
        counts = [(r[8].value, r[9].value, r[10].value) for r in rows if r[10].value is not None]
        assert sum(report.open_counts.values()) == sum(n for *_, n in counts)
        assert ("未交办", "未发督办单", 3) in counts
        colours = {r[9].value: fill(r[9]) for r in rows if r[9].value is not None}
        assert {"红色督办单": "FF0000", "黄色督办单": "FFFF00", "蓝色督办单": "00B0F0"} == {
            k: v for k, v in colours.items() if v
        }
        assert "" == colours["未发督办单"]


class TestOtherSheets:
    def test_rankings(self, zh: Any, report: SupervisionReport) -> None:
        rows = list(zh["排名"].iter_rows(min_row=2))
        rankings = report.summary.rankings
        assert sum(len(r.rows) for r in rankings) == len(rows)
        first = rankings[0].rows[0]
        assert (first.rank, first.key) == (rows[0][2].value, rows[0][3].value)
        assert "0.0%" == rows[0][4].number_format
        assert first.text() == shown(rows[0][4].value, rows[0][4].number_format)
        assert "单位排名" == rows[0][0].value
        unranked = [r for r in rows if r[2].value == "—"]
        assert all(r[4].value == "不适用" for r in unranked)

    def test_accountability_one_row_an_item(self, zh: Any, report: SupervisionReport) -> None:
        rows = values(zh["问责清单"])
        items = [(e.unit, i) for e in report.accountability for i in e.items]
        assert len(items) == len(rows)
        for (unit, item), row in zip(items, rows, strict=True):
            assert (unit, item.issue, item.reason.zh) == row[:3]
            assert dt.datetime.combine(item.on, dt.time()) == row[3]

    def test_findings(self, zh: Any, en: Any, report: SupervisionReport) -> None:
        rows = values(zh["台账缺口"])
        assert [(f.subject, f.kind.zh, f.text("zh")) for f in report.findings] == rows
        assert "milestone overdue" in {r[1] for r in values(en["Ledger gaps"])}


class TestCells:
    def test_text_is_never_a_formula_nor_illegal(self, report: SupervisionReport) -> None:
        hostile = ProjectLight("=HYPERLINK(1)", "=1+2", "单位\x01", Light.GREEN)
        book = workbook(attrs.evolve(report, project_lights=(hostile,)))
        row = next(book["红黄绿灯"].iter_rows(min_row=2))
        assert ("=HYPERLINK(1)", "=1+2", "单位\ufffd") == tuple(c.value for c in row[:3])
        assert all("s" == c.data_type for c in row[:3])

    def test_escaped(self, report: SupervisionReport) -> None:
        odd = ProjectLight("A&B", "<项目> & </t>", " 前后空格 ", None)
        book = workbook(attrs.evolve(report, project_lights=(odd,)))
        row = next(book["红黄绿灯"].iter_rows(min_row=2, values_only=True))
        assert ("A&B", "<项目> & </t>", " 前后空格 ") == row[:3]

    def test_a_table_longer_than_a_sheet_goes_on(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(_xlsx, "_MAX_ROWS", 3)
        table = _xlsx.Table("问责清单", ("a",), (None,), [("1",), ("2",), ("3",)])
        parts = list(_xlsx._parts(table, "zh"))
        assert ["问责清单", "问责清单 2"] == [p.title for p in parts]
        assert [[("1",), ("2",)], [("3",)]] == [list(p.rows) for p in parts]


class TestPaths:
    def test_tables_path_gives_the_same_cells(self) -> None:
        tables = from_portfolio(sample_portfolio())
        on_objects = workbook(build_report(to_portfolio(tables), SAMPLE_AS_OF))
        on_tables = workbook(build_report_tables(tables, SAMPLE_AS_OF))
        assert on_objects.sheetnames == on_tables.sheetnames
        for name in on_objects.sheetnames:
            assert values(on_objects[name]) == values(on_tables[name]), name

    def test_written_to_a_path(self, report: SupervisionReport, tmp_path: Path) -> None:
        target = tmp_path / "report.xlsx"
        render_xlsx(report, target, lang="en")
        assert EN_SHEETS == openpyxl.load_workbook(target).sheetnames
        assert ["report.xlsx"] == [p.name for p in tmp_path.iterdir()]  # no temporary left

    def test_bad_language(self, report: SupervisionReport) -> None:
        with pytest.raises(ValidationError, match="lang"):
            render_xlsx(report, io.BytesIO(), lang="fr")  # type: ignore[arg-type]


class TestCommandLine:
    def test_demo_workbook(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        target = tmp_path / "demo.xlsx"
        assert 0 == main(["demo", "--format", "xlsx", "--lang", "en", "--output", str(target)])
        out, err = capsys.readouterr()
        assert "" == out
        assert "" == err
        assert EN_SHEETS == openpyxl.load_workbook(target).sheetnames

    def test_report_on_tables(self, tmp_path: Path) -> None:
        from projpush.engine import write_parquet  # noqa: PLC0415

        ledger = tmp_path / "ledger.parquet"
        write_parquet(from_portfolio(sample_portfolio()), ledger)
        target = tmp_path / "r.xlsx"
        argv = ["report", str(ledger), "--as-of", str(SAMPLE_AS_OF), "--trusted"]
        assert 0 == main([*argv, "--format", "xlsx", "-o", str(target)])
        assert ZH_SHEETS == openpyxl.load_workbook(target).sheetnames

    def test_refused_without_output(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert 2 == main(["demo", "--format", "xlsx"])
        out, err = capsys.readouterr()
        assert "" == out
        [line] = err.splitlines()
        assert "--format" in line
        assert "--output" in line

    def test_refused_with_another_suffix(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        target = tmp_path / "report.csv"
        assert 2 == main(["demo", "--format", "xlsx", "-o", str(target)])
        [line] = capsys.readouterr().err.splitlines()
        assert ".xlsx" in line
        assert not target.exists()


class TestWithoutOpenpyxl:
    def test_message_names_the_extra(
        self, report: SupervisionReport, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setitem(sys.modules, "openpyxl", None)
        with pytest.raises(ImportError, match=r'pip install "projpush\[xlsx\]"'):
            render_xlsx(report, io.BytesIO())

    def test_command_says_it_before_the_work(self, tmp_path: Path) -> None:
        code = (
            "import sys; sys.modules['openpyxl'] = None; "
            "from projpush.cli import main; sys.exit(main(sys.argv[1:]))"
        )
        target = tmp_path / "r.xlsx"
        done = subprocess.run(
            [sys.executable, "-c", code, "demo", "--format", "xlsx", "-o", str(target)],
            capture_output=True,
            text=True,
            check=False,
            encoding="utf-8",
        )
        assert 2 == done.returncode
        assert 'pip install "projpush[xlsx]"' in done.stderr
        assert "Traceback" not in done.stderr
        assert not target.exists()
