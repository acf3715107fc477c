"""Hypothesis strategies and scenario builders for testing code built on projpush.

Needs the optional extra ``projpush[testing]`` (Hypothesis). The strategies
draw *valid* values: cross-field rules (a milestone's planned date is not
before its start, an approval is not granted before it was applied for,
stage and issue histories take only legal steps, a portfolio's references
all resolve) are built in ``@st.composite`` strategies rather than filtered,
so almost nothing drawn is thrown away.

The scenario builders make the issues an escalation test needs without a
page of set-up: :func:`scenario_issue` assigns an issue and leaves it
unresolved for a number of working days, :func:`advance_through` walks it
through a list of dates.

>>> import datetime as dt
>>> from projpush.schedule import WeekdayCalendar
>>> q = scenario_issue(dt.date(2020, 9, 29), unresolved_working_days=6,
...     calendar=WeekdayCalendar())
>>> q.deadline, q.sheet.value
(datetime.date(2020, 10, 12), 'yellow')
"""

from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final, overload

import attrs

try:
    from hypothesis import strategies as st
    from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
except ImportError:  # pragma: no cover (exercised in a subprocess test)
    msg = 'projpush.testing needs Hypothesis; install it with: pip install "projpush[testing]"'
    raise ImportError(msg) from None

from projpush._convert import normalise_text, positional_calendar
from projpush.errors import InvalidTransition, ValidationError
from projpush.escalation import (
    EscalationPolicy,
    advance,
    assign,
    close,
    declare_beyond_powers,
    escalate,
    pause,
    reject,
    resolve,
    resume,
    start,
    submit_plan,
)
from projpush.model import (
    _STAGE_AFTER,
    _STAGE_STEPS,
    _STEPS,
    ApprovalItem,
    ApprovalKind,
    Cadence,
    Category,
    Contact,
    Difficulty,
    EventKind,
    FrozenMap,
    Issue,
    IssueCategory,
    IssueEvent,
    IssueState,
    Leader,
    LeaderRank,
    Level,
    Milestone,
    Month,
    Portfolio,
    Project,
    ProjectCode,
    Secretary,
    SheetColor,
    SiteObservation,
    Stage,
    StageEvent,
    StageEventKind,
    TaskForce,
    Unit,
)
from projpush.schedule import WorkingCalendar, add_working_days, resolve_calendar

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = [
    "FIRST_DAY",
    "LAST_DAY",
    "TIERS",
    "IssueLifecycle",
    "advance_through",
    "amounts",
    "approval_items",
    "contacts",
    "dates",
    "days_from",
    "issue_histories",
    "issues",
    "ladder_issues",
    "leaders",
    "legal_steps",
    "milestones",
    "money_maps",
    "months",
    "names",
    "notes",
    "percents",
    "portfolios",
    "project_codes",
    "projects",
    "scenario_issue",
    "secretaries",
    "site_observations",
    "stage_events",
    "stage_histories",
    "task_forces",
    "units",
    "year_projects",
    "years",
]

FIRST_DAY: Final = dt.date(2018, 1, 1)
"""The earliest date the strategies draw."""
LAST_DAY: Final = dt.date(2026, 12, 31)
"""The latest date the strategies draw (the China calendar covers it)."""

# A few characters of each kind a ledger holds: Chinese, ASCII, full-width (folded on input).
_ALPHABET: Final = "市区县镇局委办项目工程道路桥港园张李王刘陈一二三ABCxyz0123ＡＢ１２-·"

names: st.SearchStrategy[str] = st.text(alphabet=_ALPHABET, min_size=1, max_size=8)
"""Short non-empty names (people, units, milestones), with full-width characters."""
notes: st.SearchStrategy[str] = st.text(alphabet=_ALPHABET + " ", max_size=10)
"""Short free-text notes, possibly empty."""
dates: st.SearchStrategy[dt.date] = st.dates(min_value=FIRST_DAY, max_value=LAST_DAY)
"""Dates from :data:`FIRST_DAY` to :data:`LAST_DAY`."""
years: st.SearchStrategy[int] = st.integers(min_value=FIRST_DAY.year, max_value=LAST_DAY.year)
"""Plan years."""
months: st.SearchStrategy[Month] = st.builds(Month, years, st.integers(min_value=1, max_value=12))
"""Months of the plan years."""
amounts: st.SearchStrategy[Decimal] = st.builds(
    lambda n, places: Decimal(n).scaleb(-places),
    st.integers(min_value=0, max_value=10**7),
    st.integers(min_value=0, max_value=4),
)
"""Exact amounts in 万元 with 0–4 decimal places, up to 1,000 亿元."""
percents: st.SearchStrategy[Decimal] = st.integers(min_value=0, max_value=1000).map(
    lambda n: Decimal(n).scaleb(-1)
)
"""Percentages from 0 to 100 with one decimal place."""


def days_from(start: dt.date, max_days: int = 400) -> st.SearchStrategy[dt.date]:
    """Dates on or after ``start``, within ``max_days`` (and up to :data:`LAST_DAY`)."""
    return st.dates(
        min_value=start, max_value=max(start, min(LAST_DAY, start + dt.timedelta(max_days)))
    )


def _digits(n: int) -> st.SearchStrategy[str]:
    return st.integers(min_value=0, max_value=10**n - 1).map(lambda v: f"{v:0{n}d}")


@st.composite
def project_codes(draw: st.DrawFn, serial: int | None = None) -> ProjectCode:
    """National project codes (项目代码); ``serial`` fixes the last part, to make codes unique."""
    return ProjectCode(
        str(draw(st.integers(min_value=1990, max_value=2200))),
        draw(_digits(6)),
        draw(_digits(2)),
        draw(_digits(2)),
        f"{serial:06d}" if serial is not None else draw(_digits(6)),
    )


@st.composite
def milestones(draw: st.DrawFn, name: str | None = None) -> Milestone:
    """Node tasks with start <= planned, done >= start, and percent 100 or absent once done."""
    planned = draw(dates)
    begin = draw(st.none() | st.dates(min_value=FIRST_DAY, max_value=planned))
    done = draw(st.none() | days_from(begin or FIRST_DAY, 800))
    percent = draw(st.none() | st.just(Decimal(100))) if done else draw(st.none() | percents)
    return Milestone(
        name=name if name is not None else draw(names),
        planned=planned,
        start=begin,
        done=done,
        percent=percent,
        unit=draw(st.none() | names),
    )


@st.composite
def approval_items(draw: st.DrawFn, name: str | None = None) -> ApprovalItem:
    """Approval items (开工要件) with granted >= applied."""
    applied = draw(st.none() | dates)
    granted = draw(st.none() | days_from(applied or FIRST_DAY, 200))
    return ApprovalItem(
        name=name if name is not None else draw(names),
        kind=draw(st.sampled_from(ApprovalKind)),
        authority=draw(st.none() | names),
        required=draw(st.booleans()),
        applied=applied,
        granted=granted,
        one_trip=draw(st.booleans()),
    )


site_observations: st.SearchStrategy[SiteObservation] = st.builds(
    SiteObservation, dates, st.booleans(), names
)
"""One day's site activity from video monitoring."""
stage_events: st.SearchStrategy[StageEvent] = st.builds(
    StageEvent, st.sampled_from(StageEventKind), dates, notes
)
"""Single stage events (not a legal history: use :func:`stage_histories` for that)."""
contacts: st.SearchStrategy[Contact] = st.builds(Contact, names, dates, names, notes)
"""Secretary contacts with any project key."""


@st.composite
def stage_histories(draw: st.DrawFn) -> tuple[Stage, tuple[StageEvent, ...]]:
    """A stage and a legal, dated stage history leading to it (possibly empty)."""
    count = draw(st.integers(min_value=0, max_value=5))
    events: list[StageEvent] = []
    day = draw(dates)
    last: StageEventKind | None = None
    for _ in range(count):
        options = sorted(_STAGE_STEPS[last], key=lambda k: k.value)
        if not options:
            break
        last = draw(st.sampled_from(options))
        day = draw(days_from(day, 200))
        events.append(StageEvent(last, day, draw(notes)))
    stage = _STAGE_AFTER[last] if last is not None else draw(st.sampled_from(Stage))
    return stage, tuple(events)


def money_maps(keys: st.SearchStrategy[Any], max_size: int = 4) -> st.SearchStrategy[FrozenMap]:  # type: ignore[type-arg]
    """Maps of period (year or month) to an amount, as the model holds them."""
    return st.dictionaries(keys, amounts, max_size=max_size).map(FrozenMap)


_REGIONS: Final = ("海曙区", "江北区", "鄞州区", "北仑区")
_UNITS: Final = ("市交通局", "市发改委", "市住建局", "鄞州区政府")


@st.composite
def projects(draw: st.DrawFn, serial: int | None = None) -> Project:
    """Projects (重大项目) with unique milestone and approval names and a legal stage history.

    ``serial`` makes the key unique within a portfolio: the code's serial
    and the local id both carry it.
    """
    code = draw(st.none() | project_codes(serial))
    local_id = draw(st.none() | st.just(f"L-{serial if serial is not None else draw(names)}"))
    if code is None and local_id is None:
        local_id = f"L-{serial}" if serial is not None else f"L-{draw(names)}"
    stage, events = draw(stage_histories())
    milestone_names = draw(st.lists(names, max_size=3, unique_by=normalise_text))
    approval_names = draw(st.lists(names, max_size=2, unique_by=normalise_text))
    return Project(
        code=code,
        local_id=local_id,
        name=draw(names),
        level=draw(st.sampled_from(Level)),
        category=draw(st.sampled_from(Category)),
        stage=stage,
        region=draw(st.sampled_from(_REGIONS)),
        unit=draw(st.sampled_from(_UNITS)),
        owner=draw(st.none() | names),
        total_investment=draw(amounts),
        annual_plans=draw(money_maps(years, 3)),
        monthly_plan=draw(money_maps(months)),
        monthly_done=draw(money_maps(months)),
        milestones=tuple(draw(milestones(n)) for n in milestone_names),
        approvals=tuple(draw(approval_items(n)) for n in approval_names),
        stage_events=events,
        site_activity=tuple(draw(st.lists(site_observations, max_size=2))),
        task_force=draw(st.none() | names),
    )


@st.composite
def year_projects(
    draw: st.DrawFn,
    year: int = 2020,
    key: str = "P-1",
    *,
    max_amount: int = 400,
) -> Project:
    """Under-construction projects with a plan for every month of ``year``, some months reported.

    The ones lights and monthly reports judge: an annual plan covering the
    monthly plans, monthly actuals for about nine months in ten (a month
    absent is *unreported*), and small amounts (tenths of 万元 up to
    ``max_amount``/10) so that "exactly on plan" comes up often.
    """
    small = st.integers(min_value=0, max_value=max_amount).map(lambda n: Decimal(n).scaleb(-1))
    months_of_year = [Month(year, m) for m in range(1, 13)]
    plan = {m: draw(small) for m in months_of_year}
    done = {m: draw(small) for m in months_of_year if draw(st.integers(0, 9)) > 0}
    return Project(
        name=f"项目{key}",
        level=draw(st.sampled_from(Level)),
        category=draw(st.sampled_from(Category)),
        stage=Stage.UNDER_CONSTRUCTION,
        region=draw(st.sampled_from(_REGIONS)),
        unit=draw(st.sampled_from(_UNITS)),
        local_id=key,
        annual_plans=FrozenMap({year: sum(plan.values(), Decimal(0)) + draw(small)}),
        monthly_plan=FrozenMap(plan),
        monthly_done=FrozenMap(done),
    )


units: st.SearchStrategy[Unit] = st.builds(
    Unit, names, st.none() | names, st.sampled_from(["department", "district", "town"])
)
"""Responsible units (责任单位)."""


def _subsets(keys: tuple[str, ...]) -> st.SearchStrategy[list[str]]:
    if not keys:
        return st.just([])
    return st.lists(st.sampled_from(keys), max_size=min(len(keys), 4), unique_by=normalise_text)


@st.composite
def leaders(draw: st.DrawFn, keys: tuple[str, ...] = (), name: str | None = None) -> Leader:
    """Guarantor leaders (包保领导) of some of ``keys``."""
    return Leader(
        name=name if name is not None else draw(names),
        rank=draw(st.sampled_from(LeaderRank)),
        role=draw(st.sampled_from(["", "总指挥", "分管副市长", "区长"])),
        projects=tuple(draw(_subsets(keys))),
    )


@st.composite
def secretaries(
    draw: st.DrawFn, keys: tuple[str, ...] | None = None, name: str | None = None
) -> Secretary:
    """Service secretaries (服务秘书) whose cadences and contacts name only projects they serve.

    Without ``keys`` (None) they serve a few made-up project keys.
    """
    if keys is None:
        served = tuple(draw(st.lists(names, max_size=3, unique_by=normalise_text)))
    else:
        served = tuple(draw(_subsets(keys)))
    cadenced = draw(_subsets(served))
    logged = (
        draw(st.lists(st.builds(Contact, st.sampled_from(served), dates, names, notes), max_size=3))
        if served
        else []
    )
    return Secretary(
        name=name if name is not None else draw(names),
        unit=draw(names),
        projects=served,
        default_cadence=draw(st.sampled_from(Cadence)),
        cadences=FrozenMap({k: draw(st.sampled_from(Cadence)) for k in cadenced}),
        contacts=tuple(logged),
    )


@st.composite
def task_forces(draw: st.DrawFn, keys: tuple[str, ...] = (), name: str | None = None) -> TaskForce:
    """Task forces (专班) pushing some of ``keys``."""
    return TaskForce(
        name=name if name is not None else draw(names),
        lead=draw(st.none() | names),
        members=tuple(draw(st.lists(names, max_size=3, unique_by=normalise_text))),
        projects=tuple(draw(_subsets(keys))),
    )


_PAYLOAD: Final[dict[EventKind, tuple[str, ...]]] = {
    EventKind.ASSIGNED: ("tier", "owner", "deadline", "policy"),
    EventKind.ESCALATED: ("tier", "owner", "deadline"),
    EventKind.PLAN_SUBMITTED: ("deadline",),
    EventKind.DEADLINE_SET: ("deadline",),
    EventKind.SHEET_ISSUED: ("sheet",),
    EventKind.PAUSED: ("party",),
}
TIERS: Final = ("town", "district", "city")
"""The tier names :func:`issues` draws (not any city's ladder: see :func:`ladder_issues`)."""


def legal_steps(state: IssueState) -> list[EventKind]:
    """The event kinds the model allows from ``state`` (collection only starts an issue).

    >>> [k.value for k in legal_steps(IssueState.RESOLVED)]
    ['rejected', 'closed', 'note']
    """
    return [k for k, (sources, _) in _STEPS.items() if state in sources]


@st.composite
def issues(
    draw: st.DrawFn,
    project: str | None = None,
    issue_id: str | None = None,
    max_steps: int = 8,
) -> Issue:
    """Issues (问题) whose history takes legal steps through :meth:`Issue.step`.

    Dates never go backwards and supervision sheets never improve, so every
    history drawn is one the model accepts. Tiers and deadlines are free
    model values, not any ladder's: for issues handled under an
    :class:`~projpush.escalation.EscalationPolicy`, use :func:`ladder_issues`.
    """
    day = draw(dates)
    issue = Issue.collect(
        issue_id if issue_id is not None else draw(names),
        project if project is not None else draw(names),
        category=draw(st.sampled_from(IssueCategory)),
        title=draw(names),
        on=day,
        by=draw(names),
        difficulty=draw(st.sampled_from(Difficulty)),
        note=draw(notes),
    )
    for _ in range(draw(st.integers(min_value=0, max_value=max_steps))):
        kind = draw(st.sampled_from(legal_steps(issue.state)))
        day = draw(days_from(day, 20))
        payload: dict[str, object] = {}
        for name in _PAYLOAD.get(kind, ()):
            if name == "tier":
                payload[name] = draw(st.sampled_from(TIERS))
            elif name == "deadline":
                payload[name] = draw(days_from(day, 30))
            elif name == "sheet":
                worst = issue.sheet.severity if issue.sheet else 0
                payload[name] = draw(
                    st.sampled_from([s for s in SheetColor if s.severity >= worst])
                )
            else:
                payload[name] = draw(names)
        issue = issue.step(kind, day, draw(names), note=draw(notes), **payload)
    return issue


def issue_histories(max_steps: int = 8) -> st.SearchStrategy[tuple[IssueEvent, ...]]:
    """Legal histories (``Issue.events``) for ``st.builds(Issue, ...)``.

    ``st.builds`` cannot know that an issue's events must replay: draw them
    from here and the rest of the issue from its fields' types.

    >>> from hypothesis import given
    >>> @given(st.builds(Issue, id=st.just("Q-1"), project=st.just("P-1"), title=names,
    ...     events=issue_histories()))
    ... def test_replays(issue):
    ...     assert issue.events[0].kind is EventKind.COLLECTED
    ...     assert issue.state is issue.events[-1].to_state
    >>> test_replays()
    """
    return issues(max_steps=max_steps).map(lambda issue: issue.events)


_LADDER_STEPS: Final = (
    "advance",
    "close",
    "declare",
    "escalate",
    "note",
    "pause",
    "plan",
    "reject",
    "resolve",
    "resume",
    "start",
)


def _ladder_step(  # noqa: C901, PLR0911 (one branch per transition)
    name: str, issue: Issue, day: dt.date, policy: EscalationPolicy, cal: WorkingCalendar
) -> Issue:
    """Take the escalation transition ``name`` on ``day`` (it may raise if illegal)."""
    if name == "advance":
        return advance(issue, day, policy, calendar=cal)
    if name == "close":
        return close(issue, day, by="核验组")
    if name == "declare":
        return declare_beyond_powers(
            issue, day, policy, by="责任单位", reason="超出权限", calendar=cal
        )
    if name == "escalate":
        return escalate(issue, day, policy, by="督导组", reason="协调", calendar=cal)
    if name == "pause":
        return pause(issue, day, "省级部门", by="责任单位")
    if name == "plan":
        return submit_plan(issue, day, day + dt.timedelta(days=20), by="责任单位")
    if name == "reject":
        return reject(issue, day, by="核验组", reason="未解决")
    if name == "resolve":
        return resolve(issue, day, by="责任单位")
    if name == "resume":
        return resume(issue, day, by="责任单位", calendar=cal)
    if name == "start":
        return start(issue, day, by="责任单位")
    return issue.step(EventKind.NOTE, day, "服务秘书", note="走访")


@st.composite
def ladder_issues(
    draw: st.DrawFn,
    policy: EscalationPolicy,
    *,
    calendar: WorkingCalendar | None = None,
    first_day: dt.date = dt.date(2020, 1, 2),
    max_steps: int = 12,
) -> Issue:
    """Issues assigned under ``policy`` and taken through random steps of its closed loop.

    Each step is one of the :mod:`projpush.escalation` transitions (start,
    work plan, pause, resume, resolve, reject, close, escalate, declare
    beyond powers, advance) a few days after the last; a step illegal where
    it falls is skipped, so every issue drawn is one the escalation rules
    could have produced. Days stay within about four years of
    ``first_day``, which must leave the calendar room (the China calendar
    by default).
    """
    cal = resolve_calendar(calendar)
    day = first_day + dt.timedelta(days=draw(st.integers(0, 1200)))
    issue = Issue.collect(
        "Q-1",
        "P-1",
        category=draw(st.sampled_from(IssueCategory)),
        title="问题",
        on=day,
        by="服务秘书",
        difficulty=draw(st.sampled_from(Difficulty)),
    )
    issue = assign(issue, day, policy, by="办公室", calendar=cal)
    programme = draw(
        st.lists(
            st.tuples(st.sampled_from(_LADDER_STEPS), st.integers(0, 15)),
            max_size=max_steps,
        )
    )
    for name, gap in programme:
        day += dt.timedelta(days=gap)
        with contextlib.suppress(InvalidTransition, ValidationError):
            issue = _ladder_step(name, issue, day, policy, cal)
    return issue


@st.composite
def portfolios(draw: st.DrawFn, max_projects: int = 4) -> Portfolio:
    """Portfolios (台账) with unique keys; leaders, secretaries, task forces and issues resolve."""
    count = draw(st.integers(min_value=0, max_value=max_projects))
    project_list = [draw(projects(serial=i)) for i in range(count)]
    keys = tuple(p.key for p in project_list)
    leader_names = draw(st.lists(names, max_size=3, unique_by=normalise_text))
    secretary_names = draw(st.lists(names, max_size=3, unique_by=normalise_text))
    force_names = draw(st.lists(names, max_size=2, unique_by=normalise_text))
    unit_list = draw(st.lists(units, max_size=3, unique_by=lambda u: normalise_text(u.name)))
    issue_list = (
        [
            draw(issues(project=draw(st.sampled_from(keys)), issue_id=f"Q-{i}", max_steps=4))
            for i in range(draw(st.integers(min_value=0, max_value=3)))
        ]
        if keys
        else []
    )
    return Portfolio(
        projects=tuple(project_list),
        leaders=tuple(draw(leaders(keys, n)) for n in leader_names),
        secretaries=tuple(draw(secretaries(keys, n)) for n in secretary_names),
        issues=tuple(issue_list),
        units=tuple(unit_list),
        task_forces=tuple(draw(task_forces(keys, n)) for n in force_names),
    )


# --------------------------------------------------------------------------- scenarios


def scenario_issue(
    assigned_on: dt.date,
    *,
    unresolved_working_days: int,
    calendar: WorkingCalendar | None = None,
    policy: EscalationPolicy | None = None,
    difficulty: Difficulty | str = Difficulty.GENERAL,
    tier: str | None = None,
    issue_id: str = "Q-1",
    project: str = "P-1",
    category: IssueCategory | str = IssueCategory.OTHER,
) -> Issue:
    """An issue assigned on ``assigned_on`` and left unresolved for N working days.

    The issue is collected and assigned (交办) on ``assigned_on`` under
    ``policy`` (Binzhou's by default), at ``tier`` (the ladder's entry by
    default), then brought up to date with
    :func:`~projpush.escalation.advance` at the ``unresolved_working_days``-th
    working day after ``assigned_on`` (0: the assignment day itself). So
    every sheet, warning and escalation due by then is in its history.

    Args:
        assigned_on: the day of collection and assignment.
        unresolved_working_days: working days it has been left unresolved, >= 0.
        calendar: working days; the China official calendar by default.
        policy: the escalation policy; :meth:`EscalationPolicy.binzhou` by default.
        difficulty: general (a 3–5 day limit) or difficult (a work plan first).
        tier: the tier it is assigned to.
        issue_id: the issue's id.
        project: the project key it is raised on.
        category: what blocks the project.

    Raises:
        ValidationError: ``unresolved_working_days`` is negative or not a whole number.
        CalendarCoverageError: a date falls outside the calendar's years.

    Binzhou, a general issue assigned on Tuesday 2020-09-29 (due 2020-10-13
    on the China calendar) and still open a working day after its deadline:

    >>> q = scenario_issue(dt.date(2020, 9, 29), unresolved_working_days=5)
    >>> q.deadline, q.sheet.value
    (datetime.date(2020, 10, 13), 'blue')
    >>> scenario_issue(dt.date(2020, 9, 29), unresolved_working_days=6).sheet.value
    'yellow'
    """
    n = unresolved_working_days
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValidationError.about("unresolved_working_days", "a whole number >= 0", n)
    cal = resolve_calendar(calendar)
    chosen = EscalationPolicy.binzhou() if policy is None else policy
    issue = Issue.collect(
        issue_id,
        project,
        category=category,
        title="测试问题",
        on=assigned_on,
        by="服务秘书",
        difficulty=difficulty,
    )
    issue = assign(issue, assigned_on, chosen, by="办公室", tier=tier, calendar=cal)
    return advance(issue, add_working_days(assigned_on, n, calendar=cal), chosen, calendar=cal)


@overload
def advance_through(
    issue: Issue,
    dates: Iterable[dt.date],
    policy: EscalationPolicy,
    *,
    calendar: WorkingCalendar | None = None,
) -> tuple[Issue, ...]: ...
@overload
def advance_through(
    issue: Issue,
    dates: Iterable[dt.date],
    policy: EscalationPolicy,
    calendar: WorkingCalendar | None,
    /,
) -> tuple[Issue, ...]: ...
def advance_through(
    issue: Issue,
    dates: Iterable[dt.date],
    policy: EscalationPolicy,
    *old: WorkingCalendar | None,
    calendar: WorkingCalendar | None = None,
) -> tuple[Issue, ...]:
    """The issue advanced to each of ``dates`` in turn: one snapshot per date.

    Useful to check what a dashboard showed day by day, and invariants such
    as "the tier never goes down while the issue is open". ``calendar`` is a
    keyword, as in :func:`~projpush.escalation.advance`; passed fourth,
    positionally, as before 0.2, it still works and warns
    (``DeprecationWarning``).

    Raises:
        ValidationError: ``dates`` are not in non-decreasing order.

    >>> from projpush.schedule import WeekdayCalendar
    >>> q = scenario_issue(dt.date(2020, 9, 29), unresolved_working_days=0,
    ...     calendar=WeekdayCalendar())
    >>> days = [dt.date(2020, 10, d) for d in (5, 7, 12, 13)]
    >>> [(s.sheet.value, s.tier) for s in advance_through(q, days, EscalationPolicy.binzhou(),
    ...     calendar=WeekdayCalendar())]
    [('blue', 'county'), ('yellow', 'county'), ('yellow', 'county'), ('red', 'city')]
    """
    if old:
        calendar = positional_calendar("advance_through", old, calendar)
    cal = resolve_calendar(calendar)
    snapshots: list[Issue] = []
    previous: dt.date | None = None
    for i, day in enumerate(dates):
        if previous is not None and day < previous:
            raise ValidationError.about(f"dates[{i}]", f">= dates[{i - 1}] ({previous})", day)
        issue = advance(issue, day, policy, calendar=cal)
        snapshots.append(issue)
        previous = day
    return tuple(snapshots)


# --------------------------------------------------------------------------- state machine


class IssueLifecycle(RuleBasedStateMachine):
    """An issue taken through its closed loop (闭环) at random, checked after each step.

    Subclass it with your city's ladder and run its ``TestCase``: Hypothesis
    then collects and assigns an issue under :attr:`policy`, takes random
    transitions of :mod:`projpush.escalation` (start, work plan, pause,
    resume, resolve, reject, close, escalate, declare beyond powers, advance)
    a few days apart, and after every step checks that the history replays
    to the same issue, dates never go back, the tier is one of the ladder's
    and never goes down while the issue is open, and a supervision sheet
    never turns milder. A transition illegal where it falls is skipped, as
    :func:`ladder_issues` does. Add your own ``@invariant()`` methods for
    your rules; :attr:`issue` is the issue now, :attr:`day` the last day.

    >>> import io, unittest
    >>> from hypothesis import settings
    >>> from projpush.escalation import EscalationPolicy
    >>> from projpush.schedule import WeekdayCalendar
    >>> class TongluLifecycle(IssueLifecycle):
    ...     policy = EscalationPolicy.tonglu()
    ...     calendar = WeekdayCalendar()
    >>> TongluLifecycle.TestCase.settings = settings(max_examples=5, stateful_step_count=10)
    >>> suite = unittest.defaultTestLoader.loadTestsFromTestCase(TongluLifecycle.TestCase)
    >>> unittest.TextTestRunner(stream=io.StringIO()).run(suite).wasSuccessful()
    True
    """

    policy: EscalationPolicy = EscalationPolicy.binzhou()
    """The escalation policy under test: set your own in a subclass."""
    calendar: WorkingCalendar | None = None
    """The working-day calendar; the China official calendar when None."""
    first_day: dt.date = dt.date(2020, 3, 2)
    """The first day an issue may be collected on (the calendar must cover four years on)."""

    issue: Issue
    day: dt.date

    def __init__(self) -> None:
        super().__init__()
        self.cal = resolve_calendar(self.calendar)
        self._tiers_seen: list[int] = []

    @initialize(
        offset=st.integers(0, 365),
        category=st.sampled_from(IssueCategory),
        difficulty=st.sampled_from(Difficulty),
    )
    def collect_and_assign(
        self, offset: int, category: IssueCategory, difficulty: Difficulty
    ) -> None:
        """Collect an issue and assign it at the ladder's entry tier."""
        self.day = self.first_day + dt.timedelta(days=offset)
        issue = Issue.collect(
            "Q-1", "P-1", category=category, title="问题", on=self.day, by="服务秘书",
            difficulty=difficulty,
        )  # fmt: skip
        self.issue = assign(issue, self.day, self.policy, by="办公室", calendar=self.cal)
        self._tiers_seen = [self._tier_index()]

    @rule(step=st.sampled_from(_LADDER_STEPS), gap=st.integers(0, 15))
    def take_a_step(self, step: str, gap: int) -> None:
        """Take one transition ``gap`` days after the last (skipped if illegal there)."""
        self.day += dt.timedelta(days=gap)
        with contextlib.suppress(InvalidTransition, ValidationError):
            self.issue = _ladder_step(step, self.issue, self.day, self.policy, self.cal)

    @invariant()
    def history_replays(self) -> None:
        """The issue rebuilt from its events is the issue."""
        assert self.issue == attrs.evolve(self.issue, events=self.issue.events)  # noqa: S101

    @invariant()
    def dates_never_go_back(self) -> None:
        """Each event is dated on or after the one before."""
        days = [e.at for e in self.issue.events]
        assert days == sorted(days), days  # noqa: S101

    @invariant()
    def tier_is_on_the_ladder_and_never_goes_down_while_open(self) -> None:
        """The tier is one of the policy's, and rises or stays while the issue is open."""
        index = self._tier_index()
        if self.issue.is_open:
            assert index >= self._tiers_seen[-1], (self._tiers_seen, index)  # noqa: S101
        self._tiers_seen.append(index)

    @invariant()
    def sheets_never_turn_milder(self) -> None:
        """Each supervision sheet is at least as severe as the one before."""
        sheets = [e.sheet.severity for e in self.issue.events if e.sheet is not None]
        assert sheets == sorted(sheets), sheets  # noqa: S101

    def _tier_index(self) -> int:
        tier = self.issue.tier
        return -1 if tier is None else self.policy.ladder.index(tier)
