"""Generated ledgers holding what spreadsheets and their files mangle (the format round trips).

:func:`spreadsheet_ledgers` draws a portfolio from :func:`projpush.testing.portfolios`
and rewrites it with the text and dates a workbook, a CSV file or a database
could lose: leading zeros and long digit strings (as local ids, so as
project keys and the references to them, and as names), values that start
with ``=``, ``+``, ``-`` or ``@``, newlines, carriage returns and tabs inside
a cell, quotes and OOXML's ``_x000D_`` escape, and dates before 1900 (before
Excel's first day, 1 March 1900). Every object is built again through the
model, so what comes out is a ledger the model accepts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
from hypothesis import strategies as st

from projpush import testing
from projpush.model import FrozenMap, Portfolio, Project

__all__ = ["HOSTILE_PIECES", "hostile_texts", "spreadsheet_ledgers"]

#: Pieces a spreadsheet or its file would mangle, drawn often among ordinary characters.
HOSTILE_PIECES = (
    "=",
    "=SUM(A1:A9)",
    "+",
    "-",
    "@",
    "0",
    "007",
    "000123",
    "123456789012345678901",
    "\n",
    "\r\n",
    "\r",
    "\t",
    "'",
    '"',
    ",",
    "_x000D_",
    "&",
    "<b>",
)

hostile_texts = (
    st.lists(
        st.one_of(st.sampled_from(HOSTILE_PIECES), st.sampled_from(testing._ALPHABET)),
        min_size=1,
        max_size=5,
    )
    .map("".join)
    .filter(lambda text: text.strip() != "")
)
"""Short texts mixing the hostile pieces with a ledger's characters."""

# The local ids that lose their digits in a spreadsheet: each is made unique by its project.
_KEY_PREFIXES = ("00", "000000", "12345678901234567890", "=")
# Dates moved back by this many days fall in the 1880s: before Excel's first day.
_BEFORE_1900 = (dt.date(2018, 1, 1) - dt.date(1880, 1, 1)).days


def _back(day: dt.date | None) -> dt.date | None:
    return None if day is None else day - dt.timedelta(days=_BEFORE_1900)


@st.composite
def _project(draw: st.DrawFn, project: Project, index: int) -> Project:
    """``project`` with hostile text in its free-text fields, a hostile local id, old dates."""
    changes: dict[str, Any] = {
        "name": draw(hostile_texts),
        "owner": draw(st.none() | hostile_texts),
        "task_force": draw(st.none() | hostile_texts),
    }
    if project.local_id is not None:
        changes["local_id"] = f"{draw(st.sampled_from(_KEY_PREFIXES))}{index}"
    old = draw(st.booleans())  # the project's own dates before 1900
    changes["milestones"] = tuple(
        attrs.evolve(
            m,
            name=f"{draw(hostile_texts)}#{i}",
            unit=draw(st.none() | hostile_texts),
            **(
                {"planned": _back(m.planned), "start": _back(m.start), "done": _back(m.done)}
                if old
                else {}
            ),
        )
        for i, m in enumerate(project.milestones)
    )
    changes["approvals"] = tuple(
        attrs.evolve(
            a,
            name=f"{draw(hostile_texts)}#{i}",
            authority=draw(st.none() | hostile_texts),
            **({"applied": _back(a.applied), "granted": _back(a.granted)} if old else {}),
        )
        for i, a in enumerate(project.approvals)
    )
    changes["stage_events"] = tuple(
        attrs.evolve(e, note=draw(hostile_texts), **({"on": _back(e.on)} if old else {}))
        for e in project.stage_events
    )
    return attrs.evolve(project, **changes)


@st.composite
def spreadsheet_ledgers(draw: st.DrawFn, max_projects: int = 3) -> Portfolio:
    """Portfolios whose text and dates are the ones spreadsheets and their files mangle."""
    ledger = draw(testing.portfolios(max_projects=max_projects))
    projects = tuple(draw(_project(p, i)) for i, p in enumerate(ledger.projects))
    keys = {old.key: new.key for old, new in zip(ledger.projects, projects, strict=True)}

    def key(k: str) -> str:
        return keys.get(k, k)

    issues = tuple(
        attrs.evolve(
            issue,
            project=key(issue.project),
            title=draw(hostile_texts),
            events=tuple(attrs.evolve(e, note=draw(hostile_texts)) for e in issue.events),
        )
        for issue in ledger.issues
    )
    leaders = tuple(
        attrs.evolve(leader, role=draw(hostile_texts), projects=tuple(map(key, leader.projects)))
        for leader in ledger.leaders
    )
    secretaries = tuple(
        attrs.evolve(
            s,
            unit=draw(hostile_texts),
            projects=tuple(map(key, s.projects)),
            cadences=FrozenMap({key(k): v for k, v in s.cadences.items()}),
            contacts=tuple(
                attrs.evolve(c, project=key(c.project), note=draw(hostile_texts))
                for c in s.contacts
            ),
        )
        for s in ledger.secretaries
    )
    task_forces = tuple(
        attrs.evolve(t, lead=draw(st.none() | hostile_texts), projects=tuple(map(key, t.projects)))
        for t in ledger.task_forces
    )
    units = tuple(
        attrs.evolve(u, name=f"{draw(hostile_texts)}#{i}") for i, u in enumerate(ledger.units)
    )
    return Portfolio(
        projects=projects,
        leaders=leaders,
        secretaries=secretaries,
        issues=issues,
        units=units,
        task_forces=task_forces,
    )
