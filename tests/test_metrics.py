"""Tests for projpush.metrics: the figures of a monthly supervision report."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from fractions import Fraction

import pytest

from projpush import schedule
from projpush.errors import MoneyTypeError, ValidationError
from projpush.lights import Light
from projpush.metrics import (
    NOT_APPLICABLE,
    Better,
    DeadlineBasis,
    EvMethod,
    GroupBy,
    Points,
    Ratio,
    approval_figures,
    contact_figures,
    coverage,
    earned_value,
    group_figures,
    investment,
    issue_figures,
    light_figures,
    monthly_summary,
    new_and_continuing,
    portfolio_earned_value,
    rank,
    rank_groups,
    report_month,
    resumption_rate,
    start_rate,
    time_schedule,
)
from projpush.model import (
    ApprovalItem,
    Contact,
    EventKind,
    Issue,
    Leader,
    Milestone,
    Portfolio,
    Project,
    Secretary,
    StageEvent,
    yi,
)
from projpush.schedule import TimeBasis, WeekdayCalendar, china_calendar

MAY_END = dt.date(2020, 5, 31)
SEP_END = dt.date(2020, 9, 30)


def project(
    key: str,
    *,
    plan: Decimal | str | None = None,
    done: dict[str, Decimal | str] | None = None,
    region: str = "滨城区",
    unit: str = "市发改委",
    level: str = "city",
    category: str = "industry",
    stage: str = "under_construction",
    started: dt.date | None = dt.date(2019, 3, 1),
    **extra: object,
) -> Project:
    events = extra.pop("stage_events", None)
    if events is None:
        events = () if started is None else (StageEvent("started", started),)
    return Project(
        local_id=key,
        name=f"项目{key}",
        level=level,
        category=category,
        stage=stage,
        region=region,
        unit=unit,
        annual_plans={} if plan is None else {2020: plan},
        monthly_done=done or {},
        stage_events=events,
        **extra,
    )


def binzhou_projects() -> list[Project]:
    """433 projects summing to 479.33 亿元 done against 1,017.0 亿元 planned."""
    plans = [yi("2")] * 432 + [yi("1017.0") - yi("2") * 432]
    dones = [yi("1")] * 432 + [yi("479.33") - yi("1") * 432]
    return [
        project(f"BZ{i:03d}", plan=p, done={"2020-05": d})
        for i, (p, d) in enumerate(zip(plans, dones, strict=True))
    ]


class TestRatio:
    """Exact shares, rounded only when shown."""

    def test_binzhou_completion(self):
        """479.33 of 1,017.0 亿元 is 47.1 %."""
        assert "47.1 %" == Ratio(yi("479.33"), yi("1017.0")).percent()

    def test_binzhou_closure(self):
        """196 of 222 issues closed is 88.3 %."""
        assert "88.3 %" == Ratio(196, 222).percent()

    def test_value_exact(self):
        """The value is a Fraction of the exact parts."""
        assert Fraction(196, 222) == Ratio(196, 222).value

    def test_zero_denominator_not_applicable(self):
        """A unit with no plan: not applicable, never 0 % and no exception."""
        r = Ratio(0, 0)
        assert (NOT_APPLICABLE, "n/a", "不适用", False) == (
            r.value,
            r.percent(),
            r.percent(lang="zh"),
            r.applicable,
        )

    def test_places(self):
        """Other places on request."""
        assert ("47.13 %", "47 %") == (
            Ratio(yi("479.33"), yi("1017.0")).percent(2),
            Ratio(yi("479.33"), yi("1017.0")).percent(0),
        )

    def test_signed_percent(self):
        """Growth can be shown with its sign."""
        assert ("+35.0 %", "-10.0 %") == (
            Ratio(35, 100).percent(sign=True),
            Ratio(-1, 10).percent(sign=True),
        )

    def test_half_up_not_half_even(self):
        """0.125 → 0.13 (Python's round would give 0.12)."""
        assert Decimal("12.5") == Ratio(1, 8).rounded(1)
        assert "0.13" == Ratio(Decimal("0.125"), 1).number(2)

    def test_float_refused(self):
        """A float is not exact."""
        with pytest.raises(MoneyTypeError, match=r"ratio: expected an exact .* got the float 0.5"):
            Ratio(0.5, 1)  # type: ignore[arg-type]

    def test_other_type_refused(self):
        """Text is not a number here."""
        with pytest.raises(ValidationError, match=r"ratio: expected a Decimal, Fraction or int"):
            Ratio("1", 2)  # type: ignore[arg-type]

    def test_nan_refused(self):
        """NaN is not finite."""
        with pytest.raises(ValidationError, match=r"ratio: expected a finite number"):
            Ratio(Decimal("NaN"), 1)

    def test_pooled_is_not_mean(self):
        """Pooling sums the parts: (1 + 9) / (10 + 10) = 50 %, the mean would be 50 % too here,
        but (1 + 9) / (2 + 98) = 10 % while the mean of 50 % and 9.2 % is 29.6 %."""
        assert Fraction(1, 10) == Ratio.pooled([Ratio(1, 2), Ratio(9, 98)]).value

    def test_to_dict(self):
        """Exact parts as strings, rounded percent beside them."""
        assert {
            "numerator": "196",
            "denominator": "222",
            "value": "98/111",
            "percent": "88.3",
        } == Ratio(196, 222).to_dict()
        assert {"numerator": "0", "denominator": "0", "value": None, "percent": None} == Ratio(
            0, 0
        ).to_dict()

    def test_subtract_non_ratio(self):
        """Only ratios and fractions subtract."""
        with pytest.raises(TypeError):
            Ratio(1, 2) - 1  # type: ignore[operator]


class TestPoints:
    """Gaps in percentage points, from exact values."""

    def test_binzhou_gap(self):
        """47.132 − 41.667 = 5.465 → "+5.5"; rounding first would say 5.4."""
        gap = Ratio(yi("479.33"), yi("1017.0")) - time_schedule(MAY_END)
        assert ("+5.5", "5.5 points ahead", "超出时序进度5.5个百分点") == (
            gap.format(),
            gap.describe(),
            gap.describe(lang="zh"),
        )
        rounded_first = Decimal("47.1") - Decimal("41.7")
        assert Decimal("5.4") == rounded_first

    def test_behind(self):
        """A negative gap is behind."""
        p = Points(Fraction(-23, 10))
        assert ("-2.3", "2.3 points behind", "落后时序进度2.3个百分点") == (
            p.format(),
            p.describe(),
            p.describe(lang="zh"),
        )

    def test_on_schedule(self):
        """Zero, and a gap that rounds to zero, read "on schedule"."""
        assert ("0.0", "on schedule", "与时序进度持平") == (
            Points(0).format(),
            Points(Fraction(4, 100)).describe(),
            Points(0).describe(lang="zh"),
        )

    def test_not_applicable(self):
        """A gap to an inapplicable ratio is not applicable."""
        gap = Ratio(0, 0) - time_schedule(MAY_END)
        assert ("n/a", "n/a", NOT_APPLICABLE) == (gap.format(), gap.describe(), gap.rounded(1))
        assert {"value": None, "points": None} == gap.to_dict()

    def test_minus_fraction(self):
        """A Fraction (time progress) may be subtracted directly."""
        assert Fraction(0) == (Ratio(3, 4) - Fraction(3, 4)).value

    def test_to_dict(self):
        """Exact and rounded."""
        assert {"value": "1093/200", "points": "5.5"} == Points(Fraction(1093, 200)).to_dict()


class TestInvestment:
    """Plan completion, monthly progress and growth from summed amounts."""

    def test_binzhou(self):
        """433 projects, 479.33 亿元 of 1,017.0 亿元: 47.1 %, 5.5 points ahead of 41.7 %."""
        inv = investment(binzhou_projects(), MAY_END)
        gap = inv.completion - time_schedule(MAY_END)
        assert (433, "47.1 %", "41.7 %", "+5.5") == (
            inv.projects,
            inv.completion.percent(),
            time_schedule(MAY_END).percent(),
            gap.format(),
        )

    def test_ningbo(self):
        """482 projects, 1,052 of 1,402.67 亿元 at the end of September: 75 %, on schedule."""
        plans = [yi("2.9")] * 481 + [yi("1402.67") - yi("2.9") * 481]
        dones = [yi("2")] * 481 + [yi("1052") - yi("2") * 481]
        folio = [
            project(f"NB{i}", plan=p, done={"2020-09": d})
            for i, (p, d) in enumerate(zip(plans, dones, strict=True))
        ]
        inv = investment(folio, SEP_END)
        gap = inv.completion - time_schedule(SEP_END)
        assert (482, "75.0 %", "75.0 %", "0.0", "on schedule", "与时序进度持平") == (
            inv.projects,
            inv.completion.percent(),
            time_schedule(SEP_END).percent(),
            gap.format(),
            gap.describe(),
            gap.describe(lang="zh"),
        )

    def test_exactly_on_schedule(self):
        """A completion of exactly 3/4 at the end of September is a zero gap."""
        p = project("Q", plan="1000", done={"2020-09": "750"})
        gap = investment([p], SEP_END).completion - time_schedule(SEP_END)
        assert Fraction(0) == gap.value

    def test_monthly_progress(self):
        """Ningbo's monthly rate: the month's amount / the annual plan (9.4 %)."""
        p = project("M", plan="1000", done={"2020-08": "76", "2020-09": "94"})
        assert ("9.4 %", "17.0 %") == (
            investment([p], SEP_END).monthly_progress.percent(),
            investment([p], SEP_END).completion.percent(),
        )

    def test_yoy_growth(self):
        """Yinzhou's 中车: 5.4 亿元 in Jan–Sep, up 35 % on 4.0 亿元."""
        p = project("Y", plan=yi("8"), done={"2019-09": yi("4"), "2020-09": yi("5.4")})
        assert "35.0 %" == investment([p], SEP_END).yoy_growth.percent()

    def test_yoy_same_months_only(self):
        """Last year's October to December do not count against January to September."""
        p = project("Y", plan="100", done={"2019-09": "40", "2019-12": "60", "2020-09": "50"})
        assert Decimal(40) == investment([p], SEP_END).done_last_year

    def test_months_after_report_month_ignored(self):
        """On 17 May the report shows April: May's amount does not count yet."""
        p = project("R", plan="100", done={"2020-04": "10", "2020-05": "20"})
        inv = investment([p], dt.date(2020, 5, 17))
        assert (Decimal(10), Decimal(10)) == (inv.done_to_date, inv.done_in_month)

    def test_no_plan_not_applicable(self):
        """Projects without an annual plan are off the year's list: n/a, not 0 %."""
        p = project("N", done={"2020-05": "10"})
        inv = investment([p], MAY_END)
        assert (0, "n/a", "n/a") == (
            inv.projects,
            inv.completion.percent(),
            inv.monthly_progress.percent(),
        )

    def test_early_january(self):
        """Before the first month ends nothing is done yet; the plan still counts."""
        p = project("J", plan="100", done={"2020-01": "10"})
        inv = investment([p], dt.date(2020, 1, 10))
        assert (None, Decimal(0), "0.0 %") == (
            report_month(dt.date(2020, 1, 10)),
            inv.done_to_date,
            inv.completion.percent(),
        )

    def test_add(self):
        """Investments add field by field."""
        a = investment([project("A", plan="10", done={"2020-05": "5"})], MAY_END)
        b = investment([project("B", plan="30", done={"2020-05": "5"})], MAY_END)
        assert Fraction(1, 4) == (a + b).completion.value

    def test_to_dict_is_json(self):
        """The dict serialises as JSON."""
        inv = investment(binzhou_projects(), MAY_END)
        assert "47.1" == json.loads(json.dumps(inv.to_dict()))["completion"]["percent"]


class TestTimeSchedule:
    """Time-schedule progress as a ratio."""

    def test_month_basis(self):
        """End of May: 5/12 = 41.7 %."""
        assert ("41.7 %", Fraction(5, 12)) == (
            time_schedule(MAY_END).percent(),
            time_schedule(MAY_END).value,
        )

    def test_day_basis(self):
        """Day basis: 152/366 on 31 May 2020."""
        assert Fraction(152, 366) == time_schedule(MAY_END, TimeBasis.DAY).value


class TestNewAndContinuing:
    """Completion of new vs continuing projects (Yinzhou: 51 %, 89 %)."""

    def test_yinzhou(self):
        """A new project at 51 % and a continuing one at 89 %."""
        new = project("N", plan="100", done={"2020-09": "51"}, started=dt.date(2020, 2, 1))
        old = project("O", plan="100", done={"2020-09": "89"}, started=dt.date(2018, 2, 1))
        n, c = new_and_continuing([new, old], SEP_END)
        assert ("51.0 %", "89.0 %") == (n.completion.percent(), c.completion.percent())


class TestStartAndResumption:
    """Start rate and resumption rate."""

    def test_start_rate(self):
        """Two of four listed projects have started; unlisted ones do not count."""
        folio = [
            project("A", plan="1"),
            project(
                "B",
                plan="1",
                stage="completed",
                stage_events=(
                    StageEvent("started", dt.date(2019, 1, 1)),
                    StageEvent("completed", dt.date(2020, 1, 1)),
                ),
            ),
            project("C", plan="1", stage="reserved", started=None),
            project("D", plan="1", stage="planned", started=None),
            project("E", stage="reserved", started=None),
        ]
        assert Fraction(1, 2) == start_rate(folio, MAY_END).value

    def test_started_later_not_yet(self):
        """A start after the date does not count on the date."""
        p = project("L", plan="1", started=dt.date(2020, 6, 15))
        assert Fraction(0) == start_rate([p], MAY_END).value

    def test_ningde_all_resumed(self):
        """Ningde: all 222 suspended projects resumed → 100 %."""
        events = (
            StageEvent("started", dt.date(2019, 5, 1)),
            StageEvent("suspended", dt.date(2020, 1, 24)),
            StageEvent("resumed", dt.date(2020, 3, 2)),
        )
        folio = [project(f"ND{i}", plan="1", stage_events=events) for i in range(222)]
        assert "100.0 %" == resumption_rate(folio, dt.date(2020, 3, 31)).percent()

    def test_still_suspended(self):
        """One of two back at work."""
        halted = (
            StageEvent("started", dt.date(2019, 5, 1)),
            StageEvent("suspended", dt.date(2020, 1, 24)),
        )
        back = (*halted, StageEvent("resumed", dt.date(2020, 2, 20)))
        folio = [
            project("H", stage="suspended", stage_events=halted),
            project("B", stage_events=back),
        ]
        assert Fraction(1, 2) == resumption_rate(folio, dt.date(2020, 3, 31)).value

    def test_none_suspended(self):
        """No suspension: n/a."""
        assert NOT_APPLICABLE == resumption_rate([project("A")], MAY_END).value

    def test_since(self):
        """A suspension before ``since`` is out of the window."""
        events = (
            StageEvent("started", dt.date(2019, 5, 1)),
            StageEvent("suspended", dt.date(2019, 8, 1)),
        )
        p = project("H", stage="suspended", stage_events=events)
        assert (NOT_APPLICABLE, Fraction(0)) == (
            resumption_rate([p], MAY_END).value,
            resumption_rate([p], MAY_END, since=dt.date(2019, 1, 1)).value,
        )


class TestLightFigures:
    """Light counts and the share progressing smoothly."""

    def test_yinzhou(self):
        """55 of 66 green is 83 %."""
        figs = light_figures([Light.GREEN] * 55 + [Light.YELLOW] * 8 + [Light.RED] * 3)
        assert ((("green", 55), ("yellow", 8), ("red", 3)), 66, "83 %") == (
            figs.counts,
            figs.total,
            figs.share_green.percent(0),
        )

    def test_verdict_objects_and_not_judged(self):
        """Verdicts with ``.light``; a None light is counted apart, not in the share."""

        class V:
            def __init__(self, light: Light | None) -> None:
                self.light = light

        figs = light_figures([V(Light.GREEN), V(None), V(Light.RED)])
        assert (1, 2, Fraction(1, 2)) == (figs.not_judged, figs.total, figs.share_green.value)

    def test_empty(self):
        """No verdicts: n/a."""
        assert "n/a" == light_figures([]).share_green.percent()

    def test_bad_item(self):
        """Something without a light is refused."""
        with pytest.raises(ValidationError, match=r"verdicts: expected verdicts with a \.light"):
            light_figures([3])


def people_portfolio() -> Portfolio:
    keys = [f"BZ{i}" for i in range(4)]
    return Portfolio(
        projects=tuple(project(k) for k in keys),
        leaders=(Leader("王市长", "city", projects=("BZ0", "BZ1", "BZ2")),),
        secretaries=(
            Secretary(
                "李军",
                "市发改委",
                projects=("BZ0", "BZ1"),
                cadences={"BZ0": "daily"},
                contacts=(
                    Contact("BZ0", dt.date(2020, 5, 29)),
                    Contact("BZ1", dt.date(2020, 5, 25)),
                ),
            ),
            Secretary(
                "张敏",
                "市商务局",
                projects=("BZ2", "BZ3"),
                contacts=(Contact("BZ2", dt.date(2020, 6, 2)),),
            ),
        ),
    )


class TestCoverage:
    """Guarantor leaders and secretaries per project (Binzhou: 234 of 234)."""

    def test_partial(self):
        """Three of four have a leader, all four a secretary."""
        c = coverage(people_portfolio())
        assert ("75.0 %", "100.0 %") == (c.leader.percent(), c.secretary.percent())

    def test_binzhou_full(self):
        """234 of 234 covered."""
        keys = tuple(f"K{i}" for i in range(234))
        folio = Portfolio(
            projects=tuple(project(k) for k in keys),
            leaders=(Leader("帮包领导", "city", projects=keys),),
            secretaries=tuple(Secretary(f"驻企服务员{k}", "U", projects=(k,)) for k in keys),
        )
        c = coverage(folio)
        assert ((234, 234), "100.0 %") == (
            (int(c.secretary.numerator), int(c.secretary.denominator)),
            c.secretary.percent(),
        )


class TestContactFigures:
    """Contacts overdue against the cadence, per secretary."""

    def test_per_secretary(self):
        """Daily BZ0 last seen 29 May is overdue on 31 May; weekly BZ1 from 25 May is not.

        Zhang's contact on 2 June is not known on 31 May, so both of hers are overdue.
        """
        figs = contact_figures(people_portfolio().secretaries, MAY_END)
        per = {s.name: s.overdue for s in figs.secretaries}
        assert ({"李军": ("BZ0",), "张敏": ("BZ2", "BZ3")}, 3, 4, "75.0 %") == (
            per,
            figs.overdue,
            figs.served,
            figs.overdue_share.percent(),
        )

    def test_exactly_at_cadence(self):
        """Seven days after a weekly contact is still in time; eight is overdue."""
        s = Secretary("李", "U", projects=("A",), contacts=(Contact("A", dt.date(2020, 5, 24)),))
        assert ((), ("A",)) == (
            contact_figures([s], MAY_END).secretaries[0].overdue,
            contact_figures([s], dt.date(2020, 6, 1)).secretaries[0].overdue,
        )

    def test_none(self):
        """No secretaries: n/a."""
        assert "n/a" == contact_figures([], MAY_END).overdue_share.percent()


class TestApprovalFigures:
    """Ready to start, outstanding items, days to grant, one trip."""

    def test_figures(self):
        """One reserved project ready, one waiting on a permit; a started one only adds grants."""
        ready = project(
            "R",
            stage="reserved",
            started=None,
            approvals=(
                ApprovalItem("用地", applied=dt.date(2020, 3, 2), granted=dt.date(2020, 3, 12)),
            ),
        )
        waiting = project(
            "W",
            stage="reserved",
            started=None,
            approvals=(
                ApprovalItem(
                    "环评",
                    applied=dt.date(2020, 3, 2),
                    granted=dt.date(2020, 3, 6),
                    one_trip=True,
                ),
                ApprovalItem("施工许可", applied=dt.date(2020, 4, 1)),
                ApprovalItem("能评", required=False),
            ),
        )
        running = project(
            "G",
            approvals=(
                ApprovalItem("规划许可", applied=dt.date(2019, 1, 1), granted=dt.date(2019, 1, 2)),
            ),
        )
        f = approval_figures([ready, waiting, running], MAY_END)
        assert (2, 1, 1, "5.0", Fraction(1, 3)) == (
            f.not_started,
            f.ready_to_start,
            f.outstanding_items,
            f.days_to_grant.number(),
            f.one_trip.value,
        )
        assert f.to_dict()["days_to_grant"]["days"] == "5.0"
        assert "percent" not in f.to_dict()["days_to_grant"]

    def test_grant_after_date_unknown(self):
        """A grant after the date is not known yet."""
        p = project(
            "L",
            stage="reserved",
            started=None,
            approvals=(
                ApprovalItem("用地", applied=dt.date(2020, 5, 2), granted=dt.date(2020, 6, 2)),
            ),
        )
        f = approval_figures([p], MAY_END)
        assert (0, 1, "n/a") == (f.ready_to_start, f.outstanding_items, f.days_to_grant.number())


def make_issue(
    n: int,
    *,
    raised: dt.date = dt.date(2020, 9, 28),
    assigned: dt.date | None = dt.date(2020, 9, 29),
    deadline: dt.date | None = dt.date(2020, 10, 13),
    resolved: dt.date | None = None,
    closed: dt.date | None = None,
    escalate: dt.date | None = None,
    difficulty: str = "general",
    plan_date: dt.date | None = None,
    renew: dt.date | None = None,
) -> Issue:
    issue = Issue.collect(
        f"Q{n}", "P", category="land", title="林地调规", on=raised, by="秘书", difficulty=difficulty
    )
    if assigned is not None:
        issue = issue.step(
            EventKind.ASSIGNED, assigned, "市重点办", tier="county", owner="区", deadline=deadline
        )
    if plan_date is not None:
        issue = issue.step(EventKind.PLAN_SUBMITTED, assigned, "区", deadline=plan_date)
    if renew is not None:
        issue = issue.step(
            EventKind.DEADLINE_SET, renew - dt.timedelta(days=7), "办", deadline=renew
        )
    if escalate is not None:
        issue = issue.step(
            EventKind.ESCALATED,
            escalate,
            "市重点办",
            tier="city",
            owner="市政府",
            deadline=escalate + dt.timedelta(days=10),
        )
    if resolved is not None:
        issue = issue.step(EventKind.RESOLVED, resolved, "区")
    if closed is not None:
        issue = issue.step(EventKind.CLOSED, closed, "市重点办")
    return issue


CAL = china_calendar()


class TestIssueFigures:
    """Closure, on-time closure, working days to close, per-tier resolution."""

    def test_binzhou_closure(self):
        """222 collected, 196 closed: 88.3 %."""
        done = [
            make_issue(i, resolved=dt.date(2020, 10, 9), closed=dt.date(2020, 10, 12))
            for i in range(196)
        ]
        still = [make_issue(i) for i in range(196, 222)]
        f = issue_figures(done + still, dt.date(2020, 10, 31), calendar=CAL)
        assert (222, 196, "88.3 %") == (f.collected, f.closed, f.closure_rate.percent())

    def test_working_days_holiday(self):
        """Assigned 29 Sep, closed 13 Oct: 5 working days over the National Day holiday."""
        i = make_issue(1, resolved=dt.date(2020, 10, 12), closed=dt.date(2020, 10, 13))
        f = issue_figures([i], dt.date(2020, 10, 31), calendar=CAL)
        assert (5, "5.0") == (f.working_days, f.mean_working_days.number())

    def test_a_mean_is_no_percentage(self):
        """The JSON of the mean working days gives days, never a percent of them."""
        i = make_issue(1, resolved=dt.date(2020, 10, 12), closed=dt.date(2020, 10, 13))
        mean = issue_figures([i], dt.date(2020, 10, 31), calendar=CAL).to_dict()[
            "mean_working_days"
        ]
        assert mean == {"numerator": "5", "denominator": "1", "value": "5", "working_days": "5.0"}
        assert issue_figures([], dt.date(2020, 10, 31), calendar=CAL).to_dict()[
            "mean_working_days"
        ] == {"numerator": "0", "denominator": "0", "value": None, "working_days": None}

    def test_weekday_calendar_differs(self):
        """A caller's calendar is used: weekdays only count 10 days there."""
        i = make_issue(1, resolved=dt.date(2020, 10, 12), closed=dt.date(2020, 10, 13))
        assert (
            10 == issue_figures([i], dt.date(2020, 10, 31), calendar=WeekdayCalendar()).working_days
        )

    def test_default_calendar_is_china(self):
        """Without calendar=, the China official calendar is used."""
        i = make_issue(1, resolved=dt.date(2020, 10, 12), closed=dt.date(2020, 10, 13))
        assert 5 == issue_figures([i], dt.date(2020, 10, 31)).working_days

    def test_on_time(self):
        """Resolved on the deadline is on time; a day later is late; no deadline: not timed."""
        issues = [
            make_issue(1, resolved=dt.date(2020, 10, 13), closed=dt.date(2020, 10, 14)),
            make_issue(2, resolved=dt.date(2020, 10, 14), closed=dt.date(2020, 10, 14)),
            make_issue(
                3, deadline=None, resolved=dt.date(2020, 10, 14), closed=dt.date(2020, 10, 15)
            ),
        ]
        f = issue_figures(issues, dt.date(2020, 10, 31), calendar=CAL)
        assert (3, 2, 1, "50.0 %") == (f.closed, f.timed, f.on_time, f.on_time_rate.percent())

    def test_renewed_limit_basis(self):
        """A renewed limit makes a late resolution on time only under IN_FORCE."""
        i = make_issue(
            1,
            renew=dt.date(2020, 10, 20),
            resolved=dt.date(2020, 10, 19),
            closed=dt.date(2020, 10, 20),
        )
        as_of = dt.date(2020, 10, 31)
        assert ("0.0 %", "100.0 %") == (
            issue_figures([i], as_of, calendar=CAL).on_time_rate.percent(),
            issue_figures(
                [i], as_of, calendar=CAL, basis=DeadlineBasis.IN_FORCE
            ).on_time_rate.percent(),
        )
        by_value = issue_figures([i], as_of, calendar=CAL, basis="in_force")
        assert "100.0 %" == by_value.on_time_rate.percent()

    def test_difficult_uses_plan_date(self):
        """A difficult issue is timed against its work plan's own date."""
        i = make_issue(
            1,
            difficulty="difficult",
            deadline=dt.date(2020, 10, 9),
            plan_date=dt.date(2020, 11, 30),
            resolved=dt.date(2020, 11, 20),
            closed=dt.date(2020, 11, 23),
        )
        assert 1 == issue_figures([i], dt.date(2020, 11, 30), calendar=CAL).on_time

    def test_per_tier(self):
        """County handled 3 and solved 1; city got 2 escalated and solved 1."""
        issues = [
            make_issue(1, resolved=dt.date(2020, 10, 12), closed=dt.date(2020, 10, 13)),
            make_issue(
                2,
                escalate=dt.date(2020, 10, 14),
                resolved=dt.date(2020, 10, 20),
                closed=dt.date(2020, 10, 21),
            ),
            make_issue(3, escalate=dt.date(2020, 10, 14)),
        ]
        f = issue_figures(issues, dt.date(2020, 10, 31), calendar=CAL, tiers=("county", "city"))
        assert (
            [("county", 3, 1), ("city", 2, 1)],
            "33.3 %",
            "50.0 %",
            "n/a",
        ) == (
            [(t.tier, t.reached, t.resolved) for t in f.tiers],
            f.tier("county").resolution_rate.percent(),
            f.tier("city").resolution_rate.percent(),
            f.tier("province").resolution_rate.percent(),
        )

    def test_events_after_date_ignored(self):
        """Closed after the date: open on the date; collected after it: not counted."""
        i = make_issue(1, resolved=dt.date(2020, 10, 12), closed=dt.date(2020, 10, 13))
        late = make_issue(2, raised=dt.date(2020, 10, 12), assigned=None)
        f = issue_figures([i, late], dt.date(2020, 10, 10), calendar=CAL)
        assert (1, 0, "0.0 %", "n/a") == (
            f.collected,
            f.closed,
            f.closure_rate.percent(),
            f.mean_working_days.number(),
        )

    def test_since(self):
        """Issues collected before ``since`` are out of the window."""
        i = make_issue(1)
        assert (
            0
            == issue_figures(
                [i], dt.date(2020, 10, 10), calendar=CAL, since=dt.date(2020, 10, 1)
            ).collected
        )

    def test_since_before_every_issue(self):
        """``since`` on or before every collection date: every issue counts, as without it."""
        closed = make_issue(1, resolved=dt.date(2020, 10, 12), closed=dt.date(2020, 10, 13))
        issues = [closed, make_issue(2)]
        without = issue_figures(issues, dt.date(2020, 10, 31), calendar=CAL)
        since = issue_figures(
            issues, dt.date(2020, 10, 31), calendar=CAL, since=dt.date(2020, 9, 1)
        )
        assert (2, without) == (since.collected, since)

    def test_none(self):
        """No issues: every rate n/a."""
        f = issue_figures([], dt.date(2020, 10, 10), calendar=CAL)
        assert ("n/a", "n/a", "n/a") == (
            f.closure_rate.percent(),
            f.on_time_rate.percent(),
            f.mean_working_days.number(),
        )

    def test_calendar_coverage(self):
        """A date outside the calendar raises, never guesses."""
        i = make_issue(
            1,
            raised=dt.date(2040, 9, 28),
            assigned=dt.date(2040, 9, 29),
            deadline=None,
            resolved=dt.date(2040, 10, 9),
            closed=dt.date(2040, 10, 10),
        )
        with pytest.raises(Exception, match=r"no working-day data for 2040"):
            issue_figures([i], dt.date(2040, 12, 31), calendar=CAL)

    def test_missing_china_calendar(self, monkeypatch: pytest.MonkeyPatch):
        """Without chinese-calendar and without calendar=, the error says to pass one."""

        def missing() -> None:
            raise ImportError("the China official calendar needs chinese-calendar")

        monkeypatch.setattr(schedule, "china_calendar", missing)
        with pytest.raises(ImportError, match=r"or pass calendar= explicitly"):
            issue_figures([], dt.date(2020, 10, 10))


class TestEarnedValue:
    """PV, EV, AC and the derived figures, with the stated signs."""

    def baseline(self, **extra: object) -> Project:
        return project(
            "E",
            total_investment=Decimal(1200),
            monthly_plan={"2020-01": 100, "2020-02": 100, "2020-03": 100, "2020-04": 100},
            done={"2020-01": "80", "2020-02": "100", "2020-03": "60"},
            **extra,
        )

    def test_investment_method(self):
        """Behind and over budget: SV, CV < 0; SPI, CPI < 1; EAC > BAC; VAC < 0."""
        ev = earned_value(self.baseline(), dt.date(2020, 3, 31), actual_cost=Decimal(300))
        assert ev is not None
        assert (
            Decimal(300),
            Decimal(240),
            Decimal(-60),
            Decimal(-60),
            Fraction(4, 5),
            Fraction(4, 5),
            Fraction(1500),
            Fraction(-300),
        ) == (ev.pv, ev.ev, ev.sv, ev.cv, ev.spi.value, ev.cpi.value, ev.eac, ev.vac)

    def test_no_actual_cost(self):
        """Without AC the cost figures are not applicable."""
        ev = earned_value(self.baseline(), dt.date(2020, 3, 31))
        assert ev is not None
        assert (NOT_APPLICABLE, NOT_APPLICABLE, NOT_APPLICABLE, NOT_APPLICABLE) == (
            ev.cv,
            ev.cpi.value,
            ev.eac,
            ev.vac,
        )

    def test_milestone_method(self):
        """EV = BAC × weighted share: done 3, half of 1 → 3.5/4 of 1200 = 1050... with weights."""
        p = self.baseline(
            milestones=(
                Milestone("清表", planned=dt.date(2020, 2, 1), done=dt.date(2020, 2, 1)),
                Milestone("桩基", planned=dt.date(2020, 4, 1), percent=Decimal(50)),
                Milestone("主体", planned=dt.date(2020, 9, 1)),
            )
        )
        equal = earned_value(p, dt.date(2020, 3, 31), method=EvMethod.MILESTONES)
        weighted = earned_value(
            p,
            dt.date(2020, 3, 31),
            method=EvMethod.MILESTONES,
            weights={"清表": Decimal(1), "桩基": Decimal(2), "主体": Decimal(1)},
        )
        assert equal is not None
        assert weighted is not None
        assert (Decimal(600), Decimal(600)) == (equal.ev, weighted.ev)

    def test_no_baseline(self):
        """No total investment or no monthly plan: no EV figures."""
        assert earned_value(project("X", plan="1"), MAY_END) is None
        p = self.baseline()
        assert earned_value(p, MAY_END, method=EvMethod.MILESTONES) is None

    def test_portfolio_sums(self):
        """SPI of the whole is Σ EV / Σ PV; AC only when every project has one."""
        a = self.baseline()
        b = project(
            "F",
            total_investment=Decimal(100),
            monthly_plan={"2020-01": 100},
            done={"2020-01": "100"},
        )
        total = portfolio_earned_value([a, b], dt.date(2020, 3, 31))
        partial = portfolio_earned_value(
            [a, b], dt.date(2020, 3, 31), actual_costs={"E": Decimal(300)}
        )
        full = portfolio_earned_value(
            [a, b], dt.date(2020, 3, 31), actual_costs={"E": Decimal(300), "F": Decimal(100)}
        )
        assert total is not None
        assert partial is not None
        assert full is not None
        assert (Fraction(340, 400), NOT_APPLICABLE, Fraction(340, 400)) == (
            total.spi.value,
            partial.cpi.value,
            full.cpi.value,
        )

    def test_to_dict(self):
        """EAC and VAC rounded to 0.01 万元, indices to 0.001."""
        ev = earned_value(self.baseline(), dt.date(2020, 3, 31), actual_cost=Decimal(300))
        assert ev is not None
        d = ev.to_dict()
        assert ("0.800", "1500.00", "-300.00", "-60") == (d["spi"], d["eac"], d["vac"], d["cv"])


def group_portfolio() -> Portfolio:
    a1 = project("A1", plan="100", done={"2020-05": "90"}, region="A", unit="U1", level="city")
    a2 = project("A2", plan="900", done={"2020-05": "90"}, region="A", unit="U2", level="county")
    b1 = project("B1", plan="10", done={"2020-05": "5"}, region="B", unit="U1", level="county")
    c1 = project("C1", done={"2020-05": "5"}, region="C", unit="U3", level="town")
    return Portfolio(
        projects=(a1, a2, b1, c1),
        leaders=(
            Leader("王", "city", projects=("A1", "B1")),
            Leader("李", "city", projects=("A1", "A2")),
        ),
    )


class TestGroups:
    """Group rates come from summed amounts, never averaged member rates."""

    def test_region_rate_differs_from_mean(self):
        """Region A: 180/1000 = 18 %, while the mean of 90 % and 10 % is 50 %."""
        groups = {g.key: g for g in group_figures(group_portfolio(), "region", MAY_END)}
        members = [Fraction(90, 100), Fraction(90, 900)]
        assert (Fraction(18, 100), Fraction(1, 2)) == (
            groups["A"].completion.value,
            sum(members) / 2,
        )

    def test_no_plan_group_not_applicable(self):
        """Region C has no plan: n/a, and it still has its member."""
        groups = {g.key: g for g in group_figures(group_portfolio(), GroupBy.REGION, MAY_END)}
        assert (1, "n/a", "n/a") == (
            groups["C"].members,
            groups["C"].completion.percent(),
            groups["C"].gap.format(),
        )

    @pytest.mark.parametrize(
        ("by", "keys"),
        [
            ("level", ["city", "county", "town"]),
            ("category", ["industry"]),
            ("region", ["A", "B", "C"]),
            ("unit", ["U1", "U2", "U3"]),
            ("leader", ["李", "王"]),
            ("stage", ["under_construction"]),
        ],
    )
    def test_every_dimension(self, by: str, keys: list[str]):
        """Every dimension groups, keys sorted."""
        assert keys == [g.key for g in group_figures(group_portfolio(), by, MAY_END)]

    def test_leader_groups_overlap(self):
        """A1 counts under both its leaders."""
        groups = {g.key: g for g in group_figures(group_portfolio(), "leader", MAY_END)}
        assert (Decimal(110), Decimal(1000)) == (
            groups["王"].investment.annual_plan,
            groups["李"].investment.annual_plan,
        )

    def test_gap_and_nodes(self):
        """Gap to the schedule and node completion per group."""
        p = project(
            "N",
            plan="120",
            done={"2020-05": "60"},
            milestones=(
                Milestone("一", planned=dt.date(2020, 3, 1), done=dt.date(2020, 3, 5)),
                Milestone("二", planned=dt.date(2020, 5, 1)),
                Milestone("三", planned=dt.date(2020, 7, 1)),
                Milestone("旧", planned=dt.date(2019, 7, 1)),
            ),
        )
        (g,) = group_figures(Portfolio(projects=(p,)), "unit", MAY_END)
        assert ("+8.3", 2, 1, "50.0 %") == (
            g.gap.format(),
            g.nodes_due,
            g.nodes_done,
            g.node_completion.percent(),
        )

    def test_unknown_dimension(self):
        """An unknown dimension names the choices."""
        with pytest.raises(ValidationError, match=r"by: expected one of \['level', .*got 'town'"):
            group_figures(group_portfolio(), "town", MAY_END)

    def test_record_flat(self):
        """A record is flat and JSON-ready."""
        (g, *_) = group_figures(group_portfolio(), "region", MAY_END)
        record = g.to_record()
        assert ("A", "1000", "18.0", None) == (
            record["key"],
            record["annual_plan"],
            record["completion_pct"],
            record["node_completion_pct"],
        )
        assert all(not isinstance(v, (dict, list)) for v in record.values())


class TestRanking:
    """Standard competition ranking with the direction stated."""

    def test_ties(self):
        """1, 2, 2, 4 with exact ties; n/a last without a rank."""
        r = rank(
            [
                ("甲", Ratio(9, 10)),
                ("乙", Ratio(8, 10)),
                ("丙", Ratio(4, 5)),
                ("丁", Ratio(1, 2)),
                ("戊", Ratio(0, 0)),
            ]
        )
        assert [1, 2, 2, 4, None] == [row.rank for row in r.rows]

    def test_rounded_equal_not_tied(self):
        """80.04 % and 80.01 % both print 80.0 but are not tied."""
        r = rank([("a", Ratio(8001, 10000)), ("b", Ratio(8004, 10000))])
        assert [(1, "b"), (2, "a")] == [(row.rank, row.key) for row in r.rows]

    def test_direction_by_value(self):
        """``better="lower"`` is Better.LOWER, as a ledger or a notebook would write it."""
        r = rank([("a", Decimal(5)), ("b", Decimal(3))], better="lower")
        assert (Better.LOWER, "b") == (r.better, r.rows[0].key)

    def test_direction_checked_before_the_items(self):
        """A bad ``better`` is refused before any item is read from an iterator."""
        items = iter([("a", Decimal(5)), ("b", Decimal(3))])
        with pytest.raises(ValidationError, match=r"^better: expected one of"):
            rank(items, better="sideways")
        assert [("a", Decimal(5)), ("b", Decimal(3))] == list(items)

    def test_lower_is_better(self):
        """Days to close: fewer ranks first."""
        r = rank([("a", Decimal(5)), ("b", Decimal(3)), ("c", Decimal(3))], better=Better.LOWER)
        assert ([(1, "b"), (1, "c"), (3, "a")], Better.LOWER) == (
            [(row.rank, row.key) for row in r.rows],
            r.better,
        )

    def test_points(self):
        """Gaps rank too."""
        r = rank([("a", Points(-1)), ("b", Points(2))])
        assert ["b", "a"] == [row.key for row in r.rows]

    def test_rank_groups(self):
        """Units by completion: U1 95/110, U2 10 %, U3 n/a."""
        r = rank_groups(group_figures(group_portfolio(), "unit", MAY_END))
        assert ("unit", [(1, "U1"), (2, "U2"), (None, "U3")]) == (
            r.group,
            [(row.rank, row.key) for row in r.rows],
        )
        assert {
            "figure": "completion",
            "better": "higher",
            "rank": 1,
            "key": "U1",
            "value": "86.4",
        } == r.to_records()[0]

    def test_unknown_figure(self):
        """An unknown figure names the choices."""
        with pytest.raises(ValidationError, match=r"figure: expected one of \['completion'"):
            rank_groups([], "speed")


def summary_portfolio() -> Portfolio:
    projects = [
        project(f"BZ00{i}", plan="120", done={"2020-05": "50"}, monthly_plan={"2020-05": "50"})
        for i in range(3)
    ]
    issues = (
        make_issue(
            1,
            resolved=dt.date(2020, 5, 12),
            closed=dt.date(2020, 5, 13),
            raised=dt.date(2020, 5, 6),
            assigned=dt.date(2020, 5, 7),
            deadline=dt.date(2020, 5, 14),
        ),
        make_issue(2, raised=dt.date(2020, 5, 6), assigned=None),
    )
    issues = tuple(Issue(i.id, "BZ000", i.category, i.title, i.events) for i in issues)
    return Portfolio(
        projects=tuple(projects),
        issues=issues,
        leaders=(Leader("王", "city", projects=("BZ000",)),),
    )


class TestMonthlySummary:
    """Every figure in one frozen object, as text, dict and records."""

    def test_binzhou_figures(self):
        """The Binzhou headline figures come out exactly."""
        folio = Portfolio(projects=tuple(binzhou_projects()))
        s = monthly_summary(folio, MAY_END, calendar=CAL, judge_lights=False)
        assert ("47.1 %", "41.7 %", "+5.5", "5.5 points ahead", None) == (
            s.completion.percent(),
            s.schedule.percent(),
            s.gap.format(),
            s.gap.describe(),
            s.lights,
        )

    def test_verdicts_given(self):
        """Precomputed verdicts are counted."""
        s = monthly_summary(summary_portfolio(), MAY_END, calendar=CAL, verdicts=["green", "red"])
        assert s.lights is not None
        assert "50.0 %" == s.lights.share_green.percent()

    def test_lights_judged(self):
        """Without verdicts the lights module judges (Ningbo policy by default)."""
        s = monthly_summary(summary_portfolio(), MAY_END, calendar=CAL)
        assert s.lights is not None
        assert 3 == s.lights.total + s.lights.not_judged

    def test_groups_and_rankings(self):
        """Requested groups only; unit and region rankings always."""
        s = monthly_summary(
            summary_portfolio(), MAY_END, calendar=CAL, judge_lights=False, group_by=["level"]
        )
        assert (["level"], ["unit", "region"], (), 1) == (
            [d.value for d, _ in s.groups],
            [r.group for r in s.rankings],
            s.group("unit"),
            len(s.to_records("level")),
        )

    def test_dict_json(self):
        """to_dict round-trips through JSON."""
        s = monthly_summary(summary_portfolio(), MAY_END, calendar=CAL, verdicts=["green"])
        d = json.loads(json.dumps(s.to_dict()))
        assert ("2020-05-31", "2020-05", "50.0", "1", None) == (
            d["as_of"],
            d["month"],
            d["issues"]["closure_rate"]["percent"],
            d["issues"]["tiers"][0]["resolved"] and "1",
            d["earned_value"],
        )

    def test_text_en(self):
        """The English table has the figures and the ranking direction."""
        s = monthly_summary(summary_portfolio(), MAY_END, calendar=CAL, verdicts=["green"])
        text = s.to_text()
        assert "Monthly project report 2020-05 (as of 2020-05-31)" in text
        assert "closure rate" in text
        assert "50.0 %" in text
        assert "higher is better" in text

    def test_text_zh(self):
        """The Chinese table uses the report's words."""
        s = monthly_summary(summary_portfolio(), MAY_END, calendar=CAL, verdicts=["green"])
        text = s.to_text("zh")
        assert "年度计划完成率" in text
        assert "问题办结率" in text
        assert "高者为先" in text

    def test_frozen(self):
        """The summary cannot be changed."""
        s = monthly_summary(summary_portfolio(), MAY_END, calendar=CAL, judge_lights=False)
        with pytest.raises(AttributeError):
            s.projects = 0  # type: ignore[misc]

    def test_actual_costs_use_full_path(self):
        """With actual costs the EV figures carry AC."""
        p = project(
            "E",
            plan="400",
            total_investment=Decimal(1200),
            monthly_plan={"2020-01": 100},
            done={"2020-01": "80"},
        )
        s = monthly_summary(
            Portfolio(projects=(p,)),
            dt.date(2020, 1, 31),
            calendar=CAL,
            judge_lights=False,
            actual_costs={"E": Decimal(100)},
        )
        assert s.earned_value is not None
        assert ("0.8", Decimal(100)) == (s.earned_value.cpi.number(), s.earned_value.ac)
