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
