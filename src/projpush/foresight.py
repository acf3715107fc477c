r"""Foresight: who turns red at the next month end, what it would take, what if the rules change.

Every rule here is a pure function of facts, a date ``as_of`` and a policy,
built on the rules of :mod:`projpush.lights` and :mod:`projpush.escalation`:
a forecast *is* a judgement of the ledger with the coming months filled in,
never a second model of the rules.

- :func:`forecast_project` and :func:`forecast`: each project's light at the
  next month ends under three :class:`Assumption`s (the plan completed
  exactly, the current run-rate continued, nothing completed), each with its
  reasons;
- :func:`minimal_effort`: the smallest amount to complete this month to
  stay out of yellow, and out of red (exact, to 0.000001 万元: a fen), or the node
  tasks to finish by a date, or a statement that nothing can;
- :func:`due_soon`: the issues whose sheet colour or tier will change
  within the next working days, with the dates;
- :func:`compare`: the same ledger under two rule sets, project by project
  and issue by issue;
- :func:`sensitivity`: how many projects change light when one threshold
  moves by a step;
- :func:`lint`: gaps, overlaps, unstated boundaries, unreachable lights and
  tiers, bad limits of a policy or of a published rule's reading.

"This month" is the month after the last month that has ended on ``as_of``
(:func:`~projpush.schedule.last_complete_month`): on 15 November it is
November, on 30 November it is December.

>>> import datetime as dt
>>> from projpush.model import Project
>>> p = Project(name="机场快速路南延", level="city", category="infrastructure",
...     stage="under_construction", region="海曙区", unit="市交通局", local_id="NB-7",
...     monthly_plan={f"2020-{m:02d}": "1000" for m in range(1, 13)},
...     monthly_done={f"2020-{m:02d}": "1000" for m in range(1, 9)} | {"2020-09": "600",
...                   "2020-10": "500"})
>>> red, = [e for e in minimal_effort(p, dt.date(2020, 11, 15)) if e.light.value == "red"]
>>> red.amount, red.sentence()
(Decimal('1900'), '须在11月底前完成至少1,900万元，否则亮红灯')
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final, Protocol, cast

import attrs

from projpush._convert import FrozenMap, LabelledEnum, label, plain_date_arg, unchecked
from projpush.errors import PolicyError, ProjpushError, ValidationError
from projpush.escalation import (
    AUTO_ACTOR,
    EscalationPolicy,
    Ladder,
    PolicyBook,
    SheetPolicy,
    Tier,
    accountability_list,
    advance,
    overdue,
    timeline,
)
from projpush.lights import (
    Cutoff,
    GapMeasure,
    GapPolicy,
    LagPolicy,
    Light,
    LightCounts,
    LightPolicy,
    NodePolicy,
    Reason,
    Requirement,
    SiteActivityPolicy,
    Verdict,
    WorstOf,
    _default,
)
from projpush.model import EventKind, Issue, Milestone, Month, Portfolio, Project, SheetColor
from projpush.schedule import (
    WorkingCalendar,
    add_working_days,
    last_complete_month,
    resolve_calendar,
    time_progress,
    working_days_between,
)

__all__ = [
    "UNIT",
    "Assumption",
    "Band",
    "DueSoon",
    "Effort",
    "FigureChange",
    "Forecast",
    "IssueChange",
    "IssueSensitivity",
    "IssueSensitivityRow",
    "LightChange",
    "LintFinding",
    "Outlook",
    "PolicyDiff",
    "ProjectForecast",
    "PublishedRule",
    "RuleSet",
    "Sensitivity",
    "SensitivityRow",
    "bands_of",
    "compare",
    "due_soon",
    "forecast",
    "forecast_project",
    "issue_sensitivity",
    "lint",
    "minimal_effort",
    "run_rate",
    "scenario",
    "sensitivity",
]

UNIT: Final = Decimal("0.000001")
"""The smallest amount a minimal effort is stated in: 0.000001 万元, one fen (0.01 元)."""

_UNITS_PER_WAN: Final = 1_000_000
_ZERO: Final = Decimal(0)
_HUNDRED: Final = Decimal(100)
_RUN_RATE_MONTHS: Final = 3

# --------------------------------------------------------------------------- assumptions


class Assumption(LabelledEnum):
    """What a forecast assumes of the months between ``as_of`` and the month end judged."""

    PLAN = "plan"
    """Each month's plan is completed exactly: its monthly plan (0 where none),
    and every node task due by then done on its planned date (the day after
    ``as_of`` for one already overdue)."""
    RUN_RATE = "run_rate"
    """Each month completes the run-rate (:func:`run_rate`); a node task is
    done on the day its reported percent, continued at its pace since its
    start, reaches 100."""
    NOTHING = "nothing"
    """Each month completes 0 (reported as 0); no node task is done."""


label(Assumption, {"plan": "按计划完成", "run_rate": "按近期进度", "nothing": "零完成"})


def _project_arg(project: object) -> None:
    """Refuse anything but a :class:`~projpush.model.Project`, naming what came."""
    if not isinstance(project, Project):
        raise ValidationError.about("project", "a Project", project)


def _portfolio_arg(portfolio: object) -> None:
    """Refuse anything but a :class:`~projpush.model.Portfolio`, naming what came."""
    if not isinstance(portfolio, Portfolio):
        raise ValidationError.about("portfolio", "a Portfolio", portfolio)


def _rules_arg(field: str, rules: object) -> None:
    """Refuse a rule set without a name, a light policy and an escalation policy."""
    lights = getattr(rules, "lights", None)
    escalation = getattr(rules, "escalation", None)
    if (
        not isinstance(getattr(rules, "name", None), str)
        or not isinstance(lights, LightPolicy)
        or not isinstance(escalation, EscalationPolicy)
    ):
        expected = "a rule set (name, lights, escalation) such as a report's PolicySet"
        raise PolicyError.about(field, expected, rules)


def run_rate(project: Project, as_of: dt.date) -> Decimal:
    """The project's current run-rate: its average monthly completed amount lately.

    The sum of the amounts reported for the three months ending with the
    last month ended on ``as_of`` (a month with no report counts 0, across a
    new year too), divided by 3 and rounded *down* to :data:`UNIT`, so that
    a forecast never credits more than was done.

    Raises:
        ValidationError: ``as_of`` is not a date.

    >>> p = Project(name="港区扩建", level="city", category="infrastructure",
    ...     stage="under_construction", region="北仑区", unit="市港航局", local_id="NB-1",
    ...     monthly_done={"2020-08": "100", "2020-09": "90", "2020-10": "60"})
    >>> run_rate(p, dt.date(2020, 10, 31)), run_rate(p, dt.date(2020, 11, 30))
    (Decimal('83.333333'), Decimal('50'))
    """
    plain_date_arg(as_of, "as_of")
    _project_arg(project)
    last = last_complete_month(as_of)
    months = [last - i for i in range(_RUN_RATE_MONTHS)]
    total = sum((project.monthly_done.get(m, _ZERO) for m in months), _ZERO)
    return _units_down(Fraction(total) / _RUN_RATE_MONTHS)


def _units_down(value: Fraction) -> Decimal:
    return _from_units(math.floor(value * _UNITS_PER_WAN))


def _from_units(units: int) -> Decimal:
    # Division keeps the ideal exponent: 34200000 units is Decimal('3420'), not '3420.0000'.
    return Decimal(units) / _UNITS_PER_WAN


def scenario(
    project: Project,
    as_of: dt.date,
    until: Month,
    assumption: Assumption,
) -> Project:
    """``project`` with the months after the last one ended on ``as_of``, to ``until``, filled in.

    Each month's completed amount is replaced as ``assumption`` says; node
    tasks are marked done likewise. This is the ledger a forecast judges.

    Raises:
        ValidationError: ``as_of`` is not a date, ``until`` is not a month
            after the last one ended on ``as_of``, or ``assumption`` is not an
            :class:`Assumption`.
    """
    plain_date_arg(as_of, "as_of")
    _project_arg(project)
    last = last_complete_month(as_of)
    if not isinstance(until, Month) or until <= last:
        raise ValidationError.about("until", f"a Month after {last}", str(until))
    if not isinstance(assumption, Assumption):
        raise ValidationError.about("assumption", "an Assumption", assumption)
    months = [last + i for i in range(1, until - last + 1)]
    if assumption is Assumption.PLAN:
        amounts = {m: project.monthly_plan.get(m, _ZERO) for m in months}
    elif assumption is Assumption.RUN_RATE:
        rate = run_rate(project, as_of)
        amounts = dict.fromkeys(months, rate)
    else:
        amounts = dict.fromkeys(months, _ZERO)
    milestones = _milestones_as(project, as_of, until.last_day, assumption)
    done = FrozenMap({**project.monthly_done, **amounts})
    return _rebuilt(project, monthly_done=done, milestones=milestones)


def _milestones_as(
    project: Project, as_of: dt.date, end: dt.date, assumption: Assumption
) -> tuple[Milestone, ...]:
    if assumption is Assumption.NOTHING or not project.milestones:
        return project.milestones
    out = []
    for m in project.milestones:
        if m.done is not None and m.done <= as_of:
            out.append(m)
            continue
        on = _done_on(m, as_of, assumption)
        out.append(_finished(m, on) if on is not None and on <= end else m)
    return tuple(out)


_new_project: Final = unchecked(Project)
_PROJECT_FIELDS: Final = tuple((f.name, str(f.alias)) for f in attrs.fields(Project) if f.init)


def _rebuilt(project: Project, **changes: Any) -> Project:
    """``project`` with ``changes``, without checking again what was checked when it was built.

    Only for what this module makes from a checked project: completed amounts
    it computed (exact Decimals, by month) and milestones rebuilt through
    their own checks. A forecast rebuilds a project ten times: ``attrs.evolve``
    would convert and check every map of it each time, most of a forecast's cost.
    """
    values = {alias: getattr(project, name) for name, alias in _PROJECT_FIELDS}
    values.update(changes)
    return _new_project(**values)


def _finished(m: Milestone, on: dt.date) -> Milestone:
    """``m`` done on ``on`` (a reported percent becomes 100, as the model asks of a done task)."""
    return attrs.evolve(m, done=on, percent=None if m.percent is None else _HUNDRED)


def _done_on(m: Milestone, as_of: dt.date, assumption: Assumption) -> dt.date | None:
    """When an open node task is done under ``assumption`` (None: not foreseen)."""
    earliest = as_of + dt.timedelta(days=1)
    if assumption is Assumption.PLAN:
        on = max(m.planned, earliest)
    else:
        if m.start is None or m.percent is None or m.percent <= 0 or m.start >= as_of:
            return None
        elapsed = (as_of - m.start).days
        needed = math.ceil(Fraction(100) / Fraction(m.percent) * elapsed)
        on = max(m.start + dt.timedelta(days=needed), earliest)
    return max(on, m.start) if m.start is not None else on


# --------------------------------------------------------------------------- forecast


def _judge(policy: LightPolicy, project: Project, day: dt.date) -> Verdict:
    """``policy.judge``, a project that cannot be judged shown as not judged with the error."""
    try:
        return policy.judge(project, day)
    except ValidationError as error:
        reason = Reason("scope", "no_plan", figures={"error": str(error), "year": day.year})
        return Verdict(project.key, day, None, (reason,), policy.name)


@attrs.frozen
class Outlook:
    """One project's light at one month end under one assumption, with its reasons.

    ``reasons`` opens with the assumption (a ``forecast`` reason naming the
    months filled in), then the verdict's own reasons.
    """

    project: str
    month: Month
    assumption: Assumption
    verdict: Verdict
    reasons: tuple[Reason, ...]

    @property
    def light(self) -> Light | None:
        """The light foreseen (None: not judged)."""
        return self.verdict.light


def _outlook(
    policy: LightPolicy, project: Project, as_of: dt.date, month: Month, assumption: Assumption
) -> Outlook:
    filled = scenario(project, as_of, month, assumption)
    verdict = _judge(policy, filled, month.last_day)
    last = last_complete_month(as_of)
    months = [last + i for i in range(1, month - last + 1)]
    key = f"forecast.assumed.{assumption.value}"
    zh, en = _said(key, "zh"), _said(key, "en")
    figures: dict[str, Any] = {"first": months[0], "last": months[-1]}
    if assumption is Assumption.RUN_RATE:
        figures["rate"] = run_rate(project, as_of)
    why = Reason.custom("forecast", assumption.value, zh=zh, en=en, months=months, figures=figures)
    return Outlook(project.key, month, assumption, verdict, (why, *verdict.reasons))


@attrs.frozen
class ProjectForecast:
    """One project's light now, at the next month ends, and the effort to stay out of each light."""

    project: str
    name: str
    unit: str
    now: Verdict
    outlooks: tuple[Outlook, ...]
    efforts: tuple[Effort, ...]

    def outlook(self, month: Month, assumption: Assumption) -> Outlook:
        """The outlook at ``month``'s end under ``assumption``.

        Raises:
            ValidationError: the forecast holds no such outlook.
        """
        for o in self.outlooks:
            if o.month == month and o.assumption is assumption:
                return o
        raise ValidationError.about(
            "month", "a month of the forecast", f"{month} ({assumption.value})"
        )


def _months_arg(months: object) -> int:
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= 12:
        raise ValidationError.about("months", "a whole number of months from 1 to 12", months)
    return months


def forecast_project(
    project: Project,
    as_of: dt.date,
    policy: LightPolicy | None = None,
    *,
    months: int = 2,
) -> ProjectForecast:
    """The project's light at the next ``months`` month ends under each :class:`Assumption`.

    Each outlook judges :func:`scenario` at the month end, so it is exactly
    the light the ledger would show with those figures reported.

    Raises:
        ValidationError: ``as_of`` is not a date or ``months`` not from 1 to 12.
        PolicyError: ``policy`` is not a :class:`~projpush.lights.LightPolicy`.

    >>> p = Project(name="港区扩建", level="city", category="infrastructure",
    ...     stage="under_construction", region="北仑区", unit="市港航局", local_id="NB-1",
    ...     monthly_plan={f"2020-{m:02d}": "100" for m in range(1, 13)},
    ...     monthly_done={f"2020-{m:02d}": "100" for m in range(1, 10)} | {"2020-10": "50"})
    >>> f = forecast_project(p, dt.date(2020, 10, 31))
    >>> [(str(o.month), o.assumption.value, o.light.value) for o in f.outlooks]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('2020-11', 'plan', 'yellow'), ('2020-11', 'run_rate', 'yellow'),
     ('2020-11', 'nothing', 'yellow'), ('2020-12', 'plan', 'red'),
     ('2020-12', 'run_rate', 'red'), ('2020-12', 'nothing', 'red')]
    """
    plain_date_arg(as_of, "as_of")
    _project_arg(project)
    n = _months_arg(months)
    chosen = _default(policy)
    last = last_complete_month(as_of)
    outlooks = tuple(
        _outlook(chosen, project, as_of, last + i, a) for i in range(1, n + 1) for a in Assumption
    )
    return ProjectForecast(
        project.key,
        project.name,
        project.unit,
        _judge(chosen, project, as_of),
        outlooks,
        minimal_effort(project, as_of, chosen),
    )


@attrs.frozen
class Forecast:
    """A portfolio's forecast at ``as_of``: every project's, and the issues due soon."""

    as_of: dt.date
    policy: str
    months: tuple[Month, ...]
    projects: tuple[ProjectForecast, ...]
    due_soon: tuple[DueSoon, ...] = ()
    due_within: int | None = None

    def counts(self, month: Month, assumption: Assumption) -> LightCounts:
        """How many projects show each light at ``month``'s end under ``assumption``."""
        return LightCounts.of(p.outlook(month, assumption).light for p in self.projects)

    def turning(self, light: Light, assumption: Assumption = Assumption.PLAN) -> tuple[str, ...]:
        """Projects not at ``light`` or worse now that reach it at the next month end."""
        month = self.months[0]
        return tuple(
            p.project
            for p in self.projects
            if (p.now.light is None or p.now.light < light)
            and (o := p.outlook(month, assumption).light) is not None
            and o >= light
        )


def forecast(
    portfolio: Portfolio,
    as_of: dt.date,
    policy: LightPolicy | None = None,
    *,
    months: int = 2,
    escalation: EscalationPolicy | PolicyBook | None = None,
    book: PolicyBook | None = None,
    due_within: int | None = None,
    calendar: WorkingCalendar | None = None,
) -> Forecast:
    """:func:`forecast_project` for every project, and :func:`due_soon` when asked.

    Raises:
        ValidationError: ``as_of`` is not a date, ``months`` not from 1 to 12,
            or ``due_within`` given without ``escalation``; as :func:`due_soon`.
        PolicyError: ``policy`` is not a :class:`~projpush.lights.LightPolicy`.
    """
    plain_date_arg(as_of, "as_of")
    _portfolio_arg(portfolio)
    n = _months_arg(months)
    chosen = _default(policy)
    projects = tuple(forecast_project(p, as_of, chosen, months=n) for p in portfolio.projects)
    last = last_complete_month(as_of)
    soon: tuple[DueSoon, ...] = ()
    if due_within is not None:
        if escalation is None:
            raise ValidationError.about("escalation", "a policy with due_within", None)
        soon = due_soon(
            portfolio.issues, as_of, escalation, due_within, book=book, calendar=calendar
        )
    month_list = tuple(last + i for i in range(1, n + 1))
    return Forecast(as_of, chosen.name, month_list, projects, soon, due_within)


# --------------------------------------------------------------------------- minimal effort


@attrs.frozen
class Effort:
    """What it takes for a project to stay out of ``light`` at the end of ``month``.

    Attributes:
        project: the project key.
        month: the month judged (this month).
        light: the light to stay out of (yellow: out of yellow and red).
        possible: False when nothing done this month can avoid it.
        amount: the least amount to complete in ``month`` (the whole month's
            figure, in 万元, exact to :data:`UNIT`), or None when the light
            does not depend on an amount or cannot be avoided.
        milestones: node tasks to finish, each with the last day to do it.
        judged: False when the project is not judged at the month end.
        reasons: why: the verdict at the month end with the effort made
            (or, when impossible, with every effort made).
    """

    project: str
    month: Month
    light: Light
    possible: bool
    amount: Decimal | None = None
    milestones: tuple[tuple[str, dt.date], ...] = ()
    judged: bool = True
    reasons: tuple[Reason, ...] = ()

    def sentence(self, lang: str = "zh") -> str:
        """The report sentence: 须在11月底前完成至少3,420万元，否则亮红灯.

        Raises:
            ValidationError: ``lang`` is neither ``"zh"`` nor ``"en"``.
        """
        if lang not in ("zh", "en"):
            raise ValidationError.about("lang", "'zh' or 'en'", lang)
        when = _said("effort.when", lang).format(month=_said(f"month.{self.month.month}", lang))
        light = _said(f"enum.Light.{self.light.value}", lang)
        if not self.judged:
            return _said("effort.not_judged", lang).format(when=when)
        if not self.possible:
            why = _said("lights.reasons_sep", lang).join(r.text(lang) for r in self.reasons)
            return _said("effort.impossible", lang).format(when=when, light=light, why=why)
        needs = (
            [_said("effort.amount", lang).format(amount=f"{self.amount:,f}")] if self.amount else []
        )
        needs += [
            _said("effort.node", lang).format(name=name, day=day) for name, day in self.milestones
        ]
        if not needs:
            return _said("effort.nothing_needed", lang).format(when=when, light=light)
        joined = _said("lights.list_sep", lang).join(needs)
        return _said("effort.must", lang).format(when=when, light=light, needs=joined)


@functools.cache
def _said(key: str, lang: str) -> str:
    """The message catalogue's template ``key`` in ``lang`` (the report side's, at first use)."""
    from projpush.messages import template  # noqa: PLC0415

    return template(key, lang)


def _components(policy: LightPolicy) -> list[LightPolicy]:
    if isinstance(policy, WorstOf):
        return [c for p in policy.policies for c in _components(p)]
    return [policy]


def _with_amount(project: Project, month: Month, amount: Decimal) -> Project:
    return _rebuilt(project, monthly_done=FrozenMap({**project.monthly_done, month: amount}))


def _sum_before(values: Mapping[Month, Decimal], month: Month) -> Decimal:
    return sum((v for m, v in values.items() if m.year == month.year and m < month), _ZERO)


def _lag_bar(policy: LagPolicy, project: Project, month: Month) -> Fraction:
    """The least amount in ``month`` for it to meet the lag policy's requirement."""
    if policy.requirement is Requirement.MONTHLY:
        return Fraction(project.monthly_plan.get(month, _ZERO) * policy.tolerance)
    plan = _sum_before(project.monthly_plan, month) + project.monthly_plan.get(month, _ZERO)
    return Fraction(plan * policy.tolerance) - Fraction(_sum_before(project.monthly_done, month))


def _gap_bar(
    policy: GapPolicy, project: Project, month: Month, light: Light
) -> tuple[Fraction, bool] | None:
    """The amount in ``month`` the shortfall must pass to leave ``light``: (bar, strictly).

    None when the month's amount does not count at its end (a previous-month cutoff).
    """
    if policy.cutoff is Cutoff.PREVIOUS_MONTH:
        return None
    annual = project.annual_plan(month.year)
    if annual is None or annual <= 0:
        return None
    at, inclusive = (
        (policy.red_at, policy.red_inclusive)
        if light is Light.RED
        else (policy.yellow_at, policy.yellow_inclusive)
    )
    progress = time_progress(month.last_day, policy.basis)
    share = (
        progress - at / 100 if policy.measure is GapMeasure.POINTS else progress * (1 - at / 100)
    )
    bar = Fraction(annual) * share - Fraction(_sum_before(project.monthly_done, month))
    return bar, inclusive


def _units_at_least(bar: Fraction, *, strictly: bool) -> Decimal:
    """The least multiple of :data:`UNIT` at or above (above, when ``strictly``) ``bar``, ≥ 0."""
    scaled = bar * _UNITS_PER_WAN
    units = math.floor(scaled) + 1 if strictly else math.ceil(scaled)
    return _from_units(max(units, 0))


def _amount_for(
    policy: LightPolicy, project: Project, month: Month, light: Light
) -> Decimal | None:
    """The least amount in ``month`` for ``policy`` to leave ``light``; None if none can."""
    if isinstance(policy, LagPolicy):
        return _units_at_least(_lag_bar(policy, project, month), strictly=False)
    if isinstance(policy, GapPolicy):
        gap = _gap_bar(policy, project, month, light)
        return None if gap is None else _units_at_least(gap[0], strictly=gap[1])
    if isinstance(policy, SiteActivityPolicy):
        return None  # cameras, not amounts
    return _searched(policy, project, month, light)


_SEARCH_CAP: Final = 10**10 * _UNITS_PER_WAN  # 10^10 万元, beyond any project's month


def _searched(policy: LightPolicy, project: Project, month: Month, light: Light) -> Decimal | None:
    """The least amount in ``month`` that keeps ``project`` out of ``light``, found by search.

    For a policy whose bar is not worked out here (a share of the schedule,
    growth, your own): assuming more done never makes its light worse, the
    amount doubles from one 万元 until the light is left, then a binary
    search in units finds the least. None when even 10^10 万元 leaves it on.
    """
    end = month.last_day

    def out(units: int) -> bool:
        seen = _judge(policy, _with_amount(project, month, _from_units(units)), end).light
        return seen is not None and seen < light

    low, high = 0, _UNITS_PER_WAN  # not out at 0: the caller judged it
    while not out(high):
        if high >= _SEARCH_CAP:
            return None
        low, high = high, high * 2
    while high - low > 1:
        mid = (low + high) // 2
        low, high = (low, mid) if out(mid) else (mid, high)
    return _from_units(high)


def _node_needs(
    policy: NodePolicy, project: Project, as_of: dt.date, end: dt.date, light: Light
) -> tuple[dict[str, dt.date], bool]:
    """Node tasks to finish and by when to stay out of ``light`` at ``end``; False if impossible."""
    needs: dict[str, dt.date] = {}
    ok = True
    start = Month.of(end).first_day
    earliest = as_of + dt.timedelta(days=1)
    for m in project.milestones:
        if m.done is not None and m.done <= as_of:
            if light is Light.YELLOW and m.done > m.planned and m.done >= start:
                ok = False  # done late within the month judged: yellow whatever comes
            continue
        if m.planned > end or (m.planned == end and not policy.missed_on_due_day):
            continue
        by = end if light is Light.RED else max(m.planned, start - dt.timedelta(days=1))
        if by < earliest:
            ok = False
        needs[m.name] = by
    return needs, ok


def _done_by(project: Project, needs: Mapping[str, dt.date], earliest: dt.date) -> Project:
    if not needs:
        return project
    milestones = tuple(
        _finished(m, max(needs[m.name], m.start or needs[m.name], earliest))
        if m.name in needs
        else m
        for m in project.milestones
    )
    return _rebuilt(project, milestones=milestones)


def minimal_effort(
    project: Project, as_of: dt.date, policy: LightPolicy | None = None
) -> tuple[Effort, Effort]:
    """The least it takes this month to stay out of yellow, and out of red: exact.

    For the lag and gap policies, the least amount completed in this month
    (to :data:`UNIT`), worked out from their bars: completing it keeps the
    project out of that light at the month end, and one unit less does not.
    Any other policy but the node and site ones (a share of the schedule,
    growth, your own) is searched to the unit, assuming more done never
    makes its light worse. For the node policy, the node
    tasks to finish and the last day for each. A :class:`WorstOf` takes the
    largest amount and every node task its policies ask for. When nothing
    done this month changes the light (Sanya judges to the previous month; a
    site policy sees cameras, not amounts), or when even the effort asked
    leaves the light on, the effort is impossible, with the verdict as its
    reason. A node task's percent complete is not forecast: a slow open
    task stays slow.

    Raises:
        ValidationError: ``as_of`` is not a date.
        PolicyError: ``policy`` is not a :class:`~projpush.lights.LightPolicy`.
    """
    plain_date_arg(as_of, "as_of")
    _project_arg(project)
    chosen = _default(policy)
    month = last_complete_month(as_of) + 1
    return (
        _effort(project, as_of, chosen, month, Light.YELLOW),
        _effort(project, as_of, chosen, month, Light.RED),
    )


def _effort(
    project: Project, as_of: dt.date, policy: LightPolicy, month: Month, light: Light
) -> Effort:
    end = month.last_day
    base = _with_amount(project, month, _ZERO)
    amount = _ZERO
    needs: dict[str, dt.date] = {}
    feasible = True
    for comp in _components(policy):
        comp_light = _judge(comp, base, end).light
        if comp_light is None or comp_light < light:
            continue
        if isinstance(comp, NodePolicy):
            more, ok = _node_needs(comp, project, as_of, end, light)
            feasible = feasible and ok
            for name, by in more.items():
                needs[name] = min(by, needs.get(name, by))
        else:
            found = _amount_for(comp, project, month, light)
            amount = max(amount, found) if found is not None else amount
    tried = _done_by(_with_amount(project, month, amount), needs, as_of + dt.timedelta(days=1))
    verdict = _judge(policy, tried, end)
    if verdict.light is None:
        return Effort(
            project.key, month, light, possible=False, judged=False, reasons=verdict.reasons
        )
    if not feasible or verdict.light >= light:
        return Effort(project.key, month, light, possible=False, reasons=verdict.reasons)
    tasks = tuple(sorted(needs.items(), key=lambda kv: (kv[1], kv[0])))
    return Effort(
        project.key,
        month,
        light,
        possible=True,
        amount=amount,
        milestones=tasks,
        reasons=verdict.reasons,
    )


# --------------------------------------------------------------------------- due soon


@attrs.frozen
class DueSoon:
    """An issue whose sheet colour or tier changes on ``on`` if nothing is done.

    ``working_days`` counts from ``as_of`` to ``on``; ``note`` is the step's
    own reason, as :func:`~projpush.escalation.advance` would record it.
    """

    issue: str
    project: str
    on: dt.date
    working_days: int
    kind: EventKind
    sheet: SheetColor | None
    tier: str | None
    deadline: dt.date | None
    note: str


def due_soon(
    issues: Iterable[Issue] | Portfolio,
    as_of: dt.date,
    policy: EscalationPolicy | PolicyBook,
    within: int,
    *,
    book: PolicyBook | None = None,
    calendar: WorkingCalendar | None = None,
) -> tuple[DueSoon, ...]:
    """Issues that will change sheet colour or tier within ``within`` working days of ``as_of``.

    Each issue is first brought up to ``as_of`` (:func:`~projpush.escalation.advance`),
    then :func:`~projpush.escalation.timeline` runs on to the ``within``-th
    working day after ``as_of``; every sheet issued and every escalation
    after ``as_of`` is listed, by date, then issue. An issue that records its
    policy version is advanced under ``book``'s version of it when ``book``
    is given; one that records none under ``policy``.

    Raises:
        ValidationError: ``as_of`` is not a date or ``within`` not a whole
            number of working days from 0.
        CalendarCoverageError, UnknownReferenceError, PolicyError: as
            :func:`~projpush.escalation.advance`.

    >>> from projpush.escalation import assign
    >>> from projpush.synth import CALENDAR_2020
    >>> p = EscalationPolicy.binzhou()
    >>> q = Issue.collect("Q-1", "P-1", category="land", title="林地调规",
    ...     on=dt.date(2020, 9, 28), by="驻企服务员")
    >>> q = assign(q, dt.date(2020, 9, 29), p, by="市指挥部办公室", calendar=CALENDAR_2020)
    >>> [(d.on.isoformat(), d.working_days, d.sheet.value)
    ...  for d in due_soon([q], dt.date(2020, 10, 12), p, 3, calendar=CALENDAR_2020)]
    [('2020-10-14', 2, 'yellow')]
    """
    plain_date_arg(as_of, "as_of")
    if isinstance(within, bool) or not isinstance(within, int) or within < 0:
        raise ValidationError.about("within", "a whole number of working days >= 0", within)
    cal = resolve_calendar(calendar)
    until = add_working_days(as_of, within, calendar=cal)
    items = issues.issues if isinstance(issues, Portfolio) else issues
    out: list[DueSoon] = []
    for q in items:
        chosen = book if book is not None and q.status.policy is not None else policy
        now = advance(q, as_of, chosen, calendar=cal)
        for e in timeline(now, chosen, until, calendar=cal):
            if e.at <= as_of or e.kind not in {EventKind.SHEET_ISSUED, EventKind.ESCALATED}:
                continue
            days = working_days_between(as_of, e.at, calendar=cal)
            out.append(
                DueSoon(q.id, q.project, e.at, days, e.kind, e.sheet, e.tier, e.deadline, e.note)
            )
    out.sort(key=lambda d: (d.on, d.issue))
    return tuple(out)


# --------------------------------------------------------------------------- compare


class RuleSet(Protocol):
    """A light policy and an escalation policy under a name (a report's ``PolicySet``)."""

    @property
    def name(self) -> str:
        """The rule set's name."""
        ...

    @property
    def lights(self) -> LightPolicy:
        """Its light policy."""
        ...

    @property
    def escalation(self) -> EscalationPolicy:
        """Its escalation policy."""
        ...


@attrs.frozen
class LightChange:
    """A project whose light differs between the two rule sets, with both verdicts (the why)."""

    project: str
    a: Verdict
    b: Verdict


@attrs.frozen
class IssueChange:
    """An issue whose sheet colour, tier or deadline differs under the two rule sets.

    ``why_a`` and ``why_b`` are the notes of the last automatic step under each.
    """

    issue: str
    project: str
    sheet_a: SheetColor | None
    sheet_b: SheetColor | None
    tier_a: str | None
    tier_b: str | None
    deadline_a: dt.date | None
    deadline_b: dt.date | None
    why_a: str
    why_b: str


@attrs.frozen
class FigureChange:
    """A report figure that differs: its name and both values."""

    name: str
    a: int
    b: int


@attrs.frozen
class PolicyDiff:
    """What changes when the ledger is judged under ``b`` instead of ``a``, and why."""

    as_of: dt.date
    a: str
    b: str
    lights: tuple[LightChange, ...]
    issues: tuple[IssueChange, ...]
    figures: tuple[FigureChange, ...]

    @property
    def unchanged(self) -> bool:
        """True when nothing differs."""
        return not (self.lights or self.issues or self.figures)


def _built_in_book() -> dict[str, EscalationPolicy]:
    return {
        p.key: p
        for p in (
            EscalationPolicy.dalian(),
            EscalationPolicy.ningbo(),
            EscalationPolicy.binzhou(),
            EscalationPolicy.yinzhou(),
        )
    }


def _as_if(issue: Issue, policy: EscalationPolicy, known: Mapping[str, EscalationPolicy]) -> Issue:
    """``issue`` as if assigned under ``policy``: people's steps kept, automatic ones dropped.

    A tier the ladder lacks is mapped by its position on the ladder the
    issue was recorded under (capped at the top).

    Raises:
        ProjpushError: the steps kept do not make a valid history under ``policy``.
    """
    recorded = known.get(issue.status.policy or "")
    tiers = policy.ladder.tiers

    def tier(name: str | None) -> str | None:
        if name is None or name in policy.ladder._index:  # noqa: SLF001
            return name
        at = 0
        if recorded is not None and name in recorded.ladder._index:  # noqa: SLF001
            at = recorded.ladder.index(name)
        return tiers[min(at, len(tiers) - 1)].name

    events = []
    for e in issue.events:
        if e.actor == AUTO_ACTOR:
            continue
        owner = e.owner
        mapped = tier(e.tier)
        if (
            mapped != e.tier
            and recorded is not None
            and e.tier is not None
            and owner == recorded.ladder.tier(e.tier).owner
        ):
            owner = policy.ladder.tier(str(mapped)).owner
        events.append(
            attrs.evolve(
                e, tier=mapped, owner=owner, policy=policy.key if e.policy is not None else None
            )
        )
    return Issue(
        issue.id, issue.project, issue.category, issue.title, tuple(events), issue.difficulty
    )


def _issues_under(
    issues: Sequence[Issue],
    as_of: dt.date,
    policy: EscalationPolicy,
    cal: WorkingCalendar,
    known: Mapping[str, EscalationPolicy],
) -> list[Issue | None]:
    out: list[Issue | None] = []
    for q in issues:
        try:
            out.append(advance(_as_if(q, policy, known), as_of, policy, calendar=cal))
        except ProjpushError:
            out.append(None)
    return out


def _standing(
    q: Issue | None, policy: EscalationPolicy
) -> tuple[SheetColor | None, int | None, dt.date | None] | None:
    """An issue's sheet, rung on the ladder and deadline: what a comparison compares."""
    if q is None:
        return None
    tier = q.tier
    rung = policy.ladder.index(tier) if tier is not None and tier in policy.ladder._index else None  # noqa: SLF001
    return q.sheet, rung, q.deadline


def _last_note(q: Issue | None) -> str:
    if q is None:
        return "cannot be replayed under this policy"
    auto = (e.note for e in reversed(q.events) if e.actor == AUTO_ACTOR)
    return next(auto, q.events[-1].note)


def _figures(
    verdicts: Sequence[Verdict], issues: Sequence[Issue], as_of: dt.date, cal: WorkingCalendar
) -> dict[str, int]:
    counts = LightCounts.of(v.light for v in verdicts)
    out = {
        "lights.green": counts.green,
        "lights.yellow": counts.yellow,
        "lights.red": counts.red,
        "lights.not_judged": counts.not_judged,
    }
    open_issues = [q for q in issues if q.is_open]
    sheets = Counter(q.sheet.value if q.sheet else "none" for q in open_issues)
    tiers = Counter(q.tier or "none" for q in open_issues)
    out.update({f"issues.sheet.{k}": v for k, v in sorted(sheets.items())})
    out.update({f"issues.tier.{k}": v for k, v in sorted(tiers.items())})
    out["issues.overdue"] = len(overdue(issues, as_of, calendar=cal))
    out["accountability.units"] = len(accountability_list(issues, as_of))
    return out


def compare(
    portfolio: Portfolio,
    as_of: dt.date,
    a: RuleSet,
    b: RuleSet,
    *,
    calendar: WorkingCalendar | None = None,
) -> PolicyDiff:
    """The ledger on ``as_of`` under ``a`` and under ``b``: every project and issue that changes.

    Lights: each project judged by both light policies; a change lists both
    verdicts, whose reasons say why. Issues: each issue replayed *as if* it
    had been assigned under each escalation policy: the steps people
    recorded (collected, assigned, started, resolved, ...) are kept with
    their dates and deadlines, tiers the other ladder lacks are mapped by
    position, and the automatic sheets and escalations are worked out anew
    by :func:`~projpush.escalation.advance`. An issue whose history is not
    valid under a policy is shown with that as its why. Figures: light
    counts, open issues by sheet and by tier, overdue issues, units on the
    accountability list.

    Raises:
        ValidationError: ``as_of`` is not a date.
        PolicyError: a rule set's light policy is not a LightPolicy.
        CalendarCoverageError: as :func:`~projpush.escalation.advance`.
    """
    plain_date_arg(as_of, "as_of")
    _portfolio_arg(portfolio)
    _rules_arg("a", a)
    _rules_arg("b", b)
    cal = resolve_calendar(calendar)
    la, lb = _default(a.lights), _default(b.lights)
    va = [_judge(la, p, as_of) for p in portfolio.projects]
    vb = [_judge(lb, p, as_of) for p in portfolio.projects]
    lights = tuple(
        LightChange(x.project, x, y) for x, y in zip(va, vb, strict=True) if x.light != y.light
    )
    known = {**_built_in_book(), a.escalation.key: a.escalation, b.escalation.key: b.escalation}
    qa = _issues_under(portfolio.issues, as_of, a.escalation, cal, known)
    qb = _issues_under(portfolio.issues, as_of, b.escalation, cal, known)
    changes = []
    for q, x, y in zip(portfolio.issues, qa, qb, strict=True):
        # Tiers compare by their rung: 'unit' on one ladder is 'county' on another.
        fx = _standing(x, a.escalation)
        fy = _standing(y, b.escalation)
        if fx == fy:
            continue
        changes.append(
            IssueChange(
                q.id,
                q.project,
                x.sheet if x else None,
                y.sheet if y else None,
                x.tier if x else None,
                y.tier if y else None,
                x.deadline if x else None,
                y.deadline if y else None,
                _last_note(x),
                _last_note(y),
            )
        )
    fa = _figures(va, [q for q in qa if q is not None], as_of, cal)
    fb = _figures(vb, [q for q in qb if q is not None], as_of, cal)
    figures = tuple(
        FigureChange(k, fa.get(k, 0), fb.get(k, 0))
        for k in sorted(fa.keys() | fb.keys())
        if fa.get(k, 0) != fb.get(k, 0)
    )
    return PolicyDiff(as_of, a.name, b.name, lights, tuple(changes), figures)


# --------------------------------------------------------------------------- sensitivity

_STEPS: Final[Mapping[type, Mapping[str, Decimal | Fraction | int]]] = {
    LagPolicy: {"tolerance": Decimal("0.05"), "streak_for_yellow": 1, "streak_for_red": 1},
    GapPolicy: {"yellow_at": Fraction(5), "red_at": Fraction(5)},
    NodePolicy: {"slack_points": Fraction(5)},
    SiteActivityPolicy: {"yellow_after_days": 1, "red_after_days": 1},
}


@attrs.frozen
class SensitivityRow:
    """The portfolio's lights with one threshold moved by ``offset`` steps.

    ``changed`` lists ``(project, light before, light after)``; ``error`` says
    why a moved value makes no valid policy (the row then counts nothing).
    """

    offset: int
    value: Decimal | Fraction | int | None
    counts: LightCounts
    changed: tuple[tuple[str, Light | None, Light | None], ...]
    error: str | None = None


@attrs.frozen
class Sensitivity:
    """How many projects change light as ``parameter`` moves by ``step`` (:func:`sensitivity`)."""

    as_of: dt.date
    policy: str
    parameter: str
    step: Decimal | Fraction | int
    base: Decimal | Fraction | int | None
    rows: tuple[SensitivityRow, ...]

    def table(self) -> list[tuple[str, str, int, int, int, int]]:
        """Rows (offset, value, changed, green, yellow, red); an invalid value shows its error."""
        return [
            (
                f"{r.offset:+d}",
                r.error or _show(r.value),
                len(r.changed),
                r.counts.green,
                r.counts.yellow,
                r.counts.red,
            )
            for r in self.rows
        ]


def _show(value: object) -> str:
    if isinstance(value, Fraction) and value.denominator == 1:
        return str(value.numerator)
    return "none" if value is None else str(value)


def _target(policy: LightPolicy, parameter: str) -> tuple[LightPolicy, str, list[int]]:
    """The policy holding ``parameter`` (``"1.red_at"``: the second policy of a WorstOf)."""
    path: list[int] = []
    name = parameter
    while isinstance(policy, WorstOf):
        head, dot, rest = name.partition(".")
        if not dot or not head.isdigit() or int(head) >= len(policy.policies):
            names = ", ".join(f"{i}.<name> ({p.name})" for i, p in enumerate(policy.policies))
            raise ValidationError.about("parameter", f"one of {names}", parameter)
        path.append(int(head))
        policy, name = policy.policies[int(head)], rest
    return policy, name, path


def _replace(policy: LightPolicy, path: list[int], inner: LightPolicy) -> LightPolicy:
    if not path:
        return inner
    assert isinstance(policy, WorstOf)  # noqa: S101 (path only walks WorstOf)
    parts = list(policy.policies)
    parts[path[0]] = _replace(parts[path[0]], path[1:], inner)
    return WorstOf(tuple(parts))


def sensitivity(
    portfolio: Portfolio,
    as_of: dt.date,
    policy: LightPolicy,
    parameter: str,
    *,
    steps: Iterable[int] = (-2, -1, 1, 2),
    step: Decimal | Fraction | int | None = None,
) -> Sensitivity:
    """How many projects change light on ``as_of`` when ``parameter`` moves by ``step`` at a time.

    The parameters and their default steps: a lag policy's ``tolerance``
    (0.05), ``streak_for_yellow`` and ``streak_for_red`` (1 month); a gap
    policy's ``yellow_at`` and ``red_at`` (5 points or percent); a node
    policy's ``slack_points`` (5); a site policy's ``yellow_after_days`` and
    ``red_after_days`` (1 day). In a :class:`~projpush.lights.WorstOf`,
    prefix the parameter with the policy's position: ``"0.tolerance"``. Each
    moved policy is built anew (``attrs.evolve``), so a value it refuses
    (a tolerance above 1, red before yellow) makes a row with its error.

    Raises:
        ValidationError: ``as_of`` is not a date, ``parameter`` is not one of
            the policy's, ``step`` is not a positive exact number, or
            ``steps`` holds something other than whole numbers.
        PolicyError: ``policy`` is not a :class:`~projpush.lights.LightPolicy`.

    >>> from projpush.synth import SAMPLE_AS_OF, sample_portfolio
    >>> s = sensitivity(sample_portfolio(), SAMPLE_AS_OF, LagPolicy.ningbo(), "streak_for_red")
    >>> [(offset, value, changed) for offset, value, changed, *_ in s.table()]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('-2', 'streak_for_red: expected > streak_for_yellow (2), got 1', 0),
     ('-1', 'streak_for_red: expected > streak_for_yellow (2), got 2', 0),
     ('+1', '4', 0), ('+2', '5', 5)]
    """
    plain_date_arg(as_of, "as_of")
    _portfolio_arg(portfolio)
    chosen = _default(policy)
    inner, name, path = _target(chosen, parameter)
    known = next((v for k, v in _STEPS.items() if isinstance(inner, k)), {})
    if name not in known:
        names = ", ".join(known) or "none"
        raise ValidationError.about(
            "parameter", f"a threshold of {inner.name} ({names})", parameter
        )
    if step is None:
        step = known[name]
    if isinstance(step, bool) or not isinstance(step, Decimal | Fraction | int) or step <= 0:
        raise ValidationError.about("step", "a positive exact number", step)
    offsets = tuple(steps)
    for o in offsets:
        if isinstance(o, bool) or not isinstance(o, int):
            raise ValidationError.about("steps", "whole numbers of steps", o)
    base = getattr(inner, name)
    before = [_judge(chosen, p, as_of).light for p in portfolio.projects]
    rows = []
    for offset in offsets:
        start = base if base is not None else getattr(inner, "yellow_after_days", 0)
        value = start + step * offset
        try:
            moved = _replace(chosen, path, attrs.evolve(cast("Any", inner), **{name: value}))
        except PolicyError as error:
            rows.append(SensitivityRow(offset, value, LightCounts(), (), str(error)))
            continue
        after = [_judge(moved, p, as_of).light for p in portfolio.projects]
        changed = tuple(
            (p.key, x, y)
            for p, x, y in zip(portfolio.projects, before, after, strict=True)
            if x != y
        )
        rows.append(SensitivityRow(offset, value, LightCounts.of(after), changed))
    return Sensitivity(as_of, chosen.name, parameter, step, base, tuple(rows))


@attrs.frozen
class IssueSensitivityRow:
    """The problem list with one escalation limit moved by ``offset`` steps.

    ``changed`` lists the issues whose sheet, rung or deadline differs from
    the policy as it is; ``error`` says why a moved value makes no valid policy.
    """

    offset: int
    value: int
    changed: tuple[str, ...]
    error: str | None = None


@attrs.frozen
class IssueSensitivity:
    """How many issues change sheet, rung or deadline as an escalation limit moves."""

    as_of: dt.date
    policy: str
    parameter: str
    base: int
    rows: tuple[IssueSensitivityRow, ...]

    def table(self) -> list[tuple[str, str, int]]:
        """Rows (offset, value, issues changed); an invalid value shows its error."""
        return [(f"{r.offset:+d}", r.error or str(r.value), len(r.changed)) for r in self.rows]


_ISSUE_PARAMETERS: Final = ("renewed_days", "blue_days_before", "general_days", "plan_days")


def _moved(policy: EscalationPolicy, parameter: str, value: int) -> EscalationPolicy:
    """``policy`` with one limit set to ``value``, under the next version."""
    if parameter in {"renewed_days", "blue_days_before"}:
        return policy.revise(sheets=attrs.evolve(cast("Any", policy.sheets), **{parameter: value}))
    if parameter in {"general_days", "plan_days"}:
        return policy.revise(**{parameter: value})
    name = parameter.removeprefix("limit.")
    tiers = tuple(
        attrs.evolve(t, limit=value) if t.name == name else t for t in policy.ladder.tiers
    )
    return policy.revise(ladder=attrs.evolve(policy.ladder, tiers=tiers))


def issue_sensitivity(
    portfolio: Portfolio,
    as_of: dt.date,
    policy: EscalationPolicy,
    parameter: str,
    *,
    steps: Iterable[int] = (-2, -1, 1, 2),
    calendar: WorkingCalendar | None = None,
) -> IssueSensitivity:
    """How many issues change sheet, rung or deadline when a day limit moves by whole days.

    The parameters: ``renewed_days`` (a yellow sheet's renewed limit),
    ``blue_days_before`` (Suqian's blue sheet, when the policy sets one),
    ``general_days`` and ``plan_days``, and ``limit.<tier>`` (a tier's limit
    after an escalation into it). Each issue is replayed as :func:`compare`
    replays it, under the policy as it is and as moved. ``general_days``
    and ``plan_days`` set the deadline at assignment, which the ledger
    records as typed: moving them changes nothing already assigned.

    Raises:
        ValidationError: ``as_of`` is not a date, ``parameter`` is not one
            of these (a tier the ladder lacks, a blue sheet the policy does
            not set), or ``steps`` holds something other than whole numbers.
        CalendarCoverageError: as :func:`~projpush.escalation.advance`.

    >>> from projpush.synth import CALENDAR_2020, SAMPLE_AS_OF, sample_portfolio
    >>> s = issue_sensitivity(sample_portfolio(), SAMPLE_AS_OF, EscalationPolicy.ningbo(),
    ...     "renewed_days", steps=(1,), calendar=CALENDAR_2020)
    >>> s.table()
    [('+1', '4', 3)]
    """
    plain_date_arg(as_of, "as_of")
    _portfolio_arg(portfolio)
    if not isinstance(policy, EscalationPolicy):
        raise PolicyError.about("policy", "an EscalationPolicy", policy)
    tiers = [f"limit.{t.name}" for t in policy.ladder.tiers]
    known = [p for p in _ISSUE_PARAMETERS if p != "blue_days_before"]
    if policy.sheets.blue_days_before is not None:
        known.append("blue_days_before")
    if parameter not in (*known, *tiers):
        names = ", ".join((*known, *tiers))
        raise ValidationError.about(
            "parameter", f"a day limit of {policy.key} ({names})", parameter
        )
    offsets = tuple(steps)
    for o in offsets:
        if isinstance(o, bool) or not isinstance(o, int):
            raise ValidationError.about("steps", "whole numbers of steps", o)
    if parameter.startswith("limit."):
        base = policy.ladder.tier(parameter.removeprefix("limit.")).limit
    elif parameter in {"renewed_days", "blue_days_before"}:
        base = getattr(policy.sheets, parameter)
    else:
        base = getattr(policy, parameter)
    cal = resolve_calendar(calendar)
    known_book = {**_built_in_book(), policy.key: policy}
    before = _issues_under(portfolio.issues, as_of, policy, cal, known_book)
    now = [_standing(q, policy) for q in before]
    rows = []
    for offset in offsets:
        value = base + offset
        try:
            moved = _moved(policy, parameter, value)
        except PolicyError as error:
            rows.append(IssueSensitivityRow(offset, value, (), str(error)))
            continue
        book = {**known_book, moved.key: moved}
        after = _issues_under(portfolio.issues, as_of, moved, cal, book)
        changed = tuple(
            q.id
            for q, x, y in zip(portfolio.issues, now, after, strict=True)
            if x != _standing(y, moved)
        )
        rows.append(IssueSensitivityRow(offset, value, changed))
    return IssueSensitivity(as_of, policy.key, parameter, base, tuple(rows))


# --------------------------------------------------------------------------- lint


@attrs.frozen
class Band:
    """One light's band of the shortfall behind the time schedule, as a published rule states it.

    The shortfall runs as in :class:`~projpush.lights.GapPolicy` (positive
    when behind, in points or percent). ``low``/``high`` None: unbounded.
    ``low_inclusive``/``high_inclusive`` None: the text does not say
    whether the boundary belongs to the band.
    """

    light: Light
    low: Fraction | None
    high: Fraction | None
    low_inclusive: bool | None = attrs.field(default=None, kw_only=True)
    high_inclusive: bool | None = attrs.field(default=None, kw_only=True)


@attrs.frozen
class PublishedRule:
    """A city's light rule as its text reads, before it is made a policy: bands and a measure.

    ``measure`` None: the text does not say whether its figures are
    percentage points or a ratio of the schedule.
    """

    name: str
    text: str
    source: str
    bands: tuple[Band, ...]
    measure: GapMeasure | None = None

    @classmethod
    def yinchuan_literal(cls) -> PublishedRule:
        """Yinchuan (2025) read literally: green on or above schedule, yellow 10–30 points below."""
        return cls(
            "yinchuan_literal",
            "on or above the time schedule green; 10 to 30 points below yellow; "
            "more than 30 below red",
            "Yinchuan major-project rules (2025)",
            (
                Band(Light.GREEN, None, Fraction(0), high_inclusive=True),
                Band(
                    Light.YELLOW,
                    Fraction(10),
                    Fraction(30),
                    low_inclusive=True,
                    high_inclusive=True,
                ),
                Band(Light.RED, Fraction(30), None, low_inclusive=False),
            ),
            GapMeasure.POINTS,
        )

    @classmethod
    def wuhan(cls) -> PublishedRule:
        """Wuhan: red when completion is below 60 % of the time schedule, yellow below 80 %.

        Read as a ratio (completion / schedule), 低于60% is a shortfall of
        more than 40 % of the schedule; read as points, more than 60 points
        behind is another rule. The text says neither.
        """
        return cls(
            "wuhan",
            "red when completion is 低于时序进度60% (below 60 % of the time schedule), "
            "yellow below 80 %",
            "Hubei Daily: Wuhan major-project rules",
            (
                Band(Light.GREEN, None, Fraction(20), high_inclusive=True),
                Band(
                    Light.YELLOW,
                    Fraction(20),
                    Fraction(40),
                    low_inclusive=False,
                    high_inclusive=True,
                ),
                Band(Light.RED, Fraction(40), None, low_inclusive=False),
            ),
            None,
        )


def bands_of(policy: GapPolicy) -> tuple[Band, ...]:
    """The bands a :class:`~projpush.lights.GapPolicy` gives: complete, every boundary stated.

    >>> [(b.light.value, b.low, b.high) for b in bands_of(GapPolicy.yinchuan())]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('green', None, Fraction(10, 1)), ('yellow', Fraction(10, 1), Fraction(30, 1)),
     ('red', Fraction(30, 1), None)]
    """
    if not isinstance(policy, GapPolicy):
        raise PolicyError.about("policy", "a GapPolicy", policy)
    y, r = policy.yellow_inclusive, policy.red_inclusive
    return (
        Band(Light.GREEN, None, policy.yellow_at, high_inclusive=not y),
        Band(Light.YELLOW, policy.yellow_at, policy.red_at, low_inclusive=y, high_inclusive=not r),
        Band(Light.RED, policy.red_at, None, low_inclusive=r),
    )


def _to_facts(value: Mapping[str, str]) -> FrozenMap[str, str]:
    return FrozenMap(value)


@attrs.frozen
class LintFinding:
    """One problem :func:`lint` found: a code, what it is about, the facts."""

    code: str
    subject: str
    facts: FrozenMap[str, str] = attrs.field(factory=FrozenMap, converter=_to_facts)

    def text(self, lang: str = "zh") -> str:
        """The finding as a sentence.

        Raises:
            ValidationError: ``lang`` is neither ``"zh"`` nor ``"en"``.
        """
        if lang not in ("zh", "en"):
            raise ValidationError.about("lang", "'zh' or 'en'", lang)
        facts = dict(self.facts)
        if lang == "en" and "what_en" in facts:  # said in each language: its words in each
            facts["what"] = facts.pop("what_en")
        facts.pop("what_en", None)
        return _said(f"lint.{self.code}", lang).format(subject=self.subject, **facts)


def _num(x: Fraction | None) -> str:
    if x is None:
        return "∞"
    return str(x.numerator) if x.denominator == 1 else f"{float(x):g}"


def _span(lo: Fraction | None, hi: Fraction | None, closed: tuple[bool, bool]) -> str:
    """``[10, 30)``: the stretch from ``lo`` to ``hi``, each end closed or open."""
    left = ("(", "[")[closed[0]] + ("-∞" if lo is None else _num(lo))
    return f"{left}, {_num(hi)}{(')', ']')[closed[1]]}"


def _unstated(subject: str, bands: Sequence[Band]) -> list[LintFinding]:
    return [
        LintFinding("unstated", subject, {"at": _num(at), "light": b.light.value})
        for b in bands
        for at, inc in ((b.low, b.low_inclusive), (b.high, b.high_inclusive))
        if at is not None and inc is None
    ]


def _between_bands(subject: str, left: Band, right: Band) -> LintFinding | None:
    """A gap or an overlap where ``left`` ends and ``right`` (the next band up) begins."""
    hi, lo = left.high, right.low
    both = {"lights": f"{left.light.value}, {right.light.value}"}
    if lo is None:  # two bands unbounded below
        return LintFinding("overlap", subject, {"span": _span(None, hi, (False, True)), **both})
    if hi is None:
        return LintFinding("overlap", subject, {"span": _span(lo, None, (True, False)), **both})
    # A side not stated gets the benefit of the doubt here: it has a finding of its own.
    hi_in, lo_in = left.high_inclusive, right.low_inclusive
    if hi < lo or (hi == lo and hi_in is False and lo_in is False):
        return LintFinding(
            "gap", subject, {"span": _span(hi, lo, (hi_in is not True, lo_in is not True))}
        )
    if hi > lo or (hi == lo and hi_in is True and lo_in is True):
        span = _span(lo, hi, (lo_in is not False, hi_in is not False))
        return LintFinding("overlap", subject, {"span": span, **both})
    return None


def _lint_bands(subject: str, bands: Sequence[Band]) -> list[LintFinding]:
    out = _unstated(subject, bands)
    ordered = sorted(bands, key=lambda b: -math.inf if b.low is None else b.low)
    for left, right in itertools.pairwise(ordered):
        found = _between_bands(subject, left, right)
        out.extend([found] if found else [])
    if ordered and ordered[0].low is not None:
        first = ordered[0]
        span = _span(None, first.low, (False, first.low_inclusive is not True))
        out.append(LintFinding("gap", subject, {"span": span}))
    if ordered and ordered[-1].high is not None:
        last = ordered[-1]
        span = _span(last.high, None, (last.high_inclusive is not True, False))
        out.append(LintFinding("gap", subject, {"span": span}))
    return out


def _unreachable(subject: str, what: str, **facts: object) -> LintFinding:
    """A light or step that never happens, named by the catalogue's ``lint.what.WHAT``."""
    key = f"lint.what.{what}"
    zh, en = (_said(key, lang).format(**facts) for lang in ("zh", "en"))
    return LintFinding("unreachable", subject, {"what": zh, "what_en": en})


def _lint_policy(policy: object) -> list[LintFinding]:  # noqa: C901, PLR0912 (one branch a kind)
    out: list[LintFinding] = []
    if isinstance(policy, PublishedRule):
        out.extend(_lint_bands(policy.name, policy.bands))
        if policy.measure is None:
            out.append(LintFinding("measure", policy.name))
    elif isinstance(policy, GapPolicy):
        out.extend(_lint_bands(policy.name, bands_of(policy)))
        # The shortfall is at most 100: nothing completed at the year's end (or, relative, ever).
        top = Fraction(100)
        if policy.red_at > top or (policy.red_at == top and not policy.red_inclusive):
            out.append(_unreachable(policy.name, "red"))
        if policy.red_at == policy.yellow_at and policy.red_inclusive:
            out.append(_unreachable(policy.name, "yellow"))
    elif isinstance(policy, LagPolicy):
        # A streak starts again each January: twelve months is the longest.
        if policy.streak_for_red > 12:
            out.append(_unreachable(policy.name, "red_streak"))
        if policy.streak_for_yellow > 12:
            out.append(_unreachable(policy.name, "yellow_streak"))
    elif isinstance(policy, NodePolicy):
        pass  # a missed node is red, a late one yellow: every light is reachable
    elif isinstance(policy, SiteActivityPolicy):
        if policy.red_after_days is None:
            out.append(_unreachable(policy.name, "red_no_days"))
    elif isinstance(policy, WorstOf):
        for p in policy.policies:
            out.extend(_lint_policy(p))
    elif isinstance(policy, EscalationPolicy):
        out.extend(_lint_policy(policy.ladder))
        before = policy.sheets.blue_days_before
        if before is not None and before >= policy.general_days:
            out.append(
                _unreachable(policy.key, "early_blue", before=before, limit=policy.general_days)
            )
    elif isinstance(policy, (Ladder, SheetPolicy)):
        pass  # their constructors refuse zero limits, repeated tiers and bad warnings
    elif isinstance(policy, Mapping):
        out.extend(_lint_spec(policy))
    elif isinstance(policy, LightPolicy):
        pass  # a policy of another family: nothing known to check beyond its constructor
    else:
        raise PolicyError.about(
            "policy",
            "a light policy, sheet policy, ladder, escalation policy, PublishedRule or a mapping",
            policy,
        )
    return out


_KINDS: Final[Mapping[str, type]] = {
    "lag": LagPolicy,
    "gap": GapPolicy,
    "node": NodePolicy,
    "site": SiteActivityPolicy,
    "sheets": SheetPolicy,
}
_LIMITS: Final = frozenset(
    {
        "streak_for_yellow",
        "streak_for_red",
        "yellow_after_days",
        "red_after_days",
        "renewed_days",
        "blue_days_before",
        "yellows_for_accountability",
        "limit",
    }
)


def _non_positive(subject: str, field: str, value: object) -> LintFinding | None:
    if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
        return None
    try:
        number = Decimal(value)
    except ArithmeticError:
        return None
    return (
        LintFinding("limit", subject, {"field": field, "value": str(value)})
        if number <= 0
        else None
    )


def _lint_spec(spec: Mapping[str, Any]) -> list[LintFinding]:  # noqa: C901 (one check a field)
    """Lint a policy written as data (``{"kind": "lag", ...}``): every problem at once."""
    kind = spec.get("kind")
    subject = str(spec.get("name", kind))
    fields = {k: v for k, v in spec.items() if k != "kind"}
    out: list[LintFinding] = []
    if kind == "ladder":
        seen: set[str] = set()
        tiers = fields.get("tiers", ())
        for i, t in enumerate(tiers if isinstance(tiers, Sequence) else ()):
            if not isinstance(t, Mapping):
                continue
            found = _non_positive(subject, f"tiers[{i}].limit", t.get("limit"))
            out.extend([found] if found else [])
            name = str(t.get("name"))
            if name in seen:
                out.append(_unreachable(subject, "same_tier", n=i + 1, name=name))
            seen.add(name)
        build: Any = lambda: Ladder(tuple(Tier(**t) for t in tiers))  # noqa: E731
    else:
        cls = _KINDS.get(str(kind))
        if cls is None:
            raise PolicyError.about("kind", f"one of {', '.join([*_KINDS, 'ladder'])}", kind)
        for name, value in fields.items():
            found = _non_positive(subject, name, value) if name in _LIMITS else None
            out.extend([found] if found else [])
        tolerance = fields.get("tolerance")
        if tolerance is not None:
            found = _non_positive(subject, "tolerance", tolerance)
            out.extend([found] if found else [])
            try:
                above = not isinstance(tolerance, float | bool) and Decimal(tolerance) > 1
            except (ArithmeticError, TypeError, ValueError):
                above = False
            if above:
                out.append(LintFinding("tolerance", subject, {"value": str(tolerance)}))
        build = lambda: cls(**fields)  # noqa: E731
    if not out:
        try:
            out.extend(_lint_policy(build()))
        except (PolicyError, TypeError) as error:
            out.append(LintFinding("refused", subject, {"error": str(error)}))
    return out


def lint(policy: object) -> tuple[LintFinding, ...]:
    """Everything doubtful about a policy: gaps, overlaps, unstated boundaries, unreachable lights.

    Takes a light policy (a :class:`~projpush.lights.WorstOf` is linted
    policy by policy), a :class:`~projpush.escalation.SheetPolicy`,
    :class:`~projpush.escalation.Ladder` or
    :class:`~projpush.escalation.EscalationPolicy`, a :class:`PublishedRule`
    (a city's text as read, bands and all), or a policy written as data
    (``{"kind": "lag", "tolerance": "1.1"}``, ``{"kind": "ladder", "tiers": [...]}``),
    which is checked for zero or negative limits, a tolerance above 1 and
    repeated tiers before it is built. A built policy cannot hold those
    (its constructor refuses them); what is left to find there is a light
    or a step that can never happen.

    A gap is a stretch of the shortfall line no band covers; an overlap, one
    two bands cover. A :class:`~projpush.lights.GapPolicy` has neither by
    construction (two cut points, each boundary's side a field): a published
    rule's text can.

    Raises:
        PolicyError: ``policy`` is none of these, or a mapping's ``kind`` is unknown.

    >>> [f.text("en") for f in lint(PublishedRule.yinchuan_literal())]
    ['yinchuan_literal: a shortfall (0, 10) gets no light']
    >>> [f.code for f in lint(PublishedRule.wuhan())]
    ['measure']
    >>> lint(GapPolicy.yinchuan()), lint(GapPolicy.sanya())
    ((), ())
    """
    return tuple(_lint_policy(policy))
