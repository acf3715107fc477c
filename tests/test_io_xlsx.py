"""Tests for projpush.io.xlsx: ledger workbooks read, written, templated, and refused."""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
import tempfile
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from projpush.cli import main
from projpush.csvledger import check_csv_ledger, load_csv_ledger
from projpush.errors import LedgerError, LedgerTooLargeError
from projpush.io import dump_portfolio, xlsx
from projpush.io.xlsx import (
    SHEETS,
    check_xlsx_ledger,
    dump_xlsx_ledger,
    excel_amount,
    load_xlsx_ledger,
    write_xlsx_template,
)
from projpush.ledger import check_ledger, load_ledger
from projpush.model import Milestone, Portfolio, Project, StageEvent, Unit
from projpush.synth import sample_portfolio
from strategies import portfolios

# Pieces of text that spreadsheets and their XML mangle, drawn often, among any characters.
_PIECES = st.sampled_from(["=", "0", "\n", "\r", "\r\n", "_x000D_", "_x", "'", "\x01", "-", "&"])
_MANGLED = (
    st.lists(st.one_of(_PIECES, st.characters(exclude_categories=("Cs",))), min_size=1, max_size=8)
    .map("".join)
    .filter(lambda t: t.strip() != "")
)

HEADER = ["项目代码", "项目名称", "级别", "类别", "阶段", "区域", "责任单位", "总投资"]
CODE = "2020-330200-47-03-012345"


def row(**over: Any) -> list[Any]:
    """A sound projects row, with some cells replaced."""
    values = [CODE, "港口", "市级", "工业", "在建", "北仑区", "市港航局", 479.33]
    cells = dict(zip(HEADER, values, strict=True))
    cells.update(over)
    return list(cells.values())


def book(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    """A workbook as an office types it, written cell by cell with openpyxl."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


class TestRoundTrip:
    """dump_xlsx_ledger then load_xlsx_ledger is the identity on portfolios."""

    @settings(deadline=None)
    @given(portfolios())
    def test_any_portfolio(self, p: Portfolio) -> None:
        """Any portfolio with its issue histories comes back equal, and checks clean."""
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "ledger.xlsx"
            dump_xlsx_ledger(p, path)
            assert [] == check_xlsx_ledger(path)
            assert p == load_xlsx_ledger(path)

    def test_sample_city(self, tmp_path: Path) -> None:
        """The sample city through a workbook, and through load_ledger."""
        path = tmp_path / "city.xlsx"
        dump_xlsx_ledger(sample_portfolio(), path)
        assert sample_portfolio() == load_ledger(path)

    @settings(max_examples=40, deadline=None)
    @given(st.lists(_MANGLED, min_size=3, max_size=3))
    def test_text_spreadsheets_mangle(self, texts: list[str]) -> None:
        """Formulas, newlines, carriage returns, control characters, _x escapes: kept."""
        name, owner, note = texts
        project = Project(
            local_id="L-1",
            name=name,
            level="city",
            category="social",
            stage="under_construction",
            region="区",
            unit="局",
            owner=owner,
            stage_events=(StageEvent("started", dt.date(2020, 1, 2), note=note),),
        )
        p = Portfolio(projects=(project,), units=(Unit(name),))
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "ledger.xlsx"
            dump_xlsx_ledger(p, path)
            assert p == load_xlsx_ledger(path)

    def test_leading_zeros_long_digits_formulas_old_dates(self, tmp_path: Path) -> None:
        """Leading zeros, 18 digits, '=' and a date before 1900 come back as they were."""
        project = Project(
            local_id="000123",
            name="=SUM(A1:A9)",
            level="city",
            category="social",
            stage="reserved",
            region="区",
            unit="局",
            owner="330203199001011234",
            total_investment="0.00001",  # finer than 1 元: written as text
            milestones=(Milestone("立项\n批复", dt.date(1899, 12, 31)),),
        )
        p = Portfolio(projects=(project,))
        path = tmp_path / "ledger.xlsx"
        dump_xlsx_ledger(p, path)
        assert p == load_xlsx_ledger(path)
        sheet = openpyxl.load_workbook(path)["节点任务"]
        assert "1899-12-31" == sheet["C2"].value  # before Excel's dates: text

    def test_dates_and_amounts_are_typed(self, tmp_path: Path) -> None:
        """A written workbook holds amounts as numbers and dates as dates."""
        path = tmp_path / "city.xlsx"
        dump_xlsx_ledger(sample_portfolio(), path)
        wb = openpyxl.load_workbook(path)
        assert isinstance(wb["项目"]["J2"].value, float | int)
        assert isinstance(wb["节点任务"]["C2"].value, dt.datetime)


class TestExcelNumbers:
    """The money rule: within 1e-9 of at most 4 decimals, else refused at the cell."""

    @pytest.mark.parametrize(
        ("number", "expected"),
        [
            (479.33, Decimal("479.33")),
            (0.1 + 0.2, Decimal("0.3")),
            (1e-4, Decimal("0.0001")),
            (12.0, Decimal(12)),
            (0.00005, None),
            (1 / 3, None),
            (float("nan"), None),
            (1e30, None),
        ],
    )
    def test_rule(self, number: float, expected: Decimal | None) -> None:
        """Each number as the rule reads it."""
        assert expected == excel_amount(number)

    def test_exact_amount(self, tmp_path: Path) -> None:
        """479.33 typed as a number is the Decimal 479.33."""
        path = book(tmp_path / "a.xlsx", {"项目": [HEADER, row()]})
        assert Decimal("479.33") == load_xlsx_ledger(path).projects[0].total_investment

    def test_inexact_amount_names_the_cell(self, tmp_path: Path) -> None:
        """A number with more than 4 decimals is refused, naming sheet, cell and header."""
        path = book(tmp_path / "a.xlsx", {"项目": [HEADER, row(总投资=0.123456789)]})
        [(where, message)] = check_xlsx_ledger(path)
        assert "项目!H2" == where
        assert message.startswith("总投资: expected an amount in 万元 with at most 4 decimals")
        assert "got 0.123456789" in message

    def test_amount_as_text_follows_the_text_grammar(self, tmp_path: Path) -> None:
        """Money typed as text: 1,052.5 is read, 'abc' refused as in a CSV file."""
        path = book(tmp_path / "a.xlsx", {"项目": [HEADER, row(总投资="1,052.5")]})
        assert Decimal("1052.5") == load_xlsx_ledger(path).projects[0].total_investment
        path = book(tmp_path / "b.xlsx", {"项目": [HEADER, row(总投资="abc")]})
        [(where, message)] = check_xlsx_ledger(path)
        assert ("项目!H2", "总投资: expected an amount in 万元 written in digits") == (
            where,
            message.split(", such as")[0],
        )

    def test_long_number_in_a_text_column(self, tmp_path: Path) -> None:
        """An 18-digit code typed as a number has lost its digits: refused."""
        header = [*HEADER, "业主"]
        path = book(tmp_path / "a.xlsx", {"项目": [header, [*row(), 330203199001011234]]})
        [(where, message)] = check_xlsx_ledger(path)
        assert "项目!I2" == where
        assert "业主: expected text: Excel keeps only 15 digits" in message

    def test_small_number_in_a_text_column(self, tmp_path: Path) -> None:
        """A whole number in a text column is its digits."""
        header = ["本地编号", *HEADER[1:]]
        path = book(tmp_path / "a.xlsx", {"项目": [header, [12345, *row()[1:]]]})
        assert "12345" == load_xlsx_ledger(path).projects[0].local_id


# Every amount with at most 4 decimals below 2^24 万元 lies within 1e-9 of its nearest float.
_FOUR_PLACES = st.integers(min_value=-(2**24) * 10**4 + 1, max_value=2**24 * 10**4 - 1).map(
    lambda n: Decimal(n).scaleb(-4)
)
_MILLION = 10**6 * 10**4  # amounts up to a million 万元, where a float is finer than 1e-10


class TestMoneyRule:
    """The rule as a property: within 1e-9 of at most 4 decimals is that Decimal, else refused."""

    @given(_FOUR_PLACES)
    def test_an_amount_typed_as_a_number_is_read_exactly(self, amount: Decimal) -> None:
        """Below 2^24 万元, every amount with at most 4 decimals comes back from its float."""
        assert amount == excel_amount(float(amount))

    @given(
        st.integers(min_value=-_MILLION, max_value=_MILLION).map(lambda n: Decimal(n).scaleb(-4)),
        st.floats(min_value=0, max_value=9e-10),
        st.booleans(),
    )
    def test_within_1e9_is_that_amount(self, amount: Decimal, drift: float, up: bool) -> None:
        """A number that drifted by less than 1e-9 (a sum in Excel) is read as the amount."""
        number = float(amount) + (drift if up else -drift)
        assert amount == excel_amount(number)

    @given(
        st.integers(min_value=-_MILLION, max_value=_MILLION).map(lambda n: Decimal(n).scaleb(-4)),
        st.floats(min_value=2e-9, max_value=1e-4 - 2e-9),
    )
    def test_farther_than_1e9_is_refused(self, amount: Decimal, drift: float) -> None:
        """A number farther than 1e-9 from every value with 4 decimals is no amount."""
        assert excel_amount(float(amount) + drift) is None

    def test_above_2_24_a_fraction_may_not_be_held(self) -> None:
        """From 2^24 万元 up a float may lie farther than 1e-9 from the amount typed: refused.

        20,000,000.12 万元 (2,000 亿元) typed as a number is stored as
        20000000.120000001..., so it is refused and must be typed as text;
        halves and whole amounts are held exactly at any size.
        """
        assert excel_amount(20000000.12) is None
        assert Decimal("20000000.5") == excel_amount(20000000.5)
        assert Decimal("16777215.1234") == excel_amount(16777215.1234)

    @pytest.mark.parametrize(
        ("sheet", "header", "cells", "where"),
        [
            ("项目", HEADER, [HEADER, row(总投资=479.3300001)], "项目!H2"),
            (
                "月度投资",
                ["项目代码", "月份", "计划", "完成"],
                [["项目代码", "月份", "计划", "完成"], [CODE, "2020-05", 10, 2.00005]],
                "月度投资!D2",
            ),
        ],
    )
    def test_a_refused_number_names_its_cell_and_header(
        self, tmp_path: Path, sheet: str, header: list[str], cells: list[list[Any]], where: str
    ) -> None:
        """The error is at the cell, under the header as the sheet has it, with the number."""
        sheets = {"项目": [HEADER, row()], sheet: cells}
        [(location, message)] = check_xlsx_ledger(book(tmp_path / "a.xlsx", sheets))
        column = header[ord(where.split("!")[1][0]) - ord("A")]
        got = cells[1][ord(where.split("!")[1][0]) - ord("A")]
        assert where == location
        assert message == (
            f"{column}: expected an amount in 万元 with at most 4 decimals (0.0001 万元 = 1 元); "
            f"an Excel number must lie within 1e-9 of one, or the amount be typed as text, "
            f"got {got!r}"
        )


class TestExcelDates:
    """Excel dates are dates; a date with a time, or a number, is refused."""

    def sheets(self, planned: Any) -> dict[str, list[list[Any]]]:
        return {
            "项目": [HEADER, row()],
            "节点任务": [["项目代码", "节点", "计划完成日期"], [CODE, "开工", planned]],
        }

    def test_date_cell(self, tmp_path: Path) -> None:
        """A date cell is that date."""
        path = book(tmp_path / "a.xlsx", self.sheets(dt.date(2020, 5, 1)))
        assert dt.date(2020, 5, 1) == load_xlsx_ledger(path).projects[0].milestones[0].planned

    def test_text_date(self, tmp_path: Path) -> None:
        """A date typed as text follows the text grammar."""
        path = book(tmp_path / "a.xlsx", self.sheets("2020年5月1日"))
        assert dt.date(2020, 5, 1) == load_xlsx_ledger(path).projects[0].milestones[0].planned

    def test_date_with_time(self, tmp_path: Path) -> None:
        """A date and time is refused at its cell."""
        morning = dt.datetime(2020, 5, 1, 9, 30)  # noqa: DTZ001 (a cell has no time zone)
        path = book(tmp_path / "a.xlsx", self.sheets(morning))
        [(where, message)] = check_xlsx_ledger(path)
        assert ("节点任务!C2", "计划完成日期: expected a date without a time of day") == (
            where,
            message.split(", got")[0],
        )

    def test_number_in_a_date_column(self, tmp_path: Path) -> None:
        """A bare number is no date (which epoch would be a guess)."""
        path = book(tmp_path / "a.xlsx", self.sheets(43952))
        [(where, message)] = check_xlsx_ledger(path)
        assert "节点任务!C2" == where
        assert message.startswith("计划完成日期: expected a date: a cell formatted as a date")

    def test_month_as_a_date(self, tmp_path: Path) -> None:
        """A month column takes the first day of a month; another day is refused."""
        monthly = [["项目代码", "月份", "计划"], [CODE, dt.date(2020, 5, 1), 10]]
        path = book(tmp_path / "a.xlsx", {"项目": [HEADER, row()], "月度投资": monthly})
        assert {"2020-05": Decimal(10)} == {
            str(m): v for m, v in load_xlsx_ledger(path).projects[0].monthly_plan.items()
        }
        monthly[1][1] = dt.date(2020, 5, 2)
        path = book(tmp_path / "b.xlsx", {"项目": [HEADER, row()], "月度投资": monthly})
        [(where, message)] = check_xlsx_ledger(path)
        assert "月度投资!B2" == where
        assert message.startswith("月份: expected a month: the first day of a month")


class TestLayout:
    """Titles, 序号 columns, sheet names in English, missing and doubled sheets."""

    def test_title_row_and_row_numbers(self, tmp_path: Path) -> None:
        """A title above the header and a leading 序号 column; errors keep Excel's cells."""
        sheets = {"项目": [["2020年重大项目台账"], ["序号", *HEADER], [1, *row(级别="国家级")]]}
        path = book(tmp_path / "a.xlsx", sheets)
        [(where, message)] = check_xlsx_ledger(path)
        assert "项目!D3" == where
        assert message.startswith("级别: ")

    def test_a_merged_title_row(self, tmp_path: Path) -> None:
        """A title merged across the table, above a header led by 序号: skipped, cells kept."""
        path = book(
            tmp_path / "a.xlsx",
            {"项目": [["2020年重大项目台账"], ["序号", *HEADER], [1, *row(总投资=1 / 3)]]},
        )
        wb = openpyxl.load_workbook(path)
        wb["项目"].merge_cells("A1:I1")
        wb.save(path)
        [(where, message)] = check_xlsx_ledger(path)
        assert ("项目!I3", "总投资: expected an amount") == (
            where,
            message[: len("总投资: expected an amount")],
        )
        good = book(tmp_path / "b.xlsx", {"项目": [["台账"], ["序号", *HEADER], [1, *row()]]})
        wb = openpyxl.load_workbook(good)
        wb["项目"].merge_cells("A1:I1")
        wb.save(good)
        assert Decimal("479.33") == load_xlsx_ledger(good).projects[0].total_investment

    def test_title_row_reads(self, tmp_path: Path) -> None:
        """The same workbook with a sound row loads."""
        sheets = {"项目": [["2020年重大项目台账"], ["序号", *HEADER], [1, *row()]]}
        assert 1 == len(load_xlsx_ledger(book(tmp_path / "a.xlsx", sheets)).projects)

    def test_english_sheet_and_headers(self, tmp_path: Path) -> None:
        """English sheet names and headers, as in the CSV ledger."""
        header = ["code", "name", "level", "category", "stage", "region", "unit"]
        values = [CODE, "港口", "city", "industry", "planned", "北仑区", "市港航局"]
        path = book(tmp_path / "a.xlsx", {"Projects": [header, values]})
        assert CODE == str(load_xlsx_ledger(path).projects[0].code)

    def test_missing_projects_sheet(self, tmp_path: Path) -> None:
        """The projects sheet is required."""
        path = book(tmp_path / "a.xlsx", {"单位": [["单位名称"], ["市港航局"]]})
        assert [("sheet 项目", "this sheet is required but missing")] == check_xlsx_ledger(path)

    def test_two_sheets_of_one_table(self, tmp_path: Path) -> None:
        """projects and 项目 both: which one is meant would be a guess."""
        path = book(tmp_path / "a.xlsx", {"项目": [HEADER, row()], "projects": [HEADER, row()]})
        [(where, message)] = check_xlsx_ledger(path)
        assert "sheet 项目" == where
        assert "sheets '项目' and 'projects' both hold this table; keep one" == message

    def test_unknown_project_names_the_sheet(self, tmp_path: Path) -> None:
        """A reference to no project says which sheet it looked in."""
        sheets = {
            "项目": [HEADER, row()],
            "节点任务": [["项目代码", "节点", "计划完成日期"], ["X", "a", "2020-01-01"]],
        }
        [(where, message)] = check_xlsx_ledger(book(tmp_path / "a.xlsx", sheets))
        assert ("节点任务!A2", "项目代码: no project with code or local id 'X' in sheet 项目") == (
            where,
            message,
        )

    def test_not_a_workbook(self, tmp_path: Path) -> None:
        """A file that is no workbook is one located error."""
        path = tmp_path / "a.xlsx"
        path.write_bytes(b"not a zip")
        with pytest.raises(LedgerError, match=r"is not a readable \.xlsx workbook") as info:
            load_xlsx_ledger(path)
        assert "path" == info.value.field

    def test_too_many_rows(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """A table longer than a sheet is refused before anything is written."""
        monkeypatch.setattr(xlsx, "_MAX_ROWS", 3)
        p = Portfolio(units=(Unit("a"), Unit("b"), Unit("c")))
        with pytest.raises(LedgerError, match=r"单位: 3 rows, more than a sheet holds \(2 below"):
            dump_xlsx_ledger(p, tmp_path / "a.xlsx")
        assert not (tmp_path / "a.xlsx").exists()

    def test_lone_surrogate(self, tmp_path: Path) -> None:
        """A lone surrogate cannot be written; the error names the cell."""
        p = Portfolio(units=(Unit("a\ud800b"),))
        with pytest.raises(LedgerError, match=r"单位!A2 \(name\): the text .* lone surrogate"):
            dump_xlsx_ledger(p, tmp_path / "a.xlsx")
        assert not (tmp_path / "a.xlsx").exists()


class TestTemplate:
    """The blank workbook for offices: headers, 说明, drop-downs, formats, frozen rows."""

    @pytest.fixture
    def template(self, tmp_path: Path) -> Path:
        path = tmp_path / "ledger.xlsx"
        write_xlsx_template(path, years=[2026])
        return path

    def test_sheets(self, template: Path) -> None:
        """说明 first, then one sheet per table in Chinese, each header frozen."""
        wb = openpyxl.load_workbook(template)
        assert ["说明", *(zh for _, zh in SHEETS.values())] == wb.sheetnames
        assert all("A2" == wb[zh].freeze_panes for _, zh in SHEETS.values())

    def test_headers_and_formats(self, template: Path) -> None:
        """Chinese headers with their units; text, date and amount formats per column."""
        sheet = openpyxl.load_workbook(template)["项目"]
        headers = [c.value for c in sheet[1]]
        assert "总投资(万元)" in headers
        assert "2026年度计划投资(万元)" == headers[-1]
        formats = {
            c.value: sheet.column_dimensions[c.column_letter].number_format for c in sheet[1]
        }
        assert "@" == formats["项目代码"]
        assert 26 == sheet.column_dimensions["A"].width  # a whole project code shows
        assert "#,##0.00##" == formats["总投资(万元)"]
        dates = openpyxl.load_workbook(template)["节点任务"]
        assert "yyyy-mm-dd" == dates.column_dimensions["C"].number_format

    def test_drop_downs(self, template: Path) -> None:
        """Every enum column has a drop-down of its Chinese labels; yes/no columns 是/否."""
        wb = openpyxl.load_workbook(template)
        lists = {
            (name, str(v.sqref)): v.formula1
            for name in wb.sheetnames
            for v in wb[name].data_validations.dataValidation
            if v.type == "list"
        }
        assert '"省级,市级,县级,镇级"' == lists[("项目", "D2:D1048576")]
        assert '"是,否"' == lists[("审批要件", "E2:E1048576")]
        # The enum columns (not from_state and to_state, which are derived) and the yes/no ones.
        assert 12 + 3 == len(lists)

    def test_every_enum_column_lists_its_labels(self, template: Path) -> None:
        """Each enum column's drop-down holds exactly its enum's Chinese labels, in order."""
        wb = openpyxl.load_workbook(template)
        checked = 0
        for (file, column), enum in xlsx._ENUMS.items():
            sheet = wb[SHEETS[file][1]]
            headers = [c.value for c in sheet[1]]
            header = xlsx._header(xlsx._BY_FILE[file], column)
            if header not in headers:  # from_state, to_state: derived, not written
                assert column in {"from_state", "to_state"}
                continue
            letter = openpyxl.utils.get_column_letter(headers.index(header) + 1)
            [rule] = [
                v for v in sheet.data_validations.dataValidation if str(v.sqref).startswith(letter)
            ]
            assert ("list", f'"{",".join(m.zh for m in enum)}"') == (rule.type, rule.formula1)
            assert f"{letter}2:{letter}1048576" == str(rule.sqref)
            assert rule.showErrorMessage
            checked += 1
        assert 12 == checked

    def test_every_column_is_formatted_by_its_kind(self, template: Path) -> None:
        """Codes, names and months as text, dates as dates, amounts and percentages as numbers."""
        wb = openpyxl.load_workbook(template)
        formats = {"date": "yyyy-mm-dd", "money": "#,##0.00##", "percent": "0.####"}
        for table in xlsx._TABLES:
            sheet = wb[SHEETS[table.file][1]]
            for cell in sheet[1]:
                name = next(
                    (c for c in table.columns if xlsx._header(table, c.name) == cell.value), None
                )
                kind = name.kind if name is not None else "money"  # an annual plan
                number_format = sheet.column_dimensions[cell.column_letter].number_format
                assert formats.get(kind, "@") == number_format, (sheet.title, cell.value)

    def test_reads_back_empty_and_valid(self, template: Path) -> None:
        """The template is an empty valid ledger."""
        assert Portfolio() == load_xlsx_ledger(template)
        assert check_ledger(template, dt.date(2026, 1, 31)).valid


class TestCommandLine:
    """convert to and from a workbook, template, and a workbook for every subcommand."""

    def test_convert_and_back(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """json -> xlsx (by suffix) -> json is the same ledger; report reads the workbook."""
        json = tmp_path / "city.json"
        dump_portfolio(sample_portfolio(), json)
        assert 0 == main(["convert", str(json), str(tmp_path / "city.xlsx")])
        assert "city.xlsx: xlsx ledger of 50 projects" in capsys.readouterr().out
        assert 0 == main(["convert", str(tmp_path / "city.xlsx"), str(tmp_path / "again.json")])
        assert sample_portfolio() == load_ledger(tmp_path / "again.json")
        assert 0 == main(["report", str(tmp_path / "city.xlsx"), "--as-of", "2020-10-31"])
        assert "重大项目月度通报" in capsys.readouterr().out

    def test_template(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """projpush template writes the blank workbook; check finds it valid."""
        path = tmp_path / "t.xlsx"
        assert 0 == main(["template", str(path), "--year", "2026"])
        assert f"{path}: a blank ledger workbook, annual plans of 2026\n" == capsys.readouterr().out
        assert 0 == main(["check", str(path), "--as-of", "2026-01-31"])

    def test_template_needs_xlsx(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """Another suffix is one line and status 2."""
        assert 2 == main(["template", str(tmp_path / "t.xls")])
        assert "FILE.xlsx: expected a file name ending in .xlsx" in capsys.readouterr().err

    def test_check_lists_cells(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """check on a bad workbook lists each problem at its cell, status 1."""
        path = book(tmp_path / "a.xlsx", {"项目": [HEADER, row(总投资=1 / 3)]})
        assert 1 == main(["check", str(path), "--as-of", "2020-10-31"])
        assert "error: 项目!H2: 总投资: expected an amount in 万元" in capsys.readouterr().out

    def test_size_limit(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """--max-ledger-size applies to a workbook."""
        path = tmp_path / "city.xlsx"
        dump_xlsx_ledger(sample_portfolio(), path)
        assert 2 == main(["check", str(path), "--max-ledger-size", "1K"])
        assert "more than the limit of 1.0 KiB" in capsys.readouterr().err


CITY = Path(__file__).parent / "fixtures" / "csv_city"

# Bad cells and rows, each made in the sample city's CSV folder: (file, text, replacement).
_BREAKS = [
    ("projects.csv", '"218,900"', "abc"),
    ("projects.csv", ",市级,", ",国家级,"),
    ("projects.csv", "2020-330200-47-03-000002,", "2020-330200-47-03-000001,"),
    ("projects.csv", "annual_plan_2021", "annual_plan_1800"),
    ("projects.csv", "task_force,", "lvl,"),
    ("monthly.csv", "2020-01,4000", "2020-13,4000"),
    ("monthly.csv", "2020-330200-47-03-000001,2020-02", "2020-330200-47-03-999999,2020-02"),
    ("leaders.csv", "NB-3", "NB-99"),
    ("issue_events.csv", "Q-1,2020-09-29,assigned", "Q-1,2020-09-27,assigned"),
    ("issue_events.csv", ",collected,", ",gathered,"),
    ("cadences.csv", "\n", "\n张三,2020-330200-47-03-000001,weekly\n"),
]


def _workbook_of(folder: Path, path: Path) -> Path:
    """The CSV folder as a workbook: a sheet per file, every cell the file's text."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for csv_path in sorted(folder.glob("*.csv")):
        ws = wb.create_sheet(csv_path.stem)
        with csv_path.open(encoding="utf-8-sig", newline="") as f:
            for record in csv.reader(f):
                ws.append(record)
                for cell in ws[ws.max_row]:
                    cell.data_type = "s"  # text, as typed: never a formula or a number
    wb.save(path)
    return path


class TestSameChecksAsCsv:
    """A workbook holding a CSV folder's text is judged exactly as the folder is."""

    @pytest.mark.parametrize(("file", "old", "new"), _BREAKS)
    def test_same_problems(self, tmp_path: Path, file: str, old: str, new: str) -> None:
        """The same messages, in the same order, on the same lines (sheet names for files)."""
        folder = tmp_path / "city"
        shutil.copytree(CITY, folder)
        text = (folder / file).read_text(encoding="utf-8-sig")
        assert old in text
        (folder / file).write_text(text.replace(old, new, 1), encoding="utf-8")
        from_csv = check_csv_ledger(folder)
        from_xlsx = check_xlsx_ledger(_workbook_of(folder, tmp_path / "city.xlsx"))
        assert from_csv  # each break is a problem

        def plain(message: str) -> str:
            return re.sub(r"\b(\w+)\.csv\b", r"sheet \1", message)

        def line(where: str) -> str:
            found = re.search(r":(\d+)(?::|$)", where) or re.search(r"!\D*(\d+)", where)
            return found[1] if found else ""

        assert [(line(w), plain(m)) for w, m in from_csv] == [(line(w), m) for w, m in from_xlsx]

    def test_sound_city(self, tmp_path: Path) -> None:
        """The sample city's folder as a workbook is the same portfolio."""
        path = _workbook_of(CITY, tmp_path / "city.xlsx")
        assert load_csv_ledger(CITY) == load_xlsx_ledger(path)


class TestCommandLinePaths:
    """template and convert refuse a target they cannot write, in one line, before any work."""

    def test_template_into_a_missing_folder(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A folder that does not exist is named; nothing is written."""
        assert 2 == main(["template", str(tmp_path / "no" / "t.xlsx")])
        [line] = capsys.readouterr().err.splitlines()
        assert line.startswith("projpush: error: FILE.xlsx: ")

    def test_convert_onto_its_input(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A workbook converted onto itself is refused before it is read."""
        path = tmp_path / "city.xlsx"
        dump_xlsx_ledger(sample_portfolio(), path)
        before = path.read_bytes()
        assert 2 == main(["convert", str(path), str(path)])
        [line] = capsys.readouterr().err.splitlines()
        assert line.startswith("projpush: error: TARGET: ")
        assert before == path.read_bytes()

    def test_not_a_workbook(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A file named .xlsx that is no workbook: one line, status 2."""
        path = tmp_path / "a.xlsx"
        path.write_text("name,level\n", encoding="utf-8")
        assert 2 == main(["check", str(path)])
        [line] = capsys.readouterr().err.splitlines()
        assert line.startswith(f"projpush: error: path: {str(path)!r} is not a readable .xlsx")


class TestFormulaErrors:
    """A formula's error in a cell is refused at that cell, never read as blank."""

    def test_error_cell(self, tmp_path: Path) -> None:
        """#DIV/0! in 总投资 and #N/A in a name: each named at its cell, nothing more."""
        path = book(
            tmp_path / "a.xlsx",
            {"项目": [["台账"], HEADER, row(总投资="#DIV/0!", 项目名称="#N/A")]},
        )
        assert [
            ("项目!B3", "项目名称: expected a value, not a formula's error, got '#N/A'"),
            ("项目!H3", "总投资: expected a value, not a formula's error, got '#DIV/0!'"),
        ] == check_xlsx_ledger(path)


class TestPercentCells:
    """A cell formatted as a percentage holds a fraction: 40% is read as 40, not 0.4."""

    def sheets(self, percent: Any) -> dict[str, list[list[Any]]]:
        return {
            "项目": [HEADER, row()],
            "节点任务": [
                ["项目代码", "节点", "计划完成日期", "完成比例"],
                [CODE, "开工", dt.date(2020, 5, 1), percent],
            ],
        }

    def formatted(self, path: Path, number_format: str) -> Path:
        wb = openpyxl.load_workbook(path)
        wb["节点任务"]["D2"].number_format = number_format
        wb.save(path)
        return path

    @pytest.mark.parametrize("number_format", ["0%", "0.00%", '0.0"%"%'])
    def test_percent_format(self, tmp_path: Path, number_format: str) -> None:
        """0.4 shown as 40% is 40 percent, by a built-in or a custom format."""
        path = self.formatted(book(tmp_path / "a.xlsx", self.sheets(0.4)), number_format)
        assert Decimal(40) == load_xlsx_ledger(path).projects[0].milestones[0].percent

    def test_plain_number(self, tmp_path: Path) -> None:
        """A plain 40 is 40 percent; a format with a quoted % sign is no percentage."""
        path = self.formatted(book(tmp_path / "a.xlsx", self.sheets(40)), '0"%"')
        assert Decimal(40) == load_xlsx_ledger(path).projects[0].milestones[0].percent

    def test_finer_than_four_decimals(self, tmp_path: Path) -> None:
        """12.345678% has more than 4 decimals of percent: refused at its cell."""
        path = self.formatted(book(tmp_path / "a.xlsx", self.sheets(0.12345678)), "0.00%")
        [(where, message)] = check_xlsx_ledger(path)
        assert "节点任务!D2" == where
        assert message.startswith(
            "完成比例: expected a percentage with at most 4 decimals, got '12.345678"
        )


class TestSizeLimit:
    """The size limit counts a workbook's parts uncompressed, read from the zip's directory."""

    def test_inflated_size(self, tmp_path: Path) -> None:
        """A workbook small on disk but large inflated is refused unread."""
        path = tmp_path / "city.xlsx"
        dump_xlsx_ledger(sample_portfolio(), path)
        on_disk = path.stat().st_size
        with zipfile.ZipFile(path) as package:
            inflated = sum(info.file_size for info in package.infolist())
        assert on_disk < inflated
        with pytest.raises(LedgerTooLargeError) as info:
            load_ledger(path, max_bytes=(on_disk + inflated) // 2)
        assert inflated == info.value.got
        assert sample_portfolio() == load_ledger(path, max_bytes=inflated)


class TestHeaderRow:
    """Which row is the header: titles are skipped, a mistyped one-column header is kept."""

    def test_two_titles(self, tmp_path: Path) -> None:
        """Two title rows above the header are both skipped."""
        sheets = {"项目": [["宁波市"], ["2020年重大项目台账"], HEADER, row()]}
        assert 1 == len(load_xlsx_ledger(book(tmp_path / "a.xlsx", sheets)).projects)

    def test_one_column_sheet_with_a_mistyped_header(self, tmp_path: Path) -> None:
        """单位名 is no header of the units sheet: said at its cell, not skipped as a title."""
        sheets = {"项目": [HEADER, row()], "单位": [["单位名"], ["市港航局"], ["市交通局"]]}
        (where, message), *_ = check_xlsx_ledger(book(tmp_path / "a.xlsx", sheets))
        assert "单位!A1" == where
        assert message.startswith("unknown column '单位名'")
