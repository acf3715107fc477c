"""The engine's integrity findings equal integrity_report on generated ledgers, word for word."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from projpush._convert import normalise_text
from projpush.engine import (
    TABLES,
    from_portfolio,
    integrity_findings,
    integrity_table,
    to_portfolio,
)
from projpush.engine.integrity import COLUMNS
from projpush.errors import ProjpushError, ValidationError
from projpush.model import (
    Finding,
    FindingKind,
    Milestone,
    Month,
    Portfolio,
    Project,
    Secretary,
    Unit,
    integrity_report,
)
from projpush.synth import SAMPLE_AS_OF, sample_portfolio
from projpush.testing import amounts, leaders, milestones, names, projects, secretaries, units

if TYPE_CHECKING:
    from collections.abc import Callable

    from projpush.engine import LedgerTables

YEARS = (2019, 2020, 2021)
UNITS = ("市交通局", "市发改委", "市住建局", "鄞州区政府")  # the units projpush.testing draws

tiny = st.builds(
    lambda n, places: Decimal(n).scaleb(-places), st.integers(0, 20), st.integers(6, 12)
)
"""Amounts of 0.000001 万元 and below: ``str(Decimal)`` writes some as ``1E-7``."""
huge = st.integers(10**27 - 10**3, 10**28 - 1).map(lambda n: Decimal(n).scaleb(-12))
"""Amounts just under 10^16 万元 at 12 places: two of them sum to more than 28 digits."""


@st.composite
def plans(draw: st.DrawFn) -> tuple[dict[Month, Decimal], dict[int, Decimal]]:
    """Monthly plans in some years, and annual plans just under, at or over their sums."""
    amount = draw(st.sampled_from([amounts, amounts, tiny, huge]))
    monthly: dict[Month, Decimal] = {}
    annual: dict[int, Decimal] = {}
    for year in draw(st.sets(st.sampled_from(YEARS))):
        chosen = draw(st.sets(st.integers(1, 12), max_size=4))
        figures = {Month(year, m): draw(amount) for m in sorted(chosen)}
        monthly |= figures
        total = sum(figures.values(), Decimal(0))
        delta = draw(st.sampled_from(["-", "0", "+", "none", "other"]))
        step = draw(st.sampled_from([Decimal("0.01"), Decimal(1), Decimal("1E-12")]))
        if delta == "-":
            annual[year] = max(total - step, Decimal(0))
        elif delta == "0":
            annual[year] = total
        elif delta == "+":
            annual[year] = total + step
        elif delta == "other":
            annual[year] = draw(amounts)
    for year in draw(st.sets(st.sampled_from(YEARS))):  # a plan for a year without months
        annual.setdefault(year, draw(amounts))
    return monthly, {y: min(a, Decimal(9999999999999999)) for y, a in annual.items()}


@st.composite
def integrity_ledgers(draw: st.DrawFn) -> Portfolio:
    """Ledgers with every finding: no leader, no or several secretaries, overdue milestones,
    monthly plans over the annual plan, unknown units, with or without a unit directory."""
    ledger = []
    for i in range(draw(st.integers(0, 5))):
        monthly, annual = draw(plans())
        nodes = draw(st.lists(milestones(), max_size=4, unique_by=lambda m: normalise_text(m.name)))
        ledger.append(
            attrs.evolve(
                draw(projects(serial=i)),
                monthly_plan=monthly,
                annual_plans=annual,
                milestones=tuple(nodes),
            )
        )
    keys = tuple(p.key for p in ledger)
    people = draw(st.lists(names, max_size=6, unique_by=normalise_text))
    guarantors = tuple(draw(leaders(keys, n)) for n in people[:3])
    served = [draw(secretaries(keys, n)) for n in people[3:]]
    if keys and draw(st.booleans()):  # one serving many: overloaded under a low cap
        many = tuple(draw(st.lists(st.sampled_from(keys), min_size=1, unique=True)))
        served.append(Secretary(name="多项目秘书", unit="市发改委", projects=many))
    directory = draw(st.sampled_from(["none", "drawn", "known", "mixed"]))
    if directory == "none":
        directory_units: tuple[Unit, ...] = ()
    elif directory == "drawn":
        directory_units = tuple(
            draw(
                st.lists(units, min_size=1, max_size=3, unique_by=lambda u: normalise_text(u.name))
            )
        )
    else:
        known = draw(st.lists(st.sampled_from(UNITS), min_size=1, unique=True))
        other = ["市'局"] if directory == "mixed" else []
        directory_units = tuple(Unit(name) for name in (*known, *other))
    return Portfolio(
        projects=tuple(ledger),
        leaders=guarantors,
        secretaries=tuple(served),
        units=directory_units,
    )


@st.composite
def cases(draw: st.DrawFn) -> tuple[Portfolio, dt.date, int]:
    """A ledger, a day (often on or next to a milestone's dates) and a secretary cap."""
    portfolio = draw(integrity_ledgers())
    days = sorted(
        {
            d + dt.timedelta(days=shift)
            for p in portfolio.projects
            for m in p.milestones
            for d in (m.planned, m.done)
            if d is not None
            for shift in (-1, 0, 1)
        }
    )
    anywhere = st.dates(min_value=dt.date(2017, 1, 1), max_value=dt.date(2027, 12, 31))
    as_of = draw(st.sampled_from(days) | anywhere) if days else draw(anywhere)
    cap = draw(st.integers(-1, 4) | st.just(5))
    return portfolio, as_of, cap


def outcome(run: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """What ``run`` returns, or the type and message of the error it raises."""
    try:
        return run(*args, **kwargs)
    except (ProjpushError, TypeError) as error:
        return type(error), str(error)


def shuffled(tables: LedgerTables, data: st.DataObject) -> LedgerTables:
    """The same tables with the rows of each in another order: ``seq`` keeps the ledger's."""
    changes = {}
    for name, table in tables:
        if table.num_rows > 1:
            order = data.draw(st.permutations(range(table.num_rows)), label=name)
            changes[name] = table.take(pa.array(order, pa.int64()))
    return attrs.evolve(tables, **changes)


def expected(tables: LedgerTables, as_of: Any, **options: Any) -> Any:
    """The object rule on the ledger the tables hold."""
    return outcome(integrity_report, to_portfolio(tables), as_of, **options)


def words(findings: Any) -> Any:
    """Findings as what a reader sees: the facts exactly (``Decimal`` exponents too), both texts.

    Findings compare their facts by value, so ``Decimal("110")`` equals
    ``Decimal("110.000000000000")``; their reprs and texts do not.
    """
    if not isinstance(findings, tuple):  # an error's type and message
        return findings
    return [
        (f.kind, f.subject, f.detail, repr(f.facts), f.text("zh"), f.text("en")) for f in findings
    ]


def latin_outside_names(text: str, finding: Finding) -> list[str]:
    """ASCII letters of ``text`` once the ledger's names and codes in it are taken out."""
    names = [finding.subject]
    for value in finding.facts.values():
        names.extend(
            value if isinstance(value, tuple) else [value] if isinstance(value, str) else []
        )
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, "")
    return re.findall(r"[A-Za-z]+", text)


class TestIntegrity:
    """integrity_findings is integrity_report on the same ledger, in the same order."""

    @given(cases())
    def test_equals_integrity_report(self, case: tuple[Portfolio, dt.date, int]) -> None:
        portfolio, as_of, cap = case
        tables = from_portfolio(portfolio)
        want = expected(tables, as_of, secretary_cap=cap)
        got = outcome(integrity_findings, tables, as_of, secretary_cap=cap)
        assert got == want
        assert words(got) == words(want)
        if isinstance(got, tuple):  # the English detail is what the facts say
            assert [repr(Finding.of(f.kind, f.subject, **f.facts)) for f in got] == list(
                map(repr, got)
            )
            for f in got:  # the Chinese text has no English word, only the ledger's names
                assert latin_outside_names(f.text("zh"), f) == [], f
        table = integrity_table(tables, as_of, secretary_cap=cap)
        assert [(f.kind.value, f.subject, f.detail) for f in want] == table.select(
            "kind", "subject", "detail"
        ).rows()
        for row in table.iter_rows(named=True):
            overloaded = row["kind"] == FindingKind.SECRETARY_OVERLOADED.value
            assert row["key"] == (None if overloaded else row["subject"])
            assert (row["name"] is None) == overloaded
            several = row["kind"] == FindingKind.SEVERAL_SECRETARIES.value
            assert (row["secretaries"] is not None) == several
            if several:
                assert row["detail"].endswith(": served by " + ", ".join(row["secretaries"]))
            if row["kind"] == FindingKind.MONTHLY_PLAN_EXCEEDS_ANNUAL.value:
                assert row["monthly_plan"] > row["annual_plan"]
                assert row["detail"].startswith(f"{row['year']}: ")
            if row["kind"] == FindingKind.MILESTONE_OVERDUE.value:
                assert row["planned"] < as_of
                assert row["detail"].startswith(f"{row['milestone']}: planned {row['planned']}")

    @given(cases(), st.data())
    def test_row_order_does_not_matter(
        self, case: tuple[Portfolio, dt.date, int], data: st.DataObject
    ) -> None:
        """Every table's rows in any order, a partitioned dataset's say: ``seq`` orders them."""
        portfolio, as_of, cap = case
        tables = from_portfolio(portfolio)
        got = integrity_findings(shuffled(tables, data), as_of, secretary_cap=cap)
        want = expected(tables, as_of, secretary_cap=cap)
        assert got == want
        assert words(got) == words(want)

    @given(integrity_ledgers())
    def test_default_cap(self, portfolio: Portfolio) -> None:
        tables = from_portfolio(portfolio)
        got, want = integrity_findings(tables, SAMPLE_AS_OF), expected(tables, SAMPLE_AS_OF)
        assert got == want
        assert words(got) == words(want)

    def test_sample(self) -> None:
        tables = from_portfolio(sample_portfolio())
        for cap in (5, 1, 0):
            got = integrity_findings(tables, SAMPLE_AS_OF, secretary_cap=cap)
            want = expected(tables, SAMPLE_AS_OF, secretary_cap=cap)
            assert got == want
            assert words(got) == words(want)

    def test_every_table_present(self) -> None:
        """No table the ledger may lack is needed: empty ones give no findings of theirs."""
        tables = from_portfolio(Portfolio())
        assert [name for name, _ in tables] == list(TABLES)
        table = integrity_table(tables, SAMPLE_AS_OF)
        assert table.is_empty()
        assert tuple(table.columns) == COLUMNS


def one_project(**changes: Any) -> Project:
    fields: dict[str, Any] = {
        "local_id": "L-1",
        "name": "试验项目",
        "level": "city",
        "category": "social",
        "stage": "reserved",
        "region": "海曙区",
        "unit": "市教育局",
    }
    return Project(**(fields | changes))


class TestAmountsAndText:
    """Each amount and name is written as the object rule writes it."""

    def detail(self, portfolio: Portfolio, as_of: dt.date = SAMPLE_AS_OF) -> list[str]:
        tables = from_portfolio(portfolio)
        got, want = integrity_findings(tables, as_of), expected(tables, as_of)
        assert got == want
        assert words(got) == words(want)
        return [f.detail for f in got if f.kind is FindingKind.MONTHLY_PLAN_EXCEEDS_ANNUAL]

    def test_tiny_sums_in_scientific_notation(self) -> None:
        p = one_project(
            monthly_plan={"2020-01": "0.00000005", "2020-02": "0.00000005", "2021-03": "0.0000001"},
            annual_plans={2020: 0, 2021: 0},
        )
        assert self.detail(Portfolio(projects=(p,))) == [
            "2020: monthly plans sum to 1.0E-7 万元, annual plan is 0 万元",
            "2021: monthly plans sum to 1E-7 万元, annual plan is 0 万元",
        ]

    def test_tiny_sums_written_plainly_in_chinese(self) -> None:
        """The facts hold the object rule's exact sum; Chinese writes it without an exponent."""
        p = one_project(
            monthly_plan={"2020-01": "0.00000005", "2020-02": "0.00000005"},
            annual_plans={2020: 0},
        )
        tables = from_portfolio(Portfolio(projects=(p,)))
        (found,) = [
            f
            for f in integrity_findings(tables, SAMPLE_AS_OF)
            if f.kind is FindingKind.MONTHLY_PLAN_EXCEEDS_ANNUAL
        ]
        assert repr(found.facts["monthly_plan"]) == "Decimal('1.0E-7')"
        assert found.text("zh") == "2020年月度计划合计0.00000010万元，超过年度计划0万元"

    def test_places_of_the_most_precise_month(self) -> None:
        p = one_project(
            monthly_plan={"2020-01": "0.5", "2020-02": "0.5", "2020-03": "1.25"},
            annual_plans={2020: "2.0"},
        )
        assert self.detail(Portfolio(projects=(p,))) == [
            "2020: monthly plans sum to 2.25 万元, annual plan is 2 万元"
        ]

    def test_a_sum_the_context_rounds(self) -> None:
        """Two amounts near 10^16 at 12 places: 29 digits, rounded to 28 as Decimal adds."""
        big = "9999999999999999.999999999999"
        p = one_project(monthly_plan={"2021-01": big, "2021-02": big}, annual_plans={2021: big})
        assert self.detail(Portfolio(projects=(p,))) == [
            (
                "2021: monthly plans sum to 20000000000000000.00000000000 万元, "
                f"annual plan is {big} 万元"
            )
        ]

    def test_units_quoted_as_repr(self) -> None:
        units = ("市'局", 'a"b', "反\\斜")
        projects = tuple(one_project(local_id=f"L-{i}", unit=unit) for i, unit in enumerate(units))
        portfolio = Portfolio(projects=projects, units=(Unit("市教育局"),))
        tables = from_portfolio(portfolio)
        got = integrity_findings(tables, SAMPLE_AS_OF)
        assert got == expected(tables, SAMPLE_AS_OF)
        unknown = [f.detail for f in got if f.kind is FindingKind.UNKNOWN_UNIT]
        assert unknown == [f"试验项目: unit {u!r} is not in the unit directory" for u in units]
        chinese = [f.text("zh") for f in got if f.kind is FindingKind.UNKNOWN_UNIT]
        assert chinese == [f"试验项目：责任单位“{u}”不在单位名录中" for u in units]

    def test_milestone_due_and_done_on_the_day(self) -> None:
        day = dt.date(2020, 5, 31)
        p = one_project(
            milestones=(
                Milestone("准时", planned=day),  # due on the day: not overdue yet
                Milestone("按期完成", planned=dt.date(2020, 5, 1), done=day),
                Milestone("迟完成", planned=dt.date(2020, 5, 1), done=dt.date(2020, 6, 1)),
                Milestone("未完成", planned=dt.date(2020, 5, 30)),
            )
        )
        tables = from_portfolio(Portfolio(projects=(p,)))
        table = integrity_table(tables, day)
        overdue = table.filter(table["kind"] == "milestone_overdue")
        assert overdue["milestone"].to_list() == ["迟完成", "未完成"]
        assert integrity_findings(tables, day) == expected(tables, day)


class TestErrors:
    """Bad arguments fail as the object rule fails, with its message."""

    @pytest.mark.parametrize(
        "as_of",
        ["2020-10-31", dt.datetime(2020, 10, 31, 9), None, 20201031],  # noqa: DTZ001
    )
    def test_bad_as_of(self, as_of: Any) -> None:
        tables = from_portfolio(sample_portfolio())
        want = expected(tables, as_of)
        assert want[0] is ValidationError
        assert outcome(integrity_findings, tables, as_of) == want
        assert outcome(integrity_table, tables, as_of) == want
        with pytest.raises(ValidationError, match=r"^as_of: expected a date"):
            integrity_table(tables, as_of)

    @pytest.mark.parametrize("cap", ["5", None, Decimal("2.5"), 2.5, True])
    def test_odd_caps_as_the_object_rule(self, cap: Any) -> None:
        """The object rule compares the cap with each count: a cap that cannot be compared
        raises its TypeError when there is a secretary, and nothing when there is none."""
        tables = from_portfolio(sample_portfolio())
        want = expected(tables, SAMPLE_AS_OF, secretary_cap=cap)
        assert outcome(integrity_findings, tables, SAMPLE_AS_OF, secretary_cap=cap) == want
        alone = from_portfolio(Portfolio(projects=(one_project(),)))
        want = expected(alone, SAMPLE_AS_OF, secretary_cap=cap)
        assert outcome(integrity_findings, alone, SAMPLE_AS_OF, secretary_cap=cap) == want

    def test_uncomparable_cap_message(self) -> None:
        tables = from_portfolio(sample_portfolio())
        with pytest.raises(
            TypeError, match="'>' not supported between instances of 'int' and 'str'"
        ):
            integrity_table(tables, SAMPLE_AS_OF, secretary_cap="5")
