"""Provisional calendar years: a year without its holiday notice, flagged, then made official.

The State Council publishes a year's holidays around November of the year
before; until then a deadline reaching into that year is counted on a
provisional year (weekends and the fixed-date statutory holidays), every
count that reads it is flagged, and the notice, when it comes, replaces the
year and lists the deadlines it moves.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cli_run import run
from projpush import Portfolio, Project, io, yi
from projpush.errors import ValidationError
from projpush.escalation import (
    EscalationPolicy,
    MovedDeadline,
    assign,
    escalate,
    moved_deadlines,
    overdue,
)
from projpush.model import EventKind, Issue
from projpush.report import _overdue_dict
from projpush.schedule import (
    HolidayCalendar,
    WeekdayCalendar,
    _provisional_years,
    add_working_days,
    china_calendar,
    is_provisional,
    working_days_between,
)

if TYPE_CHECKING:
    from pathlib import Path

# The official data ends with 2026 here; 2027's notice is not in it.
OFFICIAL = HolidayCalendar(
    years=range(2026, 2027),
    holidays={dt.date(2026, 1, 1), dt.date(2026, 10, 1), dt.date(2026, 10, 2)},
    workdays={dt.date(2026, 10, 10)},
    name="2026 notice",
)
GUESS = OFFICIAL.with_provisional_year(2027)
# A notice for 2027 that gives 4 January off as well, and a make-up Saturday.
NOTICE = GUESS.with_year(
    2027,
    holidays={dt.date(2027, 1, 1), dt.date(2027, 1, 4), dt.date(2027, 10, 1)},
    workdays={dt.date(2027, 2, 20)},
)
BINZHOU = EscalationPolicy.binzhou()


def _project(year: int) -> Project:
    """A project with a plan for ``year``."""
    return Project(
        code="2026-330200-47-03-012345",
        name="机场快速路南延工程",
        level="city",
        category="infrastructure",
        stage="under_construction",
        region="海曙区",
        unit="市交通局",
        total_investment=yi("21.89"),
        annual_plans={year: yi("3.6")},
    )


def _assigned(on: dt.date, calendar: HolidayCalendar = GUESS) -> Issue:
    q = Issue.collect("Q-1", "P-1", category="land", title="t", on=on, by="s")
    return assign(q, on, BINZHOU, by="o", owner="滨城区", calendar=calendar)


class TestProvisionalYear:
    def test_weekends_and_the_fixed_holidays_are_off(self) -> None:
        assert GUESS.years == range(2026, 2028)
        assert GUESS.provisional_years == frozenset({2027})
        assert GUESS.name == "2026 notice + 2027 (provisional)"
        off = [dt.date(2027, m, d) for m, d in ((1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3))]
        weekdays_off = [d for d in off if d.weekday() < 5]
        assert weekdays_off
        assert not any(GUESS.is_working_day(d) for d in off)
        # the lunar holidays are left to the notice: Spring Festival 2027 is a working week here
        assert GUESS.is_working_day(dt.date(2027, 2, 8))
        assert not GUESS.is_working_day(dt.date(2027, 2, 20))  # a Saturday, no make-up day yet

    def test_the_official_years_are_kept(self) -> None:
        for day in (dt.date(2026, 10, 1), dt.date(2026, 10, 10), dt.date(2026, 12, 31)):
            assert GUESS.is_working_day(day) == OFFICIAL.is_working_day(day)

    def test_only_the_next_year(self) -> None:
        with pytest.raises(ValidationError, match=r"^year: expected a year next to the covered"):
            OFFICIAL.with_provisional_year(2029)
        with pytest.raises(ValidationError, match="got 2026"):
            OFFICIAL.with_provisional_year(2026)  # an official year is never replaced

    def test_provisional_years_lie_in_the_calendar(self) -> None:
        with pytest.raises(ValidationError, match=r"^provisional_years: expected years the"):
            HolidayCalendar(
                years=range(2026, 2027),
                holidays=set(),
                workdays=set(),
                provisional_years={2027},
            )
        with pytest.raises(ValidationError, match=r"^provisional_years: expected a set of"):
            HolidayCalendar(
                years=range(2026, 2027), holidays=set(), workdays=set(), provisional_years=2026
            )

    def test_the_notice_replaces_the_provisional_year_only(self) -> None:
        assert NOTICE.provisional_years == frozenset()
        assert NOTICE.name == "2026 notice + 2027"
        assert not NOTICE.is_working_day(dt.date(2027, 1, 4))
        assert NOTICE.is_working_day(dt.date(2027, 2, 20))
        # a fixed holiday the notice does not list is the notice's to decide: working
        assert NOTICE.is_working_day(dt.date(2027, 5, 3))
        assert not NOTICE.is_working_day(dt.date(2027, 10, 1))
        assert NOTICE.is_working_day(dt.date(2027, 10, 4))
        assert NOTICE.holidays >= OFFICIAL.holidays

    def test_a_second_notice_for_an_official_year_is_refused(self) -> None:
        with pytest.raises(ValidationError, match=r"^year: expected a year next to the covered"):
            NOTICE.with_year(2027, holidays=set(), workdays=set())

    def test_china_calendar_extends_by_the_next_year(self) -> None:
        official = china_calendar()
        guess = official.with_provisional_year(official.years.stop)
        assert _provisional_years(guess) == frozenset({official.years.stop})
        assert _provisional_years(official) == frozenset()
        assert _provisional_years(WeekdayCalendar()) == frozenset()


class TestFlags:
    def test_is_provisional_reads_every_year_between(self) -> None:
        assert is_provisional(dt.date(2026, 12, 28), dt.date(2027, 1, 5), calendar=GUESS)
        assert is_provisional(dt.date(2027, 1, 5), dt.date(2026, 12, 28), calendar=GUESS)
        assert not is_provisional(dt.date(2026, 3, 2), dt.date(2026, 12, 31), calendar=GUESS)
        assert not is_provisional(dt.date(2026, 12, 28), dt.date(2027, 1, 5), calendar=NOTICE)

    def test_overdue_is_flagged_where_its_count_reads_the_year(self) -> None:
        late_in_2026 = _assigned(dt.date(2026, 11, 2))  # due 2026-11-09
        assert late_in_2026.status.deadline == dt.date(2026, 11, 9)
        (before,) = overdue([late_in_2026], dt.date(2026, 12, 1), calendar=GUESS)
        (after,) = overdue([late_in_2026], dt.date(2027, 1, 6), calendar=GUESS)
        assert (before.provisional, after.provisional) == (False, True)
        assert _overdue_dict(after)["provisional"] is True
        (official,) = overdue([late_in_2026], dt.date(2027, 1, 6), calendar=NOTICE)
        assert not official.provisional
        assert official.working_days == after.working_days - 1  # 4 January is off after all


class TestMovedDeadlines:
    def test_the_notice_moves_an_assignment_deadline(self) -> None:
        q = _assigned(dt.date(2026, 12, 28))
        assert q.status.deadline == dt.date(2027, 1, 5)  # 29, 30, 31 Dec, 4 and 5 Jan
        (moved,) = moved_deadlines([q], GUESS, NOTICE)
        assert moved == MovedDeadline(
            "Q-1",
            1,
            EventKind.ASSIGNED,
            dt.date(2026, 12, 28),
            dt.date(2027, 1, 5),
            dt.date(2027, 1, 6),
        )
        assert q.events[moved.seq].deadline == moved.before  # the history is left as recorded

    def test_an_escalation_deadline_is_counted_again(self) -> None:
        q = _assigned(dt.date(2026, 12, 1))
        q = escalate(q, dt.date(2026, 12, 31), BINZHOU, by="o", reason="跨部门", calendar=GUESS)
        moved = moved_deadlines([q], GUESS, NOTICE)
        assert [m.kind for m in moved] == [EventKind.ESCALATED]
        days = working_days_between(moved[0].at, moved[0].before, calendar=GUESS)
        assert moved[0].after == add_working_days(moved[0].at, days, calendar=NOTICE)

    def test_nothing_moves_without_a_provisional_year(self) -> None:
        q = _assigned(dt.date(2026, 12, 28))
        assert moved_deadlines([q], NOTICE, NOTICE) == ()
        assert moved_deadlines([q], GUESS, GUESS) == ()

    def test_calendars_are_checked(self) -> None:
        with pytest.raises(ValidationError, match=r"^official: expected a WorkingCalendar"):
            moved_deadlines([], GUESS, "2027")

    @given(st.dates(dt.date(2026, 11, 2), dt.date(2026, 12, 31)))
    def test_every_move_is_the_same_count_on_the_notice(self, on: dt.date) -> None:
        q = _assigned(on)
        moved = {m.seq: m for m in moved_deadlines([q], GUESS, NOTICE)}
        for seq, e in enumerate(q.events):
            if e.kind is not EventKind.ASSIGNED:
                assert seq not in moved
                continue
            days = working_days_between(e.at, e.deadline, calendar=GUESS)
            again = add_working_days(e.at, days, calendar=NOTICE)
            if again == e.deadline:
                assert seq not in moved
            else:
                assert moved[seq].after == again
                assert is_provisional(e.at, e.deadline, calendar=GUESS)


class TestCommandLine:
    """``projpush report --provisional-year``: a December report whose deadlines reach January."""

    @pytest.fixture
    def ledger(self, tmp_path: Path) -> Path:
        official = china_calendar()
        guess = official.with_provisional_year(official.years.stop)
        last = dt.date(official.years.stop - 1, 12, 28)
        project = _project(last.year)
        q = Issue.collect("Q-1", project.key, category="land", title="征地", on=last, by="s")
        q = assign(q, last, BINZHOU, by="o", owner="滨城区", calendar=guess)
        path = tmp_path / "city.json"
        io.dump_portfolio(Portfolio(projects=(project,), issues=(q,)), path)
        return path

    def test_the_official_calendar_alone_cannot_count_into_next_year(
        self, ledger: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        year = china_calendar().years.stop
        status, _, err = run(capsys, "report", str(ledger), "--as-of", f"{year - 1}-12-31")
        assert status == 2
        assert f"no working-day data for {year}" in err

    def test_a_provisional_year_counts_and_says_so(
        self, ledger: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        year = china_calendar().years.stop
        argv = ("report", str(ledger), "--as-of", f"{year}-01-29", "--provisional-year", str(year))
        status, out, err = run(capsys, *argv, "--lang", "en")
        assert status == 0, err
        assert f"projpush: note: {year} counted on a provisional calendar" in err
        assert "Q-1" in out
        assert "(on a provisional calendar)" in out
        status, out, err = run(capsys, *argv, "--format", "json")
        (item,) = json.loads(out)["issues"]["overdue"]
        assert item["provisional"] is True
        assert f"{year}年按暂定日历计算工作日" in err

    def test_the_table_engine_counts_so_too(
        self, ledger: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A Parquet ledger on the engine: the same marks, the note said once."""
        year = china_calendar().years.stop
        folder = tmp_path / "city.parquet"
        assert run(capsys, "convert", str(ledger), str(folder))[0] == 0
        argv = ("report", str(folder), "--as-of", f"{year}-01-29", "--trusted", "--lang", "en")
        status, out, err = run(capsys, *argv, "--provisional-year", str(year))
        assert status == 0, err
        assert err.count("counted on a provisional calendar") == 1
        assert "(on a provisional calendar)" in out

    def test_only_the_year_after_the_official_data(
        self, ledger: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        year = china_calendar().years.stop
        argv = ("report", str(ledger), "--as-of", f"{year - 1}-12-31")
        status, _, err = run(capsys, *argv, "--provisional-year", str(year - 1))
        assert status == 2
        assert err.startswith("projpush: error: --provisional-year: expected ")
        assert f"got {year - 1}" in err


def test_the_report_notes_a_provisional_count_in_every_format() -> None:
    """A report with an overdue count on a provisional year says so before its figures."""
    from projpush.report import build_report, render  # noqa: PLC0415

    project = _project(2027)
    q = attrs.evolve(_assigned(dt.date(2026, 11, 2)), project=project.key)
    portfolio = Portfolio(projects=(project,), issues=(q,))
    report = build_report(portfolio, dt.date(2027, 1, 6), calendar=GUESS)
    assert [n.code for n in report.notes] == ["provisional"]
    assert "按暂定日历计算" in render(report, lang="zh")
    assert "provisional calendar year" in render(report, fmt="csv", lang="en")
    assert "provisional calendar year" in render(report, fmt="html", lang="en")
    official = build_report(portfolio, dt.date(2027, 1, 6), calendar=NOTICE)
    assert official.notes == ()
