"""Tests of projpush.testing: the public strategies draw valid values, the builders are right."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from projpush import testing
from projpush.errors import ValidationError
from projpush.escalation import EscalationPolicy, Ladder
from projpush.io import from_json, to_json
from projpush.lights import judge
from projpush.model import Issue, IssueState, Month, Portfolio, Project, SheetColor, Stage
from projpush.schedule import WeekdayCalendar, china_calendar

CAL = china_calendar()
WEEKDAYS = WeekdayCalendar()
BINZHOU = EscalationPolicy.binzhou()


class TestStrategies:
    """Every public strategy draws values the model accepts."""

    @given(testing.portfolios())
    def test_portfolio_round_trips(self, portfolio):
        """A drawn portfolio survives JSON exactly (so every part of it is valid)."""
        assert portfolio == from_json(Portfolio, to_json(portfolio))

    @given(testing.milestones())
    def test_milestone_dates_ordered(self, m):
        """planned >= start and done >= start."""
        assert m.start is None or m.start <= m.planned
        assert m.done is None or m.start is None or m.start <= m.done

    @given(testing.issues())
    def test_issue_history_replays(self, issue):
        """An issue's history is one the model accepts when replayed from scratch."""
        assert issue == Issue(
            issue.id, issue.project, issue.category, issue.title, issue.events, issue.difficulty
        )

    @given(testing.year_projects(2021, "K-9"))
    def test_year_projects_are_judged(self, project):
        """A year project is under construction, planned every month, and gets a light."""
        assert Stage.UNDER_CONSTRUCTION == project.stage
        assert 12 == len(project.monthly_plan)
        assert "K-9" == project.key
        assert judge(project, dt.date(2021, 12, 31)).judged

    @given(testing.stage_histories())
    def test_stage_history_leads_to_stage(self, drawn):
        """The stage drawn is the one the history leads to."""
        stage, events = drawn
        project = Project(
            name="p",
            level="city",
            category="social",
            stage=stage,
            region="r",
            unit="u",
            local_id="L",
            stage_events=events,
        )
        assert stage == project.stage

    @given(testing.ladder_issues(EscalationPolicy.ningbo(), calendar=CAL))
    def test_ladder_issues_stay_on_the_ladder(self, issue):
        """Every tier an issue drawn under a policy reaches is on that policy's ladder."""
        tiers = {t.name for t in Ladder.ningbo().tiers}
        assert {e.tier for e in issue.events if e.tier is not None} <= tiers
        assert "ningbo@1" == issue.status.policy

    def test_legal_steps(self):
        """From collected, an issue may be assigned, escalated or annotated."""
        assert ["assigned", "escalated", "note"] == [
            k.value for k in testing.legal_steps(IssueState.COLLECTED)
        ]

    @given(testing.days_from(testing.LAST_DAY))
    def test_days_from_clamps_to_last_day(self, day):
        """A start at the last day draws only that day."""
        assert testing.LAST_DAY == day

    @given(testing.months)
    def test_months_in_range(self, m):
        """Months drawn lie within the plan years."""
        assert Month(2018, 1) <= m <= Month(2026, 12)

    def test_all_is_sorted(self):
        """The public names are listed once, in ruff's order (constants, classes, rest)."""

        def isort_style(name):
            return (0 if name.isupper() else 1 if name[:1].isupper() else 2, name)

        assert sorted(testing.__all__, key=isort_style) == testing.__all__
        assert all(hasattr(testing, n) for n in testing.__all__)


class TestScenarioIssue:
    """scenario_issue: assigned on D, left unresolved N working days."""

    def test_national_day_deadline_still_blue(self):
        """Binzhou, assigned 2020-09-29: due 2020-10-13, still blue on that day."""
        q = testing.scenario_issue(dt.date(2020, 9, 29), unresolved_working_days=5, calendar=CAL)
        assert dt.date(2020, 10, 13) == q.deadline
        assert SheetColor.BLUE == q.sheet
        assert "binzhou@1" == q.status.policy

    def test_one_day_late_is_yellow(self):
        """The first working day after the deadline brings a yellow sheet and a renewed limit."""
        q = testing.scenario_issue(dt.date(2020, 9, 29), unresolved_working_days=6, calendar=CAL)
        assert SheetColor.YELLOW == q.sheet
        assert dt.date(2020, 10, 19) == q.deadline

    def test_zero_days_is_just_assigned(self):
        """With 0 working days the issue is assigned and has its blue sheet, nothing more."""
        q = testing.scenario_issue(
            dt.date(2020, 9, 29), unresolved_working_days=0, calendar=WEEKDAYS
        )
        assert ["collected", "assigned", "sheet_issued"] == [e.kind.value for e in q.events]

    def test_long_neglect_climbs_to_the_top(self):
        """Left long enough, a Dalian issue is listed by the city (挂牌督办)."""
        q = testing.scenario_issue(
            dt.date(2020, 3, 2),
            unresolved_working_days=40,
            calendar=WEEKDAYS,
            policy=EscalationPolicy.dalian(),
        )
        assert "city" == q.tier
        assert SheetColor.RED == q.sheet

    def test_options(self):
        """Id, project, tier, difficulty and category are passed through."""
        q = testing.scenario_issue(
            dt.date(2020, 9, 29),
            unresolved_working_days=1,
            calendar=WEEKDAYS,
            policy=EscalationPolicy.ningbo(),
            difficulty="difficult",
            tier="city_office",
            issue_id="Q-7",
            project="NB-1",
            category="land",
        )
        assert ("Q-7", "NB-1", "city_office", "land", "difficult") == (
            q.id,
            q.project,
            q.tier,
            q.category.value,
            q.difficulty.value,
        )
        assert dt.date(2020, 10, 1) == q.deadline  # a work plan within 2 working days

    @pytest.mark.parametrize("bad", [-1, True, 1.5])
    def test_bad_days(self, bad):
        """A negative or non-integer count is refused, naming the argument."""
        with pytest.raises(ValidationError, match=r"unresolved_working_days: expected a whole"):
            testing.scenario_issue(dt.date(2020, 9, 29), unresolved_working_days=bad)


class TestAdvanceThrough:
    """advance_through: one snapshot per date."""

    def test_sheets_day_by_day(self):
        """Blue, then yellow at the first miss, then red and escalation at the renewed miss."""
        q = testing.scenario_issue(
            dt.date(2020, 9, 29), unresolved_working_days=0, calendar=WEEKDAYS
        )
        days = [dt.date(2020, 10, d) for d in (5, 7, 12, 13)]
        snaps = testing.advance_through(q, days, BINZHOU, calendar=WEEKDAYS)
        assert [
            ("blue", "county"),
            ("yellow", "county"),
            ("yellow", "county"),
            ("red", "city"),
        ] == [(s.sheet.value, s.tier) for s in snaps if s.sheet]

    def test_same_as_advancing_once(self):
        """The last snapshot equals advancing straight to the last date."""
        q = testing.scenario_issue(dt.date(2020, 9, 29), unresolved_working_days=0, calendar=CAL)
        days = [dt.date(2020, 10, 9), dt.date(2020, 10, 20), dt.date(2020, 11, 30)]
        snaps = testing.advance_through(q, days, BINZHOU, calendar=CAL)
        assert testing.advance_through(q, days[-1:], BINZHOU, calendar=CAL)[-1] == snaps[-1]

    def test_empty(self):
        """No dates, no snapshots."""
        q = testing.scenario_issue(dt.date(2020, 9, 29), unresolved_working_days=0, calendar=CAL)
        assert () == testing.advance_through(q, [], BINZHOU, calendar=CAL)

    def test_dates_must_not_go_back(self):
        """Dates out of order are refused, naming the position."""
        q = testing.scenario_issue(dt.date(2020, 9, 29), unresolved_working_days=0, calendar=CAL)
        with pytest.raises(ValidationError, match=r"dates\[1\]: expected >= dates\[0\]"):
            testing.advance_through(q, [dt.date(2020, 10, 9), dt.date(2020, 10, 8)], BINZHOU)

    @given(st.lists(st.integers(0, 60), min_size=1, max_size=6))
    def test_tier_never_goes_down(self, offsets):
        """Along any walk of dates the tier index and sheet severity never decrease."""
        q = testing.scenario_issue(
            dt.date(2020, 9, 29), unresolved_working_days=0, calendar=WEEKDAYS
        )
        days = sorted(dt.date(2020, 9, 29) + dt.timedelta(days=o) for o in offsets)
        ladder = BINZHOU.ladder
        levels = [
            (ladder.index(s.tier or ""), s.sheet.severity if s.sheet else -1)
            for s in testing.advance_through(q, days, BINZHOU, calendar=WEEKDAYS)
        ]
        assert sorted(levels) == levels


class TestImportError:
    """Without Hypothesis, the import says which extra to install."""

    def test_message_names_the_extra(self):
        """A blocked hypothesis import gives a clear ImportError."""
        code = (
            "import sys; sys.modules['hypothesis'] = None\n"
            "try:\n    import projpush.testing\n"
            "except ImportError as e:\n    print(e)\n"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
        assert 'pip install "projpush[testing]"' in out
