"""Hypothesis strategies for every projpush model object (shared by all test modules).

The strategies themselves are public, in :mod:`projpush.testing`, so users
test their own code with the same generators; this module re-exports them
under the names the tests have always used and keeps the test-only extras:
an independent statement of the stage order (an oracle, not the model's own
table) and :data:`MODEL_STRATEGIES`, one strategy per model type. Other
modules add their own strategies in ``tests/strategies_<module>.py``.
"""

from __future__ import annotations

from hypothesis import strategies as st

from projpush.model import (
    ApprovalItem,
    Contact,
    FrozenMap,
    Issue,
    IssueEvent,
    Leader,
    Milestone,
    Month,
    Portfolio,
    Project,
    ProjectCode,
    Secretary,
    SiteObservation,
    Stage,
    StageEvent,
    StageEventKind,
    TaskForce,
    Unit,
)
from projpush.testing import (
    _ALPHABET,
    _PAYLOAD,
    FIRST_DAY,
    LAST_DAY,
    TIERS,
    _subsets,
    amounts,
    approval_items,
    contacts,
    dates,
    days_from,
    issues,
    leaders,
    legal_steps,
    milestones,
    money_maps,
    months,
    names,
    notes,
    percents,
    portfolios,
    project_codes,
    projects,
    secretaries,
    site_observations,
    stage_events,
    stage_histories,
    task_forces,
    units,
    years,
)

__all__ = [
    "FIRST_DAY",
    "LAST_DAY",
    "MODEL_STRATEGIES",
    "STAGE_AFTER",
    "TIERS",
    "_ALPHABET",
    "_PAYLOAD",
    "_STAGE_NEXT",
    "_subsets",
    "amounts",
    "approval_items",
    "contacts",
    "dates",
    "days_from",
    "issues",
    "leaders",
    "legal_steps",
    "milestones",
    "money_maps",
    "months",
    "names",
    "notes",
    "percents",
    "portfolios",
    "project_codes",
    "projects",
    "secretaries",
    "site_observations",
    "stage_events",
    "stage_histories",
    "task_forces",
    "units",
    "years",
]

# An independent statement of the legal stage order (开工 → 停工 ⇄ 复工 → 竣工).
_STAGE_NEXT: dict[StageEventKind | None, tuple[StageEventKind, ...]] = {
    None: (StageEventKind.STARTED,),
    StageEventKind.STARTED: (StageEventKind.SUSPENDED, StageEventKind.COMPLETED),
    StageEventKind.RESUMED: (StageEventKind.SUSPENDED, StageEventKind.COMPLETED),
    StageEventKind.SUSPENDED: (StageEventKind.RESUMED,),
    StageEventKind.COMPLETED: (),
}
STAGE_AFTER = {
    StageEventKind.STARTED: Stage.UNDER_CONSTRUCTION,
    StageEventKind.RESUMED: Stage.UNDER_CONSTRUCTION,
    StageEventKind.SUSPENDED: Stage.SUSPENDED,
    StageEventKind.COMPLETED: Stage.COMPLETED,
}

# One strategy per model type, for tests that run over "every object type".
MODEL_STRATEGIES: dict[type, st.SearchStrategy[object]] = {
    Month: months,
    ProjectCode: project_codes(),
    Milestone: milestones(),
    StageEvent: stage_events,
    ApprovalItem: approval_items(),
    SiteObservation: site_observations,
    Project: projects(),
    Unit: units,
    Leader: leaders(("L-1", "L-2")),
    Contact: contacts,
    Secretary: secretaries(),
    TaskForce: task_forces(("L-1", "L-2")),
    Issue: issues(),
    IssueEvent: issues().flatmap(lambda issue: st.sampled_from(issue.events)),
    FrozenMap: money_maps(months),
    Portfolio: portfolios(),
}
