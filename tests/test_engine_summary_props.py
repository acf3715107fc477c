"""The engine's monthly summary equals the object rule's, figure for figure and word for word."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from projpush.engine import (
    from_issues,
    from_portfolio,
    issue_figures_table,
    judge_tables,
    monthly_summary_tables,
    to_portfolio,
)
from projpush.errors import PolicyError, ProjpushError, ValidationError
from projpush.escalation import PolicyBook, advance_all
from projpush.lights import judge_portfolio
from projpush.metrics import DeadlineBasis, GroupBy, issue_figures, monthly_summary
from projpush.schedule import china_calendar
from projpush.synth import SAMPLE_AS_OF, sample_portfolio
from strategies_engine import ledgers_and_dates, with_problems
from strategies_escalation import CAL, POLICIES
from test_engine_escalation_props import problem_lists

if TYPE_CHECKING:
    from collections.abc import Callable

    from projpush.metrics import MonthlySummary
    from projpush.model import Portfolio

BOOK = PolicyBook(POLICIES)


def outcome(run: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """What ``run`` returns, or the type and message of the error it raises."""
    try:
        return run(*args, **kwargs)
    except ProjpushError as error:
        return type(error), str(error)


def rendered(summary: MonthlySummary) -> tuple[MonthlySummary, str, str, str]:
    """The summary, and its JSON, English and Chinese text: equal values must print the same."""
    return (
        summary,
        json.dumps(summary.to_dict(), ensure_ascii=False, sort_keys=True),
        summary.to_text(lang="en"),
        summary.to_text(lang="zh"),
    )


def both(portfolio: Portfolio, as_of: dt.date, **options: Any) -> tuple[Any, Any]:
    """The object rule's summary of the ledger the tables hold, and the engine's."""
    tables = from_portfolio(portfolio)
    ledger = to_portfolio(tables)  # amounts as the tables hold them (no trailing zeros)
    verdicts = judge_portfolio(ledger, as_of, lenient=True).verdicts
    frames = judge_tables(tables, as_of, lenient=True)
    expected = outcome(
        lambda: rendered(monthly_summary(ledger, as_of, calendar=CAL, verdicts=verdicts, **options))
    )
    got = outcome(
        lambda: rendered(
            monthly_summary_tables(tables, as_of, calendar=CAL, lights=frames, **options)
        )
    )
    return expected, got


class TestSummary:
    """monthly_summary_tables is monthly_summary on the same ledger."""

    @given(ledgers_and_dates())
    def test_equals_monthly_summary(self, drawn: tuple[Portfolio, dt.date]) -> None:
        expected, got = both(*drawn)
        assert expected == got

    @given(ledgers_and_dates(), problem_lists(), st.integers(0, 120))
    def test_advance_first(
        self, drawn: tuple[Portfolio, dt.date], problems: tuple[Any, dt.date], later: int
    ) -> None:
        """With ``advance`` both bring the issues up to the date first, under the same book."""
        expected, got = both(*with_problems(drawn, problems, later), advance=BOOK)
        assert expected == got

    def test_bad_advance_named(self) -> None:
        expected, got = both(sample_portfolio(), SAMPLE_AS_OF, advance="ningbo")
        message = "advance: expected an EscalationPolicy, a PolicyBook or None, got 'ningbo'"
        assert expected == got == (PolicyError, message)

    @given(
        ledgers_and_dates(),
        st.sampled_from(["completion", "gap", "node_completion"]),
        st.sampled_from(["higher", "lower"]),
        st.lists(st.sampled_from(list(GroupBy)), max_size=3),
    )
    def test_options(
        self, drawn: tuple[Portfolio, dt.date], rank_by: str, better: str, group_by: list[GroupBy]
    ) -> None:
        """Rankings by another figure either way, and any choice of group tables."""
        expected, got = both(*drawn, rank_by=rank_by, better=better, group_by=group_by)
        assert expected == got

    def test_sample(self) -> None:
        """The sample ledger, lights judged by the engine itself."""
        tables = from_portfolio(sample_portfolio())
        expected = monthly_summary(to_portfolio(tables), SAMPLE_AS_OF, calendar=CAL)
        got = monthly_summary_tables(tables, SAMPLE_AS_OF, calendar=CAL)
        assert rendered(expected) == rendered(got)

    def test_without_lights(self) -> None:
        got = monthly_summary_tables(
            from_portfolio(sample_portfolio()), SAMPLE_AS_OF, calendar=CAL, judge_lights=False
        )
        assert got.lights is None

    def test_bad_dimension_named(self) -> None:
        with pytest.raises(ValidationError, match="by: expected one of"):
            monthly_summary_tables(
                from_portfolio(sample_portfolio()), SAMPLE_AS_OF, group_by=["city"]
            )


class TestIssueFigures:
    """issue_figures_table is issue_figures, on every window and basis."""

    @given(
        problem_lists(),
        st.integers(-60, 120),
        st.none() | st.integers(-400, 0),
        st.sampled_from(list(DeadlineBasis)),
        st.lists(st.sampled_from(["city", "county", "unit", "district"]), max_size=2, unique=True),
    )
    def test_equals_issue_figures(
        self,
        drawn: tuple[Any, dt.date],
        later: int,
        back: int | None,
        basis: DeadlineBasis,
        tiers: list[str],
    ) -> None:
        issues, last = drawn
        as_of = last + dt.timedelta(days=later)
        since = None if back is None else as_of + dt.timedelta(days=back)
        options = {"calendar": CAL, "since": since, "basis": basis, "tiers": tiers}
        assert outcome(issue_figures, issues, as_of, **options) == outcome(
            issue_figures_table, from_issues(issues), as_of, **options
        )

    @given(problem_lists(), st.integers(0, 90))
    def test_after_advancing(self, drawn: tuple[Any, dt.date], later: int) -> None:
        """Advanced issues (sheets, escalations to other tiers) count the same."""
        issues, last = drawn
        as_of = last + dt.timedelta(days=later)
        issues = advance_all(issues, as_of, BOOK, calendar=CAL)
        assert issue_figures(issues, as_of, calendar=CAL) == issue_figures_table(
            from_issues(issues), as_of, calendar=CAL
        )

    def test_bad_basis_named(self) -> None:
        with pytest.raises(ValidationError, match="basis: expected one of"):
            issue_figures_table(
                from_issues(()), SAMPLE_AS_OF, basis="latest", calendar=china_calendar()
            )
