"""Hypothesis draws projpush's types by itself, and the lifecycle machine catches a broken rule."""

import datetime as dt
import os
import subprocess
import sys

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import invariant, run_state_machine_as_test

from projpush import testing
from projpush.escalation import EscalationPolicy
from projpush.model import EventKind, Issue, Month, Portfolio, Project
from projpush.schedule import WeekdayCalendar


class TestRegisteredTypes:
    """The entry point registers a strategy for each public model type."""

    @given(st.from_type(Project))
    def test_from_type_project(self, project):
        assert isinstance(project, Project)
        assert project == Project(**{a: getattr(project, a) for a in _init_fields(Project)})

    @given(st.from_type(Portfolio))
    def test_from_type_portfolio_resolves(self, portfolio):
        keys = {p.key for p in portfolio.projects}
        assert {q.project for q in portfolio.issues} <= keys

    @given(
        st.builds(
            Issue,
            id=st.just("Q-1"),
            project=st.just("P-1"),
            title=testing.names,
            events=testing.issue_histories(),
        )
    )
    def test_builds_issue(self, issue):
        assert EventKind.COLLECTED is issue.events[0].kind
        assert issue.events[-1].to_state is issue.state

    @given(st.from_type(Month))
    def test_months_are_in_the_plan_years(self, month):
        assert testing.FIRST_DAY.year <= month.year <= testing.LAST_DAY.year

    def test_the_hook_is_the_entry_point(self):
        code = (
            "from importlib.metadata import entry_points;"
            "print([e.value for e in entry_points(group='hypothesis')])"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
        assert "projpush._hypothesis:_hypothesis_setup_hook" in out


class TestTheHookIsCheap:
    """Importing Hypothesis does not import the model; the strategies still register."""

    @staticmethod
    def run(code, **env):
        return subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, **env},
        ).stdout.split()

    DRAW = (
        "import warnings; warnings.simplefilter('ignore');"
        "from hypothesis import strategies as st;"
        "print(type(st.from_type(Project).example()).__name__)"
    )

    def test_import_hypothesis_leaves_the_model_alone(self):
        """The hook runs (its module is loaded) but the model is not imported."""
        code = (
            "import sys, hypothesis;"
            "print('projpush._hypothesis' in sys.modules, 'projpush.model' in sys.modules)"
        )
        assert ["True", "False"] == self.run(code)

    def test_model_imported_after_hypothesis(self):
        """The model, imported later, registers its classes as its import ends."""
        code = "import hypothesis; from projpush.model import Project;" + self.DRAW
        assert ["Project"] == self.run(code)

    def test_model_imported_before_hypothesis(self):
        """The hook registers at once when the model is there already."""
        code = "from projpush.model import Project; import hypothesis;" + self.DRAW
        assert ["Project"] == self.run(code)

    def test_no_plugins_means_no_hook(self):
        """HYPOTHESIS_NO_PLUGINS skips the hook, and the model does not register either."""
        code = (
            "import sys, hypothesis; from projpush.model import Project;"
            "print('projpush._hypothesis' in sys.modules)"
        )
        assert ["False"] == self.run(code, HYPOTHESIS_NO_PLUGINS="1")


def _init_fields(cls):
    return [f.name for f in attrs.fields(cls) if f.init]


class TonglusLifecycle(testing.IssueLifecycle):
    policy = EscalationPolicy.tonglu()
    calendar = WeekdayCalendar()


TestTongluLifecycle = TonglusLifecycle.TestCase
TestTongluLifecycle.settings = settings(max_examples=10, stateful_step_count=15, deadline=None)


class TestLifecycleCatchesABrokenRule:
    """A user's invariant that the rules break is reported, with the steps that break it."""

    def test_a_false_invariant_fails(self):
        class Wrong(testing.IssueLifecycle):
            calendar = WeekdayCalendar()

            @invariant()
            def never_leaves_the_entry_tier(self):
                # False: Binzhou escalates an issue left unresolved past its deadline.
                assert self.issue.tier in (None, self.policy.ladder.tiers[0].name)

        with pytest.raises(AssertionError):
            run_state_machine_as_test(
                Wrong, settings=settings(max_examples=200, stateful_step_count=20, deadline=None)
            )

    def test_first_day_is_used(self):
        class Late(testing.IssueLifecycle):
            calendar = WeekdayCalendar()
            first_day = dt.date(2024, 1, 1)

            @invariant()
            def collected_on_or_after_first_day(self):
                assert self.issue.events[0].at >= dt.date(2024, 1, 1)

        run_state_machine_as_test(
            Late, settings=settings(max_examples=5, stateful_step_count=5, deadline=None)
        )
