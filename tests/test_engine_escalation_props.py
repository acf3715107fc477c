"""The engine's escalation equals the object rules on generated problem lists, row for row."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Final

import attrs
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from projpush.engine import (
    accountability_table,
    advance_tables,
    calendar_from_table,
    calendar_table,
    from_issues,
    history,
    open_table,
    overdue_table,
    status_table,
    unit_stats_table,
)
from projpush.engine import escalation as escalation_tables
from projpush.errors import (
    CalendarCoverageError,
    PolicyError,
    ProjpushError,
    UnknownReferenceError,
    ValidationError,
)
from projpush.escalation import (
    EscalationPolicy,
    PolicyBook,
    SheetPolicy,
    accountability_list,
    advance_all,
    assign,
    open_by_tier_and_colour,
    overdue,
    unit_stats,
)
from projpush.model import Issue
from projpush.schedule import HolidayCalendar, WeekdayCalendar
from projpush.synth import SAMPLE_AS_OF, sample_portfolio
from strategies_escalation import CAL, POLICIES, climbed, later_days

if TYPE_CHECKING:
    from collections.abc import Callable

    from projpush.engine import LedgerTables

BOOK = PolicyBook(POLICIES)


@st.composite
def problem_lists(draw: st.DrawFn) -> tuple[tuple[Issue, ...], dt.date]:
    """Up to five issues under the seeds' policies, and the last day any of them was touched."""
    issues, last = [], dt.date(2020, 1, 2)
    for i in range(draw(st.integers(0, 5))):
        h = draw(climbed())
        issues.append(attrs.evolve(h.issue, id=f"Q-{i}", project=f"P-{i % 2}"))
        last = max(last, h.last_day)
    return tuple(issues), last


def events_of(tables: LedgerTables) -> list[dict[str, Any]]:
    """The events table's rows, each issue's in ``seq`` order."""
    return pl.from_arrow(tables.issue_events).sort("issue", "seq").to_dicts()


def outcome(run: Callable[..., Any], *args: Any) -> Any:
    """What ``run(*args)`` returns, or the type and message of the error it raises."""
    try:
        return run(*args)
    except ProjpushError as error:
        return type(error), str(error)


def by_objects(issues: tuple[Issue, ...], day: dt.date, policy: Any, cal: Any = CAL) -> Any:
    """The events after the object rule advanced the issues."""
    return events_of(from_issues(advance_all(issues, day, policy, calendar=cal)))


def by_engine(issues: tuple[Issue, ...], day: dt.date, policy: Any, cal: Any = CAL) -> Any:
    """The events after the engine advanced the issues' tables."""
    return events_of(advance_tables(from_issues(issues), day, policy, calendar=cal))


class TestAdvance:
    """advance_tables appends exactly the events advance_all adds, with the same words."""

    @given(st.data(), problem_lists())
    def test_equals_advance_all(self, data: st.DataObject, drawn: tuple[Any, dt.date]) -> None:
        """Same events or same error, under a book or any one policy, on several days."""
        issues, last = drawn
        policy = data.draw(st.just(BOOK) | st.sampled_from(POLICIES))
        for day in data.draw(later_days(last - dt.timedelta(days=40))):
            assert outcome(by_objects, issues, day, policy) == outcome(
                by_engine, issues, day, policy
            )

    @given(problem_lists(), st.integers(0, 400))
    def test_other_calendars(self, drawn: tuple[Any, dt.date], later: int) -> None:
        """A calendar read from a table, and the Monday–Friday one whose years are all years."""
        issues, last = drawn
        day = last + dt.timedelta(days=later)
        table = calendar_from_table(calendar_table(CAL, range(2019, 2027)))
        for cal in (table, WeekdayCalendar()):
            assert outcome(by_objects, issues, day, BOOK, cal) == outcome(
                by_engine, issues, day, BOOK, cal
            )

    @given(problem_lists(), st.integers(-30, 90))
    def test_views_after_advance(self, drawn: tuple[Any, dt.date], later: int) -> None:
        """The tables advanced by the engine show the status and lists the object issues do."""
        issues, day = advanced(drawn, later)
        tables = advance_tables(from_issues(drawn[0]), day, BOOK, calendar=CAL)
        reference = from_issues(issues)
        assert status_table(tables).to_dicts() == status_table(reference).to_dicts()
        assert (
            overdue_table(tables, day, calendar=CAL).rows()
            == overdue_table(reference, day, calendar=CAL).rows()
        )
        assert open_table(tables).rows() == open_table(reference).rows()
        got = accountability_table(tables, day).rows()
        assert got == accountability_table(reference, day).rows()
        assert unit_stats_table(tables, day).rows() == unit_stats_table(reference, day).rows()

    @given(problem_lists(), st.randoms(use_true_random=False))
    def test_row_order_does_not_matter(self, drawn: tuple[Any, dt.date], rnd: Any) -> None:
        """Events in any row order, a partitioned dataset's say: ``seq`` orders them."""
        issues, last = drawn
        tables = from_issues(issues)
        order = list(range(tables.issue_events.num_rows))
        rnd.shuffle(order)
        shuffled = attrs.evolve(
            tables, issue_events=tables.issue_events.take(pa.array(order, pa.int64()))
        )
        assert status_table(shuffled).to_dicts() == status_table(tables).to_dicts()
        assert events_of(advance_tables(shuffled, last, BOOK, calendar=CAL)) == events_of(
            advance_tables(tables, last, BOOK, calendar=CAL)
        )

    def test_orphan_event_refused(self) -> None:
        """An event of an issue the issues table lacks: named, not dropped."""
        p = sample_portfolio()
        tables = from_issues(p.issues)
        orphaned = attrs.evolve(tables, issues=tables.issues.slice(1))
        with pytest.raises(
            ValidationError,
            match=r"issue_events\.issue: expected an id of the issues table, got 'Q-2020-001'",
        ):
            status_table(orphaned)

    def test_sample(self) -> None:
        """The sample ledger's issues, advanced to its report date."""
        p = sample_portfolio()
        policy = EscalationPolicy.ningbo()
        expected = from_issues(advance_all(p.issues, SAMPLE_AS_OF, policy, calendar=CAL))
        got = advance_tables(from_issues(p.issues), SAMPLE_AS_OF, policy, calendar=CAL)
        assert events_of(expected) == events_of(got)

    def test_nothing_due_returns_the_tables(self) -> None:
        """No issue being handled: the very tables come back."""
        tables = from_issues(())
        assert advance_tables(tables, SAMPLE_AS_OF, BOOK, calendar=CAL) is tables

    def test_other_policy_refused_naming_the_issue(self) -> None:
        """An issue assigned under Binzhou's policy, advanced under Ningbo's: the object's error."""
        q = assign(
            Issue.collect("Q-9", "P", category="land", title="t", on=dt.date(2020, 9, 1), by="s"),
            dt.date(2020, 9, 1),
            EscalationPolicy.binzhou(),
            by="o",
            calendar=CAL,
        )
        with pytest.raises(
            UnknownReferenceError, match=r"issue 'Q-9': assigned under policy 'binzhou@1'"
        ):
            advance_tables(
                from_issues([q]), dt.date(2020, 10, 1), EscalationPolicy.ningbo(), calendar=CAL
            )

    def test_calendar_end_refused(self) -> None:
        """A breach date past the calendar's last year: the object rule's coverage error."""
        cal = HolidayCalendar(range(2020, 2021), set(), set(), "2020 only")
        policy = EscalationPolicy.binzhou()
        q = Issue.collect("Q-1", "P", category="land", title="t", on=dt.date(2020, 12, 20), by="s")
        q = assign(q, dt.date(2020, 12, 21), policy, by="o", calendar=cal)
        with pytest.raises(CalendarCoverageError) as expected:
            advance_all([q], dt.date(2020, 12, 31), policy, calendar=cal)
        with pytest.raises(CalendarCoverageError) as got:
            advance_tables(from_issues([q]), dt.date(2020, 12, 31), policy, calendar=cal)
        assert str(got.value) == str(expected.value)
        assert "issue 'Q-1'" in str(got.value)

    def test_policy_beyond_the_arrays_refused(self) -> None:
        """Limits and shares the 64-bit arrays cannot hold are named, not overflowed."""
        issues = sample_portfolio().issues
        huge = attrs.evolve(EscalationPolicy.ningbo(), sheets=SheetPolicy(renewed_days=10**6))
        with pytest.raises(PolicyError, match=r"sheets\.renewed_days: expected at most 100000"):
            advance_tables(from_issues(issues), SAMPLE_AS_OF, huge, calendar=CAL)
        tiny = attrs.evolve(
            EscalationPolicy.ningbo(), sheets=SheetPolicy(warnings=(Fraction(1, 10**12),))
        )
        with pytest.raises(PolicyError, match=r"sheets\.warnings\[0\]: expected a share"):
            advance_tables(from_issues(issues), SAMPLE_AS_OF, tiny, calendar=CAL)

    def test_bad_arguments(self) -> None:
        """A date as text and a policy of another kind are refused, naming the argument."""
        tables = from_issues(())
        with pytest.raises(ValidationError, match="as_of: expected a date, got '2020-10-01'"):
            advance_tables(tables, "2020-10-01", BOOK, calendar=CAL)  # type: ignore[arg-type]
        with pytest.raises(
            PolicyError, match="policy: expected an EscalationPolicy or a PolicyBook"
        ):
            advance_tables(tables, SAMPLE_AS_OF, "ningbo", calendar=CAL)  # type: ignore[arg-type]


# The official calendar, and the same days with 2020 or 2021 held provisionally: the
# overdue counts read the same days, and the rows whose count reads that year are flagged.
_PROVISIONAL: Final = tuple(
    attrs.evolve(CAL, provisional_years=years) for years in ((), (2020,), (2021,))
)


def advanced(
    drawn: tuple[tuple[Issue, ...], dt.date], later: int
) -> tuple[tuple[Issue, ...], dt.date]:
    """The issues advanced by the object rule to a day some time after the last one touched."""
    issues, last = drawn
    day = last + dt.timedelta(days=later)
    return advance_all(issues, day, BOOK, calendar=CAL), day


class TestViews:
    """The views over tables equal the object views, row for row and in order."""

    @given(problem_lists(), st.integers(-30, 90))
    def test_status(self, drawn: tuple[Any, dt.date], later: int) -> None:
        issues, _ = advanced(drawn, later)
        rows = status_table(from_issues(issues)).to_dicts()
        for q, row in zip(issues, rows, strict=True):
            s = q.status
            assert row["id"] == q.id
            assert (row["state"], row["updated"], row["tier"], row["owner"]) == (
                s.state.value,
                s.updated,
                s.tier,
                s.owner,
            )
            assert (row["deadline"], row["sheet"], row["policy"], row["escalations"]) == (
                s.deadline,
                s.sheet and s.sheet.value,
                s.policy,
                s.escalations,
            )
            assert (row["party"], row["paused_from"]) == (
                s.party,
                s.paused_from and s.paused_from.value,
            )

    @given(problem_lists(), st.integers(-30, 90), st.sampled_from(_PROVISIONAL))
    def test_overdue(self, drawn: tuple[Any, dt.date], later: int, cal: HolidayCalendar) -> None:
        issues, day = advanced(drawn, later)
        expected = [
            (
                o.issue,
                o.tier,
                o.owner,
                o.deadline,
                o.sheet and o.sheet.value,
                o.calendar_days,
                o.working_days,
                o.provisional,
            )
            for o in overdue(issues, day, calendar=cal)
        ]
        assert expected == overdue_table(from_issues(issues), day, calendar=cal).rows()

    @given(problem_lists(), st.integers(-30, 90))
    def test_open(self, drawn: tuple[Any, dt.date], later: int) -> None:
        issues, _ = advanced(drawn, later)
        expected = [
            (tier, sheet and sheet.value, len(ids), list(ids))
            for (tier, sheet), ids in open_by_tier_and_colour(issues).items()
        ]
        assert (
            expected
            == open_table(from_issues(issues)).select("tier", "sheet", "count", "issues").rows()
        )

    @given(problem_lists(), st.integers(-30, 90), st.integers(-60, 0), st.integers(2, 3))
    def test_accountability(
        self, drawn: tuple[Any, dt.date], later: int, back: int, yellows: int
    ) -> None:
        """At the day advanced to, or some days before it (issues closed since count as open)."""
        issues, day = advanced(drawn, later)
        on = day + dt.timedelta(days=back)
        expected = [
            (e.unit, i.issue, i.reason.value, i.on, i.detail)
            for e in accountability_list(issues, on, yellows=yellows)
            for i in e.items
        ]
        assert expected == accountability_table(from_issues(issues), on, yellows=yellows).rows()

    @given(problem_lists(), st.integers(-30, 90), st.integers(-60, 0))
    def test_unit_stats(self, drawn: tuple[Any, dt.date], later: int, back: int) -> None:
        issues, day = advanced(drawn, later)
        on = day + dt.timedelta(days=back)
        expected = [tuple(attrs.astuple(s)) for s in unit_stats(issues, on)]
        assert expected == unit_stats_table(from_issues(issues), on).rows()

    @given(problem_lists())
    def test_history(self, drawn: tuple[Any, dt.date]) -> None:
        """The object issue of every id comes back equal, its history whole."""
        issues, _ = drawn
        tables = from_issues(issues)
        assert [history(tables, q.id) for q in issues] == list(issues)

    @given(problem_lists(), st.integers(-30, 90))
    def test_a_valid_history_is_no_suspect(self, drawn: tuple[Any, dt.date], later: int) -> None:
        """The column-wise check of the histories rebuilds no issue of a valid ledger.

        Each suspect is rebuilt as an object, reading the whole events table:
        a check that flagged valid issues (an event without a sheet read as a
        milder sheet did) made a province's cycle take hours.
        """
        issues, _ = advanced(drawn, later)
        rebuilt: list[str] = []
        real = escalation_tables.history

        def counted(tables: LedgerTables, issue_id: str) -> Issue:
            rebuilt.append(issue_id)
            return real(tables, issue_id)

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(escalation_tables, "history", counted)
            status_table(from_issues(issues))
        assert [] == rebuilt

    def test_history_of_unknown_id(self) -> None:
        with pytest.raises(
            ValidationError, match="issue: expected an issue id of the ledger, got 'Q-404'"
        ):
            history(from_issues(()), "Q-404")

    def test_accountability_yellows_checked(self) -> None:
        with pytest.raises(ValidationError, match="yellows: expected a count >= 2"):
            accountability_table(from_issues(()), SAMPLE_AS_OF, yellows=1)
