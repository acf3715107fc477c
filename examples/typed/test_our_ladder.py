"""A city's own test file, written against ``projpush.testing``: checked by ``mypy --strict``.

Run it with ``pytest examples/typed/test_our_ladder.py``. It tests the
three-level ladder the city runs, with strategies, a scenario and the issue
lifecycle state machine.
"""

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import invariant

from projpush.escalation import EscalationPolicy, Ladder, Tier
from projpush.model import Issue, IssueState, Project
from projpush.schedule import WeekdayCalendar
from projpush.testing import IssueLifecycle, ladder_issues, scenario_issue

OURS = EscalationPolicy(
    name="ours",
    ladder=Ladder(
        name="ours",
        tiers=(
            Tier("street", owner="街道", limit=5),
            Tier("district", owner="区重点办", limit=5),
            Tier("city", owner="市重点办", limit=10),
        ),
    ),
)
CALENDAR = WeekdayCalendar()


@settings(max_examples=30, deadline=None)
@given(ladder_issues(OURS, calendar=CALENDAR))
def test_never_goes_down_while_open(issue: Issue) -> None:
    """The tier an issue is handled at rises or stays while it is open."""
    levels = [OURS.ladder.index(e.tier) for e in issue.events if e.tier]
    assert levels == sorted(levels)


@given(st.from_type(Project))
def test_every_project_has_a_key(project: Project) -> None:
    """Hypothesis draws projects by their type alone (the entry point registers them)."""
    assert project.key


def test_a_week_unresolved_reaches_a_sheet() -> None:
    """An issue left a week past its deadline has had a supervision sheet."""
    issue = scenario_issue(
        dt.date(2020, 9, 29), unresolved_working_days=10, calendar=CALENDAR, policy=OURS
    )
    assert issue.sheet is not None


class OurLifecycle(IssueLifecycle):
    """The closed loop under our ladder, checked after every step."""

    policy = OURS
    calendar = CALENDAR

    @invariant()
    def closed_only_once_resolved(self) -> None:
        """An issue is closed (销号) only after it was resolved."""
        if self.issue.state is IssueState.CLOSED:
            assert any(e.to_state is IssueState.RESOLVED for e in self.issue.events)


TestOurLifecycle = OurLifecycle.TestCase
