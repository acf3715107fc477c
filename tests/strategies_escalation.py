"""Hypothesis strategies for escalation: issue histories built by legal and illegal steps."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable

import attrs
from hypothesis import strategies as st

from projpush.errors import InvalidTransition, ValidationError
from projpush.escalation import (
    EscalationPolicy,
    SheetPolicy,
    advance,
    assign,
    close,
    declare_beyond_powers,
    escalate,
    pause,
    reject,
    resolve,
    resume,
    start,
    submit_plan,
)
from projpush.model import EventKind, Issue
from projpush.schedule import china_calendar

CAL = china_calendar()
FIRST_DAY = dt.date(2020, 1, 2)
BINZHOU = EscalationPolicy.binzhou()
POLICIES = (
    BINZHOU,
    EscalationPolicy.ningbo(),
    EscalationPolicy.dalian(),
    EscalationPolicy.yinzhou(),
    EscalationPolicy.tonglu(),  # a ladder of four tiers
    attrs.evolve(BINZHOU, name="suqian", sheets=SheetPolicy.suqian(2)),
    attrs.evolve(BINZHOU, name="helpdesk", general_days=3, sheets=SheetPolicy.help_desk()),
)

Step = Callable[[Issue, dt.date, EscalationPolicy], Issue]
STEPS: dict[str, Step] = {
    "start": lambda q, d, p: start(q, d, by="责任单位"),
    "plan": lambda q, d, p: submit_plan(q, d, d + dt.timedelta(days=20), by="责任单位"),
    "pause": lambda q, d, p: pause(q, d, "省级部门", by="责任单位"),
    "resume": lambda q, d, p: resume(q, d, by="责任单位", calendar=CAL),
    "resolve": lambda q, d, p: resolve(q, d, by="责任单位"),
    "reject": lambda q, d, p: reject(q, d, by="核验组", reason="未解决"),
    "close": lambda q, d, p: close(q, d, by="核验组"),
    "declare": lambda q, d, p: declare_beyond_powers(
        q, d, p, by="责任单位", reason="超出权限", calendar=CAL
    ),
    "escalate": lambda q, d, p: escalate(q, d, p, by="督导组", reason="协调", calendar=CAL),
    "advance": lambda q, d, p: advance(q, d, p, calendar=CAL),
    "note": lambda q, d, p: q.step(EventKind.NOTE, d, "服务秘书", note="走访"),
}


@attrs.frozen
class History:
    """An issue built by a random programme of steps, and the day it ends on."""

    issue: Issue
    policy: EscalationPolicy
    last_day: dt.date


@st.composite
def histories(draw: st.DrawFn, max_steps: int = 12) -> History:
    """An assigned issue taken through random steps; illegal ones are skipped."""
    policy = draw(st.sampled_from(POLICIES))
    difficulty = draw(st.sampled_from(("general", "difficult")))
    day = FIRST_DAY + dt.timedelta(days=draw(st.integers(0, 1200)))
    issue = Issue.collect(
        "Q", "P", category="land", title="t", on=day, by="服务秘书", difficulty=difficulty
    )
    issue = assign(issue, day, policy, by="办公室", calendar=CAL)
    programme = draw(
        st.lists(st.tuples(st.sampled_from(sorted(STEPS)), st.integers(0, 15)), max_size=max_steps)
    )
    for name, gap in programme:
        day += dt.timedelta(days=gap)
        with contextlib.suppress(InvalidTransition, ValidationError):
            issue = STEPS[name](issue, day, policy)
    return History(issue, policy, day)


def later_days(start: dt.date, count: int = 4) -> st.SearchStrategy[list[dt.date]]:
    """Sorted days from ``start`` up to about a quarter of a year later."""
    return st.lists(st.integers(0, 120), min_size=1, max_size=count).map(
        lambda gaps: sorted(start + dt.timedelta(days=g) for g in gaps)
    )


@st.composite
def climbed(draw: st.DrawFn) -> History:
    """A history often taken to the top tier and past its limit, then maybe touched by hand."""
    history = draw(histories(max_steps=8))
    issue, policy, day = history.issue, history.policy, history.last_day
    if draw(st.booleans()):
        for _ in policy.ladder.tiers:
            with contextlib.suppress(InvalidTransition):
                issue = escalate(issue, day, policy, by="督导组", reason="协调", calendar=CAL)
    # Advanced before the hand steps, so that a sheet or the note often precedes them.
    day += dt.timedelta(days=draw(st.integers(0, 60)))
    issue = advance(issue, day, policy, calendar=CAL)
    for name in draw(st.lists(st.sampled_from(("note", "start", "pause", "resume")), max_size=2)):
        day += dt.timedelta(days=draw(st.integers(0, 10)))
        with contextlib.suppress(InvalidTransition):
            issue = STEPS[name](issue, day, policy)
    return History(issue, policy, day)
