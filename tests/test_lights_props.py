"""Property tests of projpush.lights: monotonicity, commutativity, reasons, fast path."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from projpush.errors import ValidationError
from projpush.lights import (
    GapPolicy,
    LagPolicy,
    Light,
    NodePolicy,
    Reason,
    Requirement,
    Verdict,
    WorstOf,
    _fmt,
    _in_stages,
    _judge_with_map,
    _said,
    judge,
    judge_portfolio,
    light_history,
    light_map,
)
from projpush.model import Month, Portfolio, Project, Stage, StageEvent
from projpush.report import POLICY_SETS
from projpush.schedule import CumulativeMonth, cumulative_series, last_complete_month
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


# Amounts written in several ways ("100", "1.00E+2", "100.00"): the reasons must keep the digits.
spelled_amounts = st.builds(
    lambda n, e: Decimal(n).scaleb(e), st.integers(0, 4) | st.integers(0, 400), st.integers(-2, 2)
)
ledger_months = st.sampled_from(
    [Month(y, m) for y in (YEAR - 1, YEAR, YEAR + 1) for m in range(1, 13)]
)
any_days = st.dates(min_value=dt.date(YEAR - 1, 1, 1), max_value=dt.date(YEAR + 1, 12, 31))


@st.composite
def month_amounts(draw: st.DrawFn) -> dict[Month, Decimal]:
    """Amounts by month: scattered over three years, the whole year with gaps, or year to date."""
    shape = draw(st.sampled_from(["scattered", "gaps", "to_date"]))
    if shape == "to_date":
        return {m: draw(spelled_amounts) for m in MONTHS[: draw(st.integers(0, 12))]}
    amounts = draw(st.dictionaries(ledger_months, spelled_amounts, max_size=20))
    if shape == "gaps":
        amounts.update({m: draw(spelled_amounts) for m in MONTHS if draw(st.integers(0, 5))})
    return amounts


@st.composite
def ledger_projects(draw: st.DrawFn, key: str = "P-1") -> Project:
    """A project as a ledger has it: plans and reports for some months of three years."""
    plan = draw(month_amounts())
    done = draw(month_amounts())
    days = sorted(draw(st.lists(any_days, max_size=4)))
    # Mostly under construction, so that most verdicts get past the scope check.
    kinds = draw(
        st.just(())
        | st.just(("started",))
        | st.sampled_from(
            [
                ("started", "suspended"),
                ("started", "completed"),
                ("started", "suspended", "resumed"),
                ("started", "suspended", "resumed", "completed"),
            ]
        )
    )
    events = tuple(StageEvent(k, d) for k, d in zip(kinds, days, strict=False))
    after = {"started": "under_construction", "resumed": "under_construction"}
    last = events[-1].kind.value if events else None
    stage = (
        after.get(last, last)
        if last
        else draw(st.just("under_construction") | st.sampled_from([s.value for s in Stage]))
    )
    return Project(
        name=f"项目{key}",
        level="city",
        category="infrastructure",
        stage=stage,
        region="海曙区",
        unit="市交通局",
        local_id=key,
        monthly_plan=plan,
        monthly_done=done,
        stage_events=events,
    )


def plain_measure(policy: LagPolicy, c: CumulativeMonth) -> tuple[Decimal, ...] | None:
    """Completed, planned and required amounts of a month on the policy's basis."""
    if c.done is None:
        return None
    if policy.requirement is Requirement.MONTHLY:
        return c.done, c.plan, c.plan * policy.tolerance
    return c.done_to_date, c.plan_to_date, c.plan_to_date * policy.tolerance


def plain_month_reason(policy: LagPolicy, c: CumulativeMonth) -> Reason:
    """Why a month lags or meets the requirement."""
    m = plain_measure(policy, c)
    if m is None:
        return Reason("lag", "unreported", (c.month,), figures={"plan": c.plan_to_date})
    monthly = policy.requirement is Requirement.MONTHLY
    return Reason(
        "lag",
        "below" if m[0] < m[2] else "met",
        (c.month,),
        figures={
            "done": m[0],
            "plan": m[1],
            "required": m[2],
            "basis": "the month's" if monthly else "cumulative",
            "basis_zh": "当月" if monthly else "累计",
        },
        thresholds={"tolerance": policy.tolerance},
    )


def straightforward_lag(policy: LagPolicy, project: Project, as_of: dt.date) -> Verdict:
    """LagPolicy.judge the plain way: the stage at each month end and a cumulative series."""
    year = as_of.year
    last = last_complete_month(as_of)
    if project.stage_at(as_of) not in policy.stages:
        return judge(project, as_of, policy)  # the out-of-scope verdict, checked elsewhere
    if not any(m.year == year for m in project.monthly_plan):
        raise ValidationError(f"project {project.key}: no monthly plan for {year}")
    if last.year != year:
        reason = Reason("scope", "no_month_yet", figures={"year": year, "as_of": as_of})
        return Verdict(project.key, as_of, None, (reason,), policy.name)
    series = cumulative_series(project, last)
    streak = 0
    for c in series:
        m = plain_measure(policy, c)
        lags = m is None or m[0] < m[2]
        streak = streak + 1 if project.stage_at(c.month.last_day) in policy.stages and lags else 0
    light = policy.light_for(streak)
    if not streak:
        reasons = [plain_month_reason(policy, series[-1])]
    else:
        head = Reason(
            "lag",
            "streak",
            [c.month for c in series[-streak:]],
            figures={"streak": streak, "last": last, "light": light.value, "light_zh": light.zh},
            thresholds={
                "streak_for_yellow": policy.streak_for_yellow,
                "streak_for_red": policy.streak_for_red,
            },
        )
        reasons = [head, *(plain_month_reason(policy, c) for c in series[-streak:])]
    return Verdict(project.key, as_of, light, tuple(reasons), policy.name, Fraction(streak))


class TestLagVerdicts:
    """LagPolicy.judge's one pass over the year's amounts equals the plain computation."""

    @given(ledger_projects(), lag_policies(), any_days, st.sets(st.sampled_from(list(Stage))))
    def test_same_verdict(self, project, policy, as_of, stages):
        """Same light, severity, reasons (their figures' digits too) and errors."""
        if stages:
            policy = attrs.evolve(policy, stages=stages)
        try:
            expected = straightforward_lag(policy, project, as_of)
        except ValidationError:
            with pytest.raises(ValidationError, match="no monthly plan for"):
                policy.judge(project, as_of)
            return
        actual = policy.judge(project, as_of)
        assert expected == actual
        assert repr(expected) == repr(actual)
        assert [r.text("en") for r in expected.reasons] == [r.text("en") for r in actual.reasons]

    @given(ledger_projects(), st.lists(any_days, min_size=1, max_size=12), st.data())
    def test_stages_on_days(self, project, days, data):
        """The stage look-up skipping settled days agrees with stage_at on every day."""
        stages = frozenset(data.draw(st.sets(st.sampled_from(list(Stage)), min_size=1)))
        ordered = tuple(sorted(days))
        expected = [project.stage_at(d) in stages for d in ordered]
        assert expected == _in_stages(project, ordered, stages)

    @given(st.lists(ledger_projects(), max_size=4), lag_policies(), any_days)
    def test_lenient_portfolio(self, projects, policy, as_of):
        """A lenient roll-up shows each project as judging it alone does, errors included."""
        keyed = [attrs.evolve(p, local_id=f"P-{i}") for i, p in enumerate(projects)]
        rollup = judge_portfolio(Portfolio(projects=tuple(keyed)), as_of, policy, lenient=True)
        for p, v in zip(keyed, rollup.verdicts, strict=True):
            try:
                assert straightforward_lag(policy, p, as_of) == v
            except ValidationError:
                assert (None, "no_plan") == (v.light, v.reasons[0].code)

    @given(ledger_projects(), lag_policies(), st.sets(st.sampled_from(list(Stage))))
    def test_same_light_map(self, project, policy, stages):
        """Each cell of the map is the plain verdict's light and streak at that month end."""
        if stages:
            policy = attrs.evolve(policy, stages=stages)
        try:
            expected = [straightforward_lag(policy, project, m.last_day) for m in MONTHS]
        except ValidationError:
            with pytest.raises(ValidationError, match="no monthly plan for"):
                light_map([project], YEAR, policy)
            lenient = light_map([project], YEAR, policy, lenient=True)
            assert (None,) * 12 == lenient.row(project.key)
            return
        lm = light_map([project], YEAR, policy)
        assert tuple(v.light for v in expected) == lm.row(project.key)
        assert [int(v.severity) for v in expected] == list(lm.severities[0])


def plain_fmt(value: object, lang: str) -> str:
    """A figure as text, by the isinstance chain alone."""
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    if isinstance(value, Fraction):
        rounded = Decimal(value.numerator) / Decimal(value.denominator)
        return str(rounded.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


figures = st.one_of(
    st.booleans(),
    st.integers(),
    st.text(max_size=5),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.fractions(min_value=-(10**9), max_value=10**9, max_denominator=10**6),
    st.dates(),
    st.datetimes(),
    st.sampled_from(MONTHS),
)


class TestFigureText:
    """Formatting a figure by its exact type first changes no text."""

    @given(figures, st.sampled_from(["zh", "en"]))
    def test_same_text(self, value, lang):
        """Every kind of figure reads as the isinstance chain renders it."""
        assert plain_fmt(value, lang) == _fmt(value, lang)

    @given(
        st.builds(
            Reason.custom,
            st.just("x"),
            st.just("y"),
            zh=st.just("{v}"),
            en=st.just("{v}"),
            figures=st.fixed_dictionaries({"v": figures}),
        )
    )
    def test_custom_reason(self, reason):
        """A user's reason renders its figure the same way."""
        assert plain_fmt(reason.figures["v"], "en") == reason.text("en")


@st.composite
def ledger_portfolios(draw: st.DrawFn) -> Portfolio:
    """A few ledger projects, some without a plan for the year judged."""
    n = draw(st.integers(1, 4))
    return Portfolio(projects=tuple(draw(ledger_projects(f"P-{i}")) for i in range(n)))


shared_policies = st.one_of(
    lag_policies(),
    lag_policies().map(
        lambda p: attrs.evolve(p, stages=frozenset({Stage.UNDER_CONSTRUCTION, Stage.SUSPENDED}))
    ),
    st.sampled_from([make().lights for make in POLICY_SETS.values()]),
)


class TestJudgeWithMap:
    """The report's shared pass equals the roll-up and the light map it replaces."""

    @given(ledger_portfolios(), any_days, shared_policies)
    def test_equals_public_functions(self, portfolio, as_of, policy):
        """Same verdicts (reasons, order, errors) and the same map up to ``as_of``, leniently."""
        expected = (
            judge_portfolio(portfolio, as_of, policy, lenient=True),
            light_map(portfolio, as_of.year, policy, lenient=True, as_of=as_of),
        )
        assert expected == _judge_with_map(portfolio, as_of, policy)


class TestWorstFirst:
    """Red and yellow lists keep the (-severity, project key) order."""

    @given(ledger_portfolios(), any_days, shared_policies)
    def test_same_order_as_one_key(self, portfolio, as_of, policy):
        """Two stable sorts order as the one tuple key did."""
        rollup = judge_portfolio(portfolio, as_of, policy, lenient=True)
        for light, listed in ((Light.RED, rollup.red), (Light.YELLOW, rollup.yellow)):
            lit = [v for v in rollup.verdicts if v.light is light]
            assert tuple(sorted(lit, key=lambda v: (-v.severity, v.project))) == listed

    @given(
        st.lists(
            st.tuples(st.sampled_from("ABC"), st.fractions(0, 9, max_denominator=4)), max_size=12
        )
    )
    def test_ties_and_fractions(self, rows):
        """Equal severities fall back to the key; fractional severities order by value."""
        verdicts = tuple(
            Verdict(f"{key}{i}", dt.date(2020, 5, 31), Light.RED, (), "x", severity)
            for i, (key, severity) in enumerate(rows)
        )
        rollup = judge_portfolio(Portfolio(), dt.date(2020, 5, 31))
        rollup = attrs.evolve(rollup, verdicts=verdicts)
        expected = tuple(sorted(verdicts, key=lambda v: (-v.severity, v.project)))
        assert expected == rollup.red
        assert rollup.red is rollup.red


def plain_text(reason: Reason, lang: str) -> str:
    """A reason's text as first written: every figure through the isinstance chain."""
    sep = "、" if lang == "zh" else ", "
    values = {k: plain_fmt(v, lang) for k, v in reason.figures.items()}
    values.update({k: plain_fmt(v, lang) for k, v in reason.thresholds.items()})
    gap = reason.figures.get("gap")
    if isinstance(gap, Fraction):
        values["gap_abs"] = plain_fmt(abs(gap), lang)
        values["direction"] = (("落后", "behind") if gap > 0 else ("超前", "ahead"))[lang == "en"]
    tolerance = reason.thresholds.get("tolerance")
    if tolerance is not None:  # the whole plan is no factor: "× 1" is not written
        times = f"×{values['tolerance']}" if lang == "zh" else f" × {values['tolerance']}"
        values["times_tolerance"] = "" if tolerance == 1 else times
    values["months"] = sep.join(str(m) for m in reason.months)
    values["milestones"] = sep.join(reason.milestones)
    suffix = "_zh" if lang == "zh" else "_en"
    values.update({k[:-3]: v for k, v in list(values.items()) if k.endswith(suffix)})
    if reason.templates is not None:
        return reason.templates[lang == "en"].format_map(values)
    return _said(f"reason.{reason.rule}.{reason.code}", lang).format_map(values)


class TestReasonText:
    """Reason text is unchanged by the inlined formatting and the joined-months cache."""

    @given(ledger_portfolios(), any_days, policies | shared_policies)
    def test_built_in_reasons(self, portfolio, as_of, policy):
        """Every built-in reason of every policy reads as first written, in both languages."""
        rollup = judge_portfolio(portfolio, as_of, policy, lenient=True)
        for reason in (r for v in rollup.verdicts for r in v.reasons):
            for lang in ("zh", "en"):
                assert plain_text(reason, lang) == reason.text(lang)

    @given(st.lists(st.sampled_from(MONTHS)), st.sampled_from(["zh", "en"]))
    def test_custom_months(self, months, lang):
        """A custom reason's months join the same, cached or not."""
        reason = Reason.custom("x", "y", zh="{months}", en="{months}", months=months)
        assert plain_text(reason, lang) == reason.text(lang)

    def test_unhashable_months(self):
        """A custom reason whose months cannot be hashed still renders them."""
        reason = Reason.custom("x", "y", zh="{months}", en="{months}", months=[["2020-05"]])
        assert "['2020-05']" == reason.text("en")
