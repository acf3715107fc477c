"""Hypothesis strategies for the table engine: ledgers with the shapes that break column code."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import strategies as st

from projpush.model import Month, Portfolio, Project
from projpush.testing import portfolios
from strategies_lights import MONTHS, YEAR, year_projects


@st.composite
def ledgers(draw: st.DrawFn) -> Portfolio:
    """Projects of one year with gaps, stage changes, other years' figures and missing plans."""
    projects = []
    for i in range(draw(st.integers(0, 6))):
        p: Project = draw(year_projects(f"P-{i}"))
        shape = draw(st.sampled_from(["as_is", "gappy", "other_year", "no_plan", "planned"]))
        if shape == "gappy":  # some months have no plan; some figures from the year before
            keep = draw(st.sets(st.sampled_from(MONTHS), min_size=1))
            plan = {m: v for m, v in p.monthly_plan.items() if m in keep}
            done = {**p.monthly_done, Month(YEAR - 1, 12): Decimal(5)}
            p = _evolve(p, monthly_plan=plan, monthly_done=done)
        elif shape == "other_year":
            p = _evolve(p, monthly_plan={Month(YEAR - 1, 6): Decimal(1), **p.monthly_plan})
        elif shape == "no_plan":
            p = _evolve(p, monthly_plan={Month(YEAR + 1, 1): Decimal(3)})
        elif shape == "planned":
            p = _evolve(p, stage="planned", stage_events=())
        projects.append(p)
    return Portfolio(projects=tuple(projects))


def _evolve(p: Project, **changes: object) -> Project:
    return attrs.evolve(p, **changes)


@st.composite
def ledgers_and_dates(draw: st.DrawFn) -> tuple[Portfolio, dt.date]:
    """A ledger, generated or of one year, and a date where its figures are, often."""
    portfolio = draw(portfolios() | ledgers())
    months = sorted({m for p in portfolio.projects for m in (*p.monthly_done, *p.monthly_plan)})
    years = sorted({y for p in portfolio.projects for y in p.annual_plans})
    near = [
        *(m.last_day for m in months),
        *((m + 12).last_day for m in months),  # a year later: last year's figures
        *(dt.date(y, 6, 17) for y in years),
    ]
    anywhere = st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2030, 12, 31))
    as_of = draw(st.sampled_from(near) | anywhere) if near else draw(anywhere)
    return portfolio, as_of


def with_problems(
    drawn: tuple[Portfolio, dt.date], problems: tuple[Any, dt.date], later: int
) -> tuple[Portfolio, dt.date]:
    """The ledger with the issues on its own projects (none without projects), and a date.

    Half the time the date is ``later`` days after the issues' last one, to advance them.
    """
    portfolio, as_of = drawn
    issues, last = problems
    keys = [p.key for p in portfolio.projects]
    issues = tuple(
        attrs.evolve(q, project=keys[i % len(keys)]) for i, q in enumerate(issues) if keys
    )
    if issues and later % 2:
        as_of = last + dt.timedelta(days=later)
    return portfolio.with_issues(issues), as_of
