"""Tests of projpush.lights: the domain brief's examples and every boundary."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest

from projpush.errors import PolicyError, ProjpushError, ValidationError
from projpush.lights import (
    Cutoff,
    Dimension,
    GapMeasure,
    GapPolicy,
    LagPolicy,
    Light,
    LightCounts,
    LightPolicy,
    NodePolicy,
    Reason,
    Requirement,
    SiteActivityPolicy,
    Verdict,
    WorstOf,
    judge,
    judge_portfolio,
    light_history,
    light_map,
)
from projpush.model import (
    Leader,
    Milestone,
    Month,
    Portfolio,
    Project,
    SiteObservation,
    Stage,
    StageEvent,
    yi,
)

D = dt.date


def month_end(year: int, month: int) -> dt.date:
    return Month(year, month).last_day


def project(
    key: str = "NB-1",
    *,
    plan: dict[int, str] | None = None,
    done: dict[int, str] | None = None,
    year: int = 2020,
    **kw: object,
) -> Project:
    """A project under construction with monthly plan/done given by month number."""
    fields: dict[str, object] = {
        "name": f"项目{key}",
        "level": "city",
        "category": "infrastructure",
        "stage": "under_construction",
        "region": "海曙区",
        "unit": "市交通局",
        "local_id": key,
    }
    fields.update(kw)
    if plan is not None:
        fields["monthly_plan"] = {f"{year}-{m:02d}": v for m, v in plan.items()}
    if done is not None:
        fields["monthly_done"] = {f"{year}-{m:02d}": v for m, v in done.items()}
    return Project(**fields)  # type: ignore[arg-type]


def flat(done: dict[int, str], plan: str = "100") -> Project:
    return project(plan=dict.fromkeys(range(1, 13), plan), done=done)


class TestLight:
    """The light enum orders worse above better and names itself in Chinese."""

    def test_order(self):
        """Red > yellow > green, and max picks the worst."""
        assert [Light.GREEN, Light.YELLOW, Light.RED] == sorted(
            [Light.RED, Light.GREEN, Light.YELLOW]
        )
        assert Light.RED == max(Light.GREEN, Light.RED, Light.YELLOW)
        assert Light.YELLOW >= Light.YELLOW
        assert Light.GREEN <= Light.YELLOW

    def test_chinese_names(self):
        """Each light has its Chinese name."""
        assert ["绿灯", "黄灯", "红灯"] == [x.zh for x in (Light.GREEN, Light.YELLOW, Light.RED)]

    def test_not_comparable_with_other_types(self):
        """Comparing with a non-light is a TypeError, not a silent answer."""
        for compare in (
            lambda: Light.RED < 1,
            lambda: Light.RED <= 1,
            lambda: Light.RED > 1,
            lambda: Light.RED >= 1,
        ):
            with pytest.raises(TypeError):
                compare()


class TestLightCounts:
    """LightCounts.of tallies any iterable of lights, None as not judged."""

    def test_of_tallies_each_light(self):
        """Every light and None land in their own count."""
        lights = [Light.RED, None, Light.YELLOW, Light.RED, Light.GREEN, None]
        assert LightCounts(green=1, yellow=1, red=2, not_judged=2) == LightCounts.of(lights)

    def test_of_nothing(self):
        """No lights, all counts zero (a generator is fine)."""
        assert LightCounts() == LightCounts.of(x for x in ())


class TestNingboLights:
    """Consecutive lagging months: 2 yellow, 3 red, a good month resets."""

    def test_streak_one_is_green_with_its_reason(self):
        """One lagging month is green, and the reason says so."""
        v = judge(flat({1: "90"}), month_end(2020, 1))
        assert Light.GREEN == v.light
        assert ["streak", "below"] == [r.code for r in v.reasons]
        assert Fraction(1) == v.severity

    def test_streak_two_is_yellow(self):
        """Two lagging months turn the light yellow."""
        v = judge(flat({1: "90", 2: "100"}), month_end(2020, 2))
        assert Light.YELLOW == v.light
        assert (Month(2020, 1), Month(2020, 2)) == v.reasons[0].months

    def test_streak_three_is_red(self):
        """Three lagging months turn it red."""
        v = judge(flat({1: "90", 2: "100", 3: "100"}), month_end(2020, 3))
        assert Light.RED == v.light
        assert 3 == v.reasons[0].figures["streak"]

    def test_good_month_resets(self):
        """Catching up the cumulative plan resets the streak to zero."""
        p = flat({1: "90", 2: "100", 3: "120", 4: "80"})
        assert Light.GREEN == judge(p, month_end(2020, 3)).light
        v = judge(p, month_end(2020, 4))
        assert Light.GREEN == v.light
        assert Fraction(1) == v.severity

    def test_met_month_reason_for_green(self):
        """A green month without a streak states the requirement met."""
        v = judge(flat({1: "100"}), month_end(2020, 1))
        assert ["met"] == [r.code for r in v.reasons]
        assert "2020-01累计完成100万元，达到进度要求100万元（计划100万元）" == v.reasons[0].text()

    def test_reasons_keep_each_policys_spelling(self):
        """Equal policies whose tolerance is spelled differently each show their own digits."""
        p = flat({1: "100"})
        short, long = LagPolicy.ningbo("0.9"), LagPolicy.ningbo("0.90")
        assert short == long
        assert "×0.9）" in judge(p, month_end(2020, 1), short).reasons[0].text()
        assert "×0.90）" in judge(p, month_end(2020, 1), long).reasons[0].text()

    def test_year_to_date_reports(self):
        """Reports from January to the month judged read as the whole year's would."""
        to_date = project(plan=dict.fromkeys(range(1, 13), "100"), done={1: "100", 2: "90"})
        v = judge(to_date, month_end(2020, 2))
        assert (Light.GREEN, ["streak", "below"]) == (v.light, [r.code for r in v.reasons])
        assert "2020-02累计完成190万元，低于进度要求200万元（计划200万元）" == v.reasons[1].text()

    def test_unreported_month_lags_with_that_reason(self):
        """A month with no report lags even though the cumulative is ahead."""
        p = flat({1: "500", 3: "100"})
        v = judge(p, month_end(2020, 2))
        assert Light.GREEN == v.light
        assert "unreported" == v.reasons[1].code
        assert "2020-02未报送完成投资，按滞后计" == v.reasons[1].text()
        assert "2020-02: no investment reported, counted as lagging" == v.reasons[1].text("en")
        assert Light.GREEN == judge(p, month_end(2020, 3)).light

    def test_unreported_streak_reaches_red(self):
        """Three unreported months are red."""
        v = judge(flat({}), month_end(2020, 3))
        assert Light.RED == v.light
        assert ["streak", "unreported", "unreported", "unreported"] == [r.code for r in v.reasons]

    def test_tolerance_lowers_the_bar(self):
        """With tolerance 0.9, 90 of 100 meets the requirement; 89.99 does not."""
        policy = LagPolicy.ningbo(tolerance=Decimal("0.9"))
        ok = flat({1: "90", 2: "90"})
        short = flat({1: "89.99", 2: "90"})
        assert Light.GREEN == judge(ok, month_end(2020, 2), policy).light
        assert Light.YELLOW == judge(short, month_end(2020, 2), policy).light
        assert (
            Decimal("90.0") == judge(ok, month_end(2020, 1), policy).reasons[0].figures["required"]
        )

    def test_monthly_requirement(self):
        """Judging the month's own amount: a catch-up month does not cover earlier ones."""
        policy = LagPolicy(requirement=Requirement.MONTHLY, name="monthly")
        p = flat({1: "0", 2: "150", 3: "90"})
        assert Light.GREEN == judge(p, month_end(2020, 3), policy).light
        assert Light.RED == judge(p, month_end(2020, 3)).light
        text = judge(p, month_end(2020, 3), policy).reasons[1].text()
        assert "2020-03当月完成90万元，低于进度要求100万元（计划100万元）" == text

    def test_custom_thresholds(self):
        """Thresholds are data: yellow at 1, red at 4."""
        policy = LagPolicy(streak_for_yellow=1, streak_for_red=4)
        p = flat({1: "0", 2: "0", 3: "0", 4: "0"})
        lights = [judge(p, month_end(2020, m), policy).light for m in (1, 3, 4)]
        assert [Light.YELLOW, Light.YELLOW, Light.RED] == lights

    def test_as_of_month_end_judges_that_month(self):
        """2020-05-31 judges through May; 2020-05-20 through April."""
        p = flat({1: "100", 2: "100", 3: "100", 4: "100", 5: "0"})
        assert Month(2020, 5) == judge(p, D(2020, 5, 31)).reasons[-1].months[-1]
        assert Month(2020, 4) == judge(p, D(2020, 5, 20)).reasons[-1].months[-1]

    def test_before_first_month_end_is_not_judged(self):
        """On 15 January no month of the year has ended: not judged, not green."""
        v = judge(flat({}), D(2020, 1, 15))
        assert v.light is None
        assert "no_month_yet" == v.reasons[0].code
        assert "not judged: no reporting month of 2020 has ended by 2020-01-15" == v.reasons[
            0
        ].text("en")

    def test_reason_texts(self):
        """The streak reason reads as one sentence in each language."""
        v = judge(flat({1: "90", 2: "100"}), month_end(2020, 2))
        assert (
            "截至2020-02连续2个月低于进度要求（2020-01、2020-02），达到黄灯标准（黄灯2个月，红灯3个月）"
            == v.reasons[0].text()
        )
        assert (
            "2 consecutive lagging months to 2020-02 (2020-01, 2020-02): yellow "
            "(yellow at 2 months, red at 3)" == v.reasons[0].text("en")
        )
        assert (
            "2020-02: cumulative completed 190 万元 is below the requirement 200 万元 "
            "(plan 200 万元)" == v.reasons[2].text("en")
        )

    def test_seed_airport_expressway(self):
        """Ningbo seed: about 3000 万元 a month at first against a 3500 plan, then over 5000."""
        p = project(
            "机场快速路南延",
            plan=dict.fromkeys(range(1, 9), "3500"),
            done={
                1: "3000",
                2: "3100",
                3: "2900",
                4: "3000",
                5: "3000",
                6: "3000",
                7: "5200",
                8: "5600",
            },
        )
        lights = [judge(p, month_end(2020, m)).light for m in range(1, 9)]
        # two months above 5000 catch the cumulative plan up by August: 28800 >= 28000
        assert [Light.GREEN, Light.YELLOW] + [Light.RED] * 5 + [Light.GREEN] == lights
        assert Fraction(7) == judge(p, month_end(2020, 7)).severity


class TestScope:
    """Projects outside construction are judged per a stated rule, never silently green."""

    @pytest.mark.parametrize("stage", ["planned", "reserved", "suspended", "completed"])
    def test_not_under_construction_is_not_judged(self, stage):
        """Planned, reserved, suspended and completed projects get no light."""
        p = project(stage=stage, plan={1: "100"})
        v = judge(p, month_end(2020, 3))
        assert v.light is None
        assert not v.judged
        assert ("scope", "not_judged") == (v.reasons[0].rule, v.reasons[0].code)
        assert v.reasons[0].text().startswith("项目处于")

    def test_stage_is_a_policy_field(self):
        """A policy may choose to judge suspended projects too."""
        policy = LagPolicy(stages={Stage.UNDER_CONSTRUCTION, Stage.SUSPENDED})
        p = project(stage="suspended", plan={1: "100"}, done={1: "100"})
        assert Light.GREEN == judge(p, month_end(2020, 1), policy).light

    def test_bad_stage_name(self):
        """An unknown stage in a policy is a PolicyError."""
        with pytest.raises(PolicyError, match=r"stages\[0\]: expected a stage among .*'building'"):
            LagPolicy(stages={"building"})

    def test_months_before_the_start_break_the_streak(self):
        """A project started in March is not judged for January and February."""
        p = project(
            plan={3: "100", 4: "100"},
            done={3: "50"},
            stage_events=(StageEvent("started", D(2020, 3, 1)),),
        )
        history = light_history(p, 2020)
        assert [None, None, Light.GREEN, Light.YELLOW] == [v.light for v in history[:4]]

    def test_no_plan_is_fine_when_not_judged(self):
        """A completed project without a plan is not judged rather than an error."""
        p = project(stage="completed")
        assert judge(p, month_end(2020, 3)).light is None
        assert judge(p, month_end(2020, 3), GapPolicy.yinchuan()).light is None
        assert (None,) * 12 == light_map([p], 2020).row("NB-1")


class TestNodeLights:
    """Dalian node tasks: missed red, late or slow yellow, else green."""

    def test_node_due_today_not_done_is_red(self):
        """A node planned for today and not done is missed: its due day counts as passed."""
        p = project(milestones=(Milestone("主体封顶", planned=D(2018, 6, 30)),))
        v = judge(p, D(2018, 6, 30), NodePolicy.dalian())
        assert Light.RED == v.light
        assert ("主体封顶",) == v.reasons[0].milestones
        assert (
            "节点“主体封顶”计划2018-06-30完成，截至2018-06-30未完成（逾期0天）"
            == v.reasons[0].text()
        )

    def test_node_due_today_spared_when_asked(self):
        """missed_on_due_day=False gives the node until the end of the day."""
        p = project(milestones=(Milestone("主体封顶", planned=D(2018, 6, 30)),))
        policy = NodePolicy(missed_on_due_day=False)
        assert Light.GREEN == judge(p, D(2018, 6, 30), policy).light
        assert Light.RED == judge(p, D(2018, 7, 1), policy).light

    def test_node_done_one_day_late_is_yellow_in_its_month(self):
        """A node done one day late shows yellow for its reporting month, then green."""
        p = project(milestones=(Milestone("清障", planned=D(2018, 6, 10), done=D(2018, 6, 11)),))
        v = judge(p, D(2018, 6, 30), NodePolicy.dalian())
        assert Light.YELLOW == v.light
        assert 1 == v.reasons[0].figures["days_late"]
        assert Light.GREEN == judge(p, D(2018, 7, 31), NodePolicy.dalian()).light

    def test_node_done_on_time_is_green(self):
        """Done on the planned day is on time."""
        p = project(milestones=(Milestone("清障", planned=D(2018, 6, 10), done=D(2018, 6, 10)),))
        v = judge(p, D(2018, 6, 30), NodePolicy.dalian())
        assert Light.GREEN == v.light
        assert "截至2018-06-30到期节点1个均已完成，在建节点进度正常" == v.reasons[0].text()

    def test_percent_complete_slack(self):
        """Half the window elapsed: 40 % is exactly 10 points behind (green), 39 % yellow."""
        start, planned = D(2018, 6, 1), D(2018, 6, 10)
        on_pace = Milestone("桩基", planned=planned, start=start, percent="40")
        slow = Milestone("桩基", planned=planned, start=start, percent="39")
        as_of = D(2018, 6, 5)
        assert (
            Light.GREEN == judge(project(milestones=(on_pace,)), as_of, NodePolicy.dalian()).light
        )
        v = judge(project(milestones=(slow,)), as_of, NodePolicy.dalian())
        assert Light.YELLOW == v.light
        assert "slow" == v.reasons[0].code
        assert (
            "节点“桩基”完成39%，按时间应完成50.0%，落后11.0个百分点（容差10.0个百分点）"
            == v.reasons[0].text()
        )

    def test_missed_beats_slow(self):
        """A missed node makes the light red, slow reasons are kept too."""
        ms = (
            Milestone("征迁", planned=D(2018, 6, 1)),
            Milestone("桩基", planned=D(2018, 6, 20), start=D(2018, 6, 1), percent="0"),
        )
        v = judge(project(milestones=ms), D(2018, 6, 10), NodePolicy.dalian())
        assert Light.RED == v.light
        assert ["missed", "slow"] == [r.code for r in v.reasons]
        assert Fraction(9) == v.severity

    def test_completion_after_as_of_is_not_known(self):
        """A completion dated after the judgement counts as open."""
        m = Milestone("清障", planned=D(2018, 6, 10), done=D(2018, 6, 20))
        assert Light.RED == judge(project(milestones=(m,)), D(2018, 6, 15), NodePolicy()).light

    def test_no_milestones_is_not_judged(self):
        """Without node tasks the node rule has nothing to judge."""
        v = judge(project(), D(2018, 6, 30), NodePolicy.dalian())
        assert v.light is None
        assert "not judged: the project has no node tasks" == v.reasons[0].text("en")

    @pytest.mark.parametrize("slack", [-1, 101])
    def test_bad_slack(self, slack):
        """Slack outside 0–100 points is a PolicyError."""
        with pytest.raises(PolicyError, match="slack_points: expected from 0 to 100 points"):
            NodePolicy(slack_points=slack)

    def test_float_slack(self):
        """A float threshold is refused."""
        with pytest.raises(PolicyError, match="slack_points: expected an exact number"):
            NodePolicy(slack_points=10.0)  # type: ignore[arg-type]


def gap_project(done_wan: str, *, months: int, annual: str = "1200", year: int = 2020) -> Project:
    """Annual plan ``annual``; ``done_wan`` reported in January, 0 up to ``months``."""
    done = dict.fromkeys(range(2, months + 1), "0")
    done[1] = done_wan
    return project(annual_plans={year: annual}, done=done, year=year)


class TestYinchuanGap:
    """Yinchuan: on or above schedule green, 10–30 points below yellow, over 30 red."""

    @pytest.mark.parametrize(
        ("done", "light"),
        [
            ("600", Light.GREEN),  # 50 % at the end of June: on schedule
            ("481.2", Light.GREEN),  # 40.1 %: 9.9 points behind
            ("480", Light.YELLOW),  # 40 %: exactly 10 points behind
            ("240", Light.YELLOW),  # 20 %: exactly 30 points behind
            ("239.88", Light.RED),  # 19.99 %: 30.01 points behind
            ("0", Light.RED),
        ],
    )
    def test_edges(self, done, light):
        """The 10-point edge is yellow, the 30-point edge still yellow."""
        v = judge(gap_project(done, months=6), month_end(2020, 6), GapPolicy.yinchuan())
        assert light == v.light

    def test_inclusiveness_is_a_parameter(self):
        """With red_inclusive, exactly 30 points behind is red."""
        policy = GapPolicy(yellow_at=10, red_at=30, red_inclusive=True)
        assert Light.RED == judge(gap_project("240", months=6), month_end(2020, 6), policy).light
        policy = GapPolicy(yellow_at=10, red_at=30, yellow_inclusive=False)
        assert Light.GREEN == judge(gap_project("480", months=6), month_end(2020, 6), policy).light

    def test_binzhou_figures(self):
        """Binzhou end of May 2020: 47.1 % complete, 5.5 points ahead of 41.7 %."""
        p = project(
            annual_plans={2020: yi("1017.0")},
            done={1: yi("100"), 2: yi("100"), 3: yi("100"), 4: yi("100"), 5: yi("79.33")},
        )
        v = judge(p, D(2020, 5, 31), GapPolicy.yinchuan())
        assert Light.GREEN == v.light
        assert (
            "截至2020-05完成年度计划47.1%（4793300.00/10170000.0万元），时序进度41.7%，超前5.5个百分点（黄灯≥10.0，红灯>30.0）"
            == v.reasons[0].text()
        )
        assert Fraction(0) == v.severity

    def test_ningbo_september_on_schedule(self):
        """Ningbo: 1052 of a 1402.67 亿元 plan by September is exactly 75 %: green."""
        p = project(annual_plans={2020: "1200"}, done=dict.fromkeys(range(1, 10), "100"))
        v = judge(p, D(2020, 9, 30), GapPolicy.yinchuan())
        assert Light.GREEN == v.light
        assert Fraction(0) == v.reasons[0].figures["gap"]

    def test_unreported_months_are_named(self):
        """Months without a report add nothing and are listed in a reason."""
        p = project(annual_plans={2020: "1200"}, done={1: "100", 3: "100"})
        v = judge(p, D(2020, 3, 31), GapPolicy.yinchuan())
        assert ["points", "unreported"] == [r.code for r in v.reasons]
        assert (Month(2020, 2),) == v.reasons[1].months

    def test_no_annual_plan(self):
        """Judging a project with no plan for the year is a ValidationError."""
        p = project(annual_plans={2021: "100"})
        with pytest.raises(
            ValidationError, match=r"no annual plan for 2020 \(it has plans for 2021\)"
        ):
            judge(p, D(2020, 6, 30), GapPolicy.yinchuan())

    def test_yellow_after_red(self):
        """Yellow set beyond red is a PolicyError naming red_at."""
        with pytest.raises(
            PolicyError, match=r"red_at: expected a threshold beyond yellow_at \(30\), got 10$"
        ):
            GapPolicy(yellow_at=30, red_at=10)

    def test_negative_yellow(self):
        """A negative yellow threshold is a PolicyError."""
        with pytest.raises(PolicyError, match="yellow_at: expected >= 0 points"):
            GapPolicy(yellow_at=-1, red_at=10)

    def test_equal_thresholds_need_a_coherent_edge(self):
        """Equal thresholds with red inclusive and yellow exclusive leave yellow empty: refused."""
        with pytest.raises(PolicyError, match="red_at"):
            GapPolicy(yellow_at=10, red_at=10, yellow_inclusive=False, red_inclusive=True)
        assert Light.RED == GapPolicy(yellow_at=10, red_at=10, red_inclusive=True).light_for(
            Fraction(10)
        )


class TestSanyaGap:
    """Sanya: judged to the end of the previous month; short by at most half yellow."""

    def test_previous_month_rule(self):
        """On 31 May the year-to-date runs to the end of April (4/12 of the year)."""
        p = gap_project("400", months=5)
        p = project(annual_plans={2020: "1200"}, done={1: "400", 2: "0", 3: "0", 4: "0", 5: "0"})
        v = judge(p, D(2020, 5, 31), GapPolicy.sanya())
        assert Month(2020, 4) == v.reasons[0].figures["last"]
        assert Light.GREEN == v.light
        assert Light.GREEN == judge(p, D(2020, 5, 15), GapPolicy.sanya()).light

    @pytest.mark.parametrize(
        ("done", "light"),
        [
            ("400", Light.GREEN),  # 1/3 of the plan at 4/12 of the year: on schedule
            ("399.99", Light.YELLOW),  # any shortfall
            ("200", Light.YELLOW),  # short by exactly half
            ("199.99", Light.RED),  # by more than half
        ],
    )
    def test_half_edge(self, done, light):
        """Short by exactly half is yellow; by more than half red."""
        p = project(annual_plans={2020: "1200"}, done={1: done, 2: "0", 3: "0", 4: "0"})
        assert light == judge(p, D(2020, 5, 31), GapPolicy.sanya()).light

    def test_relative_text(self):
        """The relative reason names the shortfall as a share of the schedule."""
        p = project(annual_plans={2020: "1200"}, done={1: "200", 2: "0", 3: "0", 4: "0"})
        v = judge(p, D(2020, 5, 31), GapPolicy.sanya())
        assert GapMeasure.RELATIVE.value == v.reasons[0].code
        assert (
            "to 2020-04: 16.7% of the annual plan (200 of 1200 万元) against 33.3% of the year, "
            "behind of schedule by 50.0% of it (yellow > 0.0%, red > 50.0%)"
            == v.reasons[0].text("en")
        )

    def test_january_has_no_previous_month(self):
        """In January the previous month lies in last year: not judged yet."""
        p = project(annual_plans={2020: "1200"})
        v = judge(p, D(2020, 1, 31), GapPolicy.sanya())
        assert v.light is None
        assert Cutoff.PREVIOUS_MONTH is GapPolicy.sanya().cutoff


class TestSiteActivity:
    """Ningbo video monitoring: a long-idle site calls for an on-site inspection."""

    def site(self, active_days: set[int], last: int) -> Project:
        obs = tuple(SiteObservation(D(2020, 6, d), d in active_days) for d in range(1, last + 1))
        return project(site_activity=obs)

    def test_idle_seven_days_is_green(self):
        """Idle for exactly the threshold is not longer than it."""
        v = judge(self.site({1, 2}, 9), D(2020, 6, 9), SiteActivityPolicy.ningbo_video())
        assert Light.GREEN == v.light
        assert "现场最近作业日2020-06-02，闲置7天，未超过7天" == v.reasons[0].text()

    def test_idle_eight_days_is_yellow(self):
        """Idle longer than the threshold raises a warning calling for inspection."""
        v = judge(self.site({1, 2}, 10), D(2020, 6, 10), SiteActivityPolicy.ningbo_video())
        assert Light.YELLOW == v.light
        assert (
            "现场自2020-06-03至2020-06-10连续8天未见机械作业，超过7天，需赴现场督查"
            == v.reasons[0].text()
        )
        assert Fraction(8) == v.severity

    def test_red_after(self):
        """A red threshold, when set, turns a longer idle span red."""
        policy = SiteActivityPolicy.ningbo_video(red_after_days=14)
        assert Light.RED == judge(self.site(set(), 15), D(2020, 6, 30), policy).light
        assert Light.YELLOW == judge(self.site(set(), 14), D(2020, 6, 30), policy).light

    def test_activity_resets(self):
        """Work seen again ends the idle span."""
        v = judge(self.site({1, 12}, 12), D(2020, 6, 12), SiteActivityPolicy.ningbo_video())
        assert Light.GREEN == v.light

    def test_observations_after_as_of_are_ignored(self):
        """Only what the cameras saw by as_of counts."""
        assert Light.GREEN == judge(self.site({1}, 20), D(2020, 6, 5), SiteActivityPolicy()).light

    def test_no_camera_is_not_judged(self):
        """A project without observations is not judged by this rule."""
        v = judge(project(), D(2020, 6, 30), SiteActivityPolicy.ningbo_video())
        assert v.light is None
        assert "not judged: no site observations by 2020-06-30" == v.reasons[0].text("en")

    def test_red_before_yellow(self):
        """A red threshold not beyond yellow is a PolicyError."""
        with pytest.raises(
            PolicyError, match=r"red_after_days: expected None or > yellow_after_days \(7\)"
        ):
            SiteActivityPolicy(yellow_after_days=7, red_after_days=7)


class TestWorstOf:
    """The worse of several lights, with every policy's reasons."""

    def test_investment_and_nodes(self):
        """Yellow by investment and red by nodes shows red with both sets of reasons."""
        p = project(
            plan={1: "100", 2: "100"},
            done={1: "90", 2: "100"},
            milestones=(Milestone("征迁", planned=D(2020, 2, 1)),),
        )
        v = judge(p, D(2020, 2, 29), WorstOf((LagPolicy.ningbo(), NodePolicy.dalian())))
        assert Light.RED == v.light
        assert {"lag", "node"} == {r.rule for r in v.reasons}
        assert "worst_of(ningbo, dalian)" == v.policy
        assert Fraction(28) == v.severity

    def test_not_judged_yields_to_a_light(self):
        """A policy that does not judge leaves the other's light."""
        p = project(plan={1: "100"}, done={1: "100"})
        v = judge(p, D(2020, 1, 31), WorstOf((SiteActivityPolicy(), LagPolicy())))
        assert Light.GREEN == v.light

    def test_all_not_judged(self):
        """Not judged by any policy stays not judged."""
        p = project(stage="completed")
        assert judge(p, D(2020, 1, 31), WorstOf((LagPolicy(), NodePolicy()))).light is None

    def test_needs_a_policy(self):
        """An empty combination is a PolicyError."""
        with pytest.raises(PolicyError, match="policies: expected at least one policy"):
            WorstOf(())

    def test_rejects_non_policies(self):
        """Something without judge is refused."""
        with pytest.raises(PolicyError, match=r"policies\[0\]: expected a LightPolicy"):
            WorstOf(("ningbo",))  # type: ignore[arg-type]


class TestUserPolicy:
    """A user-defined policy satisfies the protocol and combines with the built-ins."""

    def test_protocol(self):
        """Any object with name and judge is a LightPolicy."""

        class Safety:
            name = "safety"

            def judge(self, project, as_of, /):
                r = Reason.custom(
                    "safety",
                    "incident",
                    zh="{day}发生安全事故",
                    en="incident on {day}",
                    figures={"day": D(2020, 5, 3)},
                )
                return Verdict(project.key, as_of, Light.RED, (r,), self.name)

        assert isinstance(Safety(), LightPolicy)
        p = project(plan={1: "100"}, done={1: "100"})
        v = judge(p, D(2020, 5, 31), WorstOf((LagPolicy(), Safety())))
        assert Light.RED == v.light
        assert "incident on 2020-05-03" == v.reasons[-1].text("en")


class TestBadInput:
    """Bad input is a clear ProjpushError naming field, expectation and value."""

    def test_no_monthly_plan_for_the_year(self):
        """Judging a project with no plan for the year."""
        p = project(plan={1: "100"}, year=2021)
        with pytest.raises(
            ValidationError, match=r"NB-1: no monthly plan for 2020 \(it has plans for 2021\)"
        ) as info:
            judge(p, D(2020, 5, 31))
        assert "monthly_plan" == info.value.field

    def test_as_of_before_plan_year(self):
        """An as-of date before the plan year."""
        with pytest.raises(
            ValidationError,
            match=r"as_of: expected a date in or after the plan year 2020, "
            r"got datetime.date\(2019, 12, 31\)",
        ):
            judge(flat({}), D(2019, 12, 31), year=2020)

    def test_year_pins_a_later_as_of(self):
        """A later as_of with year pinned judges the year's December."""
        v = judge(flat(dict.fromkeys(range(1, 13), "100")), D(2021, 1, 20), year=2020)
        assert D(2020, 12, 31) == v.as_of
        assert Light.GREEN == v.light

    def test_yellow_after_red(self):
        """A policy with yellow at or after red."""
        with pytest.raises(
            PolicyError, match=r"streak_for_red: expected > streak_for_yellow \(3\), got 2"
        ) as info:
            LagPolicy(streak_for_yellow=3, streak_for_red=2)
        assert isinstance(info.value, ProjpushError)

    @pytest.mark.parametrize("value", [0, Decimal("1.1"), "x"])
    def test_bad_tolerance(self, value):
        """A tolerance outside (0, 1] is a PolicyError."""
        with pytest.raises(PolicyError, match="tolerance: expected"):
            LagPolicy(tolerance=value)

    def test_float_tolerance(self):
        """A float tolerance is refused, not converted."""
        with pytest.raises(PolicyError, match="tolerance: expected an exact factor"):
            LagPolicy(tolerance=0.9)  # type: ignore[arg-type]

    @pytest.mark.parametrize("value", [0, True, "2"])
    def test_bad_streak(self, value):
        """A streak threshold must be a whole number >= 1."""
        with pytest.raises(PolicyError, match="streak_for_yellow: expected a whole number >= 1"):
            LagPolicy(streak_for_yellow=value)

    def test_bad_lang(self):
        """A reason renders in zh or en only."""
        v = judge(flat({1: "100"}), month_end(2020, 1))
        with pytest.raises(ValidationError, match="lang: expected 'zh' or 'en', got 'fr'"):
            v.reasons[0].text("fr")

    def test_unknown_code_without_template(self):
        """A reason of an unknown code needs templates, checked when it is built."""
        with pytest.raises(ValidationError, match="code: expected a built-in reason code"):
            Reason("mine", "odd")

    def test_bool_figure(self):
        """A yes/no figure renders in each language."""
        r = Reason.custom(
            "site", "camera", zh="摄像头在线：{on}", en="camera online: {on}", figures={"on": True}
        )
        assert ("摄像头在线：是", "camera online: yes") == (r.text(), r.text("en"))

    def test_float_figure(self):
        """A float figure is refused."""
        with pytest.raises(ValidationError, match=r"figures\['x'\]: expected an exact figure"):
            Reason("lag", "met", figures={"x": 0.5})

    def test_figures_must_be_a_mapping(self):
        """Figures come as a mapping."""
        with pytest.raises(ValidationError, match="figures: expected a mapping"):
            Reason("lag", "met", figures=[1])  # type: ignore[arg-type]


class TestHistoryAndMap:
    """A project's lights month by month, and the projects × months map."""

    def test_history(self):
        """Twelve verdicts, one per month end."""
        p = flat({1: "100", 2: "90", 3: "90", 4: "90", 5: "400"})
        history = light_history(p, 2020)
        assert [month_end(2020, m) for m in range(1, 13)] == [v.as_of for v in history]
        assert "ggyrggyrrrrr" == "".join("gyr"[v.light.severity] for v in history if v.light)

    def test_map_matches_history(self):
        """The fast map path gives the lights of judging each month end."""
        ps = [
            flat({1: "100", 2: "90"}),
            project("NB-2", plan={1: "1"}, done={1: "1"}, stage="completed"),
        ]
        lm = light_map(ps, 2020)
        for p in ps:
            assert tuple(v.light for v in light_history(p, 2020)) == lm.row(p.key)
        assert ("NB-1", "NB-2") == lm.keys
        assert Light.RED == lm.light("NB-1", Month(2020, 4))
        assert LightCounts(green=0, yellow=0, red=1, not_judged=1) == lm.counts(Month(2020, 4))
        assert 12 == len(lm.months)

    def test_map_verdict_has_reasons(self):
        """A cell's full verdict is built on demand."""
        lm = light_map([flat({1: "100", 2: "90"})], 2020)
        v = lm.verdict("NB-1", Month(2020, 3))
        assert Light.YELLOW == v.light
        assert "streak" == v.reasons[0].code

    def test_map_with_another_policy(self):
        """Any policy builds a map, cell by cell."""
        p = project(milestones=(Milestone("征迁", planned=D(2020, 3, 15)),))
        lm = light_map(Portfolio(projects=(p,)), 2020, NodePolicy.dalian())
        assert (Light.GREEN,) * 2 + (Light.RED,) * 10 == lm.row("NB-1")

    def test_map_monthly_requirement_and_other_years(self):
        """The fast path judges the month's own amount too, and skips other years' data."""
        policy = LagPolicy(requirement=Requirement.MONTHLY)
        p = project(
            monthly_plan={"2019-12": "100", **{f"2020-{m:02d}": "100" for m in range(1, 13)}},
            monthly_done={"2019-12": "0", "2020-01": "0", "2020-02": "150", "2020-03": "90"},
        )
        lm = light_map([p], 2020, policy)
        assert tuple(v.light for v in light_history(p, 2020, policy)) == lm.row("NB-1")
        assert (Light.GREEN, Light.GREEN, Light.GREEN, Light.YELLOW) == lm.row("NB-1")[:4]

    def test_map_bad_look_ups(self):
        """Unknown keys and months of another year are clear errors."""
        lm = light_map([flat({})], 2020)
        with pytest.raises(ValidationError, match="key: expected a project key in the light map"):
            lm.row("XX")
        with pytest.raises(ValidationError, match="month: expected a month of 2020, got '2021-01'"):
            lm.light("NB-1", Month(2021, 1))

    @pytest.mark.parametrize("policy", [None, NodePolicy.dalian()])
    def test_map_judges_no_month_after_as_of(self, policy):
        """Drawn on 31 October, November and December show no light, in every view."""
        ps = [
            flat({1: "100", 2: "90"}),
            project("NB-2", milestones=(Milestone("征迁", planned=D(2020, 3, 15)),)),
        ]
        whole = light_map(ps, 2020, policy, lenient=True)
        lm = light_map(ps, 2020, policy, lenient=True, as_of=D(2020, 10, 31))
        for p in ps:
            assert lm.row(p.key) == (*whole.row(p.key)[:10], None, None)
        assert LightCounts(not_judged=2) == lm.counts(Month(2020, 11))
        assert lm.counts(Month(2020, 10)) == whole.counts(Month(2020, 10))
        assert {r["light"] for r in lm.to_records() if r["month"] >= "2020-11"} == {None}
        v = lm.verdict("NB-1", Month(2020, 12))
        assert (v.light, v.reasons[0].text("en")) == (
            None,
            "not judged: 2020-12 had not ended by 2020-10-31",
        )
        assert v.reasons[0].text("zh") == "2020-12截至2020-10-31尚未结束，不亮灯"
        assert lm.verdict("NB-1", Month(2020, 10)) == whole.verdict("NB-1", Month(2020, 10))

    def test_map_as_of_other_years(self):
        """Before the year nothing is judged; after it, every month is."""
        ps = [flat({1: "100", 2: "90"})]
        assert light_map(ps, 2020, as_of=D(2019, 12, 31)).row("NB-1") == (None,) * 12
        assert light_map(ps, 2020, as_of=D(2021, 1, 5)).row("NB-1") == light_map(ps, 2020).row(
            "NB-1"
        )
        with pytest.raises(ValidationError, match="as_of: expected a date"):
            light_map(ps, 2020, as_of="2020-10-31")

    def test_map_no_plan(self):
        """A judged project without a plan for the year stops the map with its key."""
        with pytest.raises(ValidationError, match="NB-1: no monthly plan for 2020"):
            light_map([project()], 2020)


class TestPortfolio:
    """Roll-ups: counts, worst-first red and yellow lists, groups."""

    def portfolio(self) -> Portfolio:
        ps = (
            project(
                "A",
                plan=dict.fromkeys(range(1, 6), "100"),
                done=dict.fromkeys(range(1, 6), "100"),
                region="北仑区",
            ),
            project(
                "B",
                plan=dict.fromkeys(range(1, 6), "100"),
                done={1: "100", 2: "100"},
                region="北仑区",
                category="industry",
            ),
            project("C", plan=dict.fromkeys(range(1, 6), "100"), done={}, region="鄞州区"),
            project(
                "D",
                plan=dict.fromkeys(range(1, 6), "100"),
                done=dict.fromkeys(range(1, 5), "100"),
                region="鄞州区",
            ),
            project("E", stage="completed", region="鄞州区"),
            project(
                "F",
                plan=dict.fromkeys(range(1, 6), "100"),
                done={1: "100", 2: "100", 3: "100"},
                region="江北区",
            ),
        )
        leaders = (
            Leader("张三", "city", projects=("A", "C")),
            Leader("李四", "city", projects=("C",)),
        )
        return Portfolio(projects=ps, leaders=leaders)

    def test_counts_and_lists(self):
        """Counts per light; red and yellow lists worst first."""
        r = judge_portfolio(self.portfolio(), D(2020, 5, 31))
        assert LightCounts(green=2, yellow=1, red=2, not_judged=1) == r.counts
        assert ["C", "B"] == [v.project for v in r.red]
        assert ["F"] == [v.project for v in r.yellow]
        assert ["E"] == [v.project for v in r.not_judged]
        assert 6 == r.counts.total
        assert 5 == r.counts.judged

    def test_group_by_region(self):
        """Groups by region, keys sorted."""
        groups = judge_portfolio(self.portfolio(), D(2020, 5, 31)).by(Dimension.REGION)
        assert ["北仑区", "江北区", "鄞州区"] == list(groups)
        assert LightCounts(green=1, yellow=0, red=1, not_judged=1) == groups["鄞州区"].counts

    def test_group_by_leader(self):
        """A project with two leaders counts under each; none under ''."""
        groups = judge_portfolio(self.portfolio(), D(2020, 5, 31)).by("leader")
        assert ["", "张三", "李四"] == list(groups)
        assert ["A", "C"] == [v.project for v in groups["张三"].verdicts]

    def test_group_by_category_unit_level(self):
        """Category, unit and level groups."""
        r = judge_portfolio(self.portfolio(), D(2020, 5, 31))
        assert ["B"] == [v.project for v in r.by("category")["industry"].verdicts]
        assert ["市交通局"] == list(r.by("unit"))
        assert ["city"] == list(r.by("level"))

    def test_pinned_year(self):
        """judge_portfolio takes the plan year too."""
        with pytest.raises(
            ValidationError, match="as_of: expected a date in or after the plan year"
        ):
            judge_portfolio(self.portfolio(), D(2019, 5, 31), year=2020)


class TestVerdictText:
    """A verdict reads as one line with all its reasons."""

    def test_text(self):
        """Light then reasons, in both languages."""
        v = judge(flat({1: "90", 2: "100"}), month_end(2020, 2))
        assert v.text().startswith("NB-1 2020-02-29 黄灯：截至2020-02连续2个月")
        assert v.text("en").startswith("NB-1 2020-02-29 yellow: 2 consecutive lagging months")

    def test_not_judged_text(self):
        """A verdict without a light says so."""
        v = judge(project(stage="planned"), month_end(2020, 2))
        assert v.text("en").startswith(
            "NB-1 2020-02-29 not judged: not judged: the project is planned"
        )
        assert v.text().startswith("NB-1 2020-02-29 不亮灯：项目处于谋划阶段")


class TestLenientPortfolio:
    """A portfolio report shows an unjudgeable project as not judged instead of stopping."""

    def test_no_plan_becomes_not_judged(self):
        """``lenient=True`` turns a missing plan into a not-judged verdict with the error."""
        p = Project(
            name="无计划项目",
            level="city",
            category="industry",
            stage="under_construction",
            region="北仑区",
            unit="市发改委",
            local_id="NP-1",
            annual_plans={2020: "100"},
        )
        portfolio = Portfolio(projects=(p,))
        rollup = judge_portfolio(portfolio, dt.date(2020, 5, 31), lenient=True)
        assert rollup.verdicts[0].light is None
        assert "no_plan" == rollup.verdicts[0].reasons[0].code
        assert "NP-1" in rollup.verdicts[0].reasons[0].text("en")
        assert (None,) * 12 == light_map(portfolio, 2020, lenient=True).row("NP-1")
        with pytest.raises(ValidationError, match="NP-1"):
            judge_portfolio(portfolio, dt.date(2020, 5, 31))
