"""Working days over whole columns: the engine's :mod:`projpush.schedule`.

A calendar's working days over a span of years become three arrays (a flag
per day, the running count of working days, and the working days in order),
so that shifting or counting working days for a million dates is two array
look-ups each, with the very rule of
:func:`projpush.schedule.add_working_days` and
:func:`projpush.schedule.working_days_between`: the first working day after
a date is day 1, and day −1 the last one before it.

A calendar can also come as a table, one row per day, which is how a
platform keeps the State Council's notices (调休 included) in its database:
:func:`calendar_table` writes one, :func:`calendar_from_table` reads one
back as a :class:`~projpush.schedule.HolidayCalendar` for the object rules
and the engine alike.

>>> import datetime as dt
>>> from projpush.schedule import china_calendar
>>> table = calendar_table(china_calendar(), range(2020, 2021))
>>> table.num_rows, sum(table["working"].to_pylist())
(366, 249)
>>> cal = calendar_from_table(table)
>>> cal.is_working_day(dt.date(2020, 10, 10)), cal.is_working_day(dt.date(2020, 10, 8))
(True, False)
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Final

import attrs

from projpush._extras import require
from projpush.errors import ValidationError
from projpush.schedule import HolidayCalendar, WorkingCalendar

if TYPE_CHECKING:
    from collections.abc import Iterable

np: Any = require("numpy", extra="engine", user="projpush.engine")
pa: Any = require("pyarrow", extra="engine", user="projpush.engine")

__all__ = ["WorkDays", "calendar_from_table", "calendar_table"]

EPOCH: Final = dt.date(1970, 1, 1).toordinal()
"""The ordinal of day 0 of Arrow's ``date32``."""
_SATURDAY: Final = 5


def epoch_day(day: dt.date) -> int:
    """``day`` as a ``date32`` number: days since 1970-01-01."""
    return day.toordinal() - EPOCH


def from_epoch(day: int) -> dt.date:
    """The date of a ``date32`` number."""
    return dt.date.fromordinal(int(day) + EPOCH)


@attrs.frozen(eq=False)
class WorkDays:
    """A calendar's working days over whole years, as arrays over ``date32`` numbers.

    ``clipped_low`` and ``clipped_high`` say whether the span stops short of
    the calendar's own years at that end: a date beyond a clipped end needs a
    wider span, a date beyond an unclipped one is outside the calendar.
    """

    calendar: WorkingCalendar
    years: range
    first: int
    flags: Any
    upto: Any
    days: Any
    clipped_low: bool
    clipped_high: bool

    @classmethod
    def of(cls, calendar: WorkingCalendar, low: int, high: int) -> WorkDays:
        """The working days of ``calendar`` from 1 January ``low`` to 31 December ``high``.

        The span is cut to the calendar's years.
        """
        covered = calendar.years
        lo, hi = max(low, covered.start), min(high, covered.stop - 1)
        if lo > hi:  # nothing asked for is covered: an empty span, every date outside it
            lo, hi = covered.start, covered.start - 1
        first = dt.date(lo, 1, 1)
        count = dt.date(hi, 12, 31).toordinal() - first.toordinal() + 1 if lo <= hi else 0
        flags = np.fromiter(
            (calendar.is_working_day(first + dt.timedelta(days=i)) for i in range(count)),
            dtype=np.int64,
            count=count,
        )
        start = epoch_day(first)
        return cls(
            calendar,
            range(lo, hi + 1),
            start,
            flags,
            np.cumsum(flags),
            np.flatnonzero(flags) + start,
            lo > covered.start,
            hi < covered.stop - 1,
        )

    def shift(self, start: Any, n: Any) -> tuple[Any, Any]:
        """The ``n``-th working day after each ``start`` (``n`` never 0), and where it fails.

        Returns the days as ``date32`` numbers and a mask of the rows whose
        start or answer lies outside the span (their day is meaningless).
        """
        start = np.asarray(start, dtype=np.int64)
        n = np.broadcast_to(np.asarray(n, dtype=np.int64), start.shape)
        o = start - self.first
        inside = (o >= 0) & (o < len(self.flags))
        oc = np.where(inside, o, 0)
        before = self.upto[oc] if len(self.flags) else np.zeros_like(oc)
        flag = self.flags[oc] if len(self.flags) else np.zeros_like(oc)
        index = np.where(n > 0, before + n - 1, before - flag + n)
        inside &= (index >= 0) & (index < len(self.days))
        day = self.days[np.where(inside, index, 0)] if len(self.days) else np.zeros_like(oc)
        return day, ~inside

    def count(self, start: Any, end: Any) -> tuple[Any, Any]:
        """The working days ``d`` with ``start < d <= end`` per row, and where it fails."""
        s = np.asarray(start, dtype=np.int64) - self.first
        e = np.asarray(end, dtype=np.int64) - self.first
        size = len(self.flags)
        inside = (s >= 0) & (s < size) & (e >= 0) & (e < size)
        if not size:
            return np.zeros_like(s), ~inside
        sc, ec = np.where(inside, s, 0), np.where(inside, e, 0)
        up, fl = self.upto, self.flags
        forward = up[ec] - up[sc]
        backward = -((up[sc] - fl[sc]) - (up[ec] - fl[ec]))
        return np.where(e >= s, forward, backward), ~inside


def calendar_table(calendar: WorkingCalendar, years: Iterable[int]) -> Any:
    """The days of ``years`` as an Arrow table: ``day`` (``date32``) and ``working`` (bool).

    Raises:
        CalendarCoverageError: a year lies outside the calendar.
    """
    days: list[dt.date] = []
    for year in years:
        first = dt.date(year, 1, 1)
        size = (dt.date(year + 1, 1, 1) - first).days if year < dt.MAXYEAR else 365
        days.extend(first + dt.timedelta(days=i) for i in range(size))
    working = [calendar.is_working_day(d) for d in days]
    return pa.table({"day": pa.array(days, pa.date32()), "working": pa.array(working, pa.bool_())})


def calendar_from_table(table: Any, name: str = "calendar table") -> HolidayCalendar:
    """The calendar a table of days holds: every day of whole years, each marked working or not.

    The table has the columns ``day`` (a date) and ``working`` (a bool), one
    row per day of each year it covers, in any order. Weekdays marked not
    working are holidays; weekend days marked working are make-up workdays
    (调休上班).

    Raises:
        ValidationError: a column is missing or null, a day is repeated,
            or the days are not every day of consecutive whole years.
    """
    days, working = _day_columns(table)
    seen: set[dt.date] = set()
    for day in days:
        if day in seen:
            raise ValidationError.about("calendar.day", "each day once", day)
        seen.add(day)
    first, last = dt.date(min(days).year, 1, 1), dt.date(max(days).year, 12, 31)
    every = (first + dt.timedelta(days=i) for i in range((last - first).days + 1))
    missing = next((d for d in every if d not in seen), None)
    if missing is not None:
        expected = f"every day of {first.year}–{last.year}"
        raise ValidationError.about("calendar.day", expected, f"no row for {missing}")
    pairs = list(zip(days, working, strict=True))
    holidays = {d for d, w in pairs if not w and d.weekday() < _SATURDAY}
    workdays = {d for d, w in pairs if w and d.weekday() >= _SATURDAY}
    return HolidayCalendar(range(first.year, last.year + 1), holidays, workdays, name)


def _day_columns(table: Any) -> tuple[list[dt.date], list[bool]]:
    """The ``day`` and ``working`` columns of a calendar table, checked, as Python lists."""
    if not isinstance(table, pa.Table):
        try:
            table = pa.table(table)
        except (TypeError, ValueError, pa.ArrowException):
            raise ValidationError.about("table", "an Arrow table of days", table) from None
    for column in ("day", "working"):
        if column not in table.column_names:
            raise ValidationError.about(
                f"calendar.{column}", "a column of the calendar table", None
            )
        if table[column].null_count:
            raise ValidationError.about(f"calendar.{column}", "no empty cells", None)
    try:
        days = table["day"].cast(pa.date32()).to_pylist()
        working = table["working"].cast(pa.bool_()).to_pylist()
    except pa.ArrowException as error:
        raise ValidationError.about("calendar", "dates and bools", str(error)) from None
    if not days:
        raise ValidationError.about("calendar.day", "the days of at least one year", 0)
    return days, working
