"""Property tests of projpush.columnar: the tables give the object API's answers exactly.

The columnar functions run on the table engine; these tests pin them to the
object rules on generated portfolios: every verdict row (light, severity,
reason codes and sentences, amounts written as given), every light map
cell, every figure and group, with exact Decimal and Fraction equality.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from projpush.columnar import (
    figures_frame,
    from_frames,
    groups_frame,
    groups_from_figures,
    judge_frame,
    light_map_frame,
    to_frames,
)
from projpush.engine import from_portfolio, to_portfolio
from projpush.errors import ValidationError
from projpush.frames import light_map_records, verdict_records
from projpush.lights import GapPolicy, LagPolicy, WorstOf, judge_portfolio, light_map
from projpush.metrics import GroupFigures, group_figures, investment
from projpush.model import Portfolio
from projpush.synth import sample_portfolio
from projpush.testing import dates, portfolios
from strategies_lights import YEAR, as_of_dates, gap_policies, lag_policies, year_projects
from strategies_metrics import project_lists, report_dates

if TYPE_CHECKING:
    from collections.abc import Iterable

DIMENSIONS = ("level", "category", "region", "unit", "stage")
AMOUNTS = ("annual_plan", "done_to_date", "done_in_month", "done_last_year")
MONEY = "decimal128(38, 12)[pyarrow]"
# The columns of groups_frame after the group's key, in the order group_rows gives them.
GROUP_COLUMNS = (
    "members",
    "projects_planned",
    "annual_plan",
    "done_to_date",
    "done_in_month",
    "done_last_year",
    "completion",
    "schedule",
    "gap",
)


def group_rows(groups: Iterable[GroupFigures]) -> list[tuple[object, ...]]:
    """group_figures' groups as the rows of groups_frame (the key, then GROUP_COLUMNS)."""
    return [
        (
            g.key,
            g.members,
            g.investment.projects,
            g.investment.annual_plan,
            g.investment.done_to_date,
            g.investment.done_in_month,
            g.investment.done_last_year,
            g.completion.value,
            g.schedule.value,
            g.gap.value,
        )
        for g in groups
    ]


def frame_rows(frame: pd.DataFrame, by: str) -> list[tuple[object, ...]]:
    """A groups_frame's rows, the key column ``by`` then GROUP_COLUMNS."""
    return list(frame[[by, *GROUP_COLUMNS]].itertuples(index=False, name=None))


monthly_policies = st.one_of(
    st.none(),
    lag_policies(),
    gap_policies(),
    st.sampled_from([LagPolicy.ningbo(), GapPolicy.yinchuan(), GapPolicy.sanya()]),
    st.builds(lambda a, b: WorstOf((a, b)), lag_policies(), gap_policies()),
)


@st.composite
def year_portfolios(draw: st.DrawFn) -> Portfolio:
    """Up to five projects with a year of plans and reports, some outside construction."""
    n = draw(st.integers(0, 5))
    return Portfolio(projects=tuple(draw(year_projects(f"P-{i}")) for i in range(n)))


def stripped(portfolio):
    """The projects as the tables hold them, sorted by key."""
    projects = sorted(portfolio.projects, key=lambda p: p.key)
    return Portfolio(
        projects=tuple(
            attrs.evolve(p, milestones=(), approvals=(), site_activity=()) for p in projects
        )
    )


def lights(portfolio, as_of, policy, *, lenient):
    """The object API's verdict rows, named and sorted as judge_frame gives them."""
    rows = verdict_records(judge_portfolio(portfolio, as_of, policy, lenient=lenient))
    rows = [{("key" if k == "project" else k): v for k, v in r.items()} for r in rows]
    return sorted(rows, key=lambda r: r["key"])


def plain(frame):
    """A frame's rows, its ordered light categorical as the records' text (None: not judged)."""
    if "light" in frame:
        frame = frame.astype({"light": object}).where(frame.notna(), None)
    return frame.to_dict("records")


def outcome(fn, *args, **kwargs):
    """The rows ``fn`` gives (or ``fn()``, its records), or the message of its ValidationError."""
    try:
        result = fn(*args, **kwargs)
    except ValidationError as error:
        return ("error", str(error))
    return result if isinstance(result, list) else plain(result)


def arrow_decimals(column):
    """Amounts as text (or None) made an Arrow decimal128(38, 12) column."""
    values = [None if v is None else Decimal(v) for v in column]
    return pd.Series(pd.arrays.ArrowExtensionArray(pa.array(values, pa.decimal128(38, 12))))


def tables_of(portfolio):
    t = to_frames(portfolio)
    return {"projects": t.projects, "stage_events": t.stage_events}, t.monthly


def keeping_project_order(events, perm):
    """Rows of ``events`` in the order ``perm``, except that a project's own rows keep theirs."""
    keys = events["key"].tolist()
    slots: dict[str, list[int]] = {}
    for slot, i in enumerate(perm):
        slots.setdefault(keys[i], []).append(slot)
    order = [0] * len(keys)
    for key, where in slots.items():
        own = [i for i, k in enumerate(keys) if k == key]
        for slot, i in zip(where, own, strict=True):
            order[slot] = i
    return events.iloc[order]


class TestLightsEqualObjectApi:
    """judge_frame and light_map_frame give judge_portfolio's and light_map's rows."""

    @given(portfolios(), dates, monthly_policies)
    def test_any_portfolio(self, portfolio, as_of, policy):
        """Any ledger, any date, lenient: the same verdicts, value for value."""
        tables, monthly = tables_of(portfolio)
        expected = lights(portfolio, as_of, policy, lenient=True)
        assert expected == plain(judge_frame(monthly, as_of, policy, lenient=True, **tables))

    @given(portfolios(), dates, monthly_policies)
    def test_strict_errors_match(self, portfolio, as_of, policy):
        """Without lenient, the same verdicts or the same error message."""
        tables, monthly = tables_of(portfolio)
        expected = outcome(lights, stripped(portfolio), as_of, policy, lenient=False)
        assert expected == outcome(judge_frame, monthly, as_of, policy, **tables)

    @given(year_portfolios(), as_of_dates, monthly_policies)
    def test_a_year_of_reports(self, portfolio, as_of, policy):
        """Projects with a full year of plans and most months reported: the lights that matter."""
        tables, monthly = tables_of(portfolio)
        expected = outcome(lights, portfolio, as_of, policy, lenient=False)
        assert expected == outcome(judge_frame, monthly, as_of, policy, **tables)

    @given(year_portfolios(), monthly_policies)
    def test_light_map(self, portfolio, policy):
        """The twelve month ends of the year."""
        tables, monthly = tables_of(portfolio)
        expected = light_map_records(light_map(stripped(portfolio), YEAR, policy, lenient=True))
        got = light_map_frame(monthly, YEAR, policy, lenient=True, **tables)
        assert expected == plain(got)

    @given(portfolios(), monthly_policies)
    def test_light_map_strict(self, portfolio, policy):
        """Without lenient, the same map or the same error (a project with no plan)."""
        tables, monthly = tables_of(portfolio)
        expected = outcome(lambda: light_map_records(light_map(stripped(portfolio), YEAR, policy)))
        assert expected == outcome(light_map_frame, monthly, YEAR, policy, **tables)

    @given(portfolios(), dates, monthly_policies)
    def test_arrow_decimal_amounts(self, portfolio, as_of, policy):
        """Arrow decimal columns: the lights of the amounts without trailing zeros."""
        tables, monthly = tables_of(portfolio)
        exact = monthly.assign(
            plan=arrow_decimals(monthly["plan"]), done=arrow_decimals(monthly["done"])
        )
        annual = [c for c in tables["projects"].columns if c.startswith("annual_plan_")]
        projects = tables["projects"].assign(
            **{c: arrow_decimals(tables["projects"][c]) for c in annual}
        )
        as_written = to_portfolio(from_portfolio(stripped(portfolio)))
        expected = lights(as_written, as_of, policy, lenient=True)
        got = judge_frame(
            exact,
            as_of,
            policy,
            lenient=True,
            projects=projects,
            stage_events=tables["stage_events"],
        )
        assert expected == plain(got)


class TestFiguresEqualObjectApi:
    """figures_frame and groups_frame give investment's and group_figures' values."""

    @given(
        st.one_of(portfolios(), project_lists().map(lambda ps: Portfolio(projects=tuple(ps)))),
        st.one_of(dates, report_dates),
    )
    def test_each_project(self, portfolio, as_of):
        """Each row holds investment([project]) of its project."""
        tables, monthly = tables_of(portfolio)
        frame = figures_frame(monthly, as_of, **tables)
        assert {MONEY} == {str(frame[c].dtype) for c in AMOUNTS}
        got = frame.to_dict("records")
        expected = []
        for p in stripped(portfolio).projects:
            inv = investment([p], as_of)
            expected.append(
                (
                    p.key,
                    inv.projects == 1,
                    inv.annual_plan,
                    inv.done_to_date,
                    inv.done_in_month,
                    inv.done_last_year,
                    inv.completion.value,
                    p.stage_at(as_of).value,
                )
            )
        # Exact Decimal equality: the Arrow decimals hold the same numbers (12 places).
        assert expected == [
            (
                r["key"],
                r["planned"],
                r["annual_plan"],
                r["done_to_date"],
                r["done_in_month"],
                r["done_last_year"],
                r["completion"],
                r["stage"],
            )
            for r in got
        ]

    @given(
        st.one_of(portfolios(), project_lists().map(lambda ps: Portfolio(projects=tuple(ps)))),
        st.one_of(dates, report_dates),
        st.sampled_from(DIMENSIONS),
    )
    def test_groups(self, portfolio, as_of, by):
        """Groups are group_figures' (summed amounts, pooled rates); grouping figures agrees."""
        tables, monthly = tables_of(portfolio)
        got = groups_frame(monthly, by, as_of, **tables)
        expected = group_rows(group_figures(portfolio, by, as_of))
        assert expected == frame_rows(got, by)
        assert {MONEY} == {str(got[c].dtype) for c in AMOUNTS}
        each = figures_frame(monthly, as_of, **tables)
        assert got.equals(groups_from_figures(each, by))


class TestTablesDoNotMatter:
    """Row order, one table or three, text or Decimal amounts: the same answers."""

    @given(portfolios(), dates, st.data())
    def test_row_order(self, portfolio, as_of, data):
        """Shuffled rows of every table give equal frames."""
        t = to_frames(portfolio)
        monthly = t.monthly.iloc[data.draw(st.permutations(range(len(t.monthly))))]
        projects = t.projects.iloc[data.draw(st.permutations(range(len(t.projects))))]
        perm = data.draw(st.permutations(range(len(t.stage_events))))
        events = keeping_project_order(t.stage_events, perm)
        for fn in (judge_frame, figures_frame):
            expected = fn(
                t.monthly,
                as_of,
                projects=t.projects,
                stage_events=t.stage_events,
                **({"lenient": True} if fn is judge_frame else {}),
            )
            got = fn(
                monthly,
                as_of,
                projects=projects,
                stage_events=events,
                **({"lenient": True} if fn is judge_frame else {}),
            )
            assert expected.equals(got)

    @given(portfolios())
    def test_round_trip(self, portfolio):
        """from_frames(to_frames(p)) is p without milestones, approvals and observations."""
        t = to_frames(portfolio)
        assert stripped(portfolio) == from_frames(t.monthly, t.projects, t.stage_events)

    @given(portfolios(), dates)
    def test_one_table(self, portfolio, as_of):
        """monthly merged with projects (outer) gives what the two tables give."""
        t = to_frames(portfolio)
        joined = t.monthly.merge(t.projects, on="key", how="outer")
        expected = judge_frame(
            t.monthly, as_of, projects=t.projects, stage_events=t.stage_events, lenient=True
        )
        assert expected.equals(
            judge_frame(joined, as_of, stage_events=t.stage_events, lenient=True)
        )
        assert stripped(portfolio) == from_frames(joined, stage_events=t.stage_events)

    @given(portfolios(), dates)
    def test_decimal_cells(self, portfolio, as_of):
        """Decimal objects instead of text are read the same."""
        t = to_frames(portfolio)
        exact = t.monthly.assign(
            **{
                c: pd.Series(
                    [None if v is None else Decimal(v) for v in t.monthly[c]], dtype=object
                )
                for c in ("plan", "done")
            }
        )
        expected = figures_frame(t.monthly, as_of, projects=t.projects, stage_events=t.stage_events)
        got = figures_frame(exact, as_of, projects=t.projects, stage_events=t.stage_events)
        assert repr(expected.to_dict("records")) == repr(got.to_dict("records"))


class TestSampleLedger:
    """The bundled sample ledger agrees at the edges of the year too."""

    @pytest.mark.parametrize("as_of", [dt.date(2020, 1, 15), dt.date(2020, 12, 31)])
    def test_year_edges(self, as_of):
        """Before the first report month and at the year's end."""
        portfolio = sample_portfolio()
        tables, monthly = tables_of(portfolio)
        assert lights(portfolio, as_of, None, lenient=True) == plain(
            judge_frame(monthly, as_of, lenient=True, **tables)
        )
