from datetime import date, timedelta
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from projpush.model import Milestone
from projpush.schedule import (
    Quarter,
    TimeBasis,
    WeekdayCalendar,
    add_months,
    add_working_days,
    china_calendar,
    milestone_timing,
    time_progress,
    working_days_between,
)

CN = china_calendar()

# A year of margin on each side keeps every answer for |n| <= 200 inside 2004–2026.
covered_dates = st.dates(min_value=date(2005, 1, 1), max_value=date(2025, 12, 31))
steps = st.integers(min_value=-200, max_value=200)
calendars = st.sampled_from([CN, WeekdayCalendar()])
bases = st.sampled_from(list(TimeBasis))


class Stepwise:
    """The same calendar seen only through the protocol, so the generic path runs."""

    def __init__(self, inner):
        self.inner = inner
        self.years = inner.years

    def is_working_day(self, day):
        return self.inner.is_working_day(day)


class TestAddWorkingDaysProperties:
    """add_working_days and working_days_between are consistent inverses."""

    @given(calendars, covered_dates, steps)
    def test_round_trip(self, cal, start, n):
        """working_days_between(s, add_working_days(s, n)) == n, for negative n too."""
        assert n == working_days_between(
            start, add_working_days(start, n, calendar=cal), calendar=cal
        )

    @given(calendars, covered_dates, steps, steps)
    def test_monotone_in_n(self, cal, start, n1, n2):
        """More working days never give an earlier date (strictly later)."""
        a, b = sorted((n1, n2))
        if a == b:
            return
        assert add_working_days(start, a, calendar=cal) < add_working_days(start, b, calendar=cal)

    @given(calendars, covered_dates, covered_dates, steps)
    def test_monotone_in_start(self, cal, s1, s2, n):
        """A later start never gives an earlier answer."""
        early, late = sorted((s1, s2))
        assert add_working_days(early, n, calendar=cal) <= add_working_days(late, n, calendar=cal)

    @given(calendars, covered_dates, steps.filter(bool))
    def test_lands_on_working_day(self, cal, start, n):
        """For n != 0 the answer is a working day."""
        assert cal.is_working_day(add_working_days(start, n, calendar=cal))

    # 365 at most: the latest covered date plus a year stays within 2026, the last
    # year chinesecalendar 1.11 covers (2025-12-31 + 400 days did not).
    @given(calendars, covered_dates, st.integers(min_value=0, max_value=365))
    def test_count_is_additive(self, cal, start, days):
        """Counts over consecutive spans add up."""
        middle = start + timedelta(days=days // 2)
        end = start + timedelta(days=days)
        assert working_days_between(start, end, calendar=cal) == working_days_between(
            start, middle, calendar=cal
        ) + working_days_between(middle, end, calendar=cal)

    @given(calendars, covered_dates, steps)
    def test_index_matches_stepping(self, cal, start, n):
        """The bisection index answers as day-by-day stepping does."""
        plain = Stepwise(cal)
        end = start + timedelta(days=n)
        assert (
            add_working_days(start, n, calendar=plain),
            working_days_between(start, end, calendar=plain),
        ) == (
            add_working_days(start, n, calendar=cal),
            working_days_between(start, end, calendar=cal),
        )


class TestTimeProgressProperties:
    """Time progress lies in [0, 1] and never goes down through a year."""

    @given(st.dates(), bases)
    def test_in_unit_interval(self, day, basis):
        """0 <= progress <= 1."""
        assert Fraction(0) <= time_progress(day, basis) <= Fraction(1)

    @given(st.dates(max_value=date(9999, 12, 30)), bases)
    def test_non_decreasing_within_year(self, day, basis):
        """The next day of the same year has at least the same progress."""
        after = day + timedelta(days=1)
        if after.year == day.year:
            assert time_progress(day, basis) <= time_progress(after, basis)

    @given(st.integers(min_value=1, max_value=9999), bases)
    def test_year_end_is_one(self, year, basis):
        """31 December is the whole year."""
        assert Fraction(1) == time_progress(date(year, 12, 31), basis)


class TestPeriodProperties:
    """Month and quarter arithmetic round-trips and clamps."""

    @given(st.dates(min_value=date(1901, 1, 1), max_value=date(2199, 12, 31)), st.integers(-60, 60))
    def test_add_months_clamps(self, day, months):
        """The month moves by exactly n and the day never grows."""
        moved = add_months(day, months)
        assert (months, True) == (
            (moved.year - day.year) * 12 + moved.month - day.month,
            moved.day <= day.day,
        )

    @given(st.dates(min_value=date(1901, 1, 1), max_value=date(2199, 12, 31)), st.integers(-40, 40))
    def test_quarter_round_trip(self, day, n):
        """(q + n) - q == n, and a date lies inside its quarter."""
        q = Quarter.of(day)
        assert (n, True) == ((q + n) - q, q.first_day <= day <= q.last_day)


@st.composite
def milestones(draw):
    start = draw(st.dates(min_value=date(2020, 1, 1), max_value=date(2020, 12, 31)))
    planned = start + timedelta(days=draw(st.integers(0, 200)))
    return Milestone("节点", planned=planned, start=start)


class TestMilestoneProperties:
    """The expected share of a milestone's window behaves."""

    @given(milestones(), st.dates(min_value=date(2019, 6, 1), max_value=date(2021, 12, 30)))
    def test_share_in_unit_interval_and_non_decreasing(self, milestone, as_of):
        """0 <= share <= 1, and a later day never lowers it."""
        today = milestone_timing(milestone, as_of).expected_share
        tomorrow = milestone_timing(milestone, as_of + timedelta(days=1)).expected_share
        assert today is not None
        assert tomorrow is not None
        assert (True, True) == (Fraction(0) <= today <= Fraction(1), today <= tomorrow)

    @given(milestones(), st.dates(min_value=date(2019, 6, 1), max_value=date(2021, 12, 30)))
    def test_late_days_agree(self, milestone, as_of):
        """Working days late never exceed calendar days late."""
        t = milestone_timing(milestone, as_of, calendar=CN)
        assert t.working_days_late is not None
        assert 0 <= t.working_days_late <= t.days_late
