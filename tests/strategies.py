"""Hypothesis strategies for every projpush model object (shared by all test modules).

Sizes are small by default so property tests stay fast; cross-field rules
(planned >= start, granted >= applied, legal stage and issue histories,
portfolios whose references resolve) are built in ``@st.composite``
strategies rather than filtered, so almost nothing generated is thrown away.
Other modules add their own strategies in ``tests/strategies_<module>.py``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import strategies as st

from projpush._convert import normalise_text
from projpush.model import (
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

FIRST_DAY = dt.date(2018, 1, 1)
LAST_DAY = dt.date(2026, 12, 31)

# A few characters of each kind a ledger holds: Chinese, ASCII, full-width (folded on input).
_ALPHABET = "市区县镇局委办项目工程道路桥港园张李王刘陈一二三ABCxyz0123ＡＢ１２-·"

names = st.text(alphabet=_ALPHABET, min_size=1, max_size=8)
notes = st.text(alphabet=_ALPHABET + " ", max_size=10)
dates = st.dates(min_value=FIRST_DAY, max_value=LAST_DAY)
years = st.integers(min_value=FIRST_DAY.year, max_value=LAST_DAY.year)
months = st.builds(Month, years, st.integers(min_value=1, max_value=12))
# Exact amounts in 万元 with 0–4 decimal places, up to 1,000 亿元.
amounts = st.builds(
    lambda n, places: Decimal(n).scaleb(-places),
    st.integers(min_value=0, max_value=10**7),
    st.integers(min_value=0, max_value=4),
)
percents = st.integers(min_value=0, max_value=1000).map(lambda n: Decimal(n).scaleb(-1))


def days_from(start: dt.date, max_days: int = 400) -> st.SearchStrategy[dt.date]:
    """Dates on or after ``start``, within ``max_days`` (and the strategy's date range)."""
    return st.dates(
        min_value=start, max_value=max(start, min(LAST_DAY, start + dt.timedelta(max_days)))
    )


@st.composite
def project_codes(draw: st.DrawFn, serial: int | None = None) -> ProjectCode:
    """National project codes; ``serial`` fixes the last part (to make codes unique)."""
    digits = lambda n: st.integers(min_value=0, max_value=10**n - 1).map(lambda v: f"{v:0{n}d}")  # noqa: E731
    return ProjectCode(
        str(draw(st.integers(min_value=1990, max_value=2200))),
        draw(digits(6)),
        draw(digits(2)),
        draw(digits(2)),
        f"{serial:06d}" if serial is not None else draw(digits(6)),
    )


@st.composite
def milestones(draw: st.DrawFn, name: str | None = None) -> Milestone:
    """Node tasks with start <= planned, done >= start, and percent 100 or absent once done."""
    planned = draw(dates)
    start = draw(st.none() | st.dates(min_value=FIRST_DAY, max_value=planned))
    done = draw(st.none() | days_from(start or FIRST_DAY, 800))
    percent = draw(st.none() | st.just(Decimal(100))) if done else draw(st.none() | percents)
    return Milestone(
        name=name if name is not None else draw(names),
        planned=planned,
        start=start,
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


site_observations = st.builds(SiteObservation, dates, st.booleans(), names)

# An independent statement of the legal stage order (开工 → 停工 ⇄ 复工 → 竣工).
_STAGE_NEXT: dict[StageEventKind | None, tuple[StageEventKind, ...]] = {
    None: (StageEventKind.STARTED,),
    StageEventKind.STARTED: (StageEventKind.SUSPENDED, StageEventKind.COMPLETED),
    StageEventKind.RESUMED: (StageEventKind.SUSPENDED, StageEventKind.COMPLETED),
    StageEventKind.SUSPENDED: (StageEventKind.RESUMED,),
    StageEventKind.COMPLETED: (),
}
STAGE_AFTER = {
    StageEventKind.STARTED: Stage.UNDER_CONSTRUCTION,
    StageEventKind.RESUMED: Stage.UNDER_CONSTRUCTION,
    StageEventKind.SUSPENDED: Stage.SUSPENDED,
    StageEventKind.COMPLETED: Stage.COMPLETED,
}


@st.composite
def stage_histories(draw: st.DrawFn) -> tuple[Stage, tuple[StageEvent, ...]]:
    """A stage and a legal, dated stage history leading to it (possibly empty)."""
    count = draw(st.integers(min_value=0, max_value=5))
    events: list[StageEvent] = []
    day = draw(dates)
    last: StageEventKind | None = None
    for _ in range(count):
        options = _STAGE_NEXT[last]
        if not options:
            break
        last = draw(st.sampled_from(options))
        day = draw(days_from(day, 200))
        events.append(StageEvent(last, day, draw(notes)))
    stage = STAGE_AFTER[last] if last is not None else draw(st.sampled_from(Stage))
    return stage, tuple(events)


def money_maps(keys: st.SearchStrategy[object], max_size: int = 4) -> st.SearchStrategy[FrozenMap]:
    """Maps of period (year or month) to an amount, as the model holds them."""
    return st.dictionaries(keys, amounts, max_size=max_size).map(FrozenMap)


@st.composite
def projects(draw: st.DrawFn, serial: int | None = None) -> Project:
    """Projects with unique milestone and approval names and a legal stage history.

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
        region=draw(st.sampled_from(["海曙区", "江北区", "鄞州区", "北仑区"])),
        unit=draw(st.sampled_from(["市交通局", "市发改委", "市住建局", "鄞州区政府"])),
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


units = st.builds(
    Unit, names, st.none() | names, st.sampled_from(["department", "district", "town"])
)


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
    """Service secretaries whose cadences and contacts name only projects they serve.

    Without ``keys`` (None) they serve a few made-up project keys.
    """
    if keys is None:
        served = tuple(draw(st.lists(names, max_size=3, unique_by=normalise_text)))
    else:
        served = tuple(draw(_subsets(keys)))
    cadenced = draw(_subsets(served))
    contacts = (
        draw(st.lists(st.builds(Contact, st.sampled_from(served), dates, names, notes), max_size=3))
        if served
        else []
    )
    return Secretary(
        name=name if name is not None else draw(names),
        unit=draw(names),
        projects=served,
        default_cadence=draw(st.sampled_from(Cadence)),
        cadences={k: draw(st.sampled_from(Cadence)) for k in cadenced},
        contacts=tuple(contacts),
    )


@st.composite
def task_forces(draw: st.DrawFn, keys: tuple[str, ...] = (), name: str | None = None) -> TaskForce:
    """Task forces (专班) pushing some of ``keys``."""
    return TaskForce(
        name=name if name is not None else draw(names),
        lead=draw(st.none() | names),
        members=tuple(draw(st.lists(names, max_size=3))),
        projects=tuple(draw(_subsets(keys))),
    )


def _subsets(keys: tuple[str, ...]) -> st.SearchStrategy[list[str]]:
    if not keys:
        return st.just([])
    return st.lists(st.sampled_from(keys), max_size=min(len(keys), 4), unique_by=normalise_text)


_PAYLOAD = {
    EventKind.ASSIGNED: ("tier", "owner", "deadline", "policy"),
    EventKind.ESCALATED: ("tier", "owner", "deadline"),
    EventKind.PLAN_SUBMITTED: ("deadline",),
    EventKind.DEADLINE_SET: ("deadline",),
    EventKind.SHEET_ISSUED: ("sheet",),
    EventKind.PAUSED: ("party",),
}
TIERS = ("town", "district", "city")


def legal_steps(state: IssueState) -> list[EventKind]:
    """The event kinds the model allows from ``state`` (its own table, minus collection)."""
    return [k for k, (sources, _) in _STEPS.items() if state in sources]


@st.composite
def issues(
    draw: st.DrawFn,
    project: str | None = None,
    issue_id: str | None = None,
    max_steps: int = 8,
) -> Issue:
    """Issues whose history is built by taking legal steps through :meth:`Issue.step`.

    Dates never go backwards and supervision sheets never improve, so every
    history drawn is one the model accepts.
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


@st.composite
def portfolios(draw: st.DrawFn, max_projects: int = 4) -> Portfolio:
    """Portfolios with unique keys; leaders, secretaries, task forces and issues all resolve."""
    count = draw(st.integers(min_value=0, max_value=max_projects))
    project_list = [draw(projects(serial=i)) for i in range(count)]
    keys = tuple(p.key for p in project_list)
    leader_names = draw(st.lists(names, max_size=3, unique_by=normalise_text))
    secretary_names = draw(st.lists(names, max_size=3, unique_by=normalise_text))
    force_names = draw(st.lists(names, max_size=2, unique_by=normalise_text))
    unit_list = draw(st.lists(units, max_size=3, unique_by=lambda u: u.name))
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


stage_events = st.builds(StageEvent, st.sampled_from(StageEventKind), dates, notes)
contacts = st.builds(Contact, names, dates, names, notes)

# One strategy per model type, for tests that run over "every object type".
MODEL_STRATEGIES: dict[type, st.SearchStrategy[object]] = {
    Month: months,
    ProjectCode: project_codes(),
    Milestone: milestones(),
    StageEvent: stage_events,
    ApprovalItem: approval_items(),
    SiteObservation: site_observations,
    Project: projects(),
    Unit: units,
    Leader: leaders(("L-1", "L-2")),
    Contact: contacts,
    Secretary: secretaries(),
    TaskForce: task_forces(("L-1", "L-2")),
    Issue: issues(),
    IssueEvent: issues().flatmap(lambda issue: st.sampled_from(issue.events)),
    FrozenMap: money_maps(months),
    Portfolio: portfolios(),
}
