import datetime as dt
import random
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

import projpush
from projpush import synth
from projpush.errors import CalendarCoverageError, ValidationError
from projpush.model import (
    Cadence,
    Category,
    Difficulty,
    EventKind,
    FindingKind,
    IssueCategory,
    IssueState,
    Level,
    Month,
    Project,
    SheetColor,
    Stage,
    integrity_report,
)
from projpush.schedule import WeekdayCalendar, add_working_days, cumulative_series
from projpush.synth import (
    CALENDAR_2020,
    SAMPLE_AS_OF,
    SAMPLE_TIERS,
    sample_portfolio,
    synthetic_portfolio,
)

OCTOBER = Month(2020, 10)


def lag_streak(project: Project, through: Month = OCTOBER) -> int:
    """Consecutive months up to ``through`` behind the cumulative plan or unreported (Ningbo)."""
    streak = 0
    for c in cumulative_series(project, through):
        lagging = not c.reported or c.done_to_date < c.plan_to_date
        streak = streak + 1 if lagging else 0
    return streak


@pytest.fixture(scope="module")
def sample():
    return sample_portfolio()


def by_name(portfolio, name):
    return next(p for p in portfolio.projects if p.name == name)


class TestDeterminism:
    def test_sample_rebuilds_equal(self, sample):
        """A fresh build of the sample equals the cached one."""
        assert sample == sample_portfolio.__wrapped__()

    def test_same_seed_equal(self):
        """The same seed gives an equal synthetic portfolio."""
        assert synthetic_portfolio(300, seed=7) == synthetic_portfolio(300, seed=7)

    def test_other_seed_differs(self):
        """Another seed gives another portfolio."""
        assert synthetic_portfolio(300, seed=7) != synthetic_portfolio(300, seed=8)


class TestSampleCoverage:
    def test_size(self, sample):
        """Fifty projects and fifty issues, as of the end of October 2020."""
        assert (50, 50) == (len(sample.projects), len(sample.issues))
        assert dt.date(2020, 10, 31) == SAMPLE_AS_OF

    def test_every_level_category_stage(self, sample):
        """Every level, category and stage occurs."""
        assert set(Level) == {p.level for p in sample.projects}
        assert set(Category) == {p.category for p in sample.projects}
        assert set(Stage) == {p.stage for p in sample.projects}

    def test_dalian_mix(self, sample):
        """Categories follow Dalian's 20/67/40/23 of 150, scaled to 50."""
        counts = Counter(p.category for p in sample.projects)
        assert [7, 22, 13, 8] == [counts[c] for c in Category]

    def test_every_issue_state_and_category(self, sample):
        """Issues cover every state, every category and both difficulties."""
        assert set(IssueState) == {i.state for i in sample.issues}
        assert set(IssueCategory) == {i.category for i in sample.issues}
        assert set(Difficulty) == {i.difficulty for i in sample.issues}

    def test_codes_and_local_ids(self, sample):
        """Codes carry the city's divisions; three planned projects have a local id only."""
        local = [p for p in sample.projects if p.code is None]
        assert 3 == len(local)
        assert {Stage.PLANNED} == {p.stage for p in local}
        divisions = {p.code.division for p in sample.projects if p.code is not None}
        assert "330200" in divisions
        assert all(d.startswith("3302") for d in divisions)
        assert "2020-330200-47-03-012345" == sample.projects[0].key

    def test_plans_sum_to_annual(self, sample):
        """Monthly plans add up to the annual plan of every project building in 2020."""
        for p in sample.projects:
            if p.monthly_plan:
                assert p.annual_plans[2020] == sum(p.monthly_plan.values(), Decimal(0))


class TestSampleProgress:
    @pytest.mark.parametrize(
        ("name", "streak"),
        [
            ("舜宇光电二期", 0),
            ("轨道交通3号线一期", 2),
            ("鄞州大道快速路", 2),
            ("甬金铁路宁波段", 4),
            ("工业机器人生产基地", 0),
        ],
    )
    def test_lag_streaks(self, sample, name, streak):
        """Profiles give the intended Ningbo streaks at the end of October."""
        assert streak == lag_streak(by_name(sample, name))

    def test_unreported_months(self, sample):
        """Some months are unreported: mid-year (back on track) and in October."""
        assert Month(2020, 6) not in by_name(sample, "工业机器人生产基地").monthly_done
        assert OCTOBER not in by_name(sample, "鄞州大道快速路").monthly_done

    def test_lights_spread(self, sample):
        """Most projects building are green, some yellow, some red."""
        building = [p for p in sample.projects if p.stage is Stage.UNDER_CONSTRUCTION]
        streaks = Counter(min(lag_streak(p), 3) for p in building)
        assert streaks[0] >= 20
        assert streaks[2] >= 3
        assert streaks[3] >= 4

    def test_milestone_kinds(self, sample):
        """Milestones done on time, done late, overdue and open with a percent all occur."""
        ms = [m for p in sample.projects for m in p.milestones]
        assert any(m.done is not None and m.done <= m.planned for m in ms)
        assert any(m.done is not None and m.done > m.planned for m in ms)
        assert any(m.done is None and m.planned < SAMPLE_AS_OF for m in ms)
        assert any(
            m.done is None and m.percent is not None and m.planned > SAMPLE_AS_OF for m in ms
        )

    def test_approvals(self, sample):
        """Start-up approvals: some got in one trip, some reserved projects still wait."""
        items = [a for p in sample.projects for a in p.approvals]
        assert any(a.one_trip for a in items)
        waiting = [p for p in sample.projects if p.outstanding_approvals(SAMPLE_AS_OF)]
        assert {Stage.PLANNED, Stage.RESERVED} == {p.stage for p in waiting}

    def test_cameras(self, sample):
        """Ten camera projects; two idle for more than two weeks at the end of October."""
        cams = [p for p in sample.projects if p.site_activity]
        assert 10 == len(cams)
        idle = [p.name for p in cams if sum(not o.active for o in p.site_activity) > 14]
        assert ["甬金铁路宁波段", "宁波新世界广场"] == idle

    def test_stage_history(self, sample):
        """Completed projects carry a completion date; suspended ones a suspension."""
        for p in sample.projects:
            if p.stage is Stage.COMPLETED:
                assert p.completed_on is not None
                assert p.completed_on <= SAMPLE_AS_OF
            if p.stage in (Stage.PLANNED, Stage.RESERVED):
                assert () == p.stage_events


class TestSamplePeople:
    def test_one_secretary_each_but_the_gap(self, sample):
        """Every project has exactly one secretary, except the planned 跨境电商产业园."""
        missing = [p.name for p in sample.projects if not sample.secretaries_of(p.key)]
        assert ["跨境电商产业园"] == missing
        assert all(len(sample.secretaries_of(p.key)) <= 1 for p in sample.projects)

    def test_secretary_loads_and_cadences(self, sample):
        """Secretaries serve one to three projects, one serves six; daily and weekly cadence."""
        loads = Counter(len(s.projects) for s in sample.secretaries)
        assert {1, 2, 3, 6} == set(loads)
        assert 1 == loads[6]
        cadences = {s.cadence_for(k) for s in sample.secretaries for k in s.projects}
        assert {Cadence.DAILY, Cadence.WEEKLY} == cadences

    def test_some_contacts_overdue(self, sample):
        """A few projects were last contacted longer ago than their cadence allows."""
        late = [
            k
            for s in sample.secretaries
            for k in s.projects
            if (SAMPLE_AS_OF - s.last_contact(k, SAMPLE_AS_OF)).days > s.cadence_for(k).days
        ]
        assert 2 <= len(late) <= 10

    def test_city_leaders_guarantee_city_projects(self, sample):
        """Every province- and city-level project has a city leader."""
        for p in sample.projects:
            if p.level in (Level.PROVINCE, Level.CITY):
                assert any(ld.rank.value == "city" for ld in sample.leaders_of(p.key))

    def test_integrity_report_finds_the_gaps(self, sample):
        """The deliberate gaps, and only overdue milestones besides."""
        found = integrity_report(sample, SAMPLE_AS_OF)
        gaps = sorted(
            (f.kind.value, f.subject) for f in found if f.kind is not FindingKind.MILESTONE_OVERDUE
        )
        assert [
            ("no_leader", by_name(sample, "汽车零部件生产线").key),
            ("no_secretary", "MH-2020-042"),
            ("secretary_overloaded", "黄丽"),
        ] == gaps
        assert any(f.kind is FindingKind.MILESTONE_OVERDUE for f in found)

    def test_task_forces_match_projects(self, sample):
        """A project's task force lists it, and only those projects."""
        for tf in sample.task_forces:
            assert {p.key for p in sample.projects if p.task_force == tf.name} == set(tf.projects)


class TestSampleIssues:
    def test_national_day_example(self, sample):
        """Assigned Tuesday 2020-09-29 with 5 working days: due 2020-10-13."""
        issue = sample.issue("Q-2020-001")
        assigned = next(e for e in issue.events if e.kind is EventKind.ASSIGNED)
        assert (dt.date(2020, 9, 29), dt.date(2020, 10, 13)) == (assigned.at, assigned.deadline)
        assert IssueState.CLOSED == issue.state

    def test_deadlines_in_working_days(self, sample):
        """General issues get 5 working days, difficult ones 2 for their work plan."""
        for issue in sample.issues:
            for e in issue.events:
                if e.kind is EventKind.ASSIGNED:
                    n = 2 if issue.difficulty is Difficulty.DIFFICULT else 5
                    assert add_working_days(e.at, n, calendar=CALENDAR_2020) == e.deadline

    def test_histories_end_by_as_of(self, sample):
        """No event lies after the sample's date."""
        assert max(e.at for i in sample.issues for e in i.events) <= SAMPLE_AS_OF

    def test_tiers_and_sheets(self, sample):
        """Issues climb the three tiers; every sheet colour is used."""
        tiers = {e.tier for i in sample.issues for e in i.events if e.tier}
        assert set(SAMPLE_TIERS) == tiers
        assert set(SheetColor) == {i.sheet for i in sample.issues if i.sheet}

    def test_events_kinds(self, sample):
        """Histories use pauses, resumptions, work plans, rejections and renewed limits."""
        kinds = {e.kind for i in sample.issues for e in i.events}
        assert set(EventKind) - {EventKind.NOTE} == kinds


class TestCalendar2020:
    def test_matches_official_data(self):
        """The typed-in 2020 notice agrees with chinese-calendar day by day."""
        china = pytest.importorskip("projpush.schedule").china_calendar
        pytest.importorskip("chinese_calendar")
        cal = china()
        day = dt.date(2020, 1, 1)
        while day.year == 2020:
            assert cal.is_working_day(day) == CALENDAR_2020.is_working_day(day), day
            day += dt.timedelta(days=1)

    def test_covers_2020_only(self):
        """A date outside 2020 is refused, not guessed."""
        with pytest.raises(CalendarCoverageError, match="no working-day data for 2021"):
            CALENDAR_2020.is_working_day(dt.date(2021, 1, 4))


class TestSynthetic:
    @pytest.mark.parametrize(("n", "k"), [(0, 3), (1, 0), (100, 3), (1000, 2)])
    def test_sizes_scale(self, n, k):
        """n projects and n * k issues."""
        p = synthetic_portfolio(n, issues_per_project=k)
        assert (n, n * k) == (len(p.projects), len(p.issues))
        assert n == sum(len(s.projects) for s in p.secretaries)

    def test_covers_everything(self):
        """A few thousand projects cover every level, category, stage and issue state."""
        p = synthetic_portfolio(2000, seed=3)
        assert set(Level) == {x.level for x in p.projects}
        assert set(Category) == {x.category for x in p.projects}
        assert set(Stage) == {x.stage for x in p.projects}
        assert set(IssueState) == {i.state for i in p.issues}
        assert set(IssueCategory) - {IssueCategory.OTHER} == {i.category for i in p.issues}

    def test_share_lagging(self):
        """Roughly a fifth to a third of projects building lag two months or more."""
        p = synthetic_portfolio(2000, seed=3)
        building = [x for x in p.projects if x.stage is Stage.UNDER_CONSTRUCTION]
        lagging = sum(lag_streak(x) >= 2 for x in building) / len(building)
        assert 0.1 < lagging < 0.35

    def test_events_by_as_of(self):
        """Every issue event lies on or before ``as_of``, on a working day."""
        as_of = dt.date(2020, 6, 30)
        p = synthetic_portfolio(300, as_of=as_of)
        days = {e.at for i in p.issues for e in i.events}
        assert max(days) <= as_of
        assert all(CALENDAR_2020.is_working_day(d) for d in days)

    def test_other_year_with_named_calendar(self):
        """Another year works with a calendar that covers it."""
        p = synthetic_portfolio(50, year=2023, calendar=WeekdayCalendar())
        assert {2023} == {y for x in p.projects for y in x.annual_plans}

    def test_codes_past_a_million(self):
        """Six-digit serials: project 1,000,000 gets 000001 again, registered years earlier."""
        build = synth._Synth(random.Random(1), 2020, dt.date(2020, 9, 30), CALENDAR_2020)  # noqa: S311
        region = synth._REGIONS[2]
        args = (Level.COUNTY, Category.INDUSTRY, Stage.UNDER_CONSTRUCTION, region)
        first, again = build.project(0, *args).code, build.project(999_999, *args).code
        assert ("000001", "000001") == (first.serial, again.serial)
        assert int(first.year) - int(again.year) >= 1
        assert first != again

    def test_clean_integrity(self):
        """Synthetic ledgers have a leader and a secretary for every project."""
        p = synthetic_portfolio(500, seed=2)
        kinds = {f.kind for f in integrity_report(p, dt.date(2020, 10, 31))}
        assert not kinds & {FindingKind.NO_LEADER, FindingKind.NO_SECRETARY}


class TestSyntheticErrors:
    @pytest.mark.parametrize("n", [-1, 5_000_001, True, "10"])
    def test_bad_n(self, n):
        """n_projects must be a whole number from 0 to 5,000,000."""
        with pytest.raises(ValidationError, match="n_projects: expected a whole number"):
            synthetic_portfolio(n)

    @pytest.mark.parametrize("k", [-1, False])
    def test_bad_issues_per_project(self, k):
        """issues_per_project must be a whole number >= 0."""
        with pytest.raises(ValidationError, match="issues_per_project: expected a whole number"):
            synthetic_portfolio(1, issues_per_project=k)

    def test_as_of_outside_year(self):
        """as_of must lie in the plan year."""
        with pytest.raises(ValidationError, match="as_of: expected a date in 2020"):
            synthetic_portfolio(1, as_of=dt.date(2021, 1, 31))

    def test_uncovered_year(self):
        """The default 2020 calendar refuses another year instead of guessing."""
        with pytest.raises(CalendarCoverageError, match="no working-day data for 2021"):
            synthetic_portfolio(1, year=2021)


class TestBundledLedger:
    def test_bundled_file_is_the_sample(self):
        """src/projpush/data/sample_ledger.json loads back equal to sample_portfolio()."""
        io = pytest.importorskip("projpush.io")
        path = Path(projpush.__file__).parent / "data" / "sample_ledger.json"
        assert sample_portfolio() == io.load_portfolio(path)
