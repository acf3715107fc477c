"""Property tests for projpush.metrics: order invariance, partitions, half-up rounding."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from projpush._convert import FrozenMap
from projpush._fmt import half_up
from projpush.metrics import (
    GroupBy,
    Investment,
    Ratio,
    _done_sums,
    _done_sums_by_month,
    _parts_by_rows,
    _parts_in_one_pass,
    group_figures,
    investment,
    rank,
    time_schedule,
)
from projpush.model import Month, Portfolio
from strategies_metrics import month_amounts, project_lists, report_dates, summary_portfolios


def _figures(groups: tuple) -> list[tuple]:
    return [(g.key, g.members, g.investment, g.nodes_due, g.nodes_done) for g in groups]


class TestOrderInvariance:
    """Rates do not depend on the order of projects."""

    @given(project_lists(), report_dates, st.randoms(use_true_random=False))
    def test_investment(self, projects, as_of, rnd):
        """Shuffling the projects leaves every sum and rate unchanged."""
        shuffled = list(projects)
        rnd.shuffle(shuffled)
        assert investment(projects, as_of) == investment(shuffled, as_of)

    @given(project_lists(), report_dates, st.randoms(use_true_random=False))
    def test_groups(self, projects, as_of, rnd):
        """Group tables are the same for any order of the ledger."""
        shuffled = list(projects)
        rnd.shuffle(shuffled)
        for by in ("region", "unit", "level", "category", "stage"):
            assert _figures(group_figures(Portfolio(projects=tuple(projects)), by, as_of)) == (
                _figures(group_figures(Portfolio(projects=tuple(shuffled)), by, as_of))
            )

    @given(st.lists(st.tuples(st.integers(0, 50), st.integers(0, 50)), max_size=8))
    def test_ranking(self, pairs):
        """A ranking does not depend on the input order."""
        items = [(f"k{i}", Ratio(a, b)) for i, (a, b) in enumerate(pairs)]
        assert rank(items) == rank(list(reversed(items)))


class TestPartition:
    """Summing a partition of the portfolio gives the totals of the whole."""

    @given(project_lists(), report_dates, st.data())
    def test_two_parts(self, projects, as_of, data):
        """investment(A) + investment(B) == investment(A ∪ B)."""
        cut = data.draw(st.integers(0, len(projects)))
        assert investment(projects[:cut], as_of) + investment(projects[cut:], as_of) == (
            investment(projects, as_of)
        )

    @given(project_lists(), report_dates)
    def test_groups_sum_to_whole(self, projects, as_of):
        """The region groups add up to the whole portfolio (each project is in one region)."""
        groups = group_figures(Portfolio(projects=tuple(projects)), "region", as_of)
        total = sum((g.investment for g in groups), Investment())
        assert investment(projects, as_of) == total

    @given(project_lists(), report_dates)
    def test_group_rate_is_pooled(self, projects, as_of):
        """A group's completion is its summed done over its summed plan."""
        for g in group_figures(Portfolio(projects=tuple(projects)), "unit", as_of):
            members = [p for p in projects if p.unit == g.key]
            assert Ratio.pooled(investment([p], as_of).completion for p in members).value == (
                g.completion.value
            )


class TestHalfUp:
    """x.x5 always rounds away from zero."""

    @given(st.integers(-(10**9), 10**9), st.integers(0, 6))
    def test_tie_away_from_zero(self, whole, places):
        """A value ending in 5 one place beyond ``places`` rounds away from zero."""
        tie = (Decimal(whole) * 10 + 5).scaleb(-(places + 1))
        expected = (abs(tie) + Decimal(5).scaleb(-(places + 1))).quantize(
            Decimal(1).scaleb(-places)
        )
        expected = expected.copy_sign(tie) if tie < 0 else expected
        assert expected == half_up(tie, places)

    @given(st.decimals(min_value=-(10**6), max_value=10**6, places=4, allow_nan=False))
    def test_symmetric(self, value):
        """Rounding is symmetric about zero."""
        assert -half_up(value, 2) == half_up(-value, 2)

    @given(st.decimals(min_value=-(10**6), max_value=10**6, places=4, allow_nan=False))
    def test_close(self, value):
        """The rounded value is within half a unit of the last place."""
        assert abs(half_up(value, 2) - value) <= Decimal("0.005")


class TestOnePass:
    """The summary's one-pass figures equal the reference computation, rule by rule."""

    @given(summary_portfolios(), report_dates)
    def test_same_as_reference(self, projects, as_of):
        """_parts_in_one_pass gives exactly what the public rules give."""
        folio = Portfolio(projects=tuple(projects))
        schedule = time_schedule(as_of)
        wanted = set(GroupBy)
        expected = _parts_by_rows(folio, as_of, schedule, wanted)
        assert expected == _parts_in_one_pass(folio, as_of, schedule, wanted)

    @given(month_amounts(), st.integers(2019, 2021), st.integers(0, 12))
    def test_done_sums_paths_agree(self, done, year, through):
        """The sliced path of _done_sums adds the same amounts as the month-by-month one."""
        view = FrozenMap({Month.parse(k): v for k, v in done.items()}).view()
        assert _done_sums_by_month(view.items(), year, through) == _done_sums(view, year, through)
