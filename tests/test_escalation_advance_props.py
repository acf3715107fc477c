"""advance's early exits against the plain loop it shortcuts, kept here as a reference."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest
from hypothesis import given
from hypothesis import strategies as st

from projpush._convert import plain_date_arg
from projpush.errors import ProjpushError, ValidationError
from projpush.escalation import (
    AUTO_ACTOR,
    EscalationPolicy,
    PolicyBook,
    _due_event,
    _next_due,
    _policy_for,
    _window,
    advance,
    assign,
    escalate,
)
from projpush.model import EventKind, Issue
from strategies_escalation import CAL, POLICIES, STEPS, History, climbed, later_days

if TYPE_CHECKING:
    from collections.abc import Callable

BOOK = PolicyBook(POLICIES)


def reference_advance(issue: Issue, as_of: dt.date, policy: EscalationPolicy | PolicyBook) -> Issue:
    """advance with no shortcut: rebuild the window and ask for the next due step each time."""
    plain_date_arg(as_of, "as_of")
    status = issue.status
    if not status.state.is_working or as_of < status.updated or status.deadline is None:
        return issue
    p = _policy_for(issue, policy)
    p.ladder.index(str(status.tier))
    while (win := _window(issue.events, p.sheets, CAL, issue.id)) is not None:
        due = _next_due(status, win, p, CAL, issue.id)
        if due is None:
            break
        on = max(due[0], status.updated)
        if on > as_of:
            break
        kind, payload = _due_event(due, on, status, policy=p, cal=CAL, issue_id=issue.id)
        issue = issue.step(kind, on, AUTO_ACTOR, **payload)
        status = issue.status
    return issue


def outcome(run: Callable[[], Issue]) -> object:
    """The issue a run returns, or the type and message of the error it raises."""
    try:
        return run()
    except ProjpushError as error:
        return type(error), str(error)


class TestAdvanceShortcuts:
    """advance equals the plain loop, shortcuts and all."""

    @given(st.data(), climbed())
    def test_equals_reference(self, data: st.DataObject, history: History) -> None:
        """Same issue or same error, under the issue's policy, a book, or another policy."""
        choices: tuple[EscalationPolicy | PolicyBook, ...] = (history.policy, BOOK, *POLICIES)
        policy = data.draw(st.sampled_from(choices))
        for day in data.draw(later_days(history.last_day - dt.timedelta(days=30))):
            expected = outcome(lambda: reference_advance(history.issue, day, policy))  # noqa: B023
            assert expected == outcome(lambda: advance(history.issue, day, policy, calendar=CAL))  # noqa: B023

    @given(st.data(), climbed())
    def test_day_by_day_equals_reference(self, data: st.DataObject, history: History) -> None:
        """Advancing through several days equals the plain loop run to the last one."""
        days = data.draw(later_days(history.last_day))
        issue = history.issue
        for day in days:
            issue = advance(issue, day, history.policy, calendar=CAL)
        assert reference_advance(history.issue, days[-1], history.policy) == issue

    def test_accountability_note_ends_the_run(self) -> None:
        """Red at the top with the note recorded: later days add nothing, as the loop says."""
        policy = EscalationPolicy.dalian()
        q = Issue.collect("Q-1", "P-1", category="land", title="t", on=dt.date(2020, 9, 1), by="s")
        q = assign(q, dt.date(2020, 9, 1), policy, by="o", calendar=CAL)
        q = escalate(q, dt.date(2020, 9, 2), policy, by="o", reason="r", calendar=CAL)
        q = advance(q, dt.date(2020, 11, 30), policy, calendar=CAL)
        later = dt.date(2020, 12, 31)
        assert (EventKind.NOTE, AUTO_ACTOR) == (q.events[-1].kind, q.events[-1].actor)
        assert reference_advance(q, later, policy) == advance(q, later, policy, calendar=CAL)
        assert q is advance(q, later, policy, calendar=CAL)


class TestAdvanceAsOf:
    """advance refuses a day that is not a plain date, whatever the issue's state."""

    def test_datetime_refused_even_for_a_closed_issue(self) -> None:
        """A datetime is refused before the issue is looked at."""
        policy = EscalationPolicy.yinzhou()
        q = Issue.collect("Q-1", "P-1", category="land", title="t", on=dt.date(2020, 9, 1), by="s")
        q = assign(q, dt.date(2020, 9, 1), policy, by="o", calendar=CAL)
        q = STEPS["close"](
            STEPS["resolve"](q, dt.date(2020, 9, 2), policy), dt.date(2020, 9, 3), policy
        )
        with pytest.raises(ValidationError, match=r"as_of: expected a date \(not a datetime\)"):
            advance(q, dt.datetime(2020, 10, 1, 9), policy, calendar=CAL)  # noqa: DTZ001 (naive on purpose)

    def test_text_refused(self) -> None:
        """A date written as text is refused with the value named."""
        q = Issue.collect("Q-1", "P-1", category="land", title="t", on=dt.date(2020, 9, 1), by="s")
        with pytest.raises(ValidationError, match="as_of: expected a date, got '2020-10-01'"):
            advance(q, "2020-10-01", EscalationPolicy.yinzhou(), calendar=CAL)  # type: ignore[arg-type]
