"""Property tests for escalation over generated issue histories."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hypothesis import given
from hypothesis import strategies as st

from projpush.escalation import AUTO_ACTOR, advance
from projpush.model import Issue, IssueState, replay
from strategies_escalation import CAL, History, histories, later_days

if TYPE_CHECKING:
    import datetime as dt


def tier_indexes(history: History, issue: Issue) -> list[int]:
    ladder = history.policy.ladder
    return [ladder.index(e.tier) for e in issue.events if e.tier is not None]


def severities(issue: Issue) -> list[int]:
    return [e.sheet.severity for e in issue.events if e.sheet is not None]


@st.composite
def advanced(draw: st.DrawFn) -> tuple[History, Issue, list[dt.date]]:
    history = draw(histories())
    days = draw(later_days(history.last_day))
    return history, advance(history.issue, days[-1], history.policy, calendar=CAL), days


class TestMonotone:
    """While open, tiers never go down and colours never improve."""

    @given(advanced())
    def test_tiers_never_decrease(self, case: tuple[History, Issue, list[dt.date]]) -> None:
        """Every tier recorded is at or above the one before."""
        history, issue, _ = case
        tiers = tier_indexes(history, issue)
        assert sorted(tiers) == tiers

    @given(advanced())
    def test_colours_never_improve(self, case: tuple[History, Issue, list[dt.date]]) -> None:
        """Sheet severities only rise."""
        _, issue, _ = case
        sev = severities(issue)
        assert sorted(sev) == sev

    @given(advanced())
    def test_time_never_goes_backwards(self, case: tuple[History, Issue, list[dt.date]]) -> None:
        """Event dates rise, and nothing is added after the day advanced to."""
        history, issue, days = case
        dates = [e.at for e in issue.events]
        assert sorted(dates) == dates
        added = issue.events[len(history.issue.events) :]
        assert all(e.at <= days[-1] and e.actor == AUTO_ACTOR for e in added)

    @given(advanced())
    def test_nothing_due_for_stopped_clocks(
        self, case: tuple[History, Issue, list[dt.date]]
    ) -> None:
        """Paused, resolved and closed issues are left as they are."""
        history, issue, _ = case
        if history.issue.state in {IssueState.PAUSED, IssueState.RESOLVED, IssueState.CLOSED}:
            assert history.issue is issue


class TestAdvance:
    """``advance`` is idempotent and path-independent; the state is the replay."""

    @given(advanced())
    def test_idempotent(self, case: tuple[History, Issue, list[dt.date]]) -> None:
        """Advancing again to the same day adds nothing."""
        history, issue, days = case
        assert issue is advance(issue, days[-1], history.policy, calendar=CAL)

    @given(advanced())
    def test_stepwise_equals_at_once(self, case: tuple[History, Issue, list[dt.date]]) -> None:
        """Advancing through intermediate days gives the same issue."""
        history, issue, days = case
        stepped = history.issue
        for day in days:
            stepped = advance(stepped, day, history.policy, calendar=CAL)
        assert issue == stepped

    @given(advanced())
    def test_history_is_kept(self, case: tuple[History, Issue, list[dt.date]]) -> None:
        """Advancing only appends events."""
        history, issue, _ = case
        assert history.issue.events == issue.events[: len(history.issue.events)]

    @given(advanced())
    def test_replayed_state_equals_stored(self, case: tuple[History, Issue, list[dt.date]]) -> None:
        """The status replayed from the events is the status stored."""
        _, issue, _ = case
        assert replay(issue.events) == issue.status
