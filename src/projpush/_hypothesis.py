"""Hypothesis's entry point: ``st.from_type`` draws projpush's values (private).

Hypothesis calls :func:`_hypothesis_setup_hook` when it is imported, through
the ``hypothesis`` entry point in ``pyproject.toml``. The strategies are
registered against the model's classes, but the hook does not import the
model to get them (that cost Hypothesis's import about 200 ms): if
:mod:`projpush.model` is already imported it registers them at once, else
the model calls :func:`model_loaded` as the last line of its import, and
they are registered then. A test cannot ask ``st.from_type(Project)``
without importing ``Project`` first, so every order works. Each strategy
itself is made by :mod:`projpush.testing` when a test first resolves the
type. Set ``HYPOTHESIS_NO_PLUGINS`` to skip it all, as for every Hypothesis
plugin.
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType

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

_STATE: Final[dict[str, object]] = {"hooked": False, "registered": None}
"""Whether Hypothesis ran the hook, and the model module whose classes are registered."""


def _from_testing(name: str) -> Callable[[type], Any]:
    """The strategy ``projpush.testing.<name>``, made when Hypothesis first resolves the type."""

    def resolve(_: type) -> Any:
        strategy = getattr(importlib.import_module("projpush.testing"), name)
        return strategy() if callable(strategy) else strategy

    return resolve


def _register(model: ModuleType) -> None:
    """Register a strategy for each public model type with ``st.register_type_strategy``."""
    if _STATE["registered"] is model:
        return
    from hypothesis import strategies as st  # noqa: PLC0415 (Hypothesis is loaded by now)

    for cls_name, strategy in _STRATEGY_OF.items():
        st.register_type_strategy(getattr(model, cls_name), _from_testing(strategy))
    _STATE["registered"] = model


def _hypothesis_setup_hook() -> None:
    """Register the strategies now if the model is imported, else when it is.

    Raises:
        ImportError: never in practice: Hypothesis is imported when this runs.
    """
    _STATE["hooked"] = True
    model = sys.modules.get("projpush.model")
    # A model still being imported lacks some classes: it calls model_loaded when done.
    if model is not None and all(hasattr(model, name) for name in _STRATEGY_OF):
        _register(model)


def model_loaded(model: ModuleType) -> None:
    """Called by :mod:`projpush.model` once imported: register if Hypothesis ran the hook."""
    if _STATE["hooked"]:
        _register(model)
