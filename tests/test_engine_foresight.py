"""The table engine's forecast, pinned to the object forecast (projpush.foresight)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from strategies_engine import ledgers
from strategies_lights import lag_policies

pytest.importorskip("polars")

from projpush.engine import from_portfolio
from projpush.engine.foresight import forecast_table
from projpush.errors import PolicyError, ValidationError
from projpush.foresight import Assumption, forecast_project
from projpush.lights import GapPolicy, LagPolicy
from projpush.synth import SAMPLE_AS_OF, sample_portfolio

if TYPE_CHECKING:
    from projpush.model import Portfolio


def expected_rows(
    portfolio: Portfolio, as_of: dt.date, policy: LagPolicy, months: int
) -> list[Any]:
    rows = []
    for p in portfolio.projects:
        f = forecast_project(p, as_of, policy, months=months)
        lights = [o.light.value if o.light else None for o in f.outlooks]
        efforts = [(e.judged, e.amount if e.judged else None) for e in f.efforts]
        rows.append((p.key, f.now.light.value if f.now.light else None, *lights, *efforts))
    return rows


def engine_rows(portfolio: Portfolio, as_of: dt.date, policy: LagPolicy, months: int) -> list[Any]:
    frame = forecast_table(from_portfolio(portfolio), as_of, policy, months=months)
    rows = []
    for r in frame.iter_rows(named=True):
        lights = [v for k, v in r.items() if k.endswith(tuple(a.value for a in Assumption))]
        efforts = [
            (r["yellow_judged"], r["yellow_amount"]),
            (r["red_judged"], r["red_amount"]),
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

    def test_only_lag_policies(self) -> None:
        """A gap policy forecasts on the object route: said, not guessed."""
        with pytest.raises(PolicyError, match="policy: expected a LagPolicy"):
            forecast_table(from_portfolio(sample_portfolio()), SAMPLE_AS_OF, GapPolicy.yinchuan())

    def test_months(self) -> None:
        """Months from 1 to 12."""
        with pytest.raises(ValidationError, match="months: expected a whole number of months"):
            forecast_table(from_portfolio(sample_portfolio()), SAMPLE_AS_OF, months=0)
