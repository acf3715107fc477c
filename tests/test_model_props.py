"""Property tests for the model: JSON round trips, evolve, replay, portfolio look-ups."""

from __future__ import annotations

import copy
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from projpush.errors import UnknownReferenceError
from projpush.io import from_dict, from_json, to_dict, to_json
from projpush.model import FrozenMap, Issue, Month, Portfolio, replay
from projpush.synth import synthetic_portfolio
from strategies import MODEL_STRATEGIES, issues, months, portfolios

TYPES = sorted(MODEL_STRATEGIES, key=lambda t: t.__name__)


def hint_for(cls: type) -> object:
    """The type to decode with: a bare FrozenMap needs its key and value types."""
    return FrozenMap[Month, Decimal] if cls is FrozenMap else cls


@pytest.mark.parametrize("cls", TYPES, ids=lambda t: t.__name__)
class TestRoundTrip:
    """Every model value survives JSON exactly."""

    @given(data=st.data())
    def test_json_round_trip(self, cls, data):
        """from_json(to_json(x)) == x, and the text is stable."""
        value = data.draw(MODEL_STRATEGIES[cls])
        text = to_json(value)
        back = from_json(hint_for(cls), text)
        assert value == back
        assert text == to_json(back)

    @given(data=st.data())
    def test_dict_round_trip(self, cls, data):
        """from_dict(to_dict(x)) == x."""
        value = data.draw(MODEL_STRATEGIES[cls])
        assert value == from_dict(hint_for(cls), to_dict(value))

    @given(data=st.data())
    def test_evolve_is_identity(self, cls, data):
        """attrs.evolve(x) == x (validators accept what they built)."""
        value = data.draw(MODEL_STRATEGIES[cls])
        if attrs.has(type(value)):
            assert value == attrs.evolve(value)


class TestIssueReplay:
    """An issue's status is its events replayed."""

    @given(issues())
    def test_status_is_replay(self, issue: Issue):
        """replay(issue.events) == issue.status, field by field."""
        assert issue.status == replay(issue.events)

    @given(issues())
    def test_sheet_never_improves(self, issue: Issue):
        """The sheet's severity never goes down along the history."""
        severities = [e.sheet.severity for e in issue.events if e.sheet is not None]
        assert sorted(severities) == severities


class TestMonthProps:
    """Month arithmetic agrees with counting."""

    @given(months, st.integers(min_value=-60, max_value=60))
    def test_add_then_subtract(self, month: Month, n: int):
        """(m + n) - m == n and (m + n) - n == m."""
        assert n == (month + n) - month
        assert month == (month + n) - n


class TestPortfolioLookUps:
    """Indexed look-ups agree with a brute-force scan."""

    @given(portfolios())
    def test_look_ups(self, pf: Portfolio):
        """by_unit, by_region, by_leader, by_secretary, *_of and project() agree with a scan."""
        for p in pf.projects:
            assert p is pf.project(p.key)
            assert tuple(x for x in pf.projects if x.unit == p.unit) == pf.by_unit(p.unit)
            assert tuple(x for x in pf.projects if x.region == p.region) == pf.by_region(p.region)
            assert tuple(ld for ld in pf.leaders if p.key in ld.projects) == pf.leaders_of(p.key)
            assert tuple(s for s in pf.secretaries if p.key in s.projects) == pf.secretaries_of(
                p.key
            )
            assert tuple(i for i in pf.issues if i.project == p.key) == pf.issues_of(p.key)
        for ld in pf.leaders:
            assert tuple(pf.project(k) for k in ld.projects) == pf.by_leader(ld.name)
        for s in pf.secretaries:
            assert tuple(pf.project(k) for k in s.projects) == pf.by_secretary(s.name)
        for i in pf.issues:
            assert i is pf.issue(i.id)

    @given(portfolios(), st.text(min_size=1, max_size=5))
    def test_unknown_key(self, pf: Portfolio, key: str):
        """A key no project has is an UnknownReferenceError."""
        known = {p.key for p in pf.projects} | {p.local_id for p in pf.projects}
        if key in known:
            return
        with pytest.raises(UnknownReferenceError):
            pf.project(key)


class TestWithIssues:
    """``Portfolio.with_issues`` indexes a new problem list as building the portfolio would."""

    @staticmethod
    def index_view(portfolio: Portfolio) -> tuple[object, ...]:
        index = portfolio._index
        return (
            [(k, id(v)) for k, v in index.issues.items()],
            {k: [id(v) for v in vs] for k, vs in index.issues_of.items()},
        )

    @given(portfolio=portfolios(max_projects=5), data=st.data())
    def test_equals_a_rebuilt_index(self, portfolio, data):
        """Issues copied in place (as an advance returns them), reordered or dropped: same index."""
        issues = list(portfolio.issues)
        fresh = data.draw(st.lists(st.booleans(), min_size=len(issues), max_size=len(issues)))
        issues = [copy.copy(q) if f else q for q, f in zip(issues, fresh, strict=True)]
        if data.draw(st.booleans()):
            issues = data.draw(st.permutations(issues))
        if issues and data.draw(st.booleans()):
            issues.pop(data.draw(st.integers(0, len(issues) - 1)))
        fast = portfolio.with_issues(issues)
        rebuilt = attrs.evolve(portfolio, issues=tuple(issues))
        assert (rebuilt, self.index_view(rebuilt)) == (fast, self.index_view(fast))

    def test_few_new_objects_patch_their_groups(self):
        """A daily run's few new issues (one in fifteen here) are patched into their groups."""
        portfolio = synthetic_portfolio(10, seed=3, issues_per_project=3)
        issues = list(portfolio.issues)
        for i in (0, 17):
            issues[i] = copy.copy(issues[i])
        fast = portfolio.with_issues(issues)
        rebuilt = attrs.evolve(portfolio, issues=tuple(issues))
        assert (30, rebuilt, self.index_view(rebuilt)) == (
            len(issues),
            fast,
            self.index_view(fast),
        )
