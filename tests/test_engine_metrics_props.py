"""The engine's investment figures equal the object metrics on generated ledgers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from projpush.engine import from_portfolio
from projpush.engine.metrics import AMOUNTS, group_table, investment_table
from projpush.errors import ValidationError
from projpush.metrics import GroupBy, group_figures, investment
from projpush.synth import SAMPLE_AS_OF, sample_portfolio
from strategies_engine import ledgers_and_dates


def amounts(inv) -> tuple:
    return (inv.annual_plan, inv.done_to_date, inv.done_in_month, inv.done_last_year)


class TestInvestmentTable:
    """investment_table gives investment() of each project, to the last digit."""

    @given(ledgers_and_dates())
    def test_each_project(self, case):
        portfolio, as_of = case
        table = investment_table(from_portfolio(portfolio), as_of)
        rows = table.iter_rows(named=True)
        for p, row in zip(portfolio.projects, rows, strict=True):
            inv = investment([p], as_of)
            assert (p.key, inv.projects == 1, *amounts(inv)) == (
                row["key"],
                row["planned"],
                *(row[c] for c in AMOUNTS),
            )
            assert p.stage_at(as_of).value == row["stage"]

    def test_sample_city_totals(self):
        ledger = sample_portfolio()
        table = investment_table(from_portfolio(ledger), SAMPLE_AS_OF)
        inv = investment(ledger.projects, SAMPLE_AS_OF)
        assert amounts(inv) == tuple(table[c].sum() for c in AMOUNTS)
        assert inv.projects == table["planned"].sum()


class TestGroupTable:
    """group_table gives group_figures for every dimension, leaders' overlaps included."""

    @given(ledgers_and_dates(), st.sampled_from(list(GroupBy)))
    def test_every_group(self, case, by):
        portfolio, as_of = case
        expected = [
            (
                g.key,
                g.members,
                g.investment.projects,
                *amounts(g.investment),
                g.nodes_due,
                g.nodes_done,
            )
            for g in group_figures(portfolio, by, as_of)
        ]
        table = group_table(from_portfolio(portfolio), by, as_of)
        assert expected == table.rows()

    def test_sample_city_regions(self):
        ledger = sample_portfolio()
        groups = group_figures(ledger, "region", SAMPLE_AS_OF)
        table = group_table(from_portfolio(ledger), "region", SAMPLE_AS_OF)
        assert [g.key for g in groups] == table["region"].to_list()
        assert [g.investment.done_to_date for g in groups] == table["done_to_date"].to_list()

    def test_bad_dimension(self):
        with pytest.raises(ValidationError, match="by: expected one of"):
            group_table(from_portfolio(sample_portfolio()), "district", SAMPLE_AS_OF)
