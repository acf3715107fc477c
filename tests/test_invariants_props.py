"""Property tests for invariants that cross modules: purity, determinism, order, round trips.

The rules are pure functions of their inputs: advancing issues, judging
lights and computing the monthly figures leave the portfolio, its objects and
any list handed in exactly as they were; the same inputs give the same result
twice; shuffling the projects or the issues changes nothing but the order of
rows keyed by project or issue; and a supervision report computed from a
ledger equals the one computed from its JSON or CSV round trip.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projpush.csvledger import dump_csv_ledger, load_csv_ledger
from projpush.errors import ProjpushError, ValidationError
from projpush.escalation import EscalationPolicy, PolicyBook, advance, advance_all
from projpush.io import dump_portfolio, load_portfolio, to_dict
from projpush.lights import judge, judge_portfolio, light_map
from projpush.metrics import monthly_summary
from projpush.model import (
    Category,
    Issue,
    Leader,
    LeaderRank,
    Level,
    Portfolio,
    Project,
    Secretary,
    Stage,
    integrity_report,
)
from projpush.report import build_report, render
from projpush.schedule import china_calendar
from projpush.testing import issues, ladder_issues, leaders, portfolios, secretaries
from strategies_lights import policies as light_policies
from strategies_lights import year_projects

if TYPE_CHECKING:
    from projpush.lights import LightPolicy

CAL = china_calendar()
LADDERS = (
    EscalationPolicy.ningbo(),
    EscalationPolicy.dalian(),
    EscalationPolicy.binzhou(),
    EscalationPolicy.yinzhou(),
)
BOOK = PolicyBook(LADDERS)
REPORT_POLICIES = ("default", "ningbo", "dalian", "yinchuan", "sanya")
# Mostly the plan year the strategies draw (2020), where lights turn; now and then after it.
report_days = (
    st.sampled_from([dt.date(2020, m, 28) for m in range(1, 13)])
    | st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2020, 12, 31))
    | st.dates(min_value=dt.date(2021, 1, 1), max_value=dt.date(2021, 3, 31))
)
slow_settings = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@st.composite
def ladder_issue_lists(draw: st.DrawFn, keys: tuple[str, ...]) -> list[Issue]:
    """Issues on ``keys`` taken through the escalation rules, under several cities' ladders."""
    out = []
    for i in range(draw(st.integers(min_value=0, max_value=4))):
        issue = draw(ladder_issues(draw(st.sampled_from(LADDERS)), calendar=CAL, max_steps=6))
        out.append(attrs.evolve(issue, id=f"Q-{i}", project=draw(st.sampled_from(keys))))
    return out


@st.composite
def city_portfolios(draw: st.DrawFn) -> Portfolio:
    """Ledgers a monthly report judges: 2020 plans and actuals, milestones, issues, people."""
    count = draw(st.integers(min_value=1, max_value=4))
    projects = [draw(year_projects(f"P-{i}")) for i in range(count)]
    keys = tuple(p.key for p in projects)
    people = draw(st.lists(st.sampled_from(["张", "李", "王"]), max_size=2, unique=True))
    return Portfolio(
        projects=tuple(projects),
        issues=tuple(draw(ladder_issue_lists(keys))),
        leaders=tuple(draw(leaders(keys, f"{n}市长")) for n in people),
        secretaries=tuple(draw(secretaries(keys, f"{n}秘书")) for n in people),
    )


def lenient_verdicts(p: Portfolio, as_of: dt.date) -> tuple[Any, ...]:
    """The verdicts a report gives: a project that cannot be judged is shown unjudged."""
    return judge_portfolio(p, as_of, lenient=True).verdicts


# Report ledgers, and now and then a ledger of arbitrary projects the lights cannot judge
# (its issues left out: their tiers and policy versions are no real ladder's, which a
# report refuses with an UnknownReferenceError).
any_portfolios = city_portfolios() | portfolios(max_projects=3).map(
    lambda p: attrs.evolve(p, issues=())
)


def shuffled(data: st.DataObject, p: Portfolio) -> Portfolio:
    """``p`` with its projects, issues and people in another order."""
    return Portfolio(
        projects=tuple(data.draw(st.permutations(p.projects))),
        leaders=tuple(data.draw(st.permutations(p.leaders))),
        secretaries=tuple(data.draw(st.permutations(p.secretaries))),
        issues=tuple(data.draw(st.permutations(p.issues))),
        units=tuple(data.draw(st.permutations(p.units))),
        task_forces=tuple(data.draw(st.permutations(p.task_forces))),
    )


def by_key(value: Any) -> Any:
    """``value`` (JSON-like data) with every list sorted: rows compared by content, not place.

    Lists a report shows in ledger order (people, findings) follow the input's
    order; what must not change is which rows there are and what they say.
    """
    if isinstance(value, dict):
        return {k: by_key(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return sorted((by_key(v) for v in value), key=repr)
    return value


class Snapshot:
    """What a portfolio and a list look like now, to compare after a rule ran."""

    def __init__(self, p: Portfolio, items: list[Any] | None = None) -> None:
        self.portfolio = p
        self.copy = copy.deepcopy(p)
        self.records = to_dict(p)
        self.rows = p.to_records()
        self.items = items
        self.listed = list(items or ())
        self.ids = [id(x) for x in items or ()]

    def assert_unchanged(self) -> None:
        assert self.copy == self.portfolio
        assert self.records == to_dict(self.portfolio)
        assert self.rows == self.portfolio.to_records()
        if self.items is not None:
            assert self.ids == [id(x) for x in self.items]  # not reordered, not replaced
            assert self.listed == self.items


class TestRulesDoNotMutate:
    """Rules leave the portfolio, its objects and the lists handed in as they were."""

    @slow_settings
    @given(city_portfolios(), report_days)
    def test_advance(self, p: Portfolio, as_of: dt.date) -> None:
        """advance and advance_all leave each issue and the list of issues unchanged."""
        items = list(p.issues)
        before = Snapshot(p, items)
        ladders = {ladder.key: ladder for ladder in LADDERS}
        for issue in items:
            advance(issue, as_of, ladders[str(issue.status.policy)], calendar=CAL)
            advance(issue, as_of, BOOK, calendar=CAL)
        advance_all(items, as_of, BOOK, calendar=CAL)
        before.assert_unchanged()

    @slow_settings
    @given(any_portfolios, report_days, light_policies)
    def test_lights(self, p: Portfolio, as_of: dt.date, policy: LightPolicy) -> None:
        """judge, judge_portfolio and light_map leave the projects and the list unchanged."""
        items = list(p.projects)
        before = Snapshot(p, items)
        for project in items:
            # A project with no plan for the year is refused; the lenient forms go on.
            with contextlib.suppress(ValidationError):
                judge(project, as_of, policy)
        judge_portfolio(p, as_of, policy, lenient=True)
        light_map(items, as_of.year, policy, lenient=True)
        light_map(p, as_of.year, policy, lenient=True)
        before.assert_unchanged()

    @slow_settings
    @given(any_portfolios, report_days)
    def test_monthly_summary_and_report(self, p: Portfolio, as_of: dt.date) -> None:
        """monthly_summary and build_report leave the portfolio unchanged."""
        before = Snapshot(p)
        monthly_summary(p, as_of, calendar=CAL, verdicts=lenient_verdicts(p, as_of))
        monthly_summary(p, as_of, calendar=CAL, judge_lights=False)
        build_report(p, as_of, calendar=CAL)
        before.assert_unchanged()

    def test_objects_are_frozen(self) -> None:
        """The values handed to rules cannot be changed in place."""
        p = Portfolio()
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            p.projects = ()  # type: ignore[misc]


class TestDeterministic:
    """The same inputs give the same results, whatever the order of projects and issues."""

    @slow_settings
    @given(st.data(), any_portfolios, report_days, light_policies)
    def test_lights(
        self, data: st.DataObject, p: Portfolio, as_of: dt.date, policy: LightPolicy
    ) -> None:
        """Verdicts and light-map rows are the same twice, and by key after a shuffle."""
        other = shuffled(data, p)
        first = judge_portfolio(p, as_of, policy, lenient=True)
        assert first == judge_portfolio(p, as_of, policy, lenient=True)
        again = judge_portfolio(other, as_of, policy, lenient=True)
        assert {v.project: v for v in first.verdicts} == {v.project: v for v in again.verdicts}
        assert (first.counts, first.red, first.yellow) == (again.counts, again.red, again.yellow)
        year = as_of.year
        lights = light_map(p, year, policy, lenient=True)
        assert lights == light_map(p, year, policy, lenient=True)
        shuffled_lights = light_map(other, year, policy, lenient=True)
        assert {k: lights.row(k) for k in lights.keys} == {
            k: shuffled_lights.row(k) for k in shuffled_lights.keys
        }

    @slow_settings
    @given(st.data(), city_portfolios(), report_days)
    def test_advance(self, data: st.DataObject, p: Portfolio, as_of: dt.date) -> None:
        """Advanced issues are the same twice, and by id after a shuffle."""
        items = list(p.issues)
        first = advance_all(items, as_of, BOOK, calendar=CAL)
        assert first == advance_all(items, as_of, BOOK, calendar=CAL)
        again = advance_all(data.draw(st.permutations(items)), as_of, BOOK, calendar=CAL)
        assert {q.id: q for q in first} == {q.id: q for q in again}

    @slow_settings
    @given(st.data(), any_portfolios, report_days)
    def test_monthly_summary(self, data: st.DataObject, p: Portfolio, as_of: dt.date) -> None:
        """Every figure of the monthly summary is the same twice, and after a shuffle."""
        first = monthly_summary(p, as_of, calendar=CAL, verdicts=lenient_verdicts(p, as_of))
        assert first == monthly_summary(p, as_of, calendar=CAL, verdicts=lenient_verdicts(p, as_of))
        other = shuffled(data, p)
        again = monthly_summary(other, as_of, calendar=CAL, verdicts=lenient_verdicts(other, as_of))
        assert by_key(first.to_dict()) == by_key(again.to_dict())

    @slow_settings
    @given(st.data(), any_portfolios, report_days, st.sampled_from(REPORT_POLICIES))
    def test_report(self, data: st.DataObject, p: Portfolio, as_of: dt.date, policy: str) -> None:
        """A report renders the same twice; after a shuffle its figures and lists agree by key."""
        first = build_report(p, as_of, policy=policy, calendar=CAL)
        assert first == build_report(p, as_of, policy=policy, calendar=CAL)
        assert render(first, fmt="json") == render(
            build_report(p, as_of, policy=policy, calendar=CAL), fmt="json"
        )
        again = build_report(shuffled(data, p), as_of, policy=policy, calendar=CAL)
        assert by_key(first.to_dict()) == by_key(again.to_dict())
        assert {q.id: q for q in first.issues} == {q.id: q for q in again.issues}
        assert (first.lights.red, first.lights.yellow) == (again.lights.red, again.lights.yellow)


class TestReportRoundTrip:
    """A report computed from a ledger equals the one computed from its JSON or CSV copy."""

    @slow_settings
    @given(any_portfolios, report_days, st.sampled_from(REPORT_POLICIES))
    def test_json_and_csv(self, p: Portfolio, as_of: dt.date, policy: str) -> None:
        """build_report and every rendering agree on the ledger and on its round trips."""
        with tempfile.TemporaryDirectory() as name:
            where = Path(name)
            dump_portfolio(p, where / "ledger.json")
            dump_csv_ledger(p, where / "csv")
            copies = (load_portfolio(where / "ledger.json"), load_csv_ledger(where / "csv"))
        report = build_report(p, as_of, policy=policy, calendar=CAL)
        texts = [render(report, fmt=fmt) for fmt in ("text", "json", "csv")]
        for q in copies:
            again = build_report(q, as_of, policy=policy, calendar=CAL)
            assert report == again
            assert report.to_dict() == again.to_dict()
            assert texts == [render(again, fmt=fmt) for fmt in ("text", "json", "csv")]


class TestIssueStrategies:
    """The free-form issues of projpush.testing also advance without touching their input."""

    @given(issues(project="P-1", issue_id="Q-1"), report_days)
    def test_advance_free_issue(self, issue: Issue, as_of: dt.date) -> None:
        """An issue with tiers no ladder knows is refused or advanced; the input stays put."""
        before = copy.deepcopy(issue)
        # A tier no ladder knows is refused: the point here is the input.
        with contextlib.suppress(ProjpushError):
            advance(issue, as_of, EscalationPolicy.ningbo(), calendar=CAL)
        assert before == issue


class TestFindingOrder:
    """Findings name people in a fixed order, not in the ledger's."""

    def test_several_secretaries_finding_ignores_ledger_order(self) -> None:
        """The finding on a project served by two secretaries reads the same in either order."""
        project = Project(
            name="机场快速路",
            level=Level.CITY,
            category=Category.INFRASTRUCTURE,
            stage=Stage.UNDER_CONSTRUCTION,
            region="海曙区",
            unit="市交通局",
            local_id="P-1",
        )
        zhang = Secretary("张秘书", "市发改委", ("P-1",))
        li = Secretary("李秘书", "市发改委", ("P-1",))
        day = dt.date(2020, 6, 30)
        leader = (Leader("王市长", LeaderRank.CITY, "", ("P-1",)),)
        first = Portfolio(projects=(project,), leaders=leader, secretaries=(zhang, li))
        second = Portfolio(projects=(project,), leaders=leader, secretaries=(li, zhang))
        assert sorted(map(repr, integrity_report(first, day))) == sorted(
            map(repr, integrity_report(second, day))
        )
