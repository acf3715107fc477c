"""synthetic_tables is synthetic_portfolio's ledger, made as tables: equal table for table."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pytest

from projpush.engine import (
    TABLES,
    LedgerTables,
    from_portfolio,
    judge_tables,
    monthly_summary_tables,
    read_parquet,
    synthetic_tables,
    to_portfolio,
    write_parquet,
)
from projpush.engine import synth as engine_synth
from projpush.engine.tables import MONEY
from projpush.errors import CalendarCoverageError, ValidationError
from projpush.lights import judge_portfolio
from projpush.metrics import monthly_summary
from projpush.schedule import HolidayCalendar
from projpush.synth import CALENDAR_2020, synthetic_portfolio

D = dt.date


def differing(got: LedgerTables, expected: LedgerTables) -> list[str]:
    """The tables that are not equal (values, types, nulls and row order)."""
    return [name for name, table in got if not table.equals(getattr(expected, name))]


@pytest.mark.parametrize(
    ("n", "seed", "as_of"),
    [
        (0, 0, None),
        (1, 0, None),
        (1, 5, D(2020, 1, 10)),  # no month has ended: nothing reported yet
        (7, 1, D(2020, 9, 30)),
        (50, 2, None),
        (300, 3, D(2020, 6, 30)),
        (300, 20200930, D(2020, 9, 30)),
        (300, 4, D(2020, 12, 31)),  # issues raised by 30 November keep their deadlines in 2020
    ],
)
def test_equal_to_the_object_ledger(n: int, seed: int, as_of: dt.date | None) -> None:
    got = synthetic_tables(n, seed=seed, as_of=as_of)
    expected = from_portfolio(synthetic_portfolio(n, seed=seed, as_of=as_of))
    assert differing(got, expected) == []


def test_equal_on_random_arguments() -> None:
    """Any seed, date and issue count: every branch of the draws (lags, gaps, stops) is hit."""
    chosen = random.Random(13)  # noqa: S311 (test arguments)
    for _ in range(12):
        n = chosen.choice([2, 5, 40, 120])
        as_of = D(2020, 1, 1) + dt.timedelta(days=chosen.randrange(366))
        options = {
            "seed": chosen.randrange(2**32),
            "as_of": as_of,
            "issues_per_project": chosen.choice([0, 1, 3, 6]),
        }
        got = synthetic_tables(n, **options)  # type: ignore[arg-type]
        expected = from_portfolio(synthetic_portfolio(n, **options))  # type: ignore[arg-type]
        assert differing(got, expected) == [], options


def test_another_year_and_calendar() -> None:
    """A plan year of one's own, on a calendar covering it (weekends off, one holiday)."""
    cal = HolidayCalendar(
        years=range(2023, 2024), holidays={D(2023, 10, 2)}, workdays=set(), name="2023 test"
    )
    got = synthetic_tables(120, seed=9, year=2023, as_of=D(2023, 8, 31), calendar=cal)
    expected = synthetic_portfolio(120, seed=9, year=2023, as_of=D(2023, 8, 31), calendar=cal)
    assert differing(got, from_portfolio(expected)) == []


def test_checked_conversion_passes() -> None:
    """to_portfolio rebuilds every value through the model: every rule holds."""
    for n, seed in ((1, 0), (7, 3), (300, 11)):
        tables = synthetic_tables(n, seed=seed, as_of=D(2020, 9, 30))
        portfolio = to_portfolio(tables)
        assert len(portfolio.projects) == n
        assert len(portfolio.issues) == 3 * n
        assert portfolio == synthetic_portfolio(n, seed=seed, as_of=D(2020, 9, 30))


def test_shape() -> None:
    """Counts per table, within the bounds the generator's rules set."""
    n = 2000
    t = synthetic_tables(n, seed=1)
    rows = {name: table.num_rows for name, table in t}
    planned = rows["annual_plans"]  # under construction, suspended and completed projects
    assert 0.75 * n < planned < 0.95 * n  # 85 % expected
    assert rows["milestones"] == 2 * planned
    assert planned <= rows["stage_events"] <= 2 * planned
    assert rows["monthly"] <= 12 * planned
    assert rows["issues"] == 3 * n
    assert 3 * n <= rows["issue_events"] <= 5 * 3 * n
    assert n / 3 <= rows["secretaries"] <= n
    assert rows["secretary_projects"] == n
    assert rows["contacts"] == rows["secretaries"]
    assert rows["task_force_projects"] == (n + 2) // 3
    assert rows["approvals"] == rows["site_observations"] == 0
    assert rows["units"] == 26


def test_deterministic() -> None:
    one = synthetic_tables(200, seed=42)
    assert differing(one, synthetic_tables(200, seed=42)) == []
    other = differing(one, synthetic_tables(200, seed=43))
    assert {"projects", "monthly", "issues", "issue_events", "secretaries"} <= set(other)


def test_lights_and_summary_agree() -> None:
    """The engine's rules on the generated tables equal the object rules on the objects."""
    as_of = D(2020, 9, 30)
    tables = synthetic_tables(300, seed=5, as_of=as_of)
    portfolio = synthetic_portfolio(300, seed=5, as_of=as_of)
    verdicts = judge_tables(tables, as_of, lenient=True).verdicts
    lights = {k: None if v is None else v for k, v in verdicts.select("key", "light").rows()}
    expected = {
        v.project: None if v.light is None else v.light.value
        for v in judge_portfolio(portfolio, as_of, lenient=True).verdicts
    }
    assert lights == expected
    assert {"green", "yellow", "red"} <= set(lights.values())
    got = monthly_summary_tables(tables, as_of, calendar=CALENDAR_2020)
    assert got.to_dict() == monthly_summary(portfolio, as_of, calendar=CALENDAR_2020).to_dict()


def test_parquet_round_trip(tmp_path: object) -> None:
    tables = synthetic_tables(60, seed=8)
    folder = tmp_path / "synth.parquet"  # type: ignore[operator]
    write_parquet(tables, folder)
    assert differing(read_parquet(folder), tables) == []


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        ((-1,), ValidationError, "n_projects"),
        ((True,), ValidationError, "n_projects"),
        ((5_000_001,), ValidationError, "n_projects"),
        ((2.0,), ValidationError, "n_projects"),
    ],
)
def test_bad_count(args: tuple[object, ...], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        synthetic_tables(*args)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"issues_per_project": -1}, ValidationError),
        ({"issues_per_project": False}, ValidationError),
        ({"as_of": D(2021, 1, 1)}, ValidationError),
        ({"year": 2021}, CalendarCoverageError),
    ],
)
def test_same_errors_as_the_objects(options: dict[str, object], error: type[Exception]) -> None:
    with pytest.raises(error) as expected:
        synthetic_portfolio(3, **options)  # type: ignore[arg-type]
    with pytest.raises(error) as got:
        synthetic_tables(3, **options)  # type: ignore[arg-type]
    assert str(got.value) == str(expected.value)


def test_code_year_out_of_range_refused_as_the_model_does() -> None:
    cal = HolidayCalendar(years=range(1991, 1992), holidays=set(), workdays=set(), name="1991")
    with pytest.raises(ValidationError) as expected:
        synthetic_portfolio(30, seed=1, year=1991, as_of=D(1991, 10, 31), calendar=cal)
    with pytest.raises(ValidationError) as got:
        synthetic_tables(30, seed=1, year=1991, as_of=D(1991, 10, 31), calendar=cal)
    assert str(got.value) == str(expected.value)


def test_money_beyond_the_fast_path() -> None:
    """Amounts the 64-bit shortcut cannot hold take Arrow's cast, with the same result."""
    amounts = np.array([0, 7, 2**62, 10**15], np.int64)
    mask = np.array([False, True, False, False])
    expected = pa.array([Decimal(0), None, Decimal(2**62), Decimal(10**15)], MONEY)
    assert engine_synth._money(amounts, mask).equals(expected)
    assert engine_synth._money(amounts[:2], mask[:2]).equals(expected[:2])


def test_groups_run_out_of_words() -> None:
    """Too few words for the groups asked: None, and the caller draws more."""
    words = np.array([0, 0, 0, 0], np.uint64)  # every draw accepted: groups of size 1
    accept = np.ones(4, bool)
    sizes = np.array([1, 1, 1, 2, 2, 3], np.int64)
    assert engine_synth._groups(words, accept, accept, sizes, 3) is None
    a_at, b_at = engine_synth._groups(words, accept, accept, sizes, 2)
    assert a_at.tolist() == [0, 2]
    assert b_at.tolist() == [1, 3]


def test_no_projects() -> None:
    """Every table, empty but for the city's leaders, units and task forces."""
    rows = {name: table.num_rows for name, table in synthetic_tables(0)}
    assert list(rows) == list(TABLES)
    kept = {"leaders": 6, "units": 26, "task_forces": 6, "task_force_members": 6}
    assert rows == {name: kept.get(name, 0) for name in TABLES}
