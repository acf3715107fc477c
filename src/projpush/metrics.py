"""The figures a monthly supervision report prints, exactly.

Every figure is computed on :class:`~decimal.Decimal` amounts (万元) and
:class:`~fractions.Fraction` shares and kept exact; rounding happens only
when a figure is presented (half-up, one decimal by default). A share whose
denominator is zero (a unit with no plan) is :data:`NOT_APPLICABLE`, never an
exception and never 0 %.

Binzhou, end of May 2020 (the Binzhou source article): 479.33 亿元 done against an
annual plan of 1,017.0 亿元.

>>> from projpush.model import yi
>>> done = Ratio(yi("479.33"), yi("1017.0"))
>>> schedule = time_schedule(dt.date(2020, 5, 31))
>>> done.percent(), schedule.percent(), (done - schedule).format()
('47.1 %', '41.7 %', '+5.5')
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import operator
from collections import Counter
from decimal import Decimal
from fractions import Fraction
from itertools import compress, islice, repeat
from typing import TYPE_CHECKING, Any, Final, Literal, TypeVar, cast

import attrs

from projpush._convert import (
    LabelledEnum,
    ValueEnum,
    instance_arg,
    instances_arg,
    label,
    plain_date_arg,
    to_enum,
)
from projpush._fmt import check_figure, exact, half_up, table, yi_text
from projpush._gc import no_cycle_collection
from projpush.errors import MoneyTypeError, PolicyError, UnknownReferenceError, ValidationError
from projpush.model import (
    Cadence,
    Difficulty,
    EventKind,
    Issue,
    IssueState,
    Milestone,
    Month,
    Portfolio,
    Project,
    Secretary,
    Stage,
    StageEventKind,
)
from projpush.schedule import (
    TimeBasis,
    WorkingCalendar,
    last_complete_month,
    resolve_calendar,
    time_progress,
    working_days_between,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence
    from types import MappingProxyType

    from projpush.escalation import EscalationPolicy, PolicyBook, Tier
    from projpush.records import (
        ApprovalFiguresDict,
        ContactFiguresDict,
        CoverageDict,
        EarnedValueDict,
        GroupRecord,
        InvestmentDict,
        IssueFiguresDict,
        LightFiguresDict,
        PointsDict,
        RankingRecord,
        RatioDict,
        SummaryDict,
    )

__all__ = [
    "NOT_APPLICABLE",
    "ApprovalFigures",
    "Better",
    "ContactFigures",
    "Coverage",
    "DeadlineBasis",
    "EarnedValue",
    "EvMethod",
    "GroupBy",
    "GroupFigures",
    "Investment",
    "IssueFigures",
    "LightFigures",
    "MonthlySummary",
    "NotApplicable",
    "Points",
    "RankedRow",
    "Ranking",
    "Ratio",
    "SecretaryContacts",
    "TierFigures",
    "approval_figures",
    "contact_figures",
    "coverage",
    "earned_value",
    "group_figures",
    "investment",
    "issue_figures",
    "light_figures",
    "monthly_summary",
    "new_and_continuing",
    "portfolio_earned_value",
    "rank",
    "rank_groups",
    "report_month",
    "resumption_rate",
    "start_rate",
    "tier_words",
    "time_schedule",
]

Lang = Literal["en", "zh"]
K = TypeVar("K")
_ZERO: Final = Decimal(0)


# --------------------------------------------------------------------------- exact values


class NotApplicable(ValueEnum):
    """The value of a share whose denominator is zero (不适用): shown as "n/a", never 0 %."""

    NOT_APPLICABLE = "n/a"

    def __bool__(self) -> bool:
        return False

    def __str__(self) -> str:
        return "n/a"


NOT_APPLICABLE: Final = NotApplicable.NOT_APPLICABLE
"""The single "not applicable" value."""

Exact = Decimal | Fraction


def _to_exact(value: Decimal | Fraction | int) -> Decimal | Fraction:
    if isinstance(value, (Decimal, Fraction)) and not isinstance(value, bool):
        if isinstance(value, Decimal):
            check_figure(value, "ratio")  # NaN, or an exponent no sum of amounts has
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, float):
        msg = f"ratio: expected an exact Decimal, Fraction or int, got the float {value!r}"
        raise MoneyTypeError(msg, field="ratio", expected="Decimal, Fraction or int", got=value)
    raise ValidationError.about("ratio", "a Decimal, Fraction or int", value)


def _na_text(lang: Lang) -> str:
    return _said("summary.not_applicable", lang)


def _rounded_text(value: Decimal | NotApplicable) -> str | None:
    """A rounded figure as JSON text (``"47.1"``), None when not applicable."""
    return None if isinstance(value, NotApplicable) else f"{value:f}"


@attrs.frozen
class Ratio:
    """An exact share ``numerator / denominator``: a rate (率), a share (占比) or a mean.

    The value stays exact (:attr:`value` is a Fraction) and is rounded only
    by :meth:`percent`, :meth:`rounded` or :meth:`number`, half-up. A zero
    denominator makes the value :data:`NOT_APPLICABLE`.

    >>> r = Ratio(196, 222)
    >>> r.percent(), r.percent(2), r.rounded(), Ratio(0, 0).percent()
    ('88.3 %', '88.29 %', Decimal('88.3'), 'n/a')
    >>> Ratio(Decimal("7"), 2).number()
    '3.5'
    """

    numerator: Decimal | Fraction = attrs.field(converter=_to_exact)
    denominator: Decimal | Fraction = attrs.field(converter=_to_exact)

    @classmethod
    def of(cls, value: Fraction) -> Ratio:
        """A ratio holding an exact fraction, such as a time-schedule progress."""
        if not isinstance(value, Fraction | int) or isinstance(value, bool):
            raise ValidationError.about("value", "an exact Fraction", value)
        return cls(Fraction(value.numerator), Fraction(value.denominator))

    @classmethod
    def pooled(cls, ratios: Iterable[Ratio]) -> Ratio:
        """Sum numerators and denominators: the rate of the whole, not a mean of rates.

        >>> Ratio.pooled([Ratio(1, 2), Ratio(3, 4)]).value
        Fraction(2, 3)
        """
        items = instances_arg(ratios, Ratio, "ratios")
        return cls(
            sum((exact(r.numerator) for r in items), Fraction(0)),
            sum((exact(r.denominator) for r in items), Fraction(0)),
        )

    @property
    def applicable(self) -> bool:
        """False when the denominator is zero."""
        return self.denominator != 0

    @property
    def value(self) -> Fraction | NotApplicable:
        """The exact share, or :data:`NOT_APPLICABLE`."""
        if self.denominator == 0:
            return NOT_APPLICABLE
        return exact(self.numerator) / exact(self.denominator)

    def rounded(self, places: int = 1) -> Decimal | NotApplicable:
        """The share in percent, rounded half-up to ``places`` decimals."""
        value = self.value
        if isinstance(value, NotApplicable):
            return value
        return half_up(value * 100, places)

    def percent(self, places: int = 1, *, sign: bool = False, lang: Lang = "en") -> str:
        """The share as report text, ``"47.1 %"``; "n/a" when not applicable."""
        value = self.rounded(places)
        if isinstance(value, NotApplicable):
            return _na_text(lang)
        return f"{value:+f} %" if sign else f"{value:f} %"

    def number(self, places: int = 1, *, lang: Lang = "en") -> str:
        """The plain value (a mean, say) rounded half-up: ``"3.5"``."""
        value = self._plain(places)
        if isinstance(value, NotApplicable):
            return _na_text(lang)
        return f"{value:f}"

    def __sub__(self, other: object) -> Points:
        """The gap between two shares in percentage points, from the exact values."""
        if isinstance(other, Fraction):
            other = Ratio.of(other)
        if not isinstance(other, Ratio):
            return NotImplemented
        a, b = self.value, other.value
        if isinstance(a, NotApplicable) or isinstance(b, NotApplicable):
            return Points(NOT_APPLICABLE)
        return Points((a - b) * 100)

    def to_dict(self, places: int = 1, *, mean: str | None = None) -> RatioDict:
        """JSON-ready: exact parts as strings, the value as a fraction, the rounded percent.

        A mean is no percentage: with ``mean`` (the unit, such as ``"days"``)
        the rounded plain value is given under that key instead of ``percent``.

        >>> Ratio(7, 2).to_dict(mean="days")
        {'numerator': '7', 'denominator': '2', 'value': '7/2', 'days': '3.5'}
        """
        value = self.value
        rounded = self.rounded(places) if mean is None else self._plain(places)
        result = {
            "numerator": str(self.numerator),
            "denominator": str(self.denominator),
            "value": None if isinstance(value, NotApplicable) else str(value),
            mean or "percent": _rounded_text(rounded),
        }
        return cast("RatioDict", result)

    def _plain(self, places: int) -> Decimal | NotApplicable:
        value = self.value
        return value if isinstance(value, NotApplicable) else half_up(value, places)


def _to_points(value: Decimal | Fraction | int | NotApplicable) -> Fraction | NotApplicable:
    if isinstance(value, NotApplicable):
        return value
    return exact(_to_exact(value))


@attrs.frozen
class Points:
    """A gap in percentage points (百分点), e.g. completion minus time-schedule progress.

    Positive is ahead of (above) the reference, negative behind. Build it by
    subtracting two :class:`Ratio` values, never from rounded figures.

    >>> gap = Points(Fraction(5465, 1000))
    >>> gap.format(), gap.describe(), gap.describe(lang="zh")
    ('+5.5', '5.5 points ahead', '超出时序进度5.5个百分点')
    >>> Points(Fraction(-1, 100)).describe()
    'on schedule'
    """

    value: Fraction | NotApplicable = attrs.field(converter=_to_points)

    def rounded(self, places: int = 1) -> Decimal | NotApplicable:
        """The gap rounded half-up to ``places`` decimals."""
        if isinstance(self.value, NotApplicable):
            return self.value
        return half_up(self.value, places)

    def format(self, places: int = 1, *, lang: Lang = "en") -> str:
        """Signed text, ``"+5.5"``, ``"-2.0"`` or ``"0.0"``; "n/a" when not applicable."""
        value = self.rounded(places)
        if isinstance(value, NotApplicable):
            return _na_text(lang)
        return f"{value:f}" if value == 0 else f"{value:+f}"

    def describe(self, places: int = 1, *, lang: Lang = "en") -> str:
        """Words for a report: ``"5.5 points ahead"``; a gap that rounds to zero is on schedule."""
        value = self.rounded(places)
        if isinstance(value, NotApplicable):
            return _na_text(lang)
        size = f"{abs(value):f}"
        if value == 0:
            return _said("summary.on_schedule", lang)
        return _said("summary.ahead" if value > 0 else "summary.behind", lang).format(points=size)

    def to_dict(self, places: int = 1) -> PointsDict:
        """JSON-ready: the exact gap as a fraction string and the rounded points."""
        value = self.value
        return {
            "value": None if isinstance(value, NotApplicable) else str(value),
            "points": _rounded_text(self.rounded(places)),
        }


# --------------------------------------------------------------------------- investment


def report_month(as_of: dt.date) -> Month | None:
    """The month whose figures a report at ``as_of`` shows, or None before the first.

    It is the last complete month of ``as_of``'s year (the month basis of
    :func:`~projpush.schedule.time_progress` counts the same months); in
    early January no month of the year is complete yet.

    Raises:
        ValidationError: ``as_of`` is not a date.

    >>> str(report_month(dt.date(2020, 5, 31))), str(report_month(dt.date(2020, 5, 17)))
    ('2020-05', '2020-04')
    >>> report_month(dt.date(2020, 1, 10)) is None
    True
    """
    plain_date_arg(as_of, "as_of")
    month = last_complete_month(as_of)
    return month if month.year == as_of.year else None


def time_schedule(as_of: dt.date, basis: TimeBasis = TimeBasis.MONTH) -> Ratio:
    """Time-schedule progress (时序进度) as a :class:`Ratio`.

    Raises:
        ValidationError: ``as_of`` is not a date, or ``basis`` not a :class:`TimeBasis`.

    >>> time_schedule(dt.date(2020, 9, 30)).percent()
    '75.0 %'
    """
    plain_date_arg(as_of, "as_of")
    return Ratio.of(time_progress(as_of, basis))


@attrs.frozen
class Investment:
    """Summed investment figures of a set of projects at a date (万元).

    Only projects with an annual plan for the year count (``projects``);
    the others are not on the year's investment list. Every rate is summed
    amounts over summed amounts.

    Attributes:
        projects: projects with an annual plan for the year.
        annual_plan: their annual planned investment (年度计划投资).
        done_to_date: completed since 1 January through the report month (完成投资).
        done_in_month: completed in the report month.
        done_last_year: completed in the same months of the previous year (同期).
    """

    projects: int = 0
    annual_plan: Decimal = _ZERO
    done_to_date: Decimal = _ZERO
    done_in_month: Decimal = _ZERO
    done_last_year: Decimal = _ZERO

    @property
    def completion(self) -> Ratio:
        """Annual plan completion (年度计划完成率): done to date / annual plan."""
        return Ratio(self.done_to_date, self.annual_plan)

    @property
    def monthly_progress(self) -> Ratio:
        """Monthly investment progress (月投资进度): the month's amount / annual plan."""
        return Ratio(self.done_in_month, self.annual_plan)

    @property
    def yoy_growth(self) -> Ratio:
        """Year-on-year growth (同比增长) of the amount done to date."""
        return Ratio(self.done_to_date - self.done_last_year, self.done_last_year)

    def __add__(self, other: object) -> Investment:
        if not isinstance(other, Investment):
            return NotImplemented
        return Investment(
            self.projects + other.projects,
            self.annual_plan + other.annual_plan,
            self.done_to_date + other.done_to_date,
            self.done_in_month + other.done_in_month,
            self.done_last_year + other.done_last_year,
        )

    def to_dict(self) -> InvestmentDict:
        """JSON-ready figures; amounts as exact strings in 万元."""
        return {
            "projects": self.projects,
            "annual_plan": str(self.annual_plan),
            "done_to_date": str(self.done_to_date),
            "done_in_month": str(self.done_in_month),
            "done_last_year": str(self.done_last_year),
            "completion": self.completion.to_dict(),
            "monthly_progress": self.monthly_progress.to_dict(),
            "yoy_growth": self.yoy_growth.to_dict(),
        }


# A project's figures at a date, as a flat tuple (a few hundred thousand are built per
# report, so no object per project): planned?, plan, to date, in month, last year,
# nodes due, nodes done, BAC, PV, EV (investment method); BAC, PV and EV are 0 for a
# project without an earned-value baseline.
_Row = tuple[bool, Decimal, Decimal, Decimal, Decimal, int, int, Decimal, Decimal, Decimal]
_DoneSums = tuple[Decimal, Decimal, Decimal, Decimal]
_NOTHING_DONE: Final[_DoneSums] = (_ZERO, _ZERO, _ZERO, _ZERO)


def _report_through(as_of: dt.date) -> int:
    """The number of the report month in ``as_of``'s year, 0 before the first."""
    month = report_month(as_of)
    return 0 if month is None else month.month


def _done_sums(done: MappingProxyType[Month, Decimal], year: int, through: int) -> _DoneSums:
    """Investment done: to date, in the report month, same months last year, and since the start.

    ``done`` is a month-ordered map (a FrozenMap's view); ``through``
    is the report month's number in ``year`` (0 before the first). Every
    sum adds its amounts in month order whichever path it takes, so the
    figures are the same to the last digit. This runs once per project.
    """
    n = len(done)
    if not n:
        return _NOTHING_DONE
    zero = _ZERO
    lo, hi = next(iter(done)), next(reversed(done))
    first = lo.year * 12 + lo.month - 1  # month index of the first amount
    if hi.year * 12 + hi.month - first != n:  # a month missing in between
        return _done_sums_by_month(done.items(), year, through)
    # Every month from the first to the last: the months wanted are slices by position.
    end = year * 12 + through - first  # amounts through the report month
    if end <= 0:
        return _NOTHING_DONE
    values = done.values()
    begin = year * 12 - first  # amounts before January
    last_year = in_month = zero
    if begin <= 0:
        to_date = earned = sum(values if end >= n else islice(values, end), zero)
        if through and end <= n:
            in_month = done[hi] if end == n else next(islice(values, end - 1, None))
    else:
        listed = list(values)
        to_date = sum(listed[begin:end], zero)
        earned = sum(listed[:end], zero)
        if through:
            if end <= n:
                in_month = listed[end - 1]
            if begin - 12 + through > 0:
                last_year = sum(listed[max(begin - 12, 0) : begin - 12 + through], zero)
    return to_date, in_month, last_year, earned


def _done_sums_by_month(
    items: Iterable[tuple[Month, Decimal]], year: int, through: int
) -> _DoneSums:
    """:func:`_done_sums` testing each month, in month order, whatever months are there."""
    to_date = in_month = last_year = earned = _ZERO
    previous = year - 1
    for month, amount in items:
        y, m = month.year, month.month
        if y < year or (y == year and m <= through):
            earned += amount
            if m <= through:
                if y == year:
                    to_date += amount
                    if m == through:
                        in_month = amount
                elif y == previous:
                    last_year += amount
    return to_date, in_month, last_year, earned


def _planned_value(plan: MappingProxyType[Month, Decimal], year: int, through: int) -> Decimal:
    """The monthly plans summed, in month order, through the report month (PV)."""
    n = len(plan)
    if not n:
        return _ZERO
    lo, hi = next(iter(plan)), next(reversed(plan))
    first = lo.year * 12 + lo.month - 1
    if hi.year * 12 + hi.month - first != n:  # a month missing in between: test each
        pv = _ZERO
        for month, amount in plan.items():
            if month.year < year or (month.year == year and month.month <= through):
                pv += amount
        return pv
    end = year * 12 + through - first
    return sum(islice(plan.values(), end), _ZERO) if end > 0 else _ZERO


def _row(project: Project, as_of: dt.date, year: int, through: int) -> _Row:
    """One project's figures at ``as_of``; ``through`` as for :func:`_done_sums`."""
    to_date, in_month, last_year, earned = _done_sums(project.monthly_done.view(), year, through)
    milestones = project.milestones
    due, done = _nodes(milestones, dt.date(year, 1, 1), as_of) if milestones else (0, 0)
    bac = project.total_investment
    plan_map = project.monthly_plan.view()
    if bac > 0 and plan_map:
        pv = _planned_value(plan_map, year, through)
    else:
        bac = pv = earned = _ZERO
    plan = project.annual_plans.get(year)
    if plan is None:
        return (False, _ZERO, _ZERO, _ZERO, _ZERO, due, done, bac, pv, earned)
    return (True, plan, to_date, in_month, last_year, due, done, bac, pv, earned)


def _nodes(milestones: Iterable[Milestone], first: dt.date, as_of: dt.date) -> tuple[int, int]:
    """Milestones planned from ``first`` (1 January) to ``as_of``, and those done by then."""
    due = done = 0
    for m in milestones:
        if first <= m.planned <= as_of:
            due += 1
            if m.done is not None and m.done <= as_of:
                done += 1
    return due, done


def _rows(projects: Iterable[Project], as_of: dt.date) -> list[_Row]:
    year, through = as_of.year, _report_through(as_of)
    return [_row(p, as_of, year, through) for p in projects]


def _rows_earned_value(rows: Sequence[_Row]) -> EarnedValue | None:
    with_baseline = [r for r in rows if r[7]]
    if not with_baseline:
        return None
    return EarnedValue(
        sum(map(operator.itemgetter(7), with_baseline), _ZERO),
        sum(map(operator.itemgetter(8), with_baseline), _ZERO),
        sum(map(operator.itemgetter(9), with_baseline), _ZERO),
    )


def _sum_rows(rows: Sequence[_Row]) -> Investment:
    planned = [r for r in rows if r[0]]
    return Investment(
        len(planned),
        sum(map(operator.itemgetter(1), planned), _ZERO),
        sum(map(operator.itemgetter(2), planned), _ZERO),
        sum(map(operator.itemgetter(3), planned), _ZERO),
        sum(map(operator.itemgetter(4), planned), _ZERO),
    )


def investment(projects: Iterable[Project], as_of: dt.date) -> Investment:
    """Sum the investment figures of ``projects`` at ``as_of`` (through the report month).

    Ningbo, end of September: 1,052 亿元 against a 1,402.67 亿元 plan is 75 %,
    on schedule.

    Raises:
        ValidationError: ``as_of`` is not a date.

    >>> from projpush.model import Project, yi
    >>> p = Project(local_id="NB", name="宁波重大项目", level="city", category="industry",
    ...     stage="under_construction", region="宁波市", unit="市发改委",
    ...     annual_plans={2016: yi("1402.6667")},
    ...     monthly_done={"2016-06": yi("700"), "2016-09": yi("352")})
    >>> inv = investment([p], dt.date(2016, 9, 30))
    >>> inv.completion.percent(), (inv.completion - time_schedule(dt.date(2016, 9, 30))).describe()
    ('75.0 %', 'on schedule')
    """
    projects = instances_arg(projects, Project, "projects")
    plain_date_arg(as_of, "as_of")
    return _sum_rows(_rows(projects, as_of))


def new_and_continuing(
    projects: Iterable[Project], as_of: dt.date
) -> tuple[Investment, Investment]:
    """Investment figures of new (新开工) and continuing (续建) projects, in that order.

    New means started in ``as_of``'s year (:meth:`~projpush.model.Project.is_new_in`).

    Raises:
        ValidationError: ``as_of`` is not a date.

    >>> new, cont = new_and_continuing([], dt.date(2020, 9, 30))
    >>> new.completion.percent(), cont.completion.percent()
    ('n/a', 'n/a')
    """
    projects = instances_arg(projects, Project, "projects")
    plain_date_arg(as_of, "as_of")
    items = list(projects)
    rows = _rows(items, as_of)
    is_new = [p.is_new_in(as_of.year) for p in items]
    return (
        _sum_rows([r for r, n in zip(rows, is_new, strict=True) if n]),
        _sum_rows([r for r, n in zip(rows, is_new, strict=True) if not n]),
    )


_STARTED: Final = frozenset({Stage.UNDER_CONSTRUCTION, Stage.SUSPENDED, Stage.COMPLETED})


def start_rate(projects: Iterable[Project], as_of: dt.date) -> Ratio:
    """Start rate (开工率): projects on the year's list that have started by ``as_of``.

    The list is the projects with an annual plan for ``as_of``'s year; a
    project has started if its stage on ``as_of`` is under construction,
    suspended or completed.

    Raises:
        ValidationError: ``as_of`` is not a date.

    >>> start_rate([], dt.date(2020, 3, 31)).percent()
    'n/a'
    """
    projects = instances_arg(projects, Project, "projects")
    plain_date_arg(as_of, "as_of")
    listed = [p for p in projects if p.annual_plans.get(as_of.year) is not None]
    started = sum(p.stage_at(as_of) in _STARTED for p in listed)
    return Ratio(started, len(listed))


def resumption_rate(
    projects: Iterable[Project], as_of: dt.date, *, since: dt.date | None = None
) -> Ratio:
    """Resumption rate (复工率): of the projects suspended (停工), the share back at work.

    Counts projects with a suspension on or after ``since`` (1 January of
    ``as_of``'s year by default) and on or before ``as_of``; a project is
    back if its stage on ``as_of`` is no longer suspended (Ningde: all 222
    resumed, 100 %).

    Raises:
        ValidationError: ``as_of`` or ``since`` is not a date.

    >>> resumption_rate([], dt.date(2020, 3, 31)).percent()
    'n/a'
    """
    projects = instances_arg(projects, Project, "projects")
    plain_date_arg(as_of, "as_of")
    if since is not None:
        plain_date_arg(since, "since")
    first = dt.date(as_of.year, 1, 1) if since is None else since
    halted = [
        p
        for p in projects
        if any(
            e.kind is StageEventKind.SUSPENDED and first <= e.on <= as_of for e in p.stage_events
        )
    ]
    back = sum(p.stage_at(as_of) is not Stage.SUSPENDED for p in halted)
    return Ratio(back, len(halted))


# --------------------------------------------------------------------------- lights


_LIGHT_ORDER: Final = ("green", "yellow", "red")


_NOT_JUDGED: Final = "not_judged"


def _light_name(item: object) -> str:
    return _light_value(getattr(item, "light", item), item)


def _light_value(light: object, item: object) -> str:
    if light is None:
        return _NOT_JUDGED
    value = getattr(light, "value", light)
    if not isinstance(value, str):
        raise ValidationError.about("verdicts", "verdicts with a .light or Light members", item)
    return value


_LIGHT: Final = operator.attrgetter("light")


@attrs.frozen
class LightFigures:
    """Light counts (红黄绿灯) and the share progressing smoothly (green).

    Attributes:
        counts: number of projects per light, green, yellow, red first.
        not_judged: verdicts without a light (outside the policy's scope).
    """

    counts: tuple[tuple[str, int], ...]
    not_judged: int = 0

    @property
    def total(self) -> int:
        """Projects judged (with a light)."""
        return sum(n for _, n in self.counts)

    def count(self, light: str) -> int:
        """Projects with ``light`` (a Light's value, e.g. ``"red"``)."""
        return dict(self.counts).get(light, 0)

    @property
    def share_green(self) -> Ratio:
        """Share progressing smoothly (进度顺利): green / judged (not-judged are left out)."""
        return Ratio(self.count("green"), self.total)

    def to_dict(self) -> LightFiguresDict:
        """JSON-ready counts and share."""
        return {
            "counts": dict(self.counts),
            "not_judged": self.not_judged,
            "share_green": self.share_green.to_dict(),
        }


def light_figures(verdicts: Iterable[object]) -> LightFigures:
    """Count verdicts by light; items are verdicts with a ``.light`` or Light members.

    Any enum whose values are ``"green"``/``"yellow"``/``"red"`` works, so
    this does not depend on :mod:`projpush.lights` being importable. A
    verdict whose light is None was not judged and is counted apart.
    Yinzhou: 55 of 66 green is "83 %" progressing smoothly.

    >>> figs = light_figures(["green"] * 55 + ["yellow"] * 8 + ["red"] * 3)
    >>> figs.counts, figs.share_green.percent(0)
    ((('green', 55), ('yellow', 8), ('red', 3)), '83 %')
    """
    items = list(instances_arg(verdicts, object, "verdicts"))
    # Count equal lights first (in C) and name each distinct one once; equal values keep
    # their first appearance, so the order of unusual names is the item order. Anything
    # odd (unhashable items, a bad one) goes item by item, which raises on the first bad.
    try:
        try:
            named = [(_light_value(x, x), n) for x, n in Counter(map(_LIGHT, items)).items()]
        except AttributeError:  # Light members or their values rather than verdicts
            named = [(_light_name(x), n) for x, n in Counter(items).items()]
    except (TypeError, ValidationError):
        named = [(_light_name(x), 1) for x in items]
    counts: dict[str, int] = dict.fromkeys(_LIGHT_ORDER, 0)
    for name, n in named:
        counts[name] = counts.get(name, 0) + n
    not_judged = counts.pop(_NOT_JUDGED, 0)
    return LightFigures(tuple(counts.items()), not_judged)


# --------------------------------------------------------------------------- people


@attrs.frozen
class Coverage:
    """Coverage of guarantor leaders (包保领导) and service secretaries (服务秘书)."""

    leader: Ratio
    secretary: Ratio

    def to_dict(self) -> CoverageDict:
        """JSON-ready."""
        return {"leader": self.leader.to_dict(), "secretary": self.secretary.to_dict()}


def coverage(portfolio: Portfolio) -> Coverage:
    """Share of projects with at least one guarantor leader, and with a secretary.

    >>> c = coverage(Portfolio())
    >>> c.leader.percent(), c.secretary.percent()
    ('n/a', 'n/a')
    """
    instance_arg(portfolio, Portfolio, "portfolio")
    n = len(portfolio.projects)
    return Coverage(
        Ratio(len(portfolio.with_leader()), n), Ratio(len(portfolio.with_secretary()), n)
    )


@attrs.frozen
class SecretaryContacts:
    """One secretary's contacts against their cadence at a date."""

    name: str
    served: int
    overdue: tuple[str, ...]

    @property
    def overdue_share(self) -> Ratio:
        """Served projects whose contact is overdue / served projects."""
        return Ratio(len(self.overdue), self.served)


@attrs.frozen
class ContactFigures:
    """Secretary contact figures: contacts overdue against their cadence, per secretary."""

    secretaries: tuple[SecretaryContacts, ...]

    @property
    def served(self) -> int:
        """(secretary, project) pairs served."""
        return sum(s.served for s in self.secretaries)

    @property
    def overdue(self) -> int:
        """Pairs whose last contact is older than the cadence allows, or missing."""
        return sum(len(s.overdue) for s in self.secretaries)

    @property
    def overdue_share(self) -> Ratio:
        """Overdue pairs / served pairs."""
        return Ratio(self.overdue, self.served)

    def to_dict(self) -> ContactFiguresDict:
        """JSON-ready, with the overdue projects per secretary."""
        return {
            "served": self.served,
            "overdue": self.overdue,
            "overdue_share": self.overdue_share.to_dict(),
            "per_secretary": [
                {"name": s.name, "served": s.served, "overdue": list(s.overdue)}
                for s in self.secretaries
            ],
        }


_CADENCE_DAYS: Final = {c.value: c.days for c in Cadence}


def contact_figures(secretaries: Iterable[Secretary], as_of: dt.date) -> ContactFigures:
    """Contacts overdue against each secretary's cadence at ``as_of``.

    A project is overdue when more calendar days than its cadence allows
    (daily 1, weekly 7, monthly 31) have passed since the last contact on or
    before ``as_of``, or when it has never been contacted.

    Raises:
        ValidationError: ``as_of`` is not a date.

    >>> from projpush.model import Contact
    >>> s = Secretary("李军", "市发改委", projects=("A", "B"),
    ...     contacts=(Contact("A", dt.date(2020, 5, 28)), Contact("B", dt.date(2020, 5, 20))))
    >>> figs = contact_figures([s], dt.date(2020, 5, 31))
    >>> figs.overdue, figs.secretaries[0].overdue
    (1, ('B',))
    """
    secretaries = instances_arg(secretaries, Secretary, "secretaries")
    plain_date_arg(as_of, "as_of")
    days_of = _CADENCE_DAYS
    rows = []
    for secretary in secretaries:  # one loop, no call per secretary: a province has 10^5
        last: dict[str, dt.date] = {}
        for c in secretary.contacts:
            on = c.on
            if on <= as_of and (c.project not in last or on > last[c.project]):
                last[c.project] = on
        cadences = secretary.cadences.view()
        default = secretary.default_cadence
        overdue = tuple(
            [
                key
                for key in secretary.projects
                if key not in last
                or (as_of - last[key]).days > days_of[cadences.get(key, default)._value_]
            ]
        )
        rows.append(SecretaryContacts(secretary.name, len(secretary.projects), overdue))
    return ContactFigures(tuple(rows))


# --------------------------------------------------------------------------- approvals


@attrs.frozen
class ApprovalFigures:
    """Start-up approval figures (开工要件) of the projects not started at a date.

    Attributes:
        not_started: projects planned or reserved at the date.
        ready_to_start: those with every required item granted (none listed counts as ready).
        outstanding_items: required items of those projects not yet granted.
        days_to_grant: mean calendar days from application to grant, over
            items (of all projects) granted by the date with both dates known.
        one_trip: share of the items granted by the date that took one trip (最多跑一次).
    """

    not_started: int
    ready_to_start: int
    outstanding_items: int
    days_to_grant: Ratio
    one_trip: Ratio

    def to_dict(self) -> ApprovalFiguresDict:
        """JSON-ready."""
        return {
            "not_started": self.not_started,
            "ready_to_start": self.ready_to_start,
            "outstanding_items": self.outstanding_items,
            "days_to_grant": self.days_to_grant.to_dict(mean="days"),
            "one_trip": self.one_trip.to_dict(),
        }


def approval_figures(projects: Iterable[Project], as_of: dt.date) -> ApprovalFigures:
    """Approval figures at ``as_of``: ready to start, outstanding items, days to grant.

    Raises:
        ValidationError: ``as_of`` is not a date.

    >>> from projpush.model import ApprovalItem
    >>> p = Project(local_id="P", name="正威新材料", level="province", category="industry",
    ...     stage="reserved", region="福安市", unit="市发改委", approvals=(
    ...         ApprovalItem("用地", applied=dt.date(2020, 2, 3), granted=dt.date(2020, 2, 10),
    ...             one_trip=True),
    ...         ApprovalItem("施工许可", applied=dt.date(2020, 2, 12))))
    >>> f = approval_figures([p], dt.date(2020, 2, 20))
    >>> f.ready_to_start, f.outstanding_items, f.days_to_grant.number(), f.one_trip.percent()
    (0, 1, '7.0', '100.0 %')
    """
    projects = instances_arg(projects, Project, "projects")
    plain_date_arg(as_of, "as_of")
    return _approvals(((p, p.stage_at(as_of)) for p in projects), as_of)


def _approvals(projects: Iterable[tuple[Project, Stage]], as_of: dt.date) -> ApprovalFigures:
    """Approval figures of projects given with their stage on ``as_of``.

    Only projects not started (planned or reserved) or with approval items
    change the figures; the summary passes just those.
    """
    not_started = ready = outstanding = days = timed = granted = one_trip = 0
    for p, stage in projects:
        if stage is Stage.PLANNED or stage is Stage.RESERVED:
            not_started += 1
            missing = len(p.outstanding_approvals(as_of))
            outstanding += missing
            ready += missing == 0
        for item in p.approvals:
            if item.is_granted(as_of):
                granted += 1
                one_trip += item.one_trip
                if item.applied is not None and item.granted is not None:
                    timed += 1
                    days += (item.granted - item.applied).days
    return ApprovalFigures(
        not_started, ready, outstanding, Ratio(days, timed), Ratio(one_trip, granted)
    )


# --------------------------------------------------------------------------- issues


class DeadlineBasis(ValueEnum):
    """Which time limit decides whether a closed issue was resolved on time."""

    ORIGINAL = "original"
    """The first limit given: a difficult issue's work-plan date, else the assignment deadline."""
    IN_FORCE = "in_force"
    """The limit in force when the accepted resolution was made (renewed limits count)."""


@attrs.frozen
class TierFigures:
    """Issues that reached a tier and those resolved (and closed) while at it."""

    tier: str
    reached: int
    resolved: int

    @property
    def resolution_rate(self) -> Ratio:
        """Closed while at this tier / reached this tier."""
        return Ratio(self.resolved, self.reached)


@attrs.frozen
class IssueFigures:
    """Problem-list figures (问题清单) at a date.

    Attributes:
        collected: issues collected in the window (收集).
        closed: of those, closed (销号) by the date.
        timed: closed issues that had a time limit.
        on_time: of those, resolved (办结) on or before the limit.
        working_days: total working days from first handling (assignment
            or escalation) to closure, over the closed issues.
        tiers: per tier, in order of first appearance unless an order was given.
    """

    collected: int
    closed: int
    timed: int
    on_time: int
    working_days: int
    tiers: tuple[TierFigures, ...]

    @property
    def closure_rate(self) -> Ratio:
        """Problem closure rate (办结率): closed / collected."""
        return Ratio(self.closed, self.collected)

    @property
    def on_time_rate(self) -> Ratio:
        """On-time closure rate (按期办结率): resolved within the limit / closed with a limit."""
        return Ratio(self.on_time, self.timed)

    @property
    def mean_working_days(self) -> Ratio:
        """Average working days to close."""
        return Ratio(self.working_days, self.closed)

    def tier(self, name: str) -> TierFigures:
        """The figures of one tier (zero counts if no issue reached it)."""
        return next((t for t in self.tiers if t.tier == name), TierFigures(name, 0, 0))

    def to_dict(self) -> IssueFiguresDict:
        """JSON-ready."""
        return {
            "collected": self.collected,
            "closed": self.closed,
            "closure_rate": self.closure_rate.to_dict(),
            "on_time_rate": self.on_time_rate.to_dict(),
            "mean_working_days": self.mean_working_days.to_dict(mean="working_days"),
            "tiers": [
                {
                    "tier": t.tier,
                    "reached": t.reached,
                    "resolved": t.resolved,
                    "resolution_rate": t.resolution_rate.to_dict(),
                }
                for t in self.tiers
            ],
        }


_HANDLED: Final = (EventKind.ASSIGNED, EventKind.ESCALATED)


def _as_known(issue: Issue, as_of: dt.date) -> Issue:
    """The issue as it stood at the end of ``as_of`` (later events are not known yet)."""
    if issue.status.updated <= as_of:
        return issue
    known = tuple(e for e in issue.events if e.at <= as_of)
    return attrs.evolve(issue, events=known)


def _limit(issue: Issue, resolved_index: int, basis: DeadlineBasis) -> dt.date | None:
    events = issue.events
    if basis is DeadlineBasis.IN_FORCE:
        return next(
            (e.deadline for e in reversed(events[:resolved_index]) if e.deadline is not None),
            None,
        )
    if issue.difficulty.value == "difficult":
        plan = next(
            (e.deadline for e in events if e.kind is EventKind.PLAN_SUBMITTED and e.deadline),
            None,
        )
        if plan is not None:
            return plan
    return next((e.deadline for e in events if e.deadline is not None), None)


_EVENTS: Final = operator.attrgetter("events")
_STATUS: Final = operator.attrgetter("status")
_UPDATED: Final = operator.attrgetter("status.updated")
_AT: Final = operator.attrgetter("at")
_TIER: Final = operator.attrgetter("tier")
_STATE: Final = operator.attrgetter("state")
_ESCALATIONS: Final = operator.attrgetter("escalations")
_FIRST: Final = operator.itemgetter(0)


def _counted(issues: Iterable[Issue], as_of: dt.date, since: dt.date | None) -> Sequence[Issue]:
    """The issues collected in the window, each as known at the end of ``as_of``."""
    items = issues if isinstance(issues, (list, tuple)) else list(issues)
    if not items:
        return items
    current = max(map(_UPDATED, items)) <= as_of  # nothing happened after the date
    if current and since is None:
        return items  # the usual report: every issue counts, as it stands
    raised = list(map(_AT, map(_FIRST, map(_EVENTS, items))))
    if current and since is not None and min(raised) >= since:
        return items
    return [
        _as_known(issue, as_of)
        for issue, on in zip(items, raised, strict=True)
        if on <= as_of and (since is None or on >= since)
    ]


def _closure(
    issue: Issue, basis: DeadlineBasis
) -> tuple[dt.date, dt.date, dt.date | None, dt.date]:
    """Closed on, resolved on, the limit that decides "on time", first handled on."""
    events = issue.events
    closed_on = next(e.at for e in reversed(events) if e.kind is EventKind.CLOSED)
    index = next(i for i in range(len(events) - 1, -1, -1) if events[i].kind is EventKind.RESOLVED)
    start = next((e.at for e in events if e.kind in _HANDLED), events[0].at)
    return closed_on, events[index].at, _limit(issue, index, basis), start


def issue_figures(
    issues: Iterable[Issue],
    as_of: dt.date,
    *,
    calendar: WorkingCalendar | None = None,
    since: dt.date | None = None,
    basis: DeadlineBasis | str = DeadlineBasis.ORIGINAL,
    tiers: Sequence[str] = (),
) -> IssueFigures:
    """Closure, on-time closure, working days to close and per-tier resolution at ``as_of``.

    Issues collected from ``since`` (all by default) to ``as_of`` count;
    events after ``as_of`` are ignored. Working days come from ``calendar``,
    by default the China official calendar (it needs ``projpush[cn]``; without
    it pass a calendar, since weekdays alone would be a guess).

    Args:
        issues: the problem list.
        as_of: the report date.
        calendar: the working-day calendar.
        since: first collection date counted.
        basis: which limit decides "on time" (a :class:`DeadlineBasis` or its value).
        tiers: the ladder's tier names, to fix the order of the per-tier rows.

    Raises:
        ValidationError: ``as_of`` or ``since`` is not a date, or ``basis``
            is not a :class:`DeadlineBasis` or its value.
        CalendarCoverageError: a date lies outside the calendar's years.

    >>> from projpush.model import Issue
    >>> def closed(n):
    ...     i = Issue.collect(f"Q{n}", "P", category="land", title="林地", by="秘书",
    ...         on=dt.date(2020, 9, 28))
    ...     i = i.step(EventKind.ASSIGNED, dt.date(2020, 9, 29), "办", tier="county",
    ...         owner="区", deadline=dt.date(2020, 10, 13))
    ...     i = i.step(EventKind.RESOLVED, dt.date(2020, 10, 12), "区")
    ...     return i.step(EventKind.CLOSED, dt.date(2020, 10, 13), "办")
    >>> open_ = Issue.collect("Q0", "P", category="funds", title="资金", by="秘书",
    ...     on=dt.date(2020, 9, 28))
    >>> f = issue_figures([closed(1), closed(2), open_], dt.date(2020, 10, 31))
    >>> f.closure_rate.percent(), f.on_time_rate.percent(), f.mean_working_days.number()
    ('66.7 %', '100.0 %', '5.0')
    """
    issues = instances_arg(issues, Issue, "issues")
    plain_date_arg(as_of, "as_of")
    if since is not None:
        plain_date_arg(since, "since")
    basis = to_enum(DeadlineBasis, basis, "basis")
    cal = resolve_calendar(calendar)
    counted = _counted(issues, as_of, since)
    statuses = list(map(_STATUS, counted))
    # The tiers an issue reached: its tier now, or, once escalated, every tier that handled it.
    seen: list[object] = list(map(_TIER, statuses))
    for i in compress(range(len(statuses)), map(_ESCALATIONS, statuses)):
        seen[i] = tuple(
            dict.fromkeys(e.tier for e in counted[i].events if e.kind in _HANDLED and e.tier)
        )
    reached: dict[str, int] = dict.fromkeys(tiers, 0)
    # Equal values counted first keep their first appearance, so the tiers keep their order.
    for value, n in Counter(seen).items():
        for tier in value if isinstance(value, tuple) else () if value is None else (value,):
            reached[tier] = reached.get(tier, 0) + n
    is_closed = map(operator.is_, map(_STATE, statuses), repeat(IssueState.CLOSED))
    closed = list(compress(counted, is_closed))
    resolved_at = Counter(map(_TIER, map(_STATUS, closed)))
    timed = on_time = 0
    spans: list[tuple[dt.date, dt.date]] = []
    usual = basis is DeadlineBasis.ORIGINAL
    general, plan_kind = Difficulty.GENERAL, EventKind.PLAN_SUBMITTED
    closed_kind, resolved_kind = EventKind.CLOSED, EventKind.RESOLVED
    assigned, escalated = _HANDLED
    for issue in closed:
        events = issue.events
        handled, resolved, last = events[1], events[-2], events[-1]
        limit = handled.deadline
        if (
            usual
            and last.kind is closed_kind
            and resolved.kind is resolved_kind
            and (handled.kind is assigned or handled.kind is escalated)
            and limit is not None
            and events[0].deadline is None
        ):
            # The usual history: the first handling set the first limit; resolved, then closed.
            closed_on, resolved_on, start = last.at, resolved.at, handled.at
            if issue.difficulty is not general:
                limit = next(
                    (e.deadline for e in events if e.kind is plan_kind and e.deadline), limit
                )
        else:
            closed_on, resolved_on, limit, start = _closure(issue, basis)
        if limit is not None:
            timed += 1
            on_time += resolved_on <= limit
        spans.append((start, closed_on))
    total_days = sum(
        n * working_days_between(start, end, calendar=cal)
        for (start, end), n in Counter(spans).items()
    )
    rows = tuple(TierFigures(t, n, resolved_at.get(t, 0)) for t, n in reached.items())
    return IssueFigures(len(counted), len(closed), timed, on_time, total_days, rows)


# --------------------------------------------------------------------------- earned value


class EvMethod(ValueEnum):
    """How earned value (EV) is measured."""

    INVESTMENT = "investment"
    """EV is the investment completed (完成投资 is the value of work put in place)."""
    MILESTONES = "milestones"
    """EV is the budget times the weighted share of node tasks complete."""


def _money_or_none(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _fraction_text(value: Fraction | NotApplicable, places: int = 2) -> str | None:
    return _rounded_text(value if isinstance(value, NotApplicable) else half_up(value, places))


@attrs.frozen
class EarnedValue:
    """Earned-value figures (挣值) of a project or a group with a baseline, in 万元.

    Sign conventions, stated once: SV = EV − PV and CV = EV − AC are
    negative when behind schedule or over budget; SPI = EV / PV and CPI =
    EV / AC are below 1 then; EAC = BAC / CPI; VAC = BAC − EAC is negative
    when the forecast overruns the budget.

    Attributes:
        bac: budget at completion (total investment).
        pv: planned value, the monthly plans summed through the report month.
        ev: earned value (see :class:`EvMethod`).
        ac: actual cost through the report month, None when not known.
    """

    bac: Decimal
    pv: Decimal
    ev: Decimal
    ac: Decimal | None = None

    @property
    def sv(self) -> Decimal:
        """Schedule variance EV − PV."""
        return self.ev - self.pv

    @property
    def cv(self) -> Decimal | NotApplicable:
        """Cost variance EV − AC."""
        return NOT_APPLICABLE if self.ac is None else self.ev - self.ac

    @property
    def spi(self) -> Ratio:
        """Schedule performance index EV / PV."""
        return Ratio(self.ev, self.pv)

    @property
    def cpi(self) -> Ratio:
        """Cost performance index EV / AC."""
        return Ratio(self.ev, _ZERO if self.ac is None else self.ac)

    @property
    def eac(self) -> Fraction | NotApplicable:
        """Estimate at completion BAC / CPI = BAC × AC / EV (exact)."""
        if self.ac is None or self.ev == 0:
            return NOT_APPLICABLE
        return Fraction(self.bac) * Fraction(self.ac) / Fraction(self.ev)

    @property
    def vac(self) -> Fraction | NotApplicable:
        """Variance at completion BAC − EAC."""
        eac = self.eac
        return eac if isinstance(eac, NotApplicable) else Fraction(self.bac) - eac

    def __add__(self, other: object) -> EarnedValue:
        if not isinstance(other, EarnedValue):
            return NotImplemented
        ac = None if self.ac is None or other.ac is None else self.ac + other.ac
        return EarnedValue(self.bac + other.bac, self.pv + other.pv, self.ev + other.ev, ac)

    def to_dict(self) -> EarnedValueDict:
        """JSON-ready: amounts exact, EAC and VAC rounded half-up to 0.01 万元, indices to 0.001."""

        def index(r: Ratio) -> str | None:
            return _fraction_text(r.value, 3)

        cv = self.cv
        return {
            "bac": str(self.bac),
            "pv": str(self.pv),
            "ev": str(self.ev),
            "ac": _money_or_none(self.ac),
            "sv": str(self.sv),
            "cv": None if isinstance(cv, NotApplicable) else str(cv),
            "spi": index(self.spi),
            "cpi": index(self.cpi),
            "eac": _fraction_text(self.eac),
            "vac": _fraction_text(self.vac),
        }


def _earned(
    project: Project,
    as_of: dt.date,
    through: int,
    method: EvMethod,
    weights: Mapping[str, Decimal] | None,
) -> Decimal | None:
    if method is EvMethod.INVESTMENT:
        return _done_sums(project.monthly_done.view(), as_of.year, through)[3]
    if not project.milestones:
        return None
    total = earned = Fraction(0)
    for m in project.milestones:
        weight = Fraction(1) if weights is None else exact(weights.get(m.name, _ZERO))
        total += weight
        if m.is_done(as_of):
            earned += weight
        elif m.done is None and m.percent is not None:
            earned += weight * Fraction(m.percent) / 100
    if total == 0:
        return None
    # BAC × share is exact in Fraction; a Decimal result may need rounding only when the
    # share has a denominator other than 2^a·5^b, so keep 10 places (well below 0.01 元).
    value = Fraction(project.total_investment) * earned / total
    return half_up(value, 10).normalize() if value.denominator != 1 else Decimal(int(value))


def earned_value(
    project: Project,
    as_of: dt.date,
    *,
    actual_cost: Decimal | None = None,
    method: EvMethod = EvMethod.INVESTMENT,
    weights: Mapping[str, Decimal] | None = None,
) -> EarnedValue | None:
    """Earned-value figures of one project, or None if it has no baseline.

    A baseline is a total investment above zero and a monthly plan (with
    :attr:`EvMethod.MILESTONES`, also milestones with a non-zero total
    weight). PV and EV run from the first planned month through
    :func:`~projpush.schedule.last_complete_month` of ``as_of``.

    Raises:
        ValidationError: ``as_of`` is not a date.

    >>> p = Project(local_id="E", name="港区", level="city", category="infrastructure",
    ...     stage="under_construction", region="北仑区", unit="市港航局",
    ...     total_investment=Decimal(1200),
    ...     monthly_plan={"2020-01": 100, "2020-02": 100, "2020-03": 100},
    ...     monthly_done={"2020-01": 80, "2020-02": 100, "2020-03": 60})
    >>> ev = earned_value(p, dt.date(2020, 3, 31), actual_cost=Decimal(300))
    >>> ev.sv, ev.cv, ev.spi.number(2), ev.cpi.number(2), ev.eac, ev.vac
    (Decimal('-60'), Decimal('-60'), '0.80', '0.80', Fraction(1500, 1), Fraction(-300, 1))
    """
    instance_arg(project, Project, "project")
    plain_date_arg(as_of, "as_of")
    if project.total_investment <= 0 or not project.monthly_plan:
        return None
    through = _report_through(as_of)
    earned = _earned(project, as_of, through, method, weights)
    if earned is None:
        return None
    pv = _planned_value(project.monthly_plan.view(), as_of.year, through)
    return EarnedValue(project.total_investment, pv, earned, actual_cost)


def portfolio_earned_value(
    projects: Iterable[Project],
    as_of: dt.date,
    *,
    actual_costs: Mapping[str, Decimal] | None = None,
    method: EvMethod = EvMethod.INVESTMENT,
    weights: Mapping[str, Mapping[str, Decimal]] | None = None,
) -> EarnedValue | None:
    """Summed earned-value figures of the projects with a baseline (None if none has one).

    Indices come from the sums (Σ EV / Σ PV), never from averaging projects'
    indices. AC is summed only if every baseline project has one in
    ``actual_costs`` (keyed by project key); otherwise the cost figures are
    not applicable.

    Raises:
        ValidationError: ``as_of`` is not a date.

    >>> portfolio_earned_value([], dt.date(2020, 3, 31)) is None
    True
    """
    projects = instances_arg(projects, Project, "projects")
    plain_date_arg(as_of, "as_of")
    costs = {} if actual_costs is None else actual_costs
    total: EarnedValue | None = None
    for p in projects:
        one = earned_value(
            p,
            as_of,
            actual_cost=costs.get(p.key),
            method=method,
            weights=None if weights is None else weights.get(p.key),
        )
        if one is not None:
            total = one if total is None else total + one
    return total


# --------------------------------------------------------------------------- groups


class GroupBy(LabelledEnum):
    """What projects are grouped by in a report table."""

    LEVEL = "level"
    CATEGORY = "category"
    REGION = "region"
    UNIT = "unit"
    LEADER = "leader"
    STAGE = "stage"


label(
    GroupBy,
    {
        "level": "级别",
        "category": "类别",
        "region": "地区",
        "unit": "责任单位",
        "leader": "包保领导",
        "stage": "阶段",
    },
)


@attrs.frozen
class GroupFigures:
    """The figures of one group of projects (a region, a unit, a leader...).

    Rates come from the group's summed amounts (its total done / its total
    plan), never from averaging its members' rates.

    Attributes:
        dimension: what the projects are grouped by.
        key: the group (a region's name, a level's value...).
        members: projects in the group (with or without an annual plan).
        investment: the group's summed investment figures.
        schedule: time-schedule progress, the reference of :attr:`gap`.
        nodes_due: milestones planned from 1 January to the date.
        nodes_done: of those, completed by the date.
    """

    dimension: GroupBy
    key: str
    members: int
    investment: Investment
    schedule: Ratio
    nodes_due: int = 0
    nodes_done: int = 0

    @property
    def completion(self) -> Ratio:
        """Annual plan completion of the group."""
        return self.investment.completion

    @property
    def gap(self) -> Points:
        """Completion minus time-schedule progress, in points."""
        return self.investment.completion - self.schedule

    @property
    def monthly_progress(self) -> Ratio:
        """The month's amount / the group's annual plan."""
        return self.investment.monthly_progress

    @property
    def yoy_growth(self) -> Ratio:
        """Year-on-year growth of the group's amount done to date."""
        return self.investment.yoy_growth

    @property
    def node_completion(self) -> Ratio:
        """Node tasks (节点任务) completed / due this year to date (Dalian's ranking figure)."""
        return Ratio(self.nodes_done, self.nodes_due)

    def to_record(self) -> GroupRecord:
        """A flat dict (one table row, ready for ``pandas.DataFrame``): exact amounts as strings."""
        inv = self.investment
        return {
            "dimension": self.dimension.value,
            "key": self.key,
            "members": self.members,
            "projects_planned": inv.projects,
            "annual_plan": str(inv.annual_plan),
            "done_to_date": str(inv.done_to_date),
            "done_in_month": str(inv.done_in_month),
            "done_last_year": str(inv.done_last_year),
            "completion_pct": _rounded_text(self.completion.rounded()),
            "gap_points": _rounded_text(self.gap.rounded()),
            "monthly_progress_pct": _rounded_text(self.monthly_progress.rounded()),
            "yoy_growth_pct": _rounded_text(self.yoy_growth.rounded()),
            "nodes_due": self.nodes_due,
            "nodes_done": self.nodes_done,
            "node_completion_pct": _rounded_text(self.node_completion.rounded()),
        }


def _keys(portfolio: Portfolio, by: GroupBy, as_of: dt.date) -> list[tuple[str, ...]]:
    projects = portfolio.projects
    if by is GroupBy.LEVEL:
        return [(p.level.value,) for p in projects]
    if by is GroupBy.CATEGORY:
        return [(p.category.value,) for p in projects]
    if by is GroupBy.REGION:
        return [(p.region,) for p in projects]
    if by is GroupBy.UNIT:
        return [(p.unit,) for p in projects]
    if by is GroupBy.STAGE:
        return [(p.stage_at(as_of).value,) for p in projects]
    return [tuple(ld.name for ld in portfolio.leaders_of(p.key)) for p in projects]


def _group_rows(
    rows: Sequence[_Row],
    keys: Sequence[tuple[str, ...]],
    by: GroupBy,
    schedule: Ratio,
) -> tuple[GroupFigures, ...]:
    members: dict[str, list[int]] = {}
    for i, names in enumerate(keys):
        for name in names:
            members.setdefault(name, []).append(i)
    groups = []
    for name in sorted(members):
        picked = [rows[i] for i in members[name]]
        groups.append(
            GroupFigures(
                by,
                name,
                len(picked),
                _sum_rows(picked),
                schedule,
                sum(map(operator.itemgetter(5), picked)),
                sum(map(operator.itemgetter(6), picked)),
            )
        )
    return tuple(groups)


def group_figures(
    portfolio: Portfolio,
    by: GroupBy | str,
    as_of: dt.date,
    *,
    basis: TimeBasis = TimeBasis.MONTH,
) -> tuple[GroupFigures, ...]:
    """Figures per group of ``by`` (level, category, region, unit, leader, stage), by key.

    A project counts in every group of a leader who guarantees it, so
    leader groups can overlap; a project with no leader is in no leader
    group. Stage is the stage on ``as_of``.

    Raises:
        ValidationError: ``by`` is not a :class:`GroupBy` or its value, or
            ``as_of`` is not a date.

    >>> def p(i, region, plan, done):
    ...     return Project(local_id=f"P{i}", name=f"项目{i}", level="city",
    ...         category="industry", stage="under_construction", region=region, unit="U",
    ...         annual_plans={2020: plan}, monthly_done={"2020-05": done})
    >>> folio = Portfolio(projects=(p(1, "A", 100, 90), p(2, "A", 900, 90), p(3, "B", 10, 5)))
    >>> groups = group_figures(folio, "region", dt.date(2020, 5, 31))
    >>> [(g.key, g.completion.percent()) for g in groups]
    [('A', '18.0 %'), ('B', '50.0 %')]
    """
    dimension = _dimension(by)
    plain_date_arg(as_of, "as_of")
    rows = _rows(portfolio.projects, as_of)
    keys = _keys(portfolio, dimension, as_of)
    return _group_rows(rows, keys, dimension, time_schedule(as_of, basis))


def _dimension(by: GroupBy | str) -> GroupBy:
    try:
        return by if isinstance(by, GroupBy) else GroupBy(by)
    except ValueError:
        names = [d.value for d in GroupBy]
        raise ValidationError.about("by", f"one of {names}", by) from None


# --------------------------------------------------------------------------- rankings


class Better(ValueEnum):
    """Which direction of a figure ranks first."""

    HIGHER = "higher"
    LOWER = "lower"


@attrs.frozen
class RankedRow:
    """One ranked entry; ``rank`` is None when its figure is not applicable (listed last)."""

    rank: int | None
    key: str
    value: Ratio | Points | Decimal | int

    def text(self, places: int = 1, lang: Lang = "en") -> str:
        """The value as report text: ``"88.3 %"`` for a share, ``"+5.5"`` for a gap.

        >>> RankedRow(1, "市港航局", Ratio(196, 222)).text(), RankedRow(2, "区", Points(-2)).text()
        ('88.3 %', '-2.0')
        """
        return _present(self.value, places, lang)


@attrs.frozen
class Ranking:
    """A ranking by one figure, with the direction that ranks first.

    Ties share a rank and the next rank skips (standard competition ranking,
    1, 2, 2, 4).
    """

    figure: str
    better: Better
    rows: tuple[RankedRow, ...]
    group: str = ""

    def to_records(self) -> list[RankingRecord]:
        """Flat dicts (rank, key, exact and rounded value)."""
        return [
            {
                "figure": self.figure,
                "better": self.better.value,
                "rank": r.rank,
                "key": r.key,
                "value": _rank_text(r.value),
            }
            for r in self.rows
        ]


def _rank_value(value: Ratio | Points | Decimal | int) -> Fraction | NotApplicable:
    if isinstance(value, (Ratio, Points)):
        return value.value
    return exact(_to_exact(value))


def _rank_text(value: Ratio | Points | Decimal | int) -> str | None:
    if isinstance(value, (Ratio, Points)):
        return _rounded_text(value.rounded())
    return str(value)


def rank(
    items: Iterable[tuple[str, Ratio | Points | Decimal | int]],
    *,
    better: Better | str = Better.HIGHER,
    figure: str = "",
    group: str = "",
) -> Ranking:
    """Rank ``(key, value)`` pairs with standard competition ranking on the exact values.

    ``better`` says which direction ranks first (a :class:`Better` or its
    value, ``"higher"`` or ``"lower"``).

    Raises:
        ValidationError: ``better`` is neither.

    >>> r = rank([("甲", Ratio(9, 10)), ("乙", Ratio(8, 10)), ("丙", Ratio(4, 5)),
    ...     ("丁", Ratio(1, 2)), ("戊", Ratio(0, 0))])
    >>> [(row.rank, row.key) for row in r.rows]
    [(1, '甲'), (2, '丙'), (2, '乙'), (4, '丁'), (None, '戊')]
    """
    direction = to_enum(Better, better, "better")
    scored: list[tuple[Fraction, str, Ratio | Points | Decimal | int]] = []
    unranked: list[RankedRow] = []
    for i, item in enumerate(instances_arg(items, tuple, "items")):
        if len(item) != 2:
            raise ValidationError.about(f"items[{i}]", "a (key, figure) pair", item)
        key, value = item
        exact_value = _rank_value(value)
        if isinstance(exact_value, NotApplicable):
            unranked.append(RankedRow(None, key, value))
        else:
            scored.append((exact_value, key, value))
    sign = -1 if direction is Better.HIGHER else 1
    scored.sort(key=lambda s: (sign * s[0], s[1]))
    rows: list[RankedRow] = []
    previous: Fraction | None = None
    for position, (v, key, value) in enumerate(scored, start=1):
        tied = v == previous
        rows.append(RankedRow(rows[-1].rank if tied else position, key, value))
        previous = v
    unranked.sort(key=lambda r: r.key)
    return Ranking(figure, direction, (*rows, *unranked), group)


_GROUP_FIGURES: Final[dict[str, Callable[[GroupFigures], Ratio | Points]]] = {
    "completion": lambda g: g.completion,
    "gap": lambda g: g.gap,
    "monthly_progress": lambda g: g.monthly_progress,
    "yoy_growth": lambda g: g.yoy_growth,
    "node_completion": lambda g: g.node_completion,
}


def rank_groups(
    groups: Iterable[GroupFigures],
    figure: str = "completion",
    *,
    better: Better | str = Better.HIGHER,
) -> Ranking:
    """Rank groups (units, regions) by one of their figures.

    ``figure`` is one of ``completion``, ``gap``, ``monthly_progress``,
    ``yoy_growth`` or ``node_completion`` (Dalian ranks by node completion).

    Raises:
        ValidationError: an unknown ``figure`` or ``better``.

    >>> rank_groups([], "node_completion").better
    <Better.HIGHER: 'higher'>
    """
    try:
        get = _GROUP_FIGURES[figure]
    except (KeyError, TypeError):  # TypeError: an unhashable figure, such as a list
        raise ValidationError.about("figure", f"one of {sorted(_GROUP_FIGURES)}", figure) from None
    items = list(instances_arg(groups, GroupFigures, "groups"))
    group = items[0].dimension.value if items else ""
    return rank(((g.key, get(g)) for g in items), better=better, figure=figure, group=group)


# --------------------------------------------------------------------------- summary


def _judge_lights(portfolio: Portfolio, as_of: dt.date, policy: Any) -> tuple[object, ...]:
    # Imported here so that metrics never depends on lights at import time.
    from projpush.lights import judge_portfolio  # noqa: PLC0415

    return judge_portfolio(portfolio, as_of, policy).verdicts


@attrs.frozen
class MonthlySummary:
    """Every figure of a monthly supervision report (月度通报) of a portfolio at a date.

    Build it with :func:`monthly_summary`; render with :meth:`to_text`,
    :meth:`to_dict` (JSON) or :meth:`to_records` (group tables).
    """

    as_of: dt.date
    month: Month | None
    basis: TimeBasis
    projects: int
    investment: Investment
    schedule: Ratio
    new: Investment
    continuing: Investment
    start_rate: Ratio
    resumption_rate: Ratio
    lights: LightFigures | None
    coverage: Coverage
    approvals: ApprovalFigures
    contacts: ContactFigures
    issues: IssueFigures
    earned_value: EarnedValue | None
    groups: tuple[tuple[GroupBy, tuple[GroupFigures, ...]], ...]
    rankings: tuple[Ranking, ...]

    def _repr_html_(self) -> str:
        from projpush._html import monthly_summary_html  # noqa: PLC0415 (notebooks only)

        return monthly_summary_html(self)

    @property
    def completion(self) -> Ratio:
        """Annual plan completion."""
        return self.investment.completion

    @property
    def gap(self) -> Points:
        """Completion minus time-schedule progress."""
        return self.investment.completion - self.schedule

    def group(self, by: GroupBy | str) -> tuple[GroupFigures, ...]:
        """The group table of one dimension (empty if it was not requested)."""
        dimension = _dimension(by)
        return next((g for d, g in self.groups if d is dimension), ())

    def to_records(self, by: GroupBy | str) -> list[GroupRecord]:
        """The group table of ``by`` as flat dicts, ready for ``pandas.DataFrame``."""
        return [g.to_record() for g in self.group(by)]

    def to_dict(self) -> SummaryDict:
        """Every figure, JSON-ready: exact values as strings, rounded ones beside them.

        Its keys and their types are :class:`projpush.records.SummaryDict`.
        """
        return {
            "as_of": self.as_of.isoformat(),
            "month": None if self.month is None else str(self.month),
            "basis": self.basis.value,
            "projects": self.projects,
            "investment": self.investment.to_dict(),
            "schedule": self.schedule.to_dict(),
            "gap": self.gap.to_dict(),
            "new": self.new.to_dict(),
            "continuing": self.continuing.to_dict(),
            "start_rate": self.start_rate.to_dict(),
            "resumption_rate": self.resumption_rate.to_dict(),
            "lights": None if self.lights is None else self.lights.to_dict(),
            "coverage": self.coverage.to_dict(),
            "approvals": self.approvals.to_dict(),
            "contacts": self.contacts.to_dict(),
            "issues": self.issues.to_dict(),
            "earned_value": None if self.earned_value is None else self.earned_value.to_dict(),
            "groups": {d.value: [g.to_record() for g in gs] for d, gs in self.groups},
            "rankings": [
                {"figure": r.figure, "better": r.better.value, "rows": r.to_records()}
                for r in self.rankings
            ],
        }

    def figure_rows(
        self, lang: Lang = "en", places: int = 1, *, tier_names: Mapping[str, str] | None = None
    ) -> list[tuple[str, str]]:
        """The headline figures as (label, text) pairs, in report order.

        A tier's row names it by ``tier_names`` (tier name to the words of
        ``lang``); by default, as the built-in ladders name their tiers: their
        owners in Chinese (项目责任单位), the name in words in English.
        """
        inv, iss = self.investment, self.issues
        names = _tier_words(lang) if tier_names is None else tier_names

        def pct(r: Ratio) -> str:
            return r.percent(places, lang=lang)

        rows = [
            ("projects", f"{self.projects}"),
            ("annual_plan", yi_text(inv.annual_plan)),
            ("done_to_date", yi_text(inv.done_to_date)),
            ("completion", pct(inv.completion)),
            ("schedule", pct(self.schedule)),
            ("gap", self.gap.format(places, lang=lang)),
            ("monthly_progress", pct(inv.monthly_progress)),
            ("yoy_growth", pct(inv.yoy_growth)),
            ("new_completion", pct(self.new.completion)),
            ("continuing_completion", pct(self.continuing.completion)),
            ("start_rate", pct(self.start_rate)),
            ("resumption_rate", pct(self.resumption_rate)),
        ]
        if self.lights is not None:
            rows += [
                ("share_green", pct(self.lights.share_green)),
                *((f"light_{name}", str(n)) for name, n in self.lights.counts),
            ]
        rows += [
            ("leader_coverage", pct(self.coverage.leader)),
            ("secretary_coverage", pct(self.coverage.secretary)),
            ("ready_to_start", f"{self.approvals.ready_to_start}/{self.approvals.not_started}"),
            ("outstanding_items", str(self.approvals.outstanding_items)),
            ("days_to_grant", self.approvals.days_to_grant.number(places, lang=lang)),
            ("one_trip", pct(self.approvals.one_trip)),
            ("contacts_overdue", f"{self.contacts.overdue}/{self.contacts.served}"),
            ("issues", f"{iss.closed}/{iss.collected}"),
            ("closure_rate", pct(iss.closure_rate)),
            ("on_time_rate", pct(iss.on_time_rate)),
            ("working_days", iss.mean_working_days.number(places, lang=lang)),
            *((f"tier:{t.tier}", pct(t.resolution_rate)) for t in iss.tiers),
        ]
        if self.earned_value is not None:
            ev = self.earned_value
            rows += [("spi", ev.spi.number(3, lang=lang)), ("cpi", ev.cpi.number(3, lang=lang))]
        return [(_label(lang, k, names), v) for k, v in rows]

    def to_text(
        self, lang: Lang = "en", places: int = 1, *, tier_names: Mapping[str, str] | None = None
    ) -> str:
        """A plain-text report: headline figures, then each ranking table.

        ``tier_names`` as :meth:`figure_rows`.
        """
        month = "—" if self.month is None else str(self.month)
        title = _said("summary.title", lang).format(month=month, as_of=self.as_of.isoformat())
        head = [_said("summary.head.figure", lang), _said("summary.head.value", lang)]
        parts = [title, "", table(head, self.figure_rows(lang, places, tier_names=tier_names))]
        for ranking in self.rankings:
            if not ranking.rows:  # no unit or region to rank (a ledger without projects)
                continue
            direction = _said(f"enum.Better.{ranking.better.value}", lang)
            parts += [
                "",
                _said("summary.ranking", lang).format(
                    ranking=_label(lang, "by_" + ranking.group),
                    figure=_label(lang, ranking.figure),
                    direction=direction,
                ),
            ]
            rank_head = [
                _said(f"summary.head.{column}", lang) for column in ("rank", "group", "value")
            ]
            parts.append(
                table(
                    rank_head,
                    [
                        ["—" if r.rank is None else str(r.rank), r.key, r.text(places, lang)]
                        for r in ranking.rows
                    ],
                )
            )
        return "\n".join(parts)


def _present(value: Ratio | Points | Decimal | int, places: int, lang: Lang) -> str:
    if isinstance(value, Ratio):
        return value.percent(places, lang=lang)
    if isinstance(value, Points):
        return value.format(places, lang=lang)
    return str(value)


@functools.cache
def _said(key: str, lang: str) -> str:
    """The message catalogue's template ``key`` in ``lang`` (the report side's, at first use)."""
    from projpush.messages import template  # noqa: PLC0415

    return template(key, lang)


def _label(lang: Lang, key: str, tiers: Mapping[str, str] | None = None) -> str:
    """A figure's label in ``lang``, from the catalogue (``figure.KEY``); a tier's by its name.

    A figure the catalogue does not name (a ranking of one's own) keeps its key.
    """
    if key.startswith("tier:"):
        name = key[5:]
        return _said("figure.tier", lang).format(tier=(tiers or {}).get(name, name))
    try:
        return _said(f"figure.{key}", lang)
    except UnknownReferenceError:
        return key


def tier_words(tiers: Iterable[Tier], lang: Lang) -> dict[str, str]:
    """Each tier's name in ``lang``: its owner (项目责任单位) in Chinese, words in English.

    ``tiers`` are :class:`projpush.escalation.Tier` values (a ladder's).

    >>> from projpush.escalation import EscalationPolicy
    >>> tier_words(EscalationPolicy.ningbo().ladder.tiers, "zh")["city_leader"]
    '联系市领导'
    >>> tier_words(EscalationPolicy.ningbo().ladder.tiers, "en")["city_leader"]
    'city leader'
    """
    from projpush.escalation import Tier  # noqa: PLC0415 (figures need no ladder)

    if lang not in ("zh", "en"):  # a tuple: an unhashable lang is refused, not a TypeError
        raise ValidationError.about("lang", "'zh' or 'en'", lang)
    return {
        t.name: t.owner if lang == "zh" else t.name.replace("_", " ")
        for t in instances_arg(tiers, Tier, "tiers")
    }


@functools.cache
def _tier_words(lang: Lang) -> dict[str, str]:
    """The built-in ladders' tiers in ``lang`` (a later ladder's word wins a shared name)."""
    from projpush.escalation import EscalationPolicy  # noqa: PLC0415 (figures need no ladder)

    policies = (
        EscalationPolicy.yinzhou(),
        EscalationPolicy.binzhou(),
        EscalationPolicy.dalian(),
        EscalationPolicy.ningbo(),
        EscalationPolicy.tonglu(),
    )
    return tier_words((t for p in policies for t in p.ladder.tiers), lang)


_ALL_DIMENSIONS: Final = tuple(GroupBy)


# --------------------------------------------------------------------------- summary, one pass

# The sums of a set of projects' rows (_Row), column by column: planned projects, annual
# plan, done to date, done in month, done last year, nodes due, nodes done, BAC, PV, EV.
# Rows of projects without a plan (or a baseline) hold zeros there, so a BAC sum of zero
# means no project has an earned-value baseline.
_Sums = list[Any]
_SUM_STARTS: Final[tuple[Any, ...]] = (0, _ZERO, _ZERO, _ZERO, _ZERO, 0, 0, _ZERO, _ZERO, _ZERO)
_GROUP_STARTS: Final = _SUM_STARTS[:7]  # the columns a group table shows
_SUM: Final[Callable[[Iterable[Any], Any], Any]] = sum
_STARTED_VALUES: Final = frozenset(s.value for s in _STARTED)
# The combination key of a project: level, category, region, unit, stage, new this year.
_KEY_PART: Final = {
    GroupBy.LEVEL: 0,
    GroupBy.CATEGORY: 1,
    GroupBy.REGION: 2,
    GroupBy.UNIT: 3,
    GroupBy.STAGE: 4,
}


def _column_sums(rows: Sequence[Sequence[Any]]) -> _Sums:
    return list(map(_SUM, zip(*rows, strict=True), _SUM_STARTS))


def _group_sums(rows: Sequence[Sequence[Any]]) -> _Sums:
    """The first seven columns' sums, all that a group table shows."""
    return list(map(_SUM, zip(*rows, strict=True), _GROUP_STARTS))


def _total(parts: Sequence[_Sums]) -> _Sums | None:
    return _column_sums(parts) if parts else None


def _group_figures(
    dimension: GroupBy, name: str, members: int, parts: list[_Sums], schedule: Ratio
) -> GroupFigures:
    s = parts[0] if len(parts) == 1 else _group_sums(parts)
    return GroupFigures(dimension, name, members, _investment_of(s), schedule, s[5], s[6])


def _investment_of(sums: _Sums | None) -> Investment:
    if sums is None:
        return Investment()
    return Investment(sums[0], sums[1], sums[2], sums[3], sums[4])


@attrs.frozen
class _Parts:
    """The figures of a summary that come from the projects, however they were computed."""

    investment: Investment
    new: Investment
    continuing: Investment
    start_rate: Ratio
    resumption_rate: Ratio
    coverage: Coverage
    approvals: ApprovalFigures
    earned_value: EarnedValue | None
    groups: dict[GroupBy, tuple[GroupFigures, ...]]


def _parts_by_rows(
    portfolio: Portfolio, as_of: dt.date, schedule: Ratio, wanted: Iterable[GroupBy]
) -> _Parts:
    """The reference computation: one public rule per figure, each over all projects."""
    projects = portfolio.projects
    rows = _rows(projects, as_of)
    is_new = [p.is_new_in(as_of.year) for p in projects]
    return _Parts(
        investment=_sum_rows(rows),
        new=_sum_rows([r for r, n in zip(rows, is_new, strict=True) if n]),
        continuing=_sum_rows([r for r, n in zip(rows, is_new, strict=True) if not n]),
        start_rate=start_rate(projects, as_of),
        resumption_rate=resumption_rate(projects, as_of),
        coverage=coverage(portfolio),
        approvals=approval_figures(projects, as_of),
        earned_value=_rows_earned_value(rows),
        groups={d: _group_rows(rows, _keys(portfolio, d, as_of), d, schedule) for d in wanted},
    )


def _parts_in_one_pass(  # noqa: C901, PLR0912, PLR0915 (one loop on purpose: the hot path)
    portfolio: Portfolio, as_of: dt.date, schedule: Ratio, wanted: Iterable[GroupBy]
) -> _Parts:
    """The same figures as :func:`_parts_by_rows` from a single pass over the projects.

    Each project's row goes into the bucket of its combination of level,
    category, region, unit, stage and new/continuing; the buckets are summed
    column by column in C, and every table and total is a sum of bucket sums.
    Sums are taken in another order than the reference, which changes nothing
    as long as no addition rounds (all amounts are >= 0, see
    :func:`_summary_parts`).

    A project's row is :func:`_row`'s, from the same helpers; it is put
    together here rather than by calling :func:`_row` because one more call
    per project cost some 6 % of this loop.
    """
    year = as_of.year
    through = _report_through(as_of)
    jan1 = dt.date(year, 1, 1)
    want_leaders = GroupBy.LEADER in wanted
    zero, done_sums, planned_value, nodes = _ZERO, _done_sums, _planned_value, _nodes
    planned_stage, reserved_stage = Stage.PLANNED, Stage.RESERVED
    suspended, suspension = Stage.SUSPENDED, StageEventKind.SUSPENDED
    start_kind = StageEventKind.STARTED
    buckets: dict[tuple[object, ...], list[_Row]] = {}
    by_project: dict[int, _Row] = {}
    pending: list[tuple[Project, Stage]] = []  # projects that count in the approval figures
    halted = back = 0
    for p in portfolio.projects:
        to_date, in_month, last_year, earned = done_sums(p.monthly_done.view(), year, through)
        milestones = p.milestones
        due, done = nodes(milestones, jan1, as_of) if milestones else (0, 0)
        bac = p.total_investment
        plan_map = p.monthly_plan.view()
        if bac > 0 and plan_map:
            pv = planned_value(plan_map, year, through)
        else:
            bac = pv = earned = zero
        plan = p.annual_plans.view().get(year)
        if plan is None:
            row: _Row = (False, zero, zero, zero, zero, due, done, bac, pv, earned)
        else:
            row = (True, plan, to_date, in_month, last_year, due, done, bac, pv, earned)
        # Stage on the day: the current one unless a stage event is still to come.
        events = p.stage_events
        if events:
            stage = p.stage if events[-1].on <= as_of else p.stage_at(as_of)
            if len(events) > 1:
                for e in events:
                    if e.kind is suspension and jan1 <= e.on <= as_of:
                        halted += 1
                        back += stage is not suspended
                        break
        else:
            stage = p.stage
        if p.approvals or stage is planned_stage or stage is reserved_stage:
            pending.append((p, stage))
        # New this year: Project.is_new_in, whose search of the events costs more than the
        # rest of this loop (measured: 39 ms against 6 ms per 20,000 projects). The model
        # makes the first stage event the start, so reading it is the same answer.
        if events:
            first = events[0]
            is_new = first.on.year == year if first.kind is start_kind else p.is_new_in(year)
        else:
            is_new = False
        key = (p.level._value_, p.category._value_, p.region, p.unit, stage._value_, is_new)
        bucket = buckets.get(key)
        if bucket is None:
            buckets[key] = [row]
        else:
            bucket.append(row)
        if want_leaders:
            by_project[id(p)] = row
    sums = {key: _column_sums(rows) for key, rows in buckets.items()}
    total = _total(list(sums.values()))
    new = _total([s for key, s in sums.items() if key[5]])
    continuing = _total([s for key, s in sums.items() if not key[5]])
    listed = sum(s[0] for s in sums.values())
    started = sum(s[0] for key, s in sums.items() if key[4] in _STARTED_VALUES)
    groups: dict[GroupBy, tuple[GroupFigures, ...]] = {}
    for dimension in wanted:
        parts: dict[str, list[_Sums]] = {}
        members: dict[str, int] = {}
        if dimension is GroupBy.LEADER:
            for leader in portfolio.leaders:
                rows = list(map(by_project.__getitem__, map(id, portfolio.by_leader(leader.name))))
                if rows:
                    parts[leader.name] = [_group_sums(rows)]
                    members[leader.name] = len(rows)
        else:
            part = _KEY_PART[dimension]
            for combination, s in sums.items():
                name = str(combination[part])
                parts.setdefault(name, []).append(s)
                members[name] = members.get(name, 0) + len(buckets[combination])
        groups[dimension] = tuple(
            _group_figures(dimension, name, members[name], parts[name], schedule)
            for name in sorted(parts)
        )
    n = len(portfolio.projects)
    led = len(portfolio.with_leader())
    served = len(portfolio.with_secretary())
    return _Parts(
        investment=_investment_of(total),
        new=_investment_of(new),
        continuing=_investment_of(continuing),
        start_rate=Ratio(started, listed),
        resumption_rate=Ratio(back, halted),
        coverage=Coverage(Ratio(led, n), Ratio(served, n)),
        approvals=_approvals(pending, as_of),
        earned_value=None if total is None or not total[7] else EarnedValue(*total[7:]),
        groups=groups,
    )


def _summary_parts(
    portfolio: Portfolio, as_of: dt.date, schedule: Ratio, wanted: Iterable[GroupBy]
) -> _Parts:
    """The project figures of a summary: in one pass, or by the reference if a sum rounded.

    Amounts are never negative, so when no addition of the one-pass order
    rounds (no digit is dropped at the context's precision), none of the
    reference's order does either and every sum is the same exact value, down
    to its exponent; a dropped digit, possible only with amounts some 28
    digits apart, sends the whole computation down the reference path.
    """
    with decimal.localcontext() as context:
        context.clear_flags()
        try:
            parts: _Parts | None = _parts_in_one_pass(portfolio, as_of, schedule, wanted)
        except decimal.DecimalException:
            parts = None
        if context.flags[decimal.Rounded]:
            parts = None
    return _parts_by_rows(portfolio, as_of, schedule, wanted) if parts is None else parts


def monthly_summary(
    portfolio: Portfolio,
    as_of: dt.date,
    *,
    calendar: WorkingCalendar | None = None,
    basis: TimeBasis = TimeBasis.MONTH,
    verdicts: Iterable[object] | None = None,
    light_policy: object | None = None,
    judge_lights: bool = True,
    actual_costs: Mapping[str, Decimal] | None = None,
    ev_method: EvMethod = EvMethod.INVESTMENT,
    issues_since: dt.date | None = None,
    deadline_basis: DeadlineBasis = DeadlineBasis.ORIGINAL,
    tiers: Sequence[str] = (),
    group_by: Iterable[GroupBy | str] = _ALL_DIMENSIONS,
    rank_by: str = "completion",
    better: Better = Better.HIGHER,
    advance: EscalationPolicy | PolicyBook | None = None,
) -> MonthlySummary:
    """Compute every figure of a monthly report of ``portfolio`` at ``as_of`` in one call.

    Lights: ``verdicts`` (any iterable of verdicts with ``.light``) when
    given; else, if ``judge_lights``, :func:`projpush.lights.judge_portfolio`
    with ``light_policy`` (its default when None); ``judge_lights=False``
    leaves the light figures out (``lights`` is None).

    Issues are counted as the ledger records them, unless ``advance`` is
    given: then they are first brought up to ``as_of`` under it
    (:func:`projpush.escalation.advance_all`), as
    :func:`projpush.report.build_report` does by default. The tier rows
    count the escalations that fell due, so the two must be asked the same.

    Args:
        portfolio: the ledger.
        as_of: the report date; figures run through :func:`report_month`.
        calendar: working-day calendar for issue durations (default: China official).
        basis: time-schedule basis.
        verdicts: precomputed light verdicts.
        light_policy: policy passed to the lights module when judging here.
        judge_lights: judge lights when no verdicts are given.
        actual_costs: AC per project key for earned value.
        ev_method: how EV is measured.
        issues_since: first collection date of the issues counted.
        deadline_basis: which limit decides on-time closure.
        tiers: tier order for the per-tier rows.
        group_by: the group tables to build.
        rank_by: the group figure the unit and region rankings use.
        better: the direction of ``rank_by`` that ranks first.
        advance: an :class:`~projpush.escalation.EscalationPolicy` or
            :class:`~projpush.escalation.PolicyBook` to advance the issues
            under first; None counts them as recorded.

    Raises:
        ValidationError: ``as_of`` or ``issues_since`` is not a date, a
            ``group_by`` dimension or ``rank_by`` figure is unknown, or (when
            judging lights) a project has no plan for the year; the other
            errors of the figures' own functions come through as they raise.
        PolicyError: ``advance`` is neither None nor a policy or book.

    >>> s = monthly_summary(Portfolio(), dt.date(2020, 5, 31), judge_lights=False)
    >>> s.completion.percent(), s.schedule.percent(), s.gap.format()
    ('n/a', '41.7 %', 'n/a')
    """
    instance_arg(portfolio, Portfolio, "portfolio")
    # Some 10^5 acyclic rows and tuples: the cycle collector would only rescan the ledger.
    plain_date_arg(as_of, "as_of")
    if issues_since is not None:
        plain_date_arg(issues_since, "issues_since")
    issues = portfolio.issues
    if advance is not None:
        from projpush import escalation  # noqa: PLC0415 (figures need no ladder)

        if not isinstance(advance, escalation.EscalationPolicy | escalation.PolicyBook):
            expected = "an EscalationPolicy, a PolicyBook or None"
            raise PolicyError.about("advance", expected, advance)
        issues = escalation.advance_all(issues, as_of, advance, calendar=calendar)
    with no_cycle_collection():
        projects = portfolio.projects
        schedule = time_schedule(as_of, basis)
        dimensions = tuple(dict.fromkeys(_dimension(d) for d in group_by))
        wanted = set(dimensions) | {GroupBy.UNIT, GroupBy.REGION}
        parts = _summary_parts(portfolio, as_of, schedule, wanted)
        groups = parts.groups
        if verdicts is not None:
            light_figs: LightFigures | None = light_figures(verdicts)
        elif judge_lights:
            light_figs = light_figures(_judge_lights(portfolio, as_of, light_policy))
        else:
            light_figs = None
        return MonthlySummary(
            as_of=as_of,
            month=report_month(as_of),
            basis=basis,
            projects=len(projects),
            investment=parts.investment,
            schedule=schedule,
            new=parts.new,
            continuing=parts.continuing,
            start_rate=parts.start_rate,
            resumption_rate=parts.resumption_rate,
            lights=light_figs,
            coverage=parts.coverage,
            approvals=parts.approvals,
            contacts=contact_figures(portfolio.secretaries, as_of),
            issues=issue_figures(
                issues,
                as_of,
                calendar=calendar,
                since=issues_since,
                basis=deadline_basis,
                tiers=tiers,
            ),
            earned_value=parts.earned_value
            if actual_costs is None and ev_method is EvMethod.INVESTMENT
            else portfolio_earned_value(
                projects, as_of, actual_costs=actual_costs, method=ev_method
            ),
            groups=tuple((d, groups[d]) for d in dimensions),
            rankings=(
                rank_groups(groups[GroupBy.UNIT], rank_by, better=better),
                rank_groups(groups[GroupBy.REGION], rank_by, better=better),
            ),
        )
