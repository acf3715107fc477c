"""Tests for projpush.csvledger: the sample city, every error path, round trips."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import logging
import shutil
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import attrs
import pytest

from projpush import csvledger
from projpush._csvsafe import escape_cell, is_risky, unescape_cell
from projpush.csvledger import (
    CSV_FILES,
    check_csv_ledger,
    dump_csv_ledger,
    load_csv_ledger,
    read_csv_ledger,
)
from projpush.errors import LedgerError
from projpush.ledger import check_ledger
from projpush.model import (
    Cadence,
    EventKind,
    IssueState,
    Month,
    Portfolio,
    Project,
    SheetColor,
    Stage,
    StageEventKind,
    Unit,
)

if TYPE_CHECKING:
    from collections.abc import Callable

CITY = Path(__file__).parent / "fixtures" / "csv_city"
CODE1 = "2020-330200-47-03-000001"
CODE3 = "2019-330200-47-03-000003"
CODE5 = "2020-330200-47-03-000005"


def broken(tmp_path: Path, file: str, old: str, new: str) -> Path:
    """A copy of the sample city with ``old`` replaced by ``new`` once in ``file``."""
    folder = tmp_path / "city"
    shutil.copytree(CITY, folder)
    path = folder / file
    text = path.read_text(encoding="utf-8-sig")
    assert old in text, f"{old!r} not in {file}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


def problems(folder: Path) -> list[tuple[str, str]]:
    return check_csv_ledger(folder)


class TestSampleCity:
    """The fixture city loads with every file, the BOM and the Chinese headers."""

    def test_checks_clean(self) -> None:
        """No problems are reported for the sample city."""
        assert [] == check_csv_ledger(CITY)

    def test_bom_file_is_read(self) -> None:
        """projects.csv carries a BOM; its first column is still 'code'."""
        assert (CITY / "projects.csv").read_bytes().startswith(b"\xef\xbb\xbf")
        book = load_csv_ledger(CITY)
        assert CODE1 == book.projects[0].key

    def test_projects(self) -> None:
        """Chinese labels map to enums; amounts with thousands separators are exact."""
        book = load_csv_ledger(CITY)
        first = book.project(CODE1)
        assert 6 == len(book.projects)
        assert "机场快速路南延" == first.name
        assert Stage.UNDER_CONSTRUCTION == first.stage
        assert Decimal(218900) == first.total_investment
        assert {2020: Decimal(50000), 2021: Decimal(80000)} == dict(first.annual_plans)
        assert Decimal("479.33") == book.project(CODE5).total_investment
        assert Decimal("120000.50") == book.projects[1].total_investment
        assert "NB-4" == book.projects[3].key

    def test_monthly_blank_done_is_unreported(self) -> None:
        """A blank 'done' is an unreported month; '0' is a reported zero."""
        first = load_csv_ledger(CITY).project(CODE1)
        assert Decimal(5000) == first.monthly_plan[Month(2020, 3)]
        assert Month(2020, 3) not in first.monthly_done
        assert Decimal(0) == first.monthly_done[Month(2020, 2)]

    def test_chinese_headers_and_dates(self) -> None:
        """milestones.csv has Chinese headers, slash dates and a percent sign."""
        piles = load_csv_ledger(CITY).project(CODE1).milestones[1]
        assert ("桩基完成", dt.date(2020, 6, 30), Decimal(40)) == (
            piles.name,
            piles.planned,
            piles.percent,
        )

    def test_stage_history(self) -> None:
        """Stage events give a project a history: suspended, resumed, suspended again."""
        rail = load_csv_ledger(CITY).project(CODE5)
        kinds = [e.kind for e in rail.stage_events]
        assert [
            StageEventKind.STARTED,
            StageEventKind.SUSPENDED,
            StageEventKind.RESUMED,
            StageEventKind.SUSPENDED,
        ] == kinds
        assert "汛期停工" == rail.stage_events[-1].note

    def test_people_and_references(self) -> None:
        """List cells split on ；、; a local id names its project; cadences and contacts."""
        book = load_csv_ledger(CITY)
        assert (CODE3, "NB-4", "2020-330200-47-03-000002") == book.leaders[1].projects
        wang = book.secretaries[0]
        assert Cadence.DAILY == wang.cadence_for(CODE1)
        assert Cadence.WEEKLY == wang.cadence_for("2020-330200-47-03-000002")
        assert "visit" == book.secretaries[1].contacts[0].mode
        assert ("市交通局", "市港航局") == book.task_forces[0].members

    def test_issues_replayed(self) -> None:
        """Issue states are derived from the event rows; '交办' is the assigned event."""
        book = load_csv_ledger(CITY)
        closed, open_ = book.issue("Q-1"), book.issue("Q-2")
        assert IssueState.CLOSED == closed.state
        assert (IssueState.ASSIGNED, SheetColor.YELLOW) == (open_.state, open_.sheet)
        assert EventKind.ASSIGNED == open_.events[1].kind

    def test_approvals_booleans(self) -> None:
        """是/否, yes/no and 0 are booleans."""
        items = load_csv_ledger(CITY).project("2020-330200-47-03-000006").approvals
        assert [(True, True), (True, False), (False, False)] == [
            (a.required, a.one_trip) for a in items
        ]


class TestRoundTrip:
    """dump then load gives back the same portfolio (generated ones: test_csvledger_props)."""

    def test_sample_city(self, tmp_path: Path) -> None:
        """The sample city survives a round trip, and every file is written with a BOM."""
        book = load_csv_ledger(CITY)
        dump_csv_ledger(book, tmp_path / "out")
        assert book == load_csv_ledger(tmp_path / "out")
        assert sorted(CSV_FILES) == sorted(p.name for p in (tmp_path / "out").iterdir())
        assert (tmp_path / "out" / "projects.csv").read_bytes().startswith(b"\xef\xbb\xbf")

    def test_dump_overwrites(self, tmp_path: Path) -> None:
        """A second dump into the same folder leaves no stale rows behind."""
        dump_csv_ledger(load_csv_ledger(CITY), tmp_path)
        dump_csv_ledger(Portfolio(), tmp_path)
        assert Portfolio() == load_csv_ledger(tmp_path)

    def test_separator_in_a_name_is_refused(self, tmp_path: Path) -> None:
        """A list item holding a separator cannot be written into one cell."""
        book = load_csv_ledger(CITY)
        force = book.task_forces[0]
        bad = attrs.evolve(book, task_forces=(attrs.evolve(force, members=("甲、乙",)),))
        with pytest.raises(LedgerError, match=r"task_forces.csv:members: '甲、乙' contains"):
            dump_csv_ledger(bad, tmp_path)

    def test_lone_surrogate_is_refused_before_any_file_is_written(self, tmp_path: Path) -> None:
        """Text UTF-8 cannot hold is a LedgerError at its file and line; the folder is untouched.

        Found by the loader fuzzer: it escaped as a bare UnicodeEncodeError after
        half the files had been replaced.
        """
        book = load_csv_ledger(CITY)
        dump_csv_ledger(book, tmp_path)
        before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
        bad = attrs.evolve(book, units=(attrs.evolve(book.units[0], name="交通\ud800局"),))
        with pytest.raises(
            LedgerError, match=r"^units\.csv:2: '\\ud800' cannot be written in utf-8-sig"
        ):
            dump_csv_ledger(bad, tmp_path)
        assert before == {p.name: p.read_bytes() for p in tmp_path.iterdir()}


class TestCellErrors:
    """A bad cell is reported at file:line:column with what was expected and what came."""

    @pytest.mark.parametrize(
        ("amount", "expected"),
        [
            ("abc", "an amount in 万元 written in digits, such as 479.33 or 1,052.5"),
            ("1.2.3", "an amount in 万元 written in digits, such as 479.33 or 1,052.5"),
            ("1e400", "an amount below 10^16 万元, at most 12 places"),
            ("-5", "an amount >= 0"),
        ],
    )
    def test_bad_amount(self, tmp_path: Path, amount: str, expected: str) -> None:
        """Amounts follow the model's grammar and range, as in a JSON ledger."""
        folder = broken(tmp_path, "projects.csv", "479.33", amount)
        with pytest.raises(LedgerError) as info:
            load_csv_ledger(folder)
        assert ("projects.csv:6:total_investment", expected) == (
            info.value.field,
            info.value.expected,
        )
        assert f"total_investment: expected {expected}, got " in str(info.value)

    def test_bad_annual_plan(self, tmp_path: Path) -> None:
        """An annual plan column is located by its year."""
        folder = broken(tmp_path, "projects.csv", ",100,200", ",100,二百")
        assert [
            (
                "projects.csv:6:annual_plan_2021",
                (
                    "annual_plan_2021: expected an amount in 万元 written in digits, such as "
                    "479.33 or 1,052.5, got '二百'"
                ),
            )
        ] == problems(folder)

    def test_bad_date_under_chinese_header(self, tmp_path: Path) -> None:
        """The location uses the header as the file writes it."""
        folder = broken(tmp_path, "milestones.csv", "2020-03-31", "2020-02-30")
        assert [
            (
                "milestones.csv:2:计划完成日期",
                (
                    "计划完成日期: expected an ISO date YYYY-MM-DD, got '2020-02-30' "
                    "(a cell may also read YYYY/M/D or YYYY年M月D日)"
                ),
            )
        ] == problems(folder)

    def test_bad_month(self, tmp_path: Path) -> None:
        """Months run from 01 to 12."""
        folder = broken(tmp_path, "monthly.csv", "2020-03", "2020-13")
        assert [
            (
                "monthly.csv:4:month",
                (
                    "month: expected a month YYYY-MM with MM from 01 to 12, got '2020-13' "
                    "(a cell may also read YYYY/M or YYYY年M月)"
                ),
            )
        ] == problems(folder)

    def test_bad_enum(self, tmp_path: Path) -> None:
        """An unknown stage lists the allowed values."""
        folder = broken(tmp_path, "projects.csv", ",reserved,", ",建设中,")
        [(where, message)] = problems(folder)
        assert "projects.csv:7:stage" == where
        assert message.startswith("stage: expected one of planned (谋划), reserved (储备)")
        assert message.endswith("got '建设中'")

    def test_bad_code(self, tmp_path: Path) -> None:
        """A malformed project code names the bad part."""
        folder = broken(tmp_path, "projects.csv", "2020-330200-47-03-000006", "2020-33020-47-03-6")
        where, message = problems(folder)[0]
        assert "projects.csv:7:code" == where
        assert message.startswith("code: division part must be 6 digits, got '33020'")

    def test_bad_boolean(self, tmp_path: Path) -> None:
        """Booleans are yes/no, 是/否, true/false or 1/0."""
        folder = broken(tmp_path, "approvals.csv", ",是,2020-02-01", ",maybe,2020-02-01")
        assert [
            (
                "approvals.csv:2:required",
                "required: expected yes/no (是/否, true/false, 1/0), got 'maybe'",
            )
        ] == problems(folder)

    def test_percent_out_of_range(self, tmp_path: Path) -> None:
        """The model's own range check is reported at the cell, with the number typed."""
        folder = broken(tmp_path, "milestones.csv", "40%", "140%")
        assert [
            (
                "milestones.csv:3:完成比例",
                "完成比例: expected a percentage from 0 to 100, got '140%'",
            )
        ] == problems(folder)

    def test_cross_field_rule(self, tmp_path: Path) -> None:
        """A milestone planned before its start is reported at its planned date."""
        folder = broken(tmp_path, "milestones.csv", "2020/6/30,2020/4/1", "2020/3/30,2020/4/1")
        assert [
            (
                "milestones.csv:3:计划完成日期",
                "计划完成日期: milestone '桩基完成': planned 2020-03-30 is before start 2020-04-01",
            )
        ] == problems(folder)

    def test_stage_disagrees_with_history(self, tmp_path: Path) -> None:
        """The stage column must be where the stage events lead."""
        folder = broken(tmp_path, "projects.csv", ",suspended,", ",under_construction,")
        [(where, message)] = problems(folder)
        assert "projects.csv:6:stage" == where
        assert "leads to 'suspended'" in message

    def test_illegal_stage_step(self, tmp_path: Path) -> None:
        """An illegal stage event is reported at its own row."""
        folder = broken(tmp_path, "stage_events.csv", "NB-3,completed", "NB-3,resumed")
        assert [
            (
                "stage_events.csv:5:kind",
                "kind: expected one of ['completed', 'suspended'] after started, got 'resumed'",
            )
        ] == problems(folder)

    def test_multiline_cell_keeps_spreadsheet_lines(self, tmp_path: Path) -> None:
        """A note spanning two text lines is one spreadsheet row; later rows keep their number."""
        folder = broken(tmp_path, "stage_events.csv", "竣工验收通过", '"竣工验收\n通过"')
        path = folder / "stage_events.csv"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("started,2020-01-05", "started,2020-01-32"), encoding="utf-8")
        # the following suspension is not reported as out of order: its start was dropped
        assert ["stage_events.csv:6:on"] == [where for where, _ in problems(folder)]


class TestStructureErrors:
    """Missing files and columns, unknown columns, unreadable files."""

    def test_missing_projects_file(self, tmp_path: Path) -> None:
        """projects.csv is required."""
        assert [("projects.csv", "this file is required but missing")] == problems(tmp_path)
        with pytest.raises(LedgerError, match=r"^projects.csv: this file is required but missing$"):
            load_csv_ledger(tmp_path)

    def test_missing_column(self, tmp_path: Path) -> None:
        """A missing required column names the file and the column."""
        folder = broken(tmp_path, "leaders.csv", "name,rank,", "name,")
        folder.joinpath("leaders.csv").write_text("name,role,projects\n张副市长,,\n")
        assert [("leaders.csv:1", "required column 'rank' (级别) is missing")] == problems(folder)

    def test_no_key_column(self, tmp_path: Path) -> None:
        """projects.csv needs a code or a local_id column."""
        folder = tmp_path
        (folder / "projects.csv").write_text("name,level,category,stage,region,unit\n")
        assert [
            (
                "projects.csv:1",
                "needs a 'code' (项目代码) or a 'local_id' (本地编号) column; it has neither",
            )
        ] == problems(folder)

    def test_unknown_column_is_an_error(self, tmp_path: Path) -> None:
        """A misspelt column is not silently dropped."""
        folder = broken(tmp_path, "projects.csv", "total_investment", "total_investmnet")
        [(where, message)] = problems(folder)
        assert "projects.csv:1:total_investmnet" == where
        assert message.startswith("unknown column 'total_investmnet'; known columns: code,")
        assert "start a header with '#' to keep an extra column" in message

    def test_hash_column_is_kept_aside(self, tmp_path: Path) -> None:
        """A '#序号' column and a blank trailing column are ignored."""
        folder = tmp_path / "city"
        shutil.copytree(CITY, folder)
        path = folder / "units.csv"
        path.write_text(
            "#序号,name,region,kind,\n1,市交通局,,department,\n2,北仑区政府,北仑区,district,\n"
        )
        assert load_csv_ledger(CITY) == load_csv_ledger(folder)

    def test_duplicate_column(self, tmp_path: Path) -> None:
        """An English header and its Chinese alias together are one column twice."""
        folder = tmp_path
        (folder / "projects.csv").write_text(
            "code,项目代码,name,level,category,stage,region,unit\n"
        )
        assert [
            ("projects.csv:1:项目代码", "column 'code' appears twice, as 'code' and '项目代码'")
        ] == problems(folder)

    def test_not_utf8(self, tmp_path: Path) -> None:
        """A file neither UTF-8 nor GB18030 is refused with the remedy (GBK is read: below)."""
        folder = tmp_path / "city"
        shutil.copytree(CITY, folder)
        text = (CITY / "leaders.csv").read_text(encoding="utf-8")
        (folder / "leaders.csv").write_bytes(text.encode("utf-16"))
        [(where, message)] = problems(folder)
        assert "leaders.csv" == where
        assert message.startswith("neither UTF-8 nor GB18030 text (byte ")
        assert message.endswith("; save it as 'CSV UTF-8 (逗号分隔)' from Excel or WPS")

    def test_broken_quoting(self, tmp_path: Path) -> None:
        """Text after a closing quote is not CSV; the row is named."""
        (tmp_path / "projects.csv").write_text('code,name\nx,y\n"a"b,x\n', encoding="utf-8")
        assert [("projects.csv:3", "not readable as CSV: ',' expected after '\"'")] == problems(
            tmp_path
        )

    def test_empty_file(self, tmp_path: Path) -> None:
        """A file without even a header row is reported."""
        folder = tmp_path
        (folder / "projects.csv").write_text("")
        assert [("projects.csv", "the file is empty; expected a header row")] == problems(folder)

    def test_too_many_cells(self, tmp_path: Path) -> None:
        """A row longer than its header is reported at its line."""
        folder = broken(tmp_path, "secretaries.csv", ",每周", ",每周,x,y")
        assert [("secretaries.csv:3", "the row has 6 cells but the header has 4")] == problems(
            folder
        )

    def test_events_need_issues(self, tmp_path: Path) -> None:
        """issue_events.csv without issues.csv is an error."""
        folder = tmp_path / "city"
        shutil.copytree(CITY, folder)
        (folder / "issues.csv").unlink()
        assert [
            ("issues.csv", "issue_events.csv is present, so issues.csv is required")
        ] == problems(folder)


class TestReferenceErrors:
    """Rows naming unknown projects, issues or people; duplicate keys."""

    def test_unknown_project_in_milestones(self, tmp_path: Path) -> None:
        """A milestone row for an unknown project names the row."""
        folder = broken(tmp_path, "milestones.csv", "NB-3", "NB-9")
        assert [
            (
                "milestones.csv:5:项目代码",
                "项目代码: no project with code or local id 'NB-9' in projects.csv",
            )
        ] == problems(folder)

    def test_unknown_project_in_issue(self, tmp_path: Path) -> None:
        """An issue on an unknown project code."""
        folder = broken(tmp_path, "issues.csv", f"Q-2,{CODE5}", "Q-2,2020-330200-47-03-000009")
        assert [
            (
                "issues.csv:3:project",
                (
                    "project: no project with code or local id '2020-330200-47-03-000009' in "
                    "projects.csv"
                ),
            )
        ] == problems(folder)

    def test_unknown_project_in_leader_list(self, tmp_path: Path) -> None:
        """A leader guaranteeing an unknown project."""
        folder = broken(tmp_path, "leaders.csv", "NB-4", "NB-8")
        assert [
            (
                "leaders.csv:3:projects",
                "projects: no project with code or local id 'NB-8' in projects.csv",
            )
        ] == problems(folder)

    def test_duplicate_codes_name_both_rows(self, tmp_path: Path) -> None:
        """Duplicate project codes: the later row is reported with the earlier line."""
        folder = broken(tmp_path, "projects.csv", "2020-330200-47-03-000006", CODE1)
        where, message = problems(folder)[0]
        assert "projects.csv:7:code" == where
        assert f"code: duplicate project code {CODE1!r}; line 2 has it too" == message

    def test_duplicate_month(self, tmp_path: Path) -> None:
        """One project's month given twice."""
        folder = broken(tmp_path, "monthly.csv", "2020-03,5000", "2020-02,5000")
        assert [
            (
                "monthly.csv:4:month",
                "month: duplicate month for this project '2020-02'; line 3 has it too",
            )
        ] == problems(folder)

    def test_bad_project_row_does_not_cascade(self, tmp_path: Path) -> None:
        """Rows referring to a project whose own row is bad are not reported again."""
        folder = broken(
            tmp_path,
            "projects.csv",
            "2020-330200-47-03-000006,,江北智慧学校,city",
            "2020-330200-47-03-000006,,江北智慧学校,村级",
        )
        assert ["projects.csv:7:level"] == [where for where, _ in problems(folder)]

    def test_contact_for_unserved_project(self, tmp_path: Path) -> None:
        """A secretary's contact must be with a project they serve."""
        folder = broken(tmp_path, "contacts.csv", "陈秘书,NB-3", f"陈秘书,{CODE1}")
        assert [
            (
                "contacts.csv:4:project",
                (
                    f"project: '陈秘书' does not serve {CODE1!r} (see the projects column of "
                    "secretaries.csv)"
                ),
            )
        ] == problems(folder)

    def test_unknown_secretary(self, tmp_path: Path) -> None:
        """A contact row naming nobody in secretaries.csv."""
        folder = broken(tmp_path, "contacts.csv", "陈秘书,NB-3", "赵秘书,NB-3")
        assert [
            (
                "contacts.csv:4:secretary",
                "secretary: no secretary named '赵秘书' in secretaries.csv",
            )
        ] == problems(folder)

    def test_duplicate_unit(self, tmp_path: Path) -> None:
        """Duplicate unit names."""
        folder = broken(tmp_path, "units.csv", "北仑区政府,北仑区", "市交通局,北仑区")
        assert [("units.csv:3:name", "name: duplicate name '市交通局'; line 2 has it too")] == (
            problems(folder)
        )


class TestIssueEvents:
    """Issue histories are replayed row by row through the model's state machine."""

    def test_illegal_step(self, tmp_path: Path) -> None:
        """Closing an assigned issue is reported at the event row's kind."""
        folder = broken(
            tmp_path, "issue_events.csv", "Q-1,2020-09-30,started", "Q-1,2020-09-30,closed"
        )
        [(where, message)] = problems(folder)
        assert "issue_events.csv:4:kind" == where
        assert "an issue that is assigned; allowed steps: deadline_set" in message

    def test_time_goes_backwards(self, tmp_path: Path) -> None:
        """An event dated before the previous one."""
        folder = broken(
            tmp_path, "issue_events.csv", "Q-1,2020-09-30,started", "Q-1,2020-09-20,started"
        )
        assert [
            (
                "issue_events.csv:4:at",
                (
                    "at: started on 2020-09-20 is before the previous event on 2020-09-29; time "
                    "never goes backwards within an issue"
                ),
            )
        ] == problems(folder)

    def test_first_event_must_be_collection(self, tmp_path: Path) -> None:
        """An issue's first event row is its collection."""
        folder = broken(
            tmp_path, "issue_events.csv", "Q-2,2020-06-01,collected", "Q-2,2020-06-01,assigned"
        )
        assert [
            (
                "issue_events.csv:7:kind",
                "kind: expected 'collected' (an issue starts when collected), got 'assigned'",
            )
        ] == problems(folder)

    def test_missing_payload(self, tmp_path: Path) -> None:
        """A supervision sheet event needs its colour."""
        folder = broken(tmp_path, "issue_events.csv", ",yellow,", ",,")
        assert [
            (
                "issue_events.csv:9:sheet",
                "sheet: expected a value for a sheet_issued event, got None",
            )
        ] == problems(folder)

    def test_unknown_issue(self, tmp_path: Path) -> None:
        """An event row for an issue not in issues.csv."""
        folder = broken(tmp_path, "issue_events.csv", "Q-2,2020-06-10", "Q-3,2020-06-10")
        assert [("issue_events.csv:9:issue", "issue: no issue with id 'Q-3' in issues.csv")] == (
            problems(folder)
        )

    def test_issue_without_events(self, tmp_path: Path) -> None:
        """An issue needs at least its collected event."""
        folder = tmp_path / "city"
        shutil.copytree(CITY, folder)
        path = folder / "issues.csv"
        path.write_text(path.read_text(encoding="utf-8") + f"Q-9,{CODE1},land,新问题,\n")
        assert [
            (
                "issues.csv:4:id",
                (
                    "id: issue 'Q-9' has no events; issue_events.csv needs at least its "
                    "'collected' event"
                ),
            )
        ] == problems(folder)

    def test_explicit_states_are_checked(self, tmp_path: Path) -> None:
        """from_state/to_state may be given; they must agree with the replay."""
        folder = tmp_path / "city"
        shutil.copytree(CITY, folder)
        (folder / "issue_events.csv").write_text(
            "issue,at,kind,actor,from_state,to_state,tier,owner\n"
            "Q-1,2020-09-28,collected,王秘书,,collected,,\n"
            "Q-1,2020-09-29,assigned,市重点办,collected,in_progress,district,海曙区\n"
            "Q-2,2020-06-01,collected,陈秘书,,,,\n",
            encoding="utf-8",
        )
        assert [
            (
                "issue_events.csv:3:to_state",
                (
                    "to_state: expected 'assigned' for a assigned event here, got 'in_progress' "
                    "(leave the column blank to derive it)"
                ),
            )
        ] == problems(folder)

    def test_explicit_states_that_agree(self, tmp_path: Path) -> None:
        """Correct explicit states load like derived ones."""
        folder = tmp_path / "city"
        shutil.copytree(CITY, folder)
        (folder / "issue_events.csv").write_text(
            "问题编号,日期,事件,经办人,原状态,新状态,层级,承办单位\n"
            "Q-1,2020-09-28,收集,王秘书,,已收集,,\n"
            "Q-1,2020-09-29,交办,市重点办,已收集,已交办,district,海曙区\n"
            "Q-2,2020-06-01,collected,陈秘书,,,,\n",
            encoding="utf-8",
        )
        assert IssueState.ASSIGNED == load_csv_ledger(folder).issue("Q-1").state


class TestCheckGoesOn:
    """check_csv_ledger reports every problem, in file order; load raises the first."""

    def test_several_problems(self, tmp_path: Path) -> None:
        """Two bad files, three problems, all reported."""
        folder = broken(tmp_path, "projects.csv", "479.33", "abc")
        path = folder / "monthly.csv"
        text = path.read_text(encoding="utf-8").replace("2020-03", "2020-13").replace("3800", "x")
        path.write_text(text, encoding="utf-8")
        assert ["projects.csv:6:total_investment", "monthly.csv:2:done", "monthly.csv:4:month"] == [
            where for where, _ in problems(folder)
        ]
        with pytest.raises(LedgerError) as info:
            load_csv_ledger(folder)
        assert "projects.csv:6:total_investment" == info.value.field

    def test_minimal_ledger(self, tmp_path: Path) -> None:
        """projects.csv alone, with Chinese headers, is a ledger."""
        (tmp_path / "projects.csv").write_text(
            "本地编号,项目名称,级别,类别,阶段,区域,责任单位,2020年度计划投资（万元）\n"
            'L-1,试验项目,市级,工业,储备,海曙区,市发改委,"1,000"\n',
            encoding="utf-8-sig",
        )
        expected = Project(
            local_id="L-1",
            name="试验项目",
            level="city",
            category="industry",
            stage="reserved",
            region="海曙区",
            unit="市发改委",
            annual_plans={2020: Decimal(1000)},
        )
        assert Portfolio(projects=(expected,)) == load_csv_ledger(tmp_path)


class TestMoreCells:
    """Blank required cells, blank rows, second keys and other single-cell problems."""

    @pytest.mark.parametrize(
        ("file", "old", "new", "expected"),
        [
            pytest.param(
                "projects.csv",
                ",江北智慧学校,",
                ",,",
                [("projects.csv:7:name", "name: expected a non-empty string, got ''")],
                id="blank-name",
            ),
            pytest.param(
                "projects.csv",
                "2020-330200-47-03-000006,,",
                "2020-330200-47-03-000006,NB-4,",
                [
                    (
                        "projects.csv:7:local_id",
                        "local_id: duplicate local id 'NB-4'; line 5 has it too",
                    )
                ],
                id="duplicate-local-id",
            ),
            pytest.param(
                "milestones.csv",
                "NB-3,",
                ",",
                [
                    (
                        "milestones.csv:5:项目代码",
                        "项目代码: expected a project code or local id, got ''",
                    )
                ],
                id="blank-project",
            ),
            pytest.param(
                "monthly.csv",
                "2020-03,5000",
                ",5000",
                [("monthly.csv:4:month", "month: expected a month YYYY-MM, got ''")],
                id="blank-month",
            ),
            pytest.param(
                "milestones.csv",
                "40%",
                "四成",
                [
                    (
                        "milestones.csv:3:完成比例",
                        (
                            "完成比例: expected a percentage from 0 to 100 written in digits, "
                            "such as 62.5 or '62.5%', got '四成'"
                        ),
                    )
                ],
                id="percent-words",
            ),
            pytest.param(
                "cadences.csv",
                "daily",
                "hourly",
                [
                    (
                        "cadences.csv:2:cadence",
                        (
                            "cadence: expected one of daily (每天), weekly (每周), monthly (每月), "
                            "got 'hourly'"
                        ),
                    )
                ],
                id="bad-cadence",
            ),
            pytest.param(
                "cadences.csv",
                "daily",
                "daily\n王秘书,2020-330200-47-03-000001,weekly",
                [
                    (
                        "cadences.csv:3:project",
                        (
                            "project: duplicate secretary / project pair "
                            "'王秘书 / 2020-330200-47-03-000001'; line 2 has it too"
                        ),
                    )
                ],
                id="second-cadence",
            ),
            pytest.param(
                "issue_events.csv",
                "市财政局,2020-06-09",
                "市财政局,2020-06-31",
                [
                    (
                        "issue_events.csv:8:deadline",
                        (
                            "deadline: expected an ISO date YYYY-MM-DD, got '2020-06-31' "
                            "(a cell may also read YYYY/M/D or YYYY年M月D日)"
                        ),
                    )
                ],
                id="bad-deadline",
            ),
            pytest.param(
                "issue_events.csv",
                "collected,服务秘书 王秘书",
                "collected,",
                [("issue_events.csv:2:actor", "actor: expected a non-empty string, got ''")],
                id="blank-actor",
            ),
            pytest.param(
                "issue_events.csv",
                "Q-2,2020-06-01,collected,陈秘书",
                "Q-2,2020-06-01,收集,陈秘书",
                [],
                id="chinese-event-kind",
            ),
            pytest.param(
                "projects.csv",
                "annual_plan_2021",
                "annual_plan_1800",
                [
                    (
                        "projects.csv:1:annual_plan_1800",
                        "the year of 'annual_plan_1800' must be from 1900 to 2200",
                    )
                ],
                id="annual-year-range",
            ),
            pytest.param(
                "projects.csv", "\n,NB-4,", "\n,,,,,,,\n,NB-4,", [], id="blank-row-skipped"
            ),
        ],
    )
    def test_problem(
        self, tmp_path: Path, file: str, old: str, new: str, expected: list[tuple[str, str]]
    ) -> None:
        """Each broken variant reports exactly its problem."""
        assert expected == problems(broken(tmp_path, file, old, new))

    def test_bad_explicit_state(self, tmp_path: Path) -> None:
        """An explicit state that is no state at all."""
        folder = tmp_path / "city"
        shutil.copytree(CITY, folder)
        (folder / "issue_events.csv").write_text(
            "issue,at,kind,actor,to_state\nQ-1,2020-09-28,collected,王秘书,new\n"
            "Q-2,2020-06-01,collected,陈秘书,\n",
            encoding="utf-8",
        )
        [(where, message)] = problems(folder)
        assert "issue_events.csv:2:to_state" == where
        assert message.startswith("to_state: expected one of collected (已收集), assigned (已交办)")

    def test_first_event_wrong_explicit_state(self, tmp_path: Path) -> None:
        """The first event's explicit to_state is checked by the replay."""
        folder = tmp_path / "city"
        shutil.copytree(CITY, folder)
        (folder / "issue_events.csv").write_text(
            "issue,at,kind,actor,to_state\nQ-1,2020-09-28,collected,王秘书,assigned\n"
            "Q-2,2020-06-01,collected,陈秘书,\n",
            encoding="utf-8",
        )
        assert [
            (
                "issue_events.csv:2:to_state",
                "to_state: expected none -> collected for collected, got 'none -> assigned'",
            )
        ] == problems(folder)


class TestReadOnce:
    """read_csv_ledger reads a folder once for both the problems and the portfolio."""

    def test_clean_folder(self) -> None:
        """No problems and the same portfolio load_csv_ledger gives."""
        assert ((), load_csv_ledger(CITY)) == read_csv_ledger(CITY)

    def test_bad_folder(self, tmp_path: Path) -> None:
        """Problems as errors located by field, and no portfolio."""
        folder = broken(tmp_path, "projects.csv", "479.33", "abc")
        found, portfolio = read_csv_ledger(folder)
        assert ["projects.csv:6:total_investment"] == [e.field for e in found]
        assert portfolio is None

    def test_check_ledger_reads_once(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """ledger.check_ledger on a folder reads and builds the CSV files one time."""
        calls: list[Path] = []
        real = csvledger._Reader.read

        def counting(self: csvledger._Reader) -> Portfolio | None:
            calls.append(self.source.folder)
            return real(self)

        monkeypatch.setattr(csvledger._Reader, "read", counting)
        check = check_ledger(CITY, dt.date(2020, 12, 31))
        assert (True, [CITY]) == (check.valid, calls)
        assert check.portfolio is not None


class TestCodeVariants:
    """A project code written with dash variants resolves the same in every file."""

    VARIANT = "2020–330200–47–03–000001"  # en dashes, as word processors type them

    def test_in_issues(self, tmp_path: Path) -> None:
        """issues.csv folds the dashes to find the project."""
        folder = broken(tmp_path, "issues.csv", f"Q-1,{CODE1}", f"Q-1,{self.VARIANT}")
        assert CODE1 == load_csv_ledger(folder).issue("Q-1").project

    def test_in_a_leader_list(self, tmp_path: Path) -> None:
        """leaders.csv resolves the same variant in a list cell, as issues.csv does."""
        folder = broken(tmp_path, "leaders.csv", CODE1, self.VARIANT)
        assert [] == problems(folder)
        leader = load_csv_ledger(folder).leaders[0]
        assert (CODE1, CODE5) == leader.projects

    def test_full_width_in_a_leader_list(self, tmp_path: Path) -> None:
        """Full-width digits and dashes in a list cell resolve too."""
        wide = "２０２０－３３０２００－４７－０３－０００００１"
        folder = broken(tmp_path, "leaders.csv", CODE1, wide)
        assert (CODE1, CODE5) == load_csv_ledger(folder).leaders[0].projects


class TestNormalisedKeys:
    """Free text is read as typed; keys that are one key once normalised are reported."""

    TYPED = "①号楼（一期）㈱ 5m²"
    HEAD = "local_id,name,level,category,stage,region,unit"
    ROW = "L-1,港区扩建,city,industry,planned,北仑区,市港航局"

    def folder(self, tmp_path: Path, projects: str, **files: str) -> Path:
        (tmp_path / "projects.csv").write_text(projects, encoding="utf-8")
        for name, text in files.items():
            (tmp_path / name).write_text(text, encoding="utf-8")
        return tmp_path

    def test_free_text_is_kept(self, tmp_path: Path) -> None:
        """A name with full-width punctuation, ① and ㈱ comes back as typed."""
        folder = broken(tmp_path, "projects.csv", "机场快速路南延", self.TYPED)
        assert self.TYPED == load_csv_ledger(folder).project(CODE1).name

    @pytest.mark.parametrize("header", [" name ", "Name", "ｎａｍｅ", "项目名称"])
    def test_header_variants_are_one_column(self, tmp_path: Path, header: str) -> None:
        """Headers equal once folded, lower-cased and stripped: both named as the file has them."""
        folder = self.folder(tmp_path, f"{self.HEAD},{header}\n{self.ROW},x\n")
        assert [
            (
                f"projects.csv:1:{header.strip()}",
                f"column 'name' appears twice, as 'name' and {header!r}",
            )
        ] == problems(folder)

    def test_blank_header_over_filled_cells(self, tmp_path: Path) -> None:
        """A column with no header but a filled cell would lose the cell: reported."""
        other = self.ROW.replace("L-1", "L-2")
        folder = self.folder(tmp_path, f"{self.HEAD},\n{self.ROW},\n{other},备注\n")
        assert [
            (
                "projects.csv:3:H",
                (
                    "column H has a blank header but holds '备注'; expected a header naming the "
                    "column (start it with '#' to keep an extra column), or blank cells"
                ),
            )
        ] == problems(folder)

    def test_names_typed_two_ways(self, tmp_path: Path) -> None:
        """Two units whose names differ only by a full-width space are one unit twice."""
        folder = self.folder(
            tmp_path, f"{self.HEAD}\n{self.ROW}\n", **{"units.csv": "name\n市　交通局\n市 交通局\n"}
        )
        assert [
            (
                "units.csv:3:name",
                (
                    "name: duplicate name '市 交通局'; line 2 has it too "
                    "(typed '市\\u3000交通局' there, '市 交通局' here)"
                ),
            )
        ] == problems(folder)

    def test_month_typed_two_ways(self, tmp_path: Path) -> None:
        """2020-02 and 2020-2 for one project: the month twice, both as typed."""
        folder = broken(tmp_path, "monthly.csv", "2020-03,5000", "2020-2,5000")
        assert [
            (
                "monthly.csv:4:month",
                (
                    "month: duplicate month for this project '2020-02'; line 3 has it too "
                    "(typed '2020-02' there, '2020-2' here)"
                ),
            )
        ] == problems(folder)

    @pytest.mark.parametrize("again", ["ＮＢ-3", CODE3])
    def test_list_naming_one_project_twice(self, tmp_path: Path, again: str) -> None:
        """A list cell naming a project twice, by its local id in two forms or by its code."""
        folder = broken(tmp_path, "leaders.csv", "NB-3、NB-4", f"NB-3、{again}")
        assert [
            (
                "leaders.csv:3:projects",
                (
                    f"projects: expected each project once, got 'NB-3' and {again!r}, which both "
                    f"name {CODE3!r}"
                ),
            )
        ] == problems(folder)

    def test_code_as_another_projects_local_id(self, tmp_path: Path) -> None:
        """A local id that is another row's code would make references to that code ambiguous."""
        code2 = "2020-330200-47-03-000002"
        folder = broken(tmp_path, "projects.csv", f"{code2},,", f"{code2},{CODE1},")
        assert [
            (
                "projects.csv:3:local_id",
                (
                    "local_id: expected a code or local id no other project has, got "
                    f"{CODE1!r}, which names the project of line 2 too (its code {CODE1!r})"
                ),
            )
        ] == problems(folder)


class TestNamedRows:
    """Units, leaders, secretaries and task forces are read by one routine."""

    def test_bad_row_elsewhere_does_not_hide_an_unknown_secretary(self, tmp_path: Path) -> None:
        """A bad leader row sharing the name does not excuse an unknown secretary."""
        folder = broken(tmp_path, "contacts.csv", "陈秘书,NB-3", "赵秘书,NB-3")
        with (folder / "leaders.csv").open("a", encoding="utf-8") as handle:
            handle.write("赵秘书,nonsense,,\n")
        assert ["leaders.csv:4:rank", "contacts.csv:4:secretary"] == [
            where for where, _ in problems(folder)
        ]

    def test_blank_month_and_bad_plan_both_reported(self, tmp_path: Path) -> None:
        """monthly.csv parses its cells by the kinds its table declares, and goes on."""
        folder = broken(tmp_path, "monthly.csv", f"{CODE1},2020-01,4000", f"{CODE1},,四千")
        assert [
            (
                "monthly.csv:2:plan",
                (
                    "plan: expected an amount in 万元 written in digits, such as "
                    "479.33 or 1,052.5, got '四千'"
                ),
            ),
            ("monthly.csv:2:month", "month: expected a month YYYY-MM, got ''"),
        ] == problems(folder)


class TestFormulaCells:
    """Cells a spreadsheet would run as formulas are written quoted and read back as typed."""

    HOSTILE: tuple[str, ...] = (
        '=HYPERLINK("http://x","点我")',
        "=cmd|' /C calc'!A0",
        "+1+2",
        "-2+3",
        "@SUM(A1:A9)",
        "'=already quoted",
        "''@twice",
        "'plain quote",
        "-",
    )

    def book(self) -> Portfolio:
        """The sample city with hostile texts in unit names, issue titles and event notes."""
        book = load_csv_ledger(CITY)
        units = tuple(Unit(name) for name in self.HOSTILE)
        issue = book.issues[0]
        event = attrs.evolve(issue.events[0], note="=1+1")
        issue = attrs.evolve(issue, title="@危险标题", events=(event, *issue.events[1:]))
        return attrs.evolve(book, units=units, issues=(issue, *book.issues[1:]))

    def test_round_trip(self, tmp_path: Path) -> None:
        """Every hostile text comes back exactly as it was."""
        book = self.book()
        dump_csv_ledger(book, tmp_path)
        again = load_csv_ledger(tmp_path)
        assert book == again
        assert self.HOSTILE == tuple(u.name for u in again.units)
        assert "@危险标题" == again.issues[0].title

    def test_no_cell_on_disk_is_a_formula(self, tmp_path: Path) -> None:
        """In the files themselves, no cell begins with a trigger unless it is a number."""
        dump_csv_ledger(self.book(), tmp_path)
        for path in tmp_path.iterdir():
            with path.open(encoding="utf-8-sig", newline="") as handle:
                cells = [cell for row in csv.reader(handle) for cell in row]
            assert [c for c in cells if is_risky(c)] == [], path.name

    def test_units_file_as_written(self, tmp_path: Path) -> None:
        """The quoting rule, in the bytes of units.csv."""
        dump_csv_ledger(Portfolio(units=tuple(Unit(n) for n in self.HOSTILE)), tmp_path)
        rows = (tmp_path / "units.csv").read_text(encoding="utf-8-sig").splitlines()
        assert [
            "name,region,kind",
            '"\'=HYPERLINK(""http://x"",""点我"")",,department',
            "'=cmd|' /C calc'!A0,,department",
            "'+1+2,,department",
            "'-2+3,,department",
            "'@SUM(A1:A9),,department",
            "''=already quoted,,department",
            "'''@twice,,department",
            "'plain quote,,department",
            "'-,,department",
        ] == rows

    def test_a_hand_typed_formula_reads_as_text(self, tmp_path: Path) -> None:
        """A cell someone typed as =x (no quote) is read as the text =x, as before."""
        folder = broken(tmp_path, "units.csv", "北仑区政府", "=北仑区政府")
        assert "=北仑区政府" in {u.name for u in load_csv_ledger(folder).units}

    def test_negative_numbers_are_not_quoted(self) -> None:
        """A signed number is a number in a spreadsheet, never a formula: left as it is."""
        assert ["-12.9", "+5.5", "-0", "-.5"] == [
            escape_cell(t) for t in ("-12.9", "+5.5", "-0", "-.5")
        ]
        assert ["'-1e5", "'-1,000", "'-５", "'--1"] == [
            escape_cell(t) for t in ("-1e5", "-1,000", "-５", "--1")
        ]

    @pytest.mark.parametrize("lead", ["=", "+", "-", "@", "\t", "\r"])
    def test_every_trigger(self, lead: str) -> None:
        """Each OWASP trigger gets the quote; the quote comes off again on reading."""
        text = f"{lead}x"
        assert f"'{text}" == escape_cell(text)
        assert text == unescape_cell(escape_cell(text))
        assert f"''{text}" == escape_cell(f"'{text}")
        assert f"'{text}" == unescape_cell(escape_cell(f"'{text}"))


class TestEncodings:
    """UTF-8 with or without a BOM, else GB18030 (Chinese Excel's "CSV (逗号分隔)"), and said so."""

    def copy(self, tmp_path: Path, encode: Callable[[str], bytes]) -> Path:
        folder = tmp_path / "city"
        shutil.copytree(CITY, folder)
        for path in folder.glob("*.csv"):
            path.write_bytes(encode(path.read_text(encoding="utf-8-sig")))
        return folder

    @pytest.mark.parametrize(
        "encode",
        [
            lambda text: text.encode("utf-8"),
            lambda text: text.encode("utf-8-sig"),
            lambda text: text.encode("gbk"),
            lambda text: text.encode("gb18030"),
        ],
        ids=["utf-8", "utf-8 with BOM", "gbk", "gb18030"],
    )
    def test_same_ledger(self, tmp_path: Path, encode: Callable[[str], bytes]) -> None:
        assert load_csv_ledger(self.copy(tmp_path, encode)) == load_csv_ledger(CITY)

    def test_gb18030_beyond_gbk(self, tmp_path: Path) -> None:
        """A character GBK lacks (䶮, CJK extension A) is read from GB18030 as typed."""
        folder = broken(tmp_path, "units.csv", "市交通局", "刘䶮路")
        path = folder / "units.csv"
        path.write_bytes(path.read_text(encoding="utf-8").encode("gb18030"))
        assert "刘䶮路" in {u.name for u in load_csv_ledger(folder).units}

    def test_the_reading_is_said(self, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
        folder = self.copy(tmp_path, lambda text: text.encode("gbk"))
        with caplog.at_level(logging.INFO, logger="projpush"):
            load_csv_ledger(folder)
        # Only files that are not valid UTF-8 are read as GB18030: an ASCII file is UTF-8 too.
        gbk = [p.name for p in folder.glob("*.csv") if not p.read_bytes().isascii()]
        assert "monthly.csv" not in gbk
        files = ", ".join(sorted(gbk))
        note = f"read as GB18030, not UTF-8 (the encoding Chinese Excel saves CSV in): {files}"
        assert caplog.messages == [note]
        assert note in check_ledger(folder, dt.date(2020, 10, 31)).notes
        assert check_ledger(CITY, dt.date(2020, 10, 31)).notes == ()

    def test_bom_but_not_utf8(self, tmp_path: Path) -> None:
        folder = self.copy(tmp_path, lambda text: text.encode("utf-8"))
        path = folder / "units.csv"
        path.write_bytes(
            codecs.BOM_UTF8 + path.read_bytes().replace("市".encode(), "市".encode("gbk"))
        )
        [(where, message)] = problems(folder)
        assert where == "units.csv"
        assert message.startswith("starts with a UTF-8 byte-order mark but is not UTF-8 (byte ")

    def test_neither(self, tmp_path: Path) -> None:
        folder = self.copy(tmp_path, lambda text: text.encode("utf-8"))
        (folder / "units.csv").write_bytes(b"name\n\x80\xff\n")
        [(where, message)] = problems(folder)
        assert (where, message.split(";")[0]) == (
            "units.csv",
            "neither UTF-8 nor GB18030 text (byte 5)",
        )
        assert message.endswith("save it as 'CSV UTF-8 (逗号分隔)' from Excel or WPS")

    def test_command_line_notes(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        from projpush.cli import main  # noqa: PLC0415

        folder = self.copy(tmp_path, lambda text: text.encode("gbk"))
        options = ["--as-of", "2020-10-31", "--policy", "binzhou", "--format", "json"]
        assert main(["report", str(folder), *options]) == 0
        err = capsys.readouterr().err
        assert err.count("projpush: note: read as GB18030, not UTF-8") == 1
        assert main(["check", str(folder), "--as-of", "2020-10-31"]) == 0
        captured = capsys.readouterr()
        assert captured.out.startswith("note: read as GB18030, not UTF-8")
        assert "projpush: note" not in captured.err
