"""Hypothesis's entry point: ``st.from_type`` draws projpush's values (private).

Hypothesis calls :func:`_hypothesis_setup_hook` when it is imported, through
the ``hypothesis`` entry point in ``pyproject.toml``. The hook imports only
the model (its classes are the keys); each strategy is made by
:mod:`projpush.testing` when a test first asks for one, so a program that
imports Hypothesis and never draws a projpush value pays for the model alone.
Set ``HYPOTHESIS_NO_PLUGINS`` to skip it, as for every Hypothesis plugin.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from collections.abc import Callable

_STRATEGY_OF: Final = {
    "ApprovalItem": "approval_items",
    "Contact": "contacts",
    "Issue": "issues",
    "Leader": "leaders",
    "Milestone": "milestones",
    "Month": "months",
    "Portfolio": "portfolios",
    "Project": "projects",
    "ProjectCode": "project_codes",
    "Secretary": "secretaries",
    "SiteObservation": "site_observations",
    "StageEvent": "stage_events",
    "TaskForce": "task_forces",
    "Unit": "units",
}
"""Each registered model class, by name, with the :mod:`projpush.testing` strategy it draws from."""


def _from_testing(name: str) -> Callable[[type], Any]:
    """The strategy ``projpush.testing.<name>``, made when Hypothesis first resolves the type."""

    def resolve(_: type) -> Any:
        strategy = getattr(importlib.import_module("projpush.testing"), name)
        return strategy() if callable(strategy) else strategy

    return resolve


def _hypothesis_setup_hook() -> None:
    """Register a strategy for each public model type with ``st.register_type_strategy``.

    Raises:
        ImportError: never in practice: Hypothesis is imported when this runs.
    """
    from hypothesis import strategies as st  # noqa: PLC0415 (only when Hypothesis loads us)

    from projpush import model  # noqa: PLC0415 (the hook must not cost Hypothesis more)

    for cls_name, strategy in _STRATEGY_OF.items():
        st.register_type_strategy(getattr(model, cls_name), _from_testing(strategy))
