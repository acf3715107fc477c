"""Hypothesis strategies for the lights: a year of plans and reports, policies, dates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

from hypothesis import strategies as st

from projpush.lights import (
    Cutoff,
    GapMeasure,
    GapPolicy,
    LagPolicy,
    NodePolicy,
    Requirement,
    SiteActivityPolicy,
)
from projpush.model import Milestone, Month, Project, SiteObservation, StageEvent

YEAR = 2020
MONTHS = tuple(Month(YEAR, m) for m in range(1, 13))

# Amounts in 万元 with two decimals; small, so equality edges come up often.
amounts = st.integers(min_value=0, max_value=400).map(lambda n: Decimal(n).scaleb(-1))
days = st.dates(min_value=dt.date(YEAR, 1, 1), max_value=dt.date(YEAR, 12, 31))
month_ends = st.sampled_from([m.last_day for m in MONTHS])
as_of_dates = st.one_of(month_ends, days)


@st.composite
def milestones(draw: st.DrawFn, name: str) -> Milestone:
    planned = draw(days)
    start = draw(st.none() | st.dates(min_value=dt.date(YEAR, 1, 1), max_value=planned))
    done = draw(
        st.none()
        | st.dates(min_value=start or dt.date(YEAR, 1, 1), max_value=dt.date(YEAR, 12, 31))
    )
    percent = None if done is not None else draw(st.none() | st.integers(0, 100).map(Decimal))
    return Milestone(name, planned=planned, start=start, done=done, percent=percent)


@st.composite
def year_projects(draw: st.DrawFn, key: str = "P-1", *, construction: bool = False) -> Project:
    """A project with a monthly plan for 2020 and some months reported."""
    plan = {m: draw(amounts) for m in MONTHS}
    done = {m: draw(amounts) for m in MONTHS if draw(st.integers(0, 9)) > 0}
    events: tuple[StageEvent, ...] = ()
    stage = "under_construction"
    if not construction:
        kind = draw(st.sampled_from(["plain", "started", "suspended", "completed", "reserved"]))
        if kind == "reserved":
            stage = "reserved"
        elif kind != "plain":
            start = draw(days)
            events = (StageEvent("started", start),)
            if kind != "started":
                later = draw(st.dates(min_value=start, max_value=dt.date(YEAR, 12, 31)))
                events = (*events, StageEvent(kind, later))
                stage = kind
    n = draw(st.integers(0, 3))
    ms = tuple(draw(milestones(f"节点{i}")) for i in range(n))
    obs = tuple(
        SiteObservation(d, draw(st.booleans())) for d in sorted(draw(st.sets(days, max_size=12)))
    )
    return Project(
        name=f"项目{key}",
        level="city",
        category="infrastructure",
        stage=stage,
        region="海曙区",
        unit="市交通局",
        local_id=key,
        annual_plans={YEAR: sum(plan.values(), Decimal(1))},
        monthly_plan=plan,
        monthly_done=done,
        milestones=ms,
        stage_events=events,
        site_activity=obs,
    )


@st.composite
def lag_policies(draw: st.DrawFn) -> LagPolicy:
    yellow = draw(st.integers(1, 4))
    red = draw(st.integers(yellow + 1, 6))
    tolerance = draw(st.sampled_from([Decimal(1), Decimal("0.9"), Decimal("0.5")]))
    requirement = draw(st.sampled_from(list(Requirement)))
    return LagPolicy(
        streak_for_yellow=yellow, streak_for_red=red, tolerance=tolerance, requirement=requirement
    )


@st.composite
def gap_policies(draw: st.DrawFn) -> GapPolicy:
    yellow = draw(st.fractions(min_value=0, max_value=60, max_denominator=10))
    red = draw(st.fractions(min_value=yellow, max_value=100, max_denominator=10))
    yellow_inclusive = draw(st.booleans())
    red_inclusive = draw(st.booleans()) if red > yellow or yellow_inclusive else False
    return GapPolicy(
        yellow_at=yellow,
        red_at=red,
        yellow_inclusive=yellow_inclusive,
        red_inclusive=red_inclusive,
        measure=draw(st.sampled_from(list(GapMeasure))),
        cutoff=draw(st.sampled_from(list(Cutoff))),
    )


gaps = st.fractions(min_value=-100, max_value=200, max_denominator=100)
policies = st.one_of(
    lag_policies(),
    gap_policies(),
    st.just(NodePolicy.dalian()),
    st.builds(NodePolicy, slack_points=st.integers(0, 100).map(Fraction)),
    st.just(SiteActivityPolicy.ningbo_video()),
    st.just(SiteActivityPolicy.ningbo_video(red_after_days=14)),
)
