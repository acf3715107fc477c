"""The report on tables is the report on objects: the same text, JSON and CSV, byte for byte."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from projpush.engine import (
    build_report_tables,
    from_portfolio,
    judge_tables,
    to_portfolio,
    verdicts_of,
)
from projpush.errors import PolicyError, ProjpushError, UnknownReferenceError, ValidationError
from projpush.lights import (
    GapPolicy,
    LagPolicy,
    NodePolicy,
    Requirement,
    WorstOf,
    judge_portfolio,
)
from projpush.report import POLICY_SETS, PolicySet, build_report, policy_set, render
from projpush.synth import CALENDAR_2020, SAMPLE_AS_OF, sample_portfolio
from strategies_engine import ledgers_and_dates, with_problems
from strategies_escalation import CAL
from test_engine_escalation_props import problem_lists

if TYPE_CHECKING:
    import datetime as dt

    from projpush.model import Portfolio
    from projpush.report import SupervisionReport

# The sets whose light policy the engine does not compute: their reports go the object way.
OBJECT_ROUTE = ("wuhan", "xinhuang")
FORMATS = [(fmt, lang) for fmt in ("text", "json", "csv", "csv-fields") for lang in ("zh", "en")]


def printed(build: Any, *args: Any, **kwargs: Any) -> Any:
    """Every rendering of the report ``build`` makes, or the type and message of its error."""
    try:
        report: SupervisionReport = build(*args, **kwargs)
    except ProjpushError as error:
        return type(error), str(error)
    return [render(report, fmt=fmt, lang=lang) for fmt, lang in FORMATS]


def both(portfolio: Portfolio, as_of: dt.date, **options: Any) -> tuple[Any, Any]:
    """The object report of the ledger the tables hold, and the report on the tables."""
    tables = from_portfolio(portfolio)
    ledger = to_portfolio(tables)  # amounts as the tables hold them (no trailing zeros)
    return (
        printed(build_report, ledger, as_of, **options),
        printed(build_report_tables, tables, as_of, **options),
    )


@attrs.frozen
class NodesOfMine:
    """A light policy of one's own: Dalian's node rule under another name."""

    name: str = "nodes_of_mine"

    def judge(self, project: Any, as_of: dt.date, /) -> Any:
        return attrs.evolve(NodePolicy.dalian().judge(project, as_of), policy=self.name)


class TestSameReport:
    """build_report_tables prints what build_report prints, under every policy set."""

    @pytest.mark.parametrize("name", sorted(POLICY_SETS))
    def test_sample_city(self, name: str) -> None:
        expected, got = both(sample_portfolio(), SAMPLE_AS_OF, policy=name, calendar=CALENDAR_2020)
        assert isinstance(expected, list)
        assert got == expected

    @given(
        ledgers_and_dates(),
        problem_lists(),
        st.sampled_from(sorted(POLICY_SETS)),
        st.integers(0, 120),
        st.booleans(),
    )
    def test_generated_ledgers(
        self,
        drawn: tuple[Portfolio, dt.date],
        problems: tuple[Any, dt.date],
        name: str,
        later: int,
        advance: bool,
    ) -> None:
        """Ledgers with gaps, stage changes and missing plans, and issues that climb the ladder."""
        ledger, as_of = with_problems(drawn, problems, later)
        expected, got = both(ledger, as_of, policy=name, calendar=CAL, advance=advance)
        assert got == expected

    @given(
        ledgers_and_dates(),
        problem_lists(),
        st.sampled_from([Requirement.MONTHLY, Requirement.CUMULATIVE]),
        st.integers(0, 120),
    )
    def test_policy_of_ones_own(
        self,
        drawn: tuple[Portfolio, dt.date],
        problems: tuple[Any, dt.date],
        need: Requirement,
        later: int,
    ) -> None:
        """A PolicySet of one's own: another tolerance and requirement, and a revised ladder.

        Issues that record no version are advanced under it, the others under theirs.
        """
        default = policy_set("default")
        mine = PolicySet(
            "mine",
            LagPolicy(tolerance="0.85", requirement=need, name="mine"),
            default.escalation.revise(general_days=3),
            "tolerance 0.85",
        )
        expected, got = both(*with_problems(drawn, problems, later), policy=mine, calendar=CAL)
        assert got == expected

    def test_tables_path_keeps_no_objects(self) -> None:
        report = build_report_tables(from_portfolio(sample_portfolio()), SAMPLE_AS_OF)
        assert (report.lights, report.issues, report.light_map) == (None, None, None)
        assert [v.light.value for v in report.red] == ["red"] * 5  # type: ignore[union-attr]

    @pytest.mark.parametrize("name", sorted(set(POLICY_SETS) - set(OBJECT_ROUTE)))
    def test_every_policy_set_on_the_engine(self, name: str) -> None:
        """``lights`` is None only on the engine path: ningbo's WorstOf is judged on the tables."""
        tables = from_portfolio(sample_portfolio())
        report = build_report_tables(tables, SAMPLE_AS_OF, policy=name, calendar=CALENDAR_2020)
        assert report.lights is None

    def test_worst_of_a_policy_of_ones_own_on_objects(self) -> None:
        """A WorstOf holding a policy the engine does not compute is judged as objects."""
        default = policy_set("default")
        lights = WorstOf((LagPolicy.ningbo(), WorstOf((NodesOfMine(),))))
        mine = PolicySet("mine", lights, default.escalation, "lag, and nodes of one's own")
        expected, got = both(sample_portfolio(), SAMPLE_AS_OF, policy=mine, calendar=CALENDAR_2020)
        assert got == expected
        tables = from_portfolio(sample_portfolio())
        report = build_report_tables(tables, SAMPLE_AS_OF, policy=mine, calendar=CALENDAR_2020)
        assert report.lights is not None

    def test_progress_told_in_order(self) -> None:
        told: list[tuple[str, int, int]] = []
        tables = from_portfolio(sample_portfolio())
        build_report_tables(tables, SAMPLE_AS_OF, progress=lambda *step: told.append(step))
        assert told == [("issues", 0, 3), ("lights", 1, 3), ("figures", 2, 3), ("done", 3, 3)]


class TestErrors:
    """Bad arguments are refused as the object report refuses them, word for word."""

    @pytest.mark.parametrize(
        ("options", "error", "message"),
        [
            ({"policy": "tianjin"}, UnknownReferenceError, "policy: expected one of"),
            ({"policy": 3}, PolicyError, "policy: expected a POLICY_SETS name or a PolicySet"),
        ],
    )
    def test_bad_policy(self, options: dict[str, Any], error: type, message: str) -> None:
        expected, got = both(sample_portfolio(), SAMPLE_AS_OF, **options)
        assert got == expected
        assert got[0] is error
        assert message in got[1]

    def test_bad_advance(self) -> None:
        expected, got = both(sample_portfolio(), SAMPLE_AS_OF, advance="no")
        assert got == expected == (ValidationError, "advance: expected True or False, got 'no'")

    def test_bad_date(self) -> None:
        expected, got = both(sample_portfolio(), "2020-10-31")  # type: ignore[arg-type]
        assert got == expected == (ValidationError, got[1])
        assert "as_of" in got[1]


class TestVerdictsOf:
    """verdicts_of gives the object verdicts of the chosen judged projects."""

    @given(
        ledgers_and_dates(),
        st.sampled_from(
            [
                None,
                LagPolicy.ningbo(tolerance="0.9"),
                GapPolicy.yinchuan(),
                WorstOf((LagPolicy.ningbo(), NodePolicy.dalian())),
            ]
        ),
    )
    def test_equals_judge_portfolio(self, drawn: tuple[Portfolio, dt.date], policy: Any) -> None:
        portfolio, as_of = drawn
        tables = from_portfolio(portfolio)
        try:
            expected = judge_portfolio(to_portfolio(tables), as_of, policy, lenient=True)
        except ProjpushError:
            return  # a date the rules refuse: judge_tables's own tests cover it
        frames = judge_tables(tables, as_of, policy, lenient=True)
        keys = frames.verdicts.filter(pl.col("light").is_not_null())["key"].to_list()
        judged = {v.project: v for v in expected.verdicts if v.light is not None}
        assert verdicts_of(tables, frames, keys[::-1], policy) == tuple(
            judged[k] for k in keys[::-1]
        )

    def test_node_policy_by_the_object_rule(self) -> None:
        ledger = sample_portfolio()
        tables = from_portfolio(ledger)
        frames = judge_tables(tables, SAMPLE_AS_OF, NodePolicy.dalian(), lenient=True)
        key = frames.verdicts.filter(pl.col("light").is_not_null())["key"][0]
        (verdict,) = verdicts_of(tables, frames, [key], NodePolicy.dalian())
        assert verdict == NodePolicy.dalian().judge(to_portfolio(tables).project(key), SAMPLE_AS_OF)

    def test_key_not_judged_named(self) -> None:
        tables = from_portfolio(sample_portfolio())
        frames = judge_tables(tables, SAMPLE_AS_OF, lenient=True)
        unjudged = frames.verdicts.filter(pl.col("light").is_null())["key"][0]
        with pytest.raises(
            ValidationError, match=r"keys: expected keys of projects judged in frames, got '"
        ):
            verdicts_of(tables, frames, [unjudged])
