"""integrity_report's monthly-plan sums against the plain fold over the months."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from projpush._convert import FrozenMap
from projpush.model import Month, _monthly_sums

months = st.builds(Month, st.integers(2018, 2022), st.integers(1, 12))
amounts = st.decimals(
    min_value=0, max_value=10**15, places=12, allow_nan=False, allow_infinity=False
)


def plain_sums(plan: FrozenMap[Month, Decimal]) -> dict[int, Decimal]:
    """Each year's months added from zero in month order, one pass."""
    by_year: dict[int, Decimal] = {}
    for month, amount in plan.items():
        by_year[month.year] = by_year.get(month.year, Decimal(0)) + amount
    return by_year


class TestMonthlySums:
    """Summing a one-year plan in one go equals adding its months one by one."""

    @given(st.dictionaries(months, amounts, max_size=30))
    def test_equals_plain_fold(self, plan: dict[Month, Decimal]) -> None:
        """Same years and the same sums, digit for digit, for plans over one or many years."""
        frozen = FrozenMap(plan)
        expected = plain_sums(frozen)
        actual = _monthly_sums(frozen)
        assert expected == actual
        assert [str(v) for v in expected.values()] == [str(v) for v in actual.values()]
