"""Tests for projpush.foresight: forecasts, minimal efforts, due-soon issues, what-if, lint."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from projpush.errors import PolicyError, ValidationError
from projpush.escalation import EscalationPolicy, Ladder, SheetPolicy, Tier, assign
from projpush.foresight import (
    UNIT,
    Assumption,
    Band,
    PublishedRule,
    compare,
    due_soon,
    forecast,
    forecast_project,
    issue_sensitivity,
    lint,
    minimal_effort,
    run_rate,
    scenario,
    sensitivity,
)
from projpush.lights import (
    GapMeasure,
    GapPolicy,
    LagPolicy,
    Light,
    NodePolicy,
    SharePolicy,
    SiteActivityPolicy,
    WorstOf,
)
from projpush.model import Issue, Milestone, Month, Project
from projpush.report import POLICY_SETS, policy_set
from projpush.schedule import last_complete_month
from projpush.synth import CALENDAR_2020, SAMPLE_AS_OF, sample_portfolio
from strategies_lights import gap_policies, lag_policies, year_projects


def project(**kw: object) -> Project:
    fields: dict[str, object] = {
        "name": "机场快速路南延",
        "level": "city",
        "category": "infrastructure",
        "stage": "under_construction",
        "region": "海曙区",
        "unit": "市交通局",
        "local_id": "NB-7",
    }
    fields.update(kw)
    return Project(**fields)  # type: ignore[arg-type]


def lagging(september: str = "600", october: str = "500") -> Project:
    """A plan of 1,000 a month; on plan to August, then two months short: yellow at October."""
    done = {f"2020-{m:02d}": "1000" for m in range(1, 9)}
    return project(
        monthly_plan={f"2020-{m:02d}": "1000" for m in range(1, 13)},
        monthly_done={**done, "2020-09": september, "2020-10": october},
    )


NOV_15 = dt.date(2020, 11, 15)


class TestArguments:
    """Junk where a project, a portfolio or a rule set belongs is refused, naming it."""

    @pytest.mark.parametrize(
        "call",
        [
            lambda: run_rate(None, NOV_15),  # type: ignore[arg-type]
            lambda: forecast_project("NB-7", NOV_15),  # type: ignore[arg-type]
            lambda: minimal_effort({}, NOV_15),  # type: ignore[arg-type]
            lambda: scenario(1.5, NOV_15, Month(2020, 12), Assumption.PLAN),  # type: ignore[arg-type]
        ],
    )
    def test_project(self, call: object) -> None:
        """A project is a Project."""
        with pytest.raises(ValidationError, match="project: expected a Project"):
            call()  # type: ignore[operator]

    @pytest.mark.parametrize(
        "call",
        [
            lambda: forecast([], NOV_15),  # type: ignore[arg-type]
            lambda: sensitivity(None, NOV_15, LagPolicy.ningbo(), "tolerance"),  # type: ignore[arg-type]
            lambda: issue_sensitivity((), NOV_15, EscalationPolicy.ningbo(), "renewed_days"),  # type: ignore[arg-type]
            lambda: compare("x", NOV_15, policy_set("default"), policy_set("dalian")),  # type: ignore[arg-type]
        ],
    )
    def test_portfolio(self, call: object) -> None:
        """A portfolio is a Portfolio."""
        with pytest.raises(ValidationError, match="portfolio: expected a Portfolio"):
            call()  # type: ignore[operator]

    def test_rule_sets(self) -> None:
        """Each side of a comparison is a rule set."""
        with pytest.raises(
            PolicyError, match=r"b: expected a rule set \(name, lights, escalation\)"
        ):
            compare(sample_portfolio(), NOV_15, policy_set("default"), LagPolicy.ningbo())  # type: ignore[arg-type]


class TestRunRate:
    """The run-rate: the last three months' average, rounded down to a unit."""

    def test_three_months(self) -> None:
        """Three reported months are averaged, rounded down."""
        p = project(monthly_done={"2020-08": "100", "2020-09": "90", "2020-10": "60"})
        assert Decimal("83.333333") == run_rate(p, dt.date(2020, 10, 31))

    def test_unreported_counts_zero(self) -> None:
        """A month with no report adds nothing, and the window runs back across a year."""
        p = project(monthly_done={"2019-12": "30", "2020-01": "30"})
        assert Decimal(20) == run_rate(p, dt.date(2020, 2, 29))

    def test_bad_date(self) -> None:
        """A date that is no date is refused, naming as_of."""
        with pytest.raises(ValidationError, match="as_of"):
            run_rate(project(), "2020-10-31")  # type: ignore[arg-type]


class TestScenario:
    """The ledger a forecast judges."""

    def test_plan_fills_the_months(self) -> None:
        """The plan assumption reports each month's plan, from the month after the last ended."""
        filled = scenario(lagging(), NOV_15, Month(2020, 12), Assumption.PLAN)
        assert Decimal(1000) == filled.monthly_done[Month(2020, 11)]
        assert Decimal(1000) == filled.monthly_done[Month(2020, 12)]
        assert Decimal(500) == filled.monthly_done[Month(2020, 10)]

    def test_nothing_reports_zero(self) -> None:
        """Nothing completed is a reported zero, not a month left unreported."""
        filled = scenario(lagging(), NOV_15, Month(2020, 11), Assumption.NOTHING)
        assert Decimal(0) == filled.monthly_done[Month(2020, 11)]

    def test_until_must_be_ahead(self) -> None:
        """A month already ended is refused, naming the last month ended."""
        with pytest.raises(ValidationError, match=r"until: expected a Month after 2020-10"):
            scenario(lagging(), NOV_15, Month(2020, 10), Assumption.PLAN)

    def test_assumption_must_be_one(self) -> None:
        """A string is not an assumption."""
        with pytest.raises(ValidationError, match="assumption: expected an Assumption"):
            scenario(lagging(), NOV_15, Month(2020, 11), "plan")  # type: ignore[arg-type]

    def test_plan_finishes_nodes(self) -> None:
        """Under the plan a node task due by then is done on its planned date, percent 100."""
        m = Milestone(
            "桩基", planned=dt.date(2020, 11, 20), start=dt.date(2020, 9, 1), percent="60"
        )
        filled = scenario(project(milestones=(m,)), NOV_15, Month(2020, 11), Assumption.PLAN)
        assert (dt.date(2020, 11, 20), Decimal(100)) == (
            filled.milestones[0].done,
            filled.milestones[0].percent,
        )

    def test_run_rate_finishes_nodes_at_their_pace(self) -> None:
        """At 50 % after 30 days a node task is done 30 days later."""
        m = Milestone(
            "桩基", planned=dt.date(2020, 12, 20), start=dt.date(2020, 10, 16), percent="50"
        )
        filled = scenario(project(milestones=(m,)), NOV_15, Month(2020, 12), Assumption.RUN_RATE)
        assert dt.date(2020, 12, 15) == filled.milestones[0].done


class TestForecast:
    """Lights at the next month ends under each assumption."""

    def test_outlooks(self) -> None:
        """Two months, three assumptions each, reasons opening with the assumption."""
        f = forecast_project(lagging(), NOV_15)
        assert 6 == len(f.outlooks)
        o = f.outlook(Month(2020, 11), Assumption.NOTHING)
        assert Light.RED == o.light
        assert "假设2020-11零完成" == o.reasons[0].text()
        assert "assuming 2020-11 complete nothing" == o.reasons[0].text("en")

    def test_run_rate_reason_names_the_rate(self) -> None:
        """The run-rate reason says the amount assumed."""
        o = forecast_project(lagging(), NOV_15).outlook(Month(2020, 12), Assumption.RUN_RATE)
        assert "假设2020-11、2020-12每月完成近三月均值700万元" == o.reasons[0].text()

    def test_missing_outlook(self) -> None:
        """Asking for a month the forecast does not hold names it."""
        f = forecast_project(lagging(), NOV_15, months=1)
        with pytest.raises(ValidationError, match=r"month: expected a month of the forecast"):
            f.outlook(Month(2020, 12), Assumption.PLAN)

    @pytest.mark.parametrize("months", [0, 13, True, "2"])
    def test_months_range(self, months: object) -> None:
        """Months must be a whole number from 1 to 12."""
        with pytest.raises(ValidationError, match="months: expected a whole number of months"):
            forecast_project(lagging(), NOV_15, months=months)  # type: ignore[arg-type]

    def test_next_year_without_plan_is_not_judged(self) -> None:
        """A forecast into a year the ledger has no plan for is not judged, with the error."""
        f = forecast_project(lagging(), dt.date(2020, 11, 30))
        o = f.outlook(Month(2021, 1), Assumption.PLAN)
        assert o.light is None
        assert "no monthly plan for 2021" in o.verdict.reasons[0].text("en")

    def test_portfolio(self) -> None:
        """The sample city: counts per month and who turns red next."""
        f = forecast(sample_portfolio(), SAMPLE_AS_OF)
        assert (Month(2020, 11), Month(2020, 12)) == f.months
        counts = f.counts(Month(2020, 11), Assumption.NOTHING)
        assert 50 == counts.total
        assert set(f.turning(Light.RED, Assumption.NOTHING)) >= set(f.turning(Light.RED))

    def test_due_within_needs_escalation(self) -> None:
        """Due-soon issues need an escalation policy."""
        with pytest.raises(ValidationError, match="escalation: expected a policy with due_within"):
            forecast(sample_portfolio(), SAMPLE_AS_OF, due_within=5)

    @given(
        year_projects(construction=True),
        st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2020, 11, 29)),
        st.one_of(lag_policies(), gap_policies()),
        st.integers(1, 2),
    )
    def test_plan_is_the_ledger_filled_in(
        self, p: Project, as_of: dt.date, policy: LagPolicy | GapPolicy, ahead: int
    ) -> None:
        """The plan forecast equals judging the ledger with those months' plans reported."""
        last = last_complete_month(as_of)
        month = last + ahead
        months = [last + i for i in range(1, ahead + 1)]
        done = {**p.monthly_done, **{m: p.monthly_plan.get(m, Decimal(0)) for m in months}}
        filled = attrs.evolve(p, monthly_done=done)
        try:
            expected = policy.judge(filled, month.last_day)
        except ValidationError:
            expected = None
        o = forecast_project(p, as_of, policy, months=ahead).outlook(month, Assumption.PLAN)
        if expected is None:
            assert o.light is None
        else:
            assert expected == o.verdict


def filled_in(p: Project, month: Month, amount: Decimal) -> Project:
    return attrs.evolve(p, monthly_done={**p.monthly_done, month: amount})


class TestMinimalEffort:
    """The least amount, exact, to stay out of a light at this month's end."""

    def test_the_issue_sentence(self) -> None:
        """须在11月底前完成至少3,420万元，否则亮红灯."""
        # Cumulative to October 7,580 against a bar of 11,000 at the end of November.
        p = project(
            monthly_plan={f"2020-{m:02d}": "1000" for m in range(1, 13)},
            monthly_done={
                **{f"2020-{m:02d}": "1000" for m in range(1, 8)},
                "2020-08": "0",
                "2020-09": "0",
                "2020-10": "580",
            },
        )
        _, red = minimal_effort(p, NOV_15)
        assert Decimal(3420) == red.amount
        assert "须在11月底前完成至少3,420万元，否则亮红灯" == red.sentence()
        assert (
            "must complete at least 3,420 万元 by the end of November, or the light turns red"
            == red.sentence("en")
        )

    def test_nothing_needed(self) -> None:
        """A project on plan needs nothing more to stay green."""
        yellow, _ = minimal_effort(lagging("1000", "1000"), NOV_15)
        assert (True, Decimal(0)) == (yellow.possible, yellow.amount)
        assert "11月底前无需新增完成，不会亮黄灯" == yellow.sentence()

    def test_gap_strictly_past_an_inclusive_bar(self) -> None:
        """Yinchuan's yellow starts at 10 points: a shortfall of exactly 10 is still yellow."""
        p = project(
            annual_plans={2020: "1200"}, monthly_done={f"2020-{m:02d}": "50" for m in range(1, 11)}
        )
        yellow, _ = minimal_effort(p, NOV_15, GapPolicy.yinchuan())
        # Eleven twelfths less 10 points of 1,200 is 980; 500 is done: 480 reaches 10 points.
        assert Decimal("480.000001") == yellow.amount
        assert (
            Light.YELLOW
            == GapPolicy.yinchuan()
            .judge(filled_in(p, Month(2020, 11), Decimal(480)), dt.date(2020, 11, 30))
            .light
        )

    def test_sanya_cannot_be_moved_this_month(self) -> None:
        """Sanya judges to the previous month: nothing done in November moves its light."""
        p = project(
            annual_plans={2020: "1200"}, monthly_done={f"2020-{m:02d}": "50" for m in range(1, 11)}
        )
        yellow, _ = minimal_effort(p, NOV_15, GapPolicy.sanya())
        assert not yellow.possible
        assert yellow.sentence().startswith("11月底前无法避免亮黄灯：截至2020-10")

    def test_node_tasks_and_dates(self) -> None:
        """Node tasks due by the month end: done by their dates for yellow, by the end for red."""
        m = Milestone("主体结顶", planned=dt.date(2020, 11, 20))
        yellow, red = minimal_effort(project(milestones=(m,)), NOV_15, NodePolicy.dalian())
        assert (("主体结顶", dt.date(2020, 11, 20)),) == yellow.milestones
        assert (("主体结顶", dt.date(2020, 11, 30)),) == red.milestones
        assert "须在11月底前完成节点“主体结顶”（2020-11-30前），否则亮红灯" == red.sentence()

    def test_node_overdue_cannot_escape_yellow(self) -> None:
        """A node task overdue since October ends late this month: yellow whatever is done."""
        m = Milestone("主体结顶", planned=dt.date(2020, 10, 20))
        yellow, red = minimal_effort(project(milestones=(m,)), NOV_15, NodePolicy.dalian())
        assert (False, True) == (yellow.possible, red.possible)

    def test_worst_of_takes_both(self) -> None:
        """A worst-of asks for the amount and the node task together."""
        m = Milestone("主体结顶", planned=dt.date(2020, 11, 20))
        p = attrs.evolve(lagging(), milestones=(m,))
        _, red = minimal_effort(p, NOV_15, WorstOf((LagPolicy.ningbo(), NodePolicy.dalian())))
        assert (Decimal(1900), (("主体结顶", dt.date(2020, 11, 30)),)) == (
            red.amount,
            red.milestones,
        )

    def test_searched_for_a_share_policy(self) -> None:
        """Wuhan's share of the schedule: the least amount searched to the unit."""
        policy = SharePolicy.wuhan()
        p = project(
            annual_plans={2020: "1200"},
            monthly_done={f"2020-{m:02d}": "50" for m in range(1, 11)},
        )
        yellow, red = minimal_effort(p, NOV_15, policy)
        month, end = Month(2020, 11), dt.date(2020, 11, 30)
        for effort in (yellow, red):
            assert effort.amount is not None
            assert effort.amount > 0
            at = policy.judge(filled_in(p, month, effort.amount), end).light
            less = policy.judge(filled_in(p, month, effort.amount - UNIT), end).light
            assert at is not None
            assert at < effort.light
            assert less is not None
            assert less >= effort.light
        # 4/5 of eleven twelfths of 1,200 is 880: 500 done, 380 to reach it.
        assert Decimal(380) == yellow.amount

    def test_not_judged(self) -> None:
        """A completed project is not judged, and its effort says so."""
        yellow, _ = minimal_effort(attrs.evolve(lagging(), stage="completed"), NOV_15)
        assert (False, "11月底不亮灯", "not judged at the end of November") == (
            yellow.judged,
            yellow.sentence(),
            yellow.sentence("en"),
        )

    def test_site_policy_is_not_an_amount(self) -> None:
        """A site policy sees cameras: an idle site cannot be mended by an amount."""
        from projpush.model import SiteObservation  # noqa: PLC0415

        obs = tuple(SiteObservation(dt.date(2020, 11, d), active=False) for d in range(1, 15))
        yellow, _ = minimal_effort(project(site_activity=obs), NOV_15, SiteActivityPolicy())
        assert not yellow.possible

    def test_bad_lang(self) -> None:
        """A sentence in another language is refused."""
        with pytest.raises(ValidationError, match="lang: expected 'zh' or 'en'"):
            minimal_effort(lagging(), NOV_15)[0].sentence("fr")

    @given(
        year_projects(construction=True),
        st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2020, 11, 29)),
        st.one_of(
            lag_policies(),
            gap_policies(),
            st.tuples(lag_policies(), gap_policies()).map(WorstOf),
        ),
    )
    def test_the_minimum_and_one_unit_less(
        self, p: Project, as_of: dt.date, policy: LagPolicy | GapPolicy | WorstOf
    ) -> None:
        """Completing the minimum keeps the project out of the light; one unit less does not."""
        month = last_complete_month(as_of) + 1
        for effort in minimal_effort(p, as_of, policy):
            if not effort.possible:
                continue
            assert effort.amount is not None
            at = policy.judge(filled_in(p, month, effort.amount), month.last_day).light
            assert at is not None
            assert at < effort.light
            if effort.amount > 0:
                less = policy.judge(filled_in(p, month, effort.amount - UNIT), month.last_day)
                assert less.light is not None
                assert less.light >= effort.light


class TestNodeEffortProperty:
    """Finishing the node tasks by the dates stated keeps the project out of the light."""

    @given(
        year_projects(construction=True),
        st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2020, 11, 29)),
        st.integers(0, 30).map(Fraction),
    )
    def test_dates_stated_are_enough(self, p: Project, as_of: dt.date, slack: Fraction) -> None:
        """Each task done on its last day: the light at the month end is below the one avoided."""
        policy = NodePolicy(slack_points=slack)
        month = last_complete_month(as_of) + 1
        for effort in minimal_effort(p, as_of, policy):
            if not effort.possible:
                continue
            by = dict(effort.milestones)
            later = as_of + dt.timedelta(days=1)
            done = tuple(
                attrs.evolve(
                    m,
                    done=max(by[m.name], m.start or later, later),
                    percent=None if m.percent is None else Decimal(100),
                )
                if m.name in by
                else m
                for m in p.milestones
            )
            light = policy.judge(attrs.evolve(p, milestones=done), month.last_day).light
            assert light is not None
            assert light < effort.light


def sample_issue() -> Issue:
    q = Issue.collect(
        "Q-1", "P-1", category="land", title="林地调规", on=dt.date(2020, 9, 28), by="驻企服务员"
    )
    return assign(
        q,
        dt.date(2020, 9, 29),
        EscalationPolicy.binzhou(),
        by="市指挥部办公室",
        calendar=CALENDAR_2020,
    )


class TestDueSoon:
    """Sheets and escalations that fall due within the next working days."""

    def test_dates(self) -> None:
        """Yellow on 14 October (2 working days on), red and escalation on 20 October."""
        got = due_soon(
            [sample_issue()],
            dt.date(2020, 10, 12),
            EscalationPolicy.binzhou(),
            6,
            calendar=CALENDAR_2020,
        )
        assert [
            ("2020-10-14", 2, "sheet_issued", "yellow", None),
            ("2020-10-20", 6, "sheet_issued", "red", None),
            ("2020-10-20", 6, "escalated", None, "city"),
        ] == [
            (d.on.isoformat(), d.working_days, d.kind.value, d.sheet and d.sheet.value, d.tier)
            for d in got
        ]

    def test_past_steps_are_not_due(self) -> None:
        """What fell due by as_of is the present, not the future."""
        got = due_soon(
            [sample_issue()],
            dt.date(2020, 10, 14),
            EscalationPolicy.binzhou(),
            1,
            calendar=CALENDAR_2020,
        )
        assert [] == list(got)

    @pytest.mark.parametrize("within", [-1, True, 1.5])
    def test_within(self, within: object) -> None:
        """A count of working days must be whole and not negative."""
        with pytest.raises(
            ValidationError, match="within: expected a whole number of working days"
        ):
            due_soon(
                [],
                dt.date(2020, 10, 12),
                EscalationPolicy.binzhou(),
                within,
                calendar=CALENDAR_2020,
            )  # type: ignore[arg-type]

    def test_portfolio(self) -> None:
        """The sample city: sorted by date, all after as_of."""
        pf = sample_portfolio()
        got = due_soon(pf, SAMPLE_AS_OF, EscalationPolicy.ningbo(), 10, calendar=CALENDAR_2020)
        assert got
        assert sorted(got, key=lambda d: (d.on, d.issue)) == list(got)
        assert all(d.on > SAMPLE_AS_OF for d in got)


class TestCompare:
    """The same ledger under two rule sets."""

    def test_same_rules_change_nothing(self) -> None:
        """A rule set compared with itself is unchanged."""
        d = compare(
            sample_portfolio(),
            SAMPLE_AS_OF,
            policy_set("default"),
            policy_set("default"),
            calendar=CALENDAR_2020,
        )
        assert d.unchanged

    def test_lights(self) -> None:
        """Lags against gaps: the projects that change, each with both verdicts."""
        d = compare(
            sample_portfolio(),
            SAMPLE_AS_OF,
            policy_set("default"),
            policy_set("yinchuan"),
            calendar=CALENDAR_2020,
        )
        assert d.lights
        assert all(c.a.light != c.b.light for c in d.lights)
        figures = {f.name: (f.a, f.b) for f in d.figures}
        assert figures["lights.red"][0] - figures["lights.red"][1] == sum(
            (c.a.light is Light.RED) - (c.b.light is Light.RED) for c in d.lights
        )
        assert () == d.issues

    def test_issues_by_rung(self) -> None:
        """Ningbo's five-day unit and Binzhou's county are the same rung: only real changes show."""
        d = compare(
            sample_portfolio(),
            SAMPLE_AS_OF,
            policy_set("default"),
            policy_set("binzhou"),
            calendar=CALENDAR_2020,
        )
        assert () == d.lights
        assert d.issues
        for c in d.issues:
            assert (c.sheet_a, c.deadline_a) != (c.sheet_b, c.deadline_b) or c.tier_a != c.tier_b

    def test_a_revised_version(self) -> None:
        """Two versions of one policy: a longer renewed limit moves the yellow sheets' deadlines."""
        base = policy_set("binzhou")
        esc = base.escalation.revise(sheets=SheetPolicy(renewed_days=10))
        revised = attrs.evolve(base, name="binzhou@2", escalation=esc)
        d = compare(sample_portfolio(), SAMPLE_AS_OF, base, revised, calendar=CALENDAR_2020)
        assert d.issues
        assert all(c.deadline_a < c.deadline_b for c in d.issues if c.deadline_a and c.deadline_b)
        assert "renewed limit 10 working days" in d.issues[0].why_b


class TestSensitivity:
    """How many projects change light when a threshold moves."""

    def test_refused_values_are_rows(self) -> None:
        """A value the policy refuses makes a row with its error."""
        s = sensitivity(sample_portfolio(), SAMPLE_AS_OF, LagPolicy.ningbo(), "tolerance")
        assert "tolerance: expected a factor in (0, 1], got Decimal('1.05')" == s.rows[2].error
        assert s.rows[1].changed or s.rows[0].changed

    def test_worst_of_by_position(self) -> None:
        """In a worst-of, a parameter is prefixed with its policy's position."""
        policy = WorstOf((LagPolicy.ningbo(), GapPolicy.yinchuan()))
        s = sensitivity(sample_portfolio(), SAMPLE_AS_OF, policy, "1.yellow_at", steps=(1,))
        assert Fraction(15) == s.rows[0].value

    def test_unknown_parameter(self) -> None:
        """A parameter the policy does not have is named with the ones it has."""
        with pytest.raises(
            ValidationError, match=r"parameter: expected a threshold of ningbo \(tolerance"
        ):
            sensitivity(sample_portfolio(), SAMPLE_AS_OF, LagPolicy.ningbo(), "red_at")

    def test_worst_of_needs_a_position(self) -> None:
        """A bare parameter of a worst-of is refused, listing the positions."""
        with pytest.raises(
            ValidationError, match=r"parameter: expected one of 0.<name> \(ningbo\)"
        ):
            sensitivity(
                sample_portfolio(), SAMPLE_AS_OF, WorstOf((LagPolicy.ningbo(),)), "tolerance"
            )

    @pytest.mark.parametrize("step", [0, -1, 0.5, True])
    def test_step(self, step: object) -> None:
        """A step must be a positive exact number."""
        with pytest.raises(ValidationError, match="step: expected a positive exact number"):
            sensitivity(
                sample_portfolio(), SAMPLE_AS_OF, LagPolicy.ningbo(), "tolerance", step=step
            )  # type: ignore[arg-type]

    def test_steps(self) -> None:
        """Steps are whole numbers."""
        with pytest.raises(ValidationError, match="steps: expected whole numbers of steps"):
            sensitivity(
                sample_portfolio(), SAMPLE_AS_OF, LagPolicy.ningbo(), "tolerance", steps=(0.5,)
            )  # type: ignore[arg-type]

    def test_table(self) -> None:
        """The table counts the projects changed and each light."""
        s = sensitivity(
            sample_portfolio(), SAMPLE_AS_OF, GapPolicy.yinchuan(), "red_at", steps=(-1,)
        )
        offset, value, changed, green, yellow, red = s.table()[0]
        assert ("-1", "25") == (offset, value)
        assert changed == len(s.rows[0].changed)
        assert (green, yellow, red) == (
            s.rows[0].counts.green,
            s.rows[0].counts.yellow,
            s.rows[0].counts.red,
        )


class TestIssueSensitivity:
    """How many issues change when an escalation day limit moves."""

    def test_renewed_days(self) -> None:
        """A longer renewed limit moves the yellow sheets' deadlines; 0 days is refused."""
        s = issue_sensitivity(
            sample_portfolio(),
            SAMPLE_AS_OF,
            EscalationPolicy.ningbo(),
            "renewed_days",
            steps=(-3, 1),
            calendar=CALENDAR_2020,
        )
        refused, longer = s.rows
        assert "renewed_days: expected a whole number of working days >= 1, got 0" == refused.error
        assert longer.changed
        assert [("-3", refused.error, 0), ("+1", "4", len(longer.changed))] == s.table()

    def test_tier_limit(self) -> None:
        """A tier's limit is named limit.<tier>."""
        s = issue_sensitivity(
            sample_portfolio(),
            SAMPLE_AS_OF,
            EscalationPolicy.ningbo(),
            "limit.city_office",
            steps=(-5,),
            calendar=CALENDAR_2020,
        )
        assert (10, 5) == (s.base, s.rows[0].value)

    def test_general_days_change_nothing_assigned(self) -> None:
        """The assignment limit is recorded as typed: moving it changes no issue assigned."""
        s = issue_sensitivity(
            sample_portfolio(),
            SAMPLE_AS_OF,
            EscalationPolicy.ningbo(),
            "general_days",
            steps=(-1,),
            calendar=CALENDAR_2020,
        )
        assert () == s.rows[0].changed

    def test_unknown_parameter(self) -> None:
        """A limit the policy lacks is named with those it has (no blue sheet date here)."""
        with pytest.raises(
            ValidationError,
            match=r"parameter: expected a day limit of ningbo@1 \(renewed_days, general_days",
        ):
            issue_sensitivity(
                sample_portfolio(), SAMPLE_AS_OF, EscalationPolicy.ningbo(), "blue_days_before"
            )

    def test_not_a_policy(self) -> None:
        """A light policy is not an escalation policy."""
        with pytest.raises(PolicyError, match="policy: expected an EscalationPolicy"):
            issue_sensitivity(
                sample_portfolio(),
                SAMPLE_AS_OF,
                LagPolicy.ningbo(),
                "renewed_days",  # type: ignore[arg-type]
            )


class TestLint:
    """Gaps, overlaps, unstated boundaries, unreachable lights, bad limits."""

    def test_yinchuan_literal(self) -> None:
        """Read literally, Yinchuan's rule leaves 0 to 10 points behind without a light."""
        assert ["yinchuan_literal：差距(0, 10)不属于任何灯色"] == [
            f.text() for f in lint(PublishedRule.yinchuan_literal())
        ]
        assert ["yinchuan_literal: a shortfall (0, 10) gets no light"] == [
            f.text("en") for f in lint(PublishedRule.yinchuan_literal())
        ]

    def test_wuhan(self) -> None:
        """Wuhan's 60 % can be a ratio or points: the text does not say."""
        (finding,) = lint(PublishedRule.wuhan())
        assert (
            "wuhan: the text does not say whether its figures are points or a ratio"
            == finding.text("en")
        )

    def test_ready_made_pass(self) -> None:
        """Every ready-made policy, sheet policy, ladder and policy set passes."""
        made = [
            LagPolicy.ningbo(),
            NodePolicy.dalian(),
            GapPolicy.yinchuan(),
            GapPolicy.sanya(),
            SheetPolicy.binzhou(),
            SheetPolicy.suqian(),
            SheetPolicy.help_desk(),
            Ladder.ningbo(),
            *(
                EscalationPolicy.dalian(),
                EscalationPolicy.ningbo(),
                EscalationPolicy.binzhou(),
                EscalationPolicy.yinzhou(),
            ),
            *(POLICY_SETS[name]().lights for name in POLICY_SETS),
            *(POLICY_SETS[name]().escalation for name in POLICY_SETS),
        ]
        assert [] == [f.text("en") for p in made for f in lint(p)]

    def test_site_policy_without_red(self) -> None:
        """Ningbo's video room has no red unless one is set."""
        assert ["ningbo_video: red (no idle days set for red) can never happen"] == [
            f.text("en") for f in lint(SiteActivityPolicy.ningbo_video())
        ]

    def test_unreachable(self) -> None:
        """A streak past twelve months, a shortfall past 100, a yellow squeezed to nothing."""
        assert ["lag: red (a streak longer than 12 months) can never happen"] == [
            f.text("en") for f in lint(LagPolicy(streak_for_red=13, name="lag"))
        ]
        assert ["gap: red can never happen"] == [
            f.text("en") for f in lint(GapPolicy(yellow_at=10, red_at=100))
        ]
        same = GapPolicy(yellow_at=10, red_at=10, yellow_inclusive=True, red_inclusive=True)
        assert ["gap: yellow can never happen"] == [f.text("en") for f in lint(same)]

    def test_overlap_and_unstated(self) -> None:
        """Two bands sharing a stretch, and a boundary whose side is unstated."""
        rule = PublishedRule(
            "test",
            "",
            "",
            (
                Band(Light.GREEN, None, Fraction(12), high_inclusive=True),
                Band(Light.YELLOW, Fraction(10), Fraction(30)),
                Band(Light.RED, Fraction(30), None, low_inclusive=False),
            ),
            GapMeasure.POINTS,
        )
        assert [
            "test: whether the boundary 10 belongs to yellow is not stated",
            "test: whether the boundary 30 belongs to yellow is not stated",
            "test: a shortfall [10, 12] is both green, yellow",
        ] == [f.text("en") for f in lint(rule)]

    def test_blue_before_the_limit(self) -> None:
        """A blue sheet asked for more days ahead than the limit has comes at assignment."""
        p = EscalationPolicy("x", Ladder.ningbo(), sheets=SheetPolicy.suqian(days_before=5))
        (finding,) = lint(p)
        assert finding.code == "unreachable"
        assert "comes at assignment" in finding.text("en")

    def test_specs(self) -> None:
        """A policy written as data: every problem at once."""
        assert ["lag: tolerance 1.1 is above 1, a bar above the plan itself"] == [
            f.text("en") for f in lint({"kind": "lag", "tolerance": "1.1"})
        ]
        assert ["site: yellow_after_days is 0, must be above 0"] == [
            f.text("en") for f in lint({"kind": "site", "yellow_after_days": 0})
        ]
        ladder = {
            "kind": "ladder",
            "tiers": [
                {"name": "a", "owner": "x", "limit": 0},
                {"name": "a", "owner": "y", "limit": 3},
            ],
        }
        assert [
            "ladder: tiers[0].limit is 0, must be above 0",
            "ladder: tier 2 'a' (named as one below it) can never happen",
        ] == [f.text("en") for f in lint(ladder)]

    def test_spec_refused_otherwise(self) -> None:
        """A spec the constructor refuses for another reason shows its error."""
        (finding,) = lint({"kind": "lag", "streak_for_yellow": 3, "streak_for_red": 2})
        assert "lag: streak_for_red: expected > streak_for_yellow (3), got 2" == finding.text("en")

    def test_unknown_kind(self) -> None:
        """A spec of an unknown kind is refused, naming the kinds."""
        with pytest.raises(
            PolicyError, match="kind: expected one of lag, gap, node, site, sheets, ladder"
        ):
            lint({"kind": "wuhan"})

    def test_not_a_policy(self) -> None:
        """Something that is no policy is refused."""
        with pytest.raises(PolicyError, match="policy: expected a light policy"):
            lint(42)

    def test_bad_lang(self) -> None:
        """A finding in another language is refused."""
        with pytest.raises(ValidationError, match="lang"):
            lint(PublishedRule.wuhan())[0].text("de")

    def test_tier_spec_passes(self) -> None:
        """A sound ladder spec passes."""
        spec = {"kind": "ladder", "tiers": [attrs.asdict(t) for t in Ladder.ningbo().tiers]}
        assert () == lint(spec)
        assert isinstance(Ladder.ningbo().tiers[0], Tier)
