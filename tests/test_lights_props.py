"""Property tests of projpush.lights: monotonicity, commutativity, reasons, fast path."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

import attrs
from hypothesis import assume, given
from hypothesis import strategies as st

from projpush.lights import (
    GapPolicy,
    LagPolicy,
    Light,
    NodePolicy,
    WorstOf,
    judge,
    light_history,
    light_map,
)
from strategies_lights import (
    MONTHS,
    YEAR,
    as_of_dates,
    gap_policies,
    gaps,
    lag_policies,
    policies,
    year_projects,
)


def rank(light: Light | None) -> int:
    return -1 if light is None else light.severity


class TestMonotone:
    """More lagging or a larger shortfall never improves the light."""

    @given(lag_policies(), st.integers(min_value=0, max_value=50))
    def test_longer_streak_never_better(self, policy, streak):
        """light_for(n + 1) >= light_for(n)."""
        assert policy.light_for(streak + 1) >= policy.light_for(streak)

    @given(gap_policies(), gaps, gaps)
    def test_larger_gap_never_better(self, policy, a, b):
        """A larger shortfall gives a light at least as bad."""
        low, high = sorted((a, b))
        assert policy.light_for(high) >= policy.light_for(low)

    @given(year_projects(), lag_policies(), st.sampled_from(MONTHS), st.data())
    def test_less_done_never_better(self, project, policy, month, data):
        """Cutting a month's report, or dropping it, never improves any month's light."""
        done = dict(project.monthly_done)
        if month in done and data.draw(st.booleans()):
            cut = data.draw(st.integers(0, 100))
            done[month] = (done[month] * cut / 100).quantize(Decimal("0.01"))
        else:
            done.pop(month, None)
        worse = attrs.evolve(project, monthly_done=done)
        before = light_map([project], YEAR, policy).row(project.key)
        after = light_map([worse], YEAR, policy).row(project.key)
        for x, y in zip(before, after, strict=True):
            assert (x is None) == (y is None)
            assert rank(y) >= rank(x)

    @given(year_projects(construction=True), st.sampled_from(MONTHS), as_of_dates)
    def test_less_done_never_better_on_the_gap(self, project, month, as_of):
        """A smaller year-to-date completion never improves the gap light."""
        done = dict(project.monthly_done)
        done[month] = Decimal(0)
        worse = attrs.evolve(project, monthly_done=done)
        for policy in (GapPolicy.yinchuan(), GapPolicy.sanya()):
            assert rank(judge(worse, as_of, policy).light) >= rank(
                judge(project, as_of, policy).light
            )

    @given(year_projects(construction=True), as_of_dates, st.integers(1, 60))
    def test_later_completion_never_better(self, project, as_of, delay):
        """Completing a node later never improves the node light."""
        assume(any(m.done is not None for m in project.milestones))
        later = tuple(
            attrs.evolve(m, done=m.done + dt.timedelta(days=delay)) if m.done else m
            for m in project.milestones
        )
        worse = attrs.evolve(project, milestones=later)
        policy = NodePolicy.dalian()
        assert rank(judge(worse, as_of, policy).light) >= rank(judge(project, as_of, policy).light)


class TestWorstOf:
    """The worst-of combinator is commutative and never better than a part."""

    @given(year_projects(), policies, policies, as_of_dates)
    def test_commutative(self, project, a, b, as_of):
        """Order of policies changes neither light, severity nor the reasons."""
        ab = judge(project, as_of, WorstOf((a, b)))
        ba = judge(project, as_of, WorstOf((b, a)))
        assert ab.light == ba.light
        assert ab.severity == ba.severity
        assert Counter(ab.reasons) == Counter(ba.reasons)

    @given(year_projects(), policies, policies, as_of_dates)
    def test_worst_of_parts(self, project, a, b, as_of):
        """The combined light is the worse of the two."""
        combined = judge(project, as_of, WorstOf((a, b)))
        parts = [judge(project, as_of, p).light for p in (a, b)]
        assert max(rank(x) for x in parts) == rank(combined.light)


class TestReasons:
    """Every non-green verdict has a reason, and every reason renders."""

    @given(year_projects(), policies, as_of_dates)
    def test_non_green_has_reasons(self, project, policy, as_of):
        """Yellow, red and not judged all say why; all reasons render in zh and en."""
        v = judge(project, as_of, policy)
        if v.light is not Light.GREEN:
            assert v.reasons
        for r in v.reasons:
            assert r.text("zh")
            assert r.text("en")


class TestFastPath:
    """The light map's one-pass path agrees with judging each month end."""

    @given(year_projects(), lag_policies())
    def test_map_equals_history(self, project, policy):
        """Same lights and severities as light_history."""
        history = light_history(project, YEAR, policy)
        lm = light_map([project], YEAR, policy)
        assert tuple(v.light for v in history) == lm.row(project.key)
        assert [int(v.severity) for v in history] == list(lm.severities[0])

    @given(year_projects(construction=True))
    def test_default_is_ningbo(self, project):
        """The default policy is Ningbo's."""
        assert light_history(project, YEAR) == light_history(project, YEAR, LagPolicy.ningbo())

    @given(st.integers(0, 100))
    def test_node_policy_keeps_slack(self, slack):
        """The named constructor keeps its threshold."""
        assert NodePolicy.dalian(slack).slack_points == slack
