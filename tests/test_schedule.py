import subprocess
import sys
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest

from projpush import _chinacal, schedule
from projpush.errors import CalendarCoverageError, PolicyError, ValidationError
from projpush.model import Milestone, Month, Project
from projpush.schedule import (
    Emergency,
    FallbackCalendar,
    HolidayCalendar,
    MilestoneState,
    Quarter,
    RhythmKind,
    RhythmPolicy,
    TimeBasis,
    WeekdayCalendar,
    WorkingCalendar,
    Year,
    add_months,
    add_working_days,
    china_calendar,
    cumulative_series,
    cumulative_to,
    last_complete_month,
    milestone_timing,
    next_working_day,
    reporting_month,
    supervision_rhythm,
    time_progress,
    working_days_between,
)

CN = china_calendar()


class TestMonthArithmetic:
    """Months move through relativedelta and clamp at month ends."""

    @pytest.mark.parametrize(
        ("day", "months", "expected"),
        [
            (date(2020, 1, 31), 1, date(2020, 2, 29)),
            (date(2021, 1, 31), 1, date(2021, 2, 28)),
            (date(2020, 3, 31), 1, date(2020, 4, 30)),
            (date(2020, 3, 31), -1, date(2020, 2, 29)),
            (date(2020, 12, 15), 1, date(2021, 1, 15)),
            (date(2020, 2, 29), 12, date(2021, 2, 28)),
        ],
    )
    def test_add_months_clamps(self, day, months, expected):
        """31 Jan + 1 month is the end of February, leap or not."""
        assert expected == add_months(day, months)

    def test_reporting_month(self):
        """A date reports in the month it falls in."""
        assert Month(2020, 5) == reporting_month(date(2020, 5, 17))

    @pytest.mark.parametrize(
        ("as_of", "expected"),
        [
            (date(2020, 5, 31), Month(2020, 5)),
            (date(2020, 5, 30), Month(2020, 4)),
            (date(2020, 1, 1), Month(2019, 12)),
            (date(2020, 2, 29), Month(2020, 2)),
            (date(2021, 2, 28), Month(2021, 2)),
        ],
    )
    def test_last_complete_month(self, as_of, expected):
        """The month counts as complete on its own last day."""
        assert expected == last_complete_month(as_of)


class TestQuarter:
    """Quarters know their days, months and arithmetic."""

    def test_of_and_bounds(self):
        """Q1 of a leap year ends 31 March, starts 1 January."""
        q = Quarter.of(date(2020, 2, 29))
        assert (Quarter(2020, 1), date(2020, 1, 1), date(2020, 3, 31)) == (
            q,
            q.first_day,
            q.last_day,
        )

    def test_months(self):
        """Q3 holds July, August and September."""
        assert (Month(2020, 7), Month(2020, 8), Month(2020, 9)) == Quarter(2020, 3).months

    def test_arithmetic_crosses_years(self):
        """Adding and subtracting quarters crosses year ends both ways."""
        assert (Quarter(2021, 2), Quarter(2019, 4), 6) == (
            Quarter(2020, 4) + 2,
            Quarter(2020, 1) + -1,
            Quarter(2021, 3) - Quarter(2020, 1),
        )

    def test_order_and_str(self):
        """Quarters sort in time and print as 2020Q4."""
        assert ["2019Q4", "2020Q1"] == [
            str(q) for q in sorted([Quarter(2020, 1), Quarter(2019, 4)])
        ]

    @pytest.mark.parametrize("bad", [0, 5, True, "2"])
    def test_rejects_bad_quarter(self, bad):
        """A quarter outside 1..4 is refused, naming the field."""
        with pytest.raises(ValidationError, match=r"quarter: expected a quarter from 1 to 4, got"):
            Quarter(2020, bad)

    def test_non_int_operands(self):
        """Adding a non-int or subtracting a non-quarter is unsupported."""
        with pytest.raises(TypeError):
            Quarter(2020, 1) + "1"  # type: ignore[operator]
        with pytest.raises(TypeError):
            Quarter(2020, 1) - 1  # type: ignore[operator]


class TestYear:
    """Years hold months and quarters."""

    def test_bounds_and_parts(self):
        """2020 runs 1 Jan to 31 Dec with 12 months and 4 quarters."""
        y = Year.of(date(2020, 6, 1))
        assert (date(2020, 1, 1), date(2020, 12, 31), 12, Quarter(2020, 4), "2020") == (
            y.first_day,
            y.last_day,
            len(y.months),
            y.quarters[-1],
            str(y),
        )

    def test_arithmetic(self):
        """Years add and subtract as integers."""
        assert (Year(2021), 3) == (Year(2020) + 1, Year(2023) - Year(2020))

    def test_non_int_operands(self):
        """Adding a non-int or subtracting a non-year is unsupported."""
        with pytest.raises(TypeError):
            Year(2020) + "1"  # type: ignore[operator]
        with pytest.raises(TypeError):
            Year(2020) - 1  # type: ignore[operator]


class TestTimeProgress:
    """Time-schedule progress (时序进度) on the month and day bases."""

    def test_binzhou_end_of_may(self):
        """Binzhou, end of May 2020: 41.7 % of the year."""
        assert Fraction(5, 12) == time_progress(date(2020, 5, 31))

    def test_ningbo_end_of_september(self):
        """Ningbo, end of September: exactly 9/12."""
        assert Fraction(3, 4) == time_progress(date(2020, 9, 30))

    @pytest.mark.parametrize(
        ("as_of", "expected"),
        [
            (date(2020, 1, 1), Fraction(0)),
            (date(2020, 1, 30), Fraction(0)),
            (date(2020, 1, 31), Fraction(1, 12)),
            (date(2020, 2, 28), Fraction(1, 12)),
            (date(2020, 2, 29), Fraction(2, 12)),
            (date(2021, 2, 28), Fraction(2, 12)),
            (date(2020, 12, 30), Fraction(11, 12)),
            (date(2020, 12, 31), Fraction(1)),
        ],
    )
    def test_month_basis_counts_completed_months(self, as_of, expected):
        """A date inside a month counts only the months completed."""
        assert expected == time_progress(as_of, TimeBasis.MONTH)

    @pytest.mark.parametrize(
        ("as_of", "expected"),
        [
            (date(2020, 1, 1), Fraction(1, 366)),
            (date(2021, 1, 1), Fraction(1, 365)),
            (date(2020, 2, 29), Fraction(60, 366)),
            (date(2020, 12, 31), Fraction(1)),
            (date(2021, 12, 31), Fraction(1)),
            (date(2021, 5, 31), Fraction(151, 365)),
        ],
    )
    def test_day_basis_handles_leap_years(self, as_of, expected):
        """Day of year over 365 or 366."""
        assert expected == time_progress(as_of, TimeBasis.DAY)

    def test_exact_type(self):
        """The result is a Fraction, never a float."""
        assert Fraction is type(time_progress(date(2020, 5, 31), TimeBasis.DAY))

    def test_rejects_unknown_basis(self):
        """A basis that is not a TimeBasis member is refused."""
        with pytest.raises(
            ValidationError, match=r"basis: expected TimeBasis.MONTH or TimeBasis.DAY"
        ):
            time_progress(date(2020, 5, 31), "month")  # type: ignore[arg-type]


def _project(**figures):
    return Project(
        name="港区扩建",
        level="city",
        category="infrastructure",
        stage="under_construction",
        region="北仑区",
        unit="市港航局",
        local_id="NB-1",
        **figures,
    )


class TestCumulativeSeries:
    """Cumulative plan and actuals from January, with unreported months named."""

    def test_unreported_is_not_zero(self):
        """A missing report is listed; a reported zero is not."""
        p = _project(
            monthly_plan={"2020-01": "100", "2020-02": "100", "2020-03": "100"},
            monthly_done={"2020-01": "0", "2020-03": "150"},
        )
        series = cumulative_series(p, Month(2020, 3))
        assert [Decimal(0), None, Decimal(150)] == [c.done for c in series]
        assert [(), (Month(2020, 2),), (Month(2020, 2),)] == [c.unreported for c in series]
        assert [True, False, True] == [c.reported for c in series]
        assert [True, False, False] == [c.complete for c in series]

    def test_totals_start_in_january_of_the_year(self):
        """Figures of the previous year do not count."""
        p = _project(
            monthly_plan={"2019-12": "999", "2020-01": "10", "2020-02": "20"},
            monthly_done={"2019-12": "999", "2020-01": "5", "2020-02": "25"},
        )
        last = cumulative_to(p, Month(2020, 2))
        assert (Decimal(30), Decimal(30), Month(2020, 2)) == (
            last.plan_to_date,
            last.done_to_date,
            last.month,
        )

    def test_months_without_plan_plan_zero(self):
        """A month with no plan entry plans nothing."""
        p = _project(monthly_done={"2020-01": "5"})
        last = cumulative_to(p, Month(2020, 2))
        assert (Decimal(0), Decimal(0), Decimal(5), (Month(2020, 2),)) == (
            last.plan,
            last.plan_to_date,
            last.done_to_date,
            last.unreported,
        )

    def test_january_has_one_element(self):
        """The series through January is one month long."""
        assert 1 == len(cumulative_series(_project(), Month(2020, 1)))


class TestChinaCalendar:
    """The Chinese official calendar, backed by chinese-calendar."""

    @pytest.mark.parametrize("day", range(1, 9))
    def test_national_day_2020_holidays(self, day):
        """1–8 October 2020 are days off."""
        assert not CN.is_working_day(date(2020, 10, day))

    @pytest.mark.parametrize("day", [date(2020, 9, 27), date(2020, 10, 10)])
    def test_2020_make_up_workdays(self, day):
        """Sunday 27 September and Saturday 10 October 2020 are worked."""
        assert CN.is_working_day(day)

    def test_2026_spring_festival(self):
        """2026-02-14 and 2026-02-28 are workdays, 2026-02-15 a holiday."""
        assert [True, False, True] == [
            CN.is_working_day(date(2026, 2, 14)),
            CN.is_working_day(date(2026, 2, 15)),
            CN.is_working_day(date(2026, 2, 28)),
        ]

    def test_general_issue_due_date(self):
        """A general issue assigned 2020-09-29 with 5 working days is due 2020-10-13."""
        assert date(2020, 10, 13) == add_working_days(date(2020, 9, 29), 5, calendar=CN)

    def test_due_date_steps(self):
        """The five days are 30 Sep, 9 Oct, 10 Oct (Saturday), 12 Oct, 13 Oct."""
        steps = [add_working_days(date(2020, 9, 29), n, calendar=CN) for n in range(1, 6)]
        expected = [date(2020, 9, 30), date(2020, 10, 9), date(2020, 10, 10)]
        assert [*expected, date(2020, 10, 12), date(2020, 10, 13)] == steps

    def test_counts_back(self):
        """Five working days back from 2020-10-13 is 2020-09-29."""
        assert date(2020, 9, 29) == add_working_days(date(2020, 10, 13), -5, calendar=CN)

    def test_cached(self):
        """Building the China calendar twice gives the same object."""
        assert china_calendar() is china_calendar()

    def test_is_a_working_calendar(self):
        """The China calendar satisfies the WorkingCalendar protocol."""
        assert isinstance(CN, WorkingCalendar)

    def test_covers_2004_to_2026(self):
        """chinese-calendar 1.11 covers 2004–2026."""
        assert range(2004, 2027) == CN.years

    def test_agrees_with_chinese_calendar(self):
        """Every day 2004–2026 matches chinese_calendar.is_workday."""
        chinese_calendar = pytest.importorskip("chinese_calendar")
        day, mismatches = date(2004, 1, 1), []
        while day.year < 2027:
            if CN.is_working_day(day) != chinese_calendar.is_workday(day):
                mismatches.append(day)
            day += timedelta(days=1)
        assert [] == mismatches

    def test_agrees_with_find_workday(self):
        """add_working_days(s, n) == find_workday(n - 1, next day) for sample dates."""
        chinese_calendar = pytest.importorskip("chinese_calendar")
        for start in (date(2020, 9, 29), date(2020, 10, 3), date(2024, 2, 8), date(2026, 2, 13)):
            for n in (1, 3, 10):
                expected = chinese_calendar.find_workday(n - 1, start + timedelta(days=1))
                assert expected == add_working_days(start, n, calendar=CN)


class TestCoverage:
    """Dates without official data raise; a fallback must be named."""

    def test_is_working_day_outside(self):
        """2027 has no data: the error names the year and the range."""
        with pytest.raises(
            CalendarCoverageError, match=r"no working-day data for 2027: .* covers 2004–2026"
        ):
            CN.is_working_day(date(2027, 1, 4))

    def test_start_outside(self):
        """A start date before coverage raises."""
        with pytest.raises(CalendarCoverageError, match=r"no working-day data for 2003"):
            add_working_days(date(2003, 12, 31), 1, calendar=CN)

    def test_answer_beyond_coverage(self):
        """Counting past 31 Dec 2026 raises, saying which call and year."""
        with pytest.raises(
            CalendarCoverageError,
            match=r"adding 5 working days to 2026-12-30: no working-day data for 2027",
        ):
            add_working_days(date(2026, 12, 30), 5, calendar=CN)

    def test_answer_before_coverage(self):
        """Counting back before 1 Jan 2004 raises, naming 2003."""
        with pytest.raises(CalendarCoverageError, match=r"no working-day data for 2003"):
            add_working_days(date(2004, 1, 5), -5, calendar=CN)

    def test_between_outside(self):
        """Counting to a date outside coverage raises."""
        with pytest.raises(CalendarCoverageError, match=r"no working-day data for 2027"):
            working_days_between(date(2026, 12, 1), date(2027, 1, 10), calendar=CN)

    def test_error_attributes(self):
        """The error carries the field, the covered range and the date."""
        with pytest.raises(CalendarCoverageError) as info:
            CN.is_working_day(date(2030, 1, 1))
        assert ("date", "a date in 2004–2026", date(2030, 1, 1)) == (
            info.value.field,
            info.value.expected,
            info.value.got,
        )

    def test_explicit_fallback(self):
        """A named weekday fallback answers beyond 2026 (1 Jan 2027 counts: a guess)."""
        cal = FallbackCalendar(CN, WeekdayCalendar())
        assert (date(2027, 1, 4), date(2020, 10, 13)) == (
            add_working_days(date(2026, 12, 30), 3, calendar=cal),
            add_working_days(date(2020, 9, 29), 5, calendar=cal),
        )

    def test_fallback_counts_across_boundary(self):
        """Counting across the coverage boundary mixes both calendars day by day."""
        cal = FallbackCalendar(CN, WeekdayCalendar())
        start = date(2026, 12, 30)
        end = add_working_days(start, 3, calendar=cal)
        assert (3, -3) == (
            working_days_between(start, end, calendar=cal),
            working_days_between(end, add_working_days(end, -3, calendar=cal), calendar=cal),
        )

    def test_fallback_uses(self):
        """The fallback calendar says which dates it guessed."""
        cal = FallbackCalendar(CN, WeekdayCalendar())
        assert (False, True, range(1, 10000), True) == (
            cal.uses_fallback(date(2026, 1, 1)),
            cal.uses_fallback(date(2027, 1, 1)),
            cal.years,
            "else Monday–Friday calendar" in cal.name,
        )

    def test_fallback_must_cover_primary(self):
        """A fallback narrower than the primary is refused."""
        narrow = HolidayCalendar(years=range(2020, 2021), holidays=(), workdays=())
        with pytest.raises(
            ValidationError, match=r"fallback: covers 2020–2020, which must include .* 2004–2026"
        ):
            FallbackCalendar(CN, narrow)


class TestMissingExtra:
    """Without chinese-calendar the error says how to install it."""

    def test_clear_error(self, monkeypatch):
        """The message names the extra projpush[cn]."""
        monkeypatch.setitem(sys.modules, "chinese_calendar", None)
        with pytest.raises(ImportError, match=r'pip install "projpush\[cn\]"'):
            _chinacal.load_official()

    def test_china_calendar_raises_when_missing(self, monkeypatch):
        """china_calendar() raises the same error and caches nothing."""
        monkeypatch.setitem(sys.modules, "chinese_calendar", None)
        china_calendar.cache_clear()
        try:
            with pytest.raises(ImportError, match=r"chinese-calendar"):
                china_calendar()
        finally:
            monkeypatch.undo()
            china_calendar.cache_clear()
        assert CN == china_calendar()

    def test_imported_only_when_used(self):
        """Importing projpush.schedule does not import chinese_calendar."""
        code = "import sys, projpush.schedule; print('chinese_calendar' in sys.modules)"
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert "False" == out.stdout.strip()


class TestWorkingDayConvention:
    """Day 1 is the first working day after start, whatever start is."""

    def test_start_on_holiday(self):
        """From a holiday, day 1 is the first working day after it."""
        assert date(2020, 10, 9) == add_working_days(date(2020, 10, 3), 1, calendar=CN)

    def test_start_on_working_day(self):
        """From a working day, day 1 is the next one, not start itself."""
        assert date(2020, 9, 30) == add_working_days(date(2020, 9, 29), 1, calendar=CN)

    def test_zero_returns_start(self):
        """n == 0 returns start unchanged, even on a holiday."""
        assert date(2020, 10, 3) == add_working_days(date(2020, 10, 3), 0, calendar=CN)

    def test_zero_still_checks_coverage(self):
        """n == 0 outside coverage still raises."""
        with pytest.raises(CalendarCoverageError, match=r"2027"):
            add_working_days(date(2027, 1, 1), 0, calendar=CN)

    def test_negative_from_holiday(self):
        """Day −1 from a holiday is the last working day before it."""
        assert date(2020, 9, 30) == add_working_days(date(2020, 10, 5), -1, calendar=CN)

    def test_between_counts_end_not_start(self):
        """Working days s < d <= e: 29 Sep to 30 Sep is one."""
        assert (1, 0, 0) == (
            working_days_between(date(2020, 9, 29), date(2020, 9, 30), calendar=CN),
            working_days_between(date(2020, 9, 29), date(2020, 9, 29), calendar=CN),
            working_days_between(date(2020, 9, 30), date(2020, 10, 8), calendar=CN),
        )

    def test_between_backwards_is_negative(self):
        """When end is before start: minus the working days end <= d < start."""
        assert -5 == working_days_between(date(2020, 10, 13), date(2020, 9, 29), calendar=CN)

    def test_next_working_day(self):
        """next_working_day keeps a working day and moves a holiday forward."""
        assert (date(2020, 10, 9), date(2020, 10, 10)) == (
            next_working_day(date(2020, 10, 1), calendar=CN),
            next_working_day(date(2020, 10, 10), calendar=CN),
        )


class TestWeekdayCalendar:
    """Monday to Friday, closed form."""

    def test_skips_weekend(self):
        """Friday + 1 is Monday; Saturday + 1 is Monday."""
        cal = WeekdayCalendar()
        assert (date(2020, 10, 12), date(2020, 10, 12)) == (
            add_working_days(date(2020, 10, 9), 1, calendar=cal),
            add_working_days(date(2020, 10, 10), 1, calendar=cal),
        )

    def test_matches_generic_stepping(self):
        """The closed form agrees with day-by-day stepping over a year."""

        class Plain:
            years = range(1, 10000)

            def is_working_day(self, day):
                return day.weekday() < 5

        cal, plain = WeekdayCalendar(), Plain()
        day = date(2020, 1, 1)
        for _ in range(60):
            for n in (-8, -1, 0, 1, 6):
                assert add_working_days(day, n, calendar=plain) == add_working_days(
                    day, n, calendar=cal
                )
            end = day + timedelta(days=11)
            assert working_days_between(day, end, calendar=plain) == working_days_between(
                day, end, calendar=cal
            )
            assert working_days_between(end, day, calendar=plain) == working_days_between(
                end, day, calendar=cal
            )
            day += timedelta(days=3)

    def test_overflow(self):
        """Running past year 9999 raises a coverage error."""
        with pytest.raises(CalendarCoverageError, match=r"leaves the years .* can hold"):
            add_working_days(date(9999, 12, 30), 5, calendar=WeekdayCalendar())

    def test_underflow(self):
        """Running before year 1 raises a coverage error."""
        with pytest.raises(CalendarCoverageError, match=r"adding -5 working days to 0001-01-02"):
            add_working_days(date(1, 1, 2), -5, calendar=WeekdayCalendar())


class TestHolidayCalendar:
    """A calendar typed in from a State Council notice."""

    NOTICE_2027 = HolidayCalendar(
        years=range(2027, 2028),
        holidays={date(2027, 1, 1), date(2027, 1, 2), date(2027, 1, 3)},
        workdays={date(2027, 1, 9)},
        name="2027 notice",
    )

    def test_rest_and_make_up(self):
        """Listed holidays rest, listed weekend workdays work."""
        cal = self.NOTICE_2027
        assert (False, True, False) == (
            cal.is_working_day(date(2027, 1, 1)),
            cal.is_working_day(date(2027, 1, 9)),
            cal.is_working_day(date(2027, 1, 10)),
        )

    def test_with_year_extends_china(self):
        """Adding 2027 to the official data lets counting cross the year end."""
        cal = CN.with_year(
            2027, holidays=self.NOTICE_2027.holidays, workdays=self.NOTICE_2027.workdays
        )
        assert (range(2004, 2028), date(2027, 1, 4)) == (
            cal.years,
            add_working_days(date(2026, 12, 30), 2, calendar=cal),
        )

    def test_with_year_before(self):
        """A year may be added before the first covered one."""
        cal = self.NOTICE_2027.with_year(2026, holidays=(), workdays=())
        assert range(2026, 2028) == cal.years

    def test_with_year_not_adjacent(self):
        """A gap between covered years is refused."""
        with pytest.raises(
            ValidationError,
            match=r"year: expected a year next to the covered ones \(2026 or 2028\), got 2030",
        ):
            self.NOTICE_2027.with_year(2030, holidays=(), workdays=())

    def test_date_outside_years(self):
        """A notice date outside the years is refused."""
        with pytest.raises(
            ValidationError,
            match=r"holidays: 2028-01-01 lies outside the calendar's years 2027–2027",
        ):
            HolidayCalendar(years=range(2027, 2028), holidays={date(2028, 1, 1)}, workdays=())

    def test_both_sets(self):
        """A date cannot be both a holiday and a workday."""
        with pytest.raises(ValidationError, match=r"2027-01-09 is listed as both"):
            HolidayCalendar(
                years=range(2027, 2028), holidays={date(2027, 1, 9)}, workdays={date(2027, 1, 9)}
            )

    def test_weekday_make_up_is_a_typo(self):
        """A make-up workday on a weekday is refused: it is one already."""
        with pytest.raises(
            ValidationError, match=r"workdays: 2027-01-04 is a Monday, a working day already"
        ):
            HolidayCalendar(years=range(2027, 2028), holidays=(), workdays={date(2027, 1, 4)})

    @pytest.mark.parametrize("years", [range(2027, 2027), range(2020, 2030, 2), [2027]])
    def test_bad_years(self, years):
        """Years must be a non-empty step-1 range."""
        with pytest.raises(
            ValidationError, match=r"years: expected a non-empty range of years with step 1"
        ):
            HolidayCalendar(years=years, holidays=(), workdays=())

    def test_years_beyond_date(self):
        """Years must fit in datetime.date."""
        with pytest.raises(ValidationError, match=r"years: expected years from 1 to 9999"):
            HolidayCalendar(years=range(9999, 10001), holidays=(), workdays=())

    def test_equality_ignores_index(self):
        """Two calendars from the same notice are equal and hash alike."""
        twin = HolidayCalendar(
            years=range(2027, 2028),
            holidays=self.NOTICE_2027.holidays,
            workdays=self.NOTICE_2027.workdays,
            name="2027 notice",
        )
        assert (twin, hash(twin)) == (self.NOTICE_2027, hash(self.NOTICE_2027))


class TestGenericCalendar:
    """A user's own calendar works through the protocol alone."""

    class Odd:
        years = range(2020, 2021)

        def is_working_day(self, day):
            return day.day % 2 == 1

    def test_shift_and_count(self):
        """Odd days of the month work; count and shift agree."""
        cal = self.Odd()
        assert (date(2020, 3, 5), 2, -2) == (
            add_working_days(date(2020, 3, 1), 2, calendar=cal),
            working_days_between(date(2020, 3, 1), date(2020, 3, 5), calendar=cal),
            working_days_between(date(2020, 3, 5), date(2020, 3, 1), calendar=cal),
        )

    def test_coverage(self):
        """Stepping out of the years raises, naming the calendar's class."""
        with pytest.raises(
            CalendarCoverageError, match=r"no working-day data for 2021: Odd covers 2020–2020"
        ):
            add_working_days(date(2020, 12, 30), 3, calendar=self.Odd())

    def test_start_outside(self):
        """A start outside the years raises."""
        with pytest.raises(CalendarCoverageError, match=r"no working-day data for 2019"):
            add_working_days(date(2019, 12, 30), 3, calendar=self.Odd())

    def test_count_outside(self):
        """Counting to a date outside the years raises."""
        with pytest.raises(CalendarCoverageError, match=r"no working-day data for 2021"):
            working_days_between(date(2020, 12, 30), date(2021, 1, 3), calendar=self.Odd())

    def test_overflow(self):
        """Stepping past date.max raises a coverage error."""

        class Never:
            years = range(1, 10000)

            def is_working_day(self, day):
                return False

        with pytest.raises(CalendarCoverageError, match=r"leaves the years"):
            add_working_days(date(9999, 12, 25), 1, calendar=Never())


class TestMilestoneTiming:
    """Due, done on time or late, open, overdue."""

    PLANNED = date(2020, 9, 30)

    def _m(self, **kw):
        return Milestone("土地清表", planned=self.PLANNED, start=date(2020, 9, 1), **kw)

    def test_pending(self):
        """Before the planned date an open milestone is pending."""
        t = milestone_timing(self._m(percent=Decimal(50)), date(2020, 9, 15), calendar=CN)
        assert (MilestoneState.PENDING, False, False, 0, 0) == (
            t.state,
            t.is_due,
            t.is_done,
            t.days_late,
            t.working_days_late,
        )

    def test_due_today(self):
        """On the planned date an open milestone is due, not yet late."""
        t = milestone_timing(self._m(), self.PLANNED)
        assert (MilestoneState.DUE, True, 0, None) == (
            t.state,
            t.is_due,
            t.days_late,
            t.working_days_late,
        )

    def test_overdue_counts_calendar_and_working_days(self):
        """Open on 13 Oct: 13 calendar days, 4 working days overdue (9, 10, 12, 13 Oct)."""
        t = milestone_timing(self._m(), date(2020, 10, 13), calendar=CN)
        assert (MilestoneState.OVERDUE, 13, 4) == (t.state, t.days_late, t.working_days_late)

    def test_done_on_time(self):
        """Done before planned is on time, 100 percent."""
        t = milestone_timing(self._m(done=date(2020, 9, 28)), date(2020, 10, 13), calendar=CN)
        assert (MilestoneState.ON_TIME, True, 0, 0, Decimal(100)) == (
            t.state,
            t.is_done,
            t.days_late,
            t.working_days_late,
            t.percent,
        )

    def test_done_late(self):
        """Done on 12 Oct: 12 days and 3 working days late."""
        t = milestone_timing(self._m(done=date(2020, 10, 12)), date(2020, 10, 31), calendar=CN)
        assert (MilestoneState.LATE, 12, 3) == (t.state, t.days_late, t.working_days_late)

    def test_done_after_as_of_is_open(self):
        """A completion dated after as_of is not known yet."""
        t = milestone_timing(
            self._m(done=date(2020, 10, 12), percent=Decimal(100)), date(2020, 10, 5)
        )
        assert (MilestoneState.OVERDUE, 5, False) == (t.state, t.days_late, t.is_done)

    def test_expected_share(self):
        """Window 1–30 Sep: end of 15 Sep is half elapsed; 40 % reported is 10 points behind."""
        t = milestone_timing(self._m(percent=Decimal(40)), date(2020, 9, 15))
        assert (Fraction(1, 2), Fraction(10)) == (t.expected_share, t.behind_points)

    @pytest.mark.parametrize(
        ("as_of", "expected"),
        [
            (date(2020, 8, 31), Fraction(0)),
            (date(2020, 9, 1), Fraction(1, 30)),
            (date(2020, 9, 30), Fraction(1)),
            (date(2020, 12, 1), Fraction(1)),
        ],
    )
    def test_expected_share_bounds(self, as_of, expected):
        """The share is 0 before the window and 1 from its end on."""
        assert expected == milestone_timing(self._m(), as_of).expected_share

    def test_no_start_no_share(self):
        """Without a start date there is no expected share nor lag."""
        t = milestone_timing(
            Milestone("开工", planned=self.PLANNED, percent=Decimal(10)), self.PLANNED
        )
        assert (None, None) == (t.expected_share, t.behind_points)

    def test_one_day_window(self):
        """A milestone planned on its start day is fully elapsed that day."""
        m = Milestone("开工", planned=self.PLANNED, start=self.PLANNED)
        assert (Fraction(0), Fraction(1)) == (
            milestone_timing(m, self.PLANNED - timedelta(days=1)).expected_share,
            milestone_timing(m, self.PLANNED).expected_share,
        )


class TestSupervisionRhythm:
    """The year's supervision cycle ("五个一")."""

    def _kind(self, events, kind):
        return [e for e in events if e.kind is kind]

    def test_binzhou_counts(self):
        """12 confirmations and reports, 6 hearings, 4 reviews, 2 inspections, 1 year-end."""
        events = supervision_rhythm(2020)
        counts = {k: len(self._kind(events, k)) for k in RhythmKind}
        assert {
            RhythmKind.MONTHLY_CONFIRMATION: 12,
            RhythmKind.MONTHLY_REPORT_DUE: 12,
            RhythmKind.BIMONTHLY_HEARING: 6,
            RhythmKind.QUARTERLY_REVIEW: 4,
            RhythmKind.HALF_YEAR_INSPECTION: 2,
            RhythmKind.YEAR_END_REPORT: 1,
            RhythmKind.DAILY_FLASH: 0,
            RhythmKind.WEEKLY_NOTICE: 0,
        } == counts

    def test_sorted(self):
        """Events come sorted by date."""
        events = supervision_rhythm(2020)
        assert sorted(e.on for e in events) == [e.on for e in events]

    def test_month_ends_clamp(self):
        """Confirmations fall on each month's last day, 29 Feb in 2020."""
        ends = [e.on for e in self._kind(supervision_rhythm(2020), RhythmKind.MONTHLY_CONFIRMATION)]
        assert [date(2020, 1, 31), date(2020, 2, 29), date(2020, 3, 31)] == ends[:3]

    def test_hearings_every_two_months(self):
        """Hearings end February, April, ..., December and cover two months."""
        hearings = self._kind(supervision_rhythm(2021), RhythmKind.BIMONTHLY_HEARING)
        assert [(date(2021, 1, 1), date(2021, 2, 28), "2021-01/02")] == [
            (e.period_start, e.period_end, e.label) for e in hearings[:1]
        ]
        assert [2, 4, 6, 8, 10, 12] == [e.on.month for e in hearings]

    def test_reviews_and_inspections(self):
        """Reviews at quarter ends, inspections at half-year ends."""
        events = supervision_rhythm(2020)
        reviews = [(e.on, e.label) for e in self._kind(events, RhythmKind.QUARTERLY_REVIEW)]
        halves = [
            (e.period_start, e.on, e.label)
            for e in self._kind(events, RhythmKind.HALF_YEAR_INSPECTION)
        ]
        assert (date(2020, 6, 30), "2020Q2") == reviews[1]
        assert [
            (date(2020, 1, 1), date(2020, 6, 30), "2020H1"),
            (date(2020, 7, 1), date(2020, 12, 31), "2020H2"),
        ] == halves

    def test_report_due_unshifted(self):
        """Without a calendar the report is due on report_day of the next month."""
        reports = self._kind(supervision_rhythm(2020), RhythmKind.MONTHLY_REPORT_DUE)
        assert (date(2020, 10, 5), Month(2020, 9).first_day, "2020-09") == (
            reports[8].on,
            reports[8].period_start,
            reports[8].label,
        )
        assert date(2021, 1, 5) == reports[-1].on

    def test_report_due_shifted_to_working_day(self):
        """September 2020's report, due 5 Oct (holiday), moves to 9 Oct."""
        reports = self._kind(supervision_rhythm(2020, calendar=CN), RhythmKind.MONTHLY_REPORT_DUE)
        assert date(2020, 10, 9) == reports[8].on

    def test_configurable_report_day(self):
        """Report day 10: January's report is due 10 Feb 2020 (a Monday)."""
        reports = self._kind(
            supervision_rhythm(2020, RhythmPolicy.binzhou(report_day=10), calendar=CN),
            RhythmKind.MONTHLY_REPORT_DUE,
        )
        assert date(2020, 2, 10) == reports[0].on

    def test_report_due_beyond_calendar(self):
        """December 2026's report falls in 2027, which has no data."""
        with pytest.raises(CalendarCoverageError, match=r"2027"):
            supervision_rhythm(2026, calendar=CN)

    def test_dalian(self):
        """Dalian has no hearings nor inspections."""
        kinds = {e.kind for e in supervision_rhythm(2020, RhythmPolicy.dalian())}
        assert {
            RhythmKind.MONTHLY_CONFIRMATION,
            RhythmKind.MONTHLY_REPORT_DUE,
            RhythmKind.QUARTERLY_REVIEW,
            RhythmKind.YEAR_END_REPORT,
        } == kinds

    def test_emergency(self):
        """A 10-day emergency from Wed 2020-02-05 adds 10 flashes and 2 Monday notices."""
        em = Emergency(date(2020, 2, 5), date(2020, 2, 14))
        events = supervision_rhythm(2020, emergency=em)
        flashes = self._kind(events, RhythmKind.DAILY_FLASH)
        notices = [(e.period_start, e.on) for e in self._kind(events, RhythmKind.WEEKLY_NOTICE)]
        assert 10 == len(flashes)
        assert [(date(2020, 2, 5), date(2020, 2, 10))] == notices

    def test_emergency_clipped_to_year(self):
        """Only the part of the window inside the year is generated."""
        em = Emergency(date(2019, 12, 30), date(2020, 1, 2), notice_weekday=4)
        events = supervision_rhythm(2020, emergency=em)
        flashes = [e.on for e in self._kind(events, RhythmKind.DAILY_FLASH)]
        assert [date(2020, 1, 1), date(2020, 1, 2)] == flashes
        assert 0 == len(self._kind(supervision_rhythm(2021, emergency=em), RhythmKind.DAILY_FLASH))

    def test_emergency_backwards(self):
        """An emergency ending before it starts is refused."""
        with pytest.raises(
            ValidationError, match=r"emergency: last day 2020-02-01 is before first day 2020-02-05"
        ):
            Emergency(date(2020, 2, 5), date(2020, 2, 1))

    @pytest.mark.parametrize("bad", [0, 29, True])
    def test_bad_report_day(self, bad):
        """The report day must be 1..28, so every month has it."""
        with pytest.raises(
            PolicyError, match=r"report_day: expected a day of the month from 1 to 28"
        ):
            RhythmPolicy.binzhou(report_day=bad)

    @pytest.mark.parametrize("bad", [7, -1, False])
    def test_bad_weekday(self, bad):
        """The notice weekday must be 0..6."""
        with pytest.raises(PolicyError, match=r"notice_weekday: expected a weekday from 0"):
            Emergency(date(2020, 2, 5), date(2020, 2, 14), notice_weekday=bad)

    @pytest.mark.parametrize("bad", [set(), {RhythmKind.DAILY_FLASH}, {"monthly_confirmation"}])
    def test_bad_kinds(self, bad):
        """Kinds must be routine RhythmKind members, at least one."""
        with pytest.raises(
            PolicyError, match=r"kinds: expected a non-empty set of routine RhythmKind"
        ):
            RhythmPolicy(kinds=bad)


class TestResolveCalendar:
    """One default calendar for every rule that counts working days."""

    def test_given_calendar_is_kept(self):
        """A calendar passed in is used as it is."""
        cal = WeekdayCalendar()
        assert cal is schedule.resolve_calendar(cal)

    def test_default_is_the_china_calendar(self):
        """With none given, the China official calendar."""
        assert schedule.china_calendar() is schedule.resolve_calendar(None)

    def test_missing_extra_says_what_to_do(self, monkeypatch):
        """Without chinese-calendar the error says to install the extra or pass one."""

        def missing():
            msg = 'needs chinese-calendar: pip install "projpush[cn]"'
            raise ImportError(msg)

        monkeypatch.setattr(schedule, "china_calendar", missing)
        with pytest.raises(ImportError, match=r'projpush\[cn\]"; or pass calendar= explicitly'):
            schedule.resolve_calendar(None)
