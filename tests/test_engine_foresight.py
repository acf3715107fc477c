"""The table engine's forecast, pinned to the object forecast (projpush.foresight)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from strategies_engine import ledgers
from strategies_lights import gap_policies, lag_policies, policies

pytest.importorskip("polars")

from projpush.engine import from_portfolio
from projpush.engine.foresight import forecast_table
from projpush.errors import PolicyError, ValidationError
from projpush.foresight import Assumption, forecast_project
from projpush.lights import (
    GapPolicy,
    LagPolicy,
    LightPolicy,
    NodePolicy,
    SharePolicy,
    SiteActivityPolicy,
    WorstOf,
)
from projpush.synth import SAMPLE_AS_OF, sample_portfolio

if TYPE_CHECKING:
    from projpush.model import Portfolio


def expected_rows(
    portfolio: Portfolio, as_of: dt.date, policy: LightPolicy, months: int
) -> list[Any]:
    """The object forecast's rows: key, light now, each outlook's light, both efforts."""
    rows = []
    for p in portfolio.projects:
        f = forecast_project(p, as_of, policy, months=months)
        lights = [o.light.value if o.light else None for o in f.outlooks]
        efforts = [
            (e.judged, e.possible, e.amount if e.possible else None, list(e.milestones))
            for e in f.efforts
        ]
        rows.append((p.key, f.now.light.value if f.now.light else None, *lights, *efforts))
    return rows


def engine_rows(
    portfolio: Portfolio, as_of: dt.date, policy: LightPolicy, months: int
) -> list[Any]:
    """The engine frame's rows, in the same shape."""
    frame = forecast_table(from_portfolio(portfolio), as_of, policy, months=months)
    rows = []
    for r in frame.iter_rows(named=True):
        lights = [v for k, v in r.items() if k.endswith(tuple(f" {a.value}" for a in Assumption))]
        efforts = [
            (
                r[f"{c}_judged"],
                r[f"{c}_possible"],
                r[f"{c}_amount"],
                [(m["name"], m["by"]) for m in r[f"{c}_milestones"]],
            )
            for c in ("yellow", "red")
        ]
        rows.append((r["key"], r["now"], *lights, *efforts))
    return rows


class TestForecastTable:
    """The engine's forecast is the object forecast, light for light and amount for amount."""

    def test_sample_city(self) -> None:
        """The sample city at the end of October."""
        portfolio = sample_portfolio()
        policy = LagPolicy.ningbo()
        assert expected_rows(portfolio, SAMPLE_AS_OF, policy, 2) == engine_rows(
            portfolio, SAMPLE_AS_OF, policy, 2
        )

    @given(
        ledgers(),
        st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2020, 12, 31)),
        lag_policies(),
        st.integers(1, 3),
    )
    def test_same_as_the_objects(
        self, portfolio: Portfolio, as_of: dt.date, policy: LagPolicy, months: int
    ) -> None:
        """Any ledger, date, lag policy and horizon: the same rows."""
        assert expected_rows(portfolio, as_of, policy, months) == engine_rows(
            portfolio, as_of, policy, months
        )

    @pytest.mark.parametrize(
        "policy", [GapPolicy.yinchuan(), GapPolicy.sanya()], ids=lambda p: p.name
    )
    def test_sample_city_gap(self, policy: GapPolicy) -> None:
        """Yinchuan's and Sanya's gap rules, column-wise, on the sample city."""
        portfolio = sample_portfolio()
        rows = engine_rows(portfolio, SAMPLE_AS_OF, policy, 2)
        assert expected_rows(portfolio, SAMPLE_AS_OF, policy, 2) == rows
        yellow = [r[-2] for r in rows]
        if policy.name == "yinchuan":  # some project needs an amount to leave yellow
            assert any(possible and amount for _, possible, amount, _ in yellow)
        else:  # Sanya judges the month before: this month's amount moves nothing
            assert any(judged and not possible for judged, possible, _, _ in yellow)

    @given(
        ledgers(),
        st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2020, 12, 31)),
        gap_policies(),
        st.integers(1, 3),
    )
    def test_gap_same_as_the_objects(
        self, portfolio: Portfolio, as_of: dt.date, policy: GapPolicy, months: int
    ) -> None:
        """Any ledger, date, gap policy (either measure, either cutoff) and horizon."""
        assert expected_rows(portfolio, as_of, policy, months) == engine_rows(
            portfolio, as_of, policy, months
        )

    @pytest.mark.parametrize(
        "policy",
        [
            NodePolicy.dalian(),
            SiteActivityPolicy.ningbo_video(red_after_days=14),
            WorstOf((LagPolicy.ningbo(), NodePolicy.dalian())),
            SharePolicy.wuhan(),
        ],
        ids=lambda p: p.name,
    )
    def test_other_policies_fall_back(self, policy: LightPolicy) -> None:
        """Node, site, worst-of and share policies: the object forecast, in the same frame."""
        portfolio = sample_portfolio()
        rows = engine_rows(portfolio, SAMPLE_AS_OF, policy, 2)
        assert expected_rows(portfolio, SAMPLE_AS_OF, policy, 2) == rows
        if isinstance(policy, NodePolicy):
            assert any(r[-1][3] for r in rows)  # node tasks to finish, with their dates

    @given(
        ledgers(),
        st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2020, 12, 31)),
        policies,
    )
    def test_any_policy(self, portfolio: Portfolio, as_of: dt.date, policy: LightPolicy) -> None:
        """Whatever the policy and the route it takes, the frame is the object forecast's."""
        assert expected_rows(portfolio, as_of, policy, 2) == engine_rows(
            portfolio, as_of, policy, 2
        )

    def test_gap_beyond_the_engine_falls_back(self) -> None:
        """A threshold the engine cannot judge exactly goes the object route, not refused."""
        policy = GapPolicy(yellow_at=Fraction(1, 3 * 10**4), red_at=Fraction(50))
        portfolio = sample_portfolio()
        assert expected_rows(portfolio, SAMPLE_AS_OF, policy, 1) == engine_rows(
            portfolio, SAMPLE_AS_OF, policy, 1
        )

    def test_not_a_policy(self) -> None:
        """Something else where the policy belongs is named."""
        with pytest.raises(PolicyError, match="policy: expected a LightPolicy"):
            forecast_table(from_portfolio(sample_portfolio()), SAMPLE_AS_OF, "ningbo")  # type: ignore[arg-type]

    def test_months(self) -> None:
        """Months from 1 to 12."""
        with pytest.raises(ValidationError, match="months: expected a whole number of months"):
            forecast_table(from_portfolio(sample_portfolio()), SAMPLE_AS_OF, months=0)
