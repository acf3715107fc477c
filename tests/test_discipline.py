"""Reporting discipline: stale projects (PPP platform 2022), late monthly reports (Guangxi 2010)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from projpush.discipline import (
    LateReport,
    ReportingPolicy,
    StaleProject,
    last_report,
    late_reports,
    report_due,
    stale_projects,
)
from projpush.errors import CalendarCoverageError, PolicyError, ValidationError
from projpush.model import Month, Portfolio, Project, Stage, StageEvent
from projpush.schedule import WeekdayCalendar, china_calendar, last_complete_month

D = dt.date
CAL = china_calendar()


def project(key: str = "P-1", stage: str = "under_construction", **facts: Any) -> Project:
    return Project(
        name="项目",
        level="city",
        category="industry",
        stage=stage,
        region="区",
        unit=facts.pop("unit", "市发改委"),
        local_id=key,
        **facts,
    )


class TestStaleness:
    """The national PPP platform (2022): 6 months in preparation, 12 in execution."""

    @pytest.mark.parametrize(
        ("stage", "as_of", "stale"),
        [
            ("reserved", D(2022, 6, 30), False),  # 5 months after January
            ("reserved", D(2022, 7, 31), True),  # 6 months
            ("planned", D(2022, 7, 31), True),
            ("under_construction", D(2022, 12, 31), False),  # 11 months
            ("under_construction", D(2023, 1, 31), True),  # 12 months
            ("suspended", D(2023, 1, 31), True),
            ("completed", D(2030, 1, 31), False),  # not checked
        ],
    )
    def test_limits_by_stage(self, stage: str, as_of: dt.date, stale: bool) -> None:
        p = project(stage=stage, monthly_done={"2022-01": "1"})
        assert stale == bool(stale_projects([p], as_of))

    def test_finding(self) -> None:
        """The finding names the last report, the months and the limit, in zh and en."""
        p = project(stage="reserved", monthly_done={"2022-01": "1"})
        (s,) = stale_projects(Portfolio(projects=(p,)), D(2022, 8, 15))
        assert StaleProject("P-1", "市发改委", Stage.RESERVED, Month(2022, 1), 6, 6) == s
        assert (
            "P-1（市发改委）储备阶段，最近月报2022-01，6个月未更新，超过6个月即为数据陈旧"
            == s.text()
        )

    def test_stage_on_the_day(self) -> None:
        """The stage is the one on ``as_of``: a project started in March is in execution."""
        p = project(
            monthly_done={"2022-01": "1"},
            stage_events=(StageEvent("started", D(2022, 3, 1)),),
        )
        assert () == stale_projects([p], D(2022, 9, 30))

    def test_never_reported_counts_from_its_plan(self) -> None:
        """No report at all: counted from the month before its first planned month."""
        p = project(stage="reserved", monthly_plan={"2022-03": "1"})
        assert () == stale_projects([p], D(2022, 7, 31))  # due from March: Feb + 5 = July
        (s,) = stale_projects([p], D(2022, 8, 31))
        assert (None, 6) == (s.last_report, s.months_silent)
        assert "never reported, 6 months without a report" in s.text("en")

    def test_never_reported_without_a_plan(self) -> None:
        """Neither a report nor a plan: listed, with no count, first."""
        bare = project("A")
        old = project("B", stage="reserved", monthly_done={"2020-01": "1"})
        listed = stale_projects([old, bare], D(2022, 7, 31))
        assert [("A", None), ("B", 30)] == [(s.project, s.months_silent) for s in listed]
        assert "无计划可据" in listed[0].text()

    def test_later_reports_ignored(self) -> None:
        """A report for a month after the last month ended does not count."""
        p = project(monthly_done={"2021-01": "1", "2022-06": "1"})
        assert Month(2021, 1) == last_report(p, Month(2022, 1))
        assert 1 == len(stale_projects([p], D(2022, 1, 31)))

    def test_policy_of_ones_own(self) -> None:
        """Limits per stage are data; a stage left out is not checked."""
        policy = ReportingPolicy(stale_after={"under_construction": 3})
        p = project(monthly_done={"2022-01": "1"})
        assert 1 == len(stale_projects([p], D(2022, 4, 30), policy))
        assert () == stale_projects([project(stage="reserved")], D(2022, 4, 30), policy)


class TestDueDates:
    """Guangxi (2010): the report is due within 5 working days after the month ends."""

    def test_due_after_the_holiday(self) -> None:
        """September 2020: 9, 10 (a make-up Saturday), 12, 13, 14 October."""
        assert D(2020, 10, 14) == report_due(Month(2020, 9), calendar=CAL)
        assert D(2020, 11, 6) == report_due(Month(2020, 10), calendar=CAL)

    def test_due_day_is_not_late(self) -> None:
        """On the due day itself nothing is late yet: September is not asked before 15 Oct."""
        p = project()
        assert Month(2020, 8) == late_reports([p], D(2020, 10, 14), calendar=CAL)[0].month
        (r,) = late_reports([p], D(2020, 10, 15), calendar=CAL)
        assert LateReport("P-1", "市发改委", Month(2020, 9), D(2020, 10, 14), 1) == r

    def test_listed_by_unit_then_key(self) -> None:
        """Only projects owing the report, by unit then key; a reported one is not listed."""
        projects = [
            project("C", unit="市住建局"),
            project("A", unit="市交通局"),
            project("B", unit="市住建局"),
            project("D", unit="市交通局", monthly_done={"2020-09": "1"}),
            project("E", stage="reserved"),
        ]
        late = late_reports(projects, D(2020, 10, 20), calendar=CAL)
        assert [("市交通局", "A"), ("市住建局", "B"), ("市住建局", "C")] == [
            (r.unit, r.project) for r in late
        ]
        assert (
            "A (市交通局): the report for 2020-09, due 2020-10-14, is missing (4 working days late)"
        ) == late[0].text("en")
        said = "A（市交通局）2020-09月报应于2020-10-14前报送，未报送（逾期4个工作日）"
        assert said == late[0].text()

    def test_month_chosen(self) -> None:
        """An earlier month may be asked about."""
        p = project(monthly_done={"2020-09": "1"})
        (r,) = late_reports([p], D(2020, 10, 20), month=Month(2020, 7), calendar=CAL)
        assert Month(2020, 7) == r.month

    def test_other_due_days(self) -> None:
        """Ten working days instead of five."""
        p = project()
        policy = ReportingPolicy(due_days=10)
        assert D(2020, 10, 21) == report_due(Month(2020, 9), days=10, calendar=CAL)
        (r,) = late_reports([p], D(2020, 10, 21), policy, calendar=CAL)
        assert Month(2020, 8) == r.month
        (r,) = late_reports([p], D(2020, 10, 22), policy, calendar=CAL)
        assert (Month(2020, 9), 1) == (r.month, r.working_days_late)


class TestErrors:
    """Bad input is refused, naming the field, what was expected and what came."""

    @pytest.mark.parametrize(
        ("fields", "message"),
        [
            ({"stale_after": [6]}, "stale_after: expected a mapping of stage to months, got [6]"),
            (
                {"stale_after": {"building": 6}},
                (
                    "stale_after: expected a stage among 'planned', 'reserved', "
                    "'under_construction', 'suspended', 'completed', got 'building'"
                ),
            ),
            (
                {"stale_after": {"reserved": 0}},
                "stale_after['reserved']: expected a whole number from 1 to 120, got 0",
            ),
            ({"due_days": 0}, "due_days: expected a whole number from 1 to 20, got 0"),
            ({"due_days": True}, "due_days: expected a whole number from 1 to 20, got True"),
            ({"due_stages": "reserved"}, "due_stages: expected a list of stages, got 'reserved'"),
        ],
    )
    def test_bad_policy(self, fields: dict[str, Any], message: str) -> None:
        with pytest.raises(PolicyError) as caught:
            ReportingPolicy(**fields)
        assert message == str(caught.value)

    def test_not_a_policy(self) -> None:
        with pytest.raises(PolicyError, match=r"policy: expected a ReportingPolicy, got 'ppp'"):
            stale_projects([], D(2022, 1, 31), "ppp")  # type: ignore[arg-type]

    def test_bad_dates(self) -> None:
        with pytest.raises(ValidationError, match=r"as_of: expected a date, got '2022-01-31'"):
            stale_projects([], "2022-01-31")  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match=r"as_of: expected a date"):
            late_reports([], None, calendar=CAL)  # type: ignore[arg-type]

    def test_month_not_yet_due(self) -> None:
        with pytest.raises(ValidationError) as caught:
            late_reports([], D(2020, 10, 14), month=Month(2020, 9), calendar=CAL)
        assert (
            "month: expected a month whose report was due before 2020-10-14 "
            "(2020-09 is due 2020-10-14), got '2020-09'"
        ) == str(caught.value)

    def test_bad_month_and_days(self) -> None:
        with pytest.raises(ValidationError, match=r"month: expected a Month, got '2020-09'"):
            report_due("2020-09", calendar=CAL)  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match=r"month: expected a Month, got '2020-09'"):
            late_reports([], D(2020, 12, 1), month="2020-09", calendar=CAL)  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match=r"days: expected a whole number from 1 to 20"):
            report_due(Month(2020, 9), days=0, calendar=CAL)

    def test_calendar_coverage(self) -> None:
        """A year the official calendar lacks is an error, never a weekday guess."""
        with pytest.raises(CalendarCoverageError):
            report_due(Month(2099, 1), calendar=CAL)

    def test_bad_lang(self) -> None:
        s = StaleProject("P", "u", Stage.RESERVED, None, None, 6)
        with pytest.raises(ValidationError, match=r"lang: expected 'zh' or 'en', got 'fr'"):
            s.text("fr")


def silence(s: StaleProject) -> float:
    return float("inf") if s.months_silent is None else s.months_silent


months = st.integers(0, 35).map(lambda i: Month(2020, 1) + i)


class TestProperties:
    """Staleness only grows with time and only shrinks with reports; the late list is exact."""

    @given(st.sets(months, max_size=6), months, st.integers(0, 24), st.sampled_from(Stage))
    def test_stale_stays_stale_without_reports(
        self, reported: set[Month], at: Month, later: int, stage: Stage
    ) -> None:
        p = project(stage=stage.value, monthly_done=dict.fromkeys(reported, "1"))
        then = stale_projects([p], at.last_day)
        if then and not any(at < m <= at + later for m in reported):
            assert stale_projects([p], (at + later).last_day)

    @given(st.sets(months, max_size=6), months, months)
    def test_a_report_never_makes_it_staler(
        self, reported: set[Month], extra: Month, at: Month
    ) -> None:
        before = project(monthly_done=dict.fromkeys(reported, "1"))
        after = attrs.evolve(before, monthly_done=dict.fromkeys({*reported, extra}, "1"))
        was, now = stale_projects([before], at.last_day), stale_projects([after], at.last_day)
        assert len(now) <= len(was)
        if now and was:  # no count (never reported, no plan) is the stalest of all
            assert silence(now[0]) <= silence(was[0])

    @given(
        st.lists(st.tuples(st.sets(months, max_size=4), st.booleans()), max_size=5),
        st.dates(min_value=D(2020, 2, 1), max_value=D(2022, 12, 31)),
    )
    def test_late_list_is_exact(self, facts: list[tuple[set[Month], bool]], as_of: dt.date) -> None:
        """Listed exactly when owing the month's report and without one; due before ``as_of``."""
        projects = [
            project(f"P-{i}", "under_construction" if owes else "reserved",
                    monthly_done=dict.fromkeys(done, "1"))
            for i, (done, owes) in enumerate(facts)
        ]  # fmt: skip
        cal = WeekdayCalendar()
        late = late_reports(projects, as_of, calendar=cal)
        month = last_complete_month(as_of)
        while report_due(month, calendar=cal) >= as_of:
            month -= 1
        expected = {
            p.key
            for p in projects
            if p.stage is Stage.UNDER_CONSTRUCTION and month not in p.monthly_done
        }
        assert expected == {r.project for r in late}
        assert all(r.month == month and r.due < as_of for r in late)
