"""The report's fast views against their straightforward definitions, kept here as references."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import TYPE_CHECKING

import attrs
from hypothesis import given
from hypothesis import strategies as st

from projpush.errors import InvalidTransition, ProjpushError, ValidationError
from projpush.escalation import (
    AUTO_ACTOR,
    AccountabilityEntry,
    AccountabilityItem,
    AccountabilityReason,
    EscalationPolicy,
    Overdue,
    accountability_list,
    assign,
    escalate,
    overdue,
    start,
    submit_plan,
)
from projpush.model import EventKind, Issue, IssueEvent, SheetColor
from projpush.schedule import working_days_between
from strategies_escalation import CAL, Step, histories

if TYPE_CHECKING:
    from collections.abc import Callable

TAG = "[accountability]"


def reference_steps(q: Issue, as_of: dt.date) -> tuple[list[tuple[str | None, IssueEvent]], bool]:
    """Each event up to ``as_of`` with the owner just before it, and whether q is open then."""
    steps: list[tuple[str | None, IssueEvent]] = []
    owner: str | None = None
    is_open = False
    for e in q.events:
        if e.at > as_of:
            break
        steps.append((owner, e))
        owner = e.owner or owner
        is_open = e.to_state.is_open
    return steps, is_open


def reference_reason(e: IssueEvent, red_now: bool, is_open: bool) -> AccountabilityReason | None:
    """Why an event counts against the unit owning the issue before it, if it does."""
    if e.kind is EventKind.SHEET_ISSUED and e.sheet is SheetColor.RED:
        return AccountabilityReason.RED_SHEET
    if e.kind is EventKind.SHEET_ISSUED and e.sheet is SheetColor.YELLOW:
        return AccountabilityReason.REPEATED_YELLOW
    if e.kind is EventKind.ESCALATED and e.actor == AUTO_ACTOR and not red_now:
        return AccountabilityReason.MISSED_AT_RED
    if e.kind is EventKind.NOTE and e.actor == AUTO_ACTOR and e.note.startswith(TAG) and is_open:
        return AccountabilityReason.TOP_TIER_UNRESOLVED
    return None


def reference_accountability_list(
    issues: list[Issue], as_of: dt.date, yellows: int
) -> tuple[AccountabilityEntry, ...]:
    """accountability_list as first written: one plain fold per issue, one sort by (day, issue)."""
    items: dict[str, list[AccountabilityItem]] = {}
    yellow_items: dict[str, list[AccountabilityItem]] = {}
    for q in issues:
        steps, is_open = reference_steps(q, as_of)
        previous: IssueEvent | None = None
        for owner, e in steps:
            red_now = previous is not None and previous.sheet is SheetColor.RED
            previous = e
            reason = reference_reason(e, red_now, is_open)
            if owner is None or reason is None:
                continue
            counted = yellow_items if reason is AccountabilityReason.REPEATED_YELLOW else items
            counted.setdefault(owner, []).append(AccountabilityItem(q.id, reason, e.at, e.note))
    for unit, ys in yellow_items.items():
        if len(ys) >= yellows:
            items.setdefault(unit, []).extend(ys)
    return tuple(
        AccountabilityEntry(unit, tuple(sorted(its, key=lambda i: (i.on, i.issue))))
        for unit, its in sorted(items.items())
    )


EXTRA_STEPS: dict[str, Step] = {
    # What advance never writes by itself: hand-made automatic notes and escalations.
    "auto_note": lambda q, d, p: q.step(EventKind.NOTE, d, AUTO_ACTOR, note=f"{TAG} by hand"),
    "tagged_note": lambda q, d, p: q.step(EventKind.NOTE, d, "服务秘书", note=f"{TAG} not auto"),
    "auto_escalate": lambda q, d, p: escalate(q, d, p, by=AUTO_ACTOR, reason="超时", calendar=CAL),
}


@st.composite
def problem_lists(draw: st.DrawFn) -> list[Issue]:
    """A few generated issues, some with hand-made automatic events; ids may repeat."""
    issues: list[Issue] = []
    for _ in range(draw(st.integers(0, 5))):
        history = draw(histories())
        issue = history.issue
        day = history.last_day
        for name, gap in draw(
            st.lists(
                st.tuples(st.sampled_from(sorted(EXTRA_STEPS)), st.integers(0, 10)), max_size=3
            )
        ):
            day += dt.timedelta(days=gap)
            with contextlib.suppress(InvalidTransition, ValidationError):
                issue = EXTRA_STEPS[name](issue, day, history.policy)
        # Twins under other ids tie on every day, which pins the order by issue.
        ids = draw(st.lists(st.sampled_from(("Q-1", "Q-2", "Q-3")), min_size=1, max_size=2))
        issues.extend(attrs.evolve(issue, id=i) for i in ids)
    return issues


def days_around(issues: list[Issue]) -> st.SearchStrategy[dt.date]:
    """A day from before the first event to after the last one."""
    days = [e.at for q in issues for e in q.events] or [dt.date(2020, 1, 2)]
    return st.dates(min(days) - dt.timedelta(days=3), max(days) + dt.timedelta(days=3))


def reference_overdue(issues: list[Issue], as_of: dt.date) -> tuple[Overdue, ...]:
    """overdue as first written: one working-day count per issue, one sort by a tuple."""
    out = [
        Overdue(
            q.id,
            q.tier,
            q.owner,
            q.deadline,
            q.sheet,
            (as_of - q.deadline).days,
            working_days_between(q.deadline, as_of, calendar=CAL),
        )
        for q in issues
        if q.state.is_working and q.deadline is not None and q.deadline < as_of
    ]
    out.sort(key=lambda o: (-o.working_days, -o.calendar_days, o.issue))
    return tuple(out)


def outcome(view: Callable[[], object]) -> object:
    """What a view returns, or the type and message of the error it raises."""
    try:
        return view()
    except ProjpushError as error:
        return type(error), str(error)


class TestOverdue:
    """The overdue list with shared day counts and single-key sorts equals the plain one."""

    @given(st.data(), problem_lists())
    def test_equals_reference(self, data: st.DataObject, issues: list[Issue]) -> None:
        """Same issues, figures, order and errors (days outside the calendar) at any day."""
        as_of = data.draw(days_around(issues))
        expected = outcome(lambda: reference_overdue(issues, as_of))
        assert expected == outcome(lambda: overdue(issues, as_of, calendar=CAL))

    def test_weekend_deadlines_tie_on_working_days(self) -> None:
        """Plans due on a Saturday and a Sunday tie on working days: calendar days decide."""
        policy = EscalationPolicy.ningbo()
        day = dt.date(2020, 9, 1)
        issues = []
        for issue_id, plan_date in (("Q-1", dt.date(2020, 10, 18)), ("Q-2", dt.date(2020, 10, 17))):
            q = Issue.collect(
                issue_id, "P", category="land", title="t", on=day, by="s", difficulty="difficult"
            )
            q = start(assign(q, day, policy, by="o", calendar=CAL), day, by="u")
            issues.append(submit_plan(q, day, plan_date, by="u"))
        as_of = dt.date(2020, 10, 30)
        actual = overdue(issues, as_of, calendar=CAL)
        assert [("Q-2", 13, 10), ("Q-1", 12, 10)] == [
            (o.issue, o.calendar_days, o.working_days) for o in actual
        ]
        assert reference_overdue(issues, as_of) == actual


class TestAccountabilityList:
    """The one-pass accountability list equals the plain fold and sort."""

    @given(st.data(), problem_lists(), st.integers(2, 4))
    def test_equals_reference(self, data: st.DataObject, issues: list[Issue], yellows: int) -> None:
        """Same units, items and order at any day, for any repeat threshold."""
        as_of = data.draw(days_around(issues))
        expected = reference_accountability_list(issues, as_of, yellows)
        assert expected == accountability_list(issues, as_of, yellows=yellows)
