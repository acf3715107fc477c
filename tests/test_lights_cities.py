"""More cities' light rules: shares of a benchmark (Wuhan, Xinhuang) and growth (Tianjin)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from projpush.engine import build_report_tables, from_portfolio, judge_tables, to_portfolio
from projpush.errors import PolicyError, ValidationError
from projpush.foresight import lint
from projpush.lights import (
    Cutoff,
    GrowthPolicy,
    LagPolicy,
    Light,
    ShareBasis,
    SharePolicy,
    ShareReading,
    WorstOf,
    average_growth,
    growth_to,
    judge_portfolio,
    light_map,
)
from projpush.model import Month, Portfolio, Project
from projpush.report import build_report, policy_set, render
from projpush.schedule import TimeBasis, last_complete_month
from projpush.synth import CALENDAR_2020, SAMPLE_AS_OF, sample_portfolio
from strategies_lights import MONTHS, YEAR, amounts, as_of_dates, year_projects

D = dt.date
F = Fraction


def project(key: str = "P-1", **facts: Any) -> Project:
    return Project(
        name="项目",
        level="city",
        category="industry",
        stage="under_construction",
        region="区",
        unit="市发改委",
        local_id=key,
        **facts,
    )


def wuhan_project(done_per_month: str, months: int = 6, annual: str = "12000") -> Project:
    done = {f"2022-{m:02d}": done_per_month for m in range(1, months + 1)}
    return project(annual_plans={2022: annual}, monthly_done=done)


class TestWuhan:
    """Wuhan: red below 60 % of the time schedule, yellow below 80 % (ratio reading)."""

    @pytest.mark.parametrize(
        ("done", "light"),
        [
            # End of June: the schedule is 50 %, so the bars are 30 % and 40 % of 12000.
            ("599", Light.RED),  # 3594 万元 = 29.95 %: 59.9 % of the schedule
            ("600", Light.YELLOW),  # exactly 60 % of the schedule is not below it
            ("799", Light.YELLOW),
            ("800", Light.GREEN),  # exactly 80 %
            ("1000", Light.GREEN),
        ],
    )
    def test_bands_and_boundaries(self, done: str, light: Light) -> None:
        """A share exactly at a threshold is not below it."""
        assert light == SharePolicy.wuhan().judge(wuhan_project(done), D(2022, 6, 30)).light

    def test_reason(self) -> None:
        """The reason gives completion, schedule, the share and both bands, in zh and en."""
        v = SharePolicy.wuhan().judge(wuhan_project("500"), D(2022, 6, 30))
        assert (
            "截至2022-06完成年度计划25.0%（3000/12000万元），时序进度50.0%，"
            "为时序进度的50.0%（黄灯低于80%，红灯低于60%）"
        ) == v.reasons[0].text()
        assert "wuhan" == v.policy
        assert F(50) == v.severity  # 50 % short of the schedule

    def test_points_reading(self) -> None:
        """Read as points, red is 40 points behind the schedule and yellow 20."""
        policy = SharePolicy.wuhan(ShareReading.POINTS)
        # 30 % done against 50 %: 20 points behind, at the yellow bar, so green.
        assert Light.GREEN == policy.judge(wuhan_project("600"), D(2022, 6, 30)).light
        v = policy.judge(wuhan_project("500"), D(2022, 6, 30))
        assert Light.YELLOW == v.light  # 25 points behind; the ratio reading says red
        assert (
            "to 2022-06: 25.0% of the annual plan (3000 of 12000 万元) against 50.0% of the year, "
            "25.0 points behind (yellow over 20 points behind, red over 40 points behind)"
        ) == v.reasons[0].text("en")
        assert Light.RED == policy.judge(wuhan_project("100"), D(2022, 6, 30)).light

    def test_unreported_months_named(self) -> None:
        """A month without a report adds nothing and is named."""
        p = project(annual_plans={2022: "1200"}, monthly_done={"2022-01": "100"})
        v = SharePolicy.wuhan().judge(p, D(2022, 2, 28))
        assert ["schedule", "unreported"] == [r.code for r in v.reasons]
        assert "2022-02未报送完成投资，按未完成计" == v.reasons[1].text()

    def test_no_month_yet(self) -> None:
        """Before January ends nothing is judged."""
        v = SharePolicy.wuhan().judge(wuhan_project("1"), D(2022, 1, 30))
        assert (None, "no_month_yet") == (v.light, v.reasons[0].code)

    def test_no_annual_plan(self) -> None:
        """No annual plan for the year: an error naming the project."""
        with pytest.raises(ValidationError, match=r"project P-1: no annual plan for 2022"):
            SharePolicy.wuhan().judge(project(), D(2022, 3, 31))

    def test_previous_month_cutoff_and_day_basis(self) -> None:
        """The cutoff and the time basis are the caller's to choose, as for the gap rule."""
        policy = attrs.evolve(
            SharePolicy.wuhan(), cutoff=Cutoff.PREVIOUS_MONTH, time_basis=TimeBasis.DAY
        )
        v = policy.judge(wuhan_project("1000"), D(2022, 6, 30))
        assert Month(2022, 5) == v.reasons[0].months[0]


class TestXinhuang:
    """Xinhuang (2015): below 80 % of the month's task follow-up, below 60 % the yellow card."""

    @staticmethod
    def judged(done: str | None, card: Light = Light.RED) -> Any:
        facts = {"2015-03": done} if done is not None else {}
        p = project(monthly_plan={"2015-03": "100"}, monthly_done=facts)
        return SharePolicy.xinhuang(card).judge(p, D(2015, 3, 31))

    @pytest.mark.parametrize(
        ("done", "light"),
        [("59.99", Light.RED), ("60", Light.YELLOW), ("79", Light.YELLOW), ("80", Light.GREEN)],
    )
    def test_follow_up_yellow_card_red(self, done: str, light: Light) -> None:
        """The default mapping: the follow-up is yellow, the yellow card red."""
        assert light == self.judged(done).light

    @pytest.mark.parametrize(
        ("done", "light"), [("59", Light.YELLOW), ("60", Light.GREEN), ("79", Light.GREEN)]
    )
    def test_card_as_yellow(self, done: str, light: Light) -> None:
        """``card=Light.YELLOW``: the card is the yellow light, the follow-up band stays green."""
        assert light == self.judged(done, Light.YELLOW).light

    def test_reason(self) -> None:
        v = self.judged("79")
        assert (
            "2015-03: 79 万元 completed, 79.0% of the month's task of 100 万元 "
            "(yellow below 80%, red below 60%)"
        ) == v.reasons[0].text("en")

    def test_unreported_month_is_nothing_done(self) -> None:
        """A month with no report: nothing done, red, and the reason says so."""
        v = self.judged(None)
        assert (Light.RED, ["task", "unreported"]) == (v.light, [r.code for r in v.reasons])

    def test_month_without_task_not_judged(self) -> None:
        """A month with no task (plan 0 or none) is not judged: never a silent green."""
        p = project(monthly_plan={"2015-02": "100"}, monthly_done={"2015-03": "10"})
        v = SharePolicy.xinhuang().judge(p, D(2015, 3, 31))
        assert (None, "2015-03无月度任务，按月度任务规则不亮灯") == (v.light, v.reasons[0].text())

    def test_no_monthly_plan(self) -> None:
        with pytest.raises(ValidationError, match=r"project P-1: no monthly plan for 2015"):
            SharePolicy.xinhuang().judge(project(), D(2015, 3, 31))

    def test_bad_card(self) -> None:
        with pytest.raises(PolicyError, match=r"card: expected Light.RED or Light.YELLOW, got"):
            SharePolicy.xinhuang(Light.GREEN)


class TestSharePolicyErrors:
    """Thresholds are exact fractions in (0, 1], red below yellow, at least one given."""

    @pytest.mark.parametrize(
        ("fields", "message"),
        [
            (
                {"yellow_below": 0.8, "red_below": None},
                (
                    "yellow_below: expected an exact fraction (Fraction, Decimal, int or str) "
                    "or None, got 0.8"
                ),
            ),
            (
                {"yellow_below": "0.8", "red_below": True},
                (
                    "red_below: expected an exact fraction (Fraction, Decimal, int or str) "
                    "or None, got True"
                ),
            ),
            (
                {"yellow_below": "x", "red_below": None},
                "yellow_below: expected a fraction such as '3/5' or '0.6', got 'x'",
            ),
            (
                {"yellow_below": "6/5", "red_below": None},
                "yellow_below: expected a fraction in (0, 1], got '6/5'",
            ),
            (
                {"yellow_below": None, "red_below": 0},
                "red_below: expected a fraction in (0, 1], got 0",
            ),
            (
                {"yellow_below": "0.6", "red_below": "0.8"},
                "red_below: expected a share below yellow_below (0.6), got 0.8",
            ),
            (
                {"yellow_below": None, "red_below": None},
                "red_below: expected a threshold (yellow_below is None too), got None",
            ),
            (
                {"yellow_below": "0.8", "red_below": None, "basis": "month_task"},
                (
                    "basis: expected one of ShareBasis.TIME_SCHEDULE, ShareBasis.MONTH_TASK, "
                    "got 'month_task'"
                ),
            ),
        ],
    )
    def test_refused(self, fields: dict[str, Any], message: str) -> None:
        with pytest.raises(PolicyError) as caught:
            SharePolicy(**fields)
        assert message == str(caught.value)


def tianjin_project(before: str, now: str, plan: str = "100") -> Project:
    return project(
        monthly_plan={"2022-01": plan},
        monthly_done={"2021-01": before, "2022-01": now},
    )


class TestTianjin:
    """Tianjin (2022): growth against the plan and the city average."""

    @pytest.mark.parametrize(
        ("now", "light"),
        [
            ("99", Light.RED),  # fell
            ("100", Light.YELLOW),  # flat, short of the plan (not covered: yellow by default)
            ("104", Light.YELLOW),  # grew, below the 5 % average
            ("105", Light.YELLOW),  # at the average, below the 8 % plan
            ("108", Light.GREEN),  # at both
            ("120", Light.GREEN),
        ],
    )
    def test_bands(self, now: str, light: Light) -> None:
        """Green at or above both, yellow when it grew short of either, red when it fell."""
        policy = GrowthPolicy.tianjin(average_growth="0.05", plan_growth="0.08")
        assert light == policy.judge(tianjin_project("100", now), D(2022, 1, 31)).light

    def test_zero_growth_selectable(self) -> None:
        """Zero growth short of the plan: yellow by default, red on request."""
        p = tianjin_project("100", "100", plan="110")
        assert Light.YELLOW == GrowthPolicy.tianjin().judge(p, D(2022, 1, 31)).light
        red = GrowthPolicy.tianjin(zero_growth=Light.RED)
        assert Light.RED == red.judge(p, D(2022, 1, 31)).light

    def test_zero_growth_meeting_both_is_green(self) -> None:
        """Flat, but at or above a flat plan and a falling average: green, as the text says."""
        policy = GrowthPolicy.tianjin(average_growth="-0.02", plan_growth=0)
        assert Light.GREEN == policy.judge(tianjin_project("100", "100"), D(2022, 1, 31)).light

    def test_plan_growth_from_the_monthly_plan(self) -> None:
        """Without ``plan_growth`` the plan is what the project's own monthly plan asks for."""
        p = tianjin_project("100", "105", plan="110")  # the plan asks for 10 %
        v = GrowthPolicy.tianjin().judge(p, D(2022, 1, 31))
        assert Light.YELLOW == v.light
        assert (
            "截至2022-01累计完成105万元，上年同期100万元，增速5.0%（计划10.0%，全市平均无）"
        ) == v.reasons[0].text()
        assert F(5) == v.severity

    def test_no_base_not_judged(self) -> None:
        """Nothing completed a year before: no growth, not judged."""
        p = project(monthly_plan={"2022-01": "1"}, monthly_done={"2022-01": "90"})
        v = GrowthPolicy.tianjin().judge(p, D(2022, 1, 31))
        assert (None, "no_base") == (v.light, v.reasons[0].code)

    def test_unreported_named(self) -> None:
        """Unreported months of either year count as nothing, and are named."""
        p = project(
            monthly_plan={"2022-01": "1", "2022-02": "1"},
            monthly_done={"2021-01": "100", "2022-01": "90", "2022-02": "90"},
        )
        v = GrowthPolicy.tianjin().judge(p, D(2022, 2, 28))
        assert (Month(2021, 2),) == v.reasons[1].months
        assert "2021-02未报送完成投资，按零计" == v.reasons[1].text()

    def test_average_from_the_portfolio(self) -> None:
        """The city average is the growth of the summed amounts, not the mean of rates."""
        a = attrs.evolve(tianjin_project("100", "130"), local_id="A")
        b = attrs.evolve(tianjin_project("300", "300"), local_id="B")
        assert F(3, 40) == average_growth([a, b], Month(2022, 1))  # 430 / 400 - 1
        policy = GrowthPolicy.tianjin_for(Portfolio(projects=(a, b)), D(2022, 1, 31))
        assert F(3, 40) == policy.average_growth
        assert [Light.GREEN, Light.YELLOW] == [
            policy.judge(p, D(2022, 1, 31)).light for p in (a, b)
        ]

    def test_growth_to(self) -> None:
        g = growth_to(tianjin_project("100", "90"), Month(2022, 1))
        assert (Decimal(90), Decimal(100), F(-1, 10)) == (g.done, g.base, g.rate)

    def test_no_monthly_plan_without_plan_growth(self) -> None:
        p = project(monthly_done={"2021-01": "1", "2022-01": "1"})
        with pytest.raises(ValidationError, match=r"project P-1: no monthly plan for 2022"):
            GrowthPolicy.tianjin().judge(p, D(2022, 1, 31))
        assert Light.GREEN == GrowthPolicy.tianjin(plan_growth=0).judge(p, D(2022, 1, 31)).light

    @pytest.mark.parametrize(
        ("fields", "message"),
        [
            (
                {"plan_growth": 0.1},
                (
                    "plan_growth: expected an exact growth rate (Fraction, Decimal, int or str) "
                    "or None, got 0.1"
                ),
            ),
            (
                {"average_growth": "-2"},
                (
                    "average_growth: expected a growth rate of -1 (a fall to nothing) or more, "
                    "got '-2'"
                ),
            ),
            (
                {"plan_growth": "abc"},
                "plan_growth: expected a growth rate such as '0.08' or '2/25', got 'abc'",
            ),
            (
                {"zero_growth": Light.GREEN},
                "zero_growth: expected Light.YELLOW or Light.RED, got <Light.GREEN: 'green'>",
            ),
        ],
    )
    def test_refused(self, fields: dict[str, Any], message: str) -> None:
        with pytest.raises(PolicyError) as caught:
            GrowthPolicy(**fields)
        assert message == str(caught.value)

    def test_tianjin_for_bad_date(self) -> None:
        with pytest.raises(ValidationError, match=r"as_of: expected a date"):
            GrowthPolicy.tianjin_for([], "2022-01-31")  # type: ignore[arg-type]


class TestTianjinDistricts:
    """Tianjin's rule judges districts: a region's summed growth, not its projects' mean."""

    @staticmethod
    def projects() -> list[Project]:
        def mk(key: str, region: str, before: str, now: str, **facts: Any) -> Project:
            return attrs.evolve(
                tianjin_project(before, now, plan="110"), local_id=key, region=region, **facts
            )

        return [
            mk("A", "和平区", "100", "130"),
            mk("B", "和平区", "300", "270"),  # the mean of +30 % and -10 % is +10 %; the sum 0 %
            mk("C", "河西区", "100", "120"),
            mk("D", "河西区", "0", "50"),  # no base: not in the region's growth
            mk("E", "南开区", "0", "10"),
            mk("F", "河东区", "100", "300", stage="completed"),  # outside the stages judged
        ]

    def test_summed(self) -> None:
        """和平区 grew 0 % in sum (400 → 400), not the +10 % mean of its projects' rates."""
        policy = GrowthPolicy.tianjin(average_growth="0.05", plan_growth="0.1")
        verdicts = policy.judge_regions(Portfolio(projects=tuple(self.projects())), D(2022, 1, 31))
        assert ["南开区", "和平区", "河西区"] == list(verdicts)
        assert F(0) == verdicts["和平区"].reasons[0].figures["growth"]
        assert Light.YELLOW == verdicts["和平区"].light  # zero growth, short of the plan
        assert (Light.GREEN, "河西区") == (verdicts["河西区"].light, verdicts["河西区"].project)
        assert F(20) == verdicts["河西区"].reasons[0].figures["growth"]  # 120 over 100; D left out
        assert (None, "no_base") == (verdicts["南开区"].light, verdicts["南开区"].reasons[0].code)

    def test_plan_from_the_monthly_plans(self) -> None:
        """Without ``plan_growth``: Σ planned / Σ base − 1 of the projects with a base."""
        verdicts = GrowthPolicy.tianjin().judge_regions(self.projects(), D(2022, 1, 31))
        # 河西区: planned 110 over a base of 100 (D has none): a 10 % plan; grew 20 %.
        assert F(10) == verdicts["河西区"].reasons[0].thresholds["plan"]
        assert Light.GREEN == verdicts["河西区"].light

    def test_no_month_yet(self) -> None:
        verdicts = GrowthPolicy.tianjin().judge_regions(self.projects(), D(2022, 1, 30))
        assert {None} == {v.light for v in verdicts.values()}

    def test_errors(self) -> None:
        bare = project(monthly_done={"2021-01": "1", "2022-01": "1"})
        with pytest.raises(ValidationError, match=r"project P-1: no monthly plan for 2022"):
            GrowthPolicy.tianjin().judge_regions([bare], D(2022, 1, 31))
        with pytest.raises(ValidationError, match=r"as_of: expected a date, got '2022-01-31'"):
            GrowthPolicy.tianjin().judge_regions([bare], "2022-01-31")  # type: ignore[arg-type]


shares = st.fractions(min_value=0, max_value=2, max_denominator=1000)
thresholds = st.fractions(min_value=0, max_value=1, max_denominator=100).filter(lambda f: f > 0)


@st.composite
def share_policies(draw: st.DrawFn) -> SharePolicy:
    low, high = sorted(draw(st.lists(thresholds, min_size=2, max_size=2, unique=True)))
    red = draw(st.none() | st.just(low))
    yellow = high if red is not None else draw(st.none() | st.just(high)) or high
    return SharePolicy(
        yellow_below=yellow,
        red_below=red,
        basis=draw(st.sampled_from(ShareBasis)),
        reading=draw(st.sampled_from(ShareReading)),
    )


class TestProperties:
    """More completion never worsens a light; more growth never does either."""

    @given(share_policies(), shares, shares, shares.filter(lambda f: f > 0))
    def test_share_monotone(self, policy: SharePolicy, a: F, b: F, benchmark: F) -> None:
        low, high = sorted((a, b))
        assert policy.light_for(high, benchmark) <= policy.light_for(low, benchmark)

    @given(share_policies(), shares.filter(lambda f: f > 0))
    def test_share_boundary_not_below(self, policy: SharePolicy, benchmark: F) -> None:
        """At exactly a bar the lighter light; a hair below it, the darker one."""
        for share, light in ((policy.red_below, Light.RED), (policy.yellow_below, Light.YELLOW)):
            if share is None:
                continue
            bar = policy._bar(share, benchmark)
            assert policy.light_for(bar, benchmark) < light
            assert policy.light_for(bar - F(1, 10**9), benchmark) >= light

    @given(
        st.integers(0, 400),
        st.integers(0, 400),
        st.integers(1, 400),
        st.integers(1, 12),
        st.sampled_from(ShareBasis),
        st.sampled_from(ShareReading),
    )
    def test_judge_monotone(  # noqa: PLR0917 (the drawn facts)
        self, a: int, b: int, plan: int, month: int, basis: ShareBasis, reading: ShareReading
    ) -> None:
        """More done in the month judged never gives a worse verdict, and its light is light_for."""
        policy = attrs.evolve(SharePolicy.wuhan(reading), basis=basis)
        m = Month(2022, month)
        verdicts = []
        for done in sorted((a, b)):
            p = project(
                annual_plans={2022: Decimal(plan * 12)},
                monthly_plan={m: Decimal(plan)},
                monthly_done={m: Decimal(done)},
            )
            verdicts.append(policy.judge(p, m.last_day))
        assert verdicts[1].light is not None
        assert verdicts[0].light is not None
        assert verdicts[1].light <= verdicts[0].light
        assert verdicts[1].severity <= verdicts[0].severity

    @given(
        st.fractions(min_value=-1, max_value=2, max_denominator=100),
        st.fractions(min_value=-1, max_value=2, max_denominator=100),
        st.none() | st.fractions(min_value=-1, max_value=1, max_denominator=100),
        st.none() | st.fractions(min_value=-1, max_value=1, max_denominator=100),
        st.sampled_from([Light.YELLOW, Light.RED]),
    )
    def test_growth_monotone(
        self, a: F, b: F, plan: F | None, average: F | None, zero: Light
    ) -> None:
        policy = GrowthPolicy.tianjin(average_growth=average, zero_growth=zero)
        low, high = sorted((a, b))
        assert policy.light_for(high, plan) <= policy.light_for(low, plan)
        if zero is Light.YELLOW:  # then red means a fall, and only that
            assert (low < 0) == (policy.light_for(low, plan) is Light.RED)


class TestVerdictsFromFigures:
    """A verdict's light is the policy's light for figures recomputed from the ledger."""

    @given(year_projects(), as_of_dates, share_policies())
    def test_share(self, p: Project, as_of: dt.date, policy: SharePolicy) -> None:
        v = policy.judge(p, as_of)
        if v.light is None:
            assert v.reasons[0].code in {"not_judged", "no_month_yet", "no_task"}
            return
        last = last_complete_month(as_of)
        if policy.basis is ShareBasis.TIME_SCHEDULE:
            done = sum(
                (p.monthly_done.get(m, Decimal(0)) for m in MONTHS[: last.month]), Decimal(0)
            )
            completion = F(done) / F(p.annual_plans[YEAR])
            benchmark = F(last.month, 12)
        else:
            completion = F(p.monthly_done.get(last, Decimal(0))) / F(p.monthly_plan[last])
            benchmark = F(1)
        assert policy.light_for(completion, benchmark) == v.light
        assert v.severity >= 0

    @given(
        st.lists(amounts, min_size=12, max_size=12),
        st.lists(amounts, min_size=12, max_size=12),
        st.integers(1, 12),
        st.none() | st.fractions(min_value=-1, max_value=1, max_denominator=20),
    )
    def test_growth(
        self, before: list[Decimal], now: list[Decimal], month: int, avg: F | None
    ) -> None:
        p = project(
            monthly_plan={Month(2022, m + 1): now[m] + 1 for m in range(12)},
            monthly_done={
                **{Month(2021, m + 1): before[m] for m in range(12)},
                **{Month(2022, m + 1): now[m] for m in range(12)},
            },
        )
        policy = GrowthPolicy.tianjin(average_growth=avg)
        v = policy.judge(p, Month(2022, month).last_day)
        base, done = sum(before[:month], Decimal(0)), sum(now[:month], Decimal(0))
        if base == 0:
            assert v.light is None
            return
        plan = F(sum(now[:month], Decimal(0)) + month - base) / F(base)
        assert policy.light_for(F(done - base) / F(base), plan) == v.light
        assert (v.light is Light.RED) == (done < base)


class TestLint:
    """Every new ready-made policy passes the policy linter: no gap, no overlap, no dead light."""

    @pytest.mark.parametrize(
        "policy",
        [
            SharePolicy.wuhan(),
            SharePolicy.wuhan(ShareReading.POINTS),
            SharePolicy.xinhuang(),
            GrowthPolicy.tianjin(),
            GrowthPolicy.tianjin(average_growth="0.05", plan_growth="0.08", zero_growth=Light.RED),
        ],
    )
    def test_clean(self, policy: Any) -> None:
        assert () == lint(policy)


class TestOnReportsAndEngine:
    """The engine refuses the new policies by name; the report goes the object way."""

    @pytest.mark.parametrize(
        "policy",
        [
            SharePolicy.wuhan(),
            GrowthPolicy.tianjin(),
            WorstOf((LagPolicy.ningbo(), SharePolicy.xinhuang())),
        ],
    )
    def test_engine_refuses_by_name(self, policy: Any) -> None:
        tables = from_portfolio(sample_portfolio())
        named = r"use the object API .* for '(wuhan|xinhuang|tianjin)'"
        with pytest.raises(PolicyError, match=named):
            judge_tables(tables, SAMPLE_AS_OF, policy)

    @pytest.mark.parametrize("name", ["wuhan", "xinhuang"])
    def test_report_falls_back_to_objects(self, name: str) -> None:
        """The report on tables under a new city's set is the object report, every format."""
        tables = from_portfolio(sample_portfolio())
        got = build_report_tables(tables, SAMPLE_AS_OF, policy=name, calendar=CALENDAR_2020)
        assert got.lights is not None  # judged as objects
        expected = build_report(
            to_portfolio(tables), SAMPLE_AS_OF, policy=name, calendar=CALENDAR_2020
        )
        for fmt in ("text", "json", "csv"):
            assert render(expected, fmt=fmt) == render(got, fmt=fmt)  # type: ignore[arg-type]
        assert name == policy_set(name).lights.name

    def test_portfolio_and_map(self) -> None:
        """The roll-up and the light map take the new policies like any other."""
        p = Portfolio(
            projects=(wuhan_project("500"), attrs.evolve(wuhan_project("900"), local_id="B"))
        )
        rollup = judge_portfolio(p, D(2022, 6, 30), SharePolicy.wuhan())
        assert (1, 1) == (rollup.counts.red, rollup.counts.green)
        lmap = light_map(p, 2022, SharePolicy.wuhan())
        assert Light.RED == lmap.light("P-1", Month(2022, 6))
