"""Periods, time-schedule progress, working days and the supervision rhythm.

Everything here is pure: every function takes the dates it reasons about as
arguments and never reads the clock.

>>> from datetime import date
>>> time_progress(date(2020, 5, 31))
Fraction(5, 12)
>>> add_working_days(date(2020, 9, 29), 5, calendar=china_calendar())
datetime.date(2020, 10, 13)
"""

from __future__ import annotations

import datetime as dt
import functools
import warnings
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Final, Protocol, overload, runtime_checkable

import attrs
from dateutil import rrule
from dateutil.relativedelta import relativedelta

from projpush import _chinacal
from projpush._convert import ValueEnum, date_arg, plain_date_arg, positional_calendar, whole_arg
from projpush.errors import CalendarCoverageError, PolicyError, ValidationError
from projpush.model import Milestone, Month, Project

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = [
    "CumulativeMonth",
    "Emergency",
    "FallbackCalendar",
    "HolidayCalendar",
    "MilestoneState",
    "MilestoneTiming",
    "Quarter",
    "RhythmEvent",
    "RhythmKind",
    "RhythmPolicy",
    "TimeBasis",
    "WeekdayCalendar",
    "WorkingCalendar",
    "Year",
    "add_months",
    "add_working_days",
    "china_calendar",
    "cumulative_series",
    "cumulative_to",
    "is_provisional",
    "last_complete_month",
    "milestone_timing",
    "next_working_day",
    "reporting_month",
    "resolve_calendar",
    "supervision_rhythm",
    "time_progress",
    "working_days_between",
]

_ONE_DAY: Final = dt.timedelta(days=1)
_SATURDAY: Final = 5


# --------------------------------------------------------------------------- periods


def add_months(day: dt.date, months: int) -> dt.date:
    """Move a date by whole months, clamping to the end of a shorter month.

    Raises:
        ValidationError: ``day`` is not a date or ``months`` not a whole number.

    >>> add_months(dt.date(2020, 1, 31), 1)
    datetime.date(2020, 2, 29)
    """
    start = date_arg(day, "day")
    result: dt.date = start + relativedelta(months=whole_arg(months, "months", "months"))
    return result


def reporting_month(day: dt.date) -> Month:
    """The reporting month (月度) a date falls in.

    >>> str(reporting_month(dt.date(2020, 5, 17)))
    '2020-05'
    """
    return Month.of(day)


def last_complete_month(as_of: dt.date) -> Month:
    """The latest month that has fully ended on ``as_of`` (its last day counts).

    A monthly report judged on 17 May looks at April; on 31 May, at May.

    Raises:
        ValidationError: ``as_of`` is not a date.

    >>> str(last_complete_month(dt.date(2020, 5, 17)))
    '2020-04'
    >>> str(last_complete_month(dt.date(2020, 5, 31)))
    '2020-05'
    """
    date_arg(as_of, "as_of")
    return Month.year_months(as_of.year)[0] + (_months_ended(as_of) - 1)


def _months_ended(as_of: dt.date) -> int:
    """How many months of ``as_of``'s year have fully ended on ``as_of`` (0 to 12).

    The one rule behind :func:`last_complete_month` and the month basis of
    :func:`time_progress`: a month has ended on its last day. Plain date
    arithmetic, so any :class:`datetime.date` works (a Month spans 1900–2200).
    """
    # The last day of a month: the 31st, or a day followed by a 1st (31 December of
    # year 9999 is caught by the first test before the second would overflow).
    last = as_of.day == 31 or (as_of.day >= 28 and (as_of + dt.timedelta(days=1)).day == 1)
    return as_of.month if last else as_of.month - 1


def _check_quarter(_instance: Quarter, _attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 4:
        raise ValidationError.about("quarter", "a quarter from 1 to 4", value)


@attrs.frozen(order=True)
class Quarter:
    """A calendar quarter (季度), the period of the quarterly review.

    >>> q = Quarter.of(dt.date(2020, 11, 5))
    >>> str(q), q.first_day, q.last_day, str(q + 1), (q + 1) - q
    ('2020Q4', datetime.date(2020, 10, 1), datetime.date(2020, 12, 31), '2021Q1', 1)
    """

    year: int
    quarter: int = attrs.field(validator=_check_quarter)

    @classmethod
    def of(cls, day: dt.date) -> Quarter:
        """The quarter a date falls in.

        Raises:
            ValidationError: ``day`` is not a date.
        """
        day = date_arg(day, "day")
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def first_day(self) -> dt.date:
        """The first day of the quarter."""
        return dt.date(self.year, 3 * self.quarter - 2, 1)

    @property
    def last_day(self) -> dt.date:
        """The last day of the quarter."""
        last: dt.date = self.first_day + relativedelta(months=2, day=31)
        return last

    @property
    def months(self) -> tuple[Month, Month, Month]:
        """The three months of the quarter, in order."""
        first = Month.of(self.first_day)
        return (first, first + 1, first + 2)

    def __add__(self, quarters: int) -> Quarter:
        if not isinstance(quarters, int):
            return NotImplemented
        return Quarter.of(add_months(self.first_day, 3 * quarters))

    def __sub__(self, other: Quarter) -> int:
        if not isinstance(other, Quarter):
            return NotImplemented
        return (self.year - other.year) * 4 + self.quarter - other.quarter

    def __str__(self) -> str:
        return f"{self.year:04d}Q{self.quarter}"


@attrs.frozen(order=True)
class Year:
    """A calendar year (年度), the period of annual plans and the year-end report.

    >>> y = Year.of(dt.date(2020, 5, 31))
    >>> str(y), y.last_day, len(y.months), str(y.quarters[-1])
    ('2020', datetime.date(2020, 12, 31), 12, '2020Q4')
    """

    year: int

    @classmethod
    def of(cls, day: dt.date) -> Year:
        """The year a date falls in.

        Raises:
            ValidationError: ``day`` is not a date.
        """
        return cls(date_arg(day, "day").year)

    @property
    def first_day(self) -> dt.date:
        """1 January."""
        return dt.date(self.year, 1, 1)

    @property
    def last_day(self) -> dt.date:
        """31 December."""
        last: dt.date = self.first_day + relativedelta(month=12, day=31)
        return last

    @property
    def months(self) -> tuple[Month, ...]:
        """The twelve months, January first."""
        return Month.year_months(self.year)

    @property
    def quarters(self) -> tuple[Quarter, ...]:
        """The four quarters, Q1 first."""
        return tuple(Quarter(self.year, q) for q in range(1, 5))

    def __add__(self, years: int) -> Year:
        if not isinstance(years, int):
            return NotImplemented
        return Year(self.year + years)

    def __sub__(self, other: Year) -> int:
        if not isinstance(other, Year):
            return NotImplemented
        return self.year - other.year

    def __str__(self) -> str:
        return f"{self.year:04d}"


# --------------------------------------------------------------------------- time progress


class TimeBasis(ValueEnum):
    """How time-schedule progress counts the year: by whole months or by days."""

    MONTH = "month"
    DAY = "day"


def time_progress(as_of: dt.date, basis: TimeBasis = TimeBasis.MONTH) -> Fraction:
    """The share of the year elapsed at the end of ``as_of`` (时序进度).

    On the month basis (the default of monthly reports) only completed months
    count: the last day of month *m* gives *m*/12, and any earlier day of
    that month gives (*m* − 1)/12. On the day basis the day of the year is
    divided by the days in the year (365 or 366). The result is exact.

    Raises:
        ValidationError: ``as_of`` is not a date or ``basis`` not a :class:`TimeBasis`.

    >>> time_progress(dt.date(2020, 5, 31))
    Fraction(5, 12)
    >>> time_progress(dt.date(2020, 5, 30))
    Fraction(1, 3)
    >>> time_progress(dt.date(2020, 9, 30)), time_progress(dt.date(2020, 12, 31))
    (Fraction(3, 4), Fraction(1, 1))
    >>> time_progress(dt.date(2020, 2, 29), TimeBasis.DAY)
    Fraction(10, 61)
    """
    date_arg(as_of, "as_of")
    if basis is TimeBasis.MONTH:
        return Fraction(_months_ended(as_of), 12)
    if basis is TimeBasis.DAY:
        year = Year.of(as_of)
        days_in_year = (year.last_day - year.first_day).days + 1
        return Fraction(as_of.timetuple().tm_yday, days_in_year)
    raise ValidationError.about("basis", "TimeBasis.MONTH or TimeBasis.DAY", basis)


# --------------------------------------------------------------------------- cumulative series


@attrs.frozen
class CumulativeMonth:
    """One month of a project's plan and actuals, with the totals since 1 January.

    Attributes:
        month: the month.
        plan: planned investment in the month (万元); 0 when none is planned.
        done: investment reported completed in the month, or None when the
            month is unreported (which is not the same as a reported 0).
        plan_to_date: planned investment from January through ``month``.
        done_to_date: reported completed investment from January through
            ``month``; unreported months add nothing.
        unreported: the months from January through ``month`` with no report.
    """

    month: Month
    plan: Decimal
    done: Decimal | None
    plan_to_date: Decimal
    done_to_date: Decimal
    unreported: tuple[Month, ...]

    @property
    def reported(self) -> bool:
        """True if the month itself has a report."""
        return self.done is not None

    @property
    def complete(self) -> bool:
        """True if every month from January through this one has a report."""
        return not self.unreported


def cumulative_series(project: Project, through: Month) -> tuple[CumulativeMonth, ...]:
    """Month-by-month plan and actuals of ``project`` from January to ``through``.

    Each element carries the month's own figures, the totals since 1 January
    and the months without a report so far, so that a rule judging any month
    of the year reads one element.

    >>> from projpush.model import Project
    >>> p = Project(
    ...     name="港区扩建", level="city", category="infrastructure",
    ...     stage="under_construction", region="北仑区", unit="市港航局", local_id="NB-1",
    ...     monthly_plan={"2020-01": "100", "2020-02": "100", "2020-03": "100"},
    ...     monthly_done={"2020-01": "90", "2020-03": "150"},
    ... )
    >>> for c in cumulative_series(p, Month(2020, 3)):
    ...     print(c.month, c.plan, c.done, c.plan_to_date, c.done_to_date)
    2020-01 100 90 100 90
    2020-02 100 None 200 90
    2020-03 100 150 300 240
    >>> [str(m) for m in cumulative_series(p, Month(2020, 3))[-1].unreported]
    ['2020-02']

    Raises:
        ValidationError: ``project`` is not a Project or ``through`` not a Month.
    """
    if not isinstance(project, Project):
        raise ValidationError.about("project", "a Project", project)
    if type(through) is not Month:
        raise ValidationError.about("through", "a Month", through)
    plans, dones = project.monthly_plan, project.monthly_done
    zero = Decimal(0)
    plan_total, done_total = zero, zero
    unreported: tuple[Month, ...] = ()
    series: list[CumulativeMonth] = []
    for month in Month.year_months(through.year)[: through.month]:
        plan = plans.get(month, zero)
        done = dones.get(month)
        plan_total += plan
        if done is None:
            unreported = (*unreported, month)
        else:
            done_total += done
        series.append(CumulativeMonth(month, plan, done, plan_total, done_total, unreported))
    return tuple(series)


def cumulative_to(project: Project, month: Month) -> CumulativeMonth:
    """The plan and actuals of ``project`` from January through ``month``.

    See :func:`cumulative_series`; this is its last element.

    Raises:
        ValidationError: as :func:`cumulative_series`.
    """
    return cumulative_series(project, month)[-1]


# --------------------------------------------------------------------------- calendars


@runtime_checkable
class WorkingCalendar(Protocol):
    """Anything that says whether a date is a working day, for the years it covers.

    ``is_working_day`` must raise :class:`~projpush.errors.CalendarCoverageError`
    for a date outside ``years`` rather than guess.
    """

    @property
    def years(self) -> range:
        """The years the calendar has data for."""
        ...

    def is_working_day(self, day: dt.date, /) -> bool:
        """True if ``day`` is a working day."""
        ...


def _calendar_name(calendar: object) -> str:
    """A calendar's ``name`` for messages, or its class name when it has none."""
    return str(getattr(calendar, "name", type(calendar).__name__))


def _coverage_error(
    calendar: object, day: dt.date, years: range, context: str = ""
) -> CalendarCoverageError:
    name = _calendar_name(calendar)
    covered = f"{years.start}–{years.stop - 1}" if len(years) else "no years"
    msg = (
        f"{context}no working-day data for {day.year}: {name} covers {covered}; "
        "name a fallback calendar explicitly (FallbackCalendar) to go beyond"
    )
    return CalendarCoverageError(msg, field="date", expected=f"a date in {covered}", got=day)


class _Indexed:
    """Base of the built-in calendars that shift and count in constant time."""

    __slots__ = ()

    def _shift(self, start: dt.date, n: int) -> dt.date:  # pragma: no cover - abstract
        raise NotImplementedError

    def _count(self, start: dt.date, end: dt.date) -> int:  # pragma: no cover - abstract
        raise NotImplementedError


@attrs.frozen
class WeekdayCalendar(_Indexed):
    """Monday to Friday are working days, in every year; no holidays at all.

    Use it knowingly (tests, a deliberate fallback): it is not the Chinese
    official calendar.

    >>> add_working_days(dt.date(2020, 9, 29), 5, calendar=WeekdayCalendar())
    datetime.date(2020, 10, 6)
    """

    name: str = "Monday–Friday calendar"

    @property
    def years(self) -> range:
        """Every year a :class:`datetime.date` can hold."""
        return range(dt.MINYEAR, dt.MAXYEAR + 1)

    def is_working_day(self, day: dt.date, /) -> bool:
        """True from Monday to Friday."""
        return day.weekday() < _SATURDAY

    # Ordinal 1 (0001-01-01) is a Monday, so weekdays repeat every 7 ordinals.
    @staticmethod
    def _upto(ordinal: int) -> int:
        weeks, rest = divmod(ordinal, 7)
        return 5 * weeks + min(rest, 5)

    @staticmethod
    def _nth(index: int) -> int:
        weeks, rest = divmod(index, 5)
        return 7 * weeks + rest + 1

    def _shift(self, start: dt.date, n: int) -> dt.date:
        if n == 0:
            return start
        o = start.toordinal()
        before = self._upto(o) if n > 0 else self._upto(o - 1)
        index = before + n - 1 if n > 0 else before + n
        try:
            return dt.date.fromordinal(self._nth(index))
        except (ValueError, OverflowError):
            raise _overflow(self, start, n) from None

    def _count(self, start: dt.date, end: dt.date) -> int:
        s, e = start.toordinal(), end.toordinal()
        if e >= s:
            return self._upto(e) - self._upto(s)
        return -(self._upto(s - 1) - self._upto(e - 1))


def _overflow(calendar: object, start: dt.date, n: int) -> CalendarCoverageError:
    name = _calendar_name(calendar)
    msg = f"adding {n} working days to {start} leaves the years {name} can hold (1–9999)"
    return CalendarCoverageError(msg, field="n", expected="a result in years 1–9999", got=n)


def _to_dates(value: Iterable[dt.date], field: str) -> frozenset[dt.date]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValidationError.about(field, "a set of dates", value)
    days = list(value)
    for day in days:
        # A datetime never equals the date it falls on, so it would never match a day.
        if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
            raise ValidationError.about(field, "dates", day)
    return frozenset(days)


def _to_holidays(value: Iterable[dt.date]) -> frozenset[dt.date]:
    return _to_dates(value, "holidays")


def _to_workdays(value: Iterable[dt.date]) -> frozenset[dt.date]:
    return _to_dates(value, "workdays")


def _to_years(value: Iterable[int]) -> frozenset[int]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ValidationError.about("provisional_years", "a set of years", value)
    years = frozenset(value)
    odd = next((y for y in years if type(y) is not int), None)
    if odd is not None:
        raise ValidationError.about("provisional_years", "whole years", odd)
    return years


def _check_years(
    _instance: HolidayCalendar, _attribute: attrs.Attribute[range], value: range
) -> None:
    if not isinstance(value, range) or value.step != 1 or not value:
        raise ValidationError.about("years", "a non-empty range of years with step 1", value)
    if value.start < dt.MINYEAR or value.stop > dt.MAXYEAR + 1:
        raise ValidationError.about("years", "years from 1 to 9999", value)


@attrs.frozen
class HolidayCalendar(_Indexed):
    """Weekends off, plus explicit rest days and make-up workdays (调休), for some years.

    Type in the State Council's holiday notice for a year as two sets: the
    days off (``holidays``; weekend days inside a holiday span may be listed
    or not) and the weekend days worked (``workdays``, 调休上班). Dates outside
    ``years`` raise :class:`~projpush.errors.CalendarCoverageError`.

    An index of the working days is built once, so shifting and counting
    working days take a few list look-ups.

    Raises:
        ValidationError: ``years`` is not a non-empty range of years, a day
            is not a date or lies outside ``years``, a day is in both sets,
            or a make-up workday is not a Saturday or Sunday.

    >>> notice_2027 = HolidayCalendar(
    ...     years=range(2027, 2028),
    ...     holidays={dt.date(2027, 1, 1)},
    ...     workdays=set(),
    ...     name="2027 notice",
    ... )
    >>> notice_2027.is_working_day(dt.date(2027, 1, 1))
    False
    """

    years: range = attrs.field(validator=_check_years)
    holidays: frozenset[dt.date] = attrs.field(converter=_to_holidays)
    workdays: frozenset[dt.date] = attrs.field(converter=_to_workdays)
    name: str = "holiday calendar"
    provisional_years: frozenset[int] = attrs.field(
        default=frozenset(), converter=_to_years, kw_only=True
    )
    _lo: int = attrs.field(init=False, repr=False, eq=False, order=False)
    _flags: bytes = attrs.field(init=False, repr=False, eq=False, order=False)
    _upto: tuple[int, ...] = attrs.field(init=False, repr=False, eq=False, order=False)
    _days: tuple[dt.date, ...] = attrs.field(init=False, repr=False, eq=False, order=False)

    def __attrs_post_init__(self) -> None:
        self._check_sets()
        first = dt.date(self.years.start, 1, 1)
        last = dt.date(self.years.stop - 1, 12, 31)
        flags = bytearray()
        upto: list[int] = []
        days: list[dt.date] = []
        for ordinal in range(first.toordinal(), last.toordinal() + 1):
            day = dt.date.fromordinal(ordinal)
            working = day in self.workdays or (
                day.weekday() < _SATURDAY and day not in self.holidays
            )
            flags.append(working)
            if working:
                days.append(day)
            upto.append(len(days))
        # The index is derived from the fields, so setting it here keeps the value frozen.
        object.__setattr__(self, "_lo", first.toordinal())
        object.__setattr__(self, "_flags", bytes(flags))
        object.__setattr__(self, "_upto", tuple(upto))
        object.__setattr__(self, "_days", tuple(days))

    def _check_sets(self) -> None:
        outside_years = sorted(y for y in self.provisional_years if y not in self.years)
        if outside_years:
            span = f"{self.years.start}–{self.years.stop - 1}"
            raise ValidationError.about(
                "provisional_years", f"years the calendar covers ({span})", outside_years[0]
            )
        for field, dates in (("holidays", self.holidays), ("workdays", self.workdays)):
            outside = sorted(d for d in dates if d.year not in self.years)
            if outside:
                msg = (
                    f"{field}: {outside[0]} lies outside the calendar's years "
                    f"{self.years.start}–{self.years.stop - 1}"
                )
                raise ValidationError(
                    msg, field=field, expected="dates inside years", got=outside[0]
                )
        both = sorted(self.holidays & self.workdays)
        if both:
            msg = f"holidays and workdays: {both[0]} is listed as both a day off and a workday"
            raise ValidationError(
                msg, field="workdays", expected="no date in both sets", got=both[0]
            )
        weekdays = sorted(d for d in self.workdays if d.weekday() < _SATURDAY)
        if weekdays:
            day = weekdays[0]
            msg = (
                f"workdays: {day} is a {day:%A}, a working day already; "
                "make-up workdays (调休) fall on weekends"
            )
            raise ValidationError(msg, field="workdays", expected="a Saturday or Sunday", got=day)

    def with_year(
        self, year: int, *, holidays: Iterable[dt.date], workdays: Iterable[dt.date]
    ) -> HolidayCalendar:
        """One more year next to the covered ones, or a provisional year made official.

        This is how a newly published notice is added to the official data.
        A year the calendar holds as provisional
        (:meth:`with_provisional_year`) is replaced by the notice's days;
        an official year is never replaced.

        Raises:
            ValidationError: ``year`` is neither next to the covered years
                nor provisional here, or a day is not fit for the calendar
                (see :class:`HolidayCalendar`).

        >>> cal = china_calendar().with_year(
        ...     2027, holidays={dt.date(2027, 1, 1)}, workdays=set()
        ... )
        >>> cal.years, cal.is_working_day(dt.date(2027, 1, 4))
        (range(2004, 2028), True)
        """
        if year in self.provisional_years:
            return HolidayCalendar(
                years=self.years,
                holidays={d for d in self.holidays if d.year != year} | frozenset(holidays),
                workdays={d for d in self.workdays if d.year != year} | frozenset(workdays),
                name=self.name.replace(_provisional_name(year), f" + {year}"),
                provisional_years=self.provisional_years - {year},
            )
        self._check_next(year)
        return HolidayCalendar(
            years=range(min(year, self.years.start), max(year + 1, self.years.stop)),
            holidays=self.holidays | frozenset(holidays),
            workdays=self.workdays | frozenset(workdays),
            name=self.name if year in self.years else f"{self.name} + {year}",
            provisional_years=self.provisional_years,
        )

    def with_provisional_year(self, year: int) -> HolidayCalendar:
        """A calendar covering one more year provisionally, until its notice is published.

        The State Council publishes a year's holidays around November of the
        year before; a deadline that reaches into the next year before then
        still needs a calendar. The provisional year has weekends off and
        the statutory holidays that fall on fixed dates (全国年节及纪念日放假办法,
        as revised in 2024): 1 January, 1–2 May and 1–3 October. The lunar
        holidays (Spring Festival, Qingming, Dragon Boat, Mid-Autumn) and
        the make-up workdays (调休) are left out: only the notice fixes them.
        Every deadline and overdue count that reaches into the year is
        flagged provisional (:func:`is_provisional`,
        :attr:`projpush.escalation.Overdue.provisional`); when the notice
        arrives, :meth:`with_year` replaces the year and
        :func:`projpush.escalation.moved_deadlines` lists the deadlines it
        moves.

        Raises:
            ValidationError: ``year`` is not next to the covered years.

        >>> cal = china_calendar().with_provisional_year(2027)
        >>> cal.name.endswith(" + 2027 (provisional)"), sorted(cal.provisional_years)
        (True, [2027])
        >>> cal.is_working_day(dt.date(2027, 10, 1)), cal.is_working_day(dt.date(2027, 10, 8))
        (False, True)
        """
        self._check_next(year)
        return HolidayCalendar(
            years=range(min(year, self.years.start), max(year + 1, self.years.stop)),
            holidays=self.holidays | _fixed_holidays(year),
            workdays=self.workdays,
            name=self.name + _provisional_name(year),
            provisional_years=self.provisional_years | {year},
        )

    def _check_next(self, year: int) -> None:
        if type(year) is not int or year not in (self.years.start - 1, self.years.stop):
            expected = f"{self.years.start - 1} or {self.years.stop}"
            raise ValidationError.about(
                "year", f"a year next to the covered ones ({expected})", year
            )

    def is_working_day(self, day: dt.date, /) -> bool:
        """True if ``day`` is a working day; raises outside the covered years."""
        o = day.toordinal() - self._lo
        if 0 <= o < len(self._flags):
            return bool(self._flags[o])
        raise _coverage_error(self, day, self.years)

    def _shift(self, start: dt.date, n: int) -> dt.date:
        o = start.toordinal() - self._lo
        if not 0 <= o < len(self._upto):
            raise _coverage_error(self, start, self.years)
        if n > 0:
            index = self._upto[o] + n - 1
        elif n < 0:
            index = self._upto[o] - self._flags[o] + n
        else:
            return start
        if 0 <= index < len(self._days):
            return self._days[index]
        beyond = dt.date(self.years.stop, 1, 1) if n > 0 else dt.date(self.years.start - 1, 12, 31)
        context = f"adding {n} working days to {start}: "
        raise _coverage_error(self, beyond, self.years, context)

    def _count(self, start: dt.date, end: dt.date) -> int:
        s, e = start.toordinal() - self._lo, end.toordinal() - self._lo
        size = len(self._upto)
        for o, day in ((s, start), (e, end)):
            if not 0 <= o < size:
                raise _coverage_error(self, day, self.years)
        upto, flags = self._upto, self._flags
        if e >= s:
            return upto[e] - upto[s]
        return -((upto[s] - flags[s]) - (upto[e] - flags[e]))


@functools.cache
def china_calendar() -> HolidayCalendar:
    """The Chinese official working-day calendar, from the ``chinese-calendar`` data.

    Weekends and public holidays are days off; 调休 make-up workdays on
    weekends are working days. Needs the optional extra ``projpush[cn]``; the
    package is imported on the first call only, and the calendar is built
    once and reused.

    The last covered year's late December can still change: a next year's
    notice sometimes moves a make-up workday into it.

    Raises:
        ImportError: ``chinese-calendar`` is not installed.

    >>> cal = china_calendar()
    >>> [cal.is_working_day(dt.date(2026, 2, d)) for d in (14, 15, 28)]
    [True, False, True]
    """
    data = _chinacal.load_official()
    return HolidayCalendar(
        years=data.years,
        holidays=data.holidays,
        workdays=data.workdays,
        name=data.source,
    )


# The statutory holidays on fixed dates (全国年节及纪念日放假办法, revised 2024, in force
# from 2025): New Year's Day, Labour Day (two days) and National Day (three days).
_FIXED_HOLIDAYS: Final = ((1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3))


def _fixed_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(dt.date(year, month, day) for month, day in _FIXED_HOLIDAYS)


def _provisional_name(year: int) -> str:
    return f" + {year} (provisional)"


def _provisional_years(calendar: WorkingCalendar) -> frozenset[int]:
    """The years ``calendar`` holds provisionally (none for a calendar without such years).

    >>> _provisional_years(china_calendar().with_provisional_year(2027))
    frozenset({2027})
    >>> _provisional_years(WeekdayCalendar())
    frozenset()
    """
    years: object = getattr(calendar, "provisional_years", None)
    return years if isinstance(years, frozenset) else frozenset()


def is_provisional(
    start: dt.date, end: dt.date, *, calendar: WorkingCalendar | None = None
) -> bool:
    """Whether counting working days between ``start`` and ``end`` reads a provisional year.

    A deadline computed across such a year, or a count of working days
    overdue that spans one, may change when the year's notice arrives. The
    official calendar (``calendar`` None) holds no provisional year.

    Raises:
        ValidationError: ``start`` or ``end`` is not a date.

    >>> cal = china_calendar().with_provisional_year(2027)
    >>> is_provisional(dt.date(2026, 12, 20), dt.date(2027, 1, 15), calendar=cal)
    True
    >>> is_provisional(dt.date(2026, 11, 2), dt.date(2026, 12, 1), calendar=cal)
    False
    """
    plain_date_arg(start, "start")
    plain_date_arg(end, "end")
    years = _provisional_years(resolve_calendar(calendar))
    if not years:
        return False
    low, high = sorted((start.year, end.year))
    return any(low <= year <= high for year in years)


def resolve_calendar(calendar: WorkingCalendar | None) -> WorkingCalendar:
    """``calendar``, or the China official calendar when none is given.

    Every rule that counts working days takes its calendar through this, so
    the default and its message when the ``cn`` extra is missing are the same
    everywhere.

    Raises:
        ImportError: none was given and ``chinese-calendar`` is not installed;
            the message says to install ``projpush[cn]`` or pass a calendar
            (working days are never guessed from weekdays alone).
    """
    if calendar is not None:
        return calendar
    try:
        return china_calendar()
    except ImportError as error:
        msg = (
            f"{error}; or pass calendar= explicitly (working days are never guessed "
            "from weekdays alone)"
        )
        raise ImportError(msg, name="chinese_calendar") from None


def _check_fallback_years(
    instance: FallbackCalendar, _attribute: attrs.Attribute[Any], _value: Any
) -> None:
    for field in ("primary", "fallback"):
        given = getattr(instance, field)
        if not isinstance(getattr(given, "years", None), range) or not callable(
            getattr(given, "is_working_day", None)
        ):
            raise ValidationError.about(field, "a WorkingCalendar", given)
    primary, fallback = instance.primary.years, instance.fallback.years
    if primary.start < fallback.start or primary.stop > fallback.stop:
        inner = f"{primary.start}–{primary.stop - 1}"
        msg = (
            f"fallback: covers {fallback.start}–{fallback.stop - 1}, "
            f"which must include the primary calendar's years {inner}"
        )
        raise ValidationError(
            msg, field="fallback", expected=f"years including {inner}", got=fallback
        )


@attrs.frozen
class FallbackCalendar:
    """The ``primary`` calendar where it has data, an explicitly named ``fallback`` elsewhere.

    This is the only way projpush answers for a year without official data:
    the caller names the guess.

    >>> cal = FallbackCalendar(china_calendar(), WeekdayCalendar())
    >>> cal.is_working_day(dt.date(2030, 10, 1)), cal.uses_fallback(dt.date(2030, 10, 1))
    (True, True)
    """

    primary: WorkingCalendar
    fallback: WorkingCalendar = attrs.field(validator=_check_fallback_years)

    @property
    def name(self) -> str:
        """Both calendars' names."""
        return f"{_calendar_name(self.primary)}, else {_calendar_name(self.fallback)}"

    @property
    def years(self) -> range:
        """The fallback's years (they include the primary's)."""
        return self.fallback.years

    def uses_fallback(self, day: dt.date) -> bool:
        """True if ``day`` is answered by the fallback calendar."""
        return day.year not in self.primary.years

    def is_working_day(self, day: dt.date, /) -> bool:
        """Ask the primary calendar for its years, the fallback otherwise."""
        if day.year in self.primary.years:
            return self.primary.is_working_day(day)
        return self.fallback.is_working_day(day)


# --------------------------------------------------------------------------- working days


def _generic_shift(calendar: WorkingCalendar, start: dt.date, n: int) -> dt.date:
    years = calendar.years
    if start.year not in years:
        raise _coverage_error(calendar, start, years)
    step = _ONE_DAY if n > 0 else -_ONE_DAY
    day, left = start, abs(n)
    while left:
        try:
            day += step
        except OverflowError:
            raise _overflow(calendar, start, n) from None
        if day.year not in years:
            raise _coverage_error(calendar, day, years, f"adding {n} working days to {start}: ")
        if calendar.is_working_day(day):
            left -= 1
    return day


def _generic_count(calendar: WorkingCalendar, start: dt.date, end: dt.date) -> int:
    years = calendar.years
    for day in (start, end):
        if day.year not in years:
            raise _coverage_error(calendar, day, years)
    if end >= start:
        return sum(calendar.is_working_day(d) for d in _days(start + _ONE_DAY, end))
    return -sum(calendar.is_working_day(d) for d in _days(end, start - _ONE_DAY))


def _days(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    day = first
    while day <= last:
        yield day
        day += _ONE_DAY


def _legacy_order(name: str, given: tuple[Any, ...], arity: int) -> tuple[Any, ...]:
    """A call's positional arguments in the order before 0.2 (calendar first), with a warning.

    ``f(calendar, start, n)`` is ``f(start, n, calendar=calendar)`` now; the
    old order still works, and warns. ``arity`` counts the arguments besides
    the calendar; ``given`` is returned as it came, the calendar first.
    """
    if len(given) != arity + 1 or isinstance(given[0], dt.date):
        msg = (
            f"{name}: expected {arity} positional arguments and calendar= as a keyword, "
            f"got {len(given)} positional arguments"
        )
        raise ValidationError(msg, field="calendar", expected="calendar=", got=given[0])
    warnings.warn(
        f"{name}(calendar, ...) is deprecated: pass the calendar last, as calendar= "
        f"(as every other rule takes it)",
        DeprecationWarning,
        stacklevel=3,
    )
    return given


@overload
def add_working_days(
    start: dt.date, n: int, *, calendar: WorkingCalendar | None = None
) -> dt.date: ...
@overload
def add_working_days(calendar: WorkingCalendar, start: dt.date, n: int, /) -> dt.date: ...
def add_working_days(
    start: Any, n: Any, *old: Any, calendar: WorkingCalendar | None = None
) -> dt.date:
    """The ``n``-th working day after ``start``.

    The first working day **after** ``start`` is day 1, whether or not
    ``start`` itself is a working day (a problem assigned on a Tuesday with 5
    working days is due on the fifth working day from Wednesday on). ``n ==
    0`` returns ``start`` unchanged. A negative ``n`` counts backwards the
    same way: the last working day **before** ``start`` is day −1.

    ``calendar`` is a keyword, last, as in every rule; without it, the China
    official calendar (``projpush[cn]``). The order before 0.2,
    ``add_working_days(start, n, calendar=calendar)``, still works and warns
    (``DeprecationWarning``).

    Raises:
        CalendarCoverageError: ``start`` or the answer lies in a year the
            calendar has no data for.
        ValidationError: ``start`` is not a date or ``n`` not a whole number.

    >>> add_working_days(dt.date(2020, 9, 29), 5, calendar=china_calendar())
    datetime.date(2020, 10, 13)
    >>> add_working_days(dt.date(2020, 10, 9), -1, calendar=china_calendar())
    datetime.date(2020, 9, 30)
    """
    if old:
        calendar, start, n = _legacy_order("add_working_days", (start, n, *old), 2)
    cal = resolve_calendar(calendar)
    date_arg(start, "start")
    whole_arg(n, "n", "working days")
    return _shift(cal, start, n)


def _shift(calendar: WorkingCalendar, start: dt.date, n: int) -> dt.date:
    if isinstance(calendar, _Indexed):
        return calendar._shift(start, n)  # noqa: SLF001
    if isinstance(calendar, FallbackCalendar):
        try:
            return _shift(calendar.primary, start, n)
        except CalendarCoverageError:
            pass
    return _generic_shift(calendar, start, n)


@overload
def working_days_between(
    start: dt.date, end: dt.date, *, calendar: WorkingCalendar | None = None
) -> int: ...
@overload
def working_days_between(calendar: WorkingCalendar, start: dt.date, end: dt.date, /) -> int: ...
def working_days_between(
    start: Any, end: Any, *old: Any, calendar: WorkingCalendar | None = None
) -> int:
    """The number of working days ``d`` with ``start < d <= end``.

    This is the inverse of :func:`add_working_days`:
    ``working_days_between(s, add_working_days(s, n, calendar=c), calendar=c) == n``, for a
    negative ``n`` too. When ``end`` is before ``start`` the result is minus
    the number of working days ``d`` with ``end <= d < start``.

    Raises:
        CalendarCoverageError: ``start`` or ``end`` lies in a year the
            calendar has no data for.
        ValidationError: ``start`` or ``end`` is not a date.

    >>> working_days_between(dt.date(2020, 9, 29), dt.date(2020, 10, 13), calendar=china_calendar())
    5
    """
    if old:
        calendar, start, end = _legacy_order("working_days_between", (start, end, *old), 2)
    cal = resolve_calendar(calendar)
    date_arg(start, "start")
    date_arg(end, "end")
    return _count(cal, start, end)


def _count(calendar: WorkingCalendar, start: dt.date, end: dt.date) -> int:
    if isinstance(calendar, _Indexed):
        return calendar._count(start, end)  # noqa: SLF001
    if isinstance(calendar, FallbackCalendar):
        try:
            return _count(calendar.primary, start, end)
        except CalendarCoverageError:
            pass
    return _generic_count(calendar, start, end)


@overload
def next_working_day(day: dt.date, *, calendar: WorkingCalendar | None = None) -> dt.date: ...
@overload
def next_working_day(calendar: WorkingCalendar, day: dt.date, /) -> dt.date: ...
def next_working_day(day: Any, *old: Any, calendar: WorkingCalendar | None = None) -> dt.date:
    """``day`` itself if it is a working day, else the first working day after it.

    Raises:
        CalendarCoverageError: ``day`` or the answer lies in a year the
            calendar has no data for.
        ValidationError: ``day`` is not a date.

    >>> next_working_day(dt.date(2020, 10, 5), calendar=china_calendar())
    datetime.date(2020, 10, 9)
    """
    if old:
        calendar, day = _legacy_order("next_working_day", (day, *old), 1)
    cal = resolve_calendar(calendar)
    checked = date_arg(day, "day")
    if cal.is_working_day(checked):
        return checked
    return _shift(cal, checked, 1)


# --------------------------------------------------------------------------- milestone timing


class MilestoneState(ValueEnum):
    """Where a milestone (节点任务) stands on a given date."""

    PENDING = "pending"
    """Open, planned date still ahead."""
    DUE = "due"
    """Open, planned for today: due, not yet late."""
    OVERDUE = "overdue"
    """Open, planned date passed."""
    ON_TIME = "on_time"
    """Done on or before the planned date."""
    LATE = "late"
    """Done, after the planned date."""


@attrs.frozen
class MilestoneTiming:
    """The timing of one milestone on ``as_of``.

    Attributes:
        milestone: the milestone judged.
        as_of: the date of the judgement.
        state: see :class:`MilestoneState`; a completion dated after
            ``as_of`` is not known yet, so the milestone counts as open.
        days_late: calendar days done late (``LATE``) or overdue so far
            (``OVERDUE``); 0 otherwise.
        working_days_late: the same in working days, or None when no
            calendar was given.
        expected_share: share of the window start → planned elapsed at the
            end of ``as_of`` (0 to 1), or None without a start date.
        percent: percent complete on ``as_of``: 100 when done, else as
            reported (None when not reported).
    """

    milestone: Milestone
    as_of: dt.date
    state: MilestoneState
    days_late: int
    working_days_late: int | None
    expected_share: Fraction | None
    percent: Decimal | None

    @property
    def is_due(self) -> bool:
        """True once the planned date is reached (planned on or before ``as_of``)."""
        return self.milestone.planned <= self.as_of

    @property
    def is_done(self) -> bool:
        """True if completed on or before ``as_of``."""
        return self.state in (MilestoneState.ON_TIME, MilestoneState.LATE)

    @property
    def behind_points(self) -> Fraction | None:
        """Expected percent minus reported percent (positive: behind), or None.

        Used for "slow progress" (进度滞后) judgements against a tolerance.
        """
        if self.expected_share is None or self.percent is None:
            return None
        return self.expected_share * 100 - Fraction(self.percent)


def _expected_share(start: dt.date | None, planned: dt.date, as_of: dt.date) -> Fraction | None:
    if start is None:
        return None
    if as_of >= planned:
        return Fraction(1)
    if as_of < start:
        return Fraction(0)
    # The end of as_of counts, so the start day itself is one day elapsed.
    return Fraction((as_of - start).days + 1, (planned - start).days + 1)


@overload
def milestone_timing(
    milestone: Milestone, as_of: dt.date, *, calendar: WorkingCalendar | None = None
) -> MilestoneTiming: ...
@overload
def milestone_timing(
    milestone: Milestone, as_of: dt.date, calendar: WorkingCalendar | None, /
) -> MilestoneTiming: ...
def milestone_timing(
    milestone: Milestone,
    as_of: dt.date,
    *old: WorkingCalendar | None,
    calendar: WorkingCalendar | None = None,
) -> MilestoneTiming:
    """Judge a milestone's timing on ``as_of``.

    Args:
        milestone: the node task.
        as_of: the date of the judgement; a completion after it is ignored.
        *old: deprecated: the calendar passed third, positionally, as before
            0.2; it still works and warns (``DeprecationWarning``).
        calendar: when given, lateness is also counted in working days.

    Raises:
        CalendarCoverageError: with a calendar, the planned date or the
            completion (or ``as_of``) lies in a year it has no data for.
        ValidationError: ``milestone`` is not a Milestone or ``as_of`` not a date.

    >>> from projpush.model import Milestone
    >>> m = Milestone("土地清表", planned=dt.date(2020, 9, 30), start=dt.date(2020, 9, 1))
    >>> t = milestone_timing(m, dt.date(2020, 10, 13), calendar=china_calendar())
    >>> t.state.value, t.days_late, t.working_days_late
    ('overdue', 13, 4)
    """
    if old:
        calendar = positional_calendar("milestone_timing", old, calendar)
    if not isinstance(milestone, Milestone):
        raise ValidationError.about("milestone", "a Milestone", milestone)
    planned = milestone.planned
    done = milestone.done if milestone.is_done(as_of) else None
    if done is not None:
        state = MilestoneState.LATE if done > planned else MilestoneState.ON_TIME
        until = done
        percent: Decimal | None = Decimal(100)
    else:
        if as_of < planned:
            state = MilestoneState.PENDING
        elif as_of == planned:
            state = MilestoneState.DUE
        else:
            state = MilestoneState.OVERDUE
        until = as_of
        percent = milestone.percent
    late = state in (MilestoneState.LATE, MilestoneState.OVERDUE)
    days_late = (until - planned).days if late else 0
    working_days_late: int | None = None
    if calendar is not None:
        working_days_late = working_days_between(planned, until, calendar=calendar) if late else 0
    return MilestoneTiming(
        milestone=milestone,
        as_of=as_of,
        state=state,
        days_late=days_late,
        working_days_late=working_days_late,
        expected_share=_expected_share(milestone.start, planned, as_of),
        percent=percent,
    )


# --------------------------------------------------------------------------- supervision rhythm


class RhythmKind(ValueEnum):
    """A recurring step of the supervision cycle ("五个一" and the monthly report)."""

    MONTHLY_CONFIRMATION = "monthly_confirmation"
    """月度确认: starts and investment confirmed each month (Dalian: 月调度)."""
    MONTHLY_REPORT_DUE = "monthly_report_due"
    """The month's report is due (by a configurable day of the next month)."""
    BIMONTHLY_HEARING = "bimonthly_hearing"
    """双月听证/汇报: a hearing every two months."""
    QUARTERLY_REVIEW = "quarterly_review"
    """季度点评 (Dalian: 季结算): the quarterly review."""
    HALF_YEAR_INSPECTION = "half_year_inspection"
    """半年观摩: the half-year site inspection."""
    YEAR_END_REPORT = "year_end_report"
    """年终总结 (Dalian: 年终算总账): the year-end report."""
    DAILY_FLASH = "daily_flash"
    """战时日报: the daily flash report during an emergency."""
    WEEKLY_NOTICE = "weekly_notice"
    """战时周通报: the weekly notice during an emergency."""


_KIND_ORDER: Final = {kind: i for i, kind in enumerate(RhythmKind)}


@attrs.frozen
class RhythmEvent:
    """One dated event of the supervision cycle and the period it covers."""

    on: dt.date
    kind: RhythmKind
    period_start: dt.date
    period_end: dt.date
    label: str


def _to_kinds(value: Iterable[RhythmKind]) -> frozenset[RhythmKind]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise PolicyError.about("kinds", "a set of RhythmKind members", value)
    return frozenset(value)


def _check_report_day(
    _instance: RhythmPolicy, _attribute: attrs.Attribute[int], value: int
) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 28:
        raise PolicyError.about("report_day", "a day of the month from 1 to 28", value)


def _check_kinds(
    _instance: RhythmPolicy, _attribute: attrs.Attribute[Any], value: frozenset[RhythmKind]
) -> None:
    emergency = {RhythmKind.DAILY_FLASH, RhythmKind.WEEKLY_NOTICE}
    if not value or not all(isinstance(k, RhythmKind) for k in value) or value & emergency:
        raise PolicyError.about(
            "kinds",
            "a non-empty set of routine RhythmKind members (emergencies come from Emergency)",
            value,
        )


@attrs.frozen
class RhythmPolicy:
    """Which routine events a city's supervision cycle has, and when the monthly report is due.

    ``report_day`` is the day of the following month by which a month's
    report is due; a calendar given to :func:`supervision_rhythm` moves it to
    the next working day.
    """

    kinds: frozenset[RhythmKind] = attrs.field(converter=_to_kinds, validator=_check_kinds)
    report_day: int = attrs.field(default=5, validator=_check_report_day)

    @classmethod
    def binzhou(cls, report_day: int = 5) -> RhythmPolicy:
        """Binzhou's "五个一".

        Monthly confirmation, bimonthly hearing, quarterly review, half-year
        inspection and year-end report, plus the monthly report due date.
        """
        return cls(
            kinds={
                RhythmKind.MONTHLY_CONFIRMATION,
                RhythmKind.MONTHLY_REPORT_DUE,
                RhythmKind.BIMONTHLY_HEARING,
                RhythmKind.QUARTERLY_REVIEW,
                RhythmKind.HALF_YEAR_INSPECTION,
                RhythmKind.YEAR_END_REPORT,
            },
            report_day=report_day,
        )

    @classmethod
    def dalian(cls, report_day: int = 5) -> RhythmPolicy:
        """Dalian: "monthly reconciliation, quarterly settlement, year-end totals"."""
        return cls(
            kinds={
                RhythmKind.MONTHLY_CONFIRMATION,
                RhythmKind.MONTHLY_REPORT_DUE,
                RhythmKind.QUARTERLY_REVIEW,
                RhythmKind.YEAR_END_REPORT,
            },
            report_day=report_day,
        )


def _check_weekday(_instance: Emergency, _attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 6:
        raise PolicyError.about("notice_weekday", "a weekday from 0 (Monday) to 6 (Sunday)", value)


@attrs.frozen
class Emergency:
    """An emergency window (战时): a daily flash report and a weekly notice, first to last day."""

    first: dt.date
    last: dt.date
    notice_weekday: int = attrs.field(default=0, validator=_check_weekday)

    def __attrs_post_init__(self) -> None:
        plain_date_arg(self.first, "first")
        plain_date_arg(self.last, "last")
        if self.last < self.first:
            msg = f"emergency: last day {self.last} is before first day {self.first}"
            raise ValidationError(msg, field="last", expected=f">= {self.first}", got=self.last)


def _month_ends(year: int, every: int) -> list[dt.date]:
    """The last day of every ``every``-th month of ``year``, month ``every`` first.

    The recurrence of the period-end events: every month (1), every two
    months (2: February, April, ...), every quarter (3), every half year (6).
    """
    rule = rrule.rrule(
        rrule.MONTHLY,
        interval=every,
        bymonthday=-1,
        dtstart=dt.date(year, every, 1),
        until=dt.date(year, 12, 31),
    )
    return [moment.date() for moment in rule]


def _confirmations(
    year: int, _policy: RhythmPolicy, _calendar: WorkingCalendar | None
) -> Iterator[RhythmEvent]:
    for end in _month_ends(year, 1):
        month = Month.of(end)
        yield RhythmEvent(end, RhythmKind.MONTHLY_CONFIRMATION, month.first_day, end, str(month))


def _reports_due(
    year: int, policy: RhythmPolicy, calendar: WorkingCalendar | None
) -> Iterator[RhythmEvent]:
    # report_day of each following month: February's for January, ..., next January's.
    due_dates = rrule.rrule(rrule.MONTHLY, dtstart=dt.date(year, 2, policy.report_day), count=12)
    for moment in due_dates:
        due = moment.date()
        month = Month.of(due) - 1
        on = due if calendar is None else next_working_day(due, calendar=calendar)
        yield RhythmEvent(
            on, RhythmKind.MONTHLY_REPORT_DUE, month.first_day, month.last_day, str(month)
        )


def _hearings(
    year: int, _policy: RhythmPolicy, _calendar: WorkingCalendar | None
) -> Iterator[RhythmEvent]:
    for end in _month_ends(year, 2):
        first = Month.of(end) - 1
        label = f"{first}/{end:%m}"
        yield RhythmEvent(end, RhythmKind.BIMONTHLY_HEARING, first.first_day, end, label)


def _reviews(
    year: int, _policy: RhythmPolicy, _calendar: WorkingCalendar | None
) -> Iterator[RhythmEvent]:
    for end in _month_ends(year, 3):
        quarter = Quarter.of(end)
        yield RhythmEvent(end, RhythmKind.QUARTERLY_REVIEW, quarter.first_day, end, str(quarter))


def _inspections(
    year: int, _policy: RhythmPolicy, _calendar: WorkingCalendar | None
) -> Iterator[RhythmEvent]:
    for half, end in enumerate(_month_ends(year, 6), start=1):
        first = add_months(end, -5).replace(day=1)
        yield RhythmEvent(end, RhythmKind.HALF_YEAR_INSPECTION, first, end, f"{year}H{half}")


def _year_end(
    year: int, _policy: RhythmPolicy, _calendar: WorkingCalendar | None
) -> Iterator[RhythmEvent]:
    whole = Year(year)
    yield RhythmEvent(
        whole.last_day, RhythmKind.YEAR_END_REPORT, whole.first_day, whole.last_day, str(whole)
    )


_ROUTINE: Final = {
    RhythmKind.MONTHLY_CONFIRMATION: _confirmations,
    RhythmKind.MONTHLY_REPORT_DUE: _reports_due,
    RhythmKind.BIMONTHLY_HEARING: _hearings,
    RhythmKind.QUARTERLY_REVIEW: _reviews,
    RhythmKind.HALF_YEAR_INSPECTION: _inspections,
    RhythmKind.YEAR_END_REPORT: _year_end,
}


def _emergency_events(year: int, emergency: Emergency) -> Iterator[RhythmEvent]:
    first = max(emergency.first, dt.date(year, 1, 1))
    last = min(emergency.last, dt.date(year, 12, 31))
    if first > last:
        return
    for moment in rrule.rrule(rrule.DAILY, dtstart=first, until=last):
        day = moment.date()
        yield RhythmEvent(day, RhythmKind.DAILY_FLASH, day, day, day.isoformat())
    weekly = rrule.rrule(
        rrule.WEEKLY, dtstart=first, until=last, byweekday=emergency.notice_weekday
    )
    for moment in weekly:
        day = moment.date()
        covers = max(day - dt.timedelta(days=6), emergency.first)
        yield RhythmEvent(day, RhythmKind.WEEKLY_NOTICE, covers, day, f"week to {day.isoformat()}")


def supervision_rhythm(
    year: int,
    policy: RhythmPolicy | None = None,
    *,
    calendar: WorkingCalendar | None = None,
    emergency: Emergency | None = None,
) -> tuple[RhythmEvent, ...]:
    """The dated events of a year's supervision cycle, sorted by date.

    Events are those covering the year's periods: the monthly confirmation,
    hearings, reviews and inspection on the last day of their period, the
    year-end report on 31 December, and each month's report due on
    ``policy.report_day`` of the following month (so December's falls in the
    next January), moved to the next working day when a ``calendar`` is
    given. Emergency events are generated for the part of the window inside
    the year.

    Args:
        year: the year.
        policy: the routine events and report day; Binzhou's by default.
        calendar: shifts report due dates off weekends and holidays.
        emergency: adds a daily flash report and a weekly notice.

    Raises:
        CalendarCoverageError: a report due date falls outside the calendar
            (December's report is due in the next January).
        ValidationError: ``year`` is not a whole number from 1900 to 2200, or
            ``emergency`` is not an :class:`Emergency`.
        PolicyError: ``policy`` is not a :class:`RhythmPolicy`.

    >>> events = supervision_rhythm(2020, calendar=china_calendar())
    >>> [(e.on.isoformat(), e.label) for e in events if e.kind is RhythmKind.MONTHLY_REPORT_DUE][:2]
    [('2020-02-05', '2020-01'), ('2020-03-05', '2020-02')]
    >>> sum(e.kind is RhythmKind.BIMONTHLY_HEARING for e in events)
    6
    """
    Month(year, 1)  # the model's own year rule, so that Month.of works on every event
    if policy is not None and not isinstance(policy, RhythmPolicy):
        raise PolicyError.about("policy", "a RhythmPolicy", policy)
    if emergency is not None and not isinstance(emergency, Emergency):
        raise ValidationError.about("emergency", "an Emergency", emergency)
    chosen = RhythmPolicy.binzhou() if policy is None else policy
    events = [
        event
        for kind, generate in _ROUTINE.items()
        if kind in chosen.kinds
        for event in generate(year, chosen, calendar)
    ]
    if emergency is not None:
        events.extend(_emergency_events(year, emergency))
    events.sort(key=lambda e: (e.on, _KIND_ORDER[e.kind]))
    return tuple(events)
