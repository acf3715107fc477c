"""The engine's lights equal the object rules on generated ledgers, cell for cell."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import attrs
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from projpush.engine import explain, from_portfolio, judge_tables, light_map_table, verdicts_of
from projpush.engine.lights import _largest
from projpush.errors import PolicyError, ValidationError
from projpush.lights import (
    GapPolicy,
    LagPolicy,
    NodePolicy,
    SiteActivityPolicy,
    WorstOf,
    judge_portfolio,
    light_map,
)
from projpush.model import Month, Portfolio, Project, StageEvent
from projpush.schedule import last_complete_month
from projpush.synth import SAMPLE_AS_OF, sample_portfolio
from strategies_engine import ledgers
from strategies_lights import MONTHS, YEAR, as_of_dates, gap_policies, lag_policies, policies


def outcome(call) -> str | None:
    """The message of the ValidationError ``call`` raises, or None."""
    try:
        call()
    except ValidationError as error:
        return str(error)
    return None


def engine_rows(portfolio: Portfolio, as_of: dt.date, policy: LagPolicy) -> list[tuple]:
    frames = judge_tables(from_portfolio(portfolio), as_of, policy, lenient=True)
    reasons: dict[str, list[tuple]] = {}
    for row in frames.reasons.iter_rows(named=True):
        reasons.setdefault(row["key"], []).append(
            (row["code"], Month.of(row["month"]), row["done"], row["plan"])
        )
    return [
        (row["key"], row["light"], row["severity"], row["reason"], reasons.get(row["key"], []))
        for row in frames.verdicts.iter_rows(named=True)
    ]


def object_rows(portfolio: Portfolio, as_of: dt.date, policy: LagPolicy) -> list[tuple]:
    rows = []
    for v in judge_portfolio(portfolio, as_of, policy, lenient=True).verdicts:
        months = [r for r in v.reasons if r.rule == "lag" and r.code != "streak"]
        if v.light is None:
            months = []
        shown = [(r.code, r.months[0], r.figures.get("done"), r.figures["plan"]) for r in months]
        light = None if v.light is None else v.light.value
        rows.append((v.project, light, int(v.severity), v.reasons[0].code, shown))
    return rows


class TestJudgeTables:
    """judge_tables gives judge_portfolio's lights, streaks, reason codes and figures."""

    @given(ledgers(), as_of_dates, lag_policies())
    def test_same_verdicts(self, portfolio, as_of, policy):
        assert object_rows(portfolio, as_of, policy) == engine_rows(portfolio, as_of, policy)

    @given(ledgers(), as_of_dates, lag_policies())
    def test_same_error_when_not_lenient(self, portfolio, as_of, policy):
        expected = outcome(lambda: judge_portfolio(portfolio, as_of, policy))
        assert expected == outcome(lambda: judge_tables(from_portfolio(portfolio), as_of, policy))

    def test_sample_city(self):
        ledger = sample_portfolio()
        policy = LagPolicy.ningbo()
        assert object_rows(ledger, SAMPLE_AS_OF, policy) == engine_rows(
            ledger, SAMPLE_AS_OF, policy
        )

    @given(ledgers(), as_of_dates, lag_policies())
    def test_explain_is_the_object_verdict(self, portfolio, as_of, policy):
        tables = from_portfolio(portfolio)
        for p in portfolio.projects:
            try:
                expected = policy.judge(p, as_of)
            except ValidationError:
                continue
            assert expected == explain(tables, p.key, as_of, policy)


class TestLightMapTable:
    """light_map_table gives light_map's cells for the months ended on as_of."""

    @given(ledgers(), as_of_dates, lag_policies())
    def test_same_cells(self, portfolio, as_of, policy):
        reference = light_map(portfolio, YEAR, policy, lenient=True)
        last = last_complete_month(as_of)
        ended = [m for m in MONTHS if m <= last]
        expected = [
            (p.key, *(None if (x := reference.light(p.key, m)) is None else x.value for m in ended))
            for p in portfolio.projects
        ]
        table = light_map_table(from_portfolio(portfolio), as_of, policy)
        assert ["key", *map(str, ended)] == table.columns
        assert expected == table.rows()

    @given(ledgers(), ledgers(), as_of_dates, lag_policies())
    def test_the_streaks_kept_from_judging_serve_only_the_same_tables(
        self, first, second, as_of, policy
    ):
        """A map drawn after judging reuses those streaks, and never another ledger's."""
        one, two = from_portfolio(first), from_portfolio(second)
        alone = light_map_table(two, as_of, policy).rows()
        judge_tables(one, as_of, policy, lenient=True)
        assert (
            light_map_table(one, as_of, policy).rows()
            == light_map_table(from_portfolio(first), as_of, policy).rows()
        )
        judge_tables(one, as_of, policy, lenient=True)
        assert alone == light_map_table(two, as_of, policy).rows()


class TestRefusals:
    """What the engine does not compute yet is refused, naming the policy."""

    def test_fine_tolerance(self):
        policy = LagPolicy(tolerance=Decimal("0.1234567"))
        with pytest.raises(PolicyError, match="tolerance: expected a factor with at most 6"):
            light_map_table(from_portfolio(sample_portfolio()), SAMPLE_AS_OF, policy)

    def test_bad_date_and_key(self):
        tables = from_portfolio(sample_portfolio())
        with pytest.raises(ValidationError, match="as_of"):
            judge_tables(tables, "2020-10-31")  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match="key: expected a project key of the ledger"):
            explain(tables, "NO-SUCH", SAMPLE_AS_OF)

    def test_stage_events_within_the_year(self):
        p = Project(
            local_id="NB-9",
            name="复工项目",
            level="city",
            category="industry",
            stage="under_construction",
            region="北仑区",
            unit="市经信局",
            monthly_plan={m: Decimal(10) for m in MONTHS},
            monthly_done={m: Decimal(1) for m in MONTHS},
            stage_events=(
                StageEvent("started", dt.date(2020, 1, 10)),
                StageEvent("suspended", dt.date(2020, 3, 1)),
                StageEvent("resumed", dt.date(2020, 4, 30)),
            ),
        )
        cells = light_map_table(from_portfolio(Portfolio(projects=(p,))), dt.date(2020, 6, 30))
        assert [("NB-9", "green", "yellow", None, "green", "yellow", "red")] == cells.rows()


def gap_engine_rows(portfolio: Portfolio, as_of: dt.date, policy: GapPolicy) -> list[tuple]:
    frames = judge_tables(from_portfolio(portfolio), as_of, policy, lenient=True)
    unreported: dict[str, list[Month]] = {}
    for row in frames.reasons.iter_rows(named=True):
        unreported.setdefault(row["key"], []).append(Month.of(row["month"]))
    rows = []
    for row in frames.verdicts.iter_rows(named=True):
        gap = None
        if row["light"] is not None:
            gap = Fraction(row["gap_numerator"]) / Fraction(row["gap_denominator"])
        rows.append((row["key"], row["light"], row["reason"], gap, unreported.get(row["key"], [])))
    return rows


def gap_object_rows(portfolio: Portfolio, as_of: dt.date, policy: GapPolicy) -> list[tuple]:
    rows = []
    for v in judge_portfolio(portfolio, as_of, policy, lenient=True).verdicts:
        judged = v.light is not None
        gap = v.reasons[0].figures["gap"] if judged else None
        months = [m for r in v.reasons[1:] for m in r.months] if judged else []
        light = v.light.value if judged else None
        rows.append((v.project, light, v.reasons[0].code, gap, months))
    return rows


class TestGapPolicies:
    """judge_tables under a GapPolicy gives judge_portfolio's lights, gaps and unreported months."""

    @given(ledgers(), as_of_dates, gap_policies())
    def test_same_verdicts(self, portfolio, as_of, policy):
        expected = gap_object_rows(portfolio, as_of, policy)
        assert expected == gap_engine_rows(portfolio, as_of, policy)

    @given(ledgers(), as_of_dates, gap_policies())
    def test_same_error_when_not_lenient(self, portfolio, as_of, policy):
        expected = outcome(lambda: judge_portfolio(portfolio, as_of, policy))
        assert expected == outcome(lambda: judge_tables(from_portfolio(portfolio), as_of, policy))

    @pytest.mark.parametrize("policy", [GapPolicy.yinchuan(), GapPolicy.sanya()])
    def test_sample_city(self, policy):
        ledger = sample_portfolio()
        expected = gap_object_rows(ledger, SAMPLE_AS_OF, policy)
        assert expected == gap_engine_rows(ledger, SAMPLE_AS_OF, policy)

    def test_coarse_thresholds_only(self):
        policy = GapPolicy(yellow_at=Fraction(1, 100_001), red_at=Fraction(30))
        with pytest.raises(PolicyError, match="yellow_at: expected a threshold of numerator"):
            judge_tables(from_portfolio(sample_portfolio()), SAMPLE_AS_OF, policy)


def node_engine_rows(portfolio: Portfolio, as_of: dt.date, policy: NodePolicy) -> list[tuple]:
    frames = judge_tables(from_portfolio(portfolio), as_of, policy)
    reasons: dict[str, list[tuple]] = {}
    for row in frames.reasons.iter_rows(named=True):
        measure = row["days_late"]
        if row["code"] == "slow":
            measure = Fraction(row["behind_numerator"]) / Fraction(row["behind_denominator"])
        reasons.setdefault(row["key"], []).append((row["code"], row["name"], measure))
    return [
        (r["key"], r["light"], r["reason"], r["severity"], reasons.get(r["key"], []))
        for r in frames.verdicts.iter_rows(named=True)
    ]


def node_object_rows(portfolio: Portfolio, as_of: dt.date, policy: NodePolicy) -> list[tuple]:
    rows = []
    for v in judge_portfolio(portfolio, as_of, policy).verdicts:
        shown = [
            (r.code, r.milestones[0], r.figures["behind" if r.code == "slow" else "days_late"])
            for r in v.reasons
            if r.code in ("missed", "late", "slow")
        ]
        light = None if v.light is None else v.light.value
        severity = int(v.severity) if light == "red" else None
        rows.append((v.project, light, v.reasons[0].code, severity, shown))
    return rows


class TestNodePolicies:
    """judge_tables under a NodePolicy gives judge_portfolio's lights and milestone reasons."""

    @given(
        ledgers(),
        as_of_dates,
        st.sampled_from([Fraction(0), Fraction(10), Fraction(25, 2)]),
        st.booleans(),
    )
    def test_same_verdicts(self, portfolio, as_of, slack, on_due_day):
        policy = NodePolicy(slack_points=slack, missed_on_due_day=on_due_day)
        expected = node_object_rows(portfolio, as_of, policy)
        assert expected == node_engine_rows(portfolio, as_of, policy)

    def test_sample_city(self):
        ledger = sample_portfolio()
        policy = NodePolicy.dalian()
        expected = node_object_rows(ledger, SAMPLE_AS_OF, policy)
        assert expected == node_engine_rows(ledger, SAMPLE_AS_OF, policy)
        assert {"red", "yellow", "green"} <= {row[1] for row in expected}


def site_engine_rows(portfolio: Portfolio, as_of: dt.date, policy: SiteActivityPolicy) -> list:
    frames = judge_tables(from_portfolio(portfolio), as_of, policy)
    return [
        (r["key"], r["light"], r["reason"], r["idle_days"] if r["light"] else None)
        for r in frames.verdicts.iter_rows(named=True)
    ]


def site_object_rows(portfolio: Portfolio, as_of: dt.date, policy: SiteActivityPolicy) -> list:
    rows = []
    for v in judge_portfolio(portfolio, as_of, policy).verdicts:
        light = None if v.light is None else v.light.value
        idle = v.reasons[0].figures["idle_days"] if light else None
        rows.append((v.project, light, v.reasons[0].code, idle))
    return rows


class TestSitePolicies:
    """judge_tables under a SiteActivityPolicy gives judge_portfolio's lights and idle spans."""

    @given(ledgers(), as_of_dates, st.integers(1, 5), st.none() | st.integers(6, 9))
    def test_same_verdicts(self, portfolio, as_of, yellow, red):
        policy = SiteActivityPolicy(yellow_after_days=yellow, red_after_days=red)
        expected = site_object_rows(portfolio, as_of, policy)
        assert expected == site_engine_rows(portfolio, as_of, policy)

    def test_sample_city(self):
        ledger = sample_portfolio()
        policy = SiteActivityPolicy.ningbo_video()
        expected = site_object_rows(ledger, SAMPLE_AS_OF, policy)
        assert expected == site_engine_rows(ledger, SAMPLE_AS_OF, policy)


@st.composite
def worst_of_policies(draw: st.DrawFn) -> WorstOf:
    """A WorstOf of one to three of the engine's policies, one of them a WorstOf at times."""
    leaf = policies
    member = leaf | st.lists(leaf, min_size=1, max_size=2).map(WorstOf)
    return WorstOf(draw(st.lists(member, min_size=1, max_size=3)))


@st.composite
def ledgers_some_unplanned(draw: st.DrawFn) -> Portfolio:
    """``ledgers()`` where some projects lack an annual plan too: the gap policy's error."""
    portfolio = draw(ledgers())
    unplanned = [draw(st.booleans()) for _ in portfolio.projects]
    return Portfolio(
        projects=tuple(
            attrs.evolve(p, annual_plans={}) if drop else p
            for p, drop in zip(portfolio.projects, unplanned, strict=True)
        )
    )


def raised(call) -> tuple[type, str] | None:
    """The type and message of the ValidationError ``call`` raises, or None."""
    try:
        call()
    except ValidationError as error:
        return type(error), str(error)
    return None


def severity(row: dict) -> Fraction:
    return Fraction(row["severity_numerator"]) / Fraction(row["severity_denominator"])


def worst_engine_rows(frames) -> list[tuple]:
    return [
        (r["key"], r["light"], r["reason"], severity(r), r["stage"])
        for r in frames.verdicts.iter_rows(named=True)
    ]


def worst_object_rows(portfolio: Portfolio, as_of: dt.date, policy: WorstOf) -> list[tuple]:
    rollup = judge_portfolio(portfolio, as_of, policy, lenient=True)
    return [
        (
            v.project,
            None if v.light is None else v.light.value,
            v.reasons[0].code,
            v.severity,
            portfolio.project(v.project).stage_at(as_of).value,
        )
        for v in rollup.verdicts
    ]


class TestWorstOf:
    """judge_tables, light_map_table and verdicts_of under a WorstOf are the object rules'."""

    @given(ledgers_some_unplanned(), as_of_dates, worst_of_policies())
    def test_same_verdicts(self, portfolio, as_of, policy):
        """Lights, first reasons, severities; each policy's reason rows, in ledger order."""
        frames = judge_tables(from_portfolio(portfolio), as_of, policy, lenient=True)
        assert worst_object_rows(portfolio, as_of, policy) == worst_engine_rows(frames)
        shown = frames.verdicts.filter(pl.col("reason") != "no_plan")["key"].to_list()
        expected = [
            row
            for key in shown
            for part in frames.parts
            for row in _reason_rows(part.reasons.filter(pl.col("key") == key), part.policy)
        ]
        assert expected == _reason_rows(frames.reasons)

    @given(ledgers_some_unplanned(), as_of_dates, worst_of_policies())
    def test_same_error_when_not_lenient(self, portfolio, as_of, policy):
        expected = raised(lambda: judge_portfolio(portfolio, as_of, policy))
        assert expected == raised(lambda: judge_tables(from_portfolio(portfolio), as_of, policy))

    @given(ledgers_some_unplanned(), as_of_dates, worst_of_policies())
    def test_verdicts_of_are_the_object_verdicts(self, portfolio, as_of, policy):
        tables = from_portfolio(portfolio)
        frames = judge_tables(tables, as_of, policy, lenient=True)
        rollup = judge_portfolio(portfolio, as_of, policy, lenient=True)
        expected = {v.project: v for v in rollup.verdicts}
        keys = [k for k, light in frames.verdicts.select("key", "light").rows() if light][::-1]
        assert verdicts_of(tables, frames, keys, policy) == tuple(expected[k] for k in keys)

    @given(ledgers_some_unplanned(), as_of_dates, policies | worst_of_policies())
    def test_same_light_map(self, portfolio, as_of, policy):
        reference = light_map(portfolio, YEAR, policy, lenient=True)
        last = last_complete_month(as_of)
        ended = [m for m in MONTHS if m <= last]
        expected = [
            (p.key, *(None if (x := reference.light(p.key, m)) is None else x.value for m in ended))
            for p in portfolio.projects
        ]
        table = light_map_table(from_portfolio(portfolio), as_of, policy)
        assert ["key", *map(str, ended)] == table.columns
        assert expected == table.rows()

    @given(
        ledgers_some_unplanned(),
        as_of_dates,
        policies,
        policies,
        st.sampled_from([NodePolicy.dalian(), SiteActivityPolicy.ningbo_video(red_after_days=9)]),
    )
    def test_nesting_keeps_the_verdicts(self, portfolio, as_of, a, b, c):
        """Worst of (worst of a, b), c is worst of a, b, c: lights, reasons, severities.

        (The light map of nested policies is in test_same_light_map.)
        """
        flat = WorstOf((a, b, c))
        nested = WorstOf((WorstOf((a, b)), c))
        tables = from_portfolio(portfolio)
        one, other = (judge_tables(tables, as_of, p, lenient=True) for p in (flat, nested))
        assert one.verdicts.equals(other.verdicts)
        assert one.reasons.equals(other.reasons)

    @pytest.mark.parametrize(
        "policy",
        [
            WorstOf((LagPolicy.ningbo(), NodePolicy.dalian())),
            WorstOf((GapPolicy.yinchuan(), NodePolicy.dalian(), SiteActivityPolicy.ningbo_video())),
            WorstOf((WorstOf((LagPolicy.ningbo(), GapPolicy.sanya())), NodePolicy.dalian())),
        ],
        ids=["ningbo", "gap_node_site", "nested"],
    )
    def test_sample_city(self, policy):
        ledger = sample_portfolio()
        expected = worst_object_rows(ledger, SAMPLE_AS_OF, policy)
        frames = judge_tables(from_portfolio(ledger), SAMPLE_AS_OF, policy, lenient=True)
        assert (frames.policy, expected) == (policy.name, worst_engine_rows(frames))
        assert {"red", "yellow", None} <= {row[1] for row in expected}

    def test_largest_decides_near_quotients_exactly(self):
        money = pl.Decimal(38, 12)
        rows = pl.DataFrame(
            [
                ("third", Decimal("0.333333333333"), Decimal(1)),  # a trillionth below 1/3
                ("third", Decimal(1), Decimal(3)),
                ("whole", Decimal(10**12), Decimal(1)),
                ("whole", Decimal(10**12 + 1), Decimal(1)),  # within 1e-9, exact as floats
                ("equal", Decimal(2), Decimal(6)),
                ("equal", Decimal(1), Decimal(3)),  # the same value: the first row wins
            ],
            schema={"key": pl.String, "num": money, "den": money},
            orient="row",
        )
        got = {k: (n, d) for k, n, d in _largest(rows).rows()}
        assert got == {
            "third": (Decimal(1), Decimal(3)),
            "whole": (Decimal(10**12 + 1), Decimal(1)),
            "equal": (Decimal(2), Decimal(6)),
        }

    def test_a_policy_of_ones_own_is_refused_by_name(self):
        class Mine:
            name = "mine"

            def judge(self, project, as_of, /):
                return NodePolicy.dalian().judge(project, as_of)

        policy = WorstOf((LagPolicy.ningbo(), WorstOf((Mine(),))))
        tables = from_portfolio(sample_portfolio())
        for call in (judge_tables, light_map_table):
            with pytest.raises(
                PolicyError, match=r"and the worst of them; use the object .*'mine'"
            ):
                call(tables, SAMPLE_AS_OF, policy)

    def test_frames_of_another_policy_are_refused(self):
        tables = from_portfolio(sample_portfolio())
        policy = WorstOf((LagPolicy.ningbo(), NodePolicy.dalian()))
        frames = judge_tables(tables, SAMPLE_AS_OF, policy, lenient=True)
        other = judge_tables(tables, SAMPLE_AS_OF, WorstOf((LagPolicy.ningbo(),)), lenient=True)
        keys = frames.verdicts.filter(pl.col("light").is_not_null())["key"].to_list()[:1]
        assert verdicts_of(tables, frames, keys, policy)
        with pytest.raises(ValidationError, match="frames: expected the judge_tables frames of"):
            verdicts_of(tables, other, keys, policy)


def _reason_rows(frame, policy: str | None = None) -> list[tuple]:
    """Key, policy, code and the month or milestone named, of each reason row."""
    return [
        (r["key"], r.get("policy", policy), r.get("code"), r.get("month"), r.get("name"))
        for r in frame.iter_rows(named=True)
    ]
