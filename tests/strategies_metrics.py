"""Hypothesis strategies for the metrics tests: projects with plans and monthly actuals."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from hypothesis import strategies as st

from projpush.model import Project, StageEvent

if TYPE_CHECKING:
    from decimal import Decimal

amounts = st.decimals(min_value=0, max_value=10_000, places=2, allow_nan=False)
REGIONS = ("滨城区", "沾化区", "惠民县")
UNITS = ("市发改委", "市交通局", "市工信局")


@st.composite
def report_projects(draw: st.DrawFn, key: str) -> Project:
    """A project with maybe an annual plan for 2020 and actuals in 2019 and 2020."""
    plan = draw(st.none() | amounts)
    months = draw(st.lists(st.integers(1, 12), max_size=5, unique=True))
    last_year = draw(st.lists(st.integers(1, 12), max_size=3, unique=True))
    done: dict[str, Decimal] = {f"2020-{m:02d}": draw(amounts) for m in months}
    done |= {f"2019-{m:02d}": draw(amounts) for m in last_year}
    started = draw(st.sampled_from((dt.date(2019, 4, 1), dt.date(2020, 3, 1))))
    return Project(
        local_id=key,
        name=f"项目{key}",
        level=draw(st.sampled_from(("city", "county"))),
        category=draw(st.sampled_from(("industry", "social"))),
        stage="under_construction",
        region=draw(st.sampled_from(REGIONS)),
        unit=draw(st.sampled_from(UNITS)),
        annual_plans={} if plan is None else {2020: plan},
        monthly_done=done,
        stage_events=(StageEvent("started", started),),
    )


@st.composite
def project_lists(draw: st.DrawFn, max_size: int = 8) -> list[Project]:
    """Projects with distinct keys."""
    n = draw(st.integers(0, max_size))
    return [draw(report_projects(f"P{i}")) for i in range(n)]


report_dates = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2020, 12, 31))


@st.composite
def month_amounts(draw: st.DrawFn) -> dict[str, Decimal]:
    """Monthly amounts from 2018 to 2021: a run of consecutive months, or scattered ones."""
    if draw(st.booleans()):
        start = draw(st.integers(0, 47))
        indexes = range(start, min(48, start + draw(st.integers(0, 30))))
    else:
        indexes = sorted(draw(st.sets(st.integers(0, 47), max_size=8)))
    return {f"{2018 + i // 12}-{i % 12 + 1:02d}": draw(amounts) for i in indexes}


@st.composite
def summary_portfolios(draw: st.DrawFn) -> list[Project]:
    """Projects with plans, actuals over several years, baselines and stage histories."""
    projects = []
    for i in range(draw(st.integers(0, 6))):
        p = draw(report_projects(f"S{i}"))
        stage = draw(st.sampled_from(("under_construction", "reserved")))
        projects.append(
            Project(
                local_id=p.local_id,
                name=p.name,
                level=p.level,
                category=p.category,
                stage=stage,
                region=p.region,
                unit=p.unit,
                annual_plans=p.annual_plans,
                total_investment=draw(st.sampled_from((0, 1000, 50_000))),
                monthly_plan=draw(month_amounts()),
                monthly_done=draw(month_amounts()),
                stage_events=p.stage_events if stage == "under_construction" else (),
            )
        )
    return projects
